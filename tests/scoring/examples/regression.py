import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from tests.scoring.examples.common import REAL, reorder_arrays, scorable


@st.composite
def regression_cases(draw, elements=REAL):
    size = draw(st.integers(1, 60))
    return (
        draw(hnp.arrays(np.float64, size, elements=elements)),
        draw(hnp.arrays(np.float64, size, elements=elements)),
    )


def cases(metric):
    # As the regression kind allows: values above the metric's limit (RMSLE: -1) in both files,
    # and a reference a perfect prediction can score (R²: two rows or more).
    elements = REAL
    if metric.values_above is not None:
        elements = st.floats(metric.values_above, 1e6, exclude_min=True, allow_nan=False)
    return regression_cases(elements=elements).filter(lambda args: scorable(metric, args[0]))


def perfect(args):
    return args[0], args[0].copy()


def rows(args):
    return len(args[0])


reorder = reorder_arrays
