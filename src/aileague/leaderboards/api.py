"""JSON API of leaderboards: the public → private shake-up and a team's rank history.

The board itself is ``GET /scenarios/{slug}/leaderboard`` (in ``aileague.submissions.api``).
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema

from aileague.common.api import optional_auth
from aileague.common.errors import NotFound
from aileague.competitions.queries import access_scenario, access_stage
from aileague.leaderboards.queries import rank_history, shakeup_for_stage
from aileague.submissions.queries import scenario_metric
from aileague.teams.models import Entry

router = Router(tags=["leaderboards"])


class ShakeupRowOut(Schema):
    team: str
    team_id: int
    country: str
    province: str
    is_joint: bool
    private_rank: int
    private_score: float
    public_rank: int | None
    public_score: float | None
    #: Places gained from the public to the private board (negative: lost).
    delta: int | None


class ShakeupOut(Schema):
    scenario: str
    stage: str
    metric: str
    higher_is_better: bool
    rows: list[ShakeupRowOut]
    total: int
    page: int
    per_page: int
    pages: int


class RankPointOut(Schema):
    at: datetime
    rank: int
    score: float | None


class RankHistoryOut(Schema):
    scenario: str
    stage: str
    split: str
    team: str
    team_id: int
    points: list[RankPointOut]


@router.get("/scenarios/{slug}/leaderboard/shakeup", response=ShakeupOut, auth=optional_auth)
def get_shakeup(request, slug: str, stage: str = "", page: int = 1, per_page: int = 100):
    """Each team's private rank beside its public rank: after the close (or for managers)."""
    scenario = access_scenario(slug=slug, user=request.user)
    stage_obj = access_stage(scenario=scenario, slug=stage or None)
    board = shakeup_for_stage(stage=stage_obj, user=request.user, page=page, per_page=per_page)
    metric = scenario_metric(scenario)
    return ShakeupOut(
        scenario=scenario.slug,
        stage=stage_obj.slug,
        metric=metric.name,
        higher_is_better=metric.higher_is_better,
        rows=[
            ShakeupRowOut(
                team=row.private.team_name,
                team_id=row.private.team_id,
                country=row.private.country,
                province=row.private.province,
                is_joint=row.private.is_joint,
                private_rank=row.private.rank,
                private_score=row.private.score,
                public_rank=row.public_rank,
                public_score=row.public_score,
                delta=row.delta,
            )
            for row in board.rows
        ],
        total=board.total,
        page=board.page,
        per_page=board.per_page,
        pages=board.pages,
    )


@router.get(
    "/scenarios/{slug}/teams/{team_id}/rank-history", response=RankHistoryOut, auth=optional_auth
)
def get_rank_history(request, slug: str, team_id: int, stage: str = "", split: str = "public"):
    """A team's rank on one board over time, oldest first: each change of its counting
    submission, and the periodic snapshots when other teams moved it."""
    scenario = access_scenario(slug=slug, user=request.user)
    stage_obj = access_stage(scenario=scenario, slug=stage or None)
    entry = Entry.objects.select_related("team").filter(scenario=scenario, team_id=team_id).first()
    if entry is None:
        raise NotFound(_("This team is not entered in this scenario."), code="entry_not_found")
    points = rank_history(stage=stage_obj, entry_id=entry.pk, split=split, user=request.user)
    return RankHistoryOut(
        scenario=scenario.slug,
        stage=stage_obj.slug,
        split=split,
        team=entry.team.name,
        team_id=entry.team_id,
        points=[RankPointOut(at=p.at, rank=p.rank, score=p.value) for p in points],
    )
