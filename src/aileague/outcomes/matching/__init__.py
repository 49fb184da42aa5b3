"""Matching partners (investors, pilot sites) with projects from their stated interests.

Pure numerical code — numpy, scipy and OR-Tools, no Django — so that it can be tested on
generated markets with known good matches. ``aileague.outcomes.recommendations`` builds the
inputs from the database and phrases the reasons.

Typical use::

    market = encode(partners, projects, exclude=already_related, regions={"ASEAN": members})
    for match in top_projects(market, k=10)[0]:
        reasons = explain(partners[0], projects[match.project], match)
"""

from aileague.outcomes.matching.assignment import assign_introductions, greedy_introductions
from aileague.outcomes.matching.market import (
    COMPONENTS,
    Market,
    PartnerInterests,
    ProjectFeatures,
    Weights,
    encode,
    score_matrix,
)
from aileague.outcomes.matching.ranking import Match, Reason, explain, top_partners, top_projects

__all__ = [
    "COMPONENTS",
    "Market",
    "Match",
    "PartnerInterests",
    "ProjectFeatures",
    "Reason",
    "Weights",
    "assign_introductions",
    "encode",
    "explain",
    "greedy_introductions",
    "score_matrix",
    "top_partners",
    "top_projects",
]
