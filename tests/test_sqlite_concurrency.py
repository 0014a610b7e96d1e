"""The embedded default never loses a referral: 30 people sending the public form at the same
moment to a server on the default SQLite file are all stored (REF-3).

Before the SQLite options in config/settings/base.py, 28 of 30 such submissions failed with
"database is locked" (HTTP 500). This runs the real thing: ``manage.py migrate`` and
gunicorn in a subprocess with the local settings and a SQLite file of its own, whatever
database the rest of the suite uses (PostgreSQL in CI), and 30 threads that each fetch the
form, wait for the others, and then send it at once.
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.referrals.test_public_referral import answers

PEOPLE = 30
BASE_DIR = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{database}",
            # Everyone here comes from 127.0.0.1: the hourly limit is not what is tested.
            "DJANGO_PUBLIC_REFERRAL_RATE_LIMIT": "1000",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DJANGO_DEBUG": "false",
            "DJANGO_TRUSTED_PROXY_COUNT": "0",
        }
    )
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=BASE_DIR, check=True, timeout=300
    )
    port = _free_port()
    # gunicorn as the Docker image runs it: three processes of four threads, so writers
    # collide across processes as well as threads (runserver's listen queue of five would
    # refuse connections before the database was ever asked).
    server = subprocess.Popen(  # noqa: S603 - gunicorn with fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
        ],
        env=env,
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/refer/", timeout=5)  # noqa: S310 - our own http:// server
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the SQLite server did not start")
                time.sleep(0.3)
        yield url, database
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _opener() -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _send_form(url: str, start: threading.Barrier, results: list, index: int) -> None:
    try:
        opener, jar = _opener()
        opener.open(f"{url}/refer/form/", timeout=60).read()
        token = next(cookie.value for cookie in jar if cookie.name == settings.CSRF_COOKIE_NAME)
        data = answers(submission_token=str(uuid.uuid4()), given_name=f"Person{index}")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        start.wait(timeout=60)
        response = opener.open(f"{url}/refer/form/", data=body, timeout=60)
        response.read()
        results[index] = (response.status, response.url)
    except urllib.error.HTTPError as error:
        results[index] = (error.code, error.url)
    except Exception as error:  # noqa: BLE001 - any failure is a lost referral
        results[index] = (0, repr(error))


def test_thirty_simultaneous_public_referrals_on_sqlite_are_all_stored(sqlite_server):
    url, database = sqlite_server
    start = threading.Barrier(PEOPLE)
    results: list = [None] * PEOPLE
    threads = [threading.Thread(target=_send_form, args=(url, start, results, i)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    failed = [result for result in results if result is None or result[0] != 200 or "/refer/done/" not in result[1]]
    assert not failed, f"{len(failed)} of {PEOPLE} submissions failed: {failed[:5]}"
    with sqlite3.connect(database) as db:
        stored = db.execute("SELECT COUNT(*), COUNT(DISTINCT subject_given_name) FROM referrals_referral").fetchone()
    assert stored == (PEOPLE, PEOPLE)


def test_the_default_sqlite_database_waits_for_the_lock_and_takes_it_at_once():
    # The settings that keep the proof above true, read from the same place local settings
    # take them (whatever database this run itself uses).
    from config.settings import base

    options = base.SQLITE_OPTIONS
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]
    if base.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        assert base.DATABASES["default"]["OPTIONS"] == {**base.DATABASES["default"]["OPTIONS"], **options}
