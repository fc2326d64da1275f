"""Benchmark: the survey results page at 1,000 and 10,000 submissions × 20 questions.

Targets (issue 4): server time ≤ 300 ms at 10,000 submissions, and a query
count that does not grow with submissions. Prints both, for each size, and the
ratio to a bare Django view measured in the same run (the floor any page pays
for middleware, session and authentication).

The unfiltered summary is kept in the cache until the responses change, so
each size is measured twice: "first view" (the cache emptied before every
request: the first officer to look after a new response) and "again" (the
summary read back from the production database cache). The target is judged
on the first view.

Run: `make bench` (or `.venv/bin/python benchmarks/results_page.py`). Uses a
throw-away SQLite file by default; set COPRODUCE_TEST_DATABASE_URL to a
PostgreSQL server to measure there (CI's figures come from PostgreSQL).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.config.settings.test")
_TMP = tempfile.mkdtemp(prefix="coproduce-bench-")
os.environ.setdefault("COPRODUCE_TEST_DATABASE_URL", f"sqlite:///{_TMP}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)
from django.urls import reverse  # noqa: E402

SIZES = (1_000, 10_000)
N_QUESTIONS = 20
REPEATS = 7
TARGET_MS = 300.0


def _build_survey(seed: int) -> tuple[object, object, object]:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from coproduce.apps.accounts.models import User
    from coproduce.apps.engagements.models import Engagement
    from coproduce.apps.organisations.models import Membership, Organisation, Role
    from coproduce.apps.surveys.definition import definition_build
    from coproduce.apps.surveys.models import (
        Choice,
        Question,
        QuestionKind,
        Survey,
        SurveyVersion,
    )

    organisation = Organisation.objects.create(
        name_en=f"Bench council {seed}", slug=f"bench-{seed}", kind="council"
    )
    analyst = User.objects.create_user(
        email=f"analyst{seed}@bench.example", password="x" * 20
    )
    TOTP.activate(analyst, generate_totp_secret())
    Membership.objects.create(
        organisation=organisation, user=analyst, role=Role.ANALYST
    )
    engagement = Engagement.objects.create(
        organisation=organisation,
        slug="libraries",
        title_en="Libraries",
        summary_en="Summary",
        purpose_en="Purpose",
        level="consult",
        owning_team="Libraries",
        contact_email="libraries@bench.example",
        status=Engagement.Status.OPEN,
    )
    survey = Survey.objects.create(
        organisation=organisation,
        engagement=engagement,
        slug="survey",
        title_en="Library survey",
    )
    kinds = [
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.SCALE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.SHORT_TEXT,
        QuestionKind.NUMBER,
        QuestionKind.MATRIX,
        QuestionKind.RANKING,
        QuestionKind.LONG_TEXT,
        QuestionKind.DATE,
        QuestionKind.POSTCODE,
    ]
    for index in range(N_QUESTIONS):
        kind = kinds[index % len(kinds)]
        question = Question.objects.create(
            survey=survey,
            key=f"q{index + 1}",
            page=1 + index // 5,
            position=index,
            kind=kind,
            text_en=f"Question {index + 1}",
            settings={"min": 0, "max": 100} if kind == QuestionKind.NUMBER else {},
        )
        values = (
            ["1", "2", "3", "4", "5"]
            if kind == QuestionKind.SCALE
            else ["a", "b", "c", "d"]
        )
        for position, value in enumerate(values):
            Choice.objects.create(
                question=question,
                value=value,
                label_en=value.upper(),
                position=position,
            )
        if kind == QuestionKind.MATRIX:
            for position, value in enumerate(["row1", "row2", "row3"]):
                Choice.objects.create(
                    question=question,
                    kind=Choice.Kind.ROW,
                    value=value,
                    label_en=value,
                    position=position,
                )
    version = SurveyVersion.objects.create(
        survey=survey,
        number=1,
        definition=definition_build(survey=survey),
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    survey.current_version = version
    survey.save(update_fields=["current_version"])
    return organisation, survey, analyst


def _time_get(
    client: Client, url: str, *, is_cold: bool = False
) -> tuple[float, int, float]:
    """Median server time in ms over REPEATS (after one warm-up), the query count,
    and the median time spent in the database (ms). `is_cold` empties the cache
    before every request."""
    assert client.get(url).status_code == 200
    times = []
    db_times = []
    n_queries = 0
    for _ in range(REPEATS):
        if is_cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        n_queries = len(queries)
        db_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    return statistics.median(times), n_queries, statistics.median(db_times)


def main() -> int:
    from coproduce.demo.responses import synthetic_responses_create

    setup_test_environment()
    # Production keeps the cache in the database (settings/base.py); the test
    # settings' in-memory cache would flatter the "again" figure.
    override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "coproduce_cache",
            }
        }
    ).enable()
    old_name = connection.creation.create_test_db(verbosity=0)
    print(f"Database: {connection.vendor}")
    rows = []
    try:
        for seed, size in enumerate(SIZES):
            organisation, survey, analyst = _build_survey(seed)
            start = time.perf_counter()
            counts = synthetic_responses_create(
                version=survey.current_version,  # type: ignore[attr-defined]
                n_submissions=size,
                seed=seed,
                submitted_from=datetime(2026, 1, 1, tzinfo=UTC),
            )
            build_s = time.perf_counter() - start
            # A live database has statistics for its planner (PostgreSQL's
            # autovacuum analyses after large inserts); a freshly bulk-loaded
            # one does not, so gather them as autovacuum would.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            client = Client()
            client.force_login(analyst)
            url = reverse(
                "survey_results:results",
                kwargs={
                    "org_slug": organisation.slug,  # type: ignore[attr-defined]
                    "engagement_slug": survey.engagement.slug,  # type: ignore[attr-defined]
                    "survey_slug": survey.slug,  # type: ignore[attr-defined]
                },
            )
            results_ms, results_queries, results_db_ms = _time_get(
                client, url, is_cold=True
            )
            again_ms, again_queries, again_db_ms = _time_get(client, url)
            bare_ms, _, _ = _time_get(client, reverse("core:accessibility"))
            rows.append((size, counts.n_answers, results_ms, results_queries, bare_ms))
            print(
                f"{size:>6} submissions, {counts.n_answers:>7} answers "
                f"(generated in {build_s:.1f} s); bare page {bare_ms:.1f} ms\n"
                f"    first view {results_ms:7.1f} ms, {results_queries} queries "
                f"({results_db_ms:.0f} ms in the database), "
                f"ratio to bare {results_ms / bare_ms:.1f}×\n"
                f"    again      {again_ms:7.1f} ms, {again_queries} queries "
                f"({again_db_ms:.0f} ms in the database), "
                f"ratio to bare {again_ms / bare_ms:.1f}×"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    largest = rows[-1]
    grows = len({row[3] for row in rows}) > 1
    print()
    print(
        f"Target ≤ {TARGET_MS:.0f} ms at {largest[0]} submissions: "
        f"{'MET' if largest[2] <= TARGET_MS else 'NOT MET'} ({largest[2]:.1f} ms)"
    )
    print(
        "Query count grows with submissions: "
        f"{'YES (not met)' if grows else 'NO (met)'} "
        f"({', '.join(str(row[3]) for row in rows)})"
    )
    return 0 if largest[2] <= TARGET_MS and not grows else 1


if __name__ == "__main__":
    sys.exit(main())
