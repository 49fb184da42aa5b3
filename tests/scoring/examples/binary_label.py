import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from tests.scoring.examples.common import reorder_arrays


@st.composite
def binary_label_cases(draw):
    """0/1 labels; the target holds both classes, as the binary_label kind requires per split."""
    size = draw(st.integers(2, 60))
    y_true = draw(hnp.arrays(np.int64, size, elements=st.integers(0, 1)))
    y_pred = draw(hnp.arrays(np.int64, size, elements=st.integers(0, 1)))
    negative = draw(st.integers(0, size - 1))
    y_true[negative] = 0
    y_true[(negative + draw(st.integers(1, size - 1))) % size] = 1
    return y_true, y_pred


def cases(metric):
    return binary_label_cases()


def perfect(args):
    return args[0], args[0].copy()


def rows(args):
    return len(args[0])


reorder = reorder_arrays
