"""Labels for the results pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

REASONS = {
    "top_k": _("Among the best of the track"),
    "qualified": _("Qualified"),
    "asean_quota": _("Advances under the ASEAN quota"),
    "below_gate": _("Below the benchmark threshold"),
    "below_threshold": _("Below the minimum final score"),
    "outside_top_k": _("Outside the places that advance"),
}


@register.filter
def reason_label(code: str) -> str:
    return str(REASONS.get(code, code))
