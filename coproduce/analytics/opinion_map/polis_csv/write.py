"""Write a conversation as a Polis open-data export (opinion-map spec §5)."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.polis_csv.cells import formula_guard
from coproduce.analytics.opinion_map.polis_csv.model import (
    MODERATED_OF_STATE,
    CommentsLayout,
    ExportStatement,
    PolisExportInput,
)

REMOVED_TEXT = "[removed by moderator]"
CLASSIC_COMMENT_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
NEWER_COMMENT_COLUMNS = (
    "timestamp",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "is-meta",
    "is-seed",
    "group-informed-consensus",
    "comment-body",
)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def write_polis_export(
    conversation: PolisExportInput, *, layout: CommentsLayout = "newer"
) -> dict[str, bytes]:
    """The five files of a Polis open-data export, as UTF-8 CSV bytes.

    Parameters
    ----------
    conversation
        Statements, the vote event log (`cast_at` in ms), participants and the
        summary fields.
    layout
        "newer" writes `comments.csv` with is-meta, is-seed and
        group-informed-consensus; "classic" writes the older layout with a
        `datetime` column instead.

    Returns
    -------
    dict[str, bytes]
        `comments.csv`, `votes.csv`, `participants-votes.csv`, `summary.csv`
        and `stats-history.csv`; also `README.txt` with the licence notice when
        the conversation has one.

    Raises
    ------
    InputError
        Duplicate statement or participant numbers, or a vote on a statement
        that is not among `statements`.

    Notes
    -----
    Agree = +1. `votes.csv` has one row per vote event, superseded ones kept,
    sorted by comment, voter, then time (ties in event order), with integer ms
    timestamps and Polis's JavaScript-style `datetime` in UTC.
    `participants-votes.csv` has one column per voted statement in id order,
    holding the latest vote; `group-id` is the 0-based public label or blank.
    `summary.csv` keeps Polis's meanings (`voters-in-conv` = every voter).
    `stats-history.csv` has one row per event (statement written or vote cast,
    in time order) with truly distinct cumulative voters, commenters and
    visitors (participants who voted or wrote so far). Rejected statements'
    text becomes "[removed by moderator]"; every text cell is formula-guarded.
    Rows end in CRLF so that a carriage return inside a body is quoted.

    References
    ----------
    Coproduce opinion-map spec §5; Polis `math/src/polismath/darwin/export.clj`.
    """
    if layout not in ("newer", "classic"):
        raise InputError(f"Layout {layout!r} is not known; use 'newer' or 'classic'.")
    statements = sorted(conversation.statements, key=lambda s: s.statement_id)
    _check(conversation, statements)
    log = conversation.votes
    ms = np.rint(log.cast_at).astype(np.int64)
    latest = _latest(conversation)
    files = {
        "comments.csv": _comments(statements, conversation, layout),
        "votes.csv": _votes(conversation, ms),
        "participants-votes.csv": _participants(conversation, statements, latest),
        "summary.csv": _summary(conversation, statements),
        "stats-history.csv": _stats_history(conversation, statements, ms),
    }
    if conversation.licence_notice:
        files["README.txt"] = conversation.licence_notice.encode("utf-8")
    return files


def _check(conversation: PolisExportInput, statements: list[ExportStatement]) -> None:
    ids = [s.statement_id for s in statements]
    for a, b in itertools.pairwise(ids):
        if a == b:
            raise InputError(f"Statement {a} appears twice.", column="statement_id")
    numbers = sorted(p.participant_id for p in conversation.participants)
    for a, b in itertools.pairwise(numbers):
        if a == b:
            raise InputError(f"Participant {a} appears twice.", column="participant_id")
    unknown = np.flatnonzero(~np.isin(conversation.votes.statement_ids, ids))
    if unknown.size:
        row = int(unknown[0])
        raise InputError(
            f"Vote {row}: statement {int(conversation.votes.statement_ids[row])} "
            "is not among the statements.",
            row=row,
            column="statement_id",
        )


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def polis_datetime(ms: int) -> str:
    """A time as Polis's exports write it: JavaScript `Date.toString()` in UTC.

    >>> polis_datetime(0)
    'Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)'
    """
    at = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return (
        f"{_DAYS[at.weekday()]} {_MONTHS[at.month - 1]} {at.day:02d} {at.year} "
        f"{at.hour:02d}:{at.minute:02d}:{at.second:02d} GMT+0000 "
        "(Coordinated Universal Time)"
    )


def _text(statement: ExportStatement) -> str:
    return REMOVED_TEXT if statement.state == "rejected" else statement.text


def _comments(
    statements: list[ExportStatement],
    conversation: PolisExportInput,
    layout: CommentsLayout,
) -> bytes:
    log = conversation.votes
    size = max((s.statement_id for s in statements), default=-1) + 1
    agrees = np.bincount(log.statement_ids[log.values == 1], minlength=size)
    disagrees = np.bincount(log.statement_ids[log.values == -1], minlength=size)
    rows: list[list[object]] = []
    for s in statements:
        counts = [int(agrees[s.statement_id]), int(disagrees[s.statement_id])]
        moderated = MODERATED_OF_STATE[s.state]
        body = formula_guard(_text(s))
        if layout == "classic":
            rows.append(
                [
                    s.created_at_ms,
                    polis_datetime(s.created_at_ms),
                    s.statement_id,
                    s.author_id,
                    *counts,
                    moderated,
                    body,
                ]
            )
        else:
            rows.append(
                [
                    s.created_at_ms,
                    s.statement_id,
                    s.author_id,
                    *counts,
                    moderated,
                    _bool(s.is_meta),
                    _bool(s.is_seed),
                    "" if s.gic is None else repr(float(s.gic)),
                    body,
                ]
            )
    header = CLASSIC_COMMENT_COLUMNS if layout == "classic" else NEWER_COMMENT_COLUMNS
    return _csv(header, rows)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _votes(conversation: PolisExportInput, ms: npt.NDArray[np.int64]) -> bytes:
    log = conversation.votes
    sequence = np.arange(log.n_events)
    order = np.lexsort(
        (sequence, log.cast_at, ms, log.participant_ids, log.statement_ids)
    )
    texts: dict[int, str] = {}  # one text per second, shared by its votes

    def text(ms: int) -> str:
        second = ms // 1000
        if second not in texts:
            texts[second] = polis_datetime(second * 1000)
        return texts[second]

    rows = (
        [t, text(t), tid, pid, value]
        for t, tid, pid, value in zip(
            ms[order].tolist(),
            log.statement_ids[order].tolist(),
            log.participant_ids[order].tolist(),
            log.values[order].tolist(),
            strict=True,
        )
    )
    return _csv(("timestamp", "datetime", "comment-id", "voter-id", "vote"), rows)


def _latest(conversation: PolisExportInput) -> dict[int, dict[int, int]]:
    """participant → statement → latest vote (largest time, ties by sequence)."""
    log = conversation.votes
    latest: dict[int, dict[int, int]] = {}
    order = np.lexsort(
        (np.arange(log.n_events), log.cast_at, log.statement_ids, log.participant_ids)
    )
    for pid, tid, value in zip(
        log.participant_ids[order].tolist(),
        log.statement_ids[order].tolist(),
        log.values[order].tolist(),
        strict=True,
    ):
        latest.setdefault(pid, {})[tid] = value  # later events overwrite
    return latest


def _participants(
    conversation: PolisExportInput,
    statements: list[ExportStatement],
    latest: dict[int, dict[int, int]],
) -> bytes:
    given = {p.participant_id: p for p in conversation.participants}
    n_comments: dict[int, int] = {}
    for s in statements:
        n_comments[s.author_id] = n_comments.get(s.author_id, 0) + 1
    numbers = sorted(set(given) | set(latest) | set(n_comments))
    columns = sorted({tid for cells in latest.values() for tid in cells})
    position = {tid: j for j, tid in enumerate(columns)}
    has_xid = any(p.xid is not None for p in conversation.participants)
    fixed = ["participant", *(["xid"] if has_xid else [])]
    fixed += ["group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]

    def rows() -> Iterable[list[object]]:
        for number in numbers:
            person = given.get(number)
            xid = person.xid if person is not None else None
            label = person.group_label if person is not None else None
            cells = latest.get(number, {})
            values = list(cells.values())
            vote_cells: list[object] = [""] * len(columns)
            for tid, value in cells.items():
                vote_cells[position[tid]] = value
            yield [
                number,
                *([formula_guard(xid or "")] if has_xid else []),
                "" if label is None else label,
                n_comments.get(number, 0),
                len(values),
                values.count(1),
                values.count(-1),
                *vote_cells,
            ]

    return _csv([*fixed, *map(str, columns)], rows())


def _summary(
    conversation: PolisExportInput, statements: list[ExportStatement]
) -> bytes:
    n_voters = len(np.unique(conversation.votes.participant_ids))
    labels = {
        p.group_label for p in conversation.participants if p.group_label is not None
    }
    rows: list[tuple[str, object]] = [
        ("topic", formula_guard(conversation.topic)),
        ("url", formula_guard(conversation.url)),
        ("views", conversation.views),
        ("voters", n_voters),
        ("voters-in-conv", n_voters),  # Polis's meaning: every voter (spec §5)
        ("commenters", len({s.author_id for s in statements})),
        ("comments", len(statements)),
        ("groups", len(labels)),
        ("conversation-description", formula_guard(conversation.description)),
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _stats_history(
    conversation: PolisExportInput,
    statements: list[ExportStatement],
    ms: npt.NDArray[np.int64],
) -> bytes:
    log = conversation.votes
    # Statements first at equal times: an author's automatic agree follows
    # the statement it is on.
    times = np.concatenate([[s.created_at_ms for s in statements], ms]).astype(np.int64)
    who = np.concatenate(
        [[s.author_id for s in statements], log.participant_ids]
    ).astype(np.int64)
    is_vote = np.concatenate(
        [np.zeros(len(statements), dtype=bool), np.ones(log.n_events, dtype=bool)]
    )
    order = np.lexsort((np.arange(times.shape[0]), is_vote, times))
    who, is_vote = who[order], is_vote[order]
    n_votes = np.cumsum(is_vote)
    n_comments = np.cumsum(~is_vote)
    n_visitors = np.cumsum(_is_first(who, np.ones_like(is_vote)))
    n_voters = np.cumsum(_is_first(who, is_vote))
    n_commenters = np.cumsum(_is_first(who, ~is_vote))
    rows = zip(
        n_votes.tolist(),
        n_comments.tolist(),
        n_visitors.tolist(),
        n_voters.tolist(),
        n_commenters.tolist(),
        strict=True,
    )
    return _csv(
        ("n-votes", "n-comments", "n-visitors", "n-voters", "n-commenters"),
        (list(row) for row in rows),
    )


def _is_first(
    who: npt.NDArray[np.int64], counted: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """True at the first counted event of each participant, in event order."""
    first = np.zeros(who.shape[0], dtype=bool)
    positions = np.flatnonzero(counted)
    _, index = np.unique(who[positions], return_index=True)
    first[positions[index]] = True
    return first
