"""The results pages and their POST flows, with the Django test client."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from aileague.results.models import Certificate, NoticeStatus, Objection, ResultNotice
from aileague.results.services import (
    compute_stage_results,
    finalise_results,
    issue_certificates,
    publish_provisional_results,
)
from tests.factories import captain_of, make_user

pytestmark = pytest.mark.django_db


def stage_url(league, name="stage"):
    return reverse(f"results:{name}", args=[league.stage.scenario.slug, league.stage.slug])


def test_nobody_but_organisers_sees_unpublished_results(client, scored):
    compute_stage_results(stage=scored.stage, actor=scored.organiser)
    response = client.get(stage_url(scored))
    assert response.status_code == 200
    assert "Beta" not in response.content.decode()
    client.force_login(scored.organiser)
    assert "Beta" in client.get(stage_url(scored)).content.decode()


def test_team_sees_its_status_before_publication(client, scored):
    compute_stage_results(stage=scored.stage, actor=scored.organiser)
    client.force_login(captain_of(scored.teams["gamma"]))
    page = client.get(stage_url(scored)).content.decode()
    assert "advances to the next stage." in page
    assert "Beta" not in page
    mine = client.get(reverse("results:mine"))
    assert mine.status_code == 200
    assert "Gamma" in mine.content.decode()


def test_organiser_runs_the_stage_from_the_page(client, scored):
    client.force_login(scored.organiser)
    response = client.post(stage_url(scored, "compute"))
    assert response.status_code == 302
    client.post(stage_url(scored, "publish"))
    assert ResultNotice.objects.get(stage=scored.stage).status == NoticeStatus.PROVISIONAL
    response = client.post(stage_url(scored, "finalise"), follow=True)
    assert "The public notice runs until" in response.content.decode()
    public = client.get(stage_url(scored)).content.decode()
    assert "Republish corrected results" in public


def test_objection_form_flow(client, scored):
    compute_stage_results(stage=scored.stage, actor=scored.organiser)
    publish_provisional_results(stage=scored.stage, actor=scored.organiser)
    nameless = make_user()
    client.force_login(nameless)
    page = client.get(stage_url(scored)).content.decode()
    assert "add it on your profile page first" in page
    response = client.post(stage_url(scored, "file_objection"), {"text": "x"}, follow=True)
    assert "add it on your profile page first" in response.content.decode()
    assert Objection.objects.count() == 0
    person = make_user()
    person.real_name = "Lim Wei"
    person.save(update_fields=["real_name"])
    client.force_login(person)
    response = client.post(
        stage_url(scored, "file_objection"),
        {"text": "The jury missed our demo.", "team": scored.teams["gamma"].pk},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.filer_real_name, objection.team) == ("Lim Wei", scored.teams["gamma"])
    client.force_login(scored.organiser)
    assert "The jury missed our demo." in client.get(stage_url(scored)).content.decode()
    client.post(reverse("results:investigate", args=[objection.pk]))
    client.post(
        reverse("results:decide", args=[objection.pk]),
        {"outcome": "dismissed", "decision": "The demo link was broken at the deadline."},
    )
    objection.refresh_from_db()
    assert objection.status == "dismissed"
    client.logout()
    public = client.get(stage_url(scored)).content.decode()
    assert "The demo link was broken at the deadline." in public


def final_with_certificates(scored):
    compute_stage_results(stage=scored.stage, actor=scored.organiser)
    notice = publish_provisional_results(stage=scored.stage, actor=scored.organiser)
    finalise_results(stage=scored.stage, actor=scored.organiser, now=notice.ends_at)
    issue_certificates(stage=scored.stage, actor=scored.organiser)
    return Certificate.objects.get(team=scored.teams["alpha"])


def test_certificate_download_and_public_verification(client, scored):
    certificate = final_with_certificates(scored)
    verify = client.get(reverse("results:verify", args=[certificate.serial]))
    assert verify.status_code == 200
    assert "深圳智驾队" in verify.content.decode()
    pdf_url = reverse("results:certificate_pdf", args=[certificate.serial])
    client.force_login(make_user())
    assert client.get(pdf_url).status_code == 404
    client.force_login(captain_of(scored.teams["alpha"]))
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "深圳智驾队" in text


def test_issue_button_on_the_page(client, scored):
    compute_stage_results(stage=scored.stage, actor=scored.organiser)
    notice = publish_provisional_results(
        stage=scored.stage, actor=scored.organiser, now=timezone.now() - timezone.timedelta(days=8)
    )
    client.force_login(scored.organiser)
    client.post(stage_url(scored, "finalise"))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FINAL
    client.post(stage_url(scored, "issue_certificates"))
    assert Certificate.objects.filter(stage=scored.stage).count() == 3
    assert client.get(reverse("results:verify", args=["NOSUCHSERIAL"])).status_code == 404
