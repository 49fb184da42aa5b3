"""Classification metrics equal scikit-learn's on generated data, edge cases included.

Where scikit-learn's default divides by zero it returns 0.0 with an ``UndefinedMetricWarning``;
ours return the same 0.0 silently, so the comparisons silence that warning (and only that one:
any other warning is still an error). Where scikit-learn returns NaN, ours raise ValueError.
"""

from __future__ import annotations

import importlib
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk
from sklearn.exceptions import UndefinedMetricWarning

from aileague.scoring.metrics import METRICS, classification
from tests.scoring.examples.binary_label import binary_label_cases
from tests.scoring.examples.binary_probability import binary_cases
from tests.scoring.examples.common import REAL
from tests.scoring.examples.multiclass_label import label_cases
from tests.scoring.examples.multiclass_probability import probability_cases

TOLERANCE = 1e-9
FEW = settings(max_examples=80, deadline=None, database=None)

PARITY_TESTED = {
    "accuracy",
    "balanced_accuracy",
    *(
        f"{family}_{average}"
        for family in ("precision", "recall", "f1")
        for average in classification.AVERAGES
    ),
    "mcc",
    "cohen_kappa",
    "quadratic_weighted_kappa",
    "roc_auc",
    "average_precision",
    "log_loss",
    "roc_auc_ovr",
}


def close(ours: float, reference: float) -> bool:
    return math.isclose(ours, reference, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def sklearn_default(func, *args, **kwargs) -> float:
    """scikit-learn's value with its defaults, its warnings about them silenced.

    Those are: a zero division set to 0.0, a label only predicted left out of balanced
    accuracy, and a confusion matrix of a single label.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        warnings.filterwarnings("ignore", "y_pred contains classes not in y_true", UserWarning)
        warnings.filterwarnings("ignore", "A single label was found", UserWarning)
        return float(func(*args, **kwargs))


# --- Label metrics -------------------------------------------------------------------------------

AVERAGED = [
    f"{family}_{average}"
    for family in ("precision", "recall", "f1")
    for average in ("micro", "macro", "weighted")
]


@pytest.mark.parametrize("name", AVERAGED)
def test_averaged_precision_recall_f1_equal_sklearn_on_multiclass_labels(name):
    family, _, average = name.partition("_")
    reference = getattr(sk, f"{family}_score")

    @FEW
    @given(label_cases())
    def check(case):
        y_true, y_pred, n_labels = case
        expected = sklearn_default(reference, y_true, y_pred, average=average)
        assert close(METRICS[name](y_true, y_pred, n_labels=n_labels), expected)
        assert close(METRICS[name](y_true, y_pred), expected)  # n_labels only sizes counts

    check()


@pytest.mark.parametrize("family", ["precision", "recall", "f1"])
def test_binary_precision_recall_f1_equal_sklearn_including_no_positive_at_all(family):
    reference = getattr(sk, f"{family}_score")

    @FEW
    @given(binary_label_cases(), st.booleans())
    def check(case, no_positive):
        y_true, y_pred = case
        if no_positive:  # the functions (not the kind) accept a target without positives
            y_true = np.zeros_like(y_true)
        for name in (
            f"{family}_binary",
            f"{family}_micro",
            f"{family}_macro",
            f"{family}_weighted",
        ):
            average = name.rpartition("_")[2]
            expected = sklearn_default(reference, y_true, y_pred, average=average)
            assert close(METRICS[name](y_true, y_pred, n_labels=2), expected), name

    check()


def test_precision_of_a_label_never_predicted_is_zero_as_sklearn_default():
    y_true, y_pred = np.array([0, 1, 1]), np.array([0, 0, 0])
    assert METRICS["precision_binary"](y_true, y_pred) == 0.0
    with pytest.warns(UndefinedMetricWarning):
        assert sk.precision_score(y_true, y_pred) == 0.0


def test_binary_average_refuses_a_third_label():
    with pytest.raises(ValueError, match="labels 0 and 1"):
        classification.f1_score(np.array([0, 1, 2]), np.array([0, 1, 1]), average="binary")


LABEL_METRICS = [
    ("accuracy", lambda y, p, n: sk.accuracy_score(y, p)),
    ("balanced_accuracy", lambda y, p, n: sk.balanced_accuracy_score(y, p)),
    ("mcc", lambda y, p, n: sk.matthews_corrcoef(y, p)),
    ("cohen_kappa", lambda y, p, n: sk.cohen_kappa_score(y, p)),
    (
        "quadratic_weighted_kappa",
        lambda y, p, n: sk.cohen_kappa_score(y, p, labels=np.arange(n), weights="quadratic"),
    ),
]


@pytest.mark.parametrize(("name", "reference"), LABEL_METRICS, ids=[n for n, _ in LABEL_METRICS])
def test_label_metrics_equal_sklearn_on_multiclass_and_binary_labels(name, reference):
    binary = binary_label_cases().map(lambda case: (*case, 2))

    @FEW
    @given(st.one_of(label_cases(), binary))
    def check(case):
        y_true, y_pred, n_labels = case
        expected = sklearn_default(reference, y_true, y_pred, n_labels)
        if math.isnan(expected) or (name == "mcc" and np.unique(y_true).size == 1):
            # Kappa of one label shared by both arrays (NaN), MCC of one true label (0.0).
            with pytest.raises(ValueError, match="undefined"):
                METRICS[name](y_true, y_pred, n_labels=n_labels)
        else:
            assert close(METRICS[name](y_true, y_pred, n_labels=n_labels), expected)

    check()


def test_quadratic_kappa_weighs_by_distance_in_the_task_label_order():
    # Codes 0, 1, 2 are the task's labels in order; code 1 never occurs, yet 0 and 2 stay two
    # steps apart (scikit-learn without labels= would put them one step apart).
    y_true, y_pred = np.array([0, 0, 2, 2]), np.array([0, 2, 2, 0])
    ours = classification.quadratic_weighted_kappa_score(y_true, y_pred, n_labels=3)
    assert ours == sk.cohen_kappa_score(y_true, y_pred, labels=[0, 1, 2], weights="quadratic")
    assert (
        classification.quadratic_weighted_kappa_score(np.array([0, 1, 2]), np.array([0, 1, 2]))
        == 1.0
    )
    near = classification.quadratic_weighted_kappa_score(
        np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])
    )
    far = classification.quadratic_weighted_kappa_score(
        np.array([0, 1, 2, 2]), np.array([0, 1, 0, 2])
    )
    assert near > far


def test_kappa_of_one_shared_label_raises_where_sklearn_returns_nan():
    with pytest.raises(ValueError, match="undefined"):
        classification.cohen_kappa_score(np.array([1, 1]), np.array([1, 1]))
    assert math.isnan(sklearn_default(sk.cohen_kappa_score, [1, 1], [1, 1]))


def test_mcc_is_zero_when_every_prediction_is_the_same_as_sklearn():
    y_true, y_pred = np.array([0, 1, 2, 1]), np.array([1, 1, 1, 1])
    assert METRICS["mcc"](y_true, y_pred) == 0.0 == sk.matthews_corrcoef(y_true, y_pred)


def test_mcc_of_one_true_label_raises_where_sklearn_gives_even_a_perfect_prediction_zero():
    y_true = np.array([1, 1, 1])
    with pytest.raises(ValueError, match="undefined"):
        METRICS["mcc"](y_true, y_true.copy())
    assert sklearn_default(sk.matthews_corrcoef, y_true, y_true) == 0.0


def test_balanced_accuracy_leaves_out_labels_only_predicted():
    y_true, y_pred = np.array([0, 0, 1, 1]), np.array([0, 2, 1, 1])
    assert METRICS["balanced_accuracy"](y_true, y_pred) == 0.75
    assert sklearn_default(sk.balanced_accuracy_score, y_true, y_pred) == 0.75


def test_label_codes_above_n_labels_are_counted_not_folded():
    # n_labels only sizes the counts: a larger code must not land in another label's cell.
    y_true, y_pred = np.array([0, 1, 3]), np.array([0, 1, 3])
    assert METRICS["cohen_kappa"](y_true, y_pred, n_labels=2) == 1.0


# --- Scores and probabilities --------------------------------------------------------------------


@FEW
@given(binary_cases())
def test_average_precision_equals_sklearn_with_tied_scores(case):
    y_true, y_score = case
    expected = sk.average_precision_score(y_true, y_score)
    assert close(classification.average_precision_score(y_true, y_score), expected)


@FEW
@given(binary_cases(), st.data())
def test_roc_auc_and_average_precision_equal_sklearn_on_any_real_scores(case, data):
    # Negative scores take the argsort path; non-negative ones the integer-key sort.
    y_true, _ = case
    y_score = np.array(data.draw(st.lists(REAL, min_size=y_true.size, max_size=y_true.size)))
    assert close(classification.roc_auc_score(y_true, y_score), sk.roc_auc_score(y_true, y_score))
    expected = sk.average_precision_score(y_true, y_score)
    assert close(classification.average_precision_score(y_true, y_score), expected)


def test_negative_zero_ties_with_zero():
    y_true = np.array([0, 1, 0, 1])
    y_score = np.array([0.0, -0.0, 0.5, 1.0])
    assert classification.roc_auc_score(y_true, y_score) == sk.roc_auc_score(y_true, y_score)
    assert classification.roc_auc_score(y_true, y_score) == 0.625


def test_roc_auc_of_all_equal_scores_is_one_half():
    y_true = np.array([0, 1, 1, 0, 1])
    assert classification.roc_auc_score(y_true, np.full(5, 0.25)) == 0.5
    assert sk.roc_auc_score(y_true, np.full(5, 0.25)) == 0.5


def test_roc_auc_orders_scores_whose_keys_use_the_top_bit():
    # Scores of 2 and more shift into the top bit of the uint64 key: it must sort unsigned.
    y_true = np.array([0, 1, 0, 1, 0, 1, 1, 0])
    y_score = np.array([0.5, 3.0, 1e300, 2.0, 2.0, 1e308, 0.0, 1.0])
    for ours, theirs in (
        (classification.roc_auc_score, sk.roc_auc_score),
        (classification.average_precision_score, sk.average_precision_score),
    ):
        assert close(ours(y_true, y_score), theirs(y_true, y_score))


@FEW
@given(binary_cases(), st.data())
def test_roc_auc_equals_sklearn_on_heavily_tied_non_negative_scores(case, data):
    y_true, _ = case
    levels = st.sampled_from([0.0, -0.0, 0.25, 0.5, 1.0, 7.5])
    y_score = np.array(data.draw(st.lists(levels, min_size=y_true.size, max_size=y_true.size)))
    assert close(classification.roc_auc_score(y_true, y_score), sk.roc_auc_score(y_true, y_score))


def test_roc_auc_refuses_nan_scores():
    with pytest.raises(ValueError, match="NaN"):
        classification.roc_auc_score(np.array([0, 1]), np.array([0.5, np.nan]))


def test_average_precision_needs_a_positive_and_is_one_with_only_positives():
    with pytest.raises(ValueError, match="positive"):
        classification.average_precision_score(np.array([0, 0]), np.array([0.2, 0.8]))
    assert classification.average_precision_score(np.array([1, 1]), np.array([0.2, 0.8])) == 1.0
    assert sk.average_precision_score([1, 1], [0.2, 0.8]) == 1.0


@FEW
@given(probability_cases())
def test_multiclass_log_loss_equals_sklearn(case):
    y_true, y_prob = case
    expected = sk.log_loss(y_true, y_prob, labels=np.arange(y_prob.shape[1]))
    assert close(classification.log_loss(y_true, y_prob), expected)


def test_multiclass_log_loss_clips_a_zero_probability_and_does_not_renormalise():
    y_true, y_prob = np.array([0, 1]), np.array([[0.0, 1.0], [0.5, 0.5]])
    eps = np.finfo(np.float64).eps
    assert classification.log_loss(y_true, y_prob) == -(np.log(eps) + np.log(0.5)) / 2
    assert classification.log_loss(y_true, y_prob) == sk.log_loss(y_true, y_prob)


def test_multiclass_log_loss_refuses_codes_outside_the_columns():
    with pytest.raises(ValueError, match="label codes"):
        classification.log_loss(np.array([0, 2]), np.array([[0.5, 0.5], [0.5, 0.5]]))


@FEW
@given(probability_cases(min_labels=3, every_label=True))
def test_roc_auc_ovr_equals_sklearn_when_every_label_occurs(case):
    y_true, y_prob = case
    labels = np.arange(y_prob.shape[1])
    expected = sk.roc_auc_score(y_true, y_prob, multi_class="ovr", labels=labels)
    assert close(classification.roc_auc_ovr_score(y_true, y_prob), expected)


@FEW
@given(probability_cases())
def test_roc_auc_ovr_averages_sklearn_per_label_auc_over_the_labels_that_occur(case):
    y_true, y_prob = case
    per_label = [
        sk.roc_auc_score(y_true == k, y_prob[:, k]) for k in np.unique(y_true)
    ]  # scikit-learn's one-vs-rest AUC of each label that occurs (the others are NaN)
    assert close(classification.roc_auc_ovr_score(y_true, y_prob), float(np.mean(per_label)))


def test_roc_auc_ovr_of_two_labels_is_the_binary_auc():
    y_true = np.array([0, 1, 1, 0, 1])
    p1 = np.array([0.25, 0.5, 0.75, 0.5, 1.0])
    y_prob = np.column_stack([1 - p1, p1])
    assert classification.roc_auc_ovr_score(y_true, y_prob) == sk.roc_auc_score(y_true, p1)


def test_roc_auc_ovr_needs_two_labels_in_the_reference():
    with pytest.raises(ValueError, match="two labels"):
        classification.roc_auc_ovr_score(np.array([1, 1]), np.array([[0.2, 0.8], [0.6, 0.4]]))


# --- Laws on every kind of a metric (the registry test takes each metric's first kind) -----------

MORE_KINDS = [
    (name, kind.value)
    for name, metric in sorted(METRICS.items())
    if metric.func.__module__ == classification.__name__
    for kind in sorted(metric.kinds)[1:]
]


@pytest.mark.parametrize(("name", "kind"), MORE_KINDS)
def test_laws_hold_on_the_other_kinds_of_a_metric(name, kind):
    metric = METRICS[name]
    examples = importlib.import_module(f"tests.scoring.examples.{kind}")

    @FEW
    @given(st.data())
    def check(data):
        args = data.draw(examples.cases(metric))
        order = data.draw(st.permutations(range(examples.rows(args))))
        value = metric(*args)
        assert metric.lower_bound <= value <= metric.upper_bound
        assert close(metric(*examples.reorder(args, order)), value)
        assert metric(*examples.perfect(args)) == pytest.approx(metric.optimum, abs=1e-12)

    check()


@pytest.mark.parametrize("decimals", [None, 6, 4, 2])
def test_roc_auc_over_many_pieces_equals_scikit_learn_with_few_or_many_ties(decimals):
    """Large enough for many counting pieces; the rounding gives no ties, a few, or mostly ties
    (both ways of counting mixed ties)."""
    from sklearn.metrics import roc_auc_score as reference

    from aileague.scoring.metrics.scores import roc_auc_score

    rng = np.random.default_rng(decimals or 0)
    score = rng.random(300_000)
    score = score if decimals is None else score.round(decimals)
    truth = (rng.random(score.size) < score * 0.6 + 0.2).astype(int)
    assert roc_auc_score(truth, score) == pytest.approx(reference(truth, score), abs=1e-12)
