"""JSON API: browse projects, a project's profile, the pipeline steps, the center registry and
the awards.

Every endpoint calls the same services and queries as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from aileague.common.api import optional_auth, token_or_session
from aileague.common.errors import NotFound
from aileague.common.i18n import pick
from aileague.competitions.queries import access_scenario, league_by_slug
from aileague.outcomes import queries, services
from aileague.outcomes.introductions import plan_introductions
from aileague.outcomes.models import Award, Project, Relation

router = Router(tags=["projects"])


class ProjectOut(Schema):
    slug: str
    title: str
    summary: str
    league: str
    track: str
    team: str
    country: str
    readiness: int
    demo_url: str
    languages: list[str]
    target_countries: list[str]
    tags: list[str]
    award: str | None
    product_launched_at: date | None


class ProjectDetailOut(ProjectOut):
    pipeline: dict[str, int]
    #: Only for the team, partners in a relation with the project and organisers.
    seeking_cny: Decimal | None = None


class ProjectPage(Schema):
    count: int
    page: int
    pages: int
    projects: list[ProjectOut]


class RelationOut(Schema):
    id: int
    project: str
    partner: str
    kind: str
    stage: str
    message: str
    meeting_at: datetime | None
    amount: Decimal | None
    currency: str
    cny_per_unit: Decimal | None
    amount_cny: Decimal | None
    next_actions: list[str]


class InterestIn(Schema):
    message: str = ""


class MeetingIn(Schema):
    at: datetime
    note: str = ""


class DeclineIn(Schema):
    reason: str = ""


class AdvanceIn(Schema):
    stage: str
    amount: Decimal | None = None
    currency: str = "CNY"
    on: date | None = None
    note: str = ""


class CountryLineOut(Schema):
    country: str
    projects: int
    agreed_investment_cny: Decimal


class SignInOut(Schema):
    project: str
    team: str
    signed_on: date
    country: str
    field: str
    agreed_investment: Decimal
    currency: str
    cny_per_unit: Decimal
    agreed_investment_cny: Decimal


class RegistryOut(Schema):
    total_projects: int
    total_investment_cny: Decimal
    by_country: list[CountryLineOut]
    rows: list[SignInOut]


def _project_out(project: Project, cls=ProjectOut, **extra):
    return cls(
        slug=project.slug,
        title=pick(project.title),
        summary=pick(project.summary),
        league=project.league.slug,
        track=project.track.slug,
        team=project.team.name,
        country=project.country,
        readiness=project.readiness,
        demo_url=project.demo_url,
        languages=project.languages,
        target_countries=project.target_countries,
        tags=project.tags,
        award=project.award.level if project.award else None,
        product_launched_at=project.product_launched_at,
        **extra,
    )


def _relation_out(relation: Relation, user) -> RelationOut:
    return RelationOut(
        id=relation.pk,
        project=relation.project.slug,
        partner=relation.partner.name,
        kind=relation.kind,
        stage=relation.stage,
        message=relation.message,
        meeting_at=relation.meeting_at,
        amount=relation.amount,
        currency=relation.currency,
        cny_per_unit=relation.cny_per_unit,
        amount_cny=relation.amount_cny,
        next_actions=queries.next_actions(relation, user),
    )


@router.get("/projects", response=ProjectPage, auth=optional_auth)
def list_projects(
    request,
    track: str = "",
    country: str = "",
    readiness_min: int | None = None,
    language: str = "",
    tag: str = "",
    q: str = "",
    page: int = 1,
):
    """Public projects; ``country`` may be ``ASEAN``. Awarded first, then the most ready."""
    projects = queries.browse_projects(
        user=request.user,
        track=track or None,
        country=country or None,
        readiness_min=readiness_min,
        language=language or None,
        tag=tag or None,
        text=q or None,
    )
    current = Paginator(projects, queries.PAGE_SIZE).get_page(page)
    return ProjectPage(
        count=current.paginator.count,
        page=current.number,
        pages=current.paginator.num_pages,
        projects=[_project_out(p) for p in current],
    )


@router.get("/projects/{slug}", response=ProjectDetailOut, auth=optional_auth)
def get_project(request, slug: str):
    project = queries.access_project(slug=slug, user=request.user)
    amounts = queries.can_see_amounts(request.user, project)
    return _project_out(
        project,
        ProjectDetailOut,
        pipeline=queries.pipeline_counts(project),
        seeking_cny=project.seeking_cny if amounts else None,
    )


@router.post("/projects/{slug}/interest", response={201: RelationOut}, auth=token_or_session)
def post_interest(request, slug: str, payload: InterestIn):
    """Express interest as an investor, pilot site or the center (``already_related`` if your
    organisation already follows the project)."""
    project = queries.access_project(slug=slug, user=request.auth)
    relation = services.express_interest(
        project=project, actor=request.auth, message=payload.message
    )
    return Status(201, _relation_out(relation, request.auth))


@router.get("/relations", response=list[RelationOut], auth=token_or_session)
def my_relations(request):
    """My pipeline: relations of my organisation and of my teams' projects."""
    user = request.auth
    relations = {r.pk: r for r in queries.relations_of_partner(user)}
    relations.update({r.pk: r for r in queries.relations_of_teams(user)})
    return [_relation_out(r, user) for r in relations.values()]


@router.post("/relations/{relation_id}/meeting", response=RelationOut, auth=token_or_session)
def post_meeting(request, relation_id: int, payload: MeetingIn):
    relation = queries.access_relation(relation_id=relation_id, user=request.auth)
    relation = services.request_meeting(
        relation=relation, actor=request.auth, at=payload.at, note=payload.note
    )
    return _relation_out(relation, request.auth)


@router.post("/relations/{relation_id}/accept", response=RelationOut, auth=token_or_session)
def post_accept(request, relation_id: int):
    relation = queries.access_relation(relation_id=relation_id, user=request.auth)
    return _relation_out(
        services.accept_meeting(relation=relation, actor=request.auth), request.auth
    )


@router.post("/relations/{relation_id}/decline", response=RelationOut, auth=token_or_session)
def post_decline(request, relation_id: int, payload: DeclineIn):
    """The team declines; the partner's people withdraw instead."""
    user = request.auth
    relation = queries.access_relation(relation_id=relation_id, user=user)
    if queries.is_relation_partner(user, relation):
        relation = services.withdraw(relation=relation, actor=user, reason=payload.reason)
    else:
        relation = services.decline(relation=relation, actor=user, reason=payload.reason)
    return _relation_out(relation, user)


@router.post("/relations/{relation_id}/advance", response=RelationOut, auth=token_or_session)
def post_advance(request, relation_id: int, payload: AdvanceIn):
    """Move one step forward; ``amount`` in ``currency`` is converted to CNY at the rate
    recorded on or before ``on`` (``no_exchange_rate`` if there is none)."""
    relation = queries.access_relation(relation_id=relation_id, user=request.auth)
    relation = services.advance_relation(
        relation=relation,
        actor=request.auth,
        stage=payload.stage,
        amount=payload.amount,
        currency=payload.currency,
        on=payload.on,
        note=payload.note,
    )
    return _relation_out(relation, request.auth)


@router.get("/center/registry", response=RegistryOut, auth=optional_auth)
def get_registry(
    request, league: str = "", year: int | None = None, countries: str = "", field: str = ""
):
    """Projects signed into the center; ``countries``: ``asean`` or comma-separated codes."""
    from aileague.competitions.models import League

    league_obj = League.objects.filter(slug=league).first() if league else None
    if league and league_obj is None:
        raise NotFound(_("No such league."), code="league_not_found")
    if countries and countries.lower() != "asean":
        countries = [c.strip().upper() for c in countries.split(",") if c.strip()]
    registry = queries.center_registry(
        league=league_obj, year=year, countries=countries or None, field=field or None
    )
    return RegistryOut(
        total_projects=registry.total_projects,
        total_investment_cny=registry.total_investment_cny,
        by_country=[CountryLineOut(**vars(line)) for line in registry.by_country],
        rows=[
            SignInOut(
                project=row.project.slug,
                team=row.project.team.name,
                signed_on=row.signed_on,
                country=row.country,
                field=row.field,
                agreed_investment=row.agreed_investment,
                currency=row.currency,
                cny_per_unit=row.cny_per_unit,
                agreed_investment_cny=row.agreed_investment_cny,
            )
            for row in registry.rows
        ],
    )


# --- Awards ------------------------------------------------------------------------------------


class AwardOut(Schema):
    id: int
    league: str
    team: str
    team_id: int
    country: str
    scenario: str
    level: str
    amount: Decimal | None
    currency: str
    awarded_at: date


class AwardIn(Schema):
    team: int
    scenario: str
    level: str
    amount: Decimal | None = None
    currency: str = "CNY"
    awarded_at: date


def _award_out(award: Award) -> AwardOut:
    return AwardOut(
        id=award.pk,
        league=award.league.slug,
        team=award.team.name,
        team_id=award.team_id,
        country=award.team.country,
        scenario=award.scenario.slug,
        level=award.level,
        amount=award.amount,
        currency=award.currency,
        awarded_at=award.awarded_at,
    )


@router.get("/awards", response=list[AwardOut], auth=optional_auth)
def list_awards(request, league: str | None = None, scenario: str | None = None):
    """The prizes awarded (public), by scenario and level; filter by league or scenario slug."""
    return [
        _award_out(award) for award in queries.awards(league_slug=league, scenario_slug=scenario)
    ]


@router.post("/awards", response={201: AwardOut}, auth=token_or_session)
def post_award(request, payload: AwardIn):
    """Record a prize (organisers of the scenario's league): one per team and scenario
    (``already_awarded``); ``level`` is one of first, second, third, excellence, special."""
    team = queries.team_for_award(payload.team)
    scenario = access_scenario(slug=payload.scenario, user=request.auth)
    award = services.record_award(
        team=team,
        scenario=scenario,
        level=payload.level,
        amount=payload.amount,
        currency=payload.currency,
        awarded_at=payload.awarded_at,
        actor=request.auth,
    )
    return Status(201, _award_out(award))


# --- Introductions -----------------------------------------------------------------------------


class IntroductionOut(Schema):
    partner: str
    kind: str
    project: str
    team: str
    track: str
    score: float
    reasons: list[str]


@router.get("/introductions", response=list[IntroductionOut], auth=token_or_session)
def get_introductions(
    request, league: str, per_partner: int = 3, per_project: int = 2, min_score: float = 0.0
):
    """The league's plan of introductions (organisers): at most ``per_partner`` per partner and
    ``per_project`` per project, greatest total fit, each with its reasons."""
    plan = plan_introductions(
        league=league_by_slug(league),
        actor=request.auth,
        per_partner=per_partner,
        per_project=per_project,
        min_score=min_score,
    )
    return [
        IntroductionOut(
            partner=row.partner.name,
            kind=row.kind,
            project=row.project.slug,
            team=row.project.team.name,
            track=row.project.track.slug,
            score=round(row.score, 6),
            reasons=row.reasons,
        )
        for row in plan
    ]
