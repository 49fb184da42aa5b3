"""Word segmentation per league language: offline, loaded on first use, named with its version.

Thai, Lao, Khmer, Burmese and Chinese are written without spaces between words, and Vietnamese
spaces separate syllables, so a word-level metric needs a segmenter:

- ``th``: pythainlp ``word_tokenize``, engine newmm (dictionary): ``th-pythainlp-newmm-<version>``;
- ``lo``: laonlp ``word_tokenize`` (dictionary): ``lo-laonlp-<version>``;
- ``km``: khmer-nltk ``word_tokenize`` (CRF): ``km-khmernltk-<version>``;
- ``vi``: underthesea ``word_tokenize`` (CRF); the syllables of a word are joined with ``_``
  (``Hà_Nội``) so that a word counts once: ``vi-underthesea-<version>``;
- ``my``: syllables, by the rule in ``burmese_syllables``: ``my-syllable-regex-<version>``;
- ``zh``: sacrebleu's ``zh`` tokenizer, one token per CJK character and 13a for the rest: ``zh``;
- any other language: sacrebleu's ``13a`` (spaces, and punctuation split off words): ``13a``.

Every segmenter drops whitespace and zero-width spaces (U+200B, which Khmer, Burmese and Thai
writers use as an invisible word break); tokens never contain spaces. The models ship inside the
packages; nothing is downloaded (``_stay_offline`` makes sure of it).
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import regex

from aileague.scoring.text.languages import canonical_language

Tokenize = Callable[[str], list[str]]

_BREAKS = regex.compile(r"[\s\u200b]+")


@dataclass(frozen=True)
class Segmenter:
    """A word segmenter for one language; ``self(text)`` is the list of tokens of ``text``."""

    name: str  # e.g. "th-pythainlp-newmm"
    package: str  # the distribution whose version the signature records
    load: Callable[[], Tokenize]  # cached: the model is read once per process
    #: sacrebleu's own tokenizer ("13a", "zh") when sacrebleu does the work; BLEU then passes
    #: it to sacrebleu, and signatures name it as sacrebleu does.
    sacrebleu: str | None = None
    #: Join the parts of a token that holds spaces with this (Vietnamese words) or split it.
    joiner: str | None = None

    @property
    def version(self) -> str:
        return importlib.metadata.version(self.package)

    @property
    def label(self) -> str:
        """How signatures name this segmenter: ``th-pythainlp-newmm-5.4.0``, or ``13a``."""
        return self.sacrebleu or f"{self.name}-{self.version}"

    def __call__(self, text: str) -> list[str]:
        tokens = []
        for token in self.load()(text):
            parts = [part for part in _BREAKS.split(token) if part]
            if self.joiner is not None and parts:
                tokens.append(self.joiner.join(parts))
            else:
                tokens.extend(parts)
        return tokens


def _stay_offline() -> None:
    # The segmenters we use read models bundled in their packages, but these libraries can fetch
    # other resources from the Hugging Face hub or PyThaiNLP's corpus server. Scoring must never
    # touch the network, and PyThaiNLP must not create a data folder in $HOME. An operator's own
    # setting wins (setdefault).
    for name in ("HF_HUB_OFFLINE", "PYTHAINLP_OFFLINE", "PYTHAINLP_READ_ONLY"):
        os.environ.setdefault(name, "1")


@functools.cache
def _thai() -> Tokenize:
    _stay_offline()
    from pythainlp.tokenize import word_tokenize

    return functools.partial(word_tokenize, engine="newmm", keep_whitespace=False)


@functools.cache
def _lao() -> Tokenize:
    _stay_offline()
    from laonlp.tokenize import word_tokenize

    return word_tokenize


@functools.cache
def _khmer() -> Tokenize:
    from khmernltk import word_tokenize

    # khmer-nltk sets its logger to DEBUG with its own handler, and says "Loaded model from
    # ..." at INFO on first use. Keep its warnings, drop the chatter.
    logging.getLogger("khmer-nltk").setLevel(logging.WARNING)
    return word_tokenize


@functools.cache
def _vietnamese() -> Tokenize:
    _stay_offline()
    from underthesea import word_tokenize

    # Token normalisation would rewrite tone-mark placement ("hoà" -> "hòa") on the way; the
    # tokens must stay the text we were given.
    return functools.partial(word_tokenize, use_token_normalize=False)


@functools.cache
def _sacrebleu(name: str) -> Tokenize:
    from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh

    from aileague.scoring.text.ngrams import tokenizer_13a

    tokenizer = {"13a": tokenizer_13a, "zh": TokenizerZh}[name]()
    return lambda text: tokenizer(text).split()


# A Burmese syllable starts at a letter (consonant, independent vowel, great sa) or one of the
# symbol-words ၌ ၍ ၎ ၏. It takes every Myanmar mark after it (vowel signs, medials, tones,
# asat, virama) and zero-width (non-)joiners; a consonant killed by asat (a final: န် in
# မြန်) or stacked on the next one through virama (န in မန္တလေး); and a consonant stacked
# below a virama. So kinzi and stacked consonants stay in one piece with the syllable before
# them, as they are written. Myanmar digits form numbers; runs of other scripts' letters and
# digits are words; anything else (၊ ။, punctuation, a stray mark) is a token of its own.
@functools.cache
def _burmese() -> regex.Pattern:
    # Compiled on first use: the set operations take milliseconds, and most tasks are not Burmese.
    return regex.compile(
        r"""(?V1x)
        (?: [\p{Mymr}&&\p{L}] | [\u104C-\u104F] )
        (?: [\p{Mymr}&&\p{M}] | [\u200C\u200D]
          | [\u1000-\u1021] (?=\u1037?[\u103A\u1039])
          | (?<=\u1039) [\u1000-\u1021]
        )*
        | [\p{Mymr}&&\p{Nd}]+
        | [[\p{L}\p{N}\p{M}]--\p{Mymr}]+
        | \S
        """
    )


def burmese_syllables(text: str) -> list[str]:
    """Burmese (NFC) cut into syllables; text in other scripts into words and punctuation.

    >>> burmese_syllables("မြန်မာနိုင်ငံ")
    ['မြန်', 'မာ', 'နိုင်', 'ငံ']
    """
    return _burmese().findall(text)


SEGMENTERS: dict[str | None, Segmenter] = {
    "th": Segmenter("th-pythainlp-newmm", "pythainlp", _thai),
    "lo": Segmenter("lo-laonlp", "laonlp", _lao),
    "km": Segmenter("km-khmernltk", "khmer-nltk", _khmer),
    "vi": Segmenter("vi-underthesea", "underthesea", _vietnamese, joiner="_"),
    "my": Segmenter("my-syllable-regex", "regex", lambda: burmese_syllables),
    "zh": Segmenter("zh", "sacrebleu", functools.partial(_sacrebleu, "zh"), sacrebleu="zh"),
    None: Segmenter("13a", "sacrebleu", functools.partial(_sacrebleu, "13a"), sacrebleu="13a"),
}


def segmenter(language: str | None) -> Segmenter:
    """The word segmenter for ``language`` (a league language code or alias; None: generic).

    >>> segmenter("th").name, segmenter("zh-hans").label, segmenter("id").label
    ('th-pythainlp-newmm', 'zh', '13a')
    """
    code = canonical_language(language)
    return SEGMENTERS.get(code, SEGMENTERS[None])


def segment(text: str, language: str | None) -> list[str]:
    """The words of ``text`` (NFC) in ``language``.

    >>> segment("Hello, world!", "en")
    ['Hello', ',', 'world', '!']
    >>> segment("你好，世界", "zh")
    ['你', '好', '，', '世', '界']
    """
    return segmenter(language)(text)


_GRAPHEME = regex.compile(r"\X")


def grapheme_clusters(text: str) -> list[str]:
    """User-perceived characters (Unicode extended grapheme clusters, UAX #29) of ``text``.

    A Thai consonant with its vowel and tone marks, or a Vietnamese letter with two diacritics
    typed as three code points, is one cluster.

    >>> grapheme_clusters("ที่นี่")
    ['ที่', 'นี่']
    """
    return _GRAPHEME.findall(text)
