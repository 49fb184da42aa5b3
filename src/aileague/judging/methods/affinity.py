"""How well a judge suits an entry: the one definition of affinity used to assign reviewers.

Affinity = Jaccard similarity of the expertise tags (0–1), plus ``LANGUAGE_BONUS`` when the judge
reads the entry's language. ``affinity_from_tags`` computes it for given pairs (bit-packed sets);
``candidate_edges`` computes it for all pairs in chunks of dense matrices and keeps each entry's
best judges. A test holds the two to the same values.
"""

from __future__ import annotations

import numpy as np

#: Affinity bonus when the judge reads the entry's language (tags give 0–1 by Jaccard overlap).
LANGUAGE_BONUS = 0.5


def _pack(sets: list[set[str]], vocabulary: dict[str, int]) -> np.ndarray:
    """One row of 64-bit words per set, bit ``vocabulary[item]`` set for each item."""
    words = max(1, -(-len(vocabulary) // 64))
    packed = np.zeros((len(sets), words), dtype=np.uint64)
    rows = [(row, vocabulary[item]) for row, items in enumerate(sets) for item in items]
    if rows:
        row, bit = np.array(rows, dtype=np.int64).T
        np.bitwise_or.at(
            packed, (row, bit // 64), np.left_shift(np.uint64(1), (bit % 64).astype(np.uint64))
        )
    return packed


def affinity_from_tags(
    entry_tags: list[set[str]],
    judge_tags: list[set[str]],
    entry_lang: list[str],
    judge_langs: list[set[str]],
    cand_entry: np.ndarray,
    cand_judge: np.ndarray,
    *,
    language_bonus: float = LANGUAGE_BONUS,
) -> np.ndarray:
    """Affinity of each candidate pair: Jaccard similarity of expertise tags, plus
    ``language_bonus`` when the judge reads the entry's language.

    Values lie in ``[0, 1 + language_bonus]``. Tags and languages are bit-packed, so a million
    pairs take a fraction of a second.

    Examples
    --------
    >>> affinity_from_tags([{"nlp", "asr"}], [{"nlp"}, {"cv"}], ["th"], [{"th", "en"}, {"en"}],
    ...                    np.array([0, 0]), np.array([0, 1])).tolist()
    [1.0, 0.0]
    """
    cand_entry, cand_judge = np.asarray(cand_entry), np.asarray(cand_judge)
    tags = {t: i for i, t in enumerate(sorted(set().union(*entry_tags, *judge_tags)))}
    e_bits, j_bits = _pack(entry_tags, tags)[cand_entry], _pack(judge_tags, tags)[cand_judge]
    shared = np.bitwise_count(e_bits & j_bits).sum(axis=1, dtype=np.int64)
    union = (
        np.bitwise_count(e_bits).sum(axis=1, dtype=np.int64)
        + np.bitwise_count(j_bits).sum(axis=1, dtype=np.int64)
        - shared
    )
    jaccard = np.divide(shared, union, out=np.zeros(shared.size), where=union > 0)
    langs = {lang: i for i, lang in enumerate(sorted(set().union(*judge_langs)))}
    entry_sets = [{lang} if lang in langs else set() for lang in entry_lang]
    reads = (
        np.bitwise_count(
            _pack(entry_sets, langs)[cand_entry] & _pack(judge_langs, langs)[cand_judge]
        ).sum(axis=1)
        > 0
    )
    return jaccard + language_bonus * reads


def _incidence(items: list[list[str]], vocabulary: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(items), max(len(vocabulary), 1)), dtype=np.float32)
    for row, tags in enumerate(items):
        for tag in tags:
            matrix[row, vocabulary[tag]] = 1.0
    return matrix


def candidate_edges(
    entry_tags: list[list[str]],
    entry_language: list[str],
    judge_tags: list[list[str]],
    judge_languages: list[list[str]],
    *,
    per_entry: int,
    chunk: int = 2048,
    language_bonus: float = LANGUAGE_BONUS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Affinity (as ``affinity_from_tags``) of every entry with its best ``per_entry`` judges,
    computed in chunks so 10,000 × 2,000 never becomes one dense matrix.

    Returns the candidate pairs as three arrays: entry index, judge index, affinity.
    """
    vocabulary = {
        t: i for i, t in enumerate(sorted({t for ts in entry_tags + judge_tags for t in ts}))
    }
    languages = {
        lang: i
        for i, lang in enumerate(
            sorted(set(entry_language) | {x for ls in judge_languages for x in ls})
        )
    }
    e_tags, j_tags = _incidence(entry_tags, vocabulary), _incidence(judge_tags, vocabulary)
    e_lang = _incidence([[lang] for lang in entry_language], languages)
    j_lang = _incidence(judge_languages, languages)
    e_count, j_count = e_tags.sum(axis=1), j_tags.sum(axis=1)
    n_judges = len(judge_tags)
    keep = min(per_entry, n_judges)
    out_e, out_j, out_a = [], [], []
    for start in range(0, len(entry_tags), chunk):
        stop = min(start + chunk, len(entry_tags))
        overlap = e_tags[start:stop] @ j_tags.T
        union = e_count[start:stop, None] + j_count[None, :] - overlap
        with np.errstate(invalid="ignore", divide="ignore"):
            affinity = np.where(union > 0, overlap / union, 0.0)
        affinity += language_bonus * (e_lang[start:stop] @ j_lang.T)
        if keep < n_judges:
            top = np.argpartition(-affinity, keep - 1, axis=1)[:, :keep]
        else:
            top = np.broadcast_to(np.arange(n_judges), (stop - start, n_judges))
        rows = np.repeat(np.arange(start, stop), top.shape[1])
        out_e.append(rows)
        out_j.append(top.ravel())
        out_a.append(np.take_along_axis(affinity, top, axis=1).ravel())
    return (
        np.concatenate(out_e).astype(np.int32),
        np.concatenate(out_j).astype(np.int32),
        np.concatenate(out_a).astype(np.float64),
    )
