"""A corpus of malformed prediction files, each with exactly what a participant is told.

Every file is generated here (no binaries in the repository) and scored by ``evaluate_file``
against the same reference: ids 001-004, a binary task. Each case lists the exact problem codes
in the order reported, and, where a participant needs them, the lines (or Parquet rows),
parameters and examples. A few well-formed files close the table: they must score.
"""

from __future__ import annotations

import io
import json
import re
import stat
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aileague.scoring import InvalidSubmission, Problem, TaskSchema, evaluate_file

BINARY = TaskSchema.from_dict({"kind": "binary_probability", "metric": "roc_auc"})
TEXT = TaskSchema.from_dict({"kind": "text", "metric": "chrf"})
REFERENCE = "id,target,split\n001,1,public\n002,0,public\n003,1,private\n004,0,private\n"
TEXT_REFERENCE = "id,target,split\n001,xin chào,public\n002,สวัสดี,private\n"
GOOD = "id,prediction\n001,0.9\n002,0.1\n003,0.8\n004,0.2\n"
ROWS = [("001", 0.9), ("002", 0.1), ("003", 0.8), ("004", 0.2)]


# --- Builders ----------------------------------------------------------------------------------


def vietnamese_cp1258(text: str) -> bytes:
    """Windows-1258 has base letters (ê, ơ, ư, ...) but writes most tones as combining marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return out


def zipped(*members: tuple[str | zipfile.ZipInfo, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def symlink_zip() -> bytes:
    link = zipfile.ZipInfo("predictions.csv")
    link.create_system = 3  # Unix, where the mode bits say "symbolic link"
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return zipped((link, "/etc/passwd"))


def encrypted_zip() -> bytes:
    """Python cannot encrypt; setting the "encrypted" flag is what a reader goes by."""
    data = bytearray(zipped(("predictions.csv", GOOD)))
    data[6] |= 0x1  # local file header, general purpose flags
    data[data.find(b"PK\x01\x02") + 8] |= 0x1  # central directory entry
    return bytes(data)


def bomb_zip() -> bytes:
    """10 MiB of zeros in about 10 kB: a ratio near 1000."""
    return zipped(("predictions.csv", "id,prediction\n" + "0" * (10 << 20)))


def parquet(**columns: Any) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


def jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


GOOD_JSONL = jsonl([{"id": i, "prediction": p} for i, p in ROWS])


@dataclass(frozen=True)
class Case:
    content: str | bytes | Callable[[], bytes]
    codes: list[str]
    name: str = "predictions.csv"
    lines: dict[str, list[int]] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    schema: TaskSchema = BINARY
    reference: str = REFERENCE


# --- The corpus --------------------------------------------------------------------------------

MALFORMED: dict[str, Case] = {
    # Encodings: refused, naming the likely one, with the line of the first bad byte.
    "gbk_chinese": Case(
        b"id,prediction\n" + "北京,0.9\n上海,0.1\n".encode("gbk"),
        ["not_utf8"],
        lines={"not_utf8": [2]},
        params={"not_utf8": {"offset": 14, "encoding": "GB18030"}},
    ),
    "big5_traditional_chinese": Case(
        b"id,prediction\n" + "臺北,0.9\n高雄,0.1\n".encode("big5"),
        ["not_utf8"],
        params={"not_utf8": {"offset": 14, "encoding": "Big5"}},
    ),
    "cp874_thai": Case(
        b"id,prediction\n" + "สวัสดี,0.9\nกรุงเทพ,0.1\n".encode("cp874"),
        ["not_utf8"],
        params={"not_utf8": {"offset": 14, "encoding": "TIS-620/Windows-874"}},
    ),
    "cp1258_vietnamese": Case(
        b"id,prediction\n" + vietnamese_cp1258("Tiếng Việt,0.9\nHà Nội,0.1\n"),
        ["not_utf8"],
        params={"not_utf8": {"offset": 16, "encoding": "Windows-1258"}},
    ),
    "latin1_e_acute": Case(
        "id,prediction\ncafé,0.9\n".encode("latin-1"),
        ["not_utf8"],
        lines={"not_utf8": [2]},
        params={"not_utf8": {"offset": 17, "encoding": "Latin-1/Windows-1252"}},
    ),
    "utf16_with_bom": Case(
        GOOD.encode("utf-16"),
        ["not_utf8"],
        params={"not_utf8": {"offset": 0, "encoding": "UTF-16"}},
    ),
    "utf16_without_bom": Case(
        GOOD.encode("utf-16-le"),
        ["not_utf8"],
        params={"not_utf8": {"offset": 1, "encoding": "UTF-16"}},
    ),
    "utf32_with_bom": Case(
        GOOD.encode("utf-32"),
        ["not_utf8"],
        params={"not_utf8": {"offset": 0, "encoding": "UTF-32"}},
    ),
    "invalid_byte_on_line_5": Case(
        b"id,prediction\n001,0.9\n002,0.1\n003,0.8\n004,0.2\x81\n",
        ["not_utf8"],
        lines={"not_utf8": [5]},
        params={"not_utf8": {"offset": 45, "encoding": ""}},
    ),
    # The file as a whole.
    "empty": Case(b"", ["empty_file"]),
    "bom_only": Case(b"\xef\xbb\xbf", ["empty_file"]),
    "blank_lines_only": Case("\n\r\n  \n", ["empty_file"]),
    "header_only": Case(
        "id,prediction\n",
        ["missing_ids"],
        params={"missing_ids": {"count": 4}},
        examples={"missing_ids": ["001", "002", "003", "004"]},
    ),
    "header_only_without_newline": Case("id,prediction", ["missing_ids"]),
    "excel_workbook": Case(GOOD, ["unsupported_format"], name="predictions.xlsx"),
    "csv_that_is_a_zip": Case(
        zipped(("predictions.csv", GOOD)),
        ["format_mismatch"],
        params={"format_mismatch": {"suffix": ".csv", "detected": "zip"}},
    ),
    "csv_that_is_parquet": Case(
        parquet(id=["001"], prediction=[0.9]),
        ["format_mismatch"],
        params={"format_mismatch": {"suffix": ".csv", "detected": "Parquet"}},
    ),
    "csv_that_is_json_lines": Case(
        GOOD_JSONL,
        ["format_mismatch"],
        params={"format_mismatch": {"suffix": ".csv", "detected": "JSON Lines"}},
    ),
    "parquet_that_is_csv": Case(
        GOOD,
        ["format_mismatch"],
        name="predictions.parquet",
        params={"format_mismatch": {"suffix": ".parquet", "detected": "text"}},
    ),
    "gzip_named_csv": Case(
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        ["unsupported_content"],
        params={"unsupported_content": {"detected": "gzip"}},
    ),
    # Delimiters.
    "semicolons": Case(
        GOOD.replace(",", ";"),
        ["wrong_delimiter"],
        params={"wrong_delimiter": {"header": "id;prediction", "delimiter": ";"}},
    ),
    "tabs_in_a_csv": Case(GOOD.replace(",", "\t"), ["wrong_delimiter"]),
    "pipes": Case(GOOD.replace(",", "|"), ["wrong_delimiter"]),
    "commas_in_a_tsv": Case(
        GOOD,
        ["wrong_delimiter_tsv"],
        name="predictions.tsv",
        params={"wrong_delimiter_tsv": {"header": "id,prediction", "delimiter": ","}},
    ),
    "semicolon_rows_under_a_comma_header": Case(
        "id,prediction\n001;0.9\n002;0.1\n003;0.8\n004;0.2\n",
        ["ragged_row"],
        lines={"ragged_row": [2, 3, 4, 5]},
        params={"ragged_row": {"count": 4, "expected": 2}},
    ),
    "decimal_commas_unquoted": Case(
        "id,prediction\n001,0,9\n002,0,1\n003,0,8\n004,0,2\n",
        ["ragged_row"],
        params={"ragged_row": {"count": 4, "expected": 2, "hint": "decimal_comma"}},
    ),
    "decimal_comma_quoted": Case(
        'id,prediction\n001,"0,9"\n002,0.1\n003,0.8\n004,0.2\n',
        ["not_a_number"],
        lines={"not_a_number": [2]},
        params={"not_a_number": {"column": "prediction", "count": 1, "hint": "decimal_comma"}},
        examples={"not_a_number": ["0,9"]},
    ),
    # Quotes and line breaks.
    "unbalanced_quote_opening_a_row": Case(
        'id,prediction\n001,0.9\n"002,0.1\n003,0.8\n004,0.2\n',
        ["unbalanced_quote"],
        lines={"unbalanced_quote": [3]},
    ),
    "unbalanced_quote_opening_a_value": Case(
        'id,prediction\n001,"0.9\n002,0.1\n003,0.8\n004,0.2\n',
        ["unbalanced_quote"],
        lines={"unbalanced_quote": [2]},
    ),
    "blank_line_before_a_bad_value": Case(
        "id,prediction\n001,0.9\n\n002,high\n003,0.8\n004,0.2\n",
        ["not_a_number"],
        lines={"not_a_number": [4]},
    ),
    "quoted_line_break_before_a_bad_value": Case(
        'id,prediction\n001,0.9\n002,"0.1\nx"\n003,0.8\n004,high\n',
        ["not_a_number"],
        lines={"not_a_number": [3, 6]},
        examples={"not_a_number": ["0.1\nx", "high"]},
    ),
    "cr_only_line_endings_with_a_bad_value": Case(
        "id,prediction\r001,0.9\r002,0.1\r003,high\r004,0.2\r",
        ["not_a_number"],
        lines={"not_a_number": [4]},
    ),
    # The header.
    "id_in_capitals": Case(
        GOOD.replace("id,", "ID,", 1),
        ["column_name_case"],
        params={"column_name_case": {"column": "ID", "suggestion": "id"}},
    ),
    "spaces_around_names": Case(
        GOOD.replace("id,prediction", " id, prediction "),
        ["column_name_whitespace", "column_name_whitespace"],
    ),
    "byte_order_mark_twice": Case(
        b"\xef\xbb\xbf\xef\xbb\xbf" + GOOD.encode(),
        ["column_name_bom"],
        params={"column_name_bom": {"column": "\ufeffid", "suggestion": "id"}},
    ),
    "byte_order_mark_inside_the_second_name": Case(
        "id,\ufeffprediction\n001,0.9\n002,0.1\n003,0.8\n004,0.2\n", ["column_name_bom"]
    ),
    "pandas_index_column": Case(
        ",id,prediction\n0,001,0.9\n1,002,0.1\n2,003,0.8\n3,004,0.2\n",
        ["empty_column_name"],
        params={"empty_column_name": {"position": 1}},
    ),
    "trailing_separators": Case(
        "id,prediction,\n001,0.9,\n002,0.1,\n003,0.8,\n004,0.2,\n",
        ["empty_column_name"],
        params={"empty_column_name": {"position": 3}},
    ),
    "no_header": Case(
        "001,0.9\n002,0.1\n003,0.8\n004,0.2\n",
        ["no_header"],
        params={"no_header": {"header": "001,0.9", "expected": "id,prediction"}},
    ),
    "misnamed_column": Case(
        GOOD.replace("prediction", "score"), ["missing_column", "unexpected_column"]
    ),
    "extra_column": Case(
        "id,prediction,model\n001,0.9,a\n002,0.1,a\n003,0.8,a\n004,0.2,a\n",
        ["unexpected_column"],
    ),
    "duplicate_column": Case("id,prediction,prediction\n001,0.9,0.9\n", ["duplicate_column"]),
    "capitals_and_a_bad_value_at_once": Case(
        "ID,prediction\n001,0.9\n002,high\n003,0.8\n004,0.2\n",
        ["column_name_case", "not_a_number"],
        lines={"not_a_number": [3]},
    ),
    # Rows and ids.
    "row_with_an_extra_field": Case(
        "id,prediction\n001,0.9\n002,0.1,x\n003,0.8\n004,0.2\n",
        ["ragged_row"],
        lines={"ragged_row": [3]},
        examples={"ragged_row": ["002,0.1,x"]},
    ),
    "duplicate_id": Case(
        GOOD + "001,0.5\n",
        ["duplicate_id"],
        lines={"duplicate_id": [2, 6]},
        examples={"duplicate_id": ["001", "001"]},
    ),
    "unknown_id": Case(GOOD + "999,0.5\n", ["unknown_ids"], lines={"unknown_ids": [6]}),
    "missing_ids": Case(
        "id,prediction\n001,0.9\n003,0.8\n",
        ["missing_ids"],
        examples={"missing_ids": ["002", "004"]},
    ),
    "empty_id": Case(
        "id,prediction\n001,0.9\n,0.1\n003,0.8\n004,0.2\n",
        ["empty_id", "missing_ids"],
        lines={"empty_id": [3]},
    ),
    "ids_without_leading_zeros": Case(
        "id,prediction\n1,0.9\n2,0.1\n3,0.8\n4,0.2\n",
        ["unknown_ids", "missing_ids"],
        params={"unknown_ids": {"count": 4, "hint": "leading_zeros"}},
    ),
    "ids_with_spaces": Case(
        "id,prediction\n 001,0.9\n002,0.1\n003,0.8\n004,0.2\n",
        ["unknown_ids", "missing_ids"],
        params={"unknown_ids": {"count": 1, "hint": "id_whitespace"}},
        examples={"unknown_ids": [" 001"]},
    ),
    # Values.
    "nan": Case(GOOD.replace("0.9", "NaN"), ["missing_value"], lines={"missing_value": [2]}),
    "na_null_dash_and_empty": Case(
        "id,prediction\n001,NA\n002,null\n003,-\n004,\n",
        ["missing_value"],
        lines={"missing_value": [2, 3, 4, 5]},
        examples={"missing_value": ["NA", "null", "-", ""]},
    ),
    "infinity": Case(GOOD.replace("0.9", "-inf"), ["not_finite"]),
    "overflowing_number": Case(
        GOOD.replace("0.9", "1e999"), ["not_finite"], examples={"not_finite": ["1e999"]}
    ),
    "word_for_a_number": Case(GOOD.replace("0.9", "high"), ["not_a_number"]),
    "probability_a_hair_above_one": Case(
        GOOD.replace("0.9", "1.0000001"),
        ["probability_out_of_range"],
        examples={"probability_out_of_range": ["1.0000001"]},
    ),
    "every_row_problem_at_once": Case(
        "id,prediction\n001,high\n001,0.2\n,0.3\n999,inf\n003,NA\n",
        [
            "empty_id",
            "duplicate_id",
            "unknown_ids",
            "missing_ids",
            "not_a_number",
            "missing_value",
            "not_finite",
        ],
    ),
    # Zip archives.
    "zip_with_two_members": Case(
        zipped(("a.csv", GOOD), ("b.csv", GOOD)),
        ["zip_many_members"],
        name="predictions.zip",
        examples={"zip_many_members": ["a.csv", "b.csv"]},
    ),
    "zip_path_traversal": Case(
        zipped(("../../predictions.csv", GOOD)),
        ["zip_unsafe_path"],
        name="predictions.zip",
        examples={"zip_unsafe_path": ["../../predictions.csv"]},
    ),
    "zip_absolute_path": Case(
        zipped(("/tmp/predictions.csv", GOOD)), ["zip_unsafe_path"], name="predictions.zip"
    ),
    "zip_symlink": Case(symlink_zip, ["zip_symlink"], name="predictions.zip"),
    "zip_encrypted": Case(encrypted_zip, ["zip_encrypted"], name="predictions.zip"),
    "zip_bomb": Case(
        bomb_zip,
        ["zip_ratio"],
        name="predictions.zip",
        params={"zip_ratio": {"name": "predictions.csv", "limit": "200"}},
    ),
    "zip_in_a_zip": Case(
        zipped(("inner.zip", zipped(("predictions.csv", GOOD)))),
        ["zip_nested"],
        name="predictions.zip",
    ),
    "zip_in_a_zip_without_extension": Case(
        zipped(("predictions", zipped(("predictions.csv", GOOD)))),
        ["zip_nested"],
        name="predictions.zip",
    ),
    "empty_zip": Case(zipped(), ["zip_empty"], name="predictions.zip"),
    "corrupt_zip": Case(b"PK\x03\x04 not really", ["unreadable"], name="predictions.zip"),
    "zip_of_a_csv_with_a_bad_value": Case(
        zipped(("predictions.csv", GOOD.replace("0.1", "high"))),
        ["not_a_number"],
        name="predictions.zip",
        lines={"not_a_number": [3]},
    ),
    # JSON Lines.
    "json_lines_broken_line": Case(
        GOOD_JSONL.replace('"prediction": 0.1}', '"prediction": 0.1'),
        ["invalid_json"],
        name="predictions.jsonl",
        lines={"invalid_json": [2]},
    ),
    "json_lines_line_that_is_not_an_object": Case(
        GOOD_JSONL + "[1, 2]\n", ["invalid_json"], name="predictions.jsonl"
    ),
    "json_lines_missing_key": Case(
        GOOD_JSONL.replace(', "prediction": 0.8', ""),
        ["null_value"],
        name="predictions.jsonl",
        lines={"null_value": [3]},
        params={"null_value": {"column": "prediction", "count": 1}},
    ),
    "json_lines_numbers_as_ids": Case(
        jsonl([{"id": int(i), "prediction": p} for i, p in ROWS]),
        ["unknown_ids", "missing_ids"],
        name="predictions.jsonl",
        lines={"unknown_ids": [1, 2, 3, 4]},
        examples={"unknown_ids": ["1", "2", "3", "4"]},
    ),
    "json_lines_one_number_among_string_ids": Case(
        GOOD_JSONL.replace('"002"', "2"),
        ["unknown_ids", "missing_ids"],
        name="predictions.jsonl",
        examples={"unknown_ids": ["2"], "missing_ids": ["002"]},
    ),
    "json_lines_in_gbk": Case(
        jsonl([{"id": "北京", "prediction": 0.9}]).replace("\\u5317\\u4eac", "北京").encode("gbk"),
        ["not_utf8"],
        name="predictions.jsonl",
        params={"not_utf8": {"offset": 8, "encoding": "GB18030"}},
    ),
    "json_lines_text_where_a_number_belongs": Case(
        GOOD_JSONL.replace("0.8", '"high"'),
        ["not_a_number"],
        name="predictions.jsonl",
        lines={"not_a_number": [3]},
    ),
    # Parquet.
    "parquet_integer_ids": Case(
        parquet(id=[1, 2, 3, 4], prediction=[0.9, 0.1, 0.8, 0.2]),
        ["unknown_ids", "missing_ids"],
        name="predictions.parquet",
        lines={"unknown_ids": [1, 2, 3, 4]},
        params={"unknown_ids": {"count": 4, "hint": "leading_zeros", "unit": "row"}},
    ),
    "parquet_null": Case(
        parquet(id=["001", "002", "003", "004"], prediction=[0.9, None, 0.8, 0.2]),
        ["null_value"],
        name="predictions.parquet",
        lines={"null_value": [2]},
        params={"null_value": {"column": "prediction", "count": 1, "unit": "row"}},
    ),
    "parquet_nan": Case(
        parquet(id=["001", "002", "003", "004"], prediction=[0.9, float("nan"), 0.8, 0.2]),
        ["missing_value"],
        name="predictions.parquet",
        examples={"missing_value": ["nan"]},
    ),
    "parquet_nested_column": Case(
        parquet(id=["001", "002", "003", "004"], prediction=[[0.9], [0.1], [0.8], [0.2]]),
        ["unsupported_column_type"],
        name="predictions.parquet",
    ),
    "parquet_truncated": Case(
        lambda: parquet(id=["001"], prediction=[0.9])[:-20],
        ["unreadable"],
        name="predictions.parquet",
    ),
}

WELL_FORMED: dict[str, Case] = {
    "crlf_line_endings": Case(GOOD.replace("\n", "\r\n"), []),
    "cr_only_line_endings": Case(GOOD.replace("\n", "\r"), []),
    "byte_order_mark": Case("\ufeff" + GOOD, []),
    "trailing_empty_lines": Case(GOOD + "\n\n\r\n", []),
    "quoted_fields_and_header": Case(
        '"id","prediction"\n"001","0.9"\n"002",0.1\n003,"0.8"\n004,0.2\n', []
    ),
    "scientific_notation": Case("id,prediction\n001,9e-1\n002,1E-1\n003,8.0e-01\n004,.2\n", []),
    "negative_zero": Case(GOOD.replace("0.2", "-0"), []),
    "whitespace_around_numbers": Case(GOOD.replace("0.9", " 0.9 "), []),
    "tab_separated": Case(GOOD.replace(",", "\t"), [], name="predictions.tsv"),
    "text_no_extension": Case(GOOD, [], name="predictions"),
    "json_lines": Case(GOOD_JSONL, [], name="predictions.jsonl"),
    "parquet": Case(
        parquet(id=["001", "002", "003", "004"], prediction=[0.9, 0.1, 0.8, 0.2]),
        [],
        name="predictions.parquet",
    ),
    "zip_made_on_a_mac": Case(
        zipped(("out/", ""), ("out/predictions.csv", GOOD), ("__MACOSX/out/._predictions.csv", "")),
        [],
        name="predictions.zip",
    ),
    "quoted_line_break_in_a_translation": Case(
        'id,prediction\n001,"xin\nchào"\n002,สวัสดี\n',
        [],
        schema=TEXT,
        reference=TEXT_REFERENCE,
    ),
}


def outcome(tmp_path: Path, case: Case) -> list[Problem]:
    content = case.content() if callable(case.content) else case.content
    predictions = tmp_path / case.name
    predictions.write_bytes(content if isinstance(content, bytes) else content.encode())
    reference = tmp_path / "reference.csv"
    reference.write_text(case.reference, encoding="utf-8")
    try:
        evaluate_file(predictions, reference, case.schema)
    except InvalidSubmission as exc:
        return exc.problems
    return []


def test_the_corpus_has_at_least_45_malformed_files():
    assert len(MALFORMED) >= 45


@pytest.mark.parametrize("case", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file_reports_exactly_its_problems(tmp_path, case):
    problems = outcome(tmp_path, case)
    assert [problem.code for problem in problems] == case.codes
    by_code = {problem.code: problem for problem in problems}
    for code, lines in case.lines.items():
        assert by_code[code].lines == lines
    for code, params in case.params.items():
        assert by_code[code].params == params
    for code, examples in case.examples.items():
        assert by_code[code].examples == examples
    for problem in problems:
        assert problem.message("en") != problem.code
        assert problem.message("zh-hans") != problem.message("en")


@pytest.mark.parametrize("case", WELL_FORMED.values(), ids=WELL_FORMED.keys())
def test_well_formed_file_is_scored(tmp_path, case):
    assert outcome(tmp_path, case) == []


def test_no_unpacked_member_is_left_behind(tmp_path):
    for case in (MALFORMED["zip_of_a_csv_with_a_bad_value"], WELL_FORMED["zip_made_on_a_mac"]):
        outcome(tmp_path, case)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "predictions.zip",
        "reference.csv",
    ]


def test_every_code_a_file_can_get_here_is_in_the_documentation_table():
    docs = Path(__file__).parents[2] / "docs" / "scoring.md"
    table = docs.read_text(encoding="utf-8").split("## Validation problems")[1]
    names = set(re.findall(r"`([a-z0-9_]+)`", table))
    found = {code for case in MALFORMED.values() for code in case.codes}
    assert found | {"zip_too_large", "empty_file"} <= names
