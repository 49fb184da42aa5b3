"""Reading files as text columns: every format gives the same table, lines are right, big files
stay columnar, archives are unpacked safely and cleaned up."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aileague.scoring.readers import ROW, read_csv_as_text, read_table
from aileague.scoring.readers.encoding import guess_encoding
from aileague.scoring.readers.lines import delimited_record_lines, jsonl_record_lines
from aileague.scoring.validation import InvalidSubmission, parse_numbers

IDS = ["001", "002", "010", "7"]
VALUES = ["0.5", "1e-3", "-0", ""]
TABLE = {"id": IDS, "prediction": VALUES}


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def as_csv(delimiter: str = ",") -> str:
    pairs = zip(["id", *IDS], ["prediction", *VALUES], strict=True)
    return "".join(f"{i}{delimiter}{v}\n" for i, v in pairs)


def as_jsonl() -> str:
    rows = zip(IDS, VALUES, strict=True)
    return "".join(json.dumps({"id": i, "prediction": v}) + "\n" for i, v in rows)


def as_parquet() -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table(TABLE), buffer)
    return buffer.getvalue()


def as_zip(name: str, content: str | bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def columns(path: Path) -> dict[str, list[str]]:
    text = read_table(path)
    try:
        return text.table.to_pydict()
    finally:
        text.close()


FORMATS = {
    "predictions.csv": as_csv(),
    "predictions.tsv": as_csv("\t"),
    "predictions.jsonl": as_jsonl(),
    "predictions.parquet": as_parquet(),
}


# --- Every format, the same table --------------------------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_reads_as_the_same_text_table(tmp_path, name):
    assert columns(write(tmp_path / name, FORMATS[name])) == TABLE


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_zipped_reads_as_the_same_text_table(tmp_path, name):
    archive = write(tmp_path / "predictions.zip", as_zip(name, FORMATS[name]))
    assert columns(archive) == TABLE


def test_a_file_without_extension_is_read_as_its_content_says(tmp_path):
    assert columns(write(tmp_path / "predictions", as_parquet())) == TABLE
    assert columns(write(tmp_path / "upload", as_csv())) == TABLE


def test_read_csv_as_text_is_kept_for_older_callers(tmp_path):
    text = read_csv_as_text(write(tmp_path / "p.csv", as_csv()))
    assert text.table.to_pydict() == TABLE


def test_typed_parquet_columns_become_text_as_a_csv_would_spell_them(tmp_path):
    buffer = io.BytesIO()
    pq.write_table(
        pa.table(
            {
                "id": pa.array([7, 8], pa.int64()),
                "prediction": [0.1, 1e-7],
                "flag": [True, False],
                "label": pa.array(["cat", "dog"]).dictionary_encode(),
            }
        ),
        buffer,
    )
    text = read_table(write(tmp_path / "p.parquet", buffer.getvalue()))
    assert text.table.to_pydict() == {
        "id": ["7", "8"],
        "prediction": ["0.1", "1e-7"],
        "flag": ["true", "false"],
        "label": ["cat", "dog"],
    }
    assert (text.unit, text.lines_of([0, 1])) == (ROW, [1, 2])


def test_json_numbers_keep_their_value_and_long_integers_their_digits(tmp_path):
    content = '{"id": 7, "prediction": 0.50}\n{"id": 123456789012345678901, "prediction": 1E3}\n'
    table = read_table(write(tmp_path / "p.jsonl", content)).table
    assert table.to_pydict() == {
        "id": ["7", "123456789012345678901"],
        "prediction": ["0.50", "1E3"],
    }


def test_json_numbers_read_by_pyarrow_become_their_shortest_exact_form(tmp_path):
    content = '{"id": 7, "prediction": 0.50}\n{"id": 8, "prediction": 1E3}\n'
    table = read_table(write(tmp_path / "p.jsonl", content)).table
    assert table.to_pydict() == {"id": ["7", "8"], "prediction": ["0.5", "1000"]}


def test_json_null_and_a_missing_key_read_as_empty_and_are_noted(tmp_path):
    content = '{"id": "a", "prediction": null}\n{"id": "b"}\n{"id": "c", "prediction": "1"}\n'
    text = read_table(write(tmp_path / "p.jsonl", content))
    assert text.table.column("prediction").to_pylist() == ["", "", "1"]
    assert text.nulls["prediction"].tolist() == [True, True, False]


# --- Byte-order marks and encodings -------------------------------------------------------------


@pytest.mark.parametrize("name", ["p.csv", "p.tsv", "p.jsonl"])
def test_a_utf8_byte_order_mark_is_not_part_of_the_first_name(tmp_path, name):
    content = FORMATS[f"predictions{Path(name).suffix}"]
    path = write(tmp_path / name, b"\xef\xbb\xbf" + content.encode())
    assert columns(path) == TABLE


def test_a_second_byte_order_mark_stays_in_the_name_for_validation_to_point_at(tmp_path):
    text = read_table(write(tmp_path / "p.csv", "\ufeff\ufeffid,prediction\n1,2\n"))
    assert text.table.column_names == ["\ufeffid", "prediction"]


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("北京,上海,广州,深圳".encode("gb18030"), "GB18030"),
        ("臺北,高雄,國立臺灣大學".encode("big5"), "Big5"),
        ("สวัสดี,กรุงเทพมหานคร".encode("cp874"), "TIS-620/Windows-874"),
        ("São Paulo,João,café".encode("cp1252"), "Latin-1/Windows-1252"),
        ("id,prediction".encode("utf-16"), "UTF-16"),
        ("id,prediction".encode("utf-16-le"), "UTF-16"),
        (b"id,\x81\n", ""),
    ],
)
def test_the_likely_encoding_of_a_file_that_is_not_utf8_is_named(content, encoding):
    assert guess_encoding(content) == encoding


def test_not_utf8_points_at_the_first_bad_byte_and_its_line(tmp_path):
    content = b"id,prediction\r\n001,0.9\r\n\r\n" + "上海,0.1\r\n".encode("gbk")
    with pytest.raises(InvalidSubmission) as raised:
        read_table(write(tmp_path / "p.csv", content))
    (problem,) = raised.value.problems
    assert (problem.code, problem.params, problem.lines) == (
        "not_utf8",
        {"offset": 26, "encoding": "GB18030"},
        [4],
    )


# --- Lines ------------------------------------------------------------------------------------


def test_rows_are_located_on_their_lines_past_blank_lines_and_quoted_line_breaks(tmp_path):
    content = '\r\nid,prediction\r\n001,"a\r\nb"\r\n\r\n002,x\r003,"c\nd\ne"\n004,y'
    text = read_table(write(tmp_path / "p.csv", content))
    assert text.table.column("id").to_pylist() == ["001", "002", "003", "004"]
    assert text.lines_of(range(4)) == [3, 6, 7, 10]


def test_a_quote_inside_a_field_falls_back_to_the_csv_module_and_lines_stay_right(tmp_path):
    content = 'id,prediction\n5"3,a\n\n001,"b\nc"\n002,d\n'
    text = read_table(write(tmp_path / "p.csv", content))
    assert text.table.column("id").to_pylist() == ['5"3', "001", "002"]
    assert text.lines_of(range(3)) == [2, 4, 6]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_the_line_scan_gives_the_same_lines_whatever_the_chunk_size(tmp_path, chunk):
    content = b'a,"x\r\ny"\r\n\r\nb,c\rd,"e""\n"\n\ne,f\r\n'
    path = write(tmp_path / "p.csv", content)
    lines = delimited_record_lines(path, 0, 1, delimiter=",", records=4, chunk=chunk)
    assert lines.tolist() == [1, 4, 5, 8]


@pytest.mark.parametrize("chunk", [1, 5, 64])
def test_json_lines_are_located_past_blank_and_whitespace_lines(tmp_path, chunk):
    path = write(tmp_path / "p.jsonl", '{"a": 1}\n\n  \r\n{"a": 2}\n {"a": 3}\n')
    assert jsonl_record_lines(path, 3, chunk=chunk).tolist() == [1, 4, 5]


def test_a_ragged_row_deep_in_a_big_file_is_reported_on_its_line(tmp_path):
    rows = [f"{i:07d},0.5\n" for i in range(300_000)]
    rows[250_000] = "0250000,0.5,extra\n"
    text = read_table(write(tmp_path / "p.csv", "id,prediction\n" + "".join(rows)))
    assert (text.ragged_count, [row.line for row in text.ragged_rows]) == (1, [250_002])
    assert text.table.num_rows == 299_999
    assert text.lines_of([249_999, 250_000]) == [250_001, 250_003]


def test_quoted_line_breaks_across_parallel_blocks_are_read_right(tmp_path):
    rows = [f'{i},"line one\nline two {i}"\n' for i in range(200_000)]
    text = read_table(write(tmp_path / "p.csv", "id,prediction\n" + "".join(rows)))
    assert text.table.num_rows == 200_000
    assert text.table.column("prediction")[123_456].as_py() == "line one\nline two 123456"
    assert (text.problems, text.lines_of([123_456])) == ([], [2 + 2 * 123_456])


# --- Columnar all the way ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """About 50 MB of ``id,prediction``."""
    rows = 2_000_000
    numbers = pc.cast(pa.array(np.arange(rows)), pa.string())
    ids = pc.binary_join_element_wise("ID", pc.utf8_lpad(numbers, 12, "0"), "")
    values = pc.cast(pa.array(np.random.default_rng(3).random(rows).round(9)), pa.string())
    path = tmp_path_factory.mktemp("big") / "predictions.csv"
    pacsv.write_csv(
        pa.table({"id": ids, "prediction": values}),
        path,
        write_options=pacsv.WriteOptions(quoting_style="none"),
    )
    return path


def test_a_big_file_never_becomes_python_objects(big_csv):
    size = big_csv.stat().st_size
    assert size > 45_000_000
    tracemalloc.start()
    try:
        text = read_table(big_csv)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert text.table.num_rows == 2_000_000
    # Arrays live in pyarrow's memory, which tracemalloc does not see: what it does see
    # (Python objects, numpy arrays) stays a small fraction of the file.
    assert peak < size / 20


def test_a_big_file_is_held_once_in_pyarrow_memory(big_csv):
    before = pa.total_allocated_bytes()
    text = read_table(big_csv)
    held = pa.total_allocated_bytes() - before
    assert held < 2 * big_csv.stat().st_size
    del text


# --- Archives ------------------------------------------------------------------------------------


def test_an_unpacked_member_is_deleted_on_close(tmp_path):
    archive = write(tmp_path / "p.zip", as_zip("p.csv", as_csv()))
    text = read_table(archive)
    (member,) = text.temporary
    assert member.parent == tmp_path
    assert member.exists()
    text.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.zip"]


def test_an_unpacked_member_is_deleted_when_it_cannot_be_read(tmp_path):
    archive = write(tmp_path / "p.zip", as_zip("p.csv", b"id,prediction\n\xff\n"))
    with pytest.raises(InvalidSubmission):
        read_table(archive)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.zip"]


def test_the_total_size_cap_stops_unpacking(tmp_path):
    archive = write(tmp_path / "p.zip", as_zip("p.csv", as_csv() * 200))
    with pytest.raises(InvalidSubmission) as raised:
        read_table(archive, max_bytes=1000)
    (problem,) = raised.value.problems
    assert (problem.code, problem.params) == (
        "zip_too_large",
        {"name": "p.csv", "limit": "1000 bytes"},
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.zip"]


def test_the_ratio_cap_can_be_lowered_and_small_files_may_compress_well(tmp_path):
    archive = write(tmp_path / "p.zip", as_zip("p.csv", "id,prediction\n" + "1,0\n" * 100_000))
    assert read_table(archive).table.num_rows == 100_000  # ratio ~ 400 but under 1 MiB
    big = write(tmp_path / "q.zip", as_zip("q.csv", "id,prediction\n" + "1,0\n" * 400_000))
    with pytest.raises(InvalidSubmission) as raised:
        read_table(big, max_ratio=20)
    assert [p.code for p in raised.value.problems] == ["zip_ratio"]
    assert raised.value.problems[0].params == {"name": "q.csv", "limit": "20"}


def test_every_reason_to_refuse_an_archive_is_given_at_once(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../a.csv", "x")
        archive.writestr("/b.csv", "x")
        archive.writestr("c.csv", "x")
    with pytest.raises(InvalidSubmission) as raised:
        read_table(write(tmp_path / "p.zip", buffer.getvalue()))
    assert [(p.code, p.params, p.examples) for p in raised.value.problems] == [
        ("zip_unsafe_path", {"count": 2}, ["../a.csv", "/b.csv"]),
        ("zip_many_members", {"count": 3}, ["../a.csv", "/b.csv", "c.csv"]),
    ]


# --- Numeric columns read as numbers -------------------------------------------------------------

NUMBERISH = "0123456789.eE+- \t,_xnaifINF"


def test_a_clean_numeric_column_is_read_as_float64(tmp_path):
    path = write(tmp_path / "p.csv", 'id,prediction\n001,0.5\n002, 1e-3\n"003",-0\n')
    text = read_table(path, numeric={"prediction"})
    assert text.typed_columns == {"prediction"}
    assert text.table.column("id").to_pylist() == ["001", "002", "003"]
    assert text.table.column("prediction").type == pa.float64()
    assert text.table.column("prediction").to_pylist() == [0.5, 0.001, -0.0]


@pytest.mark.parametrize(
    "value", ["", "abc", "nan", "inf", "1e999", "1,5", '"1\n"', "0.5,extra", "0x1"]
)
def test_a_numeric_column_with_anything_but_finite_numbers_is_read_as_text(tmp_path, value):
    path = write(tmp_path / "p.csv", f"id,prediction\n1,0.5\n2,{value}\n")
    typed = read_table(path, numeric={"prediction"})
    plain = read_table(path)
    assert typed.typed_columns == frozenset()
    assert typed.table.equals(plain.table)
    assert [p.code for p in typed.problems] == [p.code for p in plain.problems]


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.text(alphabet=NUMBERISH, max_size=8), min_size=1, max_size=6))
def test_a_typed_read_accepts_only_numbers_parse_numbers_takes_with_the_same_value(
    tmp_path_factory, values
):
    # Quoted, so that any text is one value; the typed read must fall back or agree bit for bit.
    folder = tmp_path_factory.mktemp("typed")
    body = "".join(f'{i},"{value}"\n' for i, value in enumerate(values))
    path = write(folder / "p.csv", "id,prediction\n" + body)
    typed = read_table(path, numeric={"prediction"})
    if not typed.typed_columns:
        return
    expected, problems = parse_numbers(read_table(path).table.column("prediction"), "prediction")
    assert problems == []
    got = typed.table.column("prediction").to_numpy()
    assert got.tobytes() == expected.tobytes()
