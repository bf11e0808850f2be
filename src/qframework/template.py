"""Blank assessment templates a person can fill in: ``qframework template FRAMEWORK_ID``.

The TOML template lists every indicator with its title, scale levels, whether not-applicable is
allowed and its tiers, as comments above a ``[[ratings]]`` entry per rater. Its header says where
the framework's content comes from (publisher, provenance, sources, and the plugin that supplied
the data), and every dimension and indicator is marked with the provenance of its own text: its
kind, who wrote it (the supplying plugin, not "qframework": a third-party plugin's author writes
its texts) and its note. A filled-in template must not pass written texts off as the publisher's
words. Filling in a template means writing ``value = <level>`` (or ``not_applicable = true``) into
each entry, over weeks if need be: an entry left blank is *not yet rated*, and the file loads and
scores at any stage (blanks count against coverage); ``complete=True`` / ``--complete`` demand
every entry.
"""

from __future__ import annotations

import json
import random
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._args import expect, expect_option
from .i18n import N_, active_language, format_number, provenance_label
from .i18n import gettext_ as _
from .io import dumps
from .model import Framework, Indicator, Provenance, Scale

if TYPE_CHECKING:
    from .assessment import Assessment

__all__ = ["assessment_template", "sample_assessment"]

#: Said once in a template that is not German: the framework's texts are the plugin's German ones.
CONTENT_LANGUAGE_NOTE = N_("The framework's texts are in German, the language the plugin supplies them in.")


def _s(text: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML); DEL, C1 and bidi controls escaped too."""
    from ._safe_text import escape_controls

    # json.dumps escapes the C0 controls; what is left (DEL, C1, bidi) becomes \u escapes too.
    return escape_controls(json.dumps(text, ensure_ascii=False), toml=True)


def _one_line(text: str) -> str:
    """Text for a comment line: whitespace runs as one space, control and bidi characters escaped."""
    from ._safe_text import escape_controls

    return escape_controls(" ".join(text.split()))


def _scale_line(scale: Scale) -> str:
    levels = " · ".join(f"{lv.value} = {_one_line(lv.label)}" for lv in scale.levels)
    na = _("not_applicable = true allowed") if scale.allow_not_applicable else _("not applicable is not allowed")
    return _("Scale {id}: {levels}; {na}").format(id=scale.id, levels=levels, na=na)


def _supplier(plugin: str | None) -> str:
    """Who wrote the data's own texts: the supplying plugin, else the framework data's authors."""
    return _("plugin {plugin}").format(plugin=plugin) if plugin else _("the authors of this framework data")


def _provenance_tag(framework: Framework, p: Provenance | None, plugin: str | None = None) -> str:
    """``[written by the plugin (no source): plugin kqs]``, ``[paraphrased from the source: <title>]``, …

    The kind is shown by its label (:data:`qframework.i18n.PROVENANCE_LABELS`), never raw. Quoted and
    paraphrased texts name their source; inferred and authored ones name who wrote them, the
    supplying plugin (``plugin``), since the framework data is that plugin's work.
    """
    if p is None:
        return "[" + provenance_label("missing") + "]"
    titles = {s.id: s.title for s in framework.sources}
    source = _one_line(titles.get(p.source, p.source)) if p.source else ""
    if p.kind in ("quoted", "paraphrased") and source:
        text = f"{provenance_label(p.kind)}: {source}"
    else:
        text = f"{provenance_label(p.kind)}: {_supplier(plugin)}"
        if source:
            text += "; " + _("based on {source}").format(source=source)
    if p.title_kind and p.title_kind != p.kind:
        text += "; " + _("title: {kind}").format(kind=provenance_label(p.title_kind))
    return f"[{text}]"


def _note_lines(p: Provenance | None, indent: str) -> list[str]:
    """The provenance note, wrapped as comment lines (empty without a note)."""
    if p is None or not p.note.strip():
        return []
    label = _("note:") + " "
    return textwrap.wrap(
        _one_line(p.note),
        100,
        initial_indent=f"#{indent}{label}",
        subsequent_indent=f"#{indent}" + " " * len(label),
        break_on_hyphens=False,
    )


def _provenance_header(framework: Framework, plugin: str | None) -> list[str]:
    published = (
        ", " + _("published by {publisher}").format(publisher=_one_line(framework.publisher))
        if framework.publisher
        else ""
    )
    tag = _provenance_tag(framework, framework.provenance, plugin)
    if plugin:
        whose = _(
            "The dimension and indicator texts below are data supplied by the plugin {plugin}, "
            "not the publisher's own document."
        ).format(plugin=plugin)
    else:
        whose = _(
            "The dimension and indicator texts below are the data of this framework file, "
            "not the publisher's own document."
        )
    legend = [
        _("{label} = the source's own words").format(label=provenance_label("quoted")),
        _("{label} = the source's content in other words").format(label=provenance_label("paraphrased")),
        _("{label} = a reading no source states").format(label=provenance_label("inferred")),
        _("{label} = written without a source text").format(label=provenance_label("authored")),
    ]
    lines = [
        "# " + _("Where this content comes from:"),
        "#   " + _("Framework: {title}").format(title=_one_line(framework.title)) + f"{published}  {tag}",
        *_note_lines(framework.provenance, "     "),
        "#   " + whose,
        "#   "
        + _("Each text is marked with its provenance; only texts marked [{label}: …] are the source's words:").format(
            label=provenance_label("quoted")
        ),
        *("#     " + line for line in legend),
        "#   "
        + _("The framework with the provenance of every element: {command}").format(
            command=f"qframework show -d {framework.id}"
        ),
    ]
    if framework.sources:
        lines.append("#   " + _("Sources:"))
        lines += [f"#     {s.id}: {_one_line(s.title)}" + (f" {s.url}" if s.url else "") for s in framework.sources]
    return lines


def _indicator_comment(framework: Framework, ind: Indicator, plugin: str | None) -> list[str]:
    lines = [
        f"# {ind.id}: {_one_line(ind.title)}",
        "#   " + _("provenance: {tag}").format(tag=_provenance_tag(framework, ind.provenance, plugin)),
        *_note_lines(ind.provenance, "     "),
    ]
    if ind.weight != 1.0:
        lines.append("#   " + _("weight {weight}").format(weight=format_number(ind.weight, None)))
    lines.append(f"#   {_scale_line(framework.scale_of(ind))}")
    if ind.tiers:
        tiers = ", ".join(f'"{t.id}" = {_one_line(t.title)}' for t in ind.tiers)
        lines.append("#   " + _("tiers (optional: tier = …): {tiers}").format(tiers=tiers))
    return lines


def assessment_template(
    framework: Framework,
    *,
    format: str = "toml",
    raters: Sequence[str] = ("rater-1",),
    subject: str = "kommune",
    period: str = "2025",
    plugin: str | None = None,
) -> str:
    """A blank assessment of ``framework`` with one rating entry per indicator and rater.

    ``plugin`` names the plugin that supplied the framework (``registry.frameworks.provider(id).name``):
    texts its data marks as authored or inferred are labelled as written by that plugin. Without it
    (a framework read from a file) they are labelled as written by the framework data's authors.
    """
    expect(framework, Framework, "assessment_template", "framework")
    expect_option(format, ("toml", "json"), "assessment_template")
    if format == "json":
        return _json_template(framework, raters, subject, period)
    instructions = _(
        "Fill in the subject, period and raters, then in every [[ratings]] entry write either\n"
        "  value = <level of the scale>     or     not_applicable = true\n"
        'Optional per rating: evidence = "…", comment = "…". An entry left blank is not yet rated:\n'
        "the file can be checked and scored at any stage (blanks count against coverage), and\n"
        "--complete demands every entry once the assessment is finished.\n"
        "Check the file with: qframework validate FILE    Score it with: qframework score FILE"
    )
    out = [
        "# "
        + _("Self-assessment: {title} ({id} {version})").format(
            title=_one_line(framework.title), id=framework.id, version=framework.version
        ),
        "#",
        *("# " + line for line in instructions.splitlines()),
        "#",
        *_provenance_header(framework, plugin),
        *(["#", "# " + _(CONTENT_LANGUAGE_NOTE)] if active_language() != "de" else []),
        "",
        f"framework_id = {_s(framework.id)}",
        f"framework_version = {_s(framework.version)}",
        f"period = {_s(period)}  # " + _('e.g. "2025" or "2025-H1"'),
        'notes = ""',
        '# success_definition = ""  # ' + _('KQS-style frameworks: the organisation\'s "Definition gelungener …"'),
        "",
        "[subject]",
        f"id = {_s(subject)}  # " + _("a stable id: lower-case letters, digits, '-'"),
        'name = ""',
        "",
    ]
    for rater in raters:
        out += [
            "[[raters]]",
            f"id = {_s(rater)}",
            'role = ""  # ' + _("e.g. network coordination, family midwife, parents' representative"),
            "",
        ]
    for dim in framework.dimensions:
        tag = _provenance_tag(framework, dim.provenance, plugin)
        heading = f"# {dim.number} {_one_line(dim.title)}  ({dim.id})  {tag}"
        out += [f"# {'=' * 96}", heading, *_note_lines(dim.provenance, "   "), f"# {'=' * 96}", ""]
        for ind in dim.indicators:
            out += _indicator_comment(framework, ind, plugin)
            for rater in raters:
                out += ["[[ratings]]", f"indicator = {_s(ind.id)}", f"rater = {_s(rater)}", "# value =", ""]
    return "\n".join(out)


def _json_template(framework: Framework, raters: Sequence[str], subject: str, period: str) -> str:
    """JSON has no comments: the same entries, with ``"value": null`` (not yet rated) to fill in."""
    doc: dict[str, Any] = {
        "framework_id": framework.id,
        "framework_version": framework.version,
        "subject": {"id": subject, "name": ""},
        "period": period,
        "raters": [{"id": r, "role": ""} for r in raters],
        "ratings": [{"indicator": ind.id, "rater": r, "value": None} for ind in framework.indicators() for r in raters],
    }
    return dumps(doc, format="json")  # the one writer; a template is not yet an Assessment (values are null)


def sample_assessment(
    framework: Framework,
    *,
    subject: str = "beispiel-kommune",
    subject_name: str = "Beispielkommune",
    period: str = "2025",
    raters: Sequence[tuple[str, str]] = (
        ("koordination", "Netzwerkkoordination"),
        ("familienhebamme", "Familienhebamme"),
        ("elternvertretung", "Elternvertretung"),
    ),
    seed: int = 1,
    not_applicable: float = 0.05,
) -> Assessment:
    """A made-up but plausible filled-in assessment, for demos and tutorials (seeded, deterministic).

    Each rater has a leaning; each dimension a level; values scatter around both. About
    ``not_applicable`` of the ratings are not applicable where the scale allows it.
    """
    from .assessment import Assessment, Rater, Rating, Subject

    rnd = random.Random(seed)
    lean = {rid: rnd.uniform(-0.15, 0.15) for rid, _role in raters}
    ratings: list[Rating] = []
    for dim in framework.dimensions:
        level = rnd.uniform(0.25, 0.85)
        for ind in dim.indicators:
            scale = framework.scale_of(ind)
            values = [lv.value for lv in scale.levels]
            for rid, _role in raters:
                if scale.allow_not_applicable and rnd.random() < not_applicable:
                    ratings.append(Rating(ind.id, not_applicable=True, rater=rid))
                    continue
                x = min(1.0, max(0.0, level + lean[rid] + rnd.gauss(0, 0.18)))
                ratings.append(Rating(ind.id, values[round(x * (len(values) - 1))], rater=rid))
    return Assessment(
        framework.id,
        framework.version,
        Subject(subject, subject_name),
        period,
        tuple(ratings),
        tuple(Rater(rid, role) for rid, role in raters),
    )
