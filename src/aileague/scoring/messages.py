"""Participant-facing texts for validation problems, in each supported language.

The scoring library has no Django, so it carries its own small catalogue. Each text says what is
wrong and how to fix it; ``{placeholders}`` are filled from the problem's parameters.
"""

from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {
    "empty_file": {
        "en": "The file is empty. Upload a CSV with a header row and one row per id.",
        "zh-hans": "文件为空。请上传带表头、每个 id 一行的 CSV 文件。",
    },
    "not_utf8": {
        "en": "The file is not UTF-8 text (byte {offset} is invalid){guess}. "
        "Save it as UTF-8 and upload it again.",
        "zh-hans": "文件不是 UTF-8 编码（第 {offset} 字节无效）{guess}。请另存为 UTF-8 后重新上传。",
    },
    "unsupported_format": {
        "en": "Files of type '{suffix}' are not accepted here; upload a .csv file.",
        "zh-hans": "不接受 '{suffix}' 类型的文件；请上传 .csv 文件。",
    },
    "unreadable": {
        "en": "The file could not be read as CSV: {reason}",
        "zh-hans": "无法按 CSV 读取该文件：{reason}",
    },
    "wrong_delimiter": {
        "en": "The header has one column '{header}' that contains '{delimiter}': the file seems "
        "to use '{delimiter}' as separator. Use commas.",
        "zh-hans": "表头只有一列 '{header}'，其中含有 '{delimiter}'：文件似乎以 '{delimiter}' 分隔。请使用逗号分隔。",
    },
    "missing_column": {
        "en": "Column '{column}' is missing. The header must be: {expected}.",
        "zh-hans": "缺少列 '{column}'。表头应为：{expected}。",
    },
    "unexpected_column": {
        "en": "Column '{column}' is not expected. The header must be: {expected}.",
        "zh-hans": "不应出现列 '{column}'。表头应为：{expected}。",
    },
    "duplicate_column": {
        "en": "Column '{column}' appears more than once in the header.",
        "zh-hans": "表头中列 '{column}' 出现了不止一次。",
    },
    "ragged_row": {
        "en": "{count} row(s) have a different number of fields than the header ({expected}); "
        "check for stray separators or unquoted commas.",
        "zh-hans": "{count} 行的字段数与表头（{expected} 个）不同；请检查多余的分隔符或未加引号的逗号。",
    },
    "empty_id": {
        "en": "{count} row(s) have an empty id.",
        "zh-hans": "{count} 行的 id 为空。",
    },
    "duplicate_id": {
        "en": "{count} id(s) appear more than once; give one row per id.",
        "zh-hans": "{count} 个 id 重复出现；每个 id 只能有一行。",
    },
    "missing_ids": {
        "en": "{count} id(s) of the test set have no prediction; predict every id in the "
        "sample submission.",
        "zh-hans": "测试集中有 {count} 个 id 没有预测；请为样例提交中的每个 id 给出预测。",
    },
    "unknown_ids": {
        "en": "{count} id(s) are not in the test set; remove them.",
        "zh-hans": "有 {count} 个 id 不在测试集中；请删除这些行。",
    },
    "not_a_number": {
        "en": "{count} value(s) in '{column}' are not numbers.",
        "zh-hans": "'{column}' 列中有 {count} 个值不是数字。",
    },
    "missing_value": {
        "en": "{count} value(s) in '{column}' are empty or NA-like ('', 'NA', 'null', 'nan').",
        "zh-hans": "'{column}' 列中有 {count} 个值为空或类似 NA（''、'NA'、'null'、'nan'）。",
    },
    "not_finite": {
        "en": "{count} value(s) in '{column}' are infinite.",
        "zh-hans": "'{column}' 列中有 {count} 个值为无穷大。",
    },
    "probability_out_of_range": {
        "en": "{count} value(s) in '{column}' are outside [0, 1]; give probabilities.",
        "zh-hans": "'{column}' 列中有 {count} 个值不在 [0, 1] 范围内；请给出概率。",
    },
    "unknown_label": {
        "en": "{count} value(s) in '{column}' are not valid labels; use one of: {labels}.",
        "zh-hans": "'{column}' 列中有 {count} 个值不是有效标签；请使用以下之一：{labels}。",
    },
    "too_many_problems": {
        "en": "More rows have problems than are listed; fix these first.",
        "zh-hans": "有问题的行多于所列；请先修正这些问题。",
    },
}

SUPPORTED_LANGUAGES = ("en", "zh-hans")

# Filled into not_utf8's {guess} when an alternative encoding decodes the file.
ENCODING_GUESS = {
    "en": "; it looks like {encoding}",
    "zh-hans": "；看起来是 {encoding} 编码",
}


def register_messages(texts: dict[str, dict[str, str]]) -> None:
    """Add the messages of a kind or metric family; every code needs en and zh-hans."""
    for code, translations in texts.items():
        missing = [lang for lang in SUPPORTED_LANGUAGES if lang not in translations]
        if missing:
            raise ValueError(f"message {code!r} lacks {', '.join(missing)}")
        if code in CATALOGUE and CATALOGUE[code] != translations:
            raise ValueError(f"message {code!r} is registered twice with different texts")
        CATALOGUE[code] = translations


def render(code: str, params: dict[str, object], language: str = "en") -> str:
    texts = CATALOGUE.get(code)
    if texts is None:
        return code
    lang = language.lower()
    if lang not in texts:
        lang = "zh-hans" if lang.startswith("zh") else "en"
    values = dict(params)
    if code == "not_utf8" and "encoding" in values:
        encoding = values["encoding"]
        values["guess"] = ENCODING_GUESS[lang].format(encoding=encoding) if encoding else ""
    return texts[lang].format(**values)
