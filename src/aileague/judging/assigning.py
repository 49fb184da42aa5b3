"""Who reviews what: build the round's assignment problem from the database, solve it with the
min-cost-flow solver in ``judging.methods.assignment`` and write the difference back.

A re-run keeps every assignment whose review was started (draft or submitted), honours the
organiser's pins and bans, and only moves assignments nobody has worked on yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from aileague.common.audit import record_audit
from aileague.common.errors import InvalidInput
from aileague.judging.methods.affinity import candidate_edges
from aileague.judging.methods.assignment import (
    AssignmentProblem,
    InfeasibleAssignment,
    check_assignment,
    solve_assignment,
)
from aileague.judging.models import (
    Assignment,
    AssignmentOrigin,
    Conflict,
    FormalCheck,
    JudgedEntry,
    JudgeProfile,
    JudgingRound,
    JurorRole,
    PairRule,
    PairRuleKind,
)
from aileague.judging.services import check_organiser

#: Candidate judges kept per entry (by affinity) when the round is too big to consider all pairs.
CANDIDATES_PER_ENTRY = 100


@dataclass(frozen=True)
class AssignmentReport:
    entries: int
    judges: int
    created: int
    kept: int
    removed: int
    total_affinity: float
    components: int
    solve_seconds: float


def eligible_entries(round_: JudgingRound):
    return round_.entries.filter(formal_check=FormalCheck.PASSED, withdrawn=False).order_by("pk")


def reviewing_jurors(round_: JudgingRound):
    return (
        round_.jurors.exclude(role=JurorRole.PRESIDIUM).select_related("user").order_by("user_id")
    )


def assign_reviewers(*, round_: JudgingRound, actor) -> AssignmentReport:
    """Assign R judges to every entry that passed the formal check, without conflicts, within
    the judges' loads, preferring matching expertise and language. Safe to re-run."""
    check_organiser(actor, round_)
    entries = list(eligible_entries(round_).values("pk", "tags", "language", "title"))
    jurors = list(reviewing_jurors(round_))
    if not entries:
        raise InvalidInput(_("No entry has passed the formal check yet."), code="no_entries")
    if not jurors:
        raise InvalidInput(_("Add judges to the round first."), code="no_judges")
    entry_index = {e["pk"]: i for i, e in enumerate(entries)}
    judge_index = {j.user_id: i for i, j in enumerate(jurors)}
    profiles = {p.user_id: p for p in JudgeProfile.objects.filter(user_id__in=judge_index)}

    def profile_of(uid, field):
        profile = profiles.get(uid)
        return list(getattr(profile, field)) if profile else []

    cand_e, cand_j, cand_a = candidate_edges(
        [list(e["tags"]) for e in entries],
        [e["language"] for e in entries],
        [profile_of(j.user_id, "expertise") for j in jurors],
        [profile_of(j.user_id, "languages") for j in jurors],
        per_entry=CANDIDATES_PER_ENTRY,
    )
    conflicts = _pairs(Conflict.objects.filter(entry__round=round_), entry_index, judge_index)
    forbidden = _pairs(
        PairRule.objects.filter(entry__round=round_, kind=PairRuleKind.FORBID),
        entry_index,
        judge_index,
    )
    pinned = _pairs(
        PairRule.objects.filter(entry__round=round_, kind=PairRuleKind.PIN),
        entry_index,
        judge_index,
    )
    started = Assignment.objects.filter(round=round_, review__isnull=False)
    blocked = conflicts | forbidden
    existing = _pairs(started, entry_index, judge_index) - blocked
    if blocked:
        keep = np.array(
            [(int(e), int(j)) not in blocked for e, j in zip(cand_e, cand_j, strict=True)]
        )
        cand_e, cand_j, cand_a = cand_e[keep], cand_j[keep], cand_a[keep]
    problem = AssignmentProblem(
        n_entries=len(entries),
        n_judges=len(jurors),
        reviews_per_entry=round_.reviews_per_entry,
        min_load=np.array(
            [j.min_load if j.min_load is not None else round_.min_load for j in jurors]
        ),
        max_load=np.array(
            [j.max_load if j.max_load is not None else round_.max_load for j in jurors]
        ),
        cand_entry=cand_e,
        cand_judge=cand_j,
        cand_affinity=cand_a,
        pinned=_array(pinned - existing),
        existing=_array(existing),
        forbidden=_array(blocked),
    )
    try:
        result = solve_assignment(problem)
    except InfeasibleAssignment as exc:
        raise InvalidInput(
            _explain(exc, entries, jurors),
            code="assignment_infeasible",
            details={"constraint": exc.constraint, "solver_code": exc.code},
        ) from exc
    violations = check_assignment(problem, result)
    if violations:  # the verifier is independent of the solver: never write a bad assignment
        raise InvalidInput("; ".join(violations), code="assignment_invalid")
    affinity = {(int(e), int(j)): float(a) for e, j, a in zip(cand_e, cand_j, cand_a, strict=True)}
    wanted = {
        (entries[e]["pk"], jurors[j].user_id): affinity.get((int(e), int(j)), 0.0)
        for e, j in zip(result.entry, result.judge, strict=True)
    }
    pinned_pk = {(entries[e]["pk"], jurors[j].user_id) for e, j in pinned}
    with transaction.atomic():
        current = set(Assignment.objects.filter(round=round_).values_list("entry_id", "user_id"))
        unstarted = Assignment.objects.filter(round=round_, review__isnull=True)
        to_remove = [
            pk
            for pk, e, u in unstarted.values_list("pk", "entry_id", "user_id")
            if (e, u) not in wanted
        ]
        Assignment.objects.filter(pk__in=to_remove).delete()
        new = [
            Assignment(
                round=round_,
                entry_id=e,
                user_id=u,
                affinity=a,
                origin=AssignmentOrigin.PINNED if (e, u) in pinned_pk else AssignmentOrigin.SOLVER,
            )
            for (e, u), a in wanted.items()
            if (e, u) not in current
        ]
        Assignment.objects.bulk_create(new, batch_size=2000)
        report = AssignmentReport(
            entries=len(entries),
            judges=len(jurors),
            created=len(new),
            kept=len(wanted) - len(new),
            removed=len(to_remove),
            total_affinity=round(float(result.total_affinity), 6),
            components=int(result.components),
            solve_seconds=round(result.solve_seconds, 3),
        )
        record_audit(actor=actor, action="jury.assign", target=round_, after=report.__dict__)
    return report


def _pairs(queryset, entry_index, judge_index) -> set[tuple[int, int]]:
    return {
        (entry_index[e], judge_index[u])
        for e, u in queryset.values_list("entry_id", "user_id")
        if e in entry_index and u in judge_index
    }


def _array(pairs: set[tuple[int, int]]) -> np.ndarray | None:
    return np.array(sorted(pairs), dtype=np.int32).reshape(-1, 2) if pairs else None


#: What to tell the organiser for each of the solver's failure codes.
_RELAX = {
    "too_few_candidates": lambda: _(
        "Some entries have fewer eligible judges (no conflict, not forbidden) than the reviews "
        "each needs. Add judges with matching expertise or lower the reviews per entry."
    ),
    "judge_capacity": lambda: _(
        "The judges' maximum loads add up to fewer reviews than the entries need. Add judges "
        "or raise the maximum load."
    ),
    "min_load": lambda: _(
        "The judges' minimum loads cannot all be met with the reviews the entries need. Lower "
        "the minimum load."
    ),
    "pinned_conflict": lambda: _(
        "The pinned pairs cannot all be kept within the reviews per entry and the judges' "
        "loads. Remove a pin or raise the limit it exceeds."
    ),
    "existing_conflict": lambda: _(
        "A started review sits on a pair that is now forbidden. Remove the ban or withdraw "
        "that review first."
    ),
}


def _explain(exc: InfeasibleAssignment, entries, jurors) -> str:
    """The solver's reason in the organiser's language, naming entries and judges."""
    details = exc.details or {}
    message = _RELAX.get(exc.code, lambda: str(exc))()
    titles = [entries[i]["title"] for i in details.get("entries", [])[:5] if i < len(entries)]
    if titles:
        message += " " + _("Entries: %(titles)s.") % {"titles": "; ".join(titles)}
    judges = [str(jurors[j].user) for j in details.get("judges", [])[:5] if j < len(jurors)]
    if judges:
        message += " " + _("Judges: %(judges)s.") % {"judges": "; ".join(judges)}
    if "needed" in details and "capacity" in details:
        message += " " + _("Needed: %(needed)d reviews; capacity: %(capacity)d.") % details
    return message


def add_extra_review(*, entry: JudgedEntry, actor) -> Assignment | None:
    """One more review for an entry the judges disagree on: the free, conflict-free judge with
    the best affinity and spare load. Returns None when no judge is free."""
    round_ = entry.round
    check_organiser(actor, round_)
    taken = set(Assignment.objects.filter(entry=entry).values_list("user_id", flat=True))
    blocked = set(Conflict.objects.filter(entry=entry).values_list("user_id", flat=True))
    blocked |= set(
        PairRule.objects.filter(entry=entry, kind=PairRuleKind.FORBID).values_list(
            "user_id", flat=True
        )
    )
    loads = dict(
        Assignment.objects.filter(round=round_)
        .values_list("user_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    jurors = [j for j in reviewing_jurors(round_) if j.user_id not in taken | blocked]
    free = [
        j
        for j in jurors
        if loads.get(j.user_id, 0) < (j.max_load if j.max_load is not None else round_.max_load)
    ]
    if not free:
        return None
    profiles = {
        p.user_id: p for p in JudgeProfile.objects.filter(user_id__in=[j.user_id for j in free])
    }
    _e, j_idx, aff = candidate_edges(
        [list(entry.tags)],
        [entry.language],
        [list(profiles[j.user_id].expertise) if j.user_id in profiles else [] for j in free],
        [list(profiles[j.user_id].languages) if j.user_id in profiles else [] for j in free],
        per_entry=len(free),
    )
    # Best affinity first, then the lightest load, then the lowest id: deterministic.
    best = min(
        zip(j_idx, aff, strict=True),
        key=lambda ja: (-ja[1], loads.get(free[ja[0]].user_id, 0), free[ja[0]].user_id),
    )
    judge = free[int(best[0])]
    with transaction.atomic():
        assignment = Assignment.objects.create(
            round=round_,
            entry=entry,
            user_id=judge.user_id,
            origin=AssignmentOrigin.EXTRA,
            affinity=float(best[1]),
        )
        record_audit(
            actor=actor,
            action="jury.assign.extra",
            target=assignment,
            after={"entry": entry.pk, "judge": judge.user_id},
        )
    return assignment
