"""A small hand-written Polis export (newer comments layout) for the import tests.

Three participants and three statements: statement 1 is rejected, statement 2
is unmoderated and about the process; participant 1 changed their vote on
statement 0 from disagree to agree (a superseded event); participant 0 has an
xid; Polis put participants 0 and 1 in groups 0 and 1 and left 2 unclustered,
and published statement 0's group-informed consensus.
"""

from __future__ import annotations

import io
import zipfile

T0 = 1_700_000_000_000
# Both groups agreed (1 agree of 1 vote each): (1 + 1)/(1 + 2) squared.
GIC_0 = (2 / 3) * (2 / 3)
HOSTILE = "Ŵ ŷ 👩🏽‍🚀 مرحبا <script>alert(1)</script> '; DROP TABLE x; -- {{ x }}"

COMMENTS = (
    "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
    "group-informed-consensus,comment-body\n"
    f"{T0},0,0,2,1,1,false,true,{GIC_0!r},More trees\n"
    f'{T0 + 1000},1,1,1,1,-1,false,false,,"Rejected: phone 01234 567890"\n'
    f'{T0 + 2000},2,2,1,0,0,true,false,,"{HOSTILE.replace(chr(34), chr(34) * 2)}"\n'
)
VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    f"{T0},x,0,0,1\n"
    f"{T0 + 5000},x,0,1,-1\n"
    f"{T0 + 6000},x,0,1,1\n"
    f"{T0 + 1000},x,1,1,1\n"
    f"{T0 + 7000},x,1,0,-1\n"
    f"{T0 + 2000},x,2,2,1\n"
)
PARTICIPANTS = (
    "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2\n"
    "0,xid-zero,0,1,2,1,1,1,-1,\n"
    "1,,1,1,2,2,0,1,1,\n"
    "2,,,1,1,1,0,,,1\n"
)
SUMMARY = (
    f"topic,Our town centre {HOSTILE}\n"
    "url,https://pol.is/abc\n"
    "conversation-description,What should change?\n"
)

FILES = {
    "comments.csv": COMMENTS,
    "votes.csv": VOTES,
    "participants-votes.csv": PARTICIPANTS,
    "summary.csv": SUMMARY,
}


def export_files(**replace: str | None) -> dict[str, bytes]:
    """The export's files as bytes; `replace` swaps (or, with None, drops) files."""
    files: dict[str, str | None] = {**FILES}
    for key, value in replace.items():
        files[key.replace("_", "-") + ".csv"] = value
    return {name: text.encode() for name, text in files.items() if text is not None}


def export_zip(**replace: str | None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in export_files(**replace).items():
            archive.writestr(name, content)
    return buffer.getvalue()
