"""One deadline, checked by the server on every path: web form, JSON API and CLI.

The clock is the real one (``django.utils.timezone.now`` on the server). Each test moves the
stage's close relative to that clock just before the request reaches the server: one second
ahead, the file is accepted; one second behind, it is refused with ``stage_closed``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from aileague.accounts.services import create_api_token
from aileague.competitions.models import Stage
from aileague.submissions.models import Submission, SubmissionState
from tests.factories import GOOD_PREDICTIONS, captain_of, make_entry
from tests.services import celery_broker, session_workers_paused

ONE_SECOND = timedelta(seconds=1)
CLOSED_MESSAGE = "This stage closed; no more submissions are accepted."
#: Where the close is put, relative to the server's clock, just before the request.
CASES = {"one second before the close": ONE_SECOND, "one second after": -ONE_SECOND}


@pytest.fixture(autouse=True)
def no_worker():
    """Accepted files are only queued: no worker reads this in-process broker."""
    with celery_broker("memory://localhost/"):
        yield


@pytest.fixture
def paused_workers(transactional_db):
    """The workers other tests started are paused while a committed submission waits (a
    woken worker claims whatever is queued); set up after the database, so they go on
    before its flush."""
    with session_workers_paused():
        yield


def close_in(stage: Stage, delta: timedelta) -> None:
    Stage.objects.filter(pk=stage.pk).update(closes_at=timezone.now() + delta)
    stage.refresh_from_db()


def assert_accepted_in_the_last_second(stage: Stage) -> None:
    """The one submission was accepted, by the server's clock, within a second of the close."""
    submission = Submission.objects.get(stage=stage)
    assert submission.state == SubmissionState.QUEUED
    assert timedelta(0) < stage.closes_at - submission.created_at <= ONE_SECOND


@pytest.mark.django_db
@pytest.mark.parametrize("delta", CASES.values(), ids=CASES.keys())
def test_web_form_checks_the_deadline(client, delta):
    entry, stage = make_entry()
    client.force_login(captain_of(entry.team))
    url = reverse("submissions:upload", args=[stage.scenario.slug, stage.slug])
    upload = SimpleUploadedFile("p.csv", GOOD_PREDICTIONS.encode())

    close_in(stage, delta)
    response = client.post(url, {"file": upload, "description": ""})

    if delta > timedelta(0):
        assert (response.status_code, response.url) == (302, url)
        assert_accepted_in_the_last_second(stage)
    else:
        assert response.status_code == 200
        assert response.context["form"].errors == {"file": [CLOSED_MESSAGE]}
        assert Submission.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("delta", CASES.values(), ids=CASES.keys())
def test_json_api_checks_the_deadline(client, delta):
    entry, stage = make_entry()
    _, token = create_api_token(user=captain_of(entry.team), name="deadline")
    url = f"/api/v1/scenarios/{stage.scenario.slug}/submissions"
    upload = SimpleUploadedFile("p.csv", GOOD_PREDICTIONS.encode())

    close_in(stage, delta)
    response = client.post(
        url, {"file": upload, "stage": stage.slug}, headers={"authorization": f"Bearer {token}"}
    )

    if delta > timedelta(0):
        assert (response.status_code, response.json()["state"]) == (201, "queued")
        assert_accepted_in_the_last_second(stage)
    else:
        assert response.status_code == 409
        assert response.json() == {"code": "stage_closed", "message": CLOSED_MESSAGE}
        assert Submission.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("delta", CASES.values(), ids=CASES.keys())
def test_cli_checks_the_deadline(live_server, tmp_path, delta, paused_workers):
    entry, stage = make_entry()
    _, token = create_api_token(user=captain_of(entry.team), name="deadline")
    predictions = tmp_path / "predictions.csv"
    predictions.write_text(GOOD_PREDICTIONS)

    # The CLI takes a while to start; the close is set when its request arrives, not before.
    with gate(live_server, on_connect=lambda: close_in(stage, delta)) as url:
        result = run_cli(
            ["submit", "-c", stage.scenario.slug, "--stage", stage.slug, "--no-wait", predictions],
            url=url,
            token=token,
            config=tmp_path / "credentials.json",
        )

    stage.refresh_from_db()
    if delta > timedelta(0):
        assert result.returncode == 0, result.stdout + result.stderr
        submission = Submission.objects.get(stage=stage)
        assert result.stdout == f"submission {submission.pk}: queued\n"
        assert_accepted_in_the_last_second(stage)
    else:
        assert result.returncode == 2, result.stdout + result.stderr
        # Above it, on stderr too: the upload's progress bar.
        assert result.stderr.splitlines()[-1] == f"error (stage_closed): {CLOSED_MESSAGE}"
        assert Submission.objects.count() == 0


def run_cli(args, *, url, token, config):
    env = {
        **os.environ,
        "AILEAGUE_URL": url,
        "AILEAGUE_TOKEN": token,
        "AILEAGUE_CONFIG": str(config),
        "COLUMNS": "200",
        "TERM": "dumb",
    }
    return subprocess.run(
        [sys.executable, "-m", "aileague", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@contextmanager
def gate(live_server, *, on_connect: Callable[[], None]) -> Iterator[str]:
    """A TCP relay in front of the live server that runs ``on_connect`` when a connection's
    first bytes arrive, before forwarding them: the moment the request reaches the server."""
    upstream = urlsplit(live_server.url)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def relay(client: socket.socket) -> None:
        with client, socket.create_connection((upstream.hostname, upstream.port)) as server:
            first = client.recv(1 << 16)
            try:
                on_connect()
            finally:
                connection.close()  # this thread's own database connection
            server.sendall(first)
            back = threading.Thread(target=pump, args=(server, client), daemon=True)
            back.start()
            pump(client, server)
            back.join(timeout=60)

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            client.settimeout(None)
            threading.Thread(target=relay, args=(client,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        acceptor.join()
        listener.close()


def pump(source: socket.socket, target: socket.socket) -> None:
    with suppress(OSError):  # the other side may reset the connection once it is done
        while data := source.recv(1 << 16):
            target.sendall(data)
        target.shutdown(socket.SHUT_WR)
