"""Area lookup selectors: longest prefix wins, one query for many postcodes,
deciles per area, and scoping by organisation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from coproduce.apps.organisations import selectors
from coproduce.apps.organisations.models import Area
from coproduce.apps.organisations.selectors import (
    DecileRow,
    area_for_postcode,
    areas_for_postcodes,
    deprivation_deciles,
    deprivation_index_get,
    deprivation_index_list,
    deprivation_small_areas_without_decile,
    postcode_key,
    postcode_lookup_match,
    postcode_lookup_summary,
)
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.apps.organisations.tests.factories_lookups import (
    DeprivationAreaFactory,
    DeprivationIndexFactory,
    PostcodeAreaFactory,
)


@pytest.fixture
def lookup(organisation):
    """District CF10 → ward; sector CF10 1 → small area A; unit CF10 1AA → B."""
    ward = AreaFactory(organisation=organisation, code="W05000001")
    small_a = AreaFactory(
        organisation=organisation, code="W01000001", level=Area.Level.SMALL_AREA
    )
    small_b = AreaFactory(
        organisation=organisation, code="W01000002", level=Area.Level.SMALL_AREA
    )
    PostcodeAreaFactory(organisation=organisation, prefix="CF10", area=ward)
    PostcodeAreaFactory(organisation=organisation, prefix="CF101", area=small_a)
    PostcodeAreaFactory(organisation=organisation, prefix="CF101AA", area=small_b)
    return {"ward": ward, "a": small_a, "b": small_b}


@pytest.mark.django_db
def test_the_longest_prefix_wins(organisation, lookup, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = areas_for_postcodes(
            organisation=organisation,
            postcodes=["cf10 1aa", "CF10 1AB", "CF10 2AB", "CF10", "NP20 1AA"],
        )

    assert found == {
        "CF101AA": lookup["b"].pk,
        "CF101AB": lookup["a"].pk,
        "CF102AB": lookup["ward"].pk,
        "CF10": lookup["ward"].pk,
        "NP201AA": None,
    }


@pytest.mark.django_db
def test_many_postcodes_still_take_one_query(
    organisation, lookup, django_assert_num_queries, monkeypatch
):
    postcodes = [f"CF10 {n % 10}A{chr(65 + n % 26)}" for n in range(3000)]
    postcodes.append("CF10 1AA")
    monkeypatch.setattr(selectors.lookups, "_MAX_PREFIXES_IN_QUERY", 100)

    with django_assert_num_queries(1):
        found = areas_for_postcodes(organisation=organisation, postcodes=postcodes)

    assert found["CF101AA"] == lookup["b"].pk
    assert found["CF109AZ"] == lookup["ward"].pk
    assert len(found) == len({postcode_key(p) for p in postcodes})


@pytest.mark.django_db
def test_blank_and_invalid_postcodes_map_to_none_without_a_query(
    organisation, lookup, django_assert_num_queries
):
    with django_assert_num_queries(0):
        found = areas_for_postcodes(
            organisation=organisation,
            postcodes=["", "   ", "<script>", "CF10 1AAAAAA", "'; DROP TABLE"],
        )

    assert set(found.values()) == {None}
    assert "" in found


@pytest.mark.django_db
def test_another_organisations_lookup_is_never_used(
    organisation, other_organisation, lookup
):
    PostcodeAreaFactory(organisation=other_organisation, prefix="NP20")

    assert areas_for_postcodes(organisation=organisation, postcodes=["NP20 1AA"]) == {
        "NP201AA": None
    }
    assert area_for_postcode(organisation=organisation, postcode="NP20 1AA") is None


@pytest.mark.django_db
def test_one_postcode_is_matched_the_same_way(organisation, lookup):
    match = postcode_lookup_match(organisation=organisation, postcode=" cf10\u200b1ab ")

    assert match is not None
    assert (match.prefix, match.area) == ("CF101", lookup["a"])
    assert (
        area_for_postcode(organisation=organisation, postcode="CF10 1AA")
        == (lookup["b"])
    )


@pytest.mark.django_db
def test_the_lookup_summary_counts_postcodes_per_area(
    organisation, administrator, lookup
):
    PostcodeAreaFactory(organisation=organisation, prefix="CF11", area=lookup["a"])

    summary = postcode_lookup_summary(actor=administrator, organisation=organisation)

    assert summary.n_postcodes == 4
    assert {area.code: area.n_postcodes for area in summary.areas} == {
        "W05000001": 1,
        "W01000001": 2,
        "W01000002": 1,
    }


@pytest.mark.django_db
def test_outsiders_cannot_read_lookups(organisation, resident):
    with pytest.raises(PermissionDenied):
        postcode_lookup_summary(actor=resident, organisation=organisation)
    with pytest.raises(PermissionDenied):
        deprivation_index_list(actor=resident, organisation=organisation)


@pytest.mark.django_db
def test_deciles_come_back_per_area_in_one_query(
    organisation, django_assert_num_queries
):
    index = DeprivationIndexFactory(organisation=organisation)
    first = DeprivationAreaFactory(index=index, decile=1, residents=1500)
    second = DeprivationAreaFactory(index=index, decile=10, residents=None)
    DeprivationAreaFactory(decile=5)  # another index

    with django_assert_num_queries(1):
        deciles = deprivation_deciles(index=index)

    assert deciles == {
        first.area_id: DecileRow(decile=1, residents=1500),
        second.area_id: DecileRow(decile=10, residents=None),
    }


@pytest.mark.django_db
def test_indices_are_scoped_to_their_organisation(
    organisation, other_organisation, officer
):
    mine = DeprivationIndexFactory(organisation=organisation)
    DeprivationAreaFactory.create_batch(2, index=mine)
    foreign = DeprivationIndexFactory(organisation=other_organisation)

    listed = list(deprivation_index_list(actor=officer, organisation=organisation))

    assert listed == [mine]
    assert listed[0].n_areas == 2
    with pytest.raises(Http404):
        deprivation_index_get(actor=officer, organisation=organisation, pk=foreign.pk)


@pytest.mark.django_db
def test_small_areas_without_a_decile_are_counted(organisation):
    index = DeprivationIndexFactory(organisation=organisation)
    covered = AreaFactory(organisation=organisation, level=Area.Level.SMALL_AREA)
    AreaFactory.create_batch(2, organisation=organisation, level=Area.Level.SMALL_AREA)
    AreaFactory(organisation=organisation, level=Area.Level.WARD)  # not small
    DeprivationAreaFactory(index=index, area=covered)

    assert deprivation_small_areas_without_decile(index=index) == 2


@pytest.mark.parametrize(
    ("compact", "within", "shown"),
    [
        ("CF101AA", "", "CF10 1AA"),
        ("M11AE", "", "M1 1AE"),
        ("CF101", "CF101AB", "CF10 1"),
        ("B11", "B11AA", "B1 1"),  # sector 1 of B1, not district B11
        ("B11", "B111AA", "B11"),
        ("CF10", "", "CF10"),
        ("CF101", "", "CF101"),  # alone, a sector cannot be told from a district
    ],
)
def test_postcodes_are_shown_with_their_space(compact, within, shown):
    from coproduce.apps.organisations.postcodes import postcode_display

    assert postcode_display(compact, within=within) == shown
