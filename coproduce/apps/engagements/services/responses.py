""" "You said, we did": writing, publishing and announcing an engagement's response."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_diff, audit_event_create, audit_snapshot
from coproduce.apps.engagements.errors import EngagementStateError, ResponseError
from coproduce.apps.engagements.models import Engagement, EngagementResponse
from coproduce.apps.engagements.permissions import can_manage_engagements
from coproduce.apps.engagements.services.engagements import engagement_mark_responded
from coproduce.apps.surveys.models import AnswerTag, Question
from coproduce.apps.surveys.selectors.public import (
    answer_tag_list_for_engagement,
    contact_emails_for_engagement,
    question_list_for_engagement,
)

_RESPONSE_FIELDS = [
    "what_we_heard_en",
    "what_we_heard_cy",
    "what_we_decided_en",
    "what_we_decided_cy",
    "what_changes_en",
    "what_changes_cy",
    "what_does_not_change_en",
    "what_does_not_change_cy",
    "status",
]
_TEXT_FIELDS = _RESPONSE_FIELDS[:-1]


@transaction.atomic
def response_save(
    *,
    actor: User,
    engagement: Engagement,
    what_we_heard_en: str,
    what_we_decided_en: str,
    what_changes_en: str,
    what_does_not_change_en: str,
    what_we_heard_cy: str = "",
    what_we_decided_cy: str = "",
    what_changes_cy: str = "",
    what_does_not_change_cy: str = "",
    linked_questions: Iterable[Question] = (),
    linked_tags: Iterable[AnswerTag] = (),
) -> EngagementResponse:
    """Write or change the response. A draft stays hidden until published; a
    published response changes in place (the change is audited).

    Raises PermissionDenied, EngagementStateError (not closed yet, or archived),
    ResponseError (questions or tags of another engagement) or ValidationError.
    """
    if not can_manage_engagements(actor, engagement.organisation):
        raise PermissionDenied
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if engagement.status not in (Engagement.Status.CLOSED, Engagement.Status.RESPONDED):
        raise EngagementStateError(
            _(
                "This engagement is %(status)s. Write the response after it closes "
                "and before it is archived."
            )
            % {"status": engagement.get_status_display()}
        )
    questions, tags = list(linked_questions), list(linked_tags)
    allowed_questions = set(
        question_list_for_engagement(engagement=engagement).values_list("pk", flat=True)
    )
    if any(q.pk not in allowed_questions for q in questions):
        raise ResponseError(
            _("Choose questions from this engagement's surveys."),
            field="linked_questions",
        )
    allowed_tags = set(
        answer_tag_list_for_engagement(engagement=engagement).values_list(
            "pk", flat=True
        )
    )
    if any(t.pk not in allowed_tags for t in tags):
        raise ResponseError(
            _("Choose tags from this engagement's surveys."), field="linked_tags"
        )
    response = (
        EngagementResponse.objects.select_for_update()
        .filter(engagement=engagement)
        .first()
    )
    is_new = response is None
    if response is None:
        response = EngagementResponse(engagement=engagement)
    before = {} if is_new else audit_snapshot(response, _RESPONSE_FIELDS)
    values = {
        "what_we_heard_en": what_we_heard_en,
        "what_we_heard_cy": what_we_heard_cy,
        "what_we_decided_en": what_we_decided_en,
        "what_we_decided_cy": what_we_decided_cy,
        "what_changes_en": what_changes_en,
        "what_changes_cy": what_changes_cy,
        "what_does_not_change_en": what_does_not_change_en,
        "what_does_not_change_cy": what_does_not_change_cy,
    }
    for name, value in values.items():
        setattr(response, name, value.strip())
    response.full_clean()
    response.save()
    response.linked_questions.set(questions)
    response.linked_tags.set(tags)
    after = audit_snapshot(response, _RESPONSE_FIELDS)
    audit_event_create(
        actor=actor,
        action="response.create" if is_new else "response.update",
        target=response,
        organisation=engagement.organisation,
        changes=after if is_new else audit_diff(before, after),
    )
    return response


@transaction.atomic
def response_publish(
    *, actor: User, engagement: Engagement, now: datetime | None = None
) -> EngagementResponse:
    """Publish the draft response: the engagement becomes "responded" and
    everyone who asked to hear back is e-mailed after commit.

    Raises PermissionDenied, EngagementStateError (engagement not closed) or
    ResponseError (no draft to publish).
    """
    if not can_manage_engagements(actor, engagement.organisation):
        raise PermissionDenied
    now = now or timezone.now()
    engagement = (
        Engagement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=engagement.pk)
    )
    response = (
        EngagementResponse.objects.select_for_update()
        .filter(engagement=engagement)
        .first()
    )
    if response is None:
        raise ResponseError(_("Write the response before publishing it."))
    if response.status == EngagementResponse.Status.PUBLISHED:
        raise EngagementStateError(_("This response has already been published."))
    response.status = EngagementResponse.Status.PUBLISHED
    response.published_at = now
    response.published_by = actor
    response.full_clean()
    # The engagement's transition checks the lifecycle (closed → responded)
    # and raises before anything is saved if the engagement is not closed.
    engagement_mark_responded(actor=actor, engagement=engagement, now=now)
    response.save(
        update_fields=["status", "published_at", "published_by", "updated_at"]
    )
    audit_event_create(
        actor=actor,
        action="response.publish",
        target=response,
        organisation=engagement.organisation,
    )
    from coproduce.apps.engagements.tasks import response_notify_task

    # After COMMIT only: a publication that rolls back must not e-mail anyone.
    transaction.on_commit(
        partial(response_notify_task.enqueue, response_id=response.pk)
    )
    return response


def response_notify(*, response_id: int, site_url: str) -> int:
    """E-mail everyone who asked to hear back that the response is published.

    Called by the task. Idempotent: the response row is locked and a response
    already notified is not notified again. Returns how many were e-mailed.
    """
    with transaction.atomic():
        response = (
            EngagementResponse.objects.select_for_update()
            .select_related("engagement__organisation")
            .get(pk=response_id)
        )
        if (
            response.status != EngagementResponse.Status.PUBLISHED
            or response.notified_count
        ):
            return 0
        engagement = response.engagement
        recipients = contact_emails_for_engagement(engagement=engagement)
        with translation.override("en"):
            path = reverse(
                "engagements:engagement-detail",
                kwargs={
                    "org_slug": engagement.organisation.slug,
                    "slug": engagement.slug,
                },
            )
        context = {
            "title_en": engagement.title_en,
            "title_cy": engagement.title_cy or engagement.title_en,
            "organisation_en": engagement.organisation.name_en,
            "organisation_cy": engagement.organisation.name_cy
            or engagement.organisation.name_en,
            "url_en": site_url.rstrip("/") + path + "#response",
            "url_cy": site_url.rstrip("/") + "/cy" + path + "#response",
        }
        subjects = []
        for language, title in (
            ("en", context["title_en"]),
            ("cy", context["title_cy"]),
        ):
            with translation.override(language):
                subjects.append(_("You said, we did: %(title)s") % {"title": title})
        # Subjects cannot hold line breaks; hostile titles might.
        subject = " / ".join(subjects).replace("\n", " ").replace("\r", " ")[:250]
        body = render_to_string("engagements/email/response_published.txt", context)
        n_sent = 0
        for email in recipients:
            # One message each: recipients must not see each other's addresses.
            n_sent += send_mail(subject, body, None, [email])
        response.notified_count = max(n_sent, 0)
        response.save(update_fields=["notified_count", "updated_at"])
        audit_event_create(
            actor=None,
            action="response.notify",
            target=response,
            organisation=engagement.organisation,
            changes={"notified_count": n_sent},
        )
    return n_sent
