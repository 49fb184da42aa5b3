"""The report's charts, drawn with matplotlib's Agg backend (no display), as SVG for the page
and as figures for the PDF. Labels follow the active language; Chinese labels need a CJK font,
and without one the charts fall back to English names (and province codes) rather than boxes."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from django.utils import translation  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from aileague.common.countries import ASEAN_COUNTRIES, CHINESE_PROVINCES  # noqa: E402
from aileague.common.i18n import pick  # noqa: E402
from aileague.outcomes.models import AwardLevel  # noqa: E402
from aileague.reports.figures import SeasonFigures  # noqa: E402
from aileague.reports.funnel import FunnelLine  # noqa: E402
from aileague.reports.tables import country_name, step_labels  # noqa: E402

#: Families tried in order; Debian's fonts-noto-cjk and fonts-wqy-microhei provide them.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
)
BLUE, ORANGE, GREY = "#2b6cb0", "#dd6b20", "#a0aec0"


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed CJK family known to matplotlib, or None."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _needs_cjk() -> bool:
    return (translation.get_language() or "en").lower().startswith("zh")


def label_language() -> str:
    """The language the labels are drawn in: the active one, or English without a CJK font."""
    if _needs_cjk() and cjk_font() is None:
        return "en"
    return translation.get_language() or "en"


def rc() -> dict:
    """matplotlib settings of every chart: a CJK font first when there is one; text stays text
    in SVG, and the PDF embeds TrueType (Type 42) fonts so its text can be extracted."""
    family = cjk_font()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
        "svg.fonttype": "none",
        "pdf.fonttype": 3,
    }


def _figure(width: float = 8.0, height: float = 4.5) -> Figure:
    """A figure; draw it under ``matplotlib.rc_context(rc())`` so the fonts apply."""
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.set_facecolor("white")
    return fig


def _barh(fig: Figure, labels, values, title: str, colors=None) -> Figure:
    ax = fig.add_subplot()
    positions = range(len(labels))
    ax.barh(list(positions), list(values), color=colors or BLUE)
    ax.set_yticks(list(positions), labels=list(labels))
    ax.invert_yaxis()
    ax.set_title(title)
    for spot in ("top", "right"):
        ax.spines[spot].set_visible(False)
    top = max(values, default=0) or 1
    for y, value in zip(positions, values, strict=True):
        ax.text(value + top * 0.01, y, f"{value:,}", va="center", fontsize=7)
    return fig


def teams_by_province(f: SeasonFigures) -> Figure:
    rows = sorted(f.teams_by_province.items(), key=lambda kv: (-kv[1], kv[0]))
    labels = [_place(code, CHINESE_PROVINCES) for code, _n in rows]
    fig = _figure(8, 8)
    return _barh(fig, labels, [n for _c, n in rows], _("Teams by Chinese province"))


def teams_by_asean_country(f: SeasonFigures) -> Figure:
    rows = sorted(f.teams_by_asean_country.items(), key=lambda kv: (-kv[1], kv[0]))
    labels = [_place(code, ASEAN_COUNTRIES) for code, _n in rows]
    title = _("Teams by ASEAN country (%(share)s of all teams)") % {"share": f"{f.asean_share:.1%}"}
    return _barh(_figure(8, 4.5), labels, [n for _c, n in rows], title)


def scenarios_by_track(f: SeasonFigures) -> Figure:
    fig = _figure(8, max(3.5, 0.32 * len(f.tracks) + 1.2))
    ax = fig.add_subplot()
    language = label_language()
    labels = [pick(t.name, language) or t.slug for t in f.tracks]
    positions = list(range(len(labels)))
    ax.barh(positions, [t.scenarios for t in f.tracks], color=GREY, label=_("published"))
    ax.barh(positions, [t.excellent for t in f.tracks], color=ORANGE, label=_("rated excellent"))
    ax.set_yticks(positions, labels=labels)
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    ax.set_title(
        _("Scenarios by track: %(n)s published, %(e)s rated excellent")
        % {"n": f.scenarios_published, "e": f.scenarios_excellent}
    )
    return fig


def submissions_per_day(f: SeasonFigures) -> Figure:
    fig = _figure(8, 3.8)
    ax = fig.add_subplot()
    days = [day for day, _n in f.submissions_by_day]
    ax.plot(days, [n for _d, n in f.submissions_by_day], color=BLUE, linewidth=1.2)
    ax.fill_between(days, [n for _d, n in f.submissions_by_day], color=BLUE, alpha=0.15)
    ax.set_title(_("Submissions per day (%(n)s in all)") % {"n": f"{f.submissions:,}"})
    ax.set_ylim(bottom=0)
    fig.autofmt_xdate()
    return fig


def awards(f: SeasonFigures) -> Figure:
    with translation.override(label_language()):
        labels = [str(AwardLevel(level).label) for level in f.awards_by_level]
    return _barh(_figure(8, 3), labels, list(f.awards_by_level.values()), _("Awards by level"))


def agreements_by_country(f: SeasonFigures) -> Figure:
    rows = list(f.agreements_by_country.items())
    with translation.override(label_language()):
        labels = [country_name(code) for code, _n in rows]
    return _barh(
        _figure(8, max(2.5, 0.35 * len(rows) + 1)),
        labels,
        [n for _c, n in rows],
        _("Cooperation agreements by country"),
    )


def center_by_country(f: SeasonFigures) -> Figure:
    rows = list(f.center_by_country.items())
    with translation.override(label_language()):
        labels = [country_name(code) for code, _n in rows]
    return _barh(
        _figure(8, max(2.5, 0.35 * len(rows) + 1)),
        labels,
        [n for _c, n in rows],
        _("Projects signed into the cooperation center, by country"),
    )


def funnel(line: FunnelLine, title: str | None = None) -> Figure:
    """Centred bars, widest at the top: the classic funnel, with each step's share of the first."""
    fig = _figure(8, 3.6)
    ax = fig.add_subplot()
    steps = line.steps()
    first = steps[0] or 1
    labels = step_labels()
    positions = list(range(len(steps)))
    ax.barh(positions, steps, left=[-n / 2 for n in steps], color=BLUE)
    for y, n in zip(positions, steps, strict=True):
        ax.text(
            0,
            y,
            f"{n:,} ({n / first:.1%})",
            ha="center",
            va="center",
            color="black",
            fontsize=8,
            bbox={"facecolor": "white", "alpha": 0.7, "linewidth": 0},
        )
    ax.set_yticks(positions, labels=labels)
    ax.invert_yaxis()
    ax.set_xticks([])
    for spot in ("top", "right", "bottom"):
        ax.spines[spot].set_visible(False)
    ax.set_title(title or _("Funnel: %(name)s") % {"name": pick(line.name, label_language())})
    return fig


def _place(code: str, names: dict) -> str:
    with translation.override(label_language()):
        return str(names[code])


#: (key, builder) of the report's charts, in page order.
CHARTS: tuple[tuple[str, Callable[[SeasonFigures], Figure]], ...] = (
    ("teams_by_province", teams_by_province),
    ("teams_by_asean_country", teams_by_asean_country),
    ("scenarios_by_track", scenarios_by_track),
    ("submissions_per_day", submissions_per_day),
    ("awards", awards),
    ("agreements_by_country", agreements_by_country),
    ("center_by_country", center_by_country),
)


def svg(fig: Figure) -> str:
    """The figure as an inline SVG document (text kept as text, so it is searchable)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]
