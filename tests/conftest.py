"""Shared fixtures. The database is real (SQLite by default, PostgreSQL when DATABASE_URL says
so); files live under AILEAGUE_VAR_DIR, which `make test` points at var/test. Tests that need
scoring to happen out of process use ``celery_worker_process``: a real Celery worker on the
configured broker (filesystem by default, Redis in CI) and the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import settings as hypothesis_settings


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """A request in Chinese leaves its language active in the test's thread; start each test
    in English so messages asserted outside requests do not depend on test order."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL that points another process at the database this test run uses."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    if engine.endswith("postgresql"):
        user = quote(settings_dict.get("USER") or "")
        password = settings_dict.get("PASSWORD") or ""
        auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"
    raise RuntimeError(f"no DATABASE_URL form for {engine}")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """Start one real Celery worker for the session, pointed at the test database."""
    from django.conf import settings
    from django.db import connection

    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    log_path = Path(settings.VAR_DIR) / "test-worker.log"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "aileague.celery",
        "worker",
        "--purge",
        "--concurrency",
        "2",
        "--loglevel",
        "INFO",
        "-Q",
        "aileague",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--hostname",
        f"test-{os.getpid()}@%h",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    _wait_until_ready(process, log_path)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_until_ready(process: subprocess.Popen, log_path: Path, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited early:\n{log_path.read_text()[-3000:]}")
        if b" ready." in log_path.read_bytes():
            return
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(
        f"the Celery worker did not start in {timeout_s} s:\n{log_path.read_text()[-3000:]}"
    )


def wait_for(predicate, *, timeout_s: float = 60, interval_s: float = 0.2):
    """Poll until ``predicate()`` is truthy; return its value or fail with a clear message."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"condition not met within {timeout_s} s")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (estimates and pages kept for a few seconds)."""
    from django.core.cache import cache

    cache.clear()


# CI runs property tests on fixed examples (derandomised), so a run is reproducible; local runs
# keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, shared by a module's tests (skipped when not installed)."""
    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
