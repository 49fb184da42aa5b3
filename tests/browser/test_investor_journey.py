"""After the league, in a real browser: an investor finds a project, expresses interest and asks
for a meeting; the team's captain accepts it from their pipeline; the organisers' season report
counts the interest.

Drives Debian's chromium through Playwright against the live server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from aileague.accounts.models import Organisation, User
from aileague.competitions.models import League
from aileague.outcomes import services
from aileague.outcomes.models import PartnerProfile, Project, Relation
from tests.browser_support import DESKTOP, log_in
from tests.factories import captain_of, make_team, make_track, make_user

# Playwright's sync API runs an event loop in this thread; the ORM calls here are still plain
# synchronous calls, made between browser steps.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    """Screenshots for people to look at, when AILEAGUE_SCREENSHOT_DIR says where."""
    folder = os.environ.get("AILEAGUE_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@dataclass
class Season:
    league: League
    organiser: User
    investor: User
    captain: User  # of the Vietnamese team


def _season() -> Season:
    """Two tracks, three projects (Vietnam, Thailand, China), an investor with a profile."""
    logistics = make_track(slug="logistics-customs", name={"en": "Logistics and customs"})
    league = logistics.league
    agriculture = make_track(league=league, slug="smart-agriculture", name={"en": "Agriculture"})
    organiser = make_user(role="organiser", league=league)
    vn_team = make_team(league=league, name="Mekong Minds", country="VN")
    th_team = make_team(league=league, name="Bangkok Data Works", country="TH")
    cn_team = make_team(league=league, name="Guilin AI Lab", country="CN", province="CN-GX")
    for team, track, title, readiness in (
        (vn_team, logistics, "Parcel delay radar", 6),
        (th_team, agriculture, "Durian ripeness scanner", 5),
        (cn_team, logistics, "Customs document reader", 7),
    ):
        services.create_project(
            team=team,
            track=track,
            actor=organiser,
            title=title,
            summary=f"{title}, built during the league.",
            readiness=readiness,
            languages=["en"],
        )
    fund = Organisation.objects.create(name="Mekong Ventures", kind="investor", country="SG")
    PartnerProfile.objects.create(organisation=fund, kind="investor")
    investor = make_user(role="investor")
    investor.organisation = fund
    investor.save(update_fields=["organisation"])
    return Season(
        league=league, organiser=organiser, investor=investor, captain=captain_of(vn_team)
    )


def test_investor_finds_a_project_and_the_captain_accepts_a_meeting(browser, live_server):
    season = _season()
    investor, captain = season.investor, season.captain
    base = live_server.url

    page = browser.new_page(viewport=DESKTOP)
    log_in(page, base, investor.email)
    page.goto(base + reverse("outcomes:browse"))
    assert page.locator("article.project").count() == 3
    page.select_option("select[name=track]", "logistics-customs")
    page.select_option("select[name=country]", "ASEAN")
    page.click("#project-filters button[type=submit]")
    page.wait_for_load_state("load")
    cards = page.locator("article.project")
    assert cards.count() == 1
    assert cards.first.get_attribute("data-slug") == "parcel-delay-radar"

    _shot(page, "projects-browse")
    page.click("article.project h2 a")
    page.wait_for_url(base + reverse("outcomes:detail", args=["parcel-delay-radar"]))
    assert page.locator("h1").inner_text() == "Parcel delay radar"
    _shot(page, "project-detail")
    page.fill("#express-interest textarea[name=message]", "We fund cross-border logistics.")
    page.click("#express-interest button[type=submit]")
    page.wait_for_url(base + reverse("outcomes:pipeline"))
    followed = page.locator("#as-partner li.relation")
    assert followed.count() == 1
    assert followed.first.get_attribute("data-stage") == "interest"
    assert "Parcel delay radar" in followed.first.inner_text()
    assert "We fund cross-border logistics." in followed.first.inner_text()

    followed.first.locator("input[name=at]").fill("2026-12-01T10:00")
    followed.first.locator(".meeting-form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "The meeting request is sent to the team." in page.locator(".messages").inner_text()
    page.close()

    page = browser.new_page(viewport=DESKTOP)
    log_in(page, base, captain.email)
    page.goto(base + reverse("outcomes:pipeline"))
    offer = page.locator("#as-team li.relation")
    assert "Mekong Ventures" in offer.first.inner_text()
    offer.first.locator("text=Accept the meeting").click()
    page.wait_for_load_state("load")
    assert page.locator("#as-team li.relation").first.get_attribute("data-stage") == "meeting"
    _shot(page, "team-pipeline")
    page.close()

    relation = Relation.objects.get()
    assert (relation.stage, relation.partner.name, relation.project.slug) == (
        "meeting",
        "Mekong Ventures",
        "parcel-delay-radar",
    )
    assert list(relation.events.values_list("stage", flat=True)) == [
        "interest",
        "interest",
        "meeting",
    ]


def _interest_shown(page, base: str, league: League) -> str:
    """The season report's "projects with investor interest", as the organiser sees it."""
    page.goto(base + reverse("reports:season", args=[league.slug]))
    return page.locator("tr[data-figure=projects_with_investor_interest] td.num").inner_text()


def test_the_season_report_counts_the_interest_an_investor_expresses(browser, live_server):
    season = _season()
    # Another fund already follows the Chinese project: one project with investor interest.
    other_fund = Organisation.objects.create(
        name="Lijiang Venture Partners", kind="investor", country="CN"
    )
    PartnerProfile.objects.create(organisation=other_fund, kind="investor")
    other_investor = make_user(role="investor")
    other_investor.organisation = other_fund
    other_investor.save(update_fields=["organisation"])
    services.express_interest(
        project=Project.objects.get(slug="customs-document-reader"), actor=other_investor
    )
    base = live_server.url

    organiser = browser.new_page(viewport=DESKTOP)
    log_in(organiser, base, season.organiser.email)
    before = _interest_shown(organiser, base, season.league)

    page = browser.new_page(viewport=DESKTOP)
    log_in(page, base, season.investor.email)
    page.goto(base + reverse("outcomes:detail", args=["parcel-delay-radar"]))
    page.fill("#express-interest textarea[name=message]", "We fund cross-border logistics.")
    page.click("#express-interest button[type=submit]")
    page.wait_for_url(base + reverse("outcomes:pipeline"))
    page.close()

    after = _interest_shown(organiser, base, season.league)
    _shot(organiser, "season-report")
    organiser.close()
    assert (before, after) == ("1", "2")
