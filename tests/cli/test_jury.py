"""``aileague jury …`` against a live server: a judge reviews, an organiser assigns and reads the
results, a team hands in a proposal."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from aileague.accounts.services import create_api_token
from aileague.cli.main import app
from aileague.judging.models import Assignment, JudgedEntry, Review
from tests.factories import captain_of, make_entry, make_team
from tests.judging.test_api import make_jury

pytestmark = pytest.mark.django_db(transaction=True)


def jury_cli(args: list[str], live_server, user, tmp_path):
    _, token = create_api_token(user=user, name="cli")
    env = {
        "AILEAGUE_URL": live_server.url,
        "AILEAGUE_TOKEN": token,
        "AILEAGUE_CONFIG": str(tmp_path / "credentials.json"),
        "AILEAGUE_LANGUAGE": "en",
        "COLUMNS": "200",
    }
    return CliRunner().invoke(app, ["jury", *args], env=env)


def test_judge_reviews_from_the_cli_and_the_organiser_reads_results(live_server, tmp_path):
    jury = make_jury()
    judge = jury.judges[1]
    mine = list(Assignment.objects.filter(user=judge).select_related("entry").order_by("entry_id"))

    listed = jury_cli(["assignments"], live_server, judge, tmp_path)
    assert listed.exit_code == 0, listed.output
    for assignment in mine:
        assert assignment.entry.title in listed.stdout
    assert f"0 of {len(mine)} submitted" in listed.stdout

    first = mine[0]
    shown = jury_cli(["show", str(first.pk)], live_server, judge, tmp_path)
    assert shown.exit_code == 0, shown.output
    assert first.entry.title in shown.stdout
    assert "Technical innovation" in shown.stdout
    assert "10 Outstanding" in shown.stdout
    assert "The other judges' reviews show once you submit yours." in shown.stdout

    draft = jury_cli(
        ["review", str(first.pk), "--score", "innovation=8", "-s", "application=7"],
        live_server,
        judge,
        tmp_path,
    )
    assert draft.exit_code == 0, draft.output
    assert draft.stdout.strip() == f"saved a draft of the review of “{first.entry.title}”"
    review = Review.objects.get(assignment=first)
    assert (review.scores, review.submitted_at) == ({"innovation": 8.0, "application": 7.0}, None)

    submitted = jury_cli(
        [
            "review",
            str(first.pk),
            "--score",
            "commercial=6",
            "--score",
            "team=9",
            "--score",
            "asean=5",
            "--comment",
            "Solid pilot plan.",
            "--recommend",
            "yes",
            "--submit",
        ],
        live_server,
        judge,
        tmp_path,
    )
    assert submitted.exit_code == 0, submitted.output
    assert submitted.stdout.strip() == (f"submitted review of “{first.entry.title}”; total 7.20")
    review.refresh_from_db()
    assert (review.total, review.comment, review.recommendation) == (
        7.2,
        "Solid pilot plan.",
        "yes",
    )
    assert review.submitted_at is not None

    listed = jury_cli(["assignments"], live_server, judge, tmp_path)
    assert f"1 of {len(mine)} submitted" in listed.stdout

    computed = jury_cli(
        ["results", str(jury.round.pk), "--compute"], live_server, jury.organiser, tmp_path
    )
    assert computed.exit_code == 0, computed.output
    assert "Online review · judge_offset" in computed.stdout
    assert first.entry.title in computed.stdout
    assert "7.20" in computed.stdout

    refused = jury_cli(["results", str(jury.round.pk)], live_server, judge, tmp_path)
    assert refused.exit_code == 2
    assert refused.stderr.strip() == (
        "error (permission_denied): Only the organisers and the presidium see the jury's results."
    )


def test_an_incomplete_sheet_lists_every_problem_and_exits_1(live_server, tmp_path):
    jury = make_jury()
    judge = jury.judges[1]
    assignment = Assignment.objects.filter(user=judge).first()
    result = jury_cli(
        ["review", str(assignment.pk), "-s", "innovation=11", "-s", "team=x", "--submit"],
        live_server,
        judge,
        tmp_path,
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error (invalid_score_sheet):",
        "  • “Technical innovation” takes a score from 0 to 10, not 11.",
        "  • Score “Application value” before submitting.",
        "  • Score “Commercial feasibility” before submitting.",
        "  • “x” for “Team” is not a number.",
        "  • Score “ASEAN adaptability” before submitting.",
        "  • Give an overall recommendation before submitting.",
    ]
    sheet = ["-s", "innovation=8", "-s", "application=7", "-s", "commercial=6"]
    sheet += ["-s", "team=9", "-s", "asean=5"]
    result = jury_cli(
        ["review", str(assignment.pk), *sheet, "--submit"], live_server, judge, tmp_path
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error (invalid_score_sheet):",
        "  • Give an overall recommendation before submitting.",
    ]
    assert not Review.objects.exists()


def test_another_judges_assignment_is_not_found_from_the_cli(live_server, tmp_path):
    jury = make_jury()
    assignment = Assignment.objects.filter(user=jury.judges[1]).first()
    result = jury_cli(["show", str(assignment.pk)], live_server, jury.judges[2], tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip() == "error (not_found): No such review assignment for you."


def test_bad_score_syntax_is_refused_before_calling_the_server(live_server, tmp_path):
    jury = make_jury()
    assignment = Assignment.objects.filter(user=jury.judges[1]).first()
    result = jury_cli(
        ["review", str(assignment.pk), "-s", "innovation:8"], live_server, jury.judges[1], tmp_path
    )
    assert result.exit_code == 2
    assert "--score takes KEY=VALUE, e.g. innovation=8, not 'innovation:8'" in result.stderr


def test_organiser_assigns_from_the_cli_and_a_judge_may_not(live_server, tmp_path):
    jury = make_jury(assign=False)
    result = jury_cli(["assign", str(jury.round.pk)], live_server, jury.organiser, tmp_path)
    assert result.exit_code == 0, result.output
    assert Assignment.objects.filter(round=jury.round).count() == 8
    header, values = [
        [cell for cell in line.split() if cell not in ("│", "┃")]
        for line in result.stdout.splitlines()
        if "│" in line or "┃" in line
    ]
    assert header[:5] == ["entries", "judges", "created", "kept", "removed"]
    assert values[:5] == ["4", "3", "8", "0", "0"]
    refused = jury_cli(["assign", str(jury.round.pk)], live_server, jury.judges[1], tmp_path)
    assert refused.exit_code == 2
    assert "permission_denied" in refused.stderr


def test_team_hands_in_a_proposal_with_a_pdf_from_the_cli(live_server, tmp_path):
    jury = make_jury(teams=1, assign=False)
    team = make_team(league=jury.round.stage.scenario.track.league)
    make_entry(stage=jury.round.stage, team=team)
    pdf = tmp_path / "proposal.pdf"
    pdf.write_bytes(b"%PDF-1.4 demo proposal")
    result = jury_cli(
        [
            "propose",
            str(jury.round.pk),
            "--title",
            "Rubber tapping advisor / 割胶顾问",
            "--summary",
            "When to tap, from weather and latex yield.",
            "--tags",
            "agriculture,forecasting",
            "--file",
            str(pdf),
        ],
        live_server,
        captain_of(team),
        tmp_path,
    )
    assert result.exit_code == 0, result.output
    entry = JudgedEntry.objects.get(team=team)
    assert result.stdout.strip() == (
        f"proposal {entry.pk} “Rubber tapping advisor / 割胶顾问” handed in with its "
        "document; formal check: pending"
    )
    assert entry.tags == ["agriculture", "forecasting"]
    checked = jury_cli(["check", str(entry.pk)], live_server, jury.organiser, tmp_path)
    assert checked.exit_code == 0, checked.output
    entry.refresh_from_db()
    assert entry.formal_check == "passed"


def test_proposal_without_a_title_is_refused_with_the_apis_message(live_server, tmp_path):
    jury = make_jury(teams=1, assign=False)
    result = jury_cli(
        ["propose", str(jury.round.pk), "--title", " "],
        live_server,
        captain_of(jury.teams[0]),
        tmp_path,
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == "error (title_required): Give the proposal a title."
