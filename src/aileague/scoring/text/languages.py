"""The league's languages as the scorer knows them: one canonical code each, and its aliases."""

from __future__ import annotations

#: Canonical code -> English name. A text task's ``language`` is one of these or an alias.
LANGUAGES: dict[str, str] = {
    "zh": "Chinese (Simplified)",
    "en": "English",
    "vi": "Vietnamese",
    "th": "Thai",
    "id": "Indonesian",
    "ms": "Malay",
    "fil": "Filipino",
    "lo": "Lao",
    "km": "Khmer",
    "my": "Burmese",
}

# The interface uses Django's ``zh-hans``; ISO 639-1 ``tl`` is Tagalog, which Filipino is based on.
ALIASES: dict[str, str] = {"zh-hans": "zh", "zh-cn": "zh", "tl": "fil"}

#: Written without spaces between words: word-level metrics must segment these first.
UNSPACED = frozenset({"zh", "th", "lo", "km", "my"})


def canonical_language(code: str | None) -> str | None:
    """The canonical code of ``code`` (case and ``_`` / ``-`` do not matter); None stays None.

    Raises ``ValueError`` naming the accepted codes when ``code`` is not a league language.

    >>> canonical_language("zh-Hans"), canonical_language("tl"), canonical_language(None)
    ('zh', 'fil', None)
    """
    if not code:
        return None
    key = code.strip().lower().replace("_", "-")
    key = ALIASES.get(key, key)
    if key not in LANGUAGES:
        accepted = ", ".join([*LANGUAGES, *ALIASES])
        raise ValueError(f"language {code!r} is not one of {accepted}")
    return key
