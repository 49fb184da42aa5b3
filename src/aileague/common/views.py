"""What the server-rendered pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

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


def redirect_back(request, fallback):
    """Back to the page the form came from (its ``next`` field, on this site only), or to
    ``fallback``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def form_errors_to_messages(request, form) -> None:
    """A form's errors as page messages, for a form posted from another page."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
