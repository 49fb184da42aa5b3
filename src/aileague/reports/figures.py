"""The season's figures, each computed from data with aggregate queries (never row by row).

``season_figures(league=...)`` answers every figure of the season report (and of the
organiser dashboard) in about twenty grouped queries, whatever the league's size. The
definitions are in docs/reports.md; the comments here say why where a choice was made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from aileague.common.countries import ASEAN_COUNTRIES, CHINESE_PROVINCES
from aileague.competitions.models import (
    EvaluationMode,
    League,
    ScenarioRating,
    ScenarioStatus,
    Stage,
    Track,
)
from aileague.judging.models import JudgedEntry, Review
from aileague.outcomes.models import (
    Award,
    AwardLevel,
    CenterSignIn,
    CooperationAgreement,
    PartnerKind,
    Project,
    Relation,
    RelationStage,
)
from aileague.reports.daily import submissions_by_day
from aileague.teams.models import Team

#: Relations that reached a signed contract: the project has started.
STARTED_STAGES = (RelationStage.CONTRACT, RelationStage.DEPLOYED)
#: Pipeline stages in order (declined and withdrawn are exits, shown after them).
PIPELINE_STAGES = tuple(RelationStage.values)
#: Scenario states that mean "was published" (an archived scenario was published before).
PUBLISHED_STATES = (ScenarioStatus.PUBLISHED, ScenarioStatus.ARCHIVED)
#: Tracks that appear within a week of the first stage's opening count as "at launch".
LAUNCH_WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class TrackLine:
    slug: str
    name: dict
    scenarios: int  # published
    excellent: int
    at_launch: bool


@dataclass(frozen=True)
class SeasonFigures:
    """Every figure of the season report. Counts are ints, money is CNY ``Decimal``."""

    league_slug: str
    league_name: dict
    season: int
    timezone: str
    # Teams
    teams: int
    teams_by_province: dict[str, int]  # all 31 provinces, zeros included
    teams_by_asean_country: dict[str, int]  # all 11 ASEAN countries, zeros included
    provinces: int  # provinces with at least one team
    asean_countries: int  # ASEAN countries with at least one team
    asean_teams: int
    asean_share: float  # asean_teams / teams, 0..1
    joint_teams: int
    # Tracks and scenarios
    tracks_at_launch: int
    tracks_at_close: int
    tracks: list[TrackLine]
    scenarios_published: int
    scenarios_excellent: int
    # Contest types: stages by evaluation mode
    stages_by_mode: dict[str, int]
    contest_types: int  # evaluation modes in use
    judged_entries: int
    judged_reviews: int  # submitted score sheets
    # Submissions
    submissions: int
    submissions_by_day: list[tuple[dt.date, int]]
    # Awards
    awards_by_level: dict[str, int]
    awards: int
    award_amount_cny: Decimal
    # Outcomes
    projects: int
    products: int
    projects_started: int  # distinct projects with a relation at contract or deployed
    contracts: int  # relations at contract or deployed
    contracts_value_cny: Decimal
    projects_with_investor_interest: int
    technologies_in_use: int  # distinct projects with a deployed relation
    relations_by_stage: dict[str, int]
    agreements: int
    agreements_by_country: dict[str, int]
    center_sign_ins: int
    center_by_country: dict[str, int]
    center_countries: int
    center_investment_cny: Decimal
    # Duration
    opens_on: dt.date | None
    closes_on: dt.date | None
    duration_days: int
    extra: dict = field(default_factory=dict)

    @property
    def duration_months(self) -> float:
        return round(self.duration_days / 30.44, 1)


def season_figures(*, league: League) -> SeasonFigures:
    """All the figures of ``league``'s season, computed from its data now."""
    teams = _team_figures(league)
    tracks = _track_figures(league)
    stages = _stage_figures(league)
    outcomes = _outcome_figures(league)
    return SeasonFigures(
        league_slug=league.slug,
        league_name=dict(league.name),
        season=league.season,
        timezone=league.timezone,
        **teams,
        **tracks,
        **stages,
        **_submission_figures(league),
        **_award_figures(league),
        **outcomes,
    )


def _team_figures(league: League) -> dict:
    rows = (
        Team.objects.filter(league=league)
        .values("country", "province")
        .annotate(n=Count("id"), joint=Count("id", filter=Q(is_joint=True)))
        .order_by()
    )
    by_province = dict.fromkeys(CHINESE_PROVINCES, 0)
    by_country = dict.fromkeys(ASEAN_COUNTRIES, 0)
    total = joint = 0
    for row in rows:
        total += row["n"]
        joint += row["joint"]
        if row["country"] == "CN" and row["province"] in by_province:
            by_province[row["province"]] += row["n"]
        elif row["country"] in by_country:
            by_country[row["country"]] += row["n"]
    asean = sum(by_country.values())
    return {
        "teams": total,
        "teams_by_province": by_province,
        "teams_by_asean_country": by_country,
        "provinces": sum(1 for n in by_province.values() if n),
        "asean_countries": sum(1 for n in by_country.values() if n),
        "asean_teams": asean,
        "asean_share": asean / total if total else 0.0,
        "joint_teams": joint,
    }


def league_launch(league: League) -> dt.datetime | None:
    """When the league opened: its first stage's opening."""
    return Stage.objects.filter(scenario__track__league=league).aggregate(at=Min("opens_at"))["at"]


def _track_figures(league: League) -> dict:
    """Tracks have no creation date of their own: a track appears with its first scenario
    (published, or created when no publication date was kept) or its first stage opening,
    whichever is earlier, and is counted at launch if that falls in the launch week."""
    launch = league_launch(league)
    published = Q(scenarios__status__in=PUBLISHED_STATES)
    rows = (
        Track.objects.filter(league=league)
        .annotate(
            n=Count("scenarios", filter=published, distinct=True),
            excellent=Count(
                "scenarios",
                filter=published & Q(scenarios__rating=ScenarioRating.EXCELLENT),
                distinct=True,
            ),
            first_published=Min(
                Coalesce("scenarios__published_at", "scenarios__created_at"), filter=published
            ),
            first_open=Min("scenarios__stages__opens_at", filter=published),
        )
        .order_by("position", "slug")
    )
    window = launch + LAUNCH_WEEK if launch else None
    lines = [
        TrackLine(
            slug=row.slug,
            name=dict(row.name),
            scenarios=row.n,
            excellent=row.excellent,
            at_launch=bool(window and _first(row) and _first(row) < window),
        )
        for row in rows
    ]
    return {
        "tracks_at_launch": sum(line.at_launch for line in lines),
        "tracks_at_close": len(lines),
        "tracks": lines,
        "scenarios_published": sum(line.scenarios for line in lines),
        "scenarios_excellent": sum(line.excellent for line in lines),
    }


def _first(track) -> dt.datetime | None:
    moments = [m for m in (track.first_published, track.first_open) if m is not None]
    return min(moments, default=None)


def _stage_figures(league: League) -> dict:
    stages = Stage.objects.filter(scenario__track__league=league)
    by_mode = dict.fromkeys(EvaluationMode.values, 0)
    for row in stages.values("evaluation_mode").annotate(n=Count("id")).order_by():
        by_mode[row["evaluation_mode"]] = row["n"]
    span = stages.aggregate(opens=Min("opens_at"), closes=Max("closes_at"))
    zone = ZoneInfo(league.timezone)
    opens = span["opens"].astimezone(zone).date() if span["opens"] else None
    closes = span["closes"].astimezone(zone).date() if span["closes"] else None
    in_league = Q(round__stage__scenario__track__league=league)
    return {
        "stages_by_mode": by_mode,
        "contest_types": sum(1 for n in by_mode.values() if n),
        "judged_entries": JudgedEntry.objects.filter(in_league).count(),
        "judged_reviews": Review.objects.filter(
            assignment__round__stage__scenario__track__league=league,
            submitted_at__isnull=False,
        ).count(),
        "opens_on": opens,
        "closes_on": closes,
        "duration_days": (closes - opens).days if opens and closes else 0,
    }


def _submission_figures(league: League) -> dict:
    """Per day in the league's time zone; completed days are counted once and kept (see
    ``aileague.reports.daily``), today is counted live."""
    by_day = submissions_by_day(league=league)
    return {"submissions": sum(n for _day, n in by_day), "submissions_by_day": by_day}


def _award_figures(league: League) -> dict:
    by_level = dict.fromkeys(AwardLevel.values, 0)
    amount = Decimal(0)
    rows = (
        Award.objects.filter(league=league)
        .values("level")
        .annotate(n=Count("id"), cny=Sum("amount", filter=Q(currency="CNY")))
        .order_by()
    )
    for row in rows:
        by_level[row["level"]] = row["n"]
        amount += row["cny"] or 0
    return {
        "awards_by_level": by_level,
        "awards": sum(by_level.values()),
        "award_amount_cny": amount,
    }


def _outcome_figures(league: League) -> dict:
    projects = Project.objects.filter(league=league).aggregate(
        n=Count("id"), products=Count("id", filter=Q(product_launched_at__isnull=False))
    )
    relations = Relation.objects.filter(project__league=league)
    started = Q(stage__in=STARTED_STAGES)
    pipeline = relations.aggregate(
        started=Count("project", distinct=True, filter=started),
        contracts=Count("id", filter=started),
        value=Sum("amount_cny", filter=started),
        # Interest counts even when the team later declined; a withdrawn one does not.
        interest=Count(
            "project",
            distinct=True,
            filter=Q(kind=PartnerKind.INVESTOR) & ~Q(stage=RelationStage.WITHDRAWN),
        ),
        deployed=Count("project", distinct=True, filter=Q(stage=RelationStage.DEPLOYED)),
    )
    by_stage = dict.fromkeys(PIPELINE_STAGES, 0)
    for row in relations.values("stage").annotate(n=Count("id")).order_by():
        by_stage[row["stage"]] = row["n"]
    agreements = _by_country(CooperationAgreement.objects.filter(league=league))
    center_rows = CenterSignIn.objects.filter(project__league=league)
    center = _by_country(center_rows)
    investment = center_rows.aggregate(cny=Sum("agreed_investment_cny"))["cny"] or Decimal(0)
    return {
        "projects": projects["n"],
        "products": projects["products"],
        "projects_started": pipeline["started"],
        "contracts": pipeline["contracts"],
        "contracts_value_cny": pipeline["value"] or Decimal(0),
        "projects_with_investor_interest": pipeline["interest"],
        "technologies_in_use": pipeline["deployed"],
        "relations_by_stage": by_stage,
        "agreements": sum(agreements.values()),
        "agreements_by_country": agreements,
        "center_sign_ins": sum(center.values()),
        "center_by_country": center,
        "center_countries": len(center),
        "center_investment_cny": investment,
    }


def _by_country(queryset) -> dict[str, int]:
    rows = queryset.values("country").annotate(n=Count("id")).order_by("-n", "country")
    return {row["country"]: row["n"] for row in rows}
