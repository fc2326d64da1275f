"""Reading a Polis open-data export (spec §5): layouts, vote sources, polarity."""

from __future__ import annotations

import doctest
import io
import zipfile
from types import ModuleType

import numpy as np
import pytest

from coproduce.analytics.opinion_map import build_vote_matrix
from coproduce.analytics.opinion_map.polis_csv import (
    PolisImportError,
    files_from_zip,
    read_polis_export,
)
from coproduce.analytics.opinion_map.polis_csv import read as read_module
from coproduce.analytics.opinion_map.polis_csv import write as write_module
from coproduce.analytics.opinion_map.tests.polis_files import (
    LATEST,
    PARTICIPANTS,
    VOTES,
    classic_files,
    negated,
)


def test_a_hand_written_classic_export_reads_correctly() -> None:
    export = read_polis_export(classic_files())

    assert export.comments_layout == "classic"
    assert export.vote_source == "votes.csv"
    assert not export.encounter_order_is_approximate
    assert [c.comment_id for c in export.comments] == [0, 1, 2]
    assert [c.state for c in export.comments] == ["accepted", "rejected", "unmoderated"]
    assert [(c.agrees, c.disagrees) for c in export.comments] == [
        (2, 1),
        (1, 2),
        (1, 1),
    ]
    assert [c.body for c in export.comments] == [
        "More trees, please",
        "Something rude",
        'A "quoted" idea',
    ]
    assert [c.is_meta or c.is_seed for c in export.comments] == [False] * 3
    assert export.comments[0].created_at_ms == 1489010573297
    assert export.comments[0].datetime_text.startswith("Wed Mar 08 2017")
    assert export.latest_votes() == LATEST
    # Every event is kept, superseded ones included, in file row order, in ms.
    assert export.votes.n_events == 9
    assert export.votes.values.tolist()[:3] == [1, -1, 1]
    assert export.vote_rows.unit == "ms"
    assert export.vote_rows.timestamp[0] == 1489010573297


def test_the_vote_matrix_follows_encounter_order_and_latest_votes() -> None:
    matrix = build_vote_matrix(read_polis_export(classic_files()).votes)

    # First votes: voter 0 at …573297, voter 1 at …580000, voter 2 at …620000;
    # comment 0 at …573297, 1 at …600000, 2 at …700000.
    assert matrix.participant_ids.tolist() == [0, 1, 2]
    assert matrix.statement_ids.tolist() == [0, 1, 2]
    dense = matrix.raw.toarray().tolist()
    assert dense[1] == [1, 1, -1]  # voter 1's change of mind on comment 0 wins
    assert matrix.n_votes.tolist() == [3, 3, 2]


def test_participants_groups_and_the_summary_are_read() -> None:
    export = read_polis_export(classic_files())

    rows = {row.participant: row for row in export.participants}
    assert [rows[p].group_id for p in (0, 1, 2)] == [0, 1, None]
    assert dict(rows[2].cells) == {1: -1, 2: 1}
    assert (rows[1].n_votes, rows[1].n_agree, rows[1].n_disagree) == (3, 2, 1)
    assert rows[0].xid is None
    summary = export.summary
    assert summary is not None
    assert summary.topic == "Parks in Cwm Afon"
    assert summary.description == "What should the parks, and paths, look like?"
    assert (summary.views, summary.voters_in_conv, summary.groups) == (10, 3, 2)
    assert [(r.n_votes, r.n_voters) for r in export.stats_history] == [(1, 1), (2, 2)]
    assert export.warnings == ()


def test_seconds_timestamps_are_turned_into_milliseconds() -> None:
    header, *rows = VOTES.splitlines()
    in_seconds = [header] + [
        f"{int(row.split(',')[0]) // 1000},{row.split(',', 1)[1]}" for row in rows
    ]
    export = read_polis_export(classic_files(votes="\n".join(in_seconds) + "\n"))

    assert export.vote_rows.unit == "s"
    assert export.vote_rows.timestamp[0] == 1489010573
    assert export.votes.cast_at[0] == 1489010573000
    assert export.latest_votes() == LATEST


def test_without_votes_csv_the_cells_are_used_and_the_order_is_flagged() -> None:
    export = read_polis_export(classic_files(votes=None))

    assert export.vote_source == "participants-votes.csv"
    assert export.encounter_order_is_approximate
    assert export.latest_votes() == LATEST
    assert export.vote_rows.unit is None
    # Encounter order falls back to participant id: time = participant id.
    assert export.votes.cast_at.tolist() == export.votes.participant_ids.tolist()
    assert any("participants-votes.csv" in w for w in export.warnings)


def test_mismatches_between_votes_and_cells_are_warned_with_examples() -> None:
    # Participant 0's cell on comment 2 says agree; votes.csv says pass.
    cells = PARTICIPANTS.replace("0,0,1,3,1,1,1,-1,0", "0,0,1,3,1,1,1,-1,1")
    export = read_polis_export(classic_files(participants_votes=cells))

    assert export.latest_votes() == LATEST  # votes.csv wins
    (warning,) = export.warnings
    assert warning.startswith("1 (voter, comment) pairs where a latest vote")
    assert "voter 0 on comment 2" in warning


def test_the_newer_comments_layout_gives_flags_and_published_gic() -> None:
    comments = """\
timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,group-informed-consensus,comment-body
1489010573297,0,0,2,1,1,false,true,0.25,Seed
1489010600000,1,1,1,2,-1,TRUE,f,,Meta
1489010700000,2,2,1,1,0,0,1,1e-3,Third
"""
    export = read_polis_export(classic_files(comments=comments))

    assert export.comments_layout == "newer"
    assert [c.is_meta for c in export.comments] == [False, True, False]
    assert [c.is_seed for c in export.comments] == [True, False, True]
    assert [c.published_gic for c in export.comments] == [0.25, None, 0.001]
    assert export.comments[0].datetime_text == ""


def test_a_byte_order_mark_prefixed_names_and_folders_are_accepted() -> None:
    files = {
        f"2025-01-01-abc/2025-01-01-abc-{name}": (b"\xef\xbb\xbf" + content)
        for name, content in classic_files().items()
    }
    files["README.md"] = b"Licensed under CC BY 4.0"

    export = read_polis_export(files)

    assert export.latest_votes() == LATEST
    assert export.participants[0].participant == 0  # not lost to "\ufeffparticipant"
    assert export.warnings == (
        "README.md is not part of a Polis export and was ignored.",
    )


def test_identical_repeated_vote_rows_are_reported_not_refused() -> None:
    repeated = VOTES + "1489010700000,Wed Mar 08 2017,2,2,1\n"
    export = read_polis_export(classic_files(votes=repeated))

    assert export.latest_votes() == LATEST
    assert any(
        "1 rows repeat an earlier row" in w and "rows 11" in w for w in export.warnings
    )


def test_polis_database_polarity_is_refused_naming_the_option() -> None:
    files = classic_files(votes=negated(VOTES), participants_votes=None)

    with pytest.raises(PolisImportError, match='polarity="polis-db"') as caught:
        read_polis_export(files)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("votes.csv", None, "vote")
    assert "3 disagree, 0 agree" in problem.message


def test_polis_db_polarity_negates_every_vote_and_swaps_counts() -> None:
    comments_swapped = classic_files()["comments.csv"].decode()
    files = classic_files(votes=negated(VOTES), participants_votes=None)

    export = read_polis_export(files, polarity="polis-db")

    assert export.latest_votes() == LATEST
    assert export.polarity == "polis-db"
    # comments.csv counts were written for agree = +1, so they come out swapped.
    assert "0,0,2,1,1" in comments_swapped
    assert (export.comments[0].agrees, export.comments[0].disagrees) == (1, 2)


def test_open_data_files_read_as_polis_db_are_refused_naming_open_data() -> None:
    with pytest.raises(PolisImportError, match='polarity="open-data"'):
        read_polis_export(classic_files(), polarity="polis-db")


def test_an_unknown_polarity_is_refused() -> None:
    with pytest.raises(ValueError, match="Polarity 'db' is not known"):
        read_polis_export(classic_files(), polarity="db")  # type: ignore[arg-type]


def test_no_author_voting_on_their_own_comment_is_accepted_with_a_warning() -> None:
    votes = "timestamp,datetime,comment-id,voter-id,vote\n1489010720000,x,0,2,-1\n"
    export = read_polis_export(classic_files(votes=votes, participants_votes=None))

    assert export.latest_votes() == {(2, 0): -1}
    assert export.warnings == (
        "No author voted on their own comment, so the vote polarity could not be "
        "checked; open-data polarity was assumed.",
    )


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_with_the_files_in_one_folder_is_unpacked() -> None:
    members = {f"export/{n}": c for n, c in classic_files().items()}
    members["__MACOSX/export/._votes.csv"] = b"\x00"

    files = files_from_zip(_zip(members))

    assert sorted(files) == sorted(classic_files())
    assert read_polis_export(files).latest_votes() == LATEST


@pytest.mark.parametrize(
    ("members", "where", "message"),
    [
        ({"../votes.csv": b"x"}, "../votes.csv", "no absolute paths or '..'"),
        ({"/etc/votes.csv": b"x"}, "/etc/votes.csv", "no absolute paths or '..'"),
        ({"a/b/votes.csv": b"x"}, "a/b/votes.csv", "in one folder"),
        ({"a/votes.csv": b"x", "b/comments.csv": b"x"}, "(zip file)", "more than one"),
        ({f"{i}.csv": b"x" for i in range(21)}, "(zip file)", "holds 21 files"),
        ({"votes.csv": b"0" * 2_000_000}, "(zip file)", "unpack to more than 1 MB"),
    ],
)
def test_a_dangerous_zip_is_refused(
    members: dict[str, bytes], where: str, message: str
) -> None:
    with pytest.raises(PolisImportError) as caught:
        files_from_zip(_zip(members), max_total_bytes=1024 * 1024)
    assert any(p.file == where and message in p.message for p in caught.value.problems)


def test_something_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(PolisImportError, match="not a zip file"):
        files_from_zip(b"PK not really")


def test_vote_values_keep_their_dtypes() -> None:
    export = read_polis_export(classic_files())
    assert export.votes.values.dtype == np.int8
    assert export.votes.cast_at.dtype == np.float64


@pytest.mark.parametrize("module", [read_module, write_module], ids=str)
def test_docstring_examples_hold(module: ModuleType) -> None:
    failed, attempted = doctest.testmod(module, verbose=False)
    assert attempted > 0
    assert failed == 0
