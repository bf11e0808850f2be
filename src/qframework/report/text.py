"""Text output: what the command line prints, rendered from plain-data results.

Each section belongs to one domain and renders result values (never computes them), so the text and
``--json`` always say the same thing; this is the one place that words them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..assessment.model import DEFAULT_DISAGREEMENT
from ..assessment.scoring import Comparison, Scorecard, disagreements, priorities

if TYPE_CHECKING:
    from ..assignment import Assignment, Explanation
    from ..model import Provenance
    from ..programme import Programme

__all__ = [
    "describe_programme",
    "format_assignment",
    "format_comparison",
    "format_explanation",
    "format_scorecard",
]


# -- assessments -------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "  –  " if x is None else f"{x:5.2f}"


def format_scorecard(
    scorecard: Scorecard, *, threshold: float = DEFAULT_DISAGREEMENT, priorities_n: int = 3, width: int = 100
) -> str:
    """The scorecard as text: overall, per dimension, disagreements worth discussing, priorities."""
    c = scorecard
    rated = sum(d.rated for d in c.dimensions)
    total = sum(d.indicators for d in c.dimensions)
    name = f"{c.subject.name} ({c.subject.id})" if c.subject.name else c.subject.id
    lines = [
        f"{name}, {c.period} — {c.framework_id} {c.framework_version}, aggregation {c.aggregation}",
        f"overall {_pct(c.overall).strip()}   coverage {rated}/{total} indicators ({c.coverage:.0%})   "
        f"{c.ratings} ratings by {c.raters} rater(s), {c.not_applicable} not applicable",
        "",
        f"  {'#':>2}  {'dimension':<48} {'score':>5}  {'rated':>7}  {'n/a':>3}  {'spread':>6}",
    ]
    for d in c.dimensions:
        title = d.title if len(d.title) <= 48 else d.title[:47] + "…"
        lines.append(
            f"  {d.number:>2}  {title:<48} {_pct(d.score)}  {d.rated:>3}/{d.indicators:<3}  {d.not_applicable:>3}  "
            f"{_pct(d.spread)}"
        )
    flagged = disagreements(c, threshold)
    lines += ["", f"disagreements (spread ≥ {threshold:g} or applicability disputed): {len(flagged)}"]
    for item in flagged:
        values = ", ".join(str(v) for v in item.values) or "–"
        extra = f", {item.not_applicable} n/a" if item.not_applicable else ""
        why = [f"spread {item.spread:.2f}"] if item.spread is not None and item.spread >= threshold - 1e-12 else []
        if item.applicability_disputed:
            why.append("applicability disputed")
        lines.append(f"  {item.indicator:<44} values {values}{extra}  ({'; '.join(why)})")
    top = priorities(c, priorities_n)
    lines += ["", "priorities (weakest dimensions first):"]
    lines += [f"  {d.number:>2}  {d.title}  {d.score:.2f}" for d in top if d.score is not None] or ["  none rated"]
    if c.changes is not None:
        lines += ["", f"note: {c.changes}"]
    return "\n".join(line[:width] if len(line) > width and not line.startswith("note") else line for line in lines)


def format_comparison(comparison: Comparison) -> str:
    """The compare table: each dimension's score before and after and the change, then overall."""

    def fmt(x: float | None, sign: bool = False) -> str:
        return "   –  " if x is None else (f"{x:+6.2f}" if sign else f"{x:6.2f}")

    before, after = comparison.before, comparison.after
    lines = [
        f"{before.subject.id} {before.period} → {after.subject.id} {after.period} ({after.framework_id})",
        f"  {'dimension':<50} {'before':>6} {'after':>6} {'change':>6}",
    ]
    lines += [
        f"  {d.title[:50]:<50} {fmt(d.before)} {fmt(d.after)} {fmt(d.delta, True)}" for d in comparison.dimensions
    ]
    lines.append(f"  {'overall':<50} {fmt(before.overall)} {fmt(after.overall)} {fmt(comparison.overall_delta, True)}")
    return "\n".join(lines)


# -- assignment and programmes


def format_assignment(assignment: Assignment) -> str:
    """Groups with their topics and members, then participants without a group, as text."""
    lines = []
    for g in assignment.groups:
        topics = ", ".join(g.required) + (f" (optional: {', '.join(g.optional)})" if g.optional else "")
        lines.append(f"{g.id}: {topics or 'no topics'}  ←  {', '.join(g.members)}")
    grouped = {m for g in assignment.groups for m in g.members}
    for p in assignment.placements:
        if p.participant in grouped or not p.topics:
            continue
        topics = ", ".join(p.required) + (f" (optional: {', '.join(p.optional)})" if p.optional else "")
        lines.append(f"{p.participant}: {topics}")
    if assignment.unassigned:
        lines.append(f"without a place: {', '.join(assignment.unassigned)}")
    if assignment.cost is not None:
        lines.append(f"total preference rank: {assignment.cost}")
    return "\n".join(lines)


def format_explanation(explanation: Explanation) -> str:
    """An :class:`~qframework.assignment.Explanation` in words: what the participant got, its group, the reasons."""
    pid = explanation.participant
    lines: list[str] = []
    if not explanation.placed:
        lines.append(f"{pid} got no place.")
    else:
        required, optional = explanation.required, explanation.optional
        parts = [f"required: {', '.join(required)}" if required else "no required topic"]
        if optional:
            parts.append(f"optional (if time allows): {', '.join(optional)}")
        lines.append(f"{pid} got {'; '.join(parts)}.")
        if explanation.group is not None:
            others = explanation.group_members
            with_whom = f" with {', '.join(others)}" if others else " alone"
            lines.append(f"Group {explanation.group}{with_whom}; the group shares its topics.")
    lines.extend(explanation.reasons)
    if not explanation.computed:
        lines.append("(No solver notes: this assignment was not computed by assign().)")
    return "\n".join(lines)


def describe_programme(programme: Programme) -> str:
    """A readable overview: facts with their provenance, rules, phases, events, quotas, known assignment."""

    def prov(p: Provenance | None) -> str:
        return f"  [{p.kind}{': ' + p.source if p.source else ''}]" if p else ""

    rules = programme.rules
    lines = [f"{programme.title}  ({programme.id}){prov(programme.provenance)}"]
    if programme.description:
        lines.append(programme.description)
    framework = programme.framework + (f" {programme.framework_version}" if programme.framework_version else "")
    facts = [
        ("Zeitraum", programme.period),
        ("Rahmen", framework),
        ("Träger", programme.organiser),
        ("Prozessbegleitung", ", ".join(programme.process_support)),
        ("Evaluation", programme.evaluation),
        ("Folgt auf", programme.follows or ""),
        ("Teilnehmende Kommunen", str(programme.participant_count or "")),
    ]
    lines += [f"{label}: {value}" for label, value in facts if value]
    lines.append("")
    lines.append(f"Regeln{prov(programme.rules_provenance)}")
    lines.append(
        "  Themen: " + ", ".join(t.label + (f" ({'/'.join(t.any_of)})" if t.any_of else "") for t in rules.topics)
    )
    per = f"  {rules.topics_per_participant} Themen je Teilnehmer, davon {rules.required_count} verpflichtend"
    lines.append(per)
    if rules.mandatory_topics:
        lines.append(f"  für alle: {', '.join(rules.mandatory_topics)}")
    if rules.groups is not None:
        lines.append(f"  Gruppen: {rules.groups.size} Mitglieder")
    if rules.distinct_required:
        lines.append("  verpflichtende Themen sind über alle Teilnehmenden verschieden (breite Streuung)")
    if rules.allow_unassigned:
        lines.append("  Auswahl: nicht alle Bewerbungen erhalten einen Platz")
    if programme.phases:
        lines.append("")
        lines.append("Phasen")
        for i, phase in enumerate(programme.phases, 1):
            when = " – ".join(str(d) for d in (phase.start, phase.end) if d)
            months = f", ~{phase.months:g} Monate" if phase.months else ""
            lines.append(f"  {i}. {phase.title}{' (' + when + ')' if when else ''}{months}{prov(phase.provenance)}")
    if programme.events:
        lines.append("")
        lines.append("Veranstaltungen")
        for event in programme.events:
            count = f"{'bis zu ' if event.count_is_maximum else ''}{event.count}× " if event.count > 1 else ""
            per_label = {"programme": "", "group": " je Gruppe", "participant": " je Kommune"}[event.per]
            when = f" am {event.date}" if event.date else ""
            lines.append(f"  {count}{event.title}{per_label}{when}{prov(event.provenance)}")
    if programme.quotas:
        lines.append("")
        lines.append("Delegation je Kommune")
        for quota in programme.quotas:
            lines.append(f"  {quota.title}: {quota.bounds()}{prov(quota.provenance)}")
    if programme.segments:
        lines.append("")
        lines.append("Arbeitsfelder")
        for segment in programme.segments:
            who = "alle" if segment.common else ", ".join(segment.participants)
            lines.append(f"  {segment.title}: {who}{prov(segment.provenance)}")
    if programme.participants:
        lines.append("")
        lines.append(f"Bekannte Teilnehmende{prov(programme.participants_provenance)}")
        for p in programme.participants:
            extra = f" ({p.region})" if p.region else ""
            lines.append(f"  {p.id}: {p.name or p.id}{extra}")
    if programme.assignment is not None:
        lines.append("")
        lines.append(f"Historische Zuordnung{prov(programme.assignment_provenance)}")
        a = programme.assignment
        for group in a.groups:
            lines.append(f"  {group.id}: {', '.join(group.members)} → {', '.join(group.topics)}")
        grouped = {m for g in a.groups for m in g.members}
        for placement in a.placements:
            if placement.participant in grouped and not placement.topics:
                continue
            opt = f"; optional: {', '.join(placement.optional)}" if placement.optional else ""
            lines.append(f"  {placement.participant}: {', '.join(placement.required)}{opt}")
    return "\n".join(lines)
