"""JSON API: who am I."""

from __future__ import annotations

from ninja import Router, Schema

from aileague.accounts.queries import roles_of
from aileague.common.api import token_or_session
from aileague.teams.queries import teams_of

router = Router(tags=["accounts"])


class TeamRef(Schema):
    id: int
    name: str
    league: str


class MeOut(Schema):
    email: str
    display_name: str
    email_verified: bool
    timezone: str
    language: str
    roles: list[str]
    teams: list[TeamRef]


@router.get("/me", response=MeOut, auth=token_or_session)
def me(request):
    user = request.auth
    return MeOut(
        email=user.email,
        display_name=str(user),
        email_verified=user.email_verified,
        timezone=user.timezone,
        language=user.language,
        roles=roles_of(user),
        teams=[
            TeamRef(id=t.pk, name=t.name, league=t.league.slug)
            for t in teams_of(user).select_related("league")
        ],
    )
