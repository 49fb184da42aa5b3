"""Free text per id (translation, transcription), normalised to NFC on both sides."""

from __future__ import annotations

import unicodedata

import numpy as np

from aileague.scoring.kinds.tabular import OneValuePerId
from aileague.scoring.schema import TaskKind


def nfc(values: list[str]) -> list[str]:
    return [unicodedata.normalize("NFC", value) for value in values]


class Text(OneValuePerId):
    kind = TaskKind.TEXT

    def parse_target(self, raw, schema, name, split):
        return nfc(raw.to_pylist())

    def parse_values(self, raw, schema):
        return nfc(raw.to_pylist()), []

    def reorder(self, values, order):
        return [values[i] for i in order]

    def score(self, metric, schema, reference, predictions, split):
        rows = np.flatnonzero(reference.mask(split))
        return metric([reference.target[i] for i in rows], [predictions[i] for i in rows])

KINDS = [Text()]
