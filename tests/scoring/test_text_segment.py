"""Words per league language: each segmenter cuts real sentences where a reader would.

The exact token lists pin the segmenters' behaviour: a new release of pythainlp, laonlp,
khmer-nltk or underthesea that cuts differently changes scores, and must show up here (and in
the signatures, which carry the versions).
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aileague.scoring.text import burmese_syllables, grapheme_clusters, segment, segmenter


@pytest.mark.parametrize(
    ("language", "text", "words"),
    [
        # I like to eat fried rice with a fried egg at the shop near home.
        (
            "th",
            "ฉันชอบกินข้าวผัดกับไข่ดาว ที่ร้านใกล้บ้าน",
            ["ฉัน", "ชอบ", "กิน", "ข้าวผัด", "กับ", "ไข่ดาว", "ที่", "ร้าน", "ใกล้", "บ้าน"],
        ),
        # Laos has the Mekong river. / I love Laos.
        ("lo", "ປະເທດລາວມີແມ່ນ້ຳຂອງ", ["ປະເທດລາວ", "ມີ", "ແມ່ນ້ຳຂອງ"]),
        ("lo", "ຂ້ອຍຮັກປະເທດລາວ", ["ຂ້ອຍ", "ຮັກ", "ປະເທດລາວ"]),
        # Cambodia has Angkor Wat. / I like to eat rice.
        ("km", "ប្រទេសកម្ពុជាមានប្រាសាទអង្គរវត្ត", ["ប្រទេស", "កម្ពុជា", "មាន", "ប្រាសាទ", "អង្គរវត្ត"]),
        ("km", "ខ្ញុំចូលចិត្តញ៉ាំបាយ", ["ខ្ញុំ", "ចូលចិត្ត", "ញ៉ាំ", "បាយ"]),
        # Today I go to school in Hanoi: "Hôm nay" (today) and "Hà Nội" are one word each.
        (
            "vi",
            "Hôm nay tôi đi học ở Hà Nội.",
            ["Hôm_nay", "tôi", "đi", "học", "ở", "Hà_Nội", "."],
        ),
        # I have already eaten: syllables, ။ on its own.
        (
            "my",
            "ကျွန်တော် ထမင်းစားပြီးပြီ။",
            ["ကျွန်", "တော်", "ထ", "မင်း", "စား", "ပြီး", "ပြီ", "။"],
        ),
        # I love Beijing's Tiananmen: one token per character; Latin words and numbers stay whole.
        ("zh", "我爱北京天安门。", ["我", "爱", "北", "京", "天", "安", "门", "。"]),
        (
            "zh-hans",
            "我们用Python 3.11写代码。",
            ["我", "们", "用", "Python", "3.11", "写", "代", "码", "。"],
        ),
        # sacrebleu's 13a: punctuation apart, apostrophes kept, spaces elsewhere.
        (
            "en",
            "Hello, world! It isn't $5.50.",
            ["Hello", ",", "world", "!", "It", "isn't", "$", "5.50", "."],
        ),
        ("ms", "Saya pergi ke sekolah.", ["Saya", "pergi", "ke", "sekolah", "."]),
        ("id", "Saya suka nasi goreng!", ["Saya", "suka", "nasi", "goreng", "!"]),
        ("fil", "Mahal kita, Maria.", ["Mahal", "kita", ",", "Maria", "."]),
    ],
)
def test_each_language_is_cut_into_its_words(language, text, words):
    assert segment(text, language) == words


def test_zero_width_spaces_are_word_breaks_not_words():
    assert segment("ខ្ញុំ\u200bស្រឡាញ់\u200bភាសា\u200bខ្មែរ", "km") == ["ខ្ញុំ", "ស្រឡាញ់", "ភាសា", "ខ្មែរ"]
    assert segment("ကျွန်တော်\u200bထမင်း", "my") == ["ကျွန်", "တော်", "ထ", "မင်း"]


@pytest.mark.parametrize(
    ("text", "syllables"),
    [
        ("မြန်မာနိုင်ငံ", ["မြန်", "မာ", "နိုင်", "ငံ"]),  # Myanmar (the country)
        # Kinzi (င်္) stays with the syllable it is written on: mingalaba, hello.
        ("မင်္ဂလာပါ", ["မင်္ဂ", "လာ", "ပါ"]),
        # A stacked consonant (န္တ) stays in one piece: Mandalay. Dot below before asat (NFC).
        ("မန္တလေးမြို့သို့ သွားမည်", ["မန္တ", "လေး", "မြို့", "သို့", "သွား", "မည်"]),
        # Myanmar digits make one number; other scripts keep their words; ၎ takes its marks.
        ("၂၀၂၄ ခုနှစ် COVID-19", ["၂၀၂၄", "ခု", "နှစ်", "COVID", "-", "19"]),
        ("၎င်း၏ ၊", ["၎င်း", "၏", "၊"]),
    ],
)
def test_burmese_is_cut_into_syllables(text, syllables):
    assert burmese_syllables(text) == syllables
    assert segment(text, "my") == syllables


MYANMAR = st.text(
    alphabet=st.sampled_from([chr(c) for c in range(0x1000, 0x10A0)] + [" ", "\u200b", "a", "1"]),
    max_size=40,
)


@settings(max_examples=200, deadline=None, database=None)
@given(MYANMAR)
def test_burmese_syllables_lose_no_character_however_odd_the_text(text):
    assert "".join(segment(text, "my")) == "".join(text.replace("\u200b", " ").split())


def test_grapheme_clusters_keep_marks_with_their_base():
    # Thai tone marks, a Vietnamese letter typed as three code points, a Khmer subscript.
    assert grapheme_clusters("ที่นี่") == ["ที่", "นี่"]
    assert grapheme_clusters("Vie\u0323\u0302t") == ["V", "i", "e\u0323\u0302", "t"]
    assert grapheme_clusters("ខ្មែរ") == ["ខ្មែ", "រ"]


@pytest.mark.parametrize(
    ("language", "label", "package"),
    [
        ("th", "th-pythainlp-newmm", "pythainlp"),
        ("lo", "lo-laonlp", "laonlp"),
        ("km", "km-khmernltk", "khmer-nltk"),
        ("vi", "vi-underthesea", "underthesea"),
        ("my", "my-syllable-regex", "regex"),
    ],
)
def test_each_segmenter_reports_its_name_and_version(language, label, package):
    version = importlib.metadata.version(package)
    assert (segmenter(language).version, segmenter(language).label) == (
        version,
        f"{label}-{version}",
    )


def test_chinese_and_spaced_languages_use_sacrebleu_tokenizers_under_sacrebleu_names():
    codes = ("zh", "zh-hans", "en", "id", "ms", "fil", "tl", None)
    assert [segmenter(code).label for code in codes] == ["zh", "zh", *["13a"] * 6]


def test_a_segmenter_model_is_loaded_once():
    thai = segmenter("th")
    assert thai.load() is thai.load()


def test_an_unknown_language_is_refused_with_the_accepted_codes():
    with pytest.raises(ValueError) as raised:
        segment("hello", "fr")
    assert str(raised.value) == (
        "language 'fr' is not one of zh, en, vi, th, id, ms, fil, lo, km, my, zh-hans, zh-cn, tl"
    )


def test_segmenters_run_without_network_and_write_nothing_in_home(tmp_path):
    # A fresh interpreter that cannot open a socket, with an empty home and none of our offline
    # variables set: every segmenter must load from its package, quietly.
    script = textwrap.dedent(
        """
        import socket

        def refuse(*args, **kwargs):
            raise OSError("network access while segmenting")

        socket.socket.connect = refuse
        socket.create_connection = refuse

        from aileague.scoring.text import segment

        for language, text in [
            ("th", "ฉันรักภาษาไทย"), ("lo", "ຂ້ອຍຮັກປະເທດລາວ"), ("km", "ខ្ញុំចូលចិត្តញ៉ាំបាយ"),
            ("vi", "Hôm nay trời đẹp"), ("my", "မင်္ဂလာပါ"), ("zh", "你好"), ("en", "Hi."),
        ]:
            print(language, len(segment(text, language)))
        """
    )
    offline = ("HF_HUB_OFFLINE", "PYTHAINLP_OFFLINE", "PYTHAINLP_READ_ONLY")
    env = {key: value for key, value in os.environ.items() if key not in offline}
    env["HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "th 3\nlo 3\nkm 4\nvi 3\nmy 3\nzh 2\nen 2\n"
    assert list(tmp_path.iterdir()) == []
