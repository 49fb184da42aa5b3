"""Reads over a stage's results, with the visibility rules applied.

Who sees what:

* before anything is computed: nobody sees anything;
* computed, not yet published: organisers see every line; a team's members see only whether
  their team advances (no rank, no score);
* published (on notice, then final): everybody sees the frozen list on notice (rank, team,
  final score, advancement, and the benchmark and jury components) and the decided objections.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from aileague.accounts.queries import is_organiser
from aileague.common.countries import ASEAN_COUNTRIES
from aileague.common.errors import NotFound
from aileague.competitions.models import EvaluationMode, Stage
from aileague.judging.models import EntryResult, JudgedEntry, JudgingRound
from aileague.leaderboards.models import Standing
from aileague.results.models import (
    AdvancementPolicy,
    Certificate,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    ResultNotice,
    StageResult,
)
from aileague.results.rules import Candidate
from aileague.submissions.models import ScoreSplit
from aileague.submissions.queries import scenario_metric
from aileague.teams.models import Entry
from aileague.teams.queries import is_member, teams_of

OPEN_OBJECTIONS = (ObjectionStatus.FILED, ObjectionStatus.INVESTIGATING)

# Result states of a stage, in order.
NONE = "none"
COMPUTED = "computed"
PROVISIONAL = NoticeStatus.PROVISIONAL.value
FINAL = NoticeStatus.FINAL.value


def league_of(stage: Stage):
    return stage.scenario.track.league


def can_manage_results(user, stage: Stage) -> bool:
    return is_organiser(user, league_of(stage))


def higher_is_better(stage: Stage) -> bool:
    return scenario_metric(stage.scenario).higher_is_better


def policy_of(stage: Stage) -> AdvancementPolicy | None:
    return AdvancementPolicy.objects.filter(stage=stage).select_related("jury_round").first()


def jury_round_of(stage: Stage, policy: AdvancementPolicy | None) -> JudgingRound | None:
    """The policy's round, else the stage's most recently created one."""
    if policy is not None and policy.jury_round_id:
        return policy.jury_round
    return stage.judging_rounds.order_by("-created_at", "-pk").first()


def notice_of(stage: Stage) -> ResultNotice | None:
    return ResultNotice.objects.filter(stage=stage).first()


def results_state(stage: Stage) -> str:
    notice = notice_of(stage)
    if notice is not None:
        return notice.status
    return COMPUTED if StageResult.objects.filter(stage=stage).exists() else NONE


def is_asean(country: str) -> bool:
    return country in ASEAN_COUNTRIES


def stage_candidates(stage: Stage, *, mode: str, jury_round: JudgingRound | None):
    """Every team with a benchmark score (private split) or a judged entry in the stage.

    An automatic stage reads only the leaderboard, a jury stage only the jury round.
    """
    candidates: dict[int, dict] = {}
    default_track = stage.scenario.track_id
    if mode != EvaluationMode.JURY:
        standings = Standing.objects.filter(
            stage=stage, split=ScoreSplit.PRIVATE, missing=False
        ).select_related("team")
        for s in standings:
            candidates[s.team_id] = {
                "team_id": s.team_id,
                "track_id": default_track,
                "benchmark": s.value,
                "benchmark_at": s.submitted_at,
                "benchmark_submission": s.submission_id,
                "asean": is_asean(s.team.country),
            }
    if mode != EvaluationMode.AUTOMATIC and jury_round is not None:
        entries = JudgedEntry.objects.filter(
            round=jury_round, team__isnull=False, withdrawn=False
        ).select_related("team")
        scores = dict(EntryResult.objects.filter(round=jury_round).values_list("entry_id", "score"))
        for e in entries:
            line = candidates.setdefault(
                e.team_id, {"team_id": e.team_id, "asean": is_asean(e.team.country)}
            )
            line["track_id"] = e.track_id or default_track
            line["jury"] = scores.get(e.pk)
            line.setdefault("registered_at", e.created_at)
    registered = dict(
        Entry.objects.filter(scenario=stage.scenario, team_id__in=candidates).values_list(
            "team_id", "registered_at"
        )
    )
    for team_id, line in candidates.items():
        if team_id in registered:
            line["registered_at"] = registered[team_id]
    return [Candidate(**line) for line in candidates.values()]


def result_line(result: StageResult) -> dict:
    """A result as the published list stores it (JSON-safe, frozen in the notice)."""
    return {
        "team_id": result.team_id,
        "team": result.team.name,
        "country": result.team.country,
        "track_id": result.track_id,
        "track": result.track.name if result.track else {},
        "rank": result.rank,
        "final_score": result.final_score,
        "benchmark_score": result.benchmark_score,
        "benchmark_component": result.benchmark_component,
        "jury_score": result.jury_score,
        "jury_component": result.jury_component,
        "gated": result.gated,
        "advanced": result.advanced,
        "reason": result.reason,
    }


def current_lines(stage: Stage) -> list[dict]:
    results = StageResult.objects.filter(stage=stage).select_related("team", "track")
    return [result_line(r) for r in results.order_by("track_id", "rank", "team_id")]


#: What must not change between the list on notice and the final list.
COMPARED = (
    "team_id",
    "track_id",
    "rank",
    "final_score",
    "benchmark_score",
    "jury_score",
    "advanced",
    "reason",
)


def same_lines(a: list[dict], b: list[dict]) -> bool:
    def key(lines):
        return sorted(tuple(line[k] for k in COMPARED) for line in lines)

    return key(a) == key(b)


@dataclass
class TeamStatus:
    team_id: int
    team: str
    advanced: bool
    reason: str
    # Only once the notice is published:
    line: dict | None = None


@dataclass
class StageResultsView:
    stage: Stage
    state: str
    notice: ResultNotice | None
    is_organiser: bool
    #: The lines this user may see (organisers: the live computation; others: the notice).
    lines: list[dict] = field(default_factory=list)
    mine: list[TeamStatus] = field(default_factory=list)
    decided_objections: list[Objection] = field(default_factory=list)
    open_objections: list[Objection] = field(default_factory=list)
    can_object: bool = False


def team_statuses(*, stage: Stage, user) -> list[TeamStatus]:
    """The user's teams in the stage: advanced or not once computed; the line once published."""
    team_ids = set(teams_of(user, league_of(stage)).values_list("pk", flat=True))
    if not team_ids:
        return []
    notice = notice_of(stage)
    if notice is not None:
        return [
            TeamStatus(line["team_id"], line["team"], line["advanced"], line["reason"], line)
            for line in notice.snapshot
            if line["team_id"] in team_ids
        ]
    results = StageResult.objects.filter(stage=stage, team_id__in=team_ids).select_related("team")
    return [TeamStatus(r.team_id, r.team.name, r.advanced, r.reason) for r in results]


def stage_results(*, stage: Stage, user, now=None) -> StageResultsView:
    from django.utils import timezone

    now = now or timezone.now()
    notice = notice_of(stage)
    organiser = can_manage_results(user, stage)
    view = StageResultsView(
        stage=stage,
        state=notice.status if notice else results_state(stage),
        notice=notice,
        is_organiser=organiser,
        mine=team_statuses(stage=stage, user=user),
    )
    if organiser:
        view.lines = current_lines(stage)
    elif notice is not None:
        view.lines = sorted(notice.snapshot, key=lambda x: (x["track_id"] or 0, x["rank"]))
    if notice is not None:
        objections = list(notice.objections.select_related("team"))
        view.decided_objections = [o for o in objections if o.status not in OPEN_OBJECTIONS]
        if organiser:
            view.open_objections = [o for o in objections if o.status in OPEN_OBJECTIONS]
        view.can_object = notice_running(notice, now) and getattr(user, "is_authenticated", False)
    return view


def notice_running(notice: ResultNotice, now) -> bool:
    return notice.status == NoticeStatus.PROVISIONAL and now < notice.ends_at


def access_objection(*, objection_id: int) -> Objection:
    objection = (
        Objection.objects.select_related("notice", "notice__stage").filter(pk=objection_id).first()
    )
    if objection is None:
        raise NotFound(_("No such objection."), code="objection_not_found")
    return objection


def access_certificate(*, serial: str) -> Certificate:
    certificate = (
        Certificate.objects.select_related(
            "team", "stage", "stage__scenario", "stage__scenario__track"
        )
        .filter(serial=serial)
        .first()
    )
    if certificate is None:
        raise NotFound(_("No certificate has this serial number."), code="certificate_not_found")
    return certificate


def access_certificate_file(*, serial: str, user) -> Certificate:
    """A certificate whose PDF the user may download: the team's members and the organisers.
    Anyone else is told no such certificate exists (the verification page is public)."""
    certificate = access_certificate(serial=serial)
    if not (is_member(user, certificate.team) or can_manage_results(user, certificate.stage)):
        raise NotFound(_("No certificate has this serial number."), code="certificate_not_found")
    return certificate


def certificates_of(user):
    """Certificates of the user's teams, newest first."""
    return (
        Certificate.objects.filter(team__in=teams_of(user))
        .select_related("team", "stage", "stage__scenario")
        .order_by("-issued_at", "-pk")
    )


def stages_with_my_results(user) -> list[tuple[Stage, list[TeamStatus]]]:
    """Every stage where one of the user's teams has a result line, with its statuses."""
    team_ids = teams_of(user).values("pk")
    stage_ids = StageResult.objects.filter(team_id__in=team_ids).values_list("stage_id", flat=True)
    stages = Stage.objects.filter(pk__in=stage_ids).select_related("scenario", "scenario__track")
    return [(stage, team_statuses(stage=stage, user=user)) for stage in stages]


def track_size(lines: list[dict], track_id) -> int:
    return sum(1 for line in lines if line["track_id"] == track_id)
