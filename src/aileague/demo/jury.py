"""The demo league's judged stage: 'customs-declaration-risk' combines the benchmark with an
online review of the teams' proposals (R=3, judge-offset calibration) and ends in a live pitch
of the finalists before a panel and a presidium.

Everything goes through the jury's services (rounds, jurors, proposals, formal checks,
assignment, score sheets, calibration, pitch sessions), so the audit log tells the story. The
cost grows with the handful of seeded proposals and judges, never with the league's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from aileague.accounts.models import Role, User
from aileague.accounts.services import get_or_create_organisation, grant_role
from aileague.common.audit import record_audit
from aileague.competitions.models import EvaluationMode, League, Stage
from aileague.demo.seed import EMAIL_DOMAIN, DemoLogin, _person
from aileague.judging import assigning, calibration, pitch, reviews, services
from aileague.judging.models import (
    Assignment,
    JudgedEntry,
    JudgingRound,
    JurorRole,
    RoundKind,
)
from aileague.teams.models import Entry, MemberRole, Team
from aileague.teams.services import register_entry

SCENARIO = "customs-declaration-risk"
PROPOSALS = 25  # one of them is returned at the formal check
FINALISTS = 6
PITCH_SEED = "aileague-demo-2026"


@dataclass(frozen=True)
class JudgeSpec:
    key: str
    name: str
    country: str
    languages: tuple[str, ...]
    expertise: tuple[str, ...]
    organisation: str
    organisation_kind: str
    #: How much harsher (< 0) or more lenient (> 0) than the truth, in scale points.
    severity: float
    note: str


# fmt: off
JUDGES = (
    JudgeSpec(
        "liang", "Prof. Liang Jun (梁军)", "CN", ("zh-hans", "en"),
        ("customs", "risk-modelling", "tabular-ml"), "Guangxi University", "university", -0.4,
        "Reviewer; panel lead of the final pitch",
    ),
    JudgeSpec(
        "xu", "Dr. Xu Hui (徐慧)", "CN", ("zh-hans", "en"),
        ("logistics", "supply-chain", "optimisation"), "China Post Logistics Research Institute",
        "enterprise", 0.3, "Reviewer (logistics)",
    ),
    JudgeSpec(
        "deng", "Deng Li (邓丽)", "CN", ("zh-hans",), ("trade-finance", "fraud-detection"),
        "Beibu Gulf Bank", "enterprise", -1.3, "Reviewer (trade finance); a harsh marker",
    ),
    JudgeSpec(
        "pham", "Dr. Phạm Thị Mai", "VN", ("vi", "en"), ("nlp", "explainability"),
        "Hanoi University of Science", "university", 0.2,
        "Reviewer; same university as 'Hanoi Mekong AI Lab' (a detected conflict)",
    ),
    JudgeSpec(
        "somchai", "Dr. Somchai Wongsawat", "TH", ("th", "en"),
        ("computer-vision", "edge-ai", "logistics"), "Chulalongkorn University", "university",
        0.0, "Reviewer (vision at border crossings)",
    ),
    JudgeSpec(
        "dewi", "Ir. Dewi Lestari", "ID", ("id", "en"), ("supply-chain", "policy"),
        "Indonesian Customs Academy", "public_body", 1.2, "Reviewer; a lenient marker",
    ),
    JudgeSpec(
        "faizal", "Dr. Ahmad Faizal bin Rahman", "MY", ("ms", "en"),
        ("tabular-ml", "fraud-detection", "risk-modelling"), "Universiti Malaya", "university",
        -0.2, "Reviewer (risk models)",
    ),
    JudgeSpec(
        "khamphone", "Khamphone Sisavath", "LA", ("lo", "th", "en"), ("customs", "policy"),
        "Lao National Chamber of Commerce", "public_body", 0.6, "Reviewer (trade policy)",
    ),
    JudgeSpec(
        "tan", "Tan Wei Ling", "SG", ("en", "zh-hans", "ms"),
        ("explainability", "risk-modelling", "trade-finance"), "Merlion Port Analytics",
        "enterprise", -0.7, "Reviewer; sits on the pitch panel",
    ),
    JudgeSpec(
        "santos", "Dr. Maria Santos", "PH", ("en",), ("nlp", "computer-vision"),
        "University of the Philippines", "university", 0.9, "Reviewer (document AI)",
    ),
    JudgeSpec(
        "sok", "Sok Dara", "KH", ("km", "en"), ("logistics", "edge-ai"),
        "Royal University of Phnom Penh", "university", -0.9, "Reviewer (edge devices)",
    ),
)
PRESIDIUM = JudgeSpec(
    "wang", "Prof. Wang Guoqiang (王国强)", "CN", ("zh-hans", "en"), ("policy",),
    "China–ASEAN Information Harbour", "public_body", 0.0,
    "Chair of the jury presidium: ratifies the pitch session and sees the results",
)
# fmt: on
PITCH_PANEL = ("liang", "somchai", "faizal", "tan", "pham")


def _login(spec: JudgeSpec, role: str) -> DemoLogin:
    prefix = "presidium" if role == "presidium" else "judge"
    return DemoLogin(
        role,
        f"{prefix}-{spec.key}@{EMAIL_DOMAIN}",
        f"demo-{prefix}-{spec.key}-2026",
        spec.note,
    )


JURY_LOGINS = tuple(_login(spec, "judge") for spec in JUDGES) + (_login(PRESIDIUM, "presidium"),)

# (English, Chinese, tags): what the teams propose to build for the customs risk scenario.
PROPOSAL_TOPICS = (
    ("Customs risk radar", "报关风险雷达", ("customs", "risk-modelling", "tabular-ml")),
    ("HS code assistant for small exporters", "中小出口商HS编码助手", ("nlp", "customs")),
    ("Explainable declaration scoring", "可解释的报关评分", ("explainability", "risk-modelling")),
    ("Border queue and inspection planner", "口岸排队与查验规划", ("logistics", "optimisation")),
    ("Invoice fraud detector", "发票欺诈识别", ("fraud-detection", "trade-finance")),
    ("Container image inspection", "集装箱图像查验", ("computer-vision", "edge-ai")),
    ("Multilingual declaration checker", "多语种报关单校验", ("nlp", "customs", "policy")),
    ("Trade-finance risk scoring", "贸易融资风险评分", ("trade-finance", "tabular-ml")),
    ("Durian export compliance", "榴莲出口合规助手", ("customs", "supply-chain")),
    ("Cold-chain anomaly alerts", "冷链异常预警", ("supply-chain", "edge-ai")),
    ("Shipper reputation graph", "发货人信誉图谱", ("fraud-detection", "risk-modelling")),
    ("Origin-rule checker for RCEP", "RCEP原产地规则核验", ("policy", "customs")),
    ("Smart seal tracking", "智能关封追踪", ("logistics", "edge-ai")),
    ("Under-valuation detector", "低报价格识别", ("tabular-ml", "fraud-detection")),
    ("Document AI for bills of lading", "提单文档智能识别", ("nlp", "computer-vision")),
    ("Risk-based inspection scheduler", "基于风险的查验排程", ("optimisation", "risk-modelling")),
    ("Cross-border e-commerce parcel triage", "跨境电商包裹分拣", ("logistics", "tabular-ml")),
    ("Fair-inspection audit toolkit", "公平查验审计工具", ("explainability", "policy")),
    ("Truck plate and seal recognition", "车牌与关封识别", ("computer-vision", "logistics")),
    ("Sanctions screening in Lao and Thai", "老挝语泰语制裁名单筛查", ("nlp", "policy")),
    (
        "Supplier risk for fruit importers",
        "水果进口商供应商风险",
        ("supply-chain", "risk-modelling"),
    ),
    ("Declaration anomaly autoencoder", "报关异常自编码器", ("tabular-ml", "risk-modelling")),
    ("Port congestion forecaster", "港口拥堵预测", ("logistics", "optimisation")),
    ("Tariff classification chatbot", "关税归类问答机器人", ("nlp", "customs")),
    ("Mobile inspection assistant", "移动查验助手", ("edge-ai", "computer-vision")),
)
COUNTRY_LANGUAGE = {"CN": "zh-hans", "VN": "vi", "TH": "th", "ID": "id", "MY": "ms"}
COMMENTS = (
    "Clear problem and a credible pilot plan. 问题清晰，试点计划可信。",
    "The data story is thin; say where the labels come from.",
    "Strong team, but the business model needs numbers. 商业模式需要数据支撑。",
    "Good fit for ASEAN border posts; check the languages covered.",
    "Promising; the evaluation should use the private split only.",
)


def seed_jury(
    *, league: League, users: dict[str, User], seed: int, now: datetime
) -> list[DemoLogin]:
    """Make the scenario's stage a combined (benchmark + jury) stage with a calibrated online
    review and a drawn final pitch. ``users`` are the demo's people: the organiser runs it all;
    the general demo judge reviews too, every sheet still to do, so a judge's work can be shown
    from the start. Deterministic for a given ``seed``."""
    organiser, judge = users["organiser"], users["judge"]
    rng = np.random.default_rng(seed)
    stage = Stage.objects.select_related("scenario__track").get(
        scenario__slug=SCENARIO, scenario__track__league=league
    )
    _make_combined(stage, organiser)
    judges = {spec.key: _judge(spec, league) for spec in JUDGES}
    presidium = _judge(PRESIDIUM, league)
    review = services.create_round(
        stage=stage,
        slug="proposal-review",
        name={"en": "Proposal review", "zh-hans": "方案网评"},
        actor=organiser,
        reviews_per_entry=3,
        max_load=9,
        aggregation="judge_offset",
    )
    entries = _proposals(review, stage, organiser)
    services.set_judge_profile(
        user=judge,
        actor=organiser,
        expertise=["customs", "logistics", "tabular-ml"],
        languages=["vi", "en", "zh-hans"],
    )
    reviewers = [*judges.values(), judge]
    # Everyone reviews at least twice when there are enough proposals for it.
    min_load = 2 if len(entries) * review.reviews_per_entry >= 2 * len(reviewers) else 0
    for user in reviewers:
        services.add_juror(round_=review, user=user, actor=organiser, min_load=min_load)
    services.add_juror(round_=review, user=presidium, actor=organiser, role=JurorRole.PRESIDIUM)
    services.set_round_status(round_=review, status="open", actor=organiser)
    assigning.assign_reviewers(round_=review, actor=organiser)
    _simulate_reviews(review, entries, judges, idle={judge.pk}, rng=rng)
    results = calibration.compute_round_results(round_=review, actor=organiser)
    finalists = [r.entry for r in results if r.rank is not None][:FINALISTS]
    _final_pitch(stage, finalists, judges, presidium, organiser, now)
    _publish_policy(stage, review, organiser)
    return list(JURY_LOGINS)


def _make_combined(stage: Stage, organiser: User) -> None:
    # Bundles import every stage as automatic; the organiser switches this one to combined.
    before = {"evaluation_mode": stage.evaluation_mode}
    stage.evaluation_mode = EvaluationMode.COMBINED
    stage.save(update_fields=["evaluation_mode"])
    record_audit(
        actor=organiser,
        action="stage.evaluation_mode",
        target=stage,
        before=before,
        after={"evaluation_mode": stage.evaluation_mode},
    )


def _judge(spec: JudgeSpec, league: League) -> User:
    login = _login(spec, "presidium" if spec is PRESIDIUM else "judge")
    organisation = get_or_create_organisation(
        name=spec.organisation, kind=spec.organisation_kind, country=spec.country
    )
    user = _person(
        login.email,
        login.password,
        name=spec.name,
        country=spec.country,
        language="zh-hans" if spec.country == "CN" else "en",
        organisation=organisation,
    )
    grant_role(user=user, role=Role.JUDGE, league=league)
    services.set_judge_profile(
        user=user, actor=user, expertise=spec.expertise, languages=spec.languages
    )
    return user


def _teams_for(stage: Stage, count: int) -> list[Team]:
    """Teams entered in the scenario first, then others entered now (the stage is open)."""
    entered = list(
        Team.objects.filter(
            league=stage.scenario.track.league, entries__scenario=stage.scenario
        ).order_by("pk")[:count]
    )
    if len(entered) < count:
        others = (
            Team.objects.filter(league=stage.scenario.track.league)
            .exclude(pk__in=Entry.objects.filter(scenario=stage.scenario).values("team_id"))
            .order_by("pk")[: count - len(entered)]
        )
        for team in others:
            register_entry(team=team, scenario=stage.scenario, actor=_captain(team))
            entered.append(team)
    return entered


def _captain(team: Team) -> User:
    return team.memberships.get(role=MemberRole.CAPTAIN).user


def _proposals(review: JudgingRound, stage: Stage, organiser: User) -> list[JudgedEntry]:
    """Every team's proposal; all pass the formal check but the last, which is returned."""
    entries = []
    teams = _teams_for(stage, PROPOSALS)
    for i, team in enumerate(teams):
        english, chinese, tags = PROPOSAL_TOPICS[i % len(PROPOSAL_TOPICS)]
        entry = services.submit_proposal(
            round_=review,
            team=team,
            actor=_captain(team),
            title=f"{english} / {chinese}",
            summary=f"{team.name}: {english.lower()} for China–ASEAN border posts. {chinese}。",
            language=COUNTRY_LANGUAGE.get(team.country, "en"),
            tags=tags,
            links={"slides": f"https://example.org/demo/{team.pk}/slides"},
        )
        returned = i == len(teams) - 1 and len(teams) > 5
        services.check_entry_formally(
            entry=entry,
            actor=organiser,
            passed=not returned,
            note="The budget annex is missing; add it and hand in again." if returned else "",
        )
        if not returned:
            entries.append(entry)
    return entries


def _simulate_reviews(
    review: JudgingRound,
    entries: list[JudgedEntry],
    judges: dict[str, User],
    *,
    idle: set[int],
    rng: np.random.Generator,
) -> None:
    """Judges score true quality plus their severity plus noise. Most sheets are submitted, a
    few are drafts, the ``idle`` judges have not started."""
    quality = {e.pk: float(rng.normal(6.3, 1.3)) for e in entries}
    severity = {judges[spec.key].pk: spec.severity for spec in JUDGES}
    criteria = list(review.criteria.values_list("key", flat=True))
    assignments = Assignment.objects.filter(round=review).select_related("round").order_by("pk")
    for i, assignment in enumerate(assignments):
        if assignment.user_id in idle:
            continue
        base = quality[assignment.entry_id] + severity.get(assignment.user_id, 0.0)
        scores = {key: int(np.clip(round(base + rng.normal(0, 0.8)), 0, 10)) for key in criteria}
        draft = i % 9 == 4
        total = float(np.mean(list(scores.values())))
        reviews.save_review(
            assignment=assignment,
            actor=assignment.user,
            scores=scores if not draft else dict(list(scores.items())[:2]),
            comment=COMMENTS[i % len(COMMENTS)],
            recommendation=_recommendation(total),
            submit=not draft,
        )


def _recommendation(total: float) -> str:
    if total >= 7.5:
        return "strong_yes"
    if total >= 6:
        return "yes"
    return "unsure" if total >= 4.5 else "no"


def _final_pitch(
    stage: Stage,
    finalists: list[JudgedEntry],
    judges: dict[str, User],
    presidium: User,
    organiser: User,
    now: datetime,
) -> None:
    """The finalists' pitch round: a panel with its lead, the presidium, and a drawn session."""
    final = services.create_round(
        stage=stage,
        slug="final-pitch",
        name={"en": "Final pitch (8+7)", "zh-hans": "决赛路演（8+7）"},
        actor=organiser,
        kind=RoundKind.PITCH,
        reviews_per_entry=1,
        aggregation="mean",
    )
    for key in PITCH_PANEL:
        role = JurorRole.PANEL_LEAD if key == PITCH_PANEL[0] else JurorRole.REVIEWER
        services.add_juror(round_=final, user=judges[key], actor=organiser, role=role)
    services.add_juror(round_=final, user=presidium, actor=organiser, role=JurorRole.PRESIDIUM)
    for finalist in finalists:
        entry = services.submit_proposal(
            round_=final,
            team=finalist.team,
            actor=_captain(finalist.team),
            title=finalist.title,
            summary=finalist.summary,
            language=finalist.language,
            tags=finalist.tags,
            links=finalist.links,
        )
        services.check_entry_formally(entry=entry, actor=organiser, passed=True)
    services.set_round_status(round_=final, status="open", actor=organiser)
    day = (now + timedelta(days=14)).replace(hour=1, minute=0, second=0, microsecond=0)
    session = pitch.create_session(
        round_=final,
        track=stage.scenario.track,
        name={"en": "Logistics & customs final", "zh-hans": "物流与通关赛道决赛"},
        starts_at=day,  # 09:00 in Nanning
        actor=organiser,
        room="Nanning International Convention Centre, Hall B",
    )
    if finalists:
        pitch.draw_order(session=session, actor=organiser, seed=PITCH_SEED)


def _publish_policy(stage: Stage, review: JudgingRound, organiser: User) -> None:
    from aileague.results.services import set_advancement_policy

    set_advancement_policy(
        stage=stage,
        actor=organiser,
        jury_round=review,
        benchmark_weight=0.4,
        jury_weight=0.6,
        top_k_per_track=FINALISTS,
        min_asean=2,
    )
