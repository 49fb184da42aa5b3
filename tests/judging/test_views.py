"""The online review pages through Django's test client: who sees what, and what the forms do."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aileague.accounts.models import Role
from aileague.competitions.models import EvaluationMode
from aileague.judging import services
from aileague.judging.calibration import compute_round_results
from aileague.judging.models import (
    Assignment,
    Conflict,
    ConflictReason,
    FormalCheck,
    JudgedEntry,
    JudgeProfile,
    Review,
    RoundStatus,
)
from aileague.judging.services import MAX_DOCUMENT_BYTES
from aileague.teams.models import Entry
from tests.factories import captain_of, make_stage, make_team, make_user
from tests.judging.test_services import make_jury, review, uniform

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(client, user):
    client.force_login(user, backend="aileague.accounts.backends.EmailBackend")
    return user


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def sheet_url(assignment) -> str:
    return reverse("judging:sheet", args=[assignment.pk])


def first_assignment_of(judge) -> Assignment:
    return Assignment.objects.filter(user=judge).order_by("pk").first()


def sheet_post(action: str, scores: dict, recommendation: str = "yes", comment: str = ""):
    data = {f"score_{key}": value for key, value in scores.items()}
    return {**data, "action": action, "recommendation": recommendation, "comment": comment}


# --- My reviews and the judge profile ----------------------------------------------------------


def test_my_reviews_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("judging:mine"))
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/jury/"


def test_my_reviews_lists_the_judges_assignments_with_their_state(client):
    jury = make_jury(entries=2, judges=2, reviews=2)
    judge = login(client, jury.judges[0])
    first, second = Assignment.objects.filter(user=judge).order_by("entry_id")
    review(first, 7)
    review(second, 5, submit=False)
    response = client.get(reverse("judging:mine"))
    assert response.status_code == 200
    [item] = response.context["rounds"]
    assert [(row["assignment"].entry.title, row["state"]) for row in item["rows"]] == [
        ("Proposal 1", "submitted"),
        ("Proposal 2", "draft"),
    ]
    text = response.content.decode()
    assert "1 of 2 submitted" in text
    assert '<progress max="2" value="1"></progress>' in text
    assert jury.teams[0].name in text  # not a blind round


def test_my_reviews_of_a_person_without_a_jury_seat_says_so(client):
    login(client, make_user())
    response = client.get(reverse("judging:mine"))
    assert response.status_code == 200
    assert response.context["rounds"] == []
    assert "You do not sit on any jury yet." in response.content.decode()


def test_organiser_sees_links_to_the_rounds_they_organise(client):
    jury = make_jury(entries=1, judges=1, reviews=1, assign=False)
    login(client, jury.organiser)
    response = client.get(reverse("judging:mine"))
    assert response.context["organised"] == [jury.round]
    assert reverse("judging:round", args=[jury.round.pk]) in response.content.decode()


def test_judge_profile_saves_expertise_languages_organisations_and_collaborators(client):
    judge = login(client, make_user())
    colleague = make_user(email="Colleague@Example.org")
    response = client.post(
        reverse("judging:profile"),
        {
            "expertise": "Logistics, computer vision, logistics",
            "languages": ["en", "vi"],
            "declared_organisations": "Delta Logistics\n\nMekong Ventures\n",
            "collaborators": "colleague@example.org",
        },
    )
    assert response.status_code == 302
    profile = JudgeProfile.objects.get(user=judge)
    assert profile.expertise == ["computer vision", "logistics"]
    assert profile.languages == ["en", "vi"]
    assert profile.declared_organisations == ["Delta Logistics", "Mekong Ventures"]
    assert list(profile.collaborators.all()) == [colleague]
    page = client.get(reverse("judging:profile"))
    assert page.context["form"].initial["collaborators"] == "Colleague@example.org"


def test_judge_profile_reports_unknown_collaborator_emails(client):
    login(client, make_user())
    response = client.post(
        reverse("judging:profile"),
        {"expertise": "", "collaborators": "nobody@example.org\nghost@example.org"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["collaborators"] == [
        "No account has these email addresses: nobody@example.org, ghost@example.org."
    ]
    assert not JudgeProfile.objects.exists()


# --- The score sheet ---------------------------------------------------------------------------


def test_score_sheet_opens_for_its_judge_only(client):
    jury = make_jury(entries=1, judges=3, reviews=2)
    assignment = first_assignment_of(jury.judges[0]) or first_assignment_of(jury.judges[1])
    other = next(j for j in jury.judges if not Assignment.objects.filter(user=j).exists())
    login(client, assignment.user)
    assert client.get(sheet_url(assignment)).status_code == 200
    login(client, other)
    assert client.get(sheet_url(assignment)).status_code == 404
    login(client, jury.organiser)
    assert client.get(sheet_url(assignment)).status_code == 404


def test_score_sheet_shows_the_entry_the_criteria_and_their_anchors(client):
    jury = make_jury(entries=1, judges=1, reviews=1)
    entry = jury.entries[0]
    entry.links = {"video": "https://video.example.org/pitch"}
    entry.save()
    assignment = first_assignment_of(jury.judges[0])
    login(client, assignment.user)
    text = client.get(sheet_url(assignment)).content.decode()
    assert "Proposal 1" in text
    assert "Route parcels through the Mekong delta." in text
    assert jury.teams[0].name in text
    assert "Technical innovation" in text
    assert '<option value="8">8 — Strong</option>' in text
    assert '<option value="7">7</option>' in text
    assert "<strong>10</strong> Outstanding" in text
    assert 'href="https://video.example.org/pitch"' in text
    assert "The other judges' reviews appear here once you submit yours." in text


def test_blind_round_hides_the_team_and_its_country(client):
    jury = make_jury(entries=1, judges=1, reviews=1, blind=True)
    assignment = first_assignment_of(jury.judges[0])
    login(client, assignment.user)
    text = client.get(sheet_url(assignment)).content.decode()
    assert jury.teams[0].name not in text
    assert "Vietnam" not in text
    assert "Viet Nam" not in text
    assert "Blind review: the team is not shown." in text
    listing = client.get(reverse("judging:mine")).content.decode()
    assert jury.teams[0].name not in listing


def test_saving_a_draft_keeps_partial_scores(client):
    jury = make_jury(entries=1, judges=1, reviews=1)
    assignment = first_assignment_of(jury.judges[0])
    login(client, assignment.user)
    response = client.post(
        sheet_url(assignment), sheet_post("draft", {"innovation": "6"}, recommendation="")
    )
    assert response.status_code == 302
    draft = Review.objects.get(assignment=assignment)
    assert (draft.scores, draft.is_submitted) == ({"innovation": 6.0}, False)
    page = client.get(sheet_url(assignment))
    assert messages_of(page) == ["Your draft is saved."]
    assert page.context["form"]["score_innovation"].value() == "6"
    assert page.context["state"] == "draft"


def test_submitting_an_incomplete_sheet_lists_every_problem_next_to_the_form(client):
    jury = make_jury(entries=1, judges=1, reviews=1)
    assignment = first_assignment_of(jury.judges[0])
    login(client, assignment.user)
    response = client.post(
        sheet_url(assignment), sheet_post("submit", {"innovation": "6", "application": "9"})
    )
    assert response.status_code == 200
    assert response.context["problems"] == [
        "Score “Commercial feasibility” before submitting.",
        "Score “Team” before submitting.",
        "Score “ASEAN adaptability” before submitting.",
    ]
    text = response.content.decode()
    assert "<li>Score “Team” before submitting.</li>" in text
    assert not Review.objects.exists()


def test_submitting_shows_the_other_judges_reviews(client):
    jury = make_jury(entries=1, judges=2, reviews=2)
    mine, theirs = Assignment.objects.filter(round=jury.round).order_by("pk")
    review(theirs, 3, comment="Weak market analysis.")
    login(client, mine.user)
    before = client.get(sheet_url(mine))
    assert before.context["peers"] == []
    assert "Weak market analysis." not in before.content.decode()
    response = client.post(
        sheet_url(mine), sheet_post("submit", uniform(8), "strong_yes", "Convincing pilot.")
    )
    assert response.status_code == 302
    sheet = Review.objects.get(assignment=mine)
    assert (sheet.total, sheet.recommendation, sheet.is_submitted) == (8.0, "strong_yes", True)
    after = client.get(sheet_url(mine))
    assert messages_of(after) == ["Your review is submitted. Thank you."]
    text = after.content.decode()
    assert "Judge A" in text
    assert "Weak market analysis." in text
    assert [row["scores"] for row in after.context["peers"]] == [
        [
            ("Technical innovation", 3.0),
            ("Application value", 3.0),
            ("Commercial feasibility", 3.0),
            ("Team", 3.0),
            ("ASEAN adaptability", 3.0),
        ]
    ]


def test_a_closed_round_shows_the_sheet_without_buttons_and_refuses_a_post(client):
    jury = make_jury(entries=1, judges=1, reviews=1)
    services.set_round_status(round_=jury.round, status="closed", actor=jury.organiser)
    assignment = first_assignment_of(jury.judges[0])
    login(client, assignment.user)
    page = client.get(sheet_url(assignment))
    assert page.context["editable"] is False
    assert 'value="submit"' not in page.content.decode()
    response = client.post(sheet_url(assignment), sheet_post("submit", uniform(5)))
    assert response.context["problems"] == ["The round is not open for reviews."]


def test_declaring_a_conflict_takes_the_sheet_away(client):
    jury = make_jury(entries=1, judges=2, reviews=2)
    assignment = first_assignment_of(jury.judges[0])
    login(client, assignment.user)
    response = client.post(
        reverse("judging:declare_conflict", args=[assignment.pk]),
        {"note": "I advised this team last year."},
    )
    assert response.status_code == 302
    assert response.url == reverse("judging:mine")
    conflict = Conflict.objects.get(user=assignment.user)
    assert (conflict.reason, conflict.note) == (
        ConflictReason.DECLARED,
        "I advised this team last year.",
    )
    assert client.get(sheet_url(assignment)).status_code == 404
    assert client.get(reverse("judging:mine")).context["rounds"][0]["rows"] == []


def test_declaring_a_conflict_needs_a_post(client):
    jury = make_jury(entries=1, judges=1, reviews=1)
    assignment = first_assignment_of(jury.judges[0])
    login(client, assignment.user)
    response = client.get(reverse("judging:declare_conflict", args=[assignment.pk]))
    assert response.status_code == 405


# --- The proposal document ---------------------------------------------------------------------


def attach_pdf(entry: JudgedEntry) -> JudgedEntry:
    entry.document.save("proposal.pdf", io.BytesIO(PDF), save=True)
    return entry


def test_document_downloads_for_assigned_judges_team_members_and_organisers(client):
    jury = make_jury(entries=1, judges=3, reviews=2)
    entry = attach_pdf(jury.entries[0])
    url = reverse("judging:document", args=[entry.pk])
    assigned = list(Assignment.objects.filter(entry=entry).values_list("user_id", flat=True))
    judge = next(j for j in jury.judges if j.pk in assigned)
    outsider = next(j for j in jury.judges if j.pk not in assigned)
    for person in (judge, captain_of(jury.teams[0]), jury.organiser):
        login(client, person)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="proposal-{entry.pk}.pdf"'
    for person in (outsider, make_user(), captain_of(make_team(league=jury.teams[0].league))):
        login(client, person)
        assert client.get(url).status_code == 404


def test_document_is_not_served_to_anonymous_visitors(client):
    jury = make_jury(entries=1, judges=1, reviews=1)
    entry = attach_pdf(jury.entries[0])
    response = client.get(reverse("judging:document", args=[entry.pk]))
    assert response.status_code == 302


# --- The team's proposal -----------------------------------------------------------------------


def proposal_setup():
    """A jury stage with an open review round and one team entered in its scenario."""
    jury = make_jury(entries=0, judges=0, assign=False)
    team = make_team(league=jury.stage.scenario.track.league)
    Entry.objects.create(team=team, scenario=jury.stage.scenario, registered_by=captain_of(team))
    return jury, team


def proposal_url(stage) -> str:
    return reverse("judging:proposal", args=[stage.scenario.slug, stage.slug])


def proposal_data(**overrides):
    data = {
        "title": "Cold-chain routing for durian exports",
        "summary": "Predict delays and re-route.",
        "language": "vi",
        "tags": "Logistics, agriculture",
        "slides": "https://slides.example.org/deck",
        "video": "",
        "demo": "",
        "avoid": "",
    }
    return {**data, **overrides}


def test_team_submits_a_proposal_with_its_pdf_and_avoid_list(client):
    jury, team = proposal_setup()
    rival = make_user(email="rival.advisor@example.org")
    login(client, captain_of(team))
    assert client.get(proposal_url(jury.stage)).status_code == 200
    document = SimpleUploadedFile("Team secret name.pdf", PDF, content_type="application/pdf")
    response = client.post(
        proposal_url(jury.stage),
        proposal_data(document=document, avoid="Rival.Advisor@example.org"),
    )
    assert response.status_code == 302
    entry = JudgedEntry.objects.get(round=jury.round, team=team)
    assert (entry.title, entry.language, entry.tags, entry.links) == (
        "Cold-chain routing for durian exports",
        "vi",
        ["agriculture", "logistics"],
        {"slides": "https://slides.example.org/deck"},
    )
    assert list(entry.avoid_judges.all()) == [rival]
    with entry.document.open("rb") as stored:
        assert stored.read() == PDF
    assert "secret" not in entry.document.name
    page = client.get(proposal_url(jury.stage))
    assert messages_of(page) == ["Your proposal is saved."]
    assert page.context["form"].initial["avoid"] == "rival.advisor@example.org"
    assert "Awaiting formal check" in page.content.decode()


def test_proposal_refuses_a_file_that_is_not_a_pdf(client):
    jury, team = proposal_setup()
    login(client, captain_of(team))
    fake = SimpleUploadedFile("proposal.pdf", b"PK\x03\x04 a zip file")
    response = client.post(proposal_url(jury.stage), proposal_data(document=fake))
    assert response.status_code == 200
    assert response.context["form"].errors["document"] == [
        "This file is not a PDF. Export your proposal as PDF and upload that."
    ]
    assert not JudgedEntry.objects.exists()


def test_proposal_refuses_a_pdf_over_twenty_megabytes(client):
    jury, team = proposal_setup()
    login(client, captain_of(team))
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (MAX_DOCUMENT_BYTES + 1 - len(PDF)))
    response = client.post(proposal_url(jury.stage), proposal_data(document=big))
    assert response.context["form"].errors["document"] == [
        "The document is 20.0 MB; the limit is 20 MB."
    ]


def test_proposal_reports_unknown_emails_in_the_avoid_list(client):
    jury, team = proposal_setup()
    login(client, captain_of(team))
    response = client.post(proposal_url(jury.stage), proposal_data(avoid="nobody@example.org"))
    assert response.context["form"].errors["avoid"] == [
        "No account has this email address: nobody@example.org."
    ]


def test_returned_proposal_shows_the_organisers_note_and_resubmitting_clears_it(client):
    jury, team = proposal_setup()
    entry = services.submit_proposal(
        round_=jury.round, team=team, actor=captain_of(team), title="First try"
    )
    services.check_entry_formally(
        entry=entry, actor=jury.organiser, passed=False, note="The budget page is missing."
    )
    login(client, captain_of(team))
    text = client.get(proposal_url(jury.stage)).content.decode()
    assert "Returned for correction" in text
    assert "The budget page is missing." in text
    client.post(proposal_url(jury.stage), proposal_data())
    assert JudgedEntry.objects.get(pk=entry.pk).formal_check == FormalCheck.PENDING


def test_proposal_under_review_can_no_longer_change(client):
    jury = make_jury(entries=1, judges=1, reviews=1)
    review(first_assignment_of(jury.judges[0]), 6)
    team = jury.teams[0]
    Entry.objects.create(team=team, scenario=jury.stage.scenario, registered_by=captain_of(team))
    login(client, captain_of(team))
    response = client.post(proposal_url(jury.stage), proposal_data())
    assert response.context["form"].non_field_errors() == [
        "Judges have started reviewing this proposal; it can no longer change. Ask the "
        "organisers if something is wrong."
    ]


def test_proposal_page_is_for_entered_teams_of_jury_stages_only(client):
    jury, team = proposal_setup()
    login(client, make_user())
    assert client.get(proposal_url(jury.stage)).status_code == 403
    automatic = make_stage(scenario=jury.stage.scenario, evaluation_mode=EvaluationMode.AUTOMATIC)
    login(client, captain_of(team))
    assert client.get(proposal_url(automatic)).status_code == 404
    combined = make_stage(scenario=jury.stage.scenario, evaluation_mode=EvaluationMode.COMBINED)
    assert client.get(proposal_url(combined)).status_code == 404  # no review round yet


# --- The organiser's round page ----------------------------------------------------------------


def round_url(jury, name: str = "judging:round") -> str:
    return reverse(name, args=[jury.round.pk])


def test_round_page_is_for_the_leagues_organisers_only(client):
    jury = make_jury(entries=2, judges=2, reviews=1)
    login(client, jury.organiser)
    response = client.get(round_url(jury))
    assert response.status_code == 200
    assert response.context["progress"] == {
        "entries": 2,
        "passed": 2,
        "jurors": 2,
        "assignments": 2,
        "submitted": 0,
        "conflicts": 0,
        "flagged": 0,
    }
    other_league = make_user(role=Role.ORGANISER, league=make_stage().scenario.track.league)
    for person in (jury.judges[0], captain_of(jury.teams[0]), other_league):
        login(client, person)
        assert client.get(round_url(jury)).status_code == 403
        assert client.post(round_url(jury, "judging:assign")).status_code == 403
        assert client.get(round_url(jury, "judging:results_csv")).status_code == 403
    assert client.get(reverse("judging:round", args=[99999])).status_code == 404


def test_organiser_runs_the_assignment_and_sees_the_report(client):
    jury = make_jury(entries=3, judges=3, reviews=2, assign=False)
    login(client, jury.organiser)
    response = client.post(round_url(jury, "judging:assign"), follow=True)
    assert messages_of(response) == [
        "Assignment done: 6 created, 0 kept, 0 removed; total affinity 0.00; "
        "the judges and entries form 1 connected group."
    ]
    assert Assignment.objects.filter(round=jury.round).count() == 6


def test_infeasible_assignment_is_explained_on_the_round_page(client):
    jury = make_jury(entries=3, judges=2, reviews=2, max_load=2, assign=False)
    login(client, jury.organiser)
    response = client.post(round_url(jury, "judging:assign"), follow=True)
    assert messages_of(response) == [
        "The judges' maximum loads add up to fewer reviews than the entries need. Add judges "
        "or raise the maximum load. Needed: 6 reviews; capacity: 4."
    ]


def test_organiser_passes_and_returns_proposals(client):
    jury = make_jury(entries=0, judges=0, assign=False)
    first, second = (
        services.submit_proposal(
            round_=jury.round, team=team, actor=captain_of(team), title=f"Idea {i}"
        )
        for i, team in enumerate(make_team(league=jury.stage.scenario.track.league) for _ in "ab")
    )
    login(client, jury.organiser)
    url = lambda entry: reverse("judging:formal_check", args=[entry.pk])  # noqa: E731
    passed = client.post(url(first), {"passed": "on"}, follow=True)
    assert messages_of(passed) == ["“Idea 0” passed the formal check."]
    refused = client.post(url(second), {"passed": "", "note": "  "}, follow=True)
    assert messages_of(refused) == ["Say what the team must correct."]
    client.post(url(second), {"passed": "", "note": "Add the budget page."})
    states = dict(JudgedEntry.objects.values_list("title", "formal_check"))
    assert states == {"Idea 0": FormalCheck.PASSED, "Idea 1": FormalCheck.RETURNED}
    assert JudgedEntry.objects.get(pk=second.pk).formal_check_note == "Add the budget page."
    login(client, captain_of(first.team))
    assert client.post(url(second), {"passed": "on"}).status_code == 403


def test_organiser_opens_and_closes_the_round(client):
    jury = make_jury(entries=1, judges=1, reviews=1, status=RoundStatus.DRAFT, assign=False)
    login(client, jury.organiser)
    opened = client.post(round_url(jury, "judging:round_status"), {"status": "open"}, follow=True)
    assert messages_of(opened) == ["The round is now: Open for reviews."]
    jury.round.refresh_from_db()
    assert jury.round.status == RoundStatus.OPEN
    status_url = round_url(jury, "judging:round_status")
    response = client.post(status_url, {"status": "closed"}, follow=True)
    assert messages_of(response) == ["The round is now: Closed."]
    bad = client.post(round_url(jury, "judging:round_status"), {"status": "paused"}, follow=True)
    assert messages_of(bad) == ["Unknown round status."]


def scored_jury():
    """Two entries: one the judges agree on (9, 8), one they do not (2, 9)."""
    jury = make_jury(entries=2, judges=3, reviews=2, max_load=2)
    for entry, values in zip(jury.entries, ((9, 8), (2, 9)), strict=True):
        for assignment, value in zip(
            Assignment.objects.filter(entry=entry).order_by("pk"), values, strict=True
        ):
            review(assignment, value)
    return jury


def test_organiser_computes_results_and_sees_raw_and_calibrated_side_by_side(client):
    jury = scored_jury()
    login(client, jury.organiser)
    response = client.post(round_url(jury, "judging:compute_results"), follow=True)
    assert messages_of(response) == ["The results are computed."]
    rows = [
        (r.rank, r.entry.title, r.raw_mean, r.n_reviews, r.spread, r.flagged)
        for r in response.context["results"]
    ]
    assert rows == [(1, "Proposal 1", 8.5, 2, 1.0, False), (2, "Proposal 2", 5.5, 2, 7.0, True)]
    text = response.content.decode()
    assert "judges disagree" in text
    assert "Request extra reviews for flagged entries" in text
    stderr = response.context["results"][0].stderr
    assert f"8.50 ± {stderr:.2f}" in text


def test_results_export_as_csv(client):
    jury = scored_jury()
    login(client, jury.organiser)
    client.post(round_url(jury, "judging:compute_results"))
    response = client.get(round_url(jury, "judging:results_csv"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="jury-results-{jury.round.pk}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "rank",
        "entry_id",
        "title",
        "team",
        "country",
        "method",
        "n_reviews",
        "raw_mean",
        "score",
        "stderr",
        "spread",
        "flagged",
    ]
    assert [(r[0], r[2], r[3], r[5], r[6], r[7], r[10], r[11]) for r in rows[1:]] == [
        ("1", "Proposal 1", jury.teams[0].name, "mean", "2", "8.5", "1.0", "0"),
        ("2", "Proposal 2", jury.teams[1].name, "mean", "2", "5.5", "7.0", "1"),
    ]


def test_organiser_requests_extra_reviews_for_flagged_entries(client):
    jury = scored_jury()
    login(client, jury.organiser)
    compute_round_results(round_=jury.round, actor=jury.organiser)
    response = client.post(round_url(jury, "judging:extra_reviews"), follow=True)
    assert messages_of(response) == [
        "1 extra review assigned; flagged entries without a free judge: 0."
    ]
    assert Assignment.objects.filter(entry=jury.entries[1]).count() == 3


# --- Chinese ----------------------------------------------------------------------------------


def test_pages_render_in_chinese(client):
    jury = make_jury(entries=1, judges=1, reviews=1)
    entry = attach_pdf(jury.entries[0])
    assignment = first_assignment_of(jury.judges[0])
    zh = {"accept-language": "zh-hans"}
    login(client, assignment.user)
    for url in (reverse("judging:mine"), reverse("judging:profile"), sheet_url(assignment)):
        response = client.get(url, headers=zh)
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in response.content.decode()
    sheet = client.get(sheet_url(assignment), headers=zh).content.decode()
    assert "技术创新性" in sheet
    assert "8 — 较强" in sheet
    assert "方案评审" in client.get(reverse("judging:mine"), headers=zh).content.decode()
    login(client, jury.organiser)
    client.post(round_url(jury, "judging:compute_results"))
    page = client.get(round_url(jury), headers=zh)
    assert page.status_code == 200
    assert "方案评审" in page.content.decode()
    Entry.objects.create(
        team=entry.team, scenario=jury.stage.scenario, registered_by=captain_of(entry.team)
    )
    login(client, captain_of(entry.team))
    proposal = client.get(proposal_url(jury.stage), headers=zh)
    assert proposal.status_code == 200
    assert '<html lang="zh-hans">' in proposal.content.decode()


# --- The back office ---------------------------------------------------------------------------


def admin_login(client, jury):
    jury.organiser.is_staff = True
    jury.organiser.save()
    return login(client, jury.organiser)


def test_back_office_lists_every_jury_model(client):
    jury = make_jury(entries=1, judges=1, reviews=1)
    review(first_assignment_of(jury.judges[0]), 5)
    admin_login(client, jury)
    for model in (
        "judgeprofile",
        "judginground",
        "judgedentry",
        "conflict",
        "pairrule",
        "assignment",
        "review",
        "entryresult",
        "comparison",
        "pairwisevisit",
        "pitchsession",
    ):
        assert client.get(f"/admin/judging/{model}/").status_code == 200, model
    assert client.get(f"/admin/judging/judginground/{jury.round.pk}/change/").status_code == 200
    assert client.get(f"/admin/judging/judgedentry/{jury.entries[0].pk}/change/").status_code == 200
    assert client.get("/admin/judging/pairrule/add/").status_code == 200


def test_back_office_pins_through_the_service_and_reports_its_refusal(client):
    from aileague.common.models import AuditEntry
    from aileague.judging.models import PairRule

    jury = make_jury(entries=1, judges=2, reviews=1, assign=False)
    entry, free, conflicted = jury.entries[0], jury.judges[0], jury.judges[1]
    services.declare_conflict(entry=entry, judge=conflicted, actor=conflicted)
    admin_login(client, jury)
    client.post("/admin/judging/pairrule/add/", {"entry": entry.pk, "user": free.pk, "kind": "pin"})
    assert list(PairRule.objects.values_list("user_id", "kind", "created_by_id")) == [
        (free.pk, "pin", jury.organiser.pk)
    ]
    assert AuditEntry.objects.filter(action="jury.pair.pin").count() == 1
    refused = client.post(
        "/admin/judging/pairrule/add/",
        {"entry": entry.pk, "user": conflicted.pk, "kind": "pin"},
        follow=True,
    )
    assert f"{conflicted} has a conflict with “Proposal 1” and cannot be pinned to it." in (
        refused.content.decode()
    )
    assert PairRule.objects.count() == 1


def test_back_office_creates_a_round_with_the_default_rubric_and_seats_jurors(client):
    from aileague.common.models import AuditEntry
    from aileague.judging.models import JudgingRound, Juror

    jury = make_jury(entries=1, judges=0, assign=False)
    judge = make_user()
    admin_login(client, jury)
    response = client.post(
        "/admin/judging/judginground/add/",
        {
            "stage": jury.stage.pk,
            "slug": "second-look",
            "name": '{"en": "Second look"}',
            "kind": "review",
            "reviews_per_entry": 2,
            "min_load": 0,
            "max_load": 5,
            "aggregation": "judge_offset",
            "trim": 0.2,
            "disagreement_threshold": 2.5,
            "pairwise_min_coverage": 3,
            "criteria-TOTAL_FORMS": 0,
            "criteria-INITIAL_FORMS": 0,
            "jurors-TOTAL_FORMS": 1,
            "jurors-INITIAL_FORMS": 0,
            "jurors-0-user": judge.pk,
            "jurors-0-role": "reviewer",
        },
    )
    assert response.status_code == 302
    round_ = JudgingRound.objects.get(slug="second-look")
    assert (round_.reviews_per_entry, round_.max_load, round_.disagreement_threshold) == (
        2,
        5,
        2.5,
    )
    assert list(round_.criteria.values_list("key", flat=True)) == [
        "innovation",
        "application",
        "commercial",
        "team",
        "asean",
    ]
    assert list(Juror.objects.filter(round=round_).values_list("user_id", "role")) == [
        (judge.pk, "reviewer")
    ]
    assert AuditEntry.objects.filter(action="jury.round.create").count() == 2
    assert AuditEntry.objects.filter(action="jury.juror.add", object_id__isnull=False).count() == 1


def test_organiser_schedules_a_pitch_session_from_the_round_page(client):
    from aileague.judging.models import PitchSession, RoundKind

    jury = make_jury(assign=False)
    pitch = services.create_round(
        stage=jury.stage,
        slug="final-pitch",
        name={"en": "Final pitch"},
        actor=jury.organiser,
        kind=RoundKind.PITCH,
    )
    client.force_login(jury.organiser)
    page = client.get(reverse("judging:round", args=[pitch.pk]))
    assert page.status_code == 200
    assert "Schedule a session" in page.content.decode()

    answer = client.post(
        reverse("judging:new_pitch_session", args=[pitch.pk]),
        {
            "track": jury.stage.scenario.track.pk,
            "name": "Logistics finals",
            "starts_at": "2026-12-01T19:00",
            "pitch_minutes": 8,
            "qa_minutes": 7,
            "room": "Hall B",
        },
    )
    session = PitchSession.objects.get(round=pitch)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("pitch:session", args=[session.pk])
    assert (session.name, session.pitch_minutes, session.qa_minutes, session.room) == (
        {"en": "Logistics finals"},
        8,
        7,
        "Hall B",
    )


def test_only_organisers_schedule_pitch_sessions(client):
    from aileague.judging.models import PitchSession, RoundKind

    jury = make_jury(assign=False)
    pitch = services.create_round(
        stage=jury.stage, slug="p", name={"en": "P"}, actor=jury.organiser, kind=RoundKind.PITCH
    )
    client.force_login(make_user())
    answer = client.post(
        reverse("judging:new_pitch_session", args=[pitch.pk]),
        {"track": jury.stage.scenario.track.pk, "name": "x", "starts_at": "2026-12-01T19:00",
         "pitch_minutes": 8, "qa_minutes": 7},
    )  # fmt: skip
    assert answer.status_code == 403
    assert PitchSession.objects.count() == 0
