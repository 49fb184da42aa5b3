"""``aileague jury …``: judges review, organisers assign and read results, teams hand in
proposals, panels run pitch sessions. Every command is one call to the jury's JSON API
(``/api/v1/jury/…``), with the same login as the other participant commands (``aileague login``)."""

from aileague.cli.jury import reviews, sessions  # noqa: F401 - each registers its commands
from aileague.cli.jury.client import jury_app

__all__ = ["jury_app"]
