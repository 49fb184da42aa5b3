"""Text metrics agree with sacrebleu and jiwer in every league language, and sign their scores.

Parity runs on generated sentences (tests/scoring/examples/text.py) in each language: BLEU and
chrF/chrF++ against sacrebleu's corpus scores with the same tokenizer settings, WER against
``jiwer.wer`` on the same segmented words, CER against ``jiwer.cer`` on grapheme clusters (each
cluster mapped to one private-use character, so jiwer's character Levenshtein is ours).
"""

from __future__ import annotations

import importlib.metadata
import math
import unicodedata

import jiwer
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein
from sacrebleu.metrics import BLEU, CHRF

from aileague.scoring.metrics import METRICS
from aileague.scoring.metrics.text import (
    bleu_score,
    bleu_signature,
    cer_signature,
    character_error,
    chrf_pp_score,
    chrf_pp_signature,
    chrf_score,
    chrf_signature,
    wer_signature,
    word_error,
)
from aileague.scoring.schema import TaskKind, TaskSchema
from aileague.scoring.text import UNSPACED, levenshtein, segment
from tests.scoring.examples.text import LANGUAGES, language_cases, text_cases

PARITY_TESTED = {"bleu", "chrf", "chrf_pp", "cer", "wer"}

TOLERANCE = 1e-9
FEW = settings(max_examples=30, deadline=None, database=None)
ALL = [*LANGUAGES, None]
SACREBLEU = importlib.metadata.version("sacrebleu")
REGEX = importlib.metadata.version("regex")


def close(ours: float, reference: float) -> bool:
    return math.isclose(ours, reference, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def joined(texts: list[str], language: str | None) -> list[str]:
    return [" ".join(segment(text, language)) for text in texts]


# --- Parity with sacrebleu ---------------------------------------------------------------------


def sacrebleu_bleu(references, hypotheses, language):
    tokenize = "zh" if language == "zh" else "none" if language in UNSPACED else "13a"
    if tokenize == "none":
        references, hypotheses = joined(references, language), joined(hypotheses, language)
    return BLEU(tokenize=tokenize).corpus_score(hypotheses, [references]).score


@pytest.mark.parametrize("language", ALL)
def test_bleu_equals_sacrebleu_with_the_language_tokenizer(language):
    @FEW
    @given(language_cases(language))
    def check(case):
        references, hypotheses = case
        expected = sacrebleu_bleu(references, hypotheses, language)
        assert close(bleu_score(references, hypotheses, language), expected)

    check()


@pytest.mark.parametrize("language", ALL)
def test_chrf_equals_sacrebleu_chrf_whatever_the_language(language):
    @FEW
    @given(language_cases(language))
    def check(case):
        references, hypotheses = case
        expected = CHRF().corpus_score(hypotheses, [references]).score
        assert close(chrf_score(references, hypotheses), expected)

    check()


@pytest.mark.parametrize("language", ALL)
def test_chrf_pp_equals_sacrebleu_word_order_two_on_words_of_unspaced_scripts(language):
    @FEW
    @given(language_cases(language))
    def check(case):
        references, hypotheses = case
        if language in UNSPACED:
            references, hypotheses = joined(references, language), joined(hypotheses, language)
        expected = CHRF(word_order=2).corpus_score(hypotheses, [references]).score
        assert close(chrf_pp_score(*case, language=language), expected)

    check()


@FEW
@given(text_cases())
def test_chrf_pp_without_a_language_is_sacrebleu_chrf_plus_plus(case):
    references, hypotheses = case
    expected = CHRF(word_order=2).corpus_score(hypotheses, [references]).score
    assert close(chrf_pp_score(references, hypotheses), expected)


def test_bleu_of_a_perfect_match_is_exactly_the_optimum():
    # sacrebleu says 100.00000000000004 (exp(log(100))); the declared range ends at 100.
    references = ["the cat sat on the mat"]
    assert BLEU().corpus_score(references, [references]).score == 100.00000000000004
    assert bleu_score(references, references) == 100.0


# --- Parity with jiwer -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ALL)
def test_wer_equals_jiwer_on_the_segmented_words(language):
    @FEW
    @given(language_cases(language))
    def check(case):
        references, hypotheses = case
        expected = jiwer.wer(joined(references, language), joined(hypotheses, language))
        assert close(word_error(references, hypotheses, language), expected)

    check()


def as_private_use(references: list[str], hypotheses: list[str]) -> tuple[list[str], list[str]]:
    """Each grapheme cluster (whitespace runs as one space) as one private-use character."""
    codes: dict[str, str] = {}

    def encode(text: str) -> str:
        clusters = regex.findall(r"\X", " ".join(text.split()))
        return "".join(codes.setdefault(c, chr(0xF0000 + len(codes))) for c in clusters)

    return [encode(text) for text in references], [encode(text) for text in hypotheses]


@pytest.mark.parametrize("language", ALL)
def test_cer_equals_jiwer_cer_over_grapheme_clusters(language):
    @FEW
    @given(language_cases(language))
    def check(case):
        references, hypotheses = case
        expected = jiwer.cer(*as_private_use(references, hypotheses))
        assert close(character_error(references, hypotheses), expected)

    check()


def test_cer_counts_a_wrong_thai_tone_mark_as_one_of_two_characters_not_one_of_three():
    # ไม้ (wood) and ไม่ (not): two clusters, ไ and ม with its tone mark; three code points.
    assert character_error(["ไม้"], ["ไม่"]) == 0.5
    assert jiwer.cer(["ไม้"], ["ไม่"]) == 1 / 3


def test_cer_and_wer_can_exceed_one_when_the_hypothesis_inserts():
    assert character_error(["ab"], ["abcdef"]) == 2.0
    # ฉัน รัก, then แมว และ หมา มาก inserted: 4 edits for 2 words.
    assert word_error(["ฉันรัก"], ["ฉันรักแมวและหมามาก"], "th") == 2.0


def test_cer_sums_edits_over_rows_before_dividing():
    # Row rates would be 1/1 and 0/9, mean 0.5; the corpus rate is 1 edit in 10 clusters.
    assert character_error(["a", "abcdefghi"], ["b", "abcdefghi"]) == 0.1


def test_an_error_rate_needs_a_reference_word():
    with pytest.raises(ValueError, match="the references hold no words"):
        word_error([" "], ["ฉัน"], "th")


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(st.sampled_from("abcd"), max_size=70), st.lists(st.sampled_from("abcde"), max_size=70)
)
def test_bit_parallel_levenshtein_equals_rapidfuzz(reference, hypothesis):
    # 70 > 64 items: the bit vectors outgrow a machine word, as long sentences do.
    assert levenshtein(reference, hypothesis) == Levenshtein.distance(reference, hypothesis)


# --- What segmentation and normalisation change ------------------------------------------------


def test_thai_wer_without_segmentation_counts_a_whole_clause_as_one_word():
    reference, hypothesis = ["ฉันชอบกินข้าวผัด"], ["ฉันชอบกินข้าวต้ม"]  # fried rice / rice soup
    # Segmented: ฉัน ชอบ กิน ข้าวผัด vs ฉัน ชอบ กิน ข้าวต้ม, one word in four is wrong.
    assert word_error(reference, hypothesis, "th") == 0.25
    # Between spaces there is one "word", and it is wrong: the metric sees no partial credit.
    assert word_error(reference, hypothesis) == 1.0


def test_vietnamese_wer_counts_words_of_several_syllables_once():
    # "sinh viên" (student) is one word; missing it is one error in four words, not two in six.
    reference, hypothesis = ["Tôi là sinh viên giỏi"], ["Tôi là giỏi"]
    assert segment(reference[0], "vi") == ["Tôi", "là", "sinh_viên", "giỏi"]
    assert word_error(reference, hypothesis, "vi") == 0.25
    assert word_error(reference, hypothesis) == 0.4


def test_nfd_vietnamese_reference_matches_its_nfc_prediction_exactly():
    sentence = "Tiếng Việt là ngôn ngữ của người Việt"
    decomposed = [unicodedata.normalize("NFD", sentence)]
    composed = [unicodedata.normalize("NFC", sentence)]
    assert decomposed != composed
    assert bleu_score(decomposed, composed, "vi") == 100.0
    assert chrf_score(decomposed, composed) == 100.0
    assert chrf_pp_score(decomposed, composed, "vi") == 100.0
    assert character_error(decomposed, composed) == 0.0
    assert word_error(decomposed, composed, "vi") == 0.0


def test_chrf_pp_segmentation_changes_only_the_word_n_grams():
    # chrF (characters only) ignores the spaces the segmenter inserts, so it is unchanged.
    reference, hypothesis = ["ฉันชอบกินข้าวผัดกับไข่ดาว"], ["ฉันชอบกินข้าวผัดกับไข่ต้ม"]
    spaced = joined(reference, "th"), joined(hypothesis, "th")
    assert chrf_score(reference, hypothesis) == chrf_score(*spaced)
    assert chrf_pp_score(reference, hypothesis, "th") == chrf_pp_score(*spaced)
    assert chrf_pp_score(reference, hypothesis, "th") != chrf_pp_score(reference, hypothesis)


def test_lao_to_chinese_bleu_counts_chinese_characters():
    reference, hypothesis = ["这批大米明天发货"], ["这批大米后天发货"]
    # 8 characters, one wrong: 7/8, 5/7, 3/6, 1/5 n-grams match.
    expected = 100 * math.exp(
        (math.log(7 / 8) + math.log(5 / 7) + math.log(3 / 6) + math.log(1 / 5)) / 4
    )
    assert close(bleu_score(reference, hypothesis, "zh-hans"), expected)
    assert bleu_score(reference, hypothesis) == 0.0  # one "word" with 13a, and it is wrong


# --- Signatures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "language", "expected"),
    [
        ("bleu", "th", f"bleu|tok:th-pythainlp-newmm-5.4.0|sacrebleu:{SACREBLEU}|nfc"),
        ("bleu", "lo", f"bleu|tok:lo-laonlp-1.3.0|sacrebleu:{SACREBLEU}|nfc"),
        ("bleu", "km", f"bleu|tok:km-khmernltk-1.6|sacrebleu:{SACREBLEU}|nfc"),
        ("bleu", "my", f"bleu|tok:my-syllable-regex-{REGEX}|sacrebleu:{SACREBLEU}|nfc"),
        ("bleu", "zh-hans", f"bleu|tok:zh|sacrebleu:{SACREBLEU}|nfc"),
        ("bleu", "vi", f"bleu|tok:13a|sacrebleu:{SACREBLEU}|nfc"),
        ("bleu", "en", f"bleu|tok:13a|sacrebleu:{SACREBLEU}|nfc"),
        ("chrf", "th", f"chrf|sacrebleu:{SACREBLEU}|nfc"),
        ("chrf_pp", "th", f"chrf_pp|tok:th-pythainlp-newmm-5.4.0|sacrebleu:{SACREBLEU}|nfc"),
        ("chrf_pp", "zh", f"chrf_pp|tok:zh|sacrebleu:{SACREBLEU}|nfc"),
        ("chrf_pp", "vi", f"chrf_pp|tok:none|sacrebleu:{SACREBLEU}|nfc"),
        ("cer", "km", f"cer|tok:grapheme-regex-{REGEX}|nfc"),
        ("wer", "th", "wer|tok:th-pythainlp-newmm-5.4.0|nfc"),
        ("wer", "vi", "wer|tok:vi-underthesea-9.5.0|nfc"),
        ("wer", "my", f"wer|tok:my-syllable-regex-{REGEX}|nfc"),
        ("wer", "zh", f"wer|tok:zh|sacrebleu:{SACREBLEU}|nfc"),
        ("wer", "fil", f"wer|tok:13a|sacrebleu:{SACREBLEU}|nfc"),
    ],
)
def test_signature_names_metric_tokenizer_versions_and_normalisation(name, language, expected):
    # Pinned versions: a new segmenter release changes scores, so it must change the test too.
    schema = TaskSchema.from_dict({"kind": "text", "metric": name, "language": language})
    assert METRICS[name].signature(schema=schema) == expected


def test_signature_functions_without_a_language_name_the_generic_tokenizer():
    assert bleu_signature() == f"bleu|tok:13a|sacrebleu:{SACREBLEU}|nfc"
    assert chrf_signature() == f"chrf|sacrebleu:{SACREBLEU}|nfc"
    assert chrf_pp_signature() == f"chrf_pp|tok:none|sacrebleu:{SACREBLEU}|nfc"
    assert cer_signature() == f"cer|tok:grapheme-regex-{REGEX}|nfc"
    assert wer_signature() == f"wer|tok:13a|sacrebleu:{SACREBLEU}|nfc"


def test_text_metrics_declare_direction_bounds_and_language():
    declared = {
        name: (m.higher_is_better, m.lower_bound, m.upper_bound, sorted(m.schema_facts))
        for name, m in METRICS.items()
        if TaskKind.TEXT in m.kinds
    }
    assert declared == {
        "bleu": (True, 0.0, 100.0, ["language"]),
        "chrf": (True, 0.0, 100.0, []),
        "chrf_pp": (True, 0.0, 100.0, ["language"]),
        "cer": (False, 0.0, math.inf, []),
        "wer": (False, 0.0, math.inf, ["language"]),
    }
