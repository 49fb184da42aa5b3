"""Normalisation before text scoring: Unicode NFC on both sides, and no Burmese in Zawgyi.

NFC: the same Vietnamese word typed on two keyboards may arrive precomposed (``ế``) or decomposed
(``e`` + two combining marks); they are the same text and must score as such.

Zawgyi: a font encoding, still common in Myanmar, that puts Burmese glyphs on Unicode's Myanmar
code points in a different order and with different meanings. Zawgyi text is valid UTF-8 yet
shares few characters with the same words in Unicode, so it would score near zero against a
Unicode reference without any warning. Google's ``myanmartools`` detector spots it; a row whose
Zawgyi probability exceeds ``ZAWGYI_THRESHOLD`` is refused (code ``zawgyi_text``) rather than
converted: a faithful Zawgyi-to-Unicode conversion is a project of its own, and a half-right
one would silently change scores.
"""

from __future__ import annotations

import functools
import unicodedata
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import regex

from aileague.scoring.messages import register_messages

#: How signatures name the normalisation applied to both sides.
NORMALISATION = "nfc"
#: Above this probability a text is taken to be Zawgyi. myanmartools gives well-formed Unicode
#: words probabilities below 1e-4 and real Zawgyi words above 0.9999; a lone ambiguous syllable
#: (``ကို``) sits near 0.5, so the threshold leaves a wide margin on both sides.
ZAWGYI_THRESHOLD = 0.95
ZAWGYI = "zawgyi_text"

_MYANMAR = regex.compile(r"\p{Mymr}")

register_messages(
    {
        ZAWGYI: {
            "en": "{count} value(s) in '{column}' are Burmese in the Zawgyi font encoding, not "
            "Unicode. Convert them to Unicode (for example with a Zawgyi-to-Unicode converter "
            "such as Rabbit) and upload the file again.",
            "zh-hans": "'{column}' 列中有 {count} 个值是 Zawgyi 字体编码的缅甸文，不是 Unicode。"
            "请先用 Zawgyi 转 Unicode 的工具（例如 Rabbit）转换，再重新上传文件。",
        }
    }
)


def nfc(values: Iterable[str]) -> list[str]:
    """Every text in Unicode normal form C.

    >>> nfc(["Vie\\u0302\\u0323t"]) == ["Việt"]
    True
    """
    return [unicodedata.normalize("NFC", value) for value in values]


@functools.cache
def _detector():
    from myanmartools import ZawgyiDetector

    # myanmartools 1.2 reads its model with importlib.resources.open_binary, deprecated since
    # Python 3.11; the warning is theirs and harmless.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="open_binary is deprecated", category=DeprecationWarning
        )
        return ZawgyiDetector()


def is_zawgyi(text: str) -> bool:
    """Whether ``text`` (as received, before NFC) is Burmese in the Zawgyi encoding.

    Text without any Myanmar character is never Zawgyi, and costs no model lookup.

    >>> is_zawgyi("ျမန္မာ"), is_zawgyi("မြန်မာ"), is_zawgyi("Myanmar")
    (True, False, False)
    """
    if not _MYANMAR.search(text):
        return False
    return _detector().get_zawgyi_probability(text) > ZAWGYI_THRESHOLD


def zawgyi_rows(values: Sequence[str]) -> np.ndarray:
    """A boolean mask of the values that are Zawgyi."""
    return np.fromiter((is_zawgyi(value) for value in values), dtype=bool, count=len(values))
