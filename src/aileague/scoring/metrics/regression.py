"""Regression metrics over aligned float arrays."""

from __future__ import annotations

import numpy as np

from aileague.scoring.metrics.base import INF, Metric, register
from aileague.scoring.schema import TaskKind


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


REGRESSION = frozenset({TaskKind.REGRESSION})

register(
    Metric(
        "rmse",
        root_mean_squared_error,
        False,
        0.0,
        INF,
        REGRESSION,
        "sklearn.metrics.root_mean_squared_error",
    )
)
register(
    Metric(
        "mse", mean_squared_error, False, 0.0, INF, REGRESSION, "sklearn.metrics.mean_squared_error"
    )
)
register(
    Metric(
        "mae",
        mean_absolute_error,
        False,
        0.0,
        INF,
        REGRESSION,
        "sklearn.metrics.mean_absolute_error",
    )
)
