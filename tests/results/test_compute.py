"""compute_stage_results over real standings and jury results, in the three evaluation modes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aileague.common.errors import AileagueError
from aileague.common.models import AuditEntry
from aileague.results.models import StageResult
from aileague.results.services import compute_stage_results, set_advancement_policy
from tests.factories import make_user
from tests.results.conftest import League, add_benchmark, add_jury

pytestmark = pytest.mark.django_db


def lines(stage):
    return [
        (r.team.name, r.rank, r.final_score, r.advanced, r.reason)
        for r in StageResult.objects.filter(stage=stage).order_by("rank")
    ]


def test_combined_stage_ranks_by_weighted_components_and_applies_the_quota(scored):
    compute_stage_results(stage=scored.stage, actor=scored.organiser)
    assert lines(scored.stage) == [
        ("Beta", 1, 75.0, True, "top_k"),
        ("深圳智驾队", 2, 50.0, False, "outside_top_k"),
        ("Gamma", 3, 25.0, True, "asean_quota"),
    ]
    beta = StageResult.objects.get(team=scored.teams["beta"])
    assert (
        beta.benchmark_score,
        beta.benchmark_component,
        beta.jury_score,
        beta.jury_component,
    ) == (
        0.8,
        50.0,
        8.0,
        100.0,
    )
    assert beta.track_id == scored.stage.scenario.track_id


def test_compute_writes_one_audit_entry(scored):
    compute_stage_results(stage=scored.stage, actor=scored.organiser)
    entry = AuditEntry.objects.get(action="results.compute")
    assert (entry.actor, entry.object_id, entry.after["lines"]) == (
        scored.organiser,
        str(scored.stage.pk),
        3,
    )
    assert entry.after["advanced"] == sorted([scored.teams["beta"].pk, scored.teams["gamma"].pk])


def test_recompute_replaces_the_lines(scored):
    compute_stage_results(stage=scored.stage, actor=scored.organiser)
    scored.policy(top_k_per_track=2, min_asean=0)
    compute_stage_results(stage=scored.stage, actor=scored.organiser)
    assert [line[3] for line in lines(scored.stage)] == [True, True, False]


def test_automatic_stage_ignores_the_jury():
    league = League("automatic")
    a, b = league.team("A"), league.team("B")
    add_benchmark(league.stage, a, 0.6)
    add_benchmark(league.stage, b, 0.9)
    add_jury(league.round, a, 10.0)
    league.policy(benchmark_weight=0.2, jury_weight=0.8)
    compute_stage_results(stage=league.stage, actor=league.organiser)
    assert lines(league.stage) == [
        ("B", 1, 100.0, True, "qualified"),
        ("A", 2, 0.0, True, "qualified"),
    ]
    assert StageResult.objects.get(team=a).jury_score is None


def test_jury_stage_ignores_the_benchmark_and_keeps_unreviewed_entries_at_zero():
    league = League("jury")
    a, b, c = league.team("A"), league.team("B"), league.team("C")
    add_benchmark(league.stage, a, 0.99)
    add_jury(league.round, a, 5.0)
    add_jury(league.round, b, 7.5)
    add_jury(league.round, c, None)
    league.policy(benchmark_weight=0.5, jury_weight=0.5, top_k_per_track=2)
    compute_stage_results(stage=league.stage, actor=league.organiser)
    assert lines(league.stage) == [
        ("B", 1, 100.0, True, "top_k"),
        ("A", 2, 0.0, True, "top_k"),
        ("C", 3, 0.0, False, "outside_top_k"),
    ]
    assert StageResult.objects.get(team=a).benchmark_score is None


def test_benchmark_gate_keeps_weak_benchmark_teams_back(scored):
    scored.policy(benchmark_gate=0.85, min_asean=0, top_k_per_track=2)
    compute_stage_results(stage=scored.stage, actor=scored.organiser)
    assert lines(scored.stage) == [
        ("Beta", 1, 75.0, False, "below_gate"),
        ("深圳智驾队", 2, 50.0, True, "top_k"),
        ("Gamma", 3, 25.0, False, "below_gate"),
    ]
    assert StageResult.objects.get(team=scored.teams["beta"]).gated is True


def test_only_organisers_compute(scored):
    with pytest.raises(AileagueError) as excinfo:
        compute_stage_results(stage=scored.stage, actor=make_user())
    assert excinfo.value.code == "not_organiser"


def test_compute_needs_a_policy():
    league = League()
    with pytest.raises(AileagueError) as excinfo:
        compute_stage_results(stage=league.stage, actor=league.organiser)
    assert excinfo.value.code == "no_policy"


def test_compute_waits_for_the_close_of_a_benchmarked_stage(scored):
    before_close = scored.stage.closes_at - timedelta(hours=1)
    with pytest.raises(AileagueError) as excinfo:
        compute_stage_results(stage=scored.stage, actor=scored.organiser, now=before_close)
    assert excinfo.value.code == "stage_open"


def test_jury_stage_refuses_a_benchmark_gate():
    league = League("jury")
    add_jury(league.round, league.team("A"), 5.0)
    league.policy(benchmark_gate=0.5)
    with pytest.raises(AileagueError) as excinfo:
        compute_stage_results(stage=league.stage, actor=league.organiser, now=timezone.now())
    assert excinfo.value.code == "gate_needs_benchmark"


def test_set_advancement_policy_validates_and_audits(league):
    policy = set_advancement_policy(
        stage=league.stage, actor=league.organiser, benchmark_weight=0.3, jury_weight=0.7
    )
    assert (policy.benchmark_weight, policy.jury_weight) == (0.3, 0.7)
    assert AuditEntry.objects.filter(action="results.set_policy").count() == 1
    with pytest.raises(AileagueError) as excinfo:
        set_advancement_policy(
            stage=league.stage, actor=league.organiser, benchmark_weight=0, jury_weight=0
        )
    assert excinfo.value.code == "bad_weights"
