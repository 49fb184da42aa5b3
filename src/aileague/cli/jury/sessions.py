"""``aileague jury …`` for pitch sessions ("8+7"): list, create, draw, open and close slots,
ratify, signed score sheets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aileague.cli.client import ClientError
from aileague.cli.jury.client import (
    console,
    error_console,
    fail,
    fmt,
    jury_api,
    jury_app,
    request,
)

# --- Pitch sessions ("8+7") ------------------------------------------------------------------

SLOT_STYLE = {"waiting": "dim", "live": "bold yellow", "closed": "green"}


def _local(iso: str, fmt: str = "%Y-%m-%d %H:%M %z") -> str:
    """A server time (UTC) in this machine's time zone."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime(fmt)


@jury_app.command()
def sessions(round_id: Annotated[int, typer.Argument(help="Round id (a pitch round)")]) -> None:
    """The pitch sessions of a round, in time order."""
    try:
        rows = request("GET", f"/jury/rounds/{round_id}/sessions")
    except ClientError as exc:
        fail(exc)
    out = console()
    if not rows:
        out.print(
            f"No pitch sessions in round {round_id} yet: "
            f"`aileague jury session-new {round_id} --track … --name … --starts …` adds one."
        )
        return
    table = Table("id", "session", "track", "starts", "room", "status", "slots", "seed")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["name"],
            row["track"] or "",
            _local(row["starts_at"]),
            row["room"],
            row["status"],
            str(row["n_slots"]),
            row["seed"] or "—",
        )
    out.print(table)


@jury_app.command("session-new")
def session_new(
    round_id: Annotated[int, typer.Argument(help="Round id (a pitch round)")],
    track: Annotated[int, typer.Option(help="Track id: its entries pitch in this session")],
    name: Annotated[str, typer.Option(help="The session's name")],
    starts: Annotated[
        str, typer.Option(help="ISO 8601 with the offset of the venue, e.g. 2026-12-01T19:00+08:00")
    ],
    pitch: Annotated[int, typer.Option(help="Minutes of pitch per slot")] = 8,
    qa: Annotated[int, typer.Option(help="Minutes of questions per slot")] = 7,
    room: Annotated[str, typer.Option(help="Where it takes place")] = "",
) -> None:
    """(Organisers) Schedule an "8+7" pitch session of one track; `jury draw` draws its order."""
    try:
        starts_at = datetime.fromisoformat(starts)
    except ValueError:
        error_console().print(
            f"[red]error[/red]: --starts takes an ISO 8601 time such as "
            f"2026-12-01T19:00+08:00, not {starts!r}"
        )
        raise typer.Exit(2) from None
    body = {
        "track": track,
        "name": name,
        "starts_at": starts_at.isoformat(),
        "pitch_minutes": pitch,
        "qa_minutes": qa,
        "room": room,
    }
    try:
        session = request("POST", f"/jury/rounds/{round_id}/sessions", json=body)
    except ClientError as exc:
        fail(exc)
    console().print(
        f"session {session['id']} “{session['name']}” scheduled for "
        f"{_local(session['starts_at'])}; draw its order with "
        f"`aileague jury draw {session['id']}`"
    )


@jury_app.command()
def session(session_id: Annotated[int, typer.Argument(help="Session id")]) -> None:
    """A pitch session: the drawn order with times and status, the seed, and for judges the
    score sheet of each pitch (`jury review ID … --submit` while its slot is live)."""
    try:
        body = request("GET", f"/jury/sessions/{session_id}")
    except ClientError as exc:
        fail(exc)
    _print_session(body)


def _print_session(body: dict) -> None:
    out = console()
    out.print(f"[bold]{body['name']}[/bold]  ({body['round']['name']}, session {body['id']})")
    facts = [
        f"track: {body['track']}" if body["track"] else "",
        f"starts: {_local(body['starts_at'])}",
        f"room: {body['room']}" if body["room"] else "",
        f"{body['pitch_minutes']}+{body['qa_minutes']} min",
        f"status: {body['status']}",
    ]
    out.print("  " + " · ".join(f for f in facts if f))
    if not body["slots"]:
        out.print("The order has not been drawn yet.")
        return
    out.print(f"  seed: {body['seed']} (the order is random.Random(seed).shuffle of the ids)")
    judge = any(s["assignment_id"] or s["recused"] for s in body["slots"])
    columns = ["#", "starts", "ends", "status", "entry", "team"]
    columns += ["your sheet", "state"] if judge else []
    columns += ["submitted"] if body["can_run"] else []
    table = Table(*columns, title="Order")
    for slot in body["slots"]:
        style = SLOT_STYLE.get(slot["status"], "")
        cells = [
            str(slot["position"]),
            _local(slot["starts_at"], "%H:%M"),
            _local(slot["ends_at"], "%H:%M"),
            f"[{style}]{slot['status']}[/{style}]",
            "recused (conflict)" if slot["recused"] else slot["title"],
            slot["team"] or "",
        ]
        if judge:
            cells += [str(slot["assignment_id"] or "—"), slot["sheet"] or ""]
        if body["can_run"]:
            cells.append(f"{slot['submitted']}/{slot['panel']}")
        table.add_row(*cells)
    out.print(table)
    live = next((s for s in body["slots"] if s["status"] == "live"), None)
    if live and live["assignment_id"]:
        out.print(
            f"On stage: #{live['position']} “{live['title']}”. Score it with "
            f"`aileague jury review {live['assignment_id']} -s KEY=VALUE … --submit`."
        )
    elif live and live["recused"]:
        out.print(f"On stage: #{live['position']}; you are recused from it.")
    if body["ranking"] and any(row["n_sheets"] for row in body["ranking"]["rows"]):
        _print_ranking(body["ranking"])


def _print_ranking(ranking: dict) -> None:
    out = console()
    final = ranking["status"] == "ratified"
    table = Table(
        "rank", "#", "entry", "team", "mean", "median", "sheets",
        title="Ranking" if final else "Ranking so far",
    )  # fmt: skip
    for row in ranking["rows"]:
        table.add_row(
            str(row["rank"] or "—"),
            str(row["position"]),
            row["title"],
            row["team"] or "",
            fmt(row["mean"]),
            fmt(row["median"]),
            str(row["n_sheets"]),
        )
    out.print(table)
    out.print(f"[dim]{ranking['tie_break']}[/dim]")
    if final:
        out.print(
            f"ratified by {ranking['ratified_by']} on {_local(ranking['ratified_at'])}; "
            f"signed score sheets SHA-256 {ranking['pdf_sha256']}"
        )


@jury_app.command()
def draw(
    session_id: Annotated[int, typer.Argument(help="Session id")],
    seed: Annotated[
        str | None, typer.Option(help="The seed to draw with (default: a random one)")
    ] = None,
) -> None:
    """(Organisers) Draw the order of a session; drawing again replaces it until a slot opens."""
    try:
        body = request("POST", f"/jury/sessions/{session_id}/draw", json={"seed": seed})
    except ClientError as exc:
        fail(exc)
    console().print(f"drew {len(body['slots'])} slot(s) with seed {body['seed']}")
    _print_session(body)


def _slot_action(session_id: int, position: int, action: str) -> dict:
    with jury_api() as api:
        body = api.call("GET", f"/jury/sessions/{session_id}")
        slot = next((s for s in body["slots"] if s["position"] == position), None)
        if slot is None:
            raise ClientError(
                404,
                {
                    "code": "slot_not_found",
                    "message": f"Session {session_id} has no slot {position}.",
                },
            )
        return api.call("POST", f"/jury/sessions/{session_id}/slots/{slot['id']}/{action}")


@jury_app.command("open")
def open_slot(
    session_id: Annotated[int, typer.Argument(help="Session id")],
    position: Annotated[int, typer.Argument(help="Slot position in the drawn order (1, 2, …)")],
) -> None:
    """(Panel lead, organisers) Put a slot on stage: the panel scores it until it closes."""
    try:
        body = _slot_action(session_id, position, "open")
    except ClientError as exc:
        fail(exc)
    slot = body["slots"][position - 1]
    console().print(f"slot {position} “{slot['title'] or '—'}” is on stage")


@jury_app.command("close")
def close_slot(
    session_id: Annotated[int, typer.Argument(help="Session id")],
    position: Annotated[int, typer.Argument(help="Slot position in the drawn order (1, 2, …)")],
) -> None:
    """(Panel lead, organisers) Take the slot off stage; its sheets can no longer change."""
    try:
        body = _slot_action(session_id, position, "close")
    except ClientError as exc:
        fail(exc)
    slot = body["slots"][position - 1]
    sheets = f"; {slot['submitted']} of {slot['panel']} sheets submitted" if slot["panel"] else ""
    closed = "; the session is closed, ready to ratify" if body["status"] == "closed" else ""
    console().print(f"slot {position} is closed{sheets}{closed}")


@jury_app.command()
def ratify(session_id: Annotated[int, typer.Argument(help="Session id")]) -> None:
    """(Presidium) Ratify a session whose slots are all closed: the ranking becomes final and
    the score sheets are signed (`jury sheets` downloads them)."""
    try:
        ranking = request("POST", f"/jury/sessions/{session_id}/ratify")
    except ClientError as exc:
        fail(exc)
    console().print(f"[green]ratified[/green] session {session_id}")
    _print_ranking(ranking)


@jury_app.command()
def sheets(
    session_id: Annotated[int, typer.Argument(help="Session id")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the PDF")],
) -> None:
    """(Organisers, panel lead, presidium) The signed score sheets of a ratified session."""
    try:
        with jury_api() as api:
            pdf = api.download(f"/jury/sessions/{session_id}/score-sheets.pdf")
    except ClientError as exc:
        fail(exc)
    output.write_bytes(pdf)
    console().print(f"wrote the signed score sheets ({len(pdf)} bytes) to {output}")
