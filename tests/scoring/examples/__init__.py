"""Inputs for the registry-wide metric laws, one module per task kind.

Each module ``tests/scoring/examples/<kind>.py`` (named by the ``TaskKind`` value) defines:

- ``cases(metric)``: a hypothesis strategy of argument tuples for ``metric(*args)``;
- ``perfect(args)``: the same arguments with the prediction replaced by the truth;
- ``rows(args)``: how many rows the arguments hold;
- ``reorder(args, order)``: the same rows in the order ``order`` (a permutation of rows).

``tests/scoring/test_metrics.py`` runs the laws (row order, optimum, bounds) over every
registered metric through these.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from aileague.scoring.metrics.base import Metric


def examples_for(metric: Metric) -> ModuleType:
    kind = sorted(metric.kinds)[0]
    return importlib.import_module(f"tests.scoring.examples.{kind.value}")
