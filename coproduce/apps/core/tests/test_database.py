"""Each run of the suite uses the database it was meant to.

The Makefile's `pytest` target (SQLite) sets COPRODUCE_EXPECT_DB_VENDOR=sqlite and
`pytest-postgres` sets it to postgresql. A PostgreSQL run that quietly fell back
to SQLite would pass while proving nothing, so CI would not notice.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection

_POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://")


def _expected_vendor() -> str:
    expected = os.environ.get("COPRODUCE_EXPECT_DB_VENDOR")
    if expected:
        return expected
    # Run outside make: test settings choose PostgreSQL when given its URL.
    url = os.environ.get("COPRODUCE_TEST_DATABASE_URL", "")
    return "postgresql" if url.startswith(_POSTGRES_SCHEMES) else "sqlite"


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_meant_to() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)

    assert connection.vendor == _expected_vendor()


@pytest.mark.django_db
def test_postgresql_runs_use_a_supported_server() -> None:
    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"  # the only other database we support
        return
    assert connection.pg_version >= 150000  # type: ignore[attr-defined]  # PostgreSQL 15+
