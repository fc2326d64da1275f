"""Reads for survey results: per-question summaries counted in the database.

Every number here comes from GROUP BY queries over `Answer` rows joined to the
submissions that pass the filters, so the number of queries depends on the
number of questions (one per number question, for its median) and never on the
number of submissions. Only SUBMITTED submissions count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from coproduce.apps.accounts.models import User
from coproduce.apps.engagements.permissions import (
    can_export_responses,
    can_view_results,
)
from coproduce.apps.organisations.models import Area, Organisation
from coproduce.apps.surveys.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.surveys.definition import (
    OptionDefinition,
    QuestionDefinition,
    localised,
)
from coproduce.apps.surveys.models import (
    FREE_TEXT_KINDS,
    Answer,
    AnswerTag,
    QuestionKind,
    Submission,
    Survey,
    SurveyImport,
    SurveyVersion,
)

# Below this many respondents a group's answers could identify people
# (statistical disclosure control): the page warns before anyone shares them.
SMALL_GROUP_THRESHOLD = 10

_COUNTED_KINDS = frozenset(
    {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.SCALE,
        QuestionKind.MATRIX,
    }
)


@dataclass(frozen=True, slots=True)
class ResultFilters:
    """What the results are narrowed to; empty values mean "everyone"."""

    about_you: dict[str, str] = field(default_factory=dict)
    area_id: int | None = None
    channel: str = ""
    version_number: int | None = None

    @property
    def is_active(self) -> bool:
        return bool(
            any(self.about_you.values())
            or self.area_id
            or self.channel
            or self.version_number
        )


@dataclass(frozen=True, slots=True)
class CountRow:
    value: str
    label: str
    n: int
    share: float  # of the respondents who answered the question (0–1)

    @property
    def share_pct(self) -> float:
        return self.share * 100


@dataclass(frozen=True, slots=True)
class GridRowResult:
    value: str
    label: str
    n_answered: int
    counts: tuple[CountRow, ...]


@dataclass(frozen=True, slots=True)
class NumberSummary:
    n: int
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True, slots=True)
class RankingRow:
    value: str
    label: str
    n_ranked: int
    mean_rank: float | None
    n_first: int


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """The summary of one question (by key) across the versions that asked it."""

    key: str
    kind: str
    text: str
    n_answered: int
    # (version number, respondents to that version who answered), oldest first.
    n_answered_by_version: tuple[tuple[int, int], ...]
    # Version numbers whose wording or options differ from the latest one.
    versions_differing: tuple[int, ...]
    counts: tuple[CountRow, ...] = ()
    grid: tuple[GridRowResult, ...] = ()
    ranking: tuple[RankingRow, ...] = ()
    number: NumberSummary | None = None
    scale_mean: float | None = None

    @property
    def is_free_text(self) -> bool:
        return self.kind in FREE_TEXT_KINDS


@dataclass(frozen=True, slots=True)
class SurveyResults:
    n_respondents: int
    n_respondents_by_version: tuple[tuple[int, int], ...]
    is_small_group: bool
    questions: tuple[QuestionResult, ...]


def survey_get_for_results(
    *,
    actor: User | AnonymousUser,
    organisation: Organisation,
    engagement_slug: str,
    survey_slug: str,
) -> Survey:
    """The survey, for members who may see results; 404 if missing or foreign.

    Raises PermissionDenied for people who are not members of the organisation.
    """
    if not can_view_results(actor, organisation):
        raise PermissionDenied
    return get_object_or_404(
        Survey.objects.select_related("engagement", "organisation", "current_version"),
        organisation=organisation,
        engagement__slug=engagement_slug,
        slug=survey_slug,
    )


def survey_version_list(*, survey: Survey) -> list[SurveyVersion]:
    """The survey's published versions, oldest first."""
    return list(SurveyVersion.objects.filter(survey=survey).order_by("number"))


def area_list_for_results(*, survey: Survey) -> QuerySet[Area]:
    """The organisation's areas, for the area filter."""
    return Area.objects.filter(organisation_id=survey.organisation_id).order_by(
        "name", "pk"
    )


def submission_list_for_results(
    *, survey: Survey, filters: ResultFilters
) -> QuerySet[Submission]:
    """Submitted responses that pass the filters (one query when evaluated)."""
    submissions = Submission.objects.filter(
        survey=survey, status=Submission.Status.SUBMITTED
    )
    for name, value in filters.about_you.items():
        if name in ABOUT_YOU_FIELDS and value:
            submissions = submissions.filter(**{name: value})
    if filters.area_id:
        submissions = submissions.filter(area_id=filters.area_id)
    if filters.channel:
        submissions = submissions.filter(channel=filters.channel)
    if filters.version_number:
        submissions = submissions.filter(version__number=filters.version_number)
    return submissions


def answer_list_for_results(
    *, survey: Survey, filters: ResultFilters
) -> QuerySet[Answer]:
    """Answers of submitted responses that pass the filters, unordered.

    Ordering is cleared (here and in the subquery) because Meta.ordering would
    join surveys and engagements into every GROUP BY for nothing. No filter on
    `Answer.survey` either (the submissions already belong to the survey): on
    tables without fresh statistics PostgreSQL would otherwise probe the
    survey's index once per submission, scanning every answer each time.
    """
    submissions = submission_list_for_results(survey=survey, filters=filters)
    return Answer.objects.filter(
        submission__in=submissions.order_by().values("pk")
    ).order_by()


def questions_across_versions(
    versions: list[SurveyVersion],
) -> tuple[list[QuestionDefinition], dict[str, list[int]], dict[str, list[int]]]:
    """Each question key once (latest wording), in the latest version's order.

    Also returns, per key, the version numbers that asked it and those whose
    wording or options differ from the latest wording.
    """
    latest: dict[str, QuestionDefinition] = {}
    order: list[str] = []
    asked_in: dict[str, list[int]] = {}
    for version in sorted(versions, key=lambda v: v.number, reverse=True):
        for question in version.definition.get("questions", []):
            key = question["key"]
            asked_in.setdefault(key, []).append(version.number)
            if key not in latest:
                latest[key] = question
                order.append(key)
    differing: dict[str, list[int]] = {key: [] for key in latest}
    for version in versions:
        for question in version.definition.get("questions", []):
            reference = latest[question["key"]]
            if _signature(question) != _signature(reference):
                differing[question["key"]].append(version.number)
    for numbers in asked_in.values():
        numbers.sort()
    return (
        [_with_older_options(latest[key], versions) for key in order],
        asked_in,
        differing,
    )


def _with_older_options(
    question: QuestionDefinition, versions: list[SurveyVersion]
) -> QuestionDefinition:
    """The latest question, plus options and rows only older versions offered.

    Answers given to an option that was later removed still count, and still
    get a column in exports, under the label that version gave it.
    """
    merged: QuestionDefinition = {**question}
    for part in ("options", "rows"):
        options = list(question[part])
        seen = {option["value"] for option in options}
        for version in sorted(versions, key=lambda v: v.number, reverse=True):
            for older in version.definition.get("questions", []):
                if older["key"] != question["key"]:
                    continue
                for option in older[part]:
                    if option["value"] not in seen:
                        seen.add(option["value"])
                        options.append(option)
        merged[part] = options
    return merged


def _signature(question: QuestionDefinition) -> tuple[Any, ...]:
    return (
        question["kind"],
        question["text"].get("en"),
        question["text"].get("cy"),
        tuple((o["value"], o["label"].get("en")) for o in question["options"]),
        tuple((r["value"], r["label"].get("en")) for r in question["rows"]),
    )


def _labels(options: list[OptionDefinition], language: str) -> dict[str, str]:
    return {option["value"]: localised(option["label"], language) for option in options}


def _share(n: int, total: int) -> float:
    return n / total if total else 0.0


def survey_results(
    *,
    actor: User | AnonymousUser,
    survey: Survey,
    filters: ResultFilters,
    language: str = "en",
) -> SurveyResults:
    """Per-question summaries of the submitted responses that pass `filters`.

    Raises PermissionDenied for people who may not see results.
    """
    if not can_view_results(actor, survey.organisation):
        raise PermissionDenied
    versions = survey_version_list(survey=survey)
    number_of_version = {version.pk: version.number for version in versions}
    definitions, asked_in, differing = questions_across_versions(versions)
    submissions = submission_list_for_results(survey=survey, filters=filters)

    by_version_rows = (
        submissions.order_by().values("version_id").annotate(n=Count("pk"))
    )
    n_by_version = {
        number_of_version[row["version_id"]]: row["n"] for row in by_version_rows
    }
    n_respondents = sum(n_by_version.values())

    answers = answer_list_for_results(survey=survey, filters=filters)
    kinds = {question["key"]: question["kind"] for question in definitions}
    counted_keys = [key for key, kind in kinds.items() if kind in _COUNTED_KINDS]
    # Kinds stored as several rows per answer, so "how many answered" needs a
    # distinct count (rankings have exactly one rank-1 row per answer instead).
    distinct_keys = [
        key
        for key, kind in kinds.items()
        if kind in (QuestionKind.MULTIPLE_CHOICE, QuestionKind.MATRIX)
    ]
    # One pass over every answer row. Free text collapses into one group per
    # question (its values are never grouped), choices group by value.
    bucket = Case(
        When(question_key__in=counted_keys, then=F("value_text")),
        default=Value(""),
        output_field=TextField(),
    )
    # Number questions also group by value: the medians come from these counts,
    # with no query per question.
    number_keys = [key for key, kind in kinds.items() if kind == QuestionKind.NUMBER]
    number_bucket = Case(
        When(question_key__in=number_keys, then=F("value_number")),
        default=Value(None),
        output_field=FloatField(),
    )
    histograms: dict[str, dict[float, int]] = {}
    # Per-version counts need each answer's submission; with one version (the
    # usual case) skip that join.
    version_field: tuple[str, ...] = (
        ("submission__version_id",) if len(versions) > 1 else ()
    )
    only_version = versions[0].number if versions else 0

    def version_of(row: dict[str, Any]) -> int:
        if version_field:
            return number_of_version[row["submission__version_id"]]
        return only_version

    answered: dict[str, dict[int, int]] = {}
    value_counts: dict[tuple[str, str, str], int] = {}
    grid_answered: dict[tuple[str, str], int] = {}
    stats: dict[tuple[str, str], dict[str, Any]] = {}
    grouped = (
        answers.annotate(bucket=bucket, number_bucket=number_bucket)
        .values("question_key", "item", "bucket", "number_bucket", *version_field)
        .annotate(
            n=Count("pk"),
            n_numbers=Count("value_number"),
            total=Sum("value_number"),
            minimum=Min("value_number"),
            maximum=Max("value_number"),
            n_first=Count("pk", filter=Q(value_number=1)),
        )
    )
    for row in grouped:
        key, item = row["question_key"], row["item"]
        version_number = version_of(row)
        by_version = answered.setdefault(key, {})
        if kinds.get(key) == QuestionKind.RANKING:
            by_version[version_number] = (
                by_version.get(version_number, 0) + row["n_first"]
            )
        elif key not in distinct_keys:
            by_version[version_number] = by_version.get(version_number, 0) + row["n"]
        if key in counted_keys:
            value_key = (key, item, row["bucket"])
            value_counts[value_key] = value_counts.get(value_key, 0) + row["n"]
            if item:
                grid_answered[(key, item)] = (
                    grid_answered.get((key, item), 0) + row["n"]
                )
        if row["number_bucket"] is not None:
            histogram = histograms.setdefault(key, {})
            value = row["number_bucket"]
            histogram[value] = histogram.get(value, 0) + row["n_numbers"]
        if row["n_numbers"]:
            merged = stats.setdefault(
                (key, item),
                {"n": 0, "total": 0.0, "n_first": 0, "minimum": None, "maximum": None},
            )
            merged["n"] += row["n_numbers"]
            merged["total"] += row["total"]
            merged["n_first"] += row["n_first"]
            merged["minimum"] = _lowest(merged["minimum"], row["minimum"])
            merged["maximum"] = _highest(merged["maximum"], row["maximum"])
    for merged in stats.values():
        merged["mean"] = merged["total"] / merged["n"]
    if distinct_keys:
        for row in (
            answers.filter(question_key__in=distinct_keys)
            .values("question_key", *version_field)
            .annotate(n=Count("submission_id", distinct=True))
        ):
            version_number = version_of(row)
            answered.setdefault(row["question_key"], {})[version_number] = row["n"]

    results = []
    for question in definitions:
        key = question["key"]
        kind = question["kind"]
        answered_by_version = answered.get(key, {})
        n_answered = sum(answered_by_version.values())
        common: dict[str, Any] = {
            "key": key,
            "kind": kind,
            "text": localised(question["text"], language),
            "n_answered": n_answered,
            "n_answered_by_version": tuple(
                (number, answered_by_version.get(number, 0))
                for number in asked_in.get(key, [])
            ),
            "versions_differing": tuple(differing.get(key, [])),
        }
        labels = _labels(question["options"], language)
        if kind in (
            QuestionKind.SINGLE_CHOICE,
            QuestionKind.MULTIPLE_CHOICE,
            QuestionKind.SCALE,
        ):
            counts = tuple(
                CountRow(
                    value=value,
                    label=label,
                    n=value_counts.get((key, "", value), 0),
                    share=_share(value_counts.get((key, "", value), 0), n_answered),
                )
                for value, label in labels.items()
            )
            scale_mean = None
            if kind == QuestionKind.SCALE:
                scale_mean = stats.get((key, ""), {}).get("mean")
            results.append(
                QuestionResult(**common, counts=counts, scale_mean=scale_mean)
            )
        elif kind == QuestionKind.MATRIX:
            grid = []
            for row_value, row_label in _labels(question["rows"], language).items():
                n_row = grid_answered.get((key, row_value), 0)
                grid.append(
                    GridRowResult(
                        value=row_value,
                        label=row_label,
                        n_answered=n_row,
                        counts=tuple(
                            CountRow(
                                value=value,
                                label=label,
                                n=value_counts.get((key, row_value, value), 0),
                                share=_share(
                                    value_counts.get((key, row_value, value), 0), n_row
                                ),
                            )
                            for value, label in labels.items()
                        ),
                    )
                )
            results.append(QuestionResult(**common, grid=tuple(grid)))
        elif kind == QuestionKind.RANKING:
            ranking = tuple(
                RankingRow(
                    value=value,
                    label=label,
                    n_ranked=stats.get((key, value), {}).get("n", 0),
                    mean_rank=stats.get((key, value), {}).get("mean"),
                    n_first=stats.get((key, value), {}).get("n_first", 0),
                )
                for value, label in labels.items()
            )
            results.append(QuestionResult(**common, ranking=ranking))
        elif kind == QuestionKind.NUMBER:
            row = stats.get((key, ""), {})
            n = row.get("n", 0)
            results.append(
                QuestionResult(
                    **common,
                    number=NumberSummary(
                        n=n,
                        mean=row.get("mean"),
                        median=_median(histograms.get(key, {})),
                        minimum=row.get("minimum"),
                        maximum=row.get("maximum"),
                    ),
                )
            )
        else:  # free text, postcode, date: how many answered
            results.append(QuestionResult(**common))
    return SurveyResults(
        n_respondents=n_respondents,
        n_respondents_by_version=tuple(sorted(n_by_version.items())),
        is_small_group=0 < n_respondents < SMALL_GROUP_THRESHOLD,
        questions=tuple(results),
    )


def _lowest(current: float | None, value: float) -> float:
    return value if current is None else min(current, value)


def _highest(current: float | None, value: float) -> float:
    return value if current is None else max(current, value)


def _median(histogram: dict[float, int]) -> float | None:
    """The median of values given as {value: how many times}."""
    n = sum(histogram.values())
    if not n:
        return None
    middle = ((n - 1) // 2, n // 2)  # positions of the middle value(s), from 0
    found: list[float] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and seen > middle[len(found)]:
            found.append(value)
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2


# --- free text ----------------------------------------------------------------


def free_text_question_get(*, survey: Survey, key: str) -> QuestionDefinition:
    """The latest definition of a free-text question by key; 404 otherwise."""
    from django.http import Http404

    definitions, _asked_in, _differing = questions_across_versions(
        survey_version_list(survey=survey)
    )
    for question in definitions:
        if question["key"] == key and question["kind"] in FREE_TEXT_KINDS:
            return question
    raise Http404


def free_text_answer_list(
    *,
    actor: User | AnonymousUser,
    survey: Survey,
    question_key: str,
    filters: ResultFilters,
    tag: AnswerTag | None = None,
) -> QuerySet[Answer]:
    """Free-text answers to one question, newest first, with their tags.

    Slice it (a paginator does) to keep pages small. Raises PermissionDenied for
    people who may not see results.
    """
    if not can_view_results(actor, survey.organisation):
        raise PermissionDenied
    answers = (
        answer_list_for_results(survey=survey, filters=filters)
        .filter(question_key=question_key)
        .exclude(value_text="")
    )
    if tag is not None:
        answers = answers.filter(tags=tag)
    return (
        answers.select_related("submission__version")
        .prefetch_related("tags")
        .order_by("-submission__submitted_at", "-pk")
    )


def answer_tag_list(*, survey: Survey) -> QuerySet[AnswerTag]:
    """The survey's tags by name, with how many answers carry each."""
    return (
        AnswerTag.objects.filter(survey=survey)
        .annotate(n_answers=Count("answers"))
        .order_by("name", "pk")
    )


def answer_tag_get(*, survey: Survey, pk: int) -> AnswerTag:
    return get_object_or_404(AnswerTag, survey=survey, pk=pk)


def answer_get_for_tagging(
    *, actor: User | AnonymousUser, survey: Survey, pk: int
) -> Answer:
    """A free-text answer of the survey; PermissionDenied for non-exporters."""
    if not can_export_responses(actor, survey.organisation):
        raise PermissionDenied
    free_text_keys = [
        question["key"]
        for question in questions_across_versions(survey_version_list(survey=survey))[0]
        if question["kind"] in FREE_TEXT_KINDS
    ]
    return get_object_or_404(
        Answer, survey=survey, pk=pk, question_key__in=free_text_keys
    )


# --- imports ------------------------------------------------------------------


def survey_import_list(*, survey: Survey) -> QuerySet[SurveyImport]:
    return SurveyImport.objects.filter(survey=survey).order_by("-created_at", "-pk")


def survey_import_get(*, survey: Survey, pk: int) -> SurveyImport:
    return get_object_or_404(
        SurveyImport.objects.select_related("version"), survey=survey, pk=pk
    )
