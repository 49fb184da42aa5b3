"""Creating and editing a project's profile through the web forms, with the Django test client."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from aileague.common.audit import AuditEntry
from aileague.outcomes.models import Project
from tests.factories import captain_of, make_team, make_user

pytestmark = pytest.mark.django_db


def new_url(team) -> str:
    return f"{reverse('outcomes:create_project')}?team={team.pk}"


def edit_url(project) -> str:
    return reverse("outcomes:edit_project", args=[project.slug])


def profile_post(world, **changes) -> dict:
    data = {
        "track": str(world.track.pk),
        "title_en": "Border queue forecaster",
        "title_zh": "口岸排队预测",
        "summary_en": "Forecasts truck queues at Pingxiang.",
        "summary_zh": "预测凭祥口岸的货车排队。",
        "readiness": "5",
        "demo_url": "https://demo.example.org/queue",
        "languages": ["vi", "zh-hans"],
        "target_countries": ["VN", "CN"],
        "tags": "forecasting, logistics, forecasting",
        "seeking_cny": "1500000",
        "is_public": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_captain_creates_a_project_and_lands_on_its_page(client, world):
    client.force_login(world.captain)
    before = set(Project.objects.values_list("pk", flat=True))
    response = client.post(new_url(world.vn_team), profile_post(world))
    (project,) = Project.objects.exclude(pk__in=before)
    assert (response.status_code, response.url) == (
        302,
        reverse("outcomes:detail", args=["border-queue-forecaster"]),
    )
    assert {
        "slug": project.slug,
        "team": project.team,
        "league": project.league,
        "track": project.track,
        "title": project.title,
        "summary": project.summary,
        "country": project.country,
        "readiness": project.readiness,
        "demo_url": project.demo_url,
        "languages": project.languages,
        "target_countries": project.target_countries,
        "tags": project.tags,
        "seeking_cny": project.seeking_cny,
        "is_public": project.is_public,
        "product_launched_at": project.product_launched_at,
    } == {
        "slug": "border-queue-forecaster",
        "team": world.vn_team,
        "league": world.league,
        "track": world.track,
        "title": {"en": "Border queue forecaster", "zh-hans": "口岸排队预测"},
        "summary": {
            "en": "Forecasts truck queues at Pingxiang.",
            "zh-hans": "预测凭祥口岸的货车排队。",
        },
        "country": "VN",
        "readiness": 5,
        "demo_url": "https://demo.example.org/queue",
        "languages": ["vi", "zh-hans"],
        "target_countries": ["VN", "CN"],
        "tags": ["forecasting", "logistics"],
        "seeking_cny": Decimal("1500000.00"),
        "is_public": True,
        "product_launched_at": None,
    }
    entry = AuditEntry.objects.filter(action="outcomes.create_project").latest("pk")
    assert (entry.actor, entry.object_id) == (world.captain, str(project.pk))


def test_unticked_public_box_creates_a_hidden_project(client, world):
    client.force_login(world.captain)
    client.post(new_url(world.vn_team), profile_post(world, is_public=None, seeking_cny=""))
    project = Project.objects.get(slug="border-queue-forecaster")
    assert (project.is_public, project.seeking_cny) == (False, None)


def test_create_page_offers_only_the_teams_league_tracks(client, world):
    client.force_login(world.captain)
    response = client.get(new_url(world.vn_team))
    assert response.status_code == 200
    tracks = list(response.context["form"].fields["track"].queryset)
    assert tracks == [world.track, world.other_track]
    assert "Create a project profile" in response.content.decode()


def test_team_member_who_is_not_captain_is_refused(client, world):
    client.force_login(world.member)
    count = Project.objects.count()
    assert client.get(new_url(world.vn_team)).status_code == 403
    assert client.post(new_url(world.vn_team), profile_post(world)).status_code == 403
    assert Project.objects.count() == count


def test_captain_of_another_team_is_refused(client, world):
    client.force_login(captain_of(world.cn_team))
    assert client.post(new_url(world.vn_team), profile_post(world)).status_code == 403
    assert Project.objects.filter(slug="border-queue-forecaster").exists() is False


def test_create_needs_a_login_and_a_real_team(client, world):
    response = client.get(new_url(world.vn_team))
    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("accounts:login"))
    client.force_login(world.captain)
    base = reverse("outcomes:create_project")
    assert client.get(f"{base}?team=999999").status_code == 404
    assert client.get(f"{base}?team=abc").status_code == 404


def test_create_without_a_team_lists_the_teams_the_user_captains(client, world):
    client.force_login(world.captain)
    response = client.get(reverse("outcomes:create_project"))
    assert response.status_code == 200
    assert list(response.context["teams"]) == [world.vn_team]
    assert f'href="{new_url(world.vn_team)}"' in response.content.decode()


def test_organiser_creates_a_project_for_any_team_of_the_league(client, world):
    client.force_login(world.organiser)
    response = client.post(
        new_url(world.cn_team), profile_post(world, track=str(world.other_track.pk))
    )
    project = Project.objects.get(slug="border-queue-forecaster")
    assert (response.status_code, project.team, project.track, project.country) == (
        302,
        world.cn_team,
        world.other_track,
        "CN",
    )


def test_a_track_of_another_league_is_not_a_choice(client, world):
    from tests.factories import make_track

    foreign = make_track()
    client.force_login(world.captain)
    response = client.post(new_url(world.vn_team), profile_post(world, track=str(foreign.pk)))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "track": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert Project.objects.filter(slug="border-queue-forecaster").exists() is False


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"demo_url": "not a link"}, {"demo_url": ["The demo link is not a web address."]}),
        (
            {"demo_url": "ftp://demo.example.org"},
            {"demo_url": ["The demo link is not a web address."]},
        ),
        (
            {"seeking_cny": "-5"},
            {"seeking_cny": ["The amount must be a number of zero or more."]},
        ),
        (
            {"seeking_cny": "lots"},
            {"seeking_cny": ["Enter a number."]},
        ),
        (
            {"target_countries": ["VN", "FR"]},
            {
                "target_countries": [
                    "Select a valid choice. FR is not one of the available choices."
                ]
            },
        ),
        ({"title_en": "", "title_zh": " "}, {"title_en": ["A title is required."]}),
        (
            {"readiness": "12"},
            {"readiness": ["Select a valid choice. 12 is not one of the available choices."]},
        ),
    ],
)
def test_invalid_values_are_shown_next_to_their_field_and_nothing_is_stored(
    client, world, changes, errors
):
    client.force_login(world.captain)
    count = Project.objects.count()
    response = client.post(new_url(world.vn_team), profile_post(world, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    (field, (message,)) = next(iter(errors.items()))
    html = response.content.decode()
    assert html.count('class="field has-error') == 1
    assert message.replace("'", "&#x27;") in html
    assert Project.objects.count() == count


def test_organiser_edits_a_project_and_other_languages_are_kept(client, world):
    client.force_login(world.organiser)
    page = client.get(edit_url(world.project))
    assert page.status_code == 200
    form = page.context["form"]
    assert {name: form.initial[name] for name in ("title_en", "title_zh", "tags", "readiness")} == {
        "title_en": "Parcel delay radar",
        "title_zh": "",
        "tags": "logistics, forecasting",
        "readiness": 6,
    }
    response = client.post(
        edit_url(world.project),
        {
            "title_en": "Parcel delay radar 2",
            "title_zh": "包裹延误雷达",
            "summary_en": "Now with rail freight.",
            "summary_zh": "",
            "readiness": "7",
            "demo_url": "",
            "languages": ["vi"],
            "target_countries": ["TH"],
            "tags": "logistics",
            "seeking_cny": "250000.5",
        },
    )
    assert (response.status_code, response.url) == (
        302,
        reverse("outcomes:detail", args=[world.project.slug]),
    )
    project = Project.objects.get(pk=world.project.pk)
    assert (
        project.slug,
        project.title,
        project.summary,
        project.readiness,
        project.demo_url,
        project.languages,
        project.target_countries,
        project.tags,
        project.seeking_cny,
        project.is_public,
        project.track,
    ) == (
        world.project.slug,
        {"vi": "Radar trễ bưu kiện", "en": "Parcel delay radar 2", "zh-hans": "包裹延误雷达"},
        {"en": "Now with rail freight."},
        7,
        "",
        ["vi"],
        ["TH"],
        ["logistics"],
        Decimal("250000.50"),
        False,
        world.track,
    )
    entry = AuditEntry.objects.filter(action="outcomes.update_project").latest("pk")
    assert (entry.actor, entry.object_id) == (world.organiser, str(project.pk))


def test_captain_edits_and_invalid_values_change_nothing(client, world):
    client.force_login(world.captain)
    data = {
        "title_en": "Parcel delay radar",
        "readiness": "6",
        "demo_url": "javascript:alert(1)",
        "seeking_cny": "10",
        "is_public": "on",
    }
    response = client.post(edit_url(world.project), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"demo_url": ["The demo link is not a web address."]}
    project = Project.objects.get(pk=world.project.pk)
    assert (project.demo_url, project.seeking_cny) == ("https://demo.example.org/radar", None)
    data["demo_url"] = "https://radar.example.org"
    assert client.post(edit_url(world.project), data).status_code == 302
    project.refresh_from_db()
    assert (project.demo_url, project.seeking_cny) == (
        "https://radar.example.org",
        Decimal("10.00"),
    )


def test_only_captain_and_organisers_may_edit(client, world):
    client.force_login(world.member)
    assert client.get(edit_url(world.project)).status_code == 403
    assert (
        client.post(edit_url(world.project), {"title_en": "Mine", "readiness": "6"}).status_code
        == 403
    )
    client.force_login(world.investor)
    assert client.get(edit_url(world.project)).status_code == 403
    client.force_login(make_user())
    assert (
        client.post(edit_url(world.project), {"title_en": "Mine", "readiness": "6"}).status_code
        == 403
    )
    assert Project.objects.get(pk=world.project.pk).title["en"] == "Parcel delay radar"


def test_hidden_project_edit_page_is_404_for_strangers(client, world):
    world.project.is_public = False
    world.project.save(update_fields=["is_public"])
    client.force_login(make_user())
    assert client.get(edit_url(world.project)).status_code == 404


def test_pages_link_to_the_forms_for_those_allowed(client, world):
    create_link = f'href="{new_url(world.vn_team)}"'
    edit_link = f'href="{edit_url(world.project)}"'
    detail = reverse("outcomes:detail", args=[world.project.slug])
    client.force_login(world.captain)
    browse = client.get(reverse("outcomes:browse")).content.decode()
    pipeline = client.get(reverse("outcomes:pipeline")).content.decode()
    assert (create_link in browse, create_link in pipeline) == (True, True)
    assert "Create a project profile for Mekong Minds" in browse
    assert edit_link in client.get(detail).content.decode()
    client.force_login(world.organiser)
    assert edit_link in client.get(detail).content.decode()
    client.force_login(world.member)
    browse = client.get(reverse("outcomes:browse")).content.decode()
    assert (create_link in browse, edit_link in client.get(detail).content.decode()) == (
        False,
        False,
    )


def test_a_second_team_gets_its_own_link(client, world):
    other = make_team(league=world.league, name="Lao Lens", country="LA", captain=world.captain)
    client.force_login(world.captain)
    browse = client.get(reverse("outcomes:browse")).content.decode()
    assert (
        f'href="{new_url(world.vn_team)}"' in browse,
        f'href="{new_url(other)}"' in browse,
    ) == (True, True)


def test_technologies_split_on_chinese_commas_too():
    from aileague.outcomes.forms import _split

    assert _split("计算机视觉，物流；OCR、 edge AI, drones") == [
        "计算机视觉",
        "物流",
        "OCR",
        "edge AI",
        "drones",
    ]
