"""Problems found in a participant's file, and the checks that find them.

Every problem has a stable ``code`` (documented in docs/scoring.md), parameters for its message,
and up to ``MAX_EXAMPLES`` line numbers with the offending values, so that a participant can fix
all of them at once. Checks are vectorised (pyarrow.compute, numpy) and take a fast path when
the data is right, diagnosing in detail only when it is not.
"""

from aileague.scoring.validation.columns import check_columns, validate_table
from aileague.scoring.validation.ids import align_ids, check_ids, locate_ids, order_of
from aileague.scoring.validation.numbers import INF_TOKENS, NA_TOKENS, parse_numbers
from aileague.scoring.validation.problems import (
    MAX_EXAMPLES,
    InvalidSubmission,
    Problem,
    as_bool,
    examples_of,
    shorten,
)

__all__ = [
    "INF_TOKENS",
    "MAX_EXAMPLES",
    "NA_TOKENS",
    "InvalidSubmission",
    "Problem",
    "align_ids",
    "as_bool",
    "check_columns",
    "check_ids",
    "examples_of",
    "locate_ids",
    "order_of",
    "parse_numbers",
    "shorten",
    "validate_table",
]
