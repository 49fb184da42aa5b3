"""The organisers' back office calls the same services as everything else."""

import pytest

from aileague.common.models import AuditEntry
from aileague.competitions.models import Scenario, ScenarioStatus
from tests.factories import make_scenario, make_stage, make_user

pytestmark = pytest.mark.django_db


def organiser_client(client):
    user = make_user(role="organiser")
    user.is_staff = True
    user.save()
    client.force_login(user)
    return user


def test_publish_action_publishes_through_the_service_and_audits(client):
    organiser_client(client)
    scenario = make_scenario(status=ScenarioStatus.IN_REVIEW)
    make_stage(scenario=scenario)
    response = client.post(
        "/admin/competitions/scenario/",
        {"action": "publish", "_selected_action": [scenario.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Scenario.objects.get(pk=scenario.pk).status == ScenarioStatus.PUBLISHED
    assert AuditEntry.objects.filter(action="scenario.publish").count() == 1


def test_publish_action_reports_the_rule_that_blocks_it(client):
    organiser_client(client)
    scenario = make_scenario(status=ScenarioStatus.IN_REVIEW)  # no stage yet
    response = client.post(
        "/admin/competitions/scenario/",
        {"action": "publish", "_selected_action": [scenario.pk]},
        follow=True,
    )
    assert "Add at least one stage before publishing." in response.content.decode()
    assert Scenario.objects.get(pk=scenario.pk).status == ScenarioStatus.IN_REVIEW


def test_admin_pages_open_for_every_model(client):
    organiser_client(client)
    for path in [
        "accounts/user",
        "accounts/organisation",
        "competitions/league",
        "competitions/scenario",
        "competitions/stage",
        "teams/team",
        "teams/entry",
        "submissions/submission",
        "common/auditentry",
    ]:
        assert client.get(f"/admin/{path}/").status_code == 200, path
