"""sacrebleu's corpus statistics for BLEU, chrF and chrF++, counted for the whole corpus at once.

sacrebleu counts n-grams sentence by sentence in Python ``Counter`` objects. A corpus score only
needs the sums of those counts over the sentences, so here every sentence's tokens (or
characters) become integer codes in one array and each n-gram order is counted at once in numpy:
an n-gram is identified by (sentence, its first n − 1 tokens' identity, its last token), made
dense by one ``np.unique`` per order. The matches of a sentence pair are the clipped counts
sacrebleu computes, Σ min(count in the hypothesis, count in the reference) over the pair's
n-grams; summing them over the corpus sums sacrebleu's per-sentence statistics. The statistics
are integers and equal sacrebleu's exactly; the score is then computed by sacrebleu's own
``_compute_score_from_stats``, so it is sacrebleu's to the last bit.

``tokenize_13a`` is sacrebleu's ``13a`` tokenizer, with its first rule (a space on each side of
every ASCII symbol, spaces included, matched one character at a time) done by ``str.translate``
instead of a regular expression substitution expanding a template per match. The other rules
run as sacrebleu's regular expressions, only when the line holds a character they can match.
It is used only while sacrebleu's rules are the ones it was written against (checked on first
use); otherwise sacrebleu's own tokenizer is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

import numpy as np

# sacrebleu 2.x ``TokenizerRegexp`` rules, in order; the first one is done with str.translate.
_SYMBOLS = r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"
_RULES_13A = [
    (_SYMBOLS, r" \1 "),
    (r"([^0-9])([\.,])", r"\1 \2 "),
    (r"([\.,])([^0-9])", r" \1 \2"),
    (r"([0-9])(-)", r"\1 \2 "),
]
_SYMBOL_TABLE = {code: f" {chr(code)} " for code in range(128) if re.fullmatch(_SYMBOLS, chr(code))}
_PERIOD_COMMA = [(re.compile(pattern), repl) for pattern, repl in _RULES_13A[1:3]]
_DIGIT_DASH = re.compile(_RULES_13A[3][0]), _RULES_13A[3][1]


def tokenize_13a(line: str) -> str:
    """sacrebleu's ``Tokenizer13a()(line)``, the same string.

    >>> tokenize_13a("Hello, world! (3-4 cats, 2.5 kg)")
    'Hello , world ! ( 3 - 4 cats , 2.5 kg )'
    """
    line = line.replace("<skipped>", "")
    line = line.replace("-\n", "")
    line = line.replace("\n", " ")
    if "&" in line:
        line = line.replace("&quot;", '"')
        line = line.replace("&amp;", "&")
        line = line.replace("&lt;", "<")
        line = line.replace("&gt;", ">")
    line = f" {line} ".translate(_SYMBOL_TABLE)
    if "." in line or "," in line:
        for pattern, repl in _PERIOD_COMMA:
            line = pattern.sub(repl, line)
    if "-" in line:
        line = _DIGIT_DASH[0].sub(_DIGIT_DASH[1], line)
    return " ".join(line.split())


@functools.cache
def _fast_13a_applies() -> bool:
    """Whether sacrebleu's 13a rules are still those ``tokenize_13a`` implements."""
    from sacrebleu.tokenizers.tokenizer_re import TokenizerRegexp

    rules = [(pattern.pattern, repl) for pattern, repl in TokenizerRegexp()._re]
    return rules == _RULES_13A


def tokenizer_13a() -> Callable[[str], str]:
    """``tokenize_13a``, or sacrebleu's own 13a tokenizer if its rules have changed."""
    if _fast_13a_applies():
        return tokenize_13a
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    return Tokenizer13a()


def _codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The code points of all ``texts`` in one array, and each text's length."""
    lengths = np.fromiter((len(text) for text in texts), dtype=np.int64, count=len(texts))
    joined = "".join(texts).encode("utf-32-le", errors="surrogatepass")
    return np.frombuffer(joined, dtype=np.uint32).astype(np.int64), lengths


def _word_codes(
    sentences: Sequence[Sequence[str]], vocabulary: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Each word's number in ``vocabulary`` (grown as words appear), and each sentence's length."""
    lengths = np.fromiter((len(words) for words in sentences), dtype=np.int64, count=len(sentences))
    number = vocabulary.setdefault
    codes = [number(word, len(vocabulary)) for words in sentences for word in words]
    return np.asarray(codes, dtype=np.int64), lengths


def clipped_matches(
    hypothesis: tuple[np.ndarray, np.ndarray],
    reference: tuple[np.ndarray, np.ndarray],
    max_order: int,
    alphabet: int,
) -> list[int]:
    """Σ over sentence pairs and their n-grams of min(hypothesis count, reference count), for
    n = 1..``max_order``.

    ``hypothesis`` and ``reference`` are (codes of all sentences one after another, each
    sentence's length), sentence i of one paired with sentence i of the other; every code is
    below ``alphabet``.
    """
    hyp_codes, hyp_lengths = hypothesis
    ref_codes, ref_lengths = reference
    codes = np.concatenate([hyp_codes, ref_codes])
    lengths = np.concatenate([hyp_lengths, ref_lengths])
    total = codes.size
    if total == 0:
        return [0] * max_order
    sentences = hyp_lengths.size
    if (total + sentences) * alphabet >= 2**62:
        raise ValueError("corpus too large to number its n-grams in 64 bits")
    ends = np.cumsum(lengths)
    # Tokens from each position to the end of its sentence: an n-gram starts where it is ≥ n.
    remaining = np.repeat(ends, lengths) - np.arange(total)
    # The identity of the (n − 1)-gram starting at each position; for n = 1, the sentence pair.
    prefix = np.repeat(np.tile(np.arange(sentences, dtype=np.int64), 2), lengths)
    hyp_total = hyp_codes.size
    matches = []
    for n in range(1, max_order + 1):
        start = np.flatnonzero(remaining >= n)
        if start.size == 0:
            matches.extend([0] * (max_order - n + 1))
            break
        key = prefix[start] * alphabet + codes[start + (n - 1)]
        _, dense = np.unique(key, return_inverse=True)
        dense = dense.reshape(-1)
        groups = int(dense.max()) + 1
        in_hypothesis = start < hyp_total
        hyp_count = np.bincount(dense[in_hypothesis], minlength=groups)
        ref_count = np.bincount(dense[~in_hypothesis], minlength=groups)
        matches.append(int(np.minimum(hyp_count, ref_count).sum()))
        if n < max_order:
            prefix = np.zeros(total, dtype=np.int64)
            prefix[start] = dense
    return matches


def _ngram_totals(lengths: np.ndarray, n: int) -> np.ndarray:
    """Each sentence's number of n-grams."""
    return np.maximum(lengths - (n - 1), 0)


def bleu_statistics(
    hypotheses: Sequence[str], references: Sequence[str], max_order: int = 4
) -> list[int]:
    """sacrebleu's BLEU corpus statistics for one reference per sentence, already tokenized
    (tokens split on whitespace): ``[hyp_len, ref_len, correct_1..N, total_1..N]``, summed."""
    vocabulary: dict[str, int] = {}
    hyp = _word_codes([line.split() for line in hypotheses], vocabulary)
    ref = _word_codes([line.split() for line in references], vocabulary)
    correct = clipped_matches(hyp, ref, max_order, max(len(vocabulary), 1))
    totals = [int(_ngram_totals(hyp[1], n).sum()) for n in range(1, max_order + 1)]
    return [int(hyp[1].sum()), int(ref[1].sum()), *correct, *totals]


def chrf_statistics(
    hypotheses: Sequence[str],
    references: Sequence[str],
    char_order: int,
    word_order: int,
    words: Callable[[str], list[str]],
) -> list[int]:
    """sacrebleu's chrF corpus statistics for one reference per sentence (whitespace not
    counted, no lowercasing): ``[hyp, ref, match]`` per character order, then per word order,
    summed over sentences. ``words`` splits a sentence into words (sacrebleu's punctuation
    rule)."""
    statistics: list[int] = []

    def add(hyp, ref, orders: int, alphabet: int) -> None:
        matches = clipped_matches(hyp, ref, orders, alphabet)
        for n in range(1, orders + 1):
            ref_total = _ngram_totals(ref[1], n)
            # sacrebleu counts a hypothesis's n-grams only where the reference has some.
            hyp_total = np.where(ref_total > 0, _ngram_totals(hyp[1], n), 0)
            statistics.extend([int(hyp_total.sum()), int(ref_total.sum()), matches[n - 1]])

    squeezed = [("".join(line.split())) for line in hypotheses]
    ref_squeezed = [("".join(line.split())) for line in references]
    add(_codes(squeezed), _codes(ref_squeezed), char_order, 0x110000)
    if word_order:
        vocabulary: dict[str, int] = {}
        hyp = _word_codes([words(line) for line in hypotheses], vocabulary)
        ref = _word_codes([words(line) for line in references], vocabulary)
        add(hyp, ref, word_order, max(len(vocabulary), 1))
    return statistics
