"""Introductions for a matchmaking day: which partner meets which project, with room for each.

Each partner (investor, pilot site, the center, a scenario owner) takes at most ``per_partner``
introductions and each project at most ``per_project``; among all such plans, the one of
greatest total fit is chosen (``matching.assign_introductions``, an exact min-cost flow), not
each partner's top list, where the popular projects would be booked many times over. Pairs that
already have a relation are left out, and so is a pair whose only merit is the project's award:
something the partner asked for must match, as in the recommendations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from aileague.accounts.models import Organisation
from aileague.common.errors import InvalidInput
from aileague.outcomes.matching import assign_introductions, encode, explain
from aileague.outcomes.models import PartnerKind, Project, Relation
from aileague.outcomes.recommendations import (
    REGIONS,
    all_partners,
    features_of,
    meets_an_interest,
    phrase_for_partner,
    phrases,
)
from aileague.outcomes.services._checks import _check_organiser

#: Limits a plan's parameters stay within (a day has only so many meetings).
MAX_PER_SIDE = 20


@dataclass(frozen=True)
class Introduction:
    partner: Organisation
    kind: str
    project: Project
    score: float
    reasons: list[str]

    def get_kind_display(self) -> str:
        return str(PartnerKind(self.kind).label)


def plan_introductions(
    *, league, actor, per_partner: int = 3, per_project: int = 2, min_score: float = 0.0
) -> list[Introduction]:
    """The league's introductions of greatest total fit within the capacities (organisers),
    by partner, best fit first."""
    _check_organiser(actor, league)
    for value in (per_partner, per_project):
        if not 1 <= value <= MAX_PER_SIDE:
            raise InvalidInput(
                _("Introductions per partner and per project must be between 1 and %(max)d.")
                % {"max": MAX_PER_SIDE},
                code="invalid_capacity",
            )
    if not 0.0 <= min_score <= 1.0:
        raise InvalidInput(_("The minimum fit must be between 0 and 1."), code="invalid_min_score")
    projects = list(
        Project.objects.filter(is_public=True, track__league=league)
        .select_related("track", "award", "team")
        .order_by("pk")
    )
    partners = all_partners()
    if not projects or not partners:
        return []
    project_index = {p.pk: j for j, p in enumerate(projects)}
    partner_index = {partner[0].pk: i for i, partner in enumerate(partners)}
    related = Relation.objects.filter(project__in=projects).values_list("partner_id", "project_id")
    exclude = [(partner_index[o], project_index[p]) for o, p in related if o in partner_index]
    features = [features_of(p) for p in projects]
    market = encode([p[1] for p in partners], features, exclude=exclude, regions=REGIONS)
    matches = assign_introductions(
        market, partner_capacity=per_partner, project_capacity=per_project, min_score=min_score
    )
    plan = []
    for match in matches:
        organisation, interests, kind = partners[match.partner]
        project = projects[match.project]
        reasons = explain(interests, features[match.project], match, regions=REGIONS)
        if meets_an_interest(reasons):
            plan.append(
                Introduction(
                    partner=organisation,
                    kind=kind,
                    project=project,
                    score=match.score,
                    reasons=phrases(reasons, project, phrase_for_partner),
                )
            )
    return plan
