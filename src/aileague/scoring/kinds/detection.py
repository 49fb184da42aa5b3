"""Object detection: boxes with a label and a confidence score per image.

Predictions: one row per detection, ``id_column, label, x, y, width, height, prediction_column``
(image id, one of the task's labels, a COCO box in pixels, a finite score). Reference: one row
per ground-truth box, ``id_column, label, x, y, width, height, split_column`` and optionally
``iscrowd`` (0/1); an image without objects has one row with empty label and box. The split is
per image. At most ``MAX_PER_IMAGE`` detections per image are scored (COCO's maxDets).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aileague.scoring.kinds.base import (
    Kind,
    ReferenceError,
    present_splits,
    split_column,
    split_per_group,
)
from aileague.scoring.kinds.tabular import encode_labels
from aileague.scoring.messages import register_messages
from aileague.scoring.metrics.base import Metric
from aileague.scoring.metrics.detection import AREA_RANGE, MAX_DETECTIONS
from aileague.scoring.schema import SchemaError, TaskKind, TaskSchema
from aileague.scoring.validation import (
    MAX_EXAMPLES,
    InvalidSubmission,
    Problem,
    examples_of,
    parse_numbers,
)

LABEL = "label"
BOX = ("x", "y", "width", "height")
CROWD = "iscrowd"
#: Detections kept per image, highest scores first (ties: label, then x, y, width, height).
MAX_PER_IMAGE = MAX_DETECTIONS

register_messages(
    {
        "unknown_images": {
            "en": "{count} row(s) belong to images that are not in the test set; remove them.",
            "zh-hans": "有 {count} 行属于不在测试集中的图像；请删除这些行。",
        },
        "negative_box_size": {
            "en": "{count} box(es) have a negative width or height; give boxes as x, y, width, "
            "height in pixels (x, y is the top-left corner).",
            "zh-hans": "有 {count} 个框的宽度或高度为负数；请以像素为单位按 x、y、宽度、高度"
            "给出框（x、y 为左上角）。",
        },
    }
)


@dataclass
class DetectionReference:
    images: pa.Array  # each image id once
    image_split: np.ndarray  # "public" / "private" per image
    image: np.ndarray  # per box: position of its image in ``images``
    label: np.ndarray  # per box: label code
    box: np.ndarray  # (boxes, 4) xywh
    crowd: np.ndarray  # per box

    @property
    def splits(self) -> list[str]:
        return present_splits(self.image_split)


@dataclass
class Detections:
    image: np.ndarray  # position of the image in the reference's ``images``
    label: np.ndarray
    box: np.ndarray
    score: np.ndarray


def _is_empty(values: pa.Array) -> np.ndarray:
    trimmed = pc.utf8_trim_whitespace(values)
    return np.asarray(pc.equal(pc.utf8_length(trimmed), 0).to_numpy(zero_copy_only=False))


def _sorted_codes(ids: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Each id once, in text order, and each row's position among them.

    COCO breaks ties in score between images by image id; ordered codes do the same here.
    """
    encoded = pc.dictionary_encode(ids)
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    position = np.empty(order.size, dtype=np.int64)
    position[order] = np.arange(order.size)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return encoded.dictionary.take(pa.array(order)), position[codes]


def _text(table: pa.Table, column: str) -> pa.Array:
    return table.column(column).combine_chunks()


class Detection(Kind):
    kind = TaskKind.DETECTION

    def check_schema(self, schema: TaskSchema) -> None:
        if not schema.labels:
            raise SchemaError("a detection task needs a 'labels' list (the object categories)")
        fixed = {LABEL, *BOX, CROWD}
        named = [schema.id_column, schema.prediction_column, schema.split_column]
        if len(set(named)) < 3 or fixed & set(named):
            raise SchemaError(
                "a detection task needs distinct id_column (image), prediction_column (score) "
                f"and split_column, none of them {', '.join(sorted(fixed))}"
            )

    def prediction_columns(self, schema: TaskSchema) -> list[str]:
        return [schema.id_column, LABEL, *BOX, schema.prediction_column]

    def reference_columns(self, schema: TaskSchema) -> list[str]:
        return [schema.id_column, LABEL, *BOX, schema.split_column]

    def load_reference(self, table: pa.Table, schema: TaskSchema, name: str) -> DetectionReference:
        split = split_column(table, schema, name)
        ids = _text(table, schema.id_column)
        if _is_empty(ids).any():
            first = np.flatnonzero(_is_empty(ids))[:1]
            raise ReferenceError.at_rows(name, first, f"empty {schema.id_column}")
        images, image = _sorted_codes(ids)
        image_split = split_per_group(image, split, ids, name, noun="image", article="an")
        objects = self._object_rows(table, name)
        box = self._reference_boxes(table, objects, name)
        label = encode_labels(_text(table, LABEL), schema.labels).astype(np.float64)
        unknown = objects & np.isnan(label)
        if unknown.any():
            first = np.flatnonzero(unknown)[:1]
            raise ReferenceError.at_rows(name, first, f"label outside {schema.labels}")
        crowd = self._crowd(table, objects, name)
        reference = DetectionReference(
            images=images,
            image_split=image_split,
            image=image[objects],
            label=label[objects].astype(np.int64),
            box=box[objects],
            crowd=crowd[objects],
        )
        self._check_scorable(reference, name)
        return reference

    def _object_rows(self, table: pa.Table, name: str) -> np.ndarray:
        """Rows holding a box; the others (empty label and box) declare an empty image."""
        empty = np.column_stack([_is_empty(_text(table, c)) for c in (LABEL, *BOX)])
        partial = empty.any(axis=1) & ~empty.all(axis=1)
        if partial.any():
            raise ReferenceError.at_rows(
                name,
                np.flatnonzero(partial)[:1],
                "give a label and all of x, y, width, height, or none of them for an image "
                "without objects",
            )
        return ~empty[:, 0]

    def _reference_boxes(self, table: pa.Table, objects: np.ndarray, name: str) -> np.ndarray:
        mask = pa.array(~objects)
        columns = []
        for column in BOX:
            filled = pc.if_else(mask, "0", _text(table, column))
            values, problems = parse_numbers(filled, column)
            if problems:
                raise ReferenceError.from_problem(name, problems[0])
            columns.append(values)
        box = np.column_stack(columns) if columns[0].size else np.empty((0, 4))
        # A box without area can never be matched (COCO's IoU is 0), whoever detects it.
        flat = objects & (box[:, 2:] <= 0).any(axis=1)
        if flat.any():
            first = np.flatnonzero(flat)[:1]
            raise ReferenceError.at_rows(name, first, "width and height must be > 0")
        return box

    def _crowd(self, table: pa.Table, objects: np.ndarray, name: str) -> np.ndarray:
        if CROWD not in table.column_names:
            return np.zeros(table.num_rows, dtype=bool)
        values = pc.utf8_trim_whitespace(_text(table, CROWD))
        flag = np.asarray(pc.equal(values, "1").to_numpy(zero_copy_only=False))
        valid = flag | np.asarray(
            pc.is_in(values, value_set=pa.array(["0", ""])).to_numpy(zero_copy_only=False)
        )
        if not valid.all():
            first = np.flatnonzero(~valid)[:1]
            raise ReferenceError.at_rows(name, first, f"{CROWD} must be 0 or 1")
        return flag & objects

    def _check_scorable(self, reference: DetectionReference, name: str) -> None:
        area = reference.box[:, 2] * reference.box[:, 3]
        regular = ~reference.crowd & (area >= AREA_RANGE[0]) & (area <= AREA_RANGE[1])
        for split in reference.splits:
            in_split = reference.image_split[reference.image] == split
            if not (regular & in_split).any():
                raise ReferenceError(
                    f"reference {name}: the {split} split has no box to detect "
                    "(only empty images or crowd regions)"
                )

    def load_predictions(
        self, table: pa.Table, schema: TaskSchema, reference: DetectionReference
    ) -> Detections:
        ids = _text(table, schema.id_column)
        problems: list[Problem] = []
        empty = _is_empty(ids)
        if empty.any():
            problems.append(examples_of(empty, ids, "empty_id", {}))
        position = pc.index_in(ids, value_set=reference.images)
        unknown = np.asarray(pc.is_null(position).to_numpy(zero_copy_only=False)) & ~empty
        if unknown.any():
            problems.append(examples_of(unknown, ids, "unknown_images", {}))
        raw_labels = _text(table, LABEL)
        label = encode_labels(raw_labels, schema.labels).astype(np.float64)
        if np.isnan(label).any():
            params = {"column": LABEL, "labels": ", ".join(schema.labels)}
            problems.append(examples_of(np.isnan(label), raw_labels, "unknown_label", params))
        columns = []
        for column in (*BOX, schema.prediction_column):
            values, number_problems = parse_numbers(_text(table, column), column)
            problems += number_problems
            columns.append(values)
        if columns[2].size == columns[3].size == table.num_rows:
            problems += self._negative_sizes(table, columns[2], columns[3])
        if problems:
            raise InvalidSubmission(problems)
        detections = Detections(
            image=position.to_numpy(zero_copy_only=False).astype(np.int64),
            label=label.astype(np.int64),
            box=np.column_stack(columns[:4]) if table.num_rows else np.empty((0, 4)),
            score=columns[4],
        )
        return self._top_per_image(detections)

    def _negative_sizes(self, table, width, height) -> list[Problem]:
        negative = (width < 0) | (height < 0)
        if not negative.any():
            return []
        rows = np.flatnonzero(negative)
        shown = rows[:MAX_EXAMPLES]
        w, h = _text(table, BOX[2]), _text(table, BOX[3])
        return [
            Problem(
                "negative_box_size",
                {"count": int(rows.size)},
                examples=[f"{w[int(row)]}, {h[int(row)]}" for row in shown],
                rows=[int(row) for row in shown],  # validate_table turns them into lines
            )
        ]

    def _top_per_image(self, d: Detections) -> Detections:
        """The MAX_PER_IMAGE best-scored detections of each image, in a row-order-free way."""
        x, y, w, h = d.box.T
        order = np.lexsort((h, w, y, x, d.label, -d.score, d.image))
        image = d.image[order]
        rank = np.arange(order.size) - np.searchsorted(image, image, side="left")
        kept = np.sort(order[rank < MAX_PER_IMAGE])
        return Detections(d.image[kept], d.label[kept], d.box[kept], d.score[kept])

    def score(
        self,
        metric: Metric,
        schema: TaskSchema,
        reference: DetectionReference,
        predictions: Detections,
        split: str,
    ) -> float:
        in_split = reference.image_split == split
        truths = in_split[reference.image]
        found = in_split[predictions.image]
        return metric(
            reference.image[truths],
            reference.label[truths],
            reference.box[truths],
            reference.crowd[truths],
            predictions.image[found],
            predictions.label[found],
            predictions.box[found],
            predictions.score[found],
        )


KINDS = [Detection()]
