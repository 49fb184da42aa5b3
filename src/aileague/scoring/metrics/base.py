"""The metric registry: every metric with its direction, bounds, task kinds and reference.

Naming follows scikit-learn: ``*_score`` is higher-is-better, ``*_error`` / ``*_loss`` is
lower-is-better. Metrics with a cut-off are registered once (``ndcg``) and asked for with it
(``ndcg@10``); a metric whose cut-off is optional (``mrr``) is asked for with or without it.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass

from aileague.scoring.schema import TaskKind

INF = float("inf")


@dataclass(frozen=True)
class Metric:
    name: str
    func: Callable[..., float]
    higher_is_better: bool
    lower_bound: float
    upper_bound: float
    kinds: frozenset[TaskKind]
    reference: str  # the library this metric is tested against
    #: Name of a required cut-off parameter (``k`` for ``ndcg@k``), or None.
    cutoff: str | None = None
    #: The cut-off may be left out (``mrr`` and ``mrr@10``); without it the metric has no limit.
    cutoff_optional: bool = False
    #: Returns the score's signature (tokenizer, versions); default: name and scorer version.
    signature: Callable[..., str] | None = None
    #: Facts of the task schema that the kind passes as keyword arguments (``n_labels``).
    schema_facts: frozenset[str] = frozenset()
    #: Target and predicted values must be greater than this (RMSLE: -1), or None for any.
    values_above: float | None = None
    #: The value depends only on the (target, prediction) pairs, not on their order, to the
    #: last bit (counts, or sums taken in a sorted order): a shuffled file is then scored in
    #: its own order, without first putting its predictions in the reference's (tested).
    exact_in_any_order: bool = False

    def __call__(self, *args, **kwargs) -> float:
        return float(self.func(*args, **kwargs))

    @property
    def optimum(self) -> float:
        return self.upper_bound if self.higher_is_better else self.lower_bound


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.name in METRICS:
        raise ValueError(f"metric {metric.name!r} is registered twice")
    METRICS[metric.name] = metric
    return metric


def known_metric_names() -> list[str]:
    """Every name a task may ask for: ``roc_auc``, ``ndcg@k``, and ``mrr`` with ``mrr@k``."""
    names = []
    for m in METRICS.values():
        if not m.cutoff or m.cutoff_optional:
            names.append(m.name)
        if m.cutoff:
            names.append(f"{m.name}@{m.cutoff}")
    return sorted(names)


def get_metric(name: str) -> Metric:
    """The metric called ``name``; ``base@k`` binds a cut-off (``ndcg@10``).

    Refused: an unknown name, a cut-off given to a metric without one, and a required cut-off
    left out. A metric with an optional cut-off asked for without it comes back unchanged.
    """
    base, at, raw_cutoff = name.partition("@")
    metric = METRICS.get(base)
    given = bool(at)
    if (
        metric is None
        or (given and not metric.cutoff)
        or (not given and metric.cutoff and not metric.cutoff_optional)
    ):
        raise KeyError(f"unknown metric {name!r}; known: {', '.join(known_metric_names())}")
    if not given:
        return metric
    if not (raw_cutoff.isascii() and raw_cutoff.isdigit()) or int(raw_cutoff) < 1:
        raise KeyError(f"metric {name!r}: the cut-off after '@' must be a whole number ≥ 1")
    bound = functools.partial(metric.func, **{metric.cutoff: int(raw_cutoff)})
    return dataclasses.replace(metric, name=name, func=bound)
