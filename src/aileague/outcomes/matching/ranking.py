"""Top-k projects for each partner and top-k partners for each project, with the facts behind
each match so that a caller can phrase the reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from aileague.outcomes.matching.market import (
    COMPONENTS,
    Market,
    PartnerInterests,
    ProjectFeatures,
    expand_countries,
    normalise_tag,
    pair_values,
    score_matrix,
)

# Partners scored at once: bounds memory at BLOCK × projects × components floats.
BLOCK = 128


class Match(NamedTuple):
    """One (partner, project) pair: indices into the encoded sequences, the score in [0, 1] and
    each component's value (in [0, 1]) and contribution (weight share × value; they sum to
    the score), in ``COMPONENTS`` order. A tuple, because thousands are built per ranking."""

    partner: int
    project: int
    score: float
    value_row: tuple[float, ...]
    contribution_row: tuple[float, ...]

    @property
    def values(self) -> dict[str, float]:
        return dict(zip(COMPONENTS, self.value_row, strict=True))

    @property
    def contributions(self) -> dict[str, float]:
        return dict(zip(COMPONENTS, self.contribution_row, strict=True))


def _top_k_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the k best scores of each row, best first; ties go to the lower
    index, so a ranking never depends on how a sort happened to break them."""
    n, width = scores.shape
    k = min(k, width)
    if k == 0 or k == width:
        return np.argsort(-scores, axis=1, kind="stable")[:, :k]
    # The k-th best value bounds the candidates; only they need a full sort, on (row, -score,
    # column), after which each row's first k are its best with ties to the lower column.
    kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1 : k]
    r, c = np.nonzero(scores >= kth)
    order = np.lexsort((c, -scores[r, c], r))
    r, c = r[order], c[order]
    rank = np.arange(len(r)) - np.searchsorted(r, np.arange(n))[r]
    return c[rank < k].reshape(n, k)


def _eligible(scores: np.ndarray, min_score: float) -> np.ndarray:
    return np.isfinite(scores) & (scores >= min_score)


def matches_for_pairs(market: Market, rows: np.ndarray, cols: np.ndarray) -> list[Match]:
    """Matches for the pairs (rows[i], cols[i]), with values and contributions."""
    if len(rows) == 0:
        return []
    values = pair_values(market, rows, cols)
    share = market.weights / market.weights.sum()
    contributions = share[:, None] * values
    return list(
        map(
            Match,
            rows.tolist(),
            cols.tolist(),
            contributions.sum(axis=0).tolist(),
            map(tuple, values.T.tolist()),
            map(tuple, contributions.T.tolist()),
        )
    )


def _split(matches: list[Match], key: str, n: int) -> list[list[Match]]:
    out: list[list[Match]] = [[] for _ in range(n)]
    for match in matches:
        out[getattr(match, key)].append(match)
    return out


def top_projects(market: Market, *, k: int = 10, min_score: float = 0.0) -> list[list[Match]]:
    """For each partner, its k best projects, best first (excluded pairs never appear)."""
    rows, cols = [], []
    for start in range(0, market.n_partners, BLOCK):
        block = np.arange(start, min(start + BLOCK, market.n_partners))
        scores = score_matrix(market, block)
        best = _top_k_rows(scores, k)
        keep = _eligible(np.take_along_axis(scores, best, axis=1), min_score)
        rows.append(np.broadcast_to(block[:, None], best.shape)[keep])
        cols.append(best[keep])
    if not rows:
        return []
    # Row-major order keeps each partner's matches best first.
    return _split(
        matches_for_pairs(market, np.concatenate(rows), np.concatenate(cols)),
        "partner",
        market.n_partners,
    )


def top_partners(market: Market, *, k: int = 10, min_score: float = 0.0) -> list[list[Match]]:
    """For each project, its k best partners, best first (excluded pairs never appear)."""
    scores = np.vstack(
        [
            score_matrix(market, np.arange(start, min(start + BLOCK, market.n_partners)))
            for start in range(0, market.n_partners, BLOCK)
        ]
        or [np.empty((0, market.n_projects))]
    )
    by_project = np.ascontiguousarray(scores.T)
    best = _top_k_rows(by_project, k)  # (J, k)
    keep = _eligible(np.take_along_axis(by_project, best, axis=1), min_score)
    cols = np.broadcast_to(np.arange(market.n_projects)[:, None], best.shape)[keep]
    return _split(matches_for_pairs(market, best[keep], cols), "project", market.n_projects)


@dataclass(frozen=True)
class Reason:
    """A fact that makes a pair fit, for the caller to phrase. ``code`` is one of ``track``,
    ``home_country``, ``target_countries``, ``tags``, ``readiness``, ``ticket``, ``prior``."""

    code: str
    contribution: float
    detail: dict = field(default_factory=dict)


def explain(
    partner: PartnerInterests,
    project: ProjectFeatures,
    match: Match,
    *,
    regions: dict | None = None,
) -> list[Reason]:
    """The stated interests the project meets, strongest contribution first. Components at a
    neutral or zero value give no reason: only what the partner asked for and got."""
    regions = regions or {}
    v, c = match.values, match.contributions
    reasons: list[Reason] = []
    if partner.tracks and v["track"] == 1.0:
        reasons.append(Reason("track", c["track"], {"track": project.track}))
    wanted = expand_countries(partner.countries, regions)
    if wanted and v["country"] == 1.0:
        reasons.append(Reason("home_country", c["country"], {"country": project.country}))
    elif wanted and v["country"] > 0:
        targets = sorted(expand_countries(project.target_countries, regions) & wanted)
        reasons.append(Reason("target_countries", c["country"], {"countries": targets}))
    wanted_tags = {normalise_tag(t) for t in partner.tags}
    shared = sorted({t for t in project.tags if normalise_tag(t) in wanted_tags})
    if shared:
        reasons.append(Reason("tags", c["tags"], {"tags": shared}))
    if partner.states_readiness and v["readiness"] == 1.0:
        reasons.append(
            Reason(
                "readiness",
                c["readiness"],
                {
                    "level": project.readiness,
                    "min": partner.readiness_min,
                    "max": partner.readiness_max,
                },
            )
        )
    if partner.states_ticket and project.seeking and v["ticket"] == 1.0:
        reasons.append(
            Reason(
                "ticket",
                c["ticket"],
                {"seeking": project.seeking, "min": partner.ticket_min, "max": partner.ticket_max},
            )
        )
    if project.prior > 0:
        reasons.append(Reason("prior", c["prior"], {"prior": project.prior}))
    # Stable sort on rounded contributions: equal ones keep the order above (track, country,
    # tags, ...) whatever the last bit of floating point says.
    return sorted(reasons, key=lambda r: -round(r.contribution, 9))
