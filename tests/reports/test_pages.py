"""The season page, its downloads, the dashboard and the API: organisers only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import captain_of, make_user

pytestmark = pytest.mark.django_db


def urls(season):
    slug = season.league.slug
    return [
        reverse("reports:season", args=[slug]),
        reverse("reports:dashboard", args=[slug]),
        reverse("reports:download", args=[slug, "xlsx"]),
    ]


def test_organisers_see_the_pages(client, season):
    client.force_login(season.organiser)
    for url in urls(season):
        assert client.get(url).status_code == 200


def test_others_are_refused(client, season):
    client.force_login(captain_of(season.teams["t1"]))
    for url in urls(season):
        assert client.get(url).status_code == 403
    client.force_login(make_user(role="organiser"))
    assert client.get(urls(season)[0]).status_code == 200  # an all-league organiser


def test_anonymous_visitors_are_sent_to_log_in(client, season):
    response = client.get(urls(season)[0])
    assert response.status_code == 302


def test_season_page_shows_figures_charts_and_downloads(client, season):
    client.force_login(season.organiser)
    page = client.get(urls(season)[0]).content.decode()
    assert '<tr data-figure="teams"><td>Registered teams</td><td class="num">5</td>' in page
    assert page.count("<svg") == 8
    assert reverse("reports:download", args=[season.league.slug, "pdf"]) in page


def test_dashboard_shows_the_funnels_and_caches(client, season):
    client.force_login(season.organiser)
    url = urls(season)[1]
    first = client.get(url + "?fresh=1").content.decode()
    assert '<tr data-funnel="track-a">' in first
    assert "Figures computed now" in first
    assert "Figures from the cache" in client.get(url).content.decode()


def test_download_names_the_file(client, season):
    client.force_login(season.organiser)
    response = client.get(reverse("reports:download", args=[season.league.slug, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="season-report-{season.league.slug}.pdf"'
    )


def test_api_figures_for_organisers_only(client, season):
    url = f"/api/v1/reports/{season.league.slug}/figures?fresh=true"
    client.force_login(season.organiser)
    body = client.get(url).json()
    assert body["figures"]["teams"] == 5
    assert body["funnel"]["total"]["registered"] == 6
    client.force_login(captain_of(season.teams["t1"]))
    assert client.get(url).status_code == 403
