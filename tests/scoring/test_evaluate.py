"""One read of a predictions file scores it on every split of the reference, for every kind."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from aileague.scoring import TaskSchema, evaluate_file
from aileague.scoring.evaluate import ReferenceError, load_reference
from aileague.scoring.metrics import chrf_signature
from tests.scoring.reference_formats import FORMATS, placed, write_reference


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def run(tmp_path, task: dict, reference: str, predictions: str):
    return evaluate_file(
        write(tmp_path / "predictions.csv", predictions),
        write(tmp_path / "reference.csv", reference),
        TaskSchema.from_dict(task),
    )


def test_binary_file_is_scored_on_the_public_and_the_private_split(tmp_path):
    evaluation = run(
        tmp_path,
        {"kind": "binary_probability", "metric": "roc_auc"},
        "id,target,split\n1,1,public\n2,0,public\n3,1,private\n4,0,private\n5,1,private\n",
        "id,prediction\n1,0.9\n2,0.1\n3,0.2\n4,0.5\n5,0.7\n",
    )
    assert evaluation.scores == {"public": 1.0, "private": 0.5}
    assert (evaluation.metric, evaluation.scorer_version, evaluation.signature) == (
        "roc_auc",
        "1",
        "roc_auc|scorer:1",
    )
    assert evaluation.rows == 5


def test_reference_with_only_a_public_split_gives_only_a_public_score(tmp_path):
    evaluation = run(
        tmp_path,
        {"kind": "binary_probability", "metric": "log_loss"},
        "id,target,split\n1,1,public\n2,0,public\n",
        "id,prediction\n1,1\n2,0\n",
    )
    assert list(evaluation.scores) == ["public"]


def test_regression_file_is_scored_with_rmse_per_split(tmp_path):
    evaluation = run(
        tmp_path,
        {"kind": "regression", "metric": "rmse"},
        "id,target,split\na,1.0,public\nb,2.0,public\nc,3.0,private\n",
        "id,prediction\na,1.5\nb,2.5\nc,1\n",
    )
    assert evaluation.scores == {"public": 0.5, "private": 2.0}


def test_multiclass_file_is_scored_with_macro_f1_over_present_labels(tmp_path):
    evaluation = run(
        tmp_path,
        {"kind": "multiclass_label", "metric": "f1_macro", "labels": ["cat", "dog", "eel"]},
        "id,target,split\n1,cat,public\n2,dog,public\n3,eel,private\n4,cat,private\n",
        "id,prediction\n1,cat\n2,dog\n3,eel\n4,dog\n",
    )
    # Private: eel is right (F1 1), cat is missed (0), dog is wrongly predicted (0).
    assert evaluation.scores == {"public": 1.0, "private": 1 / 3}


def test_text_file_is_scored_with_chrf_and_the_sacrebleu_signature(tmp_path):
    evaluation = run(
        tmp_path,
        {"kind": "text", "metric": "chrf", "language": "th"},
        "id,target,split\n1,สวัสดีครับ,public\n2,你好世界,private\n",
        "id,prediction\n1,สวัสดีครับ\n2,你好世界\n",
    )
    assert evaluation.scores == {"public": 100.0, "private": 100.0}
    assert evaluation.signature == chrf_signature()


def test_text_in_another_unicode_normal_form_still_matches_itself(tmp_path):
    # Vietnamese typed on some keyboards arrives decomposed (NFD); both sides are normalised.
    decomposed = unicodedata.normalize("NFD", "Tiếng Việt")
    composed = unicodedata.normalize("NFC", "Tiếng Việt")
    evaluation = run(
        tmp_path,
        {"kind": "text", "metric": "chrf"},
        f"id,target,split\n1,{decomposed},public\n2,{composed},private\n",
        f"id,prediction\n1,{decomposed}\n2,{decomposed}\n",
    )
    assert evaluation.scores == {"public": 100.0, "private": 100.0}


def test_an_edited_reference_is_read_again(tmp_path):
    task = {"kind": "binary_probability", "metric": "roc_auc"}
    predictions = "id,prediction\n1,0.9\n2,0.1\n"
    first = run(tmp_path, task, "id,target,split\n1,1,public\n2,0,public\n", predictions)
    reference = write(tmp_path / "reference.csv", "id,target,split\n1,0,public\n2,1,public\n")
    stat = reference.stat()
    os.utime(reference, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = evaluate_file(tmp_path / "predictions.csv", reference, TaskSchema.from_dict(task))
    assert (first.scores, second.scores) == ({"public": 1.0}, {"public": 0.0})


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        (
            "id,target,split\na,1,public\nb,1,public\nc,0,private\nd,1,private\n",
            "reference reference.csv: the public split needs both classes (0 and 1)",
        ),
        (
            "id,target,split\na,1,public\nb,0,public\nc,2,private\nd,1,private\n",
            "reference reference.csv: binary targets must be 0 or 1",
        ),
    ],
)
def test_a_binary_reference_needs_both_classes_of_0_and_1_in_each_split(
    tmp_path, reference, message
):
    path = tmp_path / "reference.csv"
    path.write_text(reference)
    schema = TaskSchema.from_dict({"kind": "binary_probability", "metric": "roc_auc"})
    with pytest.raises(ReferenceError) as raised:
        load_reference(path, schema)
    assert str(raised.value) == message


def test_placed_moves_the_lines_of_a_csv_message_to_the_format():
    message = "reference reference.csv lines 3, 5 and 2 more: empty target text"
    assert [placed(message, fmt) for fmt in FORMATS] == [
        message,
        "reference reference.jsonl lines 2, 4 and 2 more: empty target text",
        "reference reference.parquet rows 2, 4 and 2 more: empty target text",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_split_is_placed_in_the_reference_whatever_its_format(tmp_path, fmt):
    reference = "id,target,split\n1,1,public\n2,0,public\n3,1,test\n"
    schema = TaskSchema.from_dict({"kind": "binary_probability", "metric": "roc_auc"})
    with pytest.raises(ReferenceError) as raised:
        load_reference(write_reference(tmp_path, reference, fmt), schema)
    assert str(raised.value) == placed(
        "reference reference.csv line 4: split must be 'public' or 'private'", fmt
    )


def test_a_reference_problem_is_placed_on_its_line_past_blank_lines_and_line_breaks(tmp_path):
    # The kinds count table rows; the reader knows the line each row starts on.
    reference = 'id,target,split\n1,1,public\n\n2,"0\n",public\n\n3,1,test\n'
    schema = TaskSchema.from_dict({"kind": "binary_probability", "metric": "roc_auc"})
    with pytest.raises(ReferenceError) as raised:
        load_reference(write(tmp_path / "reference.csv", reference), schema)
    assert str(raised.value) == (
        "reference reference.csv line 7: split must be 'public' or 'private'"
    )


def test_a_reference_error_names_table_rows_until_the_reader_places_them():
    error = ReferenceError.at_rows("r.csv", [4], "empty item")
    assert str(error) == "reference r.csv row 5: empty item"
    located = error.located(lambda rows: [row + 2 for row in rows], "line")
    assert (str(located), located.at) == ("reference r.csv line 6: empty item", error.at)


def test_a_problem_in_a_numeric_column_quotes_the_value_as_written(tmp_path):
    # The column is first read as numbers; a file with a problem is read again as text.
    from aileague.scoring.validation import InvalidSubmission

    with pytest.raises(InvalidSubmission) as caught:
        run(
            tmp_path,
            {"kind": "binary_probability", "metric": "roc_auc"},
            "id,target,split\n1,1,public\n2,0,public\n3,1,private\n4,0,private\n",
            "id,prediction\n1,0.9\n2,1.50\n3,0.2\n4,1E+1\n",
        )
    (problem,) = caught.value.problems
    assert (problem.code, problem.lines, problem.examples) == (
        "probability_out_of_range",
        [3, 5],
        ["1.50", "1E+1"],
    )


@pytest.mark.parametrize("metric", ["log_loss", "roc_auc", "average_precision"])
@pytest.mark.parametrize("prefix", ["R", "", "sample-"])
def test_a_file_scores_the_same_in_any_row_order(tmp_path, prefix, metric):
    import numpy as np

    rng = np.random.default_rng(11)
    n = 3000
    ids = [f"{prefix}{i:07d}" for i in range(n)]
    target = rng.integers(0, 2, n)
    split = np.where(rng.random(n) < 0.5, "public", "private")
    score = rng.random(n).round(3)
    reference = "id,target,split\n" + "".join(
        f"{i},{t},{s}\n" for i, t, s in zip(ids, target, split, strict=True)
    )
    rows = [f"{i},{p}\n" for i, p in zip(ids, score, strict=True)]
    task = {"kind": "binary_probability", "metric": metric}
    same = run(tmp_path, task, reference, "id,prediction\n" + "".join(rows))
    shuffled = [rows[i] for i in rng.permutation(n)]
    other = run(tmp_path, task, reference, "id,prediction\n" + "".join(shuffled))
    assert other.scores == same.scores


@pytest.mark.parametrize(
    ("kind", "metric"),
    [
        ("multiclass_label", "f1_macro"),
        ("multiclass_label", "quadratic_weighted_kappa"),
        ("multiclass_probability", "roc_auc_ovr"),
        ("multiclass_probability", "log_loss"),
    ],
)
def test_a_shuffled_multiclass_file_scores_like_scikit_learn_on_each_split(tmp_path, kind, metric):
    """Shuffled files are scored in their own order (metrics exact in any order) or put in the
    reference's (the others); either way each split's score is scikit-learn's."""
    import numpy as np
    from sklearn import metrics as sk

    rng = np.random.default_rng(3)
    n, labels = 2000, ["cat", "dog", "emu"]
    truth = rng.integers(0, 3, n)
    public = rng.random(n) < 0.4
    probabilities = rng.dirichlet([1, 1, 1], n).round(6)
    probabilities[:, 2] = (1 - probabilities[:, 0] - probabilities[:, 1]).round(6)
    guess = np.where(rng.random(n) < 0.6, truth, rng.integers(0, 3, n))
    reference = "id,target,split\n" + "".join(
        f"x{i},{labels[t]},{'public' if p else 'private'}\n"
        for i, (t, p) in enumerate(zip(truth, public, strict=True))
    )
    if kind == "multiclass_label":
        header, rows = "id,prediction\n", [f"x{i},{labels[g]}\n" for i, g in enumerate(guess)]
    else:
        header = "id," + ",".join(labels) + "\n"
        rows = [
            f"x{i}," + ",".join(f"{v:.6f}" for v in row) + "\n"
            for i, row in enumerate(probabilities)
        ]
    shuffled = [rows[i] for i in rng.permutation(n)]
    task = {"kind": kind, "metric": metric, "labels": labels}
    result = run(tmp_path, task, reference, header + "".join(shuffled))
    for split, mask in (("public", public), ("private", ~public)):
        if metric == "f1_macro":
            expected = sk.f1_score(truth[mask], guess[mask], average="macro")
        elif metric == "quadratic_weighted_kappa":
            expected = sk.cohen_kappa_score(truth[mask], guess[mask], weights="quadratic")
        elif metric == "roc_auc_ovr":
            expected = sk.roc_auc_score(truth[mask], probabilities[mask], multi_class="ovr")
        else:
            expected = sk.log_loss(truth[mask], probabilities[mask], labels=[0, 1, 2])
        assert result.scores[split] == pytest.approx(expected, abs=1e-9)
