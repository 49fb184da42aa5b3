"""The child side of a custom metric: limit this process, load the inputs, call ``score``.

Started by ``aileague.scoring.custom.process`` as ``python -I -u -X utf8 child.py WORKDIR`` in a
fresh interpreter whose working directory is WORKDIR. It imports nothing from aileague, so the
organiser's code never shares an interpreter (or a settings module) with the scorer, and the
memory limit is spent on numpy and the metric alone.

WORKDIR holds ``job.json`` (limits, the numpy location, the metric's file name, the arguments),
one ``argN.npy`` per array argument, and the metric file. The outcome is written atomically to
``result.json``: ``{"value": x}``, ``{"error": "not_a_number", ...}``, ``{"error": "memory"}``
or ``{"error": "exception", ...}``; tracebacks and anything the metric prints go to the log.
"""

from __future__ import annotations

import contextlib
import json
import numbers
import os
import resource
import sys
import traceback
import types
from pathlib import Path
from typing import Any

MODULE_NAME = "custom_metric"


def apply_limits(limits: dict[str, int]) -> None:
    """Soft CPU limit sends SIGXCPU, the hard one SIGKILL; address space and file size are hard."""
    cpu = int(limits["cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    memory = int(limits["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    size = int(limits["file_bytes"])
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def load_argument(work: Path, spec: dict[str, Any]) -> Any:
    if "npy" in spec:
        import numpy as np

        return np.load(work / spec["npy"], allow_pickle=False)
    return spec["json"]


def load_score_function(name: str):
    """Run the metric's file as a module named ``custom_metric``; return its ``score``."""
    path = Path(name)
    # Compiled under its bare name (we run in WORKDIR), so tracebacks show "cost.py", line 7.
    code = compile(path.read_bytes(), name, "exec", dont_inherit=True)
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = name
    sys.modules[MODULE_NAME] = module  # so that dataclasses and the like in the file work
    exec(code, module.__dict__)  # noqa: S102 - running the organiser's file is the point
    score = getattr(module, "score", None)
    if not callable(score):
        raise TypeError(f"{name} defines no function score(y_true, y_pred)")
    return score


def describe_result(value: Any) -> dict[str, Any]:
    """A real number as a float; anything else is reported by type, never coerced."""
    if type(value).__module__ == "numpy" and getattr(value, "shape", None) == ():
        value = value.item()  # a numpy scalar or 0-d array
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return {"error": "not_a_number", "type": type(value).__name__, "repr": repr(value)[:200]}
    try:
        return {"value": float(value)}
    except OverflowError:  # an int too large for a float
        return {"value": float("inf") if value > 0 else float("-inf")}


def write_result(work: Path, result: dict[str, Any]) -> None:
    partial = work / "result.json.partial"
    partial.write_text(json.dumps(result), encoding="utf-8")
    os.replace(partial, work / "result.json")


def main(argv: list[str]) -> int:
    work = Path(argv[1])
    job = json.loads((work / "job.json").read_text(encoding="utf-8"))
    apply_limits(job["limits"])
    sys.path.extend(path for path in job["paths"] if path not in sys.path)
    try:
        args = [load_argument(work, spec) for spec in job["args"]]
        kwargs = {name: load_argument(work, spec) for name, spec in job["kwargs"].items()}
        score = load_score_function(job["metric"])
        value = score(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - sys.exit() in a metric is a failure too
        if isinstance(exc, MemoryError):
            write_result(work, {"error": "memory"})
        else:
            message = str(exc)[:500]
            write_result(
                work, {"error": "exception", "type": type(exc).__name__, "message": message}
            )
        # After the result: the log may be what failed (a file-size limit reached).
        with contextlib.suppress(OSError):
            # Skip this runner's own frame: the organiser wants to see their code.
            tb = exc.__traceback__.tb_next if exc.__traceback__ else None
            traceback.print_exception(type(exc), exc, tb)
        return 1
    write_result(work, describe_result(value))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
