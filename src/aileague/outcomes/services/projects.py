"""Awards and projects: record a prize, turn an entry or an award into a project with a public
profile, edit that profile, mark the product launched."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput, PermissionDenied
from aileague.common.i18n import pick
from aileague.outcomes import queries
from aileague.outcomes.models import Award, AwardLevel, Project
from aileague.outcomes.services._checks import (
    _amount,
    _check_organiser,
    _check_project_manager,
    _codes,
    _country,
    _readiness,
    _snapshot,
    _text_map,
    _url,
)

#: Path segments of /projects/ that a project's slug must not take.
RESERVED_SLUGS = {"center", "pipeline", "partner", "relations", "milestones", "overview", "new"}
PROJECT_FIELDS = (
    "title",
    "summary",
    "country",
    "readiness",
    "demo_url",
    "languages",
    "target_countries",
    "tags",
    "seeking_cny",
    "is_public",
)


def _clean_project_field(name: str, value):
    if name == "title":
        return _text_map(value, required=True, code="title_required")
    if name == "summary":
        return _text_map(value, required=False, code="summary")
    if name == "country":
        return _country(value)
    if name == "readiness":
        return _readiness(value)
    if name == "demo_url":
        return _url(value)
    if name in ("languages", "tags"):
        return _codes(value)
    if name == "target_countries":
        return _codes(value, countries=True)
    if name == "seeking_cny":
        return _amount(value)
    return bool(value)


def _unique_slug(title: dict, fallback: str) -> str:
    base = (slugify(pick(title, "en")) or slugify(fallback) or "project")[:40].strip("-")
    if base in RESERVED_SLUGS:
        base = f"{base}-project"
    slug, i = base, 1
    while Project.objects.filter(slug=slug).exists():
        i += 1
        slug = f"{base}-{i}"
    return slug


def record_award(*, team, scenario, level, amount, currency, awarded_at, actor) -> Award:
    """Record a prize (organisers). One award per team and scenario."""
    league = scenario.track.league
    _check_organiser(actor, league)
    if team.league_id != league.pk:
        raise InvalidInput(_("The team is not in this scenario's league."), code="wrong_league")
    if level not in AwardLevel.values:
        raise InvalidInput(_("Unknown award level."), code="invalid_level")
    with transaction.atomic():
        if Award.objects.filter(team=team, scenario=scenario).exists():
            raise Conflict(
                _("This team already has an award in this scenario."), code="already_awarded"
            )
        award = Award.objects.create(
            league=league,
            team=team,
            scenario=scenario,
            level=level,
            amount=_amount(amount),
            currency=(currency or "CNY").upper(),
            awarded_at=awarded_at,
        )
        record_audit(
            actor=actor,
            action="outcomes.record_award",
            target=award,
            after=_snapshot(award, ("team_id", "scenario_id", "level", "amount", "currency")),
        )
    return award


def create_project(
    *,
    team,
    track,
    actor,
    title,
    summary=None,
    country: str | None = None,
    readiness: int = 4,
    scenario=None,
    award=None,
    demo_url: str = "",
    languages=(),
    target_countries=(),
    tags=(),
    seeking_cny=None,
    is_public: bool = True,
) -> Project:
    """A project with a profile, for a team (organisers, or the team's captain)."""
    if not queries.can_start_project(actor, team):
        raise PermissionDenied(
            _("Only the team's captain and the organisers may start a project."),
            code="not_project_manager",
        )
    if track.league_id != team.league_id:
        raise InvalidInput(_("The track is not in the team's league."), code="wrong_league")
    if scenario is not None and scenario.track_id != track.pk:
        raise InvalidInput(_("The scenario is not in this track."), code="wrong_track")
    values = {
        "title": title,
        "summary": summary,
        "country": country or team.country,
        "readiness": readiness,
        "demo_url": demo_url,
        "languages": languages,
        "target_countries": target_countries,
        "tags": tags,
        "seeking_cny": seeking_cny,
        "is_public": is_public,
    }
    values = {name: _clean_project_field(name, value) for name, value in values.items()}
    with transaction.atomic():
        project = Project.objects.create(
            league=team.league,
            team=team,
            track=track,
            scenario=scenario,
            award=award,
            slug=_unique_slug(values["title"], team.name),
            **values,
        )
        record_audit(
            actor=actor,
            action="outcomes.create_project",
            target=project,
            after={"slug": project.slug, **_snapshot(project, PROJECT_FIELDS)},
        )
    return project


def update_project(*, project: Project, actor, **fields) -> Project:
    """Change a project's profile (the team's captain, organisers)."""
    _check_project_manager(actor, project)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Unknown project fields: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    cleaned = {name: _clean_project_field(name, value) for name, value in fields.items()}
    with transaction.atomic():
        before = _snapshot(project, cleaned)
        for name, value in cleaned.items():
            setattr(project, name, value)
        project.save(update_fields=list(cleaned) or None)
        record_audit(
            actor=actor,
            action="outcomes.update_project",
            target=project,
            before=before,
            after=_snapshot(project, cleaned),
        )
    return project


def project_from_award(*, award: Award, actor, **overrides) -> Project:
    """An awarded entry becomes a project: the profile starts from the scenario's texts."""
    if Project.objects.filter(award=award).exists():
        raise Conflict(_("This award already has a project."), code="project_exists")
    scenario = award.scenario
    title = {
        language: f"{award.team.name} · {text}" for language, text in (scenario.title or {}).items()
    } or award.team.name
    values = {
        "title": title,
        "summary": scenario.summary or {},
        "languages": scenario.languages or [],
        "target_countries": scenario.target_countries or [],
        **overrides,
    }
    return create_project(
        team=award.team, track=scenario.track, scenario=scenario, award=award, actor=actor, **values
    )


def mark_product_launched(*, project: Project, actor, on: date | None = None) -> Project:
    """The project's product is on the market (the team's captain, organisers)."""
    _check_project_manager(actor, project)
    on = on or timezone.localdate()
    with transaction.atomic():
        before = {"product_launched_at": str(project.product_launched_at or "") or None}
        project.product_launched_at = on
        project.save(update_fields=["product_launched_at"])
        record_audit(
            actor=actor,
            action="outcomes.mark_product_launched",
            target=project,
            before=before,
            after={"product_launched_at": on.isoformat()},
        )
    return project
