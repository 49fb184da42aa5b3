"""Plain functions that build real objects through the real services where it matters.

Every helper takes keyword arguments with sensible defaults, so a test names only what it is
about: ``make_stage(daily_quota=1)``.
"""

from __future__ import annotations

import io
import itertools
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from aileague.accounts.models import Organisation, Role, User
from aileague.accounts.services import grant_role
from aileague.competitions.models import League, Scenario, ScenarioStatus, Stage, Track
from aileague.teams.models import Entry, MemberRole, Membership, Team

_counter = itertools.count(1)

REFERENCE_CSV = (
    "id,target,split\n"
    "001,1,public\n002,0,public\n003,1,public\n004,0,public\n"
    "005,1,private\n006,0,private\n007,1,private\n008,0,private\n"
)
GOOD_PREDICTIONS = (
    "id,prediction\n001,0.9\n002,0.1\n003,0.8\n004,0.3\n005,0.7\n006,0.2\n007,0.6\n008,0.4\n"
)
WEAK_PREDICTIONS = (
    "id,prediction\n001,0.6\n002,0.7\n003,0.8\n004,0.3\n005,0.2\n006,0.7\n007,0.6\n008,0.4\n"
)
PASSWORD = "correct-horse-battery-42"


def n() -> int:
    return next(_counter)


def make_user(
    *,
    email: str | None = None,
    verified: bool = True,
    role: str | None = None,
    password: str = PASSWORD,
    **scope,
) -> User:
    i = n()
    email = email or f"user{i}@example.org"
    user = User.objects.create_user(email=email, password=password, display_name=f"User {i}")
    if verified:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    if role:
        grant_role(user=user, role=Role(role), **scope)
    return user


def make_league(**fields) -> League:
    i = n()
    defaults = {
        "slug": f"league-{i}",
        "name": {"en": f"League {i}", "zh-hans": f"联赛 {i}"},
        "season": 2026,
    }
    return League.objects.create(**{**defaults, **fields})


def make_track(*, league: League | None = None, **fields) -> Track:
    i = n()
    league = league or make_league()
    defaults = {"slug": f"track-{i}", "name": {"en": f"Track {i}", "zh-hans": f"赛道 {i}"}}
    return Track.objects.create(league=league, **{**defaults, **fields})


def make_scenario(
    *,
    track: Track | None = None,
    reference: str = REFERENCE_CSV,
    task: dict | None = None,
    **fields,
) -> Scenario:
    i = n()
    track = track or make_track()
    owner, _ = Organisation.objects.get_or_create(
        name=f"Owner {i}", defaults={"kind": "enterprise", "country": "CN"}
    )
    task = task or {"kind": "binary_probability", "metric": "roc_auc"}
    defaults = {
        "slug": f"scenario-{i}",
        "title": {"en": f"Scenario {i}", "zh-hans": f"场景 {i}"},
        "problem_statement": {"en": "Predict the target.", "zh-hans": "预测目标。"},
        "owner": owner,
        "status": ScenarioStatus.PUBLISHED,
        "task": task,
        "metric": task["metric"],
    }
    scenario = Scenario(track=track, **{**defaults, **fields})
    scenario.reference_file.save(
        f"{scenario.slug}.csv", ContentFile(reference.encode()), save=False
    )
    scenario.save()
    return scenario


def make_stage(
    *,
    scenario: Scenario | None = None,
    opens_in: timedelta = timedelta(days=-1),
    closes_in: timedelta = timedelta(days=30),
    **fields,
) -> Stage:
    i = n()
    scenario = scenario or make_scenario()
    now = timezone.now()
    defaults = {
        "slug": f"stage-{i}",
        "name": {"en": f"Stage {i}", "zh-hans": f"阶段 {i}"},
        "opens_at": now + opens_in,
        "closes_at": now + closes_in,
    }
    return Stage.objects.create(scenario=scenario, **{**defaults, **fields})


def make_team(*, league: League, captain: User | None = None, members: int = 0, **fields) -> Team:
    i = n()
    captain = captain or make_user()
    defaults = {"name": f"Team {i}", "country": "VN", "organisation_type": "university"}
    team = Team.objects.create(league=league, **{**defaults, **fields})
    Membership.objects.create(team=team, user=captain, role=MemberRole.CAPTAIN)
    for _ in range(members):
        Membership.objects.create(team=team, user=make_user(), role=MemberRole.MEMBER)
    return team


def make_entry(*, stage: Stage | None = None, team: Team | None = None) -> tuple[Entry, Stage]:
    stage = stage or make_stage()
    team = team or make_team(league=stage.scenario.track.league)
    captain = team.memberships.get(role=MemberRole.CAPTAIN).user
    entry = Entry.objects.create(team=team, scenario=stage.scenario, registered_by=captain)
    return entry, stage


def captain_of(team: Team) -> User:
    return team.memberships.get(role=MemberRole.CAPTAIN).user


def upload(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


# --- Helpers for the domain test battery (appended; the helpers above are unchanged). ---

#: Four public then four private ids of REFERENCE_CSV; both splits have targets 1, 0, 1, 0.
REFERENCE_IDS = ("001", "002", "003", "004", "005", "006", "007", "008")


def predictions(public, private) -> str:
    """A predictions file for REFERENCE_CSV: four public, then four private probabilities.

    With targets 1, 0, 1, 0, ``[0.9, 0.1, 0.8, 0.2]`` has AUC 1.0, ``[0.6, 0.7, 0.8, 0.3]`` 0.75,
    ``[0.2, 0.7, 0.6, 0.4]`` 0.25 and ``[0.1, 0.9, 0.2, 0.8]`` 0.0.
    """
    values = [*public, *private]
    rows = "".join(f"{i},{v}\n" for i, v in zip(REFERENCE_IDS, values, strict=True))
    return "id,prediction\n" + rows


def submit(
    entry: Entry,
    stage: Stage,
    text: str,
    *,
    actor: User | None = None,
    now=None,
    filename: str = "predictions.csv",
):
    """Submit ``text`` through the real service, as the captain unless ``actor`` is given."""
    from aileague.submissions.services import submit_predictions

    return submit_predictions(
        entry=entry,
        stage=stage,
        upload=upload(text),
        filename=filename,
        actor=actor or captain_of(entry.team),
        now=now,
    )


def submit_and_score(entry: Entry, stage: Stage, text: str, **kwargs):
    """Submit, then score on this process as a worker would; returns the refreshed row."""
    from aileague.submissions.worker import score_submission

    submission = submit(entry, stage, text, **kwargs)
    score_submission(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission
