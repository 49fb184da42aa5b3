"""The advancement policy is edited in the back office, but saved through its service."""

from __future__ import annotations

import pytest

from aileague.accounts.models import Role
from aileague.common.models import AuditEntry
from aileague.results.models import AdvancementPolicy
from tests.factories import make_stage, make_user

pytestmark = pytest.mark.django_db

FORM = {
    "benchmark_weight": "0.4",
    "jury_weight": "0.6",
    "scale": "percentile",
    "min_asean": "1",
    "tie_break": "jury_first",
    "notice_days": "7",
}


def organiser_of(stage):
    user = make_user(role=Role.ORGANISER, league=stage.scenario.track.league)
    user.is_staff = True
    user.save()
    return user


def test_saving_the_policy_in_the_back_office_goes_through_the_service(client):
    stage = make_stage()
    client.force_login(organiser_of(stage))
    response = client.post("/admin/results/advancementpolicy/add/", {**FORM, "stage": stage.pk})
    assert response.status_code == 302
    policy = AdvancementPolicy.objects.get(stage=stage)
    assert (policy.benchmark_weight, policy.jury_weight, policy.min_asean) == (0.4, 0.6, 1)
    assert AuditEntry.objects.filter(action="results.set_policy").count() == 1


def test_the_back_office_reports_the_services_refusal_and_changes_nothing(client):
    stage = make_stage()
    other = organiser_of(make_stage())  # an organiser of another league
    client.force_login(other)
    response = client.post(
        "/admin/results/advancementpolicy/add/", {**FORM, "stage": stage.pk}, follow=True
    )
    assert response.status_code == 200
    assert AdvancementPolicy.objects.count() == 0
    assert AuditEntry.objects.filter(action="results.set_policy").count() == 0
