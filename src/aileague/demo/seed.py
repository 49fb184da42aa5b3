"""Seed the demo: import the demo bundle, create demo logins, teams and scored submissions.

Everything goes through the real services (import, roles, teams, entries, submissions, scoring),
so the demo shows what the platform does, audit log included. The passwords are for demos only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from django.db import transaction

from aileague.accounts.models import Role, User
from aileague.accounts.services import get_or_create_organisation, grant_role
from aileague.common.audit import record_audit
from aileague.competitions.models import League, Scenario, Stage
from aileague.demo.bundle import build_demo_bundle
from aileague.demo.scenarios import LEAGUE_SLUG, SCENARIOS, ScenarioSpec, scenario_spec
from aileague.teams.models import Entry, Team
from aileague.teams.services import add_member, create_team, register_entry

EMAIL_DOMAIN = "demo.example.org"


@dataclass(frozen=True)
class DemoLogin:
    """A demo account. The passwords are public and for local demos only: never deploy them."""

    role: str
    email: str
    password: str
    note: str


DEMO_LOGINS = (
    DemoLogin(
        "organiser",
        f"organiser@{EMAIL_DOMAIN}",
        "demo-organiser-2026",
        "Organising committee; Django superuser, can open /admin",
    ),
    DemoLogin(
        "track_manager",
        f"track-manager@{EMAIL_DOMAIN}",
        "demo-track-manager-2026",
        "Manages the track 'Logistics & customs'",
    ),
    DemoLogin(
        "scenario_owner",
        f"owner@{EMAIL_DOMAIN}",
        "demo-owner-2026",
        "Pingxiang Border Port Service Centre; owns 'customs-declaration-risk'",
    ),
    DemoLogin(
        "participant",
        f"captain-vn@{EMAIL_DOMAIN}",
        "demo-captain-vn-2026",
        "Captain of 'Hanoi Mekong AI Lab' (Vietnam)",
    ),
    DemoLogin(
        "participant",
        f"captain-gx@{EMAIL_DOMAIN}",
        "demo-captain-gx-2026",
        "Captain of 'Nanning–Vientiane Bridge AI' (Guangxi, joint China–ASEAN team)",
    ),
    DemoLogin(
        "participant",
        f"member-la@{EMAIL_DOMAIN}",
        "demo-member-la-2026",
        "Member from Laos of 'Nanning–Vientiane Bridge AI'",
    ),
    DemoLogin("judge", f"judge@{EMAIL_DOMAIN}", "demo-judge-2026", "Expert reviewer"),
    DemoLogin(
        "investor", f"investor@{EMAIL_DOMAIN}", "demo-investor-2026", "Beibu Gulf Innovation Fund"
    ),
)

# (name, country, province, organisation type, joint) of the background teams.
BACKGROUND_TEAMS = (
    ("Guilin Karst Vision", "CN", "CN-GX", "university", False),
    ("Qinzhou Port Logistics AI", "CN", "CN-GX", "enterprise", True),
    ("Liuzhou Auto Minds", "CN", "CN-GX", "enterprise", False),
    ("Saigon Delta Data", "VN", "", "startup", False),
    ("Shenzhen Bay Learners", "CN", "CN-GD", "startup", False),
    ("Bangkok Chao Phraya Lab", "TH", "", "university", False),
    ("Beihai Harbour Bots", "CN", "CN-GX", "individual", False),
    ("Kunming Lancang Group", "CN", "CN-YN", "university", True),
    ("Jakarta Nusantara ML", "ID", "", "startup", False),
    ("Hangzhou Data Weavers", "CN", "CN-ZJ", "enterprise", False),
    ("Chengdu Panda Labs", "CN", "CN-SC", "university", False),
    ("Kuala Lumpur Twin Towers Analytics", "MY", "", "enterprise", False),
    ("Wuhan Optics Valley AI", "CN", "CN-HB", "university", False),
    ("Vientiane Mekong Coders", "LA", "", "individual", True),
    ("Beijing Haidian Deep", "CN", "CN-BJ", "enterprise", False),
    ("Da Nang Dragon Bridge AI", "VN", "", "university", False),
    ("Shanghai Pudong Quant", "CN", "CN-SH", "enterprise", False),
    ("Phnom Penh Angkor AI", "KH", "", "startup", False),
    ("Nanjing Purple Mountain", "CN", "CN-JS", "university", False),
    ("Chiang Mai Hill Farmers", "TH", "", "individual", False),
    ("Changsha Xiang River", "CN", "CN-HN", "startup", False),
    ("Singapore Merlion Models", "SG", "", "enterprise", False),
    ("Xi'an Silk Road Analytics", "CN", "CN-SN", "university", False),
    ("Manila Bay Data Guild", "PH", "", "startup", False),
    ("Guiyang Big Data Valley", "CN", "CN-GZ", "enterprise", False),
    ("Penang Silicon Isle", "MY", "", "university", False),
    ("Haikou Coconut AI", "CN", "CN-HI", "individual", False),
    ("Yangon Golden Data", "MM", "", "university", False),
    ("Chongqing Mountain City ML", "CN", "CN-CQ", "startup", False),
    ("Bandung Angklung Tech", "ID", "", "university", False),
    ("Baise Mango Growers AI", "CN", "CN-GX", "enterprise", False),
    ("Bandar Seri Begawan AI Circle", "BN", "", "individual", False),
)


def seed_demo(*, bundle_dir: Path, background_teams: int = 30, seed: int = 2026) -> list[DemoLogin]:
    """Build the demo bundle into ``bundle_dir``, import it, and add people, teams and scores.

    Idempotent: if the demo league exists, nothing is changed and the logins are returned.
    All of it happens in one transaction, so a failure leaves no half-seeded league. Accounts
    that already exist (say, from a deleted demo league) are reused as they are.
    """
    from aileague.demo.jury import JURY_LOGINS, seed_jury
    from aileague.demo.outcomes import seed_outcomes

    if League.objects.filter(slug=LEAGUE_SLUG).exists():
        return [*DEMO_LOGINS, *JURY_LOGINS]
    from aileague.competitions.bundle import import_bundle

    now = datetime.now(UTC)
    bundle_dir = build_demo_bundle(Path(bundle_dir), seed=seed, now=now)
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        league = import_bundle(path=bundle_dir, actor=None)
        users = _create_demo_users(league)
        demo_teams = _create_demo_teams(league, users)
        seeder = _Submitter(league=league, bundle_dir=bundle_dir, rng=rng, now=now)
        for team, slugs in demo_teams:
            for slug in slugs:
                seeder.enter_and_submit(team, slug, skill=0.0, noise=0.0, times=1)
        for team in _create_background_teams(league, background_teams):
            slugs = rng.choice(
                [spec.slug for spec in SCENARIOS], int(rng.integers(2, 6)), replace=False
            )
            for slug in slugs:
                seeder.enter_and_submit(
                    team,
                    str(slug),
                    skill=float(rng.uniform(-0.3, 0.5)),
                    noise=float(rng.uniform(0.0, 1.0)),
                    times=int(rng.integers(1, 4)),
                )
        seeder.rebuild_standings()
        seed_jury(league=league, users=users, seed=seed, now=now)
        seed_outcomes(league=league, now=now)
    return [*DEMO_LOGINS, *JURY_LOGINS]


def _person(
    email: str, password: str | None, *, name: str, country: str, language: str = "en", **fields
) -> User:
    """A verified account; ``password=None`` gives an unusable password (no login)."""
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    user = User.objects.create_user(
        email=email,
        password=password,
        display_name=name,
        real_name=name,
        country=country,
        language=language,
        email_verified_at=datetime.now(UTC),
        **fields,
    )
    record_audit(actor=None, action="account.create_demo", target=user, after={"email": email})
    return user


def _demo_user(login: DemoLogin, **fields) -> User:
    return _person(login.email, login.password, **fields)


def _create_demo_users(league: League) -> dict[str, User]:
    logins = {login.email.split("@")[0]: login for login in DEMO_LOGINS}
    owner_org = Scenario.objects.get(slug="customs-declaration-risk").owner
    fund = get_or_create_organisation(
        name="Beibu Gulf Innovation Fund", kind="investor", country="CN"
    )
    users = {
        "organiser": _demo_user(
            logins["organiser"],
            name="Li Wen",
            country="CN",
            language="zh-hans",
            is_staff=True,
            is_superuser=True,
        ),
        "track-manager": _demo_user(logins["track-manager"], name="Zhou Min", country="CN"),
        "owner": _demo_user(logins["owner"], name="Wei Lan", country="CN", organisation=owner_org),
        "captain-vn": _demo_user(
            logins["captain-vn"], name="Nguyễn Thu Hà", country="VN", language="vi"
        ),
        "captain-gx": _demo_user(
            logins["captain-gx"], name="Huang Zhiqiang", country="CN", language="zh-hans"
        ),
        "member-la": _demo_user(logins["member-la"], name="Souksavanh Phommachanh", country="LA"),
        "judge": _demo_user(logins["judge"], name="Prof. Tran Van Long", country="VN"),
        "investor": _demo_user(logins["investor"], name="Chen Yu", country="CN", organisation=fund),
    }
    grant_role(user=users["organiser"], role=Role.ORGANISER, league=league)
    grant_role(
        user=users["track-manager"],
        role=Role.TRACK_MANAGER,
        track=league.tracks.get(slug="logistics-customs"),
    )
    grant_role(
        user=users["owner"],
        role=Role.SCENARIO_OWNER,
        scenario=Scenario.objects.get(slug="customs-declaration-risk"),
    )
    grant_role(user=users["judge"], role=Role.JUDGE, league=league)
    grant_role(user=users["investor"], role=Role.INVESTOR, league=league)
    return users


def _create_demo_teams(league: League, users: dict[str, User]) -> list[tuple[Team, list[str]]]:
    vietnam = create_team(
        league=league,
        name="Hanoi Mekong AI Lab",
        captain=users["captain-vn"],
        country="VN",
        organisation_type="university",
        organisation_name="Hanoi University of Science",
    )
    guangxi = create_team(
        league=league,
        name="Nanning–Vientiane Bridge AI",
        captain=users["captain-gx"],
        country="CN",
        province="CN-GX",
        organisation_type="startup",
        organisation_name="Nanning Borderless Data Co., Ltd.",
        is_joint=True,
    )
    add_member(team=guangxi, user=users["member-la"], actor=users["captain-gx"])
    return [
        (
            vietnam,
            [
                "hs-listing-categories",
                "vi-review-sentiment",
                "customs-declaration-risk",
                "border-truck-wait",
            ],
        ),
        (
            guangxi,
            [
                "customs-declaration-risk",
                "lao-zh-trade-phrases",
                "sugarcane-sucrose",
                "blueberry-yield",
                "border-truck-wait",
            ],
        ),
    ]


def _create_background_teams(league: League, count: int) -> list[Team]:
    teams = []
    for i, (name, country, province, kind, joint) in enumerate(BACKGROUND_TEAMS[:count], start=1):
        captain = _person(
            f"team{i:02d}@{EMAIL_DOMAIN}", None, name=f"{name} captain", country=country
        )
        team = create_team(
            league=league,
            name=name,
            captain=captain,
            country=country,
            province=province,
            organisation_type=kind,
            is_joint=joint,
        )
        if joint:  # a member from the other side of the border
            partner_country = "LA" if country == "CN" else "CN"
            partner = _person(
                f"team{i:02d}-partner@{EMAIL_DOMAIN}",
                None,
                name=f"{name} partner",
                country=partner_country,
            )
            add_member(team=team, user=partner, actor=captain)
        teams.append(team)
    return teams


def _read_column(path: Path) -> tuple[list[str], list[str], str]:
    """Ids, second column and its name of a two-column CSV written by the bundle."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return [row[0] for row in rows[1:]], [row[1] for row in rows[1:]], rows[0][1]


class _Submitter:
    """Enters teams into scenarios and submits files derived from the baseline."""

    def __init__(
        self, *, league: League, bundle_dir: Path, rng: np.random.Generator, now: datetime
    ) -> None:
        self.bundle_dir, self.rng, self.now = bundle_dir, rng, now
        self.stages = {
            stage.scenario.slug: stage
            for stage in Stage.objects.filter(scenario__track__league=league).select_related(
                "scenario"
            )
        }

    def enter_and_submit(
        self, team: Team, slug: str, *, skill: float, noise: float, times: int
    ) -> None:
        from aileague.submissions.services import submit_predictions
        from aileague.submissions.worker import score_submission

        stage = self.stages[slug]
        captain = team.memberships.get(role="captain").user
        entry = self._enter(team, stage, captain)
        start = stage.opens_at + timedelta(hours=1)
        end = min(stage.closes_at, self.now) - timedelta(hours=1)
        moments = sorted(start + (end - start) * float(f) for f in self.rng.random(times))
        for attempt, at in enumerate(moments):
            text = self._predictions(scenario_spec(slug), skill=skill + 0.1 * attempt, noise=noise)
            submission = submit_predictions(
                entry=entry,
                stage=stage,
                upload=io.BytesIO(text.encode()),
                filename=f"{slug}-{attempt + 1}.csv",
                actor=captain,
                now=at,
                description="baseline" if skill == noise == 0 else "",
            )
            score_submission(submission_id=submission.pk)

    def rebuild_standings(self) -> None:
        """Scoring kept the boards up to date; a rebuild also records every final rank."""
        from aileague.leaderboards.services import rebuild_stage

        for stage in self.stages.values():
            rebuild_stage(stage)

    def _enter(self, team: Team, stage: Stage, captain: User) -> Entry:
        if not stage.is_closed(self.now):
            return register_entry(team=team, scenario=stage.scenario, actor=captain)
        # Entries for a stage that has already closed are refused by the service, so they are
        # written as they would have been when the stage was open.
        entry = Entry.objects.create(team=team, scenario=stage.scenario, registered_by=captain)
        record_audit(
            actor=captain,
            action="entry.register",
            target=entry,
            after={"team": team.pk, "scenario": stage.scenario.slug, "seeded": True},
        )
        return entry

    def _predictions(self, spec: ScenarioSpec, *, skill: float, noise: float) -> str:
        """The baseline moved towards (skill > 0) or away from the answers, plus noise."""
        baseline_path = self.bundle_dir / "baselines" / f"{spec.slug}.csv"
        if skill == noise == 0:
            return baseline_path.read_text(encoding="utf-8")
        ids, baseline, column = _read_column(baseline_path)
        _ids, truth, _name = _read_column(self.bundle_dir / "reference" / f"{spec.slug}.csv")
        values = _blend(spec, baseline, truth, self.rng, skill=skill, noise=noise)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["id", column])
        writer.writerows(zip(ids, values, strict=True))
        return buffer.getvalue()


def _blend(
    spec: ScenarioSpec,
    baseline: list[str],
    truth: list[str],
    rng: np.random.Generator,
    *,
    skill: float,
    noise: float,
) -> list[str]:
    n = len(baseline)
    if spec.kind == "binary_probability":
        p = np.clip(np.array(baseline, dtype=float), 1e-4, 1 - 1e-4)
        logit = np.log(p / (1 - p)) + skill * 0.6 * (2 * np.array(truth, dtype=float) - 1)
        logit += rng.normal(0, 1.5 * noise, n)
        return [f"{v:.4f}" for v in 1 / (1 + np.exp(-logit))]
    if spec.kind == "regression":
        b, y = np.array(baseline, dtype=float), np.array(truth, dtype=float)
        pred = b + 0.5 * skill * (y - b) + rng.normal(0, noise * np.std(y - b), n)
        return [f"{v:.3f}" for v in pred]
    # Labels and texts: some rows take the answer (skill), some a random other row's baseline.
    take_truth = rng.random(n) < max(skill, 0) * 0.3
    scramble = rng.random(n) < (noise * 0.3 + max(-skill, 0) * 0.5)
    other = rng.integers(0, n, n)
    return [
        truth[i] if take_truth[i] else baseline[other[i]] if scramble[i] else baseline[i]
        for i in range(n)
    ]
