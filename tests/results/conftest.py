"""A closed stage with teams, benchmark scores on the private split and a jury round."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aileague.judging.models import EntryResult, JudgedEntry, JudgingRound
from aileague.leaderboards.services import refresh_standing
from aileague.results.models import AdvancementPolicy
from aileague.submissions.models import Score, ScoreSplit, Submission, SubmissionState
from tests.factories import captain_of, make_entry, make_stage, make_team, make_user


def add_benchmark(stage, team, private: float, *, minutes: int = 0):
    """A scored submission with ``private`` on the private split (public: the same)."""
    entry = make_entry(stage=stage, team=team)[0]
    submission = Submission.objects.create(
        entry=entry,
        stage=stage,
        submitted_by=captain_of(team),
        file="x.csv",
        original_name="x.csv",
        size=1,
        sha256="0" * 64,
        state=SubmissionState.SCORED,
    )
    Submission.objects.filter(pk=submission.pk).update(
        created_at=stage.opens_at + timedelta(minutes=minutes)
    )
    for split in (ScoreSplit.PUBLIC, ScoreSplit.PRIVATE):
        Score.objects.create(
            submission=submission, split=split, value=private, metric="roc_auc", scorer_version="1"
        )
    refresh_standing(stage=stage, entry_id=entry.pk)
    return entry


def add_jury(round_, team, score: float | None):
    entry = JudgedEntry.objects.create(round=round_, team=team, title=f"Proposal of {team.name}")
    if score is not None:
        EntryResult.objects.create(round=round_, entry=entry, method="mean", score=score)
    return entry


class League:
    """A combined stage, closed yesterday, with its organiser and a jury round."""

    def __init__(self, mode: str = "combined"):
        self.stage = make_stage(
            opens_in=timedelta(days=-20), closes_in=timedelta(days=-1), evaluation_mode=mode
        )
        self.league = self.stage.scenario.track.league
        self.organiser = make_user(role="organiser", league=self.league)
        self.round = JudgingRound.objects.create(
            stage=self.stage, slug="review", name={"en": "Review"}
        )

    def team(self, name: str, country: str = "VN", **fields):
        fields.setdefault("province", "CN-GD" if country == "CN" else "")
        return make_team(league=self.league, name=name, country=country, **fields)

    def policy(self, **fields) -> AdvancementPolicy:
        return AdvancementPolicy.objects.update_or_create(stage=self.stage, defaults=fields)[0]


@pytest.fixture
def league(db):
    return League()


@pytest.fixture
def scored(league):
    """Three teams, combined 0.5 / 0.5, top 1 per track, at least one ASEAN team.

    Benchmark 0.9 / 0.8 / 0.7 -> 100 / 50 / 0; jury 6 / 8 / 7 -> 0 / 100 / 50.
    Finals: 智驾队 (CN) 50, Beta (CN) 75, Gamma (TH) 25. Beta advances on rank, Gamma on the
    ASEAN quota.
    """
    teams = {
        "alpha": league.team("深圳智驾队", "CN"),
        "beta": league.team("Beta", "CN"),
        "gamma": league.team("Gamma", "TH"),
    }
    for key, bench, jury in (("alpha", 0.9, 6.0), ("beta", 0.8, 8.0), ("gamma", 0.7, 7.0)):
        add_benchmark(league.stage, teams[key], bench)
        add_jury(league.round, teams[key], jury)
    league.policy(benchmark_weight=0.5, jury_weight=0.5, top_k_per_track=1, min_asean=1)
    league.teams = teams
    return league
