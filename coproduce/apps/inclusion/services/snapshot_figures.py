"""Compute a snapshot's figures from its loaded inputs (no queries here).

Each figure calls the pure `coproduce.analytics.representation` functions.
A figure that cannot be given (too few people, nobody linked) is None with a
reason code beside it, never an error: the page explains the code in words
(selectors/snapshots.py), in the reader's language rather than the one the
snapshot happened to be computed in.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation import (
    AlignedMargins,
    align_margins,
    compare_characteristic,
    concentration,
    newcomer_share,
    representation_score,
    usual_suspects,
    usual_suspects_by_engagement,
)
from coproduce.analytics.representation.participation import (
    DEFAULT_MIN_ENGAGEMENTS,
    DEFAULT_WINDOW_DAYS,
    LOW_LINKED_SHARE_BELOW,
)
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS, PREFER_NOT_TO_SAY
from coproduce.apps.inclusion.services.snapshot_deprivation import deprivation_figures
from coproduce.apps.inclusion.services.snapshot_inputs import SnapshotInputs

RESULT_SCHEMA = 1

# Reason codes stored in the result; selectors/snapshots.py says them in words.
NO_PROFILE = "no_profile"
NO_MARGIN = "no_margin"
NO_ANSWERS = "no_answers"
NOT_COMPARABLE = "not_comparable"
TOO_FEW_PEOPLE = "too_few_people"
NOBODY_LINKED = "nobody_linked"
NO_CONTRIBUTIONS = "no_contributions"


def snapshot_result_compute(inputs: SnapshotInputs) -> dict[str, Any]:
    """The result JSON of one snapshot (schema in models.InclusionSnapshot)."""
    key = str(inputs.engagement_id)
    own = [c for c in inputs.contributions if c.engagement_id == key]
    linked = [c for c in own if c.person_key is not None]
    n_contributions = sum(c.count for c in own)
    n_linked = sum(c.count for c in linked)
    linked_share = n_linked / n_contributions if n_contributions else None
    characteristics, left_out, aligned = _characteristics(inputs)
    score: float | None = None
    missing: list[dict[str, Any]] = []
    if aligned:
        scored = representation_score(
            aligned, characteristics=[a.characteristic for a in aligned]
        )
        score = scored.score
        missing = [
            {
                "characteristic": group.characteristic,
                "value": group.label,
                "ratio": group.ratio,
                "difference_points": group.difference_points,
                "participant_share": group.participant_share,
                "population_share": group.population_share,
            }
            for group in scored.missing_groups
        ]
    return {
        "schema": RESULT_SCHEMA,
        "reference_on": inputs.reference_on.isoformat(),
        "opened_on": inputs.opened_on.isoformat(),
        "n_responses": inputs.n_responses,
        "n_comments": inputs.n_comments,
        "n_contributions": n_contributions,
        "n_linked_contributions": n_linked,
        "n_unlinked_contributions": n_contributions - n_linked,
        "n_participants": len({c.person_key for c in linked}),
        "linked_share": linked_share,
        "is_linked_share_low": linked_share is not None
        and linked_share < LOW_LINKED_SHARE_BELOW,
        "characteristics": characteristics,
        "left_out": left_out,
        "score": score,
        "missing_groups": missing,
        "concentration": _concentration(linked),
        "usual_suspects": _usual_suspects(inputs, key),
        "newcomers": _newcomers(inputs, key, has_own=bool(own)),
        "deprivation": deprivation_figures(inputs.deprivation),
    }


def _characteristics(
    inputs: SnapshotInputs,
) -> tuple[list[dict[str, Any]], list[dict[str, str]], list[AlignedMargins]]:
    compared: list[dict[str, Any]] = []
    left_out: list[dict[str, str]] = []
    aligned_all: list[AlignedMargins] = []
    for name in ABOUT_YOU_FIELDS:
        answers = inputs.about_you.get(name, {})
        residents = inputs.residents.get(name, {})
        n_unknown = answers.get("", 0) + answers.get(PREFER_NOT_TO_SAY, 0)
        known = {
            value: n
            for value, n in answers.items()
            if value not in ("", PREFER_NOT_TO_SAY) and n
        }
        if inputs.profile_id is None:
            left_out.append({"name": name, "reason": NO_PROFILE, "detail": ""})
            continue
        if not residents or not sum(residents.values()):
            left_out.append({"name": name, "reason": NO_MARGIN, "detail": ""})
            continue
        if not known:
            left_out.append({"name": name, "reason": NO_ANSWERS, "detail": ""})
            continue
        try:
            aligned = align_margins(
                name,
                {**known, "": n_unknown},
                {value: float(n) for value, n in residents.items()},
            )
        except InputError as exc:
            left_out.append(
                {"name": name, "reason": NOT_COMPARABLE, "detail": exc.category or ""}
            )
            continue
        comparison = compare_characteristic(aligned)
        aligned_all.append(aligned)
        compared.append(
            {
                "name": name,
                "n_participants": comparison.n_participants,
                "n_unknown": comparison.n_unknown,
                "coverage_share": comparison.coverage_share,
                "is_coverage_low": comparison.is_coverage_low,
                "is_small_sample": comparison.is_small_sample,
                "dissimilarity": comparison.dissimilarity,
                "balance_ratio": comparison.balance_ratio,
                "categories": [
                    {
                        "value": category.label,
                        "n_participants": category.n_participants,
                        "participant_share": category.participant_share,
                        "population_share": category.population_share,
                        "difference_points": category.difference_points,
                        "ratio": category.ratio,
                        "reading": category.reading,
                    }
                    for category in comparison.categories
                ],
            }
        )
    return compared, left_out, aligned_all


def _concentration(linked: list[Any]) -> dict[str, Any]:
    per_person = Counter[str]()
    for contribution in linked:
        per_person[contribution.person_key] += contribution.count
    empty: dict[str, Any] = {
        "n_people": len(per_person),
        "gini": None,
        "gini_corrected": None,
        "top_10_share": None,
        "top_1_share": None,
        "is_top_10_shown": False,
        "is_top_1_shown": False,
        "lorenz_points": [],
    }
    if len(per_person) < 2:
        return {**empty, "reason": TOO_FEW_PEOPLE}
    result = concentration(sorted(per_person.values()))
    return {
        "n_people": result.n_participants,
        "gini": result.gini,
        "gini_corrected": result.gini_corrected,
        "top_10_share": result.top_10_share if result.is_top_10_shown else None,
        "top_1_share": result.top_1_share if result.is_top_1_shown else None,
        "is_top_10_shown": result.is_top_10_shown,
        "is_top_1_shown": result.is_top_1_shown,
        # At most 101 points (the library decimates to every 1 %).
        "lorenz_points": [list(point) for point in result.lorenz_points],
        "reason": "",
    }


def _usual_suspects(inputs: SnapshotInputs, key: str) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "min_engagements": DEFAULT_MIN_ENGAGEMENTS,
        "window_days": DEFAULT_WINDOW_DAYS,
        "n_people": 0,
        "n_usual_suspects": 0,
        "share": None,
        "contribution_share": None,
        "engagement_share": None,
        "engagement_n_linked_participants": 0,
        "engagement_n_usual_suspects": 0,
        "reason": "",
    }
    try:
        overall = usual_suspects(inputs.contributions, reference_on=inputs.reference_on)
    except InputError:
        return {**figures, "reason": NOBODY_LINKED}
    (own,) = usual_suspects_by_engagement(
        inputs.contributions, {key: inputs.reference_on}
    )
    return {
        **figures,
        "n_people": overall.n_people,
        "n_usual_suspects": overall.n_usual_suspects,
        "share": overall.usual_suspect_share,
        "contribution_share": overall.usual_suspect_contribution_share,
        "linked_share": overall.linked_contribution_share,
        "engagement_share": own.usual_suspect_share,
        "engagement_n_linked_participants": own.n_linked_participants,
        "engagement_n_usual_suspects": own.n_usual_suspects,
        "reason": "" if own.usual_suspect_share is not None else NOBODY_LINKED,
    }


def _newcomers(inputs: SnapshotInputs, key: str, *, has_own: bool) -> dict[str, Any]:
    empty: dict[str, Any] = {
        "n_linked_participants": 0,
        "n_newcomers": 0,
        "share": None,
        "records_start_on": None,
        "is_short_history": False,
    }
    if not has_own:
        return {**empty, "reason": NO_CONTRIBUTIONS}
    result = newcomer_share(
        inputs.contributions, engagement_id=key, opened_on=inputs.opened_on
    )
    return {
        "n_linked_participants": result.n_linked_participants,
        "n_newcomers": result.n_newcomers,
        "share": result.newcomer_share,
        "records_start_on": result.records_start_on,
        "is_short_history": result.is_short_history,
        "reason": "" if result.newcomer_share is not None else NOBODY_LINKED,
    }
