"""surveys.selectors.public: what engagements read from surveys."""

from __future__ import annotations

import pytest

from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.engagements.tests.factories import CommentFactory, EngagementFactory
from coproduce.apps.surveys.models import Submission
from coproduce.apps.surveys.selectors.public import (
    answer_tag_list_for_engagement,
    contact_emails_for_engagement,
    question_list_for_engagement,
    survey_list_published_for_engagement,
)
from coproduce.apps.surveys.tests.factories import (
    AnswerTagFactory,
    SubmissionFactory,
    SurveyFactory,
    published_survey,
)


@pytest.mark.django_db
def test_only_published_surveys_of_the_engagement_are_listed(organisation):
    engagement = EngagementFactory(organisation=organisation)
    published = published_survey(engagement=engagement)
    SurveyFactory(engagement=engagement)  # never published
    published_survey()  # another engagement

    assert list(survey_list_published_for_engagement(engagement=engagement)) == [
        published
    ]
    questions = question_list_for_engagement(engagement=engagement)
    assert {q.survey_id for q in questions} == {published.pk}
    tag = AnswerTagFactory(survey=published)
    AnswerTagFactory(survey=published_survey())
    assert list(answer_tag_list_for_engagement(engagement=engagement)) == [tag]


@pytest.mark.django_db
def test_contact_emails_are_distinct_lower_case_and_only_from_those_who_asked(
    organisation,
):
    engagement = EngagementFactory(organisation=organisation)
    survey = published_survey(engagement=engagement)
    SubmissionFactory(survey=survey, contact_email="A@Example.org", wants_updates=True)
    SubmissionFactory(survey=survey, contact_email="a@example.org", wants_updates=True)
    SubmissionFactory(survey=survey, contact_email="quiet@example.org")
    SubmissionFactory(
        survey=survey,
        contact_email="unfinished@example.org",
        wants_updates=True,
        status=Submission.Status.IN_PROGRESS,
        submitted_at=None,
    )
    SubmissionFactory(survey=survey, user=UserFactory(email="account@example.org"))
    CommentFactory(
        engagement=engagement, author=UserFactory(email="commenter@example.org")
    )
    other = published_survey()
    SubmissionFactory(
        survey=other, contact_email="else@example.org", wants_updates=True
    )

    assert contact_emails_for_engagement(engagement=engagement) == [
        "a@example.org",
        "account@example.org",
        "commenter@example.org",
    ]
