"""Assessment commands: ``template``, ``score``, ``compare``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import QFrameworkError, ValidationError
from ._common import COMMAND_GROUPS, DEMO_STEPS, DOCUMENT_KINDS, _count, _registry, _warn_failures
from .frameworks import _load_framework_arg


def _load_assessment_files(names: Sequence[str], registry: Any) -> tuple[list[tuple[str, Any]], list[str]]:
    """Every assessment in the given files (single TOML/JSON or bulk JSON), and every problem line."""
    from ..assessment import load_assessment, load_assessments
    from ..io import format_for

    out: list[tuple[str, Any]] = []
    problems: list[str] = []
    for name in names:
        try:
            if name.lower().endswith(".json") and format_for(name) == "json" and _is_bulk(name):
                out += [(name, a) for a in load_assessments(name, registry=registry)]
            else:
                out.append((name, load_assessment(name, registry=registry)))
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
    from ..io import atomic_write, format_for
    from ..template import assessment_template

    if args.format == "xlsx" or (args.output or "").lower().endswith(".xlsx"):
        from .excel import write_template

        return write_template(args)
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
    from ..assessment import disagreements, score
    from ..io import dumps
    from ..report.text import format_scorecard

    registry = _registry()
    _warn_failures(registry)
    items, problems = _load_assessment_files(args.files, registry)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        return 1
    if args.combine:
        from .excel import combine_items

        items = combine_items(items)
    cards = [(name, score(a, registry, aggregation=args.aggregation, registry=registry)) for name, a in items]
    from .excel import table_format

    if table_format(args):
        from .excel import write_scores

        return write_scores(args, [card for _, card in cards], registry)
    if args.json:
        results = [
            {"file": name, "scorecard": card, "disagreements": disagreements(card, args.threshold)}
            for name, card in cards
        ]
        sys.stdout.write(dumps(results, format="json"))
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
    from ..assessment import compare, load_assessment, score
    from ..io import dumps
    from ..report.text import format_comparison

    registry = _registry()
    _warn_failures(registry)
    before = score(load_assessment(args.before, registry=registry), registry, aggregation=args.aggregation)
    after = score(load_assessment(args.after, registry=registry), registry, aggregation=args.aggregation)
    result = compare(before, after)
    from .excel import table_format

    if table_format(args):
        from .excel import write_comparison

        return write_comparison(args, result)
    if args.json:
        sys.stdout.write(dumps(result, format="json"))
    else:
        print(format_comparison(result))
    return 0


def _add_assessment_commands(sub: Any) -> None:
    p = sub.add_parser("template", help="write a blank, commented assessment of a framework to fill in")
    p.add_argument("framework", metavar="FRAMEWORK_ID", help="an installed framework id or a framework file")
    p.add_argument("--version", dest="version", default=None, help="a specific installed version")
    p.add_argument(
        "--format", choices=("toml", "json", "xlsx"), default=None, help="default: from -o's suffix, else toml"
    )
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument(
        "--rater", action="append", default=None, metavar="ID", help="a rater id (repeat for several; default rater-1)"
    )
    p.add_argument("--subject", default="kommune", help="the subject (Kommune) id to put in")
    p.add_argument("--period", default="2025", help="the period to put in")
    p.set_defaults(handler=cmd_template)

    p = sub.add_parser("score", help="score assessment files: per dimension and overall, coverage, disagreements")
    p.add_argument("files", nargs="+", metavar="FILE", help="assessment files (.toml, .json, .xlsx) or bulk JSON files")
    p.add_argument("--aggregation", default="mean", help="how raters combine per indicator (mean, median, plugins)")
    p.add_argument("--threshold", type=float, default=0.4, help="spread from which raters disagree (default 0.4)")
    p.add_argument("--priorities", type=_count, default=3, metavar="N", help="how many weakest dimensions to list")
    p.add_argument("--full", action="store_true", help="a full scorecard for every assessment of a bulk file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--combine", action="store_true", help="join the files of one subject and period (one per rater)")
    p.add_argument("--format", choices=("csv", "xlsx"), default=None, help="a table for Excel (csv: German Excel)")
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write the table to FILE")
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser("compare", help="progress between two assessments of one framework (before, after)")
    p.add_argument("before", metavar="BEFORE")
    p.add_argument("after", metavar="AFTER")
    p.add_argument("--aggregation", default="mean")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--format", choices=("csv", "xlsx"), default=None, help="a table for Excel (csv: German Excel)")
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write the table to FILE")
    p.set_defaults(handler=cmd_compare)


COMMAND_GROUPS.append(_add_assessment_commands)


def _assessment_kind(data: dict[str, Any]) -> bool:
    if "assessments" in data or "dimensions" in data:
        return False
    return "ratings" in data or ("framework_id" in data and "subject" in data)


def _assessment_cls() -> type[Any]:
    from ..assessment import AssessmentFile

    return AssessmentFile


def _assessment_batch_cls() -> type[Any]:
    from ..assessment import AssessmentBatch

    return AssessmentBatch


DOCUMENT_KINDS.append(("assessment", _assessment_kind, _assessment_cls))
DOCUMENT_KINDS.append(("assessments", lambda data: "assessments" in data, _assessment_batch_cls))


def _assessment_demo(registry: Any) -> None:
    """Score a generated self-assessment (three raters) against an installed framework."""
    from ..assessment import disagreements, priorities, score
    from ..template import sample_assessment

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
