"""Plumbing shared by the load benchmarks (`submit_load.py`, `vote_load.py`).

Each load run re-runs its own script in child processes for the Django steps
(recreate the database, prepare data, count what was stored), so the parent that
drives locust never imports Django. These helpers build the children's
environment, run them, reset the database and wait for gunicorn.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def django_env(
    database_url: str, *, host: str, var_dir: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Environment for the benchmark's Django children and gunicorn.

    `var_dir` holds collected static files and their manifest: each benchmark
    has its own, so one run never changes another's mid-run.
    """
    return {
        **os.environ,
        **(extra or {}),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'benchmarks'}",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "COPRODUCE_SITE_URL": host,
        "COPRODUCE_VAR_DIR": var_dir,
    }


def recreate_database(database_url: str) -> None:
    """Drop and create the benchmark database (a SQLite file is deleted)."""
    if database_url.startswith("sqlite"):
        path = Path(urlsplit(database_url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = database_url.rsplit("/", 1)[1].split("?")[0]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def run_child(script: str, step: str, env: dict[str, str]) -> dict[str, object]:
    """Run `script --step` and return the JSON object on its last output line."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [PYTHON, script, f"--{step}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise RuntimeError(f"step {step} failed")
    last_line = result.stdout.strip().splitlines()[-1]
    return dict(json.loads(last_line))


def wait_for_port(port: int, timeout_s: float = 30) -> None:
    """Wait until something listens on 127.0.0.1:`port` (gunicorn has started)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start on port {port}")


def open_engagement_for_load(
    *, slug: str, title: str, purpose: str, team: str, email: str
) -> tuple[Any, Any]:
    """In a child step: set up Django and the database, then create the load-test
    council and one open engagement; returns (organisation, engagement)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    # Production serves hashed static files from a manifest (WhiteNoise).
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.utils import timezone

    from coproduce.apps.engagements.models import Engagement
    from coproduce.apps.organisations.models import Organisation

    organisation = Organisation.objects.create(
        name_en="Load test council", slug="load-test", kind="council"
    )
    engagement = Engagement.objects.create(
        organisation=organisation,
        slug=slug,
        title_en=title,
        summary_en=title,
        purpose_en=purpose,
        level="consult",
        owning_team=team,
        contact_email=email,
        status=Engagement.Status.OPEN,
        opens_at=timezone.now(),
        published_at=timezone.now(),
    )
    return organisation, engagement
