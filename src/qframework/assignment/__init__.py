"""Assign participants (Kommunen) to topics and groups under a programme's rules.

- :mod:`.rules` — :class:`Participant`, :class:`AssignmentRules` and friends, the rule model as data;
- :mod:`.solve` — :func:`assign`, the exact solver (HiGHS through scipy, imported lazily);
- :mod:`.check` — :func:`check`, which validates any assignment, also one typed in by hand;
- :mod:`.result` — :class:`Assignment`, the result as data, with :meth:`Assignment.explain`.
"""

from __future__ import annotations

from .check import check
from .result import Assignment, Group, Placement, Violation
from .rules import AssignmentProblem, AssignmentRules, Bounds, GroupRules, Objective, Participant, Topic
from .solve import assign

__all__ = [
    "Assignment",
    "AssignmentProblem",
    "AssignmentRules",
    "Bounds",
    "Group",
    "GroupRules",
    "Objective",
    "Participant",
    "Placement",
    "Topic",
    "Violation",
    "assign",
    "check",
]
