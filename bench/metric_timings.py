"""Each registered metric against its reference implementation, on the same arrays.

Filled in as metric families land; see ``ADAPTERS``.
"""

from __future__ import annotations

import time

import numpy as np


def _best(repeat: int, func) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def time_metrics(rows: int, repeat: int) -> dict[str, str]:
    from sklearn import metrics as sk

    from aileague.scoring.metrics import get_metric

    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, rows)
    y_score = np.clip(y_true * 0.3 + rng.random(rows) * 0.7, 0, 1).round(6)
    cases = {
        "roc_auc": (
            lambda: get_metric("roc_auc")(y_true, y_score),
            lambda: sk.roc_auc_score(y_true, y_score),
        ),
    }
    figures = {}
    print(f"\n{'metric':>24} {'rows':>10} {'ours s':>9} {'reference s':>12} {'speed-up':>9}")
    for name, (ours, reference) in cases.items():
        mine, theirs = _best(repeat, ours), _best(repeat, reference)
        print(f"{name:>24} {rows:>10} {mine:>9.3f} {theirs:>12.3f} {theirs / mine:>9.2f}")
        figures[f"{name}_speedup"] = f"{theirs / mine:.2f}"
    return figures
