"""Read a Polis open-data export: validate every file first, then build (spec §5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Final

import numpy as np

from coproduce.analytics.opinion_map.polis_csv.cells import Problems
from coproduce.analytics.opinion_map.polis_csv.model import (
    CommentsLayout,
    Polarity,
    PolisComment,
    PolisExport,
    PolisImportError,
    PolisParticipantRow,
    PolisVoteRows,
    Problem,
    VoteSource,
    check_polarity,
)
from coproduce.analytics.opinion_map.polis_csv.readers import (
    N_EXAMPLES,
    VoteRows,
    read_comments,
    read_participants,
    read_stats,
    read_summary,
    read_votes,
)
from coproduce.analytics.opinion_map.votes import VoteLog

COMMENTS = "comments.csv"
VOTES: Final = "votes.csv"
PARTICIPANTS: Final = "participants-votes.csv"
SUMMARY = "summary.csv"
STATS = "stats-history.csv"
KNOWN_FILES = (PARTICIPANTS, STATS, COMMENTS, SUMMARY, VOTES)  # longest match first


def read_polis_export(
    files: Mapping[str, bytes], *, polarity: Polarity = "open-data"
) -> PolisExport:
    """Validate and read a Polis open-data export.

    Parameters
    ----------
    files
        File name → content. Names may carry a folder (ignored) and a prefix
        ending in "-" ("2025-01-01-abc-votes.csv"). Needs `comments.csv` and
        `votes.csv` or `participants-votes.csv`; `summary.csv` and
        `stats-history.csv` are read when present; other files are ignored with
        a warning. `files_from_zip` turns a zip into this mapping.
    polarity
        "open-data" (agree = +1, the published CSVs and Polis's Clojure export)
        or "polis-db" (agree = −1, Polis's database and the newer TypeScript
        report export): every vote is negated and agree/disagree counts swapped.

    Returns
    -------
    PolisExport
        In Coproduce polarity; `warnings` lists what was accepted but odd.

    Raises
    ------
    PolisImportError
        Listing every problem found (up to 50, the rest counted), each with
        file, row (header = row 1) and column. Nothing is returned partially.
        Also raised alone when the polarity check fails.
    InputError
        `polarity` is not one of the two above.

    Notes
    -----
    Votes come from `votes.csv`, latest per (voter, comment) by timestamp, ties
    by row order; else from `participants-votes.csv` cells, with the encounter
    order falling back to participant id (flagged). Timestamps ≥ 10¹¹ are
    milliseconds, smaller ones seconds; one unit per file. Polarity check:
    authors' latest votes on their own statements must be mostly agrees (Polis
    gives each author an automatic agree).

    References
    ----------
    Coproduce opinion-map spec §2 (sign convention) and §5; Polis
    `math/src/polismath/darwin/export.clj` and `server/src/server.ts` (export).

    Examples
    --------
    >>> export = read_polis_export({
    ...     "comments.csv": b"timestamp,datetime,comment-id,author-id,agrees,"
    ...     b"disagrees,moderated,comment-body\\n1000,x,0,0,1,0,1,Trees\\n",
    ...     "votes.csv": b"timestamp,datetime,comment-id,voter-id,vote\\n"
    ...     b"1000,x,0,0,1\\n1200,x,0,1,-1\\n",
    ... })
    >>> export.latest_votes()
    {(0, 0): 1, (1, 0): -1}
    >>> export.vote_rows.unit, export.votes.cast_at.tolist()
    ('s', [1000000.0, 1200000.0])
    """
    sign = -1 if check_polarity(polarity) == "polis-db" else 1
    problems = Problems()
    warnings: list[str] = []
    found = _recognise(files, problems, warnings)

    comments: list[PolisComment] | None = None
    layout: CommentsLayout = "classic"
    comment_ids: set[int] | None = None
    if COMMENTS in found:
        comments, layout, comment_ids = read_comments(*found[COMMENTS], sign, problems)
    else:
        problems.add(COMMENTS, None, None, "the file is missing; it is required.")
    if VOTES not in found and PARTICIPANTS not in found:
        problems.add(
            VOTES,
            None,
            None,
            "the file is missing, and so is participants-votes.csv; one of them "
            "is required.",
        )
    votes = None
    if VOTES in found:
        votes = read_votes(*found[VOTES], comment_ids, sign, problems, warnings)
    participants: list[PolisParticipantRow] = []
    if PARTICIPANTS in found:
        participants = read_participants(
            *found[PARTICIPANTS], comment_ids, sign, problems
        )
    summary = read_summary(*found[SUMMARY], problems) if SUMMARY in found else None
    stats = read_stats(*found[STATS], problems) if STATS in found else []
    if problems.n or comments is None:
        raise PolisImportError(
            problems.items, n_not_shown=problems.n - len(problems.items)
        )

    source: VoteSource
    if votes is not None:
        source = VOTES
        log, rows = votes.log(), votes.rows()
        if PARTICIPANTS in found:
            warnings.extend(_mismatches(_latest(votes), participants))
    else:
        source = PARTICIPANTS
        log, rows = _log_from_cells(participants), PolisVoteRows.empty()
        warnings.append(
            "Votes were read from participants-votes.csv (votes.csv is absent): "
            "only latest votes are known, and the order in which participants "
            "arrived is taken to be their participant id."
        )
    export = PolisExport(
        comments=tuple(comments),
        votes=log,
        vote_rows=rows,
        participants=tuple(participants),
        summary=summary,
        stats_history=tuple(stats),
        vote_source=source,
        encounter_order_is_approximate=source == PARTICIPANTS,
        comments_layout=layout,
        polarity=polarity,
        warnings=tuple(warnings),
    )
    return _check_polarity(export)


# --- files --------------------------------------------------------------------


def _recognise(
    files: Mapping[str, bytes], problems: Problems, warnings: list[str]
) -> dict[str, tuple[str, bytes]]:
    found: dict[str, tuple[str, bytes]] = {}
    for path, content in sorted(files.items()):
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        kind = next(
            (k for k in KNOWN_FILES if name == k or name.endswith("-" + k)), None
        )
        if kind is None:
            warnings.append(f"{name} is not part of a Polis export and was ignored.")
        elif kind in found:
            problems.add(
                name,
                None,
                None,
                f"there are two {kind} files ({found[kind][0]} and {name}); keep one.",
            )
        else:
            found[kind] = (name, content)
    return found


def _latest(votes: VoteRows) -> dict[tuple[int, int], int]:
    latest: dict[tuple[int, int], tuple[float, int]] = {}
    for voter, comment, value, at in zip(
        votes.voters, votes.comments, votes.values, votes.timestamps, strict=True
    ):
        seen = latest.get((voter, comment))
        if seen is None or at >= seen[0]:
            latest[(voter, comment)] = (at, value)
    return {key: value for key, (_, value) in latest.items()}


def _log_from_cells(participants: list[PolisParticipantRow]) -> VoteLog:
    events = sorted(
        (row.participant, statement, value)
        for row in participants
        for statement, value in row.cells.items()
    )
    return VoteLog.from_arrays(
        participant_ids=np.asarray([e[0] for e in events], dtype=np.int64),
        statement_ids=np.asarray([e[1] for e in events], dtype=np.int64),
        values=np.asarray([e[2] for e in events], dtype=np.int8),
        cast_at=np.asarray([e[0] for e in events], dtype=np.float64),
    )


def _mismatches(
    latest: dict[tuple[int, int], int], participants: list[PolisParticipantRow]
) -> list[str]:
    cells = {
        (row.participant, statement): value
        for row in participants
        for statement, value in row.cells.items()
    }
    differ = sorted(k for k, v in latest.items() if k in cells and cells[k] != v)
    only_votes = sorted(k for k in latest if k not in cells)
    only_cells = sorted(k for k in cells if k not in latest)
    warnings = []
    for pairs, what in (
        (differ, "a latest vote in votes.csv differs from participants-votes.csv"),
        (only_votes, "a vote in votes.csv has a blank participants-votes.csv cell"),
        (only_cells, "a participants-votes.csv cell has no vote in votes.csv"),
    ):
        if pairs:
            examples = ", ".join(
                f"voter {p} on comment {s}" for p, s in pairs[:N_EXAMPLES]
            )
            warnings.append(
                f"{len(pairs)} (voter, comment) pairs where {what} (votes.csv is "
                f"used); first: {examples}."
            )
    return warnings


# --- polarity ---------------------------------------------------------------------


def _check_polarity(export: PolisExport) -> PolisExport:
    latest = export.latest_votes()
    own = [
        latest[(c.author_id, c.comment_id)]
        for c in export.comments
        if (c.author_id, c.comment_id) in latest
    ]
    n_agree, n_disagree = own.count(1), own.count(-1)
    if n_disagree > n_agree:
        other = "polis-db" if export.polarity == "open-data" else "open-data"
        raise PolisImportError(
            [
                Problem(
                    export.vote_source,
                    None,
                    "vote",
                    f"authors' latest votes on their own comments are mostly "
                    f"disagrees ({n_disagree} disagree, {n_agree} agree), but Polis "
                    "gives every author an automatic agree: the votes look "
                    f"negated. If the files come from Polis's database or its "
                    f'newer report export, import with polarity="{other}".',
                )
            ]
        )
    if n_agree == n_disagree:
        note = (
            "No author voted on their own comment"
            if n_agree == 0
            else f"Authors agreed with and disagreed with their own comments "
            f"equally often ({n_agree} each)"
        )
        warning = (
            f"{note}, so the vote polarity could not be checked; "
            f"{export.polarity} polarity was assumed."
        )
        return replace(export, warnings=(*export.warnings, warning))
    return export
