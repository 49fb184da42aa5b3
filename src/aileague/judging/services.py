"""Setting up a jury: rounds with their rubric, jurors, the entries to judge, conflicts and the
organiser's pins and bans. Assignment, reviews and calibration have their own modules."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aileague.accounts.queries import is_organiser
from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from aileague.judging.models import (
    Assignment,
    ConflictReason,
    Criterion,
    FormalCheck,
    JudgedEntry,
    JudgeProfile,
    JudgingRound,
    Juror,
    JurorRole,
    PairRule,
    PairRuleKind,
    RoundKind,
    RoundStatus,
)
from aileague.judging.models import (
    Conflict as JuryConflict,
)
from aileague.teams.models import MemberRole, Membership, Team

#: The league's usual score sheet (organisers edit it per round in the back office).
DEFAULT_RUBRIC = (
    ("innovation", {"en": "Technical innovation", "zh-hans": "技术创新性"}, 0.30),
    ("application", {"en": "Application value", "zh-hans": "应用价值"}, 0.25),
    ("commercial", {"en": "Commercial feasibility", "zh-hans": "商业可行性"}, 0.20),
    ("team", {"en": "Team", "zh-hans": "团队能力"}, 0.15),
    ("asean", {"en": "ASEAN adaptability", "zh-hans": "东盟适配性"}, 0.10),
)
DEFAULT_ANCHORS = {
    "0": {"en": "Absent", "zh-hans": "缺失"},
    "3": {"en": "Weak", "zh-hans": "较弱"},
    "5": {"en": "Adequate", "zh-hans": "一般"},
    "8": {"en": "Strong", "zh-hans": "较强"},
    "10": {"en": "Outstanding", "zh-hans": "卓越"},
}


def league_of_round(round_: JudgingRound):
    return round_.stage.scenario.track.league if round_.stage_id else None


def check_organiser(actor, round_: JudgingRound) -> None:
    if not is_organiser(actor, league_of_round(round_)):
        raise PermissionDenied(_("Only the organisers can manage this jury."))


def create_round(
    *,
    stage,
    slug: str,
    name: dict,
    actor,
    kind: str = RoundKind.REVIEW,
    reviews_per_entry: int = 3,
    min_load: int = 0,
    max_load: int = 20,
    blind: bool = False,
    aggregation: str = "judge_offset",
    rubric=DEFAULT_RUBRIC,
) -> JudgingRound:
    """A judging round with its score sheet (the league's default rubric unless given)."""
    if stage is not None and not is_organiser(actor, stage.scenario.track.league):
        raise PermissionDenied(_("Only the organisers can manage this jury."))
    if reviews_per_entry < 1:
        raise InvalidInput(_("Each entry needs at least one review."), code="invalid_round")
    if min_load > max_load:
        raise InvalidInput(
            _("The minimum load (%(min)d) is above the maximum load (%(max)d).")
            % {"min": min_load, "max": max_load},
            code="invalid_round",
        )
    with transaction.atomic():
        round_ = JudgingRound.objects.create(
            stage=stage,
            slug=slug,
            name=name,
            kind=kind,
            reviews_per_entry=reviews_per_entry,
            min_load=min_load,
            max_load=max_load,
            blind=blind,
            aggregation=aggregation,
        )
        for position, (key, label, weight) in enumerate(rubric):
            Criterion.objects.create(
                round=round_,
                key=key,
                name=label,
                weight=weight,
                anchors=DEFAULT_ANCHORS,
                position=position,
            )
        record_audit(
            actor=actor,
            action="jury.round.create",
            target=round_,
            after={"slug": slug, "kind": kind, "reviews_per_entry": reviews_per_entry},
        )
    return round_


def set_round_status(*, round_: JudgingRound, status: str, actor) -> JudgingRound:
    check_organiser(actor, round_)
    if status not in RoundStatus.values:
        raise InvalidInput(_("Unknown round status."), code="invalid_status")
    with transaction.atomic():
        before = {"status": round_.status}
        round_.status = status
        round_.save(update_fields=["status"])
        record_audit(
            actor=actor,
            action="jury.round.status",
            target=round_,
            before=before,
            after={"status": status},
        )
    return round_


def set_judge_profile(
    *, user, actor, expertise=(), languages=(), declared_organisations=(), collaborators=None
) -> JudgeProfile:
    """A judge's expertise, languages and declared ties (the judge or an organiser edits it)."""
    if actor != user and not is_organiser(actor):
        raise PermissionDenied(_("Only the judge or an organiser can edit this profile."))
    with transaction.atomic():
        profile, _created = JudgeProfile.objects.get_or_create(user=user)
        profile.expertise = sorted({t.strip().lower() for t in expertise if t.strip()})
        profile.languages = sorted({lang.strip().lower() for lang in languages if lang.strip()})
        profile.declared_organisations = [o.strip() for o in declared_organisations if o.strip()]
        profile.save()
        if collaborators is not None:  # None keeps the list as it is
            profile.collaborators.set(collaborators)
        record_audit(
            actor=actor,
            action="jury.profile.update",
            target=profile,
            after={"expertise": profile.expertise, "languages": profile.languages},
        )
    return profile


def add_juror(
    *,
    round_: JudgingRound,
    user,
    actor,
    role: str = JurorRole.REVIEWER,
    min_load: int | None = None,
    max_load: int | None = None,
) -> Juror:
    check_organiser(actor, round_)
    with transaction.atomic():
        juror, created = Juror.objects.update_or_create(
            round=round_,
            user=user,
            defaults={"role": role, "min_load": min_load, "max_load": max_load},
        )
        JudgeProfile.objects.get_or_create(user=user)
        record_audit(
            actor=actor,
            action="jury.juror.add" if created else "jury.juror.update",
            target=juror,
            after={"user": user.pk, "role": role},
        )
        detect_conflicts(round_=round_, judges=[user])
        if round_.kind == RoundKind.PITCH:
            from aileague.judging.pitch import seat_late_panel_judges

            seat_late_panel_judges(round_)
    return juror


def submit_proposal(
    *,
    round_: JudgingRound,
    team: Team,
    actor,
    title: str,
    summary: str = "",
    language: str = "en",
    tags=(),
    links: dict | None = None,
    document=None,
    avoid_judges=(),
) -> JudgedEntry:
    """A team's proposal for a judged stage. Resubmitting updates it until reviews start."""
    if not Membership.objects.filter(team=team, user=actor).exists():
        raise PermissionDenied(_("Only a member of the team can submit its proposal."))
    if round_.status == RoundStatus.CLOSED:
        raise Conflict(
            _("This round is closed; proposals can no longer change."), code="round_closed"
        )
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the proposal a title."), code="title_required")
    if document is not None:
        check_proposal_document(document)
    with transaction.atomic():
        entry = JudgedEntry.objects.filter(round=round_, team=team).first()
        reviewed = Assignment.objects.filter(entry=entry, review__submitted_at__isnull=False)
        if entry and reviewed.exists():
            raise Conflict(
                _(
                    "Judges have started reviewing this proposal; it can no longer "
                    "change. Ask the organisers if something is wrong."
                ),
                code="under_review",
            )
        created = entry is None
        entry = entry or JudgedEntry(round=round_, team=team)
        entry.title = title
        entry.summary = summary
        entry.language = language
        entry.tags = sorted({t.strip().lower() for t in tags if t.strip()})
        entry.links = links or {}
        entry.country = team.country
        entry.organisations = [team.organisation_name] if team.organisation_name else []
        entry.track = round_.stage.scenario.track if round_.stage_id else None
        if document is not None:
            entry.document = document
        if entry.formal_check == FormalCheck.RETURNED:
            entry.formal_check = FormalCheck.PENDING
        entry.save()
        entry.people.set(Membership.objects.filter(team=team).values_list("user", flat=True))
        entry.avoid_judges.set(avoid_judges)
        record_audit(
            actor=actor,
            action="jury.entry.submit" if created else "jury.entry.update",
            target=entry,
            after={"title": title},
        )
        detect_conflicts(round_=round_, entries=[entry])
    return entry


#: Largest proposal document accepted (the league's rules say "a PDF of at most 20 MB").
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def check_proposal_document(document) -> None:
    """A proposal is a PDF of at most 20 MB, whichever way it arrives (page, API, CLI)."""
    if document.size > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            _("The document is %(size)s MB; the limit is 20 MB.")
            % {"size": f"{document.size / 1024 / 1024:.1f}"},
            code="document_too_large",
        )
    document.seek(0)
    head = document.read(5)
    document.seek(0)
    if head != b"%PDF-":
        raise InvalidInput(
            _("This file is not a PDF. Export your proposal as PDF and upload that."),
            code="document_not_pdf",
        )


def check_entry_formally(*, entry: JudgedEntry, actor, passed: bool, note: str = "") -> JudgedEntry:
    """The formal check: complete and eligible, or sent back for correction with a note."""
    check_organiser(actor, entry.round)
    if not passed and not note.strip():
        raise InvalidInput(_("Say what the team must correct."), code="note_required")
    with transaction.atomic():
        before = {"formal_check": entry.formal_check}
        entry.formal_check = FormalCheck.PASSED if passed else FormalCheck.RETURNED
        entry.formal_check_note = note.strip()
        entry.save(update_fields=["formal_check", "formal_check_note", "updated_at"])
        record_audit(
            actor=actor,
            action="jury.entry.formal_check",
            target=entry,
            before=before,
            after={"formal_check": entry.formal_check, "note": entry.formal_check_note},
        )
    return entry


def declare_conflict(*, entry: JudgedEntry, judge, actor, note: str = "") -> JuryConflict:
    """A judge (or an organiser for them) declares a conflict. An assignment without a submitted
    review is withdrawn; a submitted review is kept on record but no longer counts anywhere."""
    if actor != judge:
        check_organiser(actor, entry.round)
    reason = ConflictReason.DECLARED if actor == judge else ConflictReason.ORGANISER
    with transaction.atomic():
        conflict, _created = JuryConflict.objects.get_or_create(
            entry=entry, user=judge, reason=reason, defaults={"note": note[:300]}
        )
        removed = withdraw_unreviewed(Assignment.objects.filter(entry=entry, user=judge))
        record_audit(
            actor=actor,
            action="jury.conflict.declare",
            target=conflict,
            after={"entry": entry.pk, "judge": judge.pk, "assignments_removed": removed},
        )
    return conflict


def set_pair_rule(*, entry: JudgedEntry, judge, kind: str, actor) -> PairRule:
    """Pin (always assign) or forbid a judge–entry pair; the next assignment run honours it."""
    check_organiser(actor, entry.round)
    if kind not in PairRuleKind.values:
        raise InvalidInput(_("A pair rule is 'pin' or 'forbid'."), code="invalid_pair_rule")
    if kind == PairRuleKind.PIN and JuryConflict.objects.filter(entry=entry, user=judge).exists():
        raise Conflict(
            _("%(judge)s has a conflict with “%(entry)s” and cannot be pinned to it.")
            % {"judge": judge, "entry": entry.title},
            code="pinned_conflict",
        )
    with transaction.atomic():
        rule, _created = PairRule.objects.update_or_create(
            entry=entry, user=judge, defaults={"kind": kind, "created_by": actor}
        )
        if kind == PairRuleKind.FORBID:
            withdraw_unreviewed(Assignment.objects.filter(entry=entry, user=judge))
        record_audit(
            actor=actor,
            action=f"jury.pair.{kind}",
            target=rule,
            after={"entry": entry.pk, "judge": judge.pk},
        )
    return rule


def _norm(name: str) -> str:
    return " ".join(name.lower().split())


def detect_conflicts(*, round_: JudgingRound, entries=None, judges=None) -> int:
    """(Re)compute the detected conflicts of a round: same organisation, listed collaborator,
    advisor or member of the team, the team's avoid list. Declared and organiser-set conflicts
    are kept. Assignments of newly conflicted pairs are removed. Returns the conflicts found."""
    entries = list(entries) if entries is not None else list(round_.entries.all())
    judge_ids = (
        [j.pk for j in judges]
        if judges is not None
        else list(round_.jurors.values_list("user_id", flat=True))
    )
    if not entries or not judge_ids:
        return 0
    from aileague.accounts.models import User

    judges_by_id = {
        u.pk: u for u in User.objects.filter(pk__in=judge_ids).select_related("organisation")
    }
    profiles = {
        p.user_id: p
        for p in JudgeProfile.objects.filter(user_id__in=judge_ids).prefetch_related(
            "collaborators"
        )
    }
    judge_orgs: dict[int, set[str]] = {}
    judge_collab: dict[int, set[int]] = {}
    for uid, user in judges_by_id.items():
        orgs = {_norm(user.organisation.name)} if user.organisation_id else set()
        profile = profiles.get(uid)
        if profile:
            orgs |= {_norm(o) for o in profile.declared_organisations}
            judge_collab[uid] = {c.pk for c in profile.collaborators.all()}
        judge_orgs[uid] = orgs
    entry_ids = [e.pk for e in entries]
    people: dict[int, set[int]] = {}
    for entry_id, user_id in JudgedEntry.people.through.objects.filter(
        judgedentry_id__in=entry_ids
    ).values_list("judgedentry_id", "user_id"):
        people.setdefault(entry_id, set()).add(user_id)
    avoid: dict[int, set[int]] = {}
    for entry_id, user_id in JudgedEntry.avoid_judges.through.objects.filter(
        judgedentry_id__in=entry_ids
    ).values_list("judgedentry_id", "user_id"):
        avoid.setdefault(entry_id, set()).add(user_id)
    advisors: dict[int, set[int]] = {}
    team_ids = {e.team_id for e in entries if e.team_id}
    for team_id, user_id in Membership.objects.filter(
        team_id__in=team_ids, role=MemberRole.ADVISOR
    ).values_list("team_id", "user_id"):
        advisors.setdefault(team_id, set()).add(user_id)

    found: list[JuryConflict] = []
    for entry in entries:
        entry_orgs = {_norm(o) for o in entry.organisations}
        entry_people = people.get(entry.pk, set())
        for uid in judge_ids:
            reasons = []
            if uid in entry_people or uid in advisors.get(entry.team_id, set()):
                reasons.append(ConflictReason.ADVISOR)
            if entry_orgs & judge_orgs.get(uid, set()):
                reasons.append(ConflictReason.SAME_ORGANISATION)
            if entry_people & judge_collab.get(uid, set()):
                reasons.append(ConflictReason.COLLABORATOR)
            if uid in avoid.get(entry.pk, set()):
                reasons.append(ConflictReason.AVOID_LIST)
            found += [JuryConflict(entry=entry, user_id=uid, reason=r) for r in reasons]
    detected = [
        ConflictReason.SAME_ORGANISATION,
        ConflictReason.COLLABORATOR,
        ConflictReason.ADVISOR,
        ConflictReason.AVOID_LIST,
    ]
    with transaction.atomic():
        JuryConflict.objects.filter(
            entry_id__in=entry_ids, user_id__in=judge_ids, reason__in=detected
        ).delete()
        JuryConflict.objects.bulk_create(found, ignore_conflicts=True)
        pairs = {(c.entry.pk, c.user_id) for c in found}
        if pairs:
            candidates = Assignment.objects.filter(
                entry_id__in=entry_ids, user_id__in=judge_ids
            ).values_list("pk", "entry_id", "user_id")
            stale = [pk for pk, e, u in candidates if (e, u) in pairs]
            withdraw_unreviewed(Assignment.objects.filter(pk__in=stale))
    return len(found)


def withdraw_unreviewed(assignments) -> int:
    """Delete the assignments among ``assignments`` with no submitted review. A submitted review
    is never deleted: a conflict found later excludes it from every aggregate instead."""
    from django.db.models import Q

    return assignments.filter(
        Q(review__isnull=True) | Q(review__submitted_at__isnull=True)
    ).delete()[0]


def access_round(*, pk: int) -> JudgingRound:
    round_ = (
        JudgingRound.objects.select_related("stage__scenario__track__league").filter(pk=pk).first()
    )
    if round_ is None:
        raise NotFound(_("No such judging round."))
    return round_
