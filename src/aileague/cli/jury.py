"""``aileague jury …``: judges review, organisers assign and read results, teams hand in
proposals. Every command is one call to the jury's JSON API (``/api/v1/jury/…``), with the
same login as the other participant commands (``aileague login``)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aileague.cli.client import Api, ClientError, load_credentials

jury_app = typer.Typer(
    help="The jury: your review assignments and score sheets; assignment and results for "
    "organisers; proposals for teams.",
    no_args_is_help=True,
)

RECOMMENDATIONS = ("strong_yes", "yes", "unsure", "no")


def _out() -> Console:
    # Made per call, so the terminal width (COLUMNS) is read when the command runs.
    return Console(highlight=False)


def _err() -> Console:
    return Console(stderr=True, highlight=False)


class JuryApi(Api):
    """The participant client plus the verbs the jury needs (PUT, a form without a file).

    Unlike ``Api.get``, every call here raises ClientError on 422 too, so that a refused
    score sheet reaches ``_fail`` with its list of problems."""

    def __enter__(self) -> JuryApi:
        return self

    def __exit__(self, *exc_info) -> None:
        self._http.close()

    def call(self, method: str, path: str, **kwargs):
        response = self._http.request(method, path, **kwargs)
        payload = self._json(response)
        if response.status_code == 422:
            raise ClientError(422, payload if isinstance(payload, dict) else {})
        return payload

    def download(self, path: str) -> bytes:
        """A file (the signed score sheets); refusals come back as JSON like any call."""
        response = self._http.get(path)
        if response.status_code >= 400:
            self._json(response)
            raise ClientError(response.status_code, {})
        return response.content


def _api() -> JuryApi:
    return JuryApi(load_credentials(), language=os.environ.get("AILEAGUE_LANGUAGE"))


def _request(method: str, path: str, **kwargs):
    with _api() as api:
        return api.call(method, path, **kwargs)


def _fail(exc: ClientError) -> None:
    """The API's code and message, then every problem it listed; exit 1 for refused input
    (422), 2 for anything else (not found, not allowed, not signed in, server errors)."""
    err = _err()
    code = exc.payload.get("code", exc.status)
    details = exc.payload.get("details")
    if isinstance(details, list) and str(exc) == " ".join(map(str, details)):
        err.print(f"[red]error[/red] ({code}):")  # the problems below are the whole message
    else:
        err.print(f"[red]error[/red] ({code}): {exc}")
    if isinstance(details, list):
        for problem in details:
            err.print(f"  • {problem}")
    elif isinstance(details, dict):
        for key, value in details.items():
            err.print(f"  {key}: {value}")
    raise typer.Exit(1 if exc.status == 422 else 2)


def _fmt(value, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


STATE_STYLE = {"to_do": "yellow", "draft": "cyan", "submitted": "green"}


@jury_app.command()
def assignments(
    round_id: Annotated[int | None, typer.Option("--round", help="Only this round")] = None,
) -> None:
    """Your review assignments and where each score sheet stands."""
    try:
        rows = _request("GET", "/jury/assignments", params={"round": round_id} if round_id else {})
    except ClientError as exc:
        _fail(exc)
    out = _out()
    if not rows:
        out.print("No review assignments for you.")
        return
    table = Table("id", "round", "entry", "team", "state", "total")
    for row in rows:
        style = STATE_STYLE.get(row["state"], "")
        table.add_row(
            str(row["id"]),
            row["round"]["name"],
            row["title"],
            row["team"] or "—",
            f"[{style}]{row['state']}[/{style}]" if style else row["state"],
            _fmt(row["total"]),
        )
    out.print(table)
    done = sum(1 for row in rows if row["state"] == "submitted")
    out.print(f"{done} of {len(rows)} submitted")


@jury_app.command()
def show(assignment_id: Annotated[int, typer.Argument(help="Assignment id")]) -> None:
    """An assignment: the entry, the score sheet with its anchors and your review.

    The other judges' reviews show once yours is submitted."""
    try:
        body = _request("GET", f"/jury/assignments/{assignment_id}")
    except ClientError as exc:
        _fail(exc)
    _print_assignment(body)


def _print_assignment(body: dict) -> None:
    out = _out()
    entry = body["entry"]
    out.print(f"[bold]{entry['title']}[/bold]  ({body['round']['name']}, #{body['id']})")
    facts = [
        f"team: {entry['team']}" if entry["team"] else "team: hidden (blind review)",
        f"track: {entry['track']}" if entry["track"] else "",
        f"language: {entry['language']}",
        f"tags: {', '.join(entry['tags'])}" if entry["tags"] else "",
    ]
    out.print("  " + " · ".join(f for f in facts if f))
    if entry["summary"]:
        out.print(entry["summary"])
    for name, url in entry["links"].items():
        out.print(f"  {name}: {url}")
    review = body["review"] or {}
    scores = review.get("scores", {})
    table = Table(
        "criterion", "key", "weight", "scale", "anchors", "your score", title="Score sheet"
    )
    for criterion in body["criteria"]:
        anchors = "; ".join(
            f"{point} {text}"
            for point, text in sorted(criterion["anchors"].items(), key=lambda a: float(a[0]))
        )
        table.add_row(
            criterion["name"],
            criterion["key"],
            f"{criterion['weight']:g}",
            f"{criterion['scale_min']}–{criterion['scale_max']}",
            anchors,
            _fmt(scores.get(criterion["key"]), 0) if criterion["key"] in scores else "",
        )
    out.print(table)
    out.print(
        f"state: {body['state']}"
        + (f", total {_fmt(body['total'])}" if body["total"] is not None else "")
    )
    if review.get("recommendation"):
        out.print(f"recommendation: {review['recommendation']}")
    if review.get("comment"):
        out.print(f"comment: {review['comment']}")
    if body["peer_reviews"]:
        peers = Table("judge", "total", "recommendation", "comment", title="Other judges")
        for peer in body["peer_reviews"]:
            peers.add_row(
                peer["label"], _fmt(peer["total"]), peer["recommendation"], peer["comment"]
            )
        out.print(peers)
    elif body["state"] != "submitted":
        out.print("[dim]The other judges' reviews show once you submit yours.[/dim]")


def _parse_scores(pairs: list[str]) -> dict[str, str]:
    scores: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            _err().print(
                f"[red]error[/red]: --score takes KEY=VALUE, e.g. innovation=8, not {pair!r}"
            )
            raise typer.Exit(2)
        scores[key.strip()] = value.strip()
    return scores


@jury_app.command()
def review(
    assignment_id: Annotated[int, typer.Argument(help="Assignment id")],
    score: Annotated[
        list[str] | None,
        typer.Option("--score", "-s", help="KEY=VALUE, once per criterion (see `jury show`)"),
    ] = None,
    comment: Annotated[str | None, typer.Option("--comment", "-m", help="Your comment")] = None,
    recommend: Annotated[
        str | None,
        typer.Option(help="Overall recommendation: " + ", ".join(RECOMMENDATIONS)),
    ] = None,
    submit: Annotated[
        bool, typer.Option("--submit/--draft", help="Submit the review, or save a draft")
    ] = False,
) -> None:
    """Fill in a score sheet: save a draft, or --submit it.

    Scores, comment and recommendation you leave out keep their saved values; --submit checks
    that the sheet is complete."""
    given = _parse_scores(score or [])
    try:
        with _api() as api:
            current = api.call("GET", f"/jury/assignments/{assignment_id}")
            saved = current["review"] or {}
            scores = {key: str(value) for key, value in saved.get("scores", {}).items()}
            body = api.call(
                "PUT",
                f"/jury/assignments/{assignment_id}/review",
                json={
                    "scores": {**scores, **given},
                    "comment": saved.get("comment", "") if comment is None else comment,
                    "recommendation": saved.get("recommendation", "")
                    if recommend is None
                    else recommend,
                    "submit": submit,
                },
            )
    except ClientError as exc:
        _fail(exc)
    out = _out()
    total = f"; total {_fmt(body['total'])}" if body["total"] is not None else ""
    if body["state"] == "submitted":
        out.print(f"[green]submitted[/green] review of “{body['title']}”{total}")
    else:
        out.print(f"saved a draft of the review of “{body['title']}”{total}")


@jury_app.command()
def conflict(
    entry_id: Annotated[int, typer.Argument(help="Entry id (see `jury show`)")],
    note: Annotated[str, typer.Option("--note", "-m", help="Why, for the organisers")] = "",
) -> None:
    """Declare a conflict of interest with an entry; its assignment to you is withdrawn."""
    try:
        body = _request("POST", f"/jury/entries/{entry_id}/conflict", json={"note": note})
    except ClientError as exc:
        _fail(exc)
    withdrawn = " and withdrew your assignment" if body["assignments_withdrawn"] else ""
    _out().print(f"declared a conflict with entry {body['entry_id']}{withdrawn}")


@jury_app.command()
def assign(round_id: Annotated[int, typer.Argument(help="Round id")]) -> None:
    """(Organisers) Assign reviewers to every entry that passed the formal check.

    Re-running keeps every started review and only moves untouched assignments."""
    try:
        report = _request("POST", f"/jury/rounds/{round_id}/assign")
    except ClientError as exc:
        _fail(exc)
    table = Table("entries", "judges", "created", "kept", "removed", "affinity", "components")
    table.add_row(
        *(str(report[k]) for k in ("entries", "judges", "created", "kept", "removed")),
        f"{report['total_affinity']:.2f}",
        str(report["components"]),
    )
    _out().print(table)
    _out().print(f"solved in {report['solve_seconds']:.3f} s")


@jury_app.command()
def results(
    round_id: Annotated[int, typer.Argument(help="Round id")],
    compute: Annotated[
        bool, typer.Option(help="Recompute from the submitted reviews first")
    ] = False,
) -> None:
    """(Organisers, presidium) Raw and calibrated scores side by side, with uncertainty."""
    try:
        body = _request("POST" if compute else "GET", f"/jury/rounds/{round_id}/results")
    except ClientError as exc:
        _fail(exc)
    out = _out()
    if not body["rows"]:
        out.print(
            f"No results for {body['round']['name']} yet: "
            f"run `aileague jury results {round_id} --compute`."
        )
        return
    table = Table(
        "#",
        "entry",
        "team",
        "reviews",
        "raw mean",
        "calibrated",
        "± stderr",
        "spread",
        "flag",
        title=f"{body['round']['name']} · {body['method']}",
    )
    for row in body["rows"]:
        table.add_row(
            str(row["rank"] or "—"),
            row["title"],
            row["team"] or "",
            str(row["n_reviews"]),
            _fmt(row["raw_mean"]),
            _fmt(row["score"]),
            _fmt(row["stderr"]),
            _fmt(row["spread"]),
            "[red]⚑[/red]" if row["flagged"] else "",
        )
    out.print(table)
    flagged = sum(1 for row in body["rows"] if row["flagged"])
    if flagged:
        out.print(
            f"{flagged} entr{'y' if flagged == 1 else 'ies'} flagged for disagreement: "
            f"`aileague jury extra-reviews {round_id}` asks for another review."
        )


@jury_app.command("extra-reviews")
def extra_reviews(round_id: Annotated[int, typer.Argument(help="Round id")]) -> None:
    """(Organisers) One more review for every entry flagged for disagreement."""
    try:
        body = _request("POST", f"/jury/rounds/{round_id}/extra-reviews")
    except ClientError as exc:
        _fail(exc)
    _out().print(
        f"added {body['added']} review(s); {body['no_free_judge']} entry(ies) found no free judge"
    )


@jury_app.command()
def propose(
    round_id: Annotated[int, typer.Argument(help="Round id")],
    title: Annotated[str, typer.Option(help="The proposal's title")],
    summary: Annotated[str, typer.Option(help="A short summary")] = "",
    language: Annotated[
        str, typer.Option(help="Language of the proposal (en, zh-hans, vi…)")
    ] = "en",
    tags: Annotated[str, typer.Option(help="Comma-separated, e.g. nlp,logistics")] = "",
    team: Annotated[
        int | None, typer.Option(help="Team id (default: your team in the stage)")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="The proposal (PDF)")] = None,
) -> None:
    """Hand in your team's proposal for a judged round (again to revise it).

    A proposal can change until the first review of it is submitted."""
    fields = {"title": title, "summary": summary, "language": language, "tags": tags}
    if team is not None:
        fields["team"] = str(team)
    if file is not None and not file.is_file():
        _err().print(f"[red]error[/red]: {file} is not a file")
        raise typer.Exit(2)
    try:
        path = f"/jury/rounds/{round_id}/proposal"
        if file is None:
            body = _request("POST", path, data=fields)
        else:
            with open(file, "rb") as handle:
                body = _request("POST", path, data=fields, files={"file": (file.name, handle)})
    except ClientError as exc:
        _fail(exc)
    attached = " with its document" if body["has_document"] else ""
    _out().print(
        f"proposal {body['id']} “{body['title']}” handed in{attached}; "
        f"formal check: {body['formal_check']}"
    )


@jury_app.command()
def check(
    entry_id: Annotated[int, typer.Argument(help="Entry id")],
    passed: Annotated[
        bool, typer.Option("--pass/--return", help="Pass the formal check, or return the entry")
    ] = True,
    note: Annotated[str, typer.Option("--note", "-m", help="What the team must correct")] = "",
) -> None:
    """(Organisers) The formal check of an entry: pass it, or return it with a note."""
    try:
        body = _request(
            "POST", f"/jury/entries/{entry_id}/formal-check", json={"passed": passed, "note": note}
        )
    except ClientError as exc:
        _fail(exc)
    _out().print(f"entry {body['id']} “{body['title']}”: {body['formal_check']}")


# --- Pitch sessions ("8+7") ------------------------------------------------------------------

SLOT_STYLE = {"waiting": "dim", "live": "bold yellow", "closed": "green"}


def _local(iso: str, fmt: str = "%Y-%m-%d %H:%M %z") -> str:
    """A server time (UTC) in this machine's time zone."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime(fmt)


@jury_app.command()
def sessions(round_id: Annotated[int, typer.Argument(help="Round id (a pitch round)")]) -> None:
    """The pitch sessions of a round, in time order."""
    try:
        rows = _request("GET", f"/jury/rounds/{round_id}/sessions")
    except ClientError as exc:
        _fail(exc)
    out = _out()
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
        _err().print(
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
        session = _request("POST", f"/jury/rounds/{round_id}/sessions", json=body)
    except ClientError as exc:
        _fail(exc)
    _out().print(
        f"session {session['id']} “{session['name']}” scheduled for "
        f"{_local(session['starts_at'])}; draw its order with "
        f"`aileague jury draw {session['id']}`"
    )


@jury_app.command()
def session(session_id: Annotated[int, typer.Argument(help="Session id")]) -> None:
    """A pitch session: the drawn order with times and status, the seed, and for judges the
    score sheet of each pitch (`jury review ID … --submit` while its slot is live)."""
    try:
        body = _request("GET", f"/jury/sessions/{session_id}")
    except ClientError as exc:
        _fail(exc)
    _print_session(body)


def _print_session(body: dict) -> None:
    out = _out()
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
    out = _out()
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
            _fmt(row["mean"]),
            _fmt(row["median"]),
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
        body = _request("POST", f"/jury/sessions/{session_id}/draw", json={"seed": seed})
    except ClientError as exc:
        _fail(exc)
    _out().print(f"drew {len(body['slots'])} slot(s) with seed {body['seed']}")
    _print_session(body)


def _slot_action(session_id: int, position: int, action: str) -> dict:
    with _api() as api:
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
        _fail(exc)
    slot = body["slots"][position - 1]
    _out().print(f"slot {position} “{slot['title'] or '—'}” is on stage")


@jury_app.command("close")
def close_slot(
    session_id: Annotated[int, typer.Argument(help="Session id")],
    position: Annotated[int, typer.Argument(help="Slot position in the drawn order (1, 2, …)")],
) -> None:
    """(Panel lead, organisers) Take the slot off stage; its sheets can no longer change."""
    try:
        body = _slot_action(session_id, position, "close")
    except ClientError as exc:
        _fail(exc)
    slot = body["slots"][position - 1]
    sheets = f"; {slot['submitted']} of {slot['panel']} sheets submitted" if slot["panel"] else ""
    closed = "; the session is closed, ready to ratify" if body["status"] == "closed" else ""
    _out().print(f"slot {position} is closed{sheets}{closed}")


@jury_app.command()
def ratify(session_id: Annotated[int, typer.Argument(help="Session id")]) -> None:
    """(Presidium) Ratify a session whose slots are all closed: the ranking becomes final and
    the score sheets are signed (`jury sheets` downloads them)."""
    try:
        ranking = _request("POST", f"/jury/sessions/{session_id}/ratify")
    except ClientError as exc:
        _fail(exc)
    _out().print(f"[green]ratified[/green] session {session_id}")
    _print_ranking(ranking)


@jury_app.command()
def sheets(
    session_id: Annotated[int, typer.Argument(help="Session id")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the PDF")],
) -> None:
    """(Organisers, panel lead, presidium) The signed score sheets of a ratified session."""
    try:
        with _api() as api:
            pdf = api.download(f"/jury/sessions/{session_id}/score-sheets.pdf")
    except ClientError as exc:
        _fail(exc)
    output.write_bytes(pdf)
    _out().print(f"wrote the signed score sheets ({len(pdf)} bytes) to {output}")
