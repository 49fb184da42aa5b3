"""``aileague results …`` against a live server: an organiser computes and publishes a stage's
results, a person objects under their real name, the organiser decides, finalises after the
notice and issues certificates; anyone verifies one."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from typer.testing import CliRunner

from aileague.accounts.services import create_api_token
from aileague.cli.main import app
from aileague.results.models import Certificate, Objection, ResultNotice
from tests.factories import captain_of, make_user
from tests.results.conftest import League, add_benchmark, add_jury

pytestmark = pytest.mark.django_db(transaction=True)

LINES = [
    ["1", "Beta (CN)", "#{track}", "0.8000 (50.0)", "8.00 (100.0)", "75.00",
     "advances (top k of its track)"],
    ["2", "Alpha (CN)", "#{track}", "0.9000 (100.0)", "6.00 (0.0)", "50.00",
     "no (outside the top k)"],
    ["3", "Gamma (TH)", "#{track}", "0.7000 (0.0)", "7.00 (50.0)", "25.00",
     "advances (ASEAN quota)"],
]  # fmt: skip


def results_cli(args: list[str], live_server, user, tmp_path):
    _, token = create_api_token(user=user, name="cli")
    env = {
        "AILEAGUE_URL": live_server.url,
        "AILEAGUE_TOKEN": token,
        "AILEAGUE_CONFIG": str(tmp_path / "credentials.json"),
        "AILEAGUE_LANGUAGE": "en",
        "COLUMNS": "200",
    }
    return CliRunner().invoke(app, ["results", *args], env=env)


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the rich tables in ``text``, as lists of stripped cells."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in text.splitlines()
        if line.lstrip().startswith("│")
    ]


def utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def scored_league() -> League:
    """Three teams, 0.5 / 0.5, top 1 per track, at least one ASEAN team (tests/results).

    Finals: Beta (CN) 75 advances on rank, Alpha (CN) 50 does not, Gamma (TH) 25 advances on
    the ASEAN quota."""
    league = League()
    league.teams = {
        "alpha": league.team("Alpha", "CN"),
        "beta": league.team("Beta", "CN"),
        "gamma": league.team("Gamma", "TH"),
    }
    for key, bench, jury in (("alpha", 0.9, 6.0), ("beta", 0.8, 8.0), ("gamma", 0.7, 7.0)):
        add_benchmark(league.stage, league.teams[key], bench)
        add_jury(league.round, league.teams[key], jury)
    league.policy(benchmark_weight=0.5, jury_weight=0.5, top_k_per_track=1, min_asean=1)
    league.args = ["-c", league.stage.scenario.slug, "--stage", league.stage.slug]
    league.lines = [
        [cell.format(track=league.stage.scenario.track_id) for cell in line] for line in LINES
    ]
    return league


def with_real_name(name: str):
    person = make_user()
    person.real_name = name
    person.save(update_fields=["real_name"])
    return person


def test_the_whole_outcome_flow_from_the_cli(live_server, tmp_path):
    league = scored_league()
    organiser, stage = league.organiser, league.args

    computed = results_cli(["compute", *stage], live_server, organiser, tmp_path)
    assert computed.exit_code == 0, computed.output
    assert computed.stdout.splitlines()[0] == "computed 3 result lines; 2 teams advance"
    assert table_rows(computed.stdout) == league.lines
    assert "Computed, not published: only organisers see the list." in computed.stdout

    captain = captain_of(league.teams["gamma"])
    mine = results_cli(["mine", *stage], live_server, captain, tmp_path)
    assert (mine.exit_code, mine.stdout) == (0, "Gamma advances (ASEAN quota)\n")

    published = results_cli(["publish", *stage, "--days", "2"], live_server, organiser, tmp_path)
    assert published.exit_code == 0, published.output
    notice = ResultNotice.objects.get()
    assert notice.ends_at - notice.published_at == timedelta(days=2)
    assert table_rows(published.stdout) == league.lines
    assert published.stdout.splitlines()[-1] == (
        f"Provisional: on public notice from {utc(notice.published_at)} until "
        f"{utc(notice.ends_at)}; objections are open until then."
    )

    evidence = tmp_path / "evidence.txt"
    evidence.write_text("Beta's jury sheet was counted twice.")
    objected = results_cli(
        ["object", *stage, "--text", "Beta's jury score", "--team", "beta",
         "--evidence", str(evidence), "--link", "https://example.org/sheet"],
        live_server, with_real_name("Tran Thi Mai"), tmp_path,
    )  # fmt: skip
    assert objected.exit_code == 0, objected.output
    objection = Objection.objects.get()
    assert objected.stdout == (
        f"objection {objection.pk} filed (filed); the decision will be published with the results\n"
    )
    assert (objection.filer_real_name, objection.team, objection.evidence_link) == (
        "Tran Thi Mai",
        league.teams["beta"],
        "https://example.org/sheet",
    )
    with objection.evidence.open("rb") as handle:
        assert handle.read() == b"Beta's jury sheet was counted twice."

    early = results_cli(["finalise", *stage], live_server, organiser, tmp_path)
    assert early.exit_code == 2
    assert early.stderr.startswith("error (notice_running): The public notice runs until ")

    decided = results_cli(
        ["decide", str(objection.pk), "--dismiss", "--decision", "Counted once."],
        live_server, organiser, tmp_path,
    )  # fmt: skip
    assert decided.exit_code == 0, decided.output
    assert decided.stdout == f"objection {objection.pk}: dismissed — Counted once.\n"

    # The two days of notice pass.
    ResultNotice.objects.update(ends_at=notice.ends_at - timedelta(days=3))
    final = results_cli(["finalise", *stage], live_server, organiser, tmp_path)
    assert final.exit_code == 0, final.output
    notice.refresh_from_db()
    assert notice.status == "final"
    assert f"Final since {utc(notice.finalised_at)}." in final.stdout

    issued = results_cli(["certificates", *stage], live_server, organiser, tmp_path)
    assert issued.exit_code == 0, issued.output
    serials = {c.team.name: c.serial for c in Certificate.objects.select_related("team")}
    assert table_rows(issued.stdout) == [
        [serials["Beta"], "Beta", "1", "yes"],
        [serials["Alpha"], "Alpha", "2", ""],
        [serials["Gamma"], "Gamma", "3", "yes"],
    ]
    again = results_cli(["certificates", *stage], live_server, organiser, tmp_path)
    assert again.stdout == "No new certificates: every team of the final list has one.\n"

    shown = results_cli(["show", *stage], live_server, make_user(), tmp_path)
    assert shown.exit_code == 0, shown.output
    decided_at = utc(Objection.objects.get().decided_at)
    assert table_rows(shown.stdout) == [
        *league.lines,
        [str(objection.pk), "dismissed", "Beta", "Beta's jury score", "Counted once.", decided_at],
    ]


def test_anyone_verifies_a_certificate_and_a_member_downloads_its_pdf(live_server, tmp_path):
    league = scored_league()
    organiser, stage = league.organiser, league.args
    for step in (["compute", *stage], ["publish", *stage, "--days", "1"]):
        assert results_cli(step, live_server, organiser, tmp_path).exit_code == 0
    ResultNotice.objects.update(ends_at=ResultNotice.objects.get().published_at)
    for step in (["finalise", *stage], ["certificates", *stage]):
        assert results_cli(step, live_server, organiser, tmp_path).exit_code == 0
    certificate = Certificate.objects.get(team=league.teams["gamma"])
    web = f"{live_server.url}/results/certificates/{certificate.serial}/"

    verified = results_cli(
        ["certificate", certificate.serial.lower(), "-o", str(tmp_path / "c.pdf")],
        live_server, captain_of(league.teams["gamma"]), tmp_path,
    )  # fmt: skip
    assert verified.exit_code == 0, verified.stderr
    assert verified.stdout.splitlines() == [
        f"certificate {certificate.serial}: valid",
        "  team: Gamma",
        f"  scenario: {league.stage.scenario.slug}, stage: {league.stage.name['en']}",
        "  rank 3 in the track",
        "  advanced: yes",
        f"  issued: {utc(certificate.issued_at)}",
        f"  verify: {web}",
        f"saved the PDF to {tmp_path / 'c.pdf'}",
    ]
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")

    stranger = results_cli(
        ["certificate", certificate.serial, "-o", str(tmp_path / "d.pdf")],
        live_server, make_user(), tmp_path,
    )  # fmt: skip
    assert stranger.exit_code == 2
    assert stranger.stderr.endswith(
        "error (certificate_not_found): No certificate has this serial number.\n"
    )
    assert not (tmp_path / "d.pdf").exists()

    unknown = results_cli(["certificate", "NOPE"], live_server, make_user(), tmp_path)
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        "error (certificate_not_found): No certificate has this serial number.\n"
    )


def test_before_publication_a_team_sees_only_whether_it_advances(live_server, tmp_path):
    league = scored_league()
    computed = results_cli(["compute", *league.args], live_server, league.organiser, tmp_path)
    assert computed.exit_code == 0, computed.output
    shown = results_cli(
        ["show", *league.args], live_server, captain_of(league.teams["alpha"]), tmp_path
    )
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines() == [
        "Computed, not published: only organisers see the list.",
        "Your team: Alpha does not advance (outside the top k)",
    ]


def test_an_objection_needs_a_real_name_and_an_open_notice(live_server, tmp_path):
    league = scored_league()
    args = [*league.args, "--text", "Wrong order"]
    closed = results_cli(["object", *args], live_server, with_real_name("Le Van An"), tmp_path)
    assert (closed.exit_code, closed.stderr) == (
        1,
        "error (not_published): The results are not published.\n",
    )
    for step in (["compute", *league.args], ["publish", *league.args]):
        assert results_cli(step, live_server, league.organiser, tmp_path).exit_code == 0
    nameless = results_cli(["object", *args], live_server, make_user(), tmp_path)
    assert nameless.exit_code == 2
    assert nameless.stderr.replace("\n", " ").strip() == (
        "error (real_name_required): Objections are filed under your real name: add it on your "
        "profile page first."
    )
    unknown_team = results_cli(
        ["object", *args, "--team", "Delta"], live_server, with_real_name("Le Van An"), tmp_path
    )
    assert unknown_team.exit_code == 2
    assert unknown_team.stderr.replace("\n", " ").strip() == (
        "error (team_not_in_results): No team named 'Delta' in the published results; give its "
        "id (see `aileague results show`)."
    )
    assert Objection.objects.count() == 0


def test_only_organisers_compute_and_decide_needs_a_verdict(live_server, tmp_path):
    league = scored_league()
    refused = results_cli(
        ["compute", *league.args], live_server, captain_of(league.teams["beta"]), tmp_path
    )
    assert (refused.exit_code, refused.stderr) == (
        2,
        "error (not_organiser): Only the league's organisers may do this.\n",
    )
    undecided = results_cli(["decide", "1", "-m", "Why"], live_server, league.organiser, tmp_path)
    assert (undecided.exit_code, undecided.stderr) == (2, "error: say --uphold or --dismiss\n")
