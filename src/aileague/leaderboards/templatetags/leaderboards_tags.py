"""``{% team_rank_history team %}``: a team's ranks over time, with an inline SVG sparkline."""

from __future__ import annotations

from django import template

from aileague.leaderboards.queries import team_rank_histories

register = template.Library()


@register.inclusion_tag("leaderboards/_team_history.html", takes_context=True)
def team_rank_history(context, team):
    user = context.get("user")
    return {"histories": team_rank_histories(team=team, user=user), "team": team}
