"""Command-line functions for ``qframework assign FILE`` and ``qframework check FILE``.

``FILE`` is an :class:`~qframework.assignment.rules.AssignmentProblem` in TOML or JSON: ``[rules]``,
``[[participants]]`` and, for ``check``, an ``[assignment]`` table. The main CLI hooks these in with
:func:`add_arguments`; errors (:class:`~qframework.errors.QFrameworkError`) propagate to it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._registries import COMMAND_GROUPS, DOCUMENT_KINDS

__all__ = ["add_arguments", "run_assign", "run_check"]


def add_arguments(subparsers: Any) -> None:
    """Add the ``assign`` and ``check`` sub-commands to an argparse ``subparsers`` object."""
    p = subparsers.add_parser("assign", help="assign participants to topics and groups, optimally")
    p.add_argument("file", help="TOML or JSON file with [rules] and [[participants]]")
    p.add_argument("--json", action="store_true", help="print the assignment as JSON")
    p.add_argument("--explain", action="store_true", help="explain every participant's result")
    p.set_defaults(handler=run_assign)
    p = subparsers.add_parser("check", help="check the [assignment] in a file against its rules")
    p.add_argument("file", help="TOML or JSON file with [rules], [[participants]] and [assignment]")
    p.add_argument("--json", action="store_true", help="print the violations as JSON")
    p.set_defaults(handler=run_check)


def run_assign(args: argparse.Namespace) -> int:
    """``qframework assign FILE [--json] [--explain]``: print an optimal assignment; exit 0."""
    from ..assignment.files import load_assignment_problem
    from ..assignment.solve import assign
    from ..io import dumps
    from ..report.text import format_assignment

    problem = load_assignment_problem(args.file)
    assignment = assign(problem.participants, problem.rules)
    if getattr(args, "json", False):
        sys.stdout.write(dumps(assignment, format="json"))
        return 0
    print(format_assignment(assignment))
    if getattr(args, "explain", False):
        for pid in assignment.participant_ids:
            print()
            print(assignment.explain(pid).text)
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``qframework check FILE [--json]``: print every violation; exit 0 if none, 1 otherwise."""
    from ..assignment.checking import check_assignment
    from ..assignment.files import load_assignment_problem
    from ..io import dumps

    problem = load_assignment_problem(args.file)
    if problem.assignment is None:
        print(f"{args.file}: no [assignment] to check")
        return 2
    violations = check_assignment(problem.assignment, problem.participants, problem.rules)
    if getattr(args, "json", False):
        sys.stdout.write(dumps(tuple(violations), format="json"))
    else:
        for v in violations:
            print(v)
        if not violations:
            print(f"{args.file}: the assignment meets every rule")
    return 1 if violations else 0


def _assignment_problem_cls() -> type[Any]:
    from ..assignment import AssignmentProblem

    return AssignmentProblem


COMMAND_GROUPS.append(add_arguments)
DOCUMENT_KINDS.append(
    ("assignment-problem", lambda data: "rules" in data and "framework" not in data, _assignment_problem_cls)
)
