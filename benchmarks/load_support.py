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
