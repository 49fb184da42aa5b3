"""A custom metric as a ``Metric``, and the metric that scores a task, custom or built-in."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from aileague.scoring.custom.errors import CustomMetricError
from aileague.scoring.custom.process import run_custom_metric
from aileague.scoring.custom.spec import CUSTOM, MAX_SOURCE_BYTES, CustomMetricSpec
from aileague.scoring.metrics.base import Metric, get_metric
from aileague.scoring.schema import TaskKind, TaskSchema


@dataclass(frozen=True)
class CustomMetric(Metric):
    """A ``Metric`` whose function is an organiser's file, run in its own process per call.

    Built without ``source`` (``metric_for_task``) it has its name, direction and bounds, for
    leaderboards, but calling it raises ``CustomMetricError``: nothing runs without the file.
    """

    spec: CustomMetricSpec | None = None
    source: bytes | None = field(default=None, repr=False)
    sha256: str = ""

    @classmethod
    def from_spec(cls, spec: CustomMetricSpec, source: bytes | None = None) -> CustomMetric:
        digest = hashlib.sha256(source).hexdigest() if source is not None else ""
        return cls(
            name=spec.name,
            func=partial(run_custom_metric, spec, source),
            higher_is_better=spec.higher_is_better,
            lower_bound=spec.lower_bound,
            upper_bound=spec.upper_bound,
            kinds=frozenset(TaskKind),
            reference=f"{CUSTOM}:{spec.path}",
            signature=partial(_signature, spec.name, digest),
            spec=spec,
            source=source,
            sha256=digest,
        )


def _signature(name: str, digest: str, **_: Any) -> str:
    return f"{CUSTOM}:{name}|sha256:{digest[:12]}"


def load_custom_metric(spec: Mapping[str, Any] | CustomMetricSpec, path: Path) -> CustomMetric:
    """The metric a ``custom_metric`` block describes, with its file read from ``path``.

    Raises ``SchemaError`` for a bad block and ``CustomMetricError`` for an unreadable file.
    """
    if not isinstance(spec, CustomMetricSpec):
        spec = CustomMetricSpec.from_dict(spec)
    try:
        source = Path(path).read_bytes()
    except OSError as exc:
        raise CustomMetricError(
            f"custom metric '{spec.name}': cannot read its file {Path(path).name}: "
            f"{exc.strerror or exc}"
        ) from None
    if len(source) > MAX_SOURCE_BYTES:
        raise CustomMetricError(
            f"custom metric '{spec.name}': its file has {len(source)} bytes; the limit is "
            f"{MAX_SOURCE_BYTES}"
        )
    return CustomMetric.from_spec(spec, source)


def metric_for_schema(schema: TaskSchema, custom_metric_path: Path | None = None) -> Metric:
    """The metric that scores ``schema``'s task: built-in, or custom read from its file.

    A custom metric without ``custom_metric_path`` cannot run (calling it raises
    ``CustomMetricError``); the web process validates files this way, never running an
    organiser's code.
    """
    if schema.custom_metric is None:
        return get_metric(schema.metric)
    if custom_metric_path is None:
        return CustomMetric.from_spec(schema.custom_metric)
    return load_custom_metric(schema.custom_metric, custom_metric_path)


def metric_for_task(task: Mapping[str, Any]) -> Metric:
    """Name, direction and bounds of a stored task's metric, custom or not; nothing runs.

    Raises ``KeyError`` for an unknown metric and ``SchemaError`` for a bad custom block.
    """
    if task.get("metric") == CUSTOM:
        return CustomMetric.from_spec(CustomMetricSpec.from_dict(task.get("custom_metric")))
    return get_metric(str(task.get("metric", "")))
