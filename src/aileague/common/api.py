"""Shared pieces of the JSON API: authentication and the error mapping."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from aileague.accounts.services import user_for_api_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ail_...`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


class OptionalAuth:
    """Anonymous callers are let through as AnonymousUser; a bad token is still refused.

    Used by public endpoints (scenario lists, public leaderboards) that show more to members.
    """

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return TokenAuth()(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            request.user = AnonymousUser()
        return request.user


token_or_session = [TokenAuth(), SessionAuth()]
optional_auth = [OptionalAuth()]
