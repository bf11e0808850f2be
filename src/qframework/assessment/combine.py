"""Several raters' assessments of one subject and period, combined into one multi-rater assessment.

Raters often fill in separate files (one Excel workbook each); scoring, disagreements and
priorities want them together. :func:`combine_assessments` joins them: the same framework
version, subject and period, distinct rater ids; the ratings of all, in the given order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .._args import expect, refuse
from ..errors import Problem, ValidationError
from .model import Assessment, Subject

__all__ = ["combine_assessments", "group_for_combining"]


def combine_assessments(assessments: Sequence[Assessment], *, names: Sequence[str] = ()) -> Assessment:
    """One assessment holding the raters and ratings of all ``assessments``.

    They must agree on framework id and version, subject id and period, and no rater id may occur
    in two of them (two workbooks both left at ``rater-1`` would merge two people into one).
    Joint ratings (no rater) may come from one assessment only. Subject name and region, notes and
    the success definition are taken from the first assessment that gives them; every conflict is
    reported together, each under ``names[i]`` (e.g. the file name) or ``[i]``.
    """
    if isinstance(assessments, (str, bytes, Assessment)) or not isinstance(assessments, Sequence):
        refuse(assessments, "combine_assessments", "assessments", "a sequence (list or tuple) of Assessment")
    for i, item in enumerate(assessments):
        expect(item, Assessment, "combine_assessments", f"assessments[{i}]")
    if not assessments:
        raise ValidationError([Problem.of("", "combine.none")])
    label = [names[i] if i < len(names) else f"[{i}]" for i in range(len(assessments))]
    first = assessments[0]
    problems: list[Problem] = []
    for i, a in enumerate(assessments[1:], start=1):
        for what, mine, theirs in (
            ("framework", (a.framework, a.framework_version), (first.framework, first.framework_version)),
            ("subject", a.subject.id, first.subject.id),
            ("period", a.period, first.period),
        ):
            if mine != theirs:
                problems.append(
                    Problem.of(
                        label[i], f"combine.differs.{what}", mine=_show(mine), theirs=_show(theirs), first=label[0]
                    )
                )
    owner: dict[str, int] = {}
    joint: int | None = None
    for i, a in enumerate(assessments):
        for r in a.raters:
            if r.id in owner:
                problems.append(Problem.of(label[i], "combine.rater-twice", rater=r.id, other=label[owner[r.id]]))
            owner.setdefault(r.id, i)
        if any(rating.rater is None for rating in a.ratings):
            if joint is not None:
                problems.append(Problem.of(label[i], "combine.joint-twice", other=label[joint]))
            joint = i if joint is None else joint
    if problems:
        raise ValidationError(problems)

    def first_given(get: Callable[[Assessment], str]) -> str:
        for a in assessments:
            value = get(a)
            if value:
                return str(value)
        return ""

    subject = Subject(
        first.subject.id,
        first_given(lambda a: a.subject.name),
        first_given(lambda a: a.subject.region),
    )
    return Assessment(
        first.framework,
        first.framework_version,
        subject,
        first.period,
        ratings=tuple(r for a in assessments for r in a.ratings),
        raters=tuple(r for a in assessments for r in a.raters),
        notes="\n\n".join(a.notes for a in assessments if a.notes),
        success_definition=first_given(lambda a: a.success_definition),
    )


def group_for_combining(items: Sequence[tuple[str, Assessment]]) -> list[tuple[list[str], Assessment]]:
    """Combine named assessments per (framework version, subject, period), in order of first appearance.

    Returns ``(names, combined assessment)`` per group; raises :class:`ValidationError` with every
    conflict of every group.
    """
    groups: dict[tuple[str, str, str, str], list[tuple[str, Assessment]]] = {}
    for name, a in items:
        groups.setdefault((a.framework, a.framework_version, a.subject.id, a.period), []).append((name, a))
    out: list[tuple[list[str], Assessment]] = []
    problems: list[Problem] = []
    for members in groups.values():
        names = [n for n, _ in members]
        try:
            out.append((names, combine_assessments([a for _, a in members], names=names)))
        except ValidationError as exc:
            problems += exc.problems
    if problems:
        raise ValidationError(problems)
    return out


def _show(value: object) -> str:
    return " ".join(map(repr, value)) if isinstance(value, tuple) else repr(value)
