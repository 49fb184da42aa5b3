"""Reading fixed-width numbered ids straight from Arrow's bytes equals parsing them as text."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from aileague.scoring.validation.ids import _fixed_width_numbers

FEW = settings(max_examples=200, deadline=None, database=None)


@st.composite
def fixed_width_ids(draw):
    prefix = draw(st.sampled_from(["", "R", "q_", "item-00", "ÿ"]))
    digits = draw(st.integers(1, 16))
    # Mostly digits, sometimes a byte just outside them (so every check is exercised).
    alphabet = st.sampled_from("0123456789") | st.sampled_from("/:a ")
    body = st.lists(alphabet, min_size=digits, max_size=digits).map("".join)
    head = st.just(prefix) | st.sampled_from([prefix[::-1], "X" * len(prefix)])
    ids = draw(st.lists(st.tuples(head, body).map("".join), min_size=1, max_size=40))
    offset = draw(st.integers(0, len(ids) - 1))
    return prefix, digits, ids, offset


@FEW
@given(fixed_width_ids())
def test_fixed_width_numbers_equal_a_plain_parse(case):
    prefix, digits, ids, offset = case
    array = pa.array(ids).slice(offset)
    parsed = _fixed_width_numbers(array, prefix.encode(), digits)
    width = len(prefix.encode()) + digits
    if any(len(value.encode()) != width for value in ids[offset:]):
        assert parsed is None
        return
    assert parsed is not None
    keys, valid = parsed
    for value, key, ok in zip(ids[offset:], keys, valid, strict=True):
        tail = value.encode()[len(prefix.encode()) :]
        expected = value.encode().startswith(prefix.encode()) and all(
            48 <= byte <= 57 for byte in tail
        )
        assert bool(ok) == expected
        if expected:
            assert int(key) == int(tail)
