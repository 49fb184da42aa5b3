"""Season report and organiser dashboard on a season-sized league.

Seeds (or reuses, see bench/_league.py) the demo league at 10,447 teams, 20 tracks and 500,000
past submissions, tops up its outcomes history (``aileague.demo.outcomes``), then measures:

* the report build: figures + charts + PDF + XLSX + CSV, in-process, ``--builds`` times
  (targets: ≤ 10 s);
* the dashboard page through a real HTTP server (granian serving ``aileague.wsgi``, as the
  other benches), logged in as the demo organiser, ``?fresh=1`` (recompute every figure and
  funnel, no page cache) unless said otherwise:

  - cold: ``--cold`` requests, each the first after the page cache and the kept daily
    submission counts (``reports.DailySubmissionCount``) were cleared, so it counts the whole
    season's submissions per day;
  - warm uncached: ``--requests`` requests with the completed days kept, today counted live —
    the dashboard's steady state, and what the target (≤ 300 ms) applies to;
  - cached: ``--requests`` requests served from the 60 s page cache;
* reference: a bare ``COUNT(*)`` over the league's submissions, timed in the same run.

Prints a table; the last line is one summary of key=value figures. Never asserts.

    .venv/bin/python bench/report.py [--requests 50] [--builds 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _league  # noqa: E402


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", type=int, default=10_447)
    parser.add_argument("--tracks", type=int, default=20)
    parser.add_argument("--past-submissions", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--language", default="zh-hans")
    parser.add_argument("--port", type=int, default=8797)
    return parser.parse_args()


def session_cookie(email: str) -> str:
    """A logged-in session for ``email``, written straight into the session store."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from aileague.accounts.models import User

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def time_builds(league, count: int, language: str) -> tuple[list[float], dict]:
    from django.utils import translation

    from aileague.reports.build import build_season_report, write_season_report

    seconds, sizes = [], {}
    out = Path(tempfile.mkdtemp(prefix="aileague-report-"))
    for _ in range(count):
        started = time.perf_counter()
        with translation.override(language):
            report = build_season_report(league=league)
        seconds.append(time.perf_counter() - started)
    for path in write_season_report(report, out):
        sizes[path.suffix.lstrip(".")] = path.stat().st_size
    return seconds, {"figures": report.figures, "sizes": sizes, "out": out}


def time_figures(league) -> float:
    from aileague.reports.figures import season_figures
    from aileague.reports.funnel import season_funnel

    started = time.perf_counter()
    season_figures(league=league)
    season_funnel(league=league)
    return time.perf_counter() - started


def time_count(league) -> float:
    from aileague.submissions.models import Submission

    started = time.perf_counter()
    Submission.objects.filter(stage__scenario__track__league=league).count()
    return time.perf_counter() - started


def forget_everything(league) -> None:
    """Clear the page cache (when shared: redis; the server's own locmem cache is bypassed by
    ``?fresh=1``) and the kept daily submission counts."""
    from django.core.cache import cache

    from aileague.reports.daily import forget_submission_counts

    cache.clear()
    forget_submission_counts(league=league)


def time_requests(url: str, cookie: str, count: int, before=None) -> list[float]:
    times = []
    with httpx.Client(cookies={"sessionid": cookie}, timeout=60) as client:
        for _ in range(count):
            if before is not None:
                before()
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
    return times


def main() -> None:
    args = options()
    var = _league.configure()
    print(_league.describe_platform(), flush=True)
    league = _league.seed_league(
        teams=args.teams, tracks=args.tracks, past_submissions=args.past_submissions
    )
    from aileague.demo.outcomes import seed_outcomes
    from aileague.reports.daily import forget_submission_counts

    stats = seed_outcomes(league=league)
    print(f"outcomes: {stats}", flush=True)
    forget_submission_counts(league=league)  # seeding may have added past days' submissions
    count_s = min(time_count(league) for _ in range(3))
    cold_figures_s = []
    for _ in range(3):
        forget_everything(league)
        cold_figures_s.append(time_figures(league))
    figures_s = min(time_figures(league) for _ in range(3))
    builds, built = time_builds(league, args.builds, args.language)
    f = built["figures"]

    cookie = session_cookie("organiser@demo.example.org")
    web = _league.start_web(port=args.port, workers=1, threads=2, log=var / "report-web.log")
    try:
        base = f"http://127.0.0.1:{args.port}"
        _league.wait_http(f"{base}/")
        url = f"{base}/reports/dashboard/{league.slug}/"
        time_requests(url, cookie, 3)  # warm the process (imports, templates, connections)
        cold = time_requests(
            url + "?fresh=1", cookie, args.cold, before=lambda: forget_everything(league)
        )
        uncached = time_requests(url + "?fresh=1", cookie, args.requests)
        cached = time_requests(url, cookie, args.requests)
        season_page = time_requests(f"{base}/reports/season/{league.slug}/", cookie, 3)
    finally:
        _league.stop([web])

    p = _league.percentile
    ms = 1000
    rows = [
        ("COUNT(*) over the league's submissions", count_s * ms, "ms"),
        ("figures + funnels, cold (queries only)", min(cold_figures_s) * ms, "ms"),
        ("figures + funnels, warm (queries only)", figures_s * ms, "ms"),
        ("report build p50 (figures, charts, PDF, XLSX, CSV)", p(builds, 50), "s"),
        ("report build max", max(builds), "s"),
        ("dashboard cold p50 (HTTP; no kept days, no cache)", p(cold, 50) * ms, "ms"),
        ("dashboard cold max (HTTP)", max(cold) * ms, "ms"),
        ("dashboard warm uncached p50 (HTTP; kept days, no cache)", p(uncached, 50) * ms, "ms"),
        ("dashboard warm uncached p99 (HTTP)", p(uncached, 99) * ms, "ms"),
        ("dashboard cached p50 (HTTP)", p(cached, 50) * ms, "ms"),
        ("dashboard cached p99 (HTTP)", p(cached, 99) * ms, "ms"),
        ("season page with 8 SVG charts p50 (HTTP)", p(season_page, 50) * ms, "ms"),
    ]
    print(f"\n{'measure':<55} {'value':>10}")
    for name, value, unit in rows:
        print(f"{name:<55} {value:>10.1f} {unit}")
    print(f"files: {built['sizes']} in {built['out']}")
    print(
        f"figures: teams={f.teams} submissions={f.submissions} products={f.products} "
        f"started_cny={f.contracts_value_cny:.0f} interest={f.projects_with_investor_interest} "
        f"in_use={f.technologies_in_use} center={f.center_sign_ins} "
        f"center_countries={f.center_countries} agreements={f.agreements} "
        f"last_day={f.submissions_by_day[-1] if f.submissions_by_day else None}"
    )
    print(
        f"summary: teams={f.teams} submissions={f.submissions} "
        f"report_build_s={p(builds, 50):.2f} figures_ms={figures_s * ms:.0f} "
        f"figures_cold_ms={min(cold_figures_s) * ms:.0f} "
        f"count_ms={count_s * ms:.0f} report_vs_count={p(builds, 50) / count_s:.0f}x "
        f"dashboard_cold_p50_ms={p(cold, 50) * ms:.0f} "
        f"dashboard_cold_max_ms={max(cold) * ms:.0f} "
        f"dashboard_uncached_p50_ms={p(uncached, 50) * ms:.0f} "
        f"dashboard_uncached_p99_ms={p(uncached, 99) * ms:.0f} "
        f"dashboard_cached_p50_ms={p(cached, 50) * ms:.0f} "
        f"dashboard_cached_p99_ms={p(cached, 99) * ms:.0f} server=granian"
    )


if __name__ == "__main__":
    main()
