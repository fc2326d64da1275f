"""Organisation pages, split by what they show; urls.py uses the names here."""

from coproduce.apps.organisations.views.census import (
    census_import_cancel_view,
    census_label_mapping_delete_view,
    census_label_mapping_list_view,
    census_labels_view,
)
from coproduce.apps.organisations.views.organisation import (
    area_create_view,
    area_delete_view,
    area_list_view,
    area_update_view,
    invitation_accept_view,
    invitation_cancel_view,
    invitation_resend_view,
    invitation_status_view,
    member_change_role_view,
    member_invite_view,
    member_list_view,
    member_remove_view,
    organisation_dashboard_view,
    organisation_update_view,
)
from coproduce.apps.organisations.views.population import (
    population_profile_create_view,
    population_profile_delete_view,
    population_profile_detail_view,
    population_profile_list_view,
)

__all__ = [
    "area_create_view",
    "area_delete_view",
    "area_list_view",
    "area_update_view",
    "census_import_cancel_view",
    "census_label_mapping_delete_view",
    "census_label_mapping_list_view",
    "census_labels_view",
    "invitation_accept_view",
    "invitation_cancel_view",
    "invitation_resend_view",
    "invitation_status_view",
    "member_change_role_view",
    "member_invite_view",
    "member_list_view",
    "member_remove_view",
    "organisation_dashboard_view",
    "organisation_update_view",
    "population_profile_create_view",
    "population_profile_delete_view",
    "population_profile_detail_view",
    "population_profile_list_view",
]
