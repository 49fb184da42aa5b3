"""Content in several languages, stored as ``{"en": ..., "zh-hans": ...}`` maps.

Organiser content (titles, problem statements) is translated by people, not by gettext, so it
lives in the database as one map per field. ``pick`` chooses the best available language.
"""

from __future__ import annotations

from django.utils.translation import get_language

FALLBACK_ORDER = ("en", "zh-hans")


def pick(text_map: dict[str, str] | str | None, language: str | None = None) -> str:
    """The text in ``language`` (default: the active one), else English, else any."""
    if not text_map:
        return ""
    if isinstance(text_map, str):
        return text_map
    language = (language or get_language() or "en").lower()
    if language in text_map:
        return text_map[language]
    base = language.split("-")[0]
    for key, value in text_map.items():
        if key.split("-")[0] == base:
            return value
    for key in FALLBACK_ORDER:
        if key in text_map:
            return text_map[key]
    return next(iter(text_map.values()))
