"""Markdown pages of the demo scenarios (problem statement and data description), en and zh."""

from __future__ import annotations

from aileague.demo.scenarios import TRACKS, ScenarioSpec

LANGUAGES = ("en", "zh-hans")

_METRICS = {
    "roc_auc": (
        "area under the ROC curve; higher is better, 0.5 is chance",
        "ROC 曲线下面积；越高越好，0.5 相当于随机猜测",
    ),
    "f1_macro": (
        "macro-averaged F1 over the chapters; higher is better",
        "各类别 F1 的宏平均；越高越好",
    ),
    "accuracy": (
        "accuracy, the share of correct labels; higher is better",
        "准确率，即标签正确的比例；越高越好",
    ),
    "rmse": ("root mean squared error; lower is better", "均方根误差；越低越好"),
    "mae": ("mean absolute error; lower is better", "平均绝对误差；越低越好"),
    "chrf": (
        "chrF, a character n-gram F-score from 0 to 100 that needs no word segmentation; "
        "higher is better",
        "chrF，取值 0–100 的字符 n 元 F 值，无需分词；越高越好",
    ),
}

_LABELS = {
    "en": {
        "posted": "Posted by",
        "track": "Track",
        "background": "Background",
        "task": "Task",
        "evaluation": "Evaluation",
        "format": "Submission format",
        "prize": "Prize and pilot",
        "baseline": "Baseline",
        "prize_pool": "Prize pool",
        "pilot": "Pilot",
        "files": "Files",
        "columns": "Columns",
        "column": "Column",
        "meaning": "Meaning",
        "data": "Data",
    },
    "zh-hans": {
        "posted": "发布单位",
        "track": "赛道",
        "background": "背景",
        "task": "任务",
        "evaluation": "评测",
        "format": "提交格式",
        "prize": "奖金与试点",
        "baseline": "基线",
        "prize_pool": "奖金总额",
        "pilot": "试点",
        "files": "文件",
        "columns": "字段",
        "column": "字段",
        "meaning": "含义",
        "data": "数据说明",
    },
}


def _evaluation(spec: ScenarioSpec, lang: str) -> str:
    en, zh = _METRICS[spec.metric]
    if lang == "en":
        return (
            f"Submissions are scored by **{spec.metric}** ({en}) against a hidden reference. "
            "About half of the test rows make up the public (A) leaderboard while the stage "
            "is open; the other half make up the private (B) leaderboard, revealed when the "
            "stage closes."
        )
    return (
        f"提交结果按 **{spec.metric}**（{zh}）与隐藏答案比对评分。"
        "约一半测试行用于比赛期间的公开（A）榜，另一半用于私有（B）榜，在阶段结束时公布。"
    )


def _format(spec: ScenarioSpec, lang: str, sample_lines: list[str]) -> str:
    header = f"id,{spec.prediction_column}"
    example = "\n".join([header, *sample_lines])
    if lang == "en":
        intro = (
            f"A UTF-8 CSV with the header `{header}` and one row per id of `test.csv`, "
            "like `sample_submission.csv`:"
        )
    else:
        intro = (
            f"UTF-8 编码的 CSV 文件，表头为 `{header}`，`test.csv` 中每个 id 一行，"
            "格式同 `sample_submission.csv`："
        )
    return f"{intro}\n\n```\n{example}\n```"


def problem_page(
    spec: ScenarioSpec, lang: str, *, sample_lines: list[str], baseline_score: float
) -> str:
    words = _LABELS[lang]
    track = next(track for track in TRACKS if track.slug == spec.track)
    colon = ": " if lang == "en" else "："
    amount = f"{spec.prize_amount:,} CNY. " if lang == "en" else f"{spec.prize_amount:,} 元。"
    if lang == "en":
        baseline = (
            f"A simple baseline ({spec.baseline_model['en']}) scores "
            f"{baseline_score:.4g} on the public leaderboard. You can do better."
        )
    else:
        baseline = (
            f"一个简单的基线（{spec.baseline_model['zh-hans']}）在公开榜上得分 "
            f"{baseline_score:.4g}，还有很大的提升空间。"
        )
    sections = [
        f"# {spec.title[lang]}",
        f"*{words['posted']}{colon}{spec.owner} · {words['track']}{colon}{track.name[lang]}*",
        spec.summary[lang],
        f"## {words['background']}\n\n{spec.background[lang]}",
        f"## {words['task']}\n\n{spec.task[lang]}",
        f"## {words['evaluation']}\n\n{_evaluation(spec, lang)}",
        f"## {words['format']}\n\n{_format(spec, lang, sample_lines)}",
        f"## {words['baseline']}\n\n{baseline}",
        f"## {words['prize']}\n\n- {words['prize_pool']}{colon}{amount}{spec.prize[lang]}\n"
        f"- {words['pilot']}{colon}{spec.pilot_offer[lang]}",
    ]
    return "\n\n".join(sections) + "\n"


def data_page(spec: ScenarioSpec, lang: str, *, n_train: int, n_test: int) -> str:
    words = _LABELS[lang]
    if lang == "en":
        files = (
            f"- `train.csv`: {n_train:,} rows with the target column "
            f"`{spec.prediction_column}`.\n"
            f"- `test.csv`: {n_test:,} rows without it; predict these.\n"
            "- `sample_submission.csv`: a file in the expected format.\n\n"
            "Ids are text: keep them exactly as given, leading zeros included. "
            "All data is synthetic, generated for this demo."
        )
    else:
        files = (
            f"- `train.csv`：{n_train:,} 行，含目标列 `{spec.prediction_column}`。\n"
            f"- `test.csv`：{n_test:,} 行，不含目标列，需要对其预测。\n"
            "- `sample_submission.csv`：符合要求格式的示例文件。\n\n"
            "id 是文本：请原样保留，包括前导零。所有数据均为本演示合成生成。"
        )
    rows = "\n".join(f"| `{name}` | {text[lang]} |" for name, text in spec.columns.items())
    table = (
        f"| {words['column']} | {words['meaning']} |\n|---|---|\n| `id` | "
        + ("Row id" if lang == "en" else "行 id")
        + f" |\n{rows}"
    )
    return (
        f"# {spec.title[lang]}: {words['data']}\n\n## {words['files']}\n\n{files}\n\n"
        f"## {words['columns']}\n\n{table}\n"
    )
