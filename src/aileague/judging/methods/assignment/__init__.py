"""Reviewer assignment: which judge reviews which entry, solved as a min-cost flow.

Each entry needs ``R`` reviews, each judge's load stays within ``[min_load, max_load]``, only
candidate pairs (the caller leaves conflicts out), pinned and existing pairs are kept, and the sum
of affinities is as high as possible. The flow network is::

    entry e  --(capacity 1, cost -affinity)-->  judge j  --(capacity max - min, cost 0)-->  sink
    supply: need_e = R_e - fixed_e             demand: min_j - fixed_j          demand: the rest

Minimum loads are node demands on the judges rather than arcs with a large negative cost: the
solver then either honours them exactly or reports the instance infeasible, never a flow that
quietly misses one. On infeasibility a second, diagnostic max-flow names what to relax.

Only numpy, scipy and OR-Tools are imported: the Django service layer builds the arrays.
"""

from aileague.judging.methods.assignment.problem import (
    AssignmentProblem,
    AssignmentResult,
    InfeasibleAssignment,
)
from aileague.judging.methods.assignment.solve import solve_assignment
from aileague.judging.methods.assignment.verify import check_assignment

__all__ = [
    "AssignmentProblem",
    "AssignmentResult",
    "InfeasibleAssignment",
    "check_assignment",
    "solve_assignment",
]
