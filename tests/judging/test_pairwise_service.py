"""Pairwise (expo) rounds through the services: a judge's walk, undoing a misclick, conflicts,
coverage, strengths on 0–10 and rankings per track."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import translation

from aileague.common.errors import AileagueError
from aileague.common.models import AuditEntry
from aileague.judging import pairwise
from aileague.judging.calibration import compute_round_results
from aileague.judging.models import (
    Comparison,
    EntryResult,
    FormalCheck,
    JudgedEntry,
    PairwiseVisit,
    RoundKind,
    RoundStatus,
)
from aileague.judging.services import add_juror, create_round, declare_conflict, set_round_status
from tests.factories import make_stage, make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _restore_language():
    """Pages asked for in Chinese leave the thread's language active; put it back after."""
    with translation.override("en"):
        yield


@dataclass
class Expo:
    organiser: object
    round: object
    judges: list
    entries: list


def make_expo(*, n_entries: int = 5, n_judges: int = 2, min_coverage: int = 3, tracks=1) -> Expo:
    organiser = make_user(role="organiser")
    stage = make_stage()
    round_ = create_round(
        stage=stage, slug="expo", name={"en": "Expo"}, actor=organiser, kind=RoundKind.PAIRWISE
    )
    round_.pairwise_min_coverage = min_coverage
    round_.save(update_fields=["pairwise_min_coverage"])
    set_round_status(round_=round_, status=RoundStatus.OPEN, actor=organiser)
    judges = [make_user() for _ in range(n_judges)]
    for judge in judges:
        add_juror(round_=round_, user=judge, actor=organiser)
    track_list = [stage.scenario.track] + [make_stage().scenario.track for _ in range(tracks - 1)]
    entries = [
        JudgedEntry.objects.create(
            round=round_,
            team=make_team(league=stage.scenario.track.league),
            track=track_list[i % tracks],
            title=f"Booth {i}",
            formal_check=FormalCheck.PASSED,
        )
        for i in range(n_entries)
    ]
    return Expo(organiser, round_, judges, entries)


def error_code(call) -> str:
    with pytest.raises(AileagueError) as caught:
        call()
    return caught.value.code


def compare(expo: Expo, judge, prefer_current: bool = True):
    """Ask for the judge's pair and record a preference; returns the pair."""
    current, following = pairwise.next_for_judge(round_=expo.round, actor=judge)
    winner, loser = (current, following) if prefer_current else (following, current)
    pairwise.record_comparison(round_=expo.round, actor=judge, winner=winner, loser=loser)
    return current, following


def walk(expo: Expo, judge, prefer_lower_title: bool = True) -> list[tuple]:
    """Compare until the judge has seen everything; the better booth is the lower number."""
    pairs = []
    while (pair := pairwise.next_for_judge(round_=expo.round, actor=judge)) is not None:
        current, following = pair
        better_current = current.title < following.title
        winner, loser = (current, following) if better_current else (following, current)
        pairwise.record_comparison(round_=expo.round, actor=judge, winner=winner, loser=loser)
        pairs.append((current.pk, following.pk))
    return pairs


def test_a_judge_walks_on_from_the_booth_they_just_judged_and_never_sees_one_twice():
    expo = make_expo(n_entries=5, n_judges=1)
    judge = expo.judges[0]
    pairs = walk(expo, judge)
    assert len(pairs) == 4  # five booths: the first pair, then one new booth at a time
    assert all(pairs[i + 1][0] == pairs[i][1] for i in range(3))
    seen = [pairs[0][0]] + [following for _current, following in pairs]
    assert sorted(seen) == sorted(e.pk for e in expo.entries)
    assert pairwise.next_for_judge(round_=expo.round, actor=judge) is None


def test_undo_gives_exactly_the_ranking_without_the_comparison():
    expo = make_expo(n_entries=6, n_judges=2)
    first, second = expo.judges
    for _ in range(3):
        compare(expo, first)
        compare(expo, second, prefer_current=False)
    before = pairwise.round_strengths(expo.round)
    pair = pairwise.next_for_judge(round_=expo.round, actor=first)
    compare(expo, first, prefer_current=False)  # the misclick
    assert pairwise.round_strengths(expo.round) != before
    undone = pairwise.undo_last(round_=expo.round, actor=first)
    assert pairwise.round_strengths(expo.round) == before
    assert (undone.loser, undone.winner) == pair
    assert pairwise.next_for_judge(round_=expo.round, actor=first) == pair
    assert Comparison.objects.filter(round=expo.round).count() == 7  # kept on record
    audit = AuditEntry.objects.get(action="jury.pairwise.undo")
    assert audit.after == {"undone": True, "winner": pair[1].pk, "loser": pair[0].pk}


def test_undo_twice_steps_back_two_comparisons():
    expo = make_expo(n_entries=4, n_judges=1)
    judge = expo.judges[0]
    first_pair = compare(expo, judge)
    compare(expo, judge)
    pairwise.undo_last(round_=expo.round, actor=judge)
    pairwise.undo_last(round_=expo.round, actor=judge)
    assert pairwise.next_for_judge(round_=expo.round, actor=judge) == first_pair
    assert pairwise.round_strengths(expo.round) == {}
    assert error_code(lambda: pairwise.undo_last(round_=expo.round, actor=judge)) == (
        "nothing_to_undo"
    )


def test_a_conflicted_entry_is_never_shown_and_cannot_be_compared():
    expo = make_expo(n_entries=5, n_judges=1)
    judge = expo.judges[0]
    hidden = expo.entries[2]
    declare_conflict(entry=hidden, judge=judge, actor=judge)
    pairs = walk(expo, judge)
    shown = {pk for pair in pairs for pk in pair}
    assert shown == {e.pk for e in expo.entries} - {hidden.pk}
    visit = PairwiseVisit.objects.get(round=expo.round, user=judge)
    visit.next = hidden  # as if the page were forged
    visit.save()
    code = error_code(
        lambda: pairwise.record_comparison(
            round_=expo.round, actor=judge, winner=hidden, loser=visit.current
        )
    )
    assert code == "permission_denied"


def test_a_comparison_made_before_a_conflict_was_declared_stops_counting():
    expo = make_expo(n_entries=3, n_judges=1)
    judge = expo.judges[0]
    current, following = compare(expo, judge)
    assert set(pairwise.round_strengths(expo.round)) == {current.pk, following.pk}
    declare_conflict(entry=current, judge=judge, actor=expo.organiser)
    assert pairwise.round_strengths(expo.round) == {}


def test_a_fresh_judge_is_sent_to_booths_nobody_has_compared_yet():
    expo = make_expo(n_entries=6, n_judges=3, min_coverage=1)
    first, second, third = expo.judges
    pair_one = set(compare(expo, first))
    pair_two = set(compare(expo, second))
    pair_three = set(compare(expo, third))
    assert pair_one.isdisjoint(pair_two)
    assert (pair_one | pair_two).isdisjoint(pair_three)
    assert pair_one | pair_two | pair_three == set(expo.entries)


def test_only_the_current_pair_of_a_judge_of_an_open_pairwise_round_is_recorded():
    expo = make_expo(n_entries=4, n_judges=1)
    judge = expo.judges[0]
    a, b, c, _d = expo.entries
    assert (
        error_code(
            lambda: pairwise.record_comparison(round_=expo.round, actor=judge, winner=a, loser=b)
        )
        == "not_current_pair"
    )
    assert error_code(lambda: pairwise.next_for_judge(round_=expo.round, actor=make_user())) == (
        "permission_denied"
    )
    current, following = pairwise.next_for_judge(round_=expo.round, actor=judge)
    assert (
        error_code(
            lambda: pairwise.record_comparison(
                round_=expo.round, actor=judge, winner=current, loser=current
            )
        )
        == "same_entry"
    )
    set_round_status(round_=expo.round, status=RoundStatus.CLOSED, actor=expo.organiser)
    assert (
        error_code(
            lambda: pairwise.record_comparison(
                round_=expo.round, actor=judge, winner=current, loser=following
            )
        )
        == "round_not_open"
    )


def test_strengths_map_onto_zero_to_ten_and_rank_the_round():
    expo = make_expo(n_entries=4, n_judges=3)
    for judge in expo.judges:
        walk(expo, judge)
    scores = pairwise.round_strengths(expo.round)
    by_title = sorted(expo.entries, key=lambda e: e.title)
    values = [scores[e.pk] for e in by_title]
    assert values == sorted(values, reverse=True)  # Booth 0 is best in every comparison
    assert all(0.0 < v < 10.0 for v in values)
    assert values[0] > 5.0 > values[-1]
    assert pairwise.strength_to_score(0.0) == 5.0
    assert pairwise.strength_to_score(math.log(3)) == 7.5
    compute_round_results(round_=expo.round, actor=expo.organiser)
    ranked = list(EntryResult.objects.filter(round=expo.round).order_by("rank"))
    assert [r.entry_id for r in ranked] == [e.pk for e in by_title]
    assert [r.score for r in ranked] == values


def test_rankings_per_track():
    expo = make_expo(n_entries=6, n_judges=3, tracks=2)
    for judge in expo.judges:
        walk(expo, judge)
    rankings = pairwise.pairwise_ranking_per_track(expo.round)
    assert [r.track for r in rankings] == [expo.entries[0].track, expo.entries[1].track]
    assert [[e.title for _rank, e, _s in r.rows] for r in rankings] == [
        ["Booth 0", "Booth 2", "Booth 4"],
        ["Booth 1", "Booth 3", "Booth 5"],
    ]
    assert [[rank for rank, _e, _s in r.rows] for r in rankings] == [[1, 2, 3], [1, 2, 3]]


def test_the_compare_page_records_a_choice_and_undoes_it(client):
    expo = make_expo(n_entries=3, n_judges=1)
    judge = expo.judges[0]
    client.force_login(judge, backend="aileague.accounts.backends.EmailBackend")
    url = reverse("pitch:pairwise", args=[expo.round.pk])
    text = client.get(url).content.decode()
    current, following = pairwise.next_for_judge(round_=expo.round, actor=judge)
    assert f'id="current" data-entry="{current.pk}"' in text
    assert f'id="next" data-entry="{following.pk}"' in text
    response = client.post(url, {"action": "next", "current": current.pk, "next": following.pk})
    assert response.status_code == 302
    (comparison,) = Comparison.objects.filter(round=expo.round)
    assert (comparison.winner, comparison.loser) == (following, current)
    text = client.get(url).content.decode()
    assert f'id="current" data-entry="{following.pk}"' in text
    client.post(url, {"action": "undo"})
    comparison.refresh_from_db()
    assert comparison.undone_at is not None
    assert f'id="current" data-entry="{current.pk}"' in client.get(url).content.decode()
    assert client.get(url, headers={"accept-language": "zh-hans"}).status_code == 200
    client.force_login(make_user(), backend="aileague.accounts.backends.EmailBackend")
    assert client.get(url).status_code == 403
