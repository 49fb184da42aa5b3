"""Text metric inputs: sentences in the league's languages and scripts.

A metric whose function takes ``language`` (``bleu``, ``chrf_pp``, ``wer``) gets
``(references, hypotheses, language)`` with the sentences written in that language; the others
get ``(references, hypotheses)`` in any of them. Sentences are real words of the language drawn
from a small vocabulary, so hypotheses share words with references; in scripts without spaces
the words of a row are written together (as they are), or with spaces between phrases. The first
row always has at least four words separated by spaces, so that a corpus has a 4-gram and a
perfect prediction reaches BLEU 100 in every language.
"""

import hypothesis.strategies as st

from aileague.scoring.metrics.text import takes_language
from aileague.scoring.text import UNSPACED
from tests.scoring.examples.common import TEXT, reorder_arrays

VOCABULARY = {
    "zh": ["我", "爱", "北京", "天气", "很好", "我们", "去", "公园", "老挝", "翻译", "。"],
    "en": ["the", "cat", "sat", "on", "mat", "dog", "runs", "fast", "isn't", ",", "."],
    "vi": ["tôi", "yêu", "Việt Nam", "Hà Nội", "sinh viên", "học", "đi", "hôm nay", "đẹp", "."],
    "th": ["ฉัน", "รัก", "ภาษา", "ไทย", "กิน", "ข้าว", "ผัด", "บ้าน", "ที่", "ไม่", "ไม้"],
    "id": ["saya", "suka", "makan", "nasi", "goreng", "di", "rumah", "dan", "kopi", "."],
    "ms": ["saya", "pergi", "ke", "sekolah", "hari", "ini", "dengan", "kawan", "baru", "."],
    "fil": ["ako", "ay", "kumain", "ng", "kanin", "sa", "bahay", "mahal", "kita", "."],
    "lo": ["ຂ້ອຍ", "ມັກ", "ກິນ", "ເຂົ້າ", "ໜຽວ", "ປະເທດ", "ລາວ", "ມີ", "ແມ່ນ້ຳ", "ງາມ"],
    "km": ["ខ្ញុំ", "ស្រឡាញ់", "ភាសា", "ខ្មែរ", "ប្រទេស", "កម្ពុជា", "មាន", "បាយ", "ញ៉ាំ", "។"],
    "my": ["မြန်မာ", "နိုင်ငံ", "ကျွန်တော်", "ထမင်း", "စား", "ပြီ", "သွား", "မည်", "မင်္ဂလာ", "။"],
}
LANGUAGES = sorted(VOCABULARY)
# Text in no declared language mixes scripts.
MIXED = ["abc", "xyz", "ếệộ", "สวัสดี", "你好", "世界", "a", "."]


def sentence(language: str | None, min_words: int = 1, spaced: bool = False):
    """One sentence: real words of ``language``, or random mixed-script text for None."""
    if language is None and not spaced:
        return TEXT
    vocabulary = VOCABULARY[language] if language else MIXED
    words = st.lists(st.sampled_from(vocabulary), min_size=min_words, max_size=8)
    if language not in UNSPACED or spaced:
        return words.map(" ".join)
    return st.tuples(words, st.sampled_from(["", " "])).map(lambda pair: pair[1].join(pair[0]))


@st.composite
def language_cases(draw, language=None):
    """``(references, hypotheses)`` in ``language``; the first reference has four words."""
    size = draw(st.integers(1, 8))
    first = sentence(language, min_words=4, spaced=True)
    references = [draw(first)] + [draw(sentence(language)) for _ in range(size - 1)]
    # Half the hypotheses copy their reference, so matches of every n-gram order occur.
    hypotheses = [
        draw(st.one_of(st.just(reference), sentence(language))) for reference in references
    ]
    return references, hypotheses


@st.composite
def text_cases(draw):
    size = draw(st.integers(1, 8))
    return draw(st.lists(TEXT, min_size=size, max_size=size)), draw(
        st.lists(TEXT, min_size=size, max_size=size)
    )


@st.composite
def _with_language(draw):
    language = draw(st.sampled_from([*LANGUAGES, None]))
    references, hypotheses = draw(language_cases(language))
    return references, hypotheses, language


def cases(metric):
    if takes_language(metric):
        return _with_language()
    return st.sampled_from([*LANGUAGES, None]).flatmap(language_cases)


def perfect(args):
    return (args[0], list(args[0]), *args[2:])


def rows(args):
    return len(args[0])


reorder = reorder_arrays
