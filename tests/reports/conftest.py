"""A small league built by hand, whose every figure is known (see the numbers in each test)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from aileague.accounts.models import Organisation
from aileague.competitions.models import EvaluationMode, ScenarioStatus
from aileague.judging.models import JudgedEntry, JudgingRound
from aileague.leaderboards.services import refresh_standing
from aileague.outcomes.models import (
    Award,
    CenterSignIn,
    CooperationAgreement,
    Project,
    Relation,
)
from aileague.results.models import StageResult
from aileague.submissions.models import Score, ScoreSplit, Submission, SubmissionState
from tests.factories import captain_of, make_league, make_scenario, make_stage, make_team, make_user

JAN = datetime(2026, 1, 1, tzinfo=UTC)


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, tzinfo=UTC)


class Season:
    def __init__(self):
        self.league = make_league(timezone="Asia/Shanghai")
        from tests.factories import make_track

        self.track_a = make_track(league=self.league, slug="track-a", position=0)
        self.track_b = make_track(league=self.league, slug="track-b", position=1)
        self.a1 = make_scenario(track=self.track_a, rating="excellent")
        self.a2 = make_scenario(track=self.track_a, rating="good")
        self.b1 = make_scenario(track=self.track_b, rating="excellent")
        make_scenario(track=self.track_b, status=ScenarioStatus.DRAFT, rating="excellent")
        close = datetime(2026, 3, 1, tzinfo=UTC)
        self.s1 = make_stage(scenario=self.a1, opens_at=JAN, closes_at=close)
        self.s2 = make_stage(
            scenario=self.a2,
            opens_at=JAN,
            closes_at=close,
            evaluation_mode=EvaluationMode.COMBINED,
        )
        self.s3 = make_stage(scenario=self.b1, opens_at=at(20), closes_at=close)
        self.organiser = make_user(role="organiser", league=self.league)
        t = {
            "t1": make_team(league=self.league, country="CN", province="CN-GX", is_joint=True),
            "t2": make_team(league=self.league, country="CN", province="CN-GD"),
            "t3": make_team(league=self.league, country="VN"),
            "t4": make_team(league=self.league, country="TH", is_joint=True),
            "t5": make_team(league=self.league, country="VN"),
        }
        self.teams = t
        self.entries = {
            "t1": self.enter(t["t1"], self.s1),
            "t2": self.enter(t["t2"], self.s1),
            "t3": self.enter(t["t3"], self.s1),
        }
        self.enter(t["t3"], self.s2)
        self.enter(t["t4"], self.s2)
        self.entries["t5"] = self.enter(t["t5"], self.s3)
        # Scored: t1 twice (Jan 10 20:00 UTC is Jan 11 in Shanghai), t2 and t5 once.
        self.score(self.entries["t1"], self.s1, at(10, 20))
        self.score(self.entries["t1"], self.s1, at(11, 3))
        self.score(self.entries["t2"], self.s1, at(12, 1))
        self.score(self.entries["t5"], self.s3, at(21, 1))
        StageResult.objects.create(stage=self.s1, team=t["t1"], track=self.track_a, advanced=True)
        StageResult.objects.create(stage=self.s1, team=t["t2"], track=self.track_a, advanced=False)
        first = Award.objects.create(
            league=self.league,
            team=t["t1"],
            scenario=self.a1,
            level="first",
            amount=Decimal(50000),
            awarded_at=date(2026, 3, 2),
        )
        Award.objects.create(
            league=self.league,
            team=t["t3"],
            scenario=self.a2,
            level="second",
            amount=Decimal(20000),
            awarded_at=date(2026, 3, 2),
        )
        round_ = JudgingRound.objects.create(stage=self.s2, slug="review", name={"en": "Review"})
        JudgedEntry.objects.create(round=round_, team=t["t4"], title="Proposal")
        self.p1 = self.project(t["t1"], self.a1, "p1", award=first, launched=date(2026, 4, 1))
        self.p2 = self.project(t["t3"], self.a2, "p2")
        self.p3 = self.project(t["t5"], self.b1, "p3", launched=date(2026, 4, 2))
        investor = Organisation.objects.create(name="Fund", kind="investor", country="CN")
        site = Organisation.objects.create(name="Site", kind="enterprise", country="TH")
        self.relate(
            self.p1, site, "pilot_site", "deployed", Decimal(1_000_000), "THB", Decimal("0.2")
        )
        self.relate(self.p1, investor, "investor", "contract", Decimal(500_000), "CNY", Decimal(1))
        self.relate(self.p2, investor, "investor", "interest")
        self.relate(self.p3, investor, "investor", "withdrawn")
        self.relate(self.p3, site, "pilot_site", "agreement")
        CenterSignIn.objects.create(
            project=self.p1, signed_on=date(2026, 5, 1), country="CN", field="x"
        )
        CenterSignIn.objects.create(
            project=self.p2,
            signed_on=date(2026, 5, 2),
            country="VN",
            field="x",
            agreed_investment_cny=Decimal(1000),
        )
        for country in ("VN", "VN", "LA"):
            CooperationAgreement.objects.create(
                league=self.league, partner="P", country=country, signed_on=date(2026, 5, 3)
            )

    def enter(self, team, stage):
        from aileague.teams.models import Entry

        return Entry.objects.create(
            team=team, scenario=stage.scenario, registered_by=captain_of(team)
        )

    def score(self, entry, stage, when):
        submission = Submission.objects.create(
            entry=entry,
            stage=stage,
            submitted_by=captain_of(entry.team),
            file="x.csv",
            original_name="x.csv",
            size=1,
            sha256="0" * 64,
            state=SubmissionState.SCORED,
        )
        Submission.objects.filter(pk=submission.pk).update(created_at=when)
        for split in (ScoreSplit.PUBLIC, ScoreSplit.PRIVATE):
            Score.objects.create(
                submission=submission, split=split, value=0.7, metric="roc_auc", scorer_version="1"
            )
        refresh_standing(stage=stage, entry_id=entry.pk)

    def project(self, team, scenario, slug, award=None, launched=None):
        return Project.objects.create(
            league=self.league,
            team=team,
            track=scenario.track,
            scenario=scenario,
            award=award,
            slug=f"{self.league.slug}-{slug}",
            title={"en": slug},
            country=team.country,
            product_launched_at=launched,
        )

    def relate(self, project, partner, kind, stage, amount=None, currency="CNY", rate=None):
        amount_cny = amount * rate if amount is not None else None
        return Relation.objects.create(
            project=project,
            partner=partner,
            kind=kind,
            stage=stage,
            amount=amount,
            currency=currency,
            cny_per_unit=rate,
            amount_cny=amount_cny,
            created_by=self.organiser,
        )


@pytest.fixture
def season(db):
    return Season()
