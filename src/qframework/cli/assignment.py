"""Command-line functions for ``qframework assign FILE`` and ``qframework check FILE``.

``FILE`` is an :class:`~qframework.assignment.rules.AssignmentProblem` in TOML or JSON: ``[rules]``,
``[[participants]]`` and, for ``check``, an ``[assignment]`` table. The main CLI hooks these in with
:func:`add_arguments`; errors (:class:`~qframework.errors.QFrameworkError`) propagate to it.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..i18n import gettext_ as _
from ._common import _print_json
from ._registries import COMMAND_GROUPS, DOCUMENT_KINDS

__all__ = ["add_arguments", "add_plan_options", "run_assign", "run_check", "with_km_per_rank"]


def add_arguments(subparsers: Any) -> None:
    """Add the ``assign`` and ``check`` sub-commands to an argparse ``subparsers`` object."""
    p = subparsers.add_parser("assign", help=_("assign participants to topics and groups, optimally"))
    p.add_argument("file", help=_("TOML or JSON file with [rules] and [[participants]]"))
    p.add_argument("--json", action="store_true", help=_("print the assignment as JSON"))
    p.add_argument("--explain", action="store_true", help=_("explain every participant's result"))
    add_plan_options(p)
    p.set_defaults(handler=run_assign)
    p = subparsers.add_parser("check", help=_("check the [assignment] in a file against its rules"))
    p.add_argument("file", help=_("TOML or JSON file with [rules], [[participants]] and [assignment]"))
    p.add_argument("--json", action="store_true", help=_("print the violations as JSON"))
    p.set_defaults(handler=run_check)


def add_plan_options(p: Any) -> None:
    """``--mode joint|groups-first`` and ``--km-per-rank KM``, shared with ``programme plan``."""
    p.add_argument(
        "--mode",
        choices=("joint", "groups-first"),
        default="joint",
        help=_("joint: topics and groups together; groups-first: groups by distance, then each group's topics"),
    )
    p.add_argument(
        "--km-per-rank",
        type=float,
        metavar="KM",
        help=_("kilometres within a group worth one preference rank (overrides the rules)"),
    )


def with_km_per_rank(rules: Any, km_per_rank: float | None) -> Any:
    """The rules with ``objective.km_per_rank`` replaced (unchanged for ``None``)."""
    import attrs

    if km_per_rank is None:
        return rules
    return attrs.evolve(rules, objective=attrs.evolve(rules.objective, km_per_rank=km_per_rank))


def run_assign(args: argparse.Namespace) -> int:
    """``qframework assign FILE [--json] [--explain]``: print an optimal assignment; exit 0."""
    from ..assignment.files import load_assignment_problem
    from ..assignment.solve import assign
    from ..report.text import format_assignment

    problem = load_assignment_problem(args.file)
    rules = with_km_per_rank(problem.rules, getattr(args, "km_per_rank", None))
    assignment = assign(problem.participants, rules, mode=getattr(args, "mode", "joint"))
    if getattr(args, "json", False):
        _print_json(assignment)
        return 0
    print(format_assignment(assignment))
    if getattr(args, "explain", False):
        titles = rules.topic_titles()
        for pid in assignment.participant_ids:
            print()
            print(assignment.explain(pid).render(titles))
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``qframework check FILE [--json]``: print every violation; exit 0 if none, 1 otherwise."""
    from ..assignment.checking import check_assignment
    from ..assignment.files import load_assignment_problem
    from ..report.text import format_check, format_no_assignment

    problem = load_assignment_problem(args.file)
    if problem.assignment is None:
        print(format_no_assignment(args.file))
        return 2
    violations = check_assignment(problem.assignment, problem.participants, problem.rules)
    if getattr(args, "json", False):
        _print_json(tuple(violations))
    else:
        print(format_check(violations, args.file))
    return 1 if violations else 0


def _assignment_problem_cls() -> type[Any]:
    from ..assignment import AssignmentProblem

    return AssignmentProblem


COMMAND_GROUPS.append(add_arguments)
DOCUMENT_KINDS.append(
    ("assignment-problem", lambda data: "rules" in data and "framework" not in data, _assignment_problem_cls)
)
