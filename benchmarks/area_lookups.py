"""Benchmark: uploading a 100,000-row postcode lookup and a national deprivation file.

Target (issue 5): the postcode upload answers within ~10 s, so it can stay a
synchronous request (otherwise it would need a background task with a status
row). Measures, end to end through the import services: a 100,000-postcode
CSV replacing an existing lookup of the same size, the same file added on top
("add": nothing changes), and a 33,000-row national deprivation file of which
the organisation holds 300 small areas. Also times `areas_for_postcodes` for
10,000 responses. The reference in the same run is parsing the same CSV with
the standard library's csv module alone (the floor any import pays).

Run: `.venv/bin/python benchmarks/area_lookups.py`. Uses a throw-away SQLite
file by default; set COPRODUCE_TEST_DATABASE_URL to a PostgreSQL server to
measure there.
"""

from __future__ import annotations

import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.config.settings.test")
_TMP = tempfile.mkdtemp(prefix="coproduce-bench-")
os.environ.setdefault("COPRODUCE_TEST_DATABASE_URL", f"sqlite:///{_TMP}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

N_POSTCODES = 100_000
N_SMALL_AREAS = 300
N_NATIONAL_ROWS = 33_000
N_RESPONSES = 10_000
REPEATS = 3
TARGET_S = 10.0


def _postcode(n: int) -> str:
    # Mixed radix over district, sector and the two letters: all different.
    letters = n // 10
    return (
        f"CF{10 + letters // 676} {n % 10}"
        f"{chr(65 + letters // 26 % 26)}{chr(65 + letters % 26)}"
    )


def _postcode_csv(codes: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["postcode", "area_code"])
    for n in range(N_POSTCODES):
        writer.writerow([_postcode(n), codes[n % len(codes)]])
    return buffer.getvalue().encode()


def _national_csv(codes: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["LSOA code (2011)", "IMD Decile", "Residents"])
    for n in range(N_NATIONAL_ROWS):
        code = codes[n] if n < len(codes) else f"W01{100_000 + n:06d}"
        writer.writerow([code, n % 10 + 1, 1500])
    return buffer.getvalue().encode()


def _upload(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def _timed(function: object, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from coproduce.apps.accounts.models import User
    from coproduce.apps.organisations.models import (
        Area,
        DeprivationIndex,
        Membership,
        Organisation,
        PostcodeArea,
        Role,
    )
    from coproduce.apps.organisations.selectors import areas_for_postcodes
    from coproduce.apps.organisations.services import (
        deprivation_index_import,
        postcode_lookup_import,
    )

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        organisation = Organisation.objects.create(
            name_en="Bench council", slug="bench", kind="council"
        )
        analyst = User.objects.create_user(
            email="analyst@bench.example", password="x" * 20
        )
        TOTP.activate(analyst, generate_totp_secret())
        Membership.objects.create(
            organisation=organisation, user=analyst, role=Role.ANALYST
        )
        areas = Area.objects.bulk_create(
            Area(
                organisation=organisation,
                name_en=f"Small area {n}",
                name=f"Small area {n}",
                code=f"W01{n:06d}",
                level=Area.Level.SMALL_AREA,
            )
            for n in range(N_SMALL_AREAS)
        )
        codes = [area.code for area in areas]
        content = _postcode_csv(codes)

        parse_s = _timed(
            lambda: sum(1 for _ in csv.reader(io.StringIO(content.decode())))
        )

        def upload(data: bytes, mode: str = "replace") -> None:
            postcode_lookup_import(
                actor=analyst,
                organisation=organisation,
                file=_upload(data, "postcodes.csv"),
                mode=mode,
            )

        def first_upload() -> float:
            PostcodeArea.objects.all().delete()
            start = time.perf_counter()
            upload(content)
            return time.perf_counter() - start

        first_s = statistics.median(first_upload() for _ in range(REPEATS))
        same_s = _timed(lambda: upload(content))
        # A tenth of the postcodes move to another area: next year's file.
        moved = content.replace(b",W01000001", b",W01000002")
        moved_s = _timed(lambda: (upload(moved), upload(content)), repeats=1) / 2
        add_s = _timed(lambda: upload(content, mode="add"))
        assert PostcodeArea.objects.count() == N_POSTCODES

        responses = [_postcode(n * 7 % N_POSTCODES).lower() for n in range(N_RESPONSES)]
        lookup_s = _timed(
            lambda: areas_for_postcodes(organisation=organisation, postcodes=responses)
        )

        national = _national_csv(codes)

        def deprivation() -> None:
            DeprivationIndex.objects.all().delete()
            deprivation_index_import(
                actor=analyst,
                organisation=organisation,
                name="IoD2019",
                nation="wales",
                edition="IoD2019",
                geography="LSOA 2011",
                file=_upload(national, "imd.csv"),
            )

        deprivation_s = _timed(deprivation)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"database: {connection.vendor}")
    print(f"csv.reader alone, {N_POSTCODES:,} rows: {parse_s * 1000:.0f} ms")
    print(
        f"postcode lookup, {N_POSTCODES:,} rows into an empty lookup: "
        f"{first_s:.2f} s (ratio to csv.reader {first_s / parse_s:.0f}×)"
    )
    print(f"the same file again (replace, nothing changes): {same_s:.2f} s")
    print(f"a file with 1 in {N_SMALL_AREAS} postcodes moved: {moved_s:.2f} s")
    print(f"the same file added (add, nothing changes): {add_s:.2f} s")
    print(
        f"areas_for_postcodes, {N_RESPONSES:,} postcodes over {N_POSTCODES:,}: "
        f"{lookup_s * 1000:.0f} ms"
    )
    print(
        f"deprivation index, {N_NATIONAL_ROWS:,}-row national file, "
        f"{N_SMALL_AREAS} areas kept: {deprivation_s:.2f} s"
    )
    met = max(first_s, same_s, moved_s, add_s) <= TARGET_S
    verdict = "met" if met else "NOT met"
    print(f"target ≤ {TARGET_S:.0f} s for the postcode upload: {verdict}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
