"""Build the season report: figures, charts, PDF, XLSX and CSV, from one computation.

The command, the page's downloads and the bench call these functions; none of them changes
the database, so there is nothing to audit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
from django.utils import translation

from aileague.competitions.models import League
from aileague.reports import charts, exports
from aileague.reports.figures import SeasonFigures, season_figures
from aileague.reports.funnel import Funnel, season_funnel
from aileague.reports.pdf import report_pdf
from aileague.reports.tables import report_tables

FORMATS = ("pdf", "xlsx", "csv")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
}


@dataclass
class SeasonReport:
    figures: SeasonFigures
    funnel: Funnel
    generated_at: datetime
    files: dict[str, bytes] = field(default_factory=dict)  # format → content

    def filename(self, fmt: str) -> str:
        suffix = "csv.zip" if fmt == "csv" else fmt
        return f"season-report-{self.figures.league_slug}.{suffix}"


def build_season_report(
    *,
    league: League,
    formats: tuple[str, ...] = FORMATS,
    on_step: Callable[[str], None] | None = None,
) -> SeasonReport:
    """Compute the figures once and render each of ``formats`` from them, in the active language.

    ``on_step(name)`` is called after each step (for a progress display).
    """
    step = on_step or (lambda _name: None)
    report = SeasonReport(
        figures=season_figures(league=league),
        funnel=season_funnel(league=league),
        generated_at=datetime.now(UTC).replace(microsecond=0),
    )
    step("figures")
    tables = report_tables(report.figures, report.funnel)
    for fmt in formats:
        if fmt == "pdf":
            report.files["pdf"] = report_pdf(
                report.figures, report.funnel, generated_at=report.generated_at
            )
        elif fmt == "xlsx":
            report.files["xlsx"] = exports.xlsx(tables)
        elif fmt == "csv":
            report.files["csv"] = exports.csv_zip(tables)
        step(fmt)
    return report


def write_season_report(report: SeasonReport, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt, content in report.files.items():
        path = out / report.filename(fmt)
        path.write_bytes(content)
        written.append(path)
    return written


def chart_svgs(figures: SeasonFigures, funnel: Funnel) -> list[tuple[str, str]]:
    """(key, inline SVG) of every chart of the page, in the label language."""
    with translation.override(charts.label_language()), matplotlib.rc_context(charts.rc()):
        drawn = [(key, build(figures)) for key, build in charts.CHARTS]
        drawn.append(("funnel", charts.funnel(funnel.total)))
        return [(key, charts.svg(fig)) for key, fig in drawn]
