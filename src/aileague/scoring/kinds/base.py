"""A task kind: what a predictions file holds, how its reference is read, how a split is scored.

Every kind follows one pipeline (``evaluate.evaluate_file``): read both files as text columns,
check the header, ``load_reference`` (cached per process), ``load_predictions`` (which lines the
predictions up with the reference and reports every problem), then ``score`` once per split.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aileague.scoring.metrics.base import Metric
from aileague.scoring.parallel import map_row_ranges
from aileague.scoring.schema import SchemaError, TaskKind, TaskSchema
from aileague.scoring.validation import MAX_EXAMPLES, Problem

SPLITS = ("public", "private")


@dataclass(frozen=True)
class ReferenceRows:
    """Where a reference problem is: ``rows`` of the reference table (0-based, the first
    ``MAX_EXAMPLES`` of ``count``), and what is wrong there (``detail``)."""

    name: str
    rows: tuple[int, ...]
    count: int
    detail: str

    def message(self, places: Sequence[int], unit: str) -> str:
        """``reference r.csv line 7: …``, ``… lines 3, 5 and 4 more: …`` or ``… row 7: …``."""
        shown = ", ".join(str(place) for place in places)
        more = f" and {self.count - len(places)} more" if self.count > len(places) else ""
        units = unit if self.count == 1 else f"{unit}s"
        return f"reference {self.name} {units} {shown}{more}: {self.detail}"


class ReferenceError(SchemaError):  # noqa: A001 - the organiser's reference, not Python's
    """The hidden reference itself is broken: an organiser's problem, never a team's.

    Raised with ``at_rows`` when the problem is at some rows: kinds know rows of the table, not
    the file, so the message counts data rows from 1 until ``located`` (which
    ``evaluate.load_reference`` calls) names the file's lines, as the reader places them (CSV
    header on line 1, JSON Lines from line 1, Parquet rows).
    """

    def __init__(self, message: str, *, at: ReferenceRows | None = None) -> None:
        super().__init__(message)
        self.at = at

    @classmethod
    def at_rows(
        cls, name: str, rows: Sequence[int] | np.ndarray, detail: str, *, count: int | None = None
    ) -> ReferenceError:
        """A problem at ``rows`` (0-based rows of the reference table; ``count`` of them in all,
        when ``rows`` are the first few only)."""
        shown = tuple(int(row) for row in np.asarray(rows, dtype=np.int64)[:MAX_EXAMPLES])
        at = ReferenceRows(name, shown, len(rows) if count is None else count, detail)
        return cls(at.message([row + 1 for row in shown], "row"), at=at)

    @classmethod
    def from_problem(cls, name: str, problem: Problem) -> ReferenceError:
        """A validation problem found in the reference, at its rows when it has some."""
        if not problem.rows:
            return cls(f"reference {name}: {problem.message()}")
        count = int(problem.params.get("count", len(problem.rows)))
        return cls.at_rows(name, problem.rows, problem.message(), count=count)

    def located(self, lines_of: Callable[[Sequence[int]], list[int]], unit: str) -> ReferenceError:
        """The same error placed in the file: ``lines_of`` maps table rows to its lines (or
        rows, for Parquet, with ``unit`` ``"row"``); see ``readers.TextTable``."""
        if self.at is None:
            return self
        return ReferenceError(self.at.message(lines_of(self.at.rows), unit), at=self.at)


@dataclass
class RowReference:
    """A reference with one row per id (tabular and text kinds)."""

    ids: pa.Array
    target: Any  # np.ndarray, or a list of str for text
    # One boolean per row rather than the split's text: 1 byte a row instead of a Python string.
    is_public: np.ndarray
    # Each split's rows and targets, kept with the (cached) reference: every submission needs them.
    _rows: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    _targets: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def mask(self, split: str) -> np.ndarray:
        return self.is_public if split == "public" else ~self.is_public

    def rows(self, split: str) -> np.ndarray:
        """The rows of ``split``, ascending."""
        if split not in self._rows:
            self._rows[split] = np.flatnonzero(self.mask(split))
        return self._rows[split]

    def split_target(self, split: str) -> np.ndarray:
        """The targets of ``split``'s rows (an array target only)."""
        if split not in self._targets:
            self._targets[split] = self.target.take(self.rows(split), axis=0)
        return self._targets[split]

    @property
    def splits(self) -> list[str]:
        return [name for name in SPLITS if self.mask(name).any()]  # masks, not text: see above

    @functools.cached_property
    def packed(self) -> np.ndarray | None:
        """Each row's target and split in one small integer (``target << 1 | is_public``), for
        targets that are whole numbers below 2¹⁴ (classes, labels); else None.

        Gathering one byte per row is what lets a shuffled file be scored in its own order.
        """
        return _pack(self.target, self.is_public)


def _pack(target: Any, is_public: np.ndarray) -> np.ndarray | None:
    if not isinstance(target, np.ndarray) or target.ndim != 1 or target.size == 0:
        return None
    if not (target.min() >= 0 and target.max() < 1 << 14):
        return None
    dtype = np.int8 if target.max() < 1 << 6 else np.int16
    codes = target.astype(dtype)
    if not np.array_equal(codes, target):  # fractions are not classes
        return None
    return (codes << 1) | is_public


@dataclass
class Aligned:
    """Predictions as read, and where each reference row is among them.

    ``order[i]`` is the file row of reference row ``i`` (None when the file lists the
    reference's ids in its order): a split's predictions are gathered in the reference's order,
    so a score never depends on the order of a file's rows. A shuffled file whose metric is
    exact in any order comes as ``in_file_order`` instead (see ``in_file_order``).
    """

    values: np.ndarray
    order: np.ndarray | None = None
    #: Each split's targets and predictions, in the file's order.
    by_split: dict[str, tuple[np.ndarray, np.ndarray]] | None = None

    @classmethod
    def in_file_order(
        cls, values: np.ndarray, position: np.ndarray, reference: RowReference
    ) -> Aligned:
        """``values`` of file rows whose reference rows are ``position``, split by split.

        Gathering each file row's target and split (one byte, ``RowReference.packed``) is
        cheaper than putting 8-byte predictions in the reference's order; it runs over row
        ranges in parallel threads, each range split into public and private rows at once.
        """
        packed = reference.packed

        def split_range(start: int, stop: int):
            codes = packed.take(position[start:stop])
            public = (codes & 1).astype(bool)
            part = values[start:stop]
            pairs = []
            for rows in (np.flatnonzero(public), np.flatnonzero(~public)):
                # Row numbers then takes: twice as fast as a boolean index on a random mask.
                # Targets stay one byte a row: every metric that takes this way converts them.
                pairs.append((codes.take(rows) >> 1, part.take(rows, axis=0)))
            return pairs

        ranges = map_row_ranges(split_range, len(position))
        by_split = {}
        for index, split in enumerate(SPLITS):
            pairs = [pairs[index] for pairs in ranges]
            by_split[split] = tuple(np.concatenate(arrays) for arrays in zip(*pairs, strict=True))
        return cls(values, by_split=by_split)

    def on_rows(self, rows: np.ndarray) -> np.ndarray:
        """The predictions for the reference's ``rows``, in that order."""
        at = rows if self.order is None else self.order.take(rows)
        return self.values.take(at, axis=0)

    def split_pairs(self, reference: RowReference, split: str) -> tuple[np.ndarray, np.ndarray]:
        """``split``'s targets and predictions, row for row."""
        if self.by_split is not None:
            return self.by_split[split]
        return reference.split_target(split), self.on_rows(reference.rows(split))


class Kind(ABC):
    kind: TaskKind
    #: Whether the splits may be scored in parallel threads (numpy-only scoring, no shared
    #: lazily-loaded state such as word segmenters).
    parallel_splits: bool = False
    #: Whether ``load_predictions`` takes columns in the reader's blocks (chunked arrays), so
    #: the pipeline need not join them into single arrays first.
    reads_blocks: bool = False

    def check_schema(self, schema: TaskSchema) -> None:  # noqa: B027 - optional hook
        """Raise SchemaError when the task definition does not suit this kind."""

    @abstractmethod
    def prediction_columns(self, schema: TaskSchema) -> list[str]:
        """The exact header a predictions file must have, in order."""

    def numeric_columns(self, schema: TaskSchema) -> frozenset[str]:
        """Prediction columns of numbers only: the reader may hand them over as float64."""
        return frozenset()

    @abstractmethod
    def reference_columns(self, schema: TaskSchema) -> list[str]:
        """Columns the hidden reference must have (including the split column)."""

    @abstractmethod
    def load_reference(self, table: pa.Table, schema: TaskSchema, name: str) -> Any:
        """Parse the reference (all columns text); raise ReferenceError naming ``name``, with
        ``ReferenceError.at_rows`` for a problem at some rows (the caller places them)."""

    @abstractmethod
    def load_predictions(self, table: pa.Table, schema: TaskSchema, reference: Any) -> Any:
        """Parse and line up predictions; raise InvalidSubmission with every problem."""

    @abstractmethod
    def score(
        self, metric: Metric, schema: TaskSchema, reference: Any, predictions: Any, split: str
    ) -> float:
        """The metric on one split."""

    def splits(self, reference: Any) -> list[str]:
        return reference.splits


def split_column(table: pa.Table, schema: TaskSchema, name: str) -> np.ndarray:
    """The reference's split column as an array, refusing values other than public/private.

    Built with Arrow kernels into a fixed-width array: no Python string per row.
    """
    column = table.column(schema.split_column).combine_chunks()
    public = pc.equal(column, "public").to_numpy(zero_copy_only=False)
    private = pc.equal(column, "private").to_numpy(zero_copy_only=False)
    bad = ~(public | private)
    if bad.any():
        first = np.flatnonzero(bad)[:1]
        raise ReferenceError.at_rows(name, first, "split must be 'public' or 'private'")
    return np.where(public, "public", "private")


def present_splits(split: np.ndarray) -> list[str]:
    """The splits that occur in ``split`` (public/private per row, query or image), in order."""
    return [name for name in SPLITS if (split == name).any()]


def split_per_group(
    group: np.ndarray, split: np.ndarray, ids: Any, name: str, *, noun: str, article: str
) -> np.ndarray:
    """The split of each group (a query, an image), refusing a group whose rows disagree.

    ``group`` holds each row's group code 0..G-1; ``ids`` the row's group id, for the message.
    """
    _, first = np.unique(group, return_index=True)
    group_split = split[first]
    moved = np.flatnonzero(group_split[group] != split)
    if moved.size:
        row = int(moved[0])
        raise ReferenceError.at_rows(
            name,
            [row],
            f"{noun} {ids[row]} is in both splits; "
            f"{article} {noun}'s rows must all be in one split",
        )
    return group_split
