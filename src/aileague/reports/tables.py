"""The report's tables: one list of rows per table, shared by the page, the PDF, CSV and XLSX,
so every format shows the same numbers. Labels follow the active language."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from aileague.common.countries import ASEAN_COUNTRIES, CHINESE_PROVINCES, COUNTRIES
from aileague.common.i18n import pick
from aileague.competitions.models import EvaluationMode
from aileague.outcomes.models import AwardLevel, RelationStage
from aileague.reports.figures import SeasonFigures
from aileague.reports.funnel import STEPS, Funnel


@dataclass(frozen=True)
class Table:
    key: str  # file and sheet name
    title: str
    headers: list[str]
    rows: list[list]


def country_name(code: str) -> str:
    return str(COUNTRIES.get(code, code))


def headline_rows(f: SeasonFigures) -> list[list]:
    """(key, figure, value, detail): the figures of the product brief's table, and more."""
    modes = ", ".join(
        f"{EvaluationMode(mode).label} {n}" for mode, n in f.stages_by_mode.items() if n
    )
    return [
        [
            "tracks_at_launch",
            _("Tracks at launch"),
            f.tracks_at_launch,
            _("tracks that appeared in the launch week"),
        ],
        ["tracks_at_close", _("Tracks at the close"), f.tracks_at_close, ""],
        ["contest_types", _("Contest types (evaluation modes)"), f.contest_types, modes],
        ["teams", _("Registered teams"), f.teams, ""],
        ["provinces", _("Chinese provinces"), f.provinces, _("of 31")],
        ["asean_countries", _("ASEAN countries"), f.asean_countries, _("of 11")],
        ["asean_teams", _("ASEAN teams"), f.asean_teams, f"{f.asean_share:.1%}"],
        ["joint_teams", _("Joint China–ASEAN teams"), f.joint_teams, ""],
        ["scenarios_published", _("Scenarios published"), f.scenarios_published, ""],
        ["scenarios_excellent", _("Scenarios rated excellent"), f.scenarios_excellent, ""],
        ["submissions", _("Submissions"), f.submissions, ""],
        ["benchmark_stages", _("Benchmark stages"), f.stages_by_mode[EvaluationMode.AUTOMATIC], ""],
        [
            "judged_stages",
            _("Judged stages (jury or combined)"),
            f.stages_by_mode[EvaluationMode.JURY] + f.stages_by_mode[EvaluationMode.COMBINED],
            "",
        ],
        [
            "judged_entries",
            _("Judged entries"),
            f.judged_entries,
            _("%(n)s reviews") % {"n": f.judged_reviews},
        ],
        ["awards", _("Awards"), f.awards, ""],
        ["products", _("New products"), f.products, _("of %(n)s projects") % {"n": f.projects}],
        [
            "projects_started",
            _("Projects started (contract signed)"),
            f.projects_started,
            _("%(n)s contracts") % {"n": f.contracts},
        ],
        ["contracts_value_cny", _("Value of projects started (yuan)"), f.contracts_value_cny, ""],
        [
            "projects_with_investor_interest",
            _("Projects with investor interest"),
            f.projects_with_investor_interest,
            "",
        ],
        ["technologies_in_use", _("Technologies put into use"), f.technologies_in_use, ""],
        [
            "agreements",
            _("Cooperation agreements"),
            f.agreements,
            _("%(n)s countries") % {"n": len(f.agreements_by_country)},
        ],
        [
            "center_sign_ins",
            _("Projects signed into the cooperation center"),
            f.center_sign_ins,
            _("%(n)s countries") % {"n": f.center_countries},
        ],
        [
            "center_investment_cny",
            _("Agreed investment in the center (yuan)"),
            f.center_investment_cny,
            "",
        ],
        [
            "duration_days",
            _("Duration (days)"),
            f.duration_days,
            _("about %(n)s months") % {"n": f.duration_months},
        ],
    ]


def report_tables(figures: SeasonFigures, funnel: Funnel) -> list[Table]:
    f = figures
    return [
        Table(
            "figures",
            _("Season figures"),
            [_("key"), _("figure"), _("value"), _("detail")],
            headline_rows(f),
        ),
        Table(
            "teams_by_province",
            _("Teams by Chinese province"),
            [_("code"), _("province"), _("teams")],
            [[code, str(CHINESE_PROVINCES[code]), n] for code, n in f.teams_by_province.items()],
        ),
        Table(
            "teams_by_asean_country",
            _("Teams by ASEAN country"),
            [_("code"), _("country"), _("teams")],
            [[code, str(ASEAN_COUNTRIES[code]), n] for code, n in f.teams_by_asean_country.items()],
        ),
        Table(
            "scenarios_by_track",
            _("Scenarios by track"),
            [_("track"), _("name"), _("at launch"), _("scenarios"), _("excellent")],
            [[t.slug, pick(t.name), t.at_launch, t.scenarios, t.excellent] for t in f.tracks],
        ),
        Table(
            "submissions_by_day",
            _("Submissions per day"),
            [_("day"), _("submissions")],
            [[day, n] for day, n in f.submissions_by_day],
        ),
        Table(
            "stages_by_mode",
            _("Stages by evaluation mode"),
            [_("mode"), _("stages")],
            [[str(EvaluationMode(mode).label), n] for mode, n in f.stages_by_mode.items()],
        ),
        Table(
            "awards_by_level",
            _("Awards by level"),
            [_("level"), _("awards")],
            [[str(AwardLevel(level).label), n] for level, n in f.awards_by_level.items()],
        ),
        Table(
            "relations_by_stage",
            _("Investor and pilot relations by stage"),
            [_("stage"), _("relations")],
            [[str(RelationStage(stage).label), n] for stage, n in f.relations_by_stage.items()],
        ),
        Table(
            "agreements_by_country",
            _("Cooperation agreements by country"),
            [_("code"), _("country"), _("agreements")],
            [[code, country_name(code), n] for code, n in f.agreements_by_country.items()],
        ),
        Table(
            "center_by_country",
            _("Cooperation center sign-ins by country"),
            [_("code"), _("country"), _("projects")],
            [[code, country_name(code), n] for code, n in f.center_by_country.items()],
        ),
        Table(
            "funnel_by_track",
            _("Funnel by track"),
            [_("track"), _("name"), *step_labels()],
            [[line.slug, pick(line.name), *line.steps()] for line in funnel.tracks],
        ),
        Table(
            "funnel_by_scenario",
            _("Funnel by scenario"),
            [_("scenario"), _("track"), *step_labels()],
            [[line.slug, line.track_slug, *line.steps()] for line in funnel.scenarios],
        ),
    ]


def step_labels() -> list[str]:
    labels = {
        "registered": _("registered"),
        "submitted": _("submitted"),
        "advanced": _("advanced"),
        "awarded": _("awarded"),
        "piloted": _("piloted"),
    }
    return [labels[step] for step in STEPS]


def display(value) -> str:
    """A cell as people read it: thousands separators, yuan without cents."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}"
    return str(value)
