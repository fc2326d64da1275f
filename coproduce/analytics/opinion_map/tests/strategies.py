"""Hypothesis strategies for small vote tables (None = not seen)."""

from __future__ import annotations

from hypothesis import strategies as st

from coproduce.analytics.opinion_map import Vote, VoteLog

Table = list[list[int | None]]

cells = st.sampled_from([None, -1, 0, 1])


@st.composite
def vote_tables(draw: st.DrawFn, max_rows: int = 10, max_cols: int = 7) -> Table:
    """A table whose every row and column has at least one vote."""
    n = draw(st.integers(2, max_rows))
    m = draw(st.integers(2, max_cols))
    table: Table = [[draw(cells) for _ in range(m)] for _ in range(n)]
    for i, row in enumerate(table):
        if all(v is None for v in row):
            row[i % m] = draw(st.sampled_from([-1, 0, 1]))
    for j in range(m):
        if all(row[j] is None for row in table):
            table[j % n][j] = draw(st.sampled_from([-1, 0, 1]))
    return table


def log_from_table(table: Table) -> VoteLog:
    """Row i votes at time i, left to right: rows and columns keep table order
    when row 0 votes everywhere; otherwise columns follow first votes."""
    return VoteLog.from_votes(
        Vote(i, j, value, float(i))
        for i, row in enumerate(table)
        for j, value in enumerate(row)
        if value is not None
    )
