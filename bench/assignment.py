"""Reviewer-assignment benchmark: 10,000 entries x 3 reviews over 2,000 judges.

Each entry draws 105 distinct judges: 5 are its conflicts (passed as ``forbidden`` and left out of
the candidates), 100 are candidates. Expertise tags and languages are random; the affinity comes
from ``affinity_from_tags``. Loads stay within [10, 20].

Generation is timed on its own. "End to end" is what the service does per run: affinity from
tags, building the problem, solving, and verifying with ``check_assignment``. Peak memory is the
growth of the process's maximum resident set during end to end (OR-Tools' C++ memory included).
A greedy assignment (best pairs first, within the maximum loads) is printed for comparison.
Prints figures and never asserts.

    .venv/bin/python bench/assignment.py [--entries 10000] [--judges 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from aileague.judging.methods.affinity import affinity_from_tags  # noqa: E402
from aileague.judging.methods.assignment import (  # noqa: E402
    AssignmentProblem,
    check_assignment,
    solve_assignment,
)

TAGS = [f"tag{i:02d}" for i in range(40)]
LANGUAGES = ["en", "zh", "th", "vi", "id", "ms", "km", "lo", "my", "tl"]


def generate(entries: int, judges: int, candidates: int, conflicts: int, seed: int) -> dict:
    """Random tags, languages, candidate lists and conflicts (plain Python lists and arrays)."""
    rng = np.random.default_rng(seed)
    entry_tags = [set(rng.choice(TAGS, 3, replace=False)) for _ in range(entries)]
    judge_tags = [set(rng.choice(TAGS, rng.integers(3, 7), replace=False)) for _ in range(judges)]
    entry_lang = list(rng.choice(LANGUAGES, entries, p=_language_weights()))
    judge_langs = [
        {"en"} | set(rng.choice(LANGUAGES, rng.integers(0, 3), replace=False))
        for _ in range(judges)
    ]
    drawn = np.stack(
        [rng.choice(judges, candidates + conflicts, replace=False) for _ in range(entries)]
    )
    return {
        "entry_tags": entry_tags,
        "judge_tags": judge_tags,
        "entry_lang": entry_lang,
        "judge_langs": judge_langs,
        "candidates": drawn[:, conflicts:],
        "conflicts": drawn[:, :conflicts],
    }


def _language_weights() -> np.ndarray:
    weights = np.array([6, 3, 2, 2, 2, 1, 1, 1, 1, 1], dtype=float)
    return weights / weights.sum()


def build_problem(data: dict, reviews: int, min_load: int, max_load: int) -> AssignmentProblem:
    entries, per_entry = data["candidates"].shape
    cand_entry = np.repeat(np.arange(entries, dtype=np.int32), per_entry)
    cand_judge = data["candidates"].ravel().astype(np.int32)
    affinity = affinity_from_tags(
        data["entry_tags"],
        data["judge_tags"],
        data["entry_lang"],
        data["judge_langs"],
        cand_entry,
        cand_judge,
    )
    conflicts = data["conflicts"]
    forbidden = np.column_stack(
        [np.repeat(np.arange(entries), conflicts.shape[1]), conflicts.ravel()]
    )
    return AssignmentProblem(
        n_entries=entries,
        n_judges=len(data["judge_tags"]),
        reviews_per_entry=reviews,
        min_load=min_load,
        max_load=max_load,
        cand_entry=cand_entry,
        cand_judge=cand_judge,
        cand_affinity=affinity,
        forbidden=forbidden,
    )


def greedy(problem: AssignmentProblem) -> tuple[float, int, int]:
    """Best pairs first within the maximum loads: (affinity, pairs assigned, judges under min)."""
    order = np.argsort(-problem.cand_affinity, kind="stable")
    need = np.full(problem.n_entries, problem.reviews_per_entry)
    room = np.full(problem.n_judges, problem.max_load)
    total, assigned = 0.0, 0
    for e, j, a in zip(
        problem.cand_entry[order].tolist(),
        problem.cand_judge[order].tolist(),
        problem.cand_affinity[order].tolist(),
        strict=True,
    ):
        if need[e] and room[j]:
            need[e] -= 1
            room[j] -= 1
            total += a
            assigned += 1
            if assigned == need.size * problem.reviews_per_entry:
                break
    under = int((problem.max_load - room < problem.min_load).sum())
    return total, assigned, under


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--judges", type=int, default=2_000)
    parser.add_argument("--candidates", type=int, default=100)
    parser.add_argument("--conflicts", type=int, default=5)
    parser.add_argument("--reviews", type=int, default=3)
    parser.add_argument("--min-load", type=int, default=10)
    parser.add_argument("--max-load", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    data = generate(args.entries, args.judges, args.candidates, args.conflicts, args.seed)
    generation_s = time.perf_counter() - started
    print(f"generation: {generation_s:.2f} s")

    rss_before = max_rss_mb()
    started = time.perf_counter()
    problem = build_problem(data, args.reviews, args.min_load, args.max_load)
    built = time.perf_counter()
    result = solve_assignment(problem)
    solved = time.perf_counter()
    violations = check_assignment(problem, result)
    end_to_end_s = time.perf_counter() - started
    peak_mb = max_rss_mb() - rss_before

    print(f"build arrays + affinity: {built - started:.2f} s")
    print(f"solve: {solved - built:.2f} s")
    print(f"verify: {end_to_end_s - (solved - started):.2f} s")
    print(
        f"end to end: {end_to_end_s:.2f} s; peak memory growth {peak_mb:.0f} MB "
        f"(process peak {max_rss_mb():.0f} MB)"
    )
    print(
        f"pairs: {result.entry.size}; loads {result.loads.min()}..{result.loads.max()}; "
        f"components: {result.components}"
    )
    print(f"total affinity: {result.total_affinity:.3f}")
    print(f"violations: {len(violations)}", *violations[:10], sep="\n  ")

    greedy_affinity, greedy_pairs, greedy_under = greedy(problem)
    print(
        f"greedy: affinity {greedy_affinity:.3f}, {greedy_pairs} pairs, "
        f"{greedy_under} judges under the minimum load"
    )
    print(f"optimal - greedy: {result.total_affinity - greedy_affinity:+.3f}")
    print(
        f"summary: entries={args.entries} judges={args.judges} reviews={result.entry.size} "
        f"candidates={problem.cand_entry.size} generation_s={generation_s:.2f} "
        f"end_to_end_s={end_to_end_s:.2f} solve_s={solved - built:.2f} "
        f"peak_mem_mb={peak_mb:.0f} total_affinity={result.total_affinity:.1f} "
        f"greedy_affinity={greedy_affinity:.1f} greedy_pairs={greedy_pairs} "
        f"violations={len(violations)} components={result.components}"
    )


if __name__ == "__main__":
    main()
