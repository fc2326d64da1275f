"""One reader per Polis file: check every row, collect problems, build records.

Each reader adds every problem it finds to the shared `Problems` and returns
what it could read; `read_polis_export` raises if any problem was added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coproduce.analytics.opinion_map.polis_csv.cells import (
    Problems,
    csv_rows,
    formula_unguard,
    parse_bool,
    parse_number,
    parse_whole,
    shown,
)
from coproduce.analytics.opinion_map.polis_csv.columns import UnitCheck, rows_of
from coproduce.analytics.opinion_map.polis_csv.model import (
    STATE_OF_MODERATED,
    CommentsLayout,
    PolisComment,
    PolisParticipantRow,
    PolisStatsRow,
    PolisSummary,
    PolisVoteRows,
)
from coproduce.analytics.opinion_map.votes import VoteLog

COMMENT_COLUMNS = (
    "timestamp",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
PARTICIPANT_COLUMNS = (
    "participant",
    "group-id",
    "n-comments",
    "n-votes",
    "n-agree",
    "n-disagree",
)
STATS_COLUMNS = ("n-votes", "n-comments", "n-visitors", "n-voters", "n-commenters")
SUMMARY_COUNTS = (
    "views",
    "voters",
    "voters-in-conv",
    "commenters",
    "comments",
    "groups",
)
SUMMARY_TEXTS = ("topic", "url", "conversation-description")
#: How many example pairs or rows a warning lists.
N_EXAMPLES = 5


# --- comments.csv ------------------------------------------------------------


def read_comments(
    name: str, content: bytes, sign: int, problems: Problems
) -> tuple[list[PolisComment] | None, CommentsLayout, set[int] | None]:
    table = rows_of(name, content, COMMENT_COLUMNS, problems)
    if table is None:
        return None, "classic", None
    columns, rows = table
    layout: CommentsLayout = "newer" if "is-meta" in columns.positions else "classic"
    units = UnitCheck(name, problems)
    comments: list[PolisComment] = []
    first_row: dict[int, int] = {}
    n_before = problems.n
    for number, cells in rows:
        if not columns.cells(number, cells):
            continue
        at = units.timestamp(columns, number, cells)
        comment_id = columns.whole(number, cells, "comment-id")
        author_id = columns.whole(number, cells, "author-id")
        agrees = columns.whole(number, cells, "agrees")
        disagrees = columns.whole(number, cells, "disagrees")
        moderated = parse_whole(columns.get(cells, "moderated"))
        if moderated not in STATE_OF_MODERATED:
            problems.add(
                name,
                number,
                "moderated",
                f"{shown(columns.get(cells, 'moderated'))} is not a moderation "
                "state; use 1 (accepted), 0 (unmoderated) or -1 (rejected).",
            )
        flags: dict[str, bool | None] = {}
        for flag in ("is-meta", "is-seed"):
            flags[flag] = parse_bool(columns.get(cells, flag))
            if flags[flag] is None:
                problems.add(
                    name,
                    number,
                    flag,
                    f"{shown(columns.get(cells, flag))} is not true or false.",
                )
        gic_text = columns.get(cells, "group-informed-consensus")
        gic = parse_number(gic_text) if gic_text.strip() else None
        if gic_text.strip() and gic is None:
            problems.add(
                name,
                number,
                "group-informed-consensus",
                f"{shown(gic_text)} is not a number.",
            )
        if comment_id is not None:
            if comment_id in first_row:
                problems.add(
                    name,
                    number,
                    "comment-id",
                    f"comment {comment_id} appears again (first in row "
                    f"{first_row[comment_id]}); comment ids must be unique.",
                )
            else:
                first_row[comment_id] = number
        if (
            problems.n > n_before
            or at is None
            or comment_id is None
            or author_id is None
            or agrees is None
            or disagrees is None
            or moderated is None
        ):
            continue
        if sign < 0:
            agrees, disagrees = disagrees, agrees
        comments.append(
            PolisComment(
                comment_id=comment_id,
                author_id=author_id,
                agrees=agrees,
                disagrees=disagrees,
                moderated=moderated,
                is_meta=bool(flags["is-meta"]),
                is_seed=bool(flags["is-seed"]),
                published_gic=gic,
                body=formula_unguard(columns.get(cells, "comment-body")),
                created_at_ms=units.to_ms(at),
                datetime_text=columns.get(cells, "datetime"),
            )
        )
    return (None if problems.n > n_before else comments), layout, set(first_row)


# --- votes.csv ----------------------------------------------------------------


@dataclass
class VoteRows:
    voters: list[int]
    comments: list[int]
    values: list[int]
    timestamps: list[float]
    datetimes: list[str]
    units: UnitCheck

    def log(self) -> VoteLog:
        factor = 1000.0 if self.units.unit == "s" else 1.0
        return VoteLog.from_arrays(
            participant_ids=np.asarray(self.voters, dtype=np.int64),
            statement_ids=np.asarray(self.comments, dtype=np.int64),
            values=np.asarray(self.values, dtype=np.int8),
            cast_at=np.asarray(self.timestamps, dtype=np.float64) * factor,
        )

    def rows(self) -> PolisVoteRows:
        timestamps = np.asarray(self.timestamps, dtype=np.float64)
        timestamps.flags.writeable = False
        return PolisVoteRows(timestamps, tuple(self.datetimes), self.units.unit)


def read_votes(
    name: str,
    content: bytes,
    comment_ids: set[int] | None,
    sign: int,
    problems: Problems,
    warnings: list[str],
) -> VoteRows | None:
    table = rows_of(name, content, VOTE_COLUMNS, problems)
    if table is None:
        return None
    columns, rows = table
    votes = VoteRows([], [], [], [], [], UnitCheck(name, problems))
    seen: dict[tuple[int, int, float], tuple[int, int]] = {}
    repeated: list[int] = []
    for number, cells in rows:
        if not columns.cells(number, cells):
            continue
        at = votes.units.timestamp(columns, number, cells)
        comment_id = columns.whole(number, cells, "comment-id")
        voter_id = columns.whole(number, cells, "voter-id")
        value = columns.vote(number, columns.get(cells, "vote"), "vote")
        if (
            comment_id is not None
            and comment_ids is not None
            and comment_id not in comment_ids
        ):
            problems.add(
                name,
                number,
                "comment-id",
                f"comment {comment_id} is not in comments.csv.",
            )
        if at is None or comment_id is None or voter_id is None or value is None:
            continue
        key = (voter_id, comment_id, at)
        earlier = seen.get(key)
        if earlier is not None:
            if earlier[0] == value:
                repeated.append(number)
            else:
                problems.add(
                    name,
                    number,
                    "vote",
                    f"voter {voter_id} has two different votes on comment "
                    f"{comment_id} at the same time (rows {earlier[1]} and "
                    f"{number}); which one is latest cannot be told.",
                )
        else:
            seen[key] = (value, number)
        votes.voters.append(voter_id)
        votes.comments.append(comment_id)
        votes.values.append(sign * value)
        votes.timestamps.append(at)
        votes.datetimes.append(columns.get(cells, "datetime"))
    if repeated:
        warnings.append(
            f"{name}: {len(repeated)} rows repeat an earlier row (same voter, "
            "comment, time and vote) and change nothing; first at rows "
            f"{', '.join(map(str, repeated[:N_EXAMPLES]))}."
        )
    return votes


# --- participants-votes.csv ---------------------------------------------------


def read_participants(
    name: str,
    content: bytes,
    comment_ids: set[int] | None,
    sign: int,
    problems: Problems,
) -> list[PolisParticipantRow]:
    table = rows_of(name, content, PARTICIPANT_COLUMNS, problems)
    if table is None:
        return []
    columns, rows = table
    statement_columns: list[tuple[str, int]] = []
    for header in columns.positions:
        if header in PARTICIPANT_COLUMNS or header == "xid":
            continue
        statement_id = parse_whole(header)
        if statement_id is None or statement_id < 0:
            problems.add(
                name,
                1,
                header,
                "the column is neither a participants-votes.csv column nor a "
                "comment id.",
            )
        elif comment_ids is not None and statement_id not in comment_ids:
            problems.add(
                name, 1, header, f"comment {statement_id} is not in comments.csv."
            )
        else:
            statement_columns.append((header, statement_id))
    statement_at: list[tuple[str, int] | None] = [None] * columns.width
    for header, statement_id in statement_columns:
        statement_at[columns.positions[header]] = (header, statement_id)
    participants: list[PolisParticipantRow] = []
    first_row: dict[int, int] = {}
    for number, cells in rows:
        if not columns.cells(number, cells):
            continue
        n_before = problems.n
        participant = columns.whole(number, cells, "participant")
        group_id = columns.whole(number, cells, "group-id", blank_ok=True)
        counts = [columns.whole(number, cells, c) for c in PARTICIPANT_COLUMNS[2:]]
        votes: dict[int, int] = {}
        # Most cells are blank: find the others first (fast on wide files).
        for index in [i for i, text in enumerate(cells) if text]:
            column = statement_at[index]
            if column is None or not cells[index].strip():
                continue
            value = columns.vote(number, cells[index], column[0])
            if value is not None:
                votes[column[1]] = sign * value
        if participant is not None:
            if participant in first_row:
                problems.add(
                    name,
                    number,
                    "participant",
                    f"participant {participant} appears again (first in row "
                    f"{first_row[participant]}).",
                )
            first_row.setdefault(participant, number)
        if problems.n > n_before or participant is None:
            continue
        n_comments, n_votes, n_agree, n_disagree = (c or 0 for c in counts)
        if sign < 0:
            n_agree, n_disagree = n_disagree, n_agree
        xid = formula_unguard(columns.get(cells, "xid"))
        participants.append(
            PolisParticipantRow(
                participant=participant,
                xid=xid if xid.strip() else None,
                group_id=group_id,
                n_comments=n_comments,
                n_votes=n_votes,
                n_agree=n_agree,
                n_disagree=n_disagree,
                cells=votes,
            )
        )
    return participants


# --- summary.csv and stats-history.csv ------------------------------------------


def read_summary(name: str, content: bytes, problems: Problems) -> PolisSummary | None:
    table = csv_rows(name, content, problems)
    if table is None:
        return None
    header, rows = table
    texts: dict[str, str] = {}
    counts: dict[str, int | None] = {}
    extra: list[tuple[str, str]] = []
    first_row: dict[str, int] = {}
    n_before = problems.n
    for number, cells in ((1, header), *rows):
        key = cells[0].strip()
        value = cells[1] if len(cells) > 1 else ""
        if len(cells) > 2:
            problems.add(name, number, key, "a summary row has a key and one value.")
        if key in first_row:
            problems.add(
                name,
                number,
                key,
                f"the key appears again (first in row {first_row[key]}).",
            )
            continue
        first_row[key] = number
        if key in SUMMARY_COUNTS:
            count = parse_whole(value) if value.strip() else None
            if value.strip() and (count is None or count < 0):
                problems.add(
                    name,
                    number,
                    key,
                    f"{shown(value)} is not a whole number of 0 or more.",
                )
            counts[key] = count
        elif key in SUMMARY_TEXTS:
            texts[key] = formula_unguard(value)
        else:
            extra.append((key, value))
    if problems.n > n_before:
        return None
    return PolisSummary(
        topic=texts.get("topic", ""),
        url=texts.get("url", ""),
        views=counts.get("views"),
        voters=counts.get("voters"),
        voters_in_conv=counts.get("voters-in-conv"),
        commenters=counts.get("commenters"),
        comments=counts.get("comments"),
        groups=counts.get("groups"),
        description=texts.get("conversation-description", ""),
        extra=tuple(extra),
    )


def read_stats(name: str, content: bytes, problems: Problems) -> list[PolisStatsRow]:
    table = rows_of(name, content, STATS_COLUMNS, problems)
    if table is None:
        return []
    columns, rows = table
    stats = []
    for number, cells in rows:
        if not columns.cells(number, cells):
            continue
        values = [columns.whole(number, cells, column) for column in STATS_COLUMNS]
        if all(v is not None for v in values):
            stats.append(PolisStatsRow(*(v or 0 for v in values)))
    return stats
