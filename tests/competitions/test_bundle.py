"""League bundles: import checks everything and writes all or nothing; export round-trips."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import stat
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.files.storage import default_storage

from aileague.accounts.models import Organisation
from aileague.common.errors import InvalidInput
from aileague.common.models import AuditEntry
from aileague.competitions.bundle import (
    BundleError,
    BundleProblem,
    export_bundle,
    import_bundle,
    validate_bundle,
)
from aileague.competitions.models import DataFile, League, Scenario, Stage, Track
from aileague.scoring.metrics import known_metric_names
from aileague.scoring.schema import TaskKind
from aileague.submissions.services import submit_predictions
from tests.factories import make_entry, make_league, make_scenario, make_track, upload

pytestmark = pytest.mark.django_db

BINARY_REFERENCE = "id,target,split\n001,1,public\n002,0,public\n003,1,private\n004,0,private\n"
BASELINE = "id,risk\n001,0.8\n002,0.3\n003,0.6\n004,0.4\n"
REGRESSION_REFERENCE = "id,target,split\nr1,3.5,public\nr2,4.0,private\n"
MULTICLASS_REFERENCE = "id,target,split\na,food,public\nb,textile,private\nc,food,private\n"
TEXT_REFERENCE = "id,target,split\n1,สวัสดี,public\n2,ขอบคุณ,private\n"

FILES = {
    "pages/customs-risk.en.md": "# Customs risk\n\nFlag risky declarations.\n",
    "pages/customs-risk.zh.md": "# 报关风险\n\n标记高风险报关单。\n",
    "pages/customs-risk-data.md": "One row per declaration.\n",
    "pages/delivery.md": "Predict delivery days.\n",
    "pages/category.md": "Classify products.\n",
    "pages/translate.md": "Translate to Thai.\n",
    "data/customs-risk/train.csv": "id,weight,target\n101,3.2,1\n102,1.0,0\n",
    "data/customs-risk/test.csv": "id,weight\n001,2.0\n002,1.1\n003,5.5\n004,0.3\n",
    "reference/customs-risk.csv": BINARY_REFERENCE,
    "baselines/customs-risk.csv": BASELINE,
    "reference/delivery.csv": REGRESSION_REFERENCE,
    "reference/category.csv": MULTICLASS_REFERENCE,
    "reference/translate.csv": TEXT_REFERENCE,
}


def stage(slug: str = "preliminary", **fields) -> dict:
    return {
        "slug": slug,
        "name": {"en": "Preliminary round", "zh-hans": "初赛"},
        "opens": "2026-05-01T00:00:00+08:00",
        "closes": "2026-08-31T23:59:59+08:00",
        **fields,
    }


def scenario(slug: str, owner: str, task: dict, problem, reference: str, **fields) -> dict:
    return {
        "slug": slug,
        "title": {"en": slug.replace("-", " ").title(), "zh-hans": "场景"},
        "owner": owner,
        "problem": problem,
        "task": task,
        "reference": reference,
        "stages": [stage()],
        **fields,
    }


def customs_scenario() -> dict:
    """The scenario that uses every optional key: pages, data files, baseline, two stages."""
    return scenario(
        "customs-risk",
        "Pingxiang Border Customs",
        {"kind": "binary_probability", "metric": "roc_auc", "prediction_column": "risk"},
        {"en": "pages/customs-risk.en.md", "zh-hans": "pages/customs-risk.zh.md"},
        "reference/customs-risk.csv",
        summary={"en": "Customs risk", "zh-hans": "报关风险"},
        data_description="pages/customs-risk-data.md",
        languages=["zh-hans", "en", "vi"],
        target_countries=["VN"],
        prize={"amount": 200000, "currency": "CNY", "description": {"en": "Cash"}},
        pilot_offer={"en": "A pilot at the border"},
        data=[
            {
                "name": "train.csv",
                "path": "data/customs-risk/train.csv",
                "description": {"en": "Labelled rows"},
            },
            {"name": "test.csv", "path": "data/customs-risk/test.csv"},
        ],
        baseline="baselines/customs-risk.csv",
        stages=[
            stage(
                timezone="Asia/Bangkok",
                quota={"daily": 3, "total": 50, "running": 1},
                final_selection=1,
            ),
            stage(
                "final",
                name={"en": "Final"},
                opens="2026-09-01T00:00:00+07:00",
                closes="2026-09-30T00:00:00Z",
                evaluation="combined",
            ),
        ],
    )


def league_document() -> dict:
    """A valid league: two tracks, one scenario of each task kind."""
    customs = customs_scenario()
    delivery = scenario(
        "delivery-time",
        "Hanoi Logistics",
        {"kind": "regression", "metric": "rmse"},
        "pages/delivery.md",
        "reference/delivery.csv",
        status="draft",
    )
    category = scenario(
        "product-category",
        "Hanoi Logistics",
        {"kind": "multiclass_label", "metric": "accuracy", "labels": ["food", "textile"]},
        "pages/category.md",
        "reference/category.csv",
    )
    translate = scenario(
        "translate-th",
        "Pingxiang Border Customs",
        {"kind": "text", "metric": "chrf", "language": "th"},
        "pages/translate.md",
        "reference/translate.csv",
    )
    return {
        "format": "aileague-bundle/1",
        "league": {
            "slug": "asl-2026",
            "name": {"en": "AI Super League 2026", "zh-hans": "人工智能超级联赛 2026"},
            "description": "Real needs, hidden data.",
            "season": 2026,
            "team_size": {"min": 1, "max": 4},
        },
        "organisations": [
            {"name": "Pingxiang Border Customs", "kind": "public_body", "country": "CN"},
            {"name": "Hanoi Logistics", "kind": "enterprise", "country": "VN"},
        ],
        "tracks": [
            {
                "slug": "logistics",
                "name": {"en": "Logistics", "zh-hans": "物流"},
                "scenarios": [customs, delivery],
            },
            {
                "slug": "language",
                "name": "Language",
                "description": {"en": "Words"},
                "scenarios": [category, translate],
            },
        ],
    }


def make_bundle(
    root: Path,
    edit: Callable[[dict], object] | None = None,
    files: dict[str, str | bytes | None] | None = None,
) -> Path:
    """Write the valid league to ``root`` after ``edit(document)``; ``files`` overrides files
    (None deletes one). Returns the bundle folder."""
    document = league_document()
    if edit is not None:
        edit(document)
    contents: dict[str, str | bytes | None] = {**FILES, **(files or {})}
    root.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        if content is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    (root / "league.yaml").write_text(text, encoding="utf-8")
    return root


def zip_folder(folder: Path, archive: Path, *, inside: str = "") -> Path:
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zipped.write(path, inside + path.relative_to(folder).as_posix())
    return archive


def problems_of(path: Path, **kwargs) -> list[BundleProblem]:
    with pytest.raises(BundleError) as caught:
        import_bundle(path=path, **kwargs)
    assert caught.value.code == "invalid_bundle"
    return caught.value.errors


def stored_files() -> list[str]:
    root = Path(default_storage.location)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def content(field) -> bytes | None:
    if not field.name:
        return None
    with field.open("rb") as handle:
        return handle.read()


def values(instance, *, skip: tuple[str, ...] = ()) -> dict:
    """A model's stored values, without ids, timestamps and what ``skip`` names."""
    ignored = {"id", "created_at", "published_at", *skip}
    return {
        field.name: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if field.name not in ignored
    }


def snapshot(league: League) -> dict:
    """Everything an import sets, file contents instead of storage names, ids left out."""
    league = League.objects.get(pk=league.pk)
    tracks = []
    for track in league.tracks.all():
        scenarios = []
        for item in track.scenarios.all():
            scenarios.append(
                {
                    **values(item, skip=("track", "owner", "reference_file", "baseline_file")),
                    "owner": (item.owner.name, item.owner.kind, item.owner.country),
                    "reference": content(item.reference_file),
                    "baseline": content(item.baseline_file),
                    "data": [
                        {**values(data, skip=("scenario", "file")), "content": content(data.file)}
                        for data in item.data_files.all()
                    ],
                    "stages": [values(each, skip=("scenario",)) for each in item.stages.all()],
                }
            )
        tracks.append({**values(track, skip=("league",)), "scenarios": scenarios})
    return {"league": values(league), "tracks": tracks}


def counts() -> dict[str, int]:
    models = (League, Track, Scenario, Stage, DataFile, Organisation, AuditEntry)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    """Each test stores files in its own folder, so 'nothing was stored' can be checked."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "storage")},
        },
    }


# --- A valid bundle -----------------------------------------------------------------------


def test_valid_bundle_creates_league_tracks_scenarios_and_stages(tmp_path):
    league = import_bundle(path=make_bundle(tmp_path / "bundle"))

    assert counts() == {
        "League": 1,
        "Track": 2,
        "Scenario": 4,
        "Stage": 5,
        "DataFile": 2,
        "Organisation": 2,
        "AuditEntry": 1,
    }
    assert (league.slug, league.season, league.timezone) == ("asl-2026", 2026, "Asia/Shanghai")
    assert league.name == {"en": "AI Super League 2026", "zh-hans": "人工智能超级联赛 2026"}
    assert league.description == {"en": "Real needs, hidden data."}
    assert (league.team_size_min, league.team_size_max) == (1, 4)
    assert [(t.slug, t.position, t.name) for t in league.tracks.all()] == [
        ("logistics", 0, {"en": "Logistics", "zh-hans": "物流"}),
        ("language", 1, {"en": "Language"}),
    ]
    assert list(
        Scenario.objects.order_by("track__position", "position").values_list(
            "slug", "status", "metric", "owner__name"
        )
    ) == [
        ("customs-risk", "published", "roc_auc", "Pingxiang Border Customs"),
        ("delivery-time", "draft", "rmse", "Hanoi Logistics"),
        ("product-category", "published", "accuracy", "Hanoi Logistics"),
        ("translate-th", "published", "chrf", "Pingxiang Border Customs"),
    ]


def test_scenario_fields_come_from_league_yaml_and_its_pages(tmp_path):
    import_bundle(path=make_bundle(tmp_path / "bundle"))

    customs = Scenario.objects.get(slug="customs-risk")
    assert customs.title == {"en": "Customs Risk", "zh-hans": "场景"}
    assert customs.summary == {"en": "Customs risk", "zh-hans": "报关风险"}
    assert customs.problem_statement == {
        "en": "# Customs risk\n\nFlag risky declarations.\n",
        "zh-hans": "# 报关风险\n\n标记高风险报关单。\n",
    }
    assert customs.data_description == {"en": "One row per declaration.\n"}
    assert customs.languages == ["zh-hans", "en", "vi"]
    assert customs.target_countries == ["VN"]
    assert (customs.prize_amount, customs.prize_currency) == (Decimal("200000.00"), "CNY")
    assert customs.prize_description == {"en": "Cash"}
    assert customs.pilot_offer == {"en": "A pilot at the border"}
    assert customs.task == {
        "kind": "binary_probability",
        "metric": "roc_auc",
        "id_column": "id",
        "prediction_column": "risk",
        "target_column": "target",
        "split_column": "split",
    }
    assert customs.published_at is not None
    assert Scenario.objects.get(slug="delivery-time").published_at is None
    assert Scenario.objects.get(slug="product-category").task["labels"] == ["food", "textile"]


def test_public_files_are_stored_with_their_size_and_sha256(tmp_path):
    import_bundle(path=make_bundle(tmp_path / "bundle"))

    train = FILES["data/customs-risk/train.csv"].encode()
    test = FILES["data/customs-risk/test.csv"].encode()
    rows = [
        (d.name, d.size, d.sha256, d.description, content(d.file))
        for d in DataFile.objects.order_by("name")
    ]
    assert rows == [
        ("test.csv", 42, hashlib.sha256(test).hexdigest(), {}, test),
        (
            "train.csv",
            len(train),
            hashlib.sha256(train).hexdigest(),
            {"en": "Labelled rows"},
            train,
        ),
    ]


def test_reference_and_baseline_are_copied_into_storage(tmp_path):
    import_bundle(path=make_bundle(tmp_path / "bundle"))

    customs = Scenario.objects.get(slug="customs-risk")
    assert customs.reference_file.name == "references/customs-risk.csv"
    assert content(customs.reference_file) == BINARY_REFERENCE.encode()
    assert customs.baseline_file.name == "baselines/customs-risk/customs-risk.csv"
    assert content(customs.baseline_file) == BASELINE.encode()
    assert Scenario.objects.get(slug="delivery-time").baseline_file.name == ""


def test_stage_times_are_stored_in_utc_with_quotas_and_defaults(tmp_path):
    import_bundle(path=make_bundle(tmp_path / "bundle"))

    rows = list(
        Stage.objects.filter(scenario__slug="customs-risk").values_list(
            "slug",
            "opens_at",
            "closes_at",
            "timezone",
            "evaluation_mode",
            "daily_quota",
            "total_quota",
            "max_running",
            "final_selection_limit",
        )
    )
    utc = dt.UTC
    assert rows == [
        (
            "preliminary",
            dt.datetime(2026, 4, 30, 16, tzinfo=utc),
            dt.datetime(2026, 8, 31, 15, 59, 59, tzinfo=utc),
            "Asia/Bangkok",
            "automatic",
            3,
            50,
            1,
            1,
        ),
        (
            "final",
            dt.datetime(2026, 8, 31, 17, tzinfo=utc),
            dt.datetime(2026, 9, 30, tzinfo=utc),
            "Asia/Shanghai",
            "combined",
            5,
            100,
            3,
            2,
        ),
    ]


def test_import_writes_one_audit_entry_for_the_league(tmp_path):
    league = import_bundle(path=make_bundle(tmp_path / "bundle"))

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "bundle.import",
        "competitions.league",
        str(league.pk),
    )
    assert entry.before is None
    assert entry.after == {
        "slug": "asl-2026",
        "tracks": 2,
        "stages": 5,
        "source": "bundle",
        "replaced": False,
        "scenarios": ["customs-risk", "delivery-time", "product-category", "translate-th"],
    }


def test_existing_organisations_are_reused_and_missing_ones_created(tmp_path):
    existing = Organisation.objects.create(name="Hanoi Logistics", kind="startup", country="VN")

    import_bundle(path=make_bundle(tmp_path / "bundle"))

    assert Scenario.objects.get(slug="delivery-time").owner == existing
    assert list(Organisation.objects.order_by("name").values_list("name", "kind", "country")) == [
        ("Hanoi Logistics", "startup", "VN"),
        ("Pingxiang Border Customs", "public_body", "CN"),
    ]


def test_zip_bundle_imports_the_same_league_as_its_folder(tmp_path):
    folder = make_bundle(tmp_path / "bundle")
    from_folder = snapshot(import_bundle(path=folder))
    League.objects.all().delete()

    league = import_bundle(path=zip_folder(folder, tmp_path / "bundle.zip"))

    assert snapshot(league) == from_folder


def test_zip_holding_one_bundle_folder_imports(tmp_path):
    folder = make_bundle(tmp_path / "bundle")

    league = import_bundle(path=zip_folder(folder, tmp_path / "b.zip", inside="asl-2026/"))

    assert league.slug == "asl-2026"
    assert Scenario.objects.count() == 4


def test_validate_bundle_finds_no_problem_in_a_valid_bundle_and_writes_nothing(tmp_path):
    assert validate_bundle(path=make_bundle(tmp_path / "bundle")) == []
    assert counts()["League"] == 0
    assert stored_files() == []


# --- Export and round trip ----------------------------------------------------------------


def test_export_then_import_reproduces_the_league(tmp_path):
    league = import_bundle(path=make_bundle(tmp_path / "bundle"))
    before = snapshot(league)

    out = export_bundle(league=league, out=tmp_path / "export")
    league.delete()
    again = import_bundle(path=out)

    assert out == tmp_path / "export"
    assert snapshot(again) == before


def test_export_to_zip_then_import_reproduces_the_league(tmp_path):
    league = import_bundle(path=make_bundle(tmp_path / "bundle"))
    before = snapshot(league)

    out = export_bundle(league=league, out=tmp_path / "league.zip")
    league.delete()
    again = import_bundle(path=out)

    assert zipfile.is_zipfile(out)
    assert snapshot(again) == before


def test_exporting_a_reimported_export_gives_identical_files(tmp_path):
    league = import_bundle(path=make_bundle(tmp_path / "bundle"))
    first = export_bundle(league=league, out=tmp_path / "first")
    league.delete()
    second = export_bundle(league=import_bundle(path=first), out=tmp_path / "second")

    def tree(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    assert tree(first) == tree(second)
    assert sorted(tree(first)) == [
        "baselines/customs-risk.csv",
        "data/customs-risk/test.csv",
        "data/customs-risk/train.csv",
        "league.yaml",
        "pages/customs-risk/data.en.md",
        "pages/customs-risk/problem.en.md",
        "pages/customs-risk/problem.zh-hans.md",
        "pages/delivery-time/problem.en.md",
        "pages/product-category/problem.en.md",
        "pages/translate-th/problem.en.md",
        "reference/customs-risk.csv",
        "reference/delivery-time.csv",
        "reference/product-category.csv",
        "reference/translate-th.csv",
    ]


def test_exported_stage_times_keep_the_stage_time_zone(tmp_path):
    league = import_bundle(path=make_bundle(tmp_path / "bundle"))
    out = export_bundle(league=league, out=tmp_path / "export")

    document = yaml.safe_load((out / "league.yaml").read_text(encoding="utf-8"))
    stages = document["tracks"][0]["scenarios"][0]["stages"]
    assert [(s["opens"], s["closes"]) for s in stages] == [
        ("2026-04-30T23:00:00+07:00", "2026-08-31T22:59:59+07:00"),
        ("2026-09-01T01:00:00+08:00", "2026-09-30T08:00:00+08:00"),
    ]


def test_export_refuses_a_folder_that_is_not_empty(tmp_path):
    league = import_bundle(path=make_bundle(tmp_path / "bundle"))
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "old.txt").write_text("old")

    with pytest.raises(InvalidInput) as caught:
        export_bundle(league=league, out=tmp_path / "busy")
    assert caught.value.code == "export_target_exists"


def test_export_refuses_a_file_name_that_would_leave_the_bundle(tmp_path):
    league = import_bundle(path=make_bundle(tmp_path / "bundle"))
    DataFile.objects.filter(name="test.csv").update(name="../../escape.csv")

    with pytest.raises(InvalidInput) as caught:
        export_bundle(league=league, out=tmp_path / "export")

    assert caught.value.code == "unsafe_export_name"
    assert not (tmp_path / "escape.csv").exists()


# --- Replacing a league -------------------------------------------------------------------


def test_existing_league_slug_is_refused_without_replace(tmp_path):
    bundle = make_bundle(tmp_path / "bundle")
    import_bundle(path=bundle)

    problems = problems_of(bundle)

    assert [str(p) for p in problems] == [
        "league.yaml: league.slug: league 'asl-2026' already exists; import with replace "
        "(--replace) to replace its tracks, scenarios and stages"
    ]


def test_replace_updates_the_league_in_place_and_keeps_team_entries(tmp_path):
    league = import_bundle(path=make_bundle(tmp_path / "first"))
    entry, _stage = make_entry(
        stage=Stage.objects.get(scenario__slug="customs-risk", slug="preliminary")
    )

    def rename_and_drop(document):
        document["league"]["name"] = "Renamed"
        document["tracks"][0]["scenarios"].pop(1)  # delivery-time
        document["tracks"][0]["scenarios"][0]["stages"].pop(1)  # final

    replaced = import_bundle(path=make_bundle(tmp_path / "second", rename_and_drop), replace=True)

    assert replaced.pk == league.pk
    assert replaced.name == {"en": "Renamed"}
    assert sorted(Scenario.objects.values_list("slug", flat=True)) == [
        "customs-risk",
        "product-category",
        "translate-th",
    ]
    assert list(
        Stage.objects.filter(scenario__slug="customs-risk").values_list("slug", flat=True)
    ) == ["preliminary"]
    entry.refresh_from_db()
    assert entry.scenario.slug == "customs-risk"
    assert AuditEntry.objects.filter(action="bundle.import").count() == 2


def test_replace_deletes_the_files_it_made_obsolete_once_committed(
    tmp_path, django_capture_on_commit_callbacks
):
    bundle = make_bundle(tmp_path / "bundle")
    import_bundle(path=bundle)
    first = stored_files()

    with django_capture_on_commit_callbacks(execute=True):
        import_bundle(path=bundle, replace=True)

    now = stored_files()
    assert len(now) == len(first) == 7
    assert set(now).isdisjoint(first)
    assert content(Scenario.objects.get(slug="customs-risk").reference_file) == (
        BINARY_REFERENCE.encode()
    )


def test_replace_is_refused_when_a_stage_has_submissions(tmp_path):
    bundle = make_bundle(tmp_path / "bundle")
    import_bundle(path=bundle)
    preliminary = Stage.objects.get(scenario__slug="customs-risk", slug="preliminary")
    entry, _stage = make_entry(stage=preliminary)
    captain = entry.team.memberships.get().user
    submit_predictions(
        entry=entry,
        stage=preliminary,
        upload=upload(BASELINE),
        filename="p.csv",
        actor=captain,
        now=preliminary.opens_at + dt.timedelta(hours=1),
    )

    problems = problems_of(bundle, replace=True)

    assert [str(p) for p in problems] == [
        "league.yaml: league.slug: league 'asl-2026' cannot be replaced: stages "
        "customs-risk/preliminary have submissions"
    ]


def test_scenario_slug_of_another_league_is_refused(tmp_path):
    other = make_track(league=make_league(slug="other"))
    make_scenario(track=other, slug="translate-th")

    problems = problems_of(make_bundle(tmp_path / "bundle"))

    assert [(p.file, p.path, p.expected) for p in problems] == [
        (
            "league.yaml",
            "tracks[1].scenarios[1].slug",
            "scenario 'translate-th' already exists in league 'other'; expected a new slug",
        ),
    ]


# --- Nothing is written when anything is wrong --------------------------------------------


def test_error_in_the_last_scenario_leaves_database_and_storage_untouched(tmp_path):
    def break_last_scenario(document):
        document["tracks"][-1]["scenarios"][-1]["task"]["metric"] = "bleu_score"

    before = counts()
    problems = problems_of(make_bundle(tmp_path / "bundle", break_last_scenario))

    assert [(p.file, p.path) for p in problems] == [
        ("league.yaml", "tracks[1].scenarios[1].task.metric")
    ]
    assert counts() == before
    assert stored_files() == []


def test_all_problems_are_collected_and_listed_one_per_line(tmp_path):
    def three_mistakes(document):
        document["league"]["season"] = "2026"
        document["tracks"][0]["scenarios"][0]["task"]["metric"] = "auc"
        document["tracks"][1]["scenarios"][0]["stages"][0]["closes"] = "2026-01-01T00:00:00+08:00"

    files = {"reference/delivery.csv": "id,target,split\nr1,3.5,public\nr2,4.0,test\n"}
    with pytest.raises(BundleError) as caught:
        import_bundle(path=make_bundle(tmp_path / "bundle", three_mistakes, files))

    assert caught.value.message.splitlines() == [
        "league.yaml: league.season: expected a whole number of at least 1, got the text '2026'",
        "league.yaml: tracks[0].scenarios[0].task.metric: 'auc' is not a known metric; expected "
        f"one of {KNOWN_METRICS}",
        "league.yaml: tracks[1].scenarios[0].stages[0].closes: must be after opens "
        "(2026-05-01T00:00:00+08:00)",
        "reference/delivery.csv: line 3: split must be 'public' or 'private', got 'test'",
    ]
    assert caught.value.details[0] == {
        "file": "league.yaml",
        "path": "league.season",
        "expected": "expected a whole number of at least 1, got the text '2026'",
    }
    assert counts()["League"] == 0


def test_validate_bundle_reports_the_same_problems_as_import(tmp_path):
    def bad_slug(document):
        document["league"]["slug"] = "ASL 2026"

    bundle = make_bundle(tmp_path / "bundle", bad_slug)

    assert validate_bundle(path=bundle) == problems_of(bundle)


# --- Mistakes, each reported at its file and field path -----------------------------------

S0 = "tracks[0].scenarios[0]"


def _set(path: str, value) -> Callable[[dict], None]:
    """An edit that sets a dotted path (``tracks.0.slug``) in the document."""

    def edit(document: dict) -> None:
        *parents, last = path.split(".")
        target = document
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = copy.deepcopy(value)

    return edit


_DELETE = object()
C = "tracks.0.scenarios.0."  # the customs-risk scenario in _set paths

KNOWN_METRICS = ", ".join(known_metric_names())

MISTAKES = {
    "unknown metric": (
        _set(C + "task.metric", "auc"),
        {},
        (
            "league.yaml",
            f"{S0}.task.metric",
            f"'auc' is not a known metric; expected one of {KNOWN_METRICS}",
        ),
    ),
    "metric that does not apply to the kind": (
        _set("tracks.0.scenarios.1.task.metric", "accuracy"),
        {},
        (
            "league.yaml",
            "tracks[0].scenarios[1].task.metric",
            "'accuracy' does not apply to regression tasks; expected one of "
            "mae, mape, mse, r2, rmse, rmsle, smape",
        ),
    ),
    "unknown task kind": (
        _set(C + "task.kind", "binary"),
        {},
        (
            "league.yaml",
            f"{S0}.task.kind",
            "'binary' is not a task kind; expected one of "
            + ", ".join(kind.value for kind in TaskKind),
        ),
    ),
    "multiclass task with one label": (
        _set("tracks.1.scenarios.0.task.labels", ["food"]),
        {},
        (
            "league.yaml",
            "tracks[1].scenarios[0].task.labels",
            "a multiclass_label task needs a list of at least 2 labels",
        ),
    ),
    "labels that are not a list": (
        _set("tracks.1.scenarios.0.task.labels", "food, textile"),
        {},
        (
            "league.yaml",
            "tracks[1].scenarios[0].task.labels",
            "expected a list, got the text 'food, textile'",
        ),
    ),
    "labels on a binary task": (
        _set(C + "task.labels", ["a", "b"]),
        {},
        (
            "league.yaml",
            f"{S0}.task.labels",
            "labels apply to multiclass_label, multiclass_probability and detection tasks",
        ),
    ),
    "missing required key": (
        _set(C + "reference", _DELETE),
        {},
        ("league.yaml", f"{S0}.reference", "required key is missing"),
    ),
    "bad slug": (
        _set(C + "slug", "Customs_Risk"),
        {},
        (
            "league.yaml",
            f"{S0}.slug",
            "expected a slug of lowercase letters, digits and '-' (at "
            "most 50 characters), got the text 'Customs_Risk'",
        ),
    ),
    "duplicate scenario slug across tracks": (
        _set("tracks.1.scenarios.0.slug", "customs-risk"),
        {},
        (
            "league.yaml",
            "tracks[1].scenarios[0].slug",
            "'customs-risk' is already used at tracks[0].scenarios[0].slug",
        ),
    ),
    "duplicate stage slug": (
        _set(C + "stages.1.slug", "preliminary"),
        {},
        (
            "league.yaml",
            f"{S0}.stages[1].slug",
            "'preliminary' is already used at tracks[0].scenarios[0].stages[0].slug",
        ),
    ),
    "stage that closes before it opens": (
        _set(C + "stages.0.closes", "2026-04-01T00:00:00+08:00"),
        {},
        (
            "league.yaml",
            f"{S0}.stages[0].closes",
            "must be after opens (2026-05-01T00:00:00+08:00)",
        ),
    ),
    "time without an offset": (
        _set(C + "stages.0.opens", "2026-05-01T00:00:00"),
        {},
        (
            "league.yaml",
            f"{S0}.stages[0].opens",
            "'2026-05-01T00:00:00' has no UTC offset; "
            "expected an ISO 8601 time with an offset, such as 2026-05-01T00:00:00+08:00",
        ),
    ),
    "date without a time": (
        _set(C + "stages.0.opens", dt.date(2026, 5, 1)),
        {},
        (
            "league.yaml",
            f"{S0}.stages[0].opens",
            "expected an ISO 8601 time with an offset, such "
            "as 2026-05-01T00:00:00+08:00, got a date (2026-05-01)",
        ),
    ),
    "unknown time zone": (
        _set("league.timezone", "China/Beijing"),
        {},
        (
            "league.yaml",
            "league.timezone",
            "expected an IANA time zone such as Asia/Shanghai, got the text 'China/Beijing'",
        ),
    ),
    "unknown organisation": (
        _set(C + "owner", "Nanning Customs"),
        {},
        (
            "league.yaml",
            f"{S0}.owner",
            "'Nanning Customs' is not an organisation of this bundle; "
            "expected one of: Hanoi Logistics, Pingxiang Border Customs",
        ),
    ),
    "organisation country outside the league": (
        _set("organisations.1.country", "FR"),
        {},
        (
            "league.yaml",
            "organisations[1].country",
            "expected one of BN, CN, ID, KH, LA, MM, MY, PH, SG, TH, TL, VN, got the text 'FR'",
        ),
    ),
    "misspelt key": (
        _set(C + "sumary", "typo"),
        {},
        (
            "league.yaml",
            f"{S0}.sumary",
            "unknown key; expected one of slug, title, owner, "
            "problem, task, reference, summary, status, data_description, languages, "
            "target_countries, prize, pilot_offer, data, baseline, stages",
        ),
    ),
    "wrong bundle format": (
        _set("format", "aileague-bundle/2"),
        {},
        (
            "league.yaml",
            "format",
            "expected one of aileague-bundle/1, got the text 'aileague-bundle/2'",
        ),
    ),
    "published scenario without a Chinese title": (
        _set(C + "title", "Customs risk"),
        {},
        (
            "league.yaml",
            f"{S0}.title",
            "a published scenario needs a title in en and zh-hans; missing zh-hans",
        ),
    ),
    "missing data file": (
        _set(C + "data.1.path", "data/customs-risk/tset.csv"),
        {},
        (
            "league.yaml",
            f"{S0}.data[1].path",
            "'data/customs-risk/tset.csv' does not exist in the bundle",
        ),
    ),
    "path that leaves the bundle": (
        _set(C + "reference", "../x.csv"),
        {"../x.csv": BINARY_REFERENCE},
        ("league.yaml", f"{S0}.reference", "'../x.csv' leaves the bundle; '..' is not allowed"),
    ),
    "absolute path": (
        _set(C + "data.0.path", "/etc/passwd"),
        {},
        (
            "league.yaml",
            f"{S0}.data[0].path",
            "'/etc/passwd' is absolute; expected a path relative to the bundle root",
        ),
    ),
    "missing page": (
        _set(C + "problem.zh-hans", "pages/missing.md"),
        {},
        ("league.yaml", f"{S0}.problem.zh-hans", "'pages/missing.md' does not exist in the bundle"),
    ),
    "page that is not UTF-8": (
        None,
        {"pages/delivery.md": "Délai de livraison".encode("latin-1")},
        ("pages/delivery.md", "", "is not UTF-8 text (byte 1)"),
    ),
    "reference without a split column": (
        None,
        {"reference/customs-risk.csv": "id,target\n001,1\n002,0\n"},
        (
            "reference/customs-risk.csv",
            "line 1",
            "lacks column(s) split; the task needs columns id, target, split",
        ),
    ),
    "bad split value": (
        None,
        {"reference/customs-risk.csv": BINARY_REFERENCE.replace("003,1,private", "003,1,test")},
        ("reference/customs-risk.csv", "line 4", "split must be 'public' or 'private', got 'test'"),
    ),
    "reference with only public rows": (
        None,
        {"reference/customs-risk.csv": BINARY_REFERENCE.replace("private", "public")},
        (
            "reference/customs-risk.csv",
            "",
            "column split needs both public and private rows; there are no private rows",
        ),
    ),
    "duplicate reference id": (
        None,
        {"reference/customs-risk.csv": BINARY_REFERENCE.replace("004,0", "002,0")},
        ("reference/customs-risk.csv", "line 5", "id '002' repeats line 3"),
    ),
    "binary target that is not 0 or 1": (
        None,
        {"reference/customs-risk.csv": BINARY_REFERENCE.replace("001,1", "001,2")},
        ("reference/customs-risk.csv", "line 2", "target must be 0 or 1, got '2'"),
    ),
    "split with a single class": (
        None,
        {"reference/customs-risk.csv": BINARY_REFERENCE.replace("004,0", "004,1")},
        (
            "reference/customs-risk.csv",
            "",
            "the private rows need both 0 and 1 in target; they only have 1",
        ),
    ),
    "regression target that is not a number": (
        None,
        {"reference/delivery.csv": REGRESSION_REFERENCE.replace("4.0", "four")},
        ("reference/delivery.csv", "line 3", "target must be a number, got 'four'"),
    ),
    "label missing from the task's labels": (
        None,
        {"reference/category.csv": MULTICLASS_REFERENCE.replace("c,food", "c,toys")},
        (
            "reference/category.csv",
            "line 4",
            "target must be one of the labels food, textile, got 'toys'",
        ),
    ),
    "baseline that misses ids": (
        None,
        {"baselines/customs-risk.csv": "id,risk\n001,0.8\n002,0.3\n003,0.6\n"},
        (
            "baselines/customs-risk.csv",
            "",
            "1 id(s) of the test set have no prediction; predict every id in the sample "
            "submission. Examples: 004",
        ),
    ),
}


@pytest.mark.parametrize("mistake", list(MISTAKES), ids=[m.replace(" ", "_") for m in MISTAKES])
def test_mistake_is_reported_at_its_file_and_field_path(tmp_path, mistake):
    edit, files, expected = MISTAKES[mistake]

    problems = problems_of(make_bundle(tmp_path / "bundle", edit, files))

    assert [(p.file, p.path, p.expected) for p in problems] == [expected]
    assert counts()["League"] == 0
    assert stored_files() == []


def test_yaml_syntax_error_is_reported_with_line_and_column(tmp_path):
    bundle = make_bundle(tmp_path / "bundle")
    (bundle / "league.yaml").write_text(
        "format: aileague-bundle/1\nleague:\n  slug: asl-2026\n"
        "  name: [AI League\n  season: 2026\n",
        encoding="utf-8",
    )

    problems = problems_of(bundle)

    assert [(p.file, p.path, p.expected) for p in problems] == [
        ("league.yaml", "line 5, column 9", "invalid YAML: expected ',' or ']', but got ':'")
    ]


def test_repeated_yaml_key_is_reported_with_its_line(tmp_path):
    bundle = make_bundle(tmp_path / "bundle")
    text = (bundle / "league.yaml").read_text(encoding="utf-8")
    (bundle / "league.yaml").write_text(
        text.replace("  season: 2026\n", "  season: 2026\n  season: 2027\n"), encoding="utf-8"
    )
    line = text.splitlines().index("  season: 2026") + 2

    problems = problems_of(bundle)

    assert [str(p) for p in problems] == [
        f"league.yaml: line {line}, column 3: key 'season' appears twice in one mapping "
        f"(first on line {line - 1})"
    ]


def test_symbolic_link_inside_a_folder_bundle_is_refused(tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text(BINARY_REFERENCE)
    bundle = make_bundle(tmp_path / "bundle", files={"data/customs-risk/test.csv": None})
    os.symlink(outside, bundle / "data" / "customs-risk" / "test.csv")

    problems = problems_of(bundle)

    assert [(p.file, p.path, p.expected) for p in problems] == [
        (
            "league.yaml",
            f"{S0}.data[1].path",
            "'data/customs-risk/test.csv' is a symbolic link; bundles may not contain links",
        ),
    ]


def test_zip_member_that_climbs_out_of_the_bundle_is_refused(tmp_path):
    archive = zip_folder(make_bundle(tmp_path / "bundle"), tmp_path / "bundle.zip")
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.writestr("../evil.txt", "owned")

    problems = problems_of(archive)

    assert [(p.file, p.path, p.expected) for p in problems] == [
        ("bundle.zip", "../evil.txt", "'../evil.txt' leaves the bundle; '..' is not allowed"),
    ]
    assert not (tmp_path / "evil.txt").exists()


def test_zip_member_that_is_a_symbolic_link_is_refused(tmp_path):
    archive = zip_folder(make_bundle(tmp_path / "bundle"), tmp_path / "bundle.zip")
    link = zipfile.ZipInfo("data/link.csv")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.writestr(link, "/etc/passwd")

    problems = problems_of(archive)

    assert [(p.file, p.path, p.expected) for p in problems] == [
        ("bundle.zip", "data/link.csv", "is a symbolic link; bundles may not contain links"),
    ]


def test_path_that_is_neither_folder_nor_zip_is_refused(tmp_path):
    (tmp_path / "league.txt").write_text("hello")

    problems = problems_of(tmp_path / "league.txt")

    assert [str(p) for p in problems] == ["league.txt: expected a bundle folder or a .zip file"]


def test_folder_without_league_yaml_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()

    problems = problems_of(tmp_path / "empty")

    assert [str(p) for p in problems] == [
        "league.yaml: missing: a bundle has league.yaml at its root"
    ]
