"""League bundles: one league.yaml plus the files it names, as a folder or a .zip.

See docs/bundle-format.md. ``import_bundle`` checks everything and writes all or nothing;
``export_bundle`` writes a bundle that imports back into the same league; ``validate_bundle`` is
the dry run behind ``aileague bundle import --check``.
"""

from aileague.competitions.bundle.errors import BundleError, BundleProblem
from aileague.competitions.bundle.exporter import export_bundle
from aileague.competitions.bundle.importer import import_bundle, validate_bundle

__all__ = ["BundleError", "BundleProblem", "export_bundle", "import_bundle", "validate_bundle"]
