"""Production settings: clean `check --deploy`, and no start without the secrets.

Each test runs manage.py in a fresh process, because settings are read once per
process and the test run itself uses the test settings.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[4]
PROD_SETTINGS = "coproduce.config.settings.prod"


def _production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """The documented required variables, and nothing else from our own settings."""
    env = {
        name: value
        for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        if (value := os.environ.get(name)) is not None
    }
    env.update(
        DJANGO_SETTINGS_MODULE=PROD_SETTINGS,
        SECRET_KEY=secrets.token_urlsafe(50),  # 67 random characters
        ALLOWED_HOSTS="engage.example.gov.uk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        COPRODUCE_VAR_DIR=str(tmp_path / "var"),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [sys.executable, str(REPO_DIR / "manage.py"), *args],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


DEPLOY_CHECK = ("check", "--deploy", "--fail-level", "WARNING")


def test_production_settings_pass_the_deployment_checklist_without_warnings(
    tmp_path: Path,
) -> None:
    result = _manage(_production_env(tmp_path), *DEPLOY_CHECK)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_the_deployment_checklist_does_flag_a_weak_secret_key(tmp_path: Path) -> None:
    # Proves the clean run above really ran Django's deployment checks.
    result = _manage(_production_env(tmp_path, SECRET_KEY="too-short"), *DEPLOY_CHECK)

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_required_variable(
    tmp_path: Path, variable: str
) -> None:
    result = _manage(_production_env(tmp_path, **{variable: None}), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_production_refuses_an_empty_secret_key(tmp_path: Path) -> None:
    result = _manage(_production_env(tmp_path, SECRET_KEY=" "), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_collects_static_files(tmp_path: Path) -> None:
    # The manifest storage rewrites references between files and fails on a missing
    # one (a source map, a font): this is what `docker build` runs.
    result = _manage(_production_env(tmp_path), "collectstatic", "--noinput")

    assert result.returncode == 0, result.stdout + result.stderr
    manifest = tmp_path / "var" / "staticfiles" / "staticfiles.json"
    assert manifest.is_file()
    assert '"coproduce/coproduce.css"' in manifest.read_text()
