"""Command-line functions for ``qframework assign FILE`` and ``qframework check FILE``.

``FILE`` is an :class:`~qframework.assignment.rules.AssignmentProblem` in TOML or JSON: ``[rules]``,
``[[participants]]`` and, for ``check``, an ``[assignment]`` table. The main CLI hooks these in with
:func:`add_arguments`; errors (:class:`~qframework.errors.QFrameworkError`) propagate to it.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from ._registries import COMMAND_GROUPS, DOCUMENT_KINDS

if TYPE_CHECKING:
    from ..assignment import Assignment

__all__ = ["add_arguments", "format_assignment", "run_assign", "run_check"]


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


def format_assignment(assignment: Assignment) -> str:
    """Groups with their topics and members, then participants without a group, as text."""
    lines = []
    for g in assignment.groups:
        topics = ", ".join(g.required) + (f" (optional: {', '.join(g.optional)})" if g.optional else "")
        lines.append(f"{g.id}: {topics or 'no topics'}  ←  {', '.join(g.members)}")
    grouped = {m for g in assignment.groups for m in g.members}
    for p in assignment.placements:
        if p.participant in grouped or not p.topics:
            continue
        topics = ", ".join(p.required) + (f" (optional: {', '.join(p.optional)})" if p.optional else "")
        lines.append(f"{p.participant}: {topics}")
    if assignment.unassigned:
        lines.append(f"without a place: {', '.join(assignment.unassigned)}")
    if assignment.cost is not None:
        lines.append(f"total preference rank: {assignment.cost}")
    return "\n".join(lines)


def run_assign(args: argparse.Namespace) -> int:
    """``qframework assign FILE [--json] [--explain]``: print an optimal assignment; exit 0."""
    from ..assignment.rules import AssignmentProblem
    from ..assignment.solve import assign
    from ..io import load, unstructure

    problem = load(AssignmentProblem, args.file)
    assignment = assign(problem.participants, problem.rules)
    if getattr(args, "json", False):
        print(json.dumps(unstructure(assignment), ensure_ascii=False, indent=2))
        return 0
    print(format_assignment(assignment))
    if getattr(args, "explain", False):
        for pid in assignment.participant_ids:
            print()
            print(assignment.explain(pid))
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``qframework check FILE [--json]``: print every violation; exit 0 if none, 1 otherwise."""
    from ..assignment.check import check
    from ..assignment.rules import AssignmentProblem
    from ..io import load

    problem = load(AssignmentProblem, args.file)
    if problem.assignment is None:
        print(f"{args.file}: no [assignment] to check")
        return 2
    violations = check(problem.assignment, problem.participants, problem.rules)
    if getattr(args, "json", False):
        print(
            json.dumps(
                [
                    {
                        "rule": v.rule,
                        "message": v.message,
                        "participant": v.participant_id,
                        "group": v.group_id,
                        "topic": v.topic,
                    }
                    for v in violations
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
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
