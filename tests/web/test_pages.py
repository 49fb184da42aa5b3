"""The web pages, through Django's test client: who sees what, and what the forms say."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zoneinfo
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from aileague.accounts.models import ApiToken, Role, User
from aileague.competitions.models import DataFile, Question, ScenarioStatus, Stage
from aileague.submissions import worker as submission_worker
from aileague.submissions.models import Submission, SubmissionState
from aileague.teams.models import Entry, MemberRole, Membership, Team
from tests.factories import (
    GOOD_PREDICTIONS,
    PASSWORD,
    WEAK_PREDICTIONS,
    captain_of,
    make_entry,
    make_scenario,
    make_stage,
    make_team,
    make_user,
    submit,
    submit_and_score,
)

pytestmark = pytest.mark.django_db

BAD_PREDICTIONS = "id;prediction\n001;0.9\n"


def login(client, user):
    client.force_login(user, backend="aileague.accounts.backends.EmailBackend")
    return user


def upload_url(stage: Stage) -> str:
    return reverse("submissions:upload", args=[stage.scenario.slug, stage.slug])


def leaderboard_url(stage: Stage, split: str = "public", csv_export: bool = False) -> str:
    name = "submissions:leaderboard_csv" if csv_export else "submissions:leaderboard"
    return reverse(name, args=[stage.scenario.slug, stage.slug]) + f"?split={split}"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def add_data_file(scenario, name="train.csv", content=b"id,x\n1,2\n") -> DataFile:
    data = DataFile(
        scenario=scenario, name=name, size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )
    data.file.save(name, ContentFile(content), save=False)
    data.save()
    return data


def close(stage: Stage) -> None:
    Stage.objects.filter(pk=stage.pk).update(closes_at=timezone.now() - timedelta(minutes=1))


def test_project_static_files_are_found():
    """The CSS and JS live in src/aileague/static, which settings.STATICFILES_DIRS must list."""
    from django.contrib.staticfiles import finders

    for name in ("aileague/app.css", "aileague/app.js", "aileague/submissions.js"):
        assert finders.find(name) is not None, name


# --- Home and scenario pages ------------------------------------------------------------------


def test_home_lists_published_scenarios_and_hides_drafts(client):
    stage = make_stage()
    draft = make_scenario(track=stage.scenario.track, status=ScenarioStatus.DRAFT)
    response = client.get(reverse("competitions:home"))
    assert response.status_code == 200
    text = response.content.decode()
    assert stage.scenario.title["en"] in text
    assert draft.title["en"] not in text
    assert "Asia/Shanghai" in text  # deadlines name the viewer's zone


def test_home_shows_deadline_in_the_viewers_time_zone(client):
    stage = make_stage()
    user = make_user()
    User.objects.filter(pk=user.pk).update(timezone="Asia/Bangkok")
    login(client, user)
    text = client.get(reverse("competitions:home")).content.decode()
    local = timezone.localtime(stage.closes_at, zoneinfo.ZoneInfo("Asia/Bangkok"))
    assert f'{local:%Y-%m-%d %H:%M} <span class="tz">Asia/Bangkok</span>' in text


def test_home_in_chinese_from_accept_language(client):
    stage = make_stage()
    response = client.get(reverse("competitions:home"), headers={"accept-language": "zh-hans"})
    text = response.content.decode()
    assert stage.scenario.title["zh-hans"] in text
    assert '<a href="/accounts/signup/">注册</a>' in text
    assert "评估指标" in text  # "Metric"


def test_home_in_chinese_from_the_language_cookie(client, settings):
    make_stage()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    text = client.get(reverse("competitions:home")).content.decode()
    assert '<html lang="zh-hans">' in text
    assert "时间均按 Asia/Shanghai 显示。" in text


def test_language_switcher_posts_to_set_language(client, settings):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_scenario_page_renders_markdown_safely_and_lists_data_files(client):
    scenario = make_scenario(
        problem_statement={"en": "Predict **churn**.\n\n<script>alert(1)</script>"}
    )
    make_stage(scenario=scenario)
    data = add_data_file(scenario)
    response = client.get(reverse("competitions:scenario", args=[scenario.slug]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "<strong>churn</strong>" in text
    assert "<script>alert" not in text
    assert reverse("competitions:data_file", args=[scenario.slug, data.name]) in text
    assert scenario.reference_file.name not in text
    assert "references/" not in text


def test_draft_scenario_is_404_for_participants_and_visible_to_its_owner(client):
    scenario = make_scenario(status=ScenarioStatus.DRAFT)
    url = reverse("competitions:scenario", args=[scenario.slug])
    assert client.get(url).status_code == 404
    login(client, make_user())
    assert client.get(url).status_code == 404
    login(client, make_user(role=Role.SCENARIO_OWNER, scenario=scenario))
    assert client.get(url).status_code == 200


def test_unknown_scenario_is_404(client):
    assert client.get(reverse("competitions:scenario", args=["nope"])).status_code == 404


def test_data_file_downloads_only_from_a_visible_scenario(client):
    scenario = make_scenario()
    data = add_data_file(scenario, content=b"id,x\n1,2\n")
    response = client.get(reverse("competitions:data_file", args=[scenario.slug, data.name]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"id,x\n1,2\n"
    draft = make_scenario(status=ScenarioStatus.DRAFT)
    hidden = add_data_file(draft, name="draft-only.csv")
    assert (
        client.get(reverse("competitions:data_file", args=[draft.slug, hidden.name])).status_code
        == 404
    )
    # A data file of another scenario does not leak through this one's URL.
    assert (
        client.get(reverse("competitions:data_file", args=[scenario.slug, hidden.name])).status_code
        == 404
    )


def test_participant_never_gets_the_reference_file(client):
    entry, stage = make_entry()
    login(client, captain_of(entry.team))
    reference = stage.scenario.reference_file.name
    for url in (
        f"/{reference}",
        f"/files/{reference}",
        f"/media/{reference}",
        f"/static/{reference}",
    ):
        assert client.get(url).status_code == 404, url
    page = client.get(reverse("competitions:scenario", args=[stage.scenario.slug]))
    assert reference.encode() not in page.content


# --- Questions and answers --------------------------------------------------------------------


def test_asking_needs_a_login(client):
    scenario = make_scenario()
    response = client.post(
        reverse("competitions:ask_question", args=[scenario.slug]), {"text": "?"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_question_is_posted_and_answered_by_the_owner(client):
    scenario = make_scenario()
    asker = login(client, make_user())
    response = client.post(
        reverse("competitions:ask_question", args=[scenario.slug]),
        {"text": "Is the test set balanced?"},
        follow=True,
    )
    assert "Your question is posted; the answer will appear here." in messages_of(response)
    question = Question.objects.get(scenario=scenario)
    assert (question.asked_by, question.text) == (asker, "Is the test set balanced?")
    answer_url = reverse("competitions:answer_question", args=[scenario.slug, question.pk])
    response = client.post(answer_url, {"answer": "Yes."}, follow=True)
    assert messages_of(response) == ["Only the scenario's owner or track manager can answer."]
    login(client, make_user(role=Role.SCENARIO_OWNER, scenario=scenario))
    response = client.post(answer_url, {"answer": "Yes, half and half."}, follow=True)
    assert messages_of(response) == ["The answer is published."]
    assert "Yes, half and half." in response.content.decode()


# --- Accounts ---------------------------------------------------------------------------------


def sign_up_data(**overrides):
    data = {
        "email": "new@example.org",
        "password": "a-long-passphrase-77",
        "password_again": "a-long-passphrase-77",
        "real_name": "Nguyen Van A",
        "display_name": "Van A",
        "country": "VN",
        "language": "en",
        "timezone": "Asia/Ho_Chi_Minh",
    }
    return {**data, **overrides}


def test_sign_up_sends_a_link_that_verifies_the_email(client):
    response = client.post(reverse("accounts:signup"), sign_up_data())
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/verify/\S+/", mail.outbox[0].body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]
    response = client.get(path)
    assert response.status_code == 200
    assert "Your email address is confirmed" in response.content.decode()
    assert User.objects.get(email="new@example.org").email_verified


def test_sign_up_shows_the_services_error_for_a_taken_email(client):
    make_user(email="taken@example.org")
    response = client.post(reverse("accounts:signup"), sign_up_data(email="taken@example.org"))
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account with this email address already exists."
    ]


def test_sign_up_rejects_a_weak_password_with_the_services_message(client):
    response = client.post(
        reverse("accounts:signup"), sign_up_data(password="123", password_again="123")
    )
    assert response.status_code == 200
    assert "This password is too short." in response.context["form"].errors["password"][0]


def test_sign_up_error_in_chinese(client):
    make_user(email="taken@example.org")
    response = client.post(
        reverse("accounts:signup"),
        sign_up_data(email="taken@example.org"),
        headers={"accept-language": "zh-hans"},
    )
    assert response.context["form"].errors["email"] == ["该邮箱地址已被注册。"]


def test_bad_verification_link_says_so(client):
    response = client.get(reverse("accounts:verify", args=["not-a-token"]))
    assert response.status_code == 400
    assert "This verification link is not valid." in response.content.decode()


def test_resend_verification_sends_a_new_link(client):
    user = login(client, make_user(verified=False))
    response = client.post(reverse("accounts:resend_verification"), follow=True)
    assert messages_of(response) == [f"We sent a new confirmation link to {user.email}."]
    assert len(mail.outbox) == 1
    assert "Send the link again" in response.content.decode()  # the banner's button


def test_login_by_email_and_logout(client):
    user = make_user(email="Captain@Example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "captain@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).context["user"] == user
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_wrong_password_shows_an_error(client):
    make_user(email="a@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "a@example.org", "password": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct email address and password. Note that both fields may be "
        "case-sensitive."
    ]


def test_profile_needs_a_login_and_saves_through_the_service(client, settings):
    assert client.get(reverse("accounts:profile")).status_code == 302
    user = login(client, make_user())
    response = client.post(
        reverse("accounts:profile"),
        {
            "real_name": "Li Lei",
            "display_name": "Lei",
            "country": "CN",
            "language": "zh-hans",
            "timezone": "Asia/Shanghai",
        },
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    user.refresh_from_db()
    assert (user.real_name, user.display_name, user.language) == ("Li Lei", "Lei", "zh-hans")


def test_api_token_secret_is_shown_once_and_can_be_revoked(client):
    user = login(client, make_user())
    response = client.post(reverse("accounts:api_tokens"), {"name": "laptop"})
    secret = response.context["secret"]
    assert secret.startswith("ail_")
    assert secret in response.content.decode()
    listing = client.get(reverse("accounts:api_tokens")).content.decode()
    assert secret not in listing
    token = ApiToken.objects.get(user=user)
    assert f"{token.prefix}…" in listing
    response = client.post(reverse("accounts:revoke_api_token", args=[token.pk]), follow=True)
    assert messages_of(response) == [
        "The token is revoked; programs using it can no longer sign in."
    ]
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_cannot_revoke_someone_elses_token(client):
    other = make_user()
    token = ApiToken.objects.create(user=other, name="x", prefix="ail_x", key_hash="0" * 64)
    login(client, make_user())
    response = client.post(reverse("accounts:revoke_api_token", args=[token.pk]), follow=True)
    assert messages_of(response) == ["No such token."]


# --- Teams ------------------------------------------------------------------------------------


def team_data(league, **overrides):
    data = {
        "league": league.pk,
        "name": "Mekong Minds",
        "country": "VN",
        "province": "",
        "organisation_type": "university",
        "organisation_name": "HCMUT",
    }
    return {**data, **overrides}


def test_my_teams_needs_a_login(client):
    response = client.get(reverse("teams:mine"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login") + "?next=" + reverse("teams:mine")


def test_create_team_makes_the_creator_captain(client):
    league = make_stage().scenario.track.league
    user = login(client, make_user())
    response = client.post(reverse("teams:create"), team_data(league, is_joint="on"))
    team = Team.objects.get(name="Mekong Minds")
    assert response.url == reverse("teams:detail", args=[team.pk])
    assert team.is_joint
    assert Membership.objects.get(team=team).user == user
    assert client.get(reverse("teams:mine")).status_code == 200


def test_team_in_china_without_province_gets_the_services_message(client):
    league = make_stage().scenario.track.league
    login(client, make_user())
    response = client.post(reverse("teams:create"), team_data(league, country="CN"))
    assert response.status_code == 200
    assert response.context["form"].errors["province"] == [
        "Teams based in China must give their province (ISO code such as CN-GX)."
    ]


def test_team_in_china_with_province_in_chinese(client):
    league = make_stage().scenario.track.league
    login(client, make_user())
    client.post(reverse("teams:create"), team_data(league, country="CN", province="CN-GX"))
    team = Team.objects.get(name="Mekong Minds")
    text = client.get(
        reverse("teams:detail", args=[team.pk]), headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert "中国, 广西" in text
    assert "队长" in text


def test_unverified_user_cannot_create_a_team(client):
    league = make_stage().scenario.track.league
    login(client, make_user(verified=False))
    response = client.post(reverse("teams:create"), team_data(league))
    assert response.context["form"].errors["__all__"] == [
        "Confirm your email address first: open the link we sent you."
    ]


def test_team_page_is_for_members_only(client):
    entry, _stage = make_entry()
    url = reverse("teams:detail", args=[entry.team.pk])
    assert client.get(url).status_code == 302
    login(client, make_user())
    assert client.get(url).status_code == 404
    login(client, captain_of(entry.team))
    assert client.get(url).status_code == 200


def test_captain_adds_a_member_by_email(client):
    entry, _stage = make_entry()
    newcomer = make_user(email="newcomer@example.org")
    login(client, captain_of(entry.team))
    response = client.post(
        reverse("teams:add_member", args=[entry.team.pk]),
        {"email": "NEWCOMER@example.org", "role": "member"},
        follow=True,
    )
    assert messages_of(response) == [f"{newcomer} joined the team."]
    assert Membership.objects.get(team=entry.team, user=newcomer).role == MemberRole.MEMBER


def test_member_who_is_not_captain_cannot_add(client):
    entry, _stage = make_entry()
    member = make_user()
    Membership.objects.create(team=entry.team, user=member, role=MemberRole.MEMBER)
    make_user(email="x@example.org")
    login(client, member)
    response = client.post(
        reverse("teams:add_member", args=[entry.team.pk]),
        {"email": "x@example.org", "role": "member"},
        follow=True,
    )
    assert messages_of(response) == ["Only the team captain can add members."]


def test_adding_an_unknown_email_says_so(client):
    entry, _stage = make_entry()
    login(client, captain_of(entry.team))
    response = client.post(
        reverse("teams:add_member", args=[entry.team.pk]),
        {"email": "ghost@example.org", "role": "member"},
        follow=True,
    )
    assert messages_of(response) == [
        "No account uses this email address; ask the person to sign up first."
    ]


def test_captain_enters_a_scenario_from_its_page(client):
    stage = make_stage()
    team = make_team(league=stage.scenario.track.league)
    login(client, captain_of(team))
    page = client.get(reverse("competitions:scenario", args=[stage.scenario.slug]))
    assert f"Enter this scenario as {team.name}" in page.content.decode()
    response = client.post(
        reverse("teams:enter", args=[stage.scenario.slug]), {"team": team.pk}, follow=True
    )
    assert messages_of(response) == [f"Team “{team.name}” is entered in this scenario. Good luck!"]
    assert Entry.objects.filter(team=team, scenario=stage.scenario).exists()


def test_plain_member_cannot_enter_the_team(client):
    stage = make_stage()
    team = make_team(league=stage.scenario.track.league)
    member = make_user()
    Membership.objects.create(team=team, user=member, role=MemberRole.MEMBER)
    login(client, member)
    response = client.post(
        reverse("teams:enter", args=[stage.scenario.slug]), {"team": team.pk}, follow=True
    )
    assert messages_of(response) == ["Only the team captain can enter the team."]


def test_cannot_enter_someone_elses_team(client):
    stage = make_stage()
    team = make_team(league=stage.scenario.track.league)
    login(client, make_user())
    response = client.post(reverse("teams:enter", args=[stage.scenario.slug]), {"team": team.pk})
    assert response.status_code == 404


# --- Submissions ------------------------------------------------------------------------------


def post_file(client, stage, text, name="predictions.csv", **kwargs):
    return client.post(
        upload_url(stage),
        {"file": ContentFile(text.encode(), name=name), "description": "first try"},
        **kwargs,
    )


def test_upload_page_access(client):
    entry, stage = make_entry()
    url = upload_url(stage)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    login(client, make_user())
    assert client.get(url).status_code == 403
    assert client.get(reverse("submissions:upload", args=["nope", stage.slug])).status_code == 404
    assert (
        client.get(reverse("submissions:upload", args=[stage.scenario.slug, "nope"])).status_code
        == 404
    )
    login(client, captain_of(entry.team))
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Left today" in text
    assert (
        f'data-status-url="{reverse("submissions:status", args=[stage.scenario.slug, stage.slug])}"'
        in text
    )


def test_upload_queues_a_good_file(client):
    entry, stage = make_entry()
    login(client, captain_of(entry.team))
    response = post_file(client, stage, GOOD_PREDICTIONS, follow=True)
    assert messages_of(response) == ["Your file is accepted and queued for scoring."]
    submission = Submission.objects.get(entry=entry)
    assert (submission.state, submission.description) == (SubmissionState.QUEUED, "first try")
    assert 'data-state="queued"' in response.content.decode()


def test_invalid_file_shows_every_problem(client):
    entry, stage = make_entry()
    login(client, captain_of(entry.team))
    response = post_file(client, stage, BAD_PREDICTIONS, follow=True)
    text = response.content.decode()
    assert Submission.objects.get(entry=entry).state == SubmissionState.INVALID
    assert "The header has one column &#x27;id;prediction&#x27; that contains &#x27;;&#x27;" in text


def test_invalid_file_problems_in_chinese(client):
    entry, stage = make_entry()
    login(client, captain_of(entry.team))
    post_file(client, stage, BAD_PREDICTIONS)
    text = client.get(upload_url(stage), headers={"accept-language": "zh-hans"}).content.decode()
    assert "请使用逗号分隔。" in text
    assert "文件无法评分。请修正以下所有问题后重新上传；本次不计入配额。" in text


def test_quota_exceeded_shows_the_services_message(client):
    entry, stage = make_entry(stage=make_stage(daily_quota=1))
    login(client, captain_of(entry.team))
    post_file(client, stage, GOOD_PREDICTIONS)
    response = post_file(client, stage, GOOD_PREDICTIONS)
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error.startswith("Your team has used all 1 submissions for today; the count resets at ")


def test_upload_after_close_shows_the_deadline_message(client):
    entry, stage = make_entry()
    close(stage)
    login(client, captain_of(entry.team))
    response = post_file(client, stage, GOOD_PREDICTIONS)
    assert response.context["form"].errors["file"] == [
        "This stage closed; no more submissions are accepted."
    ]


def test_status_json_reports_states_and_scores(client):
    entry, stage = make_entry()
    login(client, captain_of(entry.team))
    submission = submit(entry, stage, GOOD_PREDICTIONS)
    url = reverse("submissions:status", args=[stage.scenario.slug, stage.slug])
    data = client.get(url).json()
    assert data["pending"] is True
    assert [(s["id"], s["state"], s["public_score"]) for s in data["submissions"]] == [
        (submission.pk, "queued", None)
    ]
    submission_worker.score_submission(submission_id=submission.pk)
    data = client.get(url).json()
    assert data["pending"] is False
    assert [(s["state"], s["public_score"]) for s in data["submissions"]] == [("scored", 1.0)]
    assert "1.0000" in data["submissions"][0]["html"]


def test_status_json_is_for_the_team_only(client):
    _entry, stage = make_entry()
    url = reverse("submissions:status", args=[stage.scenario.slug, stage.slug])
    assert client.get(url).status_code == 302
    login(client, make_user())
    assert client.get(url).status_code == 403


def test_select_and_unselect_final(client):
    entry, stage = make_entry()
    login(client, captain_of(entry.team))
    submission = submit_and_score(entry, stage, GOOD_PREDICTIONS)
    url = reverse("submissions:select_final", args=[submission.pk])
    response = client.post(url, {"selected": "on"}, follow=True)
    assert messages_of(response) == [f"Submission {submission.pk} is selected as final."]
    submission.refresh_from_db()
    assert submission.is_final_selection
    response = client.post(url, {}, follow=True)
    assert messages_of(response) == [f"Submission {submission.pk} is no longer selected."]
    submission.refresh_from_db()
    assert not submission.is_final_selection


def test_selecting_an_invalid_submission_shows_the_services_message(client):
    entry, stage = make_entry()
    login(client, captain_of(entry.team))
    submission = submit(entry, stage, BAD_PREDICTIONS)
    response = client.post(
        reverse("submissions:select_final", args=[submission.pk]), {"selected": "on"}, follow=True
    )
    assert messages_of(response) == ["Only scored submissions can be selected."]


def test_participant_never_gets_another_teams_file(client):
    entry, stage = make_entry()
    other, _ = make_entry(stage=stage)
    theirs = submit(other, stage, GOOD_PREDICTIONS)
    mine = submit(entry, stage, GOOD_PREDICTIONS)
    download = lambda s: reverse("submissions:download", args=[s.uuid])  # noqa: E731
    assert client.get(download(mine)).status_code == 302  # anonymous: log in first
    login(client, captain_of(entry.team))
    response = client.get(download(mine))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == GOOD_PREDICTIONS.encode()
    assert client.get(download(theirs)).status_code == 404
    assert (
        client.post(
            reverse("submissions:select_final", args=[theirs.pk]), {"selected": "on"}
        ).status_code
        == 404
    )
    own_page = client.get(upload_url(stage)).content.decode()
    assert str(theirs.uuid) not in own_page
    assert theirs.file.name not in own_page


# --- Leaderboards -----------------------------------------------------------------------------


def two_teams_scored():
    entry, stage = make_entry(stage=make_stage(final_selection_limit=1))
    other, _ = make_entry(stage=stage)
    submit_and_score(entry, stage, GOOD_PREDICTIONS)
    submit_and_score(other, stage, WEAK_PREDICTIONS)
    return entry, other, stage


def test_public_leaderboard_ranks_and_highlights_my_team(client):
    entry, other, stage = two_teams_scored()
    response = client.get(leaderboard_url(stage))
    assert response.status_code == 200
    rows = [(item["row"].rank, item["row"].team_name) for item in response.context["rows"]]
    assert rows == [(1, entry.team.name), (2, other.team.name)]
    text = response.content.decode()
    assert '<td class="num score">1.0000</td>' in text
    assert response.context["higher_is_better"] is True
    assert "(higher is better)" in text
    assert 'class="mine"' not in text
    login(client, captain_of(entry.team))
    text = client.get(leaderboard_url(stage)).content.decode()
    assert f'<tr class="mine" aria-current="true" data-team="{entry.team.pk}">' in text


def test_private_leaderboard_and_its_csv_are_hidden_before_the_close(client):
    entry, _other, stage = two_teams_scored()
    login(client, captain_of(entry.team))
    response = client.get(leaderboard_url(stage, "private"))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert (
        "The private leaderboard is revealed when the stage closes at" in response.content.decode()
    )
    assert client.get(leaderboard_url(stage, "private", csv_export=True)).status_code == 403


def test_private_leaderboard_in_chinese_before_the_close(client):
    _entry, _other, stage = two_teams_scored()
    text = client.get(
        leaderboard_url(stage, "private"), headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert "私有排行榜将在本阶段截止时公布：" in text


def test_private_leaderboard_and_csv_after_the_close(client):
    entry, other, stage = two_teams_scored()
    close(stage)
    response = client.get(leaderboard_url(stage, "private"))
    assert [item["row"].team_name for item in response.context["rows"]] == [
        entry.team.name,
        other.team.name,
    ]
    response = client.get(leaderboard_url(stage, "private", csv_export=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "rank",
        "team",
        "country",
        "province",
        "joint",
        "score",
        "metric",
        "scored_submissions",
        "counting_submission_at",
        "last_submission_at",
    ]
    assert [(r[0], r[1], r[5]) for r in rows[1:]] == [
        ("1", entry.team.name, "1.0"),
        ("2", other.team.name, "0.25"),
    ]


def test_public_csv_has_the_same_order_as_the_page(client):
    entry, other, stage = two_teams_scored()
    response = client.get(leaderboard_url(stage, csv_export=True))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[1] for r in rows[1:]] == [entry.team.name, other.team.name]


def test_leaderboard_of_a_draft_scenario_is_404(client):
    stage = make_stage(scenario=make_scenario(status=ScenarioStatus.DRAFT))
    assert client.get(leaderboard_url(stage)).status_code == 404
    assert client.get(leaderboard_url(stage, csv_export=True)).status_code == 404


def test_leaderboard_shows_province_for_chinese_teams(client):
    stage = make_stage()
    team = make_team(
        league=stage.scenario.track.league, country="CN", province="CN-GX", is_joint=True
    )
    entry, _ = make_entry(stage=stage, team=team)
    submit_and_score(entry, stage, GOOD_PREDICTIONS)
    text = client.get(leaderboard_url(stage)).content.decode()
    assert (
        '<abbr class="country-code" title="China">CN</abbr> <span class="muted">Guangxi</span>'
        in text
    )
    assert "China–ASEAN" in text


def test_every_registered_metric_has_a_label_for_people():
    from aileague.common.templatetags.aileague_tags import METRIC_LABELS, metric_label
    from aileague.scoring.metrics import METRICS

    assert sorted(set(METRICS) - set(METRIC_LABELS)) == []
    assert metric_label("ndcg@10") == "NDCG@10"
