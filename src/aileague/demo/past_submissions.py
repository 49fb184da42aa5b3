"""A season's history of past submissions, with scores, for benchmarks (500,000 in a season).

Rows are written with ``bulk_create`` in batches, like ``aileague.demo.scale``: scoring half a
million files through the services would take days. No file is uploaded per submission: every
past submission of a stage points at one placeholder file of that stage (a copy of the
scenario's baseline), so downloads work and a re-scoring reads a real, valid file. The stored
scores are generated, not computed from that file.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from aileague.common.audit import record_audit
from aileague.competitions.models import EvaluationMode, League, Stage
from aileague.scoring.evaluate import SCORER_VERSION
from aileague.submissions.models import Score, ScoreSplit, Submission, SubmissionState
from aileague.submissions.queries import scenario_metric
from aileague.teams.models import Entry

BATCH_SIZE = 2_000
CHUNK = 25_000  # submissions built in memory at once
INVALID_SHARE = 0.06  # files refused by validation: never scored, never charged
IDLE_SHARE = 0.15  # entries that never submit anything
_INVALID_CODES = ("missing_ids", "duplicate_id", "unknown_ids")


@dataclass
class PastSubmissionStats:
    submissions: int
    scored: int
    invalid: int
    scores: int
    stages: int
    entries: int
    seconds: float


def seed_past_submissions(
    *,
    league: League,
    submissions: int,
    seed: int = 11,
    stages: list[Stage] | None = None,
    batch_size: int = BATCH_SIZE,
    now: datetime | None = None,
) -> PastSubmissionStats:
    """Add ``submissions`` past submissions to the automatic stages of ``league``, in bulk.

    They go to the entries of each stage's scenario (all stages that have opened, or
    ``stages``): a heavy-tailed number per entry (most teams a few, some many, some none, never
    more than the stage's total quota), spread over the time the stage has been open and
    thicker towards now. About 94 % are scored, with a public and a private score under the
    stage's scorer version that improve as a team keeps trying; the rest are invalid. Each
    stage's standings are rebuilt at the end.
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    rng = np.random.default_rng(seed)
    stages = stages if stages is not None else _open_stages(league, now)
    pairs = _entry_stage_pairs(stages)
    counts = _counts_per_pair(rng, pairs, submissions)
    totals = {"submissions": 0, "scored": 0, "invalid": 0, "scores": 0}
    with transaction.atomic(), _given_creation_times():
        for stage in stages:
            plan = _plan_stage(rng, stage, pairs, counts, now)
            if plan is None:
                continue
            for key, value in _insert_stage(stage, plan, batch_size).items():
                totals[key] += value
        stats = PastSubmissionStats(
            **totals,
            stages=len({pair[1] for pair, n in zip(pairs, counts, strict=True) if n}),
            entries=int((counts > 0).sum()),
            seconds=0.0,
        )
        record_audit(
            actor=None,
            action="league.seed_past_submissions",
            target=league,
            after={**asdict(stats), "seed": seed},
        )
    _rebuild_standings(stages)
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats


def _open_stages(league: League, now: datetime) -> list[Stage]:
    return list(
        Stage.objects.filter(scenario__track__league=league, opens_at__lt=now)
        .exclude(evaluation_mode=EvaluationMode.JURY)
        .select_related("scenario")
        .order_by("pk")
    )


def _entry_stage_pairs(stages: list[Stage]) -> list[tuple[int, int, int]]:
    """(entry id, stage id, submitter id) for every entry of every stage's scenario."""
    by_scenario: dict[int, list[Stage]] = {}
    for stage in stages:
        by_scenario.setdefault(stage.scenario_id, []).append(stage)
    entries = Entry.objects.filter(scenario_id__in=by_scenario).order_by("pk")
    return [
        (entry_id, stage.pk, captain_id)
        for entry_id, scenario_id, captain_id in entries.values_list(
            "pk", "scenario_id", "registered_by_id"
        )
        for stage in by_scenario[scenario_id]
    ]


def _counts_per_pair(rng: np.random.Generator, pairs: list, submissions: int) -> np.ndarray:
    """Submissions per (entry, stage): log-normal activity, capped at the total quota."""
    if not pairs or submissions <= 0:
        return np.zeros(len(pairs), dtype=np.int64)
    activity = rng.lognormal(0.0, 1.2, len(pairs)) * (rng.random(len(pairs)) >= IDLE_SHARE)
    if not activity.any():
        activity[:] = 1.0
    cap = _quota_cap(pairs)
    counts = np.zeros(len(pairs), dtype=np.int64)
    # Draw, cap at the quota, and hand what the capped entries could not take to the others.
    for _ in range(20):
        missing = submissions - int(counts.sum())
        room = (counts < cap) & (activity > 0)
        if missing <= 0 or not room.any():
            break
        weights = np.where(room, activity, 0.0)
        counts = np.minimum(cap, counts + rng.multinomial(missing, weights / weights.sum()))
    return counts


def _quota_cap(pairs: list) -> np.ndarray:
    quotas = dict(
        Stage.objects.filter(pk__in={p[1] for p in pairs}).values_list("pk", "total_quota")
    )
    return np.array([quotas[stage_id] for _entry, stage_id, _captain in pairs], dtype=np.int64)


@dataclass
class _StagePlan:
    entry: np.ndarray
    submitter: np.ndarray
    created: np.ndarray  # seconds since the epoch
    quality: np.ndarray  # the team's skill plus how far along its attempts it is
    invalid: np.ndarray


def _plan_stage(rng, stage: Stage, pairs, counts, now: datetime) -> _StagePlan | None:
    mine = [(pair, n) for pair, n in zip(pairs, counts, strict=True) if pair[1] == stage.pk and n]
    if not mine:
        return None
    n = np.array([count for _pair, count in mine])
    entry = np.repeat([pair[0] for pair, _n in mine], n)
    submitter = np.repeat([pair[2] for pair, _n in mine], n)
    skill = np.repeat(rng.normal(0.0, 1.0, len(mine)), n)
    # Attempt number of each row within its entry (0, 1, 2, ...), rows being grouped by entry.
    attempt = np.arange(len(entry)) - np.repeat(np.cumsum(n) - n, n)
    opens = stage.opens_at.timestamp()
    end = max(opens + 60, min(stage.closes_at, now - timedelta(minutes=5)).timestamp())
    # Busier towards the end; sorted inside each entry (rows are grouped by entry already), so
    # that attempts come in order of time.
    created = opens + (end - opens) * rng.beta(2.0, 1.0, len(entry))
    created = created[np.lexsort((created, entry))]
    quality = skill + 0.35 * np.log1p(attempt) + rng.normal(0.0, 0.25, len(entry))
    return _StagePlan(
        entry=entry,
        submitter=submitter,
        created=created,
        quality=quality,
        invalid=rng.random(len(entry)) < INVALID_SHARE,
    )


def _insert_stage(stage: Stage, plan: _StagePlan, batch_size: int) -> dict[str, int]:
    scenario = stage.scenario
    metric = scenario_metric(scenario)
    name, size, sha256 = _placeholder_file(stage)
    anchor = _anchor_score(stage, metric)
    rng = np.random.default_rng(stage.pk)
    public = _metric_values(plan.quality, metric, anchor)
    private = _metric_values(plan.quality + rng.normal(0.0, 0.15, len(public)), metric, anchor)
    signature = f"{metric.name}|scorer:{SCORER_VERSION}"
    counts = {"submissions": 0, "scored": 0, "invalid": 0, "scores": 0}
    for start in range(0, len(plan.entry), CHUNK):
        rows = range(start, min(start + CHUNK, len(plan.entry)))
        created = Submission.objects.bulk_create(
            [_submission(stage, plan, i, name, size, sha256) for i in rows],
            batch_size=batch_size,
        )
        scores = [
            Score(
                submission_id=submission.pk,
                split=split,
                value=float(values[i]),
                metric=metric.name,
                scorer_version=stage.scorer_version,
                signature=signature,
                created_at=submission.finished_at,
            )
            for i, submission in zip(rows, created, strict=True)
            if submission.state == SubmissionState.SCORED
            for split, values in ((ScoreSplit.PUBLIC, public), (ScoreSplit.PRIVATE, private))
        ]
        Score.objects.bulk_create(scores, batch_size=batch_size)
        invalid = int(plan.invalid[start : rows.stop].sum())
        counts["submissions"] += len(created)
        counts["invalid"] += invalid
        counts["scored"] += len(created) - invalid
        counts["scores"] += len(scores)
    return counts


def _submission(stage, plan: _StagePlan, i: int, name: str, size: int, sha256: str) -> Submission:
    at = datetime.fromtimestamp(float(plan.created[i]), UTC)
    invalid = bool(plan.invalid[i])
    problems = []
    if invalid:
        code = _INVALID_CODES[i % len(_INVALID_CODES)]
        params = {"count": 1 + i % 40, "hint": ""}
        problems = [{"code": code, "params": params, "lines": [], "examples": []}]
    return Submission(
        uuid=uuid.uuid4(),
        entry_id=int(plan.entry[i]),
        stage_id=stage.pk,
        submitted_by_id=int(plan.submitter[i]),
        file=name,
        original_name=f"predictions-{i % 97 + 1}.csv",
        size=size,
        sha256=sha256,
        state=SubmissionState.INVALID if invalid else SubmissionState.SCORED,
        problems=problems,
        created_at=at,
        enqueued_at=None if invalid else at,
        started_at=None if invalid else at + timedelta(seconds=2),
        finished_at=at + timedelta(seconds=1 if invalid else 9),
        attempts=0 if invalid else 1,
    )


def _placeholder_file(stage: Stage) -> tuple[str, int, str]:
    """One real file that all of a stage's past submissions point at: the baseline, if any."""
    scenario = stage.scenario
    content = b"id\n"
    if scenario.baseline_file and default_storage.exists(scenario.baseline_file.name):
        with default_storage.open(scenario.baseline_file.name, "rb") as handle:
            content = handle.read()
    name = f"submissions/{stage.pk}/seeded/past-submission.csv"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name, len(content), hashlib.sha256(content).hexdigest()


def _anchor_score(stage: Stage, metric) -> float:
    """A typical public score of the stage: the median of real ones, or a plain default."""
    values = sorted(
        Score.objects.filter(
            submission__stage=stage, split=ScoreSplit.PUBLIC, scorer_version=stage.scorer_version
        ).values_list("value", flat=True)[:200]
    )
    if values:
        return float(values[len(values) // 2])
    low, high = metric.lower_bound, metric.upper_bound
    if np.isfinite(low) and np.isfinite(high):
        return low + (high - low) * (0.7 if metric.higher_is_better else 0.3)
    return 1.0


def _metric_values(quality: np.ndarray, metric, anchor: float) -> np.ndarray:
    """Scores that get better with ``quality`` (0 gives ``anchor``) and stay within bounds."""
    low, high = metric.lower_bound, metric.upper_bound
    better = np.exp(-0.3 * quality)  # < 1 for a better team; the distance to the best shrinks
    if metric.higher_is_better:
        values = high - (high - anchor) * better if np.isfinite(high) else anchor / better
    else:
        values = low + (anchor - low) * better if np.isfinite(low) else anchor * better
    return np.clip(values, low, high)


@contextmanager
def _given_creation_times() -> Iterator[None]:
    """Let bulk_create keep the ``created_at`` we give instead of stamping "now".

    ``auto_now_add`` is switched off on the two fields for the duration; this is a seeding
    process that does nothing else meanwhile.
    """
    fields = [Submission._meta.get_field("created_at"), Score._meta.get_field("created_at")]
    try:
        for field in fields:
            field.auto_now_add = False
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def _rebuild_standings(stages: list[Stage]) -> None:
    from aileague.leaderboards.services import rebuild_stage

    for stage in stages:
        rebuild_stage(stage)
