"""Text is compared in NFC, and Burmese in the Zawgyi encoding is refused, never scored."""

from __future__ import annotations

import unicodedata

from aileague.scoring.messages import render
from aileague.scoring.text import ZAWGYI, is_zawgyi, nfc, zawgyi_rows

# "Myanmar country" typed in Zawgyi and in Unicode: the same words, different code points.
ZAWGYI_MYANMAR = "ျမန္မာႏိုင္ငံ"
UNICODE_MYANMAR = "မြန်မာနိုင်ငံ"


def test_the_same_burmese_words_in_zawgyi_and_unicode_share_few_code_points():
    assert ZAWGYI_MYANMAR != UNICODE_MYANMAR
    # Zawgyi types the medial ra first, on Unicode's medial *ya*, and the asat as a virama.
    assert (ZAWGYI_MYANMAR[:2], UNICODE_MYANMAR[:2]) == ("\u103b\u1019", "\u1019\u103c")
    assert (ZAWGYI_MYANMAR[3], UNICODE_MYANMAR[3]) == ("\u1039", "\u103a")


def test_zawgyi_is_detected_and_unicode_is_not():
    assert is_zawgyi(ZAWGYI_MYANMAR)
    assert is_zawgyi("ျမန္မာ")
    assert is_zawgyi("ေက်ာင္း")  # school
    assert not is_zawgyi(UNICODE_MYANMAR)
    assert not is_zawgyi("မြန်မာ")
    assert not is_zawgyi("ကျောင်း")
    assert not is_zawgyi("မင်္ဂလာပါ")


def test_a_lone_ambiguous_syllable_and_other_scripts_are_not_zawgyi():
    assert not is_zawgyi("ကို")  # could be either encoding: the detector says about one half
    assert not is_zawgyi("Xin chào")
    assert not is_zawgyi("你好")
    assert not is_zawgyi("")


def test_zawgyi_rows_marks_each_row():
    assert zawgyi_rows([UNICODE_MYANMAR, ZAWGYI_MYANMAR, "hello"]).tolist() == [False, True, False]


def test_nfc_composes_decomposed_vietnamese_and_leaves_thai_alone():
    decomposed = unicodedata.normalize("NFD", "Tiếng Việt")
    assert len(decomposed) == 14
    assert nfc([decomposed, "น้ำ"]) == ["Tiếng Việt", "น้ำ"]


def test_the_zawgyi_problem_tells_the_team_how_to_fix_it_in_english_and_chinese():
    params = {"count": 2, "column": "prediction"}
    assert render(ZAWGYI, params, "en") == (
        "2 value(s) in 'prediction' are Burmese in the Zawgyi font encoding, not Unicode. "
        "Convert them to Unicode (for example with a Zawgyi-to-Unicode converter such as Rabbit) "
        "and upload the file again."
    )
    assert render(ZAWGYI, params, "zh-hans") == (
        "'prediction' 列中有 2 个值是 Zawgyi 字体编码的缅甸文，不是 Unicode。"
        "请先用 Zawgyi 转 Unicode 的工具（例如 Rabbit）转换，再重新上传文件。"
    )
