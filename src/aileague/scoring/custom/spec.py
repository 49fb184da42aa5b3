"""The ``custom_metric`` block of a task, and the limits an organiser may set in it."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from aileague.scoring.metrics.base import INF
from aileague.scoring.metrics.base import METRICS as BUILT_IN_METRICS
from aileague.scoring.schema import SchemaError

CUSTOM = "custom"
DEFAULT_TIME_LIMIT_S = 60
MAX_TIME_LIMIT_S = 600
DEFAULT_MEMORY_MB = 1024
MIN_MEMORY_MB = 256  # the interpreter and numpy need about 100 MB of address space
MAX_MEMORY_MB = 16384
MAX_SOURCE_BYTES = 1 << 20
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}")
REQUIRED_KEYS = ("path", "name", "higher_is_better")
OPTIONAL_KEYS = ("bounds", "time_limit_s", "memory_mb")


@dataclass(frozen=True)
class CustomMetricSpec:
    """The ``custom_metric`` block of a task: hashable, so schemas can key caches."""

    path: str  # where the file is in the bundle; the scorer is handed the stored copy
    name: str  # shown on leaderboards and stored with each score
    higher_is_better: bool
    lower_bound: float = -INF
    upper_bound: float = INF
    time_limit_s: float = DEFAULT_TIME_LIMIT_S
    memory_mb: int = DEFAULT_MEMORY_MB

    @classmethod
    def from_dict(cls, data: Any) -> CustomMetricSpec:
        """Check a ``custom_metric`` block; ``SchemaError`` names the key at fault."""
        if not isinstance(data, Mapping):
            raise SchemaError(
                "custom_metric must be a mapping with path, name and higher_is_better"
            )
        unknown = sorted(set(map(str, data)) - {*REQUIRED_KEYS, *OPTIONAL_KEYS})
        if unknown:
            raise SchemaError(
                f"unknown custom_metric keys: {', '.join(unknown)}; expected some of "
                f"{', '.join((*REQUIRED_KEYS, *OPTIONAL_KEYS))}"
            )
        missing = [key for key in REQUIRED_KEYS if key not in data]
        if missing:
            raise SchemaError(f"custom_metric needs {', '.join(missing)}")
        lower, upper = _bounds(data.get("bounds"))
        return cls(
            path=_path(data["path"]),
            name=_name(data["name"]),
            higher_is_better=_boolean(data["higher_is_better"]),
            lower_bound=lower,
            upper_bound=upper,
            time_limit_s=_time_limit(data.get("time_limit_s", DEFAULT_TIME_LIMIT_S)),
            memory_mb=_memory(data.get("memory_mb", DEFAULT_MEMORY_MB)),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (infinite bounds are written as null), and ``from_dict`` reads it back."""
        data: dict[str, Any] = {
            "path": self.path,
            "name": self.name,
            "higher_is_better": self.higher_is_better,
        }
        if math.isfinite(self.lower_bound) or math.isfinite(self.upper_bound):
            data["bounds"] = [_plain(self.lower_bound), _plain(self.upper_bound)]
        data["time_limit_s"] = _plain(self.time_limit_s)
        data["memory_mb"] = self.memory_mb
        return data


def _plain(value: float) -> float | int | None:
    if not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else value


def _path(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SchemaError("custom_metric.path must be the path of a .py file in the bundle")
    relative = PurePosixPath(value)
    if "\\" in value or relative.is_absolute() or ".." in relative.parts:
        raise SchemaError(
            f"custom_metric.path {value!r} must be relative to the bundle, use '/' and not '..'"
        )
    if relative.suffix != ".py" or relative.name == ".py":
        raise SchemaError(f"custom_metric.path {value!r} must name a .py file")
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str) or not NAME.fullmatch(value):
        raise SchemaError(
            f"custom_metric.name {value!r} must start with a letter and hold at most 40 "
            "letters, digits, '_', '.' or '-'"
        )
    if value.partition("@")[0] in BUILT_IN_METRICS or value == CUSTOM:
        raise SchemaError(
            f"custom_metric.name {value!r} is the name of a built-in metric; choose another"
        )
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise SchemaError(f"custom_metric.higher_is_better must be true or false, got {value!r}")
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


def _bounds(value: Any) -> tuple[float, float]:
    """``[lower, upper]``; null or an infinity leaves that side open."""
    if value is None:
        return -INF, INF
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise SchemaError("custom_metric.bounds must be a list [lower, upper]")
    lower = -INF if value[0] is None else _number(value[0])
    upper = INF if value[1] is None else _number(value[1])
    if lower is None or upper is None:
        raise SchemaError(
            f"custom_metric.bounds {list(value)!r} must hold two numbers (.inf or null for none)"
        )
    if not lower < upper:
        raise SchemaError(f"custom_metric.bounds: lower {lower} must be below upper {upper}")
    return lower, upper


def _time_limit(value: Any) -> float:
    seconds = _number(value)
    if seconds is None or not 0 < seconds <= MAX_TIME_LIMIT_S:
        raise SchemaError(
            f"custom_metric.time_limit_s must be a number of seconds above 0 and at most "
            f"{MAX_TIME_LIMIT_S}, got {value!r}"
        )
    return seconds


def _memory(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not MIN_MEMORY_MB <= value <= MAX_MEMORY_MB
    ):
        raise SchemaError(
            f"custom_metric.memory_mb must be a whole number from {MIN_MEMORY_MB} to "
            f"{MAX_MEMORY_MB}, got {value!r}"
        )
    return value
