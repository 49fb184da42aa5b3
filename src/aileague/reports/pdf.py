"""The season report as a PDF: a cover with the figures table, then one chart per page, the
funnel and its table by track. Drawn with matplotlib's PdfPages, so the charts and the tables
use the same fonts (a CJK one when installed, see ``charts.cjk_font``)."""

from __future__ import annotations

import io
from datetime import datetime

import matplotlib
from django.utils import translation
from django.utils.translation import gettext as _
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from aileague.common.i18n import pick
from aileague.reports import charts
from aileague.reports.figures import SeasonFigures
from aileague.reports.funnel import Funnel
from aileague.reports.tables import Table, display, report_tables

A4 = (8.27, 11.69)
ROWS_PER_PAGE = 34


def report_pdf(figures: SeasonFigures, funnel: Funnel, *, generated_at: datetime) -> bytes:
    """The whole report, in the active language (English labels if no CJK font is installed)."""
    buffer = io.BytesIO()
    with (
        translation.override(charts.label_language()),
        matplotlib.rc_context(charts.rc()),
        PdfPages(buffer, metadata=_metadata(figures, generated_at)) as pdf,
    ):
        tables = {table.key: table for table in report_tables(figures, funnel)}
        for page in _table_pages(tables["figures"], figures, generated_at, cover=True):
            pdf.savefig(page)
        for _key, build in charts.CHARTS:
            pdf.savefig(build(figures))
        pdf.savefig(charts.funnel(funnel.total, _("Season funnel")))
        for key in ("funnel_by_track", "scenarios_by_track", "teams_by_province"):
            for page in _table_pages(tables[key], figures, generated_at):
                pdf.savefig(page)
    return buffer.getvalue()


def _metadata(figures: SeasonFigures, generated_at: datetime) -> dict:
    return {
        "Title": _("Season report: %(league)s") % {"league": pick(figures.league_name)},
        "Author": "aileague",
        "CreationDate": generated_at,
    }


def _table_pages(table: Table, figures: SeasonFigures, generated_at: datetime, cover=False):
    """``table`` on as many A4 pages as it needs, the figure column of the cover widest."""
    rows = [[display(cell) for cell in row] for row in table.rows]
    headers = table.headers
    if cover:  # the key column is for machines (CSV, XLSX); people read the figure's name
        rows = [row[1:] for row in rows]
        headers = headers[1:]
    chunks = [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)] or [[]]
    for number, chunk in enumerate(chunks):
        fig = Figure(figsize=A4)
        fig.set_facecolor("white")
        top = 0.95
        if cover and number == 0:
            fig.text(0.08, 0.95, _("Season report"), fontsize=20, weight="bold")
            fig.text(0.08, 0.925, f"{pick(figures.league_name)} · {figures.season}", fontsize=12)
            fig.text(
                0.08,
                0.905,
                _("Generated %(at)s; every figure is computed from the platform's data.")
                % {"at": generated_at.strftime("%Y-%m-%d %H:%M UTC")},
                fontsize=8,
                color="#4a5568",
            )
            top = 0.88
        fig.text(0.08, top, table.title, fontsize=13, weight="bold")
        ax = fig.add_axes((0.08, 0.05, 0.84, top - 0.07))
        ax.axis("off")
        if chunk:
            cells = ax.table(cellText=chunk, colLabels=headers, loc="upper left", cellLoc="left")
            cells.auto_set_font_size(False)
            cells.set_fontsize(8)
            cells.auto_set_column_width(list(range(len(headers))))
            cells.scale(1, 1.45)
            for (row, _col), cell in cells.get_celld().items():
                cell.set_edgecolor("#cbd5e0")
                if row == 0:
                    cell.set_facecolor("#edf2f7")
        yield fig
