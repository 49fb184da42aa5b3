"""Leaderboard reads: the web page and the API under 50 concurrent clients, on loopback.

On the season-sized league (10,447 teams, 20 tracks, 500,000 past submissions; seeded once,
see bench/_league.py), granian serves ``aileague.wsgi`` and ``wrk`` reads the public board of
the busiest stage: the web page (``/submissions/<slug>/<stage>/leaderboard/``) and the API
(``/api/v1/scenarios/<slug>/leaderboard``), the first page and the last (deepest) page, in two
modes:

* saturation: 50 connections, each sending its next request as soon as the last one is
  answered (closed loop): the most requests per second the server gives, and their latency.
* think time: 50 users, each waiting 1 s ± 0.5 s (uniform) between requests (wrk's Lua
  ``delay()``): a realistic crowd. The target (p99 ≤ 50 ms) refers to this mode.

wrk runs on the same 2 cores (two threads), so the figures include its share of the CPU.
Latencies are wrk's (time from sending a request to its full response). Never asserts.

    .venv/bin/python bench/leaderboard_reads.py [--duration 30] [--quick]   # --quick: 10 s each

wrk: ``apt-get install -y wrk`` (Debian/Ubuntu) or https://github.com/wg/wrk.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _league  # noqa: E402

THINK_SCRIPT = """
math.randomseed(os.time())
function delay()
  return math.random(500, 1500)
end
"""
PER_PAGE = 50


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 s per case instead of 30")
    parser.add_argument("--duration", type=int, help="seconds per case (default 30)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--teams", type=int, default=10_447)
    parser.add_argument("--past-submissions", type=int, default=500_000)
    parser.add_argument("--web-workers", type=int, default=4, help="web processes")
    parser.add_argument("--web-threads", type=int, default=2, help="threads per web process")
    parser.add_argument("--port", type=int, default=8793)
    args = parser.parse_args()
    args.duration = args.duration or (10 if args.quick else 30)
    return args


def busiest_stage():
    """The open stage with the most teams on its board, and that number."""
    from django.db.models import Count
    from django.utils import timezone

    from aileague.submissions.models import Submission

    row = (
        Submission.objects.filter(
            state="scored", stage__closes_at__gt=timezone.now(), stage__opens_at__lt=timezone.now()
        )
        .exclude(stage__scenario__slug=_league.RUSH_SLUG)
        .values("stage")
        .annotate(teams=Count("entry", distinct=True))
        .order_by("-teams")
        .first()
    )
    from aileague.competitions.models import Stage

    return Stage.objects.select_related("scenario").get(pk=row["stage"]), row["teams"]


def wrk(url: str, *, connections: int, duration: int, think: bool) -> dict:
    """Run wrk; its req/s, p50 and p99 in ms, and the count of errors and non-2xx answers."""
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(THINK_SCRIPT)
    if think:
        args += ["-s", script.name]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "errors": sum(
            int(n)
            for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
            + re.findall(r"Non-2xx or 3xx responses: (\d+)", out)
        ),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def main() -> None:
    args = options()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (or https://github.com/wg/wrk)")
    var = _league.configure()
    print(f"leaderboard reads: {_league.describe_platform()}", flush=True)
    _league.seed_league(teams=args.teams, tracks=20, past_submissions=args.past_submissions)
    stage, teams = busiest_stage()
    slug = stage.scenario.slug
    deep = max(1, teams // PER_PAGE)  # the last full page: OFFSET is at its largest
    base = f"http://127.0.0.1:{args.port}"
    query = f"split=public&per_page={PER_PAGE}"
    cases = {
        "page_first": f"{base}/submissions/{slug}/{stage.slug}/leaderboard/?{query}&page=1",
        "page_deep": f"{base}/submissions/{slug}/{stage.slug}/leaderboard/?{query}&page={deep}",
        "api_first": f"{base}/api/v1/scenarios/{slug}/leaderboard?stage={stage.slug}&{query}"
        "&page=1",
        "api_deep": f"{base}/api/v1/scenarios/{slug}/leaderboard?stage={stage.slug}&{query}"
        f"&page={deep}",
    }
    logs = var / "logs"
    logs.mkdir(exist_ok=True)
    web = _league.start_web(
        port=args.port, workers=args.web_workers, threads=args.web_threads, log=logs / "reads.log"
    )
    results: dict[tuple[str, str], dict] = {}
    try:
        _league.wait_http(base + "/api/v1/scenarios")
        for name, url in cases.items():
            response = httpx.get(url, timeout=60)
            print(
                f"{name}: {response.status_code}, {len(response.content) / 1024:.0f} KB, "
                f"{response.elapsed.total_seconds() * 1000:.0f} ms cold",
                flush=True,
            )
        for mode in ("saturation", "think"):
            for name, url in cases.items():
                results[mode, name] = wrk(
                    url, connections=args.connections, duration=args.duration, think=mode == "think"
                )
    finally:
        _league.stop([web])
    print(
        f"\nstage {slug}/{stage.slug}: {teams} teams on the public board, {PER_PAGE} per page, "
        f"deep page {deep}; {args.connections} clients, {args.duration} s per case, "
        f"granian {args.web_workers}×{args.web_threads}"
    )
    print(f"{'mode':12}{'case':12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for (mode, name), r in results.items():
        print(f"{mode:12}{name:12}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['errors']:>8}")

    def worst(mode: str, kind: str, key: str) -> float:
        return max(results[mode, f"{kind}_{depth}"][key] for depth in ("first", "deep"))

    def least(mode: str, kind: str) -> float:
        return min(results[mode, f"{kind}_{depth}"]["rps"] for depth in ("first", "deep"))

    errors = sum(r["errors"] for r in results.values())
    print(
        f"summary: target_mode=think page_p50_ms={worst('think', 'page', 'p50'):.0f} "
        f"page_p99_ms={worst('think', 'page', 'p99'):.0f} "
        f"api_p50_ms={worst('think', 'api', 'p50'):.0f} "
        f"api_p99_ms={worst('think', 'api', 'p99'):.0f} "
        f"sat_page_rps={least('saturation', 'page'):.0f} "
        f"sat_page_p99_ms={worst('saturation', 'page', 'p99'):.0f} "
        f"sat_api_rps={least('saturation', 'api'):.0f} "
        f"sat_api_p99_ms={worst('saturation', 'api', 'p99'):.0f} "
        f"board_teams={teams} errors={errors}"
    )


if __name__ == "__main__":
    main()
