"""Programme commands: ``programmes`` and ``programme show|check|plan|roster``."""

from __future__ import annotations

import argparse
from typing import Any

from ..i18n import gettext_ as _
from ._common import COMMAND_GROUPS, DEMO_STEPS, DOCUMENT_KINDS, _print_json, _print_listing, _registry


def _programme(programme_id: str) -> Any:
    return _registry().programmes[programme_id]


def cmd_programmes(args: argparse.Namespace) -> int:
    from ..programme import ProgrammeSummary
    from ..report.text import format_programmes

    return _print_listing(args, _registry(), "programmes", ProgrammeSummary.of, format_programmes)


def cmd_programme_show(args: argparse.Namespace) -> int:
    programme = _programme(args.programme)
    if args.json:
        _print_json(programme)
        return 0
    from ..errors import QFrameworkError
    from ..report.text import describe_programme

    try:
        framework = _registry().framework(programme.framework, programme.framework_version)
    except QFrameworkError:  # the framework is not installed: the id alone says what it is
        framework = None
    print(describe_programme(programme, framework=framework))
    return 0


def cmd_programme_check(args: argparse.Namespace) -> int:
    from ..assignment import Assignment
    from ..io import load
    from ..report.text import format_check, format_no_historical_assignment

    programme = _programme(args.programme)
    assignment = load(Assignment, args.assignment) if args.assignment else programme.assignment
    if assignment is None:
        print(format_no_historical_assignment(programme.id))
        return 1
    violations = programme.check(assignment)
    if getattr(args, "json", False):
        _print_json(tuple(violations))
    else:
        print(format_check(violations, programme.id, programme=True))
    return 1 if violations else 0


def cmd_programme_plan(args: argparse.Namespace) -> int:
    programme = _programme(args.programme)
    participants = None
    if args.participants:
        from ..programme import load_participants

        participants = load_participants(args.participants)
    assignment = programme.plan(
        participants, mode=getattr(args, "mode", "joint"), km_per_rank=getattr(args, "km_per_rank", None)
    )
    if args.json:
        _print_json(assignment)
        return 0
    from ..report.text import format_plan

    print(format_plan(programme, assignment))
    if args.explain:
        from ..report.text import topic_titles

        framework = _registry().framework(programme.framework, programme.framework_version)
        titles = topic_titles(programme.rules, framework)
        for pid in assignment.participant_ids:
            print()
            print(assignment.explain(pid).render(titles))
    return 0


def cmd_programme_roster(args: argparse.Namespace) -> int:
    from ..programme import check_roster, load_roster
    from ..report.text import format_roster

    failed = 0
    registry = _registry()
    for name in args.files:
        roster = load_roster(name, registry=registry)
        programme = registry.programmes[roster.programme]
        violations = check_roster(roster, programme)
        print(format_roster(name, roster, programme, violations, show_names=args.show_names))
        failed += bool(violations)
    return 1 if failed else 0


def _add_programme_commands(sub: Any) -> None:
    p = sub.add_parser("programmes", help=_("list the installed quality-development programmes"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    p.set_defaults(handler=cmd_programmes)

    prog = sub.add_parser("programme", help=_("show, check or re-plan one programme"))
    psub = prog.add_subparsers(dest="programme_command", metavar="ACTION", required=True)
    p = psub.add_parser("show", help=_("the programme's facts, rules, phases, quotas and known assignment"))
    p.add_argument("programme", metavar="ID")
    p.add_argument("--json", action="store_true", help=_("the programme as JSON data"))
    p.set_defaults(handler=cmd_programme_show)
    p = psub.add_parser("check", help=_("check the historical assignment (or --assignment FILE) against the rules"))
    p.add_argument("programme", metavar="ID")
    p.add_argument(
        "--assignment", metavar="FILE", help=_("an assignment file (TOML/JSON) instead of the historical one")
    )
    p.add_argument("--json", action="store_true", help=_("the violations as JSON data"))
    p.set_defaults(handler=cmd_programme_check)
    p = psub.add_parser("plan", help=_("compute a new optimal assignment under the programme's rules"))
    p.add_argument("programme", metavar="ID")
    p.add_argument(
        "--participants", metavar="FILE", help=_("a file with [[participants]] (default: the programme's own)")
    )
    p.add_argument("--explain", action="store_true", help=_("explain every participant's result"))
    p.add_argument("--json", action="store_true", help=_("the assignment as JSON data"))
    from .assignment import add_plan_options

    add_plan_options(p)
    p.set_defaults(handler=cmd_programme_plan)
    p = psub.add_parser("roster", help=_("check delegation rosters against the programme's quotas"))
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--show-names", action="store_true", help=_("print delegates' names (personal data)"))
    p.set_defaults(handler=cmd_programme_roster)


COMMAND_GROUPS.append(_add_programme_commands)


# Twelve made-up Kommunen with approximate coordinates of real district seats, for the demo.
_DEMO_KOMMUNEN = (
    ("flensburg", "Flensburg", (54.78, 9.44)),
    ("kiel", "Kiel", (54.32, 10.13)),
    ("luebeck", "Lübeck", (53.87, 10.69)),
    ("schwerin", "Schwerin", (53.63, 11.41)),
    ("muenchen", "München", (48.14, 11.58)),
    ("augsburg", "Augsburg", (48.37, 10.90)),
    ("rosenheim", "Rosenheim", (47.86, 12.12)),
    ("regensburg", "Regensburg", (49.01, 12.10)),
    ("koeln", "Köln", (50.94, 6.96)),
    ("bonn", "Bonn", (50.74, 7.10)),
    ("duesseldorf", "Düsseldorf", (51.23, 6.78)),
    ("aachen", "Aachen", (50.78, 6.08)),
)


_demo_plans: dict[int, tuple[Any, Any]] = {}


def demo_plan(registry: Any) -> tuple[Any, list[Any], Any] | None:
    """The demo's needs-based round: (programme, participants, assignment), or None without qdfh-2019.

    Twelve Kommunen assess themselves (seeded sample assessments), their weakest dimensions become
    their wishes and the programme's rules plan the round. The demo prints this plan and its report
    folder's assignment report shows the same one (computed once per registry).
    """
    if "qdfh-2019" not in registry.programmes:
        return None
    cached = _demo_plans.get(id(registry))
    if cached is not None and cached[0] is registry:
        return cached[1]  # type: ignore[no-any-return]
    from ..assessment import score
    from ..cohort import participant_from_priorities
    from ..template import sample_assessment

    programme = registry.programmes["qdfh-2019"]
    framework = registry.framework(programme.framework, programme.framework_version)
    participants = []
    for seed, (pid, name, location) in enumerate(_DEMO_KOMMUNEN, start=1):
        card = score(sample_assessment(framework, subject=pid, subject_name=name, seed=seed), framework)
        # every dimension, weakest first: the self-assessment ranks them all
        participants.append(participant_from_priorities(card, programme.rules, location=location))
    plan = (programme, participants, programme.plan(participants))
    _demo_plans[id(registry)] = (registry, plan)
    return plan


def _demo_programmes(registry: Any) -> None:
    """Check every historical assignment, then plan a needs-based round end to end."""
    from ..assignment import check_assignment
    from ..report.text import content, format_demo_historical, format_demo_planning, format_optimality

    verdicts = [
        (p.id, None if p.assignment is None else len(p.check()))
        for p in sorted(registry.programmes.values(), key=lambda p: p.id)
    ]
    print(format_demo_historical(verdicts))
    print()
    plan = demo_plan(registry)
    if plan is None:
        return
    programme, participants, assignment = plan
    framework = registry.framework(programme.framework, programme.framework_version)
    violations = check_assignment(assignment, participants, programme.rules)
    titles = {d.id: content(d) for d in framework.dimensions}
    names = {p.id: p.name for p in participants}
    where = {p.id: p.location for p in participants}
    groups = [
        (group.id, [names[m] for m in group.members], [titles.get(t, t) for t in group.topics])
        for group in assignment.groups
    ]
    diameters = [_diameter([where[m] for m in group.members]) for group in assignment.groups]
    print(
        format_demo_planning(
            programme.id, len(participants), groups, assignment.cost, len(violations), diameters=diameters
        )
    )
    if assignment.optimality is not None:
        print("  " + format_optimality(assignment.optimality))
    print()


def _diameter(locations: list[tuple[float, float] | None]) -> float:
    """The largest great-circle distance in km between two of the locations (0 for fewer than two)."""
    import math

    points = [p for p in locations if p is not None]
    best = 0.0
    for i, (lat1, lon1) in enumerate(points):
        for lat2, lon2 in points[i + 1 :]:
            p1, p2 = math.radians(lat1), math.radians(lat2)
            h = (
                math.sin((p2 - p1) / 2) ** 2
                + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
            )
            best = max(best, 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h))))
    return best


DEMO_STEPS.append(_demo_programmes)


def _programme_cls() -> type[Any]:
    from ..programme import Programme

    return Programme


def _roster_cls() -> type[Any]:
    from ..programme import Roster

    return Roster


DOCUMENT_KINDS.append(("programme", lambda data: "rules" in data and "framework" in data, _programme_cls))
DOCUMENT_KINDS.append(("roster", lambda data: "delegates" in data, _roster_cls))
