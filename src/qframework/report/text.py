"""Text output: what the command line prints, rendered from plain-data results.

Each section belongs to one domain and renders result values (never computes them), so the text and
``--json`` always say the same thing; this is the one place that words them. Every label goes
through :mod:`qframework.i18n` (English message ids, translated by the shipped catalogues), so one
output is in one language: the one active when the function is called (see
:func:`qframework.i18n.language`). Framework content is shown in that language where the framework
translates it, else in German, its source language.

Nothing here imports the scoring or solver modules at start-up: ``qframework plugins`` and
``frameworks`` render through this module too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..i18n import N_, active_language, format_date, format_number, format_percent, ngettext, provenance_label
from ..i18n import gettext_ as _

if TYPE_CHECKING:
    from ..assessment.scoring import Comparison, Scorecard
    from ..assignment import Assignment, AssignmentRules, Explanation, Optimality, Violation
    from ..crosswalk import Coverage, Crosswalk, CrosswalkSummary, TranslationReport
    from ..errors import Problem
    from ..messages import Note
    from ..model import Framework, FrameworkSummary, Provenance
    from ..plugins import PluginFailure, PluginReport, PluginSummary
    from ..programme import Programme, ProgrammeSummary, Roster

__all__ = [
    "content",
    "describe_programme",
    "format_assignment",
    "format_check",
    "format_comparison",
    "format_crosswalk",
    "format_crosswalk_problems",
    "format_crosswalks",
    "format_explanation",
    "format_framework",
    "format_frameworks",
    "format_optimality",
    "format_plugins",
    "format_programmes",
    "format_roster",
    "format_schema_kinds",
    "format_score_table",
    "format_scorecard",
    "format_translated_written",
    "format_translation",
    "format_translation_not_written",
    "format_valid",
    "format_violation",
    "provenance_kind",
    "reason_lines",
    "relation_word",
    "topic_titles",
]

#: The spread from which raters disagree, as in :data:`qframework.assessment.model.DEFAULT_DISAGREEMENT`
#: (repeated here so that this module loads without the assessment package).
DEFAULT_DISAGREEMENT = 0.4


# -- shared ------------------------------------------------------------------------------------


def content(element: Any, field: str = "title", lang: str | None = None) -> str:
    """An element's ``title`` (or ``description``, ``label``) in ``lang`` (default: the active language).

    The framework's own translation where it has one, else the German source text.
    """
    translations = getattr(element, "translations", None) or {}
    text = translations.get(lang or active_language())
    translated = getattr(text, "title" if field == "label" else field, "") if text is not None else ""
    return str(translated or getattr(element, field))


def provenance_kind(kind: str) -> str:
    """A provenance kind's label in the active language (never the raw kind): ``wörtlich zitiert (Quelle)``."""
    return provenance_label(kind)


#: The built-in aggregations' names (a plugin's own aggregation is shown by its id).
AGGREGATION_NAMES = {"mean": N_("mean"), "median": N_("median")}


def aggregation_name(aggregation: str) -> str:
    """An aggregation's name in the active language (``Mittelwert``); a plugin's aggregation by its id."""
    return _(AGGREGATION_NAMES[aggregation]) if aggregation in AGGREGATION_NAMES else aggregation


def _prov(p: Provenance | None, *, with_title: bool = False) -> str:
    if p is None:
        return ""
    head = provenance_kind(p.kind)
    parts = []
    if p.source and p.kind in ("quoted", "paraphrased"):
        head += f": {p.source}"
    elif p.source:
        parts.append(_("based on {source}").format(source=p.source))
    if with_title and p.title_kind and p.title_kind != p.kind:
        parts.append(_("title: {kind}").format(kind=provenance_kind(p.title_kind)))
    return "  [" + "; ".join([head, *parts]) + "]"


def _wrap(text: str, width: int, indent: str = "", more: str = "  ") -> list[str]:
    """``text`` wrapped at ``width`` (never cut): the first line at ``indent``, the rest indented further."""
    import textwrap

    if len(text) <= width:
        return [text]
    return textwrap.wrap(
        text, width, initial_indent="", subsequent_indent=indent + more, break_long_words=False, break_on_hyphens=False
    ) or [text]


def _header(*columns: tuple[str, int, str]) -> str:
    """A table's header line: ``(label, width, alignment)`` per column, two spaces in front."""
    return "  " + " ".join(f"{label:{align}{width}}" for label, width, align in columns)


def _join(items: Iterable[str]) -> str:
    return ", ".join(items)


# -- plugins and frameworks ------------------------------------------------------------------------


def _kind_label(kind: str) -> str:
    words = {
        "frameworks": _("frameworks"),
        "programmes": _("programmes"),
        "crosswalks": _("crosswalks"),
        "aggregations": _("aggregations"),
    }
    return words.get(kind, kind)


def _plugin_label(plugin: PluginSummary) -> str:
    return f"{plugin.name} {plugin.version}" if plugin.version else _("{name} (built in)").format(name=plugin.name)


def format_failure(failure: PluginFailure) -> str:
    """A plugin that could not be used, and why (the reason is the plugin's own message)."""
    return _("FAILED {plugin}: {message}").format(plugin=failure.plugin, message=failure.message)


def format_plugins(report: PluginReport) -> str:
    """``qframework plugins``: each plugin with what it registered, then the failures."""
    lines: list[str] = []
    for plugin in report.plugins:
        lines.append(_plugin_label(plugin))
        lines += [f"  {_kind_label(kind)}: {_join(ids)}" for kind, ids in plugin.registered.items()]
    lines += [format_failure(f) for f in report.failures]
    return "\n".join(lines)


def format_frameworks(summaries: Sequence[FrameworkSummary]) -> str:
    """``qframework frameworks``: one line per installed framework."""
    lines = []
    for s in summaries:
        size = _("{dimensions}, {indicators}; plugin {plugin}").format(
            dimensions=ngettext("{n} dimension", "{n} dimensions", s.dimensions).format(n=s.dimensions),
            indicators=ngettext("{n} indicator", "{n} indicators", s.indicators).format(n=s.indicators),
            plugin=s.plugin,
        )
        title = s.titles.get(active_language(), s.title)
        lines.append(f"{s.id} {s.version}  {title}  ({size})")
    return "\n".join(lines)


def format_framework(
    framework: Framework, *, descriptions: bool = False, also: str | None = None, width: int = 100
) -> str:
    """``qframework show``: the framework as a tree of dimensions, indicators and tiers.

    ``also`` adds each title in a second language (``Titel / title``) where the framework has it.
    """

    def title(element: Any) -> str:
        text = content(element)
        if also and also != active_language() and also in getattr(element, "translations", {}):
            text += f" / {content(element, lang=also)}"
        return text

    def wrap(text: str, indent: str, more: str = "") -> str:
        import textwrap

        return textwrap.fill(
            text, width, initial_indent=indent, subsequent_indent=indent + more, break_on_hyphens=False
        )

    def note(element: Any, indent: str) -> list[str]:
        """With descriptions: the provenance note, which says what the source gives and what is our reading."""
        p = element.provenance
        if not descriptions or p is None or not p.note.strip():
            return []
        return [wrap(_("provenance: {note}").format(note=" ".join(p.note.split())), indent, "  ")]

    fw = framework
    lines = [f"{title(fw)}  ({fw.id} {fw.version}){_prov(fw.provenance, with_title=True)}"]
    if _untranslated(fw, descriptions):
        lines.append(_(UNTRANSLATED_NOTE))
    lines += note(fw, "")
    if fw.publisher:
        lines.append(_("Publisher: {publisher}").format(publisher=fw.publisher))
    default_scale = fw.scale()
    for scale in fw.scales:
        levels = _join(f"{lv.value} {content(lv, 'label')}" for lv in scale.levels)
        default = _(" (default)") if scale.id == default_scale.id else ""
        lines.append(
            _("Scale {id}{default}: {title} ({levels})").format(
                id=scale.id, default=default, title=content(scale), levels=levels
            )
            + _prov(scale.provenance, with_title=True)
        )
    for facet in fw.facets:
        values = _join(content(v) for v in facet.values)
        lines.append(
            _("Facet {title}: {values}").format(title=content(facet), values=values)
            + _prov(facet.provenance, with_title=True)
        )
    for dim in fw.dimensions:
        lines += ["", f"{dim.number}  {title(dim)}{_prov(dim.provenance, with_title=True)}"]
        if descriptions and dim.description:
            lines.append(wrap(content(dim, "description"), "   "))
        lines += note(dim, "   ")
        for ind in dim.indicators:
            extras = []
            if ind.weight != 1.0:
                extras.append(_("weight {weight}").format(weight=format_number(ind.weight, None)))
            if ind.scale:
                extras.append(_("scale {scale}").format(scale=ind.scale))
            extras += [f"{facet_id}={'/'.join(values)}" for facet_id, values in ind.facets.items()]
            suffix = f"  ({'; '.join(extras)})" if extras else ""
            lines.append(f"   - {ind.id}: {title(ind)}{suffix}{_prov(ind.provenance, with_title=True)}")
            if descriptions and ind.description:
                lines.append(wrap(content(ind, "description"), "       "))
            lines += note(ind, "       ")
            for tier in ind.tiers:
                text = content(tier, "description") if descriptions and tier.description else ""
                lines.append(
                    f"       · {content(tier)}"
                    + (f": {text}" if text else "")
                    + _prov(tier.provenance, with_title=True)
                )
    return "\n".join(lines)


#: Said once in an output that shows framework content without a translation into its language.
UNTRANSLATED_NOTE = N_("Texts the plugin supplies in German only are shown in German.")


def _untranslated(framework: Framework, descriptions: bool) -> bool:
    """Whether ``format_framework`` shows German content in another language's output."""
    lang = active_language()
    if lang == "de":
        return False
    elements: list[Any] = [framework, *framework.scales, *framework.facets]
    for dim in framework.dimensions:
        elements += [dim, *dim.indicators, *(t for i in dim.indicators for t in i.tiers)]
    elements += [lv for scale in framework.scales for lv in scale.levels]
    for element in elements:
        text = (getattr(element, "translations", None) or {}).get(lang)
        if text is None or not text.title:
            return True
        if descriptions and getattr(element, "description", None) and not getattr(text, "description", None):
            return True
    return False


def format_valid(file: str, kind: str) -> str:
    """``validate``'s line for a valid file; ``kind`` is the document kind's id."""
    return _("{file}: valid {kind}").format(file=file, kind=kind)


def format_schema_kinds(kinds: Mapping[str, str]) -> str:
    """``schema --list``: each kind and whether it is a document or a result."""
    roles = {"document": _("document"), "result": _("result")}
    width = max(map(len, kinds), default=0)
    return "\n".join(f"{kind:<{width}}  {roles.get(role, role)}" for kind, role in kinds.items())


# -- assessments -------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "  –  " if x is None else f"{format_number(x):>5}"


def _cell_lines(text: str, width: int) -> list[str]:
    """A table cell's text in lines of at most ``width`` characters (wrapped at spaces, never cut)."""
    import textwrap

    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def format_template_written(file: str, indicators: int, raters: int) -> str:
    """``template -o FILE``: what was written."""
    return _("wrote {file}: {indicators} × {raters}").format(
        file=file,
        indicators=ngettext("{n} indicator", "{n} indicators", indicators).format(n=indicators),
        raters=ngettext("{n} rater", "{n} raters", raters).format(n=raters),
    )


def format_scorecard(
    scorecard: Scorecard,
    *,
    threshold: float = DEFAULT_DISAGREEMENT,
    priorities_n: int = 3,
    width: int = 100,
    titles: Mapping[str, str] | None = None,
) -> str:
    """The scorecard as text: overall, per dimension, disagreements worth discussing, priorities.

    ``titles`` (dimension and indicator id → title) shows the dimensions in another language than the
    scorecard's, and the indicators raters disagree on by their titles.
    """
    from .._args import expect
    from ..assessment.scoring import Scorecard, disagreements, priorities

    expect(scorecard, Scorecard, "format_scorecard", "scorecard")
    titles = titles or {}
    dimension, score, rated_, na, spread = _("dimension"), _("score"), _("rated"), _("n/a"), _("spread")
    w_score, w_rated, w_na, w_spread = max(5, len(score)), max(7, len(rated_)), max(3, len(na)), max(6, len(spread))
    c = scorecard
    rated = sum(d.rated for d in c.dimensions)
    total = sum(d.indicators for d in c.dimensions)
    name = f"{c.subject.name} ({c.subject.id})" if c.subject.name else c.subject.id
    lines = [
        _("{name}, {period} — {framework} {version}, aggregation {aggregation}").format(
            name=name,
            period=c.period,
            framework=c.framework,
            version=c.framework_version,
            aggregation=aggregation_name(c.aggregation),
        ),
        _("overall {overall}   coverage {rated}/{total} ({share})   {ratings} {raters}, {na} not applicable").format(
            overall=_pct(c.overall).strip(),
            rated=rated,
            total=ngettext("{n} indicator", "{n} indicators", total).format(n=total),
            share=format_percent(c.coverage),
            ratings=ngettext("{n} rating", "{n} ratings", c.ratings).format(n=c.ratings),
            raters=ngettext("by {n} rater", "by {n} raters", c.raters).format(n=c.raters),
            na=c.not_applicable,
        ),
        "",
        # the columns are as wide as their (translated) headings
        f"  {'#':>2}  {dimension:<48} {score:>{w_score}}  {rated_:>{w_rated}}  {na:>{w_na}}  {spread:>{w_spread}}",
    ]
    for d in c.dimensions:
        first, *rest = _cell_lines(titles.get(d.dimension, d.title), 48)
        share = f"{d.rated:>3}/{d.indicators:<3}"
        lines.append(
            f"  {d.number:>2}  {first:<48} {_pct(d.score):>{w_score}}  {share:>{w_rated}}  "
            f"{d.not_applicable:>{w_na}}  {_pct(d.spread):>{w_spread}}"
        )
        lines += [f"      {more}" for more in rest]
    flagged = disagreements(c, threshold)
    lines += [
        "",
        _("disagreements (spread ≥ {threshold} or applicability disputed): {count}").format(
            threshold=format_number(threshold, None), count=len(flagged)
        ),
    ]
    for item in flagged:
        values = _join(str(v) for v in item.values) or "–"
        extra = _(", {n} n/a").format(n=item.not_applicable) if item.not_applicable else ""
        why = []
        if item.spread is not None and item.spread >= threshold - 1e-12:
            why.append(_("spread {spread}").format(spread=format_number(item.spread)))
        if item.applicability_disputed:
            why.append(_("applicability disputed"))
        lines.append(
            _("  {indicator} values {values}{extra}  ({why})").format(
                indicator=f"{titles.get(item.indicator, item.indicator):<44}",
                values=values,
                extra=extra,
                why="; ".join(why),
            )
        )
    top = priorities(c, priorities_n)
    lines += ["", _("priorities (weakest dimensions first):")]
    lines += [
        f"  {d.number:>2}  {titles.get(d.dimension, d.title)}  {format_number(d.score)}"
        for d in top
        if d.score is not None
    ] or ["  " + _("none rated")]
    if c.changes is not None:
        lines += ["", _("note: {changes}").format(changes=c.changes)]
    return "\n".join(
        wrapped for line in lines for wrapped in _wrap(line, width, " " * (len(line) - len(line.lstrip())))
    )


def format_pending(cards: Sequence[Scorecard]) -> str:
    """How much of the given scorecards is not yet rated ("" if nothing): a half-filled template scores too."""
    pending = [c for c in cards if c.unrated]
    if not pending:
        return ""
    if len(cards) == 1:
        card = pending[0]
        return _(
            "not yet rated: {unrated} of {total} rating entries; they count against coverage "
            "(--complete demands every entry)"
        ).format(unrated=card.unrated, total=card.unrated + card.ratings)
    return ngettext(
        "{n} of {total} assessment has entries not yet rated (--complete demands every entry)",
        "{n} of {total} assessments have entries not yet rated (--complete demands every entry)",
        len(pending),
    ).format(n=len(pending), total=len(cards))


def format_score_table(cards: Sequence[Scorecard], *, titles: Mapping[str, str] | None = None) -> str:
    """Many scorecards (a bulk file), one line each: subject, period, overall, coverage, weakest dimension."""
    titles = titles or {}
    lines = [
        ngettext(
            "{n} assessment; one line each (--full for every scorecard)",
            "{n} assessments; one line each (--full for every scorecard)",
            len(cards),
        ).format(n=len(cards)),
        _header((_("subject"), 28, "<"), (_("period"), 10, "<"), (_("overall"), 7, ">"), (_("coverage"), 8, ">"))
        + "  "
        + _("weakest dimension"),
    ]
    for card in cards:
        scored = [d for d in card.dimensions if d.score is not None]
        weakest = min(scored, key=lambda d: (d.score, d.number)) if scored else None
        overall = "–" if card.overall is None else format_number(card.overall)
        where = f"{weakest.number} {titles.get(weakest.dimension, weakest.title)}" if weakest else "–"
        lines.append(
            f"  {card.subject.id:<28} {card.period:<10} {overall:>7} {format_percent(card.coverage):>8}  {where}"
        )
    return "\n".join(lines)


def format_comparison(comparison: Comparison, *, titles: Mapping[str, str] | None = None) -> str:
    """The compare table: each dimension's score before and after and the change, then overall."""
    from .._args import expect
    from ..assessment.scoring import Comparison

    expect(comparison, Comparison, "format_comparison", "comparison")
    titles = titles or {}

    def fmt(x: float | None, sign: bool = False) -> str:
        return "   –  " if x is None else f"{format_number(x, sign=sign):>6}"

    before, after = comparison.before, comparison.after
    lines = [
        f"{before.subject.id} {before.period} → {after.subject.id} {after.period} ({after.framework})",
        _header((_("dimension"), 50, "<"), (_("before"), 6, ">"), (_("after"), 6, ">"), (_("change"), 6, ">")),
    ]
    for d in comparison.dimensions:
        first, *rest = _cell_lines(titles.get(d.dimension, d.title), 50)
        lines.append(f"  {first:<50} {fmt(d.before)} {fmt(d.after)} {fmt(d.delta, True)}")
        lines += [f"    {more}" for more in rest]
    lines.append(
        _header((_("overall"), 50, "<"))
        + f" {fmt(before.overall)} {fmt(after.overall)} {fmt(comparison.overall_delta, True)}"
    )
    return "\n".join(lines)


# -- assignment and programmes ------------------------------------------------------------------


def _topics(required: Sequence[str], optional: Sequence[str], titles: Mapping[str, str] | None = None) -> str:
    titles = titles or {}
    text = _join(titles.get(t, t) for t in required)
    if optional:
        text += _(" (optional: {topics})").format(topics=_join(titles.get(t, t) for t in optional))
    return text


def format_assignment(assignment: Assignment, *, titles: Mapping[str, str] | None = None) -> str:
    """Groups with their topics and members, then participants without a group, as text.

    ``titles`` (topic id → title, see :func:`topic_titles`) shows each topic by its title.
    """
    lines = []
    for g in assignment.groups:
        topics = _topics(g.required, g.optional, titles)
        topics = topics or _("no topics")
        lines.append(f"{g.id}: {topics}  ←  {_join(g.members)}")
    grouped = {m for g in assignment.groups for m in g.members}
    for p in assignment.placements:
        if p.participant in grouped or not p.topics:
            continue
        lines.append(f"{p.participant}: {_topics(p.required, p.optional, titles)}")
    if assignment.unassigned:
        lines.append(_("without a place: {ids}").format(ids=_join(assignment.unassigned)))
    if assignment.cost is not None:
        lines.append(_("total preference rank: {cost}").format(cost=assignment.cost))
    if assignment.optimality is not None:
        lines.append(format_optimality(assignment.optimality))
    return "\n".join(lines)


def reason_lines(reasons: Iterable[Note], *, titles: Mapping[str, str] | None = None) -> list[str]:
    """An assignment's notes in the active language, one line each; a ``not-given`` note and the
    causes after it make one line: "Not planung (your rank 2): its capacity is full (4 of 4); …"."""
    from ..messages import render

    lines: list[str] = []
    header, causes = "", []
    for note in (*reasons, None):
        if note is not None and header and note.code.startswith("not-given."):
            causes.append(render(note, titles=titles).rstrip("."))
            continue
        if header:
            lines.append(f"{header} {'; '.join(causes)}." if causes else header.rstrip(":") + ".")
            header, causes = "", []
        if note is None:
            break
        if note.code == "not-given":
            header = render(note, titles=titles)
        else:
            lines.append(render(note, titles=titles))
    return lines


def topic_titles(rules: AssignmentRules | None, framework: Framework | None = None) -> dict[str, str]:
    """Topic id → title in the active language (the id where a topic has no title): the framework's
    dimension of the same id where there is one (its translation where the plugin gives one), else
    the topic's own title. No rules, no titles."""
    if rules is None:
        return {}
    out = {}
    for t in rules.topics:
        element: Any = None
        if framework is not None:
            element = next((d for d in framework.dimensions if d.id == t.id), None)
        out[t.id] = (content(element) if element is not None else t.title) or t.id
    return out


def format_explanation(explanation: Explanation, *, titles: Mapping[str, str] | None = None) -> str:
    """An :class:`~qframework.assignment.Explanation` in words, in the active language: what the
    participant got, its group, the reasons. ``titles`` (topic id → title) shows topics by title.

    The reasons are facts (:class:`~qframework.messages.Note`), worded by :func:`reason_lines`.
    """

    def topic(t: str) -> str:
        title = titles.get(t) if titles else None
        return f"{title} ({t})" if title and title != t else t

    pid = explanation.participant
    lines: list[str] = []
    if not explanation.placed:
        lines.append(_("{participant} got no place.").format(participant=pid))
    else:
        required, optional = explanation.required, explanation.optional
        parts = [
            _("assigned: {topics}").format(topics=_join(map(topic, required))) if required else _("no assigned topic")
        ]
        if optional:
            parts.append(_("optional (if time allows): {topics}").format(topics=_join(map(topic, optional))))
        lines.append(_("{participant} got {topics}.").format(participant=pid, topics="; ".join(parts)))
        if explanation.group is not None:
            others = explanation.group_members
            if others:
                line = _("Group {group} with {members}; the group shares its topics.")
            else:
                line = _("Group {group} alone; the group shares its topics.")
            lines.append(line.format(group=explanation.group, members=_join(others)))
    lines += reason_lines(explanation.reasons, titles=titles)
    if explanation.optimality is not None:
        lines.append(_("The plan: {optimality}.").format(optimality=format_optimality(explanation.optimality)))
    if not explanation.computed:
        lines.append(_("(No solver notes: this assignment was not computed by assign().)"))
    return "\n".join(lines)


def format_violation(violation: Violation) -> str:
    """One broken rule, in the active language: the rule, where, and what is wrong."""
    where = []
    if violation.participant is not None:
        where.append(_("participant {id}").format(id=violation.participant))
    if violation.group is not None:
        where.append(_("group {id}").format(id=violation.group))
    if violation.topic is not None:
        where.append(_("topic {id}").format(id=violation.topic))
    head = f"{violation.rule} ({_join(where)})" if where else violation.rule
    return f"{head}: {violation.text}"


def format_check(violations: Sequence[Violation], subject: str, *, programme: bool = False) -> str:
    """``check`` / ``programme check``: every violation, or that the assignment meets every rule."""
    if violations:
        return "\n".join(format_violation(v) for v in violations)
    if programme:
        return _("{subject}: the assignment meets every rule of the programme").format(subject=subject)
    return _("{subject}: the assignment meets every rule").format(subject=subject)


def format_no_assignment(file: str) -> str:
    """``check`` on a file without an ``[assignment]``."""
    return _("{file}: no [assignment] to check").format(file=file)


def format_no_historical_assignment(programme: str) -> str:
    """``programme check`` on a programme without a known assignment."""
    return _("{programme} has no historical assignment; pass one with --assignment FILE").format(programme=programme)


def format_plan(programme: Programme, assignment: Assignment) -> str:
    """``programme plan``: the new assignment under the programme's rules."""
    titles = topic_titles(programme.rules)
    return (
        _("{title}: new assignment").format(title=programme.title) + "\n" + format_assignment(assignment, titles=titles)
    )


def format_programmes(summaries: Sequence[ProgrammeSummary]) -> str:
    """``qframework programmes``: one line per installed programme."""
    lines = []
    for s in summaries:
        n = s.participants
        count = ", " + ngettext("{n} Kommune", "{n} Kommunen", n).format(n=n) if n else ""
        where = _("framework {framework}; plugin {plugin}").format(framework=s.framework, plugin=s.plugin)
        lines.append(f"{s.id}  {s.title} ({s.period}{count}; {where})")
    return "\n".join(lines)


def format_roster(
    file: str, roster: Roster, programme: Programme, violations: Sequence[Any], *, show_names: bool = False
) -> str:
    """``programme roster``: the delegation, then every quota it breaks."""
    people = _join(f"{d.label(show_names)} [{d.role}]" for d in roster.delegates)
    n = len(roster.delegates)
    lines = [
        _("{file}: {participant} in {programme}: {delegates} ({people})").format(
            file=file,
            participant=roster.participant,
            programme=programme.id,
            delegates=ngettext("{n} delegate", "{n} delegates", n).format(n=n),
            people=people,
        )
    ]
    lines += [f"{file}: {v}" for v in violations]
    return "\n".join(lines)


def _bounds(low: int, high: int | None) -> str:
    if high is None:
        return _("at least {n}").format(n=low)
    return f"{low}–{high}" if low != high else str(low)


def _count_range(value: Any) -> tuple[str, int]:
    """A count or a range of counts (``.min``/``.max``) as text, and the number its noun agrees with."""
    if isinstance(value, int):
        return str(value), value
    low, high = value.min, value.max
    return _bounds(low, high), (high if high is not None else max(low, 2))


def describe_programme(programme: Programme, *, framework: Framework | None = None) -> str:
    """A readable overview: facts with their provenance, rules, phases, events, quotas, known assignment.

    ``framework`` (the programme's framework, where installed) names it by its title beside the id.
    """
    from .._args import expect
    from ..programme import Programme

    expect(programme, Programme, "describe_programme", "programme")

    def prov(p: Provenance | None) -> str:
        return _prov(p)

    rules = programme.rules
    lines = [f"{programme.title}  ({programme.id}){prov(programme.provenance)}"]
    if programme.description:
        lines.append(programme.description)
    framework_text = programme.framework + (f" {programme.framework_version}" if programme.framework_version else "")
    if framework is not None and framework.id == programme.framework:
        framework_text = f"{content(framework)} ({framework_text})"
    facts = [
        (_("Period"), programme.period),
        (_("Framework"), framework_text),
        (_("Organiser"), programme.organiser),
        (_("Process support"), _join(programme.process_support)),
        (_("Evaluation"), programme.evaluation),
        (_("Follows"), programme.follows or ""),
        (_("Participating Kommunen"), str(programme.participant_count or "")),
    ]
    lines += [f"{label}: {value}" for label, value in facts if value]
    lines.append("")
    lines.append(_("Rules") + prov(programme.rules_provenance))
    lines.append(
        "  "
        + _("Topics: {topics}").format(
            topics=_join(t.label + (f" ({'/'.join(t.any_of)})" if t.any_of else "") for t in rules.topics)
        )
    )
    per_text, per_n = _count_range(rules.topics_per_participant)
    if rules.required_topics is None:  # every topic a participant takes is required
        per_line = ngettext(
            "{n} topic per participant, all of them required",
            "{n} topics per participant, all of them required",
            per_n,
        ).format(n=per_text)
    else:
        per_line = ngettext(
            "{n} topic per participant, {required} of them required",
            "{n} topics per participant, {required} of them required",
            per_n,
        ).format(n=per_text, required=rules.required_topics)
    lines.append("  " + per_line)
    titles = topic_titles(rules)
    if rules.mandatory_topics:
        topics = _join(titles.get(t, t) for t in rules.mandatory_topics)
        lines.append("  " + _("mandatory for all: {topics}").format(topics=topics))
    if rules.groups is not None:
        size_text, size_n = _count_range(rules.groups.size)
        lines.append("  " + ngettext("groups of {n} member", "groups of {n} members", size_n).format(n=size_text))
    if rules.distinct_required:
        lines.append("  " + _("required topics differ between all participants (a broad spread)"))
    if rules.allow_unassigned:
        lines.append("  " + _("selection: not every application gets a place"))
    if programme.phases:
        lines += ["", _("Phases")]
        for i, phase in enumerate(programme.phases, 1):
            when = " – ".join(format_date(d) for d in (phase.start, phase.end) if d)
            months = ", ~" + _("{n} months").format(n=format_number(phase.months, None)) if phase.months else ""
            lines.append(f"  {i}. {phase.title}{' (' + when + ')' if when else ''}{months}{prov(phase.provenance)}")
    if programme.events:
        lines += ["", _("Events")]
        for event in programme.events:
            count = ""
            if event.count > 1:
                count = (_("up to {n}× ") if event.count_is_maximum else "{n}× ").format(n=event.count)
            per_label = {"programme": "", "group": _(" per group"), "participant": _(" per Kommune")}[event.per]
            when = _(" on {date}").format(date=format_date(event.date)) if event.date else ""
            lines.append(f"  {count}{event.title}{per_label}{when}{prov(event.provenance)}")
    if programme.quotas:
        lines += ["", _("Delegation per Kommune")]
        for quota in programme.quotas:
            lines.append(f"  {quota.title}: {_bounds(quota.min, quota.max)}{prov(quota.provenance)}")
    if programme.segments:
        lines += ["", _("Fields of work")]
        for segment in programme.segments:
            who = _("all") if segment.common else _join(segment.participants)
            lines.append(f"  {segment.title}: {who}{prov(segment.provenance)}")
    if programme.participants:
        lines += ["", _("Known participants") + prov(programme.participants_provenance)]
        for p in programme.participants:
            extra = f" ({p.region})" if p.region else ""
            lines.append(f"  {p.id}: {p.name or p.id}{extra}")
    if programme.assignment is not None:
        lines += ["", _("Historical assignment") + prov(programme.assignment_provenance)]
        a = programme.assignment
        for group in a.groups:
            lines.append(f"  {group.id}: {_join(group.members)} → {_join(titles.get(t, t) for t in group.topics)}")
        grouped = {m for g in a.groups for m in g.members}
        for placement in a.placements:
            if placement.participant in grouped and not placement.topics:
                continue
            optional = _join(titles.get(t, t) for t in placement.optional)
            opt = _("; optional: {topics}").format(topics=optional) if placement.optional else ""
            lines.append(f"  {placement.participant}: {_join(titles.get(t, t) for t in placement.required)}{opt}")
    return "\n".join(lines)


# -- the demo ------------------------------------------------------------------------------------


def format_demo_plugins(report: PluginReport) -> str:
    """The demo's first part: the installed plugins and what each registered."""
    lines = [_("qframework demo: the installed plugins and the data they ship"), ""]
    for plugin in report.plugins:
        what = "; ".join(f"{_kind_label(kind)}: {_join(ids)}" for kind, ids in plugin.registered.items())
        label = f"{plugin.name} {plugin.version}" if plugin.version else plugin.name
        lines.append("  " + _("plugin {plugin}: {what}").format(plugin=label, what=what or _("nothing registered")))
    lines += ["  " + format_failure(f) for f in report.failures]
    return "\n".join(lines)


def format_demo_framework(framework: Framework, problems: int, provenance: Mapping[str, int]) -> str:
    """One shipped framework in the demo: size, provenance of its indicators, dimensions, validity."""
    fw = framework
    n_dim, n_ind = len(fw.dimensions), sum(provenance.values())
    kinds = _join(f"{provenance_kind(k)} {v}" for k, v in sorted(provenance.items()))
    lines = [
        f"{content(fw)} ({fw.id} {fw.version})",
        "  "
        + _("{dimensions}, {indicators}; provenance of indicators: {kinds}").format(
            dimensions=ngettext("{n} dimension", "{n} dimensions", n_dim).format(n=n_dim),
            indicators=ngettext("{n} indicator", "{n} indicators", n_ind).format(n=n_ind),
            kinds=kinds,
        ),
    ]
    lines += [f"    {dim.number:>2} {content(dim)} ({len(dim.indicators)})" for dim in fw.dimensions]
    verdict = _("valid") if not problems else ngettext("{n} problem", "{n} problems", problems).format(n=problems)
    lines.append("  " + verdict)
    return "\n".join(lines)


def format_demo_assessment(
    framework: Framework | None, scorecard: Scorecard | None, flagged: Sequence[Any], top: Sequence[Any]
) -> str:
    """The demo's self-assessment: a generated assessment scored against an installed framework."""
    if framework is None or scorecard is None:
        return _("self-assessment demo skipped: no framework installed")
    titles = {d.id: content(d) for d in framework.dimensions}
    card = scorecard
    weakest = _join(
        f"{d.number} {titles.get(d.dimension, d.title)} ({format_number(d.score)})" for d in top if d.score is not None
    )
    overall = "–" if card.overall is None else format_number(card.overall)
    return "\n".join(
        [
            _("Self-assessment (generated: 1 Kommune, 3 raters) against {framework} {version}").format(
                framework=framework.id, version=framework.version
            ),
            "  "
            + _("{ratings}, {na} not applicable; overall {overall}, coverage {coverage}").format(
                ratings=ngettext("{n} rating", "{n} ratings", card.ratings).format(n=card.ratings),
                na=card.not_applicable,
                overall=overall,
                coverage=format_percent(card.coverage),
            ),
            "  "
            + ngettext(
                "{n} indicator to discuss (raters disagree); priorities: {weakest}",
                "{n} indicators to discuss (raters disagree); priorities: {weakest}",
                len(flagged),
            ).format(n=len(flagged), weakest=weakest),
        ]
    )


def format_demo_historical(verdicts: Sequence[tuple[str, int | None]]) -> str:
    """Each installed programme and whether its historical assignment meets its rules.

    ``verdicts``: (programme id, number of violations or None when no assignment is known).
    """
    if not verdicts:
        return _("Programmes: none installed (skipped)")
    lines = [_("Programmes and their historical assignments")]
    for pid, broken in verdicts:
        if broken is None:
            verdict = _("no historical assignment known")
        elif not broken:
            verdict = _("meets its own rules")
        else:
            verdict = ngettext("{n} violation", "{n} violations", broken).format(n=broken)
        lines.append(f"  {pid}: {verdict}")
    return "\n".join(lines)


def format_demo_planning(
    programme: str,
    kommunen: int,
    groups: Sequence[tuple[str, Sequence[str], Sequence[str]]],
    cost: int | None,
    broken: int,
    diameters: Sequence[float] | None = None,
) -> str:
    """The demo's needs-based planning round: the clusters formed and whether every rule holds.

    ``groups``: (group id, member names, topic titles); ``diameters``: each group's largest
    distance between two members, in km.
    """
    lines = [
        _("Needs-based planning with the rules of {programme}: {n} Kommunen assess themselves,").format(
            programme=programme, n=kommunen
        ),
        _("their weakest dimensions become their wishes, and the exact solver forms clusters."),
    ]
    for i, (gid, names, topics) in enumerate(groups):
        line = f"  {gid}: {_join(names)}  →  {' + '.join(topics)}"
        if diameters is not None:
            line += "  " + _("(diameter {km} km)").format(km=format_number(diameters[i], 0))
        lines.append(line)
    verdict = _("all rules met") if not broken else _("RULES BROKEN")
    lines.append("  " + _("total preference rank {cost}; {verdict}").format(cost=cost, verdict=verdict))
    return "\n".join(lines)


def format_optimality(optimality: Optimality) -> str:
    """A regional plan's objective, its lower bound and whether it is proven optimal."""
    from ..i18n import format_number, format_percent

    o = optimality
    if o.mode == "joint":
        what = _("objective {value} (ranks + {km} km / {kpr} km per rank)").format(
            value=format_number(o.objective),
            km=format_number(o.distance_km, 0),
            kpr=format_number(o.km_per_rank, None) if o.km_per_rank is not None else "–",
        )
    else:
        what = _("groups first: distance {km} km").format(km=format_number(o.distance_km, 0))
    if o.exact:
        return what + "; " + _("proven optimal (exact)")
    return (
        what
        + "; "
        + _("lower bound {bound}, gap at most {gap} (heuristic)").format(
            bound=format_number(o.bound), gap=format_percent(o.gap, 1)
        )
    )


def format_demo_end(seconds: float, ok: bool) -> str:
    """The demo's last line."""
    verdict = _("all shipped data is valid") if ok else _("PROBLEMS FOUND")
    return _("demo finished in {seconds} s: {verdict}").format(seconds=format_number(seconds), verdict=verdict)


# -- crosswalks ----------------------------------------------------------------------------------


def relation_word(relation: str) -> str:
    """A crosswalk relation (``equivalent``, ``broader``, ``narrower``, ``overlapping``) in the active language."""
    words = {
        "equivalent": _("equivalent"),
        "broader": _("broader"),
        "narrower": _("narrower"),
        "overlapping": _("overlapping"),
    }
    return words.get(relation, relation)


def format_crosswalks(summaries: Sequence[CrosswalkSummary]) -> str:
    """``qframework crosswalks``: one line per installed crosswalk."""
    if not summaries:
        return _("no crosswalks installed")
    return "\n".join(
        _("{id}  {title} ({source} → {target}; {entries}; plugin {plugin})").format(
            id=s.id,
            title=s.title,
            source=s.source,
            target=s.target,
            entries=ngettext("{n} entry", "{n} entries", s.entries).format(n=s.entries),
            plugin=s.plugin,
        )
        for s in summaries
    )


def format_crosswalk_problems(crosswalk: Crosswalk, problems: Sequence[Problem]) -> str:
    """``crosswalk show`` of a crosswalk that does not fit the installed frameworks: its heading and every problem."""
    lines = [_crosswalk_heading(crosswalk)]
    lines += [_("problem: {problem}").format(problem=p) for p in problems]
    return "\n".join(lines)


def _crosswalk_heading(crosswalk: Crosswalk) -> str:
    heading = f"{crosswalk.title}  ({crosswalk.id}: {crosswalk.source} → {crosswalk.target})"
    return f"{heading}\n{crosswalk.description}" if crosswalk.description else heading


def _element(framework: Framework, element: str) -> str:
    """A dimension as ``[number title]`` (it stands for all of its indicators), an indicator by its title."""
    for dim in framework.dimensions:
        if dim.id == element:
            return f"[{dim.number} {content(dim)}]"
        for ind in dim.indicators:
            if ind.id == element:
                return f"„{content(ind)}“" if active_language() == "de" else f"“{content(ind)}”"
    return element


def format_crosswalk(crosswalk: Crosswalk, source: Framework, target: Framework, coverage: Coverage) -> str:
    """``qframework crosswalk show``: every relation read both ways with its rationale, then the coverage.

    ``coverage`` is :func:`qframework.crosswalk.coverage` of the crosswalk between ``source`` and ``target``.
    """
    from ..crosswalk import _INVERSE, OSCAL_RELATIONS

    lines = [_crosswalk_heading(crosswalk)]
    for here_fw, there_fw, forward in ((source, target, True), (target, source, False)):
        lines += ["", f"{content(here_fw)} → {content(there_fw)}"]
        for dim in here_fw.dimensions:
            ids = {dim.id, *(i.id for i in dim.indicators)}
            entries = [e for e in crosswalk.entries if (e.source if forward else e.target) in ids]
            if not entries:
                continue
            lines.append(f"  {dim.number} {content(dim)}")
            for e in entries:
                here, there = (e.source, e.target) if forward else (e.target, e.source)
                relation = e.relation if forward else _INVERSE[e.relation]
                strength = (
                    _(", strength {strength}").format(strength=format_number(e.strength, None))
                    if e.strength != 1
                    else ""
                )
                kind = provenance_kind(e.provenance.kind) if e.provenance else "?"
                lines.append(
                    f"    {_element(here_fw, here)}  {relation_word(relation)} "
                    f"({OSCAL_RELATIONS[relation]}{strength}; {kind})  {_element(there_fw, there)}"
                )
                lines.append(f"        {e.rationale}")
    reached_s = coverage.source_indicators - len(coverage.unmapped_sources)
    reached_t = coverage.target_indicators - len(coverage.unmapped_targets)

    def side(reached: int, n: int, framework: str) -> str:
        return ngettext("{reached} of {n} {framework} indicator", "{reached} of {n} {framework} indicators", n).format(
            reached=reached, n=n, framework=framework
        )

    lines += [
        "",
        _("Coverage: {source}, {target}").format(
            source=side(reached_s, coverage.source_indicators, content(source)),
            target=side(reached_t, coverage.target_indicators, content(target)),
        ),
    ]
    for fw, unmapped in ((source, coverage.unmapped_sources), (target, coverage.unmapped_targets)):
        names = "; ".join(_element(fw, i) for i in unmapped) or _("none")
        lines.append("  " + _("{framework}, mapped to nothing: {ids}").format(framework=content(fw), ids=names))
    return "\n".join(lines)


def format_translation(report: TranslationReport, *, titles: Mapping[str, str] | None = None) -> str:
    """``qframework crosswalk translate``: what was carried, what was guessed and what was lost.

    ``titles`` (indicator id → title, of both frameworks) names the indicators by their titles.
    """
    titles = titles or {}

    def ids(found: Iterable[str]) -> str:
        return "; ".join(titles.get(i, i) for i in found) or _("none")

    lines = [
        _("{subject} {period}: {source} → {target} (crosswalk {crosswalk})").format(
            subject=report.subject,
            period=report.period,
            source=report.source,
            target=report.target,
            crosswalk=report.crosswalk,
        ),
        "  "
        + ngettext(
            "{n} rating carried: {exact} exact, {guessed} guessed; {rescaled} rescaled to the target's scale",
            "{n} ratings carried: {exact} exact, {guessed} guessed; {rescaled} rescaled to the target's scale",
            len(report.carried),
        ).format(
            n=len(report.carried),
            exact=len(report.exact),
            guessed=len(report.guessed),
            rescaled=len(report.rescaled),
        ),
        "  "
        + ngettext(
            "lost: {n} rating of source indicators no entry carries: {ids}",
            "lost: {n} ratings of source indicators no entry carries: {ids}",
            report.lost_ratings,
        ).format(n=report.lost_ratings, ids=ids(report.unmapped_sources)),
        "  " + _("target indicators no entry reaches: {ids}").format(ids=ids(report.unmapped_targets)),
        "  " + _("target indicators reached but not rated: {ids}").format(ids=ids(report.unrated_targets)),
    ]
    guessed = list(dict.fromkeys(c.target for c in report.guessed))
    if guessed:
        lines.append("  " + _("guessed, not carried one to one: {ids}").format(ids=ids(guessed)))
    return "\n".join(lines)


def format_translated_written(file: str, ratings: int, target: str) -> str:
    """The line after ``crosswalk translate -o FILE``."""
    return ngettext(
        "wrote {file} ({n} rating against {target})", "wrote {file} ({n} ratings against {target})", ratings
    ).format(file=file, n=ratings, target=target)


def format_translation_not_written() -> str:
    """The hint after ``crosswalk translate`` without ``-o``."""
    return _("the translated assessment was not written; add -o FILE to keep it")
