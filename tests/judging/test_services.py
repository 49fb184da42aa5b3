"""The jury's core services through the database: conflicts, assignment, score sheets, results.

The helpers at the top (``make_jury``, ``review``) build a real round through the real services;
the page and visibility tests import them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from aileague.accounts.models import Organisation, Role
from aileague.common.errors import InvalidInput
from aileague.competitions.models import EvaluationMode
from aileague.judging import queries, services
from aileague.judging.assigning import assign_reviewers
from aileague.judging.calibration import compute_round_results, request_extra_reviews
from aileague.judging.models import (
    Assignment,
    AssignmentOrigin,
    Conflict,
    ConflictReason,
    EntryResult,
    JudgedEntry,
    JudgingRound,
    Review,
    RoundStatus,
)
from aileague.judging.reviews import save_review
from aileague.teams.models import MemberRole, Membership
from tests.factories import captain_of, make_stage, make_team, make_user

pytestmark = pytest.mark.django_db

RUBRIC_KEYS = ("innovation", "application", "commercial", "team", "asean")


@dataclass
class Jury:
    organiser: object
    stage: object
    round: JudgingRound
    teams: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    judges: list = field(default_factory=list)

    def assignment(self, entry, judge) -> Assignment:
        return Assignment.objects.get(entry=entry, user=judge)


def make_jury(
    *,
    entries: int = 3,
    judges: int = 3,
    reviews: int = 2,
    blind: bool = False,
    max_load: int = 20,
    aggregation: str = "mean",
    status: str = RoundStatus.OPEN,
    assign: bool = True,
) -> Jury:
    """A jury-judged stage with a review round, proposals that passed the formal check, judges
    seated, the round opened and (unless ``assign=False``) reviewers assigned."""
    stage = make_stage(evaluation_mode=EvaluationMode.JURY)
    league = stage.scenario.track.league
    organiser = make_user(role=Role.ORGANISER, league=league)
    round_ = services.create_round(
        stage=stage,
        slug="proposals",
        name={"en": "Proposal review", "zh-hans": "方案评审"},
        actor=organiser,
        reviews_per_entry=reviews,
        max_load=max_load,
        blind=blind,
        aggregation=aggregation,
    )
    jury = Jury(organiser=organiser, stage=stage, round=round_)
    for i in range(entries):
        team = make_team(league=league, country="VN")
        entry = services.submit_proposal(
            round_=round_,
            team=team,
            actor=captain_of(team),
            title=f"Proposal {i + 1}",
            summary="Route parcels through the Mekong delta.",
            tags=["logistics"],
        )
        services.check_entry_formally(entry=entry, actor=organiser, passed=True)
        jury.teams.append(team)
        jury.entries.append(entry)
    for _ in range(judges):
        judge = make_user()
        services.add_juror(round_=round_, user=judge, actor=organiser)
        jury.judges.append(judge)
    if status != RoundStatus.DRAFT:
        services.set_round_status(round_=round_, status=status, actor=organiser)
    if assign:
        assign_reviewers(round_=round_, actor=organiser)
    return jury


def uniform(value: float) -> dict[str, float]:
    """Every criterion of the default rubric at ``value``: the weighted total is ``value``."""
    return dict.fromkeys(RUBRIC_KEYS, value)


def review(assignment: Assignment, value: float, *, submit: bool = True, comment: str = ""):
    return save_review(
        assignment=assignment,
        actor=assignment.user,
        scores=uniform(value),
        comment=comment,
        recommendation="yes",
        submit=submit,
    )


def reasons(entry, judge) -> set[str]:
    return set(Conflict.objects.filter(entry=entry, user=judge).values_list("reason", flat=True))


# --- Conflicts ---------------------------------------------------------------------------------


def test_judge_from_the_teams_organisation_is_conflicted():
    jury = make_jury(entries=1, judges=0, assign=False)
    team = jury.teams[0]
    team.organisation_name = "Mekong University"
    team.save()
    entry = services.submit_proposal(
        round_=jury.round, team=team, actor=captain_of(team), title="Proposal 1"
    )
    judge = make_user()
    judge.organisation = Organisation.objects.create(
        name="mekong  UNIVERSITY", kind="university", country="VN"
    )
    judge.save()
    services.add_juror(round_=jury.round, user=judge, actor=jury.organiser)
    assert reasons(entry, judge) == {ConflictReason.SAME_ORGANISATION}


def test_judge_declaring_a_tie_to_the_teams_organisation_is_conflicted():
    jury = make_jury(entries=1, judges=1, assign=False)
    team, judge = jury.teams[0], jury.judges[0]
    team.organisation_name = "Delta Logistics"
    team.save()
    services.set_judge_profile(user=judge, actor=judge, declared_organisations=["Delta Logistics "])
    entry = services.submit_proposal(
        round_=jury.round, team=team, actor=captain_of(team), title="Proposal 1"
    )
    assert reasons(entry, judge) == {ConflictReason.SAME_ORGANISATION}


def test_judge_listing_a_team_member_as_collaborator_is_conflicted():
    jury = make_jury(entries=1, judges=1, assign=False)
    judge = jury.judges[0]
    services.set_judge_profile(user=judge, actor=judge, collaborators=[captain_of(jury.teams[0])])
    services.detect_conflicts(round_=jury.round)
    assert reasons(jury.entries[0], judge) == {ConflictReason.COLLABORATOR}


def test_advisor_of_the_team_is_conflicted():
    jury = make_jury(entries=1, judges=0, assign=False)
    advisor = make_user()
    Membership.objects.create(team=jury.teams[0], user=advisor, role=MemberRole.ADVISOR)
    services.add_juror(round_=jury.round, user=advisor, actor=jury.organiser)
    assert reasons(jury.entries[0], advisor) == {ConflictReason.ADVISOR}


def test_judge_on_the_teams_avoid_list_is_conflicted_and_loses_the_assignment():
    jury = make_jury(entries=1, judges=2, reviews=2)
    team, judge = jury.teams[0], jury.judges[0]
    assert Assignment.objects.filter(entry=jury.entries[0], user=judge).count() == 1
    services.submit_proposal(
        round_=jury.round,
        team=team,
        actor=captain_of(team),
        title="Proposal 1",
        avoid_judges=[judge],
    )
    assert reasons(jury.entries[0], judge) == {ConflictReason.AVOID_LIST}
    assert Assignment.objects.filter(entry=jury.entries[0], user=judge).count() == 0


def test_declared_and_organiser_set_conflicts_keep_their_reasons():
    jury = make_jury(entries=1, judges=2, assign=False)
    entry, first, second = jury.entries[0], jury.judges[0], jury.judges[1]
    services.declare_conflict(entry=entry, judge=first, actor=first, note="former colleague")
    services.declare_conflict(entry=entry, judge=second, actor=jury.organiser)
    services.detect_conflicts(round_=jury.round)  # a re-detection keeps both
    assert reasons(entry, first) == {ConflictReason.DECLARED}
    assert reasons(entry, second) == {ConflictReason.ORGANISER}
    assert Conflict.objects.get(entry=entry, user=first).note == "former colleague"


def test_another_judge_cannot_declare_a_conflict_for_someone_else():
    jury = make_jury(entries=1, judges=2, assign=False)
    with pytest.raises(services.PermissionDenied):
        services.declare_conflict(entry=jury.entries[0], judge=jury.judges[1], actor=jury.judges[0])


# --- Assignment --------------------------------------------------------------------------------


def test_assignment_gives_each_entry_r_conflict_free_reviews_within_loads():
    jury = make_jury(entries=4, judges=3, reviews=2, max_load=3, assign=False)
    services.declare_conflict(entry=jury.entries[0], judge=jury.judges[0], actor=jury.judges[0])
    report = assign_reviewers(round_=jury.round, actor=jury.organiser)
    assert (report.entries, report.judges, report.created, report.kept, report.removed) == (
        4,
        3,
        8,
        0,
        0,
    )
    per_entry = [Assignment.objects.filter(entry=e).count() for e in jury.entries]
    per_judge = [Assignment.objects.filter(user=j).count() for j in jury.judges]
    assert per_entry == [2, 2, 2, 2]
    assert max(per_judge) == 3
    assert sum(per_judge) == 8
    assert not Assignment.objects.filter(entry=jury.entries[0], user=jury.judges[0]).exists()


def test_rerun_keeps_started_reviews_and_changes_nothing_else():
    jury = make_jury(entries=3, judges=3, reviews=2)
    first = Assignment.objects.filter(round=jury.round).order_by("pk").first()
    review(first, 6, submit=False)
    before = set(Assignment.objects.filter(round=jury.round).values_list("pk", flat=True))
    report = assign_reviewers(round_=jury.round, actor=jury.organiser)
    assert (report.created, report.kept, report.removed) == (0, 6, 0)
    assert set(Assignment.objects.filter(round=jury.round).values_list("pk", flat=True)) == before


def test_rerun_after_a_late_judge_keeps_submitted_reviews():
    jury = make_jury(entries=2, judges=2, reviews=2)
    done = [review(a, 7) for a in Assignment.objects.filter(round=jury.round)]
    late = make_user()
    services.add_juror(round_=jury.round, user=late, actor=jury.organiser)
    report = assign_reviewers(round_=jury.round, actor=jury.organiser)
    assert (report.created, report.kept, report.removed) == (0, 4, 0)
    assert [Review.objects.get(pk=r.pk).is_submitted for r in done] == [True] * 4


def test_pinned_pair_is_assigned_and_forbidden_pair_never():
    jury = make_jury(entries=2, judges=3, reviews=1, assign=False)
    (e1, e2), (j1, j2, j3) = jury.entries, jury.judges
    services.set_pair_rule(entry=e1, judge=j3, kind="pin", actor=jury.organiser)
    for judge in (j1, j2):
        services.set_pair_rule(entry=e2, judge=judge, kind="forbid", actor=jury.organiser)
    assign_reviewers(round_=jury.round, actor=jury.organiser)
    assert list(Assignment.objects.filter(entry=e1).values_list("user_id", "origin")) == [
        (j3.pk, AssignmentOrigin.PINNED)
    ]
    assert list(Assignment.objects.filter(entry=e2).values_list("user_id", flat=True)) == [j3.pk]


def test_a_conflicted_judge_cannot_be_pinned():
    jury = make_jury(entries=1, judges=1, assign=False)
    entry, judge = jury.entries[0], jury.judges[0]
    services.declare_conflict(entry=entry, judge=judge, actor=judge)
    with pytest.raises(services.Conflict) as caught:
        services.set_pair_rule(entry=entry, judge=judge, kind="pin", actor=jury.organiser)
    assert caught.value.code == "pinned_conflict"


def test_infeasible_assignment_names_the_constraint_to_relax():
    jury = make_jury(entries=3, judges=2, reviews=2, max_load=2, assign=False)
    with pytest.raises(InvalidInput) as caught:
        assign_reviewers(round_=jury.round, actor=jury.organiser)
    assert caught.value.code == "assignment_infeasible"
    assert caught.value.details == {"constraint": "max_load", "solver_code": "judge_capacity"}
    assert caught.value.message == (
        "The judges' maximum loads add up to fewer reviews than the entries need. Add judges "
        "or raise the maximum load. Needed: 6 reviews; capacity: 4."
    )
    assert Assignment.objects.filter(round=jury.round).count() == 0


def test_only_entries_that_passed_the_formal_check_are_assigned():
    jury = make_jury(entries=2, judges=2, reviews=1, assign=False)
    services.check_entry_formally(
        entry=jury.entries[1], actor=jury.organiser, passed=False, note="No budget page."
    )
    report = assign_reviewers(round_=jury.round, actor=jury.organiser)
    assert report.entries == 1
    assert set(Assignment.objects.values_list("entry_id", flat=True)) == {jury.entries[0].pk}


# --- Score sheets ------------------------------------------------------------------------------


def test_submitting_an_incomplete_sheet_lists_every_problem():
    jury = make_jury(entries=1, judges=1, reviews=1)
    assignment = Assignment.objects.get(round=jury.round)
    with pytest.raises(InvalidInput) as caught:
        save_review(
            assignment=assignment,
            actor=assignment.user,
            scores={"innovation": "11", "application": "x", "budget": 3},
            recommendation="yes",
            submit=True,
        )
    assert caught.value.code == "invalid_score_sheet"
    assert caught.value.details == [
        "“budget” is not a criterion of this score sheet.",
        "“Technical innovation” takes a score from 0 to 10, not 11.",
        "“x” for “Application value” is not a number.",
        "Score “Commercial feasibility” before submitting.",
        "Score “Team” before submitting.",
        "Score “ASEAN adaptability” before submitting.",
    ]
    assert not Review.objects.exists()


def test_a_draft_may_be_incomplete():
    jury = make_jury(entries=1, judges=1, reviews=1)
    assignment = Assignment.objects.get(round=jury.round)
    draft = save_review(assignment=assignment, actor=assignment.user, scores={"team": 4})
    assert (draft.scores, draft.total, draft.is_submitted) == ({"team": 4.0}, None, False)


def test_submitting_without_a_recommendation_is_refused():
    jury = make_jury(entries=1, judges=1, reviews=1)
    assignment = Assignment.objects.get(round=jury.round)
    with pytest.raises(InvalidInput) as caught:
        save_review(assignment=assignment, actor=assignment.user, scores=uniform(5), submit=True)
    assert caught.value.details == ["Give an overall recommendation before submitting."]


def test_total_is_the_weighted_mean_of_the_criteria():
    jury = make_jury(entries=1, judges=1, reviews=1)
    assignment = Assignment.objects.get(round=jury.round)
    scores = {"innovation": 10, "application": 0, "commercial": 5, "team": 0, "asean": 10}
    sheet = save_review(
        assignment=assignment,
        actor=assignment.user,
        scores=scores,
        recommendation="no",
        submit=True,
    )
    # 0.30·10 + 0.25·0 + 0.20·5 + 0.15·0 + 0.10·10 = 5.0
    assert sheet.total == 5.0


def test_a_closed_round_refuses_reviews():
    jury = make_jury(entries=1, judges=1, reviews=1)
    services.set_round_status(round_=jury.round, status="closed", actor=jury.organiser)
    assignment = Assignment.objects.get(round=jury.round)
    with pytest.raises(services.Conflict) as caught:
        review(assignment, 5)
    assert caught.value.code == "round_not_open"


def test_other_reviews_appear_only_after_the_judges_own_is_submitted():
    jury = make_jury(entries=1, judges=3, reviews=3)
    mine, second, third = Assignment.objects.filter(round=jury.round).order_by("pk")
    review(second, 8, comment="Solid pilot plan.")
    review(third, 4, submit=False)
    assert queries.other_reviews(assignment=mine, user=mine.user) == []
    review(mine, 6, submit=False)
    assert queries.other_reviews(assignment=mine, user=mine.user) == []
    review(mine, 6)
    peers = queries.other_reviews(assignment=mine, user=mine.user)
    assert [(p.label, p.total, p.comment, p.recommendation) for p in peers] == [
        ("Judge A", 8.0, "Solid pilot plan.", "Recommend")
    ]
    # Nobody reads them through someone else's assignment.
    assert queries.other_reviews(assignment=mine, user=second.user) == []


# --- Results -----------------------------------------------------------------------------------


def test_results_rank_by_the_mean_and_flag_disagreement():
    jury = make_jury(entries=2, judges=2, reviews=2)
    (e1, e2), (j1, j2) = jury.entries, jury.judges
    review(jury.assignment(e1, j1), 9)
    review(jury.assignment(e1, j2), 8)
    review(jury.assignment(e2, j1), 2)
    review(jury.assignment(e2, j2), 9)
    rows = compute_round_results(round_=jury.round, actor=jury.organiser)
    assert [(r.entry_id, r.rank, r.n_reviews, r.raw_mean, r.spread, r.flagged) for r in rows] == [
        (e1.pk, 1, 2, 8.5, 1.0, False),
        (e2.pk, 2, 2, 5.5, 7.0, True),
    ]
    assert queries.round_progress(jury.round)["flagged"] == 1


def test_extra_reviews_go_to_a_free_judge_once_per_flagged_entry():
    jury = make_jury(entries=2, judges=3, reviews=2)
    e1, e2 = jury.entries
    for assignment in Assignment.objects.filter(entry=e1):
        review(assignment, 7)
    low, high = Assignment.objects.filter(entry=e2).order_by("pk")
    review(low, 1)
    review(high, 9)
    compute_round_results(round_=jury.round, actor=jury.organiser)
    assert request_extra_reviews(round_=jury.round, actor=jury.organiser) == {
        "added": 1,
        "no_free_judge": 0,
    }
    extra = Assignment.objects.get(entry=e2, origin=AssignmentOrigin.EXTRA)
    assert extra.user_id not in {low.user_id, high.user_id}
    # Asking again while the extra review is pending adds nothing.
    assert request_extra_reviews(round_=jury.round, actor=jury.organiser) == {
        "added": 0,
        "no_free_judge": 0,
    }


def test_a_conflict_found_after_submission_drops_the_review_from_results():
    jury = make_jury(entries=1, judges=2, reviews=2)
    entry = jury.entries[0]
    first, second = Assignment.objects.filter(entry=entry).order_by("pk")
    review(first, 9)
    review(second, 3)
    services.declare_conflict(entry=entry, judge=first.user, actor=jury.organiser)
    [row] = compute_round_results(round_=jury.round, actor=jury.organiser)
    assert (row.n_reviews, row.raw_mean) == (1, 3.0)
    assert EntryResult.objects.get(entry=entry).raw_mean == 3.0
    assert JudgedEntry.objects.get(pk=entry.pk).assignments.count() == 2  # kept on record
