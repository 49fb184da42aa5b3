"""Pairwise judging for expo-style rounds, in the manner of Gavel.

A judge walks from item to item; at each step they say whether the item in front of them beats
the one they saw before. From the comparisons we fit Bradley-Terry strengths (via ``choix``) and
choose where to send each judge next.

Everything here is a pure function of the comparison list ``(winners, losers)``: nothing is
stored or updated in place. Undoing a misclick is deleting the comparison and recomputing,
and because the list is put into a canonical order before fitting, the result is exactly what
it would have been had the comparison never been made. Rankings per track are
:func:`rank_per_group` over the fitted scores.

Judge reliability (Crowd-BT's per-judge annotator quality) is not modelled; every comparison
counts the same.

Numpy, scipy and choix only; no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import choix
import numpy as np

#: ILSR regularisation: pseudo-comparisons added between every pair of compared items. It keeps
#: strengths finite for an item that never lost and links disconnected parts of the graph.
DEFAULT_ALPHA = 0.01
#: Comparisons every item gets before information gain is allowed to pick favourites.
DEFAULT_MIN_COVERAGE = 3
#: Precision of the Gaussian prior on log-strengths used for the uncertainty (Laplace
#: approximation); 0.5 means a prior standard deviation of about 1.4.
PRIOR_PRECISION = 0.5


def fit_ranking(n_items: int, winners, losers, *, alpha: float = DEFAULT_ALPHA) -> np.ndarray:
    """Bradley-Terry log-strengths of ``n_items`` items from pairwise comparisons.

    Parameters
    ----------
    n_items : int
        Number of items; indices run from 0 to ``n_items - 1``.
    winners, losers : array_like of int
        Comparison ``k`` says item ``winners[k]`` beat item ``losers[k]``.
    alpha : float
        Regularisation passed to ``choix.ilsr_pairwise_dense``. With ``alpha=0`` the comparison
        graph must be strongly connected or choix raises.

    Returns
    -------
    numpy.ndarray
        One score per item, higher is better, centred so the compared items average 0.
        Items without comparisons get exactly 0, the average strength. The result depends only
        on the multiset of comparisons, not on their order.

    Examples
    --------
    Item 0 beat item 1 twice and item 2 once, item 1 beat item 2; item 3 was never compared:

    >>> fit_ranking(4, [0, 0, 1, 0], [1, 2, 2, 1]).round(2).tolist()
    [3.53, -0.01, -3.52, 0.0]
    """
    winners, losers = _check_comparisons(n_items, winners, losers)
    scores = np.zeros(n_items)
    if winners.size == 0:
        return scores
    compared, index = np.unique(np.concatenate((winners, losers)), return_inverse=True)
    # The dense form of choix.ilsr_pairwise: same estimate, vectorised over a win-count matrix,
    # so a fit costs milliseconds per call and cannot depend on the comparisons' order.
    wins = np.zeros((compared.size, compared.size))
    np.add.at(wins, (index[: winners.size], index[winners.size :]), 1.0)
    fitted = choix.ilsr_pairwise_dense(wins, alpha=alpha)
    scores[compared] = fitted - fitted.mean()
    return scores


@dataclass(frozen=True)
class PairwiseState:
    """The fitted model behind :func:`next_pair`; build it with :meth:`from_comparisons`.

    Callers that pick pairs for several judges between two comparisons can build the state
    once and call :meth:`choose_next` for each judge.
    """

    n_items: int
    strength: np.ndarray  # Bradley-Terry log-strength per item (fit_ranking)
    covariance: np.ndarray  # Laplace approximation of the posterior covariance, n x n
    n_comparisons: np.ndarray  # comparisons each item took part in

    @classmethod
    def from_comparisons(
        cls, n_items: int, winners, losers, *, alpha: float = DEFAULT_ALPHA
    ) -> PairwiseState:
        """Fit strengths and their uncertainty from the comparison list.

        The covariance is the inverse of the Bradley-Terry Fisher information at the fitted
        strengths plus a Gaussian prior of precision :data:`PRIOR_PRECISION`. It is dense, so
        this suits the hundreds of items of an expo round, not tens of thousands.
        """
        winners, losers = _check_comparisons(n_items, winners, losers)
        strength = fit_ranking(n_items, winners, losers, alpha=alpha)
        p = 1.0 / (1.0 + np.exp(strength[losers] - strength[winners]))
        weight = p * (1.0 - p)
        precision = PRIOR_PRECISION * np.eye(n_items)
        np.add.at(precision, (winners, winners), weight)
        np.add.at(precision, (losers, losers), weight)
        np.add.at(precision, (winners, losers), -weight)
        np.add.at(precision, (losers, winners), -weight)
        counts = np.bincount(np.concatenate((winners, losers)), minlength=n_items)
        return cls(n_items, strength, np.linalg.inv(precision), counts)

    def information_gain(self, item: int, candidates) -> np.ndarray:
        """Expected information (nats) about ``strength[item] - strength[c]`` from comparing.

        With the difference ``d ~ N(mu, s2)`` and win probability ``p`` (probit-corrected for
        the uncertainty), one comparison adds Fisher information ``p * (1 - p)``, so the gain
        is ``0.5 * log(1 + p * (1 - p) * s2)``: highest for close and uncertain pairs.
        """
        candidates = np.asarray(candidates, dtype=np.int64)
        cov = self.covariance
        s2 = cov[item, item] + cov[candidates, candidates] - 2.0 * cov[item, candidates]
        s2 = np.maximum(s2, 0.0)
        mu = self.strength[item] - self.strength[candidates]
        p = 1.0 / (1.0 + np.exp(-mu / np.sqrt(1.0 + np.pi * s2 / 8.0)))
        return 0.5 * np.log1p(p * (1.0 - p) * s2)

    def choose_next(
        self,
        *,
        judge_seen: Iterable[int] | np.ndarray,
        current: int | None,
        exclude: Iterable[int] | np.ndarray = (),
        min_coverage: int = DEFAULT_MIN_COVERAGE,
        rng: np.random.Generator | None = None,
    ) -> tuple[int, int] | None:
        """The next pair for one judge; see :func:`next_pair`."""
        allowed = np.ones(self.n_items, dtype=bool)
        allowed[_as_index(exclude, self.n_items)] = False
        anchor_ok = current is not None and 0 <= current < self.n_items and allowed[current]
        allowed[_as_index(judge_seen, self.n_items)] = False
        if anchor_ok:
            allowed[current] = False
            partner = self._pick_partner(current, np.flatnonzero(allowed), min_coverage, rng)
            return None if partner is None else (int(current), partner)
        candidates = np.flatnonzero(allowed)
        if candidates.size < 2:
            return None
        first = self._pick_start(candidates, rng)
        partner = self._pick_partner(first, candidates[candidates != first], min_coverage, rng)
        return None if partner is None else (first, partner)

    def _pick_start(self, candidates: np.ndarray, rng: np.random.Generator | None) -> int:
        """Least-compared candidate; among those, the most uncertain."""
        counts = self.n_comparisons[candidates]
        candidates = candidates[counts == counts.min()]
        variance = self.covariance[candidates, candidates]
        return _best(candidates, variance, rng)

    def _pick_partner(
        self,
        item: int,
        candidates: np.ndarray,
        min_coverage: int,
        rng: np.random.Generator | None,
    ) -> int | None:
        """Coverage first (least-compared under ``min_coverage``), then information gain."""
        if candidates.size == 0:
            return None
        counts = self.n_comparisons[candidates]
        if counts.min() < min_coverage:
            candidates = candidates[counts == counts.min()]
        return _best(candidates, self.information_gain(item, candidates), rng)


def next_pair(
    n_items: int,
    winners,
    losers,
    *,
    judge_seen: Iterable[int] | np.ndarray,
    current: int | None,
    exclude: Iterable[int] | np.ndarray = (),
    min_coverage: int = DEFAULT_MIN_COVERAGE,
    alpha: float = DEFAULT_ALPHA,
    rng: np.random.Generator | None = None,
) -> tuple[int, int] | None:
    """Choose the next pair of items for one judge.

    Parameters
    ----------
    n_items : int
        Number of items.
    winners, losers : array_like of int
        All comparisons so far, by every judge.
    judge_seen : iterable of int
        Items this judge has already seen; they are never offered to the judge again.
    current : int or None
        The item the judge is standing at (the last one they saw). The pair is then
        ``(current, next)``. With ``None``, or when ``current`` has since been excluded, the
        judge starts afresh and both items are chosen.
    exclude : iterable of int
        Items never to show (conflicts of interest, absent teams).
    min_coverage : int
        While some allowed item has fewer than this many comparisons in total, the next item
        is one of the least-compared; only then does information gain choose freely.
    alpha : float
        Regularisation of the strength fit (see :func:`fit_ranking`).
    rng : numpy.random.Generator, optional
        Breaks exact ties at random; without it the lowest index wins, deterministically.

    Returns
    -------
    tuple of int or None
        ``(first, second)``: the judge sees ``first`` (or is already at it) and then
        ``second``. ``None`` when the judge has nothing new left to see.

    Examples
    --------
    Item 3 has never been compared, so it comes next for a judge standing at item 0:

    >>> next_pair(4, [0, 1, 0], [1, 2, 2], judge_seen={0}, current=0)
    (0, 3)
    >>> next_pair(4, [0, 1, 0], [1, 2, 2], judge_seen={0, 1, 2, 3}, current=3) is None
    True
    """
    state = PairwiseState.from_comparisons(n_items, winners, losers, alpha=alpha)
    return state.choose_next(
        judge_seen=judge_seen,
        current=current,
        exclude=exclude,
        min_coverage=min_coverage,
        rng=rng,
    )


def rank_per_group(scores, groups) -> list[np.ndarray]:
    """Item indices of each group, best first.

    Parameters
    ----------
    scores : array_like of float
        One score per item, higher is better (e.g. from :func:`fit_ranking`); NaN ranks last.
    groups : array_like
        Group label per item (e.g. the track).

    Returns
    -------
    list of numpy.ndarray
        One array per distinct label, in sorted label order. Equal scores keep the lower index
        first, so the order is total and stable.

    Examples
    --------
    >>> [g.tolist() for g in rank_per_group([0.1, 0.9, -0.4, 0.3], ["b", "a", "b", "b"])]
    [[1], [3, 0, 2]]
    """
    scores = np.asarray(scores, dtype=np.float64)
    groups = np.asarray(groups)
    if scores.shape != groups.shape:
        raise ValueError("scores and groups must have the same length")
    labels, group_of = np.unique(groups, return_inverse=True)
    # lexsort puts NaN last; -scores makes higher first; the index breaks ties.
    order = np.lexsort((np.arange(scores.size), -scores, group_of))
    bounds = np.searchsorted(group_of[order], np.arange(1, labels.size))
    return np.split(order, bounds)


def _check_comparisons(n_items: int, winners, losers) -> tuple[np.ndarray, np.ndarray]:
    """Validate and put the comparisons in canonical (sorted) order."""
    winners = np.asarray(winners, dtype=np.int64).ravel()
    losers = np.asarray(losers, dtype=np.int64).ravel()
    if winners.shape != losers.shape:
        raise ValueError("winners and losers must have the same length")
    both = np.concatenate((winners, losers))
    if both.size and (both.min() < 0 or both.max() >= n_items):
        raise ValueError("item index out of range")
    if np.any(winners == losers):
        raise ValueError("an item cannot be compared with itself")
    order = np.lexsort((losers, winners))
    return winners[order], losers[order]


def _as_index(items: Iterable[int] | np.ndarray, n_items: int) -> np.ndarray:
    index = np.fromiter(items, dtype=np.int64) if not isinstance(items, np.ndarray) else items
    index = index.astype(np.int64).ravel()
    return index[(index >= 0) & (index < n_items)]


def _best(candidates: np.ndarray, value: np.ndarray, rng: np.random.Generator | None) -> int:
    top = candidates[value >= value.max() - 1e-12]
    return int(rng.choice(top)) if rng is not None else int(top[0])
