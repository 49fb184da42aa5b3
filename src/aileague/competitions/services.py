"""Scenario life cycle: draft → in review → published; public questions and answers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.accounts.queries import can_manage_scenario, can_review_scenario
from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput, PermissionDenied
from aileague.competitions.models import Question, Scenario, ScenarioStatus


def submit_scenario_for_review(*, scenario: Scenario, actor) -> Scenario:
    if not can_manage_scenario(actor, scenario):
        raise PermissionDenied(_("Only the scenario's owner can submit it for review."))
    if scenario.status != ScenarioStatus.DRAFT:
        raise Conflict(_("Only a draft can be submitted for review."), code="not_a_draft")
    return _set_status(scenario, ScenarioStatus.IN_REVIEW, actor, "scenario.submit_for_review")


def publish_scenario(*, scenario: Scenario, actor) -> Scenario:
    """A track manager publishes a reviewed scenario; it needs zh and en titles and a stage."""
    if not can_review_scenario(actor, scenario):
        raise PermissionDenied(_("Only the track manager can publish a scenario."))
    if scenario.status == ScenarioStatus.PUBLISHED:
        raise Conflict(_("The scenario is already published."), code="already_published")
    if scenario.status != ScenarioStatus.IN_REVIEW:
        raise Conflict(
            _("Only a scenario submitted for review can be published; ask its owner to submit it."),
            code="not_in_review",
        )
    missing = [lang for lang in ("en", "zh-hans") if not scenario.title.get(lang)]
    if missing:
        raise InvalidInput(
            _("Add a title in %(languages)s before publishing.")
            % {"languages": ", ".join(missing)},
            code="missing_translation",
        )
    if not scenario.stages.exists():
        raise InvalidInput(_("Add at least one stage before publishing."), code="no_stage")
    scenario.published_at = timezone.now()
    return _set_status(scenario, ScenarioStatus.PUBLISHED, actor, "scenario.publish")


def _set_status(scenario: Scenario, status: str, actor, action: str) -> Scenario:
    with transaction.atomic():
        before = {"status": scenario.status}
        scenario.status = status
        scenario.save(update_fields=["status", "published_at"])
        record_audit(
            actor=actor, action=action, target=scenario, before=before, after={"status": status}
        )
    return scenario


def ask_question(*, scenario: Scenario, actor, text: str) -> Question:
    text = text.strip()
    if not text:
        raise InvalidInput(_("Write your question first."), code="empty_question")
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to ask a question."))
    if scenario.status != ScenarioStatus.PUBLISHED and not can_manage_scenario(actor, scenario):
        raise PermissionDenied(
            _("Questions open when the scenario is published."), code="scenario_not_published"
        )
    with transaction.atomic():
        question = Question.objects.create(scenario=scenario, asked_by=actor, text=text[:4000])
        record_audit(actor=actor, action="question.ask", target=question)
    return question


def answer_question(*, question: Question, actor, answer: str) -> Question:
    if not can_manage_scenario(actor, question.scenario):
        raise PermissionDenied(_("Only the scenario's owner or track manager can answer."))
    answer = answer.strip()
    if not answer:
        raise InvalidInput(_("Write the answer first."), code="empty_answer")
    with transaction.atomic():
        question.answer = answer
        question.answered_by = actor
        question.answered_at = timezone.now()
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        record_audit(actor=actor, action="question.answer", target=question)
    return question
