"""Custom metrics run an organiser's score(y_true, y_pred) in a separate, limited process.

Every failure of the organiser's code is a CustomMetricError (a ReferenceError: the organiser's
problem) with the process's output as its log; nothing of ours leaks into that process.
"""

from __future__ import annotations

import hashlib
import math
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from aileague.scoring import InvalidSubmission, SchemaError, TaskSchema, evaluate_file
from aileague.scoring.custom import (
    CustomMetric,
    CustomMetricError,
    CustomMetricSpec,
    load_custom_metric,
    metric_for_task,
)
from aileague.scoring.kinds import ReferenceError

SPEC = {"path": "metrics/weighted_cost.py", "name": "weighted_cost", "higher_is_better": False}
WEIGHTED_COST = """
import numpy as np

def score(y_true, y_pred):
    # Under-forecasting costs three times as much as over-forecasting.
    diff = y_pred - y_true
    return float(np.mean(np.where(diff < 0, -3 * diff, diff)))
"""


def write_metric(tmp_path: Path, source: str, name: str = "weighted_cost.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def custom(tmp_path: Path, source: str, **spec) -> CustomMetric:
    """A custom metric from ``source`` with short limits, so that failing tests stay quick."""
    block = {**SPEC, "time_limit_s": 10, "memory_mb": 512, **spec}
    return load_custom_metric(block, write_metric(tmp_path, source))


def failure(metric: CustomMetric, *args) -> CustomMetricError:
    with pytest.raises(CustomMetricError) as caught:
        metric(*(args or (np.array([1.0, 2.0]), np.array([1.0, 2.0]))))
    return caught.value


# --- Running a metric -------------------------------------------------------------------------


def test_a_metric_gets_the_split_as_arrays_and_its_value_comes_back(tmp_path):
    metric = custom(tmp_path, WEIGHTED_COST)

    value = metric(np.array([10.0, 10.0, 10.0]), np.array([12.0, 7.0, 10.0]))

    assert value == (2.0 + 9.0 + 0.0) / 3


def test_the_arrays_arrive_with_their_dtype_and_shape(tmp_path):
    metric = custom(
        tmp_path,
        """
        def score(y_true, y_pred):
            assert (str(y_true.dtype), y_true.shape) == ("int64", (3,))
            assert (str(y_pred.dtype), y_pred.shape) == ("float64", (3,))
            return 0.25
        """,
    )
    assert metric(np.array([0, 2, 1], dtype=np.int64), np.array([0.5, 0.25, 1.0])) == 0.25


def test_text_arrives_as_lists_of_str(tmp_path):
    metric = custom(
        tmp_path,
        """
        def score(y_true, y_pred):
            assert type(y_true) is list and all(type(s) is str for s in y_true + y_pred)
            return sum(a == b for a, b in zip(y_true, y_pred)) / len(y_true)
        """,
        higher_is_better=True,
    )
    assert metric(["สวัสดี", "ขอบคุณ"], ["สวัสดี", "ลาก่อน"]) == 0.5


def test_a_numpy_scalar_is_a_number(tmp_path):
    metric = custom(tmp_path, "import numpy as np\ndef score(a, b):\n    return np.float32(0.5)\n")
    assert metric(np.array([1.0]), np.array([1.0])) == 0.5


def test_the_signature_names_the_metric_and_the_start_of_its_file_hash(tmp_path):
    metric = custom(tmp_path, WEIGHTED_COST)
    digest = hashlib.sha256(textwrap.dedent(WEIGHTED_COST).encode()).hexdigest()

    assert metric.signature() == f"custom:weighted_cost|sha256:{digest[:12]}"
    assert (metric.name, metric.higher_is_better, metric.optimum) == (
        "weighted_cost",
        False,
        -math.inf,
    )


# --- Every failure is a CustomMetricError with a log ------------------------------------------


def test_an_exception_in_score_is_an_error_with_its_traceback_in_the_log(tmp_path):
    metric = custom(
        tmp_path, "def score(y_true, y_pred):\n    print('about to divide')\n    return 1 / 0\n"
    )

    error = failure(metric)

    assert isinstance(error, ReferenceError)
    assert error.message == (
        "custom metric 'weighted_cost' (metrics/weighted_cost.py) raised ZeroDivisionError: "
        "division by zero"
    )
    assert error.log.startswith("about to divide\nTraceback (most recent call last):\n")
    assert '  File "weighted_cost.py", line 3, in score\n' in error.log
    assert error.log.endswith("ZeroDivisionError: division by zero\n")
    assert error.line == 3
    assert error.report == f"{error.message}\n\n{error.log}"


def test_a_metric_that_never_ends_is_stopped_at_its_time_limit(tmp_path):
    metric = custom(
        tmp_path, "def score(y_true, y_pred):\n    while True:\n        pass\n", time_limit_s=1
    )

    started = time.monotonic()
    error = failure(metric)
    elapsed = time.monotonic() - started

    assert error.reason == "did not finish within its time limit of 1 s"
    assert 1 <= elapsed < 4


def test_a_metric_that_burns_its_cpu_time_is_stopped(tmp_path):
    # Lowering its own soft CPU limit to 1 s reaches SIGXCPU long before the wall clock limit.
    source = """
    import resource

    def score(y_true, y_pred):
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        resource.setrlimit(resource.RLIMIT_CPU, (1, hard))
        while True:
            pass
    """
    error = failure(custom(tmp_path, source, time_limit_s=8))
    assert error.reason == "used more than 9 s of CPU time and was stopped"


def test_allocating_4_gb_under_a_256_mb_limit_is_a_memory_error(tmp_path):
    metric = custom(
        tmp_path, "def score(y_true, y_pred):\n    return len(bytearray(4 << 30))\n", memory_mb=256
    )

    error = failure(metric)

    assert error.reason == "ran out of memory (its limit is 256 MB)"
    assert error.log.endswith("MemoryError\n")
    assert error.line == 2


def test_output_past_the_file_size_limit_is_an_error(tmp_path):
    # Lowered to 1000 bytes here; the real limit is 64 MB per file, the log included.
    source = """
    import resource

    def score(y_true, y_pred):
        hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, hard))
        print("x" * 5000)
        return 0.5
    """
    assert failure(custom(tmp_path, source)).reason == "raised OSError: [Errno 27] File too large"


def test_a_process_that_exits_without_a_score_is_an_error(tmp_path):
    metric = custom(tmp_path, "import os\ndef score(y_true, y_pred):\n    os._exit(3)\n")
    assert failure(metric).reason == "exited with status 3 without returning a score"


def test_a_crash_by_signal_is_an_error(tmp_path):
    source = (
        "import os, signal\ndef score(y_true, y_pred):\n    os.kill(os.getpid(), signal.SIGSEGV)\n"
    )
    assert failure(custom(tmp_path, source)).reason == "crashed (SIGSEGV)"


def test_sys_exit_in_a_metric_is_an_error(tmp_path):
    metric = custom(tmp_path, "import sys\ndef score(y_true, y_pred):\n    sys.exit(0)\n")
    assert failure(metric).reason == "raised SystemExit: 0"


@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        ("'abc'", "returned str 'abc'; expected a number"),
        ("'0.5'", "returned str '0.5'; expected a number"),
        ("True", "returned bool True; expected a number"),
        ("None", "returned NoneType None; expected a number"),
        ("[0.5]", "returned list [0.5]; expected a number"),
        ("float('nan')", "returned nan; expected a finite number"),
        ("float('inf')", "returned inf; expected a finite number"),
        ("10 ** 400", "returned inf; expected a finite number"),
        ("1.5", "returned 1.5, outside its declared bounds [0, 1]"),
        ("-0.25", "returned -0.25, outside its declared bounds [0, 1]"),
    ],
)
def test_a_result_that_is_not_a_finite_number_within_the_bounds_is_an_error(
    tmp_path, returned, reason
):
    metric = custom(tmp_path, f"def score(y_true, y_pred):\n    return {returned}\n", bounds=[0, 1])
    assert failure(metric).reason == reason


def test_the_bounds_themselves_are_allowed(tmp_path):
    metric = custom(tmp_path, "def score(y_true, y_pred):\n    return 1\n", bounds=[0, 1])
    assert metric(np.array([1.0]), np.array([1.0])) == 1.0


def test_a_file_without_score_is_an_error(tmp_path):
    metric = custom(tmp_path, "def scorer(y_true, y_pred):\n    return 1.0\n")
    assert failure(metric).reason == (
        "raised TypeError: weighted_cost.py defines no function score(y_true, y_pred)"
    )


def test_an_import_error_is_an_error_with_its_line(tmp_path):
    error = failure(
        custom(
            tmp_path, "import numpy\nimport no_such_module\n\ndef score(a, b):\n    return 0.0\n"
        )
    )
    assert error.reason == "raised ModuleNotFoundError: No module named 'no_such_module'"
    assert error.line == 2


def test_the_metric_sees_none_of_our_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AILEAGUE_FAKE_SECRET", "s3cret-value")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:s3cret-value@db/aileague")
    source = """
    import os

    def score(y_true, y_pred):
        leaked = [k for k, v in os.environ.items() if "s3cret" in v or k == "DATABASE_URL"]
        assert not leaked, leaked
        assert os.getcwd() == os.environ["HOME"] == os.environ["TMPDIR"]
        return float(len(os.environ))
    """
    metric = custom(tmp_path, source)

    assert (
        metric(np.array([1.0]), np.array([1.0])) == 8.0
    )  # PATH, HOME, TMPDIR, LANG, LC_ALL, 3 BLAS


def test_the_metric_runs_in_a_fresh_temporary_folder_that_is_removed(tmp_path):
    metric = custom(
        tmp_path, "import os\ndef score(a, b):\n    print(os.getcwd())\n    return 1 / 0\n"
    )
    folder = Path(failure(metric).log.splitlines()[0])
    assert folder.name.startswith("aileague-metric-")
    assert not folder.exists()


def test_a_process_the_metric_leaves_behind_is_killed_with_it(tmp_path):
    source = """
    import subprocess

    def score(y_true, y_pred):
        child = subprocess.Popen(["sleep", "60"])
        print(child.pid, flush=True)
        raise RuntimeError("left a child")
    """
    pid = int(failure(custom(tmp_path, source)).log.splitlines()[0])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    """Running (a killed orphan may linger as a zombie until init reaps it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_an_unreadable_file_is_an_error(tmp_path):
    with pytest.raises(CustomMetricError) as caught:
        load_custom_metric(SPEC, tmp_path / "missing.py")
    assert caught.value.message == (
        "custom metric 'weighted_cost': cannot read its file missing.py: No such file or directory"
    )


# --- The custom_metric block --------------------------------------------------------------------


def test_a_spec_keeps_its_values_and_reads_back_from_its_dict():
    spec = CustomMetricSpec.from_dict(
        {**SPEC, "bounds": [0, math.inf], "time_limit_s": 2.5, "memory_mb": 2048}
    )

    assert spec == CustomMetricSpec(
        path="metrics/weighted_cost.py",
        name="weighted_cost",
        higher_is_better=False,
        lower_bound=0.0,
        upper_bound=math.inf,
        time_limit_s=2.5,
        memory_mb=2048,
    )
    assert spec.to_dict() == {
        **SPEC,
        "bounds": [0, None],
        "time_limit_s": 2.5,
        "memory_mb": 2048,
    }
    assert CustomMetricSpec.from_dict(spec.to_dict()) == spec


def test_a_spec_has_defaults_for_bounds_and_limits():
    spec = CustomMetricSpec.from_dict(SPEC)
    assert (spec.lower_bound, spec.upper_bound, spec.time_limit_s, spec.memory_mb) == (
        -math.inf,
        math.inf,
        60,
        1024,
    )
    assert spec.to_dict() == {**SPEC, "time_limit_s": 60, "memory_mb": 1024}


MUST_BE_RELATIVE = "must be relative to the bundle, use '/' and not '..'"
SECONDS = "must be a number of seconds above 0 and at most 600"
MEGABYTES = "must be a whole number from 256 to 16384"
BAD_SPECS = {
    "not a mapping": (
        "cost.py",
        "custom_metric must be a mapping with path, name and higher_is_better",
    ),
    "unknown key": (
        {**SPEC, "timeout": 3},
        "unknown custom_metric keys: timeout; expected some of path, name, higher_is_better, "
        "bounds, time_limit_s, memory_mb",
    ),
    "missing keys": ({"path": "m.py"}, "custom_metric needs name, higher_is_better"),
    "not a .py file": (
        {**SPEC, "path": "metrics/cost.txt"},
        "custom_metric.path 'metrics/cost.txt' must name a .py file",
    ),
    "path leaving the bundle": (
        {**SPEC, "path": "../cost.py"},
        f"custom_metric.path '../cost.py' {MUST_BE_RELATIVE}",
    ),
    "absolute path": (
        {**SPEC, "path": "/etc/cost.py"},
        f"custom_metric.path '/etc/cost.py' {MUST_BE_RELATIVE}",
    ),
    "name with a space": (
        {**SPEC, "name": "weighted cost"},
        "custom_metric.name 'weighted cost' must start with a letter and hold at most 40 "
        "letters, digits, '_', '.' or '-'",
    ),
    "name of a built-in metric": (
        {**SPEC, "name": "rmse"},
        "custom_metric.name 'rmse' is the name of a built-in metric; choose another",
    ),
    "direction as text": (
        {**SPEC, "higher_is_better": "no"},
        "custom_metric.higher_is_better must be true or false, got 'no'",
    ),
    "one bound": ({**SPEC, "bounds": [0]}, "custom_metric.bounds must be a list [lower, upper]"),
    "bound as text": (
        {**SPEC, "bounds": [0, "inf"]},
        "custom_metric.bounds [0, 'inf'] must hold two numbers (.inf or null for none)",
    ),
    "bounds upside down": (
        {**SPEC, "bounds": [1, 0]},
        "custom_metric.bounds: lower 1.0 must be below upper 0.0",
    ),
    "no time": ({**SPEC, "time_limit_s": 0}, f"custom_metric.time_limit_s {SECONDS}, got 0"),
    "too much time": (
        {**SPEC, "time_limit_s": 601},
        f"custom_metric.time_limit_s {SECONDS}, got 601",
    ),
    "too little memory": (
        {**SPEC, "memory_mb": 100},
        f"custom_metric.memory_mb {MEGABYTES}, got 100",
    ),
    "fractional memory": (
        {**SPEC, "memory_mb": 1024.5},
        f"custom_metric.memory_mb {MEGABYTES}, got 1024.5",
    ),
}


@pytest.mark.parametrize(("block", "message"), BAD_SPECS.values(), ids=BAD_SPECS.keys())
def test_a_bad_spec_is_refused_with_a_message_naming_the_key(block, message):
    with pytest.raises(SchemaError) as caught:
        CustomMetricSpec.from_dict(block)
    assert str(caught.value) == message


# --- In a task --------------------------------------------------------------------------------


def test_a_task_with_metric_custom_keeps_its_block_and_stays_hashable():
    task = {
        "kind": "regression",
        "metric": "custom",
        "custom_metric": {**SPEC, "bounds": [0, None]},
    }
    schema = TaskSchema.from_dict(task)

    assert schema.custom_metric == CustomMetricSpec.from_dict(task["custom_metric"])
    assert hash(schema) == hash(TaskSchema.from_dict(task))
    assert TaskSchema.from_dict(schema.to_dict()) == schema
    assert schema.to_dict()["custom_metric"] == {
        **SPEC,
        "bounds": [0, None],
        "time_limit_s": 60,
        "memory_mb": 1024,
    }


@pytest.mark.parametrize(
    ("task", "message"),
    [
        (
            {"kind": "regression", "metric": "custom"},
            "custom_metric must be a mapping with path, name and higher_is_better",
        ),
        (
            {"kind": "regression", "metric": "rmse", "custom_metric": SPEC},
            "custom_metric applies only to tasks whose metric is custom",
        ),
    ],
)
def test_a_task_needs_the_block_exactly_when_its_metric_is_custom(task, message):
    with pytest.raises(SchemaError) as caught:
        TaskSchema.from_dict(task)
    assert str(caught.value) == message


def test_the_metric_of_a_stored_task_has_its_direction_without_running_anything():
    task = {
        "kind": "regression",
        "metric": "custom",
        "custom_metric": {**SPEC, "bounds": [0, None]},
    }

    metric = metric_for_task(task)

    assert (metric.name, metric.higher_is_better, metric.lower_bound, metric.optimum) == (
        "weighted_cost",
        False,
        0.0,
        0.0,
    )
    with pytest.raises(CustomMetricError):
        metric(np.array([1.0]), np.array([1.0]))
    assert metric_for_task({"kind": "regression", "metric": "rmse"}).name == "rmse"


# --- Through evaluate_file --------------------------------------------------------------------

REFERENCE = "id,target,split\na,10,public\nb,10,public\nc,10,private\n"
TASK = {"kind": "regression", "metric": "custom", "custom_metric": {**SPEC, "time_limit_s": 10}}


def evaluate(tmp_path: Path, predictions: str, **kwargs):
    (tmp_path / "predictions.csv").write_text(predictions, encoding="utf-8")
    (tmp_path / "reference.csv").write_text(REFERENCE, encoding="utf-8")
    return evaluate_file(
        tmp_path / "predictions.csv",
        tmp_path / "reference.csv",
        TaskSchema.from_dict(TASK),
        **kwargs,
    )


def test_evaluate_file_scores_each_split_with_the_custom_metric(tmp_path):
    path = write_metric(tmp_path, WEIGHTED_COST)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()

    evaluation = evaluate(tmp_path, "id,prediction\na,12\nb,9\nc,10\n", custom_metric_path=path)

    assert evaluation.scores == {"public": 2.5, "private": 0.0}
    assert evaluation.metric == "weighted_cost"
    assert evaluation.signature == f"custom:weighted_cost|sha256:{digest[:12]}"


def test_without_its_file_a_custom_task_still_validates_and_then_refuses_to_score(tmp_path):
    with pytest.raises(InvalidSubmission):
        evaluate(tmp_path, "id,prediction\na,12\n")
    with pytest.raises(CustomMetricError) as caught:
        evaluate(tmp_path, "id,prediction\na,12\nb,9\nc,10\n")
    assert caught.value.message == (
        "custom metric 'weighted_cost' (metrics/weighted_cost.py): its file was not given, "
        "so it cannot run here"
    )
