"""Bad Polis files: every problem is listed with its file, row and column (spec §5).

Rows are as a spreadsheet shows them: the header is row 1, so the first data row
is row 2 (see polis_files.py for the rows of the base export).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.polis_csv import (
    PolisImportError,
    Problem,
    read_polis_export,
)
from coproduce.analytics.opinion_map.tests.polis_files import (
    COMMENTS,
    PARTICIPANTS,
    VOTES,
    classic_files,
)


def _problems(**replace: str | None) -> tuple[Problem, ...]:
    with pytest.raises(PolisImportError) as caught:
        read_polis_export(classic_files(**replace))
    assert isinstance(caught.value, InputError)
    return caught.value.problems


def _places(problems: tuple[Problem, ...]) -> list[tuple[str, int | None, str | None]]:
    return [(p.file, p.row, p.column) for p in problems]


def _vote_row(row: int, vote: str) -> str:
    """VOTES with spreadsheet row `row`'s vote replaced."""
    lines = VOTES.splitlines()
    *rest, _ = lines[row - 1].split(",")
    lines[row - 1] = ",".join([*rest, vote])
    return "\n".join(lines) + "\n"


def test_a_missing_comments_file_is_named() -> None:
    problems = _problems(comments=None)
    assert _places(problems) == [("comments.csv", None, None)]
    assert problems[0].message == "the file is missing; it is required."


def test_missing_votes_and_participants_votes_are_named() -> None:
    problems = _problems(votes=None, participants_votes=None)
    assert _places(problems) == [("votes.csv", None, None)]
    assert "participants-votes.csv" in problems[0].message


def test_a_missing_column_is_named_in_the_header_row() -> None:
    votes = VOTES.replace("voter-id", "voter")
    assert _places(_problems(votes=votes)) == [("votes.csv", 1, "voter-id")]


@pytest.mark.parametrize("bad", ["NaN", "0.5", "2", "agree", ""])
def test_a_vote_outside_minus_one_zero_one_is_named(bad: str) -> None:
    problems = _problems(votes=_vote_row(3, bad))
    assert _places(problems) == [("votes.csv", 3, "vote")]
    assert "is not a vote; use 1 (agree), -1 (disagree) or 0 (pass)" in (
        problems[0].message
    )


def test_a_bad_participants_votes_cell_is_named_by_its_statement_column() -> None:
    cells = PARTICIPANTS.replace("2,,1,2,1,1,,-1,1", "2,,1,2,1,1,,0.5,1")
    assert _places(_problems(participants_votes=cells)) == [
        ("participants-votes.csv", 4, "1")
    ]


@pytest.mark.parametrize(
    ("replace", "place"),
    [
        (
            {"votes": VOTES.replace(",1,2,-1\n", ",1.5,2,-1\n")},
            ("votes.csv", 7, "comment-id"),
        ),
        (
            {"votes": VOTES.replace(",2,1,-1\n", ",2,-1,-1\n")},
            ("votes.csv", 9, "voter-id"),
        ),
        (
            {"comments": COMMENTS.replace(",2,2,1,1,0,", ",2,x,1,1,0,")},
            ("comments.csv", 4, "author-id"),
        ),
        (
            {"participants_votes": PARTICIPANTS.replace("\n1,1,1,", "\n1e3,1,1,")},
            ("participants-votes.csv", 3, "participant"),
        ),
        (
            {"participants_votes": PARTICIPANTS.replace("\n1,1,1,", "\n1,-1,1,")},
            ("participants-votes.csv", 3, "group-id"),
        ),
    ],
)
def test_an_id_that_is_not_a_whole_number_of_zero_or_more_is_named(
    replace: dict[str, str], place: tuple[str, int, str]
) -> None:
    problems = _problems(**replace)
    assert _places(problems) == [place]
    assert problems[0].message.endswith("is not a whole number of 0 or more.")


def test_a_duplicate_comment_id_is_named_with_its_first_row() -> None:
    comments = COMMENTS.replace(",2,2,1,1,0,", ",0,2,1,1,0,")
    problems = _problems(comments=comments)
    # Comment 2 is gone, so the votes on it are unknown too.
    assert _places(problems) == [
        ("comments.csv", 4, "comment-id"),
        ("votes.csv", 8, "comment-id"),
        ("votes.csv", 9, "comment-id"),
        ("votes.csv", 10, "comment-id"),
        ("participants-votes.csv", 1, "2"),
    ]
    assert problems[0].message.startswith("comment 0 appears again (first in row 2)")


def test_a_duplicate_participant_row_is_named() -> None:
    cells = PARTICIPANTS + "1,1,1,3,2,1,1,1,-1\n"
    assert _places(_problems(participants_votes=cells)) == [
        ("participants-votes.csv", 5, "participant")
    ]


def test_two_different_votes_at_the_same_time_are_refused() -> None:
    votes = VOTES + "1489010590000,Wed Mar 08 2017,0,1,-1\n"
    problems = _problems(votes=votes)
    assert _places(problems) == [("votes.csv", 11, "vote")]
    assert "(rows 4 and 11)" in problems[0].message


def test_a_vote_on_a_comment_not_in_comments_csv_is_named() -> None:
    votes = VOTES + "1489010790000,Wed Mar 08 2017,7,1,-1\n"
    problems = _problems(votes=votes)
    assert _places(problems) == [("votes.csv", 11, "comment-id")]
    assert problems[0].message == "comment 7 is not in comments.csv."


def test_a_participants_votes_column_not_in_comments_csv_is_named() -> None:
    cells = PARTICIPANTS.replace("n-disagree,0,1,2", "n-disagree,0,1,7")
    assert _places(_problems(participants_votes=cells)) == [
        ("participants-votes.csv", 1, "7")
    ]


def test_a_participants_votes_column_that_is_not_a_number_is_named() -> None:
    cells = PARTICIPANTS.replace("n-disagree,0,1,2", "n-disagree,0,1,two")
    assert _places(_problems(participants_votes=cells)) == [
        ("participants-votes.csv", 1, "two")
    ]


@pytest.mark.parametrize("bad", ["2", "-2", "yes", ""])
def test_moderated_outside_minus_one_zero_one_is_named(bad: str) -> None:
    comments = COMMENTS.replace(",1,1,2,-1,", f",1,1,2,{bad},")
    problems = _problems(comments=comments)
    assert _places(problems) == [("comments.csv", 3, "moderated")]


def test_a_bad_boolean_is_named() -> None:
    comments = (
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
        "group-informed-consensus,comment-body\n"
        "1489010573297,0,0,2,1,1,false,false,,a\n"
        "1489010600000,1,1,1,2,-1,maybe,false,,b\n"
        "1489010700000,2,2,1,1,0,false,false,high,c\n"
    )
    problems = _problems(comments=comments)
    assert _places(problems) == [
        ("comments.csv", 3, "is-meta"),
        ("comments.csv", 4, "group-informed-consensus"),
    ]
    assert problems[0].message == "'maybe' is not true or false."


@pytest.mark.parametrize("content", ["", "\n\n", "\ufeff"])
def test_an_empty_file_is_named(content: str) -> None:
    problems = _problems(votes=content)
    assert _places(problems) == [("votes.csv", None, None)]
    assert problems[0].message == "the file is empty; it needs a header row."


def test_mixed_timestamp_units_are_refused_once_at_the_first_change() -> None:
    votes = VOTES.replace("1489010610000,", "1489010610,").replace(
        "1489010620000,", "1489010620,"
    )
    problems = _problems(votes=votes)
    assert _places(problems) == [("votes.csv", 5, "timestamp")]
    assert problems[0].message == (
        "1489010610 is in seconds but row 2 is in milliseconds; a file must use "
        "one unit."
    )


def test_a_file_that_is_not_utf8_is_named() -> None:
    files = classic_files()
    files["comments.csv"] = COMMENTS.replace("trees", "coed").encode("cp1252") + (
        b"3,x,3,0,0,0,1,Caf\xe9\n"
    )
    with pytest.raises(PolisImportError) as caught:
        read_polis_export(files)
    assert _places(caught.value.problems)[0] == ("comments.csv", None, None)
    assert "line 5" in caught.value.problems[0].message


def test_a_row_longer_than_its_header_is_named() -> None:
    votes = VOTES + "1489010790000,x,1,1,-1,extra\n"
    assert _places(_problems(votes=votes)) == [("votes.csv", 11, None)]


def test_every_problem_in_every_file_is_listed_at_once() -> None:
    problems = _problems(
        comments=COMMENTS.replace(",1,1,2,-1,", ",1,1,2,5,"),
        votes=_vote_row(3, "2"),
        participants_votes=PARTICIPANTS.replace("n-disagree,0,1,2", "n-disagree,0,1,9"),
        summary="topic,x\nviews,many\n",
        stats_history="n-votes,n-comments\n1,1\n",
    )
    assert _places(problems) == [
        ("comments.csv", 3, "moderated"),
        ("votes.csv", 3, "vote"),
        ("participants-votes.csv", 1, "9"),
        ("summary.csv", 2, "views"),
        ("stats-history.csv", 1, "n-visitors"),
        ("stats-history.csv", 1, "n-voters"),
        ("stats-history.csv", 1, "n-commenters"),
    ]


def test_fifty_problems_are_listed_and_the_rest_counted() -> None:
    votes = VOTES + "".join(f"1489010790000,x,0,{10 + i},2\n" for i in range(60))
    with pytest.raises(PolisImportError) as caught:
        read_polis_export(classic_files(votes=votes))
    assert len(caught.value.problems) == 50
    assert caught.value.n_not_shown == 10
    assert str(caught.value).endswith("… and 10 more problems not shown.")
    assert (caught.value.row, caught.value.column) == (11, "vote")


def test_the_error_message_names_file_row_and_column() -> None:
    with pytest.raises(PolisImportError) as caught:
        read_polis_export(classic_files(votes=_vote_row(3, "0.5")))
    assert str(caught.value) == (
        "The Polis export cannot be imported:\n"
        "votes.csv, row 3, column 'vote': '0.5' is not a vote; use 1 (agree), "
        "-1 (disagree) or 0 (pass)."
    )


@settings(max_examples=60, deadline=None)
@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_fuzzed_votes_either_read_or_raise_our_error(content: bytes) -> None:
    files = classic_files(participants_votes=None)
    files["votes.csv"] = b"timestamp,datetime,comment-id,voter-id,vote\n" + content
    problems: tuple[Problem, ...] | None = None
    try:
        read_polis_export(files)
    except PolisImportError as error:
        problems = error.problems
    # Anything other than our error (UnicodeError, csv.Error, …) fails the test;
    # our error names votes.csv, the only file that is wrong.
    if problems is not None:
        assert problems
        assert {p.file for p in problems} == {"votes.csv"}


@pytest.mark.parametrize(
    "name", ["comments", "votes", "participants_votes", "summary", "stats_history"]
)
@settings(max_examples=30, deadline=None)
@given(content=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_fuzzed_file_is_read_or_refused_with_our_error(
    name: str, content: bytes
) -> None:
    files = classic_files()
    files[name.replace("_", "-") + ".csv"] = content
    problems: tuple[Problem, ...] | None = None
    try:
        read_polis_export(files)
    except PolisImportError as error:  # our error; anything else fails the test
        problems = error.problems
    if problems is not None:
        assert problems
        assert all(p.message for p in problems)


def test_a_blank_first_row_is_named() -> None:
    problems = _problems(summary="\ntopic,x\n")
    assert _places(problems) == [("summary.csv", 1, None)]
