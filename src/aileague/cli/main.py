"""Command definitions. Each command parses its arguments and calls one client call or service."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn
from rich.table import Table

from aileague.cli import operator
from aileague.cli.client import (
    CHUNKED_THRESHOLD,
    Api,
    ClientError,
    Credentials,
    load_credentials,
    save_credentials,
)
from aileague.cli.jury import jury_app
from aileague.cli.report import report
from aileague.cli.results import results_app

app = typer.Typer(help="aileague: scenario-driven AI competitions.", no_args_is_help=True)
app.add_typer(operator.bundle_app, name="bundle")
app.add_typer(jury_app, name="jury")
app.add_typer(results_app, name="results")
console = Console()
err = Console(stderr=True)
TERMINAL = {"scored", "invalid", "failed"}


def _api() -> Api:
    return Api(load_credentials(), language=os.environ.get("AILEAGUE_LANGUAGE"))


def _fail(exc: ClientError) -> None:
    err.print(f"[red]error[/red] ({exc.payload.get('code', exc.status)}): {exc}")
    raise typer.Exit(2)


@app.command()
def login(
    url: Annotated[str, typer.Option(help="Server, e.g. https://league.example.org")],
    token: Annotated[str, typer.Option(help="API token from your profile page")],
) -> None:
    """Save the server URL and your API token, and check them."""
    credentials = Credentials(url=url.rstrip("/"), token=token)
    try:
        me = Api(credentials).get("/me")
    except ClientError as exc:
        _fail(exc)
    path = save_credentials(credentials)
    console.print(
        f"Signed in as [bold]{me['display_name']}[/bold] ({me['email']}); saved to {path}"
    )


@app.command()
def scenarios() -> None:
    """List the scenarios you can see."""
    try:
        rows = _api().get("/scenarios")
    except ClientError as exc:
        _fail(exc)
    table = Table("slug", "title", "track", "metric", "stage")
    for row in rows:
        table.add_row(
            row["slug"], row["title"], row["track"], row["metric"], row["current_stage"] or ""
        )
    console.print(table)


@app.command()
def submit(
    file: Annotated[Path | None, typer.Argument(help="Predictions file (CSV)")] = None,
    scenario: Annotated[
        str, typer.Option("--scenario", "-c", "--competition", help="Scenario slug")
    ] = "",
    file_option: Annotated[Path | None, typer.Option("--file", "-f", help="Same as FILE")] = None,
    message: Annotated[str, typer.Option("--message", "-m", help="A note for your team")] = "",
    stage: Annotated[str, typer.Option(help="Stage slug (default: the open one)")] = "",
    wait: Annotated[bool, typer.Option(help="Wait for the score")] = True,
    chunked: Annotated[
        bool | None, typer.Option("--chunked/--single", hidden=True, help="Force the upload mode")
    ] = None,
    retries: Annotated[int, typer.Option(hidden=True, help="Retries of a failed chunk")] = 5,
) -> None:
    """Upload a predictions file, show the upload's progress, then wait for its score.

    Files over 16 MB go up in checksummed chunks; if the upload is interrupted, run the same
    command again and it resumes where the server left off."""
    path = file or file_option
    if path is None or not scenario:
        err.print("usage: aileague submit --scenario SLUG FILE [-m MESSAGE]")
        raise typer.Exit(2)
    if not path.is_file():
        err.print(f"[red]error[/red]: {path} is not a file")
        raise typer.Exit(2)
    try:
        api = _api()
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=err,
        ) as progress:
            size = path.stat().st_size
            if size > CHUNKED_THRESHOLD if chunked is None else chunked:
                status, body = _upload_in_chunks(
                    api, progress, path, scenario, stage, message, retries
                )
            else:
                task = progress.add_task(f"uploading {path.name}", total=size)
                status, body = api.upload(
                    f"/scenarios/{scenario}/submissions",
                    path,
                    {"description": message, "stage": stage},
                    lambda n: progress.advance(task, n),
                )
        console.print(f"submission {body['id']}: {body['state']}")
        if status == 422 or body["state"] == "invalid":
            _print_problems(body)
            raise typer.Exit(1)
        if wait:
            body = _wait_for(api, body["id"])
            _print_result(body)
            if body["state"] != "scored":
                raise typer.Exit(1)
    except ClientError as exc:
        _fail(exc)


def _upload_in_chunks(api, progress, path, scenario, stage, message, retries):
    size = path.stat().st_size
    hashing = progress.add_task(f"checking {path.name}", total=size)
    task = progress.add_task(f"uploading {path.name}", total=size, start=False)

    def on_session(session: dict) -> None:
        progress.start_task(task)
        if session["received_chunks"]:
            err.print(
                f"resuming: {len(session['received_chunks'])} of {session['chunk_count']} "
                f"chunks ({session['received_bytes']} bytes) are already on the server"
            )
            progress.advance(task, session["received_bytes"])

    return api.upload_chunked(
        path,
        {"scenario": scenario, "stage": stage, "description": message},
        on_hashed=lambda n: progress.advance(hashing, n),
        on_session=on_session,
        on_sent=lambda n: progress.advance(task, n),
        retries=retries,
    )


def _wait_for(api: Api, submission_id: int, timeout_s: float = 3600) -> dict:
    deadline = time.monotonic() + timeout_s
    with console.status("waiting for the score…") as status:
        while True:
            body = api.get(f"/submissions/{submission_id}")
            state = body["state"]
            status.update(_waiting_text(body))
            if state in TERMINAL or time.monotonic() > deadline:
                return body
            time.sleep(1.0)


def _waiting_text(body: dict) -> str:
    """While queued, "queued: #3 in the queue, about 40 s…"; otherwise the state."""
    if body["state"] != "queued" or not body.get("queue_position"):
        return f"{body['state']}…"
    eta = body.get("eta_seconds")
    about = f", about {round(eta)} s" if eta is not None else ""
    return f"queued: #{body['queue_position']} in the queue{about}…"


def _print_result(body: dict) -> None:
    if body["state"] == "scored":
        scores = ", ".join(f"{split}={value:.6g}" for split, value in body["scores"].items())
        console.print(f"[green]scored[/green]: {scores}")
    else:
        _print_problems(body)


def _print_problems(body: dict) -> None:
    console.print(f"[red]{body['state']}[/red]")
    for problem in body.get("problems", []):
        console.print(f"  [bold]{problem['code']}[/bold]: {problem['message']}")
        if problem.get("lines"):
            pairs = list(zip(problem["lines"], problem.get("examples", []), strict=False))
            console.print("    " + "; ".join(f"line {line}: {value!r}" for line, value in pairs))
        elif problem.get("examples"):
            console.print("    e.g. " + ", ".join(problem["examples"]))


@app.command()
def submissions(
    scenario: Annotated[str, typer.Option("--scenario", "-c")],
    stage: Annotated[str, typer.Option()] = "",
) -> None:
    """Your team's submissions to a scenario."""
    try:
        rows = _api().get(f"/scenarios/{scenario}/submissions", stage=stage)
    except ClientError as exc:
        _fail(exc)
    table = Table("id", "created", "state", "public", "final", "file")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["created_at"][:19],
            row["state"],
            _fmt(row["scores"].get("public")),
            "✓" if row["is_final_selection"] else "",
            row["original_name"],
        )
    console.print(table)


@app.command()
def leaderboard(
    scenario: Annotated[str, typer.Option("--scenario", "-c")],
    stage: Annotated[str, typer.Option()] = "",
    private: Annotated[bool, typer.Option(help="Private (B) split, after the close")] = False,
    page: Annotated[int, typer.Option(help="Which page of the board")] = 1,
    per_page: Annotated[int, typer.Option(help="Teams per page (at most 1000)")] = 100,
) -> None:
    """Show a scenario's leaderboard, a page at a time (your team is shown wherever it is)."""
    try:
        board = _api().get(
            f"/scenarios/{scenario}/leaderboard",
            stage=stage,
            split="private" if private else "public",
            page=page,
            per_page=per_page,
        )
    except ClientError as exc:
        _fail(exc)
    table = Table(
        "#",
        "team",
        "country",
        board["metric"],
        "entries",
        title=f"{board['scenario']} · {board['split']}",
    )
    mine = board.get("mine")
    for row in [mine] if mine else []:
        table.add_row(
            str(row["rank"]),
            f"[bold]{row['team']}[/bold] (your team)",
            row["province"] or row["country"],
            _fmt(row["score"]),
            str(row["entries"]),
            end_section=True,
        )
    for row in board["rows"]:
        table.add_row(
            str(row["rank"]),
            row["team"],
            row["province"] or row["country"],
            _fmt(row["score"]),
            str(row["entries"]),
        )
    console.print(table)
    if board.get("pages", 1) > 1:
        console.print(
            f"page {board['page']} of {board['pages']} ({board['total']} teams); "
            f"--page N for another"
        )


def _fmt(value) -> str:
    return "" if value is None else f"{value:.5g}"


# Kaggle-style spellings, for people who know `kaggle competitions submit -c NAME -f FILE -m MSG`.
competitions_app = typer.Typer(
    help="Kaggle-style aliases: list, submit, submissions, leaderboard.", no_args_is_help=True
)
competitions_app.command("list")(scenarios)
competitions_app.command("submit")(submit)
competitions_app.command("submissions")(submissions)
competitions_app.command("leaderboard")(leaderboard)
app.add_typer(competitions_app, name="competitions")

app.command("seed")(operator.seed)
app.command("demo")(operator.demo)
app.command("worker")(operator.worker)
app.command("rescore")(operator.rescore)
app.command("report")(report)
app.command("manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    operator.manage
)


def main() -> None:
    app()
