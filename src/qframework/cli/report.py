"""``qframework report KIND …``: HTML or Markdown reports, and the demo's report folder.

Kinds: ``assessment`` (one assessment file, or one ``--subject``/``--period`` of a bulk file),
``progress`` (several periods of one Kommune), ``cohort`` (a bulk file: the distribution across
Kommunen), ``assignment`` (an assignment-problem file; solved when it holds no ``[assignment]``)
and ``programme`` (an installed programme's assignment, planned when none is known).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from ..errors import QFrameworkError
from ..i18n import active_language, ngettext
from ..i18n import gettext_ as _
from ._common import COMMAND_GROUPS, DEMO_STEPS, _registry, _spread, _warn_failures

KINDS = ("assessment", "progress", "cohort", "assignment", "programme")

# Where the demo writes its report folder; set by the demo's --out (see _add_report_commands).
_demo_out: ContextVar[str | None] = ContextVar("qframework_demo_out", default=None)


class _FileProblems(QFrameworkError):
    """The files did not load: one ``file: path: message`` line per problem, printed as they are."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(f"{len(lines)} problems")
        self.lines = lines


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output and Path(args.output).suffix.lower() in (".md", ".markdown"):
        return "markdown"
    return "html"


def _assessments(args: argparse.Namespace, registry: Any) -> list[Any]:
    from .assessment import _load_assessment_files

    if not args.files:
        raise QFrameworkError(_("report {kind} needs one or more assessment files").format(kind=args.kind))
    items, problems = _load_assessment_files(args.files, registry)
    if problems:
        raise _FileProblems(problems)
    if getattr(args, "combine", False):  # as score --combine: one file per rater, one per subject and period
        from .excel import combine_items

        items = combine_items(items)
    found = [a for _, a in items]
    if args.subject is not None:
        found = [a for a in found if a.subject.id == args.subject]
        if not found:
            from ..errors import NotFound

            raise NotFound.unknown("subject", args.subject, sorted({a.subject.id for _, a in items}))
    return found


def _report(args: argparse.Namespace) -> Any:
    from ..report.data import AssessmentReport, CohortReport, ProgressReport

    if args.kind in ("assignment", "programme"):
        return _assignment_report(args)
    registry = _registry()
    _warn_failures(registry)
    from ..assessment import score

    found = _assessments(args, registry)
    if args.kind == "assessment":
        if args.period is not None:
            found = [a for a in found if a.period == args.period]
        if len(found) != 1:
            keys = ", ".join(f"{s} {p}" for s, p in sorted(a.key for a in found)[:6])
            raise QFrameworkError(
                f"report assessment needs exactly one assessment, the files hold {len(found)}"
                + (f" ({keys}{', …' if len(found) > 6 else ''}); choose with --subject and --period" if found else "")
                + (
                    "; files of one subject and period from several raters become one with --combine"
                    if len({a.key for a in found}) < len(found) and not getattr(args, "combine", False)
                    else ""
                )
            )
        a = found[0]
        card = score(a, aggregation=args.aggregation, registry=registry)
        fw = registry.framework(card.framework, card.framework_version)
        return AssessmentReport(card, fw, a, threshold=args.threshold, priorities=args.priorities)
    from ..assessment import score_all

    cards = score_all(found, registry=registry, aggregation=args.aggregation)
    if not cards:
        raise QFrameworkError(_("the files hold no assessment"))
    fw = registry.framework(cards[-1].framework, max(c.framework_version for c in cards))
    if args.kind == "progress":
        return ProgressReport(tuple(cards), fw)
    return CohortReport(tuple(cards), fw, period=args.period, names=args.names, highlight=args.highlight)


def _refuse_violations(assignment: Any, participants: Any, rules: Any, subject: str) -> None:
    """A given assignment is reported only when it keeps its rules: ``check`` says what it breaks."""
    from ..assignment.checking import check_assignment
    from ..report.text import format_check

    violations = check_assignment(assignment, participants, rules)
    if violations:
        raise QFrameworkError(format_check(violations, subject))


def _assignment_report(args: argparse.Namespace) -> Any:
    from ..report.data import AssignmentReport

    if args.kind == "programme":
        if len(args.files) != 1:
            raise QFrameworkError(_("report programme needs one installed programme id"))
        programme = _registry().programmes[args.files[0]]
        participants = programme.participants or ()
        if programme.assignment is not None:
            _refuse_violations(programme.assignment, participants, programme.rules, programme.id)
        assignment = programme.assignment if programme.assignment is not None else programme.plan()
        return AssignmentReport(assignment, participants, programme.rules, title=programme.title)
    if len(args.files) != 1:
        raise QFrameworkError(_("report assignment needs one file with [rules] and [[participants]]"))
    from ..assignment.files import load_assignment_problem

    problem = load_assignment_problem(args.files[0])
    assignment = problem.assignment
    if assignment is not None:
        _refuse_violations(assignment, problem.participants, problem.rules, args.files[0])
    if assignment is None:
        from ..assignment.solve import assign

        assignment = assign(problem.participants, problem.rules)
    return AssignmentReport(assignment, problem.participants, problem.rules, title=problem.title)


def cmd_report(args: argparse.Namespace) -> int:
    from ..io import atomic_write
    from ..report.render import render_report

    fmt = _format(args)
    try:
        report = _report(args)
    except _FileProblems as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 1
    lang = active_language()
    text = render_report(report, format=fmt, lang=lang, templates=args.templates)  # type: ignore[arg-type]
    if args.output:
        atomic_write(args.output, text)
        print(
            _("wrote {file} ({kind} report, {format}, {lang})").format(
                file=args.output, kind=args.kind, format=fmt, lang=lang
            )
        )
    else:
        sys.stdout.write(text)
    return 0


def _add_report_commands(sub: Any) -> None:
    p = sub.add_parser(
        "report", help=_("an HTML or Markdown report: assessment, progress, cohort, assignment or programme")
    )
    p.add_argument("kind", choices=KINDS, help=_("what the report is about"))
    p.add_argument(
        "files", nargs="*", metavar="FILE_OR_ID", help=_("assessment or bulk files; an assignment file; a programme id")
    )
    p.add_argument(
        "--format", choices=("html", "markdown"), default=None, help=_("default: from -o's suffix, else html")
    )
    p.add_argument("-o", "--output", default=None, metavar="FILE", help=_("write to FILE instead of standard output"))
    p.add_argument(
        "--templates", default=None, metavar="DIR", help=_("a directory whose templates override the shipped")
    )
    p.add_argument("--subject", default=None, metavar="ID", help=_("only this Kommune's assessments"))
    p.add_argument("--period", default=None, help=_("assessment: the period to report; cohort: default the latest"))
    p.add_argument(
        "--combine",
        action="store_true",
        help=_("join the files of one subject and period (one per rater), as score --combine does"),
    )
    p.add_argument("--names", action="store_true", help=_("cohort: name the Kommunen (not shown by default)"))
    p.add_argument("--highlight", default=None, metavar="ID", help=_("cohort: mark this Kommune in the distribution"))
    p.add_argument("--aggregation", default="mean", help=_("how raters combine per indicator (mean, median, plugins)"))
    p.add_argument("--threshold", type=_spread, default=0.4, help=_("spread from which raters disagree (default 0.4)"))
    p.add_argument("--priorities", type=int, default=3, metavar="N", help=_("how many weakest dimensions to list"))
    p.set_defaults(handler=cmd_report)

    demo = sub.choices.get("demo")
    if demo is not None:  # the demo writes its report folder where --out says
        demo.add_argument("--out", default=None, metavar="DIR", help=_("where to write the demo's report folder"))
        inner = demo.get_default("handler")

        def run_demo(args: argparse.Namespace) -> int:
            token = _demo_out.set(args.out)
            try:
                return int(inner(args))
            finally:
                _demo_out.reset(token)

        demo.set_defaults(handler=run_demo)


COMMAND_GROUPS.append(_add_report_commands)


def write_demo_reports(registry: Any, out: str | Path) -> list[Path]:
    """The demo's report folder: assessment, progress, cohort and assignment, each as HTML and Markdown."""
    from ..assessment import score
    from ..io import atomic_write
    from ..report.data import AssessmentReport, AssignmentReport, CohortReport, ProgressReport
    from ..report.render import render_report
    from ..template import sample_assessment
    from .programme import _DEMO_KOMMUNEN, demo_plan

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    fw = registry.frameworks["nzfh-qualitaetsrahmen"]
    reports: dict[str, Any] = {}
    sample = sample_assessment(fw)
    reports["assessment"] = AssessmentReport(score(sample, fw), fw, sample)
    years = [sample_assessment(fw, period=str(2022 + i), seed=10 + i) for i in range(4)]
    reports["progress"] = ProgressReport(tuple(score(a, fw) for a in years), fw)
    cards = [
        score(sample_assessment(fw, subject=pid, subject_name=name, seed=seed), fw)
        for seed, (pid, name, _location) in enumerate(_DEMO_KOMMUNEN, start=1)
    ]
    reports["cohort"] = CohortReport(tuple(cards), fw, highlight=_DEMO_KOMMUNEN[0][0])
    plan = demo_plan(registry)
    if plan is not None:  # the plan the demo printed, not another one
        programme, people, assignment = plan
        reports["assignment"] = AssignmentReport(assignment, tuple(people), programme.rules, title=programme.title)
    written = []
    for kind, report in reports.items():
        for fmt, suffix in (("html", "html"), ("markdown", "md")):
            path = folder / f"{kind}.{suffix}"
            text = render_report(report, format=fmt, lang=active_language())  # type: ignore[arg-type]
            atomic_write(path, text)
            written.append(path)
    try:
        import openpyxl  # noqa: F401
    except ImportError:  # the Excel files need the excel extra; the reports stand without them
        return written
    from ..excel import save_assessment_workbook

    rater = sample.raters[0].id
    plugin = registry.frameworks.provider(fw.id).name
    blank, example = folder / "vorlage.xlsx", folder / f"beispiel-{rater}.xlsx"
    save_assessment_workbook(fw, blank, rater=rater, subject=sample.subject.id, period=sample.period, plugin=plugin)
    save_assessment_workbook(fw, example, rater=rater, filled=sample, plugin=plugin)
    return [*written, blank, example]


def _report_demo(registry: Any) -> None:
    """Write the demo's results as a report folder and say where."""
    if "nzfh-qualitaetsrahmen" not in registry.frameworks:
        print(_("Reports: skipped (the Qualitätsrahmen plugin is not installed)") + "\n")
        return
    try:
        import jinja2  # noqa: F401
    except ImportError:
        print(_("Reports: skipped (pip install 'qframework[report]')") + "\n")
        return
    out = _demo_out.get() or tempfile.mkdtemp(prefix="qframework-demo-report-")
    written = write_demo_reports(registry, out)
    print(
        ngettext(
            "Reports: {n} file (assessment, progress, cohort, assignment as HTML and Markdown; Excel template and "
            "filled example)",
            "Reports: {n} files (assessment, progress, cohort, assignment as HTML and Markdown; Excel template and "
            "filled example)",
            len(written),
        ).format(n=len(written))
    )
    print("  " + _("report folder: {folder}").format(folder=Path(out).resolve()))
    if any(path.name == "assignment.html" for path in written):
        print("  " + _("assignment.html shows the planning round above: the same groups, with a map"))
    print(
        "  "
        + _("open {file} in a browser; print it for the committee (A4)").format(
            file=Path(out).resolve() / "assessment.html"
        )
    )
    print()


DEMO_STEPS.append(_report_demo)
