"""``aileague jury …`` for judges (assignments, score sheets, conflicts), organisers (assign,
results, extra reviews, formal checks) and teams (proposals)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aileague.cli.client import ClientError
from aileague.cli.jury.client import (
    RECOMMENDATIONS,
    STATE_STYLE,
    console,
    error_console,
    fail,
    fmt,
    jury_api,
    jury_app,
    request,
)


@jury_app.command()
def assignments(
    round_id: Annotated[int | None, typer.Option("--round", help="Only this round")] = None,
) -> None:
    """Your review assignments and where each score sheet stands."""
    try:
        rows = request("GET", "/jury/assignments", params={"round": round_id} if round_id else {})
    except ClientError as exc:
        fail(exc)
    out = console()
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
            fmt(row["total"]),
        )
    out.print(table)
    done = sum(1 for row in rows if row["state"] == "submitted")
    out.print(f"{done} of {len(rows)} submitted")


@jury_app.command()
def show(assignment_id: Annotated[int, typer.Argument(help="Assignment id")]) -> None:
    """An assignment: the entry, the score sheet with its anchors and your review.

    The other judges' reviews show once yours is submitted."""
    try:
        body = request("GET", f"/jury/assignments/{assignment_id}")
    except ClientError as exc:
        fail(exc)
    _print_assignment(body)


def _print_assignment(body: dict) -> None:
    out = console()
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
            fmt(scores.get(criterion["key"]), 0) if criterion["key"] in scores else "",
        )
    out.print(table)
    out.print(
        f"state: {body['state']}"
        + (f", total {fmt(body['total'])}" if body["total"] is not None else "")
    )
    if review.get("recommendation"):
        out.print(f"recommendation: {review['recommendation']}")
    if review.get("comment"):
        out.print(f"comment: {review['comment']}")
    if body["peer_reviews"]:
        peers = Table("judge", "total", "recommendation", "comment", title="Other judges")
        for peer in body["peer_reviews"]:
            peers.add_row(
                peer["label"], fmt(peer["total"]), peer["recommendation"], peer["comment"]
            )
        out.print(peers)
    elif body["state"] != "submitted":
        out.print("[dim]The other judges' reviews show once you submit yours.[/dim]")


def _parse_scores(pairs: list[str]) -> dict[str, str]:
    scores: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            error_console().print(
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
        with jury_api() as api:
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
        fail(exc)
    out = console()
    total = f"; total {fmt(body['total'])}" if body["total"] is not None else ""
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
        body = request("POST", f"/jury/entries/{entry_id}/conflict", json={"note": note})
    except ClientError as exc:
        fail(exc)
    withdrawn = " and withdrew your assignment" if body["assignments_withdrawn"] else ""
    console().print(f"declared a conflict with entry {body['entry_id']}{withdrawn}")


@jury_app.command()
def assign(round_id: Annotated[int, typer.Argument(help="Round id")]) -> None:
    """(Organisers) Assign reviewers to every entry that passed the formal check.

    Re-running keeps every started review and only moves untouched assignments."""
    try:
        report = request("POST", f"/jury/rounds/{round_id}/assign")
    except ClientError as exc:
        fail(exc)
    table = Table("entries", "judges", "created", "kept", "removed", "affinity", "components")
    table.add_row(
        *(str(report[k]) for k in ("entries", "judges", "created", "kept", "removed")),
        f"{report['total_affinity']:.2f}",
        str(report["components"]),
    )
    console().print(table)
    console().print(f"solved in {report['solve_seconds']:.3f} s")


@jury_app.command()
def results(
    round_id: Annotated[int, typer.Argument(help="Round id")],
    compute: Annotated[
        bool, typer.Option(help="Recompute from the submitted reviews first")
    ] = False,
) -> None:
    """(Organisers, presidium) Raw and calibrated scores side by side, with uncertainty."""
    try:
        body = request("POST" if compute else "GET", f"/jury/rounds/{round_id}/results")
    except ClientError as exc:
        fail(exc)
    out = console()
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
            fmt(row["raw_mean"]),
            fmt(row["score"]),
            fmt(row["stderr"]),
            fmt(row["spread"]),
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
        body = request("POST", f"/jury/rounds/{round_id}/extra-reviews")
    except ClientError as exc:
        fail(exc)
    console().print(
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
        error_console().print(f"[red]error[/red]: {file} is not a file")
        raise typer.Exit(2)
    try:
        path = f"/jury/rounds/{round_id}/proposal"
        if file is None:
            body = request("POST", path, data=fields)
        else:
            with open(file, "rb") as handle:
                body = request("POST", path, data=fields, files={"file": (file.name, handle)})
    except ClientError as exc:
        fail(exc)
    attached = " with its document" if body["has_document"] else ""
    console().print(
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
        body = request(
            "POST", f"/jury/entries/{entry_id}/formal-check", json={"passed": passed, "note": note}
        )
    except ClientError as exc:
        fail(exc)
    console().print(f"entry {body['id']} “{body['title']}”: {body['formal_check']}")
