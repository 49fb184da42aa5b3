"""Levenshtein distance between two sequences of tokens, for WER and CER."""

from __future__ import annotations

from collections.abc import Hashable, Sequence


def levenshtein(reference: Sequence[Hashable], hypothesis: Sequence[Hashable]) -> int:
    """The fewest insertions, deletions and substitutions (each costing 1) from one to the other.

    Myers' bit-parallel algorithm in Hyyrö's formulation for the whole-sequence distance: a
    column of the dynamic-programming table is kept as two bit vectors (the rows where the
    value goes up or down by one from the row above), so each hypothesis token costs a dozen
    operations on ``len(reference)``-bit Python integers instead of a loop over the reference.

    >>> levenshtein("kitten", "sitting")
    3
    >>> levenshtein(["ฉัน", "รัก", "แมว"], ["ฉัน", "แมว"])
    1
    """
    m = len(reference)
    if m == 0:
        return len(hypothesis)
    positions: dict[Hashable, int] = {}
    for i, token in enumerate(reference):
        positions[token] = positions.get(token, 0) | (1 << i)
    full = (1 << m) - 1
    last = 1 << (m - 1)
    up, down, distance = full, 0, m  # column 0 is 0, 1, ..., m: every step goes up
    for token in hypothesis:
        equal = positions.get(token, 0)
        x_vertical = equal | down
        x_horizontal = (((equal & up) + up) ^ up) | equal
        h_up = down | (~(x_horizontal | up) & full)
        h_down = up & x_horizontal
        if h_up & last:
            distance += 1
        elif h_down & last:
            distance -= 1
        # Row 0 is 0, 1, ..., n: its horizontal step is always +1, hence the carried-in 1.
        h_up = ((h_up << 1) | 1) & full
        h_down = (h_down << 1) & full
        up = h_down | (~(x_vertical | h_up) & full)
        down = h_up & x_vertical
    return distance
