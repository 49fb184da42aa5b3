"""A captain's journey in a real browser: log in, upload, watch the score arrive, see the board.

Drives Debian's chromium through Playwright. Scoring happens in a real Celery worker process
(``celery_worker_process``), so the page has to pick up the new state on its own.
"""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from aileague.competitions.models import DataFile, Question
from aileague.submissions.models import Submission
from tests.browser_support import DESKTOP, PHONE, log_in
from tests.factories import (
    GOOD_PREDICTIONS,
    WEAK_PREDICTIONS,
    captain_of,
    make_entry,
    make_scenario,
    make_stage,
    make_team,
    submit,
    submit_and_score,
)

# Playwright's sync API runs an event loop in this thread; the ORM calls here are still plain
# synchronous calls, made between browser steps.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload_file(page, path: Path) -> str:
    """Upload ``path`` and return the state the new submission shows when the page lands."""
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=description]", "gradient boosting, first try")
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state("load")
    newest = page.locator("ol.submissions > li").first
    return newest.get_attribute("data-state")


def test_captain_uploads_and_sees_the_score_arrive_without_reloading(
    browser, live_server, celery_worker_process, tmp_path
):
    entry, stage = make_entry(stage=make_stage(daily_quota=5))
    other, _ = make_entry(stage=stage)
    submit_and_score(other, stage, WEAK_PREDICTIONS)
    captain = captain_of(entry.team)
    predictions = tmp_path / "predictions.csv"
    predictions.write_text(GOOD_PREDICTIONS)

    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server.url, captain.email)
    page.goto(
        live_server.url + reverse("submissions:upload", args=[stage.scenario.slug, stage.slug])
    )
    assert page.locator("#quota").is_visible()

    # The worker may, rarely, finish before the page lands; then the page had nothing to follow
    # live, so upload again (the quota allows it) until a pending state is what we see.
    for _attempt in range(3):
        if upload_file(page, predictions) in ("queued", "scoring"):
            break
    else:
        pytest.fail("every upload was scored before its page loaded; nothing to watch")
    newest = page.locator("ol.submissions > li").first
    submission_id = newest.get_attribute("data-id")
    page.evaluate("window.__sameDocument = true")  # a reload would wipe this

    item = page.locator(f'li[data-id="{submission_id}"][data-state="scored"]')
    item.wait_for(timeout=60_000)
    assert page.evaluate("window.__sameDocument") is True
    assert item.locator(".badge.state").inner_text() == "Scored"
    assert item.locator("[data-score]").inner_text() == "1.0000"
    assert Submission.objects.get(pk=submission_id).state == "scored"

    page.click("text=See the leaderboard")
    page.wait_for_load_state("load")
    mine = page.locator("tr.mine")
    assert mine.locator("td.team").inner_text().startswith(entry.team.name)
    assert mine.locator("td.score").inner_text() == "1.0000"
    assert mine.locator("td.rank").inner_text() == "1"
    page.close()


def _rich_scenario():
    """A scenario as an organiser would post it, with teams on its board."""
    scenario = make_scenario(
        title={"en": "Cross-border parcel delay prediction", "zh-hans": "跨境包裹延误预测"},
        summary={"en": "Predict which parcels between Nanning and Hanoi will be late."},
        problem_statement={
            "en": (
                "Parcels cross the **Youyiguan** border every day. Predict the probability that a "
                "parcel arrives later than promised.\n\n"
                "| column | meaning |\n|---|---|\n| id | parcel id |\n| prediction | P(late) |\n\n"
                "```\nid,prediction\n001,0.93\n```"
            )
        },
        target_countries=["CN", "VN", "TH"],
        languages=["zh-hans", "en", "vi"],
        prize_amount="200000.00",
    )
    for name in ("train.csv", "test.csv", "sample_submission.csv"):
        content = b"id,prediction\n001,0.5\n"
        data = DataFile(
            scenario=scenario,
            name=name,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        data.file.save(name, ContentFile(content), save=False)
        data.save()
    stage = make_stage(scenario=scenario, closes_in=timedelta(days=12))
    league = scenario.track.league
    teams = [
        make_team(
            league=league,
            name="Guilin University of Electronic Technology — AI Lab",
            country="CN",
            province="CN-GX",
            is_joint=True,
        ),
        make_team(league=league, name="Mekong Minds", country="VN"),
        make_team(league=league, name="Bangkok Data Works", country="TH"),
    ]
    entries = [make_entry(stage=stage, team=team)[0] for team in teams]
    for entry, text in zip(
        entries, (GOOD_PREDICTIONS, WEAK_PREDICTIONS, WEAK_PREDICTIONS), strict=True
    ):
        submit_and_score(entry, stage, text)
    submit(entries[0], stage, "id;prediction\n001;0.9\n002;x\n")  # invalid: shows its problems
    Question.objects.create(
        scenario=scenario, asked_by=captain_of(teams[1]), text="Are public holidays in the data?"
    )
    return scenario, stage, captain_of(teams[0])


def test_pages_fit_a_phone_and_a_desktop_screen(browser, live_server, tmp_path):
    scenario, stage, captain = _rich_scenario()
    shots = Path(os.environ.get("AILEAGUE_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    pages = {
        "home": reverse("competitions:home"),
        "scenario": reverse("competitions:scenario", args=[scenario.slug]),
        "upload": reverse("submissions:upload", args=[scenario.slug, stage.slug]),
        "leaderboard": reverse("submissions:leaderboard", args=[scenario.slug, stage.slug]),
    }
    for device, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = browser.new_page(viewport=viewport)
        log_in(page, live_server.url, captain.email)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            page.screenshot(path=str(shots / f"{device}-{name}.png"), full_page=True)
            # Nothing may make the page scroll sideways; wide tables scroll inside their box.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} is {overflow}px wider than the {device} screen"
        assert page.locator("tr.mine td.rank").inner_text() == "1"
        page.close()


def test_province_is_asked_only_for_teams_in_china(browser, live_server):
    league = make_stage().scenario.track.league
    captain = captain_of(make_team(league=league))
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server.url, captain.email)
    page.goto(live_server.url + reverse("teams:create"))
    province = page.locator("select[name=province]")
    assert province.is_visible()  # China is the default country
    page.select_option("select[name=country]", "VN")
    assert province.is_hidden()
    assert province.is_disabled()  # a hidden province is not sent
    page.select_option("select[name=country]", "CN")
    assert province.is_visible()
    page.close()
