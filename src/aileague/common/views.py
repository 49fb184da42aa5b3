"""What the server-rendered pages share."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages

from aileague.common.errors import AileagueError


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
