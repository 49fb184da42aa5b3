"""Shared fixtures. The database is real (SQLite by default, PostgreSQL when DATABASE_URL says
so); files live under AILEAGUE_VAR_DIR, which `make test` points at var/test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
