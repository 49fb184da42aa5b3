import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from tests.scoring.examples.common import reorder_arrays, scorable


@st.composite
def label_cases(draw):
    """Integer label codes 0..n_labels-1 (some labels may be absent from both arrays)."""
    n_labels = draw(st.integers(2, 6))
    size = draw(st.integers(1, 60))
    codes = st.integers(0, n_labels - 1)
    y_true = draw(hnp.arrays(np.int64, size, elements=codes))
    y_pred = draw(hnp.arrays(np.int64, size, elements=codes))
    return y_true, y_pred, n_labels


def cases(metric):
    # The kind refuses a reference that a perfect prediction cannot score (kappa of one label).
    return label_cases().map(lambda case: case[:2]).filter(lambda args: scorable(metric, args[0]))


def perfect(args):
    return args[0], args[0].copy()


def rows(args):
    return len(args[0])


reorder = reorder_arrays
