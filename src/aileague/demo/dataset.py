"""A generated scenario data set and the helpers that format its columns as CSV text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Dataset:
    """One scenario's generated rows, already formatted as text.

    The first ``n_train`` rows are the training set, the rest the test set; rows are drawn
    independently, so that is a random split. ``baseline`` holds a simple model's predictions
    for the test rows, trained on the training rows only.
    """

    id_prefix: str
    features: dict[str, list[str]]
    target: list[str]
    n_train: int
    baseline: list[str]
    sample: str  # the value every row of sample_submission.csv holds

    @property
    def n_rows(self) -> int:
        return len(self.target)

    @property
    def n_test(self) -> int:
        return self.n_rows - self.n_train


def fmt(values: np.ndarray, decimals: int = 0) -> list[str]:
    """Format numbers with a fixed number of decimals (integers when ``decimals`` is 0)."""
    values = np.asarray(values, dtype=np.float64)
    if decimals == 0:
        return [str(int(v)) for v in np.rint(values)]
    return [f"{v:.{decimals}f}" for v in values]


def texts(values) -> list[str]:
    return [str(v) for v in values]


def logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))
