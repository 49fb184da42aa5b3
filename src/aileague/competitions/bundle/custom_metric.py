"""Checking a task's ``custom_metric`` block and the Python file it names.

The file is compiled and its syntax tree read, never imported or run here: an organiser's code
runs only in the scorer's separate, limited process (``aileague.scoring.custom``), or when the
baseline is scored (``references.check_baseline``), in that same process.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from aileague.competitions.bundle.fields import Checker, join
from aileague.competitions.bundle.plan import SourceFile
from aileague.competitions.bundle.source import locate, unsafe_path
from aileague.scoring.custom import (
    CUSTOM,
    MAX_MEMORY_MB,
    MAX_SOURCE_BYTES,
    MAX_TIME_LIMIT_S,
    MIN_MEMORY_MB,
    NAME,
    OPTIONAL_KEYS,
    REQUIRED_KEYS,
    CustomMetricSpec,
)
from aileague.scoring.metrics import METRICS


def check_custom_block(c: Checker, task: dict, path: str) -> None:
    """Report every mistake in ``task``'s custom_metric block, at its field path."""
    block_path = join(path, "custom_metric")
    if task.get("metric") != CUSTOM:
        if "custom_metric" in task:
            c.fail(block_path, _("applies only when the task's metric is custom"))
        return
    if "custom_metric" not in task:
        c.fail(
            block_path,
            _("required when the metric is custom: the metric's path, name and direction"),
        )
        return
    block = c.mapping(
        task["custom_metric"], block_path, required=REQUIRED_KEYS, optional=OPTIONAL_KEYS
    )
    c.get(block, "path", block_path, _python_path, c=c)
    c.get(block, "name", block_path, _name, c=c)
    c.get(block, "higher_is_better", block_path, _boolean, c=c)
    c.get(block, "bounds", block_path, _bounds, c=c)
    c.get(block, "time_limit_s", block_path, _time_limit, c=c)
    c.get(block, "memory_mb", block_path, c.integer, minimum=MIN_MEMORY_MB)
    memory = (block or {}).get("memory_mb")
    if isinstance(memory, int) and memory > MAX_MEMORY_MB:
        c.fail(
            join(block_path, "memory_mb"),
            _("at most %(maximum)d MB, got %(value)d")
            % {"maximum": MAX_MEMORY_MB, "value": memory},
        )


def _python_path(value: Any, path: str, *, c: Checker) -> None:
    # Only the shape here; ``custom_metric_file`` looks the file up once the task is valid.
    if not isinstance(value, str) or not value.endswith(".py") or value.endswith("/.py"):
        c.wrong_type(path, _("the path of a .py file in the bundle"), value)
    elif problem := unsafe_path(value):
        c.fail(path, problem)


def _name(value: Any, path: str, *, c: Checker) -> None:
    if not isinstance(value, str) or not NAME.fullmatch(value):
        c.wrong_type(
            path,
            _("a name of at most 40 letters, digits, '_', '.' or '-', starting with a letter"),
            value,
        )
    elif value.partition("@")[0] in METRICS or value == CUSTOM:
        c.fail(
            path,
            _("'%(name)s' is a built-in metric; give the custom metric a name of its own")
            % {"name": value},
        )


def _boolean(value: Any, path: str, *, c: Checker) -> None:
    if not isinstance(value, bool):
        c.wrong_type(path, _("true or false"), value)


def _bound(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValueError
    return float(value)


def _bounds(value: Any, path: str, *, c: Checker) -> None:
    expected = _("a list [lower, upper] of two numbers (.inf or null for no bound)")
    try:
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError
        lower, upper = (_bound(each) for each in value)
    except ValueError:
        c.wrong_type(path, expected, value)
        return
    if lower is not None and upper is not None and not lower < upper:
        c.fail(path, _("the lower bound must be below the upper bound"))


def _time_limit(value: Any, path: str, *, c: Checker) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_TIME_LIMIT_S
    ):
        c.wrong_type(
            path,
            _("a number of seconds above 0 and at most %(maximum)d")
            % {"maximum": MAX_TIME_LIMIT_S},
            value,
        )


def custom_metric_file(
    c: Checker, root: Path, spec: CustomMetricSpec, path: str
) -> SourceFile | None:
    """The metric's file, if it is a UTF-8 Python file that defines ``score`` at module level.

    ``path`` is the YAML path of the custom_metric block. Syntax errors are reported in the
    metric's file at ``line L, column C``.
    """
    field = join(path, "path")
    found, message = locate(root, spec.path)
    if message or found is None:
        c.fail(field, message or "")
        return None
    source = found.read_bytes()
    if len(source) > MAX_SOURCE_BYTES:
        c.fail(
            "",
            _("has %(size)d bytes; a metric file may have at most %(limit)d")
            % {"size": len(source), "limit": MAX_SOURCE_BYTES},
            file=spec.path,
        )
        return None
    tree = _parse(c, source, spec.path)
    if tree is None:
        return None
    if not _defines_score(c, tree, spec.path):
        return None
    return SourceFile(name=spec.path, path=found)


def _parse(c: Checker, source: bytes, name: str) -> ast.Module | None:
    try:
        compile(source, name, "exec", dont_inherit=True)
        return ast.parse(source, filename=name)
    except SyntaxError as exc:
        where = (
            _("line %(line)d, column %(column)d") % {"line": exc.lineno, "column": exc.offset or 1}
            if exc.lineno
            else ""
        )
        c.fail(where, _("Python syntax error: %(problem)s") % {"problem": exc.msg}, file=name)
    except ValueError as exc:  # null bytes; undecodable text
        c.fail("", _("is not Python source: %(problem)s") % {"problem": exc}, file=name)
    return None


def _defines_score(c: Checker, tree: ast.Module, name: str) -> bool:
    """``def score(y_true, y_pred)`` (or ``score = ...``) at module level, callable with two."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "score":
            return _takes_two_arguments(c, node, name)
        if isinstance(node, ast.AsyncFunctionDef) and node.name == "score":
            c.fail(
                _("line %(line)d") % {"line": node.lineno},
                _("score must be a plain function, not async"),
                file=name,
            )
            return False
        if _binds_score(node):
            return True
    c.fail(
        "",
        _("defines no function score(y_true, y_pred) at module level"),
        file=name,
    )
    return False


def _binds_score(node: ast.stmt) -> bool:
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == "score" for t in node.targets)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.target.id == "score"
    if isinstance(node, ast.ImportFrom):
        return any((alias.asname or alias.name) == "score" for alias in node.names)
    return False


def _takes_two_arguments(c: Checker, node: ast.FunctionDef, name: str) -> bool:
    arguments = node.args
    positional = len(arguments.posonlyargs) + len(arguments.args)
    required = positional - len(arguments.defaults)
    required_keywords = sum(1 for default in arguments.kw_defaults if default is None)
    if (positional >= 2 or arguments.vararg) and required <= 2 and not required_keywords:
        return True
    c.fail(
        _("line %(line)d") % {"line": node.lineno},
        _("score must take two arguments, score(y_true, y_pred)"),
        file=name,
    )
    return False
