import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from tests.scoring.examples.common import PROBABILITY, reorder_arrays


@st.composite
def binary_cases(draw, *, ties: bool = True):
    """A 0/1 target with both classes, and scores in [0, 1]."""
    size = draw(st.integers(2, 60))
    y_true = draw(hnp.arrays(np.int64, size, elements=st.integers(0, 1)))
    y_true[draw(st.integers(0, size - 1))] = 0
    y_true[(np.flatnonzero(y_true == 0)[0] + 1) % size] = 1
    elements = PROBABILITY if ties else st.floats(0.0, 1.0, allow_nan=False)
    y_score = draw(hnp.arrays(np.float64, size, elements=elements))
    return y_true, y_score


def cases(metric):
    return binary_cases()


def perfect(args):
    return args[0], args[0].astype(np.float64)


def rows(args):
    return len(args[0])


reorder = reorder_arrays
