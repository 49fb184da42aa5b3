"""Live pitch sessions: a reproducible draw, "8+7" slots, the panel lead's open and close, the
presidium's ratification, recusal of conflicted judges and the published tie-break."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from aileague.common.errors import AileagueError
from aileague.common.models import AuditEntry
from aileague.judging import pitch
from aileague.judging.models import (
    Assignment,
    AssignmentOrigin,
    Conflict,
    EntryResult,
    FormalCheck,
    JudgedEntry,
    JurorRole,
    PitchSession,
    PitchSlot,
    Review,
    RoundKind,
    SessionStatus,
    SlotStatus,
)
from aileague.judging.reviews import save_review
from aileague.judging.services import add_juror, create_round, declare_conflict
from tests.factories import make_stage, make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _restore_language():
    """Pages asked for in Chinese leave the thread's language active; put it back after."""
    with translation.override("en"):
        yield


STARTS_AT = datetime(2026, 9, 18, 9, 0, tzinfo=UTC)
CRITERIA = ("innovation", "application", "commercial", "team", "asean")


@dataclass
class PitchSetup:
    organiser: object
    lead: object
    judges: list  # reviewers on the panel (the lead scores too)
    presidium: object
    round: object
    session: PitchSession
    entries: list

    @property
    def panel(self) -> list:
        return [self.lead, *self.judges]


def make_pitch_session(*, n_entries: int = 3, n_judges: int = 2, team_names=()) -> PitchSetup:
    """A pitch round on one track with a panel lead, reviewers, one presidium member and
    ``n_entries`` entries that passed the formal check, plus one undrawn session."""
    organiser = make_user(role="organiser")
    stage = make_stage()
    track = stage.scenario.track
    round_ = create_round(
        stage=stage,
        slug="final",
        name={"en": "Final pitches", "zh-hans": "决赛路演"},
        actor=organiser,
        kind=RoundKind.PITCH,
    )
    lead = make_user()
    add_juror(round_=round_, user=lead, actor=organiser, role=JurorRole.PANEL_LEAD)
    judges = [make_user() for _ in range(n_judges)]
    for judge in judges:
        add_juror(round_=round_, user=judge, actor=organiser)
    presidium = make_user()
    presidium.real_name = "Chen Jing"
    presidium.save(update_fields=["real_name"])
    add_juror(round_=round_, user=presidium, actor=organiser, role=JurorRole.PRESIDIUM)
    league = track.league
    names = list(team_names) + [f"Pitch team {i}" for i in range(len(team_names), n_entries)]
    entries = [
        JudgedEntry.objects.create(
            round=round_,
            team=make_team(league=league, name=name),
            track=track,
            title=f"Project {i}",
            formal_check=FormalCheck.PASSED,
        )
        for i, name in enumerate(names)
    ]
    session = pitch.create_session(
        round_=round_,
        track=track,
        name={"en": "Final, smart logistics track", "zh-hans": "决赛 智慧物流赛道"},
        starts_at=STARTS_AT,
        actor=organiser,
        room="Hall B",
    )
    return PitchSetup(organiser, lead, judges, presidium, round_, session, entries)


def sheet(value: float, **overrides) -> dict[str, float]:
    return {**dict.fromkeys(CRITERIA, value), **overrides}


def score_slot(setup: PitchSetup, slot: PitchSlot, sheets: dict) -> None:
    """Open the slot, submit each judge's sheet, close it (as the lead)."""
    pitch.open_slot(slot=slot, actor=setup.lead)
    for judge, scores in sheets.items():
        assignment = Assignment.objects.get(entry=slot.entry, user=judge)
        save_review(assignment=assignment, actor=judge, scores=scores, submit=True)
    pitch.close_slot(slot=slot, actor=setup.lead)


def error_code(call) -> str:
    with pytest.raises(AileagueError) as caught:
        call()
    return caught.value.code


# --- The draw ---------------------------------------------------------------------------------


def test_draw_is_reproducible_from_the_published_seed():
    setup = make_pitch_session(n_entries=6)
    slots = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="ab12cd34")
    ids = sorted(e.pk for e in setup.entries)
    expected = list(ids)
    random.Random("ab12cd34").shuffle(expected)
    assert [s.entry_id for s in slots] == expected
    assert pitch.drawn_order(reversed(ids), "ab12cd34") == expected
    setup.session.refresh_from_db()
    assert setup.session.draw_seed == "ab12cd34"


def test_draw_without_a_seed_records_a_random_one_that_redraws_the_same_order():
    setup = make_pitch_session(n_entries=5)
    slots = pitch.draw_order(session=setup.session, actor=setup.organiser)
    setup.session.refresh_from_db()
    seed = setup.session.draw_seed
    assert len(seed) == 16
    assert int(seed, 16) >= 0
    assert [s.entry_id for s in slots] == pitch.drawn_order([e.pk for e in setup.entries], seed)
    audit = AuditEntry.objects.get(action="jury.pitch.draw")
    assert audit.after["seed"] == seed
    assert audit.after["order"] == [s.entry_id for s in slots]


def test_slots_start_every_eight_plus_seven_minutes():
    setup = make_pitch_session(n_entries=4)
    slots = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="x")
    assert [s.position for s in slots] == [1, 2, 3, 4]
    assert [s.starts_at for s in slots] == [STARTS_AT + timedelta(minutes=15 * i) for i in range(4)]


def test_draw_leaves_out_entries_not_passed_withdrawn_or_of_another_track():
    setup = make_pitch_session(n_entries=3)
    pending, withdrawn, elsewhere = setup.entries
    pending.formal_check = FormalCheck.PENDING
    pending.save()
    withdrawn.withdrawn = True
    withdrawn.save()
    elsewhere.track = make_stage().scenario.track
    elsewhere.save()
    code = error_code(lambda: pitch.draw_order(session=setup.session, actor=setup.organiser))
    assert code == "no_entries"


def test_each_panel_judge_gets_every_entry_except_a_conflicted_one():
    setup = make_pitch_session(n_entries=3, n_judges=2)
    conflicted = setup.judges[0]
    declare_conflict(entry=setup.entries[1], judge=conflicted, actor=conflicted)
    pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    pairs = set(
        Assignment.objects.filter(round=setup.round).values_list("entry_id", "user_id", "origin")
    )
    expected = {
        (e.pk, j.pk, AssignmentOrigin.PANEL)
        for e in setup.entries
        for j in setup.panel
        if not (e == setup.entries[1] and j == conflicted)
    }
    assert pairs == expected  # the presidium scores nothing


def test_only_an_organiser_draws_and_not_once_a_slot_has_opened():
    setup = make_pitch_session()
    assert (
        error_code(lambda: pitch.draw_order(session=setup.session, actor=setup.lead))
        == "permission_denied"
    )
    slots = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="one")
    again = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="two")
    assert [s.entry_id for s in again] == pitch.drawn_order([e.pk for e in setup.entries], "two")
    assert PitchSlot.objects.filter(session=setup.session).count() == 3
    assert Assignment.objects.filter(round=setup.round).count() == 9
    pitch.open_slot(slot=again[0], actor=setup.lead)
    code = error_code(
        lambda: pitch.draw_order(session=setup.session, actor=setup.organiser, seed="three")
    )
    assert code == "draw_locked"
    assert len(slots) == 3


def test_sessions_belong_to_pitch_rounds():
    organiser = make_user(role="organiser")
    round_ = create_round(stage=make_stage(), slug="online", name={"en": "Online"}, actor=organiser)
    code = error_code(
        lambda: pitch.create_session(
            round_=round_, track=None, name={"en": "x"}, starts_at=STARTS_AT, actor=organiser
        )
    )
    assert code == "not_a_pitch_round"


# --- Opening and closing slots ----------------------------------------------------------------


def test_the_lead_opens_one_slot_at_a_time_and_the_session_goes_live():
    setup = make_pitch_session()
    first, second, _third = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    assert (
        error_code(lambda: pitch.open_slot(slot=first, actor=setup.judges[0]))
        == "permission_denied"
    )
    assert (
        error_code(lambda: pitch.open_slot(slot=first, actor=setup.presidium))
        == "permission_denied"
    )
    pitch.open_slot(slot=first, actor=setup.lead)
    first.refresh_from_db()
    setup.session.refresh_from_db()
    assert (first.status, setup.session.status) == (SlotStatus.LIVE, SessionStatus.LIVE)
    assert error_code(lambda: pitch.open_slot(slot=second, actor=setup.lead)) == (
        "slot_already_live"
    )
    pitch.close_slot(slot=first, actor=setup.organiser)
    assert error_code(lambda: pitch.open_slot(slot=first, actor=setup.lead)) == "slot_not_waiting"
    pitch.open_slot(slot=second, actor=setup.organiser)
    actions = list(
        AuditEntry.objects.filter(action__startswith="jury.pitch.slot")
        .order_by("pk")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("jury.pitch.slot.open", setup.lead.pk),
        ("jury.pitch.slot.close", setup.organiser.pk),
        ("jury.pitch.slot.open", setup.organiser.pk),
    ]


def test_a_judge_joining_the_panel_after_the_draw_gets_only_the_pitches_still_to_come():
    setup = make_pitch_session()
    first, second, third = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    pitch.open_slot(slot=first, actor=setup.lead)
    pitch.close_slot(slot=first, actor=setup.lead)
    late = make_user()
    Conflict.objects.create(entry=third.entry, user=late, reason="organiser")
    add_juror(round_=setup.round, user=late, actor=setup.organiser)
    assert set(Assignment.objects.filter(user=late).values_list("entry_id", flat=True)) == {
        second.entry_id
    }


def test_closing_freezes_the_slots_sheets():
    setup = make_pitch_session(n_judges=1)
    judge = setup.judges[0]
    first, second, _third = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    assignment = Assignment.objects.get(entry=first.entry, user=judge)
    code = error_code(
        lambda: save_review(assignment=assignment, actor=judge, scores=sheet(5), submit=True)
    )
    assert code == "slot_not_live"  # not on stage yet
    pitch.open_slot(slot=first, actor=setup.lead)
    save_review(assignment=assignment, actor=judge, scores=sheet(7), submit=True)
    assert error_code(lambda: pitch.close_slot(slot=first, actor=judge)) == "permission_denied"
    assert error_code(lambda: pitch.close_slot(slot=second, actor=setup.lead)) == "slot_not_live"
    pitch.close_slot(slot=first, actor=setup.lead)
    code = error_code(
        lambda: save_review(assignment=assignment, actor=judge, scores=sheet(2), submit=True)
    )
    assert code == "slot_not_live"
    review = Review.objects.get(assignment=assignment)
    assert (review.scores, review.total) == (sheet(7.0), 7.0)
    first.refresh_from_db()
    assert (first.status, first.closed_by) == (SlotStatus.CLOSED, setup.lead)
    close = AuditEntry.objects.get(action="jury.pitch.slot.close")
    assert close.after == {
        "slot": 1,
        "entry": first.entry_id,
        "panel": 2,
        "submitted": 1,
        "session": "live",
    }


def test_closing_the_last_slot_closes_the_session():
    setup = make_pitch_session(n_entries=2)
    slots = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    for slot in slots:
        pitch.open_slot(slot=slot, actor=setup.lead)
        pitch.close_slot(slot=slot, actor=setup.lead)
    setup.session.refresh_from_db()
    assert setup.session.status == SessionStatus.CLOSED


# --- Ratification and ranking -----------------------------------------------------------------


def test_only_the_presidium_ratifies_and_only_when_every_slot_is_closed(settings, tmp_path):
    settings.AILEAGUE_SIGNING_DIR = str(tmp_path / "signing")
    setup = make_pitch_session(n_entries=2)
    first, second = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    score_slot(setup, first, {j: sheet(8) for j in setup.panel})
    for actor in (setup.lead, setup.judges[0], setup.organiser):
        assert (
            error_code(lambda actor=actor: pitch.ratify_session(session=setup.session, actor=actor))
            == "permission_denied"
        )
    code = error_code(lambda: pitch.ratify_session(session=setup.session, actor=setup.presidium))
    assert code == "slots_not_closed"
    score_slot(setup, second, {j: sheet(6) for j in setup.panel})
    ranking = pitch.ratify_session(session=setup.session, actor=setup.presidium)
    assert [(r.rank, r.entry, r.mean) for r in ranking] == [
        (1, first.entry, 8.0),
        (2, second.entry, 6.0),
    ]
    setup.session.refresh_from_db()
    assert setup.session.status == SessionStatus.RATIFIED
    assert setup.session.ratified_by == setup.presidium
    assert len(setup.session.pdf_sha256) == 64
    results = EntryResult.objects.filter(round=setup.round).order_by("rank")
    assert [(r.entry_id, r.rank, r.score, r.n_reviews) for r in results] == [
        (first.entry_id, 1, 8.0, 3),
        (second.entry_id, 2, 6.0, 3),
    ]
    audit = AuditEntry.objects.get(action="jury.pitch.ratify")
    assert audit.actor == setup.presidium
    assert audit.after["ranking"] == [[1, first.entry_id, 8.0], [2, second.entry_id, 6.0]]


def test_nothing_changes_after_ratification(settings, tmp_path):
    settings.AILEAGUE_SIGNING_DIR = str(tmp_path / "signing")
    setup = make_pitch_session(n_entries=1)
    (slot,) = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    score_slot(setup, slot, {j: sheet(5) for j in setup.panel})
    pitch.ratify_session(session=setup.session, actor=setup.presidium)
    assignment = Assignment.objects.get(entry=slot.entry, user=setup.lead)
    assert (
        error_code(lambda: pitch.ratify_session(session=setup.session, actor=setup.presidium))
        == "session_ratified"
    )
    assert error_code(lambda: pitch.open_slot(slot=slot, actor=setup.lead)) == "session_ratified"
    assert (
        error_code(lambda: pitch.draw_order(session=setup.session, actor=setup.organiser, seed="t"))
        == "draw_locked"
    )
    assert (
        error_code(lambda: save_review(assignment=assignment, actor=setup.lead, scores=sheet(9)))
        == "slot_not_live"
    )
    assert Review.objects.get(assignment=assignment).total == 5.0


def test_a_conflicted_presidium_member_cannot_ratify():
    setup = make_pitch_session(n_entries=1)
    declare_conflict(entry=setup.entries[0], judge=setup.presidium, actor=setup.presidium)
    (slot,) = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    score_slot(setup, slot, {setup.lead: sheet(5)})
    code = error_code(lambda: pitch.ratify_session(session=setup.session, actor=setup.presidium))
    assert code == "presidium_conflicted"
    assert pitch.can_see_sheets(setup.presidium, setup.session) is False


def test_ties_are_broken_by_median_then_key_criterion_then_drawn_order():
    setup = make_pitch_session(n_entries=6, n_judges=2)
    slots = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="tie")
    lead, a, b = setup.panel
    # Innovation (weight 0.30) is the key criterion: +1 there, -1 on commercial (0.20) and
    # on ASEAN adaptability (0.10) keeps the total at 6.
    keyed = {"innovation": 7, "application": 6, "commercial": 5, "team": 6, "asean": 5}
    plan = {
        0: {lead: sheet(3), a: sheet(3), b: sheet(3)},  # all equal: drawn order decides
        1: {lead: sheet(4), a: sheet(4), b: sheet(7)},  # mean 5, median 4
        2: {lead: sheet(5), a: sheet(5), b: sheet(5)},  # mean 5, median 5
        3: {lead: sheet(6), a: sheet(6), b: sheet(6)},  # mean 6, key mean 6
        4: {lead: keyed, a: keyed, b: keyed},  # mean 6, key mean 7
        5: {lead: sheet(3), a: sheet(3), b: sheet(3)},  # all equal: drawn order decides
    }
    for i, slot in enumerate(slots):
        score_slot(setup, slot, plan[i])
    ranking = pitch.session_ranking(setup.session)
    assert [(r.rank, r.position) for r in ranking] == [
        (1, 5),
        (2, 4),
        (3, 3),
        (4, 2),
        (5, 1),
        (6, 6),
    ]
    assert [r.mean for r in ranking] == [6.0, 6.0, 5.0, 5.0, 3.0, 3.0]


def test_unsubmitted_drafts_and_conflicted_sheets_do_not_count():
    setup = make_pitch_session(n_entries=1, n_judges=2)
    (slot,) = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    late, conflicted = setup.judges
    pitch.open_slot(slot=slot, actor=setup.lead)
    for judge, value, submit in ((setup.lead, 8, True), (late, 2, False), (conflicted, 1, True)):
        assignment = Assignment.objects.get(entry=slot.entry, user=judge)
        save_review(assignment=assignment, actor=judge, scores=sheet(value), submit=submit)
    pitch.close_slot(slot=slot, actor=setup.lead)
    # A conflict found after the pitch: the sheet stays on record but no longer counts.
    declare_conflict(entry=slot.entry, judge=conflicted, actor=setup.organiser)
    (row,) = pitch.session_ranking(setup.session)
    assert (row.rank, row.totals) == (1, [8.0])


# --- What each judge sees ---------------------------------------------------------------------


def test_a_conflicted_judge_sees_only_the_recusal():
    setup = make_pitch_session(n_entries=2, n_judges=1)
    judge = setup.judges[0]
    declare_conflict(entry=setup.entries[0], judge=judge, actor=judge)
    slots = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    slot = next(s for s in slots if s.entry == setup.entries[0])
    pitch.open_slot(slot=slot, actor=setup.lead)
    view = pitch.live_view(session=setup.session, user=judge)
    assert (view.slot, view.recused, view.assignment, view.read_only) == (slot, True, None, True)
    lead_view = pitch.live_view(session=setup.session, user=setup.lead)
    assert (lead_view.recused, lead_view.read_only) == (False, False)
    assert lead_view.assignment.entry == setup.entries[0]


def test_strangers_do_not_see_the_live_page():
    setup = make_pitch_session(n_entries=1)
    code = error_code(lambda: pitch.live_view(session=setup.session, user=make_user()))
    assert code == "permission_denied"


# --- Pages ------------------------------------------------------------------------------------


def login(client, user):
    client.force_login(user, backend="aileague.accounts.backends.EmailBackend")


def test_live_page_shows_recusal_without_the_team_or_title(client):
    setup = make_pitch_session(n_entries=1, n_judges=1, team_names=["Mekong Minds"])
    judge = setup.judges[0]
    declare_conflict(entry=setup.entries[0], judge=judge, actor=judge)
    (slot,) = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    pitch.open_slot(slot=slot, actor=setup.lead)
    login(client, judge)
    text = client.get(reverse("pitch:live", args=[setup.session.pk])).content.decode()
    assert "You are recused for this pitch" in text
    assert "Mekong Minds" not in text
    assert "Project 0" not in text
    state = client.get(reverse("pitch:live_state", args=[setup.session.pk])).json()
    assert state == {
        "version": f"live:{slot.pk}:live",
        "session": "live",
        "slot": 1,
        "slot_status": "live",
    }


def test_judge_scores_through_the_plain_form_and_the_sheet_locks_on_close(client):
    setup = make_pitch_session(n_entries=1, n_judges=1)
    judge = setup.judges[0]
    (slot,) = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="s")
    url = reverse("pitch:live", args=[setup.session.pk])
    login(client, judge)
    assert 'id="waiting"' in client.get(url).content.decode()
    pitch.open_slot(slot=slot, actor=setup.lead)
    form = {f"score_{key}": "6" for key in CRITERIA}
    response = client.post(url, {**form, "score_team": "", "slot": slot.pk, "action": "submit"})
    assert response.status_code == 422
    assert "Score “Team” before submitting." in response.content.decode()
    response = client.post(url, {**form, "slot": slot.pk, "action": "submit", "comment": "Clear."})
    assert response.status_code == 302
    review = Review.objects.get(assignment__user=judge)
    assert (review.total, review.comment, review.is_submitted) == (6.0, "Clear.", True)
    text = client.get(url).content.decode()
    assert 'id="submitted"' in text
    assert len(re.findall(r'value="6"\s+checked', text)) == 5
    pitch.close_slot(slot=slot, actor=setup.lead)
    text = client.get(url).content.decode()
    assert 'id="read-only"' in text
    assert 'name="action"' not in text
    response = client.post(url, {**form, "slot": slot.pk, "action": "submit"})
    assert response.status_code == 422
    assert Review.objects.get(assignment__user=judge).total == 6.0


def test_session_page_runs_the_session_and_the_public_page_shows_the_ranking(
    client, settings, tmp_path
):
    settings.AILEAGUE_SIGNING_DIR = str(tmp_path / "signing")
    setup = make_pitch_session(n_entries=2, n_judges=0)
    session_url = reverse("pitch:session", args=[setup.session.pk])
    login(client, setup.judges[0] if setup.judges else make_user())
    assert client.get(session_url).status_code == 403
    login(client, setup.organiser)
    client.post(reverse("pitch:draw", args=[setup.session.pk]), {"seed": "open-day"})
    slots = list(setup.session.slots.order_by("position"))
    assert [s.entry_id for s in slots] == pitch.drawn_order(
        [e.pk for e in setup.entries], "open-day"
    )
    login(client, setup.lead)
    for slot, value in zip(slots, (9, 4), strict=True):
        client.post(reverse("pitch:open_slot", args=[setup.session.pk, slot.pk]))
        assignment = Assignment.objects.get(entry=slot.entry, user=setup.lead)
        save_review(assignment=assignment, actor=setup.lead, scores=sheet(value), submit=True)
        client.post(reverse("pitch:close_slot", args=[setup.session.pk, slot.pk]))
    public_url = reverse("pitch:public", args=[setup.session.pk])
    assert 'id="ranking"' not in client.get(public_url).content.decode()
    login(client, setup.presidium)
    text = client.get(session_url).content.decode()
    assert "Ratify the session" in text
    client.post(reverse("pitch:ratify", args=[setup.session.pk]))
    setup.session.refresh_from_db()
    assert setup.session.status == SessionStatus.RATIFIED
    pdf = client.get(reverse("pitch:pdf", args=[setup.session.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    client.logout()
    text = client.get(public_url).content.decode()
    assert f'<li data-entry="{slots[0].entry_id}" data-rank="1">' in text
    assert f'<li data-entry="{slots[1].entry_id}" data-rank="2">' in text
    assert "open-day" in text
    assert str(pitch.TIE_BREAK_RULE) in text
    assert client.get(reverse("pitch:pdf", args=[setup.session.pk])).status_code == 302


def test_live_page_renders_in_chinese(client, settings):
    setup = make_pitch_session(n_entries=1)
    login(client, setup.lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    text = client.get(reverse("pitch:live", args=[setup.session.pk])).content.decode()
    assert '<html lang="zh-hans">' in text
    assert "决赛 智慧物流赛道" in text
