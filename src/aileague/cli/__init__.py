"""The ``aileague`` command: a thin typer front-end over the API (for participants) and over
the services (for operators). Participant commands feel like the Kaggle CLI:

    aileague submit -c SCENARIO FILE -m "message"
"""

from aileague.cli.main import app, main

__all__ = ["app", "main"]
