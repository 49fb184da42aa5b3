"""Shared by the league-scale benchmarks: a seeded league, a web server, Celery workers.

The league lives in ``$AILEAGUE_VAR_DIR`` (default ``var/bench``) or in ``$DATABASE_URL``, and
is seeded once: seeding tops the league up to the numbers asked for, so a second run reuses it.
The platform runs as in production: ``AILEAGUE_DEBUG=0``, granian serving ``aileague.wsgi``,
``celery -A aileague.celery worker`` (the same command as ``aileague worker``) with beat.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RUSH_SLUG = "deadline-rush"


def percentile(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def configure() -> Path:
    """Production-like settings for the server, the workers and this process; Django set up."""
    os.environ.setdefault("AILEAGUE_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "aileague.settings"
    os.environ.setdefault("AILEAGUE_DEBUG", "0")
    os.environ.setdefault("AILEAGUE_SECRET_KEY", "bench-only-secret-key-not-for-production")
    os.environ.setdefault("AILEAGUE_LOG_LEVEL", "ERROR")
    # Persistent database connections, as a deployment would have them.
    os.environ.setdefault("AILEAGUE_DB_CONN_MAX_AGE", "60")
    import django

    django.setup()
    from django.conf import settings

    return Path(settings.VAR_DIR)


def describe_platform() -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return f"database {engine}, broker {broker}, var {settings.VAR_DIR}"


def seed_league(*, teams: int, tracks: int, past_submissions: int):
    """Migrate, seed the demo league and top it up; returns the league. Prints what it did."""
    from django.conf import settings
    from django.core.management import call_command

    from aileague.competitions.models import League
    from aileague.demo.past_submissions import seed_past_submissions
    from aileague.demo.scale import seed_teams
    from aileague.demo.scenarios import LEAGUE_SLUG
    from aileague.demo.seed import seed_demo
    from aileague.submissions.models import Submission

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seed_demo(bundle_dir=settings.VAR_DIR / "demo-bundle")
    league = League.objects.get(slug=LEAGUE_SLUG)
    missing = teams - league.teams.count()
    if missing > 0:
        stats = seed_teams(league=league, teams=missing, tracks=tracks)
        print(f"seeded {stats.teams} teams in {stats.seconds:.1f} s", flush=True)
    existing = Submission.objects.filter(stage__scenario__track__league=league).count()
    if past_submissions > existing:
        stats = seed_past_submissions(league=league, submissions=past_submissions - existing)
        print(f"seeded {stats.submissions} past submissions in {stats.seconds:.1f} s", flush=True)
    print(
        f"league: {league.teams.count()} teams, {league.tracks.count()} tracks, "
        f"{Submission.objects.filter(stage__scenario__track__league=league).count()} "
        f"submissions (ready in {time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    return league


@dataclass
class Rush:
    stage: object
    reference: Path
    files: list[Path]
    tokens: list[str]


def add_rush_scenario(league, *, rows: int, teams: int, history: int, files: int) -> Rush:
    """A binary scenario with a ``rows``-row reference, open now, entered by ``teams`` teams.

    Built once (with ``history`` past submissions on its board); later runs reuse it and only
    enter more teams if asked. Each entered team's captain gets a fresh API token. ``files``
    distinct valid prediction files are written once and shared by all uploads.
    """
    from aileague.competitions.models import Scenario

    scenario = Scenario.objects.filter(slug=RUSH_SLUG).first()
    if scenario is None:
        scenario = _create_rush_scenario(league, rows)
    stage = scenario.stages.get()
    _enter_teams(league, stage, teams)
    if history and not stage.submissions.exists():
        from aileague.demo.past_submissions import seed_past_submissions

        seed_past_submissions(league=league, submissions=history, stages=[stage])
    reference = Path(scenario.reference_file.path)
    return Rush(
        stage=stage,
        reference=reference,
        files=_prediction_files(reference, files),
        tokens=_tokens(stage, teams),
    )


def _create_rush_scenario(league, rows: int):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone

    from aileague.competitions.models import Scenario, Stage
    from aileague.demo import tabular

    template = Scenario.objects.get(slug="customs-declaration-risk")
    data = tabular.customs_declaration_risk(np.random.default_rng(404), n_train=2000, n_test=rows)
    rng = np.random.default_rng(405)
    public = rng.random(rows) < 0.5
    lines = ["id,target,split"] + [
        f"RUSH-{i + 1:07d},{target},{'public' if is_public else 'private'}"
        for i, (target, is_public) in enumerate(
            zip(data.target[data.n_train :], public, strict=True)
        )
    ]
    baseline = ["id,risk"] + [f"RUSH-{i + 1:07d},{value}" for i, value in enumerate(data.baseline)]
    now = timezone.now()
    with transaction.atomic():
        scenario = Scenario(
            track=template.track,
            slug=RUSH_SLUG,
            title={"en": "Deadline rush (benchmark)", "zh-hans": "截止前冲刺（基准测试）"},
            problem_statement=template.problem_statement,
            owner=template.owner,
            status=template.status,
            task=template.task,
            metric=template.metric,
            published_at=now,
        )
        scenario.reference_file.save(
            f"{RUSH_SLUG}.csv", ContentFile("\n".join(lines).encode() + b"\n"), save=False
        )
        scenario.baseline_file.save(
            f"{RUSH_SLUG}-baseline.csv",
            ContentFile("\n".join(baseline).encode() + b"\n"),
            save=False,
        )
        scenario.save()
        Stage.objects.create(
            scenario=scenario,
            slug="preliminary",
            name={"en": "Preliminary round", "zh-hans": "初赛"},
            opens_at=now - timedelta(days=20),
            closes_at=now + timedelta(days=60),
            # Generous quotas: the bench measures throughput, not the quota rules.
            daily_quota=100_000,
            total_quota=100_000,
            max_running=50,
            final_selection_limit=2,
        )
    return scenario


def _enter_teams(league, stage, teams: int) -> None:
    from aileague.teams.models import Entry, MemberRole, Membership

    entered = set(Entry.objects.filter(scenario=stage.scenario).values_list("team_id", flat=True))
    missing = teams - len(entered)
    if missing <= 0:
        return
    captains = (
        Membership.objects.filter(team__league=league, role=MemberRole.CAPTAIN)
        .exclude(team_id__in=entered)
        .order_by("team_id")
        .values_list("team_id", "user_id")[:missing]
    )
    Entry.objects.bulk_create(
        [
            Entry(team_id=team_id, scenario=stage.scenario, registered_by_id=user_id)
            for team_id, user_id in captains
        ]
    )


def _tokens(stage, teams: int) -> list[str]:
    from aileague.accounts.models import User
    from aileague.accounts.services import create_api_token

    captains = (
        stage.scenario.entries.order_by("team_id").values_list("registered_by_id", flat=True)
    )[:teams]
    users = User.objects.in_bulk(list(captains))
    return [create_api_token(user=users[pk], name="bench")[1] for pk in captains]


def _prediction_files(reference: Path, count: int) -> list[Path]:
    """``count`` different valid prediction files: noisy guesses of the reference's target."""
    folder = reference.parent.parent / "bench-files" / reference.stem
    folder.mkdir(parents=True, exist_ok=True)
    wanted = [folder / f"predictions-{i:03d}.csv" for i in range(count)]
    if all(path.exists() for path in wanted):
        return wanted
    ids, targets = [], []
    with open(reference, encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            row_id, target, _split = line.rstrip("\n").split(",")
            ids.append(row_id)
            targets.append(float(target))
    truth = np.asarray(targets)
    rng = np.random.default_rng(406)
    for i, path in enumerate(wanted):
        skill = 0.4 + 1.6 * i / max(1, count - 1)
        logit = skill * (2 * truth - 1) + rng.normal(0.0, 1.5, len(truth))
        values = 1.0 / (1.0 + np.exp(-logit))
        body = "\n".join(f"{row_id},{v:.6f}" for row_id, v in zip(ids, values, strict=True))
        path.write_text("id,risk\n" + body + "\n", encoding="utf-8")
    return wanted


def spawn(args: list[str], log: Path) -> subprocess.Popen:
    handle = open(log, "ab")  # noqa: SIM115 - the child owns it for its lifetime
    return subprocess.Popen(
        args, stdout=handle, stderr=subprocess.STDOUT, env=os.environ.copy(), start_new_session=True
    )


def start_web(*, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    """granian serving ``aileague.wsgi`` with ``workers`` processes of ``threads`` blocking
    threads each. (gunicorn's gthread workers, measured in the same reads benchmark, held 50
    keep-alive clients with a p99 of 0.5–1 s at 45 req/s; granian's event loop, 36–39 ms.)"""
    args = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        "aileague.wsgi:application",
    ]
    return spawn(args, log)


def start_worker(*, concurrency: int, log: Path) -> subprocess.Popen:
    """The production worker command (``aileague worker``), with beat for the reaper."""
    from aileague.cli.operator import worker_command

    args = worker_command(concurrency, beat=True)
    level = args.index("--loglevel") + 1
    args[level] = "WARNING"
    return spawn(args, log)


def wait_http(url: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not answer; see its log")


def stop(processes: list[subprocess.Popen]) -> None:
    """TERM each child's process group (they were started in their own session), then KILL."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
