"""The JSON API of pitch sessions: organisers set up and draw, the panel lead opens and closes
slots, judges score the pitch on stage, the presidium ratifies and downloads the signed PDF."""

from __future__ import annotations

import hashlib
import random

import pytest
from django.utils import translation

from aileague.judging import pitch
from aileague.judging.models import (
    Assignment,
    JudgedEntry,
    PitchSession,
    Review,
    SessionStatus,
)
from aileague.judging.reviews import save_review
from aileague.judging.services import create_round, declare_conflict
from tests.factories import make_stage, make_track, make_user
from tests.judging.test_api import bearer
from tests.judging.test_pitch import STARTS_AT, make_pitch_session, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def signing(settings, tmp_path):
    settings.AILEAGUE_SIGNING_DIR = str(tmp_path / "signing")


def call(client, method: str, path: str, user, body=None):
    kwargs = {"headers": bearer(user)}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    return getattr(client, method)(f"/api/v1/jury{path}", **kwargs)


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def drawn(setup, seed: str = "c0ffee"):
    return pitch.draw_order(session=setup.session, actor=setup.organiser, seed=seed)


# --- Setting up -------------------------------------------------------------------------------


def test_organiser_creates_a_session_of_a_track_with_its_offset(client):
    setup = make_pitch_session()
    track = setup.session.track
    response = call(
        client,
        "post",
        f"/rounds/{setup.round.pk}/sessions",
        setup.organiser,
        {
            "track": track.pk,
            "name": "Evening pitches",
            "starts_at": "2026-12-01T19:00+08:00",
            "pitch_minutes": 5,
            "qa_minutes": 3,
            "room": " Hall C ",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    session = PitchSession.objects.get(pk=body["id"])
    assert (session.name, session.room, session.pitch_minutes, session.qa_minutes) == (
        {"en": "Evening pitches"},
        "Hall C",
        5,
        3,
    )
    assert session.starts_at.isoformat() == "2026-12-01T11:00:00+00:00"
    assert (body["name"], body["status"], body["seed"], body["n_slots"], body["slots"]) == (
        "Evening pitches",
        "scheduled",
        None,
        0,
        [],
    )
    assert (body["track_id"], body["can_draw"], body["can_run"]) == (track.pk, True, True)


def test_creating_a_session_is_for_organisers_of_a_pitch_round_and_a_track_of_its_league(client):
    setup = make_pitch_session()
    path = f"/rounds/{setup.round.pk}/sessions"
    good = {"track": setup.session.track_id, "name": "N", "starts_at": "2026-12-01T19:00+08:00"}
    assert error(call(client, "post", path, setup.lead, good)) == (403, "permission_denied")
    foreign = {**good, "track": make_track().pk}
    assert error(call(client, "post", path, setup.organiser, foreign)) == (404, "track_not_found")
    blank = {**good, "name": "  "}
    assert error(call(client, "post", path, setup.organiser, blank)) == (422, "name_required")
    review_round = create_round(
        stage=make_stage(), slug="review", name={"en": "Review"}, actor=setup.organiser
    )
    track = review_round.stage.scenario.track
    response = call(
        client,
        "post",
        f"/rounds/{review_round.pk}/sessions",
        setup.organiser,
        {**good, "track": track.pk},
    )
    assert error(response) == (422, "not_a_pitch_round")
    assert PitchSession.objects.count() == 1


def test_the_jury_lists_the_rounds_sessions_and_strangers_may_not(client):
    setup = make_pitch_session()
    drawn(setup)
    response = call(client, "get", f"/rounds/{setup.round.pk}/sessions", setup.judges[0])
    assert response.status_code == 200
    (row,) = response.json()
    assert (row["id"], row["name"], row["room"], row["seed"], row["n_slots"]) == (
        setup.session.pk,
        "Final, smart logistics track",
        "Hall B",
        "c0ffee",
        3,
    )
    assert row["starts_at"] == "2026-09-18T09:00:00Z"
    stranger = call(client, "get", f"/rounds/{setup.round.pk}/sessions", make_user())
    assert error(stranger) == (403, "permission_denied")
    detail = call(client, "get", f"/sessions/{setup.session.pk}", make_user())
    assert error(detail) == (403, "permission_denied")
    assert error(call(client, "get", "/sessions/999999", setup.organiser)) == (404, "not_found")


# --- The draw ---------------------------------------------------------------------------------


def test_organiser_draws_with_a_seed_and_the_order_can_be_redrawn_by_anyone(client):
    setup = make_pitch_session(n_entries=5)
    response = call(
        client, "post", f"/sessions/{setup.session.pk}/draw", setup.organiser, {"seed": "ab12"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    expected = sorted(e.pk for e in setup.entries)
    random.Random("ab12").shuffle(expected)
    assert [s["entry_id"] for s in body["slots"]] == expected
    assert [s["position"] for s in body["slots"]] == [1, 2, 3, 4, 5]
    assert [s["starts_at"] for s in body["slots"][:2]] == [
        "2026-09-18T09:00:00Z",
        "2026-09-18T09:15:00Z",
    ]
    assert body["slots"][0]["ends_at"] == "2026-09-18T09:15:00Z"
    assert (body["seed"], body["n_slots"]) == ("ab12", 5)


def test_a_draw_without_a_seed_publishes_a_random_one(client):
    setup = make_pitch_session()
    response = call(client, "post", f"/sessions/{setup.session.pk}/draw", setup.organiser, {})
    assert response.status_code == 200, response.content
    seed = response.json()["seed"]
    assert len(seed) == 16
    order = [s["entry_id"] for s in response.json()["slots"]]
    assert order == pitch.drawn_order([e.pk for e in setup.entries], seed)


def test_only_organisers_draw_and_never_once_a_slot_opened(client):
    setup = make_pitch_session()
    path = f"/sessions/{setup.session.pk}/draw"
    assert error(call(client, "post", path, setup.lead, {"seed": "x"})) == (
        403,
        "permission_denied",
    )
    first = drawn(setup)[0]
    pitch.open_slot(slot=first, actor=setup.lead)
    assert error(call(client, "post", path, setup.organiser, {"seed": "x"})) == (
        409,
        "draw_locked",
    )


def test_drawing_a_track_without_checked_entries_names_the_problem(client):
    setup = make_pitch_session(n_entries=1)
    JudgedEntry.objects.update(formal_check="pending")
    response = call(client, "post", f"/sessions/{setup.session.pk}/draw", setup.organiser, {})
    assert error(response) == (422, "no_entries")


# --- What each reader sees --------------------------------------------------------------------


def test_a_judge_sees_the_sheet_to_fill_per_pitch(client):
    setup = make_pitch_session()
    slots = drawn(setup)
    judge = setup.judges[0]
    body = call(client, "get", f"/sessions/{setup.session.pk}", judge).json()
    sheets = {a.entry_id: a.pk for a in Assignment.objects.filter(user=judge)}
    assert [(s["entry_id"], s["assignment_id"], s["sheet"]) for s in body["slots"]] == [
        (slot.entry_id, sheets[slot.entry_id], "to_do") for slot in slots
    ]
    assert [s["team"] for s in body["slots"]] == [slot.entry.team.name for slot in slots]
    assert (body["my_role"], body["can_run"], body["can_draw"], body["sees_sheets"]) == (
        "reviewer",
        False,
        False,
        False,
    )
    assert (body["ranking"], body["slots"][0]["submitted"]) == (None, None)


def test_a_recused_judge_never_sees_the_conflicted_entry(client):
    setup = make_pitch_session()
    judge = setup.judges[0]
    conflicted = setup.entries[1]
    declare_conflict(entry=conflicted, judge=judge, actor=judge)
    slots = drawn(setup)
    place = next(i for i, slot in enumerate(slots) if slot.entry_id == conflicted.pk)
    pitch.open_slot(slot=slots[place], actor=setup.lead)
    response = call(client, "get", f"/sessions/{setup.session.pk}", judge)
    row = response.json()["slots"][place]
    assert row == {
        **row,
        "entry_id": None,
        "title": None,
        "team": None,
        "recused": True,
        "assignment_id": None,
        "sheet": None,
        "status": "live",
    }
    text = response.content.decode()
    assert (conflicted.title in text, conflicted.team.name in text) == (False, False)
    others = [r for i, r in enumerate(response.json()["slots"]) if i != place]
    assert [r["recused"] for r in others] == [False, False]


def test_a_blind_round_hides_teams_from_judges_but_not_from_organisers(client):
    setup = make_pitch_session(n_entries=2)
    setup.round.blind = True
    setup.round.save(update_fields=["blind"])
    drawn(setup)
    path = f"/sessions/{setup.session.pk}"
    judge_view = call(client, "get", path, setup.judges[0]).json()
    organiser_view = call(client, "get", path, setup.organiser).json()
    assert [s["team"] for s in judge_view["slots"]] == [None, None]
    assert [s["title"] is None for s in judge_view["slots"]] == [False, False]
    assert sorted(s["team"] for s in organiser_view["slots"]) == ["Pitch team 0", "Pitch team 1"]


# --- Running the session ----------------------------------------------------------------------


def test_lead_opens_a_slot_a_judge_scores_it_and_the_lead_closes_it(client):
    setup = make_pitch_session(n_entries=2, n_judges=1)
    first, second = drawn(setup)
    base = f"/sessions/{setup.session.pk}/slots"
    opened = call(client, "post", f"{base}/{first.pk}/open", setup.lead)
    assert opened.status_code == 200, opened.content
    assert [s["status"] for s in opened.json()["slots"]] == ["live", "waiting"]
    assert opened.json()["status"] == "live"
    assert [(s["submitted"], s["panel"]) for s in opened.json()["slots"]] == [(0, 2), (0, 2)]
    assert error(call(client, "post", f"{base}/{second.pk}/open", setup.lead)) == (
        409,
        "slot_already_live",
    )
    judge = setup.judges[0]
    assignment = Assignment.objects.get(entry=first.entry, user=judge)
    scored = call(
        client,
        "put",
        f"/assignments/{assignment.pk}/review",
        judge,
        {"scores": sheet(7), "submit": True},
    )
    assert scored.status_code == 200, scored.content
    assert scored.json()["state"] == "submitted"
    seen = call(client, "get", f"/sessions/{setup.session.pk}", judge).json()
    assert [s["sheet"] for s in seen["slots"]] == ["submitted", "to_do"]
    closed = call(client, "post", f"{base}/{first.pk}/close", setup.lead)
    assert closed.status_code == 200, closed.content
    assert [(s["status"], s["submitted"]) for s in closed.json()["slots"]] == [
        ("closed", 1),
        ("waiting", 0),
    ]
    late = call(
        client,
        "put",
        f"/assignments/{assignment.pk}/review",
        judge,
        {"scores": sheet(9), "submit": True},
    )
    assert error(late) == (409, "slot_not_live")
    assert Review.objects.get(assignment=assignment).total == 7.0


def test_slots_are_run_by_the_lead_or_organisers_only_and_in_turn(client):
    setup = make_pitch_session(n_entries=2)
    first, second = drawn(setup)
    base = f"/sessions/{setup.session.pk}/slots"
    assert error(call(client, "post", f"{base}/{first.pk}/open", setup.judges[0])) == (
        403,
        "permission_denied",
    )
    assert error(call(client, "post", f"{base}/{first.pk}/open", setup.presidium)) == (
        403,
        "permission_denied",
    )
    assert error(call(client, "post", f"{base}/{first.pk}/close", setup.lead)) == (
        409,
        "slot_not_live",
    )
    assert call(client, "post", f"{base}/{first.pk}/open", setup.organiser).status_code == 200
    assert call(client, "post", f"{base}/{first.pk}/close", setup.organiser).status_code == 200
    assert error(call(client, "post", f"{base}/{first.pk}/open", setup.lead)) == (
        409,
        "slot_not_waiting",
    )
    other = make_pitch_session(n_entries=1)
    (foreign,) = drawn(other)
    assert error(call(client, "post", f"{base}/{foreign.pk}/open", setup.lead)) == (
        404,
        "not_found",
    )


# --- Ratification and the signed sheets -------------------------------------------------------


def run_all(setup, values) -> list:
    """Draw, then open, score by every seated judge, and close each slot in turn."""
    slots = drawn(setup)
    for slot, value in zip(slots, values, strict=True):
        pitch.open_slot(slot=slot, actor=setup.lead)
        for assignment in Assignment.objects.filter(entry=slot.entry).select_related("user"):
            save_review(
                assignment=assignment, actor=assignment.user, scores=sheet(value), submit=True
            )
        pitch.close_slot(slot=slot, actor=setup.lead)
    return slots


def test_presidium_ratifies_and_gets_the_ranking(client, signing):
    setup = make_pitch_session(n_entries=2, n_judges=1)
    path = f"/sessions/{setup.session.pk}/ratify"
    first = drawn(setup)[0]
    pitch.open_slot(slot=first, actor=setup.lead)
    assert error(call(client, "post", path, setup.presidium)) == (409, "slots_not_closed")
    setup.session.slots.all().delete()
    slots = run_all(setup, (5, 8))
    assert error(call(client, "post", path, setup.lead)) == (403, "permission_denied")
    assert error(call(client, "post", path, setup.organiser)) == (403, "permission_denied")
    response = call(client, "post", path, setup.presidium)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(r["rank"], r["entry_id"], r["mean"], r["n_sheets"]) for r in body["rows"]] == [
        (1, slots[1].entry_id, 8.0, 2),
        (2, slots[0].entry_id, 5.0, 2),
    ]
    assert (body["status"], body["ratified_by"], len(body["pdf_sha256"])) == (
        "ratified",
        "Chen Jing",
        64,
    )
    assert body["tie_break"] == str(pitch.TIE_BREAK_RULE)
    assert error(call(client, "post", path, setup.presidium)) == (409, "session_ratified")
    setup.session.refresh_from_db()
    assert setup.session.status == SessionStatus.RATIFIED


def test_the_signed_pdf_is_for_those_who_see_the_sheets_once_ratified(client, signing):
    setup = make_pitch_session(n_entries=1, n_judges=1)
    run_all(setup, (6,))
    path = f"/sessions/{setup.session.pk}/score-sheets.pdf"
    assert error(call(client, "get", path, setup.presidium)) == (409, "session_not_ratified")
    pitch.ratify_session(session=setup.session, actor=setup.presidium)
    assert error(call(client, "get", path, setup.judges[0])) == (403, "permission_denied")
    for reader in (setup.presidium, setup.lead, setup.organiser):
        response = call(client, "get", path, reader)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content[:5] == b"%PDF-"
    setup.session.refresh_from_db()
    assert hashlib.sha256(response.content).hexdigest() == setup.session.pdf_sha256


def test_a_conflicted_lead_sees_neither_the_ranking_nor_the_pdf(client, signing):
    setup = make_pitch_session(n_entries=2, n_judges=1)
    declare_conflict(entry=setup.entries[0], judge=setup.lead, actor=setup.lead)
    run_all(setup, (6, 7))
    body = call(client, "get", f"/sessions/{setup.session.pk}", setup.lead).json()
    assert (body["sees_sheets"], body["ranking"], body["can_run"]) == (False, None, True)
    pitch.ratify_session(session=setup.session, actor=setup.presidium)
    response = call(client, "get", f"/sessions/{setup.session.pk}/score-sheets.pdf", setup.lead)
    assert error(response) == (403, "permission_denied")


def test_session_times_keep_their_instant(client):
    setup = make_pitch_session(n_entries=1)
    body = call(client, "get", f"/sessions/{setup.session.pk}", setup.organiser).json()
    assert body["starts_at"] == STARTS_AT.isoformat().replace("+00:00", "Z")
