"""What a bundle import reports: every problem, each with its file, field path and expectation."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from aileague.common.errors import InvalidInput


@dataclass(frozen=True)
class BundleProblem:
    """One mistake in a bundle.

    ``file`` is bundle-relative (``league.yaml``, ``reference/x.csv``); ``path`` is a field path
    in YAML (``tracks[0].scenarios[2].task.metric``) or a place in a CSV (``line 14``), empty when
    the whole file is at fault; ``expected`` says what is wrong and what was expected.
    """

    file: str
    path: str
    expected: str

    def __str__(self) -> str:
        if self.path:
            return f"{self.file}: {self.path}: {self.expected}"
        return f"{self.file}: {self.expected}"


class BundleError(InvalidInput):
    """A bundle cannot be imported; ``errors`` lists every problem found, in bundle order."""

    code = "invalid_bundle"

    def __init__(self, errors: list[BundleProblem]) -> None:
        self.errors = list(errors)
        super().__init__(
            "\n".join(str(problem) for problem in self.errors) or _("The bundle is invalid."),
            details=[asdict(problem) for problem in self.errors],
        )
