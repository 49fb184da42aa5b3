"""The jury's JSON API: what judges, organisers and teams may call, and what they get back."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aileague.accounts.models import User
from aileague.accounts.services import create_api_token, get_or_create_organisation
from aileague.judging import assigning, reviews, services
from aileague.judging.models import (
    Assignment,
    ConflictReason,
    JudgedEntry,
    JudgingRound,
    Review,
)
from aileague.judging.models import Conflict as JuryConflict
from aileague.teams.models import Team
from tests.factories import captain_of, make_entry, make_stage, make_team, make_user

pytestmark = pytest.mark.django_db

FULL_SHEET = {"innovation": 8, "application": 7, "commercial": 6, "team": 9, "asean": 5}


@dataclass
class Jury:
    round: JudgingRound
    organiser: User
    judges: list[User]
    teams: list[Team]
    entries: list[JudgedEntry]


def make_jury(*, teams: int = 4, judges: int = 3, blind: bool = False, assign: bool = True) -> Jury:
    """A review round of a stage with ``teams`` proposals that passed the formal check, R=2,
    ``judges`` reviewers; the first judge works at the first team's organisation (a conflict)."""
    stage = make_stage()
    league = stage.scenario.track.league
    organiser = make_user(role="organiser", league=league)
    round_ = services.create_round(
        stage=stage,
        slug="online-review",
        name={"en": "Online review", "zh-hans": "网络评审"},
        actor=organiser,
        reviews_per_entry=2,
        blind=blind,
    )
    team_rows, entries = [], []
    for i in range(teams):
        team = make_team(league=league, organisation_name=f"University {i}")
        make_entry(stage=stage, team=team)
        entry = services.submit_proposal(
            round_=round_,
            team=team,
            actor=captain_of(team),
            title=f"Proposal {i}",
            summary=f"What team {i} will build.",
            tags=["nlp"] if i % 2 else ["vision"],
        )
        services.check_entry_formally(entry=entry, actor=organiser, passed=True)
        team_rows.append(team)
        entries.append(entry)
    people = []
    for i in range(judges):
        judge = make_user()
        if i == 0:
            judge.organisation = get_or_create_organisation(
                name="University 0", kind="university", country="VN"
            )
            judge.save(update_fields=["organisation"])
        services.add_juror(round_=round_, user=judge, actor=organiser)
        people.append(judge)
    services.set_round_status(round_=round_, status="open", actor=organiser)
    if assign:
        assigning.assign_reviewers(round_=round_, actor=organiser)
    return Jury(round_, organiser, people, team_rows, entries)


def bearer(user) -> dict:
    _, secret = create_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def put_review(client, assignment, user, **body):
    return client.put(
        f"/api/v1/jury/assignments/{assignment.pk}/review",
        body,
        content_type="application/json",
        headers=bearer(user),
    )


# --- Judges ----------------------------------------------------------------------------------


def test_judge_lists_own_assignments_and_never_a_conflicted_entry(client):
    jury = make_jury()
    judge = jury.judges[0]
    body = client.get("/api/v1/jury/assignments", headers=bearer(judge)).json()
    mine = Assignment.objects.filter(user=judge).order_by("round_id", "entry_id")
    assert [row["id"] for row in body] == [a.pk for a in mine]
    assert jury.entries[0].pk not in [row["entry_id"] for row in body]
    assert {row["state"] for row in body} == {"to_do"}
    assert body[0]["round"] == {
        "id": jury.round.pk,
        "slug": "online-review",
        "name": "Online review",
        "kind": "review",
        "status": "open",
        "blind": False,
    }


def test_assignment_list_is_in_chinese_when_asked(client):
    jury = make_jury()
    headers = {**bearer(jury.judges[1]), "Accept-Language": "zh-hans"}
    body = client.get("/api/v1/jury/assignments", headers=headers).json()
    assert {row["round"]["name"] for row in body} == {"网络评审"}


def test_assignments_need_authentication(client):
    response = client.get("/api/v1/jury/assignments")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_judge_sees_the_entry_and_the_anchored_score_sheet(client):
    jury = make_jury()
    assignment = Assignment.objects.filter(user=jury.judges[1]).first()
    body = client.get(
        f"/api/v1/jury/assignments/{assignment.pk}", headers=bearer(jury.judges[1])
    ).json()
    entry = assignment.entry
    assert body["entry"]["title"] == entry.title
    assert body["entry"]["team"] == entry.team.name
    assert [c["key"] for c in body["criteria"]] == [
        "innovation",
        "application",
        "commercial",
        "team",
        "asean",
    ]
    assert body["criteria"][0]["anchors"]["10"] == "Outstanding"
    assert body["criteria"][0]["weight"] == 0.3
    assert body["review"] is None
    assert body["peer_reviews"] == []
    assert [r["value"] for r in body["recommendations"]] == ["strong_yes", "yes", "unsure", "no"]


def test_blind_round_hides_the_team_from_judges(client):
    jury = make_jury(blind=True)
    assignment = Assignment.objects.filter(user=jury.judges[1]).first()
    headers = bearer(jury.judges[1])
    body = client.get(f"/api/v1/jury/assignments/{assignment.pk}", headers=headers).json()
    assert (body["team"], body["entry"]["team"], body["entry"]["country"]) == (None, None, "")
    listed = client.get("/api/v1/jury/assignments", headers=headers).json()
    assert {row["team"] for row in listed} == {None}


def test_another_judges_assignment_is_not_found(client):
    jury = make_jury()
    assignment = Assignment.objects.filter(user=jury.judges[1]).first()
    response = client.get(
        f"/api/v1/jury/assignments/{assignment.pk}", headers=bearer(jury.judges[2])
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = put_review(client, assignment, jury.judges[2], scores=FULL_SHEET)
    assert response.status_code == 404
    assert Review.objects.count() == 0


def test_conflicted_judge_loses_sight_of_an_entry_even_after_reviewing_it(client):
    jury = make_jury()
    judge = jury.judges[1]
    assignment = Assignment.objects.filter(user=judge).first()
    response = put_review(
        client, assignment, judge, scores=FULL_SHEET, recommendation="yes", submit=True
    )
    assert response.status_code == 200
    services.declare_conflict(entry=assignment.entry, judge=judge, actor=jury.organiser)
    response = client.get(f"/api/v1/jury/assignments/{assignment.pk}", headers=bearer(judge))
    assert response.status_code == 404
    listed = client.get("/api/v1/jury/assignments", headers=bearer(judge)).json()
    assert assignment.pk not in [row["id"] for row in listed]


def test_draft_then_submit_then_peer_reviews_appear(client):
    jury = make_jury()
    entry = jury.entries[1]
    first, second = Assignment.objects.filter(entry=entry).order_by("pk")
    response = put_review(client, first, first.user, scores={"innovation": 8}, comment=" so far ")
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["review"]["scores"], body["review"]["comment"]) == (
        "draft",
        {"innovation": 8.0},
        "so far",
    )
    assert body["review"]["total"] is None
    response = put_review(
        client,
        second,
        second.user,
        scores={"innovation": 4, "application": 4, "commercial": 4, "team": 4, "asean": 4},
        comment="Thin.",
        recommendation="no",
        submit=True,
    )
    assert response.json()["peer_reviews"] == []
    response = put_review(
        client,
        first,
        first.user,
        scores=FULL_SHEET,
        comment="Good.",
        recommendation="yes",
        submit=True,
    )
    body = response.json()
    assert body["state"] == "submitted"
    assert body["review"]["submitted"] is True
    assert body["review"]["total"] == 7.2
    assert body["peer_reviews"] == [
        {
            "label": "Judge A",
            "total": 4.0,
            "scores": {
                "innovation": 4.0,
                "application": 4.0,
                "commercial": 4.0,
                "team": 4.0,
                "asean": 4.0,
            },
            "comment": "Thin.",
            "recommendation": "Do not recommend",
        }
    ]


def test_invalid_sheet_is_refused_with_every_problem(client):
    jury = make_jury()
    assignment = Assignment.objects.filter(user=jury.judges[1]).first()
    response = put_review(
        client,
        assignment,
        jury.judges[1],
        scores={"innovation": 11, "application": "many", "bogus": 3},
        recommendation="yes",
        submit=True,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_score_sheet"
    assert body["details"] == [
        "“bogus” is not a criterion of this score sheet.",
        "“Technical innovation” takes a score from 0 to 10, not 11.",
        "“many” for “Application value” is not a number.",
        "Score “Commercial feasibility” before submitting.",
        "Score “Team” before submitting.",
        "Score “ASEAN adaptability” before submitting.",
    ]
    assert Review.objects.count() == 0


def test_submitting_without_a_recommendation_is_refused(client):
    jury = make_jury()
    assignment = Assignment.objects.filter(user=jury.judges[1]).first()
    response = put_review(client, assignment, jury.judges[1], scores=FULL_SHEET, submit=True)
    assert response.status_code == 422
    assert response.json()["details"] == ["Give an overall recommendation before submitting."]


def test_reviews_wait_for_the_round_to_open(client):
    jury = make_jury()
    services.set_round_status(round_=jury.round, status="closed", actor=jury.organiser)
    assignment = Assignment.objects.filter(user=jury.judges[1]).first()
    response = put_review(client, assignment, jury.judges[1], scores=FULL_SHEET)
    assert response.status_code == 409
    assert response.json()["code"] == "round_not_open"


def test_judge_declares_a_conflict_and_the_assignment_goes(client):
    jury = make_jury()
    judge = jury.judges[1]
    assignment = Assignment.objects.filter(user=judge).first()
    response = client.post(
        f"/api/v1/jury/entries/{assignment.entry_id}/conflict",
        {"note": "I advised this team last year."},
        content_type="application/json",
        headers=bearer(judge),
    )
    assert response.status_code == 200
    assert response.json() == {
        "entry_id": assignment.entry_id,
        "judge": judge.pk,
        "reason": "declared",
        "assignments_withdrawn": True,
    }
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    conflict = JuryConflict.objects.get(entry_id=assignment.entry_id, user=judge)
    assert (conflict.reason, conflict.note) == ("declared", "I advised this team last year.")


def test_only_the_rounds_judges_may_declare_a_conflict(client):
    jury = make_jury()
    stranger = make_user()
    response = client.post(
        f"/api/v1/jury/entries/{jury.entries[0].pk}/conflict",
        {},
        content_type="application/json",
        headers=bearer(stranger),
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/jury/entries/{jury.entries[0].pk}/conflict",
        {"judge": jury.judges[2].pk},
        content_type="application/json",
        headers=bearer(jury.judges[1]),
    )
    assert response.status_code == 403
    assert not JuryConflict.objects.filter(user=jury.judges[2]).exists()


def test_organiser_declares_a_conflict_for_a_judge(client):
    jury = make_jury()
    judge = jury.judges[2]
    response = client.post(
        f"/api/v1/jury/entries/{jury.entries[3].pk}/conflict",
        {"judge": judge.pk, "note": "Reported by the team."},
        content_type="application/json",
        headers=bearer(jury.organiser),
    )
    assert response.status_code == 200
    assert response.json()["reason"] == ConflictReason.ORGANISER


# --- Organisers ------------------------------------------------------------------------------


def test_organiser_assigns_and_gets_the_report(client):
    jury = make_jury(assign=False)
    response = client.post(
        f"/api/v1/jury/rounds/{jury.round.pk}/assign", headers=bearer(jury.organiser)
    )
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("entries", "judges", "created", "kept", "removed")} == {
        "entries": 4,
        "judges": 3,
        "created": 8,
        "kept": 0,
        "removed": 0,
    }
    assert Assignment.objects.filter(round=jury.round).count() == 8
    assert not Assignment.objects.filter(entry=jury.entries[0], user=jury.judges[0]).exists()
    again = client.post(
        f"/api/v1/jury/rounds/{jury.round.pk}/assign", headers=bearer(jury.organiser)
    ).json()
    assert (again["created"], again["kept"], again["removed"]) == (0, 8, 0)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "assign"),
        ("post", "results"),
        ("get", "results"),
        ("post", "extra-reviews"),
    ],
)
def test_organiser_endpoints_refuse_judges(client, method, path):
    jury = make_jury()
    response = getattr(client, method)(
        f"/api/v1/jury/rounds/{jury.round.pk}/{path}", headers=bearer(jury.judges[1])
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_organiser_assigning_an_unknown_round_gets_404(client):
    jury = make_jury()
    response = client.post("/api/v1/jury/rounds/999999/assign", headers=bearer(jury.organiser))
    assert response.status_code == 404


def test_assigning_with_no_checked_entry_names_what_is_missing(client):
    stage = make_stage()
    organiser = make_user(role="organiser", league=stage.scenario.track.league)
    round_ = services.create_round(stage=stage, slug="r", name={"en": "R"}, actor=organiser)
    response = client.post(f"/api/v1/jury/rounds/{round_.pk}/assign", headers=bearer(organiser))
    assert response.status_code == 422
    assert response.json() == {
        "code": "no_entries",
        "message": "No entry has passed the formal check yet.",
    }


def submit_all(jury: Jury, severity: dict[int, float]) -> None:
    """Every assigned judge submits a flat sheet: 6 plus the judge's severity offset."""
    for assignment in Assignment.objects.filter(round=jury.round).select_related("round"):
        value = 6 + severity.get(assignment.user_id, 0) + assignment.entry_id % 3
        reviews.save_review(
            assignment=assignment,
            actor=assignment.user,
            scores=dict.fromkeys(FULL_SHEET, value),
            recommendation="yes",
            submit=True,
        )


def test_organiser_computes_and_reads_raw_and_calibrated_results(client):
    jury = make_jury()
    submit_all(jury, {jury.judges[1].pk: -2})
    headers = bearer(jury.organiser)
    computed = client.post(f"/api/v1/jury/rounds/{jury.round.pk}/results", headers=headers)
    assert computed.status_code == 200
    read = client.get(f"/api/v1/jury/rounds/{jury.round.pk}/results", headers=headers).json()
    assert read == computed.json()
    assert read["method"] == "judge_offset"
    assert read["computed_at"] is not None
    rows = read["rows"]
    assert [row["rank"] for row in rows] == [1, 2, 3, 4]
    assert sorted(row["entry_id"] for row in rows) == sorted(e.pk for e in jury.entries)
    assert {row["n_reviews"] for row in rows} == {2}
    assert set(rows[0]) == {
        "rank",
        "entry_id",
        "title",
        "team",
        "track",
        "n_reviews",
        "raw_mean",
        "score",
        "stderr",
        "spread",
        "flagged",
    }
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)


def test_results_before_computing_are_empty(client):
    jury = make_jury()
    body = client.get(
        f"/api/v1/jury/rounds/{jury.round.pk}/results", headers=bearer(jury.organiser)
    ).json()
    assert (body["rows"], body["computed_at"]) == ([], None)


def test_extra_reviews_for_flagged_entries(client):
    jury = make_jury(judges=4)
    submit_all(jury, {})
    # Two judges far apart on one entry: its spread passes the threshold (3 points).
    first, second = Assignment.objects.filter(entry=jury.entries[1]).order_by("pk")
    for assignment, value in ((first, 1), (second, 10)):
        reviews.save_review(
            assignment=assignment,
            actor=assignment.user,
            scores=dict.fromkeys(FULL_SHEET, value),
            recommendation="yes",
            submit=True,
        )
    headers = bearer(jury.organiser)
    results = client.post(f"/api/v1/jury/rounds/{jury.round.pk}/results", headers=headers).json()
    assert [row["entry_id"] for row in results["rows"] if row["flagged"]] == [jury.entries[1].pk]
    body = client.post(f"/api/v1/jury/rounds/{jury.round.pk}/extra-reviews", headers=headers)
    assert body.json() == {"added": 1, "no_free_judge": 0}
    assert Assignment.objects.filter(entry=jury.entries[1], origin="extra").count() == 1


def test_round_shows_progress_to_organisers_only(client):
    jury = make_jury()
    body = client.get(f"/api/v1/jury/rounds/{jury.round.pk}", headers=bearer(jury.organiser)).json()
    assert body["progress"] == {
        "entries": 4,
        "passed": 4,
        "jurors": 3,
        "assignments": 8,
        "submitted": 0,
        "conflicts": 1,
        "flagged": 0,
    }
    assert (body["my_role"], body["reviews_per_entry"], body["aggregation"]) == (
        None,
        2,
        "judge_offset",
    )
    judge_view = client.get(
        f"/api/v1/jury/rounds/{jury.round.pk}", headers=bearer(jury.judges[1])
    ).json()
    assert (judge_view["progress"], judge_view["my_role"]) == (None, "reviewer")
    assert len(judge_view["criteria"]) == 5


def test_formal_check_returns_an_entry_with_a_note(client):
    jury = make_jury(assign=False)
    entry = jury.entries[2]
    path = f"/api/v1/jury/entries/{entry.pk}/formal-check"
    headers = bearer(jury.organiser)
    response = client.post(
        path, {"passed": False}, content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == "note_required"
    response = client.post(
        path,
        {"passed": False, "note": "The budget page is missing."},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert (response.json()["formal_check"], response.json()["formal_check_note"]) == (
        "returned",
        "The budget page is missing.",
    )
    response = client.post(
        path, {"passed": True}, content_type="application/json", headers=bearer(jury.judges[1])
    )
    assert response.status_code == 403


# --- Teams -----------------------------------------------------------------------------------


def test_team_hands_in_a_proposal_with_its_pdf(client):
    jury = make_jury(teams=1, assign=False)
    team = make_team(league=jury.round.stage.scenario.track.league, organisation_name="Lab X")
    make_entry(stage=jury.round.stage, team=team)
    response = client.post(
        f"/api/v1/jury/rounds/{jury.round.pk}/proposal",
        {
            "title": " Mekong crop advisor / 湄公河作物顾问 ",
            "summary": "Advice for farmers.",
            "language": "vi",
            "tags": "agriculture, nlp",
            "file": SimpleUploadedFile("proposal.pdf", b"%PDF-1.4 demo"),
        },
        headers=bearer(captain_of(team)),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["team"], body["tags"], body["has_document"]) == (
        "Mekong crop advisor / 湄公河作物顾问",
        team.name,
        ["agriculture", "nlp"],
        True,
    )
    assert body["formal_check"] == "pending"
    entry = JudgedEntry.objects.get(pk=body["id"])
    assert (entry.team, entry.language, entry.organisations) == (team, "vi", ["Lab X"])
    with entry.document.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 demo"


def test_proposal_without_a_file_by_team_id(client):
    jury = make_jury(teams=1, assign=False)
    team = make_team(league=jury.round.stage.scenario.track.league)
    response = client.post(
        f"/api/v1/jury/rounds/{jury.round.pk}/proposal",
        {"title": "Border queue forecaster", "team": team.pk},
        headers=bearer(captain_of(team)),
    )
    assert response.status_code == 201
    assert response.json()["has_document"] is False


def test_proposal_of_a_stranger_or_without_a_team_is_refused(client):
    jury = make_jury(teams=1, assign=False)
    response = client.post(
        f"/api/v1/jury/rounds/{jury.round.pk}/proposal",
        {"title": "Not mine", "team": jury.teams[0].pk},
        headers=bearer(make_user()),
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/jury/rounds/{jury.round.pk}/proposal",
        {"title": "Which team?"},
        headers=bearer(make_user()),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "team_required"
    response = client.post(
        f"/api/v1/jury/rounds/{jury.round.pk}/proposal",
        {"title": "  "},
        headers=bearer(captain_of(jury.teams[0])),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "title_required"
