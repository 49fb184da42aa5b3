"""The cooperation center: sign a project in, follow its incubation milestones; and the
cooperation agreements signed with partners abroad."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput
from aileague.outcomes.currency import to_cny
from aileague.outcomes.models import CenterSignIn, CooperationAgreement, Milestone, Project
from aileague.outcomes.services._checks import (
    _amount,
    _check_center,
    _check_organiser,
    _country,
    _snapshot,
    _text_map,
)


def sign_into_center(
    *,
    project: Project,
    actor,
    signed_on: date,
    country: str,
    field: str,
    agreed_investment,
    currency: str = "CNY",
) -> CenterSignIn:
    """Sign a project into the cooperation center (organisers, the center's operator)."""
    _check_center(actor, project.league)
    field = (field or "").strip()
    if not field:
        raise InvalidInput(_("Name the project's field."), code="field_required")
    amount = _amount(agreed_investment) or Decimal("0.00")
    currency = (currency or "CNY").upper()
    cny, rate = to_cny(amount, currency, signed_on)
    with transaction.atomic():
        if CenterSignIn.objects.filter(project=project).exists():
            raise Conflict(
                _("This project is already signed into the center."), code="already_signed_in"
            )
        sign_in = CenterSignIn.objects.create(
            project=project,
            signed_on=signed_on,
            country=_country(country),
            field=field,
            agreed_investment=amount,
            currency=currency,
            cny_per_unit=rate,
            agreed_investment_cny=cny,
        )
        record_audit(
            actor=actor,
            action="outcomes.sign_into_center",
            target=sign_in,
            after=_snapshot(
                sign_in,
                (
                    "signed_on",
                    "country",
                    "field",
                    "agreed_investment",
                    "currency",
                    "cny_per_unit",
                    "agreed_investment_cny",
                ),
            ),
        )
    return sign_in


def add_milestone(*, sign_in: CenterSignIn, actor, title, due_on: date) -> Milestone:
    _check_center(actor, sign_in.project.league)
    title = _text_map(title, required=True, code="title_required")
    with transaction.atomic():
        position = sign_in.milestones.count()
        milestone = Milestone.objects.create(
            sign_in=sign_in, title=title, due_on=due_on, position=position
        )
        record_audit(
            actor=actor,
            action="outcomes.add_milestone",
            target=milestone,
            after={"title": title, "due_on": due_on.isoformat()},
        )
    return milestone


def complete_milestone(*, milestone: Milestone, actor, done_on: date | None = None) -> Milestone:
    _check_center(actor, milestone.sign_in.project.league)
    if milestone.done_on is not None:
        raise Conflict(_("This milestone is already done."), code="milestone_done")
    done_on = done_on or timezone.localdate()
    with transaction.atomic():
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        record_audit(
            actor=actor,
            action="outcomes.complete_milestone",
            target=milestone,
            before={"done_on": None},
            after={"done_on": done_on.isoformat()},
        )
    return milestone


def record_cooperation_agreement(
    *, league, actor, partner: str, country: str, title, signed_on: date, project=None
) -> CooperationAgreement:
    """A cooperation agreement with a partner abroad (organisers)."""
    _check_organiser(actor, league)
    partner = (partner or "").strip()
    if not partner:
        raise InvalidInput(_("Name the partner."), code="partner_required")
    with transaction.atomic():
        agreement = CooperationAgreement.objects.create(
            league=league,
            partner=partner,
            country=_country(country),
            title=_text_map(title, required=True, code="title_required"),
            signed_on=signed_on,
            project=project,
        )
        record_audit(
            actor=actor,
            action="outcomes.record_cooperation_agreement",
            target=agreement,
            after={"partner": partner, "country": agreement.country, "signed_on": str(signed_on)},
        )
    return agreement
