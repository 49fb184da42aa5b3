"""Checks and normalisation shared by the outcomes services: who may act, and clean values
(language maps, country codes, readiness levels, web addresses, amounts) for storage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from aileague.accounts.queries import is_organiser
from aileague.common.countries import COUNTRIES
from aileague.common.errors import InvalidInput, PermissionDenied
from aileague.outcomes import queries
from aileague.outcomes.models import Project


def _check_organiser(actor, league) -> None:
    if not is_organiser(actor, league):
        raise PermissionDenied(_("Only the league's organisers may do this."), code="not_organiser")


def _check_project_manager(actor, project: Project) -> None:
    if not queries.can_manage_project(actor, project):
        raise PermissionDenied(
            _("Only the team's captain and the organisers may change this project."),
            code="not_project_manager",
        )


def _check_center(actor, league) -> None:
    if not (is_organiser(actor, league) or queries.is_center_operator(actor)):
        raise PermissionDenied(
            _("Only the organisers and the cooperation center's operator may do this."),
            code="not_center_operator",
        )


def _text_map(value, *, required: bool, code: str) -> dict:
    if isinstance(value, str):
        value = {"en": value.strip()} if value.strip() else {}
    value = {k: v.strip() for k, v in (value or {}).items() if v and v.strip()}
    if required and not value:
        raise InvalidInput(_("A title is required."), code=code)
    return value


def _country(code: str) -> str:
    code = (code or "").upper()
    if code not in COUNTRIES:
        raise InvalidInput(
            _("Unknown country: %(code)s.") % {"code": code or "—"}, code="unknown_country"
        )
    return code


def _codes(values, *, countries: bool = False) -> list[str]:
    values = [v.strip() for v in values or [] if v and v.strip()]
    if countries:
        values = [_country(v) for v in values]
    return list(dict.fromkeys(values))


def _readiness(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 9:
        raise InvalidInput(
            _("Technology readiness is a level from 1 to 9."), code="invalid_readiness"
        )
    return value


def _url(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise InvalidInput(
                _("The demo link is not a web address."), code="invalid_url"
            ) from None
    return value


def _amount(value, *, name: str = "amount") -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(_("The amount must be a number of zero or more."), code="invalid_amount")
    return amount.quantize(Decimal("0.01"))


def _snapshot(obj, names) -> dict:
    out = {}
    for name in names:
        value = getattr(obj, name)
        out[name] = str(value) if isinstance(value, Decimal | date) else value
    return out
