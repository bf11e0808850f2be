"""Crosswalk commands: ``crosswalks``, ``crosswalk show ID`` and ``crosswalk translate FILE ID``.

The text comes from :mod:`qframework.report.text` (one language per run); ``--json`` prints the
result values through the one converter: :class:`~qframework.crosswalk.CrosswalkSummary` rows,
the :class:`~qframework.crosswalk.Crosswalk` itself, the
:class:`~qframework.crosswalk.TranslationReport`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import QFrameworkError
from ..i18n import active_language
from ..i18n import gettext_ as _
from ._common import COMMAND_GROUPS, DOCUMENT_KINDS, _print_json, _print_listing, _registry, _warn_failures


def cmd_crosswalks(args: argparse.Namespace) -> int:
    from ..crosswalk import CrosswalkSummary
    from ..report.text import format_crosswalks

    return _print_listing(args, _registry(), "crosswalks", CrosswalkSummary.of, format_crosswalks)


def cmd_crosswalk_show(args: argparse.Namespace) -> int:
    from ..crosswalk import check_crosswalk, coverage
    from ..report.text import format_crosswalk, format_crosswalk_problems

    registry = _registry()
    crosswalk = registry.crosswalks[args.crosswalk]
    if args.inverse:
        crosswalk = crosswalk.inverse()
    if args.json:
        _print_json(crosswalk)
        return 0
    problems = check_crosswalk(crosswalk, registry=registry)
    if problems:
        print(format_crosswalk_problems(crosswalk, problems))
        return 1
    source = registry.framework(crosswalk.source.framework, crosswalk.source.version)
    target = registry.framework(crosswalk.target.framework, crosswalk.target.version)
    print(format_crosswalk(crosswalk, source, target, coverage(crosswalk, source, target)))
    return 0


def _report_format(path: str) -> str:
    return "markdown" if Path(path).suffix.lower() in (".md", ".markdown") else "html"


def cmd_crosswalk_translate(args: argparse.Namespace) -> int:
    """Translate one assessment; write it with ``-o``, its report with ``--report``; print the loss report."""
    from ..crosswalk import translate
    from ..io import save
    from ..report.text import content, format_translated_written, format_translation, format_translation_not_written
    from .assessment import _load_assessment_files

    registry = _registry()
    _warn_failures(registry)
    crosswalk = registry.crosswalks[args.crosswalk]
    if args.inverse:
        crosswalk = crosswalk.inverse()
    items, problems = _load_assessment_files([args.file], registry)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        return 1
    if len(items) != 1:
        raise QFrameworkError(
            _("crosswalk translate needs a file with one assessment, {file} holds {n}").format(
                file=args.file, n=len(items)
            )
        )
    result = translate(items[0][1], crosswalk, registry=registry, aggregation=args.aggregation)
    if args.output:
        save(result.assessment, args.output)
    if args.report:
        _write_report(args.report, result, registry, args.aggregation)
    if args.json:
        _print_json(result.report)
        return 0
    titles: dict[str, str] = {}
    for side in (result.report.source, result.report.target):
        try:
            framework = registry.framework(side.framework, side.version)
        except QFrameworkError:
            continue
        titles.update({i.id: content(i) for i in framework.indicators()})
    print(format_translation(result.report, titles=titles))
    if args.output:
        print(format_translated_written(args.output, len(result.assessment.ratings), str(result.report.target)))
    else:
        print(format_translation_not_written())
    if args.report:
        print(
            _("wrote {file} ({kind} report, {format}, {lang})").format(
                file=args.report, kind="assessment", format=_report_format(args.report), lang=active_language()
            )
        )
    return 0


def _write_report(path: str, result: Any, registry: Any, aggregation: str) -> None:
    """The report of the translated assessment, with the notice that says where it came from and what was lost."""
    from ..assessment import score
    from ..io import atomic_write
    from ..report.data import AssessmentReport
    from ..report.render import render_report

    card = score(result.assessment, aggregation=aggregation, registry=registry)
    framework = registry.framework(card.framework, card.framework_version)
    report = AssessmentReport(card, framework, result.assessment, translation=result.report)
    fmt = _report_format(path)
    atomic_write(path, render_report(report, format=fmt, lang=active_language()))  # type: ignore[arg-type]


def _add_crosswalk_commands(sub: Any) -> None:
    p = sub.add_parser("crosswalks", help=_("list the installed crosswalks between frameworks"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    p.set_defaults(handler=cmd_crosswalks)

    cw = sub.add_parser("crosswalk", help=_("show a crosswalk, or carry an assessment across one"))
    csub = cw.add_subparsers(dest="crosswalk_command", metavar="ACTION", required=True)
    p = csub.add_parser("show", help=_("the relations both ways, each with its rationale, and what maps to nothing"))
    p.add_argument("crosswalk", metavar="ID")
    p.add_argument("--inverse", action="store_true", help=_("read the crosswalk from its target to its source"))
    p.add_argument("--json", action="store_true", help=_("the crosswalk as JSON data"))
    p.set_defaults(handler=cmd_crosswalk_show)

    p = csub.add_parser(
        "translate", help=_("carry an assessment to the crosswalk's target framework and say what was lost")
    )
    p.add_argument("file", metavar="FILE", help=_("an assessment of the crosswalk's source framework"))
    p.add_argument("crosswalk", metavar="ID")
    p.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="OUT",
        help=_("write the translated assessment (TOML or JSON by suffix)"),
    )
    p.add_argument(
        "--report",
        default=None,
        metavar="FILE",
        help=_("write the translated assessment's report, with where it came from (HTML, or Markdown for .md)"),
    )
    p.add_argument("--inverse", action="store_true", help=_("translate from the crosswalk's target to its source"))
    p.add_argument(
        "--aggregation", default="mean", help=_("how several source ratings combine (mean, median, plugins)")
    )
    p.add_argument("--json", action="store_true", help=_("the translation report as JSON data"))
    p.set_defaults(handler=cmd_crosswalk_translate)


COMMAND_GROUPS.append(_add_crosswalk_commands)


def _crosswalk_cls() -> type[Any]:
    from ..crosswalk import Crosswalk

    return Crosswalk


DOCUMENT_KINDS.append(("crosswalk", lambda data: "entries" in data and "target" in data, _crosswalk_cls))
