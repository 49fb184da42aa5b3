"""The examples in the jury's numerical methods' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import aileague.judging.methods as methods


def _modules() -> list[str]:
    return sorted(
        info.name for info in pkgutil.walk_packages(methods.__path__, prefix=f"{methods.__name__}.")
    )


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0


def test_the_examples_cover_assignment_and_affinity():
    found = {
        name
        for name in _modules()
        if doctest.DocTestFinder().find(importlib.import_module(name))
        and any(t.examples for t in doctest.DocTestFinder().find(importlib.import_module(name)))
    }
    assert {
        "aileague.judging.methods.affinity",
        "aileague.judging.methods.assignment.solve",
    } <= found
