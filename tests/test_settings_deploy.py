"""Production settings pass Django's deployment checks and refuse to start without secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env_overrides: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    # The end-to-end tests allow synchronous ORM calls beside Playwright's event loop; a
    # deployment never does (check --deploy says so), and that is not what is tested here.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for name, value in env_overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _env_file_sets(name: str) -> bool:
    env_file = BASE_DIR / ".env"
    return env_file.exists() and any(line.strip().startswith(f"{name}=") for line in env_file.read_text().splitlines())


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="ers.example.org",
        DJANGO_SECURE_SSL_REDIRECT=None,
        DJANGO_SECURE_HSTS_SECONDS=None,
        DJANGO_DEBUG=None,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    if _env_file_sets("DJANGO_SECRET_KEY"):
        pytest.skip("a local .env file sets DJANGO_SECRET_KEY, so it cannot be missing here")

    result = _manage("check", DJANGO_SECRET_KEY=None, DJANGO_ALLOWED_HOSTS="ers.example.org")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_refuse_a_short_secret_key():
    result = _manage("check", DJANGO_SECRET_KEY="too-short", DJANGO_ALLOWED_HOSTS="ers.example.org")

    assert result.returncode != 0
    assert "at least 50" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    if _env_file_sets("DJANGO_ALLOWED_HOSTS"):
        pytest.skip("a local .env file sets DJANGO_ALLOWED_HOSTS, so it cannot be missing here")

    result = _manage("check", DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS=None)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
