"""A judge with a conflict never sees the entry, its reviews, or an aggregate that includes it."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from aileague.common.errors import PermissionDenied
from aileague.judging import queries, services
from aileague.judging.calibration import compute_round_results
from aileague.judging.models import Assignment, JurorRole
from tests.factories import captain_of, make_user
from tests.judging.test_services import make_jury, review

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user, backend="aileague.accounts.backends.EmailBackend")
    return user


def reviewed_then_conflicted():
    """Three judges reviewed one entry (9, 5, 4); then the organisers find that the first one
    has a conflict (their submitted review stays on record but must count nowhere)."""
    jury = make_jury(entries=1, judges=3, reviews=3)
    entry = jury.entries[0]
    first, second, third = Assignment.objects.filter(entry=entry).order_by("user_id")
    review(first, 9, comment="Written by the conflicted judge.")
    review(second, 5)
    review(third, 4)
    entry.document.save("proposal.pdf", io.BytesIO(b"%PDF-1.4\n"), save=True)
    services.declare_conflict(entry=entry, judge=first.user, actor=jury.organiser)
    return jury, entry, first, second


def test_conflicted_judge_no_longer_lists_the_entry(client):
    jury, entry, conflicted, _other = reviewed_then_conflicted()
    assert list(queries.assignments_of(conflicted.user)) == []
    login(client, conflicted.user)
    response = client.get(reverse("judging:mine"))
    assert response.context["rounds"][0]["rows"] == []
    assert entry.title not in response.content.decode()


def test_conflicted_judge_cannot_open_the_sheet_nor_the_document(client):
    _jury, entry, conflicted, _other = reviewed_then_conflicted()
    login(client, conflicted.user)
    assert client.get(reverse("judging:sheet", args=[conflicted.pk])).status_code == 404
    assert client.get(reverse("judging:document", args=[entry.pk])).status_code == 404
    assert client.post(reverse("judging:declare_conflict", args=[conflicted.pk])).status_code == 404


def test_conflicted_judges_review_is_not_shown_to_the_other_judges(client):
    _jury, _entry, _conflicted, other = reviewed_then_conflicted()
    peers = queries.other_reviews(assignment=other, user=other.user)
    assert [(p.label, p.total) for p in peers] == [("Judge A", 4.0)]
    login(client, other.user)
    text = client.get(reverse("judging:sheet", args=[other.pk])).content.decode()
    assert "Written by the conflicted judge." not in text


def test_conflicted_judge_sees_no_other_review_through_their_old_assignment():
    _jury, _entry, conflicted, _other = reviewed_then_conflicted()
    assert queries.other_reviews(assignment=conflicted, user=conflicted.user) == []


def test_results_leave_out_the_conflicted_review():
    jury, entry, _conflicted, _other = reviewed_then_conflicted()
    compute_round_results(round_=jury.round, actor=jury.organiser)
    [row] = queries.round_results(round_=jury.round, user=jury.organiser)
    assert (row.entry_id, row.n_reviews, row.raw_mean) == (entry.pk, 2, 4.5)


def test_presidium_with_a_conflict_does_not_see_the_entrys_result():
    jury = make_jury(entries=2, judges=2, reviews=2)
    for assignment in Assignment.objects.filter(round=jury.round):
        review(assignment, 6)
    compute_round_results(round_=jury.round, actor=jury.organiser)
    chair, member = make_user(), make_user()
    for person in (chair, member):
        services.add_juror(
            round_=jury.round, user=person, actor=jury.organiser, role=JurorRole.PRESIDIUM
        )
    services.declare_conflict(entry=jury.entries[0], judge=chair, actor=chair)
    seen = lambda user: [r.entry_id for r in queries.round_results(round_=jury.round, user=user)]  # noqa: E731
    assert seen(chair) == [jury.entries[1].pk]
    assert seen(member) == [jury.entries[0].pk, jury.entries[1].pk]
    assert seen(jury.organiser) == [jury.entries[0].pk, jury.entries[1].pk]
    with pytest.raises(PermissionDenied):
        queries.round_results(round_=jury.round, user=jury.judges[0])


def test_presidium_and_judges_cannot_open_the_organisers_round_page(client):
    jury = make_jury(entries=1, judges=1, reviews=1)
    chair = make_user()
    services.add_juror(
        round_=jury.round, user=chair, actor=jury.organiser, role=JurorRole.PRESIDIUM
    )
    for person in (chair, jury.judges[0]):
        login(client, person)
        assert client.get(reverse("judging:round", args=[jury.round.pk])).status_code == 403
        assert client.get(reverse("judging:results_csv", args=[jury.round.pk])).status_code == 403


def test_judge_put_on_the_avoid_list_loses_an_unstarted_assignment_and_its_page(client):
    jury = make_jury(entries=1, judges=2, reviews=2)
    entry, judge = jury.entries[0], jury.judges[0]
    assignment = Assignment.objects.get(entry=entry, user=judge)
    team = jury.teams[0]
    services.submit_proposal(
        round_=jury.round,
        team=team,
        actor=captain_of(team),
        title=entry.title,
        avoid_judges=[judge],
    )
    login(client, judge)
    assert client.get(reverse("judging:sheet", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("judging:mine")).context["rounds"][0]["rows"] == []
