"""Importing a league bundle: check everything, then write everything in one transaction.

Nothing is written while any problem remains, so an organiser can fix a bundle and import it
again without cleaning up a half-imported league first.
"""

from __future__ import annotations

from pathlib import Path

from aileague.competitions.bundle.conflicts import database_problems
from aileague.competitions.bundle.errors import BundleError, BundleProblem
from aileague.competitions.bundle.plan import LeaguePlan
from aileague.competitions.bundle.references import check_files
from aileague.competitions.bundle.schema import ManifestCheck, load_manifest
from aileague.competitions.bundle.source import Bundle, open_bundle
from aileague.competitions.bundle.writer import write_league
from aileague.competitions.models import League


def validate_bundle(*, path: Path, replace: bool = False) -> list[BundleProblem]:
    """Every problem ``import_bundle`` would refuse the bundle for (a dry run: nothing is written).

    ``replace`` as for ``import_bundle``: without it an existing league slug is a problem.
    """
    with open_bundle(Path(path)) as bundle:
        _plan, problems = check_bundle(bundle, replace=replace)
    return problems


def import_bundle(*, path: Path, actor=None, replace: bool = False) -> League:
    """Create the league a bundle (folder or .zip) describes, with its files, all or nothing.

    With ``replace`` an existing league of the same slug is updated in place: tracks, scenarios
    and stages are matched by slug, so teams' entries survive; those missing from the bundle are
    deleted. A league whose stages have submissions is never replaced. Raises ``BundleError``.
    """
    with open_bundle(Path(path)) as bundle:
        plan, problems = check_bundle(bundle, replace=replace)
        if problems:
            raise BundleError(problems)
        return write_league(plan, actor=actor, replace=replace, source=Path(path).name)


def check_bundle(bundle: Bundle, *, replace: bool) -> tuple[LeaguePlan, list[BundleProblem]]:
    """The plan of an opened bundle and every problem found in it and against the database."""
    problems = list(bundle.problems)
    if bundle.root is None:
        return LeaguePlan(), problems
    check = ManifestCheck(bundle.root)
    document = load_manifest(bundle.root, check.c)
    if check.problems and document is None:
        return LeaguePlan(), problems + check.problems
    plan = check.document(document)
    check_files(check.c, plan)
    return plan, problems + check.problems + database_problems(plan, replace=replace)
