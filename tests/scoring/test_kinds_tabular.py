"""The tabular kinds end to end: binary labels, probabilities per label, and the schema facts and
reference checks that label and regression metrics rely on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as sk

from aileague.scoring import InvalidSubmission, TaskSchema, evaluate_file
from aileague.scoring.kinds import ReferenceError
from aileague.scoring.schema import SchemaError
from tests.scoring.reference_formats import FORMATS, placed, write_reference

ANIMALS = ["cat", "dog", "eel"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def run(tmp_path, task: dict, reference: str, predictions: str):
    return evaluate_file(
        write(tmp_path / "predictions.csv", predictions),
        write(tmp_path / "reference.csv", reference),
        TaskSchema.from_dict(task),
    )


def problems(tmp_path, task, reference, predictions):
    with pytest.raises(InvalidSubmission) as raised:
        run(tmp_path, task, reference, predictions)
    return raised.value.problems


# --- binary_label --------------------------------------------------------------------------------

BINARY_REFERENCE = (
    "id,target,split\n"
    "1,1,public\n2,0,public\n3,1,public\n4,0,public\n"
    "5,1,private\n6,1,private\n7,0,private\n8,0,private\n"
)
BINARY_PREDICTIONS = "id,prediction\n1,1\n2,0\n3,0\n4,0\n8,1\n7,0\n6,1\n5,1.0\n"


@pytest.mark.parametrize(
    ("metric", "reference"),
    [
        ("accuracy", sk.accuracy_score),
        ("balanced_accuracy", sk.balanced_accuracy_score),
        ("precision_binary", sk.precision_score),
        ("recall_binary", sk.recall_score),
        ("f1_binary", sk.f1_score),
        ("f1_macro", lambda y, p: sk.f1_score(y, p, average="macro")),
        ("mcc", sk.matthews_corrcoef),
        ("cohen_kappa", sk.cohen_kappa_score),
    ],
)
def test_binary_label_file_is_scored_per_split_in_any_row_order(tmp_path, metric, reference):
    evaluation = run(
        tmp_path, {"kind": "binary_label", "metric": metric}, BINARY_REFERENCE, BINARY_PREDICTIONS
    )
    public = reference([1, 0, 1, 0], [1, 0, 0, 0])
    private = reference([1, 1, 0, 0], [1, 1, 0, 1])
    assert evaluation.scores == pytest.approx({"public": public, "private": private}, abs=1e-15)


def test_binary_label_values_other_than_0_and_1_are_reported_with_their_lines(tmp_path):
    found = problems(
        tmp_path,
        {"kind": "binary_label", "metric": "f1_binary"},
        BINARY_REFERENCE,
        "id,prediction\n1,1\n2,2\n3,yes\n4,NA\n5,0.5\n6,1\n7,0\n8,-1\n",
    )
    assert [(p.code, p.lines, p.examples) for p in found] == [
        ("not_a_number", [4], ["yes"]),
        ("missing_value", [5], ["NA"]),
    ]
    found = problems(
        tmp_path,
        {"kind": "binary_label", "metric": "f1_binary"},
        BINARY_REFERENCE,
        "id,prediction\n1,1\n2,2\n3,0\n4,0\n5,0.5\n6,1\n7,0\n8,-1\n",
    )
    assert [(p.code, p.lines, p.examples) for p in found] == [
        ("unknown_label", [3, 6, 9], ["2", "0.5", "-1"])
    ]
    assert found[0].message() == (
        "3 value(s) in 'prediction' are not valid labels; use one of: 0, 1."
    )


def test_binary_label_reference_needs_both_classes_in_each_split(tmp_path):
    with pytest.raises(ReferenceError, match="the private split needs both classes"):
        run(
            tmp_path,
            {"kind": "binary_label", "metric": "accuracy"},
            "id,target,split\n1,1,public\n2,0,public\n3,1,private\n",
            "id,prediction\n1,1\n2,0\n3,1\n",
        )


# --- multiclass_probability ----------------------------------------------------------------------

PROBABILITY_TASK = {"kind": "multiclass_probability", "labels": ANIMALS}
PROBABILITY_REFERENCE = (
    "id,target,split\n"
    "a,cat,public\nb,dog,public\nc,eel,public\n"
    "d,dog,private\ne,eel,private\nf,dog,private\n"
)
# Columns in another order than the labels: they are found by name.
PROBABILITIES = (
    "id,eel,cat,dog\n"
    "a,0.1,0.7,0.2\n"
    "b,0.3,0.3,0.4\n"
    "c,0.5,0.2,0.3\n"
    "d,0.4,0.5,0.1\n"
    "e,0.6,0.2,0.2\n"
    "f,0,0,1\n"
)
# The same in label order (cat, dog, eel), per split.
PUBLIC = np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5]])
PRIVATE = np.array([[0.5, 0.1, 0.4], [0.2, 0.2, 0.6], [0.0, 1.0, 0.0]])


def test_multiclass_probability_file_is_scored_with_log_loss_per_split(tmp_path):
    evaluation = run(
        tmp_path, {**PROBABILITY_TASK, "metric": "log_loss"}, PROBABILITY_REFERENCE, PROBABILITIES
    )
    assert evaluation.scores == pytest.approx(
        {
            "public": sk.log_loss([0, 1, 2], PUBLIC, labels=[0, 1, 2]),
            "private": sk.log_loss([1, 2, 1], PRIVATE, labels=[0, 1, 2]),
        },
        abs=1e-15,
    )


def test_multiclass_probability_file_is_scored_with_one_vs_rest_auc_over_labels_present(tmp_path):
    evaluation = run(
        tmp_path,
        {**PROBABILITY_TASK, "metric": "roc_auc_ovr"},
        PROBABILITY_REFERENCE,
        PROBABILITIES,
    )
    public = sk.roc_auc_score([0, 1, 2], PUBLIC, multi_class="ovr", labels=[0, 1, 2])
    # No cat in the private split: the mean is over dog and eel.
    private = (
        sk.roc_auc_score([1, 0, 1], PRIVATE[:, 1]) + sk.roc_auc_score([0, 1, 0], PRIVATE[:, 2])
    ) / 2
    assert evaluation.scores == pytest.approx({"public": public, "private": private}, abs=1e-15)


def test_probability_rows_must_sum_to_one_within_the_tolerance(tmp_path):
    found = problems(
        tmp_path,
        {**PROBABILITY_TASK, "metric": "log_loss"},
        PROBABILITY_REFERENCE,
        "id,cat,dog,eel\n"
        "a,0.7,0.2,0.1\n"
        "b,0.333333,0.333333,0.333333\n"  # off by 1e-6: accepted
        "c,0.5,0.5,0.5\n"
        "d,0.2,0.2,0.2\n"
        "e,0.2,0.2,0.6\n"
        "f,0.3,0.3,0.39\n",
    )
    assert [(p.code, p.lines, p.examples, p.params) for p in found] == [
        (
            "probabilities_do_not_sum_to_one",
            [4, 5, 7],
            ["1.5", "0.6000000000000001", "0.99"],
            {"tolerance": "1e-05", "count": 3},
        )
    ]
    assert found[0].message() == (
        "3 row(s) have probabilities that do not add up to 1 (within 1e-05); give one "
        "probability per label, summing to 1 in each row."
    )
    assert found[0].message("zh-hans") == (
        "3 行的各标签概率之和不等于 1（允许误差 1e-05）；请为每个标签给出一个概率，且每行之和为 1。"
    )


def test_probability_columns_report_bad_values_per_label_column(tmp_path):
    found = problems(
        tmp_path,
        {**PROBABILITY_TASK, "metric": "log_loss"},
        PROBABILITY_REFERENCE,
        "id,cat,dog,eel\na,0.7,0.2,0.1\nb,1.2,-0.2,0\nc,x,0.5,0.5\nd,0.2,0.2,0.6\n"
        "e,0.2,0.2,0.6\nf,0.3,0.3,0.4\nzz,0.3,0.3,0.4\n",
    )
    # A column that is not all numbers is not range-checked; sums wait for every column.
    assert [(p.code, p.params.get("column"), p.lines, p.examples) for p in found] == [
        ("unknown_ids", None, [8], ["zz"]),
        ("not_a_number", "cat", [4], ["x"]),
        ("probability_out_of_range", "dog", [3], ["-0.2"]),
    ]


def test_probability_file_needs_one_column_per_label(tmp_path):
    found = problems(
        tmp_path,
        {**PROBABILITY_TASK, "metric": "log_loss"},
        PROBABILITY_REFERENCE,
        "id,cat,dog\na,0.7,0.3\nb,0.3,0.7\nc,0.5,0.5\nd,0.5,0.5\ne,0.5,0.5\nf,0.5,0.5\n",
    )
    assert [(p.code, p.params) for p in found] == [
        ("missing_column", {"column": "eel", "expected": "id,cat,dog,eel"})
    ]


def test_probability_reference_with_one_label_in_a_split_is_the_organisers_problem(tmp_path):
    with pytest.raises(ReferenceError, match="the private split has only the label 'dog'"):
        run(
            tmp_path,
            {**PROBABILITY_TASK, "metric": "log_loss"},
            "id,target,split\na,cat,public\nb,dog,public\nc,dog,private\n",
            "id,cat,dog,eel\na,1,0,0\nb,0,1,0\nc,0,1,0\n",
        )
    with pytest.raises(ReferenceError, match="labels outside"):
        run(
            tmp_path,
            {**PROBABILITY_TASK, "metric": "log_loss"},
            "id,target,split\na,cat,public\nb,owl,public\n",
            "id,cat,dog,eel\na,1,0,0\nb,0,1,0\n",
        )


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (["cat"], "at least 2 labels"),
        (["id", "cat"], "named like the id column"),
        (["cat", " "], "none may be empty"),
    ],
)
def test_probability_task_needs_labels_that_can_name_columns(labels, message):
    with pytest.raises(SchemaError, match=message):
        TaskSchema.from_dict({**PROBABILITY_TASK, "metric": "log_loss", "labels": labels})


def test_label_metrics_do_not_apply_to_probabilities():
    with pytest.raises(SchemaError, match="does not apply to multiclass_probability"):
        TaskSchema.from_dict({**PROBABILITY_TASK, "metric": "accuracy"})


# --- multiclass_label: schema facts and label order ----------------------------------------------

GRADES = "id,target,split\n1,low,public\n2,mid,public\n3,high,public\n4,high,public\n5,mid,public\n"
GRADED = "id,prediction\n1,mid\n2,mid\n3,high\n4,mid\n5,low\n"


def test_quadratic_kappa_follows_the_order_of_the_task_labels(tmp_path):
    ordered = {"kind": "multiclass_label", "metric": "quadratic_weighted_kappa"}
    low_mid_high = run(tmp_path, {**ordered, "labels": ["low", "mid", "high"]}, GRADES, GRADED)
    low_high_mid = run(tmp_path, {**ordered, "labels": ["low", "high", "mid"]}, GRADES, GRADED)
    # Codes 0, 1, 2 in each order; the same rows, differently far apart.
    truth, guess = [0, 1, 2, 2, 1], [1, 1, 2, 1, 0]
    expected = sk.cohen_kappa_score(truth, guess, labels=[0, 1, 2], weights="quadratic")
    assert low_mid_high.scores == {"public": pytest.approx(expected, abs=1e-15)}
    assert expected == pytest.approx(0.4, abs=1e-15)
    truth, guess = [0, 2, 1, 1, 2], [2, 2, 1, 2, 0]
    expected = sk.cohen_kappa_score(truth, guess, labels=[0, 1, 2], weights="quadratic")
    assert low_high_mid.scores == {"public": pytest.approx(expected, abs=1e-15)}
    assert expected < 0


def test_kappa_refuses_a_reference_split_of_one_label_accuracy_does_not(tmp_path):
    reference = "id,target,split\n1,cat,public\n2,dog,public\n3,eel,private\n"
    predictions = "id,prediction\n1,cat\n2,dog\n3,eel\n"
    task = {"kind": "multiclass_label", "labels": ANIMALS}
    accuracy = run(tmp_path, {**task, "metric": "accuracy"}, reference, predictions)
    assert accuracy.scores == {"public": 1.0, "private": 1.0}
    with pytest.raises(ReferenceError, match="private split cannot be scored with cohen_kappa"):
        run(tmp_path, {**task, "metric": "cohen_kappa"}, reference, predictions)


# --- regression: the metric's domain and the reference's scorability -----------------------------

REGRESSION_REFERENCE = "id,target,split\na,0,public\nb,3,public\nc,7,private\nd,1,private\n"


def test_rmsle_predictions_of_minus_one_or_less_are_reported(tmp_path):
    found = problems(
        tmp_path,
        {"kind": "regression", "metric": "rmsle"},
        REGRESSION_REFERENCE,
        "id,prediction\na,0\nb,-1\nc,-0.5\nd,-3\n",
    )
    assert [(p.code, p.lines, p.examples) for p in found] == [
        ("value_too_low", [3, 5], ["-1", "-3"])
    ]
    assert found[0].message() == (
        "2 value(s) in 'prediction' are -1 or less; the rmsle metric needs values greater than -1."
    )
    assert found[0].message("zh-hans") == (
        "'prediction' 列中有 2 个值小于或等于 -1；rmsle 指标要求取值大于 -1。"
    )


def test_rmsle_is_scored_per_split(tmp_path):
    evaluation = run(
        tmp_path,
        {"kind": "regression", "metric": "rmsle"},
        REGRESSION_REFERENCE,
        "id,prediction\na,0\nb,7\nc,7\nd,0\n",
    )
    assert evaluation.scores == pytest.approx(
        {
            "public": sk.root_mean_squared_log_error([0, 3], [0, 7]),
            "private": sk.root_mean_squared_log_error([7, 1], [7, 0]),
        },
        abs=1e-15,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_rmsle_reference_outside_the_domain_is_the_organisers_problem(tmp_path, fmt):
    reference = write_reference(tmp_path, "id,target,split\na,0,public\nb,-2,public\n", fmt)
    task = TaskSchema.from_dict({"kind": "regression", "metric": "rmsle"})
    with pytest.raises(ReferenceError) as raised:
        evaluate_file(write(tmp_path / "p.csv", "id,prediction\na,0\nb,0\n"), reference, task)
    assert str(raised.value) == placed(
        "reference reference.csv line 3: rmsle needs targets greater than -1", fmt
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reference_target_that_is_not_a_number_is_placed_in_the_file(tmp_path, fmt):
    reference = "id,target,split\na,0,public\nb,x,public\nc,y,private\n"
    task = TaskSchema.from_dict({"kind": "regression", "metric": "rmse"})
    with pytest.raises(ReferenceError) as raised:
        evaluate_file(
            write(tmp_path / "p.csv", "id,prediction\na,0\nb,0\nc,0\n"),
            write_reference(tmp_path, reference, fmt),
            task,
        )
    assert str(raised.value) == placed(
        "reference reference.csv lines 3, 4: 2 value(s) in 'target' are not numbers.", fmt
    )


def test_r2_refuses_a_reference_split_of_one_row(tmp_path):
    with pytest.raises(ReferenceError, match="private split cannot be scored with r2"):
        run(
            tmp_path,
            {"kind": "regression", "metric": "r2"},
            "id,target,split\na,0,public\nb,3,public\nc,7,private\n",
            "id,prediction\na,0\nb,3\nc,7\n",
        )


@pytest.mark.parametrize("metric", ["r2", "mape", "smape", "rmse"])
def test_other_regression_metrics_accept_negative_predictions(tmp_path, metric):
    evaluation = run(
        tmp_path,
        {"kind": "regression", "metric": metric},
        REGRESSION_REFERENCE,
        "id,prediction\na,-5\nb,3\nc,-7\nd,1\n",
    )
    assert set(evaluation.scores) == {"public", "private"}
