"""The ranking task kind (being written)."""

from aileague.scoring.kinds.base import Kind

KINDS: list[Kind] = []
