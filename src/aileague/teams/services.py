"""Team rules: size limits, one captain, one team per person per scenario, eligibility."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.common.audit import record_audit
from aileague.common.countries import CHINESE_PROVINCES, COUNTRIES
from aileague.common.errors import Conflict, InvalidInput, PermissionDenied
from aileague.competitions.models import League, Scenario, ScenarioStatus
from aileague.teams.models import Entry, MemberRole, Membership, Team, TeamOrganisationType


def _require_verified(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."), code="not_signed_in")
    if user.email_verified_at is None:
        raise PermissionDenied(
            _("Confirm your email address first: open the link we sent you."),
            code="email_not_verified",
        )


def _check_location(country: str, province: str, is_joint: bool) -> None:
    if country not in COUNTRIES:
        raise InvalidInput(
            _("Country must be China or an ASEAN country (ISO code such as CN, VN, TH)."),
            code="invalid_country",
        )
    if country == "CN" and province not in CHINESE_PROVINCES:
        raise InvalidInput(
            _("Teams based in China must give their province (ISO code such as CN-GX)."),
            code="invalid_province",
        )
    if country != "CN" and province:
        raise InvalidInput(_("Only teams based in China give a province."), code="invalid_province")


def create_team(
    *,
    league: League,
    name: str,
    captain,
    country: str,
    organisation_type: str,
    province: str = "",
    organisation_name: str = "",
    is_joint: bool = False,
) -> Team:
    _require_verified(captain)
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the team a name."), code="empty_team_name")
    _check_location(country, province, is_joint)
    if organisation_type not in TeamOrganisationType.values:
        raise InvalidInput(
            _("Organisation type must be one of: %(types)s.")
            % {"types": ", ".join(TeamOrganisationType.values)},
            code="invalid_organisation_type",
        )
    try:
        with transaction.atomic():
            team = Team.objects.create(
                league=league,
                name=name,
                country=country,
                province=province,
                organisation_type=organisation_type,
                organisation_name=organisation_name,
                is_joint=is_joint,
            )
            Membership.objects.create(team=team, user=captain, role=MemberRole.CAPTAIN)
            record_audit(
                actor=captain,
                action="team.create",
                target=team,
                after={"name": name, "country": country, "province": province},
            )
    except IntegrityError:
        raise Conflict(
            _("A team called '%(name)s' already exists in this league.") % {"name": name},
            code="team_name_taken",
        ) from None
    return team


def is_captain(user, team: Team) -> bool:
    return Membership.objects.filter(team=team, user=user, role=MemberRole.CAPTAIN).exists()


def add_member(*, team: Team, user, role: str = MemberRole.MEMBER, actor) -> Membership:
    """The captain adds a verified person; advisors do not count towards the size limit."""
    if not is_captain(actor, team):
        raise PermissionDenied(_("Only the team captain can add members."), code="not_captain")
    _require_verified(user)
    if role not in (MemberRole.MEMBER, MemberRole.ADVISOR):
        raise InvalidInput(_("A new member is a member or an advisor."), code="invalid_role")
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        if role == MemberRole.MEMBER:
            size = team.memberships.exclude(role=MemberRole.ADVISOR).count()
            if size >= team.league.team_size_max:
                raise Conflict(
                    _("Teams have at most %(max)d members.") % {"max": team.league.team_size_max},
                    code="team_full",
                )
        clash = (
            Entry.objects.filter(
                scenario__in=team.entries.values("scenario"), team__memberships__user=user
            )
            .exclude(team=team)
            .select_related("scenario")
            .first()
        )
        if clash is not None:
            raise Conflict(
                _("%(user)s is already in another team entered in '%(scenario)s'.")
                % {"user": user, "scenario": clash.scenario.slug},
                code="one_team_per_scenario",
            )
        membership, created = Membership.objects.get_or_create(
            team=team, user=user, defaults={"role": role}
        )
        if not created:
            raise Conflict(_("This person is already in the team."), code="already_member")
        record_audit(
            actor=actor,
            action="team.add_member",
            target=team,
            after={"user": user.pk, "role": role},
        )
    return membership


def register_entry(*, team: Team, scenario: Scenario, actor) -> Entry:
    """Enter a team into a scenario: checks eligibility, team size and one-team-per-person."""
    if not is_captain(actor, team):
        raise PermissionDenied(_("Only the team captain can enter the team."), code="not_captain")
    if scenario.status != ScenarioStatus.PUBLISHED:
        raise Conflict(_("This scenario is not open for entries."), code="scenario_not_published")
    if scenario.track.league_id != team.league_id:
        raise InvalidInput(_("The team belongs to another league."), code="wrong_league")
    last_close = scenario.stages.order_by("-closes_at").values_list("closes_at", flat=True).first()
    if last_close is None or last_close <= timezone.now():
        raise Conflict(_("Entries for this scenario are closed."), code="entries_closed")
    members = team.memberships.exclude(role=MemberRole.ADVISOR)
    size = members.count()
    league = team.league
    if not league.team_size_min <= size <= league.team_size_max:
        raise Conflict(
            _("A team needs %(min)d to %(max)d members to enter; yours has %(n)d.")
            % {"min": league.team_size_min, "max": league.team_size_max, "n": size},
            code="team_size",
        )
    with transaction.atomic():
        clash = (
            Entry.objects.filter(
                scenario=scenario, team__memberships__user__in=team.memberships.values("user")
            )
            .exclude(team=team)
            .select_related("team")
            .first()
        )
        if clash is not None:
            raise Conflict(
                _("A member of your team is already in team '%(team)s' for this scenario.")
                % {"team": clash.team.name},
                code="one_team_per_scenario",
            )
        entry, created = Entry.objects.get_or_create(
            team=team, scenario=scenario, defaults={"registered_by": actor}
        )
        if not created:
            raise Conflict(_("Your team is already entered."), code="already_entered")
        record_audit(
            actor=actor,
            action="entry.register",
            target=entry,
            after={"team": team.pk, "scenario": scenario.slug},
        )
    return entry
