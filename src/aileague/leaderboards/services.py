"""Standings kept up to date as submissions are scored, and the rank history they feed.

The counting rule (which submission of an entry counts on each split) lives in
``counting_submissions``; every writer goes through it, and every order through
``aileague.scoring.ranking.rank_rows``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from aileague.competitions.models import Stage
from aileague.leaderboards.models import RankChange, Standing
from aileague.leaderboards.queries import rank_of, standings_in_order
from aileague.scoring.ranking import rank_rows
from aileague.submissions.models import Score, ScoreSplit, Submission, SubmissionState
from aileague.submissions.queries import scenario_metric
from aileague.teams.models import Entry

#: Closed stages are still snapshotted this long after the close, to record the final ranks.
SNAPSHOT_AFTER_CLOSE = timedelta(days=1)


#: A submission's time, or anything that orders submissions the same way (rebuild_stage uses
#: positions in (created_at, id) order).
Moment = datetime | int


@dataclass(frozen=True)
class Counting:
    """The submission that counts for an entry on one split."""

    value: float
    submitted_at: Moment
    submission_id: int


def counting_submissions(
    scored: Iterable[tuple[int, str, float, Moment, bool]],
    *,
    higher_is_better: bool,
    final_selection_limit: int,
) -> dict[str, Counting]:
    """Which of one entry's scored submissions counts on each split.

    ``scored`` holds ``(submission_id, split, value, submitted_at, is_final_selection)`` for
    the scores of the stage's scorer version. Public (A): the best public score. Private (B):
    the best private score among the selected finals or, if none is selected, among the
    ``final_selection_limit`` best public submissions (all of them when the limit is 0).
    An entry without a public score has no standing on either split.
    """
    public: dict[int, float] = {}
    private: dict[int, float] = {}
    created: dict[int, Moment] = {}
    finals: set[int] = set()
    for submission_id, split, value, submitted_at, is_final in scored:
        (public if split == ScoreSplit.PUBLIC else private)[submission_id] = value
        created[submission_id] = submitted_at
        if is_final:
            finals.add(submission_id)
    if not public:
        return {}
    ranked = rank_rows(
        [(None, v, created[s], s) for s, v in public.items()], higher_is_better=higher_is_better
    )
    best = ranked[0]
    counting = {
        ScoreSplit.PUBLIC.value: Counting(best.value, best.submitted_at, best.submission_id)
    }
    if finals:
        candidates = finals
    else:
        limit = final_selection_limit or len(ranked)
        candidates = {row.submission_id for row in ranked[:limit]}
    rows = [(None, private[s], created[s], s) for s in candidates if s in private]
    if rows:
        top = rank_rows(rows, higher_is_better=higher_is_better)[0]
        counting[ScoreSplit.PRIVATE.value] = Counting(
            top.value, top.submitted_at, top.submission_id
        )
    return counting


def order_fields(value: float, *, higher_is_better: bool) -> tuple[bool, float]:
    """``(missing, sort_value)``: ascending in the database is rank_rows' order."""
    missing = value is None or math.isnan(value)
    return missing, 0.0 if missing else (-value if higher_is_better else value)


def _scored_rows(stage: Stage):
    """Scores that count on the stage's boards: its scorer version, scored submissions only."""
    return Score.objects.filter(
        submission__stage=stage,
        submission__state=SubmissionState.SCORED,
        scorer_version=stage.scorer_version,
    )


def _activity(stage: Stage):
    """``entry_id -> (scored submissions, latest one)`` (any scorer version: a board column)."""
    return (
        Submission.objects.filter(stage=stage, state=SubmissionState.SCORED)
        .values_list("entry_id")
        .annotate(n=Count("pk"), last=Max("created_at"))
        .values_list("entry_id", "n", "last")
    )


def _fill(standing: Standing, counting: Counting, *, higher_is_better: bool, activity) -> None:
    standing.submission_id = counting.submission_id
    standing.value = counting.value
    standing.missing, standing.sort_value = order_fields(
        counting.value, higher_is_better=higher_is_better
    )
    standing.submitted_at = counting.submitted_at
    standing.submissions_count, standing.last_submitted_at = activity


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def refresh_standing(*, stage: Stage, entry_id: int, now: datetime | None = None) -> None:
    """Recompute one entry's counting submissions on both splits and write them.

    Call it in the transaction that changed the entry's scores or final selection (it opens
    its own savepoint otherwise). It takes a SELECT FOR UPDATE lock on the entry row first, so
    two workers finishing submissions of the same entry write one after the other and the
    second sees the first's scores. When a counting submission changes, the entry's rank at
    that moment goes to its history.
    """
    now = now or timezone.now()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().only("pk", "team_id").get(pk=entry_id)
        higher = scenario_metric(stage.scenario).higher_is_better
        scored = _scored_rows(stage).filter(submission__entry_id=entry_id)
        counting = counting_submissions(
            scored.values_list(
                "submission_id",
                "split",
                "value",
                "submission__created_at",
                "submission__is_final_selection",
            ),
            higher_is_better=higher,
            final_selection_limit=stage.final_selection_limit,
        )
        activity = next(
            ((n, last) for _, n, last in _activity(stage).filter(entry_id=entry_id)), (0, None)
        )
        existing = {s.split: s for s in Standing.objects.filter(stage=stage, entry_id=entry_id)}
        history = []
        for split in ScoreSplit.values:
            old, row = existing.get(split), counting.get(split)
            if row is None:
                if old is not None:
                    old.delete()
                continue
            standing = old or Standing(stage=stage, entry_id=entry_id, team_id=entry.team_id)
            standing.split = split
            moved = old is None or (old.submission_id, old.submitted_at) != (
                row.submission_id,
                row.submitted_at,
            )
            moved = moved or not _same(old.value, row.value)
            _fill(standing, row, higher_is_better=higher, activity=activity)
            if moved:
                standing.recorded_rank = rank_of(standing)
                history.append(
                    RankChange(
                        stage=stage,
                        entry_id=entry_id,
                        split=split,
                        rank=standing.recorded_rank,
                        value=row.value,
                        at=now,
                    )
                )
            standing.save()
        RankChange.objects.bulk_create(history)


def rebuild_stage(stage: Stage, *, now: datetime | None = None) -> int:
    """Recompute every entry's standings of ``stage`` from its scores; returns the row count.

    For a re-score that switched scorer versions, after seeding, and as a repair. A handful of
    bulk queries whatever the number of entries. Locks the scenario's entry rows, so no
    ``refresh_standing`` of the stage runs meanwhile. Ranks that moved go to the history.
    """
    now = now or timezone.now()
    with transaction.atomic():
        team_of = dict(
            Entry.objects.select_for_update()
            .filter(scenario_id=stage.scenario_id)
            .order_by("pk")
            .values_list("pk", "team_id")
        )
        higher = scenario_metric(stage.scenario).higher_is_better
        by_entry = _scored_by_entry(stage)
        activity = {entry_id: (n, last) for entry_id, n, last in _activity(stage)}
        recorded = {
            (entry_id, split): rank
            for entry_id, split, rank in Standing.objects.filter(stage=stage).values_list(
                "entry_id", "split", "recorded_rank"
            )
        }
        counted = {
            entry_id: counting_submissions(
                scored, higher_is_better=higher, final_selection_limit=stage.final_selection_limit
            )
            for entry_id, scored in by_entry.items()
        }
        created = _created_at(
            {c.submission_id for chosen in counted.values() for c in chosen.values()}
        )
        standings = []
        for entry_id, counting in counted.items():
            for split, row in counting.items():
                standing = Standing(
                    stage=stage,
                    entry_id=entry_id,
                    team_id=team_of[entry_id],
                    split=split,
                    recorded_rank=recorded.get((entry_id, split)),
                )
                row = Counting(row.value, created[row.submission_id], row.submission_id)
                _fill(standing, row, higher_is_better=higher, activity=activity[entry_id])
                standings.append(standing)
        Standing.objects.filter(stage=stage).delete()
        Standing.objects.bulk_create(standings, batch_size=1000)
        snapshot_ranks(stage, now=now)
    return len(standings)


def _scored_by_entry(stage: Stage) -> dict[int, list[tuple]]:
    """Each entry's ``counting_submissions`` input, with the submission's position in
    (created_at, id) order standing in for its time: the same order, without converting
    hundreds of thousands of datetimes (the slow part on SQLite)."""
    position = {
        pk: i
        for i, pk in enumerate(
            Submission.objects.filter(stage=stage, state=SubmissionState.SCORED)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .iterator(chunk_size=20000)
        )
    }
    by_entry: dict[int, list[tuple]] = defaultdict(list)
    rows = _scored_rows(stage).values_list(
        "submission__entry_id", "submission_id", "split", "value", "submission__is_final_selection"
    )
    for entry_id, submission_id, split, value, is_final in rows.iterator(chunk_size=20000):
        by_entry[entry_id].append((submission_id, split, value, position[submission_id], is_final))
    return by_entry


def _created_at(submission_ids: set[int]) -> dict[int, datetime]:
    ids, created = sorted(submission_ids), {}
    for start in range(0, len(ids), 900):  # under SQLite's limit of query parameters
        chunk = Submission.objects.filter(pk__in=ids[start : start + 900])
        created.update(chunk.values_list("pk", "created_at"))
    return created


def snapshot_ranks(stage: Stage, *, now: datetime | None = None) -> int:
    """Write the rank of every entry whose rank moved since it was last recorded.

    Other teams move an entry without touching its standing; this catches those moves.
    Returns the number of history rows written.
    """
    now = now or timezone.now()
    history, moved = [], []
    for split in ScoreSplit.values:
        ordered = standings_in_order(stage=stage, split=split).only(
            "pk", "entry_id", "value", "recorded_rank"
        )
        for rank, standing in enumerate(ordered.iterator(chunk_size=5000), start=1):
            if standing.recorded_rank != rank:
                standing.recorded_rank = rank
                moved.append(standing)
                history.append(
                    RankChange(
                        stage=stage,
                        entry_id=standing.entry_id,
                        split=split,
                        rank=rank,
                        value=standing.value,
                        at=now,
                    )
                )
    with transaction.atomic():
        Standing.objects.bulk_update(moved, ["recorded_rank"], batch_size=500)
        RankChange.objects.bulk_create(history, batch_size=1000)
    return len(history)


def snapshot_open_stages(*, now: datetime | None = None) -> int:
    """Snapshot the ranks of every open stage (and those closed in the last day)."""
    now = now or timezone.now()
    stages = Stage.objects.filter(
        Q(opens_at__lte=now), Q(closes_at__gt=now - SNAPSHOT_AFTER_CLOSE)
    ).select_related("scenario")
    return sum(snapshot_ranks(stage, now=now) for stage in stages)
