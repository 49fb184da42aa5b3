"""JSON API of leaderboards."""

from ninja import Router

router = Router(tags=["leaderboards"])
