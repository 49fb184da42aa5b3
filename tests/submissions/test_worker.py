"""The real thing: a Celery worker process scores what the web process accepted."""

import pytest

from aileague.submissions import services, worker
from aileague.submissions.models import Score, Submission, SubmissionState
from tests.conftest import wait_for
from tests.factories import GOOD_PREDICTIONS, captain_of, make_entry, upload

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _state(submission_id: int) -> str:
    return Submission.objects.get(pk=submission_id).state


def test_worker_scores_an_accepted_submission(celery_worker_process):
    entry, stage = make_entry()
    submission = services.submit_predictions(
        entry=entry,
        stage=stage,
        upload=upload(GOOD_PREDICTIONS),
        filename="p.csv",
        actor=captain_of(entry.team),
    )
    wait_for(lambda: _state(submission.pk) == SubmissionState.SCORED)
    assert sorted(Score.objects.filter(submission=submission).values_list("split", "value")) == [
        ("private", 1.0),
        ("public", 1.0),
    ]


def test_a_lost_message_is_resent_by_the_reaper_and_scored(celery_worker_process, settings):
    entry, stage = make_entry()
    settings.AILEAGUE_INLINE_VALIDATION_MAX_BYTES = 0
    submission = Submission.objects.create(
        entry=entry,
        stage=stage,
        submitted_by=captain_of(entry.team),
        file="",
        original_name="p.csv",
        size=0,
        sha256="",
        state=SubmissionState.QUEUED,
    )
    from aileague.common.storage import store_file

    stored = store_file(upload(GOOD_PREDICTIONS), f"submissions/lost-{submission.pk}.csv")
    Submission.objects.filter(pk=submission.pk).update(
        file=stored.name, size=stored.size, sha256=stored.sha256
    )
    assert worker.requeue_stale_submissions() == 1
    wait_for(lambda: _state(submission.pk) == SubmissionState.SCORED)


FIXED_REFERENCE = (
    "id,target,split\n"
    "001,0,public\n002,1,public\n003,1,public\n004,0,public\n"
    "005,0,private\n006,1,private\n007,1,private\n008,0,private\n"
)


def test_the_workers_rescore_a_stage_and_the_last_one_switches_it(celery_worker_process):
    from django.core.files.base import ContentFile

    from aileague.submissions import rescore
    from aileague.submissions.models import RescoreRun, RescoreState
    from tests.factories import WEAK_PREDICTIONS, submit_and_score

    entry, stage = make_entry()
    other, _ = make_entry(stage=stage)
    good = submit_and_score(entry, stage, GOOD_PREDICTIONS)
    weak = submit_and_score(other, stage, WEAK_PREDICTIONS)
    # The live worker may have claimed one before this process did: let both be scored first.
    wait_for(lambda: {_state(good.pk), _state(weak.pk)} == {SubmissionState.SCORED})
    scenario = stage.scenario
    scenario.reference_file.save(
        f"{scenario.slug}-fixed.csv", ContentFile(FIXED_REFERENCE.encode())
    )
    run = rescore.start_rescore(stage=stage, actor=None)
    wait_for(lambda: RescoreRun.objects.get(pk=run.pk).state == RescoreState.SWITCHED)
    stage.refresh_from_db()
    assert stage.scorer_version == "2"
    new = dict(Score.objects.filter(scorer_version="2").values_list("submission_id", "value"))
    assert new == {good.pk: 0.25, weak.pk: 1.0}  # one value per submission: both splits agree
