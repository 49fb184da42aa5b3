"""The demo league: a deterministic, learnable bundle; demo logins; scale seeding."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import yaml

from aileague.demo import build_demo_bundle, phrases
from aileague.demo.bundle import task_definition
from aileague.demo.scenarios import LEAGUE_SLUG, SCENARIOS, ScenarioSpec
from aileague.scoring import TaskSchema, evaluate_file, get_metric

NOW = datetime(2026, 5, 10, 4, 0, tzinfo=UTC)  # noon in Shanghai
LAO = re.compile("[\u0e80-\u0eff]")
CJK = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return build_demo_bundle(tmp_path_factory.mktemp("bundle"), now=NOW)


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_predictions(path: Path, column: str, ids: list[str], values: list[str]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", column])
        writer.writerows(zip(ids, values, strict=True))
    return path


def manifest(bundle: Path) -> dict:
    return yaml.safe_load((bundle / "league.yaml").read_text(encoding="utf-8"))


def scenarios_in(bundle: Path) -> dict[str, dict]:
    return {s["slug"]: s for track in manifest(bundle)["tracks"] for s in track["scenarios"]}


# --- The bundle ---------------------------------------------------------------------------


def test_the_same_seed_builds_byte_identical_files(bundle, tmp_path):
    again = build_demo_bundle(tmp_path, now=NOW)
    assert files_of(again) == files_of(bundle)


def test_another_seed_generates_other_data(bundle, tmp_path):
    other = build_demo_bundle(tmp_path, seed=7, now=NOW)
    for spec in SCENARIOS:
        train = f"data/{spec.slug}/train.csv"
        assert (other / train).read_bytes() != (bundle / train).read_bytes()


def test_bundle_has_four_tracks_and_eight_published_scenarios(bundle):
    document = manifest(bundle)
    assert document["format"] == "aileague-bundle/1"
    assert document["league"]["slug"] == LEAGUE_SLUG
    assert [len(track["scenarios"]) for track in document["tracks"]] == [2, 2, 2, 2]
    assert {s["status"] for s in scenarios_in(bundle).values()} == {"published"}


def test_open_stages_opened_30_days_ago_and_close_in_60_days(bundle):
    stages = {slug: s["stages"] for slug, s in scenarios_in(bundle).items()}
    open_stages = [v[0] for slug, v in stages.items() if slug != "border-truck-wait"]
    assert len(open_stages) == 7
    for stage in open_stages:
        assert (stage["opens"], stage["closes"]) == (
            "2026-04-10T00:00:00+08:00",
            "2026-07-09T23:59:59+08:00",
        )
        assert stage["quota"] == {"daily": 5, "total": 100, "running": 3}
        assert stage["evaluation"] == "automatic"


def test_one_scenario_closed_two_days_before_the_build(bundle):
    [stage] = scenarios_in(bundle)["border-truck-wait"]["stages"]
    assert (stage["opens"], stage["closes"]) == (
        "2026-03-09T00:00:00+08:00",
        "2026-05-08T00:00:00+08:00",
    )


def test_every_file_named_in_league_yaml_exists(bundle):
    for scenario in scenarios_in(bundle).values():
        paths = [
            scenario["reference"],
            scenario["baseline"],
            *(d["path"] for d in scenario["data"]),
        ]
        paths += [*scenario["problem"].values(), *scenario["data_description"].values()]
        assert all((bundle / path).stat().st_size > 0 for path in paths)
        assert set(scenario["problem"]) == {"en", "zh-hans"}
        assert CJK.search((bundle / scenario["problem"]["zh-hans"]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("spec", SCENARIOS, ids=lambda spec: spec.slug)
def test_reference_is_split_half_public_half_private(bundle, spec: ScenarioSpec):
    reference = read_rows(bundle / "reference" / f"{spec.slug}.csv")
    test_ids = [row["id"] for row in read_rows(bundle / "data" / spec.slug / "test.csv")]
    assert [row["id"] for row in reference] == test_ids
    counts = Counter(row["split"] for row in reference)
    assert counts == {"public": (len(reference) + 1) // 2, "private": len(reference) // 2}


@pytest.mark.parametrize("spec", SCENARIOS, ids=lambda spec: spec.slug)
def test_ids_are_text_with_leading_zeros_and_disjoint_between_train_and_test(bundle, spec):
    train = [row["id"] for row in read_rows(bundle / "data" / spec.slug / "train.csv")]
    test = [row["id"] for row in read_rows(bundle / "data" / spec.slug / "test.csv")]
    pattern = re.compile(r"^[A-Z]{2}-\d{6}$")
    assert all(pattern.match(i) for i in train + test)
    assert not set(train) & set(test)
    assert len(set(train + test)) == len(train) + len(test)


def test_hs_chapters_keep_their_leading_zero(bundle):
    labels = {row["target"] for row in read_rows(bundle / "reference/hs-listing-categories.csv")}
    assert labels == {"08", "09", "33", "40", "61", "64", "85", "94"}


def test_test_sets_are_of_demo_size(bundle):
    sizes = {s.slug: len(read_rows(bundle / "data" / s.slug / "test.csv")) for s in SCENARIOS}
    assert sizes == {
        "customs-declaration-risk": 3000,
        "hs-listing-categories": 3000,
        "ecommerce-fraud": 4000,
        "blueberry-yield": 2500,
        "sugarcane-sucrose": 3000,
        "vi-review-sentiment": 2000,
        "lao-zh-trade-phrases": 400,
        "border-truck-wait": 2000,
    }


# --- The baselines ------------------------------------------------------------------------


def constant_prediction(bundle: Path, spec: ScenarioSpec) -> str:
    """What a model that ignores the features predicts: chance, mean or most common answer."""
    answers = [
        row[spec.prediction_column] for row in read_rows(bundle / f"data/{spec.slug}/train.csv")
    ]
    if spec.kind == "binary_probability":
        return "0.5"
    if spec.kind == "regression":
        return f"{np.mean(np.array(answers, dtype=float)):.6f}"
    return Counter(answers).most_common(1)[0][0]


@pytest.mark.parametrize("spec", SCENARIOS, ids=lambda spec: spec.slug)
def test_baseline_closes_a_fifth_to_three_quarters_of_the_gap_to_perfect(bundle, tmp_path, spec):
    schema = TaskSchema.from_dict(task_definition(spec))
    reference_path = bundle / "reference" / f"{spec.slug}.csv"
    reference = read_rows(reference_path)
    ids = [row["id"] for row in reference]

    def score(path: Path) -> dict[str, float]:
        return evaluate_file(path, reference_path, schema).scores

    baseline = score(bundle / "baselines" / f"{spec.slug}.csv")
    constant = [constant_prediction(bundle, spec)] * len(ids)
    chance = score(write_predictions(tmp_path / "c.csv", spec.prediction_column, ids, constant))
    truth = [row["target"] for row in reference]
    perfect = score(write_predictions(tmp_path / "p.csv", spec.prediction_column, ids, truth))
    optimum = get_metric(spec.metric).optimum
    assert perfect == {"public": optimum, "private": optimum}
    if spec.metric == "roc_auc":
        assert chance == {"public": 0.5, "private": 0.5}
    for split in ("public", "private"):
        gained = (baseline[split] - chance[split]) / (optimum - chance[split])
        assert 0.2 <= gained <= 0.75, (split, baseline[split], chance[split])


@pytest.mark.parametrize("spec", SCENARIOS, ids=lambda spec: spec.slug)
def test_sample_submission_is_a_valid_file(bundle, spec):
    evaluation = evaluate_file(
        bundle / "data" / spec.slug / "sample_submission.csv",
        bundle / "reference" / f"{spec.slug}.csv",
        TaskSchema.from_dict(task_definition(spec)),
    )
    assert set(evaluation.scores) == {"public", "private"}


# --- Languages ----------------------------------------------------------------------------


def test_every_phrase_table_entry_is_nfc_and_not_empty():
    strings = phrases.all_strings()
    assert len(strings) > 300
    assert [s for s in strings if not s.strip()] == []
    assert [s for s in strings if unicodedata.normalize("NFC", s) != s] == []


def test_lao_chinese_pairs_are_nfc_lao_script_and_chinese(bundle):
    rows = read_rows(bundle / "data/lao-zh-trade-phrases/train.csv")
    assert len(rows) == 1500
    for row in rows:
        assert row["lo"]
        assert row["zh"]
        assert unicodedata.normalize("NFC", row["lo"]) == row["lo"]
        assert unicodedata.normalize("NFC", row["zh"]) == row["zh"]
        assert LAO.search(row["lo"])
        assert not CJK.search(row["lo"])
        assert CJK.search(row["zh"])
        assert not LAO.search(row["zh"])


def test_listing_titles_use_each_language_script(bundle):
    rows = read_rows(bundle / "data/hs-listing-categories/train.csv")
    thai = re.compile("[\u0e00-\u0e7f]")
    by_language = Counter(row["language"] for row in rows)
    assert set(by_language) == {"th", "vi", "id"}
    assert all(thai.search(r["title"]) for r in rows if r["language"] == "th")
    assert not any(thai.search(r["title"]) for r in rows if r["language"] != "th")


# --- Database: importer, scale seeding, demo seeding ---------------------------------------


@pytest.mark.django_db
def test_importer_finds_no_problem_in_the_bundle(bundle):
    from aileague.competitions.bundle import validate_bundle

    assert validate_bundle(path=bundle) == []


@pytest.fixture
def open_league():
    from tests.factories import make_stage

    stage = make_stage()
    return stage.scenario.track.league


@pytest.mark.django_db
def test_seed_teams_adds_exactly_the_teams_asked_for(open_league):
    from aileague.common.countries import ASEAN_COUNTRIES, CHINESE_PROVINCES
    from aileague.common.models import AuditEntry
    from aileague.demo.scale import seed_teams
    from aileague.teams.models import Entry, Membership, Team

    stats = seed_teams(league=open_league, teams=500, tracks=20)

    teams = Team.objects.filter(league=open_league)
    assert stats.teams == teams.count() == 500
    assert open_league.tracks.count() == 20
    asean = teams.exclude(country="CN")
    assert stats.asean_teams == asean.count() == 29  # round(500 * 604 / 10447)
    assert 0.05 <= asean.count() / 500 <= 0.07
    assert set(asean.values_list("country", flat=True)) == set(ASEAN_COUNTRIES)
    assert set(asean.values_list("province", flat=True)) == {""}
    assert set(teams.filter(country="CN").values_list("province", flat=True)) == set(
        CHINESE_PROVINCES
    )
    captains = Counter(
        Membership.objects.filter(team__in=teams, role="captain").values_list("team", flat=True)
    )
    assert set(captains.values()) == {1}
    assert len(captains) == 500
    assert Entry.objects.filter(team__in=teams).count() == stats.entries == 500
    assert AuditEntry.objects.filter(action="league.seed_teams").count() == 1


@pytest.mark.django_db
def test_seeded_people_cannot_log_in_and_joint_teams_cross_the_border(open_league):
    from aileague.accounts.models import User
    from aileague.demo.scale import seed_teams
    from aileague.teams.models import Team

    seed_teams(league=open_league, teams=300)

    users = User.objects.filter(memberships__team__league=open_league)
    assert users.count() > 300
    assert {user.has_usable_password() for user in users[:50]} == {False}
    for team in Team.objects.filter(league=open_league, is_joint=True):
        countries = set(team.memberships.values_list("user__country", flat=True))
        assert "CN" in countries
        assert len(countries) == 2


@pytest.mark.django_db
def test_seed_teams_twice_adds_both_batches(open_league):
    from aileague.demo.scale import seed_teams
    from aileague.teams.models import Team

    seed_teams(league=open_league, teams=120)
    seed_teams(league=open_league, teams=80, seed=8)

    assert Team.objects.filter(league=open_league).count() == 200


@pytest.mark.django_db
def test_seed_demo_creates_logins_teams_and_live_leaderboards(tmp_path):
    from django.contrib.auth import authenticate

    from aileague.accounts.models import RoleGrant, User
    from aileague.competitions.models import Stage
    from aileague.demo.seed import seed_demo
    from aileague.submissions.queries import leaderboard_for_stage
    from aileague.teams.models import Team

    logins = seed_demo(bundle_dir=tmp_path / "bundle", background_teams=6)

    assert [login.role for login in logins] == [
        "organiser",
        "track_manager",
        "scenario_owner",
        "participant",
        "participant",
        "participant",
        "judge",
        "investor",
        *["judge"] * 11,  # the judged stage's jury (aileague.demo.jury)
        "presidium",
    ]
    for login in logins:
        user = authenticate(email=login.email, password=login.password)
        assert user is not None
        assert user.email_verified
    organiser = User.objects.get(email=logins[0].email)
    assert organiser.is_superuser
    assert organiser.is_staff
    grants = {
        (g.user.email, g.role, g.track and g.track.slug, g.scenario and g.scenario.slug)
        for g in RoleGrant.objects.select_related("user", "track", "scenario")
    }
    assert (logins[1].email, "track_manager", "logistics-customs", None) in grants
    assert (logins[2].email, "scenario_owner", None, "customs-declaration-risk") in grants
    guangxi = Team.objects.get(name="Nanning–Vientiane Bridge AI")
    assert (guangxi.country, guangxi.province, guangxi.is_joint) == ("CN", "CN-GX", True)
    assert sorted(guangxi.memberships.values_list("user__country", flat=True)) == ["CN", "LA"]
    assert Team.objects.filter(league__slug=LEAGUE_SLUG).count() == 8
    for team in Team.objects.filter(league__slug=LEAGUE_SLUG, is_joint=True):
        countries = set(team.memberships.values_list("user__country", flat=True))
        assert "CN" in countries
        assert len(countries) == 2

    captain = User.objects.get(email=logins[3].email)
    stages = Stage.objects.filter(scenario__track__league__slug=LEAGUE_SLUG)
    assert stages.count() == 8
    for stage in stages:
        assert leaderboard_for_stage(stage=stage, split="public", user=captain) != []
    closed = stages.get(scenario__slug="border-truck-wait")
    private = leaderboard_for_stage(stage=closed, split="private", user=captain)
    assert {"Hanoi Mekong AI Lab", "Nanning–Vientiane Bridge AI"} <= {r.team_name for r in private}


@pytest.mark.django_db
def test_demo_team_scores_exactly_the_baseline(tmp_path):
    from aileague.accounts.models import User
    from aileague.competitions.models import Stage
    from aileague.demo.scenarios import scenario_spec
    from aileague.demo.seed import seed_demo
    from aileague.submissions.queries import leaderboard_for_stage

    logins = seed_demo(bundle_dir=tmp_path / "bundle", background_teams=2)

    spec = scenario_spec("customs-declaration-risk")
    expected = evaluate_file(
        tmp_path / "bundle/baselines/customs-declaration-risk.csv",
        tmp_path / "bundle/reference/customs-declaration-risk.csv",
        TaskSchema.from_dict(task_definition(spec)),
    ).scores["public"]
    stage = Stage.objects.get(scenario__slug=spec.slug)
    rows = leaderboard_for_stage(
        stage=stage, split="public", user=User.objects.get(email=logins[0].email)
    )
    scores = {row.team_name: row.score for row in rows}
    assert scores["Hanoi Mekong AI Lab"] == expected
    assert scores["Nanning–Vientiane Bridge AI"] == expected


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(tmp_path):
    from aileague.demo.seed import seed_demo
    from aileague.submissions.models import Submission
    from aileague.teams.models import Team

    first = seed_demo(bundle_dir=tmp_path / "bundle", background_teams=1)
    counts = (Team.objects.count(), Submission.objects.count())
    second = seed_demo(bundle_dir=tmp_path / "bundle", background_teams=1)

    assert second == first
    assert (Team.objects.count(), Submission.objects.count()) == counts
