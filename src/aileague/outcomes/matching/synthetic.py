"""Generated markets with known good matches, to test the recommender against ground truth.

Each partner has *hidden* true preferences (tracks, countries, tags, a TRL range, a ticket
range). What it *states* is a noisy view of them: some true tags go unsaid, a stray tag or track
gets added, the TRL range is sometimes stated wider. For every partner a few projects are
planted that satisfy its hidden preferences; the rest of the catalogue is drawn at random. A
project is *relevant* to a partner when it satisfies all of the partner's hidden preferences
(every planted one does; a random one rarely), so the ground truth never looks at what the
recommender sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aileague.outcomes.matching.market import PartnerInterests, ProjectFeatures

COUNTRIES = ("CN", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN")


@dataclass(frozen=True)
class Hidden:
    tracks: frozenset[int]
    countries: frozenset[str]
    tags: frozenset[str]
    readiness: tuple[int, int]
    ticket: tuple[float, float] | None  # None for pilot sites


@dataclass(frozen=True)
class SyntheticMarket:
    partners: list[PartnerInterests]
    projects: list[ProjectFeatures]
    hidden: list[Hidden]
    relevant: list[set[int]]  # per partner: indices of the projects that truly fit it


def _satisfies(h: Hidden, j: ProjectFeatures) -> bool:
    return (
        j.track in h.tracks
        and (j.country in h.countries or bool(j.target_countries & h.countries))
        and len(j.tags & h.tags) >= 2
        and h.readiness[0] <= j.readiness <= h.readiness[1]
        and (
            h.ticket is None or (j.seeking is not None and h.ticket[0] <= j.seeking <= h.ticket[1])
        )
    )


def _hidden(rng: np.random.Generator, n_tracks: int, tags: list[str]) -> Hidden:
    tracks = rng.choice(n_tracks, size=1 + (rng.random() < 0.3), replace=False)
    countries = rng.choice(COUNTRIES, size=rng.integers(1, 3), replace=False)
    low = int(rng.integers(2, 7))
    ticket = None
    if rng.random() < 0.8:
        t_low = 10 ** rng.uniform(5, 7)
        ticket = (t_low, t_low * 10 ** rng.uniform(0.5, 1.0))
    return Hidden(
        tracks=frozenset(int(t) for t in tracks),
        countries=frozenset(str(c) for c in countries),
        tags=frozenset(str(t) for t in rng.choice(tags, size=4, replace=False)),
        readiness=(low, min(9, low + int(rng.integers(2, 4)))),
        ticket=ticket,
    )


def _stated(
    rng: np.random.Generator, h: Hidden, n_tracks: int, tags: list[str]
) -> PartnerInterests:
    stated_tags = {t for t in sorted(h.tags) if rng.random() < 0.75}
    if rng.random() < 0.5:
        stated_tags.add(str(rng.choice(tags)))
    stated_tracks = set(h.tracks)
    if rng.random() < 0.1:
        stated_tracks.add(int(rng.integers(n_tracks)))
    low, high = h.readiness
    if rng.random() < 0.3:
        low, high = max(1, low - 1), min(9, high + 1)
    return PartnerInterests(
        tracks=frozenset(stated_tracks),
        countries=h.countries,
        tags=frozenset(stated_tags),
        readiness_min=low,
        readiness_max=high,
        ticket_min=h.ticket[0] if h.ticket else None,
        ticket_max=h.ticket[1] if h.ticket else None,
        uses_tickets=h.ticket is not None,
    )


def _prior(rng: np.random.Generator) -> float:
    return float(rng.choice([1.0, 0.8, 0.6])) if rng.random() < 0.2 else 0.0


def _planted(rng: np.random.Generator, h: Hidden, tags: list[str]) -> ProjectFeatures:
    own_tags = set(rng.choice(sorted(h.tags), size=int(rng.integers(2, 4)), replace=False))
    if rng.random() < 0.5:
        own_tags.add(str(rng.choice(tags)))
    wanted = sorted(h.countries)
    if rng.random() < 0.7:
        country, targets = str(rng.choice(wanted)), frozenset()
    else:
        country, targets = str(rng.choice(COUNTRIES)), frozenset({str(rng.choice(wanted))})
    seeking = rng.uniform(*h.ticket) if h.ticket else 10 ** rng.uniform(5, 8)
    return ProjectFeatures(
        track=int(rng.choice(sorted(h.tracks))),
        country=country,
        target_countries=targets,
        tags=frozenset(str(t) for t in own_tags),
        readiness=int(rng.integers(h.readiness[0], h.readiness[1] + 1)),
        seeking=float(seeking),
        prior=_prior(rng),
    )


def _random_project(rng: np.random.Generator, n_tracks: int, tags: list[str]) -> ProjectFeatures:
    targets = rng.choice(COUNTRIES, size=int(rng.integers(0, 3)), replace=False)
    return ProjectFeatures(
        track=int(rng.integers(n_tracks)),
        country=str(rng.choice(COUNTRIES)),
        target_countries=frozenset(str(c) for c in targets),
        tags=frozenset(
            str(t) for t in rng.choice(tags, size=int(rng.integers(1, 5)), replace=False)
        ),
        readiness=int(rng.integers(1, 10)),
        seeking=float(10 ** rng.uniform(5, 8)) if rng.random() < 0.8 else None,
        prior=_prior(rng),
    )


def generate(
    *,
    seed: int,
    n_partners: int = 200,
    planted_per_partner: int = 5,
    n_background: int = 2000,
    n_tracks: int = 8,
    n_tags: int = 40,
) -> SyntheticMarket:
    """A market of ``n_partners`` and ``n_partners × planted_per_partner + n_background``
    projects in shuffled order, with each partner's truly relevant projects."""
    rng = np.random.default_rng(seed)
    tags = [f"tag-{i:02d}" for i in range(n_tags)]
    hidden = [_hidden(rng, n_tracks, tags) for _ in range(n_partners)]
    partners = [_stated(rng, h, n_tracks, tags) for h in hidden]
    projects = [_planted(rng, h, tags) for h in hidden for _ in range(planted_per_partner)]
    projects += [_random_project(rng, n_tracks, tags) for _ in range(n_background)]
    projects = [projects[i] for i in rng.permutation(len(projects))]
    relevant = [{j for j, project in enumerate(projects) if _satisfies(h, project)} for h in hidden]
    return SyntheticMarket(partners=partners, projects=projects, hidden=hidden, relevant=relevant)
