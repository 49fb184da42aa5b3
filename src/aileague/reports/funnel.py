"""The season funnel per scenario and per track: registered → submitted → advanced → awarded →
piloted, in five grouped queries whatever the number of tracks and scenarios.

Every step counts entries (a team in a scenario), so a scenario's steps nest and a track's
funnel is the sum of its scenarios' funnels.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from aileague.competitions.models import League, Scenario
from aileague.leaderboards.models import Standing
from aileague.outcomes.models import Award, PartnerKind, Relation, RelationStage
from aileague.results.models import StageResult
from aileague.submissions.models import ScoreSplit
from aileague.teams.models import Entry

STEPS = ("registered", "submitted", "advanced", "awarded", "piloted")
#: A pilot counts once the pilot agreement is signed.
PILOTED_STAGES = (RelationStage.AGREEMENT, RelationStage.CONTRACT, RelationStage.DEPLOYED)


@dataclass(frozen=True)
class FunnelLine:
    slug: str
    name: dict
    track_slug: str
    registered: int
    submitted: int
    advanced: int
    awarded: int
    piloted: int

    def steps(self) -> tuple[int, ...]:
        return tuple(getattr(self, step) for step in STEPS)


@dataclass(frozen=True)
class Funnel:
    total: FunnelLine
    tracks: list[FunnelLine]
    scenarios: list[FunnelLine]


def season_funnel(*, league: League) -> Funnel:
    """Registered entries; entries with a scored submission (a leaderboard row); teams that
    advanced from a stage of the scenario; teams awarded in it; teams whose project from the
    scenario has a pilot site at agreement or beyond."""
    scenarios = list(
        Scenario.objects.filter(track__league=league)
        .select_related("track")
        .order_by("track__position", "track__slug", "position", "slug")
    )
    registered = _grouped(Entry.objects.filter(scenario__track__league=league), "scenario", "id")
    submitted = _grouped(
        Standing.objects.filter(stage__scenario__track__league=league, split=ScoreSplit.PUBLIC),
        "stage__scenario",
        "entry",
    )
    advanced = _grouped(
        StageResult.objects.filter(stage__scenario__track__league=league, advanced=True),
        "stage__scenario",
        "team",
    )
    awarded = _grouped(Award.objects.filter(league=league), "scenario", "team")
    piloted = _grouped(
        Relation.objects.filter(
            project__league=league, kind=PartnerKind.PILOT_SITE, stage__in=PILOTED_STAGES
        ),
        "project__scenario",
        "project__team",
    )
    lines = [
        FunnelLine(
            slug=scenario.slug,
            name=dict(scenario.title),
            track_slug=scenario.track.slug,
            registered=registered.get(scenario.pk, 0),
            submitted=submitted.get(scenario.pk, 0),
            advanced=advanced.get(scenario.pk, 0),
            awarded=awarded.get(scenario.pk, 0),
            piloted=piloted.get(scenario.pk, 0),
        )
        for scenario in scenarios
    ]
    tracks = {}
    for scenario in scenarios:
        tracks.setdefault(scenario.track.slug, scenario.track)
    track_lines = [
        _sum(track.slug, dict(track.name), [line for line in lines if line.track_slug == slug])
        for slug, track in tracks.items()
    ]
    return Funnel(
        total=_sum(league.slug, dict(league.name), lines), tracks=track_lines, scenarios=lines
    )


def _grouped(queryset, by: str, counted: str) -> dict[int, int]:
    rows = queryset.values(by).annotate(n=Count(counted, distinct=True)).order_by()
    return {row[by]: row["n"] for row in rows if row[by] is not None}


def _sum(slug: str, name: dict, lines: list[FunnelLine]) -> FunnelLine:
    return FunnelLine(
        slug=slug,
        name=name,
        track_slug=slug,
        **{step: sum(getattr(line, step) for line in lines) for step in STEPS},
    )
