"""Scenario life cycle (draft → in review → published), who sees drafts, and public Q&A."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from aileague.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from aileague.common.models import AuditEntry
from aileague.competitions import services
from aileague.competitions.models import Question, ScenarioStatus
from aileague.competitions.queries import access_scenario, visible_scenarios
from tests.factories import make_league, make_scenario, make_stage, make_track, make_user

pytestmark = pytest.mark.django_db


def draft(**fields):
    return make_scenario(status=ScenarioStatus.DRAFT, **fields)


def in_review(**fields):
    return make_scenario(status=ScenarioStatus.IN_REVIEW, **fields)


def owner_of(scenario):
    return make_user(role="scenario_owner", scenario=scenario)


def manager_of(scenario):
    return make_user(role="track_manager", track=scenario.track)


def audit_of(target) -> list[tuple]:
    entries = AuditEntry.objects.filter(
        object_type=target._meta.label_lower, object_id=str(target.pk)
    ).order_by("id")
    return [(e.action, e.actor_id, e.before, e.after) for e in entries]


# --- Review and publication --------------------------------------------------------------------


def test_owner_submits_a_draft_for_review():
    scenario = draft()
    owner = owner_of(scenario)
    services.submit_scenario_for_review(scenario=scenario, actor=owner)
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.IN_REVIEW
    assert audit_of(scenario) == [
        ("scenario.submit_for_review", owner.pk, {"status": "draft"}, {"status": "in_review"})
    ]


def test_a_participant_cannot_submit_a_draft_for_review():
    scenario = draft()
    with pytest.raises(PermissionDenied):
        services.submit_scenario_for_review(scenario=scenario, actor=make_user())
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.DRAFT


def test_only_a_draft_can_be_submitted_for_review():
    scenario = draft()
    owner = owner_of(scenario)
    services.submit_scenario_for_review(scenario=scenario, actor=owner)
    with pytest.raises(Conflict) as raised:
        services.submit_scenario_for_review(scenario=scenario, actor=owner)
    assert raised.value.code == "not_a_draft"


def test_track_manager_publishes_a_scenario_in_review():
    scenario = draft()
    make_stage(scenario=scenario)
    services.submit_scenario_for_review(scenario=scenario, actor=owner_of(scenario))
    manager = manager_of(scenario)
    services.publish_scenario(scenario=scenario, actor=manager)
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.PUBLISHED
    assert scenario.published_at is not None
    assert audit_of(scenario)[-1] == (
        "scenario.publish",
        manager.pk,
        {"status": "in_review"},
        {"status": "published"},
    )


def test_organiser_publishes_a_scenario_too():
    scenario = in_review()
    make_stage(scenario=scenario)
    services.publish_scenario(scenario=scenario, actor=make_user(role="organiser"))
    assert scenario.status == ScenarioStatus.PUBLISHED


def test_owner_cannot_publish_their_own_scenario():
    scenario = draft()
    make_stage(scenario=scenario)
    with pytest.raises(PermissionDenied):
        services.publish_scenario(scenario=scenario, actor=owner_of(scenario))
    scenario.refresh_from_db()
    assert (scenario.status, scenario.published_at) == (ScenarioStatus.DRAFT, None)


def test_manager_of_another_track_cannot_publish():
    scenario = in_review()
    make_stage(scenario=scenario)
    other_manager = make_user(role="track_manager", track=make_track())
    with pytest.raises(PermissionDenied):
        services.publish_scenario(scenario=scenario, actor=other_manager)


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ({"en": "Route planning"}, "Add a title in zh-hans before publishing."),
        ({"zh-hans": "路径规划"}, "Add a title in en before publishing."),
        ({"en": "Route planning", "zh-hans": ""}, "Add a title in zh-hans before publishing."),
        ({"vi": "Lập kế hoạch"}, "Add a title in en, zh-hans before publishing."),
    ],
)
def test_publishing_needs_a_title_in_english_and_in_chinese(title, message):
    scenario = in_review(title=title)
    make_stage(scenario=scenario)
    with pytest.raises(InvalidInput) as raised:
        services.publish_scenario(scenario=scenario, actor=manager_of(scenario))
    assert (raised.value.code, raised.value.message) == ("missing_translation", message)


def test_publishing_needs_a_stage():
    scenario = in_review()
    with pytest.raises(InvalidInput) as raised:
        services.publish_scenario(scenario=scenario, actor=manager_of(scenario))
    assert raised.value.code == "no_stage"
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.IN_REVIEW


def test_a_published_scenario_cannot_be_published_again():
    scenario = make_scenario()
    make_stage(scenario=scenario)
    with pytest.raises(Conflict) as raised:
        services.publish_scenario(scenario=scenario, actor=manager_of(scenario))
    assert raised.value.code == "already_published"


# --- Who sees a draft --------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["participant", "anonymous", "owner of another scenario"])
def test_a_draft_is_not_found_for_people_who_do_not_manage_it(viewer):
    scenario = draft()
    user = {
        "participant": make_user,
        "anonymous": AnonymousUser,
        "owner of another scenario": lambda: owner_of(make_scenario()),
    }[viewer]()
    with pytest.raises(NotFound) as raised:
        access_scenario(slug=scenario.slug, user=user)
    assert raised.value.code == "scenario_not_found"
    assert raised.value.message == f"No scenario '{scenario.slug}'."


@pytest.mark.parametrize("viewer", ["owner", "track manager", "organiser"])
def test_a_draft_is_visible_to_the_people_who_manage_it(viewer):
    scenario = draft()
    user = {
        "owner": lambda: owner_of(scenario),
        "track manager": lambda: manager_of(scenario),
        "organiser": lambda: make_user(role="organiser"),
    }[viewer]()
    assert access_scenario(slug=scenario.slug, user=user) == scenario


def test_an_organiser_of_one_league_does_not_see_drafts_of_another_league():
    league = make_league()
    ours = draft(track=make_track(league=league))
    theirs = draft()
    organiser = make_user(role="organiser", league=league)
    assert access_scenario(slug=ours.slug, user=organiser) == ours
    with pytest.raises(NotFound):
        access_scenario(slug=theirs.slug, user=organiser)


def test_a_published_scenario_is_visible_to_everyone():
    scenario = make_scenario()
    assert access_scenario(slug=scenario.slug, user=AnonymousUser()) == scenario
    assert access_scenario(slug=scenario.slug, user=make_user()) == scenario


def test_participants_list_only_published_scenarios():
    published, hidden = make_scenario(), draft()
    in_review = make_scenario(status=ScenarioStatus.IN_REVIEW)
    slugs = set(visible_scenarios(make_user()).values_list("slug", flat=True))
    assert published.slug in slugs
    assert {hidden.slug, in_review.slug} & slugs == set()


def test_an_unknown_slug_is_not_found():
    with pytest.raises(NotFound) as raised:
        access_scenario(slug="no-such-scenario", user=make_user(role="organiser"))
    assert raised.value.code == "scenario_not_found"


# --- Questions and answers ---------------------------------------------------------------------


def test_a_participant_asks_a_question_and_it_is_recorded():
    scenario = make_scenario()
    asker = make_user()
    question = services.ask_question(scenario=scenario, actor=asker, text="  Is GPS data hourly?  ")
    assert (question.text, question.asked_by, question.answer) == ("Is GPS data hourly?", asker, "")
    assert audit_of(question) == [("question.ask", asker.pk, None, None)]


def test_an_empty_question_is_refused():
    with pytest.raises(InvalidInput) as raised:
        services.ask_question(scenario=make_scenario(), actor=make_user(), text="   ")
    assert raised.value.code == "empty_question"
    assert Question.objects.count() == 0


def test_anonymous_visitors_cannot_ask():
    with pytest.raises(PermissionDenied):
        services.ask_question(scenario=make_scenario(), actor=AnonymousUser(), text="Hello?")


def test_a_very_long_question_is_cut_at_4000_characters():
    question = services.ask_question(scenario=make_scenario(), actor=make_user(), text="q" * 5000)
    assert len(question.text) == 4000


@pytest.mark.parametrize("answerer", ["owner", "track manager"])
def test_the_owner_or_track_manager_answers_publicly(answerer):
    scenario = make_scenario()
    question = services.ask_question(scenario=scenario, actor=make_user(), text="Hourly?")
    actor = owner_of(scenario) if answerer == "owner" else manager_of(scenario)
    services.answer_question(question=question, actor=actor, answer=" Yes, hourly. ")
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Yes, hourly.", actor)
    assert question.answered_at is not None
    assert [entry[0] for entry in audit_of(question)] == ["question.ask", "question.answer"]


def test_a_participant_cannot_answer():
    scenario = make_scenario()
    question = services.ask_question(scenario=scenario, actor=make_user(), text="Hourly?")
    with pytest.raises(PermissionDenied):
        services.answer_question(question=question, actor=make_user(), answer="Guess so")
    question.refresh_from_db()
    assert question.answer == ""


def test_an_empty_answer_is_refused():
    scenario = make_scenario()
    question = services.ask_question(scenario=scenario, actor=make_user(), text="Hourly?")
    with pytest.raises(InvalidInput) as raised:
        services.answer_question(question=question, actor=owner_of(scenario), answer=" ")
    assert raised.value.code == "empty_answer"


def test_a_draft_cannot_be_published_without_review():
    scenario = draft()
    make_stage(scenario=scenario)
    with pytest.raises(Conflict) as raised:
        services.publish_scenario(scenario=scenario, actor=manager_of(scenario))
    assert raised.value.code == "not_in_review"
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.DRAFT


def test_nobody_but_its_managers_can_ask_about_a_draft():
    scenario = draft()
    with pytest.raises(PermissionDenied) as raised:
        services.ask_question(scenario=scenario, actor=make_user(), text="Is there more data?")
    assert raised.value.code == "scenario_not_published"
