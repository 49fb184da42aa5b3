"""COCO box mAP agrees with pycocotools' COCOeval on generated ground truth and detections.

pycocotools breaks ties in score by input order; we break them by box (then image), so the
detections are handed to pycocotools in that order, and parity then holds with ties too.
"""

from __future__ import annotations

import contextlib
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from pycocotools import mask as coco_mask
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from aileague.scoring.metrics import get_metric
from aileague.scoring.metrics.detection import (
    IOU_THRESHOLDS,
    box_iou,
    coco_map50_score,
    coco_map_score,
)
from tests.scoring.examples.detection import detection_cases

TOLERANCE = 1e-9
FEW = settings(max_examples=100, deadline=None, database=None)

PARITY_TESTED = {"map_coco", "map50"}


def close(ours: float, reference: float) -> bool:
    return math.isclose(ours, reference, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def canonical(args):
    """Ground truth and detections sorted by image, label, then box: our tie-break order."""
    true_image, true_label, true_box, true_crowd, image, label, box, score = args
    x, y, w, h = true_box.T
    truth = np.lexsort((true_crowd, h, w, y, x, true_label, true_image))
    x, y, w, h = box.T
    found = np.lexsort((h, w, y, x, label, image))
    return tuple(a[truth] for a in args[:4]) + tuple(a[found] for a in args[4:])


def pycocotools_stats(true_image, true_label, true_box, true_crowd, image, label, box, score):
    """COCOeval's (mAP@[.5:.95], mAP@.5) for the same boxes, built in memory."""
    category = {name: n + 1 for n, name in enumerate(sorted(set(true_label) | set(label)))}
    truth = {
        "images": [{"id": int(i)} for i in sorted(set(true_image) | set(image))],
        "categories": [{"id": c} for c in category.values()],
        "annotations": [
            {
                "id": n + 1,
                "image_id": int(i),
                "category_id": category[c],
                "bbox": [float(v) for v in b],
                "area": float(b[2] * b[3]),
                "iscrowd": int(crowd),
            }
            for n, (i, c, b, crowd) in enumerate(
                zip(true_image, true_label, true_box, true_crowd, strict=True)
            )
        ],
    }
    detections = [
        {"image_id": int(i), "category_id": category[c], "bbox": [float(v) for v in b], "score": s}
        for i, c, b, s in zip(image, label, box, score.tolist(), strict=True)
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        ground = COCO()
        ground.dataset = truth
        ground.createIndex()
        if detections:
            results = ground.loadRes(detections)
        else:  # loadRes cannot take an empty list
            results = COCO()
            results.dataset = {**truth, "annotations": []}
            results.createIndex()
        evaluation = COCOeval(ground, results, "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return evaluation.stats[0], evaluation.stats[1]


def assert_parity(args):
    args = canonical(args)
    expected_map, expected_map50 = pycocotools_stats(*args)
    assert close(coco_map_score(*args), expected_map)
    assert close(coco_map50_score(*args), expected_map50)


@FEW
@given(detection_cases())
def test_coco_map_and_map50_equal_pycocotools_with_crowds_ties_and_empty_images(case):
    assert_parity(case)


@FEW
@given(detection_cases(ties=False))
def test_coco_map_equals_pycocotools_in_any_row_order_when_scores_are_distinct(case):
    # Without tied scores the input order cannot matter to either implementation.
    expected_map, expected_map50 = pycocotools_stats(*case)
    assert close(coco_map_score(*case), expected_map)
    assert close(coco_map50_score(*case), expected_map50)


def random_boxes(rng, n, size=100.0, largest=30.0):
    return np.column_stack(
        [
            rng.random(n) * size,
            rng.random(n) * size,
            rng.random(n) * largest,
            rng.random(n) * largest,
        ]
    )


@pytest.mark.parametrize("seed", range(4))
def test_only_the_hundred_best_detections_of_an_image_and_label_count_as_in_pycocotools(seed):
    rng = np.random.default_rng(seed)
    n_true, n_found = 60, 600
    args = (
        rng.integers(1, 3, n_true),
        rng.choice(["cat", "dog"], n_true),
        random_boxes(rng, n_true),
        rng.random(n_true) < 0.1,
        rng.integers(1, 3, n_found),
        rng.choice(["cat", "dog"], n_found),
        random_boxes(rng, n_found),
        rng.random(n_found),
    )
    assert_parity(args)
    image, label, score = args[4], args[5], args[7]
    order = np.lexsort((-score, label, image))
    group = image[order] * 2 + (label[order] == "dog")
    rank = np.arange(n_found) - np.searchsorted(group, group)
    assert rank.max() >= 100
    kept = np.sort(order[rank < 100])
    trimmed = args[:4] + tuple(value[kept] for value in args[4:])
    assert coco_map_score(*trimmed) == coco_map_score(*args)


def test_boxes_larger_than_coco_area_range_are_ignored_as_in_pycocotools():
    true_box = np.array([[0.0, 0, 2e5, 1e5], [0, 0, 10, 10]])
    box = np.array([[0.0, 0, 2e5, 1e5], [0, 0, 10, 10], [50, 50, 2e5, 1e5]])
    args = (
        np.array([1, 1]),
        np.array(["cat", "cat"]),
        true_box,
        np.array([False, False]),
        np.array([1, 1, 1]),
        np.array(["cat", "cat", "cat"]),
        box,
        np.array([0.9, 0.8, 0.95]),
    )
    assert_parity(args)
    # The huge box neither counts as missed nor, matched or not, as a false positive.
    assert coco_map50_score(*args) == pytest.approx(1.0, abs=1e-15)


def test_a_crowd_region_absorbs_any_number_of_detections_without_penalty():
    args = (
        np.array([1, 1]),
        np.array(["cat", "cat"]),
        np.array([[0.0, 0, 10, 10], [50, 50, 40, 40]]),
        np.array([False, True]),
        np.array([1, 1, 1, 1]),
        np.array(["cat"] * 4),
        np.array([[55.0, 55, 10, 10], [60, 60, 10, 10], [70, 70, 10, 10], [0, 0, 10, 10]]),
        np.array([0.9, 0.8, 0.7, 0.6]),
    )
    assert_parity(args)
    assert coco_map50_score(*args) == pytest.approx(1.0, abs=1e-15)


def test_a_regular_box_is_matched_before_a_crowd_region_of_higher_iou():
    # The detection covers the crowd region's IoU 1 (intersection over its own area) and the
    # regular box at IoU 0.75: COCO takes the regular box, which is then found.
    args = (
        np.array([1, 1]),
        np.array(["cat", "cat"]),
        np.array([[0.0, 0, 10, 10], [0, 0, 10, 6]]),
        np.array([True, False]),
        np.array([1]),
        np.array(["cat"]),
        np.array([[0.0, 0, 10, 8]]),
        np.array([0.9]),
    )
    assert_parity(args)
    assert coco_map50_score(*args) == pytest.approx(1.0, abs=1e-15)


def test_a_tie_in_iou_goes_to_the_later_box_as_in_pycocotools():
    # The first detection overlaps both boxes at IoU 0.5 and takes the later one (y = 1); the
    # second detection, exactly on that box, then finds it taken.
    args = (
        np.array([1, 1]),
        np.array(["cat", "cat"]),
        np.array([[0.0, 0, 2, 1], [0, 1, 2, 1]]),
        np.array([False, False]),
        np.array([1, 1]),
        np.array(["cat", "cat"]),
        np.array([[0.0, 0, 2, 2], [0, 1, 2, 1]]),
        np.array([0.9, 0.8]),
    )
    assert_parity(args)
    # Recall 1/2 at precision 1, then nothing more: 51 of the 101 recall points.
    assert coco_map50_score(*args) == pytest.approx(51 / 101, abs=1e-15)


def test_detections_on_an_image_without_objects_are_false_positives():
    truth = (np.array([1]), np.array(["cat"]), np.array([[0.0, 0, 10, 10]]), np.array([False]))
    found = (np.array([2, 1]), np.array(["cat", "cat"]), np.array([[0.0, 0, 10, 10]] * 2))
    args = (*truth, *found, np.array([0.9, 0.5]))
    assert_parity(args)
    # At recall 1 the precision is 1/2; the envelope gives 1/2 at every recall point.
    assert coco_map50_score(*args) == pytest.approx(0.5, abs=1e-15)


def test_a_label_without_ground_truth_is_left_out_of_the_mean():
    truth = (np.array([1]), np.array(["cat"]), np.array([[0.0, 0, 10, 10]]), np.array([False]))
    found = (np.array([1, 1]), np.array(["cat", "dog"]), np.array([[0.0, 0, 10, 10]] * 2))
    args = (*truth, *found, np.array([0.9, 0.9]))
    assert_parity(args)
    assert coco_map50_score(*args) == pytest.approx(1.0, abs=1e-15)


def test_ground_truth_of_crowd_regions_only_is_refused():
    truth = (np.array([1]), np.array(["cat"]), np.array([[0.0, 0, 10, 10]]), np.array([True]))
    found = (np.array([1]), np.array(["cat"]), np.array([[0.0, 0, 10, 10]]), np.array([0.9]))
    with pytest.raises(ValueError, match="not a crowd region"):
        coco_map_score(*truth, *found)
    assert pycocotools_stats(*truth, *found)[0] == -1  # pycocotools' "absent"


def test_box_iou_equals_pycocotools_bit_for_bit():
    rng = np.random.default_rng(7)
    box, true_box = random_boxes(rng, 300, 20, 15), random_boxes(rng, 40, 20, 15)
    crowd = rng.random(40) < 0.3
    expected = coco_mask.iou(box.tolist(), true_box.tolist(), crowd.astype(np.uint8).tolist())
    pairs = np.array([(d, g) for d in range(300) for g in range(40)])
    ours = box_iou(box[pairs[:, 0]], true_box[pairs[:, 1]], crowd[pairs[:, 1]])
    assert ours.tolist() == np.asarray(expected).ravel().tolist()


def test_iou_thresholds_are_those_of_pycocotools():
    with contextlib.redirect_stdout(io.StringIO()):
        params = COCOeval(iouType="bbox").params
    assert IOU_THRESHOLDS.tolist() == params.iouThrs.tolist()


def test_registry_names_the_two_coco_averages():
    assert get_metric("map_coco").func is coco_map_score
    assert get_metric("map50").func is coco_map50_score
