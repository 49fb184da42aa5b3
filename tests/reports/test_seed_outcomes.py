"""The generated season history (``aileague.demo.outcomes.seed_outcomes``) on the small league
of conftest.py, with a few more stages: which stages get generated results, the exact totals,
and that a second run adds nothing."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from aileague.competitions.models import EvaluationMode
from aileague.demo.outcomes import seed_outcomes
from aileague.outcomes.models import Award, Project, Relation
from aileague.results.models import AdvancementPolicy, StageResult
from tests.factories import make_stage

NOW = datetime(2026, 6, 1, tzinfo=UTC)
CLOSED = datetime(2026, 3, 1, tzinfo=UTC)


def _more_stages(season):
    """An open benchmark stage, a closed one with an advancement policy and a closed jury
    stage, each with a team on its board where it can have one."""
    season.open = make_stage(
        scenario=season.b1, slug="open", opens_at=CLOSED, closes_at=datetime(2026, 7, 1, tzinfo=UTC)
    )
    season.score(season.entries["t5"], season.open, datetime(2026, 5, 2, tzinfo=UTC))
    season.with_policy = make_stage(
        scenario=season.b1, slug="policy", opens_at=season.s3.opens_at, closes_at=CLOSED
    )
    AdvancementPolicy.objects.create(stage=season.with_policy)
    season.score(season.entries["t5"], season.with_policy, datetime(2026, 2, 2, tzinfo=UTC))
    season.jury = make_stage(
        scenario=season.a2,
        slug="jury",
        opens_at=season.s2.opens_at,
        closes_at=CLOSED,
        evaluation_mode=EvaluationMode.JURY,
    )


def _stats(season) -> dict:
    stats = asdict(seed_outcomes(league=season.league, now=NOW))
    del stats["seconds"]
    return stats


def test_seed_outcomes_gives_results_only_to_closed_benchmark_stages_without_a_policy(season):
    _more_stages(season)

    _stats(season)

    by_stage = {
        stage.slug: sorted(
            StageResult.objects.filter(stage=stage).values_list("team__country", "advanced")
        )
        for stage in (season.s1, season.s2, season.s3, season.open, season.with_policy, season.jury)
    }
    # s1 had its results already; s3 is a closed benchmark stage whose one team advances.
    assert by_stage == {
        season.s1.slug: [("CN", False), ("CN", True)],
        season.s2.slug: [],
        season.s3.slug: [("VN", True)],
        "open": [],
        "policy": [],
        "jury": [],
    }


def test_seed_outcomes_totals_are_fixed_and_a_second_run_adds_nothing(season):
    _more_stages(season)

    first = _stats(season)
    totals = (
        StageResult.objects.filter(stage__scenario__track__league=season.league).count(),
        Award.objects.filter(league=season.league).count(),
        Project.objects.filter(league=season.league).count(),
        Relation.objects.filter(project__league=season.league).count(),
    )
    second = _stats(season)

    # Scale 0.06 (the minimum): 13 projects wanted, but only the two teams without a project
    # are left; one Chinese team signs into the center; the league has its three agreements.
    assert first == {
        "ratings": 0,
        "stage_results": 1,
        "awards": 1,
        "projects": 2,
        "products": 2,
        "partners": 21,
        "relations": 2,
        "events": 10,
        "rates": 0,
        "sign_ins": 1,
        "milestones": 4,
        "agreements": 0,
    }
    assert second == dict.fromkeys(first, 0)
    assert (
        StageResult.objects.filter(stage__scenario__track__league=season.league).count(),
        Award.objects.filter(league=season.league).count(),
        Project.objects.filter(league=season.league).count(),
        Relation.objects.filter(project__league=season.league).count(),
    ) == totals
