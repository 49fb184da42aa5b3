"""A validated bundle, ready to be written: plain values and resolved file paths, no models."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aileague.scoring.schema import TaskSchema


@dataclass
class OrganisationPlan:
    name: str
    kind: str
    country: str


@dataclass
class SourceFile:
    """A file inside the bundle: ``name`` as league.yaml gives it, ``path`` on disk."""

    name: str
    path: Path


@dataclass
class DataFilePlan:
    name: str
    source: SourceFile
    description: dict[str, str]


@dataclass
class StagePlan:
    slug: str
    fields: dict[str, Any]  # Stage model fields other than scenario and slug


@dataclass
class ScenarioPlan:
    slug: str
    yaml_path: str  # where the scenario is in league.yaml, for problems found later
    owner: str
    fields: dict[str, Any]  # Scenario model fields other than track, slug, owner and files
    schema: TaskSchema | None = None
    reference: SourceFile | None = None
    baseline: SourceFile | None = None
    custom_metric: SourceFile | None = None  # the task's metric: custom file
    data: list[DataFilePlan] = field(default_factory=list)
    stages: list[StagePlan] = field(default_factory=list)


@dataclass
class TrackPlan:
    slug: str
    fields: dict[str, Any]
    scenarios: list[ScenarioPlan] = field(default_factory=list)


@dataclass
class LeaguePlan:
    slug: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    organisations: list[OrganisationPlan] = field(default_factory=list)
    tracks: list[TrackPlan] = field(default_factory=list)

    @property
    def scenarios(self) -> list[ScenarioPlan]:
        return [scenario for track in self.tracks for scenario in track.scenarios]
