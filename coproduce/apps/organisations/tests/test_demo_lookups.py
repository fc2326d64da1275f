"""The demo council's area lookups: a Welsh deprivation index over every small
area, and postcodes on demo responses that fall in the lookup's small areas."""

from __future__ import annotations

import pytest

from coproduce.apps.organisations.models import (
    Area,
    DeprivationIndex,
    Nation,
    Organisation,
)
from coproduce.apps.organisations.selectors import (
    areas_for_postcodes,
    deprivation_deciles,
)
from coproduce.apps.surveys.models import Submission
from coproduce.demo.builder import DEMO_ORGANISATION_SLUG, demo_build
from coproduce.demo.lookups import WARD_DECILES

pytestmark = pytest.mark.django_db


def test_every_demo_small_area_has_a_decile_and_residents() -> None:
    demo_build(seed=5, n_survey_responses=60)
    organisation = Organisation.objects.get(slug=DEMO_ORGANISATION_SLUG)

    index = DeprivationIndex.objects.get(organisation=organisation)
    deciles = deprivation_deciles(index=index)

    small_areas = set(
        Area.objects.filter(
            organisation=organisation, level=Area.Level.SMALL_AREA
        ).values_list("pk", flat=True)
    )
    assert index.nation == Nation.WALES
    assert set(deciles) == small_areas
    assert index.n_skipped_rows > 0  # rows for the rest of Wales, as nationally
    assert all(row.residents and row.residents > 0 for row in deciles.values())
    assert {row.decile for row in deciles.values()} == {
        decile for ward in WARD_DECILES.values() for decile in ward
    }


def test_demo_postcodes_fall_in_small_areas_inside_the_responses_ward() -> None:
    demo_build(seed=5, n_survey_responses=120)
    organisation = Organisation.objects.get(slug=DEMO_ORGANISATION_SLUG)
    submissions = list(
        Submission.objects.filter(survey__organisation=organisation)
        .exclude(postcode="")
        .select_related("area")
    )

    found = areas_for_postcodes(
        organisation=organisation, postcodes=[s.postcode for s in submissions]
    )
    small_area_parent = dict(
        Area.objects.filter(
            organisation=organisation, level=Area.Level.SMALL_AREA
        ).values_list("pk", "parent_id")
    )

    assert len(submissions) > 80  # most respondents give a postcode
    for submission in submissions:
        area_id = found[submission.postcode.replace(" ", "")]
        assert area_id in small_area_parent, submission.postcode
        assert small_area_parent[area_id] == submission.area_id
