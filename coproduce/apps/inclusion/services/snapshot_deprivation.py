"""Reach in deprived areas (spec §6): responses coded to a deprivation decile.

Each response's postcode is coded through the organisation's postcode lookup
now (longest prefix), so a lookup uploaded after a survey closed still counts;
a response without a postcode keeps the area it was coded to when it arrived.
A response counts in a decile when its area is a small area of the index and
lies within the engagement's areas (anywhere in the organisation when the
engagement has none). The rest are counted, never guessed:

- *unknown*: no postcode, or a postcode that only locates a whole ward or
  district (no decile of its own);
- *out of area*: a postcode that is not in the lookup, or an area outside the
  engagement's areas.

Residents per decile are the index file's resident counts when every small area
in scope has one; otherwise each small area counts once (LSOAs and data zones
are drawn to similar populations) and the figures say so.

Every index of the organisation is a separate result: deciles rank within one
nation and are never pooled.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation import DecileTable, deprivation_reach
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.organisations.selectors import (
    area_descendant_ids,
    areas_for_postcodes,
    deprivation_lookups_for_organisation,
    postcode_key,
)
from coproduce.apps.surveys.selectors.contributions import postcodes_for_engagement

RESIDENTS = "residents"
SMALL_AREAS = "small_areas"


@dataclass(frozen=True)
class DeprivationInput:
    """What one index's reach is computed from (part of the snapshot's hash)."""

    index_id: int
    index_name: str
    nation: str
    edition: str
    participants: dict[int, int]  # decile → responses
    residents: dict[int, float]  # decile → residents, or small areas
    residents_basis: str  # RESIDENTS or SMALL_AREAS
    n_unknown: int
    n_out_of_area: int

    def as_hashable(self) -> dict[str, Any]:
        return {
            "index": self.index_id,
            "participants": sorted(self.participants.items()),
            "residents": sorted(self.residents.items()),
            "basis": self.residents_basis,
            "unknown": self.n_unknown,
            "out_of_area": self.n_out_of_area,
        }


def _in_scope(engagement: Engagement) -> set[int] | None:
    """The engagement's areas and every area inside them; None (the whole
    organisation) when it has none. One query per engagement area."""
    chosen = [area.pk for area in engagement.areas.all()]
    if not chosen:
        return None
    return {
        pk
        for area_id in chosen
        for pk in area_descendant_ids(
            organisation_id=engagement.organisation_id, area_id=area_id
        )
    }


def deprivation_inputs_load(*, engagement: Engagement) -> tuple[DeprivationInput, ...]:
    """One input per deprivation index of the organisation with areas in scope.

    Queries: the indices and their deciles (2), the area tree (one per
    engagement area), the engagement's postcodes (1) and the postcode lookup
    (1), whatever the number of responses.
    """
    organisation = engagement.organisation
    lookups = deprivation_lookups_for_organisation(organisation=organisation)
    if not lookups:
        return ()
    scope = _in_scope(engagement)
    counts = postcodes_for_engagement(engagement=engagement)
    coded = areas_for_postcodes(
        organisation=organisation,
        postcodes=[row.postcode for row in counts if row.postcode],
    )
    # Each response's area: from its postcode now, else as coded on arrival;
    # None with a postcode means the lookup does not know it.
    areas: Counter[tuple[int | None, bool]] = Counter()
    for row in counts:
        if row.postcode:
            area_id = coded.get(postcode_key(row.postcode))
            areas[(area_id, True)] += row.n
        else:
            areas[(row.area_id, False)] += row.n
    inputs = []
    for lookup in lookups:
        in_scope = {
            area_id: row
            for area_id, row in lookup.deciles.items()
            if scope is None or area_id in scope
        }
        if not in_scope:
            continue
        participants: Counter[int] = Counter()
        n_unknown = n_out_of_area = 0
        for (area_id, has_postcode), n in areas.items():
            if area_id is None:
                if has_postcode:
                    n_out_of_area += n
                else:
                    n_unknown += n
            elif scope is not None and area_id not in scope:
                n_out_of_area += n
            elif area_id in in_scope:
                participants[in_scope[area_id].decile] += n
            else:
                n_unknown += n
        has_residents = all(
            decile_row.residents is not None for decile_row in in_scope.values()
        )
        residents: Counter[int] = Counter()
        for decile_row in in_scope.values():
            if has_residents and decile_row.residents is not None:
                residents[decile_row.decile] += decile_row.residents
            else:
                residents[decile_row.decile] += 1
        index = lookup.index
        inputs.append(
            DeprivationInput(
                index_id=index.pk,
                index_name=index.name,
                nation=index.nation,
                edition=index.edition,
                participants=dict(participants),
                residents={decile: float(n) for decile, n in residents.items()},
                residents_basis=RESIDENTS if has_residents else SMALL_AREAS,
                n_unknown=n_unknown,
                n_out_of_area=n_out_of_area,
            )
        )
    return tuple(inputs)


def deprivation_figures(inputs: tuple[DeprivationInput, ...]) -> list[dict[str, Any]]:
    """The snapshot's `deprivation` list: one entry per index, each with its
    deciles and headline, or with the reason it could not be worked out."""
    results: list[dict[str, Any]] = []
    for item in inputs:
        entry: dict[str, Any] = {
            "index_id": item.index_id,
            "index": item.index_name,
            "nation": item.nation,
            "edition": item.edition,
            "residents_basis": item.residents_basis,
            "n_unknown": item.n_unknown,
            "n_out_of_area": item.n_out_of_area,
            "n_participants": sum(item.participants.values()),
        }
        label = item.edition or item.index_name
        try:
            reach = deprivation_reach(
                DecileTable(item.nation, label, item.participants),
                DecileTable(item.nation, label, item.residents),
                n_unknown=item.n_unknown,
                n_out_of_area=item.n_out_of_area,
            )
        except InputError as exc:
            entry["problem"] = exc.message
            results.append(entry)
            continue
        entry.update(
            {
                "problem": "",
                "coverage_share": reach.coverage_share,
                "deprived_reach_ratio": reach.deprived_reach_ratio,
                "least_deprived_ratio": reach.least_deprived_ratio,
                "gradient": reach.gradient,
                "notices": list(reach.notices),
                "deciles": [
                    {
                        "decile": decile.decile,
                        "n_participants": decile.n_participants,
                        "participant_share": decile.participant_share,
                        "resident_share": decile.resident_share,
                        "ratio": decile.ratio,
                        "reading": decile.reading,
                    }
                    for decile in reach.deciles
                ],
            }
        )
        results.append(entry)
    return results
