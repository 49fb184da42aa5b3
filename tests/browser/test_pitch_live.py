"""A judge's live pitch scoring page on a phone, in a real browser: the page follows the slots
the panel lead opens and closes, the judge scores by tapping, a conflicted judge is recused."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from aileague.judging import pitch
from aileague.judging.models import Review
from aileague.judging.services import declare_conflict
from tests.browser_support import log_in
from tests.judging.test_pitch import CRITERIA, make_pitch_session

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain
# synchronous calls made between browser steps.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TAPS = {"innovation": 8, "application": 7, "commercial": 6, "team": 9, "asean": 5}


def phone_page(browser, base_url: str, email: str, **context):
    page = browser.new_context(**PHONE, **context).new_page()
    log_in(page, base_url, email)
    return page


def test_judge_scores_a_live_pitch_on_a_phone(browser, live_server):
    setup = make_pitch_session(n_entries=2, n_judges=2, team_names=["Mekong Minds", "Lanna AI"])
    judge, conflicted = setup.judges
    slots = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="live")
    first = slots[0]
    declare_conflict(entry=first.entry, judge=conflicted, actor=conflicted)
    url = live_server.url + reverse("pitch:live", args=[setup.session.pk])

    page = phone_page(browser, live_server.url, judge.email)
    page.goto(url)
    assert page.locator("#waiting").is_visible()
    page.evaluate("window.__sameSession = true")

    pitch.open_slot(slot=first, actor=setup.lead)
    page.locator('#slot[data-status="live"]').wait_for(timeout=15_000)  # the poll reloads
    assert page.locator("#entry-title").inner_text() == first.entry.title
    assert page.locator("#entry-team").inner_text() == first.entry.team.name
    assert re.fullmatch(r"Pitch [78]:\d\d", page.locator("#countdown").inner_text())
    for key, value in TAPS.items():
        page.locator(f'fieldset[data-criterion="{key}"] label:has(input[value="{value}"])').tap()
    assert page.locator('fieldset[data-criterion="team"] .chosen').inner_text() == "9"
    assert page.locator('fieldset[data-criterion="innovation"] .chosen').inner_text() == (
        "8 — Strong"
    )
    shots = os.environ.get("AILEAGUE_SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / "phone-pitch-live.png"), full_page=True)
    page.locator('button[value="submit"]').tap()
    page.locator("#submitted").wait_for()
    review = Review.objects.get(assignment__user=judge, assignment__entry=first.entry)
    assert review.scores == {key: float(v) for key, v in TAPS.items()}
    assert review.is_submitted
    for key, value in TAPS.items():
        checked = page.locator(f'input[name="score_{key}"]:checked')
        assert checked.get_attribute("value") == str(value)

    recused = phone_page(browser, live_server.url, conflicted.email)
    recused.goto(url)
    assert recused.locator("#recused").is_visible()
    content = recused.content()
    assert first.entry.title not in content
    assert first.entry.team.name not in content
    assert recused.locator("#sheet").count() == 0

    pitch.close_slot(slot=first, actor=setup.lead)
    page.locator("#read-only").wait_for(timeout=15_000)
    assert page.locator('button[name="action"]').count() == 0
    assert all(page.locator(f'input[name="score_{key}"]').first.is_disabled() for key in CRITERIA)
    assert page.locator('input[name="score_team"]:checked').get_attribute("value") == "9"

    # The next slot: the recused judge's page moves on to a pitch they do score.
    pitch.open_slot(slot=slots[1], actor=setup.lead)
    recused.locator('#slot[data-status="live"]').wait_for(timeout=15_000)
    assert recused.locator("#entry-title").inner_text() == slots[1].entry.title
    assert recused.locator("#sheet").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.context.close()
    recused.context.close()


def test_live_page_renders_in_chinese(browser, live_server, settings):
    setup = make_pitch_session(n_entries=1, n_judges=1)
    (slot,) = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="zh")
    pitch.open_slot(slot=slot, actor=setup.lead)
    page = phone_page(browser, live_server.url, setup.judges[0].email)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}]
    )
    response = page.goto(live_server.url + reverse("pitch:live", args=[setup.session.pk]))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "决赛 智慧物流赛道"
    assert (
        page.locator('fieldset[data-criterion="innovation"] legend')
        .inner_text()
        .startswith("技术创新性")
    )
    page.context.close()
