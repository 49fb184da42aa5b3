"""Clashes between a bundle and what the database already holds."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aileague.competitions.bundle.errors import BundleProblem
from aileague.competitions.bundle.fields import join
from aileague.competitions.bundle.plan import LeaguePlan
from aileague.competitions.bundle.source import MANIFEST
from aileague.competitions.models import League, Scenario
from aileague.submissions.models import Submission


def database_problems(plan: LeaguePlan, *, replace: bool) -> list[BundleProblem]:
    """Clashes with what is stored: the league's slug and scenario slugs of other leagues."""
    league = League.objects.filter(slug=plan.slug).first() if plan.slug else None
    problems = league_problems(league, replace=replace) if league else []
    slugs = {scenario.slug: scenario.yaml_path for scenario in plan.scenarios if scenario.slug}
    taken = Scenario.objects.filter(slug__in=slugs).select_related("track__league")
    if league is not None:
        taken = taken.exclude(track__league=league)
    for scenario in taken:
        problems.append(
            BundleProblem(
                MANIFEST,
                join(slugs[scenario.slug], "slug"),
                _("scenario '%(slug)s' already exists in league '%(league)s'; expected a new slug")
                % {"slug": scenario.slug, "league": scenario.track.league.slug},
            )
        )
    return problems


def league_problems(league: League, *, replace: bool) -> list[BundleProblem]:
    """Why an existing league may not be overwritten, if it may not."""
    if not replace:
        return [
            BundleProblem(
                MANIFEST,
                "league.slug",
                _(
                    "league '%(slug)s' already exists; import with replace (--replace) to "
                    "replace its tracks, scenarios and stages"
                )
                % {"slug": league.slug},
            )
        ]
    busy = sorted(
        f"{scenario}/{stage}"
        for scenario, stage in Submission.objects.filter(stage__scenario__track__league=league)
        .values_list("stage__scenario__slug", "stage__slug")
        .distinct()
    )
    if busy:
        return [
            BundleProblem(
                MANIFEST,
                "league.slug",
                _("league '%(slug)s' cannot be replaced: stages %(stages)s have submissions")
                % {"slug": league.slug, "stages": ", ".join(busy)},
            )
        ]
    return []
