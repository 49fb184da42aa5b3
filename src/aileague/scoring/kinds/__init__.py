"""Task kinds, by name. Each kind module defines its classes; this registry lists them."""

from aileague.scoring.kinds import detection, ranking, tabular, text
from aileague.scoring.kinds.base import SPLITS, Kind, ReferenceError, RowReference
from aileague.scoring.schema import TaskKind

KINDS: dict[TaskKind, Kind] = {
    kind.kind: kind for module in (tabular, text, ranking, detection) for kind in module.KINDS
}


def get_kind(kind: TaskKind) -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise NotImplementedError(f"task kind {kind.value!r} is not implemented yet") from None


__all__ = ["KINDS", "SPLITS", "Kind", "ReferenceError", "RowReference", "get_kind"]
