"""Projects, the pipeline and conversions at recorded rates, through the services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aileague.common.errors import Conflict, InvalidInput, PermissionDenied
from aileague.common.models import AuditEntry
from aileague.outcomes import queries, services
from aileague.outcomes.currency import to_cny
from aileague.outcomes.models import Project, Relation, RelationEvent
from aileague.reports.figures import season_figures
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MEETING_AT = timezone.make_aware(datetime(2026, 2, 10, 10, 0))


def interest(world, who=None, project=None):
    return services.express_interest(
        project=project or world.project, actor=who or world.investor, message="Let us talk."
    )


def at_meeting(world) -> Relation:
    relation = interest(world)
    services.request_meeting(relation=relation, actor=world.investor, at=MEETING_AT)
    return services.accept_meeting(relation=relation, actor=world.member)


# --- Projects ------------------------------------------------------------------------------


def test_project_gets_a_unique_slug_from_its_english_title(world):
    again = services.create_project(
        team=world.vn_team, track=world.track, actor=world.captain, title="Parcel delay radar"
    )
    assert (world.project.slug, again.slug) == ("parcel-delay-radar", "parcel-delay-radar-2")
    assert again.country == "VN"  # the team's country when none is given


def test_reserved_words_are_not_slugs(world):
    project = services.create_project(
        team=world.vn_team, track=world.track, actor=world.organiser, title="Center"
    )
    assert project.slug == "center-project"


def test_a_member_who_is_not_captain_cannot_start_a_project(world):
    with pytest.raises(PermissionDenied) as error:
        services.create_project(
            team=world.vn_team, track=world.track, actor=world.member, title="Side project"
        )
    assert error.value.code == "not_project_manager"


def test_project_fields_are_validated(world):
    with pytest.raises(InvalidInput) as error:
        services.update_project(project=world.project, actor=world.captain, readiness=10)
    assert error.value.code == "invalid_readiness"
    with pytest.raises(InvalidInput) as error:
        services.update_project(project=world.project, actor=world.captain, target_countries=["FR"])
    assert error.value.code == "unknown_country"
    with pytest.raises(InvalidInput) as error:
        services.update_project(project=world.project, actor=world.captain, demo_url="radar")
    assert error.value.code == "invalid_url"


def test_update_project_records_before_and_after(world):
    services.update_project(project=world.project, actor=world.captain, readiness=7)
    entry = AuditEntry.objects.filter(action="outcomes.update_project").get()
    assert (entry.before, entry.after) == ({"readiness": 6}, {"readiness": 7})


def test_award_becomes_a_project_with_the_scenario_texts(world):
    award = services.record_award(
        team=world.cn_team,
        scenario=world.scenario,
        level="first",
        amount="200000",
        currency="cny",
        awarded_at=date(2026, 1, 20),
        actor=world.organiser,
    )
    project = services.project_from_award(award=award, actor=world.organiser, readiness=5)
    scenario_title = world.scenario.title["en"]
    assert project.title["en"] == f"Guilin AI Lab · {scenario_title}"
    assert (project.award, project.scenario, project.track) == (
        award,
        world.scenario,
        world.track,
    )
    assert (project.country, project.readiness, award.amount) == ("CN", 5, Decimal("200000.00"))
    with pytest.raises(Conflict) as error:
        services.project_from_award(award=award, actor=world.organiser)
    assert error.value.code == "project_exists"


def test_only_organisers_record_awards(world):
    with pytest.raises(PermissionDenied):
        services.record_award(
            team=world.vn_team,
            scenario=world.scenario,
            level="first",
            amount=None,
            currency="CNY",
            awarded_at=date(2026, 1, 20),
            actor=world.captain,
        )


def test_product_launch_is_recorded(world):
    services.mark_product_launched(project=world.project, actor=world.captain, on=date(2026, 4, 1))
    assert Project.objects.get(pk=world.project.pk).product_launched_at == date(2026, 4, 1)


# --- The pipeline --------------------------------------------------------------------------


def test_interest_creates_a_relation_its_event_and_an_audit_entry(world):
    relation = interest(world)
    assert (relation.stage, relation.kind, relation.partner.name, relation.message) == (
        "interest",
        "investor",
        "Mekong Ventures",
        "Let us talk.",
    )
    assert list(relation.events.values_list("stage", "by", "note")) == [
        ("interest", world.investor.pk, "Let us talk.")
    ]
    assert AuditEntry.objects.filter(action="outcomes.express_interest").count() == 1


def test_a_partner_cannot_express_interest_twice(world):
    interest(world)
    colleague = make_user()
    colleague.organisation = world.investor.organisation
    colleague.save(update_fields=["organisation"])
    with pytest.raises(Conflict) as error:
        interest(world, who=colleague)
    assert error.value.code == "already_related"
    assert Relation.objects.count() == 1


def test_people_without_a_partner_profile_cannot_express_interest(world):
    with pytest.raises(PermissionDenied) as error:
        interest(world, who=make_user())
    assert error.value.code == "not_a_partner"


def test_hidden_projects_take_no_interest(world):
    services.update_project(project=world.project, actor=world.captain, is_public=False)
    with pytest.raises(PermissionDenied) as error:
        interest(world)
    assert error.value.code == "project_not_public"


def test_meeting_requested_by_the_partner_and_accepted_by_the_team(world):
    relation = interest(world)
    assert queries.next_actions(relation, world.captain) == ["decline"]
    services.request_meeting(relation=relation, actor=world.investor, at=MEETING_AT, note="Hanoi")
    relation.refresh_from_db()
    assert queries.next_actions(relation, world.captain) == ["accept_meeting", "decline"]
    with pytest.raises(PermissionDenied):
        services.accept_meeting(relation=relation, actor=world.investor)
    relation = services.accept_meeting(relation=relation, actor=world.captain)
    assert (relation.stage, relation.meeting_at) == ("meeting", MEETING_AT)
    assert list(relation.events.values_list("stage", flat=True)) == [
        "interest",
        "interest",
        "meeting",
    ]


def test_accepting_needs_a_requested_meeting(world):
    relation = interest(world)
    with pytest.raises(Conflict) as error:
        services.accept_meeting(relation=relation, actor=world.captain)
    assert error.value.code == "no_meeting_requested"


def test_only_the_partner_requests_meetings(world):
    relation = interest(world)
    with pytest.raises(PermissionDenied) as error:
        services.request_meeting(relation=relation, actor=world.site, at=MEETING_AT)
    assert error.value.code == "not_partner"


def test_the_pipeline_moves_forward_one_step_at_a_time(world):
    relation = at_meeting(world)
    with pytest.raises(Conflict) as error:
        services.advance_relation(relation=relation, actor=world.investor, stage="contract")
    assert error.value.code == "stage_skipped"
    relation = services.advance_relation(relation=relation, actor=world.investor, stage="agreement")
    with pytest.raises(Conflict) as error:
        services.advance_relation(relation=relation, actor=world.captain, stage="meeting")
    assert error.value.code == "stage_backwards"
    assert str(error.value) == (
        "The relation is already at Term sheet or pilot agreement; it cannot move back to Meeting."
    )
    for stage in ("contract", "deployed"):
        relation = services.advance_relation(relation=relation, actor=world.organiser, stage=stage)
    assert relation.stage == "deployed"
    # A deployed relation has ended well: no button offers what the services refuse.
    assert queries.next_actions(relation, world.investor) == []
    assert queries.next_actions(relation, world.captain) == []
    with pytest.raises(Conflict) as error:
        services.withdraw(relation=relation, actor=world.investor, reason="late")
    assert error.value.code == "relation_closed"


def test_strangers_cannot_advance_a_relation(world):
    relation = at_meeting(world)
    with pytest.raises(PermissionDenied) as error:
        services.advance_relation(relation=relation, actor=world.site, stage="agreement")
    assert error.value.code == "not_related"


def test_declined_relations_are_ended(world):
    relation = interest(world)
    with pytest.raises(PermissionDenied):
        services.decline(relation=relation, actor=world.investor, reason="no")
    relation = services.decline(relation=relation, actor=world.member, reason="Not now.")
    assert relation.stage == "declined"
    assert queries.next_actions(relation, world.captain) == []
    with pytest.raises(Conflict) as error:
        services.advance_relation(relation=relation, actor=world.investor, stage="meeting")
    assert error.value.code == "relation_closed"
    with pytest.raises(Conflict):
        services.withdraw(relation=relation, actor=world.investor)


def test_partner_withdraws(world):
    relation = services.withdraw(relation=interest(world), actor=world.investor, reason="Budget")
    assert relation.events.last().note == "Budget"
    assert relation.stage == "withdrawn"


# --- Amounts at recorded rates -------------------------------------------------------------


def test_amounts_convert_at_the_rate_recorded_on_or_before_the_date(world):
    relation = at_meeting(world)
    relation = services.advance_relation(
        relation=relation,
        actor=world.investor,
        stage="agreement",
        amount="1000000",
        currency="usd",
        on=date(2026, 2, 28),
    )
    assert (relation.amount, relation.currency, relation.cny_per_unit, relation.amount_cny) == (
        Decimal("1000000.00"),
        "USD",
        Decimal("7.10000000"),
        Decimal("7100000.00"),
    )
    relation = services.advance_relation(
        relation=relation,
        actor=world.investor,
        stage="contract",
        amount="1500000.55",
        currency="USD",
        on=date(2026, 3, 1),
    )
    relation.refresh_from_db()
    assert (relation.cny_per_unit, relation.amount_cny) == (
        Decimal("7.20000000"),
        Decimal("10800003.96"),
    )
    event = RelationEvent.objects.filter(relation=relation, stage="contract").get()
    assert timezone.localdate(event.at) == date(2026, 3, 1)


def test_cny_needs_no_rate_and_small_currencies_round_to_the_fen(world):
    assert to_cny(Decimal("12.345"), "CNY", date(2020, 1, 1)) == (Decimal("12.35"), Decimal(1))
    assert to_cny(Decimal("123456789"), "VND", date(2026, 6, 1)) == (
        Decimal("34567.90"),
        Decimal("0.00028000"),
    )


def test_a_missing_rate_is_a_clear_error_and_changes_nothing(world):
    relation = at_meeting(world)
    with pytest.raises(InvalidInput) as error:
        services.advance_relation(
            relation=relation,
            actor=world.investor,
            stage="agreement",
            amount="100",
            currency="THB",
            on=date(2026, 2, 1),
        )
    assert error.value.code == "no_exchange_rate"
    assert error.value.message == "No exchange rate for THB is recorded on or before 2026-02-01."
    assert error.value.details == {"currency": "THB", "date": "2026-02-01"}
    with pytest.raises(InvalidInput) as error:
        to_cny(Decimal(1), "USD", date(2025, 12, 31))  # the first USD rate is of 2026-01-01
    assert error.value.code == "no_exchange_rate"
    relation.refresh_from_db()
    assert relation.stage == "meeting"


def test_negative_amounts_are_refused(world):
    relation = at_meeting(world)
    with pytest.raises(InvalidInput) as error:
        services.advance_relation(
            relation=relation, actor=world.investor, stage="agreement", amount="-5"
        )
    assert error.value.code == "invalid_amount"


# --- Partner profiles ----------------------------------------------------------------------


def test_partner_edits_its_own_profile_only(world):
    profile = services.update_partner_profile(
        profile=world.investor_profile,
        actor=world.investor,
        tracks=[world.track],
        countries=["vn", "TH"],
        readiness_min=5,
        ticket_max_cny="5000000",
    )
    assert (profile.countries, profile.readiness_min, profile.ticket_max_cny) == (
        ["VN", "TH"],
        5,
        Decimal("5000000.00"),
    )
    assert list(profile.tracks.all()) == [world.track]
    with pytest.raises(PermissionDenied):
        services.update_partner_profile(
            profile=world.investor_profile, actor=world.site, readiness_min=1
        )
    with pytest.raises(InvalidInput) as error:
        services.update_partner_profile(
            profile=world.investor_profile, actor=world.investor, readiness_max=3
        )
    assert error.value.code == "invalid_range"


# --- Browsing ------------------------------------------------------------------------------


def test_browse_filters(world):
    def slugs(**filters):
        return [p.slug for p in queries.browse_projects(**filters)]

    assert slugs() == ["parcel-delay-radar", "sugarcane-yield-eye"]  # most ready first
    assert slugs(country="asean") == ["parcel-delay-radar"]
    assert slugs(country="CN") == ["sugarcane-yield-eye"]
    assert slugs(track=world.other_track.slug) == ["sugarcane-yield-eye"]
    assert slugs(track=str(world.track.pk)) == ["parcel-delay-radar"]
    assert slugs(readiness_min=5) == ["parcel-delay-radar"]
    assert slugs(language="vi") == ["parcel-delay-radar"]
    assert slugs(language="zh-hans") == ["parcel-delay-radar", "sugarcane-yield-eye"]
    assert slugs(tag="vision") == ["sugarcane-yield-eye"]
    assert slugs(text="youyiguan") == ["parcel-delay-radar"]
    assert slugs(text="trễ bưu") == ["parcel-delay-radar"]
    assert slugs(text="guilin") == ["sugarcane-yield-eye"]


def test_awarded_projects_come_first(world):
    award = services.record_award(
        team=world.cn_team,
        scenario=world.scenario,
        level="second",
        amount=None,
        currency="CNY",
        awarded_at=date(2026, 1, 20),
        actor=world.organiser,
    )
    world.cn_project.award = award
    world.cn_project.save(update_fields=["award"])
    assert [p.slug for p in queries.browse_projects()] == [
        "sugarcane-yield-eye",
        "parcel-delay-radar",
    ]


def test_outcome_figures(world):
    relation = at_meeting(world)
    services.advance_relation(relation=relation, actor=world.investor, stage="agreement")
    services.advance_relation(
        relation=relation,
        actor=world.investor,
        stage="contract",
        amount="2000000",
        currency="USD",
        on=date(2026, 3, 2),
    )
    services.advance_relation(relation=relation, actor=world.captain, stage="deployed")
    site = services.express_interest(project=world.cn_project, actor=world.site, message="")
    services.decline(relation=site, actor=captain_of_cn(world), reason="")
    services.express_interest(project=world.cn_project, actor=world.operator, message="")
    services.mark_product_launched(project=world.project, actor=world.organiser)
    services.sign_into_center(
        project=world.project,
        actor=world.operator,
        signed_on=date(2026, 3, 5),
        country="VN",
        field="logistics",
        agreed_investment="100",
        currency="USD",
    )
    services.record_cooperation_agreement(
        league=world.league,
        actor=world.organiser,
        partner="Lao Digital Park",
        country="LA",
        title="Data pilot",
        signed_on=date(2026, 3, 6),
    )
    # The season report is the one place these figures are defined (reports.figures).
    figures = season_figures(league=world.league)
    assert (
        figures.projects,
        figures.projects_with_investor_interest,
        figures.relations_by_stage,
        figures.contracts_value_cny,
        figures.technologies_in_use,
        figures.products,
        figures.center_by_country,
        figures.agreements_by_country,
    ) == (
        2,
        1,
        {
            "interest": 1,
            "meeting": 0,
            "agreement": 0,
            "contract": 0,
            "deployed": 1,
            "declined": 1,
            "withdrawn": 0,
        },
        Decimal("14400000.00"),
        1,
        1,
        {"VN": 1},
        {"LA": 1},
    )


def captain_of_cn(world):
    return world.cn_team.memberships.get(role="captain").user


def test_organisers_make_an_organisation_a_partner(world):
    from aileague.accounts.models import Organisation

    park = Organisation.objects.create(name="Vientiane Tech Park", kind="public_body", country="LA")
    with pytest.raises(PermissionDenied):
        services.set_partner_profile(organisation=park, actor=world.investor, kind="pilot_site")
    profile = services.set_partner_profile(
        organisation=park, actor=world.organiser, kind="pilot_site"
    )
    assert (profile.kind, profile.organisation) == ("pilot_site", park)
    with pytest.raises(InvalidInput) as error:
        services.set_partner_profile(organisation=park, actor=world.organiser, kind="bank")
    assert error.value.code == "invalid_kind"
