"""Classification metrics of scores and probabilities: ROC AUC, average precision, log loss.

Registered in ``metrics.classification`` with the label metrics; see there for the conventions
(ValueError where scikit-learn would return NaN).

ROC AUC and average precision need the rows in score order. For non-negative scores (all
probabilities) that is one sort of 64-bit integer keys packing each score's bits and its class;
ties are then runs of equal keys, counted with integers, so the ROC AUC is exact. The sort is
numpy's or polars', whichever is faster on this CPU (``_sorted``): numpy's SIMD sort is about
twice as fast as polars' on CPUs where numpy enables it, and about four times slower where it
does not (AMD Zen 4, where numpy turns its AVX-512 sort off).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

_BLOCK = 1 << 16  # sorted keys counted at a time: the intermediate arrays stay in cache
_ONE = np.uint64(1)


_FASTER_SORT: list = []


def _sorted(keys: np.ndarray) -> np.ndarray:
    """``keys`` (uint64) in ascending order: the caller's own array, which may be sorted in
    place. The same result either way; only the time differs (see the module's docstring)."""
    if keys.size < _BLOCK:
        keys.sort()
        return keys
    if not _FASTER_SORT:
        _FASTER_SORT.append(_pick_sort())
    return _FASTER_SORT[0](keys)


def _numpy_sort(keys: np.ndarray) -> np.ndarray:
    keys.sort()
    return keys


def _polars_sort(keys: np.ndarray) -> np.ndarray:
    import polars as pl

    # One thread: the splits are already scored in parallel threads.
    return pl.Series(keys, dtype=pl.UInt64).sort(multithreaded=False).to_numpy()


def _pick_sort():
    """The faster of the two sorts on this CPU, timed once per process on 2¹⁸ random keys."""
    keys = np.random.default_rng(0).integers(0, 1 << 62, 1 << 18, dtype=np.uint64)
    timings = []
    for sort in (_numpy_sort, _polars_sort):
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            sort(keys.copy())
            best = min(best, time.perf_counter() - started)
        timings.append((best, sort is _polars_sort, sort))
    return min(timings)[2]


def _score_keys(positive: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Sorted keys of non-negative scores: each score's bits shifted left, and the class in the
    lowest bit (so within a tie, negatives come first).

    Non-negative doubles sort like their bit patterns, and shifting out the sign bit (which
    also makes -0.0 equal 0.0) frees the lowest bit for the class: one integer sort then
    replaces an argsort and its gathers.
    """
    key = score.view(np.uint64) << _ONE
    key |= positive
    return _sorted(key)


def _check_pair(positive, score) -> tuple[np.ndarray, np.ndarray]:
    score = np.asarray(score, dtype=np.float64)
    positive = np.asarray(positive, dtype=bool)
    if score.shape != positive.shape or score.ndim != 1:
        raise ValueError(f"y_true and y_score differ in shape: {positive.shape} vs {score.shape}")
    if score.size == 0:
        raise ValueError("no rows to score")
    return positive, score


def _groups_by_score(positive, score) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """How many positive and negative rows share each distinct score, in ascending score order,
    as consecutive pieces (each holding whole groups of tied scores).

    Only the order of the scores matters, so ties are grouped after one sort.
    """
    positive, score = _check_pair(positive, score)
    if not score.min() >= 0:  # a negative score, or NaN
        yield _counts_by_argsort(positive, score)
        return
    key = _score_keys(positive, score)
    start = 0
    while start < key.size:
        # Extend the piece to the end of the tie it cuts through, so no group is split.
        end = min(start + _BLOCK, key.size)
        end = int(np.searchsorted(key, key[end - 1] | _ONE, side="right"))
        piece = key[start:end]
        start = end
        new_value = (piece[1:] ^ piece[:-1]) > _ONE
        starts = np.flatnonzero(np.concatenate(([True], new_value)))
        positives = np.add.reduceat((piece & _ONE).view(np.int64), starts, dtype=np.int64)
        sizes = np.diff(starts, append=piece.size)
        yield positives, sizes - positives


def _counts_by_argsort(positive: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_groups_by_score`` in one piece, for any real scores."""
    if np.isnan(score).any():
        raise ValueError("scores contain NaN")
    order = np.argsort(score)
    ordered = score[order]
    is_positive = positive[order].view(np.int8)
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    positives = np.add.reduceat(is_positive, starts, dtype=np.int64)
    sizes = np.diff(starts, append=score.size)
    return positives, sizes - positives


def _counts_by_score(positive, score) -> tuple[np.ndarray, np.ndarray]:
    """``_groups_by_score`` joined into one pair of arrays."""
    pieces = list(_groups_by_score(positive, score))
    positives, negatives = zip(*pieces, strict=True)
    return np.concatenate(positives), np.concatenate(negatives)


def roc_auc_score(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Area under the ROC curve for a binary target.

    The Mann-Whitney U statistic over P·N positive-negative pairs, a tie counting one half;
    computed in exact integers and divided once. Raises ``ValueError`` unless both classes occur
    (scikit-learn warns and returns NaN).

    Parameters
    ----------
    y_true : array, shape (n,)
        1 (or True) for the positive class, 0 for the negative.
    y_score : array of float, shape (n,)
        Any real scores; only their order matters.

    Examples
    --------
    >>> roc_auc_score(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    positive, score = _check_pair(y_true, y_score)
    if score.min() >= 0:
        return _roc_auc_of_keys(_score_keys(positive, score))
    # Piece by piece, so that the counts never take the memory of a whole split.
    n_pos = n_neg = twice_u = 0
    for positives, negatives in _groups_by_score(y_true, y_score):
        negatives_below = np.cumsum(negatives) - negatives + n_neg
        twice_u += int(np.dot(positives, 2 * negatives_below + negatives))
        n_pos += int(positives.sum())
        n_neg += int(negatives.sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC AUC needs both classes in the reference")
    return twice_u / (2 * n_pos * n_neg)


def _roc_auc_of_keys(key: np.ndarray) -> float:
    """ROC AUC from ``_score_keys``, in exact integers without grouping every tie.

    With U = Σ over positives of (negatives scored below + half the negatives tied with it):
    2U = 2·Σ_pos (negatives at or before it in key order) − Σ_ties (positives · negatives),
    as a tie's negatives sort before its positives. A positive at 0-based place i with c
    positives up to it has i + 1 − c negatives at or before it, so the first sum is
    Σ (i + 1) over positives − P(P + 1)/2. A tie holding both classes is a run of one even key
    followed by a run of that key + 1; only those pairs of runs are counted.
    """
    n_pos = place_sum = tied = 0
    start = 0
    while start < key.size:
        # Piece by piece (the arrays stay small and in cache); a piece ends with a whole tie.
        end = min(start + _BLOCK, key.size)
        end = int(np.searchsorted(key, key[end - 1] | _ONE, side="right"))
        piece = key[start:end]
        positive = (piece & _ONE).astype(bool)
        places = np.flatnonzero(positive)
        n_pos += int(places.size)
        place_sum += int(places.sum(dtype=np.int64)) + int(places.size) * (start + 1)
        # A mixed tie: a negative's key k immediately followed by the positive key k + 1.
        mixed = np.flatnonzero(piece[1:] - piece[:-1] == _ONE)
        mixed = mixed[~positive[mixed]]
        # The negative run ends at ``mixed``; the positive run starts right after it.
        if mixed.size * 8 > piece.size:  # many ties: find every run once
            runs = np.flatnonzero(piece[1:] != piece[:-1]) + 1  # where runs of equal keys start
            run = np.searchsorted(runs, mixed, side="right")  # the run holding ``mixed``
            starts = np.concatenate(([0], runs, [piece.size]))
            tied += int(np.dot(mixed + 1 - starts[run], starts[run + 2] - (mixed + 1)))
        elif mixed.size:  # a few: look up the two runs of each
            first = np.searchsorted(piece, piece[mixed], side="left")
            after = np.searchsorted(piece, piece[mixed + 1], side="right")
            tied += int(np.dot(mixed + 1 - first, after - (mixed + 1)))
        start = end
    n_neg = int(key.size) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC AUC needs both classes in the reference")
    at_or_before = place_sum - n_pos * (n_pos + 1) // 2
    return (2 * at_or_before - tied) / (2 * n_pos * n_neg)


def average_precision_score(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Average precision: Σ over thresholds of (R_t − R_{t−1})·P_t, without interpolation.

    Each distinct score is a threshold; P_t and R_t count the rows scored at least t, so tied
    rows enter together. Raises ``ValueError`` without a positive row (scikit-learn warns and
    returns 0).

    Parameters
    ----------
    y_true : array, shape (n,)
        1 (or True) for the positive class, 0 for the negative.
    y_score : array of float, shape (n,)
        Any real scores; higher means more likely positive.

    Examples
    --------
    >>> average_precision_score(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.8333333333333333
    """
    positives, negatives = _counts_by_score(y_true, y_score)
    n_pos, n_neg = int(positives.sum()), int(negatives.sum())
    if n_pos == 0:
        raise ValueError("average precision needs a positive row in the reference")
    hits = n_pos - (np.cumsum(positives) - positives)  # positives scored at least t
    false_alarms = n_neg - (np.cumsum(negatives) - negatives)
    return float(np.dot(positives, hits / (hits + false_alarms)) / n_pos)


def log_loss(y_true: np.ndarray, y_prob: np.ndarray, eps: float | None = None) -> float:
    """Mean cross-entropy in nats; probabilities are clipped to [eps, 1 − eps] (float64 ε).

    Binary: ``y_prob`` has shape (n,), the probability of class 1, and ``y_true`` is 0/1.
    Multiclass: ``y_prob`` has shape (n, K), one column per label code, and ``y_true`` holds
    codes ``0..K-1``; only the probability of the true label counts and is not renormalised
    (as in scikit-learn ≥ 1.5; the kind checks that rows sum to 1).

    Examples
    --------
    >>> round(log_loss(np.array([0, 1]), np.array([0.2, 0.7])), 6)
    0.289909
    >>> round(log_loss(np.array([2, 0]), np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])), 6)
    0.524911
    """
    eps = np.finfo(np.float64).eps if eps is None else eps
    y_prob = np.asarray(y_prob, dtype=np.float64)
    if y_prob.ndim == 2:
        codes = np.asarray(y_true, dtype=np.int64)
        if codes.shape != y_prob.shape[:1]:
            raise ValueError(f"y_true has {codes.shape} rows, y_prob {y_prob.shape}")
        if codes.size and (codes.min() < 0 or codes.max() >= y_prob.shape[1]):
            raise ValueError(f"label codes must be in 0..{y_prob.shape[1] - 1}")
        p = y_prob[np.arange(codes.size), codes]
    else:
        positive = np.asarray(y_true).astype(bool)
        p = 1.0 - y_prob
        np.copyto(p, y_prob, where=positive)
    np.clip(p, eps, 1 - eps, out=p)
    return float(-np.mean(np.log(p, out=p)))


def roc_auc_ovr_score(y_true: np.ndarray, y_prob: np.ndarray) -> float:
    """Multiclass ROC AUC, one label against the rest, macro-averaged.

    For each label present in ``y_true``: the binary ROC AUC of "is this label" scored by its
    probability column; then the unweighted mean. A label absent from ``y_true`` has no AUC and
    is left out (scikit-learn's ``multi_class="ovr"`` returns NaN then; over labels that all
    occur it gives the same value). Raises ``ValueError`` if fewer than two labels occur.

    Parameters
    ----------
    y_true : array of int, shape (n,)
        Label codes ``0..K-1``.
    y_prob : array of float, shape (n, K)
        Column k is the probability of label k. Rows are not checked to sum to 1 here.

    Examples
    --------
    >>> y_prob = np.array([[0.6, 0.3, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5], [0.5, 0.1, 0.4]])
    >>> roc_auc_ovr_score(np.array([0, 1, 2, 1]), y_prob)
    0.8333333333333334
    """
    codes = np.asarray(y_true, dtype=np.int64)
    y_prob = np.asarray(y_prob, dtype=np.float64)
    if y_prob.ndim != 2 or codes.shape != y_prob.shape[:1]:
        raise ValueError(f"y_prob must be (n, K) for n = {codes.size} rows, not {y_prob.shape}")
    counts = np.bincount(codes, minlength=y_prob.shape[1])
    if counts.size > y_prob.shape[1]:
        raise ValueError(f"label codes must be in 0..{y_prob.shape[1] - 1}")
    present = np.flatnonzero(counts)
    if present.size < 2:
        raise ValueError("one-vs-rest ROC AUC needs at least two labels in the reference")
    return float(np.mean([roc_auc_score(codes == k, y_prob[:, k]) for k in present]))
