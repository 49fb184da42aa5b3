"""Turn a jury's sparse reviews into one calibrated score per entry.

Pure numerics: numpy and scipy only, no Django. Reviews arrive as three parallel arrays
(``entry``, ``judge``, ``score``), one element per review, where ``score`` is the review's
weighted total on the rubric scale (e.g. 0-10). Entries and judges are dense indices
``0..n_entries-1`` and ``0..n_judges-1``; the caller maps database ids to them.

Methods (the stage picks one):

``mean``
    The raw mean of an entry's reviews.
``trimmed_mean``
    ``scipy.stats.trim_mean`` per entry: ``int(trim * n)`` reviews are cut from each end, so
    with the default ``trim=0.2`` trimming starts at five reviews.
``zscore``
    Each review is standardised by its judge's mean and standard deviation, averaged per entry
    and mapped back to the scale with the mean and standard deviation of all reviews.
``judge_offset``
    The additive model ``score = quality[entry] + offset[judge] + noise`` fitted by least
    squares over the judge-entry graph, offsets summing to zero in each connected component.
    A lenient judge's reviews are lowered, a severe judge's raised.

All per-entry operations are vectorised; 10,000 entries with 3 reviews each aggregate in a few
tens of milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import cg, spsolve

METHODS = ("mean", "trimmed_mean", "zscore", "judge_offset")

#: Default disagreement threshold in scale points (30 % of a 0-10 scale).
DEFAULT_DISAGREEMENT = 3.0


@dataclass
class AggregateResult:
    """Per-entry results of :func:`aggregate`; every array has one element per entry.

    ``score`` is on the rubric's own scale so it can be shown next to ``raw_mean``. Entries
    without reviews have NaN in ``raw_mean``, ``score``, ``stderr`` and ``spread`` and are
    never flagged.
    """

    method: str
    raw_mean: np.ndarray
    score: np.ndarray
    stderr: np.ndarray
    n_reviews: np.ndarray
    spread: np.ndarray
    flagged: np.ndarray
    judge_offset: np.ndarray | None
    components: int


@dataclass
class _Reviews:
    entry: np.ndarray
    judge: np.ndarray
    score: np.ndarray
    n_entries: int
    n_judges: int

    @property
    def per_entry(self) -> np.ndarray:
        return np.bincount(self.entry, minlength=self.n_entries)

    @property
    def per_judge(self) -> np.ndarray:
        return np.bincount(self.judge, minlength=self.n_judges)


def aggregate(
    entry,
    judge,
    score,
    *,
    n_entries: int,
    n_judges: int,
    method: str = "judge_offset",
    trim: float = 0.2,
    disagreement: float = DEFAULT_DISAGREEMENT,
) -> AggregateResult:
    """Aggregate sparse reviews into calibrated per-entry scores.

    Parameters
    ----------
    entry, judge : array_like of int
        Entry and judge index of each review.
    score : array_like of float
        Each review's total on the rubric scale. Must be finite.
    n_entries, n_judges : int
        Number of entries and judges (indices must be below these).
    method : {"mean", "trimmed_mean", "zscore", "judge_offset"}
        How the per-entry ``score`` is computed (see the module docstring).
    trim : float
        Proportion cut from each end for ``trimmed_mean``, in ``[0, 0.5)``.
    disagreement : float
        An entry is flagged for an extra review when its ``spread`` exceeds this many scale
        points. ``spread`` is max minus min of the entry's reviews *as the method sees them*:
        raw for ``mean``/``trimmed_mean``, judge-adjusted (``score - offset``) for
        ``judge_offset`` and mapped z-scores for ``zscore``, so disagreement that a judge's
        known severity explains does not count.

    Returns
    -------
    AggregateResult
        ``stderr`` uses the residual variance pooled over all entries (three reviews give too
        noisy a per-entry variance); it is NaN when the design leaves no residual degrees of
        freedom. ``judge_offset`` is the per-judge severity (positive = lenient) for
        ``judge_offset`` and ``zscore``, NaN for judges without reviews; ``None`` otherwise.
        ``components`` counts connected components of the judge-entry graph among entries and
        judges that have reviews; scores from different components rest on different anchors.

    Examples
    --------
    Judge 0 is a point more lenient than judge 1 on the two entries they share:

    >>> result = aggregate([0, 1, 1, 2, 3, 3], [0, 0, 1, 1, 0, 1], [6, 8, 6, 4, 7, 7],
    ...                    n_entries=4, n_judges=2)
    >>> result.raw_mean.tolist(), result.score.round(6).tolist()
    ([6.0, 7.0, 4.0, 7.0], [5.5, 7.0, 4.5, 7.0])
    >>> result.judge_offset.round(6).tolist(), result.components
    ([0.5, -0.5], 1)
    """
    reviews = _check_reviews(entry, judge, score, n_entries, n_judges)
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {METHODS}")
    if not 0.0 <= trim < 0.5:
        raise ValueError(f"trim must be in [0, 0.5), got {trim}")

    n_reviews = reviews.per_entry
    raw = _entry_mean(reviews.entry, reviews.score, n_reviews)
    offsets = None
    if method in ("mean", "trimmed_mean"):
        adjusted = reviews.score
        calibrated = raw if method == "mean" else _trimmed_mean(reviews, trim)
        stderr = _pooled_stderr(reviews.entry, adjusted, raw, n_reviews, n_params=None)
    elif method == "zscore":
        adjusted, offsets = _zscore_values(reviews)
        calibrated = _entry_mean(reviews.entry, adjusted, n_reviews)
        stderr = _pooled_stderr(reviews.entry, adjusted, calibrated, n_reviews, n_params=None)
    else:
        calibrated, offsets, stderr = _judge_offset(reviews)
        adjusted = reviews.score - offsets[reviews.judge]

    spread = _entry_spread(reviews.entry, adjusted, n_entries)
    with np.errstate(invalid="ignore"):
        flagged = spread > disagreement
    return AggregateResult(
        method=method,
        raw_mean=raw,
        score=calibrated,
        stderr=stderr,
        n_reviews=n_reviews,
        spread=spread,
        flagged=flagged,
        judge_offset=offsets,
        components=_count_components(reviews),
    )


def _check_reviews(entry, judge, score, n_entries: int, n_judges: int) -> _Reviews:
    entry = np.asarray(entry, dtype=np.int64).ravel()
    judge = np.asarray(judge, dtype=np.int64).ravel()
    score = np.asarray(score, dtype=np.float64).ravel()
    if not entry.shape == judge.shape == score.shape:
        raise ValueError("entry, judge and score must have the same length")
    if n_entries < 0 or n_judges < 0:
        raise ValueError("n_entries and n_judges must be non-negative")
    if entry.size and (entry.min() < 0 or entry.max() >= n_entries):
        raise ValueError("entry index out of range")
    if judge.size and (judge.min() < 0 or judge.max() >= n_judges):
        raise ValueError("judge index out of range")
    if not np.isfinite(score).all():
        raise ValueError("scores must be finite")
    return _Reviews(entry, judge, score, n_entries, n_judges)


def _entry_mean(entry: np.ndarray, values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    sums = np.bincount(entry, weights=values, minlength=counts.size)
    return _safe_divide(sums, counts)


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _trimmed_mean(reviews: _Reviews, trim: float) -> np.ndarray:
    """``scipy.stats.trim_mean`` per entry, via one sort of all reviews."""
    order = np.lexsort((reviews.score, reviews.entry))
    entry, values = reviews.entry[order], reviews.score[order]
    counts = reviews.per_entry
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(entry.size) - starts[entry]
    # int(trim * n) as scipy does; floor equals int for non-negative values.
    cut = np.floor(trim * counts).astype(np.int64)[entry]
    keep = (rank >= cut) & (rank < counts[entry] - cut)
    kept = np.bincount(entry[keep], minlength=counts.size)
    sums = np.bincount(entry[keep], weights=values[keep], minlength=counts.size)
    return _safe_divide(sums, kept)


def _zscore_values(reviews: _Reviews) -> tuple[np.ndarray, np.ndarray]:
    """Each review standardised by its judge and mapped back to the scale.

    A judge with a single review cannot be standardised; that review is taken at face value
    (standardised with the global mean and deviation instead). A judge with two or more
    reviews that are all equal expresses no preference between their entries, so each of
    those reviews maps to the global mean. Returns the mapped values and the per-judge
    severity (judge mean minus global mean; NaN for judges without reviews).
    """
    values = reviews.score
    if values.size == 0:
        return values.copy(), np.full(reviews.n_judges, np.nan)
    global_mean, global_std = values.mean(), values.std()
    counts = reviews.per_judge
    judge_mean = _safe_divide(
        np.bincount(reviews.judge, weights=values, minlength=counts.size), counts
    )
    deviation = values - judge_mean[reviews.judge]
    judge_var = _safe_divide(
        np.bincount(reviews.judge, weights=deviation**2, minlength=counts.size), counts
    )
    judge_std = np.sqrt(judge_var)
    single = (counts < 2)[reviews.judge]
    flat = (judge_std <= 1e-12 * max(global_std, 1.0))[reviews.judge] & ~single
    centre = np.where(single, global_mean, judge_mean[reviews.judge])
    scale = np.where(single, global_std, judge_std[reviews.judge])
    # A global deviation of zero means every review is equal; all map to the mean then.
    usable = (scale > 0) & ~flat
    z = np.zeros_like(values)
    np.divide(values - centre, scale, out=z, where=usable)
    return global_mean + global_std * z, judge_mean - global_mean


def _judge_offset(reviews: _Reviews) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares fit of ``score = quality + offset``; returns quality, offsets, stderr.

    The entries are eliminated first: for fixed offsets, an entry's quality is the mean of its
    offset-adjusted reviews. What remains is a judge-by-judge Laplacian system (the Schur
    complement), grounded at one judge per connected component and solved by CG; the
    offsets are then shifted to sum to zero within each component.
    """
    n_e, n_j = reviews.n_entries, reviews.n_judges
    per_entry, per_judge = reviews.per_entry, reviews.per_judge
    offsets = np.full(n_j, np.nan)
    if reviews.score.size == 0:
        nan_e = np.full(n_e, np.nan)
        return nan_e, offsets, nan_e.copy()

    ones = np.ones(reviews.score.size)
    design = sp.csr_matrix((ones, (reviews.entry, reviews.judge)), shape=(n_e, n_j))
    entry_mean = _entry_mean(reviews.entry, reviews.score, per_entry)
    inv_count = np.zeros(n_e)
    np.divide(1.0, per_entry, out=inv_count, where=per_entry > 0)
    schur = (sp.diags(per_judge.astype(float)) - design.T @ sp.diags(inv_count) @ design).tocsc()
    residual = reviews.score - entry_mean[reviews.entry]
    rhs = np.bincount(reviews.judge, weights=residual, minlength=n_j)

    labels = _judge_component_labels(reviews)
    active = per_judge > 0
    _, grounded = np.unique(np.where(active, labels, -1), return_index=True)
    free = active.copy()
    free[grounded] = False  # the -1 bucket's first index is inactive anyway
    solved = np.zeros(n_j)
    idx = np.flatnonzero(free)
    if idx.size:
        solved[idx] = _solve_grounded(schur[idx][:, idx], rhs[idx])
    comp_sum = np.bincount(labels[active], weights=solved[active])
    comp_size = np.bincount(labels[active])
    with np.errstate(invalid="ignore", divide="ignore"):
        solved[active] -= (comp_sum / comp_size)[labels[active]]
    offsets[active] = solved[active]

    adjusted = reviews.score - offsets[reviews.judge]
    quality = _entry_mean(reviews.entry, adjusted, per_entry)
    n_components = np.unique(labels[active]).size
    n_params = int((per_entry > 0).sum() + active.sum() - n_components)
    stderr = _offset_stderr(reviews, adjusted - quality[reviews.entry], n_params)
    return quality, offsets, stderr


def _solve_grounded(matrix: sp.csc_matrix, rhs: np.ndarray) -> np.ndarray:
    """Solve the grounded (symmetric positive definite) judge system.

    Jacobi-preconditioned conjugate gradients take milliseconds on well-mixed designs where a
    sparse LU takes most of a second; the LU remains as the fallback for designs so poorly
    connected that CG stalls.
    """
    preconditioner = sp.diags(1.0 / matrix.diagonal())
    solution, info = cg(
        matrix, rhs, rtol=1e-12, atol=0.0, M=preconditioner, maxiter=10 * rhs.size + 100
    )
    if info != 0:
        solution = spsolve(matrix, rhs, permc_spec="MMD_AT_PLUS_A")
    return np.atleast_1d(solution)


def _offset_stderr(reviews: _Reviews, residual: np.ndarray, n_params: int) -> np.ndarray:
    """Approximate standard error of each entry's quality under the offset model.

    quality_e is the mean of ``score - offset_j`` over its ``n_e`` reviews, so treating the
    offsets as independent with variance ``sigma2 / m_j`` (``m_j`` = the judge's review count)
    gives ``var = (n_e * sigma2 + sum_j sigma2 / m_j) / n_e**2``. The covariance between
    offsets, and between offsets and the entry's own noise, is ignored; computing it exactly
    would need the inverse of the judge system.
    """
    dof = residual.size - n_params
    sigma2 = float(residual @ residual) / dof if dof > 0 else np.nan
    per_entry, per_judge = reviews.per_entry, reviews.per_judge
    judge_term = np.bincount(
        reviews.entry, weights=1.0 / per_judge[reviews.judge], minlength=per_entry.size
    )
    var = _safe_divide(sigma2 * (per_entry + judge_term), per_entry.astype(float) ** 2)
    return np.sqrt(var)


def _pooled_stderr(entry, values, centre, counts, *, n_params: int | None) -> np.ndarray:
    """``sigma / sqrt(n_e)`` with sigma pooled from all entries' within-entry deviations."""
    residual = values - centre[entry]
    if n_params is None:
        n_params = int((counts > 0).sum())
    dof = residual.size - n_params
    sigma2 = float(residual @ residual) / dof if dof > 0 else np.nan
    return np.sqrt(_safe_divide(np.full(counts.size, sigma2), counts.astype(float)))


def _entry_spread(entry: np.ndarray, values: np.ndarray, n_entries: int) -> np.ndarray:
    high = np.full(n_entries, -np.inf)
    low = np.full(n_entries, np.inf)
    np.maximum.at(high, entry, values)
    np.minimum.at(low, entry, values)
    spread = np.full(n_entries, np.nan)
    seen = np.isfinite(high)
    spread[seen] = high[seen] - low[seen]
    return spread


def _bipartite_labels(reviews: _Reviews) -> np.ndarray:
    """Component label of each node: entries are ``0..n_e-1``, judges follow them."""
    n_e = reviews.n_entries
    n_nodes = n_e + reviews.n_judges
    graph = sp.coo_matrix(
        (np.ones(reviews.entry.size), (reviews.entry, n_e + reviews.judge)),
        shape=(n_nodes, n_nodes),
    )
    _, labels = connected_components(graph, directed=False)
    return labels


def _judge_component_labels(reviews: _Reviews) -> np.ndarray:
    return _bipartite_labels(reviews)[reviews.n_entries :]


def _count_components(reviews: _Reviews) -> int:
    if reviews.entry.size == 0:
        return 0
    labels = _bipartite_labels(reviews)
    return int(np.unique(labels[reviews.entry]).size)
