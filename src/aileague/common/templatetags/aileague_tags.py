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
    "roc_auc_ovr": _("ROC AUC (one-vs-rest)"),
    "average_precision": _("Average precision"),
    "log_loss": _("Log loss"),
    "accuracy": _("Accuracy"),
    "balanced_accuracy": _("Balanced accuracy"),
    "f1_binary": _("F1"),
    "f1_macro": _("Macro F1"),
    "f1_micro": _("Micro F1"),
    "f1_weighted": _("Weighted F1"),
    "precision_binary": _("Precision"),
    "precision_macro": _("Macro precision"),
    "precision_micro": _("Micro precision"),
    "precision_weighted": _("Weighted precision"),
    "recall_binary": _("Recall"),
    "recall_macro": _("Macro recall"),
    "recall_micro": _("Micro recall"),
    "recall_weighted": _("Weighted recall"),
    "mcc": _("Matthews correlation"),
    "cohen_kappa": _("Cohen's kappa"),
    "quadratic_weighted_kappa": _("Quadratic weighted kappa"),
    "rmse": _("Root mean squared error"),
    "mse": _("Mean squared error"),
    "mae": _("Mean absolute error"),
    "rmsle": _("Root mean squared log error"),
    "r2": _("R²"),
    "mape": _("Mean absolute percentage error"),
    "smape": _("Symmetric mean absolute percentage error"),
    "map": _("Mean average precision"),
    "ndcg": _("NDCG"),
    "mrr": _("Mean reciprocal rank"),
    "recall": _("Recall"),
    "map_coco": _("COCO mAP@[.5:.95]"),
    "map50": _("mAP@.5"),
    "bleu": _("BLEU"),
    "chrf": _("chrF"),
    "chrf_pp": _("chrF++"),
    "cer": _("Character error rate"),
    "wer": _("Word error rate"),
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
    """A metric's name for people; cut-off metrics keep their cut-off (``NDCG@10``)."""
    base, at, cutoff = (name or "").partition("@")
    label = str(METRIC_LABELS.get(base, base))
    return f"{label}@{cutoff}" if at else label


@register.filter
def language_name(code: str) -> str:
    """A language code (``vi``, ``zh-hans``) as a name in the viewer's language."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@register.filter
def eta(seconds) -> str:
    """A wait in words for a queue place: "40 s", "3 min", "2 h 5 min"."""
    from django.utils.translation import gettext as _

    seconds = max(0, round(float(seconds)))
    if seconds < 90:
        return _("%(n)d s") % {"n": max(1, seconds)}
    minutes = round(seconds / 60)
    if minutes < 90:
        return _("%(n)d min") % {"n": minutes}
    return _("%(h)d h %(m)d min") % {"h": minutes // 60, "m": minutes % 60}
