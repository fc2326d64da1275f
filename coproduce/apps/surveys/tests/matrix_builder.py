"""Permission matrix rows for the survey builder, paper entry and answering pages.

Officers and administrators build; other members and outsiders get 403; a
survey of another organisation, or of a draft engagement for people outside
the organisation, is 404. Residents' answering pages are public; without
answers in the session they redirect to the survey's start page (302), which
changes nothing, so the answering POSTs are tested in test_views_answering.
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.surveys.models import (
    Answer,
    Choice,
    Question,
    Submission,
    Survey,
    SurveyVersion,
)
from coproduce.apps.surveys.tests.factories import QuestionFactory, published_survey
from coproduce.testing.matrix import (
    ACTORS,
    ADMINISTRATOR,
    ANONYMOUS,
    LOGIN,
    OFFICER,
    OTHER_ADMINISTRATOR,
    RESIDENT,
    ROLES,
    MatrixContext,
    Row,
    post_only,
    public,
)


def managers(ok: int | str = 200, others: int = 403) -> dict[str, int | str]:
    """Administrators and engagement officers get `ok`; everyone else is refused."""
    expected: dict[str, int | str] = {
        ANONYMOUS: LOGIN,
        RESIDENT: others,
        OTHER_ADMINISTRATOR: others,
    }
    expected.update(dict.fromkeys(ROLES, others))
    expected.update({ADMINISTRATOR: ok, OFFICER: ok})
    return expected


def hidden_from_outsiders() -> dict[str, int | str]:
    """A draft engagement's survey: members see it, the public get 404."""
    expected: dict[str, int | str] = dict.fromkeys(ROLES, 200)
    expected.update({ANONYMOUS: 404, RESIDENT: 404, OTHER_ADMINISTRATOR: 404})
    return expected


def signed_in_404() -> dict[str, int | str]:
    return {ANONYMOUS: LOGIN, **{a: 404 for a in ACTORS if a != ANONYMOUS}}


_SURVEY_SETTINGS = {
    "title_en": "Parciau <b>",
    "title_cy": "",
    "introduction_en": "",
    "introduction_cy": "",
    "access": "anyone",
    "includes_about_you": "on",
    "offers_email_receipt": "on",
}
_QUESTION = {
    "kind": "single_choice",
    "text_en": "Do you agree? <script>",
    "text_cy": "",
    "help_text_en": "",
    "help_text_cy": "",
    "page": "2",
    "options_en": "Yes\nNo",
    "options_cy": "Ie\nNa",
    "rows_en": "",
    "rows_cy": "",
}

_BUILDER_PAGES = [
    ("surveys:survey-builder", "survey"),
    ("surveys:survey-update", "survey"),
    ("surveys:question-create", "survey"),
    ("surveys:survey-preview", "survey"),
    ("surveys:survey-entry", "survey"),
    ("surveys:question-update", "survey question"),
    ("surveys:question-delete", "survey question"),
    ("surveys:question-condition", "survey question"),
]
_RESIDENT_STEPS = [
    "surveys:survey-page",
    "surveys:survey-about-you",
    "surveys:survey-check",
    "surveys:survey-done",
]

ROWS: list[Row] = [
    Row("surveys:survey-create", "survey engagement", managers()),
    Row("surveys:survey-create", "foreign survey engagement", signed_in_404()),
    *(Row(name, target, managers()) for name, target in _BUILDER_PAGES),
    *(
        Row(name, f"foreign {target}", signed_in_404())
        for name, target in _BUILDER_PAGES
    ),
    Row("surveys:question-move", "survey question", post_only()),
    Row("surveys:survey-publish", "survey", post_only()),
    # Residents: the start page is public while the engagement is published.
    Row("surveys:survey-start", "survey", public()),
    Row("surveys:survey-start", "draft survey", hidden_from_outsiders()),
    Row("surveys:survey-start", "foreign survey", dict.fromkeys(ACTORS, 404)),
    *(
        Row(name, "survey page", dict.fromkeys(ACTORS, 302))
        for name in _RESIDENT_STEPS[:1]
    ),
    *(Row(name, "survey", dict.fromkeys(ACTORS, 302)) for name in _RESIDENT_STEPS[1:]),
    # --- POSTs: only administrators and officers change anything -----------------
    Row(
        "surveys:survey-create",
        "survey engagement",
        managers(302),
        "post",
        {**_SURVEY_SETTINGS, "slug": "matrix-survey"},
    ),
    Row("surveys:survey-update", "survey", managers(302), "post", _SURVEY_SETTINGS),
    Row("surveys:question-create", "survey", managers(302), "post", _QUESTION),
    Row("surveys:question-update", "survey question", managers(302), "post", _QUESTION),
    Row("surveys:question-delete", "survey question", managers(302), "post"),
    Row("surveys:question-delete", "foreign survey question", signed_in_404(), "post"),
    Row(
        "surveys:question-move",
        "survey question",
        managers(302),
        "post",
        {"direction": "down"},
    ),
    Row(
        "surveys:question-condition",
        "survey question",
        managers(302),
        "post",
        {"is_conditional": "no"},
    ),
    Row("surveys:survey-publish", "survey", managers(302), "post"),
    Row("surveys:survey-publish", "foreign survey", signed_in_404(), "post"),
    Row(
        "surveys:survey-entry",
        "survey",
        managers(302),
        "post",
        {"channel": "paper", "q-short-text-q": "Wedi'i ysgrifennu <b>"},
    ),
]


def _survey_kwargs(survey: Survey, org_slug: str) -> dict[str, Any]:
    return {
        "org_slug": org_slug,
        "engagement_slug": survey.engagement.slug,
        "survey_slug": survey.slug,
    }


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    org_slug = context.organisation.slug
    survey = published_survey(
        engagement=EngagementFactory(organisation=context.organisation)
    )
    # An unpublished change, so publishing is accepted.
    QuestionFactory(survey=survey, key="matrix-extra", page=2)
    draft = published_survey(
        engagement=EngagementFactory(
            organisation=context.organisation, status=Engagement.Status.DRAFT
        )
    )
    foreign = published_survey(
        engagement=EngagementFactory(organisation=context.other_organisation)
    )
    first_key = survey.questions.order_by("page", "position").first().key
    return {
        "survey engagement": {
            "org_slug": org_slug,
            "engagement_slug": survey.engagement.slug,
        },
        "foreign survey engagement": {
            "org_slug": org_slug,
            "engagement_slug": foreign.engagement.slug,
        },
        "survey": _survey_kwargs(survey, org_slug),
        "survey page": {**_survey_kwargs(survey, org_slug), "page": 1},
        "survey question": {**_survey_kwargs(survey, org_slug), "key": first_key},
        "draft survey": _survey_kwargs(draft, org_slug),
        "foreign survey": _survey_kwargs(foreign, org_slug),
        "foreign survey question": {
            **_survey_kwargs(foreign, org_slug),
            "key": foreign.questions.first().key,
        },
    }


def database_state() -> tuple[Any, ...]:
    return (
        list(
            Survey.objects.order_by("pk").values_list(
                "pk", "title_en", "access", "current_version"
            )
        ),
        list(
            Question.objects.order_by("pk").values_list(
                "pk", "key", "page", "position", "text_en", "condition"
            )
        ),
        Choice.objects.count(),
        SurveyVersion.objects.count(),
        list(Submission.objects.order_by("pk").values_list("pk", "status", "channel")),
        Answer.objects.count(),
    )
