"""Reads for saved ONS label mappings and kept census uploads."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import (
    CensusImportStaging,
    CensusLabelMapping,
    Organisation,
)
from coproduce.apps.organisations.permissions import (
    can_manage_population_profiles,
    can_view_population_profiles,
)


def census_label_mapping_list(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[CensusLabelMapping]:
    """The organisation's saved ONS label mappings, by characteristic and label.

    Raises PermissionDenied for non-members (members read them, as they read
    population profiles).
    """
    if not can_view_population_profiles(actor, organisation):
        raise PermissionDenied
    return (
        CensusLabelMapping.objects.filter(organisation=organisation)
        .select_related("created_by")
        .order_by("characteristic", "source_label_key", "pk")
    )


def census_label_mapping_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> CensusLabelMapping:
    """One saved mapping of the organisation; 404 if missing or another's."""
    return get_object_or_404(
        census_label_mapping_list(actor=actor, organisation=organisation), pk=pk
    )


def census_staging_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> CensusImportStaging:
    """The actor's own upload waiting for label choices.

    Raises PermissionDenied for people who may not import profiles; 404 for an
    upload that is missing, expired, or someone else's.
    """
    if not can_manage_population_profiles(actor, organisation):
        raise PermissionDenied
    return get_object_or_404(
        CensusImportStaging.objects.select_related("organisation"),
        organisation=organisation,
        created_by_id=actor.pk,
        expires_at__gt=timezone.now(),
        pk=pk,
    )
