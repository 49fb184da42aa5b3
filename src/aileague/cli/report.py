"""``aileague report``: build the season report (PDF, XLSX, zipped CSV) into a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from aileague.cli.operator import setup_django

console = Console()
err = Console(stderr=True)


def report(
    league: Annotated[str, typer.Option(help="League slug (default: the newest league)")] = "",
    out: Annotated[Path, typer.Option(help="Folder to write the files to")] = Path("."),
    format: Annotated[  # noqa: A002 - the option is called --format
        str, typer.Option(help="Comma-separated formats among pdf, xlsx, csv")
    ] = "pdf,xlsx,csv",
    language: Annotated[str, typer.Option(help="Language of the labels")] = "zh-hans",
) -> None:
    """Build the season report of a league: every figure computed from data, with charts."""
    setup_django()
    from django.utils import translation

    from aileague.competitions.models import League
    from aileague.reports.build import FORMATS, build_season_report, write_season_report
    from aileague.reports.queries import default_league

    formats = tuple(f.strip() for f in format.split(",") if f.strip())
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        err.print(
            f"[red]error[/red]: unknown format(s) {', '.join(unknown) or '(none)'}; "
            f"choose among {', '.join(FORMATS)}"
        )
        raise typer.Exit(2)
    target = League.objects.filter(slug=league).first() if league else default_league()
    if target is None:
        err.print(
            f"[red]error[/red]: no league '{league}'"
            if league
            else "[red]error[/red]: no league yet"
        )
        raise typer.Exit(2)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress, translation.override(language):
        task = progress.add_task(f"season report of {target.slug}: figures", total=1 + len(formats))

        def step(name: str) -> None:
            progress.update(
                task, advance=1, description=f"season report of {target.slug}: {name} done"
            )

        built = build_season_report(league=target, formats=formats, on_step=step)
    for path in write_season_report(built, out):
        console.print(f"wrote {path}")
    f = built.figures
    console.print(
        f"{f.teams} teams, {f.submissions} submissions, {f.products} products, "
        f"{f.contracts_value_cny:,.0f} yuan of projects started"
    )
