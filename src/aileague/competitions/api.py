"""JSON API: scenarios and their stages (read-only for participants)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from ninja import Router, Schema

from aileague.common.api import optional_auth
from aileague.common.i18n import pick
from aileague.competitions.models import Scenario, Stage
from aileague.competitions.queries import access_scenario, current_stage, visible_scenarios

router = Router(tags=["scenarios"])


class StageOut(Schema):
    slug: str
    name: str
    opens_at: datetime
    closes_at: datetime
    timezone: str
    evaluation_mode: str
    daily_quota: int
    total_quota: int
    max_running: int
    final_selection_limit: int
    is_open: bool


class DataFileOut(Schema):
    name: str
    size: int
    sha256: str
    url: str


class ScenarioOut(Schema):
    slug: str
    title: str
    track: str
    owner: str
    status: str
    metric: str
    languages: list[str]
    target_countries: list[str]
    current_stage: str | None


class ScenarioDetailOut(ScenarioOut):
    summary: str
    problem_statement: str
    prize_amount: float | None
    prize_currency: str
    pilot_offer: str
    submission_format: dict
    stages: list[StageOut]
    data_files: list[DataFileOut]


def stage_out(stage: Stage) -> StageOut:
    return StageOut(
        slug=stage.slug,
        name=pick(stage.name),
        opens_at=stage.opens_at,
        closes_at=stage.closes_at,
        timezone=stage.timezone,
        evaluation_mode=stage.evaluation_mode,
        daily_quota=stage.daily_quota,
        total_quota=stage.total_quota,
        max_running=stage.max_running,
        final_selection_limit=stage.final_selection_limit,
        is_open=stage.is_open(),
    )


def _scenario_fields(scenario: Scenario) -> dict:
    stage = current_stage(scenario)
    return {
        "slug": scenario.slug,
        "title": pick(scenario.title),
        "track": scenario.track.slug,
        "owner": scenario.owner.name,
        "status": scenario.status,
        "metric": scenario.metric,
        "languages": scenario.languages,
        "target_countries": scenario.target_countries,
        "current_stage": stage.slug if stage else None,
    }


def submission_format(scenario: Scenario) -> dict:
    """What participants need to know about the file: never the reference's location."""
    task = scenario.task
    public = {
        key: task[key]
        for key in ("kind", "metric", "id_column", "prediction_column", "labels", "language")
        if key in task
    }
    public.setdefault("id_column", "id")
    public.setdefault("prediction_column", "prediction")
    return public


@router.get("/scenarios", response=list[ScenarioOut], auth=optional_auth)
def list_scenarios(request):
    return [ScenarioOut(**_scenario_fields(s)) for s in visible_scenarios(request.user)]


@router.get("/scenarios/{slug}", response=ScenarioDetailOut, auth=optional_auth)
def get_scenario(request, slug: str):
    scenario = access_scenario(slug=slug, user=request.user)
    files = [
        DataFileOut(
            name=f.name,
            size=f.size,
            sha256=f.sha256,
            url=request.build_absolute_uri(
                reverse("competitions:data_file", args=[scenario.slug, f.name])
            ),
        )
        for f in scenario.data_files.all()
    ]
    return ScenarioDetailOut(
        **_scenario_fields(scenario),
        summary=pick(scenario.summary),
        problem_statement=pick(scenario.problem_statement),
        prize_amount=float(scenario.prize_amount) if scenario.prize_amount is not None else None,
        prize_currency=scenario.prize_currency,
        pilot_offer=pick(scenario.pilot_offer),
        submission_format=submission_format(scenario),
        stages=[stage_out(s) for s in scenario.stages.all()],
        data_files=files,
    )
