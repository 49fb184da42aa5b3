"""Participant-facing texts for validation problems, in each supported language.

The scoring library has no Django, so it carries its own small catalogue. Each text says what is
wrong and how to fix it; ``{placeholders}`` are filled from the problem's parameters.
"""

from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {
    # --- The file as a whole -------------------------------------------------------------------
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
        "en": "Files of type '{suffix}' are not accepted here; upload a .csv, .tsv, .jsonl or "
        ".parquet file, or a .zip holding one of them.",
        "zh-hans": "不接受 '{suffix}' 类型的文件；请上传 .csv、.tsv、.jsonl 或 .parquet 文件，"
        "或包含其中之一的 .zip 压缩包。",
    },
    "unsupported_content": {
        "en": "The file is {detected}, which is not accepted here; upload CSV, TSV, JSON Lines or "
        "Parquet, or a zip holding one of them.",
        "zh-hans": "该文件是 {detected} 格式，此处不接受；请上传 CSV、TSV、JSON Lines 或 Parquet "
        "文件，或包含其中之一的 zip 压缩包。",
    },
    "format_mismatch": {
        "en": "The file name ends in '{suffix}' but its content is {detected}. Give the file the "
        "extension of its format, or save it in the format its name says.",
        "zh-hans": "文件扩展名为 '{suffix}'，但内容是 {detected} 格式。请把扩展名改成与内容一致，"
        "或按扩展名所示的格式重新保存。",
    },
    "unreadable": {
        "en": "The file could not be read as {format}: {reason}",
        "zh-hans": "无法按 {format} 格式读取该文件：{reason}",
    },
    # --- Zip archives --------------------------------------------------------------------------
    "zip_empty": {
        "en": "The zip archive holds no file; put your predictions file in it.",
        "zh-hans": "zip 压缩包中没有文件；请把预测文件放进去。",
    },
    "zip_many_members": {
        "en": "The zip archive holds {count} files; it must hold exactly one (your predictions "
        "file).",
        "zh-hans": "zip 压缩包中有 {count} 个文件；只能包含一个文件（即预测文件）。",
    },
    "zip_unsafe_path": {
        "en": "{count} name(s) in the zip archive point outside it (an absolute path or '..'); "
        "zip the file itself, without folders above it.",
        "zh-hans": "zip 压缩包中有 {count} 个文件名指向包外（绝对路径或 '..'）；请直接压缩该文件，"
        "不要带上其上级目录。",
    },
    "zip_symlink": {
        "en": "{count} member(s) of the zip archive are symbolic links; zip the file itself.",
        "zh-hans": "zip 压缩包中有 {count} 个成员是符号链接；请压缩文件本身。",
    },
    "zip_encrypted": {
        "en": "{count} member(s) of the zip archive are encrypted; zip the file without a "
        "password.",
        "zh-hans": "zip 压缩包中有 {count} 个成员已加密；请不加密码重新压缩。",
    },
    "zip_nested": {
        "en": "The zip archive holds another archive ('{name}'); zip the predictions file itself.",
        "zh-hans": "zip 压缩包中又包含一个压缩包（'{name}'）；请直接压缩预测文件。",
    },
    "zip_too_large": {
        "en": "'{name}' expands to more than {limit}, the most accepted; upload a smaller file.",
        "zh-hans": "'{name}' 解压后超过上限 {limit}；请上传更小的文件。",
    },
    "zip_ratio": {
        "en": "'{name}' expands more than {limit} times its compressed size, which only "
        "malicious archives do; it was not unpacked.",
        "zh-hans": "'{name}' 解压后超过压缩大小的 {limit} 倍，只有恶意压缩包才会如此；已拒绝解压。",
    },
    # --- The header ----------------------------------------------------------------------------
    "wrong_delimiter": {
        "en": "The header has one column '{header}' that contains '{delimiter}': the file seems "
        "to use '{delimiter}' as separator. Use commas.",
        "zh-hans": "表头只有一列 '{header}'，其中含有 '{delimiter}'：文件似乎以 '{delimiter}' 分隔。请使用逗号分隔。",
    },
    "wrong_delimiter_tsv": {
        "en": "The header has one column '{header}' that contains '{delimiter}': this .tsv file "
        "seems to use '{delimiter}' as separator. Separate columns with tabs, or name the file "
        ".csv if it uses commas.",
        "zh-hans": "表头只有一列 '{header}'，其中含有 '{delimiter}'：这个 .tsv 文件似乎以 "
        "'{delimiter}' 分隔。请用制表符分隔各列；如果文件用逗号分隔，请把扩展名改为 .csv。",
    },
    "no_header": {
        "en": "The first row '{header}' looks like data, not a header. Add the header row: "
        "{expected}.",
        "zh-hans": "第一行 '{header}' 看起来是数据而不是表头。请加上表头行：{expected}。",
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
    "empty_column_name": {
        "en": "Column {position} of the header has no name (a separator at the end of the "
        "header, or an index column: with pandas, write the file with index=False).",
        "zh-hans": "表头第 {position} 列没有列名（表头末尾多了分隔符，或多写了索引列：用 pandas "
        "保存时请加 index=False）。",
    },
    "column_name_case": {
        "en": "Column '{column}' differs from '{suggestion}' only in upper/lower case; did you "
        "mean '{suggestion}'? Column names are case-sensitive.",
        "zh-hans": "列名 '{column}' 与 '{suggestion}' 只有大小写不同；您是想写 '{suggestion}' "
        "吗？列名区分大小写。",
    },
    "column_name_whitespace": {
        "en": "Column '{column}' has spaces around its name; did you mean '{suggestion}'?",
        "zh-hans": "列名 '{column}' 前后有空格；您是想写 '{suggestion}' 吗？",
    },
    "column_name_bom": {
        "en": "Column name '{column}' contains an invisible byte-order mark (BOM), often left by "
        "saving a file twice with a BOM; did you mean '{suggestion}'?",
        "zh-hans": "列名 '{column}' 中含有不可见的字节顺序标记（BOM），常因文件被带 BOM 保存了两次；"
        "您是想写 '{suggestion}' 吗？",
    },
    # --- Rows ----------------------------------------------------------------------------------
    "ragged_row": {
        "en": "{count} row(s) have a different number of fields than the header ({expected}); "
        "check for stray separators or unquoted commas.{hint}",
        "zh-hans": "{count} 行的字段数与表头（{expected} 个）不同；请检查多余的分隔符或未加引号的逗号。{hint}",
    },
    "unbalanced_quote": {
        "en": "A quote opened here is never closed, so the rest of the file was read as one "
        'value; close the quote, or double quotes inside a quoted value ("").',
        "zh-hans": '此处的引号没有闭合，导致文件其余部分被读成一个值；请补上闭合引号，或把值内部的引号写成两个（""）。',
    },
    "invalid_json": {
        "en": "{count} line(s) are not a JSON object; each line must be one object such as "
        '{{"id": "001", "prediction": 0.5}}.',
        "zh-hans": '{count} 行不是 JSON 对象；每行必须是一个对象，例如 {{"id": "001", "prediction": 0.5}}。',
    },
    "null_value": {
        "en": "{count} row(s) have no value in '{column}' (null, or the key is missing).",
        "zh-hans": "{count} 行的 '{column}' 没有值（为 null 或缺少该键）。",
    },
    "unsupported_column_type": {
        "en": "Column '{column}' holds values of type {type}; give plain text or numbers.",
        "zh-hans": "列 '{column}' 的值类型为 {type}；请使用纯文本或数字。",
    },
    # --- Ids -----------------------------------------------------------------------------------
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
        "en": "{count} id(s) are not in the test set; remove them.{hint}",
        "zh-hans": "有 {count} 个 id 不在测试集中；请删除这些行。{hint}",
    },
    # --- Values --------------------------------------------------------------------------------
    "not_a_number": {
        "en": "{count} value(s) in '{column}' are not numbers.{hint}",
        "zh-hans": "'{column}' 列中有 {count} 个值不是数字。{hint}",
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

# Filled into a message's {hint} when the problem's params name one ('' otherwise).
HINTS = {
    "decimal_comma": {
        "en": " Use a dot as the decimal separator: 0.5, not 0,5.",
        "zh-hans": "小数点请用英文句点：写 0.5，不要写 0,5。",
    },
    "id_whitespace": {
        "en": " Some have spaces around them; ids are compared exactly, so remove the spaces.",
        "zh-hans": "其中一些 id 前后有空格；id 按原样精确比较，请删除这些空格。",
    },
    "leading_zeros": {
        "en": " Ids are compared as text, so '7' is not '007': write them exactly as in the "
        "sample submission, leading zeros included.",
        "zh-hans": "id 按文本比较，'7' 与 '007' 不同：请与样例提交中的写法完全一致，包括前导零。",
    },
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
    hint = HINTS.get(str(values.get("hint", "")))
    values["hint"] = hint[lang] if hint else ""
    if code == "not_utf8" and "encoding" in values:
        encoding = values["encoding"]
        values["guess"] = ENCODING_GUESS[lang].format(encoding=encoding) if encoding else ""
    return texts[lang].format(**values)
