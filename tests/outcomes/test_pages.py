"""The project pages and their POST flows, with the Django test client."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from aileague.outcomes import services
from aileague.outcomes.models import Project, Relation
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def detail_url(project):
    return reverse("outcomes:detail", args=[project.slug])


def test_browse_is_public_and_filters(client, world):
    response = client.get(reverse("outcomes:browse"))
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Parcel delay radar" in html, "Sugarcane yield eye" in html) == (True, True)
    html = client.get(reverse("outcomes:browse"), {"country": "ASEAN"}).content.decode()
    assert ("Parcel delay radar" in html, "Sugarcane yield eye" in html) == (True, False)
    html = client.get(
        reverse("outcomes:browse"), {"track": world.other_track.slug, "readiness_min": "3"}
    ).content.decode()
    assert ("Parcel delay radar" in html, "Sugarcane yield eye" in html) == (False, True)


def test_browse_paginates(client, world):
    for i in range(25):
        services.create_project(
            team=world.cn_team, track=world.track, actor=world.organiser, title=f"Extra {i}"
        )
    page = client.get(reverse("outcomes:browse"), {"page": "2"}).content.decode()
    assert page.count('class="card project"') == 3
    assert "Page 2 of 2" in page


def test_public_profile_shows_no_amounts(client, world):
    services.update_project(project=world.project, actor=world.captain, seeking_cny="3000000")
    html = client.get(detail_url(world.project)).content.decode()
    assert "Predicts late parcels" in html
    assert "https://demo.example.org/radar" in html
    assert "TRL 6" in html
    assert "3,000,000.00" not in html
    client.force_login(world.member)
    assert "3,000,000.00 CNY" in client.get(detail_url(world.project)).content.decode()


def test_hidden_project_is_404_for_the_public_and_shown_to_its_team(client, world):
    services.update_project(project=world.project, actor=world.captain, is_public=False)
    assert client.get(detail_url(world.project)).status_code == 404
    assert client.get(reverse("outcomes:detail", args=["no-such-project"])).status_code == 404
    client.force_login(world.captain)
    assert client.get(detail_url(world.project)).status_code == 200


def test_investor_expresses_interest_from_the_profile(client, world):
    client.force_login(world.investor)
    assert "Express interest" in client.get(detail_url(world.project)).content.decode()
    response = client.post(
        reverse("outcomes:express_interest", args=[world.project.slug]),
        {"message": "We invest in logistics."},
    )
    assert response.status_code == 302
    assert response.url == reverse("outcomes:pipeline")
    relation = Relation.objects.get()
    assert (relation.stage, relation.message) == ("interest", "We invest in logistics.")
    html = client.get(reverse("outcomes:pipeline")).content.decode()
    assert "Parcel delay radar" in html
    assert "Request a meeting" in html
    again = client.post(
        reverse("outcomes:express_interest", args=[world.project.slug]), {}, follow=True
    )
    assert "Your organisation already follows this project." in again.content.decode()


def test_team_accepts_a_meeting_and_records_steps_from_my_pipeline(client, world):
    relation = services.express_interest(project=world.project, actor=world.investor)
    client.force_login(world.investor)
    response = client.post(
        reverse("outcomes:request_meeting", args=[relation.pk]),
        {"at": "2026-02-10T10:00", "note": "Nanning"},
    )
    assert response.status_code == 302
    client.force_login(world.captain)
    html = client.get(reverse("outcomes:pipeline")).content.decode()
    assert "Accept the meeting" in html
    client.post(reverse("outcomes:accept_meeting", args=[relation.pk]))
    client.post(
        reverse("outcomes:advance", args=[relation.pk]),
        {"stage": "agreement", "amount": "100", "currency": "USD", "on": "2026-03-02"},
    )
    relation.refresh_from_db()
    assert (relation.stage, str(relation.amount_cny)) == ("agreement", "720.00")
    response = client.post(
        reverse("outcomes:advance", args=[relation.pk]), {"stage": "meeting"}, follow=True
    )
    assert "cannot move back" in response.content.decode()
    client.post(reverse("outcomes:decline", args=[relation.pk]), {"reason": ""})
    relation.refresh_from_db()
    assert relation.stage == "declined"


def test_strangers_get_404_on_relations(client, world):
    relation = services.express_interest(project=world.project, actor=world.investor)
    client.force_login(make_user())
    response = client.post(reverse("outcomes:accept_meeting", args=[relation.pk]))
    assert response.status_code == 404


def test_pipeline_needs_a_login(client, world):
    response = client.get(reverse("outcomes:pipeline"))
    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("accounts:login"))


def test_overview_is_for_organisers(client, world):
    services.express_interest(project=world.project, actor=world.investor)
    services.express_interest(project=world.cn_project, actor=world.site)
    client.force_login(world.investor)
    assert client.get(reverse("outcomes:overview")).status_code == 403
    client.force_login(world.organiser)
    html = client.get(reverse("outcomes:overview"), {"kind": "pilot_site"}).content.decode()
    assert ("Nanning Port Authority" in html, "Mekong Ventures" in html) == (True, False)


def test_partner_edits_what_they_look_for(client, world):
    url = reverse("outcomes:partner_profile")
    client.force_login(world.captain)
    assert client.get(url).status_code == 404
    client.force_login(world.investor)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "tracks": [world.track.pk],
            "countries": ["VN", "LA"],
            "tags": "logistics, cross-border",
            "readiness_min": "4",
            "readiness_max": "8",
            "ticket_min_cny": "1000000",
            "statement": "Cross-border logistics",
        },
    )
    assert response.status_code == 302
    profile = world.investor_profile
    profile.refresh_from_db()
    assert (profile.countries, profile.tags, profile.readiness_min, profile.statement) == (
        ["VN", "LA"],
        ["logistics", "cross-border"],
        4,
        {"en": "Cross-border logistics"},
    )


def test_center_operator_signs_in_from_the_profile_and_adds_milestones(client, world):
    client.force_login(world.operator)
    html = client.get(detail_url(world.project)).content.decode()
    assert "Sign into the center" in html
    client.post(
        reverse("outcomes:sign_in", args=[world.project.slug]),
        {
            "signed_on": "2026-03-01",
            "country": "VN",
            "field": "logistics",
            "agreed_investment": "1000",
            "currency": "USD",
        },
    )
    sign_in = world.project.center_sign_in
    assert (sign_in.signed_on, str(sign_in.agreed_investment_cny)) == (date(2026, 3, 1), "7200.00")
    client.post(
        reverse("outcomes:add_milestone", args=[world.project.slug]),
        {"title": "Pilot at Dong Dang", "due_on": "2026-06-01"},
    )
    milestone = sign_in.milestones.get()
    client.post(reverse("outcomes:complete_milestone", args=[milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    client.force_login(world.investor)
    response = client.post(
        reverse("outcomes:add_milestone", args=[world.project.slug]),
        {"title": "Sneaky", "due_on": "2026-06-01"},
        follow=True,
    )
    assert "Only the organisers and the cooperation center" in response.content.decode()
    assert sign_in.milestones.count() == 1


def test_registry_page_is_public(client, world):
    assert client.get(reverse("outcomes:center")).status_code == 200


def test_back_office_lists_outcomes_for_organisers(client, world):
    services.express_interest(project=world.project, actor=world.investor)
    client.force_login(world.organiser)
    for model in ("exchangerate", "project", "relation", "partnerprofile", "centersignin"):
        response = client.get(f"/admin/outcomes/{model}/")
        assert (model, response.status_code) == (model, 200)
    relation = Relation.objects.get()
    assert client.get(f"/admin/outcomes/relation/{relation.pk}/change/").status_code == 200
    assert client.get("/admin/outcomes/relation/add/").status_code == 403


def test_back_office_makes_projects_of_awards(client, world):
    award = services.record_award(
        team=world.cn_team,
        scenario=world.scenario,
        level="third",
        amount=None,
        currency="CNY",
        awarded_at=date(2026, 1, 20),
        actor=world.organiser,
    )
    client.force_login(world.organiser)
    response = client.post(
        "/admin/outcomes/award/", {"action": "make_projects", "_selected_action": [award.pk]}
    )
    assert response.status_code == 302
    assert Project.objects.get(award=award).team == world.cn_team


def test_recommendations_show_for_partners_and_for_the_team(client, world):
    services.update_partner_profile(
        profile=world.investor_profile, actor=world.investor, tracks=[world.track]
    )
    client.force_login(world.investor)
    html = client.get(reverse("outcomes:browse")).content.decode()
    assert 'id="recommendations"' in html
    assert 'class="recommendation" data-slug="parcel-delay-radar"' in html
    client.force_login(world.captain)
    html = client.get(detail_url(world.project)).content.decode()
    assert 'id="recommendations"' in html
    client.logout()
    html = client.get(detail_url(world.project)).content.decode()
    assert 'id="recommendations"' not in html


def test_no_recommendation_box_for_people_whose_organisation_states_no_interest(client, world):
    from aileague.accounts.models import Organisation

    person = make_user()
    person.organisation = Organisation.objects.create(name="Some Co", kind="startup", country="VN")
    person.save(update_fields=["organisation"])
    client.force_login(person)
    assert 'id="recommendations"' not in client.get(reverse("outcomes:browse")).content.decode()
