"""Whole-array work split over the machine's cores, for the steps of scoring a large file.

numpy releases the GIL inside its loops, so threads over contiguous row ranges keep every core
busy where one thread would leave the others idle. Small inputs run on the calling thread: for
them a thread costs more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

#: Below this many rows, one thread does the work.
MIN_PARALLEL_ROWS = 1 << 20
_MAX_THREADS = 4  # the gathers and scatters are bound by memory: more threads do not help


def thread_count(rows: int) -> int:
    if rows < MIN_PARALLEL_ROWS:
        return 1
    return max(1, min(_MAX_THREADS, os.cpu_count() or 1, rows // (MIN_PARALLEL_ROWS // 2)))


def row_ranges(rows: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous ``(start, stop)`` ranges covering ``range(rows)``, sizes ±1."""
    bounds = [rows * i // parts for i in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def map_row_ranges(
    func: Callable[[int, int], T], rows: int, *, parts: int | None = None
) -> list[T]:
    """``func(start, stop)`` over ranges covering ``range(rows)``, in threads when large; the
    results in row order. ``parts``: how many ranges, when ``rows`` count something else than
    rows (slices of rows, say)."""
    ranges = row_ranges(rows, thread_count(rows) if parts is None else max(1, min(parts, rows)))
    if len(ranges) == 1:
        return [func(*ranges[0])]
    with ThreadPoolExecutor(max_workers=len(ranges)) as pool:
        return list(pool.map(lambda bounds: func(*bounds), ranges))
