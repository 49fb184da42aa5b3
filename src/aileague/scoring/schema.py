"""What a predictions file must contain, and how its reference is laid out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aileague.scoring.custom import CustomMetricSpec


class TaskKind(StrEnum):
    BINARY_PROBABILITY = "binary_probability"  # one probability column for the positive class
    BINARY_LABEL = "binary_label"  # one column holding 0 or 1
    MULTICLASS_LABEL = "multiclass_label"  # one column holding a label from a fixed set
    MULTICLASS_PROBABILITY = "multiclass_probability"  # one probability column per label
    REGRESSION = "regression"  # one numeric column
    TEXT = "text"  # one free-text column (translation, transcription)
    RANKING = "ranking"  # rows of (query id, item id, score): retrieval and recommendation
    DETECTION = "detection"  # rows of (image id, label, box, score): object detection


class SchemaError(ValueError):
    """A task definition is inconsistent (an organiser's mistake, not a participant's)."""


@dataclass(frozen=True)
class TaskSchema:
    """The contract between a scenario and its participants.

    The predictions file has ``id_column`` and ``prediction_column``; the hidden reference has
    ``id_column``, ``target_column`` and ``split_column`` (values ``public`` / ``private``).
    """

    kind: TaskKind
    metric: str
    id_column: str = "id"
    prediction_column: str = "prediction"
    target_column: str = "target"
    split_column: str = "split"
    labels: tuple[str, ...] = ()
    language: str | None = None  # target language of text tasks, for tokenisation
    item_column: str = "item"  # ranking tasks: the retrieved item's id
    #: ``metric: custom``: the organiser's metric (file, name, direction, limits).
    custom_metric: CustomMetricSpec | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskSchema:
        """Build from a scenario's stored ``task`` map, rejecting unknown keys and bad values."""
        known = {
            "kind",
            "metric",
            "id_column",
            "prediction_column",
            "target_column",
            "split_column",
            "labels",
            "language",
            "item_column",
            "custom_metric",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise SchemaError(
                f"unknown task keys: {', '.join(unknown)}; expected some of "
                f"{', '.join(sorted(known))}"
            )
        try:
            kind = TaskKind(data.get("kind", ""))
        except ValueError:
            raise SchemaError(
                f"task kind {data.get('kind')!r} is not one of "
                f"{', '.join(k.value for k in TaskKind)}"
            ) from None
        labels = tuple(str(label) for label in data.get("labels") or ())
        if len(set(labels)) != len(labels):
            raise SchemaError("task labels must be unique")
        from aileague.scoring.custom import CUSTOM, CustomMetricSpec, metric_for_schema

        custom_metric = None
        if data.get("metric") == CUSTOM:
            custom_metric = CustomMetricSpec.from_dict(data.get("custom_metric"))
        elif "custom_metric" in data:
            raise SchemaError("custom_metric applies only to tasks whose metric is custom")
        schema = cls(
            kind=kind,
            metric=str(data.get("metric", "")),
            id_column=str(data.get("id_column", "id")),
            prediction_column=str(data.get("prediction_column", "prediction")),
            target_column=str(data.get("target_column", "target")),
            split_column=str(data.get("split_column", "split")),
            labels=labels,
            language=data.get("language"),
            item_column=str(data.get("item_column", "item")),
            custom_metric=custom_metric,
        )
        from aileague.scoring.kinds import get_kind
        from aileague.scoring.metrics import known_metric_names

        try:
            metric = metric_for_schema(schema)
        except KeyError:
            raise SchemaError(
                f"metric {schema.metric!r} is not one of {', '.join(known_metric_names())}, "
                "or custom"
            ) from None
        if kind not in metric.kinds:
            raise SchemaError(
                f"metric {schema.metric!r} does not apply to {kind.value} tasks; it applies to "
                f"{', '.join(sorted(k.value for k in metric.kinds))}"
            )
        if schema.id_column == schema.prediction_column:
            raise SchemaError("id_column and prediction_column must differ")
        get_kind(kind).check_schema(schema)
        return schema

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind.value,
            "metric": self.metric,
            "id_column": self.id_column,
            "prediction_column": self.prediction_column,
            "target_column": self.target_column,
            "split_column": self.split_column,
        }
        if self.labels:
            data["labels"] = list(self.labels)
        if self.language:
            data["language"] = self.language
        if self.item_column != "item":
            data["item_column"] = self.item_column
        if self.custom_metric is not None:
            data["custom_metric"] = self.custom_metric.to_dict()
        return data
