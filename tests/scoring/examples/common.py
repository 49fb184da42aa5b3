"""Shared value strategies for the per-kind example modules."""

import hypothesis.strategies as st

# Ties are common in real scores (rounded probabilities), so half the values come from a grid.
GRID = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0])
PROBABILITY = st.one_of(GRID, st.floats(0.0, 1.0, allow_nan=False))
REAL = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
# Latin with diacritics, Vietnamese, Thai, Chinese and spaces: the league's languages.
TEXT = st.text(alphabet="abc xyzếệộ สวัสดี你好世界", min_size=1, max_size=30).filter(str.strip)


def reorder_arrays(args, order):
    """Reorder every array-like argument (tuples of aligned arrays or lists)."""
    out = []
    for value in args:
        if isinstance(value, list):
            out.append([value[i] for i in order])
        elif hasattr(value, "shape"):
            out.append(value[list(order)])
        else:
            out.append(value)
    return tuple(out)


def scorable(metric, y_true) -> bool:
    """Whether a perfect prediction of ``y_true`` has a score: the tabular kinds refuse a
    reference split that has none (R² of one row, kappa of one label)."""
    try:
        metric(y_true, y_true.copy())
    except ValueError:
        return False
    return True
