"""Large files are matched and split in threads; the scores must be those of one thread."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from sklearn.metrics import f1_score, roc_auc_score

from aileague.scoring import TaskSchema, evaluate_file, parallel
from aileague.scoring.evaluate import _cached_reference
from aileague.scoring.validation import InvalidSubmission


def test_row_ranges_cover_every_row_once():
    for rows in (0, 1, 7, 10, 1001):
        for parts in (1, 2, 3, 4):
            ranges = parallel.row_ranges(rows, parts)
            covered = [row for start, stop in ranges for row in range(start, stop)]
            assert covered == list(range(rows))
            assert (
                max(stop - start for start, stop in ranges)
                - min(stop - start for start, stop in ranges)
                <= 1
            )


def test_small_inputs_stay_on_one_thread_and_large_ones_use_the_cores(monkeypatch):
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    assert parallel.thread_count(1000) == 1
    assert parallel.thread_count(10_000_000) == 2
    sizes = parallel.map_row_ranges(lambda start, stop: stop - start, 10_000_000)
    assert sizes == [5_000_000, 5_000_000]


def _files(tmp_path, rows: int, *, kind: str, seed: int = 4):
    rng = np.random.default_rng(seed)
    ids = [f"Q{i:06d}" for i in range(rows)]
    split = np.where(rng.random(rows) < 0.5, "public", "private")
    if kind == "binary_probability":
        target = rng.integers(0, 2, rows)
        prediction = (target * 0.2 + rng.random(rows) * 0.8).round(3)  # ties included
    else:
        target = np.array(["a", "b", "c"])[rng.integers(0, 3, rows)]
        prediction = np.where(rng.random(rows) < 0.7, target, "b")
    order = rng.permutation(rows)
    reference, predictions = tmp_path / "reference.csv", tmp_path / "predictions.csv"
    pacsv.write_csv(pa.table({"id": ids, "target": target, "split": split}), reference)
    table = pa.table({"id": pa.array(ids).take(order), "prediction": prediction[order]})
    pacsv.write_csv(table, predictions)
    return reference, predictions, target, prediction, split


@pytest.mark.parametrize(
    ("kind", "metric"), [("binary_probability", "roc_auc"), ("multiclass_label", "f1_macro")]
)
def test_a_shuffled_file_scores_the_same_in_threads_as_on_one(tmp_path, monkeypatch, kind, metric):
    reference, predictions, target, prediction, split = _files(tmp_path, 5000, kind=kind)
    task = {"kind": kind, "metric": metric, "labels": ["a", "b", "c"]}
    if kind == "binary_probability":
        del task["labels"]
    schema = TaskSchema.from_dict(task)
    one_thread = evaluate_file(predictions, reference, schema).scores
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ROWS", 64)  # every step in threads
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 3)
    _cached_reference.cache_clear()
    threaded = evaluate_file(predictions, reference, schema).scores
    assert threaded == one_thread
    for name in ("public", "private"):
        mask = split == name
        if metric == "roc_auc":
            expected = roc_auc_score(target[mask], prediction[mask])
        else:
            expected = f1_score(target[mask], prediction[mask], average="macro")
        assert threaded[name] == pytest.approx(expected, abs=1e-12)


def test_a_repeated_id_is_still_found_when_ids_are_matched_in_threads(tmp_path, monkeypatch):
    reference, predictions, *_ = _files(tmp_path, 3000, kind="binary_probability")
    lines = predictions.read_text().splitlines()
    lines[1500] = lines[10].split(",")[0] + ",0.5"  # an id twice, another one missing
    predictions.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ROWS", 64)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    schema = TaskSchema.from_dict({"kind": "binary_probability", "metric": "roc_auc"})
    with pytest.raises(InvalidSubmission) as caught:
        evaluate_file(predictions, reference, schema)
    codes = [problem.code for problem in caught.value.problems]
    assert codes == ["duplicate_id", "missing_ids"]


def test_numpy_and_polars_sort_the_auc_keys_alike():
    """Whichever sort ``_sorted`` picks on this CPU, the keys (and so the AUC) are the same."""
    from aileague.scoring.metrics import scores

    keys = np.random.default_rng(2).integers(0, 1 << 63, 200_000, dtype=np.uint64)
    keys[:1000] = keys[1000:2000]  # ties
    expected = np.sort(keys)
    assert np.array_equal(scores._numpy_sort(keys.copy()), expected)
    assert np.array_equal(scores._polars_sort(keys.copy()), expected)
    assert np.array_equal(scores._sorted(keys.copy()), expected)
