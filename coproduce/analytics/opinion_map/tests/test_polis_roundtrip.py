"""Writing a Polis export and reading it back (spec §5)."""

from __future__ import annotations

import csv
import io

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.analytics.opinion_map import Vote, VoteLog
from coproduce.analytics.opinion_map.polis_csv import (
    REMOVED_TEXT,
    ExportParticipant,
    ExportStatement,
    PolisExport,
    PolisExportInput,
    formula_guard,
    formula_unguard,
    read_polis_export,
    write_polis_export,
)
from coproduce.testing.text import hostile_strings

T0 = 1_700_000_000_000  # ms, November 2023


def _latest(log: VoteLog) -> dict[tuple[int, int], int]:
    """Latest vote per pair, by time then event order, the slow obvious way."""
    best: dict[tuple[int, int], tuple[float, int, int]] = {}
    for seq, (p, s, v, t) in enumerate(
        zip(
            log.participant_ids.tolist(),
            log.statement_ids.tolist(),
            log.values.tolist(),
            log.cast_at.tolist(),
            strict=True,
        )
    ):
        if (p, s) not in best or (t, seq) >= best[(p, s)][:2]:
            best[(p, s)] = (t, seq, v)
    return {pair: v for pair, (_, _, v) in best.items()}


def _conversation(texts: tuple[str, ...] = ("Plant more trees",)) -> PolisExportInput:
    statements = (
        ExportStatement(0, 0, texts[0], "accepted", False, True, T0, 0.4),
        ExportStatement(1, 1, "=cmd|' /C calc'!A0", "accepted", False, False, T0 + 1),
        ExportStatement(2, 2, "Rude words", "rejected", False, False, T0 + 2, 0.1),
        ExportStatement(
            3, 1, "How does this work?", "unmoderated", True, False, T0 + 3
        ),
    )
    votes = VoteLog.from_votes(
        [
            Vote(0, 0, 1, T0),  # author's automatic agree
            Vote(1, 1, 1, T0 + 1),
            Vote(2, 2, 1, T0 + 2),
            Vote(1, 0, -1, T0 + 10),
            Vote(2, 0, 0, T0 + 20),
            Vote(1, 0, 1, T0 + 30),  # supersedes the disagree at T0 + 10
            Vote(3, 0, 1, T0 + 40),
            Vote(3, 1, -1, T0 + 50),
            Vote(2, 1, -1, T0 + 60),
            Vote(3, 2, -1, T0 + 70),
        ]
    )
    participants = (
        ExportParticipant(1, xid="resident-1", group_label=0),
        ExportParticipant(2, group_label=1),
        ExportParticipant(3, group_label=0),
        ExportParticipant(4),  # visited, never voted
    )
    return PolisExportInput(
        topic="Parks",
        description="What should the parks look like?",
        url="https://example.gov.uk/c/1",
        views=12,
        statements=statements,
        votes=votes,
        participants=participants,
    )


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def _assert_same_votes(export: PolisExport, votes: VoteLog) -> None:
    assert export.latest_votes() == _latest(votes)
    events = sorted(
        zip(
            export.votes.participant_ids.tolist(),
            export.votes.statement_ids.tolist(),
            export.votes.values.tolist(),
            export.votes.cast_at.tolist(),
            strict=True,
        )
    )
    expected = sorted(
        zip(
            votes.participant_ids.tolist(),
            votes.statement_ids.tolist(),
            votes.values.tolist(),
            votes.cast_at.tolist(),
            strict=True,
        )
    )
    assert events == expected


def test_write_then_read_gives_the_same_votes_statements_flags_and_groups() -> None:
    conversation = _conversation()
    export = read_polis_export(write_polis_export(conversation))

    _assert_same_votes(export, conversation.votes)
    assert export.comments_layout == "newer"
    assert export.warnings == ()
    assert [
        (c.comment_id, c.author_id, c.state, c.is_meta, c.is_seed, c.published_gic)
        for c in export.comments
    ] == [
        (0, 0, "accepted", False, True, 0.4),
        (1, 1, "accepted", False, False, None),
        (2, 2, "rejected", False, False, 0.1),
        (3, 1, "unmoderated", True, False, None),
    ]
    assert [c.body for c in export.comments] == [
        "Plant more trees",
        "=cmd|' /C calc'!A0",
        REMOVED_TEXT,
        "How does this work?",
    ]
    assert [c.created_at_ms for c in export.comments] == [T0, T0 + 1, T0 + 2, T0 + 3]
    # Every event counts, the superseded disagree of participant 1 included.
    assert [(c.agrees, c.disagrees) for c in export.comments] == [
        (3, 1),
        (1, 2),
        (1, 1),
        (0, 0),
    ]
    rows = {row.participant: row for row in export.participants}
    assert {p: row.group_id for p, row in rows.items()} == {
        0: None,
        1: 0,
        2: 1,
        3: 0,
        4: None,
    }
    assert {p: row.xid for p, row in rows.items() if row.xid} == {1: "resident-1"}
    assert [rows[p].n_comments for p in range(5)] == [1, 2, 1, 0, 0]
    assert (rows[3].n_votes, rows[3].n_agree, rows[3].n_disagree) == (3, 1, 2)
    assert export.summary is not None
    assert (
        export.summary.views,
        export.summary.voters,
        export.summary.voters_in_conv,
        export.summary.commenters,
        export.summary.comments,
        export.summary.groups,
    ) == (12, 4, 4, 3, 4, 2)


def test_votes_csv_keeps_superseded_events_sorted_by_comment_voter_and_time() -> None:
    files = write_polis_export(_conversation())
    header, *rows = _csv(files["votes.csv"])

    assert header == ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
    assert len(rows) == 10
    assert [(r[2], r[3], r[4]) for r in rows[:5]] == [
        ("0", "0", "1"),
        ("0", "1", "-1"),
        ("0", "1", "1"),
        ("0", "2", "0"),
        ("0", "3", "1"),
    ]
    assert rows[0][:2] == [
        str(T0),
        "Tue Nov 14 2023 22:13:20 GMT+0000 (Coordinated Universal Time)",
    ]


def test_participants_votes_has_one_column_per_voted_statement_in_id_order() -> None:
    header, *rows = _csv(write_polis_export(_conversation())["participants-votes.csv"])

    # Statement 3 has no votes, so no column.
    assert header == [
        "participant",
        "xid",
        "group-id",
        "n-comments",
        "n-votes",
        "n-agree",
        "n-disagree",
        "0",
        "1",
        "2",
    ]
    assert rows[1] == ["1", "resident-1", "0", "2", "2", "2", "0", "1", "1", ""]
    assert rows[4] == ["4", "", "", "0", "0", "0", "0", "", "", ""]


def test_stats_history_counts_distinct_voters_not_votes() -> None:
    conversation = PolisExportInput(
        topic="t",
        description="",
        url="",
        views=3,
        statements=(ExportStatement(0, 0, "s", "accepted", False, True, 0),),
        votes=VoteLog.from_votes(
            [Vote(0, 0, 1, 0), Vote(1, 0, -1, 10), Vote(1, 0, 1, 20), Vote(2, 0, 0, 30)]
        ),
    )
    header, *rows = _csv(write_polis_export(conversation)["stats-history.csv"])

    assert header == ["n-votes", "n-comments", "n-visitors", "n-voters", "n-commenters"]
    # The statement comes first at t = 0, then its author's agree; participant 1's
    # second vote adds a vote but not a voter (Polis would count 3 voters there).
    assert rows == [
        ["0", "1", "1", "0", "1"],
        ["1", "1", "1", "1", "1"],
        ["2", "1", "2", "2", "1"],
        ["3", "1", "2", "2", "1"],
        ["4", "1", "3", "3", "1"],
    ]


def test_summary_uses_polis_keys_and_meanings() -> None:
    rows = _csv(write_polis_export(_conversation())["summary.csv"])
    assert rows == [
        ["topic", "Parks"],
        ["url", "https://example.gov.uk/c/1"],
        ["views", "12"],
        ["voters", "4"],
        ["voters-in-conv", "4"],
        ["commenters", "3"],
        ["comments", "4"],
        ["groups", "2"],
        ["conversation-description", "What should the parks look like?"],
    ]


def test_the_classic_layout_round_trips_without_flags() -> None:
    conversation = _conversation()
    files = write_polis_export(conversation, layout="classic")
    export = read_polis_export(files)

    assert _csv(files["comments.csv"])[0] == [
        "timestamp",
        "datetime",
        "comment-id",
        "author-id",
        "agrees",
        "disagrees",
        "moderated",
        "comment-body",
    ]
    assert export.comments_layout == "classic"
    _assert_same_votes(export, conversation.votes)
    assert [c.state for c in export.comments] == [
        "accepted",
        "accepted",
        "rejected",
        "unmoderated",
    ]
    assert [c.is_seed or c.is_meta for c in export.comments] == [False] * 4
    assert export.comments[0].datetime_text.startswith("Tue Nov 14 2023 22:13:20")


HOSTILE = (
    *hostile_strings(5000),
    "=cmd|' /C calc'!A0",
    "+44 29 2000 0000",
    "-1 is not a vote",
    "@SUM(A1:A9)",
    "\tstarts with a tab",
    "'=already guarded by someone",
    "''=twice",
    "commas, and \"quotes\", and 'apostrophes'",
    "line one\nline two\r\nline three\rafter a lone carriage return",
    "Mae'r parc yn hyfryd: ŵ ŷ 🌳🏴󠁧󠁢󠁷󠁬󠁳󠁿 עברית العربية",
)


def test_hostile_text_survives_the_round_trip_and_formulas_are_guarded() -> None:
    base = _conversation()
    statements = tuple(
        ExportStatement(j, 0, text, "accepted", False, False, T0 + j)
        for j, text in enumerate(HOSTILE)
    )
    conversation = PolisExportInput(
        topic=HOSTILE[-5],
        description=HOSTILE[-2],
        url='=HYPERLINK("http://evil")',
        views=1,
        statements=statements,
        votes=VoteLog.from_votes([Vote(0, 0, 1, T0)]),
        participants=(ExportParticipant(0, xid=HOSTILE[0]),),
    )
    files = write_polis_export(conversation)
    export = read_polis_export(files)

    assert [c.body for c in export.comments] == list(HOSTILE)
    assert export.summary is not None
    assert (export.summary.topic, export.summary.description, export.summary.url) == (
        HOSTILE[-5],
        HOSTILE[-2],
        '=HYPERLINK("http://evil")',
    )
    assert export.participants[0].xid == HOSTILE[0]
    # In the files, no text cell starts with a formula character.
    bodies = [row[-1] for row in _csv(files["comments.csv"])[1:]]
    assert bodies[HOSTILE.index("=cmd|' /C calc'!A0")] == "'=cmd|' /C calc'!A0"
    assert bodies[HOSTILE.index("''=twice")] == "'''=twice"
    assert not any(body.startswith(("=", "+", "-", "@", "\t", "\r")) for body in bodies)
    assert _csv(files["summary.csv"])[1] == ["url", '\'=HYPERLINK("http://evil")']
    assert base.topic == "Parks"


@given(st.text())
def test_formula_unguard_undoes_formula_guard(text: str) -> None:
    guarded = formula_guard(text)
    assert formula_unguard(guarded) == text
    assert not guarded.startswith(("=", "+", "-", "@", "\t", "\r"))


@st.composite
def conversations(draw: st.DrawFn) -> PolisExportInput:
    n_statements = draw(st.integers(1, 5))
    n_people = draw(st.integers(1, 5))
    authors = [draw(st.integers(0, n_people - 1)) for _ in range(n_statements)]
    statements = tuple(
        ExportStatement(
            statement_id=j,
            author_id=authors[j],
            text=draw(st.text(max_size=20)),
            state=draw(st.sampled_from(["accepted", "unmoderated", "rejected"])),
            is_meta=draw(st.booleans()),
            is_seed=draw(st.booleans()),
            created_at_ms=T0 + j,
            gic=draw(st.none() | st.floats(0, 1, exclude_min=True)),
        )
        for j in range(n_statements)
    )
    events = draw(
        st.lists(
            st.tuples(
                st.integers(0, n_people - 1),
                st.integers(0, n_statements - 1),
                st.sampled_from([-1, 0, 1]),
            ),
            max_size=25,
        )
    )
    # Authors never disagree with their own statement (Polis auto-agrees), so
    # the polarity check passes; times are distinct, as two votes by one person
    # on one statement in the same millisecond would be refused on reading.
    votes = VoteLog.from_votes(
        Vote(p, s, 1 if p == authors[s] and v == -1 else v, T0 + 1000 * k)
        for k, (p, s, v) in enumerate(events)
    )
    participants = tuple(
        ExportParticipant(
            p,
            xid=draw(st.none() | st.text(min_size=1).filter(str.strip)),
            group_label=draw(st.none() | st.integers(0, 4)),
        )
        for p in range(n_people)
        if draw(st.booleans())
    )
    return PolisExportInput(
        topic=draw(st.text(max_size=20)),
        description=draw(st.text(max_size=20)),
        url="",
        views=draw(st.integers(0, 100)),
        statements=statements,
        votes=votes,
        participants=participants,
    )


@settings(max_examples=40, deadline=None)
@given(conversation=conversations(), layout=st.sampled_from(["newer", "classic"]))
def test_random_small_exports_round_trip(
    conversation: PolisExportInput, layout: str
) -> None:
    files = write_polis_export(conversation, layout=layout)  # type: ignore[arg-type]
    export = read_polis_export(files)

    _assert_same_votes(export, conversation.votes)
    assert [(c.comment_id, c.author_id, c.state) for c in export.comments] == [
        (s.statement_id, s.author_id, s.state) for s in conversation.statements
    ]
    assert [c.body for c in export.comments] == [
        REMOVED_TEXT if s.state == "rejected" else s.text
        for s in conversation.statements
    ]
    if layout == "newer":
        assert [(c.is_meta, c.is_seed, c.published_gic) for c in export.comments] == [
            (s.is_meta, s.is_seed, s.gic) for s in conversation.statements
        ]
    groups = {row.participant: (row.group_id, row.xid) for row in export.participants}
    for person in conversation.participants:
        assert groups[person.participant_id] == (person.group_label, person.xid)
    assert export.summary is not None
    assert export.summary.topic == conversation.topic
    assert export.summary.description == conversation.description
    n_voters = len(np.unique(conversation.votes.participant_ids))
    assert export.summary.voters == export.summary.voters_in_conv == n_voters
    if export.stats_history:
        last = export.stats_history[-1]
        assert (last.n_votes, last.n_comments, last.n_voters) == (
            conversation.votes.n_events,
            len(conversation.statements),
            n_voters,
        )


def test_a_licence_notice_is_written_to_readme_and_ignored_on_reading() -> None:
    base = _conversation()
    notice = "Licence: CC BY 4.0 https://creativecommons.org/licenses/by/4.0/ …"
    conversation = PolisExportInput(
        topic=base.topic,
        description=base.description,
        url=base.url,
        views=base.views,
        statements=base.statements,
        votes=base.votes,
        participants=base.participants,
        licence_notice=notice,
    )
    files = write_polis_export(conversation)

    assert files["README.txt"].decode() == notice
    assert "README.txt" not in write_polis_export(base)
    export = read_polis_export(files)
    assert export.warnings == (
        "README.txt is not part of a Polis export and was ignored.",
    )
