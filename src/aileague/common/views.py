"""What the server-rendered pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import Http404

from aileague.common.errors import AileagueError, NotFound

T = TypeVar("T")


def run_service(request, action: Callable[[], object], success: str) -> bool:
    """Run a service call for a page's button: a refusal becomes an error message (in the
    user's language, as the service words it), success the ``success`` message.

    Returns whether it succeeded; the caller redirects either way (post/redirect/get).
    """
    try:
        action()
    except AileagueError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def or_404(call: Callable[..., T], **kwargs) -> T:
    """``call(**kwargs)``, with a service's NotFound turned into the page's 404."""
    try:
        return call(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None
