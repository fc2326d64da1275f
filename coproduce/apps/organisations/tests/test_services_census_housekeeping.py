"""Kept census uploads: expired ones are purged. Label mappings: saving races."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.census_labels import label_key
from coproduce.apps.organisations.errors import PopulationProfileError
from coproduce.apps.organisations.models import (
    CensusImportStaging,
    CensusLabelMapping,
    PopulationProfile,
)
from coproduce.apps.organisations.services import (
    LEAVE_OUT,
    census_labels_save_and_import,
    census_stagings_purge_expired,
)
from coproduce.apps.organisations.tests.factories import OrganisationFactory
from coproduce.apps.organisations.tests.test_services_census import (
    HOSTILE,
    _ethnic_with_unknowns,
    _margins,
    _upload,
    lsoas,  # noqa: F401 - a fixture
    ons,
)

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


# --- two people saving the same new label at the same moment -------------------------

CHOICES = {
    ("ethnicity", HOSTILE[0]): "white",
    ("ethnicity", HOSTILE[1]): "other",
    ("ethnicity", HOSTILE[2]): LEAVE_OUT,
    ("ethnicity", HOSTILE[3]): "white",
}


def _staged(organisation, analyst):
    upload = _upload(
        analyst,
        organisation,
        [ons("Ethnic group (20 categories)", _ethnic_with_unknowns())],
    )
    assert upload.staging is not None
    return upload.staging


def test_a_label_saved_by_someone_else_meanwhile_is_updated_not_a_500(
    organisation,
    analyst,
    administrator,
    lsoas,  # noqa: F811
):
    """The other person's row appears after our lookup, before our INSERT commits."""
    staging = _staged(organisation, analyst)
    real_full_clean = CensusLabelMapping.full_clean
    raced = []

    def full_clean_then_race(self, *args, **kwargs):
        real_full_clean(self, *args, **kwargs)
        if self.pk is None and self.source_label == HOSTILE[1] and not raced:
            raced.append(
                CensusLabelMapping.objects.create(
                    organisation=self.organisation,
                    characteristic=self.characteristic,
                    source_label_key=label_key(HOSTILE[1]),
                    source_label=HOSTILE[1],
                    category="mixed",
                    created_by=administrator,
                )
            )

    with mock.patch.object(CensusLabelMapping, "full_clean", full_clean_then_race):
        done = census_labels_save_and_import(
            actor=analyst, staging=staging, choices=CHOICES
        )

    assert raced, "the race was not simulated"
    saved = {m.source_label: m.category for m in CensusLabelMapping.objects.all()}
    assert saved == {
        HOSTILE[0]: "white",
        HOSTILE[1]: "other",  # our later choice wins, on the other person's row
        HOSTILE[2]: "",
        HOSTILE[3]: "white",
    }
    assert CensusLabelMapping.objects.get(source_label=HOSTILE[1]).pk == raced[0].pk
    assert _margins(done.profile, "ethnicity") == {
        "white": 800 + 10 + 13,
        "other": 11,
        "asian": 14,
    }
    assert not CensusImportStaging.objects.exists()
    assert AuditEvent.objects.filter(action="census_label_mapping.save").count() == 4


def test_a_conflict_that_does_not_resolve_asks_to_try_again_and_saves_nothing(
    organisation,
    analyst,
    lsoas,  # noqa: F811
):
    staging = _staged(organisation, analyst)

    with (
        mock.patch.object(
            CensusLabelMapping, "save", side_effect=IntegrityError("unique")
        ),
        pytest.raises(PopulationProfileError) as caught,
    ):
        census_labels_save_and_import(actor=analyst, staging=staging, choices=CHOICES)

    assert caught.value.messages == [
        f"Someone else saved a choice for '{HOSTILE[0]}' at the same moment. "
        "Check the choices and select “Save choices and import” again."
    ]
    assert not CensusLabelMapping.objects.exists()
    assert not PopulationProfile.objects.exists()
    assert CensusImportStaging.objects.filter(pk=staging.pk).exists()
    assert not AuditEvent.objects.filter(action="census_label_mapping.save").exists()
