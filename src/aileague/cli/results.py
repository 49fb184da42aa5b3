"""``aileague results …``: a stage's outcome. Everyone reads the published list and files
objections; a team sees whether it advances; organisers compute, publish, decide objections,
finalise and issue certificates. Every command is one call to the results API
(``/api/v1/scenarios/{slug}/results…``, ``/api/v1/results/…``, see docs/results.md), with the
login of ``aileague login``."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aileague.cli.client import Api, ClientError, load_credentials

results_app = typer.Typer(
    help="A stage's results: the list on public notice, your team's status, objections; "
    "compute, publish, finalise and certificates for organisers.",
    no_args_is_help=True,
)

ScenarioOpt = Annotated[str, typer.Option("--scenario", "-c", help="Scenario slug")]
StageOpt = Annotated[str, typer.Option("--stage", help="Stage slug (default: the current one)")]
DaysOpt = Annotated[
    int | None,
    typer.Option("--days", help="Days of public notice (default: the stage's policy)"),
]

#: What each reason on a result line means, in a few words.
REASONS = {
    "top_k": "top k of its track",
    "qualified": "qualified",
    "asean_quota": "ASEAN quota",
    "below_gate": "below the benchmark threshold",
    "below_threshold": "below the minimum final score",
    "outside_top_k": "outside the top k",
}


def _out() -> Console:
    # Made per call, so the terminal width (COLUMNS) is read when the command runs.
    return Console(highlight=False)


def _err() -> Console:
    return Console(stderr=True, highlight=False)


class ResultsApi(Api):
    """The participant client plus any verb; a refused input (422) raises ClientError too."""

    def __init__(self) -> None:
        credentials = load_credentials()
        super().__init__(credentials, language=os.environ.get("AILEAGUE_LANGUAGE"))
        self.base_url = credentials.url

    def __enter__(self) -> ResultsApi:
        return self

    def __exit__(self, *exc_info) -> None:
        self._http.close()

    def call(self, method: str, path: str, **kwargs):
        response = self._http.request(method, path, **kwargs)
        payload = self._json(response)
        if response.status_code == 422:
            raise ClientError(422, _unprocessable(payload))
        return payload

    def raw(self, method: str, path: str, **kwargs):
        return self._http.request(method, path, **kwargs)


def _unprocessable(payload) -> dict:
    """Our errors carry code and message; the framework's own validation only ``detail``."""
    if isinstance(payload, dict) and "message" in payload:
        return payload
    detail = payload.get("detail") if isinstance(payload, dict) else None
    problems = [
        f"{'.'.join(str(p) for p in item.get('loc', [])[1:])}: {item.get('msg', '')}"
        for item in detail or []
        if isinstance(item, dict)
    ]
    return {"code": "invalid_input", "message": "; ".join(problems) or "invalid input"}


def _fail(exc: ClientError) -> None:
    """The API's code and message; exit 1 for refused input (422), 2 for anything else."""
    _err().print(f"[red]error[/red] ({exc.payload.get('code', exc.status)}): {exc}")
    raise typer.Exit(1 if exc.status == 422 else 2)


def _request(method: str, path: str, **kwargs):
    try:
        with ResultsApi() as api:
            return api.call(method, path, **kwargs)
    except ClientError as exc:
        _fail(exc)


def _stage_params(stage: str, **extra) -> dict:
    params = {"stage": stage} if stage else {}
    params.update({k: v for k, v in extra.items() if v is not None})
    return params


def _num(value, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _when(value: str | None) -> str:
    """An API timestamp in UTC, to the minute."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _reason(line: dict) -> str:
    label = REASONS.get(line["reason"], line["reason"])
    if line["advanced"]:
        return f"[green]advances[/green] ({label})"
    return f"no ({label})" if label else "no"


def _track(line: dict) -> str:
    # Newer servers name the track; older ones only give its id.
    name = line.get("track")
    if isinstance(name, str) and name:
        return name
    return "" if line["track_id"] is None else f"#{line['track_id']}"


def _lines_table(body: dict) -> Table:
    table = Table(
        "#",
        "team",
        "track",
        "benchmark (scaled)",
        "jury (scaled)",
        "final",
        "advanced",
        title=f"{body['scenario']} · {body['stage']} · {body['state']}",
    )
    for line in body["lines"]:
        table.add_row(
            str(line["rank"] or "—"),
            f"{line['team']} ({line['country']})" if line.get("country") else line["team"],
            _track(line),
            f"{_num(line['benchmark_score'], 4)} ({_num(line['benchmark_component'], 1)})",
            f"{_num(line['jury_score'], 2)} ({_num(line['jury_component'], 1)})",
            _num(line["final_score"], 2),
            _reason(line),
        )
    return table


def _notice_text(body: dict) -> str:
    notice = body["notice"]
    if notice is None:
        return {
            "none": "No results for this stage yet.",
            "computed": "Computed, not published: only organisers see the list.",
        }.get(body["state"], body["state"])
    if notice["status"] == "final":
        return f"Final since {_when(notice['finalised_at'])}."
    return (
        f"Provisional: on public notice from {_when(notice['published_at'])} "
        f"until {_when(notice['ends_at'])}; objections are open until then."
    )


def _objections_table(body: dict) -> Table:
    names = {line["team_id"]: line["team"] for line in body["lines"]}
    table = Table("id", "status", "about", "objection", "decision", "decided", title="Objections")
    for o in body["objections"]:
        table.add_row(
            str(o["id"]),
            o["status"],
            names.get(o["team_id"], "" if o["team_id"] is None else f"team {o['team_id']}"),
            o["text"],
            o["decision"],
            _when(o["decided_at"]),
        )
    return table


def _mine_lines(statuses: list[dict]) -> list[str]:
    lines = []
    for status in statuses:
        line = status.get("line")
        where = f", rank {line['rank']}, final {_num(line['final_score'], 2)}" if line else ""
        verdict = "advances" if status["advanced"] else "does not advance"
        label = REASONS.get(status["reason"], status["reason"])
        lines.append(f"{status['team']} {verdict} ({label}){where}")
    return lines


def _print_results(body: dict) -> None:
    out = _out()
    if body["lines"]:
        out.print(_lines_table(body))
    out.print(_notice_text(body))
    for text in _mine_lines(body["mine"]):
        out.print(f"Your team: {text}")
    if body["objections"]:
        out.print(_objections_table(body))


@results_app.command()
def show(scenario: ScenarioOpt, stage: StageOpt = "") -> None:
    """The stage's results: the list, its notice period, your teams, decided objections.

    Before publication only organisers see the list; a team sees whether it advances."""
    body = _request("GET", f"/scenarios/{scenario}/results", params=_stage_params(stage))
    _print_results(body)


@results_app.command()
def mine(scenario: ScenarioOpt, stage: StageOpt = "") -> None:
    """Whether your team advances (as soon as it is computed); rank and score once published."""
    rows = _request("GET", f"/scenarios/{scenario}/results/mine", params=_stage_params(stage))
    if not rows:
        _out().print("None of your teams has a result in this stage (yet).")
    for text in _mine_lines(rows):
        _out().print(text)


@results_app.command()
def compute(scenario: ScenarioOpt, stage: StageOpt = "") -> None:
    """(Organisers) Apply the stage's advancement policy to the scores; nothing is public yet."""
    params = _stage_params(stage)
    body = _request("POST", f"/scenarios/{scenario}/results/compute", params=params)
    _out().print(f"computed {body['lines']} result lines; {len(body['advanced'])} teams advance")
    _print_results(_request("GET", f"/scenarios/{scenario}/results", params=params))


@results_app.command()
def publish(scenario: ScenarioOpt, stage: StageOpt = "", days: DaysOpt = None) -> None:
    """(Organisers) Put the computed list on public notice; objections open until it ends."""
    params = _stage_params(stage, notice_days=days)
    _print_results(_request("POST", f"/scenarios/{scenario}/results/publish", params=params))


@results_app.command()
def republish(scenario: ScenarioOpt, stage: StageOpt = "", days: DaysOpt = None) -> None:
    """(Organisers) Put the recomputed list on notice for a fresh period."""
    params = _stage_params(stage, notice_days=days)
    _print_results(_request("POST", f"/scenarios/{scenario}/results/republish", params=params))


@results_app.command()
def finalise(scenario: ScenarioOpt, stage: StageOpt = "") -> None:
    """(Organisers) Make the list on notice final: after the notice, every objection decided."""
    params = _stage_params(stage)
    _print_results(_request("POST", f"/scenarios/{scenario}/results/finalise", params=params))


@results_app.command()
def certificates(scenario: ScenarioOpt, stage: StageOpt = "") -> None:
    """(Organisers) Issue a certificate to every team of the final list that has none yet."""
    params = _stage_params(stage)
    rows = _request("POST", f"/scenarios/{scenario}/results/certificates", params=params)
    out = _out()
    if not rows:
        out.print("No new certificates: every team of the final list has one.")
        return
    table = Table("serial", "team", "rank", "advanced", title="Certificates issued")
    for row in rows:
        table.add_row(
            row["serial"], row["team"], str(row["rank"] or "—"), "yes" if row["advanced"] else ""
        )
    out.print(table)


def _team_id(api: ResultsApi, scenario: str, stage: str, team: str) -> int:
    """A team id, or the id of the team of that name in the published list."""
    if team.isdigit():
        return int(team)
    body = api.call("GET", f"/scenarios/{scenario}/results", params=_stage_params(stage))
    found = [
        line["team_id"] for line in body["lines"] if line["team"].casefold() == team.casefold()
    ]
    if len(found) != 1:
        raise ClientError(
            0,
            {
                "code": "team_not_in_results",
                "message": f"No team named {team!r} in the published results; "
                "give its id (see `aileague results show`).",
            },
        )
    return found[0]


@results_app.command("object")
def object_(
    scenario: ScenarioOpt,
    text: Annotated[str, typer.Option("--text", "-m", help="What you object to, and why")],
    stage: StageOpt = "",
    team: Annotated[
        str | None, typer.Option("--team", help="The team it is about: name or id")
    ] = None,
    evidence: Annotated[
        Path | None, typer.Option("--evidence", help="A file that shows it (at most 10 MB)")
    ] = None,
    link: Annotated[str, typer.Option("--link", help="A web link to the evidence")] = "",
) -> None:
    """Object to the provisional results while the notice runs (under your real name).

    Add your real name on your profile page first. The decision is published on the notice."""
    if evidence is not None and not evidence.is_file():
        _err().print(f"[red]error[/red]: {evidence} is not a file")
        raise typer.Exit(2)
    fields = {"text": text, "stage": stage, "evidence_link": link}
    try:
        with ResultsApi() as api:
            if team:
                fields["team_id"] = str(_team_id(api, scenario, stage, team))
            path = f"/scenarios/{scenario}/results/objections"
            if evidence is None:
                body = api.call("POST", path, data=fields)
            else:
                with open(evidence, "rb") as handle:
                    files = {"evidence": (evidence.name, handle)}
                    body = api.call("POST", path, data=fields, files=files)
    except ClientError as exc:
        _fail(exc)
    _out().print(
        f"objection {body['id']} filed ({body['status']}); "
        "the decision will be published with the results"
    )


@results_app.command()
def investigate(objection_id: Annotated[int, typer.Argument(help="Objection id")]) -> None:
    """(Organisers) Mark an objection as under investigation."""
    body = _request("POST", f"/results/objections/{objection_id}/investigate")
    _out().print(f"objection {body['id']}: {body['status']}")


@results_app.command()
def decide(
    objection_id: Annotated[int, typer.Argument(help="Objection id (see `results show`)")],
    upheld: Annotated[
        bool | None, typer.Option("--uphold/--dismiss", help="Uphold or dismiss the objection")
    ] = None,
    decision: Annotated[
        str, typer.Option("--decision", "-m", help="The decision and its reasons (published)")
    ] = "",
) -> None:
    """(Organisers) Uphold or dismiss an objection, with published reasons.

    Upholding records the decision: correct the data, then `compute` and `republish`."""
    if upheld is None:
        _err().print("[red]error[/red]: say --uphold or --dismiss")
        raise typer.Exit(2)
    body = _request(
        "POST",
        f"/results/objections/{objection_id}/decide",
        json={"upheld": upheld, "decision": decision},
    )
    _out().print(f"objection {body['id']}: {body['status']} — {body['decision']}")
    if body["status"] == "upheld":
        _out().print("Correct the data, then `aileague results compute` and `… republish`.")


@results_app.command()
def certificate(
    serial: Annotated[str, typer.Argument(help="The serial number printed on the certificate")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Save the certificate's PDF here")
    ] = None,
) -> None:
    """Verify a certificate by its serial number; -o saves its PDF.

    The PDF is for the team's members and the organisers."""
    serial = serial.strip().upper()
    try:
        with ResultsApi() as api:
            body = api.call("GET", f"/results/certificates/{serial}")
            web = f"{api.base_url}/results/certificates/{body['serial']}/"
            pdf = api.raw("GET", f"/results/certificates/{body['serial']}/pdf") if output else None
    except ClientError as exc:
        _fail(exc)
    out = _out()
    out.print(f"certificate {body['serial']}: valid")
    out.print(f"  team: {body['team']}")
    out.print(f"  scenario: {body['scenario']}, stage: {body['stage']}")
    if body["rank"]:
        out.print(f"  rank {body['rank']} in the track")
    out.print(f"  advanced: {'yes' if body['advanced'] else 'no'}")
    out.print(f"  issued: {_when(body['issued_at'])}")
    out.print(f"  verify: {web}")
    if output is not None:
        _save_pdf(pdf, output, web)


def _save_pdf(response, output: Path, web: str) -> None:
    if response.status_code == 200 and response.headers.get("content-type", "").startswith(
        "application/pdf"
    ):
        output.write_bytes(response.content)
        _out().print(f"saved the PDF to {output}")
        return
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict) and payload.get("code"):
        _fail(ClientError(response.status_code, payload))
    _err().print(
        f"[red]error[/red] the server answered {response.status_code} without a PDF; "
        f"sign in and open {web}pdf/"
    )
    raise typer.Exit(2)
