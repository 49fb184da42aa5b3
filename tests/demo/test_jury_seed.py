"""The demo league's judged stage: proposals reviewed without conflicts, calibrated results, a
drawn final pitch, and judge logins that work."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.test import override_settings

from aileague.competitions.models import Stage
from aileague.demo.jury import FINALISTS, JUDGES, JURY_LOGINS, PITCH_PANEL, PITCH_SEED
from aileague.demo.seed import DEMO_LOGINS, seed_demo
from aileague.judging.models import (
    Assignment,
    Conflict,
    EntryResult,
    JudgedEntry,
    JudgingRound,
    Juror,
    PitchSession,
    Review,
)
from aileague.judging.pitch import drawn_order

pytestmark = pytest.mark.django_db


# Runs first, before the module's shared demo exists (seed_demo does nothing when it does).
def test_the_jury_seed_works_with_a_handful_of_teams(tmp_path):
    seed_demo(bundle_dir=tmp_path / "bundle", background_teams=2)
    review = JudgingRound.objects.get(slug="proposal-review")
    assert JudgedEntry.objects.filter(round=review, formal_check="passed").count() == 4
    assert EntryResult.objects.filter(round=review).exclude(rank=None).count() == 4
    assert PitchSession.objects.get().slots.count() == 4


@pytest.fixture(scope="module")
def logins(django_db_setup, django_db_blocker, tmp_path_factory):
    """The default demo, seeded once for the module (it takes a while) and rolled back after.
    Passwords use the tests' fast hasher, as every test's own accounts do."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield seed_demo(bundle_dir=tmp_path_factory.mktemp("bundle"), background_teams=30)
        transaction.set_rollback(True)


def test_seed_returns_the_jury_logins_after_the_others_and_they_work(logins):
    assert logins == [*DEMO_LOGINS, *JURY_LOGINS]
    assert [login.role for login in JURY_LOGINS] == ["judge"] * len(JUDGES) + ["presidium"]
    for login in JURY_LOGINS:
        user = authenticate(email=login.email, password=login.password)
        assert user is not None
        assert user.email_verified


def test_the_scenario_stage_is_combined_with_a_calibrated_review(logins):
    stage = Stage.objects.get(scenario__slug="customs-declaration-risk")
    assert stage.evaluation_mode == "combined"
    review = JudgingRound.objects.get(stage=stage, slug="proposal-review")
    assert (review.kind, review.reviews_per_entry, review.aggregation, review.status) == (
        "review",
        3,
        "judge_offset",
        "open",
    )
    entries = JudgedEntry.objects.filter(round=review)
    assert entries.count() == 25
    assert entries.filter(formal_check="passed").count() == 24
    assert Juror.objects.filter(round=review, role="reviewer").count() == 12
    assert Juror.objects.filter(round=review, role="presidium").count() == 1
    for entry in entries.filter(formal_check="passed"):
        assert Assignment.objects.filter(entry=entry).count() == 3
    assert not Assignment.objects.filter(entry__formal_check="returned").exists()
    assert stage.advancement_policy.jury_round == review


def test_the_organisation_conflict_is_detected_and_never_assigned(logins):
    review = JudgingRound.objects.get(slug="proposal-review")
    conflict = Conflict.objects.get(entry__round=review, reason="same_organisation")
    assert (conflict.user.email, conflict.entry.team.name) == (
        "judge-pham@demo.example.org",
        "Hanoi Mekong AI Lab",
    )
    conflicted = set(
        Conflict.objects.filter(entry__round=review).values_list("entry_id", "user_id")
    )
    assigned = set(Assignment.objects.filter(round=review).values_list("entry_id", "user_id"))
    assert conflicted & assigned == set()


def test_reviews_are_submitted_and_results_computed(logins):
    review = JudgingRound.objects.get(slug="proposal-review")
    submitted = Review.objects.filter(assignment__round=review, submitted_at__isnull=False)
    drafts = Review.objects.filter(assignment__round=review, submitted_at__isnull=True)
    assert submitted.count() > 48
    assert drafts.count() > 0
    # The general demo judge has every sheet still to do.
    demo_judge = Assignment.objects.filter(round=review, user__email="judge@demo.example.org")
    assert demo_judge.count() > 0
    assert not Review.objects.filter(assignment__in=demo_judge).exists()
    results = EntryResult.objects.filter(round=review, entry__formal_check="passed")
    assert results.count() == 24
    assert review.results_computed_at is not None
    ranked = results.exclude(rank=None).order_by("rank")
    assert [r.rank for r in ranked] == list(range(1, ranked.count() + 1))
    assert all(r.stderr is not None and r.raw_mean is not None for r in ranked)


def test_the_finalists_pitch_in_a_drawn_session(logins):
    review = JudgingRound.objects.get(slug="proposal-review")
    final = JudgingRound.objects.get(slug="final-pitch")
    top = list(
        EntryResult.objects.filter(round=review)
        .exclude(rank=None)
        .order_by("rank")
        .values_list("entry__team_id", flat=True)[:FINALISTS]
    )
    assert sorted(final.entries.values_list("team_id", flat=True)) == sorted(top)
    session = PitchSession.objects.get(round=final)
    assert session.draw_seed == PITCH_SEED
    assert list(session.slots.order_by("position").values_list("entry_id", flat=True)) == (
        drawn_order(final.entries.values_list("pk", flat=True), PITCH_SEED)
    )
    roles = dict(Juror.objects.filter(round=final).values_list("user__email", "role"))
    assert roles == {
        **{f"judge-{key}@demo.example.org": "reviewer" for key in PITCH_PANEL[1:]},
        f"judge-{PITCH_PANEL[0]}@demo.example.org": "panel_lead",
        "presidium-wang@demo.example.org": "presidium",
    }
    # Every panel judge is assigned every pitch, except where they have a conflict.
    conflicted = set(Conflict.objects.filter(entry__round=final).values_list("entry", "user"))
    expected = {
        (e, u)
        for e in final.entries.values_list("pk", flat=True)
        for u in Juror.objects.filter(round=final)
        .exclude(role="presidium")
        .values_list("user_id", flat=True)
    } - conflicted
    assert set(Assignment.objects.filter(round=final).values_list("entry", "user")) == expected
