"""Benchmark: importing a Polis open-data export into the conversations app.

Target (issue 6): a 1,000,000-vote export imports within a few minutes on
SQLite, in the background task. Measures the whole `conversation_import_run`
service (unzip, `read_polis_export` validation, one transaction of bulk inserts)
on a synthetic export of `--votes` vote events (default 100,000), and, as the
reference in the same run, `read_polis_export` alone on the same files (the
floor any import pays before writing).

Run: `.venv/bin/python benchmarks/polis_import.py [--votes 1000000]`. Uses a
throw-away SQLite file by default; set COPRODUCE_TEST_DATABASE_URL to a
PostgreSQL server to measure there.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.config.settings.test")
_TMP = tempfile.mkdtemp(prefix="coproduce-bench-")
os.environ.setdefault("COPRODUCE_TEST_DATABASE_URL", f"sqlite:///{_TMP}/bench.sqlite3")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

T0 = 1_700_000_000_000


def synthetic_export(n_votes: int, random_state: int = 0) -> dict[str, bytes]:
    """comments.csv and votes.csv: 1 in 10 participants writes; some change votes."""
    rng = np.random.default_rng(random_state)
    n_statements = max(10, n_votes // 500)
    n_participants = max(10, n_votes // 50)
    authors = rng.integers(0, n_participants, n_statements)
    comments = ["timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,"]
    comments[0] += "comment-body"
    for tid, author in enumerate(authors.tolist()):
        comments.append(f"{T0 + tid},x,{tid},{author},0,0,1,Statement {tid} ŵ")
    voters = rng.integers(0, n_participants, n_votes - n_statements)
    statements = rng.integers(0, n_statements, n_votes - n_statements)
    values = rng.choice(np.array([-1, 0, 1]), n_votes - n_statements)
    times = T0 + 10_000 + np.arange(n_votes - n_statements)
    votes = ["timestamp,datetime,comment-id,voter-id,vote"]
    votes.extend(
        f"{T0 + tid},x,{tid},{author},1" for tid, author in enumerate(authors.tolist())
    )
    votes.extend(
        f"{t},x,{s},{v},{value}"
        for t, s, v, value in zip(
            times.tolist(),
            statements.tolist(),
            voters.tolist(),
            values.tolist(),
            strict=True,
        )
    )
    return {
        "comments.csv": ("\n".join(comments) + "\n").encode(),
        "votes.csv": ("\n".join(votes) + "\n").encode(),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=100_000)
    n_votes = parser.parse_args().votes

    from django.core.files.base import ContentFile

    from coproduce.analytics.opinion_map.polis_csv import read_polis_export
    from coproduce.apps.conversations.models import ConversationImport, VoteEvent
    from coproduce.apps.conversations.services.polis_import import (
        conversation_import_run,
    )
    from coproduce.apps.organisations.models import Organisation

    files = synthetic_export(n_votes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)

    started = time.perf_counter()
    read_polis_export(files)
    read_s = time.perf_counter() - started

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        organisation = Organisation.objects.create(
            name_en="Bench council", slug="bench", kind="council"
        )
        conversation_import = ConversationImport(
            organisation=organisation, licence="CC BY 4.0", original_filename="x"
        )
        conversation_import.file.save(
            "bench.zip", ContentFile(buffer.getvalue()), save=True
        )
        started = time.perf_counter()
        done = conversation_import_run(conversation_import_id=conversation_import.pk)
        import_s = time.perf_counter() - started
        assert done.status == ConversationImport.Status.SUCCEEDED, done.problems
        assert VoteEvent.objects.count() == n_votes
        print(
            f"{n_votes:,} vote events ({done.n_votes:,} latest votes, "
            f"{done.n_participants:,} participants, {done.n_statements:,} "
            f"statements), {connection.vendor}"
        )
        print(f"  whole import (conversation_import_run): {import_s:.1f} s")
        print(f"  reference, read_polis_export alone:     {read_s:.1f} s")
        print(f"  ratio: {import_s / read_s:.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
