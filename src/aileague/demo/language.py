"""Generators for the demo's language scenarios: listings, reviews and trade phrases.

Texts are composed from the hand-written tables in ``phrases``; labels follow from what was
composed plus a little noise, so they can be learnt but not perfectly.
"""

from __future__ import annotations

import numpy as np

from aileague.demo import phrases as P
from aileague.demo.baselines import nearest_centroid, translation_memory
from aileague.demo.dataset import Dataset, texts

HS_LABELS: tuple[str, ...] = tuple(P.HS_CHAPTERS)


def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def _listing_title(rng: np.random.Generator, language: str, chapter: str) -> str:
    words = P.LISTING_WORDS[language]
    parts = [_pick(rng, words[chapter])]
    for _ in range(int(rng.integers(0, 3))):
        parts.insert(int(rng.integers(0, len(parts) + 1)), _pick(rng, P.LISTING_FILLERS[language]))
    if rng.random() < 0.5:
        parts.append(_pick(rng, P.LISTING_SIZES))
    if rng.random() < 0.3:
        other = _pick(rng, [c for c in HS_LABELS if c != chapter])
        parts += [P.LISTING_GIFT_WORD[language], _pick(rng, words[other])]
    if language == "th":
        # Thai sellers often run words together; only some chunks are separated by spaces.
        title = parts[0]
        for part in parts[1:]:
            title += (" " if rng.random() < 0.5 else "") + part
        return title
    return " ".join(parts)


def hs_listing_categories(
    rng: np.random.Generator, n_train: int = 6000, n_test: int = 3000
) -> Dataset:
    """Which HS chapter does a Thai, Vietnamese or Indonesian product title belong to?"""
    n = n_train + n_test
    prior = np.array([0.18, 0.14, 0.14, 0.08, 0.14, 0.10, 0.14, 0.08])
    chapter = rng.choice(np.array(HS_LABELS), n, p=prior)
    language = rng.choice(["th", "vi", "id"], n, p=[0.35, 0.35, 0.30])
    titles = [_listing_title(rng, lang, ch) for lang, ch in zip(language, chapter, strict=True)]
    # A few sellers pick the wrong category; the hidden labels are the customs officers' ones.
    noisy = rng.random(n) < 0.03
    label = np.where(noisy, rng.choice(np.array(HS_LABELS), n), chapter)
    baseline = nearest_centroid(
        titles[:n_train], list(label[:n_train]), titles[n_train:], HS_LABELS
    )
    return Dataset(
        id_prefix="HS",
        features={"language": texts(language), "title": titles},
        target=texts(label),
        n_train=n_train,
        baseline=baseline,
        sample=HS_LABELS[0],
    )


def _review(rng: np.random.Generator) -> tuple[str, float]:
    opening = _pick(rng, P.REVIEW_OPENINGS).format(place=_pick(rng, P.REVIEW_PLACES))
    count = int(rng.integers(1, 4))
    chosen = rng.choice(len(P.REVIEW_FRAGMENTS), count, replace=False)
    fragments = [P.REVIEW_FRAGMENTS[i] for i in chosen]
    body = ", ".join(text for text, _ in fragments)
    text, weight = f"{opening}: {body}.", sum(weight for _, weight in fragments)
    if rng.random() < 0.75:  # most reviewers end with a verdict
        closing, closing_weight = _pick(rng, P.REVIEW_CLOSINGS)
        text, weight = f"{text} {closing}", weight + closing_weight
    return text, weight


def vi_review_sentiment(
    rng: np.random.Generator, n_train: int = 4000, n_test: int = 2000
) -> Dataset:
    """Is a Vietnamese review of a cross-border tour negative, neutral or positive?"""
    n = n_train + n_test
    reviews = [_review(rng) for _ in range(n)]
    score = np.array([weight for _, weight in reviews]) + rng.normal(0, 0.45, n)
    label = np.where(score < -0.5, "negative", np.where(score > 0.5, "positive", "neutral"))
    review_texts = [text for text, _ in reviews]
    baseline = nearest_centroid(
        review_texts[:n_train], list(label[:n_train]), review_texts[n_train:], P.SENTIMENT_LABELS
    )
    return Dataset(
        id_prefix="TR",
        features={"review": review_texts},
        target=texts(label),
        n_train=n_train,
        baseline=baseline,
        sample="neutral",
    )


def _lao_zh_clause(rng: np.random.Generator, kind: str, goods) -> tuple[str, str]:
    lao_goods, zh_goods, units = goods
    unit = _pick(rng, units)
    lao_unit, zh_unit = P.LAO_ZH_UNITS[unit]
    lao_currency, zh_currency = _pick(rng, P.LAO_ZH_CURRENCIES)
    lao_time, zh_time = _pick(rng, P.LAO_ZH_TIMES)
    days = int(_pick(rng, (3, 5, 7, 10, 15, 30)))
    lao_payment, zh_payment = _pick(rng, P.LAO_ZH_PAYMENT)
    pct = int(_pick(rng, (20, 30, 50)))
    values = {
        "qty": str(int(_pick(rng, (5, 10, 20, 25, 50, 100, 200, 300, 500, 1000, 1200, 2000)))),
        "price": str(int(rng.integers(2, 400)) * 5),
    }
    lao_values = values | {
        "goods": lao_goods,
        "unit": lao_unit,
        "currency": lao_currency,
        "time": lao_time.format(n=days),
        "payment": lao_payment.format(pct=pct),
        "transport": "",
        "place": "",
        "document": "",
    }
    zh_values = values | {
        "goods": zh_goods,
        "unit": zh_unit,
        "currency": zh_currency,
        "time": zh_time.format(n=days),
        "payment": zh_payment.format(pct=pct),
        "transport": "",
        "place": "",
        "document": "",
    }
    lao_values["transport"], zh_values["transport"] = _pick(rng, P.LAO_ZH_TRANSPORT)
    lao_values["place"], zh_values["place"] = _pick(rng, P.LAO_ZH_PLACES)
    lao_values["document"], zh_values["document"] = _pick(rng, P.LAO_ZH_DOCUMENTS)
    lao_template, zh_template = P.LAO_ZH_CLAUSES[kind]
    return lao_template.format(**lao_values), zh_template.format(**zh_values)


def _lao_zh_pair(rng: np.random.Generator) -> tuple[str, str]:
    goods = _pick(rng, P.LAO_ZH_GOODS)
    kinds = [_pick(rng, P.LAO_ZH_OPENINGS)]
    for _ in range(int(rng.integers(0, 3))):
        follow = _pick(rng, P.LAO_ZH_FOLLOW_UPS)
        if follow not in kinds:
            kinds.append(follow)
    clauses = [_lao_zh_clause(rng, kind, goods) for kind in kinds]
    # Lao separates clauses with a space; Chinese with a comma and ends with a full stop.
    return " ".join(lao for lao, _ in clauses), "，".join(zh for _, zh in clauses) + "。"


def lao_zh_trade_phrases(
    rng: np.random.Generator, n_train: int = 1500, n_test: int = 400
) -> Dataset:
    """Translate Lao trade messages (orders, prices, delivery, payment) into Chinese."""
    pairs = [_lao_zh_pair(rng) for _ in range(n_train + n_test)]
    sources = [lao for lao, _ in pairs]
    targets = [zh for _, zh in pairs]
    baseline = translation_memory(sources[:n_train], targets[:n_train], sources[n_train:])
    return Dataset(
        id_prefix="LZ",
        features={"lo": sources},
        target=targets,
        n_train=n_train,
        baseline=baseline,
        sample="",
    )
