"""The chunked-upload protocol through the JSON API: announce, send chunks, resume, complete."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from aileague.common import storage
from aileague.submissions.models import Submission
from aileague.uploads.models import UploadChunk, UploadSession
from aileague.uploads.services import MAX_OPEN_UPLOADS, expire_upload_sessions
from aileague.uploads.tasks import task_expire_upload_sessions
from tests.factories import captain_of, make_user, submit
from tests.uploads.helpers import (
    bearer,
    big_entry,
    chunks_of,
    complete,
    put_chunk,
    sha,
    start,
)

pytestmark = pytest.mark.django_db

CHUNK = 1024


@pytest.fixture(autouse=True)
def _small_chunks(settings):
    settings.AILEAGUE_UPLOAD_CHUNK_BYTES = CHUNK


def upload_all(client, headers, upload_id, data):
    for index, chunk in enumerate(chunks_of(data, CHUNK)):
        response = put_chunk(client, headers, upload_id, index, chunk)
        assert response.status_code == 200, response.json()
    return response


def part_path(upload_id) -> Path:
    return Path(storage.local_path(f"uploads/{upload_id}.part"))


@pytest.fixture
def team():
    entry, stage, data = big_entry()
    return entry, stage, data, bearer(captain_of(entry.team))


def test_a_file_sent_in_chunks_becomes_a_queued_submission_with_the_same_bytes(client, team):
    entry, stage, data, headers = team
    created = start(client, headers, stage, data, description="boosted trees")
    assert created.status_code == 201
    body = created.json()
    count = -(-len(data) // CHUNK)
    assert (body["chunk_size"], body["chunk_count"], body["received_chunks"]) == (CHUNK, count, [])
    last = upload_all(client, headers, body["id"], data).json()
    assert (last["received_chunks"], last["received_bytes"]) == (list(range(count)), len(data))

    response = complete(client, headers, body["id"])

    assert response.status_code == 201
    result = response.json()
    assert (result["state"], result["sha256"], result["size"]) == ("queued", sha(data), len(data))
    assert result["description"] == "boosted trees"
    submission = Submission.objects.get()
    assert Path(submission.file.path).read_bytes() == data
    assert submission.original_name == "predictions.csv"
    session = UploadSession.objects.get()
    assert (session.state, session.submission_id) == ("complete", submission.pk)
    assert not part_path(session.pk).exists()


def test_completing_twice_returns_the_same_submission(client, team):
    _, stage, data, headers = team
    upload_id = start(client, headers, stage, data).json()["id"]
    upload_all(client, headers, upload_id, data)
    first = complete(client, headers, upload_id).json()
    again = complete(client, headers, upload_id)
    assert (again.status_code, again.json()["id"]) == (201, first["id"])
    assert Submission.objects.count() == 1


def test_announcing_the_same_file_again_resumes_the_open_upload(client, team):
    _, stage, data, headers = team
    upload_id = start(client, headers, stage, data).json()["id"]
    chunks = chunks_of(data, CHUNK)
    put_chunk(client, headers, upload_id, 0, chunks[0])
    put_chunk(client, headers, upload_id, 2, chunks[2])

    resumed = start(client, headers, stage, data)

    assert resumed.status_code == 200
    body = resumed.json()
    assert (body["id"], body["received_chunks"]) == (upload_id, [0, 2])
    assert body["received_bytes"] == 2 * CHUNK
    assert client.get(f"/api/v1/uploads/{upload_id}", headers=headers).json() == body


def test_a_repeated_chunk_is_accepted_once_and_other_content_for_it_is_refused(client, team):
    _, stage, data, headers = team
    upload_id = start(client, headers, stage, data).json()["id"]
    chunk = data[:CHUNK]
    assert put_chunk(client, headers, upload_id, 0, chunk).status_code == 200
    assert put_chunk(client, headers, upload_id, 0, chunk).status_code == 200
    assert UploadChunk.objects.count() == 1

    other = put_chunk(client, headers, upload_id, 0, b"x" * CHUNK)

    assert (other.status_code, other.json()["code"]) == (409, "chunk_conflict")
    assert part_path(upload_id).read_bytes()[:CHUNK] == chunk


def test_a_chunk_that_does_not_match_its_checksum_is_refused_and_not_recorded(client, team):
    _, stage, data, headers = team
    upload_id = start(client, headers, stage, data).json()["id"]
    chunk = data[CHUNK : 2 * CHUNK]

    response = put_chunk(client, headers, upload_id, 1, chunk, digest=sha(b"something else"))

    assert (response.status_code, response.json()["code"]) == (422, "chunk_checksum_mismatch")
    assert UploadChunk.objects.count() == 0
    assert part_path(upload_id).read_bytes()[CHUNK : 2 * CHUNK] == bytes(CHUNK)
    assert put_chunk(client, headers, upload_id, 1, chunk).json()["received_chunks"] == [1]


@pytest.mark.parametrize(
    ("index", "size", "digest", "code"),
    [
        (99, CHUNK, None, "chunk_out_of_range"),
        (0, CHUNK - 1, None, "wrong_chunk_size"),
        (0, CHUNK + 1, None, "wrong_chunk_size"),
        (0, CHUNK, "not-a-checksum", "invalid_chunk_checksum"),
    ],
)
def test_misplaced_or_malformed_chunks_are_refused_with_a_clear_code(
    client, team, index, size, digest, code
):
    _, stage, data, headers = team
    upload_id = start(client, headers, stage, data).json()["id"]
    response = put_chunk(client, headers, upload_id, index, data[:size], digest=digest)
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert UploadChunk.objects.count() == 0


def test_the_last_chunk_is_the_remainder_of_the_file(client, team):
    _, stage, data, headers = team
    upload_id = start(client, headers, stage, data).json()["id"]
    last = len(data) // CHUNK
    wrong = put_chunk(client, headers, upload_id, last, data[last * CHUNK :] + b"\n")
    assert wrong.json()["details"] == {"offset": last * CHUNK, "expected": len(data) % CHUNK}
    assert put_chunk(client, headers, upload_id, last, data[last * CHUNK :]).status_code == 200


def test_completing_with_chunks_missing_names_them(client, team):
    _, stage, data, headers = team
    upload_id = start(client, headers, stage, data).json()["id"]
    chunks = chunks_of(data, CHUNK)
    for index in range(1, len(chunks) - 1):
        put_chunk(client, headers, upload_id, index, chunks[index])

    response = complete(client, headers, upload_id)

    assert (response.status_code, response.json()["code"]) == (409, "upload_incomplete")
    assert response.json()["details"] == {"missing_chunks": [0, len(chunks) - 1]}
    assert Submission.objects.count() == 0


def test_a_file_that_does_not_match_its_announced_checksum_makes_no_submission(client, team):
    entry, stage, data, headers = team
    announced = data.replace(b"0.9", b"0.8")  # same size, other content
    upload_id = start(client, headers, stage, announced).json()["id"]
    upload_all(client, headers, upload_id, data)  # each chunk true to its own checksum

    response = complete(client, headers, upload_id)

    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "checksum_mismatch"
    assert error["details"] == {"expected": sha(announced), "actual": sha(data)}
    assert Submission.objects.count() == 0
    assert UploadSession.objects.get().state == "failed"
    assert not part_path(upload_id).exists()
    linked = f"submissions/{stage.pk}/{entry.team_id}/{upload_id}.csv"
    assert not Path(storage.local_path(linked)).exists()
    assert start(client, headers, stage, announced).status_code == 201  # a fresh start


def test_an_invalid_file_completes_as_an_invalid_submission_like_a_single_upload(client, team):
    _, stage, _, headers = team
    data = b"id;prediction\n" + b"000001;0.5\n" * 300
    upload_id = start(client, headers, stage, data).json()["id"]
    upload_all(client, headers, upload_id, data)

    response = complete(client, headers, upload_id)

    assert response.status_code == 422
    body = response.json()
    assert body["state"] == "invalid"
    assert [problem["code"] for problem in body["problems"]] == ["wrong_delimiter"]
    assert Submission.objects.get().state == "invalid"


def test_a_file_over_the_limit_is_refused_when_announced(client, team, settings):
    _, stage, data, headers = team
    settings.AILEAGUE_MAX_UPLOAD_BYTES = len(data) - 1
    response = start(client, headers, stage, data)
    assert (response.status_code, response.json()["code"]) == (422, "file_too_large")
    assert UploadSession.objects.count() == 0


def test_a_closed_stage_refuses_the_announcement(client):
    entry, stage, data = big_entry(closes_in=timedelta(seconds=-1))
    response = start(client, bearer(captain_of(entry.team)), stage, data)
    assert (response.status_code, response.json()["code"]) == (409, "stage_closed")


def test_an_exhausted_quota_refuses_the_announcement(client):
    entry, stage, data = big_entry(daily_quota=1)
    submit(entry, stage, data.decode())
    response = start(client, bearer(captain_of(entry.team)), stage, data)
    assert (response.status_code, response.json()["code"]) == (429, "quota_daily")
    assert UploadSession.objects.count() == 0


def test_a_quota_used_up_meanwhile_refuses_completion_but_keeps_the_upload(client):
    entry, stage, data = big_entry(daily_quota=1)
    headers = bearer(captain_of(entry.team))
    upload_id = start(client, headers, stage, data).json()["id"]
    upload_all(client, headers, upload_id, data)
    submit(entry, stage, data.decode())  # through the single-request path

    refused = complete(client, headers, upload_id)

    assert (refused.status_code, refused.json()["code"]) == (429, "quota_daily")
    assert Submission.objects.count() == 1
    assert UploadSession.objects.get().state == "open"
    assert part_path(upload_id).stat().st_size == len(data)
    stage.daily_quota = 2
    stage.save()
    assert complete(client, headers, upload_id).status_code == 201
    assert Submission.objects.count() == 2


def test_a_stage_that_closed_meanwhile_refuses_completion(client, team):
    _, stage, data, headers = team
    upload_id = start(client, headers, stage, data).json()["id"]
    upload_all(client, headers, upload_id, data)
    stage.closes_at = timezone.now() - timedelta(seconds=1)
    stage.save()

    response = complete(client, headers, upload_id)

    assert (response.status_code, response.json()["code"]) == (409, "stage_closed")
    assert Submission.objects.count() == 0


def test_another_user_cannot_see_or_touch_an_upload(client, team):
    entry, stage, data, headers = team
    upload_id = start(client, headers, stage, data).json()["id"]
    for intruder in (make_user(), make_user()):
        others = bearer(intruder)
        responses = [
            client.get(f"/api/v1/uploads/{upload_id}", headers=others),
            put_chunk(client, others, upload_id, 0, data[:CHUNK]),
            complete(client, others, upload_id),
        ]
        assert [(r.status_code, r.json()["code"]) for r in responses] == [
            (404, "upload_not_found")
        ] * 3
    assert UploadChunk.objects.count() == 0


def test_uploads_need_authentication(client, team):
    _, stage, data, _ = team
    response = start(client, {}, stage, data)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_one_person_has_a_bounded_number_of_unfinished_uploads(client, team):
    _, stage, data, headers = team
    for i in range(MAX_OPEN_UPLOADS):
        assert start(client, headers, stage, data + b"\n" * (i + 1)).status_code == 201
    response = start(client, headers, stage, data)
    assert (response.status_code, response.json()["code"]) == (409, "too_many_uploads")


def test_expired_uploads_lose_their_files_and_take_no_more_chunks(client, team, settings):
    _, stage, data, headers = team
    upload_id = start(client, headers, stage, data).json()["id"]
    put_chunk(client, headers, upload_id, 0, data[:CHUNK])
    finished_id = start(client, headers, stage, data + b"\n").json()["id"]
    upload_all(client, headers, finished_id, data + b"\n")
    complete(client, headers, finished_id)
    later = timezone.now() + timedelta(seconds=settings.AILEAGUE_UPLOAD_SESSION_TTL_S + 1)

    assert expire_upload_sessions(now=later) == 1

    assert UploadSession.objects.get(pk=upload_id).state == "expired"
    assert not part_path(upload_id).exists()
    assert UploadSession.objects.get(pk=finished_id).state == "complete"
    response = put_chunk(client, headers, upload_id, 1, data[CHUNK : 2 * CHUNK])
    assert (response.status_code, response.json()["code"]) == (409, "upload_expired")
    assert task_expire_upload_sessions() == 0  # the periodic task: nothing left to do


def test_an_idle_upload_expires_even_before_the_cleanup_runs(client, team, settings):
    _, stage, data, headers = team
    settings.AILEAGUE_UPLOAD_SESSION_TTL_S = 60
    upload_id = start(client, headers, stage, data).json()["id"]
    UploadSession.objects.filter(pk=upload_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = put_chunk(client, headers, upload_id, 0, data[:CHUNK])
    assert (response.status_code, response.json()["code"]) == (409, "upload_expired")
    resumed = start(client, headers, stage, data)
    assert resumed.status_code == 201
    assert resumed.json()["id"] != upload_id
