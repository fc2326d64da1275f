""" "You said, we did": saving, publishing, notifying, and the public figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.engagements.errors import (
    EngagementStateError,
    ResponseError,
)
from coproduce.apps.engagements.models import Engagement, EngagementResponse
from coproduce.apps.engagements.selectors import response_figures_for_organisation
from coproduce.apps.engagements.services import (
    response_notify,
    response_publish,
    response_save,
)
from coproduce.apps.engagements.tests.factories import (
    CommentFactory,
    EngagementFactory,
    EngagementResponseFactory,
)
from coproduce.apps.surveys.tests.factories import (
    AnswerTagFactory,
    SubmissionFactory,
    published_survey,
)
from coproduce.testing.text import hostile_strings

S = Engagement.Status
TEXT = {
    "what_we_heard_en": "You want more trees.",
    "what_we_decided_en": "We will plant 40.",
    "what_changes_en": "The north field.",
    "what_does_not_change_en": "The car park stays: it is leased.",
}


def _closed(organisation, **kwargs) -> Engagement:
    kwargs.setdefault("closed_at", timezone.now() - timedelta(days=3))
    return EngagementFactory(organisation=organisation, status=S.CLOSED, **kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("text", hostile_strings(max_length=10000)[:4])
def test_save_creates_a_draft_and_keeps_hostile_text(organisation, officer, text):
    engagement = _closed(organisation)

    response = response_save(
        actor=officer,
        engagement=engagement,
        **{**TEXT, "what_we_heard_en": text, "what_we_heard_cy": text},
    )

    response.refresh_from_db()
    assert response.status == EngagementResponse.Status.DRAFT
    assert response.what_we_heard_en == text.strip()
    assert AuditEvent.objects.get().action == "response.create"


@pytest.mark.django_db
def test_save_twice_updates_the_same_response(organisation, officer):
    engagement = _closed(organisation)
    response_save(actor=officer, engagement=engagement, **TEXT)

    response_save(
        actor=officer, engagement=engagement, **{**TEXT, "what_changes_en": "More"}
    )

    assert EngagementResponse.objects.get().what_changes_en == "More"
    assert AuditEvent.objects.latest("pk").changes["what_changes_en"]["after"] == "More"


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.DRAFT, S.SCHEDULED, S.OPEN, S.ARCHIVED])
def test_save_is_refused_unless_closed_or_responded(organisation, officer, status):
    engagement = EngagementFactory(organisation=organisation, status=status)

    with pytest.raises(EngagementStateError):
        response_save(actor=officer, engagement=engagement, **TEXT)

    assert not EngagementResponse.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_save_links_questions_and_tags_of_this_engagement_only(organisation, officer):
    engagement = _closed(organisation)
    survey = published_survey(engagement=engagement)
    question = survey.questions.first()
    tag = AnswerTagFactory(survey=survey)
    foreign_tag = AnswerTagFactory(survey=published_survey())

    response = response_save(
        actor=officer,
        engagement=engagement,
        linked_questions=[question],
        linked_tags=[tag],
        **TEXT,
    )
    assert list(response.linked_questions.all()) == [question]
    assert list(response.linked_tags.all()) == [tag]

    with pytest.raises(ResponseError) as exc:
        response_save(
            actor=officer, engagement=engagement, linked_tags=[foreign_tag], **TEXT
        )
    assert exc.value.field == "linked_tags"


@pytest.mark.django_db
def test_publish_marks_responded_and_emails_everyone_who_asked_once(
    organisation, officer, django_capture_on_commit_callbacks
):
    engagement = _closed(organisation, allows_comments=True)
    survey = published_survey(engagement=engagement)
    signed_in = UserFactory(email="Signed.In@example.org")
    SubmissionFactory(
        survey=survey, contact_email="Wants@Example.org", wants_updates=True
    )
    SubmissionFactory(
        survey=survey, contact_email="no@example.org", wants_updates=False
    )
    SubmissionFactory(survey=survey, user=signed_in)
    SubmissionFactory(
        survey=survey, contact_email="wants@example.org", wants_updates=True
    )
    CommentFactory(engagement=engagement, author=UserFactory(email="c@example.org"))
    response_save(actor=officer, engagement=engagement, **TEXT)

    with django_capture_on_commit_callbacks(execute=True):
        response = response_publish(actor=officer, engagement=engagement)

    engagement.refresh_from_db()
    response.refresh_from_db()
    assert engagement.status == S.RESPONDED
    assert engagement.responded_at == response.published_at
    assert response.status == EngagementResponse.Status.PUBLISHED
    assert response.published_by == officer
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["c@example.org", "signed.in@example.org", "wants@example.org"]
    assert response.notified_count == 3
    body = mail.outbox[0].body
    assert f"/orgs/{organisation.slug}/engagements/{engagement.slug}/#response" in body
    assert "/cy/orgs/" in body
    assert "Darllen yr ymateb" in body
    assert "\n" not in mail.outbox[0].subject

    # Re-running the task sends nothing more.
    assert response_notify(response_id=response.pk, site_url="http://x") == 0
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_publish_sends_nothing_when_the_transaction_rolls_back(
    organisation, officer, django_capture_on_commit_callbacks
):
    engagement = _closed(organisation)
    response_save(actor=officer, engagement=engagement, **TEXT)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response_publish(actor=officer, engagement=engagement)

    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_publish_without_a_response_is_refused(organisation, officer):
    engagement = _closed(organisation)

    with pytest.raises(ResponseError):
        response_publish(actor=officer, engagement=engagement)

    engagement.refresh_from_db()
    assert engagement.status == S.CLOSED


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.OPEN, S.ARCHIVED])
def test_publish_is_refused_unless_the_engagement_is_closed_and_changes_nothing(
    organisation, officer, status
):
    engagement = EngagementFactory(organisation=organisation, status=status)
    EngagementResponseFactory(engagement=engagement)

    with pytest.raises(EngagementStateError):
        response_publish(actor=officer, engagement=engagement)

    assert EngagementResponse.objects.get().status == EngagementResponse.Status.DRAFT
    engagement.refresh_from_db()
    assert engagement.status == status
    assert not AuditEvent.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_publishing_twice_is_refused(organisation, officer):
    engagement = _closed(organisation)
    response_save(actor=officer, engagement=engagement, **TEXT)
    response_publish(actor=officer, engagement=engagement)

    with pytest.raises(EngagementStateError):
        response_publish(actor=officer, engagement=engagement)


@pytest.mark.django_db
def test_only_officers_publish(organisation, analyst):
    engagement = _closed(organisation)
    EngagementResponseFactory(engagement=engagement)

    with pytest.raises(PermissionDenied):
        response_publish(actor=analyst, engagement=engagement)


@pytest.mark.django_db
def test_public_figures_count_closed_engagements_and_median_days(
    organisation, other_organisation, officer
):
    now = timezone.now()
    for days in (2, 10, 30):
        engagement = _closed(organisation, closed_at=now - timedelta(days=40))
        response_save(actor=officer, engagement=engagement, **TEXT)
        response_publish(
            actor=officer,
            engagement=engagement,
            now=now - timedelta(days=40 - days),
        )
    _closed(organisation)  # closed, not answered
    EngagementFactory(organisation=organisation, status=S.ARCHIVED)  # never answered
    EngagementFactory(organisation=organisation, status=S.OPEN)  # not counted
    _closed(other_organisation)  # another organisation

    figures = response_figures_for_organisation(organisation=organisation)

    assert figures.n_closed == 5
    assert figures.n_answered == 3
    assert figures.answered_share == pytest.approx(3 / 5)
    assert figures.median_days_to_answer == 10
