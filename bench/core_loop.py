"""Core loop benchmark: predictions uploaded through the real HTTP API, scored by a real worker.

Starts its own embedded-mode platform (SQLite, filesystem broker) in a temporary folder with the
demo league, uploads N files of the customs-risk scenario through /api/v1 as two teams, and waits
until each is on the leaderboard. Prints the upload→scored latency against the bare scoring time
of the same file (read + validate + score in-process), measured in the same run. Never asserts.

    .venv/bin/python bench/core_loop.py [--submissions 40] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def setup_platform(var: Path) -> dict:
    os.environ["AILEAGUE_VAR_DIR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "aileague.settings"
    os.environ.setdefault("AILEAGUE_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from aileague.accounts.models import User
    from aileague.accounts.services import create_api_token
    from aileague.competitions.models import Scenario
    from aileague.demo import seed_demo

    call_command("migrate", verbosity=0)
    seed_demo(bundle_dir=settings.VAR_DIR / "demo-bundle", background_teams=0)
    scenario = Scenario.objects.get(slug="customs-declaration-risk")
    tokens = [
        create_api_token(user=User.objects.get(email=email), name="bench")[1]
        for email in ("captain-vn@demo.example.org", "captain-gx@demo.example.org")
    ]
    stage = scenario.stages.get()
    stage.daily_quota = stage.total_quota = 100_000
    stage.max_running = 100_000
    stage.save()
    return {"scenario": scenario, "tokens": tokens, "bundle": settings.VAR_DIR / "demo-bundle"}


def make_files(bundle: Path, out: Path, count: int) -> list[Path]:
    """Variations of the baseline, so every file is different and valid."""
    rng = np.random.default_rng(11)
    lines = (bundle / "baselines" / "customs-declaration-risk.csv").read_text().splitlines()
    header, rows = lines[0], [line.split(",") for line in lines[1:]]
    files = []
    for i in range(count):
        noise = rng.uniform(-0.05, 0.05, size=len(rows))
        body = "\n".join(
            f"{r[0]},{min(1.0, max(0.0, float(r[1]) + n)):.6f}"
            for r, n in zip(rows, noise, strict=True)
        )
        path = out / f"pred-{i:04d}.csv"
        path.write_text(header + "\n" + body + "\n")
        files.append(path)
    return files


def bare_scoring_ms(scenario, files: list[Path]) -> float:
    from aileague.scoring import TaskSchema, evaluate_file

    schema = TaskSchema.from_dict(scenario.task)
    reference = Path(scenario.reference_file.path)
    evaluate_file(files[0], reference, schema)  # warm the reference cache, as a worker has it
    times = []
    for path in files:
        started = time.perf_counter()
        evaluate_file(path, reference, schema)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.mean(times)


def start(args: list[str], var: Path, log: str) -> subprocess.Popen:
    handle = open(var / log, "wb")  # noqa: SIM115 - owned by the child
    return subprocess.Popen(
        args, stdout=handle, stderr=subprocess.STDOUT, env=os.environ.copy(), start_new_session=True
    )


def wait_http(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit(f"server at {url} did not answer")


def run(base: str, tokens: list[str], slug: str, files: list[Path]) -> dict:
    clients = [
        httpx.Client(
            base_url=base + "/api/v1", headers={"Authorization": f"Bearer {t}"}, timeout=120
        )
        for t in tokens
    ]
    sent: dict[int, float] = {}
    done: dict[int, float] = {}
    states: dict[int, str] = {}
    started = time.perf_counter()
    for i, path in enumerate(files):
        client = clients[i % len(clients)]
        t0 = time.perf_counter()
        with open(path, "rb") as handle:
            response = client.post(
                f"/scenarios/{slug}/submissions", files={"file": (path.name, handle)}
            )
        body = response.json()
        if response.status_code != 201:
            raise SystemExit(f"upload refused: {response.status_code} {body}")
        sent[body["id"]] = t0
    accepted_s = time.perf_counter() - started
    owner = {sid: clients[i % len(clients)] for i, sid in enumerate(sent)}
    deadline = time.monotonic() + 600
    while len(done) < len(sent) and time.monotonic() < deadline:
        for sid in [s for s in sent if s not in done]:
            state = owner[sid].get(f"/submissions/{sid}").json()["state"]
            if state in ("scored", "invalid", "failed"):
                done[sid], states[sid] = time.perf_counter(), state
        time.sleep(0.05)
    total_s = time.perf_counter() - started
    return {
        "sent": sent,
        "done": done,
        "states": states,
        "accepted_s": accepted_s,
        "total_s": total_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8791)
    options = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="aileague-bench-"))
    platform = setup_platform(var)
    files = make_files(platform["bundle"], var, options.submissions)
    bare_ms = bare_scoring_ms(platform["scenario"], files[: min(10, len(files))])
    web = start(
        [
            sys.executable,
            "-m",
            "django",
            "runserver",
            f"127.0.0.1:{options.port}",
            "--noreload",
            "--nothreading",
        ],
        var,
        "web.log",
    )
    worker = start(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "aileague.celery",
            "worker",
            "--purge",
            "--concurrency",
            str(options.workers),
            "-Q",
            "aileague",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        var,
        "worker.log",
    )
    try:
        base = f"http://127.0.0.1:{options.port}"
        wait_http(base + "/api/v1/scenarios")
        result = run(base, platform["tokens"], "customs-declaration-risk", files)
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait(timeout=20)
    latencies = [(result["done"][s] - result["sent"][s]) * 1000 for s in result["done"]]
    from django.db.models import Count

    from aileague.submissions.models import Score

    double = (
        Score.objects.values("submission_id", "split", "scorer_version")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    scored = sum(1 for state in result["states"].values() if state == "scored")
    lost = len(result["sent"]) - len(result["done"])
    print(
        f"files: {len(files)} × {files[0].stat().st_size / 1024:.0f} KB, workers: {options.workers}"
    )
    print(f"bare read+validate+score: {bare_ms:.1f} ms per file (in-process, warm reference)")
    print(
        f"upload→scored latency: p50 {percentile(latencies, 50):.0f} ms, "
        f"p99 {percentile(latencies, 99):.0f} ms"
    )
    print(
        f"summary: submissions={len(files)} accepted_per_s={len(files) / result['accepted_s']:.1f} "
        f"scored_per_s={scored / result['total_s']:.1f} p50_ms={percentile(latencies, 50):.0f} "
        f"p99_ms={percentile(latencies, 99):.0f} bare_ms={bare_ms:.1f} "
        f"e2e_over_bare={statistics.mean(latencies) / bare_ms:.1f} lost={lost} "
        f"double_scored={double}"
    )


if __name__ == "__main__":
    main()
