"""Regression metrics over aligned float arrays."""

from __future__ import annotations

import numpy as np

from aileague.scoring.metrics.base import INF, Metric, register
from aileague.scoring.schema import TaskKind

# Rows per block: a block's temporaries (64K doubles, 512 KiB) stay in the CPU cache, so a
# metric streams through memory once instead of writing and rereading each full-size temporary.
BLOCK = 1 << 16


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and y_pred differ in shape: {y_true.shape} vs {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("no rows to score")
    return y_true, y_pred


def _sum(term, *arrays: np.ndarray) -> float:
    """Sum over rows of the elementwise ``term(*arrays)``, computed a block at a time."""
    total = 0.0
    for start in range(0, arrays[0].size, BLOCK):
        total += float(np.sum(term(*(array[start : start + BLOCK] for array in arrays))))
    return total


def _mean(term, y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return _sum(term, y_true, y_pred) / y_true.size


def _squared_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    diff = a - b
    return np.square(diff, out=diff)


def _absolute_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    diff = a - b
    return np.abs(diff, out=diff)


def mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean of the squared differences.

    >>> mean_squared_error(np.array([1.0, 2.0]), np.array([2.0, 2.0]))
    0.5
    """
    return _mean(_squared_difference, *_pair(y_true, y_pred))


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
    return _mean(_absolute_difference, *_pair(y_true, y_pred))


def _squared_log_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    diff = np.log1p(a)
    diff -= np.log1p(b)
    return np.square(diff, out=diff)


def root_mean_squared_log_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """RMSE between log(1 + y_true) and log(1 + y_pred): relative errors, for skewed targets.

    Parameters
    ----------
    y_true, y_pred : array of float, shape (n,)
        Values greater than -1 (``ValueError`` otherwise, as scikit-learn); the regression kind
        refuses a file or reference that has others.

    Examples
    --------
    >>> root_mean_squared_log_error(np.array([0.0, 3.0]), np.array([0.0, 7.0]))
    0.4901290717342735
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if not (y_true.min() > -1 and y_pred.min() > -1):
        raise ValueError("RMSLE needs values greater than -1")
    return float(np.sqrt(_mean(_squared_log_difference, y_true, y_pred)))


def r2_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Coefficient of determination: 1 − Σ(y − ŷ)² / Σ(y − ȳ)², at most 1, unbounded below.

    As scikit-learn (``force_finite=True``): 1.0 for a perfect prediction even of a constant
    target, and 0.0 for an imperfect prediction of a constant target. With fewer than two rows
    it raises ``ValueError`` (scikit-learn warns and returns NaN).

    Examples
    --------
    >>> r2_score(np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0]))
    -3.0
    >>> r2_score(np.array([5.0, 5.0]), np.array([5.0, 6.0]))
    0.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if y_true.size < 2:
        raise ValueError("R² needs at least two rows")
    residual = _sum(_squared_difference, y_true, y_pred)
    mean = np.mean(y_true)
    total = _sum(lambda block: _squared_difference(block, mean), y_true)
    if residual == 0:
        return 1.0
    if total == 0:
        return 0.0
    with np.errstate(over="ignore"):  # a tiny spread of targets: −inf, as scikit-learn gives
        return float(1 - residual / total)


def _relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    error = np.abs(b - a)
    error /= np.maximum(np.abs(a), np.finfo(np.float64).eps)
    return error


def mean_absolute_percentage_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean of |y − ŷ| / max(|y|, ε) with ε the float64 epsilon: a fraction, not a percentage.

    As scikit-learn: a target of 0 divides by ε (2.2e-16), so any error on it dominates the
    mean; prefer SMAPE or MAE when targets can be 0.

    Examples
    --------
    >>> mean_absolute_percentage_error(np.array([100.0, 40.0]), np.array([110.0, 30.0]))
    0.175
    """
    return _mean(_relative_error, *_pair(y_true, y_pred))


def _symmetric_relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    scale = np.abs(a)
    scale += np.abs(b)
    error = np.abs(b - a)
    error *= 2.0
    return np.divide(error, scale, out=error, where=scale != 0)  # scale 0: error 0 too


def symmetric_mean_absolute_percentage_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Symmetric MAPE: the mean over rows of 2·|ŷ − y| / (|y| + |ŷ|), in [0, 2].

    A row where both y and ŷ are 0 counts 0 (a perfect prediction). The value is a fraction
    (multiply by 100 for the percentage some competitions report), and reaches 2 when the
    prediction and the target have opposite signs or exactly one of them is 0. This is the
    definition of Makridakis (1993) and Kaggle's "SMAPE" without the factor 100; scikit-learn
    has no SMAPE.

    Examples
    --------
    >>> symmetric_mean_absolute_percentage_error(np.array([100.0, 0.0]), np.array([50.0, 0.0]))
    0.3333333333333333
    >>> symmetric_mean_absolute_percentage_error(np.array([1.0, -2.0]), np.array([-1.0, 0.0]))
    2.0
    """
    return _mean(_symmetric_relative_error, *_pair(y_true, y_pred))


REGRESSION = frozenset({TaskKind.REGRESSION})


def _register_all() -> None:
    sk = "sklearn.metrics."
    for name, func, higher_is_better, lower, upper, reference in (
        ("rmse", root_mean_squared_error, False, 0.0, INF, sk + "root_mean_squared_error"),
        ("mse", mean_squared_error, False, 0.0, INF, sk + "mean_squared_error"),
        ("mae", mean_absolute_error, False, 0.0, INF, sk + "mean_absolute_error"),
        ("r2", r2_score, True, -INF, 1.0, sk + "r2_score"),
        (
            "mape",
            mean_absolute_percentage_error,
            False,
            0.0,
            INF,
            sk + "mean_absolute_percentage_error",
        ),
        (  # scikit-learn has no SMAPE: it is tested against the definition, row by row
            "smape",
            symmetric_mean_absolute_percentage_error,
            False,
            0.0,
            2.0,
            "tests.scoring.test_metrics_regression.smape_by_definition",
        ),
    ):
        register(Metric(name, func, higher_is_better, lower, upper, REGRESSION, reference))
    register(
        Metric(
            "rmsle",
            root_mean_squared_log_error,
            False,
            0.0,
            INF,
            REGRESSION,
            sk + "root_mean_squared_log_error",
            values_above=-1.0,
        )
    )


_register_all()
