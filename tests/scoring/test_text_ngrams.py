"""The corpus-at-once n-gram statistics and the 13a tokenizer equal sacrebleu's, exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

from aileague.scoring.metrics.text import bleu_score, chrf_pp_score, chrf_score
from aileague.scoring.text.ngrams import (
    _fast_13a_applies,
    bleu_statistics,
    chrf_statistics,
    tokenize_13a,
)

MANY = settings(max_examples=300, deadline=None, database=None)
FEW = settings(max_examples=60, deadline=None, database=None)

# Characters the 13a rules treat specially, whitespace of several kinds, and letters.
_TRICKY = st.sampled_from(
    list(".,-&;<>\"'()[]{}|~`^_@:/?!#$%*+=\\")
    + ["&quot;", "&amp;", "&lt;", "&gt;", "<skipped>", "-\n", "\n", "\t", "\u00a0", "\u3000"]
    + list("0123456789")
    + ["a", "b", "é", "ế", "ท", "中", " ", "  ", "xy", "A."]
)
LINES = st.lists(_TRICKY, max_size=25).map("".join)
CORPUS = st.integers(1, 8).flatmap(
    lambda n: st.tuples(
        st.lists(LINES, min_size=n, max_size=n), st.lists(LINES, min_size=n, max_size=n)
    )
)


def test_the_fast_13a_rules_are_sacrebleus():
    assert _fast_13a_applies()


@MANY
@given(LINES)
def test_tokenize_13a_is_sacrebleus_13a(line):
    assert tokenize_13a(line) == Tokenizer13a()(line)


@FEW
@given(CORPUS)
def test_bleu_statistics_and_score_are_sacrebleus(case):
    references, hypotheses = case
    metric = BLEU()
    expected = metric.corpus_score(hypotheses, [references])
    tokenized = [
        [tokenize_13a(line.rstrip()) for line in side] for side in (hypotheses, references)
    ]
    statistics = bleu_statistics(*tokenized)
    assert statistics[:2] == [expected.sys_len, expected.ref_len]
    assert statistics[2:6] == expected.counts
    assert statistics[6:] == expected.totals
    assert metric._compute_score_from_stats(statistics).score == expected.score
    assert bleu_score(references, hypotheses) == min(expected.score, 100.0)


@FEW
@given(CORPUS, st.sampled_from([0, 1, 2]))
def test_chrf_statistics_are_sacrebleus(case, word_order):
    references, hypotheses = case
    metric = CHRF(word_order=word_order)
    expected = metric._extract_corpus_statistics(hypotheses, [references])
    summed = [sum(column) for column in zip(*expected, strict=True)]
    ours = chrf_statistics(
        hypotheses, references, metric.char_order, word_order, metric._remove_punctuation
    )
    assert ours == summed


@FEW
@given(CORPUS)
def test_chrf_scores_are_sacrebleus_to_the_bit(case):
    references, hypotheses = case
    assert chrf_score(references, hypotheses) == CHRF().corpus_score(hypotheses, [references]).score
    expected = CHRF(word_order=2).corpus_score(hypotheses, [references]).score
    assert chrf_pp_score(references, hypotheses) == expected
