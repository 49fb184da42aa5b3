"""Text columns that must hold numbers: parsed at once when they do, explained when they don't."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aileague.scoring.validation.problems import Problem, as_bool, examples_of, single_array

NA_TOKENS = ["", "na", "n/a", "nan", "-nan", "+nan", "null", "none", "-", "?"]
INF_TOKENS = ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"]
_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"
_DECIMAL_COMMA = r"^[-+]?\d*,\d+$"


def parse_numbers(
    values: pa.Array | pa.ChunkedArray, column: str
) -> tuple[np.ndarray, list[Problem]]:
    """Parse a text column as float64; report non-numbers, NA-like values and infinities.

    Surrounding whitespace is allowed; so are exponents (``1e-3``), a leading ``+`` and
    ``-0``. pyarrow's cast accepts exactly such numbers, plus NaN and infinities, which the
    finiteness check catches: so a clean column costs one cast, and only a column with a problem
    is examined value by value.
    """
    try:
        numbers = _to_numpy(pc.cast(values, pa.float64()))
    except pa.ArrowInvalid:
        numbers = None
    if numbers is not None and np.isfinite(numbers).all():
        return numbers, []
    return _diagnose(values, column)


def _to_numpy(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return single_array(values).to_numpy(zero_copy_only=False)


def _diagnose(values: pa.Array | pa.ChunkedArray, column: str) -> tuple[np.ndarray, list[Problem]]:
    values = single_array(values)
    trimmed = pc.utf8_trim_whitespace(values)
    lowered = pc.utf8_lower(trimmed)
    na = as_bool(pc.is_in(lowered, value_set=pa.array(NA_TOKENS))) | as_bool(pc.is_null(values))
    inf = as_bool(pc.is_in(lowered, value_set=pa.array(INF_TOKENS)))
    numeric = as_bool(pc.match_substring_regex(trimmed, _NUMBER))
    parsed = _to_numpy(pc.cast(pc.if_else(pa.array(numeric), trimmed, "0"), pa.float64()))
    overflow = numeric & ~np.isfinite(parsed)  # 1e999 is a number, but not a finite one
    bad = ~(numeric | na | inf)
    problems = []
    if bad.any():
        problem = examples_of(bad, values, "not_a_number", {"column": column})
        comma = as_bool(pc.match_substring_regex(trimmed, _DECIMAL_COMMA)) & bad
        if comma.any():
            problem.params["hint"] = "decimal_comma"
        problems.append(problem)
    if na.any():
        problems.append(examples_of(na, values, "missing_value", {"column": column}))
    if (inf | overflow).any():
        problems.append(examples_of(inf | overflow, values, "not_finite", {"column": column}))
    if problems:
        return np.empty(0), problems
    return parsed, []
