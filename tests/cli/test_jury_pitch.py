"""A pitch session run end to end from ``aileague jury …`` against a live server: the organiser
schedules and draws, the lead opens and closes each slot, the panel scores the pitch on stage
with ``jury review``, the presidium ratifies and downloads the signed score sheets."""

from __future__ import annotations

import random
import re

import pytest

from aileague.judging.models import Assignment, PitchSession, SessionStatus
from tests.cli.test_jury import jury_cli
from tests.judging.test_pitch import make_pitch_session

pytestmark = pytest.mark.django_db(transaction=True)

SHEET = ["-s", "innovation={v}", "-s", "application={v}", "-s", "commercial={v}"]
SHEET += ["-s", "team={v}", "-s", "asean={v}"]


@pytest.fixture
def signing(settings, tmp_path):
    settings.AILEAGUE_SIGNING_DIR = str(tmp_path / "signing")


def table_rows(output: str) -> list[list[str]]:
    """The body rows of the rich tables in ``output``, cell by cell."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in output.splitlines()
        if line.strip().startswith("│")
    ]


def test_a_pitch_session_runs_end_to_end_from_the_cli(live_server, tmp_path, signing):
    setup = make_pitch_session(n_entries=2, n_judges=1)
    setup.session.delete()
    round_id, judge = setup.round.pk, setup.judges[0]

    def cli(user, *args):
        result = jury_cli([str(a) for a in args], live_server, user, tmp_path)
        assert result.exit_code == 0, result.output
        return result.stdout

    created = cli(
        setup.organiser,
        "session-new",
        round_id,
        "--track",
        setup.entries[0].track_id,
        "--name",
        "Evening final",
        "--starts",
        "2026-12-01T19:00+08:00",
        "--room",
        "Hall C",
    )
    session = PitchSession.objects.get()
    assert session.starts_at.isoformat() == "2026-12-01T11:00:00+00:00"
    assert created.startswith(f"session {session.pk} “Evening final” scheduled for ")
    listed = cli(judge, "sessions", round_id)
    assert table_rows(listed)[0][:2] == [str(session.pk), "Evening final"]
    assert table_rows(listed)[0][4:] == ["Hall C", "scheduled", "0", "—"]

    drawn = cli(setup.organiser, "draw", session.pk, "--seed", "c0ffee")
    assert drawn.splitlines()[0] == "drew 2 slot(s) with seed c0ffee"
    order = sorted(e.pk for e in setup.entries)
    random.Random("c0ffee").shuffle(order)
    titles = {e.pk: e.title for e in setup.entries}

    shown = cli(judge, "session", session.pk)
    sheets = {a.entry_id: a.pk for a in Assignment.objects.filter(user=judge)}
    assert "seed: c0ffee" in shown
    assert [(row[0], row[3], row[4], row[6], row[7]) for row in table_rows(shown)] == [
        (str(i + 1), "waiting", titles[pk], str(sheets[pk]), "to_do") for i, pk in enumerate(order)
    ]

    for position, (entry_id, value) in enumerate(zip(order, (6, 9), strict=True), start=1):
        opened = cli(setup.lead, "open", session.pk, position)
        assert opened.strip() == f"slot {position} “{titles[entry_id]}” is on stage"
        on_stage = cli(judge, "session", session.pk)
        assert on_stage.splitlines()[-1] == (
            f"On stage: #{position} “{titles[entry_id]}”. Score it with "
            f"`aileague jury review {sheets[entry_id]} -s KEY=VALUE … --submit`."
        )
        for member in setup.panel:
            assignment = Assignment.objects.get(entry_id=entry_id, user=member)
            sheet = [part.format(v=value) for part in SHEET]
            scored = cli(member, "review", assignment.pk, *sheet, "--submit")
            assert scored.strip() == (
                f"submitted review of “{titles[entry_id]}”; total {value:.2f}"
            )
        closed = cli(setup.lead, "close", session.pk, position)
        last = "; the session is closed, ready to ratify" if position == 2 else ""
        assert closed.strip() == f"slot {position} is closed; 2 of 2 sheets submitted{last}"

    ratified = cli(setup.presidium, "ratify", session.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.RATIFIED
    assert ratified.splitlines()[0] == f"ratified session {session.pk}"
    assert [row[:3] + row[4:] for row in table_rows(ratified)] == [
        ["1", "2", titles[order[1]], "9.00", "9.00", "2"],
        ["2", "1", titles[order[0]], "6.00", "6.00", "2"],
    ]
    assert f"signed score sheets SHA-256 {session.pdf_sha256}" in ratified

    pdf = tmp_path / "sheets.pdf"
    written = cli(setup.presidium, "sheets", session.pk, "-o", pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert written.strip() == (
        f"wrote the signed score sheets ({pdf.stat().st_size} bytes) to {pdf}"
    )


def fails(result) -> tuple[int, str]:
    return result.exit_code, result.stderr.strip()


def test_refusals_print_the_code_and_message_and_exit_2(live_server, tmp_path, signing):
    setup = make_pitch_session(n_entries=2, n_judges=1)
    session = setup.session.pk

    def run(user, *args):
        return jury_cli([str(a) for a in args], live_server, user, tmp_path)

    assert fails(run(setup.judges[0], "draw", session)) == (
        2,
        "error (permission_denied): Only the organisers can manage this jury.",
    )
    assert run(setup.organiser, "draw", session).exit_code == 0
    assert fails(run(setup.judges[0], "open", session, 1)) == (
        2,
        "error (permission_denied): Only the panel lead or the organisers run the pitch slots.",
    )
    assert run(setup.lead, "open", session, 1).exit_code == 0
    assert fails(run(setup.lead, "open", session, 2)) == (
        2,
        "error (slot_already_live): Another slot is on stage: close it before opening the next.",
    )
    assert fails(run(setup.lead, "close", session, 9)) == (
        2,
        f"error (slot_not_found): Session {session} has no slot 9.",
    )
    assert fails(run(setup.presidium, "ratify", session)) == (
        2,
        "error (slots_not_closed): Every slot must be closed before the session is ratified.",
    )
    result = run(setup.presidium, "sheets", session, "-o", tmp_path / "x.pdf")
    assert fails(result) == (
        2,
        "error (session_not_ratified): The score sheets are signed once the presidium "
        "ratifies the session.",
    )
    assert not (tmp_path / "x.pdf").exists()


def test_a_bad_start_time_or_name_is_refused(live_server, tmp_path):
    setup = make_pitch_session()
    base = ["session-new", str(setup.round.pk), "--track", str(setup.session.track_id)]
    result = jury_cli(
        [*base, "--name", "N", "--starts", "1 Dec 7pm"], live_server, setup.organiser, tmp_path
    )
    assert result.exit_code == 2
    assert re.sub(r"\s+", " ", result.stderr.strip()) == (
        "error: --starts takes an ISO 8601 time such as 2026-12-01T19:00+08:00, not '1 Dec 7pm'"
    )
    result = jury_cli(
        [*base, "--name", " ", "--starts", "2026-12-01T19:00+08:00"],
        live_server,
        setup.organiser,
        tmp_path,
    )
    assert fails(result) == (1, "error (name_required): Give the session a name.")
    assert PitchSession.objects.count() == 1
