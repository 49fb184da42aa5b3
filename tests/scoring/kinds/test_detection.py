"""Detection files, end to end through evaluate_file: scores per split and every problem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aileague.scoring import InvalidSubmission, SchemaError, TaskSchema, evaluate_file
from aileague.scoring.kinds import ReferenceError
from tests.scoring.reference_formats import FORMATS, placed, write_reference
from tests.scoring.test_metrics_detection import pycocotools_stats

HEADER = "id,label,x,y,width,height,split,iscrowd\n"
TASK = {"kind": "detection", "metric": "map_coco", "labels": ["cat", "dog"]}
REFERENCE = (
    "id,label,x,y,width,height,split,iscrowd\n"
    "1,cat,0,0,10,10,public,0\n"
    "1,dog,20,20,5,5,public,0\n"
    "2,,,,,,public,\n"  # an image without objects
    "3,cat,0,0,10,10,private,0\n"
    "3,cat,50,50,40,40,private,1\n"  # a crowd region
)
PREDICTIONS = (
    "id,label,x,y,width,height,prediction\n"
    "1,cat,0,0,10,9,0.9\n"
    "2,cat,1,1,3,3,0.5\n"
    "3,cat,0,0,10,10,0.8\n"
    "3,cat,55,55,10,10,0.7\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def run(tmp_path, predictions: str, reference: str = REFERENCE, fmt: str = "csv", **task):
    return evaluate_file(
        write(tmp_path / "predictions.csv", predictions),
        write_reference(tmp_path, reference, fmt),
        TaskSchema.from_dict({**TASK, **task}),
    )


def problems_of(tmp_path, predictions: str, **task) -> list[dict]:
    with pytest.raises(InvalidSubmission) as raised:
        run(tmp_path, predictions, **task)
    return [
        {key: problem.as_dict()[key] for key in ("code", "params", "lines", "examples")}
        for problem in raised.value.problems
    ]


def boxes(*rows):
    return np.array(rows, dtype=np.float64)


# The same boxes, split by split, as pycocotools sees them.
PUBLIC = (
    [1, 1], ["cat", "dog"], boxes([0, 0, 10, 10], [20, 20, 5, 5]), [False, False],
    [1, 2], ["cat", "cat"], boxes([0, 0, 10, 9], [1, 1, 3, 3]), np.array([0.9, 0.5]),
)  # fmt: skip
PRIVATE = (
    [3, 3], ["cat", "cat"], boxes([0, 0, 10, 10], [50, 50, 40, 40]), [False, True],
    [3, 3], ["cat", "cat"], boxes([0, 0, 10, 10], [55, 55, 10, 10]), np.array([0.8, 0.7]),
)  # fmt: skip


@pytest.mark.parametrize(("metric", "stat"), [("map_coco", 0), ("map50", 1)])
def test_a_detection_file_is_scored_per_split_as_pycocotools_scores_it(tmp_path, metric, stat):
    evaluation = run(tmp_path, PREDICTIONS, metric=metric)
    assert evaluation.scores == {
        "public": pycocotools_stats(*PUBLIC)[stat],
        "private": pycocotools_stats(*PRIVATE)[stat],
    }
    # Public: the cat is found at IoU 0.9 (9 of 10 thresholds), the dog is missed, and the
    # detection on the empty image is a false positive after it. Private: the crowd region
    # absorbs the second detection.
    assert evaluation.scores == pytest.approx(
        {"public": [0.45, 0.5][stat], "private": 1.0}, abs=1e-15
    )


def test_the_order_of_the_rows_does_not_change_the_scores(tmp_path):
    lines = PREDICTIONS.splitlines()
    shuffled = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    assert run(tmp_path, shuffled).scores == run(tmp_path, PREDICTIONS).scores


def test_a_tie_in_score_between_images_goes_to_the_image_id_first_in_text_order(tmp_path):
    # Listed b before a in the reference; the miss on a still comes before the hit on b, as
    # COCO orders tied detections by image id.
    reference = HEADER + "b,cat,0,0,10,10,public,0\na,cat,0,0,10,10,public,0\n"
    predictions = "id,label,x,y,width,height,prediction\nb,cat,0,0,10,10,0.5\na,cat,50,50,5,5,0.5\n"
    evaluation = run(tmp_path, predictions, reference, metric="map50")
    # Recall 1/2 reached at precision 1/2: half of 51 of the 101 recall points.
    assert evaluation.scores == pytest.approx({"public": 25.5 / 101}, abs=1e-15)
    truth = ([2, 1], ["cat", "cat"], boxes([0, 0, 10, 10], [0, 0, 10, 10]), [False, False])
    found = ([1, 2], ["cat", "cat"], boxes([50, 50, 5, 5], [0, 0, 10, 10]), np.array([0.5, 0.5]))
    assert evaluation.scores["public"] == pycocotools_stats(*truth, *found)[1]


def test_an_image_may_have_no_detections(tmp_path):
    evaluation = run(tmp_path, "id,label,x,y,width,height,prediction\n1,cat,0,0,10,10,1\n")
    # The cat of the public split is found; the private split has no detections at all.
    assert evaluation.scores == pytest.approx({"public": 0.5, "private": 0.0}, abs=1e-15)


def test_only_the_hundred_best_scored_detections_of_an_image_count(tmp_path):
    header = "id,label,x,y,width,height,prediction\n"
    misses = "".join(f"1,dog,{60 + n},60,5,5,0.9\n" for n in range(99))
    hit = "1,cat,0,0,10,10,0.1\n3,cat,0,0,10,10,1\n"
    kept = run(tmp_path, header + misses + hit).scores["public"]
    dropped = run(tmp_path, header + misses + "1,dog,70,70,5,5,0.95\n" + hit).scores["public"]
    # With 100 detections on image 1 the cat is found (AP 1 for cat, 0 for dog); one more
    # better-scored detection pushes it out of the 100 kept.
    assert (kept, dropped) == (pytest.approx(0.5, abs=1e-15), 0.0)


def test_every_problem_of_a_detection_file_is_reported_at_once(tmp_path):
    predictions = (
        "id,label,x,y,width,height,prediction\n"
        "9,cat,0,0,10,9,0.9\n"  # line 2: unknown image
        "2,cow,1,1,3,3,0.5\n"  # line 3: unknown label
        "3,cat,0,0,-10,10,0.8\n"  # line 4: negative width
        "3,cat,55,a,10,10,inf\n"  # line 5: not a number, infinite score
        ",cat,1,1,1,1,0.1\n"  # line 6: empty image id
    )
    assert problems_of(tmp_path, predictions) == [
        {"code": "empty_id", "params": {"count": 1}, "lines": [6], "examples": [""]},
        {"code": "unknown_images", "params": {"count": 1}, "lines": [2], "examples": ["9"]},
        {
            "code": "unknown_label",
            "params": {"column": "label", "labels": "cat, dog", "count": 1},
            "lines": [3],
            "examples": ["cow"],
        },
        {
            "code": "not_a_number",
            "params": {"column": "y", "count": 1},
            "lines": [5],
            "examples": ["a"],
        },
        {
            "code": "not_finite",
            "params": {"column": "prediction", "count": 1},
            "lines": [5],
            "examples": ["inf"],
        },
        {
            "code": "negative_box_size",
            "params": {"count": 1},
            "lines": [4],
            "examples": ["-10, 10"],
        },
    ]


@pytest.mark.parametrize(("fmt", "lines", "params"), [
    ("csv", [3], {"count": 1}),
    ("jsonl", [2], {"count": 1}),
    ("parquet", [2], {"count": 1, "unit": "row"}),
])  # fmt: skip
def test_negative_box_sizes_are_placed_in_the_file_whatever_its_format(
    tmp_path, fmt, lines, params
):
    predictions = PREDICTIONS.replace("2,cat,1,1,3,3", "2,cat,1,1,3,-3")
    with pytest.raises(InvalidSubmission) as raised:
        evaluate_file(
            write_reference(tmp_path, predictions, fmt, stem="predictions"),
            write(tmp_path / "reference.csv", REFERENCE),
            TaskSchema.from_dict(TASK),
        )
    [problem] = raised.value.problems
    assert (problem.code, problem.params, problem.lines) == ("negative_box_size", params, lines)


def test_detection_problem_messages_exist_in_english_and_chinese(tmp_path):
    with pytest.raises(InvalidSubmission) as raised:
        run(tmp_path, "id,label,x,y,width,height,prediction\n9,cat,0,0,1,1,1\n1,cat,0,0,1,-1,1\n")
    messages = {p.code: (p.message("en"), p.message("zh-hans")) for p in raised.value.problems}
    assert messages == {
        "unknown_images": (
            "1 row(s) belong to images that are not in the test set; remove them.",
            "有 1 行属于不在测试集中的图像；请删除这些行。",
        ),
        "negative_box_size": (
            "1 box(es) have a negative width or height; give boxes as x, y, width, height in "
            "pixels (x, y is the top-left corner).",
            "有 1 个框的宽度或高度为负数；请以像素为单位按 x、y、宽度、高度"
            "给出框（x、y 为左上角）。",
        ),
    }


def test_a_detection_file_needs_the_box_columns(tmp_path):
    assert [p["code"] for p in problems_of(tmp_path, "id,label,x,y,prediction\n")] == [
        "missing_column",
        "missing_column",
    ]


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        (
            HEADER + "1,cat,0,0,10,10,public,0\n1,dog,0,0,5,5,private,0\n",
            "reference reference.csv line 3: image 1 is in both splits; an image's rows must "
            "all be in one split",
        ),
        (
            HEADER + "1,cat,0,0,,10,public,0\n",
            "reference reference.csv line 2: give a label and all of x, y, width, height, or "
            "none of them for an image without objects",
        ),
        (
            HEADER + "1,cat,0,0,0,10,public,0\n",
            "reference reference.csv line 2: width and height must be > 0",
        ),
        (
            HEADER + "1,cow,0,0,5,10,public,0\n",
            "reference reference.csv line 2: label outside ('cat', 'dog')",
        ),
        (
            HEADER + "1,cat,0,0,5,10,public,2\n",
            "reference reference.csv line 2: iscrowd must be 0 or 1",
        ),
        (
            HEADER + "1,cat,0,0,5,10,public,1\n2,,,,,,public,\n",
            "reference reference.csv: the public split has no box to detect (only empty "
            "images or crowd regions)",
        ),
        (
            HEADER + "1,cat,0,0,5,10,public,0\n,cat,0,0,5,10,public,0\n",
            "reference reference.csv line 3: empty id",
        ),
        (
            HEADER + "1,cat,0,0,5,10,public,0\n1,cat,0,x,5,10,public,0\n",
            "reference reference.csv line 3: 1 value(s) in 'y' are not numbers.",
        ),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_broken_detection_reference_is_the_organisers_error(tmp_path, reference, message, fmt):
    with pytest.raises(ReferenceError) as raised:
        run(tmp_path, PREDICTIONS, reference, fmt)
    assert str(raised.value) == placed(message, fmt)


def test_the_iscrowd_column_of_the_reference_is_optional(tmp_path):
    reference = "id,label,x,y,width,height,split\n1,cat,0,0,10,10,public\n"
    evaluation = run(
        tmp_path, "id,label,x,y,width,height,prediction\n1,cat,0,0,10,10,1\n", reference
    )
    assert evaluation.scores == pytest.approx({"public": 1.0}, abs=1e-15)


def test_a_detection_task_needs_labels():
    with pytest.raises(SchemaError, match="needs a 'labels' list"):
        TaskSchema.from_dict({"kind": "detection", "metric": "map50"})
