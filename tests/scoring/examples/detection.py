"""Detection examples: ``(true_image, true_label, true_box, true_crowd, image, label, box, score)``.

A row is a ground-truth box or a detection; ``rows`` counts both and ``reorder`` shuffles each
side within itself.
"""

import hypothesis.strategies as st
import numpy as np

LABELS = ["cat", "dog", "eel"]
# Small whole-pixel boxes overlap often and give exactly tied IoUs; free floats give the rest.
# Sizes are positive: a box without area cannot be matched, so the reference refuses one.
GRID_BOX = st.tuples(*[st.integers(0, 6)] * 2, *[st.integers(1, 6)] * 2)
FREE_BOX = st.tuples(*[st.floats(0.0, 40.0)] * 2, *[st.floats(0.5, 25.0)] * 2)
TIED_SCORE = st.one_of(st.sampled_from([0.25, 0.5, 1.0]), st.floats(0.0, 1.0))


def _boxes(values) -> np.ndarray:
    return np.array(values, dtype=np.float64).reshape(-1, 4)


@st.composite
def detection_cases(draw, *, ties: bool = True):
    """Ground truth on 1-4 images (some crowd regions, at least one regular box), detections."""
    box = draw(st.sampled_from([GRID_BOX, FREE_BOX]))
    images = st.integers(1, 4)
    labels = st.sampled_from(LABELS[: draw(st.integers(1, 3))])
    n_true = draw(st.integers(1, 12))
    crowd = [draw(st.sampled_from([False, False, False, True])) for _ in range(n_true)]
    crowd[draw(st.integers(0, n_true - 1))] = False
    n_found = draw(st.integers(0, 30))
    score = TIED_SCORE if ties else st.floats(0.0, 1.0)
    return (
        np.array([draw(images) for _ in range(n_true)]),
        np.array([draw(labels) for _ in range(n_true)], dtype=str),
        _boxes([draw(box) for _ in range(n_true)]),
        np.array(crowd, dtype=bool),
        np.array([draw(images) for _ in range(n_found)], dtype=np.int64),
        np.array([draw(labels) for _ in range(n_found)], dtype=str),
        _boxes([draw(box) for _ in range(n_found)]),
        np.array(draw(st.lists(score, min_size=n_found, max_size=n_found)), dtype=np.float64),
    )


def cases(metric):
    return detection_cases()


def perfect(args):
    """One detection exactly on each regular ground-truth box."""
    true_image, true_label, true_box, true_crowd, *_ = args
    regular = ~true_crowd
    return (
        true_image,
        true_label,
        true_box,
        true_crowd,
        true_image[regular],
        true_label[regular],
        true_box[regular],
        np.ones(int(regular.sum())),
    )


def rows(args):
    return len(args[0]) + len(args[4])


def reorder(args, order):
    """Apply ``order`` (a permutation of all rows) to each side: ground truth comes first."""
    split = len(args[0])
    order = np.asarray(order, dtype=np.int64)
    truth = order[order < split]
    found = order[order >= split] - split
    return tuple(value[truth] for value in args[:4]) + tuple(value[found] for value in args[4:])
