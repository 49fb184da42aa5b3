"""The demo league: a generated bundle, demo users and scale seeding for benchmarks.

* ``build_demo_bundle`` writes a league bundle with synthetic but learnable data.
* ``seed_demo`` imports it and creates demo logins, teams and scored submissions.
* ``seed_teams`` scales a league up to a real season's number of teams, fast.
* ``seed_past_submissions`` gives it a season's history of scored submissions, fast.

``seed_demo`` and ``seed_teams`` need Django; import them from their modules only once Django
is set up (``aileague.demo.seed``, ``aileague.demo.scale``) or through this package's lazy names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aileague.demo.bundle import build_demo_bundle

if TYPE_CHECKING:
    from aileague.demo.past_submissions import PastSubmissionStats, seed_past_submissions
    from aileague.demo.scale import SeedStats, seed_teams
    from aileague.demo.seed import DemoLogin, seed_demo

__all__ = [
    "DemoLogin",
    "PastSubmissionStats",
    "SeedStats",
    "build_demo_bundle",
    "seed_demo",
    "seed_past_submissions",
    "seed_teams",
]

_LAZY = {
    "DemoLogin": "seed",
    "seed_demo": "seed",
    "SeedStats": "scale",
    "seed_teams": "scale",
    "PastSubmissionStats": "past_submissions",
    "seed_past_submissions": "past_submissions",
}


def __getattr__(name: str):
    # Models cannot be imported before Django is set up, so these load on first use.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"aileague.demo.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'aileague.demo' has no attribute {name!r}")
