"""Check any assignment against the rules — a computed one or a historical one typed in by hand.

:func:`check_assignment` reports every :class:`~qframework.assignment.result.Violation`, each naming its rule
with the same short names :class:`~qframework.errors.InfeasibleAssignment` uses:

``unknown-participant``, ``unknown-topic``, ``duplicate``, ``unassigned``, ``topics-per-participant``
(also: more topics than the participant ``wants``), ``required-topics``, ``mandatory``, ``exclusion``,
``unranked``, ``capacity``, ``group``, ``group-size``, ``group-topics``, ``distinct-required``.

Topics a group shares are checked once for the group (``group`` set), not once per member, so a
mistake in a cluster's topics is reported once.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .result import Assignment, Violation
from .rules import AssignmentRules, Participant

__all__ = ["check", "check_assignment"]


def check(assignment: Assignment, participants: Iterable[Participant], rules: AssignmentRules) -> list[Violation]:
    """Deprecated alias of :func:`check_assignment`, kept for one release; emits ``DeprecationWarning``."""
    warnings.warn(
        "qframework.check() is deprecated; use qframework.check_assignment()", DeprecationWarning, stacklevel=2
    )
    return check_assignment(assignment, participants, rules)


def _expect_arguments(assignment: object, participants: object, rules: object) -> None:
    from .._args import expect, refuse

    expect(assignment, Assignment, "check_assignment", "assignment")
    expect(rules, AssignmentRules, "check_assignment", "rules")
    if isinstance(participants, (str, bytes)) or not isinstance(participants, Iterable):
        refuse(participants, "check_assignment", "participants", "an iterable of Participant")


def check_assignment(
    assignment: Assignment, participants: Iterable[Participant], rules: AssignmentRules
) -> list[Violation]:
    """Every way in which ``assignment`` breaks ``rules`` for ``participants``; empty means valid."""
    _expect_arguments(assignment, participants, rules)
    people = {p.id: p for p in participants}
    known_topics = set(rules.topic_ids)
    mandatory = list(dict.fromkeys(rules.mandatory_topics))
    out: list[Violation] = []

    # --- who is mentioned where
    for pid in assignment.participant_ids:
        if pid not in people:
            out.append(Violation.of("unknown-participant", "check.participant.unknown", participant=pid))
    for pid, n in sorted(Counter(p.participant for p in assignment.placements).items()):
        if n > 1:
            out.append(Violation.of("duplicate", "check.placed-twice", participant=pid, count=n))
    membership: dict[str, list[str]] = {}
    for g in assignment.groups:
        for m in g.members:
            membership.setdefault(m, []).append(g.id)
    for pid, gids in sorted(membership.items()):
        if len(gids) > 1:
            out.append(
                Violation.of("duplicate", "check.member-twice", participant=pid, count=len(gids), groups=tuple(gids))
            )
    for gid, n in sorted(Counter(g.id for g in assignment.groups).items()):
        if n > 1:
            out.append(Violation.of("duplicate", "check.group.duplicate", group=gid, count=n))
    group_ids = {g.id for g in assignment.groups}
    for pl in assignment.placements:
        if pl.group is not None and pl.group not in group_ids:
            out.append(Violation.of("group", "check.group.unknown", participant=pl.participant, group=pl.group))
        elif pl.group is not None and membership.get(pl.participant) and pl.group not in membership[pl.participant]:
            out.append(
                Violation.of(
                    "group",
                    "check.group.mismatch",
                    participant=pl.participant,
                    group=pl.group,
                    groups=tuple(membership[pl.participant]),
                )
            )

    # --- topic lists: each group's once, then each participant's own
    def check_topics(req: tuple[str, ...], opt: tuple[str, ...], *, pid: str | None, gid: str | None) -> None:
        where: dict[str, Any] = {"participant": pid, "group": gid}
        both = req + opt
        for t in both:
            if t not in known_topics:
                out.append(Violation.of("unknown-topic", "check.topic.unknown", topic=t, **where))
        for t, n in sorted(Counter(both).items()):
            if n > 1:
                out.append(Violation.of("duplicate", "check.topic.twice", topic=t, count=n, **where))
        covered = Counter(b for t in set(both) if t in known_topics for b in rules.covers(t))
        for b, n in sorted(covered.items()):
            if n > 1 and b not in both:
                out.append(Violation.of("duplicate", "check.topic.twice-alternatives", topic=b, count=n, **where))
            elif n > 1 and b in both and Counter(both)[b] == 1:
                out.append(Violation.of("duplicate", "check.topic.with-alternative", topic=b, **where))
        count = rules.topic_count
        if not count.holds(len(both)):
            out.append(
                Violation.of("topics-per-participant", "check.count.exact", count=len(both), want=count.min, **where)
                if count.max == count.min
                else Violation.of(
                    "topics-per-participant", "check.count.range", count=len(both), want=str(count), **where
                )
            )
        elif len(req) != rules.required_for(len(both)):
            r = rules.required_for(len(both))
            out.append(Violation.of("required-topics", "check.required.count", count=len(req), want=r, **where))
        for t in mandatory:
            if t in opt:
                out.append(Violation.of("mandatory", "check.mandatory.optional", topic=t, **where))
            elif t not in req:
                out.append(Violation.of("mandatory", "check.mandatory.missing", topic=t, **where))

    for g in assignment.groups:
        check_topics(g.required, g.optional, pid=None, gid=g.id)
    grouped_ids = set(membership)
    for pl in assignment.placements:
        if not pl.topics:
            continue
        group = assignment.group_of(pl.participant)
        if group is not None and pl.participant in grouped_ids:
            if set(pl.required) != set(group.required) or set(pl.optional) != set(group.optional):
                out.append(
                    Violation.of(
                        "group-topics",
                        "check.group.topics",
                        participant=pl.participant,
                        group=group.id,
                        topics=tuple(pl.topics),
                        group_topics=tuple(group.topics),
                    )
                )
                check_topics(pl.required, pl.optional, pid=pl.participant, gid=None)
        else:
            check_topics(pl.required, pl.optional, pid=pl.participant, gid=None)

    # --- per participant: assigned or not, exclusions, unranked topics
    topics_of: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for pid in sorted(people):
        req, opt = assignment.topics_of(pid)
        listed_out = pid in assignment.unassigned
        if listed_out and (req or opt):
            out.append(Violation.of("unassigned", "check.unassigned.has-topics", participant=pid))
        if not (req or opt):
            if not rules.allow_unassigned:
                why = "check.unassigned.listed" if listed_out else "check.unassigned.no-topics"
                out.append(Violation.of("unassigned", why, participant=pid))
            continue
        topics_of[pid] = (req, opt)
        person = people[pid]
        wants = rules.wants_of(person)
        if len(req + opt) > wants and rules.topic_count.holds(len(req + opt)):
            group = assignment.group_of(pid)
            out.append(
                Violation.of(
                    "topics-per-participant",
                    "check.wants.group",
                    participant=pid,
                    count=len(req + opt),
                    wants=wants,
                    group=group.id,
                )
                if group is not None and pid in grouped_ids
                else Violation.of(
                    "topics-per-participant", "check.wants", participant=pid, count=len(req + opt), wants=wants
                )
            )
        for t in req + opt:
            if t not in known_topics:
                continue
            hit = sorted(rules.covers(t) & set(person.exclusions))
            if hit:
                out.append(
                    Violation.of("exclusion", "check.excluded", participant=pid, topic=t)
                    if hit == [t]
                    else Violation.of(
                        "exclusion", "check.excluded.through", participant=pid, topic=t, topics=tuple(hit)
                    )
                )
            elif not rules.objective.allow_unranked and t not in mandatory and person.rank(t) is None:
                out.append(Violation.of("unranked", "check.unranked", participant=pid, topic=t))
        if rules.groups is not None and pid not in grouped_ids:
            out.append(Violation.of("group", "check.group.none", participant=pid))

    # --- groups
    if rules.groups is not None:
        size = rules.groups.size
        for g in assignment.groups:
            if not size.holds(len(g.members)):
                out.append(
                    Violation.of("group-size", "check.group.size", group=g.id, count=len(g.members), size=str(size))
                )

    # --- capacity
    counts = Counter(t for req, opt in topics_of.values() for t in set(req + opt) if t in known_topics)
    for t in rules.topic_ids:
        cap = rules.capacity_of(t)
        if not cap.holds(counts[t]):
            out.append(Violation.of("capacity", "check.capacity", topic=t, count=counts[t], capacity=str(cap)))

    # --- distinct required topics (a group counts once)
    if rules.distinct_required:
        # base topic -> [(unit, the required topic through which the unit holds it)]
        holders: dict[str, list[tuple[str, str]]] = {}
        for pid, (req, _opt) in sorted(topics_of.items()):
            group = assignment.group_of(pid)
            unit = f"group {group.id}" if group is not None and pid in grouped_ids else pid
            for t in req:
                if t not in known_topics or t in mandatory:
                    continue
                for b in sorted(rules.covers(t)):
                    entry = (unit, t)
                    if b not in mandatory and entry not in holders.setdefault(b, []):
                        holders[b].append(entry)
        for b in rules.topic_ids:
            entries = holders.get(b, [])
            units = list(dict.fromkeys(u for u, _ in entries))
            vias = {via for _, via in entries}
            if len(units) < 2:
                continue
            if not rules.topic(b).any_of and len(vias) == 1 and vias != {b}:
                continue  # only through one alternative: reported once, on the alternative
            out.append(
                Violation.of("distinct-required", "check.distinct", topic=b, count=len(units), units=tuple(units))
            )
    return out
