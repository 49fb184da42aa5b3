"""Each registered metric against its reference implementation, on the same arrays.

Tabular metrics run at the benchmark's largest row count; text, ranking and detection metrics
at sizes their references can handle in seconds. Values are compared too: a mismatch is printed.
``bench/scoring.py`` runs it after its file timings; on its own it prints the metric table and,
last, one line of key=value figures:

    .venv/bin/python bench/metric_timings.py [--rows 10000000] [--repeat 3]
"""

from __future__ import annotations

import contextlib
import io
import math
import time
import warnings

import numpy as np

K = 5  # classes in multiclass cases
# Metrics whose speed-up the summary line names: the "≥ 2×" three, and those that were
# once slower than their reference.
REPORTED = {"roc_auc", "f1_macro", "log_loss", "bleu", "chrf", "chrf_pp", "ndcg_at_10"}


def _best(repeat: int, func) -> tuple[float, float]:
    best, value = float("inf"), float("nan")
    for _ in range(repeat):
        started = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - started)
    return best, float(value)


def _smape_plain(y, p):
    scale = np.abs(y) + np.abs(p)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.where(scale == 0, 0.0, 2 * np.abs(p - y) / scale).mean())


def tabular_cases(rows: int) -> dict:
    from sklearn import metrics as sk

    from aileague.scoring.metrics import get_metric as m

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, rows)
    score = np.clip(y * 0.3 + rng.random(rows) * 0.7, 0, 1).round(6)
    yl = rng.integers(0, K, rows)
    pl = np.where(rng.random(rows) < 0.6, yl, rng.integers(0, K, rows))
    pb = np.where(rng.random(rows) < 0.7, y, 1 - y)
    weights = rng.random((rows, K)) + np.eye(K)[yl] * 0.5
    prob = weights / weights.sum(axis=1, keepdims=True)
    rt = rng.gamma(2.0, 10.0, rows)
    rp = rt * rng.lognormal(0, 0.3, rows)
    labels = np.arange(K)
    cases = {
        "roc_auc": (lambda: m("roc_auc")(y, score), lambda: sk.roc_auc_score(y, score)),
        "average_precision": (
            lambda: m("average_precision")(y, score),
            lambda: sk.average_precision_score(y, score),
        ),
        "log_loss": (lambda: m("log_loss")(y, score), lambda: sk.log_loss(y, score)),
        "log_loss_multiclass": (
            lambda: m("log_loss")(yl, prob),
            lambda: sk.log_loss(yl, prob, labels=labels),
        ),
        "roc_auc_ovr": (
            lambda: m("roc_auc_ovr")(yl, prob),
            lambda: sk.roc_auc_score(yl, prob, multi_class="ovr", labels=labels),
        ),
        "accuracy": (lambda: m("accuracy")(yl, pl, n_labels=K), lambda: sk.accuracy_score(yl, pl)),
        "balanced_accuracy": (
            lambda: m("balanced_accuracy")(yl, pl, n_labels=K),
            lambda: sk.balanced_accuracy_score(yl, pl),
        ),
        "mcc": (lambda: m("mcc")(yl, pl, n_labels=K), lambda: sk.matthews_corrcoef(yl, pl)),
        "cohen_kappa": (
            lambda: m("cohen_kappa")(yl, pl, n_labels=K),
            lambda: sk.cohen_kappa_score(yl, pl),
        ),
        "quadratic_weighted_kappa": (
            lambda: m("quadratic_weighted_kappa")(yl, pl, n_labels=K),
            lambda: sk.cohen_kappa_score(yl, pl, labels=labels, weights="quadratic"),
        ),
        "mse": (lambda: m("mse")(rt, rp), lambda: sk.mean_squared_error(rt, rp)),
        "rmse": (lambda: m("rmse")(rt, rp), lambda: sk.root_mean_squared_error(rt, rp)),
        "mae": (lambda: m("mae")(rt, rp), lambda: sk.mean_absolute_error(rt, rp)),
        "r2": (lambda: m("r2")(rt, rp), lambda: sk.r2_score(rt, rp)),
        "rmsle": (lambda: m("rmsle")(rt, rp), lambda: sk.root_mean_squared_log_error(rt, rp)),
        "mape": (lambda: m("mape")(rt, rp), lambda: sk.mean_absolute_percentage_error(rt, rp)),
        "smape": (lambda: m("smape")(rt, rp), lambda: _smape_plain(rt, rp)),
    }
    for family in ("precision", "recall", "f1"):
        reference = getattr(sk, f"{family}_score")
        cases[f"{family}_binary"] = (
            lambda f=family: m(f"{f}_binary")(y, pb, n_labels=2),
            lambda r=reference: r(y, pb),
        )
        for average in ("micro", "macro", "weighted"):
            cases[f"{family}_{average}"] = (
                lambda f=family, a=average: m(f"{f}_{a}")(yl, pl, n_labels=K),
                lambda r=reference, a=average: r(yl, pl, average=a),
            )
    return cases


def text_cases(sentences: int) -> dict:
    from sacrebleu.metrics import BLEU, CHRF

    from aileague.scoring.metrics import get_metric as m

    rng = np.random.default_rng(4)
    words = ["hàng", "giá", "container", "giao", "hải quan", "tuần", "tấn", "đường", "kiểm tra"]
    refs = [" ".join(rng.choice(words, rng.integers(4, 14))) for _ in range(sentences)]
    hyps = [" ".join(w for w in r.split() if rng.random() > 0.2) or "hàng" for r in refs]
    return {
        "bleu (en tokenizer, vi text)": (
            lambda: m("bleu")(refs, hyps, language="en"),
            lambda: BLEU().corpus_score(hyps, [refs]).score,
        ),
        "chrf": (lambda: m("chrf")(refs, hyps), lambda: CHRF().corpus_score(hyps, [refs]).score),
        "chrf_pp (en)": (
            lambda: m("chrf_pp")(refs, hyps, language="en"),
            lambda: CHRF(word_order=2).corpus_score(hyps, [refs]).score,
        ),
        "wer (en)": (lambda: m("wer")(refs, hyps, language="en"), lambda: _jiwer_wer(refs, hyps)),
    }


def _jiwer_wer(refs, hyps):
    import jiwer
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    tok = Tokenizer13a()
    return jiwer.wer([tok(r) for r in refs], [tok(h) for h in hyps])


def ranking_cases(queries: int, items: int, plain_queries: int) -> dict:
    """NDCG@10 against scikit-learn, and the other ranking metrics against the plain loops.

    Both sides get the data as it is once loaded: scikit-learn dense (query × item) matrices,
    ours the long rows with the integer codes the ranking kind factorises ids into at load.
    The plain loops run on ``plain_queries`` queries only (they are Python loops).
    """
    import sys
    from pathlib import Path

    from sklearn.metrics import ndcg_score

    from aileague.scoring.metrics import get_metric as m

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.scoring.test_metrics_retrieval import plain_map_at_k, plain_mrr, plain_recall_at_k

    rng = np.random.default_rng(5)
    relevance = rng.integers(0, 4, (queries, items)).astype(float)
    scores = relevance + rng.random((queries, items)) * 3
    query = np.repeat(np.arange(queries), items)
    item = np.tile(np.arange(items), queries)
    args = (query, item, relevance.ravel(), query, item, scores.ravel())
    small = slice(0, plain_queries * items)
    few = tuple(a[small] for a in args)
    cases = {
        "ndcg@10 (codes vs dense)": (
            lambda: m("ndcg@10")(*args),
            lambda: ndcg_score(relevance, scores, k=10, ignore_ties=True),
            queries * items,
        ),
    }
    for name, plain in (("map@10", plain_map_at_k), ("recall@10", plain_recall_at_k)):
        cases[f"{name} (vs plain loop)"] = (
            lambda n=name: m(n)(*few),
            lambda p=plain: p(*few, k=10),
            plain_queries * items,
        )
    cases["mrr (vs plain loop)"] = (lambda: m("mrr")(*few), lambda: plain_mrr(*few), len(few[0]))
    return cases


def detection_cases(images: int) -> dict:
    from aileague.scoring.metrics import get_metric as m

    rng = np.random.default_rng(6)
    true_image = np.repeat(np.arange(images), 5).astype(str)
    true_label = rng.integers(0, 10, true_image.size).astype(str)
    true_box = np.column_stack(
        [rng.random((true_image.size, 2)) * 500, 10 + rng.random((true_image.size, 2)) * 100]
    )
    crowd = np.zeros(true_image.size, dtype=bool)
    keep = rng.random(true_image.size) < 0.9
    box = true_box[keep] + rng.normal(0, 5, (keep.sum(), 4))
    box[:, 2:] = np.abs(box[:, 2:]) + 1
    score = rng.random(keep.sum())
    args = (true_image, true_label, true_box, crowd, true_image[keep], true_label[keep], box, score)
    return {"map_coco": (lambda: m("map_coco")(*args), lambda: _pycocotools_map(*args))}


def _pycocotools_map(true_image, true_label, true_box, crowd, image, label, box, score):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    ids = {name: i + 1 for i, name in enumerate(sorted(set(true_image)))}
    cats = {name: i + 1 for i, name in enumerate(sorted(set(true_label) | set(label)))}
    gt = COCO()
    gt.dataset = {
        "images": [{"id": i} for i in ids.values()],
        "categories": [{"id": c} for c in cats.values()],
        "annotations": [
            {
                "id": n + 1,
                "image_id": ids[im],
                "category_id": cats[lb],
                "bbox": list(bx),
                "area": float(bx[2] * bx[3]),
                "iscrowd": int(cr),
            }
            for n, (im, lb, bx, cr) in enumerate(
                zip(true_image, true_label, true_box, crowd, strict=True)
            )
        ],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
        dt = gt.loadRes(
            [
                {"image_id": ids[im], "category_id": cats[lb], "bbox": list(bx), "score": float(sc)}
                for im, lb, bx, sc in zip(image, label, box, score, strict=True)
            ]
        )
        evaluation = COCOeval(gt, dt, "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return evaluation.stats[0]


def time_metrics(rows: int, repeat: int) -> dict[str, str]:
    warnings.simplefilter("ignore")
    ranking = ranking_cases(max(rows // 100, 1), 100, plain_queries=1_000)
    groups = [
        (rows, tabular_cases(rows)),
        (20_000, text_cases(20_000)),
        *((size, {name: pair}) for name, (*pair, size) in ranking.items()),
        (2_000 * 5, detection_cases(2_000)),
    ]
    figures: dict[str, str] = {}
    slowest = ("", float("inf"))
    print(f"\n{'metric':>30} {'rows':>10} {'ours s':>9} {'reference s':>12} {'speed-up':>9}")
    for size, cases in groups:
        for name, (ours, reference) in cases.items():
            mine, a = _best(repeat, ours)
            theirs, b = _best(min(repeat, 2), reference)
            same = math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
            speedup = theirs / mine
            note = "" if same else f"  value differs: {a!r} vs {b!r}"
            print(f"{name:>30} {size:>10} {mine:>9.3f} {theirs:>12.3f} {speedup:>9.2f}{note}")
            if speedup < slowest[1]:
                slowest = (name.split()[0], speedup)
            key = name.split()[0].replace("@", "_at_")
            if key in REPORTED:
                figures[f"{key}_speedup"] = f"{speedup:.2f}"
    figures["min_metric_speedup"] = f"{slowest[1]:.2f}"
    figures["slowest_metric"] = slowest[0]
    return figures


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    figures = time_metrics(options.rows, options.repeat)
    print("summary: " + " ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
