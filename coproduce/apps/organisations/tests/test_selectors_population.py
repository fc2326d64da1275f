"""population_profile_list, population_profile_get and population_margins."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from coproduce.apps.organisations.models import Area, Organisation, PopulationProfile
from coproduce.apps.organisations.selectors import (
    population_margins,
    population_profile_get,
    population_profile_list,
)
from coproduce.apps.organisations.tests.factories import (
    AreaFactory,
    PopulationMarginFactory,
    PopulationProfileFactory,
)


def _margins(profile: PopulationProfile, area: Area, **counts: int) -> None:
    for category, count in counts.items():
        PopulationMarginFactory(
            profile=profile,
            area=area,
            characteristic="age_band",
            category=category.removeprefix("a"),
            count=count,
        )


@pytest.fixture
def tree(organisation: Organisation) -> dict[str, Area]:
    """County → two wards; ward A has two small areas, ward B its own margins."""
    county = AreaFactory(organisation=organisation, level=Area.Level.ORGANISATION)
    ward_a = AreaFactory(organisation=organisation, parent=county)
    ward_b = AreaFactory(organisation=organisation, parent=county)
    small_1 = AreaFactory(
        organisation=organisation, parent=ward_a, level=Area.Level.SMALL_AREA
    )
    small_2 = AreaFactory(
        organisation=organisation, parent=ward_a, level=Area.Level.SMALL_AREA
    )
    return {
        "county": county,
        "ward_a": ward_a,
        "ward_b": ward_b,
        "small_1": small_1,
        "small_2": small_2,
    }


@pytest.fixture
def profile(organisation: Organisation, tree: dict[str, Area]) -> PopulationProfile:
    profile = PopulationProfileFactory(organisation=organisation)
    _margins(profile, tree["small_1"], a16_24=10, a75_plus=1)
    _margins(profile, tree["small_2"], a16_24=20, a25_34=5)
    _margins(profile, tree["ward_b"], a16_24=100, a25_34=50)
    return profile


@pytest.mark.django_db
def test_margins_sum_a_ward_from_its_small_areas(profile, tree):
    assert population_margins(
        profile=profile, characteristic="age_band", area_ids=[tree["ward_a"].pk]
    ) == {"16_24": 30, "25_34": 5, "75_plus": 1}


@pytest.mark.django_db
def test_margins_of_the_whole_tree_count_everyone_once(
    profile, tree, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        everyone = population_margins(profile=profile, characteristic="age_band")

    assert everyone == {"16_24": 130, "25_34": 55, "75_plus": 1}
    assert list(everyone) == ["16_24", "25_34", "75_plus"]  # form order
    assert (
        population_margins(
            profile=profile, characteristic="age_band", area_ids=[tree["county"].pk]
        )
        == everyone
    )


@pytest.mark.django_db
def test_an_area_inside_another_chosen_area_is_not_counted_twice(profile, tree):
    assert population_margins(
        profile=profile,
        characteristic="age_band",
        area_ids=[tree["small_1"].pk, tree["ward_a"].pk],
    ) == {"16_24": 30, "25_34": 5, "75_plus": 1}


@pytest.mark.django_db
def test_an_area_with_its_own_margins_is_not_summed_again_from_below(
    organisation, profile, tree
):
    # Ward A now also has its own margins: they win over its small areas.
    _margins(profile, tree["ward_a"], a16_24=31, a25_34=5)

    assert population_margins(
        profile=profile, characteristic="age_band", area_ids=[tree["ward_a"].pk]
    ) == {"16_24": 31, "25_34": 5}
    assert population_margins(profile=profile, characteristic="age_band") == {
        "16_24": 131,
        "25_34": 55,
    }


@pytest.mark.django_db
def test_areas_of_another_organisation_are_ignored(profile, other_organisation):
    foreign_area = AreaFactory(organisation=other_organisation)
    foreign = PopulationProfileFactory(organisation=other_organisation)
    _margins(foreign, foreign_area, a16_24=999)

    assert (
        population_margins(
            profile=profile, characteristic="age_band", area_ids=[foreign_area.pk]
        )
        == {}
    )


@pytest.mark.django_db
def test_a_characteristic_without_margins_gives_an_empty_result(profile):
    assert population_margins(profile=profile, characteristic="sex") == {}


@pytest.mark.django_db
def test_profile_list_shows_only_this_organisations_profiles(
    organisation, other_organisation, officer, profile, django_assert_max_num_queries
):
    PopulationProfileFactory(organisation=other_organisation)

    with django_assert_max_num_queries(2):
        profiles = list(
            population_profile_list(actor=officer, organisation=organisation)
        )

    assert profiles == [profile]
    assert profiles[0].n_margins == 6


@pytest.mark.django_db
def test_another_organisations_profile_is_a_404(
    organisation, other_organisation, analyst
):
    foreign = PopulationProfileFactory(organisation=other_organisation)

    with pytest.raises(Http404):
        population_profile_get(actor=analyst, organisation=organisation, pk=foreign.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor_fixture", "allowed"),
    [
        ("administrator", True),
        ("analyst", True),
        ("officer", True),
        ("elected_member", True),
        ("community_organiser", True),
        ("resident", False),
        ("staff_of_other_organisation", False),
    ],
)
def test_every_member_may_read_profiles_and_nobody_else(
    request, organisation, profile, actor_fixture, allowed
):
    actor = request.getfixturevalue(actor_fixture)

    if allowed:
        assert (
            population_profile_get(
                actor=actor, organisation=organisation, pk=profile.pk
            )
            == profile
        )
    else:
        with pytest.raises(PermissionDenied):
            population_profile_list(actor=actor, organisation=organisation)
