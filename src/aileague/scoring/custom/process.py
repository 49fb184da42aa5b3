"""Running a custom metric: one fresh, limited child process per call.

The protocol with the child (``child.py``, started as a script): this side writes, in an empty
temporary directory, the metric's file, ``job.json`` (the limits the child sets on itself, where
numpy lives, the metric's file name and the arguments) and one ``.npy`` file per array argument.
The child writes ``result.json`` (a value or an error) and its output goes to ``output.log``.
The wall-clock limit is enforced here, by killing the child's process group.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from aileague.scoring.custom.errors import CustomMetricError
from aileague.scoring.custom.spec import CustomMetricSpec

MAX_OUTPUT_BYTES = 64 << 20  # any one file the process writes, its log included
LOG_TAIL_BYTES = 20_000
CHILD = Path(__file__).with_name("child.py")
LOG = "output.log"
RESULT = "result.json"


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
    command = [sys.executable, "-I", "-u", "-X", "utf8", str(CHILD), str(work)]
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
