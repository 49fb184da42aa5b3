"""Metrics: pure functions over aligned arrays, registered with their direction and bounds.

Naming follows scikit-learn: ``*_score`` is higher-is-better, ``*_error`` / ``*_loss`` is
lower-is-better. Each function is tested for parity with its reference library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from aileague.scoring.schema import TaskKind


@dataclass(frozen=True)
class Metric:
    name: str
    func: Callable[..., float]
    higher_is_better: bool
    lower_bound: float
    upper_bound: float
    kinds: frozenset[TaskKind]
    reference: str  # the library this metric is tested against

    def __call__(self, y_true, y_pred, **kwargs) -> float:
        return float(self.func(y_true, y_pred, **kwargs))

    @property
    def optimum(self) -> float:
        return self.upper_bound if self.higher_is_better else self.lower_bound


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


def mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean of the squared differences.

    >>> mean_squared_error(np.array([1.0, 2.0]), np.array([2.0, 2.0]))
    0.5
    """
    diff = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.mean(diff * diff))


def root_mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Square root of the mean squared error, in the target's unit.

    >>> root_mean_squared_error(np.array([0.0, 0.0]), np.array([3.0, 4.0]))
    3.5355339059327378
    """
    return float(np.sqrt(mean_squared_error(y_true, y_pred)))


def mean_absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean of the absolute differences.

    >>> mean_absolute_error(np.array([1.0, 2.0]), np.array([2.0, 4.0]))
    1.5
    """
    diff = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.mean(np.abs(diff)))


def chrf_score(references: Sequence[str], hypotheses: Sequence[str], word_order: int = 0) -> float:
    """Corpus chrF (character n-gram F-score, β=2) on a 0-100 scale, computed by sacrebleu.

    chrF needs no word segmentation, so it is meaningful for Thai, Lao, Khmer, Burmese and
    Chinese, which have no spaces between words. ``word_order=2`` gives chrF++.

    >>> round(chrf_score(["你好世界"], ["你好世界"]), 6)
    100.0
    """
    from sacrebleu.metrics import CHRF

    metric = CHRF(word_order=word_order)
    return float(metric.corpus_score(list(hypotheses), [list(references)]).score)


def chrf_signature(word_order: int = 0) -> str:
    from sacrebleu.metrics import CHRF

    metric = CHRF(word_order=word_order)
    # sacrebleu learns the number of references while scoring; ours is always one, and without
    # it get_signature() raises.
    metric.num_refs = 1
    return str(metric.get_signature())


_BINARY = frozenset({TaskKind.BINARY_PROBABILITY})
_LABEL = frozenset({TaskKind.MULTICLASS_LABEL})
_REGRESSION = frozenset({TaskKind.REGRESSION})
_TEXT = frozenset({TaskKind.TEXT})
_INF = float("inf")

METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in [
        Metric("roc_auc", roc_auc_score, True, 0.0, 1.0, _BINARY, "sklearn.metrics.roc_auc_score"),
        Metric("log_loss", log_loss, False, 0.0, _INF, _BINARY, "sklearn.metrics.log_loss"),
        Metric(
            "accuracy", accuracy_score, True, 0.0, 1.0, _LABEL, "sklearn.metrics.accuracy_score"
        ),
        Metric("f1_macro", f1_macro_score, True, 0.0, 1.0, _LABEL, "sklearn.metrics.f1_score"),
        Metric(
            "rmse",
            root_mean_squared_error,
            False,
            0.0,
            _INF,
            _REGRESSION,
            "sklearn.metrics.root_mean_squared_error",
        ),
        Metric(
            "mse",
            mean_squared_error,
            False,
            0.0,
            _INF,
            _REGRESSION,
            "sklearn.metrics.mean_squared_error",
        ),
        Metric(
            "mae",
            mean_absolute_error,
            False,
            0.0,
            _INF,
            _REGRESSION,
            "sklearn.metrics.mean_absolute_error",
        ),
        Metric("chrf", chrf_score, True, 0.0, 100.0, _TEXT, "sacrebleu.metrics.CHRF"),
    ]
}


def get_metric(name: str) -> Metric:
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; known: {', '.join(sorted(METRICS))}") from None
