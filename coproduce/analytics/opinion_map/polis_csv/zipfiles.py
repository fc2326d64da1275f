"""Unpack an uploaded zip of a Polis export safely (no zip bombs, no paths out)."""

from __future__ import annotations

import io
import zipfile

from coproduce.analytics.opinion_map.polis_csv.model import PolisImportError, Problem

#: A Polis export has five files; a few more (a README, a licence) are fine.
MAX_MEMBERS = 20
#: Uncompressed bytes in all: a 2-million-vote votes.csv is about 130 MB.
MAX_TOTAL_BYTES = 512 * 1024 * 1024
ZIP = "(zip file)"


def files_from_zip(
    data: bytes,
    *,
    max_members: int = MAX_MEMBERS,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> dict[str, bytes]:
    """File name → content for the files of a zipped Polis export.

    Parameters
    ----------
    data
        The zip file's bytes.
    max_members
        Most files the zip may hold (folders and `__MACOSX/` entries excluded).
    max_total_bytes
        Most uncompressed bytes in all, checked against the sizes the zip
        declares before anything is unpacked, and again while unpacking.

    Returns
    -------
    dict[str, bytes]
        Keyed by file name without its folder, ready for `read_polis_export`.

    Raises
    ------
    PolisImportError
        Not a zip; too many files or too many bytes; a name that is absolute,
        climbs out with "..", or sits deeper than one folder; files in more
        than one folder; two files with the same name.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise PolisImportError(
            [Problem(ZIP, None, None, "the upload is not a zip file.")]
        ) from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not info.filename.startswith("__MACOSX/")
        ]
        problems = _check(members, max_members, max_total_bytes)
        if problems:
            raise PolisImportError(problems)
        files: dict[str, bytes] = {}
        total = 0
        for info in members:
            with archive.open(info) as handle:
                content = handle.read(max_total_bytes - total + 1)
            total += len(content)
            if total > max_total_bytes:
                raise PolisImportError(
                    [Problem(ZIP, None, None, _too_big(max_total_bytes))]
                )
            files[info.filename.rsplit("/", 1)[-1]] = content
    return files


def _check(
    members: list[zipfile.ZipInfo], max_members: int, max_total_bytes: int
) -> list[Problem]:
    problems: list[Problem] = []
    if len(members) > max_members:
        problems.append(
            Problem(
                ZIP,
                None,
                None,
                f"the zip holds {len(members)} files; at most {max_members} are "
                "accepted.",
            )
        )
    if sum(info.file_size for info in members) > max_total_bytes:
        problems.append(Problem(ZIP, None, None, _too_big(max_total_bytes)))
    folders: set[str] = set()
    names: set[str] = set()
    for info in members:
        path = info.filename
        parts = path.split("/")
        if (
            path.startswith(("/", "\\"))
            or "\\" in path
            or ":" in parts[0]
            or ".." in parts
            or len(parts) > 2
        ):
            problems.append(
                Problem(
                    path,
                    None,
                    None,
                    "files must sit at the top of the zip or in one folder, with "
                    "no absolute paths or '..'.",
                )
            )
            continue
        folders.add(parts[0] if len(parts) == 2 else "")
        if parts[-1] in names:
            problems.append(Problem(path, None, None, "a file of this name is twice."))
        names.add(parts[-1])
    if len(folders) > 1:
        problems.append(
            Problem(
                ZIP,
                None,
                None,
                "the files are in more than one folder; put them in one.",
            )
        )
    return problems


def _too_big(max_total_bytes: int) -> str:
    return (
        f"the files unpack to more than {max_total_bytes // (1024 * 1024)} MB; "
        "that is more than this import accepts."
    )
