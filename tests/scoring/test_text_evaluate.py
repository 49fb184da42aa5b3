"""Text files scored end to end: the task's language reaches the metric and the signature."""

from __future__ import annotations

import importlib.metadata
import math
from pathlib import Path

import pytest

from aileague.scoring import InvalidSubmission, SchemaError, TaskSchema, evaluate_file
from aileague.scoring.evaluate import ReferenceError, load_reference
from tests.scoring.reference_formats import FORMATS, placed, write_reference

SACREBLEU = importlib.metadata.version("sacrebleu")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def run(tmp_path, task: dict, reference: str, predictions: str):
    return evaluate_file(
        write(tmp_path / "predictions.csv", predictions),
        write(tmp_path / "reference.csv", reference),
        TaskSchema.from_dict(task),
    )


def test_thai_transcription_is_scored_with_wer_on_segmented_words(tmp_path):
    evaluation = run(
        tmp_path,
        {"kind": "text", "metric": "wer", "language": "th"},
        "id,target,split\n"
        "1,ฉันชอบกินข้าวผัด,public\n"  # ฉัน ชอบ กิน ข้าวผัด
        "2,วันนี้อากาศดีมาก,public\n"  # วันนี้ อากาศ ดีมาก
        "3,แมวกินปลา,private\n",
        # Rows in another order; one word of seven wrong in public (ข้าวต้ม for ข้าวผัด).
        "id,prediction\n3,แมวกินปลา\n2,วันนี้อากาศดีมาก\n1,ฉันชอบกินข้าวต้ม\n",
    )
    assert evaluation.scores == {"public": 1 / 7, "private": 0.0}
    assert evaluation.signature == "wer|tok:th-pythainlp-newmm-5.4.0|nfc"


def test_lao_to_chinese_translation_is_scored_with_bleu_on_chinese_characters(tmp_path):
    evaluation = run(
        tmp_path,
        {"kind": "text", "metric": "bleu", "language": "zh-hans"},
        "id,target,split\n"
        "LZ1,这批大米明天发货,public\n"  # this batch of rice ships tomorrow
        "LZ2,请在周五之前付款,public\n"  # please pay before Friday
        "LZ3,香蕉每公斤五千基普,private\n",  # bananas are 5,000 kip a kilo
        "id,prediction\nLZ1,这批大米后天发货\nLZ2,请在周五之前付款\nLZ3,香蕉每公斤五千基普\n",
    )
    # Public: LZ1 has one wrong character of eight, LZ2 is exact. Matched / total n-grams:
    precisions = [(7 + 8) / 16, (5 + 7) / 14, (3 + 6) / 12, (1 + 5) / 10]
    public = 100 * math.exp(sum(math.log(p) for p in precisions) / 4)
    assert evaluation.scores["public"] == pytest.approx(public, abs=1e-9)
    assert evaluation.scores["private"] == 100.0
    assert evaluation.signature == f"bleu|tok:zh|sacrebleu:{SACREBLEU}|nfc"


def test_burmese_predictions_in_zawgyi_are_refused_with_their_lines(tmp_path):
    with pytest.raises(InvalidSubmission) as raised:
        run(
            tmp_path,
            {"kind": "text", "metric": "cer", "language": "my"},
            "id,target,split\n1,မြန်မာနိုင်ငံ,public\n2,မင်္ဂလာပါ,private\n",
            "id,prediction\n1,ျမန္မာႏိုင္ငံ\n2,မင်္ဂလာပါ\n",
        )
    [problem] = raised.value.problems
    assert problem.as_dict() == {
        "code": "zawgyi_text",
        "message": "1 value(s) in 'prediction' are Burmese in the Zawgyi font encoding, not "
        "Unicode. Convert them to Unicode (for example with a Zawgyi-to-Unicode converter such "
        "as Rabbit) and upload the file again.",
        "params": {"column": "prediction", "count": 1},
        "lines": [2],
        "examples": ["ျမန္မာႏိုင္ငံ"],
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reference_in_zawgyi_is_the_organisers_problem(tmp_path, fmt):
    reference = "id,target,split\n1,ok,public\n2,ျမန္မာ,public\n"
    schema = TaskSchema.from_dict({"kind": "text", "metric": "chrf"})
    with pytest.raises(ReferenceError) as raised:
        load_reference(write_reference(tmp_path, reference, fmt), schema)
    assert str(raised.value) == placed(
        "reference reference.csv line 3: Burmese in the Zawgyi encoding; "
        "convert the reference to Unicode",
        fmt,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reference_with_empty_text_is_refused(tmp_path, fmt):
    reference = 'id,target,split\n1,ok,public\n2," ",private\n'
    schema = TaskSchema.from_dict({"kind": "text", "metric": "cer"})
    with pytest.raises(ReferenceError) as raised:
        load_reference(write_reference(tmp_path, reference, fmt), schema)
    assert str(raised.value) == placed("reference reference.csv line 3: empty target text", fmt)


def test_every_empty_text_of_a_reference_is_counted_and_the_first_ones_shown(tmp_path):
    rows = "".join(f"{n}, ,public\n" for n in range(25))
    path = write(tmp_path / "reference.csv", "id,target,split\n" + rows)
    schema = TaskSchema.from_dict({"kind": "text", "metric": "cer"})
    with pytest.raises(ReferenceError) as raised:
        load_reference(path, schema)
    lines = ", ".join(str(line) for line in range(2, 22))
    assert str(raised.value) == (
        f"reference reference.csv lines {lines} and 5 more: empty target text"
    )


def test_a_metric_that_counts_words_needs_the_task_language():
    with pytest.raises(SchemaError) as raised:
        TaskSchema.from_dict({"kind": "text", "metric": "wer"})
    assert str(raised.value) == (
        "metric 'wer' counts words, which depends on the language: give the text task a "
        "'language' (one of zh, en, vi, th, id, ms, fil, lo, km, my)"
    )


def test_character_metrics_need_no_language_and_aliases_are_accepted():
    assert TaskSchema.from_dict({"kind": "text", "metric": "cer"}).language is None
    assert TaskSchema.from_dict({"kind": "text", "metric": "chrf"}).language is None
    schema = TaskSchema.from_dict({"kind": "text", "metric": "bleu", "language": "zh-hans"})
    assert schema.language == "zh-hans"


def test_a_language_outside_the_league_is_refused():
    with pytest.raises(SchemaError) as raised:
        TaskSchema.from_dict({"kind": "text", "metric": "chrf", "language": "ja"})
    assert str(raised.value) == (
        "language 'ja' is not one of zh, en, vi, th, id, ms, fil, lo, km, my, zh-hans, zh-cn, tl"
    )
