"""Recommendations: projects that fit a partner's stated interests, and partners that fit a
project, each with the reasons in words.

The ranking itself is ``aileague.outcomes.matching`` (pure numerical code, tested on generated
markets with known good matches); this module turns rows into its inputs and its facts into
translated sentences. Only public projects are recommended, and never a pair that already has
a relation (at any stage, declined included).

A scenario owner without a partner profile is treated as a pilot site interested in the tracks
of its scenarios and in their target countries, so that every scenario owner gets a list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from aileague.accounts.models import Organisation
from aileague.common.countries import ASEAN_COUNTRIES, COUNTRIES
from aileague.common.i18n import pick
from aileague.competitions.models import Scenario
from aileague.outcomes.matching import (
    Match,
    PartnerInterests,
    ProjectFeatures,
    Reason,
    encode,
    explain,
    top_partners,
    top_projects,
)
from aileague.outcomes.models import AwardLevel, PartnerKind, PartnerProfile, Project, Relation

REGIONS = {"ASEAN": tuple(ASEAN_COUNTRIES)}
#: A small prior for awarded projects: among equal fits, the stronger entry comes first.
AWARD_PRIOR = {
    AwardLevel.FIRST: 1.0,
    AwardLevel.SECOND: 0.8,
    AwardLevel.THIRD: 0.6,
    AwardLevel.EXCELLENCE: 0.5,
    AwardLevel.SPECIAL: 0.5,
}


@dataclass(frozen=True)
class Recommendation:
    """A project recommended to a partner."""

    project: Project
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class PartnerFit:
    """A partner (investor, pilot site, center) that fits a project."""

    organisation: Organisation
    kind: str
    score: float
    reasons: list[str]

    def get_kind_display(self) -> str:
        return str(PartnerKind(self.kind).label)


# --- Rows to matching inputs ------------------------------------------------------------


def interests_of_profile(profile: PartnerProfile) -> PartnerInterests:
    def amount(value):
        return None if value is None else float(value)

    return PartnerInterests(
        tracks=frozenset(track.pk for track in profile.tracks.all()),
        countries=frozenset(profile.countries or ()),
        tags=frozenset(profile.tags or ()),
        readiness_min=profile.readiness_min,
        readiness_max=profile.readiness_max,
        ticket_min=amount(profile.ticket_min_cny),
        ticket_max=amount(profile.ticket_max_cny),
        uses_tickets=profile.kind != PartnerKind.PILOT_SITE,
    )


def interests_of_scenario_owner(scenarios: list[Scenario]) -> PartnerInterests:
    """What a scenario owner without a profile is taken to look for: its tracks and the
    countries its scenarios target; it offers a site, not money."""
    countries = {code for scenario in scenarios for code in scenario.target_countries or ()}
    return PartnerInterests(
        tracks=frozenset(scenario.track_id for scenario in scenarios),
        countries=frozenset(countries),
        uses_tickets=False,
    )


def features_of(project: Project) -> ProjectFeatures:
    award_level = project.award.level if project.award_id else None
    return ProjectFeatures(
        track=project.track_id,
        country=project.country,
        target_countries=frozenset(project.target_countries or ()),
        tags=frozenset(project.tags or ()),
        readiness=project.readiness,
        seeking=None if project.seeking_cny is None else float(project.seeking_cny),
        prior=AWARD_PRIOR.get(award_level, 0.0),
    )


def _interests_of(organisation: Organisation) -> tuple[PartnerInterests, str] | None:
    profile = (
        PartnerProfile.objects.filter(organisation=organisation).prefetch_related("tracks").first()
    )
    if profile is not None:
        return interests_of_profile(profile), profile.kind
    scenarios = list(Scenario.objects.filter(owner=organisation))
    if scenarios:
        return interests_of_scenario_owner(scenarios), PartnerKind.PILOT_SITE
    return None


def _candidate_partners(project: Project) -> list[tuple[Organisation, PartnerInterests, str]]:
    related = set(Relation.objects.filter(project=project).values_list("partner_id", flat=True))
    return all_partners(excluding=related)


def all_partners(*, excluding=()) -> list[tuple[Organisation, PartnerInterests, str]]:
    """Every partner with stated interests: partner profiles, then scenario owners without one
    (as pilot sites), each as (organisation, interests, kind); ``excluding``: organisation ids."""
    related = set(excluding)
    out = []
    profiles = PartnerProfile.objects.select_related("organisation").prefetch_related("tracks")
    for profile in profiles.exclude(organisation_id__in=related).order_by("organisation__name"):
        out.append((profile.organisation, interests_of_profile(profile), profile.kind))
    owners: dict[int, list[Scenario]] = {}
    scenarios = Scenario.objects.filter(owner__partner_profile__isnull=True).exclude(
        owner_id__in=related
    )
    for scenario in scenarios.select_related("owner").order_by("owner__name", "pk"):
        owners.setdefault(scenario.owner_id, []).append(scenario)
    for group in owners.values():
        out.append((group[0].owner, interests_of_scenario_owner(group), PartnerKind.PILOT_SITE))
    return out


# --- Facts to sentences --------------------------------------------------------------------


def _cny(amount: float) -> str:
    """A compact amount in yuan: ¥500K, ¥5M, ¥1.2B."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if amount >= size:
            return f"¥{amount / size:.3g}{suffix}"
    return f"¥{amount:.0f}"


def _ticket_range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{_cny(low)}–{_cny(high)}"
    if low is not None:
        return _("from %(amount)s") % {"amount": _cny(low)}
    return _("up to %(amount)s") % {"amount": _cny(high)}


def _countries(codes) -> str:
    return ", ".join(str(COUNTRIES.get(code, code)) for code in codes)


def phrase_for_partner(reason: Reason, project: Project) -> str | None:
    """The reason, addressed to the partner ("matches your interest in …")."""
    d = reason.detail
    match reason.code:
        case "track":
            return _("matches your interest in %(track)s") % {"track": pick(project.track.name)}
        case "home_country":
            return _("team in %(country)s") % {"country": _countries([d["country"]])}
        case "target_countries":
            return _("targets %(countries)s") % {"countries": _countries(d["countries"])}
        case "tags":
            return _("uses %(tags)s") % {"tags": ", ".join(d["tags"])}
        case "readiness":
            return _("TRL %(level)s within your range") % {"level": d["level"]}
        case "ticket":
            return _("seeks %(amount)s within your ticket") % {"amount": _cny(d["seeking"])}
        case "prior":
            return project.award.get_level_display() if project.award_id else None
    return None


def _for_project(reason: Reason, project: Project) -> str | None:
    """The reason, describing the partner to the project's readers ("invests in …")."""
    d = reason.detail
    match reason.code:
        case "track":
            return _("interested in %(track)s") % {"track": pick(project.track.name)}
        case "home_country":
            return _("looks for teams in %(country)s") % {"country": _countries([d["country"]])}
        case "target_countries":
            return _("active in %(countries)s") % {"countries": _countries(d["countries"])}
        case "tags":
            return _("looks for %(tags)s") % {"tags": ", ".join(d["tags"])}
        case "readiness":
            return _("takes TRL %(min)s–%(max)s") % {"min": d["min"], "max": d["max"]}
        case "ticket":
            return _("tickets of %(range)s") % {"range": _ticket_range(d["min"], d["max"])}
    # The project's own award says nothing about the partner.
    return None


def phrases(reasons: list[Reason], project: Project, phrase) -> list[str]:
    return [text for text in (phrase(r, project) for r in reasons) if text]


def meets_an_interest(reasons: list[Reason]) -> bool:
    # An award alone is no reason to recommend: something the partner asked for must match.
    return any(r.code != "prior" for r in reasons)


# --- Queries -----------------------------------------------------------------------------


def recommendations_for_partner(*, organisation: Organisation, k: int = 10) -> list[Recommendation]:
    """Public projects that best fit the organisation's stated interests (its partner profile,
    or, for a scenario owner without one, its scenarios), best first, each meeting at least one
    interest. Projects the organisation already has a relation with are left out."""
    found = _interests_of(organisation)
    if found is None:
        return []
    interests, _kind = found
    projects = list(
        Project.objects.filter(is_public=True)
        .exclude(relations__partner=organisation)
        .select_related("track", "award", "team")
        .order_by("pk")
    )
    market = encode([interests], [features_of(p) for p in projects], regions=REGIONS)
    out: list[Recommendation] = []
    for match in top_projects(market, k=len(projects))[0] if projects else []:
        project = projects[match.project]
        reasons = explain(interests, features_of(project), match, regions=REGIONS)
        if meets_an_interest(reasons):
            out.append(_recommendation(project, match, reasons))
            if len(out) == k:
                break
    return out


def _recommendation(project: Project, match: Match, reasons: list[Reason]) -> Recommendation:
    return Recommendation(
        project=project,
        score=match.score,
        reasons=phrases(reasons, project, phrase_for_partner),
    )


def partners_for_project(*, project: Project, k: int = 10) -> list[PartnerFit]:
    """Investors, pilot sites and the center whose stated interests the project best fits,
    best first, each with at least one interest met; partners already in a relation with the
    project are left out. A private project gets no partners."""
    if not project.is_public:
        return []
    candidates = _candidate_partners(project)
    if not candidates:
        return []
    features = features_of(project)
    market = encode([c[1] for c in candidates], [features], regions=REGIONS)
    out: list[PartnerFit] = []
    for match in top_partners(market, k=len(candidates))[0]:
        organisation, interests, kind = candidates[match.partner]
        reasons = explain(interests, features, match, regions=REGIONS)
        if meets_an_interest(reasons):
            out.append(
                PartnerFit(
                    organisation=organisation,
                    kind=kind,
                    score=match.score,
                    reasons=phrases(reasons, project, _for_project),
                )
            )
            if len(out) == k:
                break
    return out
