"""Metrics: pure functions registered with their direction, bounds and task kinds.

Importing this package registers every family; ``METRICS`` is the registry.
"""

from aileague.scoring.metrics import classification, detection, regression, retrieval, text
from aileague.scoring.metrics.base import METRICS, Metric, get_metric, known_metric_names, register
from aileague.scoring.metrics.classification import (
    accuracy_score,
    f1_macro_score,
    log_loss,
    roc_auc_score,
)
from aileague.scoring.metrics.regression import (
    mean_absolute_error,
    mean_squared_error,
    root_mean_squared_error,
)
from aileague.scoring.metrics.text import chrf_score, chrf_signature

__all__ = [
    "METRICS",
    "Metric",
    "accuracy_score",
    "chrf_score",
    "chrf_signature",
    "classification",
    "detection",
    "f1_macro_score",
    "get_metric",
    "known_metric_names",
    "log_loss",
    "mean_absolute_error",
    "mean_squared_error",
    "regression",
    "retrieval",
    "register",
    "roc_auc_score",
    "root_mean_squared_error",
    "text",
]
