"""Deliberately simple models that produce each demo scenario's baseline predictions.

Each is what a participant might try in the first hour: a linear model on the numeric columns,
a nearest-centroid bag of words, a translation memory. They beat chance clearly and leave
plenty of room for a better model. Pure numpy, deterministic.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from aileague.demo.dataset import logistic


def _standardise(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale columns by the training mean and deviation, and prepend an intercept column."""
    mean = train.mean(axis=0)
    std = train.std(axis=0)
    std[std == 0] = 1.0

    def with_intercept(matrix: np.ndarray) -> np.ndarray:
        return np.column_stack([np.ones(matrix.shape[0]), (matrix - mean) / std])

    return with_intercept(train), with_intercept(test)


def least_squares(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """Ordinary least squares with an intercept."""
    a_train, a_test = _standardise(x_train, x_test)
    coef, *_ = np.linalg.lstsq(a_train, y_train, rcond=None)
    return a_test @ coef


def logistic_regression(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    *,
    l2: float = 1e-2,
    iterations: int = 30,
) -> np.ndarray:
    """Probabilities from an L2-regularised logistic regression fitted by Newton's method."""
    a_train, a_test = _standardise(x_train, x_test)
    y = np.asarray(y_train, dtype=np.float64)
    w = np.zeros(a_train.shape[1])
    penalty = l2 * np.eye(w.size)
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(iterations):
        p = logistic(a_train @ w)
        gradient = a_train.T @ (p - y) + penalty @ w
        hessian = (a_train * (p * (1 - p))[:, None]).T @ a_train + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return logistic(a_test @ w)


def _bag_of_words(docs: list[list[str]], vocabulary: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(docs), len(vocabulary)))
    for row, tokens in enumerate(docs):
        for token in tokens:
            column = vocabulary.get(token)
            if column is not None:
                matrix[row, column] += 1.0
    return matrix


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def nearest_centroid(
    train_texts: list[str], train_labels: list[str], test_texts: list[str], labels: tuple[str, ...]
) -> list[str]:
    """Label by cosine similarity to each label's mean bag of space-separated, lower-case words.

    Texts with no known word get the most common training label.
    """
    tokenise = lambda text: text.lower().split()  # noqa: E731
    train_docs = [tokenise(text) for text in train_texts]
    vocabulary: dict[str, int] = {}
    for tokens in train_docs:
        for token in tokens:
            vocabulary.setdefault(token, len(vocabulary))
    train_matrix = _unit_rows(_bag_of_words(train_docs, vocabulary))
    codes = np.array([labels.index(label) for label in train_labels])
    centroids = np.vstack([train_matrix[codes == k].mean(axis=0) for k in range(len(labels))])
    similarity = (
        _unit_rows(_bag_of_words([tokenise(t) for t in test_texts], vocabulary))
        @ _unit_rows(centroids).T
    )
    most_common = Counter(train_labels).most_common(1)[0][0]
    predicted = [labels[k] for k in similarity.argmax(axis=1)]
    known = similarity.max(axis=1) > 0
    return [label if ok else most_common for label, ok in zip(predicted, known, strict=True)]


def _char_bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def translation_memory(
    train_sources: list[str], train_targets: list[str], test_sources: list[str]
) -> list[str]:
    """Translate each sentence by the target of the most similar training source.

    Similarity is the cosine of character-bigram counts, which works without word segmentation.
    """
    train_docs = [_char_bigrams(text) for text in train_sources]
    vocabulary: dict[str, int] = {}
    for grams in train_docs:
        for gram in grams:
            vocabulary.setdefault(gram, len(vocabulary))
    train_matrix = _unit_rows(_bag_of_words(train_docs, vocabulary))
    test_matrix = _unit_rows(_bag_of_words([_char_bigrams(t) for t in test_sources], vocabulary))
    best = (test_matrix @ train_matrix.T).argmax(axis=1)
    return [train_targets[i] for i in best]
