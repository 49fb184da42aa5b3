"""JSON API of the jury: judges fill in score sheets, organisers assign and compute results,
teams hand in proposals, panels run pitch sessions. Thin adapters over ``judging.services``,
``assigning``, ``reviews``, ``calibration``, ``pitch`` and ``queries``; domain errors are mapped to
statuses in ``aileague.api``."""

from ninja import Router

from aileague.judging.api import reviews, sessions

router = Router(tags=["jury"])
router.add_router("", reviews.router)
router.add_router("", sessions.router)

__all__ = ["router"]
