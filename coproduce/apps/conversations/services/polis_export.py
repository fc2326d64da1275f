"""A conversation as a Polis open-data export: five CSV files and a README (§5).

A read, not a write: it lives beside the import because both speak Polis. The
caller checks `can_export_polis` first.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import numpy as np

from coproduce.analytics.opinion_map.polis_csv import (
    ExportParticipant,
    ExportStatement,
    PolisExportInput,
    write_polis_export,
)
from coproduce.analytics.opinion_map.votes import VoteLog
from coproduce.apps.conversations.models import (
    Conversation,
    OpinionMapSnapshot,
    Participant,
    Statement,
    VoteEvent,
)

LAYOUTS = ("newer", "classic")
_STATE_NAMES = {
    Statement.State.ACCEPTED: "accepted",
    Statement.State.UNMODERATED: "unmoderated",
    Statement.State.REJECTED: "rejected",
}


def polis_export_filename(conversation: Conversation) -> str:
    return f"conversation-{conversation.pk}-polis-export.zip"


def licence_notice(conversation: Conversation) -> str:
    """README.txt: the licence, attribution, source and changes, in English."""
    lines = [
        f"Conversation: {conversation.topic}",
        f"Licence: {conversation.licence}",
    ]
    if conversation.attribution:
        lines.append(f"Attribution: {conversation.attribution}")
    if conversation.source_url:
        lines.append(f"Source: {conversation.source_url}")
    if conversation.changes_statement:
        lines.append(f"Changes: {conversation.changes_statement}")
    lines.append(
        "Votes: agree = 1, disagree = -1, pass = 0; timestamps in milliseconds "
        "(UTC). Participants appear by number only."
    )
    return "\r\n".join(lines) + "\r\n"


def _snapshot_figures(
    conversation: Conversation,
) -> tuple[dict[int, int], dict[int, float]]:
    """Group label per participant and GIC per statement from the latest snapshot.

    Read defensively: the result JSON's key names belong to the opinion-map
    engine; anything missing or odd gives blanks, never an error.
    """
    snapshot = (
        OpinionMapSnapshot.objects.filter(conversation=conversation)
        .order_by("-created_at", "-pk")
        .only("result")
        .first()
    )
    result: Any = snapshot.result if snapshot is not None else None
    groups: dict[int, int] = {}
    gic: dict[int, float] = {}
    if not isinstance(result, dict):
        return groups, gic
    for point in result.get("participants") or ():
        if not isinstance(point, dict):
            continue
        number, group = point.get("participant_id"), point.get("group")
        if isinstance(number, int) and isinstance(group, int):
            groups[number] = group
    for figures in result.get("statements") or ():
        if not isinstance(figures, dict):
            continue
        number, value = figures.get("statement_id"), figures.get("gic")
        if isinstance(number, int) and isinstance(value, int | float):
            gic[number] = float(value)
    return groups, gic


def _ms(moment: Any) -> int:
    return round(moment.timestamp() * 1000)


def conversation_polis_export(
    *, conversation: Conversation, layout: str = "newer"
) -> bytes:
    """The conversation as a zipped Polis export (agree = +1, ms timestamps).

    Superseded vote events are kept; participants appear by number, with their
    xid only when they consented; rejected statements' text is replaced.
    """
    groups, gic = _snapshot_figures(conversation)
    participants = [
        ExportParticipant(
            participant_id=number,
            xid=xid if consent and xid else None,
            group_label=groups.get(number),
        )
        for number, xid, consent in Participant.objects.filter(
            conversation=conversation
        ).values_list("number", "xid", "xid_consent")
    ]
    statements = [
        ExportStatement(
            statement_id=statement.number,
            author_id=statement.author.number,
            text=statement.text or "",
            state=_STATE_NAMES[Statement.State(statement.state)],  # type: ignore[arg-type]
            is_meta=statement.is_meta,
            is_seed=statement.is_seed,
            created_at_ms=_ms(statement.created_at),
            gic=gic.get(statement.number),
        )
        for statement in Statement.objects.filter(
            conversation=conversation
        ).select_related("author")
    ]
    events = VoteEvent.objects.filter(conversation=conversation).order_by("pk")
    rows = list(
        events.values_list(
            "participant__number", "statement__number", "value", "cast_at"
        )
    )
    votes = VoteLog.from_arrays(
        participant_ids=np.asarray([r[0] for r in rows], dtype=np.int64),
        statement_ids=np.asarray([r[1] for r in rows], dtype=np.int64),
        values=np.asarray([r[2] for r in rows], dtype=np.int8),
        cast_at=np.asarray([_ms(r[3]) for r in rows], dtype=np.float64),
    )
    files = write_polis_export(
        PolisExportInput(
            topic=conversation.topic,
            description=conversation.description or "",
            url=conversation.source_url,
            views=0,
            statements=tuple(statements),
            votes=votes,
            participants=tuple(participants),
            licence_notice=licence_notice(conversation),
        ),
        layout="classic" if layout == "classic" else "newer",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
