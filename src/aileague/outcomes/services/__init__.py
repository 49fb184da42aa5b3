"""State changes after the league: awards, projects, the pipeline of investors and pilot sites,
the cooperation center. Every function checks who may act and writes one audit entry.

- ``projects``: awards, projects and their public profiles, product launch;
- ``pipeline``: partner profiles and relations (interest → meeting → … → deployed);
- ``center``: center sign-in, incubation milestones, cooperation agreements.

Callers import from here (``from aileague.outcomes import services``); the modules are a layout.
"""

from aileague.outcomes.services.center import (
    add_milestone,
    complete_milestone,
    record_cooperation_agreement,
    sign_into_center,
)
from aileague.outcomes.services.pipeline import (
    PROFILE_FIELDS,
    accept_meeting,
    advance_relation,
    decline,
    express_interest,
    request_meeting,
    set_partner_profile,
    update_partner_profile,
    withdraw,
)
from aileague.outcomes.services.projects import (
    PROJECT_FIELDS,
    RESERVED_SLUGS,
    create_project,
    mark_product_launched,
    project_from_award,
    record_award,
    update_project,
)

__all__ = [
    "PROFILE_FIELDS",
    "PROJECT_FIELDS",
    "RESERVED_SLUGS",
    "accept_meeting",
    "add_milestone",
    "advance_relation",
    "complete_milestone",
    "create_project",
    "decline",
    "express_interest",
    "mark_product_launched",
    "project_from_award",
    "record_award",
    "record_cooperation_agreement",
    "request_meeting",
    "set_partner_profile",
    "sign_into_center",
    "update_partner_profile",
    "update_project",
    "withdraw",
]
