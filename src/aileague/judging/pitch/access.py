"""Who may do what in a pitch session, and the published tie-break rule."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aileague.accounts.queries import is_organiser
from aileague.common.errors import Conflict, PermissionDenied
from aileague.judging.models import (
    Conflict as JuryConflict,
)
from aileague.judging.models import (
    JudgingRound,
    Juror,
    JurorRole,
    PitchSession,
    SessionStatus,
)
from aileague.judging.services import league_of_round

#: Published with every ranking (session page, public page, signed PDF).
TIE_BREAK_RULE = gettext_lazy(
    "Entries rank by their mean panel total (0–10). Equal means are broken by the higher "
    "median total, then by the higher mean score on the criterion of highest weight, then by "
    "the earlier place in the drawn order."
)
PANEL_ROLES = (JurorRole.REVIEWER, JurorRole.PANEL_LEAD)


# --- Who may do what -------------------------------------------------------------------------


def juror_role(user, round_: JudgingRound) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Juror.objects.filter(round=round_, user=user).values_list("role", flat=True).first()


def can_draw(user, session: PitchSession) -> bool:
    """The organisers draw the order (and set up sessions)."""
    return is_organiser(user, league_of_round(session.round))


def can_run_session(user, session: PitchSession) -> bool:
    """The panel lead and the organisers open and close slots."""
    round_ = session.round
    return juror_role(user, round_) == JurorRole.PANEL_LEAD or is_organiser(
        user, league_of_round(round_)
    )


def can_see_sheets(user, session: PitchSession) -> bool:
    """Every judge's scores (session page, signed PDF): organisers, and the panel lead and the
    presidium when they have no conflict with any entry of the session."""
    if is_organiser(user, league_of_round(session.round)):
        return True
    if juror_role(user, session.round) not in (JurorRole.PANEL_LEAD, JurorRole.PRESIDIUM):
        return False
    return not JuryConflict.objects.filter(entry__slots__session=session, user=user).exists()


def check_can_run(actor, session: PitchSession) -> None:
    if not can_run_session(actor, session):
        raise PermissionDenied(_("Only the panel lead or the organisers run the pitch slots."))


def check_not_ratified(session: PitchSession) -> None:
    if session.status == SessionStatus.RATIFIED:
        raise Conflict(
            _("The presidium has ratified this session; nothing in it can change."),
            code="session_ratified",
        )
