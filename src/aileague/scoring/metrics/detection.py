"""Object detection: COCO box mAP, computed as pycocotools' ``COCOeval`` (iouType ``bbox``).

Every function takes the reference first and the detections second, as flat aligned arrays::

    metric(true_image, true_label, true_box, true_crowd, image, label, box, score)

Boxes are ``(n, 4)`` arrays of ``x, y, width, height`` in pixels (COCO's xywh); ``true_crowd``
marks crowd regions (COCO ``iscrowd``); scores are any finite numbers, higher is more confident.
Image ids and labels are integers or strings. Preconditions (the detection kind checks them):
widths and heights ≥ 0, finite numbers, detections only on images of the reference.

The evaluation is COCO's for area range "all" and ``maxDets=100``:

- per image and label, detections are taken by score descending (at most 100) and greedily
  matched to the unmatched ground-truth box of highest IoU ≥ the threshold; boxes that are crowd
  regions (or larger than 10^10 px²) are matched only when no regular box is, never count as
  missed, and a detection matched to them counts neither way; a crowd region's IoU is the
  intersection over the detection's area, and it may absorb any number of detections;
- per label, precision is made monotone and read at the 101 recall points 0, 0.01, ..., 1;
- the average runs over IoU thresholds, recall points and the labels that have at least one
  regular ground-truth box (labels with none are left out, not counted as 0).

Ties in score are broken by x, y, width, height ascending within an image, then by image id, so
that the value never depends on row order; pycocotools uses the input order instead, and agrees
when the input is given in that order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aileague.scoring.metrics.base import Metric, register
from aileague.scoring.schema import TaskKind

# As pycocotools builds them (np.linspace, not np.arange: the thresholds must be bit-identical).
IOU_THRESHOLDS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
RECALL_THRESHOLDS = np.linspace(0.0, 1.0, int(np.round((1.0 - 0.0) / 0.01)) + 1, endpoint=True)
MAX_DETECTIONS = 100
AREA_RANGE = (0.0**2, 1e5**2)  # COCO's "all"; boxes outside it are ignored


def box_iou(box: np.ndarray, true_box: np.ndarray, crowd: np.ndarray) -> np.ndarray:
    """IoU of each detection box with the ground-truth box on the same row (xywh).

    For a crowd region the union is the detection's area, as in COCO.

    >>> box_iou(np.array([[0.0, 0, 2, 2], [0, 0, 2, 2]]), np.array([[1.0, 0, 2, 2], [1, 0, 2, 2]]),
    ...         np.array([False, True])).tolist()
    [0.3333333333333333, 0.5]
    """
    # Same operations, in the same order, as pycocotools' C bbIou: the thresholds compare
    # exactly, so a last-bit difference could flip a match.
    width = np.minimum(box[:, 2] + box[:, 0], true_box[:, 2] + true_box[:, 0]) - np.maximum(
        box[:, 0], true_box[:, 0]
    )
    height = np.minimum(box[:, 3] + box[:, 1], true_box[:, 3] + true_box[:, 1]) - np.maximum(
        box[:, 1], true_box[:, 1]
    )
    overlap = (width > 0) & (height > 0)
    intersection = np.where(overlap, width * height, 0.0)
    area = box[:, 2] * box[:, 3]
    union = np.where(crowd, area, area + true_box[:, 2] * true_box[:, 3] - intersection)
    return np.divide(intersection, union, out=np.zeros(box.shape[0]), where=overlap)


def _outside_area_range(box: np.ndarray) -> np.ndarray:
    area = box[:, 2] * box[:, 3]
    return (area < AREA_RANGE[0]) | (area > AREA_RANGE[1])


@dataclass
class _Groups:
    """Ground truths and detections sorted by (image, label) group, as COCO visits them."""

    n_labels: int
    true_order: np.ndarray  # ground truths: by group, regular before ignored, then by box
    true_group: np.ndarray  # (sorted) group of each ground truth
    true_ignored: np.ndarray  # (sorted)
    order: np.ndarray  # kept detections: by group, score descending, then by box
    group: np.ndarray  # (sorted) group of each kept detection
    rank: np.ndarray  # (sorted) 0-based rank within its group


def _codes(true_values, values) -> tuple[np.ndarray, np.ndarray, int]:
    true_values, values = np.asarray(true_values), np.asarray(values)
    if not values.size:
        values = values.astype(true_values.dtype)
    elif not true_values.size:
        true_values = true_values.astype(values.dtype)
    _, codes = np.unique(np.concatenate([true_values, values]), return_inverse=True)
    n = int(codes.max(initial=-1)) + 1
    return codes[: len(true_values)].astype(np.int64), codes[len(true_values) :], n


def _group(true_image, true_label, true_box, true_crowd, image, label, box, score, max_dets):
    true_i, pred_i, _ = _codes(np.asarray(true_image), np.asarray(image))
    true_l, pred_l, n_labels = _codes(np.asarray(true_label), np.asarray(label))
    true_group = true_i * n_labels + true_l
    ignored = np.asarray(true_crowd, dtype=bool) | _outside_area_range(true_box)
    x, y, w, h = true_box.T
    true_order = np.lexsort((true_crowd, h, w, y, x, ignored, true_group))
    group = pred_i * n_labels + pred_l
    x, y, w, h = box.T
    order = np.lexsort((h, w, y, x, -score, group))
    sorted_group = group[order]
    starts = np.searchsorted(sorted_group, sorted_group, side="left")
    rank = np.arange(order.size) - starts
    kept = rank < max_dets
    return _Groups(
        n_labels=n_labels,
        true_order=true_order,
        true_group=true_group[true_order],
        true_ignored=ignored[true_order],
        order=order[kept],
        group=sorted_group[kept],
        rank=rank[kept],
    )


def _pairs(g: _Groups):
    """Every (detection, ground truth) pair of a group, detections in matching-step order.

    Returns the detections in step order (rank, then group), their pairs' detection and ground
    truth positions, and where each step's pairs start.
    """
    step = np.lexsort((g.group, g.rank))
    det_group = g.group[step]
    first = np.searchsorted(g.true_group, det_group, side="left")
    count = np.searchsorted(g.true_group, det_group, side="right") - first
    pair_det = np.repeat(np.arange(step.size), count)
    pair_start = np.cumsum(count) - count
    pair_true = np.repeat(first - pair_start, count) + np.arange(pair_det.size)
    step_start = np.searchsorted(np.repeat(g.rank[step], count), np.arange(MAX_DETECTIONS + 2))
    return step, pair_det, pair_true, step_start


def _match(g: _Groups, true_box, true_crowd, box, thresholds: np.ndarray):
    """COCO's greedy matching, for all groups at once, one detection rank at a time.

    Returns, per threshold and kept detection (in ``g.order``), whether it is matched and
    whether it is ignored.
    """
    n = g.order.size
    step, pair_det, pair_true, step_start = _pairs(g)
    sorted_true_box = true_box[g.true_order]
    crowd = np.asarray(true_crowd, dtype=bool)[g.true_order]
    iou = box_iou(box[g.order][step][pair_det], sorted_true_box[pair_true], crowd[pair_true])
    regular = ~g.true_ignored[pair_true]
    # Within a detection's pairs, the last valid one in (regular, IoU, position) order is
    # COCO's choice: a regular box beats an ignored one, a higher IoU wins, a tie goes to the
    # later box.
    within = np.lexsort((pair_true, iou, regular, pair_det))
    pair_det, pair_true, iou = pair_det[within], pair_true[within], iou[within]
    thresholds = np.minimum(thresholds, 1 - 1e-10)[:, None]
    taken = np.zeros((thresholds.size, g.true_group.size), dtype=bool)
    matched = np.zeros((thresholds.size, n), dtype=bool)
    ignored = np.zeros((thresholds.size, n), dtype=bool)
    for start, end in zip(step_start[:-1], step_start[1:], strict=True):
        if start == end:
            continue
        truth = pair_true[start:end]
        valid = (iou[start:end] >= thresholds) & ~taken[:, truth]
        candidate = np.where(valid, np.arange(end - start), -1)
        segments = np.flatnonzero(np.diff(pair_det[start:end], prepend=-1))
        best = np.maximum.reduceat(candidate, segments, axis=1)
        t, d = np.nonzero(best >= 0)
        chosen = best[t, d]
        detection = pair_det[start + chosen]
        hit = truth[chosen]
        matched[t, detection] = True
        ignored[t, detection] = g.true_ignored[hit]
        stays = ~crowd[hit]
        taken[t[stays], hit[stays]] = True
    unmatched_outside = ~matched & _outside_area_range(box[g.order][step])[None, :]
    # Back from step order to ``g.order``.
    back = np.empty(n, dtype=np.int64)
    back[step] = np.arange(n)
    return matched[:, back], (ignored | unmatched_outside)[:, back]


def coco_precision(
    true_image,
    true_label,
    true_box,
    true_crowd,
    image,
    label,
    box,
    score,
    thresholds: np.ndarray = IOU_THRESHOLDS,
    max_dets: int = MAX_DETECTIONS,
) -> np.ndarray:
    """Interpolated precision, shaped (thresholds, 101 recall points, labels).

    A label without a regular ground-truth box has -1 (COCO's "absent"); labels are numbered
    in sorted order of the labels of both sides.

    >>> coco_precision([1], ["cat"], np.array([[0.0, 0, 10, 10]]), [False],
    ...                [1], ["cat"], np.array([[0.0, 0, 10, 9]]), np.array([0.9]),
    ...                thresholds=np.array([0.5, 0.95]))[:, 100, 0].tolist()
    [0.9999999999999998, 0.0]
    """
    true_box = np.asarray(true_box, dtype=np.float64).reshape(-1, 4)
    box = np.asarray(box, dtype=np.float64).reshape(-1, 4)
    score = np.asarray(score, dtype=np.float64)
    true_crowd = np.asarray(true_crowd, dtype=bool)
    if max_dets > MAX_DETECTIONS:
        raise ValueError(f"max_dets is at most {MAX_DETECTIONS}")
    g = _group(true_image, true_label, true_box, true_crowd, image, label, box, score, max_dets)
    matched, ignored = _match(g, true_box, true_crowd, box, np.asarray(thresholds))
    true_label_sorted = g.true_group % g.n_labels
    regular_count = np.bincount(true_label_sorted[~g.true_ignored], minlength=g.n_labels)
    # Accumulate per label over images: score descending, then image, then rank in the image.
    det_label, det_image = g.group % g.n_labels, g.group // g.n_labels
    accumulate = np.lexsort((g.rank, det_image, -score[g.order], det_label))
    det_label = det_label[accumulate]
    true_positive = (matched & ~ignored)[:, accumulate]
    false_positive = (~matched & ~ignored)[:, accumulate]
    bounds = np.searchsorted(det_label, np.arange(g.n_labels + 1))
    precision = -np.ones((len(thresholds), RECALL_THRESHOLDS.size, g.n_labels))
    for k in np.flatnonzero(regular_count):
        lo, hi = bounds[k], bounds[k + 1]
        precision[:, :, k] = _interpolated_precision(
            true_positive[:, lo:hi], false_positive[:, lo:hi], regular_count[k]
        )
    return precision


def _interpolated_precision(true_positive, false_positive, n_truths) -> np.ndarray:
    """COCO's 101-point precision for one label, per threshold (rows)."""
    tp = np.cumsum(true_positive, axis=1).astype(float)
    fp = np.cumsum(false_positive, axis=1).astype(float)
    recall = tp / n_truths
    precision = tp / (fp + tp + np.spacing(1))
    # The precision envelope: the best precision at this recall or any higher one.
    envelope = np.maximum.accumulate(precision[:, ::-1], axis=1)[:, ::-1]
    out = np.zeros((tp.shape[0], RECALL_THRESHOLDS.size))
    for t in range(tp.shape[0]):
        at = np.searchsorted(recall[t], RECALL_THRESHOLDS, side="left")
        reached = at < tp.shape[1]
        out[t, reached] = envelope[t, at[reached]]
    return out


def _mean_over_present_labels(precision: np.ndarray) -> float:
    present = precision[precision > -1]
    if not present.size:
        raise ValueError("COCO mAP needs at least one ground-truth box that is not a crowd region")
    return float(np.mean(present))


def coco_map_score(true_image, true_label, true_box, true_crowd, image, label, box, score):
    """COCO mAP@[.5:.95]: the mean precision over IoU thresholds 0.50, 0.55, ..., 0.95.

    pycocotools' ``COCOeval(..., "bbox").stats[0]``.

    >>> coco_map_score([1, 1], ["cat", "dog"], np.array([[0.0, 0, 10, 10], [20, 20, 5, 5]]),
    ...                [False, False], [1], ["cat"], np.array([[0.0, 0, 10, 9]]), np.array([0.9]))
    0.44999999999999996
    """
    return _mean_over_present_labels(
        coco_precision(true_image, true_label, true_box, true_crowd, image, label, box, score)
    )


def coco_map50_score(true_image, true_label, true_box, true_crowd, image, label, box, score):
    """COCO mAP at IoU 0.5 (pycocotools' ``stats[1]``; PASCAL VOC's threshold, COCO's method).

    >>> coco_map50_score([1, 1], ["cat", "dog"], np.array([[0.0, 0, 10, 10], [20, 20, 5, 5]]),
    ...                  [False, False], [1], ["cat"], np.array([[0.0, 0, 10, 9]]), np.array([0.9]))
    0.49999999999999994
    """
    precision = coco_precision(
        true_image,
        true_label,
        true_box,
        true_crowd,
        image,
        label,
        box,
        score,
        thresholds=IOU_THRESHOLDS[:1],
    )
    return _mean_over_present_labels(precision)


DETECTION = frozenset({TaskKind.DETECTION})
REFERENCE = "pycocotools.cocoeval.COCOeval"

register(Metric("map_coco", coco_map_score, True, 0.0, 1.0, DETECTION, REFERENCE))
register(Metric("map50", coco_map50_score, True, 0.0, 1.0, DETECTION, REFERENCE))
