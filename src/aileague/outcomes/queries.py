"""Reads of the after-league slice: who may do what, project browsing, pipelines, the center's
registry and the season's outcome figures. Services and adapters share these checks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils.translation import gettext as _

from aileague.accounts.queries import is_organiser
from aileague.common.countries import ASEAN_COUNTRIES
from aileague.common.errors import NotFound
from aileague.outcomes.models import (
    Award,
    AwardLevel,
    CenterSignIn,
    PartnerKind,
    PartnerProfile,
    Project,
    Relation,
    RelationStage,
)
from aileague.teams.models import MemberRole, Membership, Team

ASEAN = "ASEAN"
#: The pipeline in order; declined and withdrawn end a relation wherever it stands.
PIPELINE = (
    RelationStage.INTEREST,
    RelationStage.MEETING,
    RelationStage.AGREEMENT,
    RelationStage.CONTRACT,
    RelationStage.DEPLOYED,
)
TERMINAL = (RelationStage.DECLINED, RelationStage.WITHDRAWN)
#: Stages whose amount counts as money committed to a project.
PAGE_SIZE = 24
CENT = Decimal("0.01")


def _cny(value) -> Decimal:
    """A database sum as an amount in fen (SQLite sums decimals without their scale)."""
    return Decimal(value or 0).quantize(CENT)


# --- Who is who ---------------------------------------------------------------------------


def partner_profile_of(user) -> PartnerProfile | None:
    """The partner profile of the user's organisation, if it is an investor, site or center."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return None
    return PartnerProfile.objects.filter(organisation_id=user.organisation_id).first()


def is_center_operator(user) -> bool:
    profile = partner_profile_of(user)
    return profile is not None and profile.kind == PartnerKind.CENTER


def is_team_member(user, team) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(team=team, user=user).exists()
    )


def is_team_captain(user, team) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(team=team, user=user, role=MemberRole.CAPTAIN).exists()
    )


def is_relation_partner(user, relation: Relation) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.organisation_id is not None
        and user.organisation_id == relation.partner_id
    )


def can_start_project(user, team) -> bool:
    """Organisers of the team's league and the team's captain start a project for it."""
    return is_organiser(user, team.league) or is_team_captain(user, team)


def teams_able_to_start(user):
    """Teams the user captains: each may get a project profile (organisers use ``?team=``)."""
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    return (
        Team.objects.filter(memberships__user=user, memberships__role=MemberRole.CAPTAIN)
        .select_related("league")
        .order_by("league", "name")
    )


def can_manage_project(user, project: Project) -> bool:
    """Organisers of the league and the team's captain edit a project."""
    return is_organiser(user, project.league) or is_team_captain(user, project.team)


def can_see_amounts(user, project: Project) -> bool:
    """Amounts are for the team, the partners in a relation, and the organisers."""
    if is_organiser(user, project.league) or is_team_member(user, project.team):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and user.organisation_id
        and project.relations.filter(partner_id=user.organisation_id).exists()
    )


def can_see_project(user, project: Project) -> bool:
    return project.is_public or can_see_amounts(user, project)


def access_project(*, slug: str, user) -> Project:
    """A project for whoever may see it; NotFound otherwise (a hidden profile does not exist)."""
    project = (
        Project.objects.select_related("team", "track", "scenario", "award", "league")
        .filter(slug=slug)
        .first()
    )
    if project is None or not can_see_project(user, project):
        raise NotFound(_("No such project."), code="project_not_found")
    return project


def access_relation(*, relation_id: int, user) -> Relation:
    """A relation, for its partner's people, the team and organisers; NotFound for others."""
    relation = (
        Relation.objects.select_related("project__team", "project__league", "partner")
        .filter(pk=relation_id)
        .first()
    )
    if relation is None or not (
        is_relation_partner(user, relation)
        or is_team_member(user, relation.project.team)
        or is_organiser(user, relation.project.league)
    ):
        raise NotFound(_("No such relation."), code="relation_not_found")
    return relation


# --- Browsing -----------------------------------------------------------------------------


def _json_text(field_name: str, text: str) -> Q:
    """``text`` inside a JSON field, whichever way the database stores non-ASCII text
    (PostgreSQL as is, SQLite as ``\\uXXXX`` escapes)."""
    escaped = json.dumps(text)[1:-1]
    query = Q(**{f"{field_name}__icontains": text})
    if escaped != text:
        query |= Q(**{f"{field_name}__icontains": escaped})
    return query


def _json_list_item(field_name: str, item: str) -> Q:
    # A quoted element of a JSON list: '"vi"' matches ["en", "vi"] but not ["vie"].
    return _json_text(field_name, json.dumps(item)[1:-1].join('""'))


def _level_order(field: str) -> Case:
    """Award levels in prize order (first prize first); no award last."""
    return Case(
        *(
            When(**{field: level}, then=Value(position))
            for position, level in enumerate(AwardLevel.values)
        ),
        default=Value(len(AwardLevel.values)),
        output_field=IntegerField(),
    )


_AWARD_ORDER = _level_order("award__level")


def browse_projects(
    *,
    user=None,
    league=None,
    track: str | int | None = None,
    country: str | None = None,
    readiness_min: int | None = None,
    language: str | None = None,
    tag: str | None = None,
    text: str | None = None,
):
    """Public projects matching the filters: awarded first (by prize), then the most ready.

    ``country`` is a code or ``"ASEAN"`` for the member states (``ASEAN_COUNTRIES``);
    ``track`` a track id or slug.
    """
    projects = Project.objects.filter(is_public=True).select_related(
        "team", "track", "award", "league"
    )
    if league is not None:
        projects = projects.filter(league=league)
    if track:
        if str(track).isdigit():
            projects = projects.filter(track_id=int(track))
        else:
            projects = projects.filter(track__slug=track)
    if country:
        if country.upper() == ASEAN:
            projects = projects.filter(country__in=list(ASEAN_COUNTRIES))
        else:
            projects = projects.filter(country=country.upper())
    if readiness_min:
        projects = projects.filter(readiness__gte=readiness_min)
    if language:
        projects = projects.filter(_json_list_item("languages", language))
    if tag:
        projects = projects.filter(_json_list_item("tags", tag))
    if text:
        text = text.strip()
        projects = projects.filter(
            _json_text("title", text)
            | _json_text("summary", text)
            | _json_text("tags", text)
            | Q(team__name__icontains=text)
        )
    return projects.annotate(award_order=_AWARD_ORDER).order_by(
        "award_order", "-readiness", "-created_at", "pk"
    )


def pipeline_counts(project: Project) -> dict[str, int]:
    """How many relations stand at each stage (counts only: public on the profile)."""
    counts = dict(
        project.relations.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    return {stage: counts.get(stage, 0) for stage in RelationStage.values}


def known_tags(league=None) -> list[str]:
    projects = Project.objects.filter(is_public=True)
    if league is not None:
        projects = projects.filter(league=league)
    return sorted({tag for tags in projects.values_list("tags", flat=True) for tag in tags or []})


# --- Pipelines ----------------------------------------------------------------------------


def next_actions(relation: Relation, user) -> list[str]:
    """What ``user`` may do next with ``relation``: names of services, in button order."""
    if relation.stage in TERMINAL:
        return []
    partner = is_relation_partner(user, relation)
    team = is_team_member(user, relation.project.team)
    organiser = is_organiser(user, relation.project.league)
    actions: list[str] = []
    if relation.stage == RelationStage.INTEREST:
        if partner:
            actions.append("request_meeting")
        if team and relation.meeting_at is not None:
            actions.append("accept_meeting")
    elif relation.stage != RelationStage.DEPLOYED and (partner or team or organiser):
        actions.append("advance")
    if relation.stage == RelationStage.DEPLOYED:
        return actions  # deployed is where a relation ends well: nothing to decline or withdraw
    if team:
        actions.append("decline")
    if partner:
        actions.append("withdraw")
    return actions


def next_stage(relation: Relation) -> str | None:
    if relation.stage in TERMINAL or relation.stage == RelationStage.DEPLOYED:
        return None
    return PIPELINE[PIPELINE.index(relation.stage) + 1]


def relations_of_partner(user):
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return Relation.objects.none()
    return Relation.objects.filter(partner_id=user.organisation_id).select_related(
        "project__team", "project__track", "partner"
    )


def relations_of_teams(user):
    if not getattr(user, "is_authenticated", False):
        return Relation.objects.none()
    return (
        Relation.objects.filter(project__team__memberships__user=user)
        .select_related("project__team", "project__track", "partner")
        .distinct()
    )


def pipeline_overview(*, league=None, stage: str = "", kind: str = "", track: str = ""):
    relations = Relation.objects.select_related(
        "project__team", "project__track", "project__league", "partner"
    )
    if league is not None:
        relations = relations.filter(project__league=league)
    if stage:
        relations = relations.filter(stage=stage)
    if kind:
        relations = relations.filter(kind=kind)
    if track:
        key = "project__track_id" if str(track).isdigit() else "project__track__slug"
        relations = relations.filter(**{key: track})
    return relations.order_by("-updated_at", "-pk")


# --- The cooperation center ---------------------------------------------------------------


@dataclass
class CountryLine:
    country: str
    projects: int
    agreed_investment_cny: Decimal


@dataclass
class Registry:
    rows: list[CenterSignIn]
    by_country: list[CountryLine] = field(default_factory=list)
    total_projects: int = 0
    total_investment_cny: Decimal = Decimal("0.00")


def center_registry(
    *, league=None, year: int | None = None, countries=None, field=None
) -> Registry:
    """Projects signed into the center, and counts and agreed investment (CNY) by country.

    ``countries``: None for all, ``"asean"`` for the ASEAN member states, or a list of codes.
    By-country lines are ordered by investment, then count, then code.
    """
    sign_ins = CenterSignIn.objects.select_related("project__team", "project__track")
    if league is not None:
        sign_ins = sign_ins.filter(project__league=league)
    if year:
        sign_ins = sign_ins.filter(signed_on__year=year)
    if isinstance(countries, str):
        countries = list(ASEAN_COUNTRIES) if countries.upper() == ASEAN else [countries.upper()]
    if countries:
        sign_ins = sign_ins.filter(country__in=countries)
    if field:
        sign_ins = sign_ins.filter(field__iexact=field)
    rows = list(sign_ins.order_by("-signed_on", "pk"))
    grouped = (
        sign_ins.order_by()
        .values("country")
        .annotate(n=Count("pk"), cny=Sum("agreed_investment_cny"))
    )
    by_country = sorted(
        (CountryLine(g["country"], g["n"], _cny(g["cny"])) for g in grouped),
        key=lambda line: (-line.agreed_investment_cny, -line.projects, line.country),
    )
    return Registry(
        rows=rows,
        by_country=by_country,
        total_projects=len(rows),
        total_investment_cny=sum((r.agreed_investment_cny for r in rows), Decimal("0.00")),
    )


def center_fields(league=None) -> list[str]:
    sign_ins = CenterSignIn.objects.all()
    if league is not None:
        sign_ins = sign_ins.filter(project__league=league)
    return sorted(set(sign_ins.values_list("field", flat=True)))


# --- The season's figures -----------------------------------------------------------------


def awards(*, league_slug: str | None = None, scenario_slug: str | None = None):
    """Awards, public: by league, scenario and level."""
    rows = Award.objects.select_related("league", "team", "scenario")
    if league_slug:
        rows = rows.filter(league__slug=league_slug)
    if scenario_slug:
        rows = rows.filter(scenario__slug=scenario_slug)
    return rows.order_by("league__slug", "scenario__slug", _level_order("level"), "team__name")


def team_for_award(team_id: int) -> Team:
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No team with id %(id)s.") % {"id": team_id}, code="team_not_found")
    return team
