"""Public notice, objections, finalisation and certificates, end to end through the services."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from pypdf import PdfReader

from aileague.common.errors import AileagueError
from aileague.common.models import AuditEntry
from aileague.results import queries
from aileague.results.certificates import certificate_pdf
from aileague.results.models import Certificate, NoticeStatus, ObjectionStatus, StageResult
from aileague.results.services import (
    compute_stage_results,
    decide_objection,
    file_objection,
    finalise_results,
    issue_certificates,
    publish_provisional_results,
    republish_results,
    start_investigation,
)
from tests.factories import captain_of, make_user

pytestmark = pytest.mark.django_db


def citizen(name="Nguyen Van An"):
    user = make_user()
    user.real_name = name
    user.save(update_fields=["real_name"])
    return user


def code_of(call) -> str:
    with pytest.raises(AileagueError) as excinfo:
        call()
    return excinfo.value.code


@pytest.fixture
def published(scored):
    now = timezone.now()
    compute_stage_results(stage=scored.stage, actor=scored.organiser, now=now)
    scored.notice = publish_provisional_results(
        stage=scored.stage, actor=scored.organiser, notice_days=5, now=now
    )
    scored.now = now
    return scored


def test_publication_freezes_the_list_and_sets_the_end(published):
    notice = published.notice
    assert notice.ends_at == published.now + timedelta(days=5)
    assert [(line["team"], line["rank"], line["advanced"]) for line in notice.snapshot] == [
        ("Beta", 1, True),
        ("深圳智驾队", 2, False),
        ("Gamma", 3, True),
    ]
    # A later recomputation does not change what is on notice.
    StageResult.objects.filter(stage=published.stage).update(final_score=0)
    notice.refresh_from_db()
    assert notice.snapshot[0]["final_score"] == 75.0


def test_publishing_twice_is_refused(published):
    assert (
        code_of(
            lambda: publish_provisional_results(stage=published.stage, actor=published.organiser)
        )
        == "already_published"
    )


def test_objection_needs_a_real_name(published):
    nameless = make_user()
    call = lambda: file_objection(notice=published.notice, actor=nameless, text="Wrong")  # noqa: E731
    assert code_of(call) == "real_name_required"


def test_objection_after_the_notice_is_refused(published):
    late = published.notice.ends_at + timedelta(seconds=1)
    call = lambda: file_objection(  # noqa: E731
        notice=published.notice, actor=citizen(), text="Too late?", now=late
    )
    assert code_of(call) == "notice_closed"


def test_objection_needs_text(published):
    call = lambda: file_objection(notice=published.notice, actor=citizen(), text="  ")  # noqa: E731
    assert code_of(call) == "text_required"


def test_objection_keeps_the_real_name_and_evidence(published):
    evidence = SimpleUploadedFile("proof.txt", b"log lines")
    objection = file_objection(
        notice=published.notice,
        actor=citizen("Siti Rahma"),
        text="Beta used test labels.",
        team=published.teams["beta"],
        evidence=evidence,
        evidence_link="https://example.org/proof",
    )
    assert (objection.filer_real_name, objection.status, objection.team) == (
        "Siti Rahma",
        ObjectionStatus.FILED,
        published.teams["beta"],
    )
    with objection.evidence.open("rb") as stored:
        assert stored.read() == b"log lines"


def test_full_flow_with_an_upheld_objection_and_a_correction(published):
    stage, organiser = published.stage, published.organiser
    objection = file_objection(notice=published.notice, actor=citizen(), text="Gamma's jury score")
    assert code_of(lambda: finalise_results(stage=stage, actor=organiser)) == "notice_running"
    after_end = published.notice.ends_at + timedelta(hours=1)
    assert (
        code_of(lambda: finalise_results(stage=stage, actor=organiser, now=after_end))
        == "objections_open"
    )
    start_investigation(objection=objection, actor=organiser)
    assert (
        code_of(
            lambda: decide_objection(objection=objection, actor=organiser, upheld=True, decision="")
        )
        == "decision_required"
    )
    decided = decide_objection(
        objection=objection, actor=organiser, upheld=True, decision="A judge's sheet was lost."
    )
    assert decided.status == ObjectionStatus.UPHELD
    # The correction: more teams advance, then the corrected list goes on notice again.
    published.policy(top_k_per_track=2, min_asean=1)
    compute_stage_results(stage=stage, actor=organiser)
    assert (
        code_of(lambda: finalise_results(stage=stage, actor=organiser, now=after_end))
        == "results_changed"
    )
    notice = republish_results(stage=stage, actor=organiser, now=after_end)
    assert notice.ends_at == after_end + timedelta(days=7)
    final = finalise_results(stage=stage, actor=organiser, now=notice.ends_at)
    assert final.status == NoticeStatus.FINAL
    assert [line["advanced"] for line in final.snapshot] == [True, True, True]
    assert code_of(lambda: compute_stage_results(stage=stage, actor=organiser)) == "results_final"
    assert list(
        AuditEntry.objects.filter(action__startswith="results.")
        .order_by("at", "id")
        .values_list("action", flat=True)
    ) == [
        "results.compute",
        "results.publish",
        "results.file_objection",
        "results.investigate_objection",
        "results.decide_objection",
        "results.compute",
        "results.republish",
        "results.finalise",
    ]


def test_only_organisers_decide(published):
    objection = file_objection(notice=published.notice, actor=citizen(), text="x")
    call = lambda: decide_objection(  # noqa: E731
        objection=objection, actor=citizen("Other"), upheld=False, decision="No"
    )
    assert code_of(call) == "not_organiser"


def finalised(published):
    return finalise_results(
        stage=published.stage, actor=published.organiser, now=published.notice.ends_at
    )


def test_certificates_only_after_final(published):
    call = lambda: issue_certificates(stage=published.stage, actor=published.organiser)  # noqa: E731
    assert code_of(call) == "results_not_final"
    finalised(published)
    certificates = issue_certificates(stage=published.stage, actor=published.organiser)
    assert len(certificates) == 3
    assert len({c.serial for c in certificates}) == 3
    assert all(len(c.serial) == 24 for c in certificates)
    # Issuing again issues nothing new.
    assert issue_certificates(stage=published.stage, actor=published.organiser) == []
    assert AuditEntry.objects.filter(action="results.issue_certificates").count() == 2


def pdf_text(certificate) -> str:
    return PdfReader(io.BytesIO(certificate_pdf(certificate))).pages[0].extract_text()


def test_certificate_pdf_names_the_team_rank_and_verification_link(published):
    finalised(published)
    issue_certificates(stage=published.stage, actor=published.organiser)
    certificate = Certificate.objects.get(team=published.teams["beta"])
    text = pdf_text(certificate)
    assert "Beta" in text
    assert "Rank 1 in the track" in text
    assert "Advanced to the next stage" in text
    assert f"/results/certificates/{certificate.serial}/" in text


def test_certificate_pdf_renders_a_chinese_team_name(published):
    finalised(published)
    issue_certificates(stage=published.stage, actor=published.organiser)
    certificate = Certificate.objects.get(team=published.teams["alpha"])
    with translation.override("zh-hans"):
        text = pdf_text(certificate)
    assert "深圳智驾队" in text


def test_visibility_before_and_after_publication(scored):
    stage = scored.stage
    compute_stage_results(stage=stage, actor=scored.organiser)
    stranger = make_user()
    gamma_captain = captain_of(scored.teams["gamma"])
    assert queries.stage_results(stage=stage, user=stranger).lines == []
    organiser_view = queries.stage_results(stage=stage, user=scored.organiser)
    assert len(organiser_view.lines) == 3
    mine = queries.stage_results(stage=stage, user=gamma_captain)
    assert mine.lines == []
    assert [(s.team, s.advanced, s.line) for s in mine.mine] == [("Gamma", True, None)]
    publish_provisional_results(stage=stage, actor=scored.organiser)
    public = queries.stage_results(stage=stage, user=stranger)
    assert [(line["team"], line["final_score"]) for line in public.lines] == [
        ("Beta", 75.0),
        ("深圳智驾队", 50.0),
        ("Gamma", 25.0),
    ]
    after = queries.team_statuses(stage=stage, user=gamma_captain)
    assert [(s.line["rank"], s.line["final_score"]) for s in after] == [(3, 25.0)]
