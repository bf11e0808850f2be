"""Assessment commands: ``template``, ``score``, ``compare``; ``validate --complete`` and its notices.

A rating entry left blank is *not yet rated*: ``score`` scores what is rated and shows coverage,
``validate`` reports blanks as notices; ``--complete`` on either makes every blank an error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import QFrameworkError, ValidationError
from ..i18n import gettext_ as _
from ._common import COMMAND_GROUPS, DEMO_STEPS, DOCUMENT_KINDS, Handler, _count, _registry, _spread, _warn_failures
from .frameworks import _load_framework_arg


def _load_assessment_files(
    names: Sequence[str], registry: Any, complete: bool = False
) -> tuple[list[tuple[str, Any]], list[str]]:
    """Every assessment in the given files (single TOML/JSON or bulk JSON), and every problem line.

    With ``complete`` an entry not yet rated is a problem."""
    from ..assessment import load_assessment, load_assessments
    from ..io import format_for

    out: list[tuple[str, Any]] = []
    problems: list[str] = []
    for name in names:
        try:
            if name.lower().endswith(".json") and format_for(name) == "json" and _is_bulk(name):
                out += [(name, a) for a in load_assessments(name, registry=registry, complete=complete)]
            else:
                out.append((name, load_assessment(name, registry=registry, complete=complete)))
        except ValidationError as exc:
            problems += exc.with_file(exc.file or name).lines()
    return out, problems


def _is_bulk(name: str) -> bool:
    if not Path(name).is_file():  # a pipe or device is refused by the loader, never opened here
        return False
    try:
        with Path(name).open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    return b'"assessments"' in head


def _supplying_plugin(fw: Any) -> str | None:
    """The name of the plugin that registered ``fw``; ``None`` for a framework read from a file."""
    from ..errors import NotFound

    registry = _registry()
    try:
        installed = registry.framework(fw.id, fw.version)
    except NotFound:
        return None
    return str(registry.frameworks.provider(fw.id).name) if installed is fw else None


def cmd_template(args: argparse.Namespace) -> int:
    from ..io import atomic_write, format_for
    from ..report.text import format_template_written
    from ..template import assessment_template

    if args.format == "xlsx" or (args.output or "").lower().endswith(".xlsx"):
        from .excel import write_template

        return write_template(args)
    fmt = args.format or (format_for(args.output) if args.output else "toml")
    if args.output and args.format and format_for(args.output) != args.format:
        raise QFrameworkError(
            _("--format {format} does not fit the file name {file}").format(format=args.format, file=args.output)
        )
    fw = _load_framework_arg(args.framework, args.version)
    text = assessment_template(
        fw,
        format=fmt,
        raters=args.rater or ("rater-1",),
        subject=args.subject,
        period=args.period,
        plugin=_supplying_plugin(fw),
    )
    if args.output:
        atomic_write(args.output, text)
        print(format_template_written(args.output, sum(1 for _i in fw.indicators()), len(args.rater or [1])))
    else:
        sys.stdout.write(text)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from ..assessment import disagreements, score
    from ..io import dumps
    from ..report.text import format_pending, format_score_table, format_scorecard

    registry = _registry()
    _warn_failures(registry)
    items, problems = _load_assessment_files(args.files, registry, args.complete)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        return 1
    if args.combine:
        from .excel import combine_items

        items = combine_items(items)
    cards = [(name, score(a, aggregation=args.aggregation, registry=registry)) for name, a in items]
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
    titles = _dimension_titles(registry, [card for _name, card in cards])
    if len(cards) > 20 and not args.full:
        print(format_score_table([card for _name, card in cards], titles=titles))
        pending = format_pending([card for _name, card in cards])
        if pending:
            print(pending)
        return 0
    for i, (name, card) in enumerate(cards):
        if i:
            print("\n" + "-" * 100 + "\n")
        print(f"{name}:")
        print(format_scorecard(card, threshold=args.threshold, priorities_n=args.priorities, titles=titles))
        if card.unrated:
            print()
            print(format_pending([card]))
    return 0


def _dimension_titles(registry: Any, cards: Sequence[Any]) -> dict[str, str]:
    """Dimension and indicator id → title in the active language, from the frameworks the cards were scored on.

    Empty where the framework is not installed (the scorecards' own, German, titles are shown).
    """
    from ..report.text import content

    titles: dict[str, str] = {}
    for fid, version in {(c.framework, c.framework_version) for c in cards}:
        fw = registry.framework_versions.get((fid, version))
        if fw is not None:
            titles.update({d.id: content(d) for d in fw.dimensions})
            titles.update({i.id: content(i) for i in fw.indicators()})  # disagreements name indicators
    return titles


def cmd_compare(args: argparse.Namespace) -> int:
    from ..assessment import compare, load_assessment, score
    from ..io import dumps
    from ..report.text import format_comparison

    registry = _registry()
    _warn_failures(registry)
    before = score(load_assessment(args.before, registry=registry), registry=registry, aggregation=args.aggregation)
    after = score(load_assessment(args.after, registry=registry), registry=registry, aggregation=args.aggregation)
    result = compare(before, after)
    from .excel import table_format

    if table_format(args):
        from .excel import write_comparison

        return write_comparison(args, result)
    if args.json:
        sys.stdout.write(dumps(result, format="json"))
    else:
        print(format_comparison(result, titles=_dimension_titles(registry, [before, after])))
    return 0


def _add_assessment_commands(sub: Any) -> None:
    p = sub.add_parser("template", help=_("write a blank, commented assessment of a framework to fill in"))
    p.add_argument("framework", metavar="FRAMEWORK_ID", help=_("an installed framework id or a framework file"))
    p.add_argument("--version", dest="version", default=None, help=_("a specific installed version"))
    p.add_argument(
        "--format", choices=("toml", "json", "xlsx"), default=None, help=_("default: from -o's suffix, else toml")
    )
    p.add_argument("-o", "--output", default=None, metavar="FILE", help=_("write to FILE instead of standard output"))
    p.add_argument(
        "--rater",
        action="append",
        default=None,
        metavar="ID",
        help=_("a rater id (repeat for several; default rater-1)"),
    )
    p.add_argument("--subject", default="kommune", help=_("the subject (Kommune) id to put in"))
    p.add_argument("--period", default="2025", help=_("the period to put in"))
    p.set_defaults(handler=cmd_template)

    p = sub.add_parser("score", help=_("score assessment files: per dimension and overall, coverage, disagreements"))
    p.add_argument(
        "files", nargs="+", metavar="FILE", help=_("assessment files (.toml, .json, .xlsx) or bulk JSON files")
    )
    p.add_argument("--aggregation", default="mean", help=_("how raters combine per indicator (mean, median, plugins)"))
    p.add_argument("--threshold", type=_spread, default=0.4, help=_("spread from which raters disagree (default 0.4)"))
    p.add_argument("--priorities", type=_count, default=3, metavar="N", help=_("how many weakest dimensions to list"))
    p.add_argument("--full", action="store_true", help=_("a full scorecard for every assessment of a bulk file"))
    p.add_argument("--complete", action="store_true", help=_("refuse entries not yet rated (a finished assessment)"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    p.add_argument("--combine", action="store_true", help=_("join the files of one subject and period (one per rater)"))
    p.add_argument("--format", choices=("csv", "xlsx"), default=None, help=_("a table for Excel (csv: German Excel)"))
    p.add_argument("-o", "--output", default=None, metavar="FILE", help=_("write the table to FILE"))
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser("compare", help=_("progress between two assessments of one framework (before, after)"))
    p.add_argument("before", metavar="BEFORE")
    p.add_argument("after", metavar="AFTER")
    p.add_argument("--aggregation", default="mean")
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    p.add_argument("--format", choices=("csv", "xlsx"), default=None, help=_("a table for Excel (csv: German Excel)"))
    p.add_argument("-o", "--output", default=None, metavar="FILE", help=_("write the table to FILE"))
    p.set_defaults(handler=cmd_compare)

    validate = sub.choices.get("validate")  # the core command: assessments add --complete and notices
    if validate is not None:
        validate.add_argument(
            "--complete", action="store_true", help="assessments: every rating entry must be rated (blanks are errors)"
        )
        validate.set_defaults(handler=_validate_with_notices(validate.get_default("handler")))


def _validate_with_notices(validate: Handler) -> Handler:
    """``validate`` file by file; under ``--complete`` blanks are errors, otherwise notices after a valid file."""

    def cmd_validate(args: argparse.Namespace) -> int:
        from ..assessment.files import VALIDATE_COMPLETE

        failed = 0
        for name in args.files:
            token = VALIDATE_COMPLETE.set(bool(args.complete))
            try:
                code = validate(argparse.Namespace(**{**vars(args), "files": [name]}))
            finally:
                VALIDATE_COMPLETE.reset(token)
            failed |= code
            if code == 0 and not args.complete and not args.quiet:
                for line in _unrated_notices(name, args.kind):
                    print(line)
        return 1 if failed else 0

    return cmd_validate


def _unrated_notices(name: str, kind: str | None) -> list[str]:
    """``file: ratings[i].value: notice: not yet rated`` for each blank of a valid assessment file."""
    from ..assessment import loads_assessment, loads_assessments
    from ..assessment.files import read_bytes
    from ..io import format_for, parse

    try:
        if name.lower().endswith(".xlsx"):  # a filled-in workbook: always one assessment
            from ..assessment import load_assessment

            found = [("", load_assessment(name, check=False))]
            return _notice_lines(name, found)
        raw = read_bytes(name)
        fmt = format_for(name)
        data = parse(raw, format=fmt, file=name)
        kinds = [kind] if kind else DOCUMENT_KINDS.detect(data) if isinstance(data, dict) else []
        if kinds[:1] == ["assessment"]:
            found = [("", loads_assessment(raw, format=fmt, file=name, check=False))]
        elif kinds[:1] == ["assessments"]:
            found = [(f"assessments[{i}].", a) for i, a in enumerate(loads_assessments(raw, file=name, check=False))]
        else:
            return []
    except QFrameworkError:  # reported by validate itself
        return []
    return _notice_lines(name, found)


def _notice_lines(name: str, found: Sequence[tuple[str, Any]]) -> list[str]:
    lines = [f"{name}: {prefix}ratings[{i}].value: notice: not yet rated" for prefix, a in found for i in a.unrated]
    total = sum(len(a.ratings) for _, a in found)
    if lines:
        lines.append(
            f"{name}: notice: {len(lines)} of {total} rating entries not yet rated; they count against coverage "
            "(validate --complete demands every entry)"
        )
    return lines


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
    from ..report.text import format_demo_assessment
    from ..template import sample_assessment

    preferred = [fid for fid in ("nzfh-qualitaetsrahmen",) if fid in registry.frameworks]
    ids = preferred or sorted(registry.frameworks)
    if not ids:
        print(format_demo_assessment(None, None, (), ()) + "\n")
        return
    fw = registry.frameworks[ids[0]]
    card = score(sample_assessment(fw), fw, registry=registry)
    print(format_demo_assessment(fw, card, disagreements(card), priorities(card, 3)))
    print()


DEMO_STEPS.append(_assessment_demo)
