"""Live pitch sessions: "8+7" slots of one track in a drawn order, scored by the panel on their
phones, each slot closed by the panel lead, the session ratified by the jury presidium.

The order is drawn reproducibly: ``random.Random(seed).shuffle`` over the eligible entries'
ids in ascending order, with the seed published next to the order, so anyone can re-draw it
(:func:`drawn_order`) and check.

The session's ranking (:func:`session_ranking`) is each entry's mean panel total (0–10). Every
panel judge scores every pitch, so judge offsets cancel out and the raw mean is already the
calibrated ranking. Ties are broken by the published rule :data:`TIE_BREAK_RULE`.
"""

from aileague.judging.pitch.access import (
    PANEL_ROLES,
    TIE_BREAK_RULE,
    can_draw,
    can_run_session,
    can_see_sheets,
    juror_role,
)
from aileague.judging.pitch.queries import (
    LiveView,
    RankedEntry,
    access_session,
    access_slot,
    key_criterion,
    live_view,
    session_ranking,
    session_sheets,
    sessions_of_round,
    slot_progress,
)
from aileague.judging.pitch.services import (
    close_slot,
    create_session,
    draw_order,
    drawn_order,
    open_slot,
    ratify_session,
    seat_late_panel_judges,
    session_entries,
)

__all__ = [
    "LiveView",
    "PANEL_ROLES",
    "RankedEntry",
    "TIE_BREAK_RULE",
    "access_session",
    "access_slot",
    "can_draw",
    "can_run_session",
    "can_see_sheets",
    "close_slot",
    "create_session",
    "draw_order",
    "drawn_order",
    "juror_role",
    "key_criterion",
    "live_view",
    "open_slot",
    "ratify_session",
    "seat_late_panel_judges",
    "session_entries",
    "session_ranking",
    "session_sheets",
    "sessions_of_round",
    "slot_progress",
]
