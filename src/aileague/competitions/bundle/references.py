"""Checking a hidden reference, and a baseline, before any team's submission meets them.

A broken reference is the organiser's problem, but it surfaces as failed scoring for every team;
so each rule the scorer relies on is checked here, with the line at fault. The scorer's own
reader then has the last word, so that what passes here is what scoring will read.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _

from aileague.competitions.bundle.fields import Checker
from aileague.competitions.bundle.plan import LeaguePlan, ScenarioPlan
from aileague.scoring.custom import CustomMetricError
from aileague.scoring.evaluate import SPLITS, ReferenceError, evaluate_file, load_reference
from aileague.scoring.readers import read_csv_as_text
from aileague.scoring.schema import TaskKind, TaskSchema
from aileague.scoring.validation import InvalidSubmission, Problem, parse_numbers

NUMBER_MESSAGES = {
    "not_a_number": gettext_noop("%(column)s must be a number, got '%(value)s'"),
    "missing_value": gettext_noop("%(column)s must not be empty or NA, got '%(value)s'"),
    "not_finite": gettext_noop("%(column)s must be a finite number, got '%(value)s'"),
}


def check_files(checker: Checker, plan: LeaguePlan) -> None:
    """Check each scenario's reference, then its baseline against that reference."""
    for scenario in plan.scenarios:
        if scenario.schema is None or scenario.reference is None:
            continue
        if check_reference(checker, scenario) and scenario.baseline is not None:
            check_baseline(checker, scenario)


def _line(row: int) -> str:
    """Rows count from 0 and the header is line 1, so row 0 stands on line 2."""
    return _("line %(line)d") % {"line": row + 2}


def _more(count: int) -> str:
    if count <= 1:
        return ""
    return ngettext(" (and %(count)d more line)", " (and %(count)d more lines)", count - 1) % {
        "count": count - 1,
    }


def _reading_problems(problems: list[Problem]) -> list[tuple[str, str]]:
    """(where, message) for problems the scoring library found, in its own words."""
    language = get_language() or "en"
    found = []
    for problem in problems:
        message = problem.message(language)
        if problem.lines:
            found.append((_line(problem.lines[0] - 2), message))
            continue
        if problem.examples:
            message += _(" Examples: %(examples)s") % {"examples": ", ".join(problem.examples[:5])}
        found.append(("", message))
    return found


def check_reference(checker: Checker, scenario: ScenarioPlan) -> bool:
    """Report every problem of the scenario's reference; True when it has none."""
    assert scenario.reference is not None
    assert scenario.schema is not None
    file, schema = scenario.reference.name, scenario.schema
    before = len(checker.problems)
    try:
        text = read_csv_as_text(scenario.reference.path)
    except InvalidSubmission as exc:
        for where, message in _reading_problems(exc.problems):
            checker.fail(where, message, file=file)
        return False
    needed = [schema.id_column, schema.target_column, schema.split_column]
    missing = [name for name in needed if name not in text.table.column_names]
    if missing:
        checker.fail(
            _("line %(line)d") % {"line": 1},
            _("lacks column(s) %(missing)s; the task needs columns %(needed)s")
            % {"missing": ", ".join(missing), "needed": ", ".join(needed)},
            file=file,
        )
        return False
    if text.ragged_rows:
        row = text.ragged_rows[0]
        where = _("line %(line)d") % {"line": row.line} if row.line else ""
        checker.fail(
            where,
            _("has %(fields)d fields; the header has %(expected)d")
            % {"fields": row.fields, "expected": text.expected_fields},
            file=file,
        )
        return False
    _check_ids(checker, file, text.table.column(schema.id_column).combine_chunks())
    is_public = _check_splits(checker, file, schema, text.table)
    _check_targets(checker, file, schema, text.table, is_public)
    if len(checker.problems) > before:
        return False
    try:
        load_reference(scenario.reference.path, schema)
    except (ReferenceError, ValueError) as exc:
        checker.fail("", str(exc), file=file)
        return False
    return True


def _check_ids(checker: Checker, file: str, ids: pa.Array) -> None:
    """Ids are text compared exactly ("007" is not "7"), non-empty and unique."""
    empty = np.flatnonzero(pc.equal(pc.utf8_length(ids), 0).to_numpy(zero_copy_only=False))
    if empty.size:
        checker.fail(_line(int(empty[0])), _("the id is empty") + _more(empty.size), file=file)
    if pc.count_distinct(ids).as_py() == len(ids):
        return
    first_row: dict[str, int] = {}
    repeats = []
    for row, value in enumerate(ids.to_pylist()):
        if value in first_row:
            repeats.append((row, value, first_row[value]))
        else:
            first_row[value] = row
    row, value, earlier = repeats[0]
    checker.fail(
        _line(row),
        _("id '%(id)s' repeats line %(earlier)d") % {"id": value, "earlier": earlier + 2}
        + _more(len(repeats)),
        file=file,
    )


def _check_splits(
    checker: Checker, file: str, schema: TaskSchema, table: pa.Table
) -> np.ndarray | None:
    """Whether each row is public; None when the split column has bad values."""
    split = table.column(schema.split_column).combine_chunks()
    bad = np.flatnonzero(
        ~pc.is_in(split, value_set=pa.array(SPLITS)).to_numpy(zero_copy_only=False)
    )
    if bad.size:
        checker.fail(
            _line(int(bad[0])),
            _("%(column)s must be 'public' or 'private', got '%(value)s'")
            % {"column": schema.split_column, "value": split[int(bad[0])].as_py()}
            + _more(bad.size),
            file=file,
        )
        return None
    present = set(pc.unique(split).to_pylist())
    absent = [name for name in SPLITS if name not in present]
    if absent:
        checker.fail(
            "",
            _("column %(column)s needs both public and private rows; there are no %(absent)s rows")
            % {"column": schema.split_column, "absent": " or ".join(absent)},
            file=file,
        )
        return None
    return np.asarray(pc.equal(split, "public").to_numpy(zero_copy_only=False), dtype=bool)


def _check_targets(
    checker: Checker, file: str, schema: TaskSchema, table: pa.Table, is_public
) -> None:
    target = table.column(schema.target_column).combine_chunks()
    column = schema.target_column
    if schema.kind in (TaskKind.MULTICLASS_LABEL, TaskKind.MULTICLASS_PROBABILITY):
        known = pc.is_in(pc.utf8_trim_whitespace(target), value_set=pa.array(list(schema.labels)))
        bad = np.flatnonzero(~known.to_numpy(zero_copy_only=False))
        if bad.size:
            checker.fail(
                _line(int(bad[0])),
                _("%(column)s must be one of the labels %(labels)s, got '%(value)s'")
                % {
                    "column": column,
                    "labels": ", ".join(schema.labels),
                    "value": target[int(bad[0])].as_py(),
                }
                + _more(bad.size),
                file=file,
            )
    elif schema.kind in (TaskKind.BINARY_PROBABILITY, TaskKind.BINARY_LABEL, TaskKind.REGRESSION):
        values, problems = parse_numbers(target, column)
        for problem in problems:
            message = _(NUMBER_MESSAGES[problem.code]) % {
                "column": column,
                "value": problem.examples[0],
            }
            checker.fail(
                _line(problem.lines[0] - 2), message + _more(problem.params["count"]), file=file
            )
        if not problems and schema.kind is not TaskKind.REGRESSION:
            _check_binary(checker, file, column, target, values, is_public)


def _check_binary(checker: Checker, file: str, column: str, target, values, is_public) -> None:
    """Targets are 0 or 1, and each split has both, or its ROC AUC could not be computed."""
    bad = np.flatnonzero((values != 0) & (values != 1))
    if bad.size:
        checker.fail(
            _line(int(bad[0])),
            _("%(column)s must be 0 or 1, got '%(value)s'")
            % {"column": column, "value": target[int(bad[0])].as_py()}
            + _more(bad.size),
            file=file,
        )
        return
    if is_public is None:
        return
    for split, mask in zip(SPLITS, (is_public, ~is_public), strict=True):
        classes = set(values[mask].tolist())
        if classes != {0.0, 1.0}:
            checker.fail(
                "",
                _("the %(split)s rows need both 0 and 1 in %(column)s; they only have %(value)d")
                % {"split": split, "column": column, "value": int(classes.pop())},
                file=file,
            )


def check_baseline(checker: Checker, scenario: ScenarioPlan) -> None:
    """Score the baseline as a team's file would be scored: the demo submits it.

    A custom metric runs here too, in its own limited process, so that a metric that fails on
    the baseline is the organiser's to fix before any team submits.
    """
    assert scenario.baseline is not None
    assert scenario.reference is not None
    assert scenario.schema is not None
    custom = scenario.custom_metric
    try:
        evaluate_file(
            scenario.baseline.path,
            scenario.reference.path,
            scenario.schema,
            custom_metric_path=custom.path if custom else None,
        )
    except InvalidSubmission as exc:
        for where, message in _reading_problems(exc.problems):
            checker.fail(where, message, file=scenario.baseline.name)
    except CustomMetricError as exc:
        if custom is not None:  # without its file, the file's own problem is reported already
            checker.fail(
                _("line %(line)d") % {"line": exc.line} if exc.line else "",
                _("fails on the baseline %(baseline)s: %(problem)s")
                % {"baseline": scenario.baseline.name, "problem": exc.reason},
                file=custom.name,
            )
    except (ReferenceError, ValueError) as exc:
        checker.fail("", str(exc), file=scenario.baseline.name)
