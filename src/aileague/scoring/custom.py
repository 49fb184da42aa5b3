"""Custom metrics: an organiser's ``score(y_true, y_pred)``, run in a separate, limited process.

A task says ``metric: custom`` and describes the metric in a ``custom_metric`` block (see
docs/scoring.md). Each call of a ``CustomMetric`` — one per split — starts a fresh interpreter
(``custom_runner.py``) in an empty temporary directory, with a minimal environment (no database
URL, no secrets), a wall-clock limit enforced here by killing its process group, and CPU, memory
and file-size limits it sets on itself before loading anything. The split's arrays go through
``.npy`` files (JSON for lists of text); the result comes back as JSON.

Any failure — an exception, a timeout, running out of memory, a crash, a result that is not a
finite number inside the declared bounds — raises ``CustomMetricError`` with the process's output
as its log. It is a ``ReferenceError``: the organiser's problem, never the team's.

This protects the scorer from an organiser's mistakes, not from malice: the metric runs as the
worker's user and can read what that user can read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from aileague.scoring.kinds.base import ReferenceError
from aileague.scoring.metrics.base import INF, Metric, get_metric
from aileague.scoring.metrics.base import METRICS as BUILT_IN_METRICS
from aileague.scoring.schema import SchemaError, TaskKind, TaskSchema

CUSTOM = "custom"
DEFAULT_TIME_LIMIT_S = 60
MAX_TIME_LIMIT_S = 600
DEFAULT_MEMORY_MB = 1024
MIN_MEMORY_MB = 256  # the interpreter and numpy need about 100 MB of address space
MAX_MEMORY_MB = 16384
MAX_SOURCE_BYTES = 1 << 20
MAX_OUTPUT_BYTES = 64 << 20  # any one file the process writes, its log included
LOG_TAIL_BYTES = 20_000
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}")
REQUIRED_KEYS = ("path", "name", "higher_is_better")
OPTIONAL_KEYS = ("bounds", "time_limit_s", "memory_mb")
RUNNER = Path(__file__).with_name("custom_runner.py")
LOG = "output.log"
RESULT = "result.json"


class CustomMetricError(ReferenceError):
    """An organiser's metric failed; ``log`` is the end of what its process wrote.

    ``reason`` is the message without the metric's name; ``line`` is the line of the metric's
    file where an exception was raised, when known.
    """

    code = "custom_metric_error"

    def __init__(
        self, message: str, *, log: str = "", line: int | None = None, reason: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.log = log
        self.line = line
        self.reason = reason or message

    @property
    def report(self) -> str:
        """What organisers read: the message, then the process's output."""
        return f"{self.message}\n\n{self.log}" if self.log.strip() else self.message


# --- The task's custom_metric block -----------------------------------------------------------


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


# --- The metric --------------------------------------------------------------------------------


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


# --- Running it --------------------------------------------------------------------------------


def run_custom_metric(
    spec: CustomMetricSpec, source: bytes | None, /, *args: Any, **kwargs: Any
) -> float:
    """Call the organiser's ``score(*args, **kwargs)`` in a fresh, limited process."""
    where = f"custom metric '{spec.name}' ({spec.path})"
    if source is None:
        raise CustomMetricError(f"{where}: its file was not given, so it cannot run here")
    with tempfile.TemporaryDirectory(prefix="aileague-metric-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        _write_job(work, spec, source, args, kwargs)
        returncode, timed_out = _run(work, spec)
        log = _tail(work / LOG)
        return _outcome(work, spec, where, returncode, timed_out, log)


def _write_job(
    work: Path, spec: CustomMetricSpec, source: bytes, args: tuple, kwargs: dict[str, Any]
) -> None:
    metric_file = PurePosixPath(spec.path).name
    (work / metric_file).write_bytes(source)
    job = {
        "limits": {
            # The wall clock (enforced here) usually stops a busy metric first; the CPU limit
            # catches threads burning several cores at once.
            "cpu_s": math.ceil(spec.time_limit_s) + 1,
            "memory_bytes": spec.memory_mb << 20,
            "file_bytes": MAX_OUTPUT_BYTES,
        },
        # -I leaves PYTHONPATH out, so say where numpy lives (the same one as ours).
        "paths": [str(Path(np.__file__).resolve().parent.parent)],
        "metric": metric_file,
        "args": [_encode(work, f"arg{index}", value) for index, value in enumerate(args)],
        "kwargs": {name: _encode(work, f"kwarg_{name}", value) for name, value in kwargs.items()},
    }
    (work / "job.json").write_text(json.dumps(job), encoding="utf-8")


def _encode(work: Path, stem: str, value: Any) -> dict[str, Any]:
    """Arrays as .npy (never pickled); text lists and plain values as JSON."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        name = f"{stem}.npy"
        np.save(work / name, value, allow_pickle=False)
        return {"npy": name}
    if isinstance(value, np.ndarray):
        value = value.tolist()
    return {"json": list(value) if isinstance(value, tuple) else value}


def _child_environment(work: Path) -> dict[str, str]:
    """Only what an interpreter needs: nothing of ours (no DATABASE_URL, no keys) leaks in."""
    return {
        "PATH": os.defpath,
        "HOME": str(work),
        "TMPDIR": str(work),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        # One thread each: a BLAS pool per core would eat the address-space limit.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def _run(work: Path, spec: CustomMetricSpec) -> tuple[int, bool]:
    """Run the child to its end or to the time limit; returns (return code, timed out)."""
    command = [sys.executable, "-I", "-u", "-X", "utf8", str(RUNNER), str(work)]
    with open(work / LOG, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=work,
            env=_child_environment(work),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that we can kill all of it
            close_fds=True,
        )
    timed_out = False
    try:
        process.wait(timeout=spec.time_limit_s)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        # Also on our own interruption (a Celery time limit), and for anything it started.
        _kill_group(process.pid)
        process.wait()
    return process.returncode, timed_out


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone
        os.killpg(pgid, signal.SIGKILL)


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - LOG_TAIL_BYTES))
            data = handle.read()
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    return f"[... earlier output cut ...]\n{text}" if size > LOG_TAIL_BYTES else text


def _read_result(work: Path) -> dict[str, Any] | None:
    try:
        result = json.loads((work / RESULT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return result if isinstance(result, dict) else None


def _failure_line(log: str, spec: CustomMetricSpec) -> int | None:
    """The last line of the metric's file named in a traceback in ``log``."""
    name = re.escape(PurePosixPath(spec.path).name)
    lines = re.findall(rf'File "(?:[^"]*[/\\])?{name}", line (\d+)', log)
    return int(lines[-1]) if lines else None


def _outcome(
    work: Path, spec: CustomMetricSpec, where: str, returncode: int, timed_out: bool, log: str
) -> float:
    def fail(message: str) -> CustomMetricError:
        line = _failure_line(log, spec)
        return CustomMetricError(f"{where} {message}", log=log, line=line, reason=message)

    if timed_out:
        raise fail(f"did not finish within its time limit of {spec.time_limit_s:g} s")
    if returncode < 0:
        raise fail(_signal_message(-returncode, spec))
    result = _read_result(work)
    if result is None:
        raise fail(f"exited with status {returncode} without returning a score")
    error = result.get("error")
    if error == "memory":
        raise fail(f"ran out of memory (its limit is {spec.memory_mb} MB)")
    if error == "exception":
        raise fail(f"raised {result.get('type')}: {result.get('message')}")
    if error == "not_a_number":
        raise fail(f"returned {result.get('type')} {result.get('repr')}; expected a number")
    value = result.get("value")
    if not isinstance(value, float) or not math.isfinite(value):
        raise fail(f"returned {value!r}; expected a finite number")
    if not spec.lower_bound <= value <= spec.upper_bound:
        raise fail(
            f"returned {value!r}, outside its declared bounds "
            f"[{spec.lower_bound:g}, {spec.upper_bound:g}]"
        )
    return value


def _signal_message(number: int, spec: CustomMetricSpec) -> str:
    if number == signal.SIGXCPU:
        return f"used more than {math.ceil(spec.time_limit_s) + 1} s of CPU time and was stopped"
    if number == signal.SIGXFSZ:
        return f"wrote a file or output past {MAX_OUTPUT_BYTES >> 20} MB and was stopped"
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    if number == signal.SIGKILL:
        return f"was killed ({name}), often because the machine ran out of memory"
    return f"crashed ({name})"
