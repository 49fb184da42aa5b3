"""Validating league.yaml against docs/bundle-format.md, into a plan of what to write.

The checks run to the end even after a mistake, so an organiser sees every problem of a bundle
in one run rather than one per attempt.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from aileague.accounts.models import OrganisationKind
from aileague.common.countries import COUNTRIES
from aileague.competitions.bundle.custom_metric import check_custom_block, custom_metric_file
from aileague.competitions.bundle.fields import CURRENCY, Checker, join
from aileague.competitions.bundle.plan import (
    DataFilePlan,
    LeaguePlan,
    OrganisationPlan,
    ScenarioPlan,
    SourceFile,
    StagePlan,
    TrackPlan,
)
from aileague.competitions.bundle.source import MANIFEST, locate
from aileague.competitions.models import EvaluationMode, ScenarioStatus
from aileague.scoring.custom import CUSTOM
from aileague.scoring.metrics import METRICS, get_metric, known_metric_names
from aileague.scoring.schema import SchemaError, TaskKind, TaskSchema

FORMAT = "aileague-bundle/1"
DEFAULT_TIMEZONE = "Asia/Shanghai"
FILE_NAME = re.compile(r"(?!\.\.?$)[^/\\\x00]{1,200}")
SCENARIO_REQUIRED = ("slug", "title", "owner", "problem", "task", "reference")
SCENARIO_OPTIONAL = (
    "summary",
    "status",
    "data_description",
    "languages",
    "target_countries",
    "prize",
    "pilot_offer",
    "data",
    "baseline",
    "stages",
)
TASK_COLUMNS = ("id_column", "prediction_column", "target_column", "split_column")
PUBLISH_LANGUAGES = ("en", "zh-hans")


def load_manifest(root: Path, checker: Checker) -> Any:
    """Parse league.yaml safely; syntax errors are reported with 1-based line and column."""
    text = (root / MANIFEST).read_bytes()
    try:
        _report_duplicate_keys(yaml.compose(text, Loader=yaml.SafeLoader), checker, set())
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _at(mark) if mark else ""
        checker.fail(where, _("invalid YAML: %(problem)s") % {"problem": exc.problem or exc})
    except yaml.YAMLError as exc:
        checker.fail("", _("invalid YAML: %(problem)s") % {"problem": exc})
    return None


def _at(mark) -> str:
    where = {"line": mark.line + 1, "column": mark.column + 1}
    return _("line %(line)d, column %(column)d") % where


def _report_duplicate_keys(node, checker: Checker, seen: set[int]) -> None:
    """PyYAML keeps the last of two equal keys silently; a repeated key is nearly always a slip."""
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first_lines: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value in first_lines:
                checker.fail(
                    _at(key.start_mark),
                    _("key '%(key)s' appears twice in one mapping (first on line %(first)d)")
                    % {"key": key.value, "first": first_lines[key.value]},
                )
            elif isinstance(key, yaml.ScalarNode):
                first_lines[key.value] = key.start_mark.line + 1
            _report_duplicate_keys(value, checker, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _report_duplicate_keys(item, checker, seen)


def explain_schema_error(task: dict, error: SchemaError) -> tuple[str, str]:
    """Which task key ``TaskSchema.from_dict`` refused, and why, in the reader's language."""
    kinds = [kind.value for kind in TaskKind]
    if task.get("kind") not in kinds:
        return "kind", _("'%(kind)s' is not a task kind; expected one of %(kinds)s") % {
            "kind": task.get("kind"),
            "kinds": ", ".join(kinds),
        }
    if task.get("metric") == CUSTOM:
        # check_custom_block reported the block's own mistakes; what is left is the task's.
        return _explain_task_error(task, error, "custom_metric")
    try:
        metric = get_metric(str(task.get("metric", "")))
    except KeyError:
        return "metric", _("'%(metric)s' is not a known metric; expected one of %(metrics)s") % {
            "metric": task.get("metric"),
            "metrics": ", ".join(known_metric_names()),
        }
    kind = TaskKind(task["kind"])
    if kind not in metric.kinds:
        fitting = [name for name in known_metric_names() if kind in get_metric_kinds(name)]
        return "metric", _(
            "'%(metric)s' does not apply to %(kind)s tasks; expected one of %(metrics)s"
        ) % {"metric": metric.name, "kind": kind.value, "metrics": ", ".join(fitting)}
    return _explain_task_error(task, error, "")


def _explain_task_error(task: dict, error: SchemaError, key: str) -> tuple[str, str]:
    """Mistakes that do not depend on the metric; else ``error`` as it is, at ``key``."""
    if task.get("kind") == TaskKind.MULTICLASS_LABEL and len(task.get("labels") or ()) < 2:
        return "labels", _("a multiclass_label task needs a list of at least 2 labels")
    if task.get("id_column", "id") == task.get("prediction_column", "prediction"):
        return "prediction_column", _("must differ from id_column")
    return key, str(error)


def get_metric_kinds(name: str) -> frozenset:
    return METRICS[name.partition("@")[0]].kinds


class ManifestCheck:
    """Checks one league.yaml; files it names are looked up under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.c = Checker(MANIFEST)
        self.organisations: set[str] = set()
        self.timezone: str | None = DEFAULT_TIMEZONE

    @property
    def problems(self):
        return self.c.problems

    def document(self, document: Any) -> LeaguePlan:
        plan = LeaguePlan()
        top = self.c.mapping(
            document, "", required=("format", "league", "tracks"), optional=("organisations",)
        )
        if top is None:
            return plan
        self.c.get(top, "format", "", self.c.choice, choices=(FORMAT,))
        if "league" in top:
            self.league(top["league"], "league", plan)
        plan.organisations = self.c.get(top, "organisations", "", self.organisation_list, [])
        if "tracks" in top:
            plan.tracks = self.tracks(top["tracks"], "tracks")
        return plan

    def league(self, value: Any, path: str, plan: LeaguePlan) -> None:
        c = self.c
        data = c.mapping(
            value,
            path,
            required=("slug", "name", "season"),
            optional=("description", "timezone", "team_size"),
        )
        plan.slug = c.get(data, "slug", path, c.slug)
        plan.fields = {
            "name": c.get(data, "name", path, c.language_map),
            "description": c.get(data, "description", path, c.language_map, {}),
            "season": c.get(data, "season", path, c.integer, minimum=1),
        }
        self.timezone = plan.fields["timezone"] = c.get(
            data, "timezone", path, c.zone, DEFAULT_TIMEZONE
        )
        size_path = join(path, "team_size")
        size = c.get(data, "team_size", path, c.mapping, {}, optional=("min", "max"))
        smallest = c.get(size, "min", size_path, c.integer, 1, minimum=1)
        largest = c.get(size, "max", size_path, c.integer, 5, minimum=1)
        if smallest and largest and largest < smallest:
            c.fail(join(size_path, "max"), _("must be at least min (%(min)d)") % {"min": smallest})
        plan.fields.update(team_size_min=smallest, team_size_max=largest)

    def organisation_list(self, value: Any, path: str) -> list[OrganisationPlan]:
        c = self.c
        result = []
        for index, item in enumerate(c.items(value, path)):
            item_path = join(path, index)
            data = c.mapping(item, item_path, required=("name", "kind", "country"))
            name = c.get(
                data,
                "name",
                item_path,
                c.pattern,
                regex=re.compile(r"\S.{0,199}"),
                expected=_("a name of at most 200 characters"),
            )
            kind = c.get(data, "kind", item_path, c.choice, choices=OrganisationKind.values)
            country = c.get(data, "country", item_path, c.choice, choices=sorted(COUNTRIES))
            if name in self.organisations:
                c.fail(join(item_path, "name"), _("'%(value)s' is listed twice") % {"value": name})
            elif name and kind and country:
                result.append(OrganisationPlan(name=name, kind=kind, country=country))
            if name:
                self.organisations.add(name)
        return result

    def unique(self, seen: dict[str, str], value: str | None, path: str) -> None:
        """Report ``value`` if an earlier field (recorded in ``seen``) already used it."""
        if value is None:
            return
        if value in seen:
            self.c.fail(
                path,
                _("'%(value)s' is already used at %(other)s")
                % {"value": value, "other": seen[value]},
            )
        else:
            seen[value] = path

    def tracks(self, value: Any, path: str) -> list[TrackPlan]:
        c = self.c
        result = []
        track_slugs: dict[str, str] = {}
        scenario_slugs: dict[str, str] = {}
        for index, item in enumerate(c.items(value, path)):
            track_path = join(path, index)
            data = c.mapping(
                item, track_path, required=("slug", "name", "scenarios"), optional=("description",)
            )
            track = TrackPlan(
                slug=c.get(data, "slug", track_path, c.slug),
                fields={
                    "name": c.get(data, "name", track_path, c.language_map),
                    "description": c.get(data, "description", track_path, c.language_map, {}),
                    "position": index,
                },
            )
            self.unique(track_slugs, track.slug, join(track_path, "slug"))
            scenarios_path = join(track_path, "scenarios")
            for position, raw in enumerate(c.get(data, "scenarios", track_path, c.items, [])):
                scenario = self.scenario(raw, join(scenarios_path, position), position)
                self.unique(scenario_slugs, scenario.slug, join(scenario.yaml_path, "slug"))
                track.scenarios.append(scenario)
            result.append(track)
        return result

    def scenario(self, value: Any, path: str, position: int) -> ScenarioPlan:
        c = self.c
        data = c.mapping(value, path, required=SCENARIO_REQUIRED, optional=SCENARIO_OPTIONAL)
        plan = ScenarioPlan(
            slug=c.get(data, "slug", path, c.slug),
            yaml_path=path,
            owner=c.get(data, "owner", path, self.owner),
            fields={
                "title": c.get(data, "title", path, c.language_map),
                "summary": c.get(data, "summary", path, c.language_map, {}),
                "status": c.get(
                    data,
                    "status",
                    path,
                    c.choice,
                    ScenarioStatus.PUBLISHED.value,
                    choices=ScenarioStatus.values,
                ),
                "problem_statement": c.get(data, "problem", path, self.pages),
                "data_description": c.get(data, "data_description", path, self.pages, {}),
                "languages": c.get(data, "languages", path, c.list_of, [], item=c.language),
                "target_countries": c.get(
                    data, "target_countries", path, c.list_of, [], item=c.country
                ),
                "pilot_offer": c.get(data, "pilot_offer", path, c.language_map, {}),
                "position": position,
                **self.prize(data, path),
            },
        )
        plan.schema = c.get(data, "task", path, self.task)
        plan.fields["task"] = plan.schema.to_dict() if plan.schema else None
        plan.fields["metric"] = plan.schema.metric if plan.schema else None
        if plan.schema and plan.schema.custom_metric:
            custom = plan.schema.custom_metric
            plan.fields["metric"] = custom.name  # what leaderboards and pages show
            block_path = join(join(path, "task"), "custom_metric")
            plan.custom_metric = custom_metric_file(c, self.root, custom, block_path)
        plan.reference = c.get(data, "reference", path, self.file)
        plan.baseline = c.get(data, "baseline", path, self.file)
        plan.data = c.get(data, "data", path, self.data_files, [])
        plan.stages = c.get(data, "stages", path, self.stages, [])
        self.publishable(plan, data)
        return plan

    def owner(self, value: Any, path: str) -> str | None:
        name = self.c.text(value, path)
        if name is not None and name not in self.organisations:
            self.c.fail(
                path,
                _("'%(name)s' is not an organisation of this bundle; expected one of: %(names)s")
                % {"name": name, "names": ", ".join(sorted(self.organisations)) or "-"},
            )
            return None
        return name

    def publishable(self, plan: ScenarioPlan, data: dict | None) -> None:
        """What ``publish_scenario`` demands of a scenario, demanded of a published one here."""
        if data is None or plan.fields["status"] != ScenarioStatus.PUBLISHED:
            return
        title = plan.fields["title"]
        missing = [language for language in PUBLISH_LANGUAGES if title and language not in title]
        if missing:
            self.c.fail(
                join(plan.yaml_path, "title"),
                _("a published scenario needs a title in %(needed)s; missing %(missing)s")
                % {"needed": " and ".join(PUBLISH_LANGUAGES), "missing": ", ".join(missing)},
            )
        if isinstance(data.get("stages", []), list) and not data.get("stages"):
            self.c.fail(
                join(plan.yaml_path, "stages"), _("a published scenario needs at least one stage")
            )

    def prize(self, data: dict | None, path: str) -> dict[str, Any]:
        c = self.c
        prize_path = join(path, "prize")
        prize = c.get(
            data, "prize", path, c.mapping, {}, optional=("amount", "currency", "description")
        )
        return {
            "prize_amount": c.get(prize, "amount", prize_path, c.amount),
            "prize_currency": c.get(
                prize,
                "currency",
                prize_path,
                c.pattern,
                "CNY",
                regex=CURRENCY,
                expected=_("a currency code such as CNY"),
            ),
            "prize_description": c.get(prize, "description", prize_path, c.language_map, {}),
        }

    def task(self, value: Any, path: str) -> TaskSchema | None:
        c = self.c
        data = c.mapping(
            value,
            path,
            required=("kind", "metric"),
            optional=(*TASK_COLUMNS, "labels", "language", "custom_metric"),
        )
        if data is None:
            return None
        before = len(c.problems)
        for key in ("kind", "metric", *TASK_COLUMNS):
            c.get(data, key, path, c.text)
        c.get(data, "labels", path, c.list_of, item=self.label)
        c.get(data, "language", path, c.language)
        self.kind_specific(data, path)
        check_custom_block(c, data, path)
        if len(c.problems) > before:
            return None
        try:
            return TaskSchema.from_dict(data)
        except SchemaError as exc:
            key, message = explain_schema_error(data, exc)
            c.fail(join(path, key) if key else path, message)
            return None

    def kind_specific(self, task: dict, path: str) -> None:
        labelled = {TaskKind.MULTICLASS_LABEL, TaskKind.MULTICLASS_PROBABILITY, TaskKind.DETECTION}
        if "labels" in task and task.get("kind") not in labelled:
            self.c.fail(
                join(path, "labels"),
                _("labels apply to multiclass_label, multiclass_probability and detection tasks"),
            )
        if "language" in task and task.get("kind") != TaskKind.TEXT:
            self.c.fail(join(path, "language"), _("language applies to text tasks only"))

    def label(self, value: Any, path: str) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.c.text(value, path)

    def file(self, value: Any, path: str) -> SourceFile | None:
        name = self.c.text(value, path)
        if name is None:
            return None
        found, message = locate(self.root, name)
        if message:
            self.c.fail(path, message)
            return None
        return SourceFile(name=name, path=found)

    def pages(self, value: Any, path: str) -> dict[str, str] | None:
        """Markdown pages, given as a path or a language map of paths, read as text."""
        names = self.c.language_map(value, path)
        if names is None:
            return None
        texts = {}
        for language, name in names.items():
            source = self.file(name, path if isinstance(value, str) else join(path, language))
            try:
                if source is not None:
                    texts[language] = source.path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                self.c.fail(
                    "", _("is not UTF-8 text (byte %(offset)d)") % {"offset": exc.start}, file=name
                )
        return texts if len(texts) == len(names) else None

    def data_files(self, value: Any, path: str) -> list[DataFilePlan]:
        c = self.c
        result = []
        names: dict[str, str] = {}
        for index, item in enumerate(c.items(value, path)):
            item_path = join(path, index)
            data = c.mapping(item, item_path, required=("name", "path"), optional=("description",))
            name = c.get(
                data,
                "name",
                item_path,
                c.pattern,
                regex=FILE_NAME,
                expected=_("a file name without '/' of at most 200 characters"),
            )
            self.unique(names, name, join(item_path, "name"))
            source = c.get(data, "path", item_path, self.file)
            description = c.get(data, "description", item_path, c.language_map, {})
            if name and source and description is not None:
                result.append(DataFilePlan(name=name, source=source, description=description))
        return result

    def stages(self, value: Any, path: str) -> list[StagePlan]:
        result = []
        slugs: dict[str, str] = {}
        for index, item in enumerate(self.c.items(value, path)):
            stage = self.stage(item, join(path, index), index)
            self.unique(slugs, stage.slug, join(join(path, index), "slug"))
            result.append(stage)
        return result

    def stage(self, value: Any, path: str, position: int) -> StagePlan:
        c = self.c
        data = c.mapping(
            value,
            path,
            required=("slug", "name", "opens", "closes"),
            optional=("timezone", "evaluation", "quota", "final_selection"),
        )
        opens = c.get(data, "opens", path, c.moment)
        closes = c.get(data, "closes", path, c.moment)
        if opens and closes and closes <= opens:
            c.fail(
                join(path, "closes"),
                _("must be after opens (%(opens)s)") % {"opens": data["opens"]},
            )
        quota_path = join(path, "quota")
        quota = c.get(data, "quota", path, c.mapping, {}, optional=("daily", "total", "running"))
        return StagePlan(
            slug=c.get(data, "slug", path, c.slug),
            fields={
                "name": c.get(data, "name", path, c.language_map),
                "position": position,
                "opens_at": opens,
                "closes_at": closes,
                "timezone": c.get(data, "timezone", path, c.zone, self.timezone),
                "evaluation_mode": c.get(
                    data,
                    "evaluation",
                    path,
                    c.choice,
                    EvaluationMode.AUTOMATIC.value,
                    choices=EvaluationMode.values,
                ),
                "daily_quota": c.get(quota, "daily", quota_path, c.integer, 5),
                "total_quota": c.get(quota, "total", quota_path, c.integer, 100),
                "max_running": c.get(quota, "running", quota_path, c.integer, 3),
                "final_selection_limit": c.get(data, "final_selection", path, c.integer, 2),
            },
        )
