"""Stated interests and project features, encoded as arrays, and the fit score of each pair.

A *market* is a set of partners (investors, pilot sites) and a set of projects. Each pair gets
one value in [0, 1] per component:

``track``
    1 if the project's track is one the partner named, 0 if not.
``country``
    1 if the team's home country is one the partner named, ``TARGET_ONLY`` (0.75) if only one
    of the project's target countries is, 0 if none. Regions ("ASEAN") expand to members.
``tags``
    binary cosine (Ochiai) overlap of technology tags, ``|A ∩ B| / sqrt(|A| |B|)``.
``readiness``
    1 inside the partner's TRL range, then falling by 1/3 per level outside it.
``ticket``
    1 if the funding sought lies inside the partner's ticket range, then falling linearly to 0
    at a factor of ten outside it (log distance). Pilot sites ignore tickets.
``prior``
    the project's prior in [0, 1] (award level), the only component a partner does not state.

A component the partner states nothing about (no tracks, no countries, no tags, no ticket), or a
project without the datum (no funding figure), takes ``NEUTRAL`` (0.5): open to anything ranks
above a stated mismatch and below a stated match. The score is the weighted mean

    score = Σ_c w_c · v_c / Σ_c w_c

so it lies in [0, 1] and each component's *contribution* ``w_c · v_c / Σ w`` adds up to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
from scipy import sparse

COMPONENTS = ("track", "country", "tags", "readiness", "ticket", "prior")
NEUTRAL = 0.5
TARGET_ONLY = 0.75
# TRL levels outside the partner's range at which the readiness value reaches 0.
READINESS_SPAN = 3.0
# Decades (factors of ten) outside the ticket range at which the ticket value reaches 0.
TICKET_DECADES = 1.0
TRL_MIN, TRL_MAX = 1, 9


@dataclass(frozen=True)
class Weights:
    """How much each component counts. The prior is deliberately small: fit comes first."""

    track: float = 3.0
    country: float = 2.0
    tags: float = 2.0
    readiness: float = 1.0
    ticket: float = 1.5
    prior: float = 0.5

    def as_array(self) -> np.ndarray:
        values = np.array([getattr(self, f.name) for f in fields(self)], dtype=np.float64)
        if (values < 0).any() or values.sum() <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        return values


@dataclass(frozen=True)
class PartnerInterests:
    """What one partner says it looks for. Empty sets mean "no preference"."""

    tracks: frozenset = frozenset()
    countries: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    readiness_min: int = TRL_MIN
    readiness_max: int = TRL_MAX
    ticket_min: float | None = None
    ticket_max: float | None = None
    # Pilot sites offer a site, not money: their ticket is ignored.
    uses_tickets: bool = True

    @property
    def states_readiness(self) -> bool:
        return (self.readiness_min, self.readiness_max) != (TRL_MIN, TRL_MAX)

    @property
    def states_ticket(self) -> bool:
        return self.uses_tickets and (self.ticket_min is not None or self.ticket_max is not None)


@dataclass(frozen=True)
class ProjectFeatures:
    """What one project offers."""

    track: object
    country: str
    target_countries: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    readiness: int = 4
    seeking: float | None = None
    prior: float = 0.0


def normalise_tag(tag: str) -> str:
    return " ".join(tag.casefold().split())


def expand_countries(codes: Iterable[str], regions: Mapping[str, Iterable[str]]) -> set[str]:
    """Country codes with region names ("ASEAN") replaced by their members."""
    out: set[str] = set()
    for code in codes:
        out.update(regions.get(code, (code,)))
    return out


def _inv_sqrt(counts: np.ndarray) -> np.ndarray:
    return np.divide(1.0, np.sqrt(counts), out=np.zeros_like(counts), where=counts > 0)


def _bits(flags: np.ndarray) -> np.ndarray | None:
    """Rows of booleans as uint64 bit sets (set intersection in one AND), if they fit."""
    if flags.shape[1] > 64:
        return None
    weights = np.left_shift(np.uint64(1), np.arange(flags.shape[1], dtype=np.uint64))
    return (flags.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)


def _index(vocabulary: dict, key) -> int:
    return vocabulary.setdefault(key, len(vocabulary))


def _binary_rows(rows: list[list[int]], width: int) -> sparse.csr_matrix:
    indptr = np.cumsum([0, *map(len, rows)])
    indices = np.fromiter((i for row in rows for i in row), dtype=np.int64, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), max(width, 1)))


@dataclass
class Market:
    """Partners and projects as arrays; build with :func:`encode`.

    Components that depend on one partner attribute and one small project attribute are
    tabulated per partner (``*_value`` tables indexed by track, country or TRL), so scoring a
    block of pairs is a gather rather than a computation."""

    weights: np.ndarray
    track_value: np.ndarray  # (P, T)
    home_value: np.ndarray  # (P, C): 1 named, 0 not named, NEUTRAL when none named
    p_country: np.ndarray  # bool (P, C): named countries, regions expanded
    p_country_bits: np.ndarray | None  # the same as uint64 bit sets, when C ≤ 64
    p_tags: sparse.csr_matrix  # (P, G) binary
    p_tags_stated: np.ndarray  # bool (P,)
    p_inv_sqrt_tags: np.ndarray  # 1 / sqrt(number of tags), 0 without tags
    readiness_value: np.ndarray  # (P, 10), indexed by TRL
    p_ticket_stated: np.ndarray  # bool (P,)
    p_log_tmin: np.ndarray  # log10 CNY; -inf when open below
    p_log_tmax: np.ndarray  # +inf when open above
    j_track: np.ndarray  # int (J,)
    j_home: np.ndarray  # int (J,)
    j_target: np.ndarray  # bool (J, C)
    j_target_bits: np.ndarray | None
    j_tags: sparse.csr_matrix  # (J, G)
    j_inv_sqrt_tags: np.ndarray
    j_readiness: np.ndarray  # int (J,), 1..9
    j_log_seeking: np.ndarray  # log10 CNY; nan when unknown
    j_prior: np.ndarray
    excluded: sparse.csr_matrix  # bool (P, J): pairs never to recommend

    @property
    def n_partners(self) -> int:
        return len(self.track_value)

    @property
    def n_projects(self) -> int:
        return len(self.j_track)


def _readiness_table(partners: Sequence[PartnerInterests]) -> np.ndarray:
    levels = np.arange(TRL_MAX + 1, dtype=np.float64)[None, :]
    low = np.array([p.readiness_min for p in partners], dtype=np.float64).reshape(-1, 1)
    high = np.array([p.readiness_max for p in partners], dtype=np.float64).reshape(-1, 1)
    outside = np.maximum(np.maximum(low - levels, levels - high), 0.0)
    return np.clip(1.0 - outside / READINESS_SPAN, 0.0, 1.0)


def _log_cny(value, open_value: float) -> float:
    # A missing or non-positive amount is open (or unknown); amounts compare on a log scale.
    return open_value if value is None or value <= 0 else float(np.log10(float(value)))


def encode(
    partners: Sequence[PartnerInterests],
    projects: Sequence[ProjectFeatures],
    *,
    exclude: Iterable[tuple[int, int]] = (),
    regions: Mapping[str, Iterable[str]] | None = None,
    weights: Weights | None = None,
) -> Market:
    """Encode partners and projects. ``exclude`` lists (partner, project) index pairs that must
    never be recommended, such as pairs that already have a relation; ``regions`` maps a
    region name that may appear among countries ("ASEAN") to its member codes."""
    regions = regions or {}
    tracks: dict = {}
    countries: dict = {}
    tags: dict = {}
    j_track = np.array([_index(tracks, p.track) for p in projects], dtype=np.int64)
    j_home = np.array([_index(countries, p.country) for p in projects], dtype=np.int64)
    j_target_idx = [
        [_index(countries, c) for c in sorted(expand_countries(p.target_countries, regions))]
        for p in projects
    ]
    j_tag_idx = [sorted({_index(tags, normalise_tag(t)) for t in p.tags}) for p in projects]
    p_track_idx = [[_index(tracks, t) for t in p.tracks] for p in partners]
    p_country_idx = [
        [_index(countries, c) for c in sorted(expand_countries(p.countries, regions))]
        for p in partners
    ]
    p_tag_idx = [sorted({_index(tags, normalise_tag(t)) for t in p.tags}) for p in partners]

    p_track = _binary_rows(p_track_idx, len(tracks)).toarray().astype(bool)
    p_country = _binary_rows(p_country_idx, len(countries)).toarray().astype(bool)
    j_target = _binary_rows(j_target_idx, len(countries)).toarray().astype(bool)
    p_tags = _binary_rows(p_tag_idx, len(tags))
    j_tags = _binary_rows(j_tag_idx, len(tags))
    p_ntags = np.diff(p_tags.indptr).astype(np.float64)
    j_ntags = np.diff(j_tags.indptr).astype(np.float64)

    pairs = np.array(sorted(set(exclude)), dtype=np.int64).reshape(-1, 2)
    excluded = sparse.csr_matrix(
        (np.ones(len(pairs), dtype=bool), (pairs[:, 0], pairs[:, 1])),
        shape=(len(partners), len(projects)),
    )
    return Market(
        weights=(weights or Weights()).as_array(),
        track_value=np.where(p_track.any(axis=1, keepdims=True), p_track, NEUTRAL),
        home_value=np.where(p_country.any(axis=1, keepdims=True), p_country, NEUTRAL),
        p_country=p_country,
        p_country_bits=_bits(p_country),
        p_tags=p_tags,
        p_tags_stated=p_ntags > 0,
        p_inv_sqrt_tags=_inv_sqrt(p_ntags),
        readiness_value=_readiness_table(partners),
        p_ticket_stated=np.array([p.states_ticket for p in partners], dtype=bool),
        p_log_tmin=np.array([_log_cny(p.ticket_min, -np.inf) for p in partners]),
        p_log_tmax=np.array([_log_cny(p.ticket_max, np.inf) for p in partners]),
        j_track=j_track,
        j_home=j_home,
        j_target=j_target,
        j_target_bits=_bits(j_target),
        j_tags=j_tags,
        j_inv_sqrt_tags=_inv_sqrt(j_ntags),
        j_readiness=np.clip(np.array([p.readiness for p in projects], dtype=np.int64), 1, 9),
        j_log_seeking=np.array([_log_cny(p.seeking, np.nan) for p in projects]),
        j_prior=np.clip(np.array([p.prior for p in projects], dtype=np.float64), 0.0, 1.0),
        excluded=excluded,
    )


def _values(market: Market, rows: np.ndarray, cols: np.ndarray, *, grid: bool) -> list:
    """Component values in ``COMPONENTS`` order, and the excluded mask. With ``grid`` every
    row meets every column (arrays broadcast to (rows, cols)); otherwise rows[i] meets
    cols[i]. The two modes differ only in how they gather, never in the formula."""
    m = market
    if grid:
        pr, pc = rows[:, None], cols[None, :]
        track = m.track_value[rows][:, m.j_track[cols]]
        home = m.home_value[rows][:, m.j_home[cols]]
        if m.p_country_bits is not None:
            targeted = (m.p_country_bits[rows, None] & m.j_target_bits[None, cols]) != 0
        else:
            p_country = m.p_country[rows].astype(np.float32)
            targeted = (p_country @ m.j_target[cols].T.astype(np.float32)) > 0
        shared_tags = (m.p_tags[rows] @ m.j_tags[cols].T).toarray()
        readiness = m.readiness_value[rows][:, m.j_readiness[cols]]
        excluded = m.excluded[rows][:, cols].toarray()
    else:
        pr, pc = rows, cols
        track = m.track_value[rows, m.j_track[cols]]
        home = m.home_value[rows, m.j_home[cols]]
        targeted = (m.p_country[rows] & m.j_target[cols]).any(axis=1)
        shared_tags = np.asarray(m.p_tags[rows].multiply(m.j_tags[cols]).sum(axis=1)).ravel()
        readiness = m.readiness_value[rows, m.j_readiness[cols]]
        excluded = np.asarray(m.excluded[rows, cols], dtype=bool).ravel()
    # Home country 1, a target country TARGET_ONLY, neither 0 (NEUTRAL when none named).
    country = np.maximum(home, TARGET_ONLY * targeted)
    cosine = shared_tags * m.p_inv_sqrt_tags[pr] * m.j_inv_sqrt_tags[pc]
    tags = np.where(m.p_tags_stated[pr], cosine, NEUTRAL)
    # Open ticket bounds are -inf / +inf in log space; an unknown amount is nan.
    log_s = m.j_log_seeking[pc]
    decades = np.maximum(np.maximum(m.p_log_tmin[pr] - log_s, log_s - m.p_log_tmax[pr]), 0.0)
    ticket = np.where(
        m.p_ticket_stated[pr] & ~np.isnan(log_s),
        np.clip(1.0 - decades / TICKET_DECADES, 0.0, 1.0),
        NEUTRAL,
    )
    return [track, country, tags, readiness, ticket, m.j_prior[pc]], excluded


def score_matrix(market: Market, rows: np.ndarray | None = None) -> np.ndarray:
    """Scores of the partners ``rows`` (default all) against every project, shape (rows, J);
    excluded pairs are ``-inf``."""
    rows = np.arange(market.n_partners) if rows is None else np.asarray(rows, dtype=np.int64)
    cols = np.arange(market.n_projects)
    values, excluded = _values(market, rows, cols, grid=True)
    share = market.weights / market.weights.sum()
    scores = np.zeros((len(rows), len(cols)))
    for weight, value in zip(share, values, strict=True):
        if weight:
            scores += weight * value
    scores[excluded] = -np.inf
    return scores


def pair_values(market: Market, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Component values of the pairs (rows[i], cols[i]), shape (len(COMPONENTS), n)."""
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    values, _ = _values(market, rows, cols, grid=False)
    return np.stack([np.broadcast_to(v, rows.shape) for v in values]).astype(np.float64)
