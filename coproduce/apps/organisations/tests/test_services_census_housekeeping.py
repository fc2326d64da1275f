"""Kept census uploads: expired ones are purged. Label mappings: saving races."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.models import CensusImportStaging
from coproduce.apps.organisations.services import census_stagings_purge_expired
from coproduce.apps.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HOSTILE_NAME = "Cyfrifiad Ŵŷ 2021 🏴 مرحبا <script>x</script>' OR 1=1 --"


def _staging(organisation, user, *, expires_in: timedelta) -> CensusImportStaging:
    staging = CensusImportStaging.objects.create(
        organisation=organisation,
        created_by=user,
        name=HOSTILE_NAME,
        source="ONS Census 2021",
        age_base="All usual residents",
        files=[{"name": "ethnic.csv", "content": "YSxi"}],
    )
    CensusImportStaging.objects.filter(pk=staging.pk).update(
        expires_at=timezone.now() + expires_in
    )
    return staging


def test_expired_uploads_are_deleted_and_audited_live_ones_kept(organisation, analyst):
    other = OrganisationFactory()
    expired = _staging(organisation, analyst, expires_in=-timedelta(minutes=1))
    expired_elsewhere = _staging(other, analyst, expires_in=-timedelta(days=3))
    live = _staging(organisation, analyst, expires_in=timedelta(hours=5))

    assert census_stagings_purge_expired() == 2

    assert list(CensusImportStaging.objects.all()) == [live]
    events = AuditEvent.objects.filter(action="census_import.expire")
    assert {(e.target_id, e.organisation_id) for e in events} == {
        (str(expired.pk), organisation.pk),
        (str(expired_elsewhere.pk), other.pk),
    }
    assert all(e.actor_id is None for e in events)
    assert {e.changes["name"] for e in events} == {HOSTILE_NAME}
    # Safe to run twice.
    assert census_stagings_purge_expired() == 0


def test_an_upload_expiring_later_is_purged_when_its_time_comes(organisation, analyst):
    staging = _staging(organisation, analyst, expires_in=timedelta(hours=2))
    assert census_stagings_purge_expired() == 0
    assert census_stagings_purge_expired(now=timezone.now() + timedelta(hours=3)) == 1
    assert not CensusImportStaging.objects.filter(pk=staging.pk).exists()


def test_the_scheduled_command_purges_and_reports(organisation, analyst):
    _staging(organisation, analyst, expires_in=-timedelta(hours=1))
    out = io.StringIO()
    call_command("purge_expired_uploads", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 expired census upload(s)."
    assert not CensusImportStaging.objects.exists()
    out = io.StringIO()
    call_command("purge_expired_uploads", stdout=out)
    assert out.getvalue().strip() == "Deleted 0 expired census upload(s)."
