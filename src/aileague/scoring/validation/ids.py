"""Matching a file's ids to the reference's: exactly, as text, and fast.

Ids are compared as text ("007" is not "7"). Three paths, fastest first:

1. the file lists the reference's ids in the reference's order (a filled-in sample
   submission): one comparison of the two arrays;
2. the reference's ids are a fixed prefix and a number (``R000123``, ``123``): each id is
   matched by its number through a table built once per reference. Only ids spelled exactly like
   the reference's (same prefix, same zero-padding, or no leading zeros when the reference has
   none) can match, so this is exact. When they are all as long as the reference's zero-padded
   ids, the numbers are read straight from the bytes, eight digits at a time (see
   ``_fixed_width_numbers``);
3. anything else: pyarrow's hash lookup (``index_in``).

Whatever the path, a file with a problem is then examined in full, to report every empty,
duplicate, unknown and missing id.
"""

from __future__ import annotations

import re
from collections import OrderedDict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aileague.scoring.parallel import map_row_ranges, thread_count
from aileague.scoring.validation.problems import (
    MAX_EXAMPLES,
    Problem,
    as_bool,
    examples_of,
    single_array,
)

_CACHE_SIZE = 8
_INDEXES: OrderedDict[tuple, tuple[pa.Array, _NumberedIds | None]] = OrderedDict()
_NONE_EMPTY: OrderedDict[tuple, tuple[pa.Array, bool]] = OrderedDict()
_MAX_DIGITS = 18  # fits int64
# Row numbers: 32 bits halve the memory of the arrays the size of the file (2³¹ rows is plenty).
ROW = np.int32
_SLICE = 1 << 18  # rows matched at a time: intermediate arrays stay in cache, threads busy
_U64 = np.uint64


def check_ids(
    ids: pa.Array | pa.ChunkedArray, reference_ids: pa.Array | pa.ChunkedArray
) -> tuple[np.ndarray | None, list[Problem]]:
    """Match submitted ids to the reference; return each reference row's position in the file.

    ``order[i]`` is the file row holding reference row ``i``, so ``values[order]`` lines the
    predictions up with the reference. The reference's ids are taken to be unique and non-empty
    (the reference checks see to it).
    """
    order, problems = align_ids(ids, reference_ids)
    if order is None and not problems:
        order = np.arange(len(ids), dtype=ROW)
    return order, problems


def align_ids(
    ids: pa.Array | pa.ChunkedArray, reference_ids: pa.Array | pa.ChunkedArray
) -> tuple[np.ndarray | None, list[Problem]]:
    """``check_ids``, but the order is None when the file is in the reference's order.

    Returns ``(order, [])``, ``(None, [])`` (the same ids in the same order: nothing to
    reorder), or ``(None, problems)``.
    """
    position, problems = locate_ids(ids, reference_ids)
    return (None if position is None else order_of(position)), problems


def locate_ids(
    ids: pa.Array | pa.ChunkedArray, reference_ids: pa.Array | pa.ChunkedArray
) -> tuple[np.ndarray | None, list[Problem]]:
    """Each file row's reference row, when the file holds every reference id exactly once.

    Returns ``(position, [])`` (``position[j]`` is the reference row of file row ``j``),
    ``(None, [])`` (the reference's ids in its order), or ``(None, problems)``. Cheaper than
    ``align_ids`` when the caller can work in the file's order (``Aligned.in_file_order``): the
    check that no id repeats marks a byte per reference row instead of writing a row number.
    """
    reference_ids = single_array(reference_ids)
    if _same_ids(ids, reference_ids):
        return None, []
    position = _positions(ids, reference_ids)
    if len(ids) == len(reference_ids) and position.min(initial=0) >= 0:
        seen = np.zeros(len(reference_ids), dtype=bool)

        def mark(start: int, stop: int) -> None:
            seen[position[start:stop]] = True  # threads only ever write True: no lost update

        map_row_ranges(mark, len(position))
        if seen.all():  # as many ids as the reference, each found: a permutation of it
            return position, []
    return None, _id_problems(ids, reference_ids, position)


def order_of(position: np.ndarray) -> np.ndarray:
    """The inverse of ``locate_ids``' permutation: the file row of each reference row."""
    order = np.empty(len(position), dtype=ROW)
    order[position] = np.arange(len(position), dtype=ROW)
    return order


def _same_ids(ids: pa.Array | pa.ChunkedArray, reference_ids: pa.Array) -> bool:
    if len(ids) != len(reference_ids) or ids.type != reference_ids.type:
        return False
    if isinstance(ids, pa.ChunkedArray):
        reference_ids = pa.chunked_array([reference_ids])  # compared across chunk boundaries
    if not ids.equals(reference_ids):
        return False
    return _none_empty(single_array(reference_ids))  # the same ids: is none of them empty?


def _positions(ids: pa.Array | pa.ChunkedArray, reference_ids: pa.Array) -> np.ndarray:
    """The reference row of each id, or -1."""
    index = _index_for(reference_ids)
    if index is not None:
        return index.lookup(ids)
    position = pc.index_in(ids, value_set=reference_ids).fill_null(-1)
    return np.asarray(position.to_numpy(zero_copy_only=False), dtype=ROW)


def _index_for(reference_ids: pa.Array) -> _NumberedIds | None:
    """The reference's number index, built once per reference (which is itself cached)."""
    return _cached(_INDEXES, reference_ids, _NumberedIds.build)


def _none_empty(reference_ids: pa.Array) -> bool:
    """Whether none of the reference's ids is empty, found once per reference."""
    return _cached(_NONE_EMPTY, reference_ids, _no_empty_id)


def _no_empty_id(ids: pa.Array) -> bool:
    for start in range(0, len(ids), 1 << 16):  # in slices: no array the size of the reference
        shortest = pc.min(pc.binary_length(ids.slice(start, 1 << 16))).as_py()
        if shortest is not None and shortest == 0:
            return False
    return True


def _cached(cache: OrderedDict, reference_ids: pa.Array, compute):
    """``compute(reference_ids)``, kept in ``cache`` for the last few references.

    The key is where the array's data lives, so any wrapper of the same array finds it; holding
    the array keeps that memory from going to another array while cached.
    """
    key = (
        tuple(buffer.address if buffer else 0 for buffer in reference_ids.buffers()),
        reference_ids.offset,
        len(reference_ids),
    )
    cached = cache.get(key)
    if cached is not None:
        cache.move_to_end(key)
        return cached[1]
    value = compute(reference_ids)
    cache[key] = (reference_ids, value)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return value


class _NumberedIds:
    """Ids made of a common prefix and a number, with a fixed width or without leading zeros."""

    def __init__(self, prefix: str, width: int | None, table: _KeyTable) -> None:
        self.prefix, self.width, self.table = prefix, width, table
        self.prefix_bytes = prefix.encode()

    @classmethod
    def build(cls, ids: pa.Array) -> _NumberedIds | None:
        if len(ids) == 0 or ids.null_count:
            return None
        match = re.fullmatch(r"(.*?)([0-9]+)", ids[0].as_py(), flags=re.DOTALL)
        if match is None:
            return None
        prefix = match.group(1)
        if prefix and not as_bool(pc.starts_with(ids, prefix)).all():
            return None
        digits = pc.utf8_slice_codeunits(ids, len(prefix)) if prefix else ids
        if not as_bool(pc.ascii_is_decimal(digits)).all():
            return None
        lengths = pc.binary_length(digits).to_numpy(zero_copy_only=False)
        if lengths.max() > _MAX_DIGITS:
            return None
        width = int(lengths[0]) if (lengths == lengths[0]).all() else None
        if width is None and as_bool(_leading_zero(digits, lengths)).any():
            return None
        keys = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)
        table = _KeyTable.build(keys)
        return None if table is None else cls(prefix, width, table)

    def lookup(self, ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """The reference row of each id, or -1; ids spelled unlike the reference's are -1."""
        # Piece by piece, so that the intermediate arrays stay small (and in cache), and the
        # pieces shared among threads (numpy releases the GIL in its loops).
        pieces = ids.chunks if isinstance(ids, pa.ChunkedArray) else [ids]
        slices, start = [], 0
        for piece in pieces:
            for offset in range(0, len(piece), _SLICE):
                part = piece.slice(offset, _SLICE)
                slices.append((start, part))
                start += len(part)
        position = np.empty(len(ids), dtype=ROW)

        def look_up(first: int, stop: int) -> None:
            for at, part in slices[first:stop]:
                position[at : at + len(part)] = self._lookup(part)

        parts = thread_count(len(ids))
        map_row_ranges(look_up, len(slices), parts=parts)
        return position

    def _lookup(self, ids: pa.Array) -> np.ndarray:
        parsed = None
        if self.width is not None and self.width <= _FAST_DIGITS:
            parsed = _fixed_width_numbers(ids, self.prefix_bytes, self.width)
        keys, valid = self._numbers(ids) if parsed is None else parsed
        position = self.table.lookup(keys)
        position[~valid] = -1
        return position

    def _numbers(self, ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """Each id's number, and whether the id is spelled like the reference's."""
        valid = np.ones(len(ids), dtype=bool)
        if self.prefix:
            valid &= as_bool(pc.starts_with(ids, self.prefix))
        digits = pc.utf8_slice_codeunits(ids, len(self.prefix)) if self.prefix else ids
        lengths = pc.binary_length(digits).to_numpy(zero_copy_only=False)
        if self.width is not None:
            valid &= lengths == self.width
        else:
            valid &= (lengths <= _MAX_DIGITS) & ~as_bool(_leading_zero(digits, lengths))
        valid &= as_bool(pc.ascii_is_decimal(digits))
        if not valid.all():
            digits = pc.if_else(pa.array(valid), digits, "0")
        return pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False), valid


_FAST_DIGITS = 16  # two 8-byte words


def _fixed_width_numbers(
    ids: pa.Array, prefix: bytes, digits: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Each id's number, and whether it is ``prefix`` and ``digits`` ASCII digits; read from
    Arrow's bytes directly. None unless every id has that many bytes (the general way then).

    All ids of one length sit in the data buffer every ``width`` bytes: a (rows × width) byte
    matrix. The prefix is compared column by column; the leading ``digits % 8`` digits are
    read one column at a time, and the rest eight at a time: each group of eight is a
    little-endian word at a fixed stride, copied out and checked and converted with a few
    integer operations (the SWAR method of simdjson's ``parse_eight_digits_unrolled``).
    """
    n = len(ids)
    width = len(prefix) + digits
    if ids.type != pa.string() or ids.null_count or n == 0:
        return None
    offsets = np.frombuffer(ids.buffers()[1], np.int32, count=n + 1, offset=ids.offset * 4)
    if not (np.diff(offsets) == width).all():
        return None
    data = np.frombuffer(ids.buffers()[2], np.uint8, count=n * width, offset=int(offsets[0]))
    rows = data.reshape(n, width)
    valid = np.ones(n, dtype=bool)
    for column, byte in enumerate(prefix):
        valid &= rows[:, column] == byte
    keys = np.zeros(n, dtype=np.int64)
    lead = len(prefix) + digits % 8
    for column in range(len(prefix), lead):
        digit = rows[:, column] - np.uint8(ord("0"))  # wraps around below '0'
        valid &= digit < 10
        keys *= 10
        keys += digit
    for at in range(lead, width, 8):
        word = np.ndarray((n,), dtype="<u8", buffer=data, offset=at, strides=(width,)).copy()
        valid &= _eight_digits_valid(word)
        keys *= 100_000_000
        keys += _eight_digits(word)
    return keys, valid


def _eight_digits_valid(word: np.ndarray) -> np.ndarray:
    """Whether each of the word's eight bytes is an ASCII digit."""
    high = _U64(0xF0F0F0F0F0F0F0F0)
    shifted = ((word + _U64(0x0606060606060606)) & high) >> _U64(4)
    return ((word & high) | shifted) == _U64(0x3333333333333333)


def _eight_digits(word: np.ndarray) -> np.ndarray:
    """The number written by eight ASCII digits, the first in the lowest byte."""
    word = ((word & _U64(0x0F0F0F0F0F0F0F0F)) * _U64(2561)) >> _U64(8)
    word = ((word & _U64(0x00FF00FF00FF00FF)) * _U64(6553601)) >> _U64(16)
    return (((word & _U64(0x0000FFFF0000FFFF)) * _U64(42949672960001)) >> _U64(32)).view(np.int64)


def _leading_zero(digits: pa.Array, lengths: np.ndarray) -> pa.Array:
    return pc.and_(pc.starts_with(digits, "0"), pa.array(lengths > 1))


class _KeyTable:
    """Row of each int64 key: a direct table when the keys are dense, else a hash table with
    linear probing, built and probed with whole-array numpy operations."""

    def __init__(
        self, rows: np.ndarray, *, low: int = 0, keys: np.ndarray | None = None, bits: int = 0
    ) -> None:
        self.rows, self.low, self.keys, self.bits = rows, low, keys, bits
        # Keys low, low + 1, ... in the reference's order (the usual case): row = key - low.
        self.identity = keys is None and np.array_equal(rows, np.arange(len(rows)))

    @classmethod
    def build(cls, keys: np.ndarray) -> _KeyTable | None:
        n = len(keys)
        low, high = int(keys.min()), int(keys.max())
        if high - low <= 4 * n + 1024:
            rows = np.full(high - low + 1, -1, dtype=ROW)
            rows[keys - low] = np.arange(n, dtype=ROW)
            table = cls(rows, low=low)
        else:
            table = cls._hashed(keys)
        # A repeated key would hide a row: such a reference goes the general way.
        return table if np.array_equal(table.lookup(keys), np.arange(n)) else None

    @classmethod
    def _hashed(cls, keys: np.ndarray) -> _KeyTable:
        n = len(keys)
        bits = max(4, int(np.ceil(np.log2(2 * n))))
        slot = _slot(keys, bits)
        order = np.argsort(slot, kind="stable")
        step = np.arange(n)
        # Linear probing without wrap-around: each key takes its slot, or the next free one.
        place = np.maximum.accumulate(slot[order] - step) + step
        size = max(int(place[-1]) + 2, (1 << bits) + 1)  # an empty slot ends every probe
        rows = np.full(size, -1, dtype=ROW)
        table_keys = np.zeros(size, dtype=np.int64)
        rows[place] = order
        table_keys[place] = keys[order]
        return cls(rows, keys=table_keys, bits=bits)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        if self.keys is None:
            inside = (keys >= self.low) & (keys < self.low + len(self.rows))
            if self.identity:
                return np.where(inside, keys - self.low, -1).astype(ROW)
            found = self.rows[np.where(inside, keys - self.low, 0)]
            found[~inside] = -1
            return found
        found = np.full(len(keys), -1, dtype=ROW)
        active = np.arange(len(keys))
        at = _slot(keys, self.bits)
        while active.size:
            rows = self.rows[at]
            hit = (rows >= 0) & (self.keys[at] == keys[active])
            found[active[hit]] = rows[hit]
            more = (rows >= 0) & ~hit
            active, at = active[more], at[more] + 1
        return found


def _slot(keys: np.ndarray, bits: int) -> np.ndarray:
    """splitmix64's finaliser: spreads nearby keys over the table's ``bits``-bit slots."""
    h = keys.astype(np.uint64)
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return (h >> np.uint64(64 - bits)).astype(np.int64)


def _id_problems(
    ids: pa.Array | pa.ChunkedArray, reference_ids: pa.Array, position: np.ndarray
) -> list[Problem]:
    """Every empty, duplicate, unknown and missing id, in that order."""
    ids = single_array(ids)
    problems: list[Problem] = []
    empty = pc.binary_length(ids).to_numpy(zero_copy_only=False) == 0
    known = position >= 0
    counts = np.bincount(position[known], minlength=len(reference_ids))
    if empty.any():
        problems.append(examples_of(empty, ids, "empty_id", {}))
    unknown = ~known & ~empty
    repeated_known = known & (counts[np.where(known, position, 0)] > 1)
    repeated_unknown = pa.array([], type=ids.type)
    if unknown.any():
        tally = pc.value_counts(ids.filter(pa.array(unknown)))
        repeated_unknown = tally.filter(pc.greater(tally.field("counts"), 1)).field("values")
    repeated = repeated_known
    if len(repeated_unknown):
        repeated = repeated | (unknown & as_bool(pc.is_in(ids, value_set=repeated_unknown)))
    if repeated.any():
        problem = examples_of(repeated, ids, "duplicate_id", {})
        problem.params["count"] = int((counts > 1).sum()) + len(repeated_unknown)
        problems.append(problem)
    if unknown.any():
        problem = examples_of(unknown, ids, "unknown_ids", {})
        hint = _near_miss(problem.examples, reference_ids)
        if hint:
            problem.params["hint"] = hint
        problems.append(problem)
    missing = np.flatnonzero(counts == 0)
    if missing.size:
        shown = reference_ids.take(pa.array(missing[:MAX_EXAMPLES], type=pa.int64()))
        problems.append(
            Problem(
                "missing_ids",
                {"count": int(missing.size)},
                examples=[str(value) for value in shown.to_pylist()],
            )
        )
    return problems


def _near_miss(examples: list[str], reference_ids: pa.Array) -> str | None:
    """A hint when unknown ids are reference ids but for spaces around them or leading zeros
    ("7" for "007"); looked up for the shown examples only."""
    trimmed = {example.strip() for example in examples} - set(examples)
    if trimmed and as_bool(pc.is_in(pa.array(sorted(trimmed)), value_set=reference_ids)).any():
        return "id_whitespace"
    stripped = {example.strip().lstrip("0") for example in examples if example.strip("0 ")}
    if not stripped:
        return None
    reference = pc.utf8_ltrim(reference_ids, characters="0")
    if as_bool(pc.is_in(reference, value_set=pa.array(sorted(stripped)))).any():
        return "leading_zeros"
    return None
