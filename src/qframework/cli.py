"""The ``qframework`` command (also ``python -m qframework``).

Every :class:`~qframework.errors.QFrameworkError` is printed without a traceback and exits
non-zero; ``validate`` prints one ``file: path: message`` line per problem.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from .errors import QFrameworkError, ValidationError

__all__ = ["main"]

Handler = Callable[[argparse.Namespace], int]


def _registry() -> Any:
    from .plugins import load_registry

    return load_registry()


def _warn_failures(registry: Any, out: TextIO | None = None) -> None:
    for failure in registry.failures:
        print(f"warning: {failure}", file=out or sys.stderr)


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _count(value: str) -> int:
    """An argparse type: a whole number ≥ 0."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0, got {number}")
    return number


# -- foundation commands -----------------------------------------------------------------------


def cmd_plugins(args: argparse.Namespace) -> int:
    registry = _registry()
    rows = []
    for name, info in sorted(registry.plugins.items()):
        rows.append(
            {
                "name": name,
                "version": info.version,
                "module": info.module,
                "builtin": info.builtin,
                "registered": registry.registered_by(name),
            }
        )
    if args.json:
        failures = [{"plugin": f.plugin, "message": f.message} for f in registry.failures]
        _print_json({"plugins": rows, "failures": failures})
        return 0
    for row in rows:
        label = f"{row['name']} {row['version']}" if row["version"] else f"{row['name']} (built in)"
        print(label)
        for kind, ids in row["registered"].items():
            print(f"  {kind}: {', '.join(ids)}")
    for failure in registry.failures:
        print(f"FAILED {failure.plugin}: {failure.message}")
    return 1 if registry.failures else 0


def cmd_frameworks(args: argparse.Namespace) -> int:
    registry = _registry()
    _warn_failures(registry)
    rows = []
    for fid in sorted(registry.frameworks):
        fw = registry.frameworks[fid]
        rows.append(
            {
                "id": fw.id,
                "version": fw.version,
                "title": fw.title,
                "dimensions": len(fw.dimensions),
                "indicators": sum(len(d.indicators) for d in fw.dimensions),
                "plugin": registry.frameworks.providers[fid].name,
            }
        )
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        print(
            f"{row['id']} {row['version']}  {row['title']}  "
            f"({row['dimensions']} dimensions, {row['indicators']} indicators; plugin {row['plugin']})"
        )
    return 0


def _load_framework_arg(value: str, version: str | None = None) -> Any:
    """A framework given as an installed id or as a file path."""
    from .io import load_framework

    if value.endswith((".toml", ".json")) or Path(value).exists():
        return load_framework(value)
    return _registry().framework(value, version)


def cmd_show(args: argparse.Namespace) -> int:
    fw = _load_framework_arg(args.framework, args.version)
    if args.json:
        from .io import unstructure

        _print_json(unstructure(fw))
        return 0
    lang = args.lang

    def title(element: Any) -> str:
        text = str(element.title)
        if lang and lang in getattr(element, "translations", {}):
            text += f" / {element.translations[lang].title}"
        return text

    def prov(element: Any) -> str:
        p = element.provenance
        if p is None:
            return ""
        title_kind = f"; title {p.title_kind}" if p.title_kind and p.title_kind != p.kind else ""
        return f"  [{p.kind}{title_kind}{': ' + p.source if p.source else ''}]"

    width = 100
    print(f"{title(fw)}  ({fw.id} {fw.version}){prov(fw)}")
    if fw.publisher:
        print(f"Herausgeber: {fw.publisher}")
    default_scale = fw.get_scale()
    for scale in fw.scales:
        levels = ", ".join(f"{lv.value} {lv.label}" for lv in scale.levels)
        default = " (default)" if scale.id == default_scale.id else ""
        print(f"Skala {scale.id}{default}: {scale.title} ({levels}){prov(scale)}")
    for facet in fw.facets:
        print(f"Facette {facet.title}: " + ", ".join(v.title for v in facet.values) + prov(facet))
    for dim in fw.dimensions:
        print()
        print(f"{dim.number}  {title(dim)}{prov(dim)}")
        if args.descriptions and dim.description:
            print(textwrap.fill(dim.description, width, initial_indent="   ", subsequent_indent="   "))
        for ind in dim.indicators:
            extras = []
            if ind.weight != 1.0:
                extras.append(f"weight {ind.weight:g}")
            if ind.scale:
                extras.append(f"scale {ind.scale}")
            for facet_id, values in ind.facets.items():
                extras.append(f"{facet_id}={'/'.join(values)}")
            suffix = f"  ({'; '.join(extras)})" if extras else ""
            print(f"   - {ind.id}: {title(ind)}{suffix}{prov(ind)}")
            if args.descriptions and ind.description:
                print(textwrap.fill(ind.description, width, initial_indent="       ", subsequent_indent="       "))
            for tier in ind.tiers:
                print(
                    f"       · {tier.title}"
                    + (f": {tier.description}" if args.descriptions and tier.description else "")
                    + prov(tier)
                )
    return 0


# Document types ``validate`` recognises, by the keys that only they have at the top level.
# Feature modules add theirs to this list.
DOCUMENT_KINDS: list[tuple[str, Callable[[dict[str, Any]], bool], Callable[[], type[Any]]]] = []


def _framework_cls() -> type[Any]:
    from .model import Framework

    return Framework


DOCUMENT_KINDS.append(("framework", lambda data: "dimensions" in data, _framework_cls))


def cmd_validate(args: argparse.Namespace) -> int:
    from .io import format_for, parse, structure

    failed = 0
    for name in args.files:
        try:
            fmt = format_for(name)
            try:
                raw = Path(name).read_bytes()
            except OSError as exc:
                raise ValidationError([_problem("", f"cannot read file: {exc.strerror or exc}")], name) from None
            data = parse(raw, format=fmt, file=name)
            if not isinstance(data, dict):
                raise ValidationError([_problem("", "expected a table at the top level")], name)
            kind = args.kind
            candidates = [k for k in DOCUMENT_KINDS if (k[0] == kind if kind else k[1](data))]
            if kind and not candidates:
                known = ", ".join(repr(k[0]) for k in DOCUMENT_KINDS)
                raise ValidationError([_problem("", f"unknown kind {kind!r} (known: {known})")], name)
            if not candidates:
                known = ", ".join(k[0] for k in DOCUMENT_KINDS)
                raise ValidationError(
                    [_problem("", f"cannot tell what kind of file this is; pass --kind ({known})")], name
                )
            label, _, cls_factory = candidates[0]
            structure(data, cls_factory(), file=name)
            if not args.quiet:
                print(f"{name}: valid {label}")
        except ValidationError as exc:
            failed += 1
            for line in exc.with_file(exc.file or name).lines():
                print(line)
    return 1 if failed else 0


def _problem(path: str, message: str) -> Any:
    from .errors import Problem

    return Problem(path, message)


def cmd_demo(args: argparse.Namespace) -> int:
    """Load every plugin, validate all shipped data and print an overview."""
    started = time.perf_counter()
    registry = _registry()
    print("qframework demo: the installed plugins and the data they ship\n")
    for name, info in sorted(registry.plugins.items()):
        what = "; ".join(f"{k}: {', '.join(v)}" for k, v in registry.registered_by(name).items())
        print(f"  plugin {info}: {what or 'nothing registered'}")
    for failure in registry.failures:
        print(f"  FAILED {failure}")
    print()
    from .validation import problems_of

    total_problems = 0
    for fid in sorted(registry.frameworks):
        fw = registry.frameworks[fid]
        found = problems_of(fw)
        total_problems += len(found)
        kinds: dict[str, int] = {}
        for ind in fw.indicators():
            kind = ind.provenance.kind if ind.provenance else "missing"
            kinds[kind] = kinds.get(kind, 0) + 1
        n_ind = sum(kinds.values())
        print(f"{fw.title} ({fw.id} {fw.version})")
        print(
            f"  {len(fw.dimensions)} dimensions, {n_ind} indicators; provenance of indicators: "
            + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        )
        for dim in fw.dimensions:
            print(f"    {dim.number:>2} {dim.title} ({len(dim.indicators)})")
        print("  " + ("valid" if not found else f"{len(found)} problems"))
        print()
    for step in DEMO_STEPS:
        step(registry)
    elapsed = time.perf_counter() - started
    ok = not registry.failures and total_problems == 0
    print(f"demo finished in {elapsed:.2f} s: " + ("all shipped data is valid" if ok else "PROBLEMS FOUND"))
    return 0 if ok else 1


#: Further demo steps (assessment, assignment, programmes) append themselves here.
DEMO_STEPS: list[Callable[[Any], None]] = []


# -- parser ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="qframework",
        description="Quality frameworks, assessments and assignment rules for Frühe Hilfen and Jugendhilfe.",
    )
    parser.add_argument("--version", action="version", version=f"qframework {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("plugins", help="list installed plugins and what each registered")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_plugins)

    p = sub.add_parser("frameworks", help="list installed frameworks")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_frameworks)

    p = sub.add_parser("show", help="print a framework as a readable tree")
    p.add_argument("framework", metavar="ID_OR_FILE", help="an installed framework id or a framework file")
    p.add_argument("--version", dest="version", default=None, help="a specific installed version")
    p.add_argument("--descriptions", "-d", action="store_true", help="include description texts")
    p.add_argument("--lang", default=None, help="also show titles in this language (e.g. en)")
    p.add_argument("--json", action="store_true", help="the framework as JSON data")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("validate", help="validate files; prints one 'file: path: message' line per problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--kind", default=None, help="the kind of document, if it cannot be told from the content")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing for valid files")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("demo", help="load every plugin, validate the shipped data and show what qframework does")
    p.set_defaults(handler=cmd_demo)

    for add in COMMAND_GROUPS:
        add(sub)
    return parser


#: Feature modules add ``add(subparsers)`` functions here to contribute sub-commands.
COMMAND_GROUPS: list[Callable[[Any], None]] = []


# --- assessment commands (issue 3) ---
def _load_assessment_files(names: Sequence[str], registry: Any) -> tuple[list[tuple[str, Any]], list[str]]:
    """Every assessment in the given files (single TOML/JSON or bulk JSON), and every problem line."""
    from .assessment import load_assessment, load_assessments
    from .io import format_for

    out: list[tuple[str, Any]] = []
    problems: list[str] = []
    for name in names:
        try:
            if format_for(name) == "json" and _is_bulk(name):
                out += [(name, a) for a in load_assessments(name, registry)]
            else:
                out.append((name, load_assessment(name, registry)))
        except ValidationError as exc:
            problems += exc.with_file(exc.file or name).lines()
    return out, problems


def _is_bulk(name: str) -> bool:
    try:
        with Path(name).open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    return b'"assessments"' in head


def cmd_template(args: argparse.Namespace) -> int:
    from .io import atomic_write, format_for
    from .template import assessment_template

    fmt = args.format or (format_for(args.output) if args.output else "toml")
    if args.output and args.format and format_for(args.output) != args.format:
        raise QFrameworkError(f"--format {args.format} does not fit the file name {args.output}")
    fw = _load_framework_arg(args.framework, args.version)
    text = assessment_template(
        fw, format=fmt, raters=args.rater or ("rater-1",), subject=args.subject, period=args.period
    )
    if args.output:
        atomic_write(args.output, text)
        print(f"wrote {args.output}: {sum(1 for _ in fw.indicators())} indicators × {len(args.rater or [1])} rater(s)")
    else:
        sys.stdout.write(text)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from .assessment import format_scorecard, score

    registry = _registry()
    _warn_failures(registry)
    items, problems = _load_assessment_files(args.files, registry)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        return 1
    cards = [(name, score(a, registry, args.aggregation, registry)) for name, a in items]
    if args.json:
        _print_json([{"file": name, **card.to_data(args.threshold)} for name, card in cards])
        return 0
    if len(cards) > 20 and not args.full:
        print(f"{len(cards)} assessments; one line each (--full for every scorecard)")
        print(f"  {'subject':<28} {'period':<10} {'overall':>7} {'coverage':>8}  weakest dimension")
        for _, card in cards:
            scored = [d for d in card.dimensions if d.score is not None]
            weakest = min(scored, key=lambda d: (d.score, d.number)) if scored else None
            overall = "–" if card.overall is None else f"{card.overall:.2f}"
            print(
                f"  {card.subject.id:<28} {card.period:<10} {overall:>7} {card.coverage:>8.0%}  "
                + (f"{weakest.number} {weakest.title}" if weakest else "–")
            )
        return 0
    for i, (name, card) in enumerate(cards):
        if i:
            print("\n" + "-" * 100 + "\n")
        print(f"{name}:")
        print(format_scorecard(card, threshold=args.threshold, priorities_n=args.priorities))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from .assessment import compare, load_assessment, score

    registry = _registry()
    _warn_failures(registry)
    before = score(load_assessment(args.before, registry), registry, args.aggregation, registry)
    after = score(load_assessment(args.after, registry), registry, args.aggregation, registry)
    result = compare(before, after)
    if args.json:
        _print_json(
            {
                "before": {"subject": before.subject.id, "period": before.period, "overall": before.overall},
                "after": {"subject": after.subject.id, "period": after.period, "overall": after.overall},
                "overall_delta": result.overall_delta,
                "dimensions": [
                    {"dimension": d.dimension, "before": d.before, "after": d.after, "delta": d.delta}
                    for d in result.dimensions
                ],
            }
        )
        return 0

    def fmt(x: float | None, sign: bool = False) -> str:
        return "   –  " if x is None else (f"{x:+6.2f}" if sign else f"{x:6.2f}")

    print(f"{before.subject.id} {before.period} → {after.subject.id} {after.period} ({after.framework_id})")
    print(f"  {'dimension':<50} {'before':>6} {'after':>6} {'change':>6}")
    for d in result.dimensions:
        print(f"  {d.title[:50]:<50} {fmt(d.before)} {fmt(d.after)} {fmt(d.delta, True)}")
    print(f"  {'overall':<50} {fmt(before.overall)} {fmt(after.overall)} {fmt(result.overall_delta, True)}")
    return 0


def _add_assessment_commands(sub: Any) -> None:
    p = sub.add_parser("template", help="write a blank, commented assessment of a framework to fill in")
    p.add_argument("framework", metavar="FRAMEWORK_ID", help="an installed framework id or a framework file")
    p.add_argument("--version", dest="version", default=None, help="a specific installed version")
    p.add_argument("--format", choices=("toml", "json"), default=None, help="default: from -o's suffix, else toml")
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument(
        "--rater", action="append", default=None, metavar="ID", help="a rater id (repeat for several; default rater-1)"
    )
    p.add_argument("--subject", default="kommune", help="the subject (Kommune) id to put in")
    p.add_argument("--period", default="2025", help="the period to put in")
    p.set_defaults(handler=cmd_template)

    p = sub.add_parser("score", help="score assessment files: per dimension and overall, coverage, disagreements")
    p.add_argument("files", nargs="+", metavar="FILE", help="assessment files (.toml, .json) or bulk JSON files")
    p.add_argument("--aggregation", default="mean", help="how raters combine per indicator (mean, median, plugins)")
    p.add_argument("--threshold", type=float, default=0.4, help="spread from which raters disagree (default 0.4)")
    p.add_argument("--priorities", type=_count, default=3, metavar="N", help="how many weakest dimensions to list")
    p.add_argument("--full", action="store_true", help="a full scorecard for every assessment of a bulk file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser("compare", help="progress between two assessments of one framework (before, after)")
    p.add_argument("before", metavar="BEFORE")
    p.add_argument("after", metavar="AFTER")
    p.add_argument("--aggregation", default="mean")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_compare)


COMMAND_GROUPS.append(_add_assessment_commands)


def _assessment_kind(data: dict[str, Any]) -> bool:
    if "assessments" in data or "dimensions" in data:
        return False
    return "ratings" in data or ("framework_id" in data and "subject" in data)


def _assessment_cls() -> type[Any]:
    from .assessment import AssessmentFile

    return AssessmentFile


def _assessment_batch_cls() -> type[Any]:
    from .assessment import AssessmentBatch

    return AssessmentBatch


DOCUMENT_KINDS.append(("assessment", _assessment_kind, _assessment_cls))
DOCUMENT_KINDS.append(("assessments", lambda data: "assessments" in data, _assessment_batch_cls))


def _assessment_demo(registry: Any) -> None:
    """Score a generated self-assessment (three raters) against an installed framework."""
    from .assessment import disagreements, priorities, score
    from .template import sample_assessment

    preferred = [fid for fid in ("nzfh-qualitaetsrahmen",) if fid in registry.frameworks]
    ids = preferred or sorted(registry.frameworks)
    if not ids:
        print("self-assessment demo skipped: no framework installed\n")
        return
    fw = registry.frameworks[ids[0]]
    card = score(sample_assessment(fw), fw, registry=registry)
    weakest = ", ".join(f"{d.number} {d.title} ({d.score:.2f})" for d in priorities(card, 3) if d.score is not None)
    overall = "–" if card.overall is None else f"{card.overall:.2f}"
    print(f"Self-assessment (generated: 1 Kommune, 3 raters) against {fw.id} {fw.version}")
    print(
        f"  {card.ratings} ratings, {card.not_applicable} not applicable; overall {overall}, "
        f"coverage {card.coverage:.0%}"
    )
    print(f"  {len(disagreements(card))} indicators to discuss (raters disagree); priorities: {weakest}")
    print()


DEMO_STEPS.append(_assessment_demo)


# --- assignment commands (issue 4) ---


def _add_assignment_commands(sub: Any) -> None:
    from .assignment.cli import add_arguments

    add_arguments(sub)


def _assignment_problem_cls() -> type[Any]:
    from .assignment import AssignmentProblem

    return AssignmentProblem


COMMAND_GROUPS.append(_add_assignment_commands)
DOCUMENT_KINDS.append(
    ("assignment-problem", lambda data: "rules" in data and "framework" not in data, _assignment_problem_cls)
)
# --- programme commands (issue 5) ---


def _programme(programme_id: str) -> Any:
    return _registry().programmes[programme_id]


def cmd_programmes(args: argparse.Namespace) -> int:
    registry = _registry()
    _warn_failures(registry)
    rows = [
        {
            "id": p.id,
            "title": p.title,
            "framework": p.framework,
            "period": p.period,
            "participants": p.participant_count,
            "plugin": registry.programmes.providers[p.id].name,
        }
        for p in sorted(registry.programmes.values(), key=lambda p: p.id)
    ]
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        count = f", {row['participants']} Kommunen" if row["participants"] else ""
        where = f"framework {row['framework']}; plugin {row['plugin']}"
        print(f"{row['id']}  {row['title']} ({row['period']}{count}; {where})")
    return 0


def cmd_programme_show(args: argparse.Namespace) -> int:
    programme = _programme(args.programme)
    if args.json:
        from .io import unstructure

        _print_json(unstructure(programme))
        return 0
    from .programme import describe_programme

    print(describe_programme(programme))
    return 0


def cmd_programme_check(args: argparse.Namespace) -> int:
    from .assignment import Assignment
    from .io import load

    programme = _programme(args.programme)
    assignment = load(Assignment, args.assignment) if args.assignment else programme.assignment
    if assignment is None:
        print(f"{programme.id} has no historical assignment; pass one with --assignment FILE")
        return 1
    violations = programme.check(assignment)
    for violation in violations:
        print(violation)
    if not violations:
        print(f"{programme.id}: the assignment meets every rule of the programme")
    return 1 if violations else 0


def cmd_programme_plan(args: argparse.Namespace) -> int:
    programme = _programme(args.programme)
    participants = None
    if args.participants:
        from .programme import load_participants

        participants = load_participants(args.participants)
    assignment = programme.plan(participants)
    if args.json:
        from .io import unstructure

        _print_json(unstructure(assignment))
        return 0
    from .assignment.cli import format_assignment

    print(f"{programme.title}: new assignment")
    print(format_assignment(assignment))
    if args.explain:
        for pid in assignment.participant_ids:
            print()
            print(assignment.explain(pid))
    return 0


def cmd_programme_roster(args: argparse.Namespace) -> int:
    from .io import load
    from .programme import Roster, check_roster

    failed = 0
    registry = _registry()
    for name in args.files:
        roster = load(Roster, name)
        programme = registry.programmes[roster.programme]
        violations = check_roster(roster, programme)
        people = ", ".join(f"{d.label(args.show_names)} [{d.role}]" for d in roster.delegates)
        print(f"{name}: {roster.participant} in {programme.id}: {len(roster.delegates)} delegates ({people})")
        for violation in violations:
            print(f"{name}: {violation}")
        failed += bool(violations)
    return 1 if failed else 0


def _add_programme_commands(sub: Any) -> None:
    p = sub.add_parser("programmes", help="list the installed quality-development programmes")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_programmes)

    prog = sub.add_parser("programme", help="show, check or re-plan one programme")
    psub = prog.add_subparsers(dest="programme_command", metavar="ACTION", required=True)
    p = psub.add_parser("show", help="the programme's facts, rules, phases, quotas and known assignment")
    p.add_argument("programme", metavar="ID")
    p.add_argument("--json", action="store_true", help="the programme as JSON data")
    p.set_defaults(handler=cmd_programme_show)
    p = psub.add_parser("check", help="check the historical assignment (or --assignment FILE) against the rules")
    p.add_argument("programme", metavar="ID")
    p.add_argument("--assignment", metavar="FILE", help="an assignment file (TOML/JSON) instead of the historical one")
    p.set_defaults(handler=cmd_programme_check)
    p = psub.add_parser("plan", help="compute a new optimal assignment under the programme's rules")
    p.add_argument("programme", metavar="ID")
    p.add_argument("--participants", metavar="FILE", help="a file with [[participants]] (default: the programme's own)")
    p.add_argument("--explain", action="store_true", help="explain every participant's result")
    p.add_argument("--json", action="store_true", help="the assignment as JSON data")
    p.set_defaults(handler=cmd_programme_plan)
    p = psub.add_parser("roster", help="check delegation rosters against the programme's quotas")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--show-names", action="store_true", help="print delegates' names (personal data)")
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


def _demo_programmes(registry: Any) -> None:
    """Check every historical assignment, then plan a needs-based round end to end."""
    from .assessment import priorities, score
    from .assignment import Participant, check
    from .template import sample_assessment

    if not registry.programmes:
        print("Programmes: none installed (skipped)\n")
        return
    print("Programmes and their historical assignments")
    for programme in sorted(registry.programmes.values(), key=lambda p: p.id):
        if programme.assignment is None:
            verdict = "no historical assignment known"
        else:
            violations = programme.check()
            verdict = "meets its own rules" if not violations else f"{len(violations)} violations"
        print(f"  {programme.id}: {verdict}")
    print()
    if "qdfh-2019" not in registry.programmes:
        return
    programme = registry.programmes["qdfh-2019"]
    framework = registry.framework(programme.framework, programme.framework_version)
    print(f"Needs-based planning with the rules of {programme.id}: 12 Kommunen assess themselves,")
    print("their weakest dimensions become their wishes, and the exact solver forms clusters.")
    mandatory = set(programme.rules.mandatory_topics)
    participants = []
    for seed, (pid, name, location) in enumerate(_DEMO_KOMMUNEN, start=1):
        card = score(sample_assessment(framework, subject=pid, subject_name=name, seed=seed), framework)
        wishes = tuple(d.dimension for d in priorities(card, 4) if d.dimension not in mandatory)[:3]
        participants.append(Participant(pid, name, location=location, preferences=wishes))
    assignment = programme.plan(participants)
    violations = check(assignment, participants, programme.rules)
    titles = {d.id: d.title for d in framework.dimensions}
    names = {p.id: p.name for p in participants}
    for group in assignment.groups:
        topics = " + ".join(titles.get(t, t) for t in group.topics)
        print(f"  {group.id}: {', '.join(names[m] for m in group.members)}  →  {topics}")
    print(f"  total preference rank {assignment.cost}; " + ("all rules met" if not violations else "RULES BROKEN"))
    print()


DEMO_STEPS.append(_demo_programmes)


def _programme_cls() -> type[Any]:
    from .programme import Programme

    return Programme


def _roster_cls() -> type[Any]:
    from .programme import Roster

    return Roster


DOCUMENT_KINDS.append(("programme", lambda data: "rules" in data and "framework" in data, _programme_cls))
DOCUMENT_KINDS.append(("roster", lambda data: "delegates" in data, _roster_cls))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except QFrameworkError as exc:
        if isinstance(exc, ValidationError):
            for line in exc.lines():
                print(line, file=sys.stderr)
        else:
            print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # pragma: no cover - e.g. `qframework show x | head`
        return 0
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
