"""What every ``aileague jury`` command shares: the command group, the API client, consoles and
error output."""

from __future__ import annotations

import os

import typer
from rich.console import Console

from aileague.cli.client import Api, ClientError, load_credentials

jury_app = typer.Typer(
    help="The jury: your review assignments and score sheets; assignment and results for "
    "organisers; proposals for teams.",
    no_args_is_help=True,
)

RECOMMENDATIONS = ("strong_yes", "yes", "unsure", "no")


def console() -> Console:
    # Made per call, so the terminal width (COLUMNS) is read when the command runs.
    return Console(highlight=False)


def error_console() -> Console:
    return Console(stderr=True, highlight=False)


class JuryApi(Api):
    """The participant client plus the verbs the jury needs (PUT, a form without a file).

    Unlike ``Api.get``, every call here raises ClientError on 422 too, so that a refused
    score sheet reaches ``_fail`` with its list of problems."""

    def __enter__(self) -> JuryApi:
        return self

    def __exit__(self, *exc_info) -> None:
        self._http.close()

    def call(self, method: str, path: str, **kwargs):
        response = self._http.request(method, path, **kwargs)
        payload = self._json(response)
        if response.status_code == 422:
            raise ClientError(422, payload if isinstance(payload, dict) else {})
        return payload

    def download(self, path: str) -> bytes:
        """A file (the signed score sheets); refusals come back as JSON like any call."""
        response = self._http.get(path)
        if response.status_code >= 400:
            self._json(response)
            raise ClientError(response.status_code, {})
        return response.content


def jury_api() -> JuryApi:
    return JuryApi(load_credentials(), language=os.environ.get("AILEAGUE_LANGUAGE"))


def request(method: str, path: str, **kwargs):
    with jury_api() as api:
        return api.call(method, path, **kwargs)


def fail(exc: ClientError) -> None:
    """The API's code and message, then every problem it listed; exit 1 for refused input
    (422), 2 for anything else (not found, not allowed, not signed in, server errors)."""
    err = error_console()
    code = exc.payload.get("code", exc.status)
    details = exc.payload.get("details")
    if isinstance(details, list) and str(exc) == " ".join(map(str, details)):
        err.print(f"[red]error[/red] ({code}):")  # the problems below are the whole message
    else:
        err.print(f"[red]error[/red] ({code}): {exc}")
    if isinstance(details, list):
        for problem in details:
            err.print(f"  • {problem}")
    elif isinstance(details, dict):
        for key, value in details.items():
            err.print(f"  {key}: {value}")
    raise typer.Exit(1 if exc.status == 422 else 2)


def fmt(value, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


STATE_STYLE = {"to_do": "yellow", "draft": "cyan", "submitted": "green"}
