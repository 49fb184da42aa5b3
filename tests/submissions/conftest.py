"""Fixtures of the submission tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def files_dir(settings, tmp_path) -> Path:
    """Uploaded and reference files for this test only (not for tests with a worker process,
    which cannot see the test's settings)."""
    location = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    return location
