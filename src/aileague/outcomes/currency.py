"""Amounts in CNY at a recorded rate. Rates are entered by organisers (back office), never
fetched: a report must give the same figure tomorrow as today."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from aileague.common.errors import InvalidInput
from aileague.outcomes.models import ExchangeRate

CNY = "CNY"
CENT = Decimal("0.01")


def rate_on(currency: str, on: date) -> Decimal:
    """CNY per unit of ``currency``: the rate recorded on ``on`` or the latest one before it.

    Raises ``InvalidInput`` (code ``no_exchange_rate``) when no rate is recorded that early.
    """
    currency = (currency or "").upper()
    if currency == CNY:
        return Decimal(1)
    rate = (
        ExchangeRate.objects.filter(currency=currency, on__lte=on)
        .order_by("-on")
        .values_list("cny_per_unit", flat=True)
        .first()
    )
    if rate is None:
        raise InvalidInput(
            _("No exchange rate for %(currency)s is recorded on or before %(date)s.")
            % {"currency": currency, "date": on.isoformat()},
            code="no_exchange_rate",
            details={"currency": currency, "date": on.isoformat()},
        )
    return rate


def to_cny(amount: Decimal | int | str, currency: str, on: date) -> tuple[Decimal, Decimal]:
    """``amount`` of ``currency`` in CNY (rounded half up to the fen) and the rate used.

    >>> to_cny(Decimal("10"), "CNY", date(2026, 1, 1))
    (Decimal('10.00'), Decimal('1'))
    """
    rate = rate_on(currency, on)
    cny = (Decimal(amount) * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return cny, rate
