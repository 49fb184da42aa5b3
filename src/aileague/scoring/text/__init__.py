"""Text in the league's languages, made ready for scoring.

``normalize``: NFC on both sides, and refusing Burmese in the Zawgyi encoding; ``segment``: words
per language (Thai, Lao, Khmer, Vietnamese, Burmese and Chinese need a segmenter) and grapheme
clusters; ``languages``: the accepted language codes; ``edit_distance``: Levenshtein for WER and
CER. Segmenters are imported on first use, so importing this package stays cheap.
"""

from aileague.scoring.text.edit_distance import levenshtein
from aileague.scoring.text.languages import LANGUAGES, UNSPACED, canonical_language
from aileague.scoring.text.normalize import NORMALISATION, ZAWGYI, is_zawgyi, nfc, zawgyi_rows
from aileague.scoring.text.segment import (
    Segmenter,
    burmese_syllables,
    grapheme_clusters,
    segment,
    segmenter,
)

__all__ = [
    "LANGUAGES",
    "NORMALISATION",
    "UNSPACED",
    "ZAWGYI",
    "Segmenter",
    "burmese_syllables",
    "canonical_language",
    "grapheme_clusters",
    "is_zawgyi",
    "levenshtein",
    "nfc",
    "segment",
    "segmenter",
    "zawgyi_rows",
]
