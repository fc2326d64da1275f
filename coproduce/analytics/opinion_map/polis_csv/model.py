"""A Polis open-data export as plain data (opinion-map spec §5).

Everything here is in Coproduce polarity (agree = +1, disagree = −1, pass = 0),
whatever the polarity of the files read: with `polarity="polis-db"` the reader
negates every vote and swaps the agree and disagree counts before building
these records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.votes import VoteLog

Polarity = Literal["open-data", "polis-db"]
VoteSource = Literal["votes.csv", "participants-votes.csv"]
CommentsLayout = Literal["classic", "newer"]
TimestampUnit = Literal["ms", "s"]
StatementState = Literal["accepted", "unmoderated", "rejected"]

#: Polis's `moderated` column: accepted 1, unmoderated 0, rejected −1.
STATE_OF_MODERATED: Mapping[int, StatementState] = {
    1: "accepted",
    0: "unmoderated",
    -1: "rejected",
}
MODERATED_OF_STATE: Mapping[StatementState, int] = {
    state: moderated for moderated, state in STATE_OF_MODERATED.items()
}
#: At most this many problems are listed; the rest are counted.
MAX_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an import: where (file, row, column) and why.

    `row` is the row a spreadsheet shows: the header is row 1, so the first data
    row is row 2. `row` and `column` are None when the problem is the whole
    file's (a missing file) or the whole column's.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = [self.file]
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.column is not None:
            place.append(f"column '{self.column}'")
        return f"{', '.join(place)}: {self.message}"


class PolisImportError(InputError):
    """A Polis export that cannot be imported; `.problems` lists every problem.

    At most `MAX_PROBLEMS` problems are kept; `n_not_shown` counts the rest.
    `row` and `column` (from `InputError`) are the first problem's.
    """

    def __init__(self, problems: Sequence[Problem], *, n_not_shown: int = 0) -> None:
        self.problems = tuple(problems)
        self.n_not_shown = n_not_shown
        lines = [str(problem) for problem in self.problems]
        if n_not_shown:
            lines.append(f"… and {n_not_shown} more problems not shown.")
        first = self.problems[0] if self.problems else None
        super().__init__(
            "The Polis export cannot be imported:\n" + "\n".join(lines),
            row=first.row if first else None,
            column=first.column if first else None,
        )


@dataclass(frozen=True, slots=True)
class PolisComment:
    """One row of `comments.csv`: a statement (Polis `tid`) and its counts.

    `agrees`/`disagrees` are Polis's: every vote row, superseded ones included.
    `is_meta`, `is_seed` and `published_gic` are False, False and None when the
    file has the classic layout; `datetime_text` is "" in the newer layout.
    """

    comment_id: int
    author_id: int
    agrees: int
    disagrees: int
    moderated: int  # 1 accepted, 0 unmoderated, −1 rejected
    is_meta: bool
    is_seed: bool
    published_gic: float | None
    body: str
    created_at_ms: float
    datetime_text: str

    @property
    def state(self) -> StatementState:
        """Moderation state in Coproduce's words."""
        return STATE_OF_MODERATED[self.moderated]


@dataclass(frozen=True, slots=True)
class PolisParticipantRow:
    """One row of `participants-votes.csv`: a participant's latest votes.

    `cells` maps statement id to the latest vote (blank cells are absent);
    `group_id` is Polis's group from its stored maths, None when unclustered.
    """

    participant: int
    xid: str | None
    group_id: int | None
    n_comments: int
    n_votes: int
    n_agree: int
    n_disagree: int
    cells: Mapping[int, int]


@dataclass(frozen=True, slots=True)
class PolisSummary:
    """`summary.csv`, key by key, with Polis's meanings.

    `voters_in_conv` is Polis's matrix row count (every voter), not the number
    clustered. Counts are None when the key is absent; keys this reader does not
    know are kept in `extra`, in file order.
    """

    topic: str
    url: str
    views: int | None
    voters: int | None
    voters_in_conv: int | None
    commenters: int | None
    comments: int | None
    groups: int | None
    description: str
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PolisStatsRow:
    """One row of `stats-history.csv`: cumulative counts after an event."""

    n_votes: int
    n_comments: int
    n_visitors: int
    n_voters: int
    n_commenters: int


@dataclass(frozen=True, slots=True, eq=False)
class PolisVoteRows:
    """What `votes.csv` said that the `VoteLog` does not keep.

    Parallel to the events of `PolisExport.votes` (file row order): the
    timestamp as written (seconds or milliseconds, see `unit`) and the
    `datetime` text (empty when the file has no such column).
    """

    timestamp: npt.NDArray[np.float64]
    datetime_text: tuple[str, ...]
    unit: TimestampUnit | None  # None when there are no rows

    @classmethod
    def empty(cls) -> PolisVoteRows:
        """No rows (votes came from `participants-votes.csv`)."""
        return cls(np.zeros(0, dtype=np.float64), (), None)


@dataclass(frozen=True, slots=True, eq=False)
class PolisExport:
    """A validated Polis export, in Coproduce polarity.

    `votes` holds every vote event in file row order with `cast_at` in
    milliseconds; `build_vote_matrix(votes)` keeps the latest per pair (ties by
    row order), as spec §5 asks. When `vote_source` is "participants-votes.csv"
    there is one event per non-blank cell at time = participant id, so the
    encounter order is by participant id and `encounter_order_is_approximate`
    is True.
    """

    comments: tuple[PolisComment, ...]
    votes: VoteLog
    vote_rows: PolisVoteRows
    participants: tuple[PolisParticipantRow, ...]
    summary: PolisSummary | None
    stats_history: tuple[PolisStatsRow, ...]
    vote_source: VoteSource
    encounter_order_is_approximate: bool
    comments_layout: CommentsLayout
    polarity: Polarity
    warnings: tuple[str, ...] = field(default=())

    def latest_votes(self) -> dict[tuple[int, int], int]:
        """(participant, statement) → latest vote: largest time, ties by row order."""
        latest: dict[tuple[int, int], tuple[float, int]] = {}
        log = self.votes
        for pid, tid, value, at in zip(
            log.participant_ids.tolist(),
            log.statement_ids.tolist(),
            log.values.tolist(),
            log.cast_at.tolist(),
            strict=True,
        ):
            key = (pid, tid)
            seen = latest.get(key)
            if seen is None or at >= seen[0]:
                latest[key] = (at, value)
        return {key: value for key, (_, value) in latest.items()}


# --- what the writer takes ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportStatement:
    """A statement as the app holds it (spec §2), for `write_polis_export`."""

    statement_id: int  # Polis tid: 0-based creation order
    author_id: int  # participant number of the author (the organiser has one)
    text: str
    state: StatementState
    is_meta: bool
    is_seed: bool
    created_at_ms: int
    gic: float | None = None  # group-informed consensus, None without groups


@dataclass(frozen=True, slots=True)
class ExportParticipant:
    """A participant by number; `xid` only with the participant's consent."""

    participant_id: int
    xid: str | None = None
    group_label: int | None = None  # 0-based public label index (0 = "A")


@dataclass(frozen=True, slots=True, eq=False)
class PolisExportInput:
    """Plain data for `write_polis_export`, filled by the conversations app.

    `votes` is the append-only event log (superseded events included) with
    `cast_at` in milliseconds. Participants who voted or wrote but are not in
    `participants` are written with no xid and no group. `licence_notice` (the
    licence, attribution, source URL and statement of changes, spec §5) is
    written to `README.txt` when not empty.
    """

    topic: str
    description: str
    url: str
    views: int
    statements: tuple[ExportStatement, ...]
    votes: VoteLog
    participants: tuple[ExportParticipant, ...] = ()
    licence_notice: str = ""


def check_polarity(polarity: str) -> Polarity:
    """`polarity` if it is one the reader knows, else InputError."""
    if polarity == "open-data":
        return "open-data"
    if polarity == "polis-db":
        return "polis-db"
    raise InputError(
        f"Polarity {polarity!r} is not known; use 'open-data' (agree = +1, the "
        "published CSVs) or 'polis-db' (agree = −1, Polis's database)."
    )
