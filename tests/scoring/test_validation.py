"""What a participant is told about a malformed predictions file: every problem, exactly.

Each test writes one broken file and asserts the exact list of problem codes that
``evaluate_file`` reports (and, where it helps a participant, the line numbers and examples).
The reference has ids 001-004: 001 and 002 public, 003 and 004 private.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aileague.scoring import InvalidSubmission, TaskSchema, evaluate_file
from aileague.scoring import evaluate as scoring_evaluate

BINARY = TaskSchema.from_dict({"kind": "binary_probability", "metric": "roc_auc"})
LABELS = TaskSchema.from_dict(
    {"kind": "multiclass_label", "metric": "accuracy", "labels": ["cat", "dog", "eel"]}
)
REFERENCE = "id,target,split\n001,1,public\n002,0,public\n003,1,private\n004,0,private\n"
LABEL_REFERENCE = "id,target,split\n001,cat,public\n002,dog,public\n003,eel,private\n"
GOOD = "id,prediction\n001,0.9\n002,0.1\n003,0.8\n004,0.2\n"


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def evaluate(tmp_path, content, *, reference=REFERENCE, schema=BINARY, name="predictions.csv"):
    reference_path = write(tmp_path / "reference.csv", reference)
    return evaluate_file(write(tmp_path / name, content), reference_path, schema)


def problems(tmp_path, content, **kwargs):
    with pytest.raises(InvalidSubmission) as raised:
        evaluate(tmp_path, content, **kwargs)
    return raised.value.problems


def codes(tmp_path, content, **kwargs) -> list[str]:
    return [problem.code for problem in problems(tmp_path, content, **kwargs)]


# --- The file as a whole -----------------------------------------------------------------------


def test_empty_file_is_reported_as_empty(tmp_path):
    (problem,) = problems(tmp_path, "")
    assert problem.code == "empty_file"
    assert problem.message() == (
        "The file is empty. Upload a CSV with a header row and one row per id."
    )


def test_file_of_blank_lines_is_reported_as_empty(tmp_path):
    assert codes(tmp_path, "\n\n") == ["empty_file"]


@pytest.mark.parametrize("header", ["id,prediction\n", "id,prediction"], ids=["newline", "bare"])
def test_header_only_file_is_missing_every_id(tmp_path, header):
    (problem,) = problems(tmp_path, header)
    assert problem.code == "missing_ids"
    assert problem.params == {"count": 4}
    assert problem.examples == ["001", "002", "003", "004"]


def test_gbk_encoded_chinese_ids_are_not_utf8_and_the_message_names_gb18030(tmp_path):
    reference = "id,target,split\n北京,1,public\n天津,0,public\n上海,0,private\n广州,1,private\n"
    content = b"id,prediction\n" + "北京,0.9\n上海,0.1\n".encode("gbk")
    (problem,) = problems(tmp_path, content, reference=reference)
    assert problem.code == "not_utf8"
    assert problem.params == {"offset": 14, "encoding": "GB18030"}
    assert problem.message() == (
        "The file is not UTF-8 text (byte 14 is invalid); it looks like GB18030. "
        "Save it as UTF-8 and upload it again."
    )
    assert problem.message("zh-hans") == (
        "文件不是 UTF-8 编码（第 14 字节无效）；看起来是 GB18030 编码。请另存为 UTF-8 后重新上传。"
    )


def test_utf8_chinese_ids_are_accepted(tmp_path):
    reference = "id,target,split\n北京,1,public\n上海,0,public\n"
    evaluation = evaluate(tmp_path, "id,prediction\n上海,0.2\n北京,0.7\n", reference=reference)
    assert evaluation.scores == {"public": 1.0}


def test_utf8_with_byte_order_mark_is_accepted(tmp_path):
    evaluation = evaluate(tmp_path, "\ufeff" + GOOD)
    assert evaluation.scores == {"public": 1.0, "private": 1.0}


def test_crlf_line_endings_are_accepted(tmp_path):
    evaluation = evaluate(tmp_path, GOOD.replace("\n", "\r\n"))
    assert evaluation.scores == {"public": 1.0, "private": 1.0}


def test_a_file_of_an_unaccepted_type_is_refused_by_its_suffix(tmp_path):
    (problem,) = problems(tmp_path, GOOD, name="predictions.xlsx")
    assert (problem.code, problem.params) == ("unsupported_format", {"suffix": ".xlsx"})
    assert problem.message() == (
        "Files of type '.xlsx' are not accepted here; upload a .csv, .tsv, .jsonl or .parquet "
        "file, or a .zip holding one of them."
    )


# --- The header --------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters_are_named_as_such(tmp_path, delimiter):
    content = GOOD.replace(",", delimiter)
    (problem,) = problems(tmp_path, content)
    assert problem.code == "wrong_delimiter"
    assert problem.params == {"header": f"id{delimiter}prediction", "delimiter": delimiter}


def test_semicolon_message_tells_to_use_commas(tmp_path):
    (problem,) = problems(tmp_path, GOOD.replace(",", ";"))
    assert problem.message() == (
        "The header has one column 'id;prediction' that contains ';': the file seems to use ';' "
        "as separator. Use commas."
    )


def test_missing_prediction_column_is_named(tmp_path):
    (problem,) = problems(tmp_path, "id\n001\n002\n003\n004\n")
    assert (problem.code, problem.params) == (
        "missing_column",
        {"column": "prediction", "expected": "id,prediction"},
    )


def test_extra_column_is_named(tmp_path):
    content = "id,prediction,model\n001,0.9,a\n002,0.1,a\n003,0.8,a\n004,0.2,a\n"
    (problem,) = problems(tmp_path, content)
    assert (problem.code, problem.params) == (
        "unexpected_column",
        {"column": "model", "expected": "id,prediction"},
    )


def test_misnamed_column_is_both_missing_and_unexpected(tmp_path):
    content = GOOD.replace("prediction", "score")
    assert codes(tmp_path, content) == ["missing_column", "unexpected_column"]


def test_duplicate_header_column_is_named(tmp_path):
    (problem,) = problems(tmp_path, "id,prediction,prediction\n001,0.9,0.9\n")
    assert (problem.code, problem.params) == ("duplicate_column", {"column": "prediction"})


# --- Rows and ids ------------------------------------------------------------------------------


def test_ragged_row_is_reported_with_its_line_number(tmp_path):
    content = "id,prediction\n001,0.9\n002,0.1,0.5\n003,0.8\n004,0.2\n"
    (problem,) = problems(tmp_path, content)
    assert problem.code == "ragged_row"
    assert problem.params == {"count": 1, "expected": 2}
    assert problem.lines == [3]
    assert problem.examples == ["002,0.1,0.5"]
    assert problem.message() == (
        "1 row(s) have a different number of fields than the header (2); check for stray "
        "separators or unquoted commas."
    )


def test_several_ragged_rows_are_listed_in_file_order(tmp_path):
    content = "id,prediction\n001,0.9\n002,0,1\n003,0.8\n004\n"
    (problem,) = problems(tmp_path, content)
    assert (problem.lines, problem.examples) == ([3, 5], ["002,0,1", "004"])


def test_empty_id_is_reported_with_its_line(tmp_path):
    content = "id,prediction\n001,0.9\n,0.1\n003,0.8\n004,0.2\n"
    empty, missing = problems(tmp_path, content)
    assert (empty.code, empty.params, empty.lines) == ("empty_id", {"count": 1}, [3])
    assert (missing.code, missing.examples) == ("missing_ids", ["002"])


def test_duplicate_id_lists_every_line_holding_it(tmp_path):
    content = "id,prediction\n001,0.9\n001,0.8\n002,0.1\n003,0.8\n004,0.2\n"
    (problem,) = problems(tmp_path, content)
    assert problem.code == "duplicate_id"
    assert (problem.params, problem.lines, problem.examples) == (
        {"count": 1},
        [2, 3],
        ["001", "001"],
    )


def test_missing_ids_are_listed_from_the_reference(tmp_path):
    (problem,) = problems(tmp_path, "id,prediction\n001,0.9\n003,0.8\n")
    assert (problem.code, problem.params, problem.examples) == (
        "missing_ids",
        {"count": 2},
        ["002", "004"],
    )
    assert problem.lines == []


def test_unknown_ids_are_listed_with_their_lines(tmp_path):
    (problem,) = problems(tmp_path, GOOD + "999,0.5\n")
    assert (problem.code, problem.params, problem.lines, problem.examples) == (
        "unknown_ids",
        {"count": 1},
        [6],
        ["999"],
    )


def test_ids_are_text_so_007_and_7_are_different_ids(tmp_path):
    reference = "id,target,split\n007,1,public\n008,0,public\n"
    unknown, missing = problems(tmp_path, "id,prediction\n7,0.9\n8,0.1\n", reference=reference)
    assert (unknown.code, unknown.examples) == ("unknown_ids", ["7", "8"])
    assert (missing.code, missing.examples) == ("missing_ids", ["007", "008"])


def test_rows_in_any_order_are_matched_by_id(tmp_path):
    content = "id,prediction\n004,0.2\n003,0.8\n002,0.1\n001,0.9\n"
    assert evaluate(tmp_path, content).scores == {"public": 1.0, "private": 1.0}


# --- Values ------------------------------------------------------------------------------------


def test_text_where_a_number_belongs_is_not_a_number(tmp_path):
    content = "id,prediction\n001,high\n002,0.1\n003,0.8\n004,0.2\n"
    (problem,) = problems(tmp_path, content)
    assert problem.code == "not_a_number"
    assert (problem.params, problem.lines, problem.examples) == (
        {"column": "prediction", "count": 1},
        [2],
        ["high"],
    )
    assert problem.message() == "1 value(s) in 'prediction' are not numbers."


def test_a_decimal_comma_is_not_a_number_and_the_message_says_to_use_a_dot(tmp_path):
    content = 'id,prediction\n001,high\n002,"0,1"\n003,0.8\n004,0.2\n'
    (problem,) = problems(tmp_path, content)
    assert problem.code == "not_a_number"
    assert (problem.params, problem.lines, problem.examples) == (
        {"column": "prediction", "count": 2, "hint": "decimal_comma"},
        [2, 3],
        ["high", "0,1"],
    )
    assert problem.message() == (
        "2 value(s) in 'prediction' are not numbers. Use a dot as the decimal separator: 0.5, "
        "not 0,5."
    )
    assert problem.message("zh-hans") == (
        "'prediction' 列中有 2 个值不是数字。小数点请用英文句点：写 0.5，不要写 0,5。"
    )


@pytest.mark.parametrize("token", ["", "NA", "n/a", "NaN", "null", "None", "-", "?"])
def test_na_like_values_are_missing_values(tmp_path, token):
    content = f"id,prediction\n001,{token}\n002,0.1\n003,0.8\n004,0.2\n"
    (problem,) = problems(tmp_path, content)
    assert (problem.code, problem.lines, problem.examples) == ("missing_value", [2], [token])


def test_na_null_and_empty_values_are_counted_together(tmp_path):
    content = "id,prediction\n001,NA\n002,null\n003,\n004,0.2\n"
    (problem,) = problems(tmp_path, content)
    assert (problem.code, problem.params, problem.lines, problem.examples) == (
        "missing_value",
        {"column": "prediction", "count": 3},
        [2, 3, 4],
        ["NA", "null", ""],
    )


@pytest.mark.parametrize("token", ["inf", "-Infinity", "+INF"])
def test_infinite_values_are_not_finite(tmp_path, token):
    content = f"id,prediction\n001,{token}\n002,0.1\n003,0.8\n004,0.2\n"
    (problem,) = problems(tmp_path, content)
    assert (problem.code, problem.examples) == ("not_finite", [token])


def test_probabilities_above_one_and_below_zero_are_out_of_range(tmp_path):
    content = "id,prediction\n001,1.5\n002,-0.1\n003,1\n004,0\n"
    (problem,) = problems(tmp_path, content)
    assert problem.code == "probability_out_of_range"
    assert (problem.params, problem.lines, problem.examples) == (
        {"column": "prediction", "count": 2},
        [2, 3],
        ["1.5", "-0.1"],
    )


def test_numbers_in_scientific_and_short_forms_are_accepted(tmp_path):
    content = "id,prediction\n001,9e-1\n002,.1\n003,+0.8\n004,2E-1\n"
    assert evaluate(tmp_path, content).scores == {"public": 1.0, "private": 1.0}


def test_whitespace_around_numbers_is_accepted(tmp_path):
    content = "id,prediction\n001, 0.9\n002,0.1 \n003,\t0.8\n004,  0.2  \n"
    assert evaluate(tmp_path, content).scores == {"public": 1.0, "private": 1.0}


def test_unknown_label_is_named_with_the_valid_labels(tmp_path):
    content = "id,prediction\n001,cat\n002,Dog\n003,cow\n"
    (problem,) = problems(tmp_path, content, reference=LABEL_REFERENCE, schema=LABELS)
    assert problem.code == "unknown_label"
    assert (problem.params, problem.lines, problem.examples) == (
        {"column": "prediction", "labels": "cat, dog, eel", "count": 2},
        [3, 4],
        ["Dog", "cow"],
    )
    assert problem.message("zh-hans") == (
        "'prediction' 列中有 2 个值不是有效标签；请使用以下之一：cat, dog, eel。"
    )


def test_whitespace_around_labels_is_accepted(tmp_path):
    content = "id,prediction\n001, cat\n002,dog \n003,eel\n"
    evaluation = evaluate(tmp_path, content, reference=LABEL_REFERENCE, schema=LABELS)
    assert evaluation.scores == {"public": 1.0, "private": 1.0}


# --- Many problems at once ---------------------------------------------------------------------


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    content = "id,prediction\n001,high\n001,0.2\n,0.3\n999,inf\n003,NA\n"
    assert codes(tmp_path, content) == [
        "empty_id",
        "duplicate_id",
        "unknown_ids",
        "missing_ids",
        "not_a_number",
        "missing_value",
        "not_finite",
    ]


def test_examples_are_capped_at_twenty_and_the_count_is_the_true_count(tmp_path):
    ids = [f"{i:03d}" for i in range(1, 31)]
    reference = "id,target,split\n" + "".join(f"{i},{n % 2},public\n" for n, i in enumerate(ids))
    content = "id,prediction\n" + "".join(f"{i},x{i}\n" for i in ids)
    (problem,) = problems(tmp_path, content, reference=reference)
    assert problem.code == "not_a_number"
    assert problem.params == {"column": "prediction", "count": 30}
    assert problem.lines == list(range(2, 22))
    assert problem.examples == [f"x{i}" for i in ids[:20]]


def test_missing_ids_examples_are_capped_at_twenty_too(tmp_path):
    ids = [f"{i:03d}" for i in range(1, 31)]
    reference = "id,target,split\n" + "".join(f"{i},{n % 2},public\n" for n, i in enumerate(ids))
    (problem,) = problems(tmp_path, "id,prediction\n", reference=reference)
    assert (problem.params, problem.examples) == ({"count": 30}, ids[:20])


# --- Messages in Chinese -----------------------------------------------------------------------


def test_missing_ids_message_in_chinese(tmp_path):
    (problem,) = problems(tmp_path, "id,prediction\n001,0.9\n003,0.8\n")
    assert problem.message("zh-hans") == (
        "测试集中有 2 个 id 没有预测；请为样例提交中的每个 id 给出预测。"
    )
    assert problem.message("zh-CN") == problem.message("zh-hans")


def test_missing_value_message_in_chinese(tmp_path):
    (problem,) = problems(tmp_path, "id,prediction\n001,NA\n002,0.1\n003,0.8\n004,0.2\n")
    assert problem.message("zh-hans") == (
        "'prediction' 列中有 1 个值为空或类似 NA（''、'NA'、'null'、'nan'）。"
    )


def test_a_language_without_texts_falls_back_to_english(tmp_path):
    (problem,) = problems(tmp_path, "")
    assert problem.message("th") == problem.message("en")


def test_problem_as_dict_carries_code_message_and_where(tmp_path):
    (problem,) = problems(tmp_path, GOOD + "999,0.5\n")
    assert problem.as_dict() == {
        "code": "unknown_ids",
        "message": "1 id(s) are not in the test set; remove them.",
        "params": {"count": 1},
        "lines": [6],
        "examples": ["999"],
    }


# --- The reference is ours: its problems are not the team's ------------------------------------


def reference_error(tmp_path, reference, *, schema=BINARY) -> str:
    with pytest.raises(scoring_evaluate.ReferenceError) as raised:
        evaluate(tmp_path, GOOD, reference=reference, schema=schema)
    return str(raised.value)


def test_reference_with_a_bad_split_value_is_a_reference_error(tmp_path):
    reference = "id,target,split\n001,1,public\n002,0,test\n"
    assert reference_error(tmp_path, reference) == (
        "reference reference.csv line 3: split must be 'public' or 'private'"
    )


def test_reference_without_split_and_target_columns_is_a_reference_error(tmp_path):
    assert reference_error(tmp_path, "id,label\n001,1\n") == (
        "reference reference.csv lacks column(s) target, split; it needs id, target, split"
    )


def test_reference_with_a_ragged_row_is_a_reference_error(tmp_path):
    reference = "id,target,split\n001,1,public\n002,0\n"
    assert reference_error(tmp_path, reference) == "reference reference.csv line 3 is ragged"


def test_reference_with_a_non_numeric_target_is_a_reference_error(tmp_path):
    reference = "id,target,split\n001,1,public\n002,yes,public\n"
    assert reference_error(tmp_path, reference) == (
        "reference reference.csv: 1 value(s) in 'target' are not numbers."
    )


def test_reference_with_a_label_outside_the_task_is_a_reference_error(tmp_path):
    reference = "id,target,split\n001,cat,public\n002,bird,public\n"
    assert reference_error(tmp_path, reference, schema=LABELS) == (
        "reference reference.csv has labels outside ['cat', 'dog', 'eel']"
    )


def test_reference_that_is_not_utf8_is_a_reference_error(tmp_path):
    reference = "id,target,split\n北京,1,public\n".encode("gbk")
    assert reference_error(tmp_path, reference) == "reference reference.csv: not_utf8"


# --- Matching ids: every path gives the same, exact answer -------------------------------------


ID_SETS = {
    "zero_padded_with_prefix": [f"R{i:06d}" for i in range(0, 3000, 3)],
    "plain_numbers": [str(i) for i in range(1, 1001)],
    "sparse_numbers": [str(10**12 + i * 7919**2) for i in range(1000)],
    "words": [f"item-{i}-x" for i in range(1000)],
}


@pytest.mark.parametrize("ids", ID_SETS.values(), ids=ID_SETS.keys())
def test_ids_in_any_order_are_matched_exactly_whatever_their_shape(ids):
    import numpy as np
    import pyarrow as pa

    from aileague.scoring.validation import check_ids

    reference = pa.array(ids)
    shuffled = np.random.default_rng(7).permutation(len(ids))
    chunks = pa.chunked_array(
        [pa.array([ids[i] for i in part]) for part in (shuffled[:400], shuffled[400:])]
    )
    order, problems = check_ids(chunks, reference)
    assert problems == []
    assert order.tolist() == np.argsort(shuffled).tolist()


@pytest.mark.parametrize("ids", ID_SETS.values(), ids=ID_SETS.keys())
def test_ids_spelled_differently_are_unknown_whatever_the_shape(ids):
    import pyarrow as pa

    from aileague.scoring.validation import check_ids

    first = ids[0]
    respelled = [f"0{first}", f" {first}", f"+{first}", f"{first}.0", first.lower().upper()]
    respelled = [value for value in respelled if value != first]
    order, problems = check_ids(pa.array(respelled + ids[1:]), pa.array(ids))
    assert order is None
    assert [(p.code, p.params["count"]) for p in problems] == [
        ("unknown_ids", len(respelled)),
        ("missing_ids", 1),
    ]
    assert problems[1].examples == [first]


def test_numbers_with_and_without_leading_zeros_are_different_ids():
    import pyarrow as pa

    from aileague.scoring.validation import check_ids

    order, problems = check_ids(pa.array(["1", "02", "3"]), pa.array(["1", "2", "3"]))
    assert [(p.code, p.examples) for p in problems] == [
        ("unknown_ids", ["02"]),
        ("missing_ids", ["2"]),
    ]


def test_leading_zeros_hint_in_chinese(tmp_path):
    problem, _ = problems(tmp_path, "id,prediction\n1,0.9\n2,0.1\n3,0.8\n4,0.2\n")
    assert problem.params == {"count": 4, "hint": "leading_zeros"}
    assert problem.message("zh-hans") == (
        "有 4 个 id 不在测试集中；请删除这些行。id 按文本比较，'7' 与 '007' 不同：请与样例提交中的"
        "写法完全一致，包括前导零。"
    )


def test_rows_behind_lines_are_not_part_of_what_is_stored(tmp_path):
    (problem,) = problems(tmp_path, GOOD + "999,0.5\n")
    assert (problem.rows, "rows" in problem.as_dict()) == ([4], False)


def test_a_header_that_is_nearly_right_still_gets_its_rows_checked(tmp_path):
    content = " ID ,prediction\n001,0.9\n002,x\n003,0.8\n004,0.2\n004,0.3\n"
    assert [(p.code, p.lines) for p in problems(tmp_path, content)] == [
        ("column_name_whitespace", []),
        ("duplicate_id", [5, 6]),
        ("not_a_number", [3]),
    ]


def test_a_reference_in_json_lines_or_parquet_is_read_like_a_csv_one(tmp_path):
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [("001", "1", "public"), ("002", "0", "public"), ("003", "1", "private")]
    rows += [("004", "0", "private")]
    jsonl = "".join(f'{{"id": "{i}", "target": {t}, "split": "{s}"}}\n' for i, t, s in rows)
    buffer = io.BytesIO()
    ids, targets, splits = (list(column) for column in zip(*rows, strict=True))
    pq.write_table(pa.table({"id": ids, "target": targets, "split": splits}), buffer)
    for name, content in (
        ("reference.jsonl", jsonl.encode()),
        ("reference.parquet", buffer.getvalue()),
    ):
        reference = write(tmp_path / name, content)
        evaluation = evaluate_file(write(tmp_path / "p.csv", GOOD), reference, BINARY)
        assert evaluation.scores == {"public": 1.0, "private": 1.0}


def test_a_reference_with_a_broken_json_line_is_a_reference_error(tmp_path):
    reference = write(
        tmp_path / "reference.jsonl", '{"id": "001", "target": 1, "split": "public"\n'
    )
    with pytest.raises(scoring_evaluate.ReferenceError) as raised:
        evaluate_file(write(tmp_path / "p.csv", GOOD), reference, BINARY)
    assert str(raised.value) == (
        "reference reference.jsonl line 1: 1 line(s) are not a JSON object; each line must be one "
        'object such as {"id": "001", "prediction": 0.5}.'
    )


@settings(max_examples=150, deadline=None, database=None)
@given(
    st.sampled_from(["", "R", "id-", "ÄB", "a-long-prefix-"]),
    st.integers(1, 18),
    st.data(),
)
def test_numbered_ids_read_from_the_bytes_match_exactly_like_any_other_way(prefix, digits, data):
    # Same-length ids take the byte-level reading; a changed byte or length must never match.
    import pyarrow as pa

    from aileague.scoring.validation.ids import _NumberedIds

    numbers = data.draw(st.sets(st.integers(0, 10**digits - 1), min_size=1, max_size=40))
    reference = [f"{prefix}{number:0{digits}d}" for number in sorted(numbers)]
    index = _NumberedIds.build(pa.array(reference))
    assume(index is not None)
    picked = data.draw(st.lists(st.sampled_from(reference), min_size=1, max_size=60))
    edits = data.draw(
        st.lists(
            st.tuples(st.integers(0, 59), st.integers(0, 40), st.sampled_from("09a/: R\x00é")),
            max_size=8,
        )
    )
    file = list(picked)
    for row, at, char in edits:
        if row < len(file):
            value = file[row]
            at %= len(value)
            file[row] = value[:at] + char + value[at + 1 :]
    row_of = {value: row for row, value in enumerate(reference)}
    expected = [row_of.get(value, -1) for value in file]
    assert index.lookup(pa.array(file)).tolist() == expected
