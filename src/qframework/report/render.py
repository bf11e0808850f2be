"""``render_report``: one entry point that turns a report (or the results it is built from) into HTML or Markdown.

The same Jinja2 templates serve the command line and any web app; a directory named by the caller
overrides any of them by file name (``assessment.html``, ``cohort.md``, ``base.html``, …).
HTML templates autoescape everything; Markdown output escapes every value for Markdown *and*
HTML (a Markdown viewer passes HTML through), so text from a user's file never becomes markup.
Jinja2 is an optional extra (``pip install 'qframework[report]'``), imported on first use.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._args import expect_option
from ..errors import Problem, QFrameworkError, ValidationError
from ..i18n import gettext_, language, ngettext
from .data import AssessmentReport, AssignmentReport, CohortReport, ProgressReport, Report, view

if TYPE_CHECKING:
    from ..assessment import Assessment, Scorecard
    from ..assignment import Assignment, AssignmentRules, Participant
    from ..model import Framework

__all__ = ["FORMATS", "TEMPLATE_DIR", "markdown_escape", "render_report"]

#: The output formats and the suffix of their templates.
FORMATS: dict[str, str] = {"html": "html", "markdown": "md"}
#: The shipped templates.
TEMPLATE_DIR = Path(__file__).parent / "templates"

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\d+(?=[.)](?:\s|$))|)([#+\-=.)])(?=\s|$)")


def markdown_escape(value: object) -> str:
    """Text safe inside Markdown (also in a table cell): HTML metacharacters become entities,
    Markdown's punctuation is backslash-escaped, line breaks become spaces."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = " ".join(_MD_SPECIAL.sub(r"\\\1", text).split())
    return _MD_LINE_START.sub(r"\1\\\2", text)  # "# x" -> "\# x", "1. x" -> "1\. x", "1) x" -> "1\) x"


def text_bar(value: float | None, width: int = 10) -> str:
    """A score 0..1 as a bar of block characters for text formats (``▇▇▇▇▇▇····``); empty when unscored."""
    if value is None:
        return ""
    filled = round(max(0.0, min(1.0, value)) * width)
    return "▇" * filled + "·" * (width - filled)


def _jinja() -> Any:
    try:
        import jinja2
    except ImportError:  # pragma: no cover - the test environment has the extra
        raise QFrameworkError("reports need Jinja2: pip install 'qframework[report]'") from None
    return jinja2


@lru_cache(maxsize=16)
def _environment(fmt: str, templates: str | None) -> Any:
    jinja2 = _jinja()
    from markupsafe import Markup

    dirs = ([templates] if templates else []) + [str(TEMPLATE_DIR)]
    loader = jinja2.FileSystemLoader(dirs)
    i18n = ["jinja2.ext.i18n"]
    if fmt == "html":
        env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True, extensions=i18n)
    else:

        def finalize(value: object) -> object:
            if value is None:
                return ""
            return value if isinstance(value, Markup) else markdown_escape(value)

        env = jinja2.Environment(
            loader=loader, autoescape=False, finalize=finalize, trim_blocks=True, lstrip_blocks=True, extensions=i18n
        )
    env.undefined = jinja2.StrictUndefined
    # {{ _("…") }} and {% trans %} in a template: the one catalogue, in the language of the render call.
    env.install_gettext_callables(gettext_, ngettext, newstyle=True)
    env.filters["bar"] = text_bar
    return env


def _coerce(
    data: Any,
    framework: Framework | None,
    assessment: Assessment | None,
    participants: Sequence[Participant],
    rules: AssignmentRules | None,
) -> Report:
    if isinstance(data, AssessmentReport | ProgressReport | CohortReport | AssignmentReport):
        return data
    from ..assessment import Scorecard
    from ..assignment import Assignment

    if isinstance(data, Assignment):
        return AssignmentReport(data, tuple(participants), rules)
    cards: list[Scorecard] | None = None
    if isinstance(data, Scorecard):
        cards = [data]
    elif isinstance(data, Sequence) and data and all(isinstance(c, Scorecard) for c in data):
        cards = list(data)
    if cards is None:
        raise TypeError(
            "render_report: data must be a report (AssessmentReport, ProgressReport, CohortReport, AssignmentReport), "
            f"a Scorecard, a list of Scorecards or an Assignment; got {type(data).__name__}"
        )
    if framework is None:
        raise TypeError("render_report needs framework=… to render scorecards (level labels, titles, provenance)")
    if len(cards) == 1:
        return AssessmentReport(cards[0], framework, assessment)
    if len({c.subject.id for c in cards}) == 1:
        return ProgressReport(tuple(cards), framework)
    return CohortReport(tuple(cards), framework)


def render_report(
    data: Report | Scorecard | Sequence[Scorecard] | Assignment,
    *,
    format: Literal["html", "markdown"] = "html",
    lang: Literal["de", "en"] | str = "de",
    templates: str | os.PathLike[str] | None = None,
    framework: Framework | None = None,
    assessment: Assessment | None = None,
    participants: Sequence[Participant] = (),
    rules: AssignmentRules | None = None,
) -> str:
    """The report as one self-contained HTML page (CSS and SVG charts inline) or as Markdown.

    ``data`` is a report value (:class:`AssessmentReport`, :class:`ProgressReport`,
    :class:`CohortReport`, :class:`AssignmentReport`) or the results one is made from: a
    :class:`~qframework.assessment.Scorecard` (an assessment report; pass ``framework`` and, for
    evidence and comments, ``assessment``), a list of scorecards (one Kommune: progress; several:
    a cohort) or an :class:`~qframework.assignment.Assignment` (with ``participants`` and ``rules``).
    ``templates`` names a directory whose files override the shipped templates of the same name.
    """
    expect_option(format, FORMATS, "render_report")
    from .labels import REPORT_LANGUAGES

    expect_option(lang, REPORT_LANGUAGES, "render_report", "lang")
    report = _coerce(data, framework, assessment, participants, rules)
    if templates is not None and not Path(templates).is_dir():
        raise QFrameworkError(f"templates: {os.fspath(templates)} is not a directory")
    env = _environment(format, os.fspath(templates) if templates is not None else None)
    with language(lang):
        context = view(report, lang)
        name = f"{context['kind']}.{FORMATS[format]}"
        if templates is None:  # the shipped templates: an error there is a bug, with its traceback
            return str(env.get_template(name).render(**context))
        try:
            return str(env.get_template(name).render(**context))
        except Exception as exc:  # a user's template: a syntax error, an undefined name, a failing filter
            raise _template_problem(exc, os.fspath(templates), name) from None


def _template_problem(exc: Exception, folder: str, name: str) -> ValidationError:
    """A user template's error as a problem naming the template and, where Jinja knows it, the line."""
    from .._safe_text import escape_controls

    jinja2 = _jinja()
    file = getattr(exc, "filename", None) or str(Path(folder) / name)
    line = getattr(exc, "lineno", None)
    where = f"line {line}" if isinstance(line, int) else ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        code, detail = "template.syntax", str(exc.message or exc)
    elif isinstance(exc, jinja2.UndefinedError):
        code, detail = "template.undefined", str(exc.message or exc)
    elif isinstance(exc, jinja2.TemplateError):
        code, detail = "template.error", str(exc.message or exc)
    else:
        code, detail = "template.failed", f"{type(exc).__name__}: {exc}"
    return ValidationError([Problem.of(where, code, detail=escape_controls(detail)[:500])], str(file))
