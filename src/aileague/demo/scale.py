"""Scale a league up to a real season's size (10,447 teams, 20 tracks) for benchmarks.

Rows are written with ``bulk_create`` in batches, without the per-row services: those check
rules one team at a time and write an audit entry each, which is right for people and far too
slow for ten thousand generated teams. One audit entry records the whole batch instead.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import translation

from aileague.accounts.models import User
from aileague.common.audit import record_audit
from aileague.common.countries import ASEAN_COUNTRIES, CHINESE_PROVINCES
from aileague.competitions.models import League, Scenario, ScenarioStatus, Track
from aileague.teams.models import Entry, MemberRole, Membership, Team, TeamOrganisationType

#: Last season: 604 of 10,447 teams came from ASEAN countries.
ASEAN_SHARE = 604 / 10_447
BATCH_SIZE = 2_000
SEED_EMAIL_DOMAIN = "seed.example.org"

# Rough weights: the host province and the big tech hubs send the most teams.
_PROVINCE_WEIGHTS = {
    "CN-GX": 30,
    "CN-GD": 9,
    "CN-BJ": 6,
    "CN-SH": 5,
    "CN-JS": 5,
    "CN-ZJ": 5,
    "CN-SC": 4,
    "CN-HB": 3,
    "CN-HN": 3,
    "CN-SD": 3,
    "CN-YN": 3,
    "CN-FJ": 2.5,
    "CN-HA": 2.5,
    "CN-SN": 2,
    "CN-CQ": 2,
    "CN-AH": 2,
    "CN-HE": 1.5,
    "CN-HI": 1.5,
    "CN-GZ": 1.5,
    "CN-JX": 1.5,
    "CN-LN": 1.5,
    "CN-TJ": 1.2,
    "CN-SX": 1,
    "CN-JL": 1,
    "CN-HL": 1,
    "CN-NM": 0.7,
    "CN-GS": 0.6,
    "CN-XJ": 0.5,
    "CN-NX": 0.3,
    "CN-QH": 0.3,
    "CN-XZ": 0.2,
}
_ASEAN_WEIGHTS = {
    "VN": 28,
    "TH": 18,
    "ID": 13,
    "MY": 12,
    "LA": 9,
    "KH": 6,
    "SG": 5,
    "PH": 4,
    "MM": 3,
    "BN": 1,
    "TL": 1,
}
_ORGANISATION_TYPES = {
    TeamOrganisationType.UNIVERSITY: 0.45,
    TeamOrganisationType.ENTERPRISE: 0.25,
    TeamOrganisationType.STARTUP: 0.18,
    TeamOrganisationType.INDIVIDUAL: 0.12,
}
_TEAM_SIZES = {1: 0.2, 2: 0.25, 3: 0.25, 4: 0.18, 5: 0.12}  # members, captain included
_JOINT_SHARE = {"CN": 0.06, "ASEAN": 0.25}
_NOUNS = (
    "Lab",
    "Minds",
    "Data",
    "Vision",
    "Works",
    "Circle",
    "Bridge",
    "Learners",
    "Group",
    "Signals",
    "Forge",
    "Pioneers",
)

#: Industry fields for generated tracks: (slug, English, Chinese).
INDUSTRY_TRACKS = (
    ("automotive", "Automotive", "汽车"),
    ("cross-border-ecommerce", "Cross-border e-commerce", "跨境电商"),
    ("smart-agriculture", "Smart agriculture", "智慧农业"),
    ("tourism", "Tourism", "文旅"),
    ("logistics-customs", "Logistics & customs", "物流与通关"),
    ("non-ferrous-metals", "Non-ferrous metals", "有色金属"),
    ("sugar", "Sugar", "糖业"),
    ("healthcare", "Healthcare", "医疗健康"),
    ("education", "Education", "教育"),
    ("anti-fraud", "Anti-fraud", "反诈"),
    ("new-energy", "New energy", "新能源"),
    ("smart-manufacturing", "Smart manufacturing", "智能制造"),
    ("finance", "Finance", "金融"),
    ("marine-economy", "Marine economy", "海洋经济"),
    ("forestry-wood", "Forestry & wood", "林业与木材"),
    ("traditional-medicine", "Traditional medicine", "中医药"),
    ("smart-city", "Smart city", "智慧城市"),
    ("power-grid", "Power grid", "电网"),
    ("ports-shipping", "Ports & shipping", "港口航运"),
    ("public-services", "Public services", "政务服务"),
    ("culture-media", "Culture & media", "文化传媒"),
    ("textiles", "Textiles", "纺织"),
)


@dataclass
class SeedStats:
    teams: int
    users: int
    memberships: int
    entries: int
    tracks_added: int
    asean_teams: int
    joint_teams: int
    seconds: float


def seed_teams(
    *,
    league: League,
    teams: int,
    seed: int = 7,
    tracks: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> SeedStats:
    """Add ``teams`` generated teams (with members and entries) to ``league``, in bulk.

    The teams come from all 31 Chinese provinces and the 11 ASEAN countries (about 5.8 % ASEAN,
    as last season) once there are enough of them; each enters one to three of the league's
    published scenarios that are still open. With ``tracks``, generated industry tracks are
    added until the league has that many. The generated people have unusable passwords.
    """
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        tracks_added = _add_tracks(league, tracks) if tracks else 0
        offset = Team.objects.filter(league=league).count()
        plan = _plan_teams(rng, teams)
        team_rows = _bulk_teams(league, plan, rng, offset, batch_size)
        users, memberships, captains = _bulk_people(
            league, plan, team_rows, rng, offset, batch_size
        )
        entries = _bulk_entries(league, team_rows, captains, rng, batch_size)
        stats = SeedStats(
            teams=len(team_rows),
            users=users,
            memberships=memberships,
            entries=entries,
            tracks_added=tracks_added,
            asean_teams=int((plan["country"] != "CN").sum()),
            joint_teams=int(plan["joint"].sum()),
            seconds=0.0,
        )
        record_audit(
            actor=None,
            action="league.seed_teams",
            target=league,
            after={**asdict(stats), "seed": seed},
        )
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats


def _add_tracks(league: League, wanted: int) -> int:
    existing = set(league.tracks.values_list("slug", flat=True))
    missing = wanted - len(existing)
    if missing <= 0:
        return 0
    position = (league.tracks.aggregate(p=Max("position"))["p"] or 0) + 1
    fields = [field for field in INDUSTRY_TRACKS if field[0] not in existing]
    numbered = (f"industry-{i}" for i in range(1, len(existing) + missing + 1))
    fields += [
        (slug, slug.replace("-", " ").capitalize(), f"产业 {slug.split('-')[1]}")
        for slug in numbered
        if slug not in existing
    ]
    new = [
        Track(
            league=league,
            slug=slug,
            position=position + i,
            name={"en": en, "zh-hans": zh},
            description={
                "en": f"Scenarios from the {en.lower()} industry.",
                "zh-hans": f"来自{zh}领域的场景。",
            },
        )
        for i, (slug, en, zh) in enumerate(fields[:missing])
    ]
    Track.objects.bulk_create(new)
    return len(new)


def _draw(rng: np.random.Generator, weights: dict, size: int) -> np.ndarray:
    """``size`` draws from ``weights``; when there is room, every key occurs at least once."""
    keys = np.array(list(weights))
    p = np.array(list(weights.values()), dtype=float)
    if size < len(keys):
        return rng.choice(keys, size, p=p / p.sum())
    drawn = np.concatenate([keys, rng.choice(keys, size - len(keys), p=p / p.sum())])
    return rng.permutation(drawn)


def _plan_teams(rng: np.random.Generator, teams: int) -> dict[str, np.ndarray]:
    """Country, province, organisation type, size and joint flag of each new team."""
    asean = round(teams * ASEAN_SHARE)
    china = teams - asean
    country = np.concatenate([np.full(china, "CN"), _draw(rng, _ASEAN_WEIGHTS, asean)])
    province = np.concatenate([_draw(rng, _PROVINCE_WEIGHTS, china), np.full(asean, "")])
    order = rng.permutation(teams)
    country, province = country[order], province[order]
    joint_share = np.where(country == "CN", _JOINT_SHARE["CN"], _JOINT_SHARE["ASEAN"])
    types = list(_ORGANISATION_TYPES)
    size = rng.choice(list(_TEAM_SIZES), teams, p=list(_TEAM_SIZES.values()))
    return {
        "country": country,
        "province": province,
        "organisation_type": rng.choice(types, teams, p=list(_ORGANISATION_TYPES.values())),
        "size": size,
        "advisor": rng.random(teams) < 0.1,
        # A joint team has members on both sides of the border, so at least two of them.
        "joint": (rng.random(teams) < joint_share) & (size >= 2),
    }


def _bulk_teams(
    league: League,
    plan: dict[str, np.ndarray],
    rng: np.random.Generator,
    offset: int,
    batch_size: int,
) -> list[Team]:
    with translation.override("en"):
        places = {
            code: str(name) for code, name in {**CHINESE_PROVINCES, **ASEAN_COUNTRIES}.items()
        }
    nouns = rng.choice(_NOUNS, len(plan["country"]))
    rows = []
    for i, (country, province) in enumerate(zip(plan["country"], plan["province"], strict=True)):
        place = places[province or country]
        rows.append(
            Team(
                league=league,
                name=f"{place} {nouns[i]} {offset + i + 1:05d}",
                country=country,
                province=province,
                organisation_type=plan["organisation_type"][i],
                organisation_name="",
                is_joint=bool(plan["joint"][i]),
            )
        )
    return Team.objects.bulk_create(rows, batch_size=batch_size)


def _bulk_people(
    league: League,
    plan,
    team_rows: list[Team],
    rng: np.random.Generator,
    offset: int,
    batch_size: int,
) -> tuple[int, int, dict[int, int]]:
    """Users and memberships of every team; returns counts and each team's captain id."""
    now = datetime.now(UTC)
    asean_codes = list(ASEAN_COUNTRIES)
    users, roles = [], []
    for i, team in enumerate(team_rows):
        partner = "CN" if team.country != "CN" else asean_codes[int(rng.integers(len(asean_codes)))]
        seats = int(plan["size"][i]) + int(plan["advisor"][i])
        for seat in range(seats):
            # In a joint team the last member comes from the other side of the border.
            joint_member = team.is_joint and seat == int(plan["size"][i]) - 1 and seat > 0
            email = f"l{league.pk}-t{offset + i + 1:06d}-{seat}@{SEED_EMAIL_DOMAIN}"
            users.append(
                User(
                    email=email,
                    username=email,
                    password=f"!seeded-{offset + i + 1}-{seat}",
                    display_name=f"{team.name} #{seat + 1}",
                    country=partner if joint_member else team.country,
                    email_verified_at=now,
                )
            )
            role = (
                MemberRole.CAPTAIN
                if seat == 0
                else MemberRole.ADVISOR
                if seat >= int(plan["size"][i])
                else MemberRole.MEMBER
            )
            roles.append((team.pk, role))
    users = User.objects.bulk_create(users, batch_size=batch_size)
    memberships = [
        Membership(team_id=team_id, user_id=user.pk, role=role)
        for user, (team_id, role) in zip(users, roles, strict=True)
    ]
    Membership.objects.bulk_create(memberships, batch_size=batch_size)
    captains = {m.team_id: m.user_id for m in memberships if m.role == MemberRole.CAPTAIN}
    return len(users), len(memberships), captains


def _bulk_entries(
    league: League,
    team_rows: list[Team],
    captains: dict[int, int],
    rng: np.random.Generator,
    batch_size: int,
) -> int:
    now = datetime.now(UTC)
    open_scenarios = [
        scenario.pk
        for scenario in Scenario.objects.filter(
            track__league=league, status=ScenarioStatus.PUBLISHED
        ).prefetch_related("stages")
        if any(stage.closes_at > now for stage in scenario.stages.all())
    ]
    if not open_scenarios:
        return 0
    entries = []
    for team in team_rows:
        count = min(int(rng.integers(1, 4)), len(open_scenarios))
        for scenario_id in rng.choice(open_scenarios, count, replace=False):
            entries.append(
                Entry(
                    team_id=team.pk,
                    scenario_id=int(scenario_id),
                    registered_by_id=captains[team.pk],
                )
            )
    Entry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)
