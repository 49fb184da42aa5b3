"""The JSON API (OpenAPI at /api/v1/docs). Each app contributes a router; domain errors map to
HTTP statuses here and nowhere else."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from aileague.accounts.api import router as accounts_router
from aileague.common.errors import AileagueError
from aileague.competitions.api import router as competitions_router
from aileague.judging.api import router as jury_router
from aileague.leaderboards.api import router as leaderboards_router
from aileague.outcomes.api import router as outcomes_router
from aileague.reports.api import router as reports_router
from aileague.results.api import router as results_router
from aileague.submissions.api import router as submissions_router
from aileague.uploads.api import router as uploads_router

api = NinjaAPI(
    title="aileague API",
    version="1",
    urls_namespace="api",
    description="Scenarios, submissions and leaderboards. Authenticate with "
    "`Authorization: Bearer <token>` (create a token on your profile page).",
)
api.add_router("", accounts_router)
api.add_router("", competitions_router)
api.add_router("", submissions_router)
api.add_router("", uploads_router)
api.add_router("", leaderboards_router)
api.add_router("", jury_router)
api.add_router("", results_router)
api.add_router("", reports_router)
api.add_router("", outcomes_router)


@api.exception_handler(AileagueError)
def domain_error(request: HttpRequest, exc: AileagueError):
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    from django.utils.translation import gettext as _

    return api.create_response(
        request,
        {
            "code": "not_authenticated",
            "message": _("Sign in, or send a valid API token as 'Authorization: Bearer <token>'."),
        },
        status=401,
    )
