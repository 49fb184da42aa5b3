"""Ranking files, end to end through evaluate_file: scores per split and every problem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aileague.scoring import InvalidSubmission, SchemaError, TaskSchema, evaluate_file
from aileague.scoring.kinds import ReferenceError
from aileague.scoring.metrics import get_metric
from tests.scoring.reference_formats import FORMATS, placed, write_reference

TASK = {"kind": "ranking", "metric": "ndcg@2"}
REFERENCE = (
    "id,item,target,split\n"
    "q1,a,2,public\n"
    "q1,b,0,public\n"
    "q1,c,1,public\n"
    "q2,a,1,private\n"
    "q2,d,0,private\n"
)
PREDICTIONS = "id,item,prediction\nq1,a,0.5\nq1,c,0.5\nq1,z,0.9\nq2,d,3\nq2,a,1\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def run(tmp_path, predictions: str, reference: str = REFERENCE, fmt: str = "csv", **task):
    return evaluate_file(
        write(tmp_path / "predictions.csv", predictions),
        write_reference(tmp_path, reference, fmt),
        TaskSchema.from_dict({**TASK, **task}),
    )


def problems_of(tmp_path, predictions: str, **task) -> list[dict]:
    with pytest.raises(InvalidSubmission) as raised:
        run(tmp_path, predictions, **task)
    return [
        {key: problem.as_dict()[key] for key in ("code", "params", "lines", "examples")}
        for problem in raised.value.problems
    ]


LOG3 = 1.584962500721156  # log2(3)


@pytest.mark.parametrize(
    ("metric", "public", "private"),
    [
        # q1 ranks z (unjudged, 0.9), then a and c tied at 0.5: a before c by item id.
        ("ndcg@2", (2 / LOG3) / (2 + 1 / LOG3), 1 / LOG3),
        ("map@2", (1 / 2) / 2, (1 / 2) / 1),
        ("mrr", 1 / 2, 1 / 2),
        ("recall@1", 0.0, 0.0),
        ("recall@3", 1.0, 1.0),
    ],
)
def test_a_ranking_file_is_scored_on_each_split_of_its_queries(tmp_path, metric, public, private):
    evaluation = run(tmp_path, PREDICTIONS, metric=metric)
    assert evaluation.scores == pytest.approx({"public": public, "private": private}, abs=1e-15)
    assert (evaluation.metric, evaluation.rows) == (metric, 5)


def test_the_order_of_the_rows_does_not_change_the_scores(tmp_path):
    lines = PREDICTIONS.splitlines()
    shuffled = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    assert run(tmp_path, shuffled).scores == run(tmp_path, PREDICTIONS).scores


@pytest.mark.parametrize("metric", ["ndcg@3", "map@3", "mrr", "recall@2"])
def test_ties_between_judged_and_unjudged_items_are_broken_by_item_id_as_on_raw_ids(
    tmp_path, metric
):
    # The kind hands the metric integer codes; their order must be the ids' order, unjudged
    # items (aa, bb, zz, x0) included.
    reference = "id,item,target,split\nq1,b,2,public\nq1,d,1,public\nq1,y,0,public\n"
    predictions = "id,item,prediction\nq1,zz,1\nq1,d,1\nq1,bb,1\nq1,b,1\nq1,aa,1\nq1,x0,2\n"
    evaluation = run(tmp_path, predictions, reference=reference, metric=metric)
    rows = [line.split(",") for line in predictions.splitlines()[1:]]
    judged = [line.split(",") for line in reference.splitlines()[1:]]
    on_ids = get_metric(metric)(
        np.array([r[0] for r in judged]),
        np.array([r[1] for r in judged]),
        np.array([float(r[2]) for r in judged]),
        np.array([r[0] for r in rows]),
        np.array([r[1] for r in rows]),
        np.array([float(r[2]) for r in rows]),
    )
    assert evaluation.scores == {"public": on_ids}


def test_column_names_come_from_the_task(tmp_path):
    names = {
        "id_column": "query_id",
        "item_column": "doc_id",
        "prediction_column": "score",
        "target_column": "relevance",
    }
    reference = REFERENCE.replace("id,item,target,split", "query_id,doc_id,relevance,split")
    predictions = PREDICTIONS.replace("id,item,prediction", "query_id,doc_id,score")
    evaluation = run(tmp_path, predictions, reference, **names)
    assert evaluation.scores == run(tmp_path, PREDICTIONS).scores


def test_every_problem_of_a_ranking_file_is_reported_at_once(tmp_path):
    predictions = (
        "id,item,prediction\n"
        "q1,a,0.5\n"  # line 2
        "q1,a,0.4\n"  # line 3: the pair (q1, a) again
        "q3,c,x\n"  # line 4: unknown query, not a number
        ",z,NA\n"  # line 5: empty query, missing value
        "q1,,inf\n"  # line 6: empty item, infinite
    )
    assert problems_of(tmp_path, predictions) == [
        {"code": "empty_id", "params": {"count": 1}, "lines": [5], "examples": [""]},
        {
            "code": "empty_item",
            "params": {"column": "item", "count": 1},
            "lines": [6],
            "examples": [""],
        },
        {"code": "unknown_queries", "params": {"count": 1}, "lines": [4], "examples": ["q3"]},
        {"code": "missing_queries", "params": {"count": 1}, "lines": [], "examples": ["q2"]},
        {
            "code": "duplicate_item",
            "params": {"count": 1},
            "lines": [2, 3],
            "examples": ["q1, a", "q1, a"],
        },
        {
            "code": "not_a_number",
            "params": {"column": "prediction", "count": 1},
            "lines": [4],
            "examples": ["x"],
        },
        {
            "code": "missing_value",
            "params": {"column": "prediction", "count": 1},
            "lines": [5],
            "examples": ["NA"],
        },
        {
            "code": "not_finite",
            "params": {"column": "prediction", "count": 1},
            "lines": [6],
            "examples": ["inf"],
        },
    ]


@pytest.mark.parametrize(("fmt", "lines", "params"), [
    ("csv", [2, 3], {"count": 1}),
    ("jsonl", [1, 2], {"count": 1}),
    ("parquet", [1, 2], {"count": 1, "unit": "row"}),
])  # fmt: skip
def test_duplicate_pairs_are_placed_in_the_file_whatever_its_format(tmp_path, fmt, lines, params):
    predictions = "id,item,prediction\nq1,a,0.5\nq1,a,0.4\nq2,a,1\n"
    with pytest.raises(InvalidSubmission) as raised:
        evaluate_file(
            write_reference(tmp_path, predictions, fmt, stem="predictions"),
            write(tmp_path / "reference.csv", REFERENCE),
            TaskSchema.from_dict(TASK),
        )
    [problem] = raised.value.problems
    assert (problem.code, problem.params, problem.lines) == ("duplicate_item", params, lines)


def test_an_empty_ranking_misses_every_query(tmp_path):
    assert problems_of(tmp_path, "id,item,prediction\n") == [
        {"code": "missing_queries", "params": {"count": 2}, "lines": [], "examples": ["q1", "q2"]}
    ]


def test_a_ranking_file_needs_the_query_item_and_score_columns(tmp_path):
    assert problems_of(tmp_path, "id,prediction\nq1,0.5\n") == [
        {
            "code": "missing_column",
            "params": {"column": "item", "expected": "id,item,prediction"},
            "lines": [],
            "examples": [],
        }
    ]


def test_problem_messages_exist_in_english_and_chinese(tmp_path):
    with pytest.raises(InvalidSubmission) as raised:
        run(tmp_path, "id,item,prediction\nq1,a,1\nq1,a,2\nq9,a,1\nq1,,1\n")
    messages = {p.code: (p.message("en"), p.message("zh-hans")) for p in raised.value.problems}
    assert messages == {
        "empty_item": (
            "1 row(s) have an empty 'item'; give every ranked item its id.",
            "1 行的 'item' 为空；请为每个排序条目填写 id。",
        ),
        "unknown_queries": (
            "1 row(s) belong to queries that are not in the test set; remove them.",
            "有 1 行属于不在测试集中的查询；请删除这些行。",
        ),
        "missing_queries": (
            "1 query(ies) of the test set have no ranked items; rank items for every query in "
            "the sample submission.",
            "测试集中有 1 个查询没有任何排序结果；请为样例提交中的每个查询给出排序。",
        ),
        "duplicate_item": (
            "1 (query, item) pair(s) appear more than once; rank each item at most once per query.",
            "有 1 个（查询，条目）对重复出现；同一查询中每个条目最多只能出现一次。",
        ),
    }


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        (
            "id,item,target,split\nq1,a,1,public\nq1,b,0,private\n",
            "reference reference.csv line 3: query q1 is in both splits; a query's rows must "
            "all be in one split",
        ),
        (
            "id,item,target,split\nq1,a,1,public\nq1,a,2,public\n",
            "reference reference.csv line 3: query q1 judges item a twice",
        ),
        (
            "id,item,target,split\nq1,a,1,public\nq1,b,-1,public\n",
            "reference reference.csv line 3: relevance must be ≥ 0",
        ),
        (
            "id,item,target,split\nq1,a,1,public\nq2,b,0,public\n",
            "reference reference.csv: query q2 has no relevant item (relevance > 0), so no "
            "ranking of it can be scored",
        ),
        (
            "id,item,target,split\nq1,,1,public\n",
            "reference reference.csv line 2: empty item",
        ),
        (
            "id,item,target,split\nq1,a,high,public\n",
            "reference reference.csv line 2: 1 value(s) in 'target' are not numbers.",
        ),
        (
            "id,item,target,split\nq1,a,1,public\nq1,b,1,test\n",
            "reference reference.csv line 3: split must be 'public' or 'private'",
        ),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_broken_ranking_reference_is_the_organisers_error(tmp_path, reference, message, fmt):
    with pytest.raises(ReferenceError) as raised:
        run(tmp_path, PREDICTIONS, reference, fmt)
    assert str(raised.value) == placed(message, fmt)


def test_a_ranking_task_needs_distinct_columns():
    with pytest.raises(SchemaError, match="distinct id_column"):
        TaskSchema.from_dict({**TASK, "item_column": "id"})
