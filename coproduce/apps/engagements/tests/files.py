"""Small real files of each accepted type, and impostors, for upload tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
DOCX = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})
XLSX = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
CSV = "ward,count\nPen-y-bont ŵ,3\n".encode()
TXT = "Cyfarfod cyhoeddus 👋🏽\n".encode()

GOOD = {
    "plan.pdf": (PDF, "application/pdf"),
    "map.png": (PNG, "image/png"),
    "photo.JPG": (JPEG, "image/jpeg"),
    "photo.jpeg": (JPEG, "image/jpeg"),
    "report.docx": (
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "figures.xlsx": (
        XLSX,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "report.odt": (ODT, "application/vnd.oasis.opendocument.text"),
    "figures.ods": (ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    "data.csv": (CSV, "text/csv"),
    "notes.txt": (TXT, "text/plain"),
}

# name -> content whose type does not match (or is not allowed at all)
IMPOSTORS = {
    "plan.pdf": PNG,
    "map.png": PDF,
    "photo.jpg": PDF,
    "report.docx": XLSX,
    "figures.xlsx": DOCX,
    "report.odt": ODS,
    "figures.ods": b"PK\x03\x04 not really a zip",
    "data.csv": b"\x00\x01\x02binary",
    "notes.txt": b"\xff\xfe\xfa not utf-8",
}
NOT_ALLOWED = ["virus.exe", "page.html", "script.svg", "archive.zip", "noextension"]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
