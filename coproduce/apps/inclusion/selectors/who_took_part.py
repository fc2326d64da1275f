"""Reads for inclusion: who took part in an engagement against who lives there.

Respondents' "about you" answers (from surveys) are compared with a population
profile's margins for the engagement's areas (from organisations) by the pure
`coproduce.analytics.representation` functions. Nothing is stored yet: the
page computes it on request (a few GROUP BY queries and arithmetic on a few
dozen categories).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation import (
    AlignedMargins,
    align_margins,
    compare_characteristic,
    representation_score,
)
from coproduce.apps.accounts.models import User
from coproduce.apps.core.about_you import (
    ABOUT_YOU_FIELDS,
    ABOUT_YOU_LABELS,
    PREFER_NOT_TO_SAY,
)
from coproduce.apps.core.tables import HIDDEN, Cell, Table, TableColumn
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.permissions import can_view_results
from coproduce.apps.inclusion.disclosure import (
    EXACT,
    Disclosure,
    disclosure_for,
    hidden_positions,
)
from coproduce.apps.inclusion.selectors.common import (
    choice_label,
    hidden_note,
    reading_label,
)
from coproduce.apps.organisations.models import PopulationProfile
from coproduce.apps.organisations.selectors import population_margins
from coproduce.apps.surveys.selectors.results import about_you_counts_for_engagement


@dataclass(frozen=True, slots=True)
class CategoryRow:
    value: str
    label: str
    # None when hidden by small-number protection (see inclusion/disclosure.py),
    # and so is everything worked out from it.
    n_participants: int | None
    participant_pct: float | None
    population_pct: float
    difference_points: float | None
    reading: str
    is_under_represented: bool

    @property
    def is_hidden(self) -> bool:
        return self.n_participants is None


@dataclass(frozen=True, slots=True)
class CharacteristicRows:
    name: str  # the about-you field, e.g. "age_band"
    label: str
    n_participants: int  # with a known answer
    n_unknown: int  # not asked, left blank or "prefer not to say"
    coverage_pct: float
    is_coverage_low: bool
    is_small_sample: bool
    dissimilarity_pct: float | None
    rows: tuple[CategoryRow, ...]
    problem: str  # why this characteristic could not be compared, if it could not


@dataclass(frozen=True, slots=True)
class WhoTookPart:
    n_responses: int
    profile: PopulationProfile | None
    characteristics: tuple[CharacteristicRows, ...]
    # 0–100 (100 = respondents mirror the residents), over the compared ones.
    score: float | None
    # Counts from 1 to threshold − 1 are hidden for this reader (1: none hidden).
    disclosure: Disclosure = EXACT


def engagement_who_took_part(
    *,
    actor: User | AnonymousUser,
    engagement: Engagement,
    profile: PopulationProfile | None,
) -> WhoTookPart:
    """Respondents against residents for every about-you characteristic.

    Residents are the profile's margins for the engagement's areas (the whole
    organisation when it has none). A characteristic that cannot be compared
    (no margin, or answers the profile has no residents for, such as under-16s
    against a 16+ profile) is kept with the reason, never an error page.
    Raises PermissionDenied for people who may not see results.
    """
    if not can_view_results(actor, engagement.organisation):
        raise PermissionDenied
    n_responses, counts = about_you_counts_for_engagement(
        actor=actor, engagement=engagement
    )
    disclosure = disclosure_for(actor, engagement.organisation)
    if profile is None:
        return WhoTookPart(n_responses, None, (), None, disclosure)
    area_ids = [area.pk for area in engagement.areas.all()] or None
    aligned: list[AlignedMargins] = []
    characteristics = []
    for name in ABOUT_YOU_FIELDS:
        answers = counts[name]
        residents = population_margins(
            profile=profile, characteristic=name, area_ids=area_ids
        )
        rows_or_problem = _compare(name, answers, residents, disclosure)
        if isinstance(rows_or_problem, tuple):
            rows, aligned_one = rows_or_problem
            aligned.append(aligned_one)
            characteristics.append(rows)
        else:
            characteristics.append(rows_or_problem)
    score = None
    if aligned:
        try:
            score = representation_score(
                aligned, characteristics=[a.characteristic for a in aligned]
            ).score
        except InputError:
            score = None
    return WhoTookPart(n_responses, profile, tuple(characteristics), score, disclosure)


def _compare(
    name: str,
    answers: dict[str, int],
    residents: dict[str, int],
    disclosure: Disclosure,
) -> tuple[CharacteristicRows, AlignedMargins] | CharacteristicRows:
    label = str(ABOUT_YOU_LABELS[name])
    n_unknown = answers.get("", 0) + answers.get(PREFER_NOT_TO_SAY, 0)
    known = {
        value: n for value, n in answers.items() if value not in ("", PREFER_NOT_TO_SAY)
    }

    def problem(message: str) -> CharacteristicRows:
        return CharacteristicRows(
            name=name,
            label=label,
            n_participants=sum(known.values()),
            n_unknown=n_unknown,
            coverage_pct=0.0,
            is_coverage_low=False,
            is_small_sample=False,
            dissimilarity_pct=None,
            rows=(),
            problem=message,
        )

    if not residents or not sum(residents.values()):
        return problem(str(_("The population profile has no figures for this.")))
    if not known:
        return problem(str(_("Nobody answered this question.")))
    try:
        aligned = align_margins(
            name,
            {**known, "": n_unknown},
            {value: float(n) for value, n in residents.items()},
        )
        comparison = compare_characteristic(aligned)
    except InputError as exc:
        category = exc.category or ""
        shown = choice_label(name, category) if category else ""
        return problem(
            str(
                _(
                    "Could not compare: respondents answered “%(category)s”, which "
                    "the population profile has no residents for. Check the "
                    "profile's age base and areas."
                )
            )
            % {"category": shown}
            if shown
            else exc.message
        )
    hidden = hidden_positions(
        [category.n_participants for category in comparison.categories], disclosure
    )
    rows = tuple(
        CategoryRow(
            value=category.label,
            label=choice_label(name, category.label),
            n_participants=None if index in hidden else category.n_participants,
            participant_pct=(
                None if index in hidden else category.participant_share * 100
            ),
            population_pct=category.population_share * 100,
            difference_points=(None if index in hidden else category.difference_points),
            reading=reading_label(category.reading),
            is_under_represented=category.reading == "under-represented",
        )
        for index, category in enumerate(comparison.categories)
    )
    return (
        CharacteristicRows(
            name=name,
            label=label,
            n_participants=comparison.n_participants,
            n_unknown=comparison.n_unknown,
            coverage_pct=comparison.coverage_share * 100,
            is_coverage_low=comparison.is_coverage_low,
            is_small_sample=comparison.is_small_sample,
            dissimilarity_pct=comparison.dissimilarity * 100,
            rows=rows,
            problem="",
        ),
        aligned,
    )


def who_took_part_tables(report: WhoTookPart) -> tuple[Table, ...]:
    """The page's tables, as shown and as downloaded: a summary, then one table
    per characteristic that could be compared. Hidden counts stay hidden."""
    summary_rows: list[tuple[Cell, ...]] = []
    tables: list[Table] = []
    for characteristic in report.characteristics:
        summary_rows.append(
            (
                characteristic.label,
                characteristic.n_participants,
                characteristic.n_unknown,
                None if characteristic.problem else characteristic.coverage_pct,
                characteristic.dissimilarity_pct,
                characteristic.problem,
            )
        )
        if characteristic.problem:
            continue
        rows = tuple(
            (
                row.label,
                HIDDEN if row.is_hidden else row.n_participants,
                HIDDEN if row.is_hidden else row.participant_pct,
                row.population_pct,
                HIDDEN if row.is_hidden else row.difference_points,
                row.reading,
            )
            for row in characteristic.rows
        )
        table = Table(
            slug=characteristic.name,
            title=characteristic.label,
            columns=(
                TableColumn("group", str(_("Group"))),
                TableColumn("respondents", str(_("Respondents")), "count"),
                TableColumn(
                    "respondent_share", str(_("Share of respondents")), "percent"
                ),
                TableColumn("resident_share", str(_("Share of residents")), "percent"),
                TableColumn(
                    "difference", str(_("Difference (percentage points)")), "number"
                ),
                TableColumn("reading", str(_("Reading"))),
            ),
            rows=rows,
        )
        if table.has_hidden:
            table = replace(table, notes=(hidden_note(report.disclosure),))
        tables.append(table)
    summary = Table(
        slug="summary",
        title=str(_("Summary by characteristic")),
        columns=(
            TableColumn("characteristic", str(_("Characteristic"))),
            TableColumn("answered", str(_("Respondents who answered")), "count"),
            TableColumn("did_not_say", str(_("Did not say")), "count"),
            TableColumn("coverage", str(_("Coverage")), "percent"),
            TableColumn("dissimilarity", str(_("Dissimilarity")), "percent"),
            TableColumn("problem", str(_("Why it could not be compared"))),
        ),
        rows=tuple(summary_rows),
    )
    return (summary, *tables)
