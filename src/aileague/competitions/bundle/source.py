"""Opening a bundle — a folder or a .zip of one — and resolving the paths league.yaml names.

A zip is never extracted blindly: each member is checked (no absolute paths, no '..', no links)
and only safe members are copied into a temporary folder, so the rest of the importer deals with
one kind of bundle, a folder it can trust.
"""

from __future__ import annotations

import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from aileague.competitions.bundle.errors import BundleProblem

MANIFEST = "league.yaml"
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Bundle:
    """A bundle opened as a folder; ``problems`` were found while opening it."""

    root: Path | None
    problems: list[BundleProblem] = field(default_factory=list)


@contextmanager
def open_bundle(path: Path) -> Iterator[Bundle]:
    """Yield the bundle at ``path``; a zip's temporary folder is removed on exit."""
    path = Path(path)
    if path.is_dir():
        yield _with_manifest(Bundle(root=path.resolve()))
    elif path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="aileague-bundle-") as folder:
            problems = _extract_zip(path, Path(folder))
            yield _with_manifest(Bundle(root=Path(folder), problems=problems))
    else:
        message = _("expected a bundle folder or a .zip file")
        yield Bundle(root=None, problems=[BundleProblem(path.name or str(path), "", message)])


def _with_manifest(bundle: Bundle) -> Bundle:
    assert bundle.root is not None
    manifest = bundle.root / MANIFEST
    if manifest.is_symlink():
        message = _("is a symbolic link; bundles may not contain links")
    elif not manifest.is_file():
        message = _("missing: a bundle has league.yaml at its root")
    else:
        return bundle
    bundle.problems.append(BundleProblem(MANIFEST, "", message))
    bundle.root = None
    return bundle


def _zip_prefix(names: list[str]) -> str:
    """'' when league.yaml is at the archive's root; 'x/' when the zip holds one folder x."""
    if MANIFEST in names:
        return ""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1:
        top = tops.pop()
        if f"{top}/{MANIFEST}" in names:
            return f"{top}/"
    return ""


def _extract_zip(archive: Path, target: Path) -> list[BundleProblem]:
    problems: list[BundleProblem] = []
    try:
        with zipfile.ZipFile(archive) as zipped:
            infos = zipped.infolist()
            prefix = _zip_prefix([info.filename for info in infos])
            for info in infos:
                message = unsafe_zip_member(info)
                if message:
                    problems.append(BundleProblem(archive.name, info.filename, message))
                elif not info.is_dir() and info.filename.startswith(prefix):
                    relative = PurePosixPath(info.filename[len(prefix) :])
                    destination = target.joinpath(*relative.parts)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with zipped.open(info) as source, open(destination, "wb") as out:
                        shutil.copyfileobj(source, out)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        problems.append(
            BundleProblem(
                archive.name, "", _("cannot be read as a zip: %(reason)s") % {"reason": exc}
            )
        )
    return problems


def unsafe_zip_member(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member may not be extracted, or None when it is safe."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return _("is a symbolic link; bundles may not contain links")
    return unsafe_path(info.filename)


def unsafe_path(name: str) -> str | None:
    """Why a bundle-relative path is refused (before looking at the disk), or None."""
    if "\\" in name:
        return _("'%(path)s' contains '\\'; paths inside a bundle use '/'") % {"path": name}
    if name.startswith("/") or _DRIVE.match(name):
        return _("'%(path)s' is absolute; expected a path relative to the bundle root") % {
            "path": name
        }
    if ".." in PurePosixPath(name).parts:
        return _("'%(path)s' leaves the bundle; '..' is not allowed") % {"path": name}
    return None


def locate(root: Path, name: str) -> tuple[Path | None, str | None]:
    """The regular file ``name`` inside ``root``, or None and why it is refused.

    Every component is checked, so a linked folder cannot smuggle a file in from outside.
    """
    message = unsafe_path(name)
    if message:
        return None, message
    relative = PurePosixPath(name)
    if not relative.parts:
        return None, _("expected a path to a file, got an empty path")
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return None, _("'%(path)s' is a symbolic link; bundles may not contain links") % {
                "path": name
            }
    if not current.exists():
        return None, _("'%(path)s' does not exist in the bundle") % {"path": name}
    if not current.is_file():
        return None, _("'%(path)s' is not a file") % {"path": name}
    return current, None
