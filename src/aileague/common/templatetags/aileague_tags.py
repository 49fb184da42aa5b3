"""Presentation helpers shared by every template: language maps, Markdown, times, scores."""

from __future__ import annotations

import math

import markdown as markdown_lib
import nh3
from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from aileague.common.countries import CHINESE_PROVINCES, COUNTRIES
from aileague.common.i18n import pick as pick_text
from aileague.scoring.messages import render as render_problem

register = template.Library()

_MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]

METRIC_LABELS = {
    "roc_auc": _("ROC AUC"),
    "log_loss": _("Log loss"),
    "accuracy": _("Accuracy"),
    "f1_macro": _("Macro F1"),
    "rmse": _("Root mean squared error"),
    "mse": _("Mean squared error"),
    "mae": _("Mean absolute error"),
    "chrf": _("chrF"),
}


@register.filter
def pick(text_map) -> str:
    """Organiser content in the active language: ``{{ scenario.title|pick }}``."""
    return pick_text(text_map)


@register.filter(is_safe=True)
def markdown(text: str) -> str:
    """Markdown to HTML, sanitised: organisers write it, participants read it."""
    html = markdown_lib.markdown(text or "", extensions=_MARKDOWN_EXTENSIONS)
    return mark_safe(nh3.clean(html))  # noqa: S308 - nh3 has just removed anything unsafe


@register.filter
def score(value) -> str:
    """A metric value to five significant digits; a dash when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):#.5g}".rstrip(".")


@register.filter
def country_name(code: str) -> str:
    return str(COUNTRIES.get(code, code))


@register.filter
def province_name(code: str) -> str:
    return str(CHINESE_PROVINCES.get(code, code))


@register.filter
def problem_message(problem: dict) -> str:
    """A stored validation problem in the reader's language."""
    return render_problem(
        problem.get("code", ""), problem.get("params") or {}, get_language() or "en"
    )


@register.simple_tag
def when(moment, zone=None):
    """``<time>`` with the moment in the viewer's zone (or ``zone``) and that zone's name."""
    if moment is None:
        return "—"
    zone = zone or timezone.get_current_timezone()
    if isinstance(zone, str):
        import zoneinfo

        zone = zoneinfo.ZoneInfo(zone)
    local = timezone.localtime(moment, zone)
    return format_html(
        '<time datetime="{}">{} <span class="tz">{}</span></time>',
        moment.isoformat(),
        date_format(local, "Y-m-d H:i"),
        str(zone),
    )


@register.simple_tag
def league_name() -> str:
    """The name shown in the top bar: the latest season's league."""
    from aileague.competitions.queries import leagues_with_tracks

    league = leagues_with_tracks().first()
    return str(league) if league else "aileague"


@register.filter
def metric_label(name: str) -> str:
    return str(METRIC_LABELS.get(name, name))


@register.filter
def language_name(code: str) -> str:
    """A language code (``vi``, ``zh-hans``) as a name in the viewer's language."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
