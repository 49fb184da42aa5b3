"""Text metrics: references and hypotheses as lists of strings, one per row, in the same order.

Every metric normalises both sides to NFC and is computed over the whole corpus (a split), not
averaged over rows. Metrics that count words take the text's ``language`` and segment it with
``aileague.scoring.text.segment`` first; they declare ``schema_facts={"language"}``, and the text
task kind passes them the task's ``language``. Each score's signature names the metric, the
tokenizer or segmenter with its version, the sacrebleu version and the normalisation, e.g.
``bleu|tok:th-pythainlp-newmm-5.4.0|sacrebleu:2.6.0|nfc`` (docs/scoring.md, "Text metrics and
languages").
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Sequence

from aileague.scoring.metrics.base import INF, Metric, register
from aileague.scoring.schema import TaskKind
from aileague.scoring.text import (
    NORMALISATION,
    UNSPACED,
    Segmenter,
    canonical_language,
    grapheme_clusters,
    levenshtein,
    nfc,
    segmenter,
)
from aileague.scoring.text.ngrams import bleu_statistics, chrf_statistics, tokenizer_13a

TEXT = frozenset({TaskKind.TEXT})
#: The schema fact a language-aware metric is given: the task kind passes ``language=``.
LANGUAGE = frozenset({"language"})


def takes_language(metric: Metric) -> bool:
    """Whether ``metric`` depends on the text's language, and so is given the task's."""
    return "language" in metric.schema_facts


def _normalised(references: Sequence[str], hypotheses: Sequence[str]):
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    return nfc(references), nfc(hypotheses)


def _joined(texts: list[str], words: Segmenter) -> list[str]:
    return [" ".join(words(text)) for text in texts]


def _bleu_words(language: str | None) -> Segmenter:
    # Vietnamese BLEU counts syllables with 13a, as published Vietnamese MT results do: its 2- to
    # 4-grams already span the words of several syllables, and scores stay comparable.
    code = canonical_language(language)
    return segmenter(None if code == "vi" else code)


def _chrf_pp_words(language: str | None) -> Segmenter | None:
    # chrF++ adds word unigrams and bigrams, split on spaces. Without spaces a whole Thai clause
    # would be one "word", so unspaced scripts are segmented first. Character n-grams ignore
    # spaces, so the inserted spaces change only the word part.
    code = canonical_language(language)
    return segmenter(code) if code in UNSPACED else None


def bleu_score(
    references: Sequence[str], hypotheses: Sequence[str], language: str | None = None
) -> float:
    """Corpus BLEU (4-grams, exponential smoothing, mixed case), computed by sacrebleu.

    Parameters
    ----------
    references : sequence of str
        The reference text of each row.
    hypotheses : sequence of str
        The prediction of each row, in the same order.
    language : str, optional
        The text's language. Chinese uses sacrebleu's ``zh`` tokenizer (one token per
        character); Thai, Lao, Khmer and Burmese are segmented into words (syllables for
        Burmese) and given to sacrebleu as they are (``tokenize="none"``); every other
        language, Vietnamese included (syllables), and None use sacrebleu's ``13a``.

    Returns
    -------
    float
        BLEU in [0, 100], higher is better.

    Examples
    --------
    >>> round(bleu_score(["the cat sat on the mat"], ["the cat sat on the mat"]), 6)
    100.0
    >>> round(bleu_score(["ฉันชอบกินข้าวผัดกับไข่ดาว"], ["ฉันชอบกินข้าวผัดกับไข่ต้ม"], "th"), 4)
    75.9836
    """
    from sacrebleu.metrics import BLEU

    references, hypotheses = _normalised(references, hypotheses)
    words = _bleu_words(language)
    tokenize = words.sacrebleu
    if tokenize is None:
        references, hypotheses = _joined(references, words), _joined(hypotheses, words)
        tokenize = "none"
    metric = BLEU(tokenize=tokenize)
    if not hypotheses:
        score = metric.corpus_score(hypotheses, [references]).score
    else:
        # sacrebleu's preprocessing (``BLEU._preprocess_segment``: rstrip, then its tokenizer),
        # its statistics counted at once (``text.ngrams``), and its score from them.
        tokenizer = tokenizer_13a() if tokenize == "13a" else metric.tokenizer
        hyp_tokens = [tokenizer(line.rstrip()) for line in hypotheses]
        ref_tokens = [tokenizer(line.rstrip()) for line in references]
        statistics = bleu_statistics(hyp_tokens, ref_tokens, metric.max_ngram_order)
        score = metric._compute_score_from_stats(statistics).score
    # sacrebleu's geometric mean gives exp(log(100)) = 100.00000000000004 for a perfect match;
    # the optimum is 100, and a score must not leave its declared range.
    return min(float(score), 100.0)


def _chrf(references: list[str], hypotheses: list[str], word_order: int) -> float:
    from sacrebleu.metrics import CHRF

    metric = CHRF(word_order=word_order)
    if not hypotheses:
        return float(metric.corpus_score(hypotheses, [references]).score)
    # sacrebleu's statistics (default settings: no lowercasing, whitespace not counted), counted
    # at once (``text.ngrams``), and its score from them.
    words = metric._remove_punctuation
    statistics = chrf_statistics(hypotheses, references, metric.char_order, word_order, words)
    return float(metric._compute_score_from_stats(statistics).score)


def chrf_score(references: Sequence[str], hypotheses: Sequence[str], word_order: int = 0) -> float:
    """Corpus chrF (character 6-grams, β = 2) on a 0-100 scale, computed by sacrebleu.

    chrF needs no word segmentation, so it is meaningful for Thai, Lao, Khmer, Burmese and
    Chinese, which have no spaces between words.

    Parameters
    ----------
    references, hypotheses : sequence of str
        The reference and the prediction of each row, in the same order.
    word_order : int
        Word n-grams added to the character n-grams, split on spaces as given; ``2`` is
        sacrebleu's chrF++ without segmentation (the registered ``chrf_pp`` segments first).

    Returns
    -------
    float
        chrF in [0, 100], higher is better.

    Examples
    --------
    >>> round(chrf_score(["你好世界"], ["你好世界"]), 6)
    100.0
    """
    references, hypotheses = _normalised(references, hypotheses)
    return _chrf(references, hypotheses, word_order)


def chrf_pp_score(
    references: Sequence[str], hypotheses: Sequence[str], language: str | None = None
) -> float:
    """Corpus chrF++ (character 6-grams and word 1- and 2-grams, β = 2), computed by sacrebleu.

    Parameters
    ----------
    references, hypotheses : sequence of str
        The reference and the prediction of each row, in the same order.
    language : str, optional
        The text's language. Thai, Lao, Khmer, Burmese and Chinese are segmented into words
        first (the character n-grams ignore spaces, so only the word n-grams change); other
        languages, and None, use the words between spaces as sacrebleu does.

    Returns
    -------
    float
        chrF++ in [0, 100], higher is better.

    Examples
    --------
    >>> round(chrf_pp_score(["ພາສາລາວງາມ"], ["ພາສາລາວງາມ"], language="lo"), 6)
    100.0
    >>> round(chrf_pp_score(["the cat sat"], ["the cat sits"]), 4)
    64.5614
    """
    references, hypotheses = _normalised(references, hypotheses)
    words = _chrf_pp_words(language)
    if words is not None:
        references, hypotheses = _joined(references, words), _joined(hypotheses, words)
    return _chrf(references, hypotheses, 2)


def _rate(edits: int, total: int, unit: str) -> float:
    if total == 0:
        raise ValueError(f"the references hold no {unit}; an error rate needs at least one")
    return edits / total


def _clusters(text: str) -> list[str]:
    # Runs of whitespace count as one space and the ends are trimmed: a double space or a
    # trailing newline is not an error a reader would see.
    return grapheme_clusters(" ".join(text.split()))


def character_error(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus character error rate over grapheme clusters: edits / reference clusters.

    A character is a user-perceived one (a Unicode extended grapheme cluster): a Thai consonant
    with its vowel and tone marks is one, so a wrong tone mark is one substitution, not two
    edits. The edits are the Levenshtein distance between the cluster sequences of each row,
    summed over rows, divided by the total number of reference clusters. Whitespace runs count
    as one space. No segmentation is needed, so CER suits every league language.

    Parameters
    ----------
    references, hypotheses : sequence of str
        The reference and the prediction of each row, in the same order.

    Returns
    -------
    float
        CER in [0, ∞), lower is better (insertions can take it above 1).

    Examples
    --------
    >>> character_error(["ไม้"], ["ไม่"])  # two clusters, the tone mark differs
    0.5
    >>> character_error(["ab", "cd"], ["ab", "cdef"])
    0.5
    """
    references, hypotheses = _normalised(references, hypotheses)
    edits = total = 0
    for reference, hypothesis in zip(references, hypotheses, strict=True):
        wanted = _clusters(reference)
        edits += levenshtein(wanted, _clusters(hypothesis))
        total += len(wanted)
    return _rate(edits, total, "characters")


def word_error(
    references: Sequence[str], hypotheses: Sequence[str], language: str | None = None
) -> float:
    """Corpus word error rate after segmenting words per language: edits / reference words.

    Parameters
    ----------
    references, hypotheses : sequence of str
        The reference and the prediction of each row, in the same order.
    language : str, optional
        The text's language: Thai, Lao, Khmer and Vietnamese are segmented into words
        (Vietnamese words of several syllables count once), Burmese into syllables, Chinese
        into characters (so Chinese WER is a character error rate); other languages, and None,
        are split with sacrebleu's ``13a`` (spaces, with punctuation as separate tokens).

    Returns
    -------
    float
        WER in [0, ∞), lower is better (insertions can take it above 1).

    Examples
    --------
    >>> word_error(["ฉันชอบกินข้าวผัด"], ["ฉันชอบกินข้าวต้ม"], language="th")
    0.25
    >>> word_error(["Hôm nay tôi đi học"], ["Hôm nay tôi học"], language="vi")
    0.25
    """
    references, hypotheses = _normalised(references, hypotheses)
    words = segmenter(language)
    edits = total = 0
    for reference, hypothesis in zip(references, hypotheses, strict=True):
        wanted = words(reference)
        edits += levenshtein(wanted, words(hypothesis))
        total += len(wanted)
    return _rate(edits, total, "words")


# --- Signatures --------------------------------------------------------------------------------


def _signature(metric: str, tok: str | None, *, sacrebleu: bool) -> str:
    parts = [metric]
    if tok is not None:
        parts.append(f"tok:{tok}")
    if sacrebleu:
        parts.append(f"sacrebleu:{importlib.metadata.version('sacrebleu')}")
    parts.append(NORMALISATION)
    return "|".join(parts)


def bleu_signature(language: str | None = None) -> str:
    """``bleu|tok:<tokenizer>|sacrebleu:<version>|nfc``.

    >>> bleu_signature("en").startswith("bleu|tok:13a|sacrebleu:")
    True
    """
    return _signature("bleu", _bleu_words(language).label, sacrebleu=True)


def chrf_signature() -> str:
    """``chrf|sacrebleu:<version>|nfc``: chrF has no tokenizer."""
    return _signature("chrf", None, sacrebleu=True)


def chrf_pp_signature(language: str | None = None) -> str:
    """``chrf_pp|tok:<segmenter or none>|sacrebleu:<version>|nfc``."""
    words = _chrf_pp_words(language)
    return _signature("chrf_pp", words.label if words else "none", sacrebleu=True)


def cer_signature() -> str:
    """``cer|tok:grapheme-regex-<version>|nfc``: clusters as the ``regex`` module finds them."""
    return _signature(
        "cer", f"grapheme-regex-{importlib.metadata.version('regex')}", sacrebleu=False
    )


def wer_signature(language: str | None = None) -> str:
    """``wer|tok:<segmenter>|nfc``, with the sacrebleu version when sacrebleu tokenizes."""
    words = segmenter(language)
    return _signature("wer", words.label, sacrebleu=words.sacrebleu is not None)


def _for_schema(signature: Callable[..., str], facts: frozenset[str]) -> Callable[..., str]:
    """Adapt ``signature(language=...)`` to the registry's ``signature(schema=...)``."""

    def for_schema(schema=None, **_) -> str:
        return signature(**{fact: getattr(schema, fact, None) for fact in facts})

    return for_schema


def _register_all() -> None:
    # name, function, higher is better, upper bound, reference library, signature, schema facts
    sacrebleu, none = "sacrebleu.metrics.", frozenset()
    table = [
        ("bleu", bleu_score, True, 100.0, sacrebleu + "BLEU", bleu_signature, LANGUAGE),
        ("chrf", chrf_score, True, 100.0, sacrebleu + "CHRF", chrf_signature, none),
        ("chrf_pp", chrf_pp_score, True, 100.0, sacrebleu + "CHRF", chrf_pp_signature, LANGUAGE),
        ("cer", character_error, False, INF, "jiwer.cer", cer_signature, none),
        ("wer", word_error, False, INF, "jiwer.wer", wer_signature, LANGUAGE),
    ]
    for name, func, higher_is_better, upper, reference, signature, facts in table:
        register(
            Metric(
                name,
                func,
                higher_is_better,
                0.0,
                upper,
                TEXT,
                reference,
                signature=_for_schema(signature, facts),
                schema_facts=facts,
            )
        )


_register_all()
