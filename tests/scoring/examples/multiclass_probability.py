import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from tests.scoring.examples.common import reorder_arrays

# Weights normalised per row: a grid gives tied and zero probabilities, floats the rest.
WEIGHT = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0.0, 1.0))


@st.composite
def probability_cases(draw, *, min_labels: int = 2, every_label: bool = False):
    """Label codes with at least two distinct labels (as the kind requires per split), and an
    (n, K) probability matrix whose rows sum to 1 within a few ulps.

    ``every_label``: each of the K labels occurs in the target.
    """
    n_labels = draw(st.integers(min_labels, 6))
    size = draw(st.integers(n_labels if every_label else 2, 40))
    y_true = draw(hnp.arrays(np.int64, size, elements=st.integers(0, n_labels - 1)))
    if every_label:
        y_true[draw(st.permutations(range(size)))[:n_labels]] = np.arange(n_labels)
    else:
        first, second = draw(st.permutations(range(size)))[:2]
        y_true[second] = (y_true[first] + draw(st.integers(1, n_labels - 1))) % n_labels
    weights = draw(hnp.arrays(np.float64, (size, n_labels), elements=WEIGHT))
    weights[weights.sum(axis=1) == 0] = 1.0
    return y_true, weights / weights.sum(axis=1, keepdims=True)


def cases(metric):
    return probability_cases()


def perfect(args):
    y_true, y_prob = args
    return y_true, np.eye(y_prob.shape[1])[y_true]


def rows(args):
    return len(args[0])


reorder = reorder_arrays
