"""Custom metrics: an organiser's ``score(y_true, y_pred)``, run in a separate, limited process.

A task says ``metric: custom`` and describes the metric in a ``custom_metric`` block (see
docs/scoring.md). Each call of a ``CustomMetric`` — one per split — starts a fresh interpreter
(``child.py``) in an empty temporary directory, with a minimal environment (no database
URL, no secrets), a wall-clock limit enforced here by killing its process group, and CPU, memory
and file-size limits it sets on itself before loading anything. The split's arrays go through
``.npy`` files (JSON for lists of text); the result comes back as JSON.

Any failure — an exception, a timeout, running out of memory, a crash, a result that is not a
finite number inside the declared bounds — raises ``CustomMetricError`` with the process's output
as its log. It is a ``ReferenceError``: the organiser's problem, never the team's.

This protects the scorer from an organiser's mistakes, not from malice: the metric runs as the
worker's user and can read what that user can read.

Modules: ``spec`` (the task's ``custom_metric`` block and its limits), ``metric`` (the ``Metric``
it becomes, and ``metric_for_schema``), ``process`` (running it) and ``child`` (the script the
child process runs), ``errors`` (``CustomMetricError``).
"""

from aileague.scoring.custom.errors import CustomMetricError
from aileague.scoring.custom.metric import (
    CustomMetric,
    load_custom_metric,
    metric_for_schema,
    metric_for_task,
)
from aileague.scoring.custom.process import run_custom_metric
from aileague.scoring.custom.spec import (
    CUSTOM,
    DEFAULT_MEMORY_MB,
    DEFAULT_TIME_LIMIT_S,
    MAX_MEMORY_MB,
    MAX_SOURCE_BYTES,
    MAX_TIME_LIMIT_S,
    MIN_MEMORY_MB,
    NAME,
    OPTIONAL_KEYS,
    REQUIRED_KEYS,
    CustomMetricSpec,
)

__all__ = [
    "CUSTOM",
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIME_LIMIT_S",
    "MAX_MEMORY_MB",
    "MAX_SOURCE_BYTES",
    "MAX_TIME_LIMIT_S",
    "MIN_MEMORY_MB",
    "NAME",
    "OPTIONAL_KEYS",
    "REQUIRED_KEYS",
    "CustomMetric",
    "CustomMetricError",
    "CustomMetricSpec",
    "load_custom_metric",
    "metric_for_schema",
    "metric_for_task",
    "run_custom_metric",
]
