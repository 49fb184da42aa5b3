"""Free text per id (translation, transcription) in one of the league's languages.

Both sides are checked for Burmese in the Zawgyi encoding (refused: ``zawgyi_text`` for a
team's file, ``ReferenceError`` for the organiser's) and normalised to NFC. The task's
``language`` goes to every metric that segments words (``bleu``, ``chrf_pp``, ``wer``), and such a
task must name it.
"""

from __future__ import annotations

import numpy as np

from aileague.scoring.kinds.base import ReferenceError
from aileague.scoring.kinds.tabular import OneValuePerId
from aileague.scoring.metrics.base import METRICS
from aileague.scoring.metrics.text import takes_language
from aileague.scoring.schema import SchemaError, TaskKind, TaskSchema
from aileague.scoring.text import LANGUAGES, ZAWGYI, canonical_language, nfc, zawgyi_rows
from aileague.scoring.validation import examples_of


class Text(OneValuePerId):
    kind = TaskKind.TEXT

    def check_schema(self, schema: TaskSchema) -> None:
        try:
            canonical_language(schema.language)
        except ValueError as exc:
            raise SchemaError(str(exc)) from None
        metric = METRICS.get(schema.metric)  # None for a custom metric
        if not schema.language and metric is not None and takes_language(metric):
            raise SchemaError(
                f"metric {schema.metric!r} counts words, which depends on the language: give "
                f"the text task a 'language' (one of {', '.join(LANGUAGES)})"
            )

    def parse_target(self, raw, schema, name, split):
        values = raw.to_pylist()
        zawgyi = zawgyi_rows(values)
        if zawgyi.any():
            raise ReferenceError.at_rows(
                name,
                np.flatnonzero(zawgyi),
                "Burmese in the Zawgyi encoding; convert the reference to Unicode",
            )
        empty = np.array([not value.strip() for value in values], dtype=bool)
        if empty.any():
            raise ReferenceError.at_rows(name, np.flatnonzero(empty), "empty target text")
        return nfc(values)

    def parse_values(self, raw, schema):
        values = raw.to_pylist()
        zawgyi = zawgyi_rows(values)
        if zawgyi.any():
            return None, [examples_of(zawgyi, raw, ZAWGYI, {"column": schema.prediction_column})]
        return nfc(values), []

    def reorder(self, values, order):
        return [values[i] for i in order]

    def score(self, metric, schema, reference, predictions, split):
        rows = np.flatnonzero(reference.mask(split))
        kwargs = {"language": schema.language} if takes_language(metric) else {}
        return metric([reference.target[i] for i in rows], [predictions[i] for i in rows], **kwargs)


KINDS = [Text()]
