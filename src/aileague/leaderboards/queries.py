"""Reads of standings: a page of a board, all of it (CSV), ranks, shake-up and rank history.

A row's rank is its position in ``standings_in_order``, the order of
``aileague.scoring.ranking.rank_rows`` (better value, then earlier submission, then lower id).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Max, Q

from aileague.competitions.models import Stage
from aileague.leaderboards.models import RankChange, Standing
from aileague.submissions.models import ScoreSplit
from aileague.submissions.queries import LeaderboardRow, can_see_split, check_board_visible

BOARD_ORDER = ("missing", "sort_value", "submitted_at", "submission_id")
PER_PAGE_CHOICES = (50, 100)
MAX_PER_PAGE = 1000
#: How long an unchanged page stays cached (a changed board gets a new key at once).
BOARD_CACHE_S = 300


def standings_in_order(*, stage: Stage, split: str):
    return Standing.objects.filter(stage=stage, split=split).order_by(*BOARD_ORDER)


def _better_than(standing: Standing) -> Q:
    """Rows ahead of ``standing`` in BOARD_ORDER (a tuple comparison, spelled out)."""
    same_missing = Q(missing=standing.missing)
    ahead = same_missing & Q(sort_value__lt=standing.sort_value)
    ahead |= same_missing & Q(
        sort_value=standing.sort_value, submitted_at__lt=standing.submitted_at
    )
    ahead |= same_missing & Q(
        sort_value=standing.sort_value,
        submitted_at=standing.submitted_at,
        submission_id__lt=standing.submission_id,
    )
    if standing.missing:
        ahead |= Q(missing=False)
    return ahead


def rank_of(standing: Standing) -> int:
    """The rank ``standing`` has (or would have) on its board: one indexed count."""
    others = Standing.objects.filter(stage_id=standing.stage_id, split=standing.split).exclude(
        entry_id=standing.entry_id
    )
    return others.filter(_better_than(standing)).count() + 1


def _row(standing: Standing, rank: int) -> LeaderboardRow:
    team = standing.team
    return LeaderboardRow(
        rank=rank,
        team_id=standing.team_id,
        team_name=team.name,
        country=team.country,
        province=team.province,
        is_joint=team.is_joint,
        score=standing.value,
        submitted_at=standing.submitted_at,
        submission_id=standing.submission_id,
        entries=standing.submissions_count,
        last_submitted_at=standing.last_submitted_at,
    )


def _with_team(queryset):
    return queryset.select_related("team")


@dataclass
class LeaderboardPage:
    rows: list[LeaderboardRow]
    total: int
    page: int
    per_page: int
    #: The viewer's team, when it has a row on another page (None when it is on this one).
    mine: LeaderboardRow | None = None
    #: The board's version the rows were read at (see ``board_version``).
    version: str = ""

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _page_bounds(total: int, page: int, per_page: int) -> tuple[int, int]:
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    last = max(1, math.ceil(total / per_page))
    return min(max(1, page), last), per_page


def board_version(*, stage: Stage, split: str) -> str:
    """Changes whenever a row of the board changes: the newest row's time and the row count,
    read from an index. Cached pages carry it in their key, so a change is seen at once by
    every web process, whatever cache each one has."""
    latest = Standing.objects.filter(stage=stage, split=split).aggregate(
        at=Max("updated_at"), rows=Count("pk")
    )
    at = latest["at"].timestamp() if latest["at"] else 0
    return f"{stage.scorer_version}:{at}:{latest['rows']}"


def board_cache_key(*, stage: Stage, split: str, page: int, per_page: int, version: str) -> str:
    return f"aileague:board:{stage.pk}:{split}:{page}:{per_page}:{version}"


def leaderboard_page(
    *, stage: Stage, split: str, user, page: int = 1, per_page: int = 50, team_id: int | None = None
) -> LeaderboardPage:
    """One page of a board (pages past the end show the last one), plus the row of ``team_id``
    when it is elsewhere. A page is kept in the cache until its board changes; otherwise
    three or four queries, whatever the size of the board."""
    check_board_visible(stage=stage, split=split, user=user)
    version = board_version(stage=stage, split=split)
    key = board_cache_key(stage=stage, split=split, page=page, per_page=per_page, version=version)
    cached = cache.get(key)
    if cached is None:
        cached = _read_page(stage=stage, split=split, page=page, per_page=per_page)
        cached.version = version
        cache.set(key, cached, BOARD_CACHE_S)
    rows, total, page, per_page = cached.rows, cached.total, cached.page, cached.per_page
    board = standings_in_order(stage=stage, split=split)
    mine = None
    if team_id is not None and all(row.team_id != team_id for row in rows):
        standing = _with_team(board).filter(team_id=team_id).first()
        mine = standing and _row(standing, rank_of(standing))
    return LeaderboardPage(
        rows=rows, total=total, page=page, per_page=per_page, mine=mine, version=cached.version
    )


def _read_page(*, stage: Stage, split: str, page: int, per_page: int) -> LeaderboardPage:
    board = standings_in_order(stage=stage, split=split)
    total = board.count()
    page, per_page = _page_bounds(total, page, per_page)
    offset = (page - 1) * per_page
    rows = [
        _row(standing, offset + i)
        for i, standing in enumerate(_with_team(board)[offset : offset + per_page], start=1)
    ]
    return LeaderboardPage(rows=rows, total=total, page=page, per_page=per_page)


def leaderboard_rows(*, stage: Stage, split: str, user) -> Iterator[LeaderboardRow]:
    """Every row of a board, in order, read in chunks (for the CSV export). Checks access now,
    not on the first ``next()``."""
    check_board_visible(stage=stage, split=split, user=user)
    board = _with_team(standings_in_order(stage=stage, split=split))

    def rows() -> Iterator[LeaderboardRow]:
        for rank, standing in enumerate(board.iterator(chunk_size=2000), start=1):
            yield _row(standing, rank)

    return rows()


# --- Shake-up: public rank against private rank after the close ------------------------------


@dataclass
class ShakeupRow:
    private: LeaderboardRow
    public_rank: int | None
    public_score: float | None

    @property
    def delta(self) -> int | None:
        """Places gained from the public to the private board (negative: places lost)."""
        return None if self.public_rank is None else self.public_rank - self.private.rank


@dataclass
class ShakeupPage:
    rows: list[ShakeupRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def shakeup_for_stage(*, stage: Stage, user, page: int = 1, per_page: int = 100) -> ShakeupPage:
    """The private board's page with each team's public rank and the places it moved.

    Visible when the private board is (after the close, or to the scenario's managers)."""
    check_board_visible(stage=stage, split=ScoreSplit.PRIVATE, user=user)
    public = {
        entry_id: (rank, value)
        for rank, (entry_id, value) in enumerate(
            standings_in_order(stage=stage, split=ScoreSplit.PUBLIC).values_list(
                "entry_id", "value"
            ),
            start=1,
        )
    }
    board = standings_in_order(stage=stage, split=ScoreSplit.PRIVATE)
    total = board.count()
    page, per_page = _page_bounds(total, page, per_page)
    offset = (page - 1) * per_page
    rows = []
    for i, standing in enumerate(_with_team(board)[offset : offset + per_page], start=1):
        public_rank, public_score = public.get(standing.entry_id, (None, None))
        rows.append(ShakeupRow(_row(standing, offset + i), public_rank, public_score))
    return ShakeupPage(rows=rows, total=total, page=page, per_page=per_page)


# --- Rank history ----------------------------------------------------------------------------


@dataclass
class RankPoint:
    at: datetime
    rank: int
    value: float | None


def rank_history(*, stage: Stage, entry_id: int, split: str, user) -> list[RankPoint]:
    """An entry's ranks over time on one split, oldest first."""
    check_board_visible(stage=stage, split=split, user=user)
    changes = RankChange.objects.filter(stage=stage, entry_id=entry_id, split=split).order_by(
        "at", "pk"
    )
    return [
        RankPoint(at, rank, value) for at, rank, value in changes.values_list("at", "rank", "value")
    ]


@dataclass
class StageHistory:
    stage: Stage
    split: str
    points: list[RankPoint]

    @property
    def current(self) -> RankPoint | None:
        return self.points[-1] if self.points else None

    @property
    def best_rank(self) -> int | None:
        return min((p.rank for p in self.points), default=None)

    def sparkline(self, width: int = 160, height: int = 32) -> str:
        """SVG polyline points: time to the right, rank 1 at the top."""
        if not self.points:
            return ""
        start, end = self.points[0].at, self.points[-1].at
        span = (end - start).total_seconds() or 1.0
        worst = max(p.rank for p in self.points)
        scale = (height - 4) / max(1, worst - 1)
        coords = []
        for point in self.points:
            x = 2 + (width - 4) * (point.at - start).total_seconds() / span
            y = 2 + (point.rank - 1) * scale
            coords.append(f"{x:.1f},{y:.1f}")
        if len(coords) == 1:
            coords.append(f"{width - 2:.1f},{coords[0].split(',')[1]}")
        return " ".join(coords)


def team_rank_histories(*, team, user) -> list[StageHistory]:
    """The team's rank history on every board of every stage it entered that the viewer may
    see (the private ones after the close or for managers). Two queries plus one per
    scenario for the private check."""
    from aileague.teams.models import Entry

    entries = Entry.objects.filter(team=team).values_list("pk", flat=True)
    by_key: dict[tuple[int, str], list[RankPoint]] = {}
    stages: dict[int, Stage] = {}
    changes = (
        RankChange.objects.filter(entry_id__in=entries)
        .select_related("stage__scenario__track")
        .order_by("stage__scenario_id", "stage__position", "stage_id", "split", "at", "pk")
    )
    for change in changes:
        stages[change.stage_id] = change.stage
        by_key.setdefault((change.stage_id, change.split), []).append(
            RankPoint(change.at, change.rank, change.value)
        )
    return [
        StageHistory(stages[stage_id], split, points)
        for (stage_id, split), points in by_key.items()
        if can_see_split(stage=stages[stage_id], split=split, user=user)
    ]
