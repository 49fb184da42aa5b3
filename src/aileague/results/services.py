"""State changes of a stage's results: compute, publish on notice, objections, finalise,
certificates. Every function checks who may act, and writes one audit entry.

The flow, and what an upheld objection does::

    compute_stage_results ──> publish_provisional_results ──> (notice runs N days)
         ^                          │   file_objection → start_investigation → decide_objection
         │                          v
         └── (objection upheld: the organiser corrects the data, e.g. a jury score, then)
             compute_stage_results again ──> republish_results (the corrected list goes on
             notice for a fresh N days) ──> finalise_results ──> issue_certificates

``finalise_results`` refuses while the notice runs, while an objection is open, and when the
computed results differ from the list on notice (recomputed but not republished): the final
list is always exactly a list that was on public notice.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput, PermissionDenied
from aileague.competitions.models import EvaluationMode, Stage
from aileague.results import queries
from aileague.results.models import (
    AdvancementPolicy,
    Certificate,
    CommonScale,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    ResultNotice,
    StageResult,
    TieBreak,
)
from aileague.results.rules import Rules, decide, normalised_weights

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

POLICY_FIELDS = (
    "jury_round",
    "benchmark_weight",
    "jury_weight",
    "scale",
    "benchmark_gate",
    "top_k_per_track",
    "min_final_score",
    "min_asean",
    "tie_break",
    "notice_days",
)


def check_organiser(actor, stage: Stage) -> None:
    if not queries.can_manage_results(actor, stage):
        raise PermissionDenied(_("Only the league's organisers may do this."), code="not_organiser")


def _check_not_final(stage: Stage) -> None:
    if queries.results_state(stage) == queries.FINAL:
        raise Conflict(_("The results of this stage are final."), code="results_final")


def effective_weights(policy: AdvancementPolicy, mode: str) -> tuple[float, float]:
    """The policy's weights normalised; an automatic stage has no jury, a jury stage no
    benchmark, whatever the policy says."""
    if mode == EvaluationMode.AUTOMATIC:
        return 1.0, 0.0
    if mode == EvaluationMode.JURY:
        return 0.0, 1.0
    try:
        return normalised_weights(policy.benchmark_weight, policy.jury_weight)
    except ValueError:
        raise InvalidInput(
            _("The weights must not be negative and must not both be zero."), code="bad_weights"
        ) from None


def _policy_snapshot(policy: AdvancementPolicy) -> dict:
    return {
        name: (policy.jury_round_id if name == "jury_round" else getattr(policy, name))
        for name in POLICY_FIELDS
    }


def set_advancement_policy(*, stage: Stage, actor, **fields) -> AdvancementPolicy:
    """Create or change the stage's published rule. Refused once the results are final."""
    check_organiser(actor, stage)
    _check_not_final(stage)
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Unknown policy fields: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    with transaction.atomic():
        policy, created = AdvancementPolicy.objects.get_or_create(stage=stage)
        before = None if created else _policy_snapshot(policy)
        for name, value in fields.items():
            setattr(policy, name, value)
        if policy.scale not in CommonScale.values or policy.tie_break not in TieBreak.values:
            raise InvalidInput(_("Unknown scale or tie-break."), code="invalid_policy")
        effective_weights(policy, EvaluationMode.COMBINED)
        policy.save()
        record_audit(
            actor=actor,
            action="results.set_policy",
            target=policy,
            before=before,
            after=_policy_snapshot(policy),
        )
    return policy


def rules_for(stage: Stage, policy: AdvancementPolicy) -> Rules:
    w_b, w_j = effective_weights(policy, stage.evaluation_mode)
    if stage.evaluation_mode == EvaluationMode.JURY and policy.benchmark_gate is not None:
        raise InvalidInput(
            _("A jury stage has no benchmark score: remove the benchmark threshold."),
            code="gate_needs_benchmark",
        )
    return Rules(
        benchmark_weight=w_b,
        jury_weight=w_j,
        higher_is_better=queries.higher_is_better(stage),
        scale=policy.scale,
        gate=policy.benchmark_gate,
        top_k=policy.top_k_per_track,
        min_final_score=policy.min_final_score,
        min_asean=policy.min_asean,
        tie_break=policy.tie_break,
    )


def _check_computable(stage: Stage, now: datetime) -> AdvancementPolicy:
    policy = queries.policy_of(stage)
    if policy is None:
        raise InvalidInput(
            _("Set the stage's advancement policy (weights and rules) first."), code="no_policy"
        )
    if stage.evaluation_mode != EvaluationMode.JURY and not stage.is_closed(now):
        raise Conflict(
            _("The stage is still open: the private leaderboard counts only after the close."),
            code="stage_open",
        )
    return policy


def compute_stage_results(*, stage: Stage, actor, now: datetime | None = None) -> list[StageResult]:
    """Apply the published policy (see ``aileague.results.rules``) and write one line per team.

    Replaces earlier lines; refused once the results are final. A list already on notice is
    not changed by this: call ``republish_results`` to put the new lines on notice.
    """
    now = now or timezone.now()
    check_organiser(actor, stage)
    _check_not_final(stage)
    policy = _check_computable(stage, now)
    mode = stage.evaluation_mode
    jury_round = queries.jury_round_of(stage, policy)
    if mode != EvaluationMode.AUTOMATIC and jury_round is None:
        raise InvalidInput(
            _("This stage is judged but has no judging round."), code="no_jury_round"
        )
    decision = decide(
        queries.stage_candidates(stage, mode=mode, jury_round=jury_round),
        rules_for(stage, policy),
    )
    with transaction.atomic():
        before = sorted(
            StageResult.objects.filter(stage=stage, advanced=True).values_list("team_id", flat=True)
        )
        StageResult.objects.filter(stage=stage).delete()
        results = StageResult.objects.bulk_create(
            StageResult(
                stage=stage,
                team_id=o.team_id,
                track_id=o.track_id,
                benchmark_score=o.benchmark,
                benchmark_component=o.benchmark_component,
                jury_score=o.jury,
                jury_component=o.jury_component,
                final_score=o.final,
                rank=o.rank,
                gated=o.gated,
                advanced=o.advanced,
                reason=o.reason,
            )
            for o in decision.outcomes
        )
        record_audit(
            actor=actor,
            action="results.compute",
            target=stage,
            before={"advanced": before},
            after={
                "lines": len(results),
                "advanced": sorted(o.team_id for o in decision.outcomes if o.advanced),
                "policy": _policy_snapshot(policy),
                "jury_round": jury_round.pk if jury_round else None,
                "asean_shortfall": decision.asean_shortfall,
            },
        )
    return results


def _notice_window(stage: Stage, notice_days: int | None, now: datetime) -> datetime:
    if notice_days is None:
        policy = queries.policy_of(stage)
        notice_days = policy.notice_days if policy else 7
    if notice_days < 1:
        raise InvalidInput(_("A public notice lasts at least one day."), code="bad_notice_days")
    return now + timedelta(days=notice_days)


def _lines_or_refuse(stage: Stage) -> list[dict]:
    lines = queries.current_lines(stage)
    if not lines:
        raise Conflict(_("Compute the results first."), code="no_results")
    return lines


def publish_provisional_results(
    *, stage: Stage, actor, notice_days: int | None = None, now: datetime | None = None
) -> ResultNotice:
    """Freeze the computed lines and put them on public notice until ``ends_at``."""
    now = now or timezone.now()
    check_organiser(actor, stage)
    with transaction.atomic():
        if ResultNotice.objects.select_for_update().filter(stage=stage).exists():
            raise Conflict(
                _("The results are already published; republish them after a correction."),
                code="already_published",
            )
        lines = _lines_or_refuse(stage)
        notice = ResultNotice.objects.create(
            stage=stage,
            published_at=now,
            ends_at=_notice_window(stage, notice_days, now),
            published_by=actor,
            snapshot=lines,
        )
        record_audit(
            actor=actor,
            action="results.publish",
            target=notice,
            after={"ends_at": notice.ends_at.isoformat(), "lines": len(lines)},
        )
    return notice


def republish_results(
    *, stage: Stage, actor, notice_days: int | None = None, now: datetime | None = None
) -> ResultNotice:
    """Put the recomputed lines on notice instead of the old ones, for a fresh notice period
    (people must be able to object to the corrected list too)."""
    now = now or timezone.now()
    check_organiser(actor, stage)
    with transaction.atomic():
        notice = ResultNotice.objects.select_for_update().filter(stage=stage).first()
        if notice is None:
            raise Conflict(_("The results are not published yet."), code="not_published")
        if notice.status == NoticeStatus.FINAL:
            raise Conflict(_("The results of this stage are final."), code="results_final")
        lines = _lines_or_refuse(stage)
        before = {"ends_at": notice.ends_at.isoformat(), "snapshot": notice.snapshot}
        notice.snapshot = lines
        notice.published_at = now
        notice.published_by = actor
        notice.ends_at = _notice_window(stage, notice_days, now)
        notice.save(update_fields=["snapshot", "published_at", "published_by", "ends_at"])
        record_audit(
            actor=actor,
            action="results.republish",
            target=notice,
            before=before,
            after={"ends_at": notice.ends_at.isoformat(), "snapshot": lines},
        )
    return notice


def _check_evidence(evidence, evidence_link: str) -> None:
    if evidence is not None and evidence.size > MAX_EVIDENCE_BYTES:
        raise InvalidInput(
            _("The evidence file is larger than 10 MB; send a link instead."),
            code="evidence_too_large",
        )
    if evidence_link:
        try:
            URLValidator(schemes=["http", "https"])(evidence_link)
        except ValidationError:
            raise InvalidInput(
                _("The evidence link is not a valid web address."), code="invalid_link"
            ) from None


def file_objection(
    *,
    notice: ResultNotice,
    actor,
    text: str,
    team=None,
    evidence=None,
    evidence_link: str = "",
    now: datetime | None = None,
) -> Objection:
    """A logged-in person with a real name objects while the notice runs."""
    now = now or timezone.now()
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to file an objection."), code="not_authenticated")
    if not (actor.real_name or "").strip():
        raise PermissionDenied(
            _("Objections are filed under your real name: add it on your profile page first."),
            code="real_name_required",
        )
    if not queries.notice_running(notice, now):
        raise Conflict(
            _("The public notice has ended; objections are closed."), code="notice_closed"
        )
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Say what you object to."), code="text_required")
    if team is not None and all(line["team_id"] != team.pk for line in notice.snapshot):
        raise InvalidInput(_("This team is not in the results."), code="team_not_in_results")
    _check_evidence(evidence, evidence_link)
    with transaction.atomic():
        objection = Objection(
            notice=notice,
            filed_by=actor,
            filer_real_name=actor.real_name.strip(),
            team=team,
            text=text,
            evidence_link=evidence_link,
        )
        if evidence is not None:
            objection.evidence.save(evidence.name, evidence, save=False)
        objection.save()
        record_audit(
            actor=actor,
            action="results.file_objection",
            target=objection,
            after={"notice": notice.pk, "team": team.pk if team else None, "text": text},
        )
    return objection


def _lock_open_objection(objection: Objection, allowed) -> Objection:
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.status not in allowed:
        raise Conflict(
            _("This objection is already %(status)s.") % {"status": locked.get_status_display()},
            code="objection_decided",
        )
    return locked


def start_investigation(*, objection: Objection, actor) -> Objection:
    check_organiser(actor, objection.notice.stage)
    with transaction.atomic():
        locked = _lock_open_objection(objection, (ObjectionStatus.FILED,))
        locked.status = ObjectionStatus.INVESTIGATING
        locked.save(update_fields=["status"])
        record_audit(
            actor=actor,
            action="results.investigate_objection",
            target=locked,
            before={"status": ObjectionStatus.FILED},
            after={"status": locked.status},
        )
    return locked


def decide_objection(
    *, objection: Objection, actor, upheld: bool, decision: str, now: datetime | None = None
) -> Objection:
    """Uphold or dismiss, with a reasoned decision that the notice page publishes.

    Upholding records the decision only: the correction itself is the organiser's next step
    (fix the data, ``compute_stage_results``, ``republish_results``).
    """
    now = now or timezone.now()
    check_organiser(actor, objection.notice.stage)
    decision = (decision or "").strip()
    if not decision:
        raise InvalidInput(_("Write the decision and its reasons."), code="decision_required")
    with transaction.atomic():
        locked = _lock_open_objection(objection, queries.OPEN_OBJECTIONS)
        before = {"status": locked.status}
        locked.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        locked.decision = decision
        locked.decided_by = actor
        locked.decided_at = now
        locked.save(update_fields=["status", "decision", "decided_by", "decided_at"])
        record_audit(
            actor=actor,
            action="results.decide_objection",
            target=locked,
            before=before,
            after={"status": locked.status, "decision": decision},
        )
    return locked


def finalise_results(*, stage: Stage, actor, now: datetime | None = None) -> ResultNotice:
    """The list on notice becomes final: after ``ends_at``, with every objection decided."""
    now = now or timezone.now()
    check_organiser(actor, stage)
    with transaction.atomic():
        notice = ResultNotice.objects.select_for_update().filter(stage=stage).first()
        if notice is None:
            raise Conflict(_("The results are not published yet."), code="not_published")
        if notice.status == NoticeStatus.FINAL:
            raise Conflict(_("The results of this stage are final."), code="results_final")
        if now < notice.ends_at:
            raise Conflict(
                _("The public notice runs until %(end)s.")
                % {"end": timezone.localtime(notice.ends_at).strftime("%Y-%m-%d %H:%M")},
                code="notice_running",
            )
        if notice.objections.filter(status__in=queries.OPEN_OBJECTIONS).exists():
            raise Conflict(_("Decide every objection before finalising."), code="objections_open")
        if not queries.same_lines(queries.current_lines(stage), notice.snapshot):
            raise Conflict(
                _("The results were recomputed after publication: republish them first."),
                code="results_changed",
            )
        notice.status = NoticeStatus.FINAL
        notice.finalised_at = now
        notice.finalised_by = actor
        notice.save(update_fields=["status", "finalised_at", "finalised_by"])
        record_audit(
            actor=actor,
            action="results.finalise",
            target=notice,
            before={"status": NoticeStatus.PROVISIONAL},
            after={"status": notice.status, "lines": len(notice.snapshot)},
        )
    return notice


def new_serial() -> str:
    """96 random bits as 24 hex digits: unguessable, and easy to read out or type."""
    return secrets.token_hex(12).upper()


def issue_certificates(*, stage: Stage, actor) -> list[Certificate]:
    """One certificate per team of the final list; running it again issues only missing ones."""
    check_organiser(actor, stage)
    notice = queries.notice_of(stage)
    if notice is None or notice.status != NoticeStatus.FINAL:
        raise Conflict(
            _("Certificates are issued once the results are final."), code="results_not_final"
        )
    with transaction.atomic():
        have = set(Certificate.objects.filter(stage=stage).values_list("team_id", flat=True))
        created = [
            Certificate.objects.create(
                stage=stage,
                team_id=line["team_id"],
                serial=new_serial(),
                rank=line["rank"],
                advanced=line["advanced"],
            )
            for line in notice.snapshot
            if line["team_id"] not in have
        ]
        record_audit(
            actor=actor,
            action="results.issue_certificates",
            target=stage,
            after={"issued": [c.serial for c in created]},
        )
    return created
