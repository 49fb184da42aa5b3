"""The PDF, XLSX and zipped CSV carry the same numbers as the figures; the command writes them."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from aileague.cli.main import app
from aileague.reports.build import build_season_report

pytestmark = pytest.mark.django_db

SHEETS = [
    "figures",
    "teams_by_province",
    "teams_by_asean_country",
    "scenarios_by_track",
    "submissions_by_day",
    "stages_by_mode",
    "awards_by_level",
    "relations_by_stage",
    "agreements_by_country",
    "center_by_country",
    "funnel_by_track",
    "funnel_by_scenario",
]


def test_pdf_has_the_cover_table_the_charts_and_the_tables(season):
    report = build_season_report(league=season.league, formats=("pdf",))
    pdf = PdfReader(io.BytesIO(report.files["pdf"]))
    # Cover, 7 charts, the funnel, funnel by track, scenarios by track, teams by province.
    assert len(pdf.pages) == 12
    cover = pdf.pages[0].extract_text()
    assert "Season report" in cover
    assert "Registered teams 5" in cover
    assert "Value of projects started (yuan) 700,000" in cover
    assert "Projects with investor interest 2" in cover
    assert "Teams by Chinese province" in pdf.pages[1].extract_text()
    assert pdf.metadata.title == f"Season report: League {season.league.slug.split('-')[1]}"


def test_xlsx_has_one_sheet_per_table_with_the_same_numbers(season):
    report = build_season_report(league=season.league, formats=("xlsx",))
    book = load_workbook(io.BytesIO(report.files["xlsx"]))
    assert book.sheetnames == SHEETS
    figures = {row[0]: row[2] for row in book["figures"].iter_rows(min_row=2, values_only=True)}
    assert figures["teams"] == 5
    assert figures["contracts_value_cny"] == 700000
    assert figures["technologies_in_use"] == 1
    assert figures["tracks_at_launch"] == 1
    days = list(book["submissions_by_day"].iter_rows(min_row=2, values_only=True))
    assert [(d.date().isoformat(), n) for d, n in days] == [
        ("2026-01-11", 2),
        ("2026-01-12", 1),
        ("2026-01-21", 1),
    ]


def test_csv_zip_has_one_file_per_table(season):
    report = build_season_report(league=season.league, formats=("csv",))
    archive = zipfile.ZipFile(io.BytesIO(report.files["csv"]))
    assert archive.namelist() == [f"{name}.csv" for name in SHEETS]
    text = archive.read("agreements_by_country.csv").decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["code", "country", "agreements"],
        ["VN", "Vietnam", "2"],
        ["LA", "Laos", "1"],
    ]


def test_command_writes_the_files(season, tmp_path):
    result = CliRunner().invoke(
        app,
        ["report", "--league", season.league.slug, "--out", str(tmp_path), "--language", "en"],
    )
    assert result.exit_code == 0, result.output
    slug = season.league.slug
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"season-report-{slug}.csv.zip",
        f"season-report-{slug}.pdf",
        f"season-report-{slug}.xlsx",
    ]
    assert "5 teams, 4 submissions, 2 products, 700,000 yuan of projects started" in result.output


def test_command_refuses_an_unknown_format(season, tmp_path):
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path), "--format", "docx"])
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []
