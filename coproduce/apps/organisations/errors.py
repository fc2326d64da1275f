"""Errors raised by organisation services."""

from coproduce.errors import DomainError, StateConflictError


class AreaError(DomainError):
    code = "area_invalid"


class AreaCycleError(AreaError):
    code = "area_cycle"


class MembershipError(DomainError):
    code = "membership_invalid"


class LastAdministratorError(StateConflictError):
    code = "last_administrator"


class InvitationError(DomainError):
    code = "invitation_invalid"


class PopulationProfileError(DomainError):
    """A population profile cannot be saved as it is; messages name the place."""

    code = "population_profile_invalid"


class DeprivationIndexError(DomainError):
    """A deprivation index cannot be saved as it is; messages name the place."""

    code = "deprivation_index_invalid"


class PostcodeLookupError(DomainError):
    """A postcode lookup file cannot be saved as it is; messages name the place."""

    code = "postcode_lookup_invalid"
