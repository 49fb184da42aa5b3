"""aileague.scoring: read, validate and score prediction files, and rank results.

A pure Python library: it imports no Django, so it can be tested, benchmarked and reused (for
example by a participant checking a file offline) on its own.
"""

from aileague.scoring.evaluate import Evaluation, evaluate_file
from aileague.scoring.metrics import METRICS, Metric, get_metric
from aileague.scoring.ranking import RankedRow, rank_rows
from aileague.scoring.schema import SchemaError, TaskKind, TaskSchema
from aileague.scoring.validation import InvalidSubmission, Problem

__all__ = [
    "METRICS",
    "Evaluation",
    "InvalidSubmission",
    "Metric",
    "Problem",
    "RankedRow",
    "SchemaError",
    "TaskKind",
    "TaskSchema",
    "evaluate_file",
    "get_metric",
    "rank_rows",
]
