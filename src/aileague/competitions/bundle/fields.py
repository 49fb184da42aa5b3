"""Type and value checks for league.yaml, collecting problems instead of stopping at the first.

Each check returns the clean value, or None after recording a problem at the field's path, so a
validator can carry on and report every mistake in one run.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Collection, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from aileague.competitions.bundle.errors import BundleProblem

SLUG = re.compile(r"[a-z0-9-]{1,50}")
LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")
COUNTRY = re.compile(r"[A-Z]{2}")
CURRENCY = re.compile(r"[A-Z]{3}")


def join(path: str, key: str | int) -> str:
    """The path of a child: ``join("tracks", 0)`` → ``tracks[0]``, then ``tracks[0].slug``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def describe(value: Any) -> str:
    """Name what was found, for 'expected X, got Y' messages."""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("a yes/no value (%(value)s)") % {"value": value}
    if isinstance(value, int | float | Decimal):
        return _("a number (%(value)s)") % {"value": value}
    if isinstance(value, str):
        return _("the text '%(value)s'") % {"value": value}
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dt.date):
        return _("a date (%(value)s)") % {"value": value.isoformat()}
    return type(value).__name__


class Checker:
    """Collects the problems of one file; ``file`` is its bundle-relative name."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[BundleProblem] = []

    def fail(self, path: str, message: str, *, file: str | None = None) -> None:
        """Record a problem; ``file`` names another file of the bundle (a page, a reference)."""
        self.problems.append(BundleProblem(file or self.file, path, message))

    def wrong_type(self, path: str, expected: str, value: Any) -> None:
        self.fail(
            path,
            _("expected %(expected)s, got %(got)s")
            % {"expected": expected, "got": describe(value)},
        )

    def mapping(
        self, value: Any, path: str, *, required: Iterable[str] = (), optional: Iterable[str] = ()
    ) -> dict | None:
        """A mapping with these keys only; unknown keys are reported (they are usually typos)."""
        if not isinstance(value, dict):
            self.wrong_type(path, _("a mapping"), value)
            return None
        required = list(required)
        known = required + list(optional)
        for key in value:
            if key not in known:
                self.fail(
                    join(path, str(key)),
                    _("unknown key; expected one of %(keys)s") % {"keys": ", ".join(known)},
                )
        for key in required:
            if key not in value:
                self.fail(join(path, key), _("required key is missing"))
        return value

    def get(self, data: dict | None, key: str, path: str, check, default: Any = None, /, **options):
        """``check`` the value under ``key`` if present; ``default`` if it is absent."""
        if data is None or key not in data:
            return default
        return check(data[key], join(path, key), **options)

    def items(self, value: Any, path: str) -> list:
        """A list (an invalid one counts as empty so that callers can loop over it)."""
        if not isinstance(value, list):
            self.wrong_type(path, _("a list"), value)
            return []
        return value

    def text(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.wrong_type(path, _("a non-empty text"), value)
            return None
        return value

    def pattern(self, value: Any, path: str, *, regex: re.Pattern, expected: str) -> str | None:
        if not isinstance(value, str) or not regex.fullmatch(value):
            self.wrong_type(path, expected, value)
            return None
        return value

    def slug(self, value: Any, path: str) -> str | None:
        return self.pattern(
            value,
            path,
            regex=SLUG,
            expected=_("a slug of lowercase letters, digits and '-' (at most 50 characters)"),
        )

    def language(self, value: Any, path: str) -> str | None:
        return self.pattern(
            value,
            path,
            regex=LANGUAGE,
            expected=_("a lowercase language code such as en, zh-hans or vi"),
        )

    def country(self, value: Any, path: str) -> str | None:
        return self.pattern(
            value, path, regex=COUNTRY, expected=_("a two-letter ISO country code such as VN")
        )

    def choice(self, value: Any, path: str, *, choices: Collection[str]) -> str | None:
        if not isinstance(value, str) or value not in choices:
            self.wrong_type(path, _("one of %(choices)s") % {"choices": ", ".join(choices)}, value)
            return None
        return value

    def integer(self, value: Any, path: str, *, minimum: int = 0) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            expected = _("a whole number of at least %(minimum)d") % {"minimum": minimum}
            self.wrong_type(path, expected, value)
            return None
        return value

    def list_of(self, value: Any, path: str, *, item) -> list:
        """A list whose items all pass the ``item`` check; duplicates are reported."""
        result = []
        for index, element in enumerate(self.items(value, path)):
            clean = item(element, join(path, index))
            if clean is not None and clean in result:
                self.fail(join(path, index), _("'%(value)s' is listed twice") % {"value": clean})
            elif clean is not None:
                result.append(clean)
        return result

    def language_map(self, value: Any, path: str) -> dict[str, str] | None:
        """``{en: ..., zh-hans: ...}``; a plain string is taken as English."""
        if isinstance(value, str):
            return None if self.text(value, path) is None else {"en": value}
        if not isinstance(value, dict) or not value:
            self.wrong_type(path, _("a text or a map of language code to text"), value)
            return None
        result = {}
        for key, text in value.items():
            language = self.language(key, join(path, str(key)))
            clean = self.text(text, join(path, str(key)))
            if language is not None and clean is not None:
                result[language] = clean
        return result if len(result) == len(value) else None

    def zone(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or value not in zoneinfo.available_timezones():
            self.wrong_type(path, _("an IANA time zone such as Asia/Shanghai"), value)
            return None
        return value

    def moment(self, value: Any, path: str) -> dt.datetime | None:
        """An ISO 8601 time with an offset, returned in UTC (YAML may have parsed it already)."""
        expected = _("an ISO 8601 time with an offset, such as 2026-05-01T00:00:00+08:00")
        moment = value
        if isinstance(value, str):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                moment = None
        if isinstance(moment, dt.datetime) and moment.utcoffset() is None:
            self.fail(
                path,
                _("'%(value)s' has no UTC offset; expected %(expected)s")
                % {"value": moment.isoformat(), "expected": expected},
            )
            return None
        if not isinstance(moment, dt.datetime):
            self.wrong_type(path, expected, value)
            return None
        return moment.astimezone(dt.UTC)

    def amount(self, value: Any, path: str) -> Decimal | None:
        """Money: at least 0, at most 2 decimal places and 12 digits before the point."""
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise InvalidOperation
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = None
        exponent = amount.as_tuple().exponent if amount is not None else 0
        if (
            amount is None
            or not amount.is_finite()
            or amount < 0
            or amount >= 10**12
            or (isinstance(exponent, int) and exponent < -2)
        ):
            self.wrong_type(path, _("an amount of at least 0 with at most 2 decimals"), value)
            return None
        return amount
