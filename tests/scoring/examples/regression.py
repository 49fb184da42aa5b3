import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from tests.scoring.examples.common import REAL, reorder_arrays


@st.composite
def regression_cases(draw):
    size = draw(st.integers(1, 60))
    return (
        draw(hnp.arrays(np.float64, size, elements=REAL)),
        draw(hnp.arrays(np.float64, size, elements=REAL)),
    )


def cases(metric):
    return regression_cases()


def perfect(args):
    return args[0], args[0].copy()


def rows(args):
    return len(args[0])


reorder = reorder_arrays
