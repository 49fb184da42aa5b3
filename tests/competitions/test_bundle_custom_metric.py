"""A bundle may score a scenario with the organiser's own Python metric (``metric: custom``).

The importer checks the block and the file (it exists, compiles, defines ``score``) without
importing it; it runs the metric only on the baseline, in the scorer's separate process. The
file is stored with the scenario and exported back to where the bundle had it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.files.storage import default_storage

from aileague.competitions.bundle import export_bundle, import_bundle, validate_bundle
from aileague.competitions.models import Scenario
from aileague.scoring.metrics import known_metric_names
from tests.competitions.test_bundle import (  # noqa: F401 - _own_storage is an autouse fixture
    _own_storage,
    content,
    counts,
    make_bundle,
    problems_of,
    snapshot,
    stored_files,
)

pytestmark = pytest.mark.django_db

DELIVERY = "tracks[0].scenarios[1]"  # regression, no baseline
CUSTOMS = "tracks[0].scenarios[0]"  # binary_probability, with a baseline
WEIGHTED_COST = """\
import numpy as np


def score(y_true, y_pred):
    # Late deliveries cost three times as much as early ones.
    diff = y_pred - y_true
    return float(np.mean(np.where(diff < 0, -3 * diff, diff)))
"""
BRIER = """\
def score(y_true, y_pred):
    return float(((y_pred - y_true) ** 2).mean())
"""
BLOCK = {
    "path": "metrics/weighted_cost.py",
    "name": "weighted_cost",
    "higher_is_better": False,
    "bounds": [0, float("inf")],
    "time_limit_s": 10,
}


def use_custom(index: int = 1, **block):
    """An edit giving scenario ``index`` of the first track the custom metric ``block``."""

    def edit(document: dict) -> None:
        task = document["tracks"][0]["scenarios"][index]["task"]
        task["metric"] = "custom"
        task["custom_metric"] = {**BLOCK, **block}

    return edit


# Two labels in each split, as the multiclass reference checks demand.
CATEGORY_REFERENCE = (
    "id,target,split\na,food,public\nb,textile,public\nc,food,private\nd,textile,private\n"
)


def bundle(tmp_path: Path, edit=None, files=None) -> Path:
    more = {
        "reference/category.csv": CATEGORY_REFERENCE,
        "metrics/weighted_cost.py": WEIGHTED_COST,
        **(files or {}),
    }
    return make_bundle(tmp_path / "bundle", edit or use_custom(), more)


def problems(tmp_path: Path, edit=None, files=None) -> list[tuple[str, str, str]]:
    return [(p.file, p.path, p.expected) for p in problems_of(bundle(tmp_path, edit, files))]


def metric_snapshot(league) -> dict:
    """``snapshot`` with each custom metric file's content instead of its storage name."""
    state = snapshot(league)
    for track in state["tracks"]:
        for scenario in track["scenarios"]:
            stored = Scenario.objects.get(slug=scenario["slug"]).custom_metric_file
            scenario.pop("custom_metric_file")
            scenario["custom_metric"] = content(stored)
    return state


# --- A valid custom metric ------------------------------------------------------------------


def test_a_custom_metric_is_stored_with_its_scenario(tmp_path):
    import_bundle(path=bundle(tmp_path))

    scenario = Scenario.objects.get(slug="delivery-time")
    assert scenario.task == {
        "kind": "regression",
        "metric": "custom",
        "id_column": "id",
        "prediction_column": "prediction",
        "target_column": "target",
        "split_column": "split",
        "custom_metric": {
            "path": "metrics/weighted_cost.py",
            "name": "weighted_cost",
            "higher_is_better": False,
            "bounds": [0, None],
            "time_limit_s": 10,
            "memory_mb": 1024,
        },
    }
    assert scenario.metric == "weighted_cost"
    assert scenario.custom_metric_file.name == "custom-metrics/delivery-time/weighted_cost.py"
    assert content(scenario.custom_metric_file) == WEIGHTED_COST.encode()
    assert Scenario.objects.get(slug="customs-risk").custom_metric_file.name == ""


def test_validate_bundle_finds_nothing_wrong_and_stores_nothing(tmp_path):
    assert validate_bundle(path=bundle(tmp_path)) == []
    assert counts()["League"] == 0
    assert stored_files() == []


def test_the_metric_file_is_not_run_when_there_is_no_baseline(tmp_path):
    marker = tmp_path / "ran"
    source = f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n\n" + BRIER

    import_bundle(path=bundle(tmp_path, files={"metrics/weighted_cost.py": source}))

    assert not marker.exists()


def test_the_baseline_is_scored_with_the_custom_metric(tmp_path):
    edit = use_custom(0, path="metrics/brier.py", name="brier", bounds=[0, 1])
    league = import_bundle(path=bundle(tmp_path, edit, {"metrics/brier.py": BRIER}))
    assert league.tracks.get(slug="logistics").scenarios.get(slug="customs-risk").metric == "brier"


def test_a_metric_that_fails_on_the_baseline_is_reported_at_its_line(tmp_path):
    failing = "def score(y_true, y_pred):\n    total = 0\n    return 1 / total\n"
    edit = use_custom(0, path="metrics/brier.py", name="brier")

    assert problems(tmp_path, edit, {"metrics/brier.py": failing}) == [
        (
            "metrics/brier.py",
            "line 3",
            "fails on the baseline baselines/customs-risk.csv: raised ZeroDivisionError: "
            "division by zero",
        )
    ]
    assert counts()["League"] == 0


def test_a_value_outside_the_bounds_on_the_baseline_is_reported(tmp_path):
    edit = use_custom(0, path="metrics/brier.py", name="brier", bounds=[0, 1])
    source = "def score(y_true, y_pred):\n    return 2.0\n"

    assert problems(tmp_path, edit, {"metrics/brier.py": source}) == [
        (
            "metrics/brier.py",
            "",
            "fails on the baseline baselines/customs-risk.csv: returned 2.0, outside its "
            "declared bounds [0, 1]",
        )
    ]


# --- The file -----------------------------------------------------------------------------------


def test_a_missing_metric_file_is_reported_at_its_path(tmp_path):
    assert problems(tmp_path, use_custom(path="metrics/nope.py")) == [
        (
            "league.yaml",
            f"{DELIVERY}.task.custom_metric.path",
            "'metrics/nope.py' does not exist in the bundle",
        )
    ]


def test_a_syntax_error_is_reported_in_the_metric_file_with_its_line(tmp_path):
    source = "import numpy as np\n\ndef score(y_true, y_pred)\n    return 0.0\n"
    assert problems(tmp_path, files={"metrics/weighted_cost.py": source}) == [
        ("metrics/weighted_cost.py", "line 3, column 26", "Python syntax error: expected ':'")
    ]


def test_a_file_without_a_score_function_is_reported(tmp_path):
    source = "def scorer(y_true, y_pred):\n    return 0.0\n\nif True:\n    def score(a, b): pass\n"
    assert problems(tmp_path, files={"metrics/weighted_cost.py": source}) == [
        (
            "metrics/weighted_cost.py",
            "",
            "defines no function score(y_true, y_pred) at module level",
        )
    ]


def test_a_score_function_that_cannot_take_two_arguments_is_reported(tmp_path):
    source = "import os\n\ndef score(y_true):\n    return 0.0\n"
    assert problems(tmp_path, files={"metrics/weighted_cost.py": source}) == [
        (
            "metrics/weighted_cost.py",
            "line 3",
            "score must take two arguments, score(y_true, y_pred)",
        )
    ]


@pytest.mark.parametrize(
    "source",
    [
        "def score(y_true, y_pred, *, sample_weight=None):\n    return 0.0\n",
        "def score(*args):\n    return 0.0\n",
        "from sklearn.metrics import mean_absolute_error as score\n",
        "score = lambda y_true, y_pred: 0.0\n",
    ],
)
def test_score_may_have_defaults_or_be_bound_another_way(tmp_path, source):
    assert validate_bundle(path=bundle(tmp_path, files={"metrics/weighted_cost.py": source})) == []


def test_a_file_that_is_not_utf8_python_is_reported(tmp_path):
    source = b"def score(y_true, y_pred):\n    return '\xff'\n"
    found = problems(tmp_path, files={"metrics/weighted_cost.py": source})
    assert [(file, path) for file, path, _ in found] == [
        ("metrics/weighted_cost.py", "line 2, column 15")
    ]
    assert found[0][2].startswith("Python syntax error: (unicode error) 'utf-8' codec can't decode")


# --- The block ----------------------------------------------------------------------------------

BLOCK_PATH = f"{DELIVERY}.task.custom_metric"
BLOCK_MISTAKES = {
    "not a .py file": (
        {"path": "metrics/weighted_cost.txt"},
        "path",
        "expected the path of a .py file in the bundle, got the text 'metrics/weighted_cost.txt'",
    ),
    "a path leaving the bundle": (
        {"path": "../weighted_cost.py"},
        "path",
        "'../weighted_cost.py' leaves the bundle; '..' is not allowed",
    ),
    "a built-in name": (
        {"name": "rmse"},
        "name",
        "'rmse' is a built-in metric; give the custom metric a name of its own",
    ),
    "a name with spaces": (
        {"name": "weighted cost"},
        "name",
        "expected a name of at most 40 letters, digits, '_', '.' or '-', starting with a "
        "letter, got the text 'weighted cost'",
    ),
    "a direction in words": (
        {"higher_is_better": "lower"},
        "higher_is_better",
        "expected true or false, got the text 'lower'",
    ),
    "one bound": (
        {"bounds": [0]},
        "bounds",
        "expected a list [lower, upper] of two numbers (.inf or null for no bound), got a list",
    ),
    "bounds upside down": (
        {"bounds": [1, 0]},
        "bounds",
        "the lower bound must be below the upper bound",
    ),
    "too long a time limit": (
        {"time_limit_s": 3600},
        "time_limit_s",
        "expected a number of seconds above 0 and at most 600, got a number (3600)",
    ),
    "too little memory": (
        {"memory_mb": 64},
        "memory_mb",
        "expected a whole number of at least 256, got a number (64)",
    ),
    "too much memory": ({"memory_mb": 100_000}, "memory_mb", "at most 16384 MB, got 100000"),
    "an unknown key": (
        {"timeout": 5},
        "timeout",
        "unknown key; expected one of path, name, higher_is_better, bounds, time_limit_s, "
        "memory_mb",
    ),
}


@pytest.mark.parametrize(
    ("block", "key", "message"), BLOCK_MISTAKES.values(), ids=BLOCK_MISTAKES.keys()
)
def test_a_mistake_in_the_block_is_reported_at_its_key(tmp_path, block, key, message):
    assert problems(tmp_path, use_custom(**block)) == [
        ("league.yaml", f"{BLOCK_PATH}.{key}", message)
    ]


def test_a_missing_direction_is_reported(tmp_path):
    def edit(document):
        use_custom()(document)
        del document["tracks"][0]["scenarios"][1]["task"]["custom_metric"]["higher_is_better"]

    assert problems(tmp_path, edit) == [
        ("league.yaml", f"{BLOCK_PATH}.higher_is_better", "required key is missing")
    ]


def test_metric_custom_needs_the_block(tmp_path):
    def edit(document):
        document["tracks"][0]["scenarios"][1]["task"]["metric"] = "custom"

    assert problems(tmp_path, edit) == [
        (
            "league.yaml",
            BLOCK_PATH,
            "required when the metric is custom: the metric's path, name and direction",
        )
    ]


def test_the_block_needs_metric_custom(tmp_path):
    def edit(document):
        document["tracks"][0]["scenarios"][1]["task"]["custom_metric"] = dict(BLOCK)

    assert problems(tmp_path, edit) == [
        ("league.yaml", BLOCK_PATH, "applies only when the task's metric is custom")
    ]


def test_an_unknown_metric_message_is_unchanged(tmp_path):
    def edit(document):
        document["tracks"][0]["scenarios"][1]["task"]["metric"] = "cost"

    assert problems(tmp_path, edit) == [
        (
            "league.yaml",
            f"{DELIVERY}.task.metric",
            f"'cost' is not a known metric; expected one of {', '.join(known_metric_names())}",
        )
    ]


# --- Export and round trip ----------------------------------------------------------------------


def test_export_writes_the_metric_back_to_its_path_and_imports_the_same_league(tmp_path):
    league = import_bundle(path=bundle(tmp_path))
    before = metric_snapshot(league)

    out = export_bundle(league=league, out=tmp_path / "export")
    league.delete()
    again = import_bundle(path=out)

    assert (out / "metrics/weighted_cost.py").read_text() == WEIGHTED_COST
    document = yaml.safe_load((out / "league.yaml").read_text())
    assert document["tracks"][0]["scenarios"][1]["task"]["custom_metric"] == {
        "path": "metrics/weighted_cost.py",
        "name": "weighted_cost",
        "higher_is_better": False,
        "bounds": [0, None],
        "time_limit_s": 10,
        "memory_mb": 1024,
    }
    assert metric_snapshot(again) == before


def test_scenarios_sharing_a_metric_file_share_it_in_the_export(tmp_path):
    both = use_custom(0, path="metrics/brier.py", name="brier")

    def edit(document):
        both(document)
        use_custom(1, path="metrics/brier.py", name="brier")(document)

    league = import_bundle(path=bundle(tmp_path, edit, {"metrics/brier.py": BRIER}))
    out = export_bundle(league=league, out=tmp_path / "export")

    scenarios = yaml.safe_load((out / "league.yaml").read_text())["tracks"][0]["scenarios"]
    assert [s["task"]["custom_metric"]["path"] for s in scenarios] == ["metrics/brier.py"] * 2
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.py")) == ["metrics/brier.py"]


def test_scenarios_whose_metric_files_differ_get_one_file_each(tmp_path):
    def edit(document):
        use_custom(0, path="metrics/brier.py", name="brier")(document)
        use_custom(1, path="metrics/brier.py", name="brier")(document)

    league = import_bundle(path=bundle(tmp_path, edit, {"metrics/brier.py": BRIER}))
    changed = Scenario.objects.get(slug="delivery-time").custom_metric_file.name
    with default_storage.open(changed, "wb") as handle:
        handle.write(WEIGHTED_COST.encode())
    out = export_bundle(league=league, out=tmp_path / "export")

    scenarios = yaml.safe_load((out / "league.yaml").read_text())["tracks"][0]["scenarios"]
    assert [s["task"]["custom_metric"]["path"] for s in scenarios] == [
        "metrics/brier.py",
        "metrics/delivery-time/brier.py",
    ]
    assert (out / "metrics/delivery-time/brier.py").read_text() == WEIGHTED_COST


def test_replace_deletes_the_old_metric_file_once_committed(
    tmp_path, django_capture_on_commit_callbacks
):
    path = bundle(tmp_path)
    import_bundle(path=path)
    old = Scenario.objects.get(slug="delivery-time").custom_metric_file.name

    with django_capture_on_commit_callbacks(execute=True):
        import_bundle(path=path, replace=True)

    new = Scenario.objects.get(slug="delivery-time").custom_metric_file
    assert new.name != old
    assert not default_storage.exists(old)
    assert content(new) == WEIGHTED_COST.encode()
