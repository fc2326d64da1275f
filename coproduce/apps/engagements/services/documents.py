"""Documents residents can read: upload with type and size checks, and deletion."""

from __future__ import annotations

import secrets
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.engagements.errors import DocumentError
from coproduce.apps.engagements.models import Engagement, EngagementDocument
from coproduce.apps.engagements.permissions import can_manage_engagements

# Extension → content type. The file's leading bytes must agree (see _sniff).
DOCUMENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
ALLOWED_TYPES_TEXT = "PDF, DOCX, ODT, XLSX, ODS, CSV, TXT, PNG or JPEG"


def _zip_names(upload: UploadedFile) -> tuple[set[str], bytes]:
    """Member names of a ZIP-based office file, and its `mimetype` member if any."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return set(), b""
    return names, mimetype


def _is_text(upload: UploadedFile) -> bool:
    upload.seek(0)
    try:
        content = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return "\x00" not in content


def _sniff(extension: str, upload: UploadedFile) -> bool:
    """True if the file's content is what its extension claims."""
    upload.seek(0)
    head = upload.read(16)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension in (".docx", ".xlsx", ".odt", ".ods"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        names, mimetype = _zip_names(upload)
        if extension == ".docx":
            return "word/document.xml" in names
        if extension == ".xlsx":
            return "xl/workbook.xml" in names
        return mimetype == DOCUMENT_TYPES[extension].encode()
    if extension in (".csv", ".txt"):
        return _is_text(upload)
    return False


def document_check_file(*, upload: UploadedFile) -> str:
    """The content type of an acceptable upload; raises DocumentError otherwise."""
    max_bytes = settings.COPRODUCE_MAX_DOCUMENT_BYTES
    if upload.size is None or upload.size == 0:
        raise DocumentError(_("The selected file is empty."), field="file")
    if upload.size > max_bytes:
        raise DocumentError(
            _("The selected file must be smaller than %(size)s.")
            % {"size": filesizeformat(max_bytes)},
            field="file",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in DOCUMENT_TYPES:
        raise DocumentError(
            _("The selected file must be a %(types)s.") % {"types": ALLOWED_TYPES_TEXT},
            field="file",
        )
    if not _sniff(extension, upload):
        raise DocumentError(
            _(
                "The selected file is not a real %(type)s file. Check the file and "
                "upload it again."
            )
            % {"type": extension.lstrip(".").upper()},
            field="file",
        )
    upload.seek(0)
    return DOCUMENT_TYPES[extension]


@transaction.atomic
def document_create(
    *,
    actor: User,
    engagement: Engagement,
    title_en: str,
    file: UploadedFile,
    title_cy: str = "",
) -> EngagementDocument:
    """Upload a document to an engagement.

    Raises PermissionDenied, DocumentError (empty, too big, type not allowed,
    content not matching its extension) or ValidationError.
    """
    if not can_manage_engagements(actor, engagement.organisation):
        raise PermissionDenied
    content_type = document_check_file(upload=file)
    extension = PurePath(file.name or "").suffix.lower()
    document = EngagementDocument(
        engagement=engagement,
        title_en=title_en.strip(),
        title_cy=title_cy.strip(),
        content_type=content_type,
        size_bytes=file.size or 0,
        uploaded_by=actor,
    )
    # Never the uploaded name: it could hold anything and could clash.
    file.name = f"{secrets.token_hex(16)}{extension}"
    document.file = file
    document.full_clean()
    document.save()
    stored_name = document.file.name
    try:
        audit_event_create(
            actor=actor,
            action="document.create",
            target=document,
            organisation=engagement.organisation,
            changes={
                "title_en": document.title_en,
                "content_type": content_type,
                "size_bytes": document.size_bytes,
                "file": stored_name,
            },
        )
    except Exception:
        # The row rolls back with the transaction; the file must go too.
        document.file.storage.delete(stored_name)
        raise
    return document


@transaction.atomic
def document_delete(*, actor: User, document: EngagementDocument) -> None:
    """Delete a document and, after commit, its file. Raises PermissionDenied."""
    organisation = document.engagement.organisation
    if not can_manage_engagements(actor, organisation):
        raise PermissionDenied
    document = EngagementDocument.objects.select_for_update().get(pk=document.pk)
    audit_event_create(
        actor=actor,
        action="document.delete",
        target=document,
        organisation=organisation,
        changes={"title_en": document.title_en, "file": document.file.name},
    )
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
