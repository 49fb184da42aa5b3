"""The season's figures and funnel as JSON, for organisers."""

from __future__ import annotations

import dataclasses

from ninja import Router

from aileague.common.api import token_or_session
from aileague.reports import queries

router = Router(tags=["reports"])


@router.get("/reports/{league}/figures", auth=token_or_session)
def figures(request, league: str, fresh: bool = False):
    """Every figure of the season report and the funnels (cached up to a minute unless fresh)."""
    league_obj = queries.access_league_report(slug=league, user=request.auth)
    data = queries.dashboard(league=league_obj, fresh=fresh)
    return {
        "figures": dataclasses.asdict(data.figures),
        "funnel": dataclasses.asdict(data.funnel),
        "cached": data.cached,
    }
