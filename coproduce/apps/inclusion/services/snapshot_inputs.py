"""Load everything one snapshot needs, and hash it.

The input hash covers exactly what the figures are computed from: the
organisation's contributions up to the reference date (person keys, not
e-mails), the engagement's responses' about-you answers, the population
margins for its areas, the responses' deprivation deciles and the dates
used. The same inputs give the same hash, so an unchanged engagement is not
recalculated (snapshots.py), and a figure can be traced to the data it came
from.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from coproduce.analytics.representation import Contribution
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.inclusion.selectors.contributions import (
    OrganisationContributions,
    local_date,
)
from coproduce.apps.inclusion.services.snapshot_deprivation import (
    DeprivationInput,
    deprivation_inputs_load,
)
from coproduce.apps.organisations.models import PopulationProfile
from coproduce.apps.organisations.selectors import population_margins
from coproduce.apps.surveys.selectors.contributions import (
    about_you_answers_for_engagement,
)


@dataclass(frozen=True)
class SnapshotInputs:
    engagement_id: int
    opened_on: date
    reference_on: date  # the close, or while open the latest contribution
    contributions: tuple[Contribution, ...]  # up to reference_on, and all of E's
    n_responses: int
    n_comments: int
    about_you: dict[str, dict[str, int]]  # field → {answer: responses}
    residents: dict[str, dict[str, int]]  # field → {category: residents}
    profile_id: int | None
    margins_hash: str
    input_hash: str
    # One per deprivation index with areas in scope (snapshot_deprivation.py).
    deprivation: tuple[DeprivationInput, ...] = ()

    @property
    def margins_version(self) -> str:
        if self.profile_id is None:
            return ""
        return f"{self.profile_id}:{self.margins_hash}"


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dates(
    engagement: Engagement, loaded: OrganisationContributions
) -> tuple[date, date]:
    """(opened_on, reference_on) for the engagement.

    The reference date ends the usual-suspects window: the close when closed,
    the planned close at the latest while open, and otherwise the latest
    contribution anywhere in the organisation ("as far as the records go"),
    so an unchanged organisation keeps the same inputs from day to day.
    """
    key = str(engagement.pk)
    own = [c.contributed_on for c in loaded.contributions if c.engagement_id == key]
    latest = max(
        (c.contributed_on for c in loaded.contributions),
        default=timezone.localdate(),
    )
    if engagement.closed_at is not None:
        reference_on = local_date(engagement.closed_at)
    elif engagement.closes_at is not None:
        reference_on = min(local_date(engagement.closes_at), latest)
    else:
        reference_on = latest
    if engagement.opens_at is not None:
        opened_on = local_date(engagement.opens_at)
    else:
        opened_on = min(own, default=reference_on)
    reference_on = max(reference_on, min(own, default=reference_on))
    return opened_on, reference_on


def snapshot_inputs_load(
    *,
    engagement: Engagement,
    profile: PopulationProfile | None,
    loaded: OrganisationContributions,
) -> SnapshotInputs:
    """Everything a snapshot of `engagement` is computed from, with its hash.

    `loaded` is the organisation's contributions (selectors.contributions), so
    the scheduled refresh loads them once per organisation. Queries: one for the
    about-you answers, one for the areas and a few per characteristic for the
    margins; none per response.
    """
    key = str(engagement.pk)
    opened_on, reference_on = _dates(engagement, loaded)
    contributions = tuple(
        c
        for c in loaded.contributions
        if c.contributed_on <= reference_on or c.engagement_id == key
    )
    n_responses, about_you = about_you_answers_for_engagement(engagement=engagement)
    residents: dict[str, dict[str, int]] = {}
    if profile is not None:
        area_ids = [area.pk for area in engagement.areas.all()] or None
        for name in ABOUT_YOU_FIELDS:
            residents[name] = population_margins(
                profile=profile, characteristic=name, area_ids=area_ids
            )
    margins_hash = _digest(residents) if profile is not None else ""
    deprivation = deprivation_inputs_load(engagement=engagement)
    per_person_day = Counter(
        (c.engagement_id, c.contributed_on.isoformat(), c.person_key or "", c.count)
        for c in contributions
    )
    input_hash = _digest(
        {
            "engagement": engagement.pk,
            "opened_on": opened_on.isoformat(),
            "reference_on": reference_on.isoformat(),
            "contributions": sorted([*row, n] for row, n in per_person_day.items()),
            "about_you": about_you,
            "profile": profile.pk if profile is not None else None,
            "margins": margins_hash,
            "deprivation": [item.as_hashable() for item in deprivation],
        }
    )
    return SnapshotInputs(
        engagement_id=engagement.pk,
        opened_on=opened_on,
        reference_on=reference_on,
        contributions=contributions,
        n_responses=n_responses,
        n_comments=loaded.n_comments.get(engagement.pk, 0),
        about_you=about_you,
        residents=residents,
        profile_id=profile.pk if profile is not None else None,
        margins_hash=margins_hash,
        input_hash=input_hash,
        deprivation=deprivation,
    )
