"""Exporting a league as a bundle that imports back into the same league.

File names in the export are derived from slugs (``reference/<scenario>.csv``, ...), not from
storage names, so an export reads like a hand-made bundle and two exports of one league match.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from aileague.common.errors import InvalidInput
from aileague.competitions.bundle.schema import FORMAT
from aileague.competitions.bundle.source import MANIFEST, unsafe_path
from aileague.competitions.models import League, Scenario, Stage, Track

#: Bundle file name → its content: text of a page, or the storage name of a stored file.
Files = dict[str, "str | StoredName"]


class StoredName(str):
    """The name of a file in Django's default storage (as opposed to literal text)."""


def export_bundle(*, league: League, out: Path) -> Path:
    """Write ``league`` as a bundle to ``out``: a zip when it ends in .zip, else a folder.

    ``out`` must not exist yet (or be an empty folder), so an export never mixes with old files.
    """
    out = Path(out)
    if out.is_file() or (out.is_dir() and any(out.iterdir())):
        raise InvalidInput(
            _("'%(path)s' already exists; export into a new path.") % {"path": out},
            code="export_target_exists",
        )
    files: Files = {}
    document = describe_league(league, files)
    files[MANIFEST] = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    try:
        _write(out, files)
    except BaseException:
        if out.suffix.lower() == ".zip":
            out.unlink(missing_ok=True)
        raise
    return out


def _open(content: str) -> BinaryIO:
    if isinstance(content, StoredName):
        return default_storage.open(content, "rb")
    return io.BytesIO(content.encode("utf-8"))


def _write(out: Path, files: Files) -> None:
    for name in files:
        # Names come from slugs and language codes; one edited by hand must not escape ``out``.
        if unsafe_path(name):
            raise InvalidInput(
                _("Cannot export a file named '%(name)s'.") % {"name": name},
                code="unsafe_export_name",
            )
    if out.suffix.lower() == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in sorted(files.items()):
                with _open(content) as source, archive.open(name, "w") as target:
                    shutil.copyfileobj(source, target)
        return
    for name, content in sorted(files.items()):
        destination = out.joinpath(*PurePosixPath(name).parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with _open(content) as source, open(destination, "wb") as target:
            shutil.copyfileobj(source, target)


def describe_league(league: League, files: Files) -> dict[str, Any]:
    """The league.yaml document of ``league``; the files it names are added to ``files``."""
    tracks = list(league.tracks.prefetch_related("scenarios__owner").all())
    owners = {s.owner for track in tracks for s in track.scenarios.all()}
    league_entry: dict[str, Any] = {"slug": league.slug, "name": league.name}
    _put(league_entry, "description", league.description)
    league_entry.update(
        {
            "season": league.season,
            "timezone": league.timezone,
            "team_size": {"min": league.team_size_min, "max": league.team_size_max},
        }
    )
    return {
        "format": FORMAT,
        "league": league_entry,
        "organisations": [
            {"name": owner.name, "kind": owner.kind, "country": owner.country}
            for owner in sorted(owners, key=lambda owner: owner.name)
        ],
        "tracks": [_track(track, files) for track in tracks],
    }


def _put(entry: dict[str, Any], key: str, value: Any) -> None:
    """Optional keys are written only when they hold something, as a person would write them."""
    if value:
        entry[key] = value


def _track(track: Track, files: Files) -> dict[str, Any]:
    entry: dict[str, Any] = {"slug": track.slug, "name": track.name}
    _put(entry, "description", track.description)
    entry["scenarios"] = [_scenario(scenario, files) for scenario in track.scenarios.all()]
    return entry


def _scenario(scenario: Scenario, files: Files) -> dict[str, Any]:
    slug = scenario.slug
    entry: dict[str, Any] = {"slug": slug, "title": scenario.title}
    _put(entry, "summary", scenario.summary)
    entry.update({"owner": scenario.owner.name, "status": scenario.status})
    entry["problem"] = _pages(files, scenario.problem_statement, f"pages/{slug}/problem")
    _put(entry, "data_description", _pages(files, scenario.data_description, f"pages/{slug}/data"))
    _put(entry, "languages", scenario.languages)
    _put(entry, "target_countries", scenario.target_countries)
    _put(entry, "prize", _prize(scenario))
    _put(entry, "pilot_offer", scenario.pilot_offer)
    entry["task"] = _task(scenario, files)
    entry["data"] = [_data_file(data, files, slug) for data in scenario.data_files.all()]
    if scenario.reference_file.name:
        entry["reference"] = _stored(files, f"reference/{slug}.csv", scenario.reference_file.name)
    if scenario.baseline_file.name:
        suffix = PurePosixPath(scenario.baseline_file.name).suffix
        entry["baseline"] = _stored(files, f"baselines/{slug}{suffix}", scenario.baseline_file.name)
    entry["stages"] = [_stage(stage) for stage in scenario.stages.all()]
    return entry


def _task(scenario: Scenario, files: Files) -> dict[str, Any]:
    """The stored task; a custom metric's file goes back to the path the bundle gave it."""
    task = dict(scenario.task)
    block = task.get("custom_metric")
    if not isinstance(block, dict) or not scenario.custom_metric_file.name:
        return task
    name = str(block.get("path", ""))
    stored = scenario.custom_metric_file.name
    # Scenarios of one bundle may share a metric file; one that differs gets its own name.
    if name in files and not _same_content(files[name], stored):
        name = f"metrics/{scenario.slug}/{PurePosixPath(name).name}"
    task["custom_metric"] = {**block, "path": _stored(files, name, stored)}
    return task


def _same_content(content: str, storage_name: str) -> bool:
    with _open(content) as first, default_storage.open(storage_name, "rb") as second:
        return first.read() == second.read()


def _stored(files: Files, name: str, storage_name: str) -> str:
    files[name] = StoredName(storage_name)
    return name


def _pages(files: Files, texts: dict[str, str], stem: str) -> dict[str, str]:
    names = {}
    for language, text in texts.items():
        names[language] = f"{stem}.{language}.md"
        files[names[language]] = text
    return names


def _data_file(data, files: Files, slug: str) -> dict[str, Any]:
    entry = {"name": data.name, "path": _stored(files, f"data/{slug}/{data.name}", data.file.name)}
    _put(entry, "description", data.description)
    return entry


def _prize(scenario: Scenario) -> dict[str, Any]:
    amount = scenario.prize_amount
    if amount is None and not scenario.prize_description and scenario.prize_currency == "CNY":
        return {}
    entry: dict[str, Any] = {}
    if amount is not None:
        entry["amount"] = _number(Decimal(amount))
    entry["currency"] = scenario.prize_currency
    _put(entry, "description", scenario.prize_description)
    return entry


def _number(amount: Decimal) -> int | str:
    """Whole amounts as YAML integers; others as text, which keeps every digit exactly."""
    if amount == amount.to_integral_value():
        return int(amount)
    return str(amount)


def _stage(stage: Stage) -> dict[str, Any]:
    try:
        zone = ZoneInfo(stage.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return {
        "slug": stage.slug,
        "name": stage.name,
        "opens": stage.opens_at.astimezone(zone).isoformat(),
        "closes": stage.closes_at.astimezone(zone).isoformat(),
        "timezone": stage.timezone,
        "evaluation": stage.evaluation_mode,
        "quota": {
            "daily": stage.daily_quota,
            "total": stage.total_quota,
            "running": stage.max_running,
        },
        "final_selection": stage.final_selection_limit,
    }
