"""Deadline rush: many teams upload 100k-row predictions through the real HTTP API at once.

On the season-sized league (10,447 teams, 20 tracks, 500,000 past submissions; seeded once,
see bench/_league.py), a binary scenario with a 100,000-row hidden reference gets uploads from
``--rush-teams`` teams (their own API tokens) at ``--rate`` per second for ``--duration``
seconds, through ``POST /api/v1/scenarios/<slug>/submissions`` on granian, scored by
``celery -A aileague.celery worker`` (concurrency 2, with beat for the reaper) on this machine.
A monitor polls the database for each submission's state and the leaderboard API for the
team's row. Never asserts.

Figures:

* accepted/s and scored/s, sustained: counted over the steady window (after a warm-up of 10 %
  of the run, at most 15 s, until the last upload was sent).
* upload→on-leaderboard: from sending the upload until the public leaderboard API shows the
  team with a score at least as good as this submission's (what the team sees), p50 and p99.
  The poll interval (``--poll``) bounds its resolution.
* lost: accepted (201) but not scored or invalid when the run and its grace period are over.
  double-scored: (submission, split, scorer version) with more than one Score row.
* e2e_over_bare: mean upload→on-leaderboard latency over the mean bare scoring time of the
  same files (``aileague.scoring.evaluate_file`` in this process, warm reference, measured in
  this run): how much the platform adds around scoring one file (1.0 = nothing).
* scoring_parallelism: the sum of the bare scoring times of the files scored in the steady
  window over the window's length: how many files' worth of scoring the machine did at once
  (the worker has 2 processes, so 2.0 would be bare-speed scoring with no overhead).
* Where the time goes: the upload request (the web process stores the file and validates it
  inline, i.e. reads it a first time), the wait for a worker, the worker's scoring (the second
  read) and the leaderboard update; and the CPU seconds of the web, worker and database
  processes during the run.

    .venv/bin/python bench/deadline_rush.py --quick       # 30 s, a smaller league (2,000 teams)
    .venv/bin/python bench/deadline_rush.py               # 300 s on the full season's league
    DATABASE_URL=postgres://postgres@127.0.0.1/aileague_bench \\
        CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/deadline_rush.py

The uploaded copies of this run's files are deleted at the end (``--keep-files`` keeps them):
a full run uploads about 8 GB. The first run seeds the league: 3 to 10 minutes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _league  # noqa: E402


@dataclass
class Upload:
    index: int
    token: int
    file: int
    t0: float  # wall clock (time.time()), comparable with the database's timestamps
    t1: float = 0.0
    status: int = 0
    submission_id: int | None = None
    state: str = ""
    started: float | None = None
    finished: float | None = None
    public: float | None = None
    seen: float | None = None


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 s on a 2,000-team league")
    parser.add_argument("--duration", type=float, help="seconds of uploads (default 300)")
    parser.add_argument("--rate", type=float, default=12.0, help="uploads per second to send")
    parser.add_argument("--teams", type=int, help="league size (default 10,447)")
    parser.add_argument("--past-submissions", type=int, help="league history (default 500,000)")
    parser.add_argument("--rush-teams", type=int, default=1000, help="teams that upload")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the reference")
    parser.add_argument("--files", type=int, default=16, help="distinct prediction files")
    parser.add_argument("--web-workers", type=int, default=3, help="web processes")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per web process")
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--clients", type=int, default=32, help="uploading client threads")
    parser.add_argument("--poll", type=float, default=0.5, help="leaderboard poll interval, s")
    parser.add_argument("--grace", type=float, default=120, help="seconds to wait for stragglers")
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument("--keep-files", action="store_true")
    args = parser.parse_args()
    args.duration = args.duration or (30 if args.quick else 300)
    args.teams = args.teams or (2000 if args.quick else 10_447)
    args.past_submissions = args.past_submissions or (50_000 if args.quick else 500_000)
    if args.quick:
        args.rush_teams = min(args.rush_teams, 400)
    return args


def bare_scoring_ms(rush: _league.Rush) -> list[float]:
    """Each file's read + validate + score time in this process, the reference already cached."""
    from aileague.scoring import TaskSchema, evaluate_file

    schema = TaskSchema.from_dict(rush.stage.scenario.task)
    evaluate_file(rush.files[0], rush.reference, schema)
    times = []
    for path in rush.files:
        started = time.perf_counter()
        evaluate_file(path, rush.reference, schema)
        times.append((time.perf_counter() - started) * 1000)
    return times


class Monitor(threading.Thread):
    """Polls the database for states and the leaderboard API for each team's row."""

    def __init__(self, base: str, rush: _league.Rush, team_names: list[str], poll: float):
        super().__init__(daemon=True)
        self.base, self.rush, self.team_names, self.poll = base, rush, team_names, poll
        self.uploads: list[Upload] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.board_ms: list[float] = []
        self.board_errors = 0
        self.higher_is_better = True

    def add(self, upload: Upload) -> None:
        with self.lock:
            self.uploads.append(upload)

    def pending(self) -> list[Upload]:
        with self.lock:
            return [
                u
                for u in self.uploads
                if u.submission_id and u.seen is None and (u.state not in ("invalid", "failed"))
            ]

    def run(self) -> None:
        from django.db import close_old_connections

        from aileague.submissions.queries import scenario_metric

        self.higher_is_better = scenario_metric(self.rush.stage.scenario).higher_is_better
        client = httpx.Client(base_url=self.base, timeout=60)
        while not self.stop.is_set():
            tick = time.monotonic()
            try:
                self._states()
                self._board(client)
            finally:
                close_old_connections()
            self.stop.wait(max(0.0, self.poll - (time.monotonic() - tick)))

    def _states(self) -> None:
        from aileague.submissions.models import Score, Submission

        waiting = {u.submission_id: u for u in self.pending() if u.finished is None}
        if not waiting:
            return
        rows = Submission.objects.filter(pk__in=list(waiting)).values_list(
            "pk", "state", "started_at", "finished_at"
        )
        scores = dict(
            Score.objects.filter(
                submission_id__in=list(waiting),
                split="public",
                scorer_version=self.rush.stage.scorer_version,
            ).values_list("submission_id", "value")
        )
        for pk, state, started, finished in rows:
            upload = waiting[pk]
            upload.state = state
            if finished is not None and state in ("scored", "invalid", "failed"):
                upload.started = started.timestamp() if started else None
                upload.finished = finished.timestamp()
                upload.public = scores.get(pk)

    def _board(self, client: httpx.Client) -> None:
        scored = [u for u in self.pending() if u.state == "scored" and u.public is not None]
        if not scored:
            return
        started = time.perf_counter()
        board = read_board(client, _league.RUSH_SLUG)
        seen = time.time()
        if board is None:
            self.board_errors += 1
            return
        self.board_ms.append((time.perf_counter() - started) * 1000)
        for upload in scored:
            shown = board.get(self.team_names[upload.token])
            if shown is not None and (
                shown >= upload.public if self.higher_is_better else shown <= upload.public
            ):
                upload.seen = seen


def read_board(client: httpx.Client, slug: str) -> dict[str, float] | None:
    """team name → score on the public board, all pages (the API may paginate or not)."""
    board: dict[str, float] = {}
    page = 1
    while True:
        response = client.get(
            f"/api/v1/scenarios/{slug}/leaderboard",
            params={"split": "public", "page": page, "per_page": 1000},
        )
        if response.status_code != 200:
            return None
        body = response.json()
        rows = body.get("rows", body.get("items", []))
        for row in rows:
            board[row["team"]] = row["score"]
        total = body.get("total", body.get("count"))
        if not rows or total is None or len(board) >= total or page >= 100:
            return board
        page += 1


def send_uploads(base: str, rush: _league.Rush, args, monitor: Monitor) -> tuple[float, float]:
    """Uploads at ``args.rate`` per second for ``args.duration`` seconds; returns (start, end)."""
    local = threading.local()
    contents = [path.read_bytes() for path in rush.files]

    def upload(job: Upload) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, timeout=300)
        job.t0 = time.time()
        try:
            response = client.post(
                f"/api/v1/scenarios/{_league.RUSH_SLUG}/submissions",
                files={"file": (f"predictions-{job.index}.csv", contents[job.file], "text/csv")},
                headers={"Authorization": f"Bearer {rush.tokens[job.token]}"},
            )
            job.status = response.status_code
            if response.status_code in (201, 422):
                job.submission_id = response.json()["id"]
        except httpx.HTTPError:
            job.status = -1
        job.t1 = time.time()
        monitor.add(job)

    total = int(args.rate * args.duration)
    start = time.time()
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        for k in range(total):
            delay = start + k / args.rate - time.time()
            if delay > 0:
                time.sleep(delay)
            pool.submit(
                upload, Upload(index=k, token=k % len(rush.tokens), file=k % len(rush.files), t0=0)
            )
        end = time.time()
    return start, end


def warm_up(base: str, rush: _league.Rush) -> None:
    """One upload, scored, before measuring: imports, reference cache and connections warm."""
    client = httpx.Client(base_url=base, timeout=300)
    with open(rush.files[0], "rb") as handle:
        response = client.post(
            f"/api/v1/scenarios/{_league.RUSH_SLUG}/submissions",
            files={"file": ("warm-up.csv", handle, "text/csv")},
            headers={"Authorization": f"Bearer {rush.tokens[-1]}"},
        )
    if response.status_code != 201:
        raise SystemExit(f"warm-up upload refused: {response.status_code} {response.text[:500]}")
    submission_id = response.json()["id"]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        state = client.get(
            f"/api/v1/submissions/{submission_id}",
            headers={"Authorization": f"Bearer {rush.tokens[-1]}"},
        ).json()["state"]
        if state in ("scored", "invalid", "failed"):
            return
        time.sleep(0.2)
    raise SystemExit("the warm-up submission was not scored in 180 s; see the worker log")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes and their children (from /proc)."""
    tick = 100.0
    total = 0.0
    for pid in _tree(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _tree(pids: list[int]) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def database_pids() -> list[int]:
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() in ("postgres", "redis-server"):
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return pids


def machine_busy_seconds() -> float:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields]
    return (sum(values) - values[3] - values[4]) / 100.0  # all but idle and iowait


def double_scored(ids: list[int]) -> tuple[int, int]:
    from django.db.models import Count

    from aileague.submissions.models import Score, Submission

    double = (
        Score.objects.filter(submission_id__in=ids)
        .values("submission_id", "split", "scorer_version")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    retried = Submission.objects.filter(pk__in=ids, attempts__gt=1).count()
    return double, retried


def delete_uploaded_files(ids: list[int]) -> None:
    from aileague.common import storage
    from aileague.submissions.models import Submission

    for name in Submission.objects.filter(pk__in=ids).values_list("file", flat=True):
        storage.delete_file(name)


def mean(values) -> float:
    return statistics.mean(values) if values else float("nan")


def report(args, uploads: list[Upload], window: tuple[float, float], bare: list[float], extra):
    p = _league.percentile
    accepted = [u for u in uploads if u.status == 201]
    refused = [u for u in uploads if u.status != 201]
    scored = [u for u in accepted if u.state == "scored"]
    seen = [u for u in scored if u.seen is not None]
    lost = [u for u in accepted if u.state not in ("scored", "invalid", "failed")]
    lo, hi = window
    steady = hi - lo
    accepted_s = sum(1 for u in accepted if lo <= u.t1 < hi) / steady
    scored_s = sum(1 for u in scored if lo <= u.finished < hi) / steady
    e2e = [(u.seen - u.t0) * 1000 for u in seen]
    to_scored = [(u.finished - u.t0) * 1000 for u in scored]
    bare_of = [bare[u.file] for u in seen]
    request = [(u.t1 - u.t0) * 1000 for u in accepted]
    waiting = [(u.started - u.t1) * 1000 for u in scored if u.started]
    scoring = [(u.finished - u.started) * 1000 for u in scored if u.started]
    board = [(u.seen - u.finished) * 1000 for u in seen]
    parallelism = sum(bare[u.file] for u in scored if lo <= u.finished < hi) / 1000 / steady
    double, retried = extra["double"], extra["retried"]
    print()
    print(f"{'':40}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    for label, values in (
        ("bare scoring (same files)", [bare[u.file] for u in scored] or bare),
        ("upload request (web)", request),
        ("response → worker start (< 0: before)", waiting),
        ("scoring on the worker", scoring),
        ("scored → on the leaderboard", board),
        ("upload → scored", to_scored),
        ("upload → on the leaderboard", e2e),
        ("leaderboard API read (monitor)", extra["board_ms"]),
    ):
        print(f"{label:40}{p(values, 50):>10.0f}{p(values, 99):>10.0f}{mean(values):>10.0f}")
    print()
    statuses: dict[int, int] = {}
    for u in refused:
        statuses[u.status] = statuses.get(u.status, 0) + 1
    print(
        f"sent {len(uploads)}, accepted {len(accepted)}, refused {len(refused)} {statuses or ''}, "
        f"scored {len(scored)}, on the board {len(seen)}, lost {len(lost)}, "
        f"retried {retried}, double-scored {double}"
    )
    cpu = extra["cpu"]
    print(
        "CPU seconds during the run: "
        + ", ".join(f"{name} {value:.0f}" for name, value in cpu.items())
        + f" (of {2 * extra['wall']:.0f} available on 2 cores)"
    )
    print(
        f"steady window {steady:.0f} s; scoring parallelism {parallelism:.2f} "
        f"(bare-speed files at once; {args.concurrency} worker processes)"
    )
    e2e_ratio = mean(e2e) / mean(bare_of) if e2e else float("nan")
    print(
        f"summary: accepted_per_s={accepted_s:.1f} scored_per_s={scored_s:.1f} "
        f"p50_ms={p(e2e, 50):.0f} p99_ms={p(e2e, 99):.0f} lost={len(lost)} "
        f"double_scored={double} bare_ms={mean(bare_of or bare):.0f} "
        f"e2e_over_bare={e2e_ratio:.1f} scoring_parallelism={parallelism:.2f} "
        f"rate_per_s={args.rate:g} duration_s={args.duration:g} rows={args.rows}"
    )


def main() -> None:
    args = options()
    var = _league.configure()
    print(f"deadline rush: {_league.describe_platform()}", flush=True)
    league = _league.seed_league(
        teams=args.teams, tracks=20, past_submissions=args.past_submissions
    )
    rush = _league.add_rush_scenario(
        league, rows=args.rows, teams=args.rush_teams, history=args.rush_teams * 8, files=args.files
    )
    from aileague.teams.models import Team

    team_ids = list(
        rush.stage.scenario.entries.order_by("team_id").values_list("team_id", flat=True)
    )[: args.rush_teams]
    names = Team.objects.in_bulk(team_ids)
    team_names = [names[pk].name for pk in team_ids]
    bare = bare_scoring_ms(rush)
    size_mb = rush.files[0].stat().st_size / 1e6
    print(
        f"{len(rush.files)} files of {args.rows:,} rows ({size_mb:.1f} MB); bare scoring "
        f"{mean(bare):.0f} ms per file; {len(rush.tokens)} teams upload",
        flush=True,
    )
    logs = var / "logs"
    logs.mkdir(exist_ok=True)
    web = _league.start_web(
        port=args.port,
        workers=args.web_workers,
        threads=args.web_threads,
        log=logs / "rush-web.log",
    )
    worker = _league.start_worker(concurrency=args.concurrency, log=logs / "rush-worker.log")
    base = f"http://127.0.0.1:{args.port}"
    ids: list[int] = []
    try:
        _league.wait_http(base + "/api/v1/scenarios")
        warm_up(base, rush)
        monitor = Monitor(base, rush, team_names, args.poll)
        monitor.start()
        cpu_pids = {"web": [web.pid], "worker": [worker.pid]}
        cpu_before = {name: cpu_seconds(p) for name, p in cpu_pids.items()}
        db_before, busy_before, wall_before = (
            cpu_seconds(database_pids()),
            machine_busy_seconds(),
            time.time(),
        )
        print(f"uploading at {args.rate:g}/s for {args.duration:g} s…", flush=True)
        start, end = send_uploads(base, rush, args, monitor)
        deadline = time.time() + args.grace
        while time.time() < deadline and monitor.pending():
            time.sleep(0.5)
        monitor.stop.set()
        monitor.join()
        wall = time.time() - wall_before
        worker_died = worker.poll()
        cpu = {name: cpu_seconds(p) - cpu_before[name] for name, p in cpu_pids.items()}
        cpu["database+broker"] = cpu_seconds(database_pids()) - db_before
        cpu["whole machine"] = machine_busy_seconds() - busy_before
    finally:
        _league.stop([web, worker])
    if worker_died:
        print(f"the worker stopped during the run (exit {worker_died}); see {logs}/rush-worker.log")
    if monitor.board_errors:
        print(f"the leaderboard API failed {monitor.board_errors} times; see {logs}/rush-web.log")
    uploads = sorted(monitor.uploads, key=lambda u: u.index)
    ids = [u.submission_id for u in uploads if u.submission_id]
    double, retried = double_scored(ids)
    warm = min(15.0, 0.1 * args.duration)
    report(
        args,
        uploads,
        (start + warm, end),
        bare,
        {
            "double": double,
            "retried": retried,
            "board_ms": monitor.board_ms,
            "cpu": cpu,
            "wall": wall,
        },
    )
    if not args.keep_files:
        delete_uploaded_files(ids)


if __name__ == "__main__":
    main()
