"""Text metrics: references and hypotheses as lists of NFC strings."""

from __future__ import annotations

from collections.abc import Sequence

from aileague.scoring.metrics.base import Metric, register
from aileague.scoring.schema import TaskKind


def chrf_score(references: Sequence[str], hypotheses: Sequence[str], word_order: int = 0) -> float:
    """Corpus chrF (character n-gram F-score, β=2) on a 0-100 scale, computed by sacrebleu.

    chrF needs no word segmentation, so it is meaningful for Thai, Lao, Khmer, Burmese and
    Chinese, which have no spaces between words. ``word_order=2`` gives chrF++.

    >>> round(chrf_score(["你好世界"], ["你好世界"]), 6)
    100.0
    """
    from sacrebleu.metrics import CHRF

    metric = CHRF(word_order=word_order)
    return float(metric.corpus_score(list(hypotheses), [list(references)]).score)


def chrf_signature(word_order: int = 0) -> str:
    from sacrebleu.metrics import CHRF

    metric = CHRF(word_order=word_order)
    # sacrebleu learns the number of references while scoring; ours is always one, and without
    # it get_signature() raises.
    metric.num_refs = 1
    return str(metric.get_signature())


TEXT = frozenset({TaskKind.TEXT})

register(
    Metric(
        "chrf",
        chrf_score,
        True,
        0.0,
        100.0,
        TEXT,
        "sacrebleu.metrics.CHRF",
        signature=lambda **_: chrf_signature(),
    )
)
