"""Comments: who may post when, and moderation with reasons and an audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.engagements.errors import CommentError, EngagementStateError
from coproduce.apps.engagements.models import Comment, Engagement
from coproduce.apps.engagements.services import (
    comment_approve,
    comment_create,
    comment_reject,
)
from coproduce.apps.engagements.tests.factories import CommentFactory, EngagementFactory
from coproduce.testing.text import hostile_strings


@pytest.mark.django_db
@pytest.mark.parametrize("body", hostile_strings(max_length=2000)[:5])
def test_a_resident_comments_on_an_open_engagement_and_waits_for_moderation(
    organisation, resident, body
):
    engagement = EngagementFactory(organisation=organisation, allows_comments=True)

    comment = comment_create(actor=resident, engagement=engagement, body=body)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.body == body.strip()
    event = AuditEvent.objects.get()
    assert event.action == "comment.create"
    assert event.organisation_id == organisation.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "allows_comments"),
    [
        (Engagement.Status.OPEN, False),
        (Engagement.Status.CLOSED, True),
        (Engagement.Status.DRAFT, True),
        (Engagement.Status.RESPONDED, True),
    ],
)
def test_comments_are_refused_when_off_or_not_open(
    organisation, resident, status, allows_comments
):
    engagement = EngagementFactory(
        organisation=organisation, status=status, allows_comments=allows_comments
    )

    with pytest.raises(EngagementStateError):
        comment_create(actor=resident, engagement=engagement, body="Hello")

    assert not Comment.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_empty_comment_is_refused(organisation, resident):
    engagement = EngagementFactory(organisation=organisation, allows_comments=True)

    with pytest.raises(CommentError) as exc:
        comment_create(actor=resident, engagement=engagement, body="  \n ")

    assert exc.value.field == "body"
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_officer_approves_then_unpublishes_with_a_reason(organisation, officer):
    comment = CommentFactory(engagement__organisation=organisation)

    comment_approve(actor=officer, comment=comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == officer

    comment_reject(actor=officer, comment=comment, reason="Names a neighbour")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    assert comment.rejection_reason == "Names a neighbour"
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["comment.approve", "comment.reject"]
    assert AuditEvent.objects.latest("pk").changes["reason"] == "Names a neighbour"


@pytest.mark.django_db
def test_rejecting_needs_a_reason_and_changes_nothing_without_one(
    organisation, officer
):
    comment = CommentFactory(engagement__organisation=organisation)

    with pytest.raises(CommentError) as exc:
        comment_reject(actor=officer, comment=comment, reason="   ")

    assert exc.value.field == "rejection_reason"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_approving_an_approved_comment_is_a_conflict(organisation, officer):
    comment = CommentFactory(
        engagement__organisation=organisation, status=Comment.Status.APPROVED
    )

    with pytest.raises(EngagementStateError):
        comment_approve(actor=officer, comment=comment)

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "actor_fixture",
    [
        "analyst",
        "elected_member",
        "community_organiser",
        "resident",
        "staff_of_other_organisation",
    ],
)
def test_only_officers_moderate(request, organisation, actor_fixture):
    comment = CommentFactory(engagement__organisation=organisation)

    with pytest.raises(PermissionDenied):
        comment_approve(actor=request.getfixturevalue(actor_fixture), comment=comment)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
