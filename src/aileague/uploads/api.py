"""JSON API of uploads."""

from ninja import Router

router = Router(tags=["uploads"])
