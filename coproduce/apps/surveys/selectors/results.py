"""Reads for survey results: per-question summaries counted in the database.

Every number here comes from GROUP BY queries over `Answer` rows joined to the
submissions that pass the filters, so the number of queries depends on the
number of questions (one per number question, for its median) and never on the
number of submissions. Only SUBMITTED submissions count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Count,
    F,
    FloatField,
    Max,
    QuerySet,
    Sum,
)
from django.shortcuts import get_object_or_404

from coproduce.analytics.weighting import wilson_interval
from coproduce.analytics.weighting.design_effect import DEFF_WARNING, N_EFF_WARNING
from coproduce.apps.accounts.models import User
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.permissions import (
    can_export_responses,
    can_view_results,
)
from coproduce.apps.organisations.models import Area, Organisation
from coproduce.apps.organisations.selectors import area_descendant_ids
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
    WeightingRun,
)

# The unfiltered results of a large survey take a few hundred milliseconds
# to count; they are kept until the responses change (see _results_cache_key)
# or for a day, whichever comes first.
RESULTS_CACHE_SECONDS = 24 * 60 * 60

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
    share: float  # of the respondents who answered the question (0–1); weighted
    # Weighted results only: Σ weights of those who chose it, and the 95 %
    # Wilson interval of the weighted share on the effective sample size.
    weighted_n: float | None = None
    interval: tuple[float, float] | None = None

    @property
    def share_pct(self) -> float:
        return self.share * 100

    @property
    def interval_pct(self) -> tuple[float, float] | None:
        if self.interval is None:
            return None
        return (self.interval[0] * 100, self.interval[1] * 100)


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
    # Weighted results only: (Σw)²/Σw² over the weighted respondents who answered.
    n_eff: float | None = None

    @property
    def is_free_text(self) -> bool:
        return self.kind in FREE_TEXT_KINDS


@dataclass(frozen=True, slots=True)
class WeightingSummary:
    """How the weighted results were made, for the page's header."""

    run_id: int
    n_weighted: int  # respondents (passing the filters) with a weight in the run
    n_without_weight: int  # respondents left out: they arrived after the run
    deff: float | None  # of the weighted respondents shown (Kish)
    n_eff: float | None
    is_deff_high: bool  # deff above 2
    is_n_eff_low: bool  # n_eff below 30


@dataclass(frozen=True, slots=True)
class SurveyResults:
    n_respondents: int
    n_respondents_by_version: tuple[tuple[int, int], ...]
    is_small_group: bool
    questions: tuple[QuestionResult, ...]
    weighting: WeightingSummary | None = None


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
        # A ward's responses include those coded to its small areas. An area
        # of another organisation has none here; the list stays non-empty
        # because the raw SQL of the counts cannot be built from `IN ()`.
        area_ids = area_descendant_ids(
            organisation_id=survey.organisation_id, area_id=filters.area_id
        ) or [filters.area_id]
        submissions = submissions.filter(area_id__in=area_ids)
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
    join surveys and engagements into every GROUP BY for nothing.

    Unfiltered (the page everyone opens first), answers are found by their own
    `survey` and only the few unfinished responses are left out, a hashed
    NOT IN instead of joining every answer to its submission: about a third
    less time at 10,000 responses on PostgreSQL. Filtered, the answers are
    those of the matching submissions. (Filtering on `Answer.survey` as well
    would make PostgreSQL, on tables without fresh statistics, probe the
    survey's index once per submission.)
    """
    if not filters.is_active:
        unfinished = Submission.objects.filter(survey=survey).exclude(
            status=Submission.Status.SUBMITTED
        )
        return (
            Answer.objects.filter(survey=survey)
            .exclude(submission__in=unfinished.order_by().values("pk"))
            .order_by()
        )
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


def _respondents_by_key(
    answers: QuerySet[Answer],
    version_field: tuple[str, ...],
    *,
    weight: F | None = None,
) -> list[dict[str, Any]]:
    """How many submissions answered each question (and version), one query.

    COUNT(DISTINCT …) makes PostgreSQL sort every row, spilling to disk at
    10,000 responses; counting the rows of a DISTINCT derived table lets it
    hash instead. The ORM cannot aggregate over a derived table, so the inner
    query is the ORM's own SQL (with its parameters) wrapped in a GROUP BY.
    With `weight` (weighted results), each row also has "w" and "w2": the sum
    of the respondents' weights and of their squares.
    """
    pairs = (
        answers.annotate(
            key=F("question_key"),
            respondent=F("submission_id"),
            **({"version": F(version_field[0])} if version_field else {}),
            **({"w": weight} if weight is not None else {}),
        )
        .values(
            "key",
            "respondent",
            *(["version"] if version_field else []),
            *(["w"] if weight is not None else []),
        )
        .distinct()
    )
    inner_sql, params = pairs.query.sql_with_params()
    version_column = ", version" if version_field else ""
    weight_columns = ", SUM(w), SUM(w * w)" if weight is not None else ""
    # Only constant names are formatted in; every value stays a parameter.
    sql = (
        f"SELECT key, COUNT(*){version_column}{weight_columns} "  # noqa: S608
        f"FROM ({inner_sql}) AS pairs GROUP BY key{version_column}"
    )
    first_weight = 3 if version_field else 2
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            {
                "question_key": row[0],
                "n": row[1],
                **({version_field[0]: row[2]} if version_field else {}),
                **(
                    {"w": row[first_weight], "w2": row[first_weight + 1]}
                    if weight is not None
                    else {}
                ),
            }
            for row in cursor.fetchall()
        ]


@dataclass(slots=True)
class _Tallies:
    """Counts gathered from the answers, keyed by question (and option/row)."""

    # question key -> version number -> respondents who answered it
    answered: dict[str, dict[int, int]] = field(default_factory=dict)
    # (question key, row or "", option value) -> how many chose it
    value_counts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    # (question key, row) -> how many answered that grid row
    grid_answered: dict[tuple[str, str], int] = field(default_factory=dict)
    # (question key, item or "") -> {number: how many}, for scales, numbers, ranks
    histograms: dict[tuple[str, str], dict[float, int]] = field(default_factory=dict)
    # Weighted results only, keyed as above: Σ weights (of those who chose a
    # value; per number), and (Σw, Σw²) of those who answered a question or row.
    value_w: dict[tuple[str, str, str], float] = field(default_factory=dict)
    answered_w: dict[str, tuple[float, float]] = field(default_factory=dict)
    grid_w: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    histograms_w: dict[tuple[str, str], dict[float, float]] = field(
        default_factory=dict
    )

    def add_answered(self, key: str, version: int, n: int) -> None:
        by_version = self.answered.setdefault(key, {})
        by_version[version] = by_version.get(version, 0) + n

    def add_number(self, key: str, item: str, value: float, n: int) -> None:
        histogram = self.histograms.setdefault((key, item), {})
        histogram[value] = histogram.get(value, 0) + n

    def add_weighted(self, row: dict[str, Any], *, answered: bool) -> None:
        """Add a weighted GROUP BY row (with "w" and "w2") to the sums."""
        key, item, w, w2 = row["question_key"], row.get("item", ""), row["w"], row["w2"]
        if "value_text" in row:
            value_key = (key, item, row["value_text"])
            self.value_w[value_key] = self.value_w.get(value_key, 0.0) + w
            if item:
                old = self.grid_w.get((key, item), (0.0, 0.0))
                self.grid_w[(key, item)] = (old[0] + w, old[1] + w2)
        if row.get("value_number") is not None:
            histogram = self.histograms_w.setdefault((key, item), {})
            value = row["value_number"]
            histogram[value] = histogram.get(value, 0.0) + w
        if answered:
            old = self.answered_w.get(key, (0.0, 0.0))
            self.answered_w[key] = (old[0] + w, old[1] + w2)


def _answer_tallies(
    answers: QuerySet[Answer],
    kinds: dict[str, str],
    *,
    number_of_version: dict[int, int] | None,
    only_version: int,
    weighting_run_id: int | None = None,
) -> _Tallies:
    """Every count the results need, in at most four GROUP BY queries.

    One query per family of kinds, each reading only its questions' rows:
    choices group by option, numbers and ranks by value, other kinds only
    count, and kinds stored as several rows per answer count their distinct
    respondents. (A single pass over every row with CASE expressions to
    tell the kinds apart took about half as long again at 10,000 responses.)
    `number_of_version` maps version ids to numbers when there are several
    versions; with one (the usual case) the join to submissions is skipped.

    With `weighting_run_id`, only respondents with a weight in that run count,
    and every group also sums their weights and squared weights (weighted
    shares, means and effective sample sizes); the counts stay counts.
    """
    tallies = _Tallies()
    weight: F | None = None
    sums: dict[str, Any] = {}
    if weighting_run_id is not None:
        answers = answers.filter(submission__weights__run_id=weighting_run_id)
        weight = F("submission__weights__weight")
        sums = {
            "w": Sum(weight, output_field=FloatField()),
            "w2": Sum(weight * weight, output_field=FloatField()),
        }
    version_field: tuple[str, ...] = (
        ("submission__version_id",) if number_of_version else ()
    )

    def version_of(row: dict[str, Any]) -> int:
        if number_of_version:
            return number_of_version[row["submission__version_id"]]
        return only_version

    def keys_of(*wanted: str) -> list[str]:
        return [key for key, kind in kinds.items() if kind in wanted]

    choice_keys = keys_of(*_COUNTED_KINDS)
    number_keys = keys_of(QuestionKind.NUMBER, QuestionKind.RANKING)
    other_keys = [key for key in kinds if key not in {*choice_keys, *number_keys}]
    several_rows_keys = keys_of(QuestionKind.MULTIPLE_CHOICE, QuestionKind.MATRIX)

    if choice_keys:
        # Scales store their number too; it is fixed by the option, so
        # grouping by it adds no groups and gives the scale's mean.
        for row in (
            answers.filter(question_key__in=choice_keys)
            .values(
                "question_key", "item", "value_text", "value_number", *version_field
            )
            .annotate(n=Count("pk"), **sums)
        ):
            key, item, n = row["question_key"], row["item"], row["n"]
            if sums:
                tallies.add_weighted(row, answered=key not in several_rows_keys)
            value_key = (key, item, row["value_text"])
            tallies.value_counts[value_key] = tallies.value_counts.get(value_key, 0) + n
            if item:
                tallies.grid_answered[(key, item)] = (
                    tallies.grid_answered.get((key, item), 0) + n
                )
            if key not in several_rows_keys:
                tallies.add_answered(key, version_of(row), n)
            if row["value_number"] is not None:
                tallies.add_number(key, item, row["value_number"], n)
    if number_keys:
        for row in (
            answers.filter(question_key__in=number_keys, value_number__isnull=False)
            .values("question_key", "item", "value_number", *version_field)
            .annotate(n=Count("pk"), **sums)
        ):
            key, item, n = row["question_key"], row["item"], row["n"]
            tallies.add_number(key, item, row["value_number"], n)
            # A ranking is one row per option and exactly one of them is 1st.
            answered = kinds[key] == QuestionKind.NUMBER or row["value_number"] == 1
            if answered:
                tallies.add_answered(key, version_of(row), n)
            if sums:
                tallies.add_weighted(row, answered=answered)
    if other_keys:
        for row in (
            answers.filter(question_key__in=other_keys)
            .values("question_key", *version_field)
            .annotate(n=Count("pk"), **sums)
        ):
            tallies.add_answered(row["question_key"], version_of(row), row["n"])
            if sums:
                tallies.add_weighted(row, answered=True)
    if several_rows_keys:
        for row in _respondents_by_key(
            answers.filter(question_key__in=several_rows_keys),
            version_field,
            weight=weight,
        ):
            tallies.add_answered(row["question_key"], version_of(row), row["n"])
            if weight is not None:
                tallies.add_weighted(row, answered=True)
    return tallies


def survey_results(
    *,
    actor: User | AnonymousUser,
    survey: Survey,
    filters: ResultFilters,
    language: str = "en",
    weighting_run: WeightingRun | None = None,
) -> SurveyResults:
    """Per-question summaries of the submitted responses that pass `filters`.

    With `weighting_run` (a finished run of this survey), shares and means are
    weighted: Σw·y/Σw over the respondents with a weight in the run, with 95 %
    Wilson intervals on the effective sample size; respondents without a
    weight (they arrived after the run) are left out and counted. Raises
    PermissionDenied for people who may not see results.
    """
    if not can_view_results(actor, survey.organisation):
        raise PermissionDenied
    versions = survey_version_list(survey=survey)
    number_of_version = {version.pk: version.number for version in versions}
    definitions, asked_in, differing = questions_across_versions(versions)
    submissions = submission_list_for_results(survey=survey, filters=filters)

    by_version_rows = list(
        submissions.order_by()
        .values("version_id")
        .annotate(n=Count("pk"), last_changed_at=Max("updated_at"))
        .order_by("version_id")
    )
    n_by_version = {
        number_of_version[row["version_id"]]: row["n"] for row in by_version_rows
    }
    n_respondents = sum(n_by_version.values())

    if weighting_run is not None and weighting_run.survey_id != survey.pk:
        raise ValueError("The weighting run is another survey's.")
    run_id = weighting_run.pk if weighting_run is not None else None
    cache_key = None
    if not filters.is_active:
        cache_key = _results_cache_key(
            survey, versions, by_version_rows, language, weighting_run_id=run_id
        )
        cached = cache.get(cache_key)
        if isinstance(cached, SurveyResults):
            return cached

    weighting = None
    if run_id is not None:
        weighting = _weighting_summary(submissions, run_id, n_respondents)
    answers = answer_list_for_results(survey=survey, filters=filters)
    kinds = {question["key"]: question["kind"] for question in definitions}
    tallies = _answer_tallies(
        answers,
        kinds,
        number_of_version=number_of_version if len(versions) > 1 else None,
        only_version=versions[0].number if versions else 0,
        weighting_run_id=run_id,
    )
    weighted = run_id is not None
    answered = tallies.answered
    value_counts = tallies.value_counts
    grid_answered = tallies.grid_answered
    histograms = tallies.histograms
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
            if weighted:
                common["n_eff"] = _n_eff(tallies.answered_w.get(key))
                counts = tuple(
                    _weighted_count_row(
                        value,
                        label,
                        value_counts.get((key, "", value), 0),
                        tallies.value_w.get((key, "", value), 0.0),
                        tallies.answered_w.get(key),
                    )
                    for value, label in labels.items()
                )
            else:
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
                scale_mean = _mean(
                    tallies.histograms_w.get((key, ""), {})
                    if weighted
                    else histograms.get((key, ""), {})
                )
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
                            _weighted_count_row(
                                value,
                                label,
                                value_counts.get((key, row_value, value), 0),
                                tallies.value_w.get((key, row_value, value), 0.0),
                                tallies.grid_w.get((key, row_value)),
                            )
                            if weighted
                            else CountRow(
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
            if weighted:
                common["n_eff"] = _n_eff(tallies.answered_w.get(key))
            results.append(QuestionResult(**common, grid=tuple(grid)))
        elif kind == QuestionKind.RANKING:
            ranking = tuple(
                RankingRow(
                    value=value,
                    label=label,
                    n_ranked=sum(histograms.get((key, value), {}).values()),
                    mean_rank=_mean(
                        tallies.histograms_w.get((key, value), {})
                        if weighted
                        else histograms.get((key, value), {})
                    ),
                    n_first=histograms.get((key, value), {}).get(1.0, 0),
                )
                for value, label in labels.items()
            )
            results.append(QuestionResult(**common, ranking=ranking))
        elif kind == QuestionKind.NUMBER:
            histogram = histograms.get((key, ""), {})
            weighted_histogram = tallies.histograms_w.get((key, ""), {})
            if weighted:
                common["n_eff"] = _n_eff(tallies.answered_w.get(key))
            results.append(
                QuestionResult(
                    **common,
                    number=NumberSummary(
                        n=sum(histogram.values()),
                        mean=_mean(weighted_histogram if weighted else histogram),
                        median=(
                            _weighted_median(weighted_histogram)
                            if weighted
                            else _median(histogram)
                        ),
                        minimum=min(histogram, default=None),
                        maximum=max(histogram, default=None),
                    ),
                )
            )
        else:  # free text, postcode, date: how many answered
            results.append(QuestionResult(**common))
    summary = SurveyResults(
        n_respondents=n_respondents,
        n_respondents_by_version=tuple(sorted(n_by_version.items())),
        is_small_group=0 < n_respondents < SMALL_GROUP_THRESHOLD,
        questions=tuple(results),
        weighting=weighting,
    )
    if cache_key:
        cache.set(cache_key, summary, RESULTS_CACHE_SECONDS)
    return summary


def _weighting_summary(
    submissions: QuerySet[Submission], run_id: int, n_respondents: int
) -> WeightingSummary:
    """Respondents with and without a weight in the run, and their deff and n_eff."""
    weight = F("weights__weight")
    sums = (
        submissions.filter(weights__run_id=run_id)
        .order_by()
        .aggregate(
            n=Count("pk"),
            w=Sum(weight, output_field=FloatField()),
            w2=Sum(weight * weight, output_field=FloatField()),
        )
    )
    n_weighted = sums["n"] or 0
    n_eff = _n_eff((sums["w"], sums["w2"]))
    deff = n_weighted / n_eff if n_eff else None
    return WeightingSummary(
        run_id=run_id,
        n_weighted=n_weighted,
        n_without_weight=max(n_respondents - n_weighted, 0),
        deff=deff,
        n_eff=n_eff,
        is_deff_high=deff is not None and deff > DEFF_WARNING,
        is_n_eff_low=n_eff is not None and n_eff < N_EFF_WARNING,
    )


def _n_eff(sums: tuple[float | None, float | None] | None) -> float | None:
    """Kish's n_eff = (Σw)²/Σw², or None without positive weights."""
    if sums is None:
        return None
    total, squares = sums
    if not total or not squares or total <= 0 or squares <= 0:
        return None
    return float(total * total / squares)


def _weighted_count_row(
    value: str,
    label: str,
    n: int,
    weighted_n: float,
    answered: tuple[float, float] | None,
) -> CountRow:
    """A weighted share Σw(chose it)/Σw(answered) with its Wilson interval on n_eff."""
    total = answered[0] if answered else 0.0
    share = min(max(weighted_n / total, 0.0), 1.0) if total > 0 else 0.0
    n_eff = _n_eff(answered)
    return CountRow(
        value=value,
        label=label,
        n=n,
        share=share,
        weighted_n=weighted_n,
        interval=wilson_interval(share, n_eff) if n_eff else None,
    )


def _weighted_median(histogram: dict[float, float]) -> float | None:
    """The weighted median of {value: Σ weights}: the lowest value with at least
    half the weight at or below it, averaged with the next value when exactly
    half is (as the unweighted median averages the two middle values)."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    half = total / 2
    seen = 0.0
    values = sorted(histogram)
    for index, value in enumerate(values):
        seen += histogram[value]
        if abs(seen - half) <= 1e-9 * total and index + 1 < len(values):
            return (value + values[index + 1]) / 2
        if seen >= half:
            return value
    return values[-1]


def _results_cache_key(
    survey: Survey,
    versions: list[SurveyVersion],
    by_version_rows: list[dict[str, Any]],
    language: str,
    *,
    weighting_run_id: int | None = None,
) -> str:
    """A key that changes whenever the unfiltered results could.

    Built from the data, not from a counter every writer must remember to
    bump: the published versions (a new one changes questions and options),
    and per version the number of submitted responses and the latest
    `updated_at` among them. A new response changes the count; a corrected
    or erased one is saved, which moves `updated_at` (so writers must save
    submissions, never `QuerySet.update()` them); a deleted one lowers the
    count. Answers are only written together with their submission.
    Weighted results are kept apart under their run (whose weights never
    change once it is done).
    """
    parts = [str(survey.pk), language, *(str(v.pk) for v in versions)]
    if weighting_run_id is not None:
        parts.append(f"weighted:{weighting_run_id}")
    for row in by_version_rows:
        changed = row["last_changed_at"]
        parts.append(f"{row['version_id']}:{row['n']}:{changed.isoformat()}")
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"survey-results:{survey.pk}:{digest}"


def _mean(histogram: Mapping[float, float]) -> float | None:
    """The mean of values given as {value: how many times}."""
    n = sum(histogram.values())
    return sum(value * count for value, count in histogram.items()) / n if n else None


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


def about_you_counts_for_engagement(
    *, actor: User | AnonymousUser, engagement: Engagement
) -> tuple[int, dict[str, dict[str, int]]]:
    """How the engagement's respondents answered each "about you" question.

    Returns the number of submitted responses across the engagement's surveys
    and, per about-you field, {answer value: responses}; "" counts those not
    asked or who left it blank, PREFER_NOT_TO_SAY those who declined. One
    query per field. Raises PermissionDenied for people who may not see
    results.
    """
    if not can_view_results(actor, engagement.organisation):
        raise PermissionDenied
    submissions = Submission.objects.filter(
        survey__engagement=engagement, status=Submission.Status.SUBMITTED
    ).order_by()
    counts = {
        name: {
            row[name]: row["n"]
            for row in submissions.values(name).annotate(n=Count("pk"))
        }
        for name in ABOUT_YOU_FIELDS
    }
    n_responses = sum(counts[next(iter(ABOUT_YOU_FIELDS))].values())
    return n_responses, counts
