"""Classification metrics over aligned arrays (labels as integer codes, or probabilities)."""

from __future__ import annotations

import numpy as np

from aileague.scoring.metrics.base import Metric, register
from aileague.scoring.schema import TaskKind


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their mean rank (as scipy.stats.rankdata 'average')."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    boundaries = np.flatnonzero(np.diff(sorted_values)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [values.size]))
    mean_rank = (starts + ends + 1) / 2.0
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def roc_auc_score(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Area under the ROC curve for a binary target.

    Computed as the Mann-Whitney U statistic, ties counted as one half.

    >>> roc_auc_score(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    y_true = np.asarray(y_true).astype(bool)
    positives = int(y_true.sum())
    negatives = y_true.size - positives
    if positives == 0 or negatives == 0:
        raise ValueError("ROC AUC needs both classes in the reference")
    ranks = _average_ranks(np.asarray(y_score, dtype=np.float64))
    u = ranks[y_true].sum() - positives * (positives + 1) / 2.0
    return float(u / (positives * negatives))


def log_loss(y_true: np.ndarray, y_prob: np.ndarray, eps: float | None = None) -> float:
    """Binary cross-entropy in nats; probabilities are clipped to the float64 epsilon.

    >>> round(log_loss(np.array([0, 1]), np.array([0.2, 0.7])), 6)
    0.289909
    """
    y_true = np.asarray(y_true).astype(bool)
    eps = np.finfo(np.float64).eps if eps is None else eps
    p = np.clip(np.asarray(y_prob, dtype=np.float64), eps, 1 - eps)
    return float(-np.mean(np.where(y_true, np.log(p), np.log1p(-p))))


def accuracy_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of exact matches.

    >>> accuracy_score(np.array([0, 1, 2]), np.array([0, 2, 2]))
    0.6666666666666666
    """
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def f1_macro_score(y_true: np.ndarray, y_pred: np.ndarray, n_labels: int | None = None) -> float:
    """Unweighted mean of per-label F1 over labels present in the reference or the predictions.

    Labels are integer codes ``0..n_labels-1``. A label with no true and no predicted rows is
    left out, as scikit-learn does.

    >>> f1_macro_score(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    0.7333333333333334
    """
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    n = (
        int(max(y_true.max(initial=-1), y_pred.max(initial=-1)) + 1)
        if n_labels is None
        else n_labels
    )
    true_count = np.bincount(y_true, minlength=n)
    pred_count = np.bincount(y_pred, minlength=n)
    hits = np.bincount(y_true[y_true == y_pred], minlength=n)
    present = (true_count + pred_count) > 0
    denominator = true_count + pred_count
    f1 = np.divide(2.0 * hits, denominator, out=np.zeros(n), where=denominator > 0)
    return float(f1[present].mean())


BINARY = frozenset({TaskKind.BINARY_PROBABILITY})
LABEL = frozenset({TaskKind.MULTICLASS_LABEL})

register(Metric("roc_auc", roc_auc_score, True, 0.0, 1.0, BINARY, "sklearn.metrics.roc_auc_score"))
register(Metric("log_loss", log_loss, False, 0.0, float("inf"), BINARY, "sklearn.metrics.log_loss"))
register(
    Metric("accuracy", accuracy_score, True, 0.0, 1.0, LABEL, "sklearn.metrics.accuracy_score")
)
register(Metric("f1_macro", f1_macro_score, True, 0.0, 1.0, LABEL, "sklearn.metrics.f1_score"))
