"""The error of a custom metric that failed: the organiser's problem, never the team's."""

from __future__ import annotations

from aileague.scoring.kinds.base import ReferenceError


class CustomMetricError(ReferenceError):
    """An organiser's metric failed; ``log`` is the end of what its process wrote.

    ``reason`` is the message without the metric's name; ``line`` is the line of the metric's
    file where an exception was raised, when known.
    """

    code = "custom_metric_error"

    def __init__(
        self, message: str, *, log: str = "", line: int | None = None, reason: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.log = log
        self.line = line
        self.reason = reason or message

    @property
    def report(self) -> str:
        """What organisers read: the message, then the process's output."""
        return f"{self.message}\n\n{self.log}" if self.log.strip() else self.message
