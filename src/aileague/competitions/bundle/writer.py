"""Writing a validated bundle plan to the database and the file storage, in one transaction.

Files cannot join a database transaction, so the writer keeps a log: files it stored are deleted
again if the transaction fails, and files it made obsolete are deleted only after the commit.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import transaction
from django.utils import timezone

from aileague.accounts.models import Organisation
from aileague.common.audit import record_audit
from aileague.common.storage import StoredFile, delete_file, store_file
from aileague.competitions.bundle.conflicts import league_problems
from aileague.competitions.bundle.errors import BundleError
from aileague.competitions.bundle.plan import LeaguePlan, ScenarioPlan, SourceFile, StagePlan
from aileague.competitions.models import DataFile, League, Scenario, ScenarioStatus, Stage, Track


class StoredFiles:
    """Files this import put into storage, and stored files it made obsolete."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.obsolete: list[str] = []

    def store(self, source: SourceFile, name: str) -> StoredFile:
        with open(source.path, "rb") as handle:
            stored = store_file(handle, name)
        self.written.append(stored.name)
        return stored

    def retire(self, *names: str) -> None:
        self.obsolete.extend(name for name in names if name)

    def delete_written(self) -> None:
        for name in self.written:
            delete_file(name)

    def delete_obsolete(self) -> None:
        for name in self.obsolete:
            delete_file(name)


def write_league(plan: LeaguePlan, *, actor, replace: bool, source: str) -> League:
    """Write a plan that ``check_bundle`` found no problem in."""
    files = StoredFiles()
    try:
        with transaction.atomic():
            league, before = _lock_league(plan, replace=replace)
            owners = _organisations(plan)
            _write_tracks(league, plan, owners, files)
            after = {**_summary(league), "source": source, "replaced": before is not None}
            record_audit(
                actor=actor, action="bundle.import", target=league, before=before, after=after
            )
            transaction.on_commit(files.delete_obsolete)
    except BaseException:
        files.delete_written()
        raise
    return league


def _lock_league(plan: LeaguePlan, *, replace: bool) -> tuple[League, dict | None]:
    """The league to write into, locked; submissions are checked again under the lock."""
    league = League.objects.select_for_update().filter(slug=plan.slug).first()
    if league is None:
        return League.objects.create(slug=plan.slug, **plan.fields), None
    problems = league_problems(league, replace=replace)
    if problems:
        raise BundleError(problems)
    before = _summary(league)
    for name, value in plan.fields.items():
        setattr(league, name, value)
    league.save()
    return league, before


def _summary(league: League) -> dict:
    scenarios = Scenario.objects.filter(track__league=league)
    return {
        "slug": league.slug,
        "tracks": league.tracks.count(),
        "scenarios": sorted(scenarios.values_list("slug", flat=True)),
        "stages": Stage.objects.filter(scenario__in=scenarios).count(),
    }


def _organisations(plan: LeaguePlan) -> dict[str, Organisation]:
    """Organisations by name; existing ones are used as they are, missing ones created."""
    owners = {}
    for organisation in plan.organisations:
        owners[organisation.name], _created = Organisation.objects.get_or_create(
            name=organisation.name,
            defaults={"kind": organisation.kind, "country": organisation.country},
        )
    return owners


def _write_tracks(league: League, plan: LeaguePlan, owners: dict, files: StoredFiles) -> None:
    kept_tracks, kept_scenarios = [], []
    for track_plan in plan.tracks:
        track, _created = Track.objects.update_or_create(
            league=league, slug=track_plan.slug, defaults=track_plan.fields
        )
        kept_tracks.append(track.pk)
        for scenario_plan in track_plan.scenarios:
            scenario = _write_scenario(league, track, scenario_plan, owners, files)
            kept_scenarios.append(scenario.pk)
    stale = Scenario.objects.filter(track__league=league).exclude(pk__in=kept_scenarios)
    for scenario in stale:
        _retire_files(scenario, files)
    stale.delete()
    Track.objects.filter(league=league).exclude(pk__in=kept_tracks).delete()


def _retire_files(scenario: Scenario, files: StoredFiles) -> None:
    files.retire(
        scenario.reference_file.name,
        scenario.baseline_file.name,
        scenario.custom_metric_file.name,
        *scenario.data_files.values_list("file", flat=True),
    )


def _write_scenario(
    league: League, track: Track, plan: ScenarioPlan, owners: dict, files: StoredFiles
) -> Scenario:
    scenario = Scenario.objects.filter(track__league=league, slug=plan.slug).first()
    if scenario is None:
        scenario = Scenario(slug=plan.slug)
    else:
        _retire_files(scenario, files)
    was_published = scenario.status == ScenarioStatus.PUBLISHED and scenario.published_at
    for name, value in plan.fields.items():
        setattr(scenario, name, value)
    scenario.track, scenario.owner = track, owners[plan.owner]
    if scenario.status != ScenarioStatus.PUBLISHED:
        scenario.published_at = None
    elif not was_published:
        scenario.published_at = timezone.now()
    assert plan.reference is not None
    scenario.reference_file.name = files.store(plan.reference, f"references/{plan.slug}.csv").name
    scenario.baseline_file.name = _store_baseline(plan, files)
    scenario.custom_metric_file.name = _store_custom_metric(plan, files)
    scenario.save()
    scenario.data_files.all().delete()
    for data in plan.data:
        stored = files.store(data.source, f"public-data/{plan.slug}/{data.name}")
        DataFile.objects.create(
            scenario=scenario,
            name=data.name,
            file=stored.name,
            size=stored.size,
            sha256=stored.sha256,
            description=data.description,
        )
    _write_stages(scenario, plan.stages)
    return scenario


def _store_baseline(plan: ScenarioPlan, files: StoredFiles) -> str:
    """The baseline keeps its file name from the bundle, so that it reads as it did there."""
    if plan.baseline is None:
        return ""
    file_name = PurePosixPath(plan.baseline.name).name
    return files.store(plan.baseline, f"baselines/{plan.slug}/{file_name}").name


def _store_custom_metric(plan: ScenarioPlan, files: StoredFiles) -> str:
    """The metric's file keeps its name too: tracebacks in its log name it."""
    if plan.custom_metric is None:
        return ""
    file_name = PurePosixPath(plan.custom_metric.name).name
    return files.store(plan.custom_metric, f"custom-metrics/{plan.slug}/{file_name}").name


def _write_stages(scenario: Scenario, plans: list[StagePlan]) -> None:
    kept = []
    for plan in plans:
        stage, _created = Stage.objects.update_or_create(
            scenario=scenario, slug=plan.slug, defaults=plan.fields
        )
        kept.append(stage.pk)
    scenario.stages.exclude(pk__in=kept).delete()
