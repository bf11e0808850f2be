"""Assign participants (Kommunen) to topics and groups under a programme's rules.

- :mod:`.rules` — :class:`Participant`, :class:`AssignmentRules` and friends, the rule model as data;
- :mod:`.solve` — :func:`assign`, the exact solver (HiGHS through scipy, imported lazily), built from
  :mod:`.program` (the integer program), :mod:`.highs` (the solver call), :mod:`.diagnose`
  (infeasibility), :mod:`.reasons` (the solver's notes) and :mod:`.grouping` (regional groups);
- :mod:`.checking` — :func:`check_assignment`, which validates any assignment, also one typed in by hand;
- :mod:`.result` — :class:`Assignment`, the result as data, with :meth:`Assignment.explain`
  returning an :class:`Explanation`;
- :mod:`.files` — :func:`load_assignment_problem` and :func:`loads_assignment_problem`.
"""

from __future__ import annotations

from .checking import check, check_assignment
from .files import load_assignment_problem, loads_assignment_problem
from .result import Assignment, Explanation, Group, Optimality, Placement, TopicResult, Violation
from .rules import AssignmentProblem, AssignmentRules, Bounds, GroupRules, Objective, Participant, Topic
from .solve import assign

__all__ = [
    "Assignment",
    "AssignmentProblem",
    "AssignmentRules",
    "Bounds",
    "Explanation",
    "Group",
    "GroupRules",
    "Objective",
    "Optimality",
    "Participant",
    "Placement",
    "Topic",
    "TopicResult",
    "Violation",
    "assign",
    "check",
    "check_assignment",
    "load_assignment_problem",
    "loads_assignment_problem",
]
