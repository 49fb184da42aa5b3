"""aileague: scenario-driven AI competitions, end to end.

This package's ``__init__`` stays empty so that ``aileague.scoring`` can be used without Django or
Celery; the Celery app is loaded by ``aileague.common.apps`` when Django starts.
"""
