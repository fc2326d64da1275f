"""A tiny hand-written Polis export (classic layout) for the CSV tests.

Three participants, three comments, each author agreeing with their own comment
(Polis's automatic agree). Rows of votes.csv are sorted by comment then voter,
not by time, as Polis writes them. Voter 1 first disagrees with comment 0 (row
3) and then agrees (row 4): the later vote wins. Counted by hand:

- comment 0: agrees 2 (rows 2, 4), disagrees 1 (row 3, superseded);
- comment 1 (rejected): agrees 1 (row 6), disagrees 2 (rows 5, 7);
- comment 2 (unmoderated): agrees 1 (row 10), disagrees 1 (row 9), a pass (row 8).

Latest votes (voter, comment) → vote:
(0, 0) 1, (1, 0) 1, (0, 1) −1, (1, 1) 1, (2, 1) −1, (0, 2) 0, (1, 2) −1, (2, 2) 1.
"""

from __future__ import annotations

COMMENTS = """\
timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
1489010573297,Wed Mar 08 2017 22:02:53 GMT+0000 (UTC),0,0,2,1,1,"More trees, please"
1489010600000,Wed Mar 08 2017 22:03:20 GMT+0000 (UTC),1,1,1,2,-1,Something rude
1489010700000,Wed Mar 08 2017 22:05:00 GMT+0000 (UTC),2,2,1,1,0,"A ""quoted"" idea"
"""

VOTES = """\
timestamp,datetime,comment-id,voter-id,vote
1489010573297,Wed Mar 08 2017,0,0,1
1489010580000,Wed Mar 08 2017,0,1,-1
1489010590000,Wed Mar 08 2017,0,1,1
1489010610000,Wed Mar 08 2017,1,0,-1
1489010600000,Wed Mar 08 2017,1,1,1
1489010620000,Wed Mar 08 2017,1,2,-1
1489010710000,Wed Mar 08 2017,2,0,0
1489010720000,Wed Mar 08 2017,2,1,-1
1489010700000,Wed Mar 08 2017,2,2,1
"""

PARTICIPANTS = """\
participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2
0,0,1,3,1,1,1,-1,0
1,1,1,3,2,1,1,1,-1
2,,1,2,1,1,,-1,1
"""

SUMMARY = """\
topic,Parks in Cwm Afon
url,https://pol.is/3abc
views,10
voters,3
voters-in-conv,3
commenters,3
comments,3
groups,2
conversation-description,"What should the parks, and paths, look like?"
"""

STATS = """\
n-votes,n-comments,n-visitors,n-voters,n-commenters
1,1,1,1,1
2,1,2,2,1
"""

LATEST = {
    (0, 0): 1,
    (1, 0): 1,
    (0, 1): -1,
    (1, 1): 1,
    (2, 1): -1,
    (0, 2): 0,
    (1, 2): -1,
    (2, 2): 1,
}


def classic_files(**replace: str | None) -> dict[str, bytes]:
    """The five files as bytes; `votes="..."` replaces one, `votes=None` drops it.

    Keyword names use underscores: `participants_votes` for participants-votes.csv
    and `stats_history` for stats-history.csv.
    """
    texts: dict[str, str | None] = {
        "comments.csv": COMMENTS,
        "votes.csv": VOTES,
        "participants-votes.csv": PARTICIPANTS,
        "summary.csv": SUMMARY,
        "stats-history.csv": STATS,
    }
    for key, text in replace.items():
        texts[key.replace("_", "-") + ".csv"] = text
    return {name: text.encode() for name, text in texts.items() if text is not None}


def negated(votes_csv: str) -> str:
    """votes.csv with every vote negated (Polis database polarity)."""
    lines = votes_csv.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        *rest, vote = line.split(",")
        out.append(",".join([*rest, str(-int(vote))]))
    return "\n".join(out) + "\n"
