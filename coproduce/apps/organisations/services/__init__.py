"""All writes to organisations, areas, members and invitations."""

from coproduce.apps.organisations.services.areas import (
    area_create,
    area_delete,
    area_update,
)
from coproduce.apps.organisations.services.census import (
    LEAVE_OUT,
    CensusUpload,
    census_import_cancel,
    census_label_mapping_delete,
    census_labels_save_and_import,
    census_staging_unknown_labels,
    census_stagings_purge_expired,
    census_upload,
)
from coproduce.apps.organisations.services.lookups import (
    DeprivationImport,
    PostcodeLookupImport,
    PostcodeLookupMode,
    deprivation_index_delete,
    deprivation_index_import,
    postcode_lookup_delete,
    postcode_lookup_import,
)
from coproduce.apps.organisations.services.members import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    invitation_resend,
    invitation_send_email,
    membership_change_role,
    membership_remove,
    membership_remove_all_for_deleted_account,
)
from coproduce.apps.organisations.services.organisations import (
    membership_create,
    organisation_create,
    organisation_update,
)
from coproduce.apps.organisations.services.population import (
    population_profile_delete,
    population_profile_import,
)
from coproduce.apps.organisations.services.population_file import (
    population_category_match,
)

__all__ = [
    "LEAVE_OUT",
    "CensusUpload",
    "DeprivationImport",
    "PostcodeLookupImport",
    "PostcodeLookupMode",
    "area_create",
    "area_delete",
    "area_update",
    "census_import_cancel",
    "census_label_mapping_delete",
    "census_labels_save_and_import",
    "census_staging_unknown_labels",
    "census_stagings_purge_expired",
    "census_upload",
    "deprivation_index_delete",
    "deprivation_index_import",
    "invitation_accept",
    "invitation_cancel",
    "invitation_create",
    "invitation_resend",
    "invitation_send_email",
    "membership_change_role",
    "membership_create",
    "membership_remove",
    "membership_remove_all_for_deleted_account",
    "organisation_create",
    "organisation_update",
    "population_category_match",
    "population_profile_delete",
    "population_profile_import",
    "postcode_lookup_delete",
    "postcode_lookup_import",
]
