"""Classification metrics over aligned arrays: label codes, or probabilities.

Labels arrive as integer codes ``0..K-1`` in the order of the task's ``labels`` (the kinds
encode them), so every label metric starts from one ``bincount`` of the confusion matrix. The
metrics of scores and probabilities (ROC AUC, average precision, log loss) live in
``metrics.scores``; all of them are registered here.

Where scikit-learn's default divides by zero (precision of a label never predicted, recall of a
label never true) it returns 0.0 with an ``UndefinedMetricWarning``; these functions return the
same 0.0 without a warning. Where scikit-learn returns NaN (ROC AUC with one class in the
reference, Cohen's kappa with one label in all) or a constant (MCC of a reference with one
label), these functions raise ``ValueError``: the kinds refuse references on which that can
happen, so a NaN never reaches a leaderboard and a perfect submission always scores the optimum.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from aileague.scoring.metrics.base import INF, Metric, register
from aileague.scoring.metrics.scores import (
    average_precision_score,
    log_loss,
    roc_auc_ovr_score,
    roc_auc_score,
)
from aileague.scoring.schema import TaskKind

__all__ = [
    "AVERAGES",
    "accuracy_score",
    "average_precision_score",
    "balanced_accuracy_score",
    "cohen_kappa_score",
    "f1_macro_score",
    "f1_score",
    "log_loss",
    "matthews_correlation_score",
    "precision_score",
    "quadratic_weighted_kappa_score",
    "recall_score",
    "roc_auc_ovr_score",
    "roc_auc_score",
]

AVERAGES = ("binary", "micro", "macro", "weighted")


# --- Label codes ---------------------------------------------------------------------------------


def _label_pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and y_pred differ in shape: {y_true.shape} vs {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("no rows to score")
    return y_true, y_pred


def _confusion(y_true, y_pred, n_labels: int | None = None) -> np.ndarray:
    """Counts of (true, predicted) label codes: a K×K int64 matrix, one row per true label.

    K is ``n_labels`` or, if larger, one more than the highest code present.
    """
    y_true, y_pred = _label_pair(y_true, y_pred)
    if min(y_true.min(), y_pred.min()) < 0:
        raise ValueError("label codes must be 0 or more")
    k = max(n_labels or 0, int(max(y_true.max(), y_pred.max())) + 1)
    cell = y_true * k
    cell += y_pred
    return np.bincount(cell, minlength=k * k).reshape(k, k)


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ratio, 0.0 where the denominator is 0 (scikit-learn's zero_division)."""
    out = np.zeros(np.shape(numerator), dtype=np.float64)
    return np.divide(numerator, denominator, out=out, where=denominator != 0)


def _precision_recall_f1(y_true, y_pred, average: str, n_labels: int | None):
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {', '.join(AVERAGES)}, not {average!r}")
    confusion = _confusion(y_true, y_pred, 2 if average == "binary" else n_labels)
    counts = np.stack([np.diagonal(confusion), confusion.sum(axis=1), confusion.sum(axis=0)])
    if average == "binary":
        if confusion.shape[0] > 2:
            raise ValueError("average='binary' needs labels 0 and 1 only")
        counts = counts[:, 1:]
    elif average == "micro":
        counts = counts.sum(axis=1, keepdims=True)
    else:  # labels in neither array are left out, as scikit-learn does by default
        counts = counts[:, counts[1] + counts[2] > 0]
    hits, true, predicted = counts
    scores = (_divide(hits, predicted), _divide(hits, true), _divide(2.0 * hits, true + predicted))
    if average == "weighted":
        return tuple(float((score * true).sum() / true.sum()) for score in scores)
    return tuple(float(score.mean()) for score in scores)


def precision_score(y_true, y_pred, *, average: str = "binary", n_labels: int | None = None):
    """Precision: the share of predictions of a label that are right.

    Parameters
    ----------
    y_true, y_pred : array of int, shape (n,)
        Label codes ``0..K-1``.
    average : {"binary", "micro", "macro", "weighted"}
        ``binary``: of label 1 (codes must be 0 or 1). ``micro``: pooled over all rows (equal
        to the accuracy). ``macro``: unweighted mean over the labels present in ``y_true`` or
        ``y_pred``. ``weighted``: that mean weighted by each label's count in ``y_true``.
    n_labels : int, optional
        K; only sizes the count arrays. Labels in neither array never enter an average.

    Returns
    -------
    float
        In [0, 1]; a label never predicted has precision 0 (scikit-learn's default
        ``zero_division``, without its warning).

    Examples
    --------
    >>> y_true, y_pred = np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2])
    >>> precision_score(y_true, y_pred, average="macro")
    0.8333333333333334
    >>> precision_score(np.array([0, 1, 1, 0]), np.array([1, 1, 0, 0]))
    0.5
    """
    return _precision_recall_f1(y_true, y_pred, average, n_labels)[0]


def recall_score(y_true, y_pred, *, average: str = "binary", n_labels: int | None = None):
    """Recall: the share of rows of a label that are predicted as that label.

    Parameters as for `precision_score`; a label absent from ``y_true`` has recall 0.

    Examples
    --------
    >>> recall_score(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), average="weighted")
    0.75
    >>> recall_score(np.array([0, 1, 1, 0]), np.array([1, 1, 0, 0]))
    0.5
    """
    return _precision_recall_f1(y_true, y_pred, average, n_labels)[1]


def f1_score(y_true, y_pred, *, average: str = "binary", n_labels: int | None = None):
    """F1, the harmonic mean of precision and recall: 2·TP / (2·TP + FP + FN) per label.

    Parameters as for `precision_score`; averaging is over per-label F1 values (``macro``,
    ``weighted``) or over pooled counts (``micro``).

    Examples
    --------
    >>> f1_score(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), average="macro")
    0.7777777777777777
    >>> f1_score(np.array([0, 1, 1, 0]), np.array([1, 1, 1, 0]))
    0.8
    """
    return _precision_recall_f1(y_true, y_pred, average, n_labels)[2]


def f1_macro_score(y_true: np.ndarray, y_pred: np.ndarray, n_labels: int | None = None) -> float:
    """Unweighted mean of per-label F1 over labels present in the reference or the predictions.

    Labels are integer codes ``0..n_labels-1``. A label with no true and no predicted rows is
    left out, as scikit-learn does.

    >>> f1_macro_score(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    0.7333333333333334
    """
    return f1_score(y_true, y_pred, average="macro", n_labels=n_labels)


def accuracy_score(y_true: np.ndarray, y_pred: np.ndarray, n_labels: int | None = None) -> float:
    """Share of exact matches.

    >>> accuracy_score(np.array([0, 1, 2]), np.array([0, 2, 2]))
    0.6666666666666666
    """
    y_true, y_pred = _label_pair(y_true, y_pred)
    return float(np.count_nonzero(y_true == y_pred) / y_true.size)


def balanced_accuracy_score(y_true, y_pred, n_labels: int | None = None) -> float:
    """Mean recall over the labels present in ``y_true``.

    Predictions of a label absent from ``y_true`` lower the recall of the true labels but add
    no term of their own (scikit-learn warns and drops them the same way).

    Examples
    --------
    >>> balanced_accuracy_score(np.array([0, 0, 0, 1]), np.array([0, 0, 0, 0]))
    0.5
    """
    confusion = _confusion(y_true, y_pred, n_labels)
    true = confusion.sum(axis=1)
    present = true > 0
    return float((np.diagonal(confusion)[present] / true[present]).mean())


def matthews_correlation_score(y_true, y_pred, n_labels: int | None = None) -> float:
    """Matthews correlation coefficient (multiclass: Gorodkin's R_K), in [-1, 1].

    0.0 when every prediction is the same label (scikit-learn's convention for the otherwise
    undefined 0/0). When every row of ``y_true`` has the same label, raises ``ValueError``:
    scikit-learn returns 0.0 then, for every prediction, a perfect one included.

    Examples
    --------
    >>> matthews_correlation_score(np.array([1, 1, 1, 0]), np.array([1, 0, 1, 1]))
    -0.3333333333333333
    """
    confusion = _confusion(y_true, y_pred, n_labels)
    true = confusion.sum(axis=1, dtype=np.float64)
    predicted = confusion.sum(axis=0, dtype=np.float64)
    correct = np.trace(confusion, dtype=np.float64)
    n = predicted.sum()
    cov_true_pred = correct * n - np.dot(true, predicted)
    cov_pred_pred = n * n - np.dot(predicted, predicted)
    cov_true_true = n * n - np.dot(true, true)
    if cov_true_true == 0:
        raise ValueError("MCC is undefined when y_true holds one label only")
    product = cov_pred_pred * cov_true_true
    if product == 0:
        return 0.0
    return float(cov_true_pred / np.sqrt(product))


def _kappa(confusion: np.ndarray, weights: np.ndarray) -> float:
    confusion = confusion.astype(np.float64)
    predicted = confusion.sum(axis=0)
    true = confusion.sum(axis=1)
    expected = np.outer(predicted, true) / predicted.sum()
    chance = (weights * expected).sum()
    if chance == 0:
        raise ValueError("kappa is undefined when one label is all there is in y_true and y_pred")
    return float(1 - (weights * confusion).sum() / chance)


def cohen_kappa_score(y_true, y_pred, n_labels: int | None = None) -> float:
    """Cohen's kappa: agreement beyond chance, (p_o - p_e) / (1 - p_e), in [-1, 1].

    Raises ``ValueError`` when ``y_true`` and ``y_pred`` hold one and the same label only
    (p_e = 1; scikit-learn returns NaN). The kinds require two labels in each split.

    Examples
    --------
    >>> cohen_kappa_score(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    0.5
    """
    confusion = _confusion(y_true, y_pred, n_labels)
    k = confusion.shape[0]
    return _kappa(confusion, 1.0 - np.eye(k))


def quadratic_weighted_kappa_score(y_true, y_pred, n_labels: int | None = None) -> float:
    """Cohen's kappa with disagreements weighted by the squared distance of the label codes.

    For ordinal labels: the task's ``labels`` list their order, and the codes follow it, so
    predicting a neighbouring label costs 1 and a label two steps away costs 4. Equals
    ``sklearn.metrics.cohen_kappa_score(..., labels=range(K), weights="quadratic")``.

    Examples
    --------
    >>> quadratic_weighted_kappa_score(np.array([0, 1, 2, 3]), np.array([0, 2, 3, 3]))
    0.8333333333333334
    """
    confusion = _confusion(y_true, y_pred, n_labels)
    codes = np.arange(confusion.shape[0], dtype=np.float64)
    return _kappa(confusion, (codes[:, None] - codes[None, :]) ** 2)


# --- Registry ------------------------------------------------------------------------------------


def _bound(func, **kwargs):
    """``func`` with keyword arguments fixed, keeping its name and docstring."""
    return functools.update_wrapper(functools.partial(func, **kwargs), func)


PROBABILITY = frozenset({TaskKind.BINARY_PROBABILITY})
PROBABILITY_MATRIX = frozenset({TaskKind.MULTICLASS_PROBABILITY})
BINARY_LABEL = frozenset({TaskKind.BINARY_LABEL})
ANY_LABEL = BINARY_LABEL | {TaskKind.MULTICLASS_LABEL}
SK = "sklearn.metrics."


def _register_all() -> None:
    for name, func, kinds, reference in (
        ("roc_auc", roc_auc_score, PROBABILITY, "roc_auc_score"),
        ("average_precision", average_precision_score, PROBABILITY, "average_precision_score"),
        ("roc_auc_ovr", roc_auc_ovr_score, PROBABILITY_MATRIX, "roc_auc_score"),
    ):
        # Integer counts over one sort of (score, class) keys: the same bits in any row order.
        register(Metric(name, func, True, 0.0, 1.0, kinds, SK + reference, exact_in_any_order=True))
    kinds = PROBABILITY | PROBABILITY_MATRIX
    register(Metric("log_loss", log_loss, False, 0.0, INF, kinds, SK + "log_loss"))

    # (name, function, lower bound, kinds, scikit-learn function); the upper bound is 1.
    labels = [
        ("accuracy", accuracy_score, 0.0, ANY_LABEL, "accuracy_score"),
        ("balanced_accuracy", balanced_accuracy_score, 0.0, ANY_LABEL, "balanced_accuracy_score"),
        ("mcc", matthews_correlation_score, -1.0, ANY_LABEL, "matthews_corrcoef"),
        ("cohen_kappa", cohen_kappa_score, -1.0, ANY_LABEL, "cohen_kappa_score"),
        (
            "quadratic_weighted_kappa",
            quadratic_weighted_kappa_score,
            -1.0,
            frozenset({TaskKind.MULTICLASS_LABEL}),
            "cohen_kappa_score",
        ),
    ]
    for average in AVERAGES:
        kinds = BINARY_LABEL if average == "binary" else ANY_LABEL
        for family in (precision_score, recall_score, f1_score):
            name = f"{family.__name__.removesuffix('_score')}_{average}"
            func = f1_macro_score if name == "f1_macro" else _bound(family, average=average)
            labels.append((name, func, 0.0, kinds, family.__name__))
    facts = frozenset({"n_labels"})  # label metrics size their counts by the task's labels
    for name, func, lower, kinds, reference in labels:
        # Every label metric is a function of the confusion counts: exact in any row order.
        metric = Metric(name, func, True, lower, 1.0, kinds, SK + reference, schema_facts=facts)
        register(dataclasses.replace(metric, exact_in_any_order=True))


_register_all()
