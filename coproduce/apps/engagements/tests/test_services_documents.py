"""Document upload: accepted types, impostors, size limit; deletion."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.engagements.errors import DocumentError
from coproduce.apps.engagements.models import EngagementDocument
from coproduce.apps.engagements.services import document_create, document_delete
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.engagements.tests.files import (
    GOOD,
    IMPOSTORS,
    NOT_ALLOWED,
    PDF,
    upload,
)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content_and_type"), GOOD.items())
def test_each_accepted_type_is_stored_under_a_new_name(
    organisation, officer, name, content_and_type
):
    content, content_type = content_and_type
    engagement = EngagementFactory(organisation=organisation)

    document = document_create(
        actor=officer,
        engagement=engagement,
        title_en="Plan <script>",
        file=upload(name, content),
    )

    document.refresh_from_db()
    assert document.content_type == content_type
    assert document.size_bytes == len(content)
    assert name.split(".")[0] not in document.file.name
    assert document.file.name.startswith(f"engagements/{engagement.pk}/")
    with document.file.open("rb") as handle:
        assert handle.read() == content
    assert AuditEvent.objects.get().action == "document.create"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), IMPOSTORS.items())
def test_a_file_whose_content_does_not_match_its_extension_is_refused(
    organisation, officer, name, content
):
    engagement = EngagementFactory(organisation=organisation)

    with pytest.raises(DocumentError, match="not a real") as exc:
        document_create(
            actor=officer,
            engagement=engagement,
            title_en="Plan",
            file=upload(name, content),
        )

    assert exc.value.field == "file"
    assert not EngagementDocument.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", NOT_ALLOWED)
def test_types_not_on_the_list_are_refused(organisation, officer, name):
    engagement = EngagementFactory(organisation=organisation)

    with pytest.raises(DocumentError, match="must be a PDF"):
        document_create(
            actor=officer, engagement=engagement, title_en="x", file=upload(name, PDF)
        )

    assert not EngagementDocument.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(organisation, officer, settings):
    settings.COPRODUCE_MAX_DOCUMENT_BYTES = len(PDF) - 1
    engagement = EngagementFactory(organisation=organisation)

    with pytest.raises(DocumentError, match="smaller than"):
        document_create(
            actor=officer,
            engagement=engagement,
            title_en="x",
            file=upload("plan.pdf", PDF),
        )

    assert not EngagementDocument.objects.exists()


@pytest.mark.django_db
def test_an_empty_file_is_refused(organisation, officer):
    engagement = EngagementFactory(organisation=organisation)

    with pytest.raises(DocumentError, match="empty"):
        document_create(
            actor=officer,
            engagement=engagement,
            title_en="x",
            file=upload("plan.pdf", b""),
        )


@pytest.mark.django_db
def test_the_default_limit_is_twenty_megabytes(settings):
    assert settings.COPRODUCE_MAX_DOCUMENT_BYTES == 20 * 1024 * 1024


@pytest.mark.django_db
def test_only_officers_upload(organisation, analyst):
    engagement = EngagementFactory(organisation=organisation)

    with pytest.raises(PermissionDenied):
        document_create(
            actor=analyst,
            engagement=engagement,
            title_en="x",
            file=upload("plan.pdf", PDF),
        )

    assert not EngagementDocument.objects.exists()


@pytest.mark.django_db
def test_delete_removes_the_row_and_after_commit_the_file(
    organisation, officer, django_capture_on_commit_callbacks
):
    engagement = EngagementFactory(organisation=organisation)
    document = document_create(
        actor=officer, engagement=engagement, title_en="x", file=upload("a.pdf", PDF)
    )
    name = document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        document_delete(actor=officer, document=document)

    assert not EngagementDocument.objects.exists()
    assert not default_storage.exists(name)
    assert AuditEvent.objects.latest("pk").action == "document.delete"


@pytest.mark.django_db
def test_a_failure_after_saving_leaves_no_file_behind(
    organisation, officer, monkeypatch
):
    engagement = EngagementFactory(organisation=organisation)
    stored: list[str] = []
    real_save = EngagementDocument.save

    def save_and_remember(self, *args, **kwargs):
        real_save(self, *args, **kwargs)
        stored.append(self.file.name)

    def broken_audit(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(EngagementDocument, "save", save_and_remember)
    monkeypatch.setattr(
        "coproduce.apps.engagements.services.documents.audit_event_create",
        broken_audit,
    )

    with pytest.raises(RuntimeError):
        document_create(
            actor=officer,
            engagement=engagement,
            title_en="x",
            file=upload("a.pdf", PDF),
        )

    assert stored
    assert not default_storage.exists(stored[0])
    assert not EngagementDocument.objects.exists()
