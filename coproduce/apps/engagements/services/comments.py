"""Residents' public comments and their moderation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.engagements.errors import CommentError, EngagementStateError
from coproduce.apps.engagements.models import Comment, Engagement
from coproduce.apps.engagements.permissions import can_manage_engagements


@transaction.atomic
def comment_create(*, actor: User, engagement: Engagement, body: str) -> Comment:
    """Post a comment; it waits for moderation before anyone else sees it.

    Raises PermissionDenied (not signed in), EngagementStateError (comments off
    or engagement not open), CommentError (empty) or ValidationError.
    """
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if not engagement.allows_comments:
        raise EngagementStateError(_("This engagement does not take comments."))
    if engagement.status != Engagement.Status.OPEN:
        raise EngagementStateError(
            _(
                "This engagement is %(status)s. Comments are taken only while it "
                "is open."
            )
            % {"status": engagement.get_status_display()}
        )
    body = body.strip()
    if not body:
        raise CommentError(_("Enter your comment."), field="body")
    comment = Comment(engagement=engagement, author=actor, body=body)
    comment.full_clean()
    comment.save()
    audit_event_create(
        actor=actor,
        action="comment.create",
        target=comment,
        organisation=engagement.organisation,
        changes={"length": len(body)},
    )
    return comment


def _moderate(*, actor: User, comment: Comment, status: str, reason: str) -> Comment:
    organisation = comment.engagement.organisation
    if not can_manage_engagements(actor, organisation):
        raise PermissionDenied
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == status:
        raise EngagementStateError(
            _("This comment is already %(status)s.")
            % {"status": comment.get_status_display().lower()}
        )
    before = comment.status
    comment.status = status
    comment.rejection_reason = reason
    comment.moderated_by = actor
    comment.moderated_at = timezone.now()
    comment.full_clean()
    comment.save(
        update_fields=["status", "rejection_reason", "moderated_by", "moderated_at"]
    )
    audit_event_create(
        actor=actor,
        action="comment.approve"
        if status == Comment.Status.APPROVED
        else "comment.reject",
        target=comment,
        organisation=organisation,
        changes={
            "status": {"before": before, "after": status},
            **({"reason": reason} if reason else {}),
        },
    )
    return comment


@transaction.atomic
def comment_approve(*, actor: User, comment: Comment) -> Comment:
    """Publish a comment. Raises PermissionDenied or EngagementStateError."""
    return _moderate(
        actor=actor, comment=comment, status=Comment.Status.APPROVED, reason=""
    )


@transaction.atomic
def comment_reject(*, actor: User, comment: Comment, reason: str) -> Comment:
    """Keep a comment unpublished, with a reason the author will see.

    Raises PermissionDenied, CommentError (no reason) or EngagementStateError.
    """
    if not can_manage_engagements(actor, comment.engagement.organisation):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise CommentError(
            _("Enter the reason for not publishing the comment."),
            field="rejection_reason",
        )
    return _moderate(
        actor=actor, comment=comment, status=Comment.Status.REJECTED, reason=reason
    )
