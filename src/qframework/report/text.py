"""Plain-text reports for people: what the CLI prints and the examples show.

Each section renders result values (never computes them): scoring, agreement and priorities come
from the domain packages, so the text and ``--json`` always say the same thing.
"""

from __future__ import annotations

from ..assessment.model import DEFAULT_DISAGREEMENT
from ..assessment.scoring import Comparison, Scorecard, disagreements, priorities

__all__ = ["format_comparison", "format_scorecard"]


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
