"""aileague.scoring is a plain library: importing it pulls in no web framework or task queue."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import json, sys
import aileague.scoring
import aileague.scoring.evaluate, aileague.scoring.messages, aileague.scoring.metrics
import aileague.scoring.ranking, aileague.scoring.readers, aileague.scoring.schema
import aileague.scoring.validation
print(json.dumps(sorted(m for m in ("django", "celery", "ninja") if m in sys.modules)))
"""


def test_importing_scoring_loads_no_django_celery_or_ninja():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(result.stdout) == []
