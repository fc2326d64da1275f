"""Survey results pages in the permission matrix (core/tests/test_permission_matrix.py).

Summaries and free text: every member. Exports and tags: administrators,
engagement officers and analysts. Imports: administrators and officers.
Another organisation's survey under this organisation's address is a 404.
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.surveys.models import Answer, AnswerTag, Submission, SurveyImport
from coproduce.apps.surveys.tests.factories import (
    AnswerFactory,
    AnswerTagFactory,
    SubmissionFactory,
    published_survey,
)
from coproduce.testing.matrix import (
    ADMINISTRATOR,
    ANALYST,
    ANONYMOUS,
    COMMUNITY_ORGANISER,
    ELECTED_MEMBER,
    LOGIN,
    OFFICER,
    OTHER_ADMINISTRATOR,
    RESIDENT,
    MatrixContext,
    Row,
    members,
    post_only,
)


def _roles(
    ok: int | str, allowed: tuple[str, ...], others: int = 403
) -> dict[str, Any]:
    statuses: dict[str, int | str] = {
        ANONYMOUS: LOGIN,
        RESIDENT: 403,
        OTHER_ADMINISTRATOR: 403,
        ELECTED_MEMBER: others,
        COMMUNITY_ORGANISER: others,
        ANALYST: others,
        OFFICER: others,
        ADMINISTRATOR: others,
    }
    statuses.update(dict.fromkeys(allowed, ok))
    return statuses


def exporters(ok: int | str = 200) -> dict[str, Any]:
    return _roles(ok, (ADMINISTRATOR, OFFICER, ANALYST))


def runners(ok: int | str = 200) -> dict[str, Any]:
    return _roles(ok, (ADMINISTRATOR, OFFICER))


ROWS: list[Row] = [
    Row("survey_results:results", "results survey", members()),
    Row("survey_results:results", "results foreign survey", members(404)),
    Row("survey_results:free-text", "results free text", members()),
    Row("survey_results:free-text", "results foreign free text", members(404)),
    Row("survey_results:export", "results export csv", exporters()),
    Row("survey_results:export", "results export xlsx", exporters()),
    Row("survey_results:export", "results export sav", exporters()),
    Row(
        "survey_results:export",
        "results foreign export",
        _roles(
            404, (ADMINISTRATOR, OFFICER, ANALYST, ELECTED_MEMBER, COMMUNITY_ORGANISER)
        ),
    ),
    Row("survey_results:tag-list", "results survey", exporters()),
    Row("survey_results:tag-update", "results tag", exporters()),
    Row("survey_results:tag-delete", "results tag", exporters()),
    Row("survey_results:answer-tag-add", "results answer", post_only()),
    Row("survey_results:answer-tag-remove", "results answer", post_only()),
    Row("survey_results:import-create", "results survey", runners()),
    Row("survey_results:import-template", "results survey", runners()),
    Row("survey_results:import-detail", "results import", runners()),
    # --- POSTs ------------------------------------------------------------------
    Row(
        "survey_results:tag-list",
        "results survey",
        exporters(302),
        "post",
        {"name": "Parcio ŵ"},
    ),
    Row(
        "survey_results:tag-update",
        "results tag",
        exporters(302),
        "post",
        {"name": "Ailenwi"},
    ),
    Row("survey_results:tag-delete", "results tag", exporters(302), "post"),
    # No file: the form is shown again with an error and nothing is saved.
    Row("survey_results:import-create", "results survey", runners(200), "post"),
]


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    organisation = context.organisation
    survey = published_survey(engagement=EngagementFactory(organisation=organisation))
    foreign = published_survey(
        engagement=EngagementFactory(organisation=context.other_organisation)
    )
    submission = SubmissionFactory(survey=survey)
    answer = AnswerFactory(submission=submission, question_key="short-text-q")
    tag = AnswerTagFactory(survey=survey)
    survey_import = SurveyImport.objects.create(
        survey=survey,
        version=survey.current_version,
        file="survey-imports/none.csv",
        original_filename="<b>paper</b>.csv",
    )
    own = {
        "org_slug": organisation.slug,
        "engagement_slug": survey.engagement.slug,
        "survey_slug": survey.slug,
    }
    # Another organisation's survey under this organisation's address.
    hidden = {
        "org_slug": organisation.slug,
        "engagement_slug": foreign.engagement.slug,
        "survey_slug": foreign.slug,
    }
    return {
        "results survey": own,
        "results foreign survey": hidden,
        "results free text": {**own, "question_key": "short-text-q"},
        "results foreign free text": {**hidden, "question_key": "short-text-q"},
        "results export csv": {**own, "file_format": "csv"},
        "results export xlsx": {**own, "file_format": "xlsx"},
        "results export sav": {**own, "file_format": "sav"},
        "results foreign export": {**hidden, "file_format": "csv"},
        "results tag": {**own, "pk": tag.pk},
        "results answer": {**own, "pk": answer.pk},
        "results import": {**own, "pk": survey_import.pk},
    }


def database_state() -> tuple[Any, ...]:
    return (
        list(AnswerTag.objects.order_by("pk").values_list("pk", "name")),
        list(
            Answer.tags.through.objects.order_by("pk").values_list(
                "answer", "answertag"
            )
        ),
        list(SurveyImport.objects.order_by("pk").values_list("pk", "status")),
        Submission.objects.count(),
        Answer.objects.count(),
    )
