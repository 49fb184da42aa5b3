"""Operator commands: they run on the server, with Django, and call services directly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)
bundle_app = typer.Typer(
    help="Import and export league bundles (league.yaml + files).", no_args_is_help=True
)


def setup_django() -> None:
    """Set Django up once. Setting it up again would also re-create the logging handlers on
    whatever ``sys.stderr`` is at that moment (in tests, a CLI runner's soon-closed buffer)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aileague.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


@bundle_app.command("import")
def bundle_import(
    path: Annotated[Path, typer.Argument(help="A bundle folder or .zip")],
    replace: Annotated[bool, typer.Option(help="Replace a league with the same slug")] = False,
    check: Annotated[bool, typer.Option(help="Only validate; write nothing")] = False,
) -> None:
    """Import a league bundle: all of it, or nothing if anything is wrong."""
    setup_django()
    from aileague.competitions.bundle import BundleError, import_bundle, validate_bundle

    if check:
        problems = validate_bundle(path=path)
        for problem in problems:
            err.print(str(problem))
        console.print(f"{len(problems)} problem(s) in {path}")
        raise typer.Exit(1 if problems else 0)
    try:
        league = import_bundle(path=path, replace=replace)
    except BundleError as exc:
        err.print(f"[red]{len(exc.errors)} problem(s); nothing was imported:[/red]")
        for problem in exc.errors:
            err.print(f"  {problem}")
        raise typer.Exit(1) from None
    console.print(
        f"imported league [bold]{league.slug}[/bold]: "
        f"{league.tracks.count()} tracks, "
        f"{sum(t.scenarios.count() for t in league.tracks.all())} scenarios"
    )


@bundle_app.command("export")
def bundle_export(
    league: Annotated[str, typer.Argument(help="League slug")],
    out: Annotated[Path, typer.Argument(help="Output folder, or a path ending in .zip")],
) -> None:
    """Export a league as a bundle that `bundle import` reads back."""
    setup_django()
    from aileague.competitions.bundle import export_bundle
    from aileague.competitions.models import League

    league_obj = League.objects.filter(slug=league).first()
    if league_obj is None:
        err.print(f"[red]error[/red]: no league '{league}'")
        raise typer.Exit(2)
    console.print(f"wrote {export_bundle(league=league_obj, out=out)}")


def seed(
    teams: Annotated[int, typer.Option(help="Top the league up to this many teams in total")] = 0,
    tracks: Annotated[int | None, typer.Option(help="Add generated tracks up to this many")] = None,
    league: Annotated[str, typer.Option(help="League slug (default: the demo league)")] = "",
    past_submissions: Annotated[
        int,
        typer.Option(help="Top the league up to this many past (scored) submissions in total"),
    ] = 0,
) -> None:
    """Seed the demo league; with --teams and --past-submissions, scale it to a season's size."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from aileague.competitions.models import League
    from aileague.demo import seed_demo, seed_teams

    call_command("migrate", verbosity=0)
    logins = seed_demo(bundle_dir=settings.VAR_DIR / "demo-bundle")
    target = (
        League.objects.get(slug=league)
        if league
        else League.objects.order_by("-created_at").first()
    )
    missing = teams - target.teams.count() if teams else 0
    if missing > 0:
        started = time.perf_counter()
        stats = seed_teams(league=target, teams=missing, tracks=tracks)
        console.print(f"seeded {stats} in {time.perf_counter() - started:.1f} s")
    _seed_past_submissions(target, past_submissions)
    from aileague.demo.outcomes import seed_outcomes
    from aileague.reports.daily import forget_submission_counts

    console.print(f"outcomes: {seed_outcomes(league=target)}")
    if past_submissions:  # back-dated submissions may land on days the reports counted
        forget_submission_counts(league=target)
    console.print(
        f"league {target.slug}: {target.teams.count()} teams, {target.tracks.count()} tracks"
    )
    _print_logins(logins)


def _seed_past_submissions(league, wanted: int) -> None:
    from aileague.demo.past_submissions import seed_past_submissions
    from aileague.submissions.models import Submission

    if not wanted:
        return
    existing = Submission.objects.filter(stage__scenario__track__league=league).count()
    if wanted > existing:
        stats = seed_past_submissions(league=league, submissions=wanted - existing)
        console.print(f"seeded {stats}")
    console.print(
        f"league {league.slug}: "
        f"{Submission.objects.filter(stage__scenario__track__league=league).count()} submissions"
    )


def _print_logins(logins) -> None:
    """Plain lines, never truncated: people copy these into a login form."""
    console.print("[bold]Demo logins[/bold] (demo data only):", soft_wrap=True)
    width = max(len(login.email) for login in logins)
    for login in logins:
        line = f"  {login.role:<15} {login.email:<{width}}  {login.password}"
        console.print(line, soft_wrap=True, highlight=False)
        if login.note:
            console.print(f"  {'':<15} [dim]{login.note}[/dim]", soft_wrap=True, highlight=False)


def _spawn(args: list[str], log: Path) -> subprocess.Popen:
    handle = open(log, "ab")  # noqa: SIM115 - the child owns it for its lifetime
    return subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def worker_command(concurrency: int, beat: bool) -> list[str]:
    from django.conf import settings

    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "aileague.celery",
        "worker",
        "--concurrency",
        str(concurrency),
        "--loglevel",
        "INFO",
        "-Q",
        "aileague",
        "--hostname",
        f"aileague-{os.getpid()}@%h",
    ]
    if beat:
        args += ["--beat", "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")]
    return args


def worker(
    concurrency: Annotated[int, typer.Option(help="Scoring processes")] = 2,
    beat: Annotated[bool, typer.Option(help="Also run the periodic reaper")] = True,
) -> None:
    """Run a Celery worker that scores submissions (and, with --beat, re-queues lost ones)."""
    setup_django()
    os.execv(sys.executable, worker_command(concurrency, beat))


def demo(
    port: Annotated[int, typer.Option()] = 8000, host: Annotated[str, typer.Option()] = "127.0.0.1"
) -> None:
    """Migrate, seed the demo league, start a worker and the web server; Ctrl-C stops both."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from aileague.demo import seed_demo
    from aileague.submissions.worker import requeue_stale_submissions

    console.print("migrating and seeding the demo league (first run takes a minute)…")
    call_command("migrate", verbosity=0)
    logins = seed_demo(bundle_dir=settings.VAR_DIR / "demo-bundle")
    logs = settings.VAR_DIR / "logs"
    logs.mkdir(exist_ok=True)
    children = [
        _spawn(worker_command(2, beat=True), logs / "worker.log"),
        _spawn(
            [sys.executable, "-m", "django", "runserver", f"{host}:{port}", "--noreload"],
            logs / "web.log",
        ),
    ]
    requeue_stale_submissions()
    url = f"http://{host}:{port}/"
    _print_logins(logins)
    console.print(
        f"\n[bold green]aileague is running at {url}[/bold green]  "
        f"(admin: {url}admin/, API docs: {url}api/v1/docs)"
    )
    console.print(f"worker and web logs: {logs}; emails are printed in {logs / 'web.log'}")
    console.print("Press Ctrl-C to stop.")
    _wait(children)


def _wait(children: list[subprocess.Popen]) -> None:
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        err.print("[red]a process stopped; see the logs[/red]")
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)


def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `aileague manage createsuperuser`."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["aileague manage", *ctx.args])


def rescore(
    scenario: Annotated[str, typer.Option("--scenario", "-c", help="The scenario's slug")],
    stage: Annotated[str, typer.Option(help="The stage's slug (default: the latest)")] = "",
    reason: Annotated[str, typer.Option("--reason", "-m", help="Why, for the audit log")] = "",
    actor: Annotated[str, typer.Option("--as", help="Your e-mail, for the audit log")] = "",
    wait: Annotated[bool, typer.Option(help="Show progress until the switch")] = True,
    inline: Annotated[
        bool, typer.Option(help="Score in this process instead of on the workers")
    ] = False,
) -> None:
    """Re-score a stage under a new scorer version, then switch its leaderboards at once.

    Run it after fixing the scenario's reference or metric. The old scores are kept; the
    leaderboards show the new ones only when every submission has been re-scored.
    """
    setup_django()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from aileague.accounts.models import User
    from aileague.common.errors import AileagueError
    from aileague.competitions.models import Stage
    from aileague.submissions import rescore as rescoring
    from aileague.submissions.models import RescoreRun, RescoreState

    stages = Stage.objects.filter(scenario__slug=scenario).order_by("-opens_at", "-pk")
    target = stages.filter(slug=stage).first() if stage else stages.first()
    if target is None:
        err.print(f"[red]no stage {stage or '(any)'} in scenario {scenario!r}[/red]")
        raise typer.Exit(2)
    user = User.objects.filter(email__iexact=actor).first() if actor else None
    if actor and user is None:
        err.print(f"[red]no user with the e-mail {actor!r}[/red]")
        raise typer.Exit(2)
    try:
        run = rescoring.start_rescore(stage=target, actor=user, reason=reason, enqueue=not inline)
    except AileagueError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(
        f"re-scoring {scenario}/{target.slug}: {run.total} submission(s), "
        f"scorer version {run.from_version} → {run.to_version}"
    )
    if inline:
        for submission_id in rescoring.pending_submissions(run):
            rescoring.rescore_submission(run_id=run.pk, submission_id=submission_id)
    if not wait and not inline:
        console.print("the workers re-score it; the leaderboards switch when they are done")
        return
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        bar = progress.add_task("re-scoring", total=run.total)
        while run.state == RescoreState.RUNNING:
            time.sleep(0.5)
            run = RescoreRun.objects.get(pk=run.pk)
            progress.update(bar, completed=run.done, total=run.total)
    if run.state == RescoreState.SWITCHED:
        console.print(
            f"[green]switched[/green]: the leaderboards now show scorer version {run.to_version} "
            f"({run.done} submission(s) re-scored; version {run.from_version} is kept)"
        )
        return
    err.print(
        f"[red]not switched[/red]: the new reference or metric refused {run.unscorable} "
        f"submission(s); the leaderboards still show version {run.from_version}. Examples:"
    )
    for example in run.unscorable_examples:
        err.print(f"  submission {example['submission']}: {example['code']}")
    raise typer.Exit(1)
