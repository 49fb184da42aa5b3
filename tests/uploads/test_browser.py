"""The upload page sends a large file in chunks from a real browser, resuming an earlier try.

Drives Debian's chromium through Playwright, like tests/browser. The chunk threshold and size
are lowered so that a small predictions file goes the chunked way.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.urls import reverse

from aileague.submissions.models import Submission
from aileague.uploads.models import UploadSession
from aileague.uploads.services import start_upload, store_chunk
from tests.browser_support import log_in
from tests.factories import captain_of, submit
from tests.uploads.helpers import big_entry, sha

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ORM calls between Playwright's steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHUNK = 4096


def test_the_page_uploads_a_large_file_in_chunks_and_skips_what_the_server_has(
    browser, live_server, tmp_path, settings
):
    settings.AILEAGUE_CHUNKED_UPLOAD_THRESHOLD_BYTES = 1000
    settings.AILEAGUE_UPLOAD_CHUNK_BYTES = CHUNK
    entry, stage, data = big_entry(rows=1000)
    captain = captain_of(entry.team)
    # An earlier try sent the first chunk, then the browser was closed.
    earlier, _ = start_upload(
        entry=entry,
        stage=stage,
        actor=captain,
        filename="predictions.csv",
        size=len(data),
        sha256=sha(data),
    )
    first = data[:CHUNK]
    store_chunk(session=earlier, index=0, body=io.BytesIO(first), length=CHUNK, sha256=sha(first))
    path = tmp_path / "predictions.csv"
    path.write_bytes(data)

    page = browser.new_page()
    log_in(page, live_server.url, captain.email)
    page.goto(
        live_server.url + reverse("submissions:upload", args=[stage.scenario.slug, stage.slug])
    )
    chunks_sent = []
    page.on(
        "request",
        lambda request: (
            chunks_sent.append(request.url.rsplit("/", 1)[1]) if request.method == "PUT" else None
        ),
    )
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=description]", "sent in chunks")
    page.click("#upload-form button[type=submit]")
    page.locator("ol.submissions > li[data-state]").first.wait_for(timeout=60_000)

    count = -(-len(data) // CHUNK)
    assert chunks_sent == [str(index) for index in range(1, count)]
    submission = Submission.objects.get()
    # Accepted (a worker running for other tests may already have scored it).
    assert submission.state in ("queued", "scoring", "scored")
    assert submission.description == "sent in chunks"
    assert Path(submission.file.path).read_bytes() == data
    assert UploadSession.objects.get().state == "complete"
    assert page.locator(".upload-error").is_hidden()
    page.close()


def test_the_page_shows_why_the_server_refused_a_chunked_upload(
    browser, live_server, tmp_path, settings
):
    settings.AILEAGUE_CHUNKED_UPLOAD_THRESHOLD_BYTES = 1000
    settings.AILEAGUE_UPLOAD_CHUNK_BYTES = CHUNK
    entry, stage, data = big_entry(rows=1000, total_quota=1)
    captain = captain_of(entry.team)
    submit(entry, stage, data.decode())  # the stage's only submission (scored or not, it counts)
    path = tmp_path / "predictions.csv"
    path.write_bytes(data)

    page = browser.new_page()
    log_in(page, live_server.url, captain.email)
    page.goto(
        live_server.url + reverse("submissions:upload", args=[stage.scenario.slug, stage.slug])
    )
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-form button[type=submit]")
    error = page.locator(".upload-error")
    error.wait_for(timeout=30_000)

    assert error.inner_text() == "Your team has used all 1 submissions of this stage."
    assert UploadSession.objects.count() == 0
    assert Submission.objects.count() == 1
    page.close()
