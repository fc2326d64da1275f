"""Reads for organisations, areas, members, invitations, population profiles,
census label mappings and area lookups, scoped by the actor.

Split by topic into modules; every public name is re-exported here, so
`from coproduce.apps.organisations.selectors import X` works for all of them.
"""

from coproduce.apps.organisations.selectors.areas import (
    area_descendant_ids,
    area_get,
    area_list,
    area_list_ancestors,
    area_tree,
)
from coproduce.apps.organisations.selectors.census import (
    census_label_mapping_get,
    census_label_mapping_list,
    census_staging_get,
)
from coproduce.apps.organisations.selectors.lookups import (
    DecileRow,
    DeprivationLookup,
    PostcodeLookupSummary,
    area_for_postcode,
    areas_for_postcodes,
    deprivation_area_list,
    deprivation_deciles,
    deprivation_index_get,
    deprivation_index_list,
    deprivation_lookups_for_organisation,
    deprivation_small_areas_without_decile,
    postcode_key,
    postcode_lookup_match,
    postcode_lookup_summary,
)
from coproduce.apps.organisations.selectors.organisations import (
    invitation_get,
    invitation_get_by_token,
    invitation_list,
    membership_get,
    membership_list,
    membership_list_for_user,
    organisation_get,
    organisation_list,
    organisation_list_for_user,
    organisation_list_where_sole_administrator,
    organisation_summary,
)
from coproduce.apps.organisations.selectors.population import (
    population_margin_rows,
    population_margins,
    population_profile_get,
    population_profile_list,
)

__all__ = [
    "DecileRow",
    "DeprivationLookup",
    "PostcodeLookupSummary",
    "area_descendant_ids",
    "area_for_postcode",
    "area_get",
    "area_list",
    "area_list_ancestors",
    "area_tree",
    "areas_for_postcodes",
    "census_label_mapping_get",
    "census_label_mapping_list",
    "census_staging_get",
    "deprivation_area_list",
    "deprivation_deciles",
    "deprivation_index_get",
    "deprivation_index_list",
    "deprivation_lookups_for_organisation",
    "deprivation_small_areas_without_decile",
    "invitation_get",
    "invitation_get_by_token",
    "invitation_list",
    "membership_get",
    "membership_list",
    "membership_list_for_user",
    "organisation_get",
    "organisation_list",
    "organisation_list_for_user",
    "organisation_list_where_sole_administrator",
    "organisation_summary",
    "population_margin_rows",
    "population_margins",
    "population_profile_get",
    "population_profile_list",
    "postcode_key",
    "postcode_lookup_match",
    "postcode_lookup_summary",
]
