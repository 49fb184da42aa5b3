"""A season's outcomes for a seeded league: ratings, stage results, awards, projects, partners,
the investor and pilot pipeline with amounts in CNY and ASEAN currencies at recorded rates, the
cooperation center's sign-ins with milestones, and cooperation agreements.

Rows are written with ``bulk_create`` and one audit entry for the batch, like
``aileague.demo.scale``. The totals follow last season's (``SEASON``: 202 new products, 74M yuan
of projects started, 40 projects with investor interest, 57 technologies put into use, 51
Chinese and 16 ASEAN projects signed into the center) scaled by the league's size, with at least
``MIN_SCALE`` of them so that the small demo league shows every figure. Seeding tops up: run it
again after the league has grown and it adds what the larger league should have. Deterministic
for a given seed.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Count, Max, Q, Sum

from aileague.accounts.models import Organisation, User
from aileague.common.audit import record_audit
from aileague.common.countries import ASEAN_COUNTRIES
from aileague.competitions.models import (
    EvaluationMode,
    League,
    Scenario,
    ScenarioRating,
    ScenarioStatus,
    Stage,
)
from aileague.leaderboards.models import Standing
from aileague.outcomes.models import (
    Award,
    AwardLevel,
    CenterSignIn,
    CooperationAgreement,
    ExchangeRate,
    Milestone,
    PartnerKind,
    PartnerProfile,
    Project,
    Relation,
    RelationEvent,
    RelationStage,
)
from aileague.results.models import AdvancementPolicy, StageResult
from aileague.submissions.models import ScoreSplit
from aileague.teams.models import Entry, Team

SEASON_TEAMS = 10_447
MIN_SCALE = 0.06
#: Last season's outcomes, the targets at full scale.
SEASON = {
    "projects": 215,
    "products": 202,
    "interest": 40,
    "deployed": 57,
    "contracts_only": 14,  # started (contract signed) but not deployed yet
    "pilot_agreements": 16,
    "withdrawn": 6,
    "started_value_cny": 74_000_000,
    "center_cn": 51,
    "center_investment_cny": 7_900_000_000,
    "center_invested": 40,
    "agreements": 24,
}
CENTER_ASEAN = {"VN": 5, "TH": 3, "LA": 3, "MY": 2, "ID": 2, "KH": 1}  # 16 from 6 countries
EXCELLENT_SHARE = 0.93
ADVANCE_SHARE = 0.2
CURRENCY = {
    "CN": "CNY",
    "TH": "THB",
    "VN": "VND",
    "ID": "IDR",
    "MY": "MYR",
    "SG": "SGD",
    "PH": "PHP",
    "LA": "LAK",
    "KH": "KHR",
    "MM": "MMK",
    "BN": "BND",
    "TL": "USD",
}
#: Rough CNY per unit, the start of each currency's recorded random walk.
CNY_PER_UNIT = {
    "THB": 0.2,
    "VND": 0.00028,
    "IDR": 0.00045,
    "MYR": 1.55,
    "SGD": 5.35,
    "PHP": 0.125,
    "LAK": 0.00033,
    "KHR": 0.00175,
    "MMK": 0.0034,
    "BND": 5.35,
    "USD": 7.2,
}
INVESTORS = (
    ("Lijiang Venture Partners", "CN"),
    ("Pearl River AI Capital", "CN"),
    ("Shenzhen Bay Angels", "CN"),
    ("Nanning Digital Industry Fund", "CN"),
    ("China–ASEAN Investment Cooperation Fund", "CN"),
    ("Mekong Ventures", "VN"),
    ("Siam Deep Tech Capital", "TH"),
    ("Nusantara Growth Partners", "ID"),
    ("Merlion Seed Fund", "SG"),
    ("Petronas Digital Ventures", "MY"),
)
PILOT_SITES = (
    ("Guangxi Beibu Gulf Port Group", "CN"),
    ("Liuzhou Auto Works", "CN"),
    ("Chongzuo Sugar Cooperative", "CN"),
    ("Guilin Tourism Board", "CN"),
    ("Nanning First People's Hospital", "CN"),
    ("Hanoi Smart City Office", "VN"),
    ("Bangkok Logistics Park", "TH"),
    ("Vientiane Customs Bureau", "LA"),
    ("Penang Industrial Estate", "MY"),
    ("Phnom Penh Special Economic Zone", "KH"),
)
CENTER = ("China–ASEAN AI Innovation Cooperation Center", "CN")
AGREEMENT_PARTNERS = {
    "VN": ("Ministry of Science and Technology of Vietnam", "Hanoi University of Science"),
    "TH": ("Thailand Digital Economy Promotion Agency", "King Mongkut's Institute of Technology"),
    "LA": ("Lao Ministry of Technology and Communications", "National University of Laos"),
    "MY": ("Malaysia Digital Economy Corporation", "Universiti Malaya"),
    "ID": ("Indonesian National Research and Innovation Agency", "Bandung Institute of Technology"),
    "KH": ("Cambodia Ministry of Post and Telecommunications", "Royal University of Phnom Penh"),
    "SG": ("AI Singapore", "Nanyang Technological University"),
    "MM": ("Myanmar Computer Federation", "University of Computer Studies, Yangon"),
    "PH": ("Philippine Department of Science and Technology", "University of the Philippines"),
    "BN": ("Brunei Darussalam Digital Economy Council", "Universiti Brunei Darussalam"),
}
AGREEMENT_WEIGHTS = {"VN": 6, "TH": 5, "LA": 4, "MY": 3, "ID": 2, "KH": 2, "SG": 1, "MM": 1}
PRODUCT_WORDS = (
    ("assistant", "助手"),
    ("risk radar", "风险雷达"),
    ("copilot", "智能副驾"),
    ("inspector", "质检系统"),
    ("forecaster", "预测平台"),
    ("translator", "翻译引擎"),
)
TAGS = (
    "computer-vision",
    "nlp",
    "forecasting",
    "tabular-ml",
    "speech",
    "llm",
    "edge-ai",
    "recommendation",
    "anomaly-detection",
    "multilingual",
)
MILESTONES = (
    ("Incubation plan agreed", "孵化计划确定"),
    ("Pilot site ready", "试点场地就绪"),
    ("Cross-border data pilot", "跨境数据试点"),
    ("First paying customer", "首个付费客户"),
)


@dataclass
class OutcomeStats:
    ratings: int = 0
    stage_results: int = 0
    awards: int = 0
    projects: int = 0
    products: int = 0
    partners: int = 0
    relations: int = 0
    events: int = 0
    rates: int = 0
    sign_ins: int = 0
    milestones: int = 0
    agreements: int = 0
    seconds: float = 0.0


def seed_outcomes(*, league: League, seed: int = 26, now: datetime | None = None) -> OutcomeStats:
    """Top ``league``'s outcomes up to what a league of its size had last season (see module)."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    g = _Generator(league, np.random.default_rng([seed, league.pk]), now)
    with transaction.atomic():
        g.rate_scenarios()
        g.stage_results()
        g.awards()
        g.partners()
        projects = g.projects()
        g.relations(projects)
        g.center(projects)
        g.agreements()
        record_audit(
            actor=None,
            action="league.seed_outcomes",
            target=league,
            after={**asdict(g.stats), "seed": seed},
        )
    g.stats.seconds = round(time.perf_counter() - started, 3)
    return g.stats


def _allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` split by ``weights`` with largest remainders (the parts add up exactly)."""
    mass = sum(weights.values())
    raw = {key: total * w / mass for key, w in weights.items()}
    parts = {key: int(v) for key, v in raw.items()}
    for key in sorted(raw, key=lambda k: parts[k] - raw[k])[: total - sum(parts.values())]:
        parts[key] += 1
    return parts


class _Generator:
    def __init__(self, league: League, rng: np.random.Generator, now: datetime) -> None:
        self.league, self.rng, self.now, self.stats = league, rng, now, OutcomeStats()
        teams = Team.objects.filter(league=league).count()
        self.scale = min(1.0, max(teams / SEASON_TEAMS, MIN_SCALE))
        stages = Stage.objects.filter(scenario__track__league=league)
        last = stages.aggregate(at=Max("closes_at"))["at"] or now
        self.anchor = min(now, last)  # outcomes happen after the season, never in the future
        self.stages = list(stages.select_related("scenario__track"))
        self.users: dict[int, int] = {}  # organisation id → a contact's user id
        self.rates: dict[tuple[str, date], Decimal] = {}

    def target(self, key: str) -> int:
        return round(SEASON[key] * self.scale)

    def day(self, days_before: float) -> date:
        return (self.anchor - timedelta(days=float(days_before))).date()

    # --- the season's results -------------------------------------------------------------

    def rate_scenarios(self) -> None:
        unrated = list(
            Scenario.objects.filter(
                track__league=self.league, status=ScenarioStatus.PUBLISHED, rating=""
            ).order_by("pk")
        )
        excellent = set(
            self.rng.permutation(len(unrated))[: round(len(unrated) * EXCELLENT_SHARE)].tolist()
        )
        for i, scenario in enumerate(unrated):
            scenario.rating = ScenarioRating.EXCELLENT if i in excellent else ScenarioRating.GOOD
        Scenario.objects.bulk_update(unrated, ["rating"])
        self.stats.ratings = len(unrated)

    def stage_results(self) -> None:
        """Closed benchmark stages without results get them from their leaderboard: the top
        fifth advance. Open stages have no results yet; judged and combined stages, and any
        stage with an advancement policy, compute theirs through ``aileague.results.services``
        (jury scores, weights, quotas), which a benchmark top fifth would contradict."""
        done = set(
            StageResult.objects.filter(stage__in=self.stages).values_list("stage_id", flat=True)
        )
        with_policy = set(
            AdvancementPolicy.objects.filter(stage__in=self.stages).values_list(
                "stage_id", flat=True
            )
        )
        rows = []
        for stage in self.stages:
            if (
                stage.pk in done
                or stage.pk in with_policy
                or stage.closes_at >= self.now
                or stage.evaluation_mode != EvaluationMode.AUTOMATIC
            ):
                continue
            board = Standing.objects.filter(stage=stage, split=ScoreSplit.PUBLIC).order_by(
                "missing", "sort_value", "submitted_at", "submission_id"
            )
            lines = list(board.values_list("team_id", "value"))
            advancing = max(min(10, len(lines)), round(len(lines) * ADVANCE_SHARE))
            rows += [
                StageResult(
                    stage=stage,
                    team_id=team_id,
                    track=stage.scenario.track,
                    benchmark_score=value,
                    final_score=value,
                    rank=rank,
                    advanced=rank <= advancing,
                    reason="top_k" if rank <= advancing else "outside_top_k",
                )
                for rank, (team_id, value) in enumerate(lines, start=1)
            ]
        StageResult.objects.bulk_create(rows, batch_size=2000)
        self.stats.stage_results = len(rows)

    def awards(self) -> None:
        """Per scenario without awards: 1 first, 2 second, 3 third prizes and some excellence
        awards, for teams that advanced (else teams on the board, else entered teams)."""
        awarded = set(
            Award.objects.filter(league=self.league).values_list("scenario_id", flat=True)
        )
        advanced = {}
        for scenario_id, team_id in (
            StageResult.objects.filter(stage__in=self.stages, advanced=True)
            .order_by("stage__position", "rank")
            .values_list("stage__scenario_id", "team_id")
        ):
            advanced.setdefault(scenario_id, []).append(team_id)
        rows = []
        for scenario in {stage.scenario for stage in self.stages}:
            if scenario.pk in awarded:
                continue
            teams = list(dict.fromkeys(advanced.get(scenario.pk, [])))
            if not teams:
                teams = list(scenario.entries.order_by("pk").values_list("team_id", flat=True))
            prize = Decimal(scenario.prize_amount or 100_000)
            levels = [
                (AwardLevel.FIRST, prize),
                *[(AwardLevel.SECOND, prize / 2)] * 2,
                *[(AwardLevel.THIRD, prize / 4)] * 3,
                *[(AwardLevel.EXCELLENCE, None)] * 4,
            ]
            rows += [
                Award(
                    league=self.league,
                    team_id=team_id,
                    scenario=scenario,
                    level=level,
                    amount=amount,
                    currency="CNY",
                    awarded_at=self.day(0),
                )
                for team_id, (level, amount) in zip(teams, levels, strict=False)
            ]
        Award.objects.bulk_create(rows)
        self.stats.awards = len(rows)

    # --- partners -------------------------------------------------------------------------

    def partners(self) -> None:
        tracks = list(self.league.tracks.values_list("pk", flat=True))
        owners = list(Organisation.objects.filter(scenarios__track__league=self.league).distinct())
        specs = [(name, country, "investor", PartnerKind.INVESTOR) for name, country in INVESTORS]
        specs += [(n, c, "enterprise", PartnerKind.PILOT_SITE) for n, c in PILOT_SITES]
        specs += [(CENTER[0], CENTER[1], "public_body", PartnerKind.CENTER)]
        organisations = [
            (
                Organisation.objects.get_or_create(
                    name=name, defaults={"kind": kind, "country": c}
                )[0],
                pk,
            )
            for name, c, kind, pk in specs
        ] + [(owner, PartnerKind.PILOT_SITE) for owner in owners]
        # Scenario owners pilot without a profile of ours (their own pages may give them one).
        existing = set(PartnerProfile.objects.values_list("organisation_id", flat=True))
        existing |= {owner.pk for owner in owners}
        for organisation, kind in organisations:
            if organisation.pk in existing:
                continue
            profile = PartnerProfile.objects.create(
                organisation=organisation,
                kind=kind,
                countries=[
                    organisation.country,
                    *self.rng.choice(list(ASEAN_COUNTRIES), 2, replace=False).tolist(),
                ],
                tags=self.rng.choice(TAGS, 3, replace=False).tolist(),
                readiness_min=int(self.rng.integers(3, 6)),
                ticket_min_cny=Decimal(500_000) if kind == PartnerKind.INVESTOR else None,
                ticket_max_cny=Decimal(20_000_000) if kind == PartnerKind.INVESTOR else None,
                statement={
                    "en": f"{organisation.name} backs AI that is put to work across borders."
                },
            )
            profile.tracks.set(self.rng.choice(tracks, min(4, len(tracks)), replace=False).tolist())
            self.stats.partners += 1
        self.partner_orgs = {
            kind: [o for o, k in organisations if k == kind] for kind in PartnerKind.values
        }
        self._contacts([o for o, _k in organisations])

    def _contacts(self, organisations: list[Organisation]) -> None:
        """A (login-less) contact person per partner, who records its relations."""
        emails = {f"partner-{o.pk}@outcomes.example.org": o for o in organisations}
        have = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
        new = [
            User(
                email=email,
                username=email,
                password="!seeded-partner",
                display_name=f"{o.name} contact",
                country=o.country,
                organisation=o,
            )
            for email, o in emails.items()
            if email not in have
        ]
        for user in User.objects.bulk_create(new):
            have[user.email] = user.pk
        self.users = {o.pk: have[email] for email, o in emails.items()}

    # --- projects -------------------------------------------------------------------------

    def projects(self) -> list[Project]:
        existing = Project.objects.filter(league=self.league)
        wanted = self.target("projects") - existing.count()
        if wanted <= 0:
            return []
        taken = set(existing.values_list("team_id", flat=True))
        teams = self._project_teams(wanted, taken)
        awards = {}
        for award in Award.objects.filter(league=self.league, team_id__in=[t.pk for t in teams]):
            awards.setdefault(award.team_id, award)
        first_entry = {}
        for team_id, scenario_id in (
            Entry.objects.filter(team_id__in=[t.pk for t in teams])
            .order_by("pk")
            .values_list("team_id", "scenario_id")
        ):
            first_entry.setdefault(team_id, scenario_id)
        scenarios = {
            s.pk: s
            for s in Scenario.objects.filter(track__league=self.league).select_related("track")
        }
        have_products = existing.filter(product_launched_at__isnull=False).count()
        products = set(
            self.rng.permutation(len(teams))[
                : max(0, self.target("products") - have_products)
            ].tolist()
        )
        offset = (
            existing.count()
            + Project.objects.filter(slug__startswith=f"{self.league.slug}-p").count()
        )
        rows = []
        for i, team in enumerate(teams):
            award = awards.get(team.pk)
            scenario = scenarios.get(award.scenario_id if award else first_entry.get(team.pk))
            if scenario is None:
                scenario = scenarios[sorted(scenarios)[i % len(scenarios)]]
            en, zh = PRODUCT_WORDS[int(self.rng.integers(len(PRODUCT_WORDS)))]
            track_en = scenario.track.name.get("en", scenario.track.slug)
            track_zh = scenario.track.name.get("zh-hans", track_en)
            rows.append(
                Project(
                    league=self.league,
                    team=team,
                    track=scenario.track,
                    scenario=scenario,
                    award=award,
                    slug=f"{self.league.slug}-p{offset + i + 1:05d}",
                    title={
                        "en": f"{track_en} {en} by {team.name}",
                        "zh-hans": f"{team.name}的{track_zh}{zh}",
                    },
                    summary={
                        "en": f"An AI {en} for {track_en.lower()} ({scenario.slug}).",
                        "zh-hans": f"面向{track_zh}的人工智能{zh}。",
                    },
                    country=team.country,
                    readiness=int(self.rng.integers(4, 10)),
                    demo_url=f"https://demo.example.org/{self.league.slug}/{offset + i + 1}",
                    languages=["zh-hans", "en"]
                    + ([] if team.country == "CN" else ["vi"] if team.country == "VN" else []),
                    target_countries=self.rng.choice(
                        list(ASEAN_COUNTRIES), 2, replace=False
                    ).tolist(),
                    tags=self.rng.choice(TAGS, 2, replace=False).tolist(),
                    seeking_cny=Decimal(int(self.rng.integers(5, 200)) * 100_000),
                    product_launched_at=self.day(self.rng.uniform(0, 120))
                    if i in products
                    else None,
                )
            )
        created = Project.objects.bulk_create(rows)
        self.stats.projects = len(created)
        self.stats.products = len(products)
        return created

    def _project_teams(self, wanted: int, taken: set[int]) -> list[Team]:
        """Awarded teams first, then advanced ones, then any; about a quarter from ASEAN
        countries, spread over them, so the center has ASEAN projects to sign in."""
        teams = Team.objects.filter(league=self.league).exclude(pk__in=taken)
        awarded = set(Award.objects.filter(league=self.league).values_list("team_id", flat=True))
        advanced = set(
            StageResult.objects.filter(stage__in=self.stages, advanced=True).values_list(
                "team_id", flat=True
            )
        )

        def pick(queryset, count: int, spread: bool) -> list[Team]:
            rows = list(queryset.only("pk", "name", "country").order_by("pk"))
            order = self.rng.permutation(len(rows))
            ranked = [
                rows[i]
                for i in sorted(
                    order, key=lambda i: (rows[i].pk not in awarded, rows[i].pk not in advanced)
                )
            ]
            return (_round_robin(ranked) if spread else ranked)[:count]

        asean = pick(teams.exclude(country="CN"), round(wanted * 0.25), spread=True)
        return asean + pick(teams.filter(country="CN"), wanted - len(asean), spread=False)

    # --- the pipeline ---------------------------------------------------------------------

    def relations(self, projects: list[Project]) -> None:
        if not projects:
            return
        relations = Relation.objects.filter(project__league=self.league)
        now_figures = relations.aggregate(
            interest=Count(
                "project",
                distinct=True,
                filter=Q(kind=PartnerKind.INVESTOR) & ~Q(stage=RelationStage.WITHDRAWN),
            ),
            deployed=Count("project", distinct=True, filter=Q(stage=RelationStage.DEPLOYED)),
            value=Sum(
                "amount_cny", filter=Q(stage__in=(RelationStage.CONTRACT, RelationStage.DEPLOYED))
            ),
        )
        n = len(projects)
        order = self.rng.permutation(n).tolist()
        deployed = order[: min(n, max(0, self.target("deployed") - now_figures["deployed"]))]
        rest = order[len(deployed) :]
        contracts = rest[: self.target("contracts_only")]
        pilots = rest[len(contracts) : len(contracts) + self.target("pilot_agreements")]
        interest = set(
            self.rng.permutation(n)[
                : min(n, max(0, self.target("interest") - now_figures["interest"]))
            ].tolist()
        )
        plan = []  # (project, kind, stage)
        for i in deployed:
            plan.append((projects[i], PartnerKind.PILOT_SITE, RelationStage.DEPLOYED))
        for i in contracts:
            kind = PartnerKind.INVESTOR if i in interest else PartnerKind.PILOT_SITE
            plan.append((projects[i], kind, RelationStage.CONTRACT))
        for i in pilots:
            plan.append((projects[i], PartnerKind.PILOT_SITE, RelationStage.AGREEMENT))
        early = (
            RelationStage.INTEREST,
            RelationStage.MEETING,
            RelationStage.AGREEMENT,
            RelationStage.DECLINED,
        )
        for i in sorted(interest):
            if i not in contracts:
                stage = early[int(self.rng.choice(4, p=[0.35, 0.3, 0.2, 0.15]))]
                plan.append((projects[i], PartnerKind.INVESTOR, stage))
            if self.rng.random() < 0.4:  # a second investor looks at it
                plan.append((projects[i], PartnerKind.INVESTOR, RelationStage.INTEREST))
        outside = [i for i in order if i not in interest][: self.target("withdrawn")]
        plan += [(projects[i], PartnerKind.INVESTOR, RelationStage.WITHDRAWN) for i in outside]
        value = max(0, SEASON["started_value_cny"] * self.scale - float(now_figures["value"] or 0))
        self._write_relations(plan, value)

    def _partner(self, project: Project, kind: str, used: set[tuple[int, int]]) -> Organisation:
        if kind == PartnerKind.PILOT_SITE and project.scenario_id:
            owner = project.scenario.owner
            if (project.pk, owner.pk) not in used and owner.pk in self.users:
                return owner
        pool = self.partner_orgs[kind]
        for j in self.rng.permutation(len(pool)):
            if (project.pk, pool[j].pk) not in used:
                return pool[j]
        raise RuntimeError(
            "no partner left"
        )  # pragma: no cover - pools exceed relations per project

    def _write_relations(self, plan, value_cny: float) -> None:
        started = [
            k
            for k, (_p, _kind, stage) in enumerate(plan)
            if stage in (RelationStage.CONTRACT, RelationStage.DEPLOYED)
        ]
        weights = self.rng.lognormal(0, 0.9, len(started))
        amounts = dict(
            zip(started, weights / weights.sum() * value_cny if len(started) else [], strict=True)
        )
        used = set(
            Relation.objects.filter(project__league=self.league).values_list(
                "project_id", "partner_id"
            )
        )
        steps = list(RelationStage.values[:5])
        rows, histories = [], []
        for k, (project, kind, stage) in enumerate(plan):
            partner = self._partner(project, kind, used)
            used.add((project.pk, partner.pk))
            reached = (
                steps[: steps.index(stage) + 1]
                if stage in steps
                else [RelationStage.INTEREST, stage]
            )
            dates = sorted(
                self.anchor - timedelta(days=float(d))
                for d in self.rng.uniform(0, 150, len(reached))
            )
            relation = Relation(
                project=project,
                partner=partner,
                kind=kind,
                stage=stage,
                created_by_id=self.users[partner.pk],
                message="We would like to learn more about your project.",
                meeting_at=dates[1]
                if len(dates) > 1 and stage != RelationStage.WITHDRAWN
                else None,
            )
            cny = amounts.get(k)
            if cny is None and stage == RelationStage.AGREEMENT:
                cny = float(self.rng.uniform(2, 30)) * 100_000  # a term sheet's amount
            if cny is not None:
                self._set_amount(relation, Decimal(f"{cny:.2f}"), dates[-1].date())
            rows.append(relation)
            histories.append(list(zip(reached, dates, strict=True)))
        created = Relation.objects.bulk_create(rows)
        events = [
            RelationEvent(relation=r, stage=s, at=at, by_id=r.created_by_id)
            for r, history in zip(created, histories, strict=True)
            for s, at in history
        ]
        RelationEvent.objects.bulk_create(events, batch_size=2000)
        self.stats.relations, self.stats.events = len(created), len(events)

    def _set_amount(self, relation: Relation, cny: Decimal, on: date) -> None:
        currency = CURRENCY.get(relation.partner.country, "CNY")
        rate = self._rate(currency, on)
        relation.currency, relation.cny_per_unit = currency, rate
        relation.amount = (cny / rate).quantize(Decimal("1.00"))
        relation.amount_cny = (relation.amount * rate).quantize(Decimal("1.00"))

    def _rate(self, currency: str, on: date) -> Decimal:
        """The recorded rate of ``currency`` on the Monday of ``on``'s week (recorded once)."""
        if currency == "CNY":
            return Decimal(1)
        monday = on - timedelta(days=on.weekday())
        key = (currency, monday)
        if key not in self.rates:
            recorded = ExchangeRate.objects.filter(currency=currency, on=monday).first()
            if recorded is None:
                walk = 1 + 0.02 * float(np.sin(monday.toordinal() / 17.0 + len(currency)))
                recorded = ExchangeRate.objects.create(
                    currency=currency,
                    on=monday,
                    cny_per_unit=Decimal(f"{CNY_PER_UNIT[currency] * walk:.8f}"),
                    source="seeded (demo): weekly reference rate",
                )
                self.stats.rates += 1
            self.rates[key] = recorded.cny_per_unit
        return self.rates[key]

    # --- the cooperation center and agreements ---------------------------------------------

    def center(self, projects: list[Project]) -> None:
        signed = CenterSignIn.objects.filter(project__league=self.league)
        have = dict(signed.values("country").annotate(n=Count("id")).values_list("country", "n"))
        free = list(projects)
        wanted_asean = _allocate(round(sum(CENTER_ASEAN.values()) * self.scale), CENTER_ASEAN)
        chosen: list[Project] = []
        for country, count in wanted_asean.items():
            count = max(0, count - have.get(country, 0))
            # Another ASEAN country's project stands in when this one has too few.
            matches = [p for p in free if p.country == country][:count]
            matches += [p for p in free if p.country not in ("CN", country)][: count - len(matches)]
            chosen += matches
            free = [p for p in free if p not in matches]
        chosen += [p for p in free if p.country == "CN"][
            : max(0, self.target("center_cn") - have.get("CN", 0))
        ]
        invested = set(
            self.rng.permutation(len(chosen))[
                : round(len(chosen) * SEASON["center_invested"] / 67)
            ].tolist()
        )
        total = max(
            0.0,
            SEASON["center_investment_cny"] * self.scale
            - float(signed.aggregate(s=Sum("agreed_investment_cny"))["s"] or 0),
        )
        weights = self.rng.lognormal(0, 1.0, len(invested))
        shares = dict(
            zip(sorted(invested), weights / weights.sum() * total if invested else [], strict=True)
        )
        rows = []
        for i, project in enumerate(chosen):
            on = self.day(self.rng.uniform(0, 90))
            cny = Decimal(f"{shares.get(i, 0):.2f}")
            currency = CURRENCY.get(project.country, "CNY")
            rate = self._rate(currency, on)
            amount = (cny / rate).quantize(Decimal("1.00"))
            rows.append(
                CenterSignIn(
                    project=project,
                    signed_on=on,
                    country=project.country,
                    field=project.track.name.get("en", project.track.slug),
                    agreed_investment=amount,
                    currency=currency,
                    cny_per_unit=rate,
                    agreed_investment_cny=(amount * rate).quantize(Decimal("1.00")),
                )
            )
        created = CenterSignIn.objects.bulk_create(rows)
        milestones = []
        for sign_in in created:
            for position, (en, zh) in enumerate(MILESTONES):
                due = sign_in.signed_on + timedelta(days=45 * (position + 1))
                done = (
                    due - timedelta(days=int(self.rng.integers(0, 20)))
                    if due <= self.anchor.date() and self.rng.random() < 0.8
                    else None
                )
                milestones.append(
                    Milestone(
                        sign_in=sign_in,
                        title={"en": en, "zh-hans": zh},
                        due_on=due,
                        done_on=done,
                        position=position,
                    )
                )
        Milestone.objects.bulk_create(milestones)
        self.stats.sign_ins, self.stats.milestones = len(created), len(milestones)

    def agreements(self) -> None:
        existing = CooperationAgreement.objects.filter(league=self.league).count()
        wanted = max(3, self.target("agreements")) - existing
        if wanted <= 0:
            return
        by_country = _allocate(wanted, AGREEMENT_WEIGHTS)
        signed_in = {}
        for sign_in in CenterSignIn.objects.filter(project__league=self.league).exclude(
            country="CN"
        ):
            signed_in.setdefault(sign_in.country, sign_in.project_id)
        rows = []
        for country, count in by_country.items():
            for k in range(count):
                partner = AGREEMENT_PARTNERS[country][k % 2]
                rows.append(
                    CooperationAgreement(
                        league=self.league,
                        partner=partner,
                        country=country,
                        title={
                            "en": f"AI cooperation agreement with {partner}",
                            "zh-hans": f"与{partner}的人工智能合作协议",
                        },
                        signed_on=self.day(self.rng.uniform(0, 60)),
                        project_id=signed_in.get(country) if k == 0 else None,
                    )
                )
        CooperationAgreement.objects.bulk_create(rows)
        self.stats.agreements = len(rows)


def _round_robin(teams: list[Team]) -> list[Team]:
    """Teams interleaved by country, so the first few cover as many countries as possible."""
    by_country: dict[str, list[Team]] = {}
    for team in teams:
        by_country.setdefault(team.country, []).append(team)
    out = []
    while any(by_country.values()):
        for country in sorted(by_country):
            if by_country[country]:
                out.append(by_country[country].pop(0))
    return out
