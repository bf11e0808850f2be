"""Check any assignment against the rules — a computed one or a historical one typed in by hand.

:func:`check_assignment` reports every :class:`~qframework.assignment.result.Violation`, each naming its rule
with the same short names :class:`~qframework.errors.InfeasibleAssignment` uses:

``unknown-participant``, ``unknown-topic``, ``duplicate``, ``unassigned``, ``topics-per-participant``
(also: more topics than the participant ``wants``), ``required-topics``, ``mandatory``, ``exclusion``,
``unranked``, ``capacity``, ``group``, ``group-size``, ``group-topics``, ``distinct-required``.

Topics a group shares are checked once for the group (``group_id`` set), not once per member, so a
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
            out.append(Violation("unknown-participant", f"{pid!r} is not a participant", participant_id=pid))
    for pid, n in sorted(Counter(p.participant for p in assignment.placements).items()):
        if n > 1:
            out.append(Violation("duplicate", f"placed {n} times", participant_id=pid))
    membership: dict[str, list[str]] = {}
    for g in assignment.groups:
        for m in g.members:
            membership.setdefault(m, []).append(g.id)
    for pid, gids in sorted(membership.items()):
        if len(gids) > 1:
            out.append(Violation("duplicate", f"member of {len(gids)} groups: {', '.join(gids)}", participant_id=pid))
    for gid, n in sorted(Counter(g.id for g in assignment.groups).items()):
        if n > 1:
            out.append(Violation("duplicate", f"group id used {n} times", group_id=gid))
    group_ids = {g.id for g in assignment.groups}
    for pl in assignment.placements:
        if pl.group is not None and pl.group not in group_ids:
            out.append(Violation("group", f"refers to unknown group {pl.group!r}", participant_id=pl.participant))
        elif pl.group is not None and membership.get(pl.participant) and pl.group not in membership[pl.participant]:
            out.append(
                Violation(
                    "group",
                    f"placed in group {pl.group!r} but listed as a member of {', '.join(membership[pl.participant])}",
                    participant_id=pl.participant,
                )
            )

    # --- topic lists: each group's once, then each participant's own
    def check_topics(req: tuple[str, ...], opt: tuple[str, ...], *, pid: str | None, gid: str | None) -> None:
        where: dict[str, Any] = {"participant_id": pid, "group_id": gid}
        both = req + opt
        for t in both:
            if t not in known_topics:
                out.append(Violation("unknown-topic", f"{t!r} is not a topic of the rules", topic=t, **where))
        for t, n in sorted(Counter(both).items()):
            if n > 1:
                out.append(Violation("duplicate", f"{t!r} is given {n} times", topic=t, **where))
        covered = Counter(b for t in set(both) if t in known_topics for b in rules.covers(t))
        for b, n in sorted(covered.items()):
            if n > 1 and b not in both:
                out.append(Violation("duplicate", f"{b!r} is given {n} times through alternatives", topic=b, **where))
            elif n > 1 and b in both and Counter(both)[b] == 1:
                out.append(
                    Violation(
                        "duplicate", f"{b!r} is given together with an alternative containing it", topic=b, **where
                    )
                )
        count = rules.topic_count
        if not count.holds(len(both)):
            if count.max == count.min:
                message = f"{len(both)} topics instead of {count.min}"
            else:
                message = f"{len(both)} topics, but topics_per_participant is {count}"
            out.append(Violation("topics-per-participant", message, **where))
        elif len(req) != rules.required_for(len(both)):
            r = rules.required_for(len(both))
            out.append(Violation("required-topics", f"{len(req)} required topics instead of {r}", **where))
        for t in mandatory:
            if t in opt:
                out.append(Violation("mandatory", f"mandatory topic {t!r} is only optional", topic=t, **where))
            elif t not in req:
                out.append(Violation("mandatory", f"mandatory topic {t!r} is missing", topic=t, **where))

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
                    Violation(
                        "group-topics",
                        f"has {', '.join(pl.topics)} but its group {group.id} has {', '.join(group.topics)}",
                        participant_id=pl.participant,
                        group_id=group.id,
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
            out.append(Violation("unassigned", "listed as unassigned but has topics", participant_id=pid))
        if not (req or opt):
            if not rules.allow_unassigned:
                why = "is listed as unassigned" if listed_out else "got no topics"
                out.append(
                    Violation("unassigned", f"{why}, but every participant must be assigned", participant_id=pid)
                )
            continue
        topics_of[pid] = (req, opt)
        person = people[pid]
        wants = rules.wants_of(person)
        if len(req + opt) > wants and rules.topic_count.holds(len(req + opt)):
            group = assignment.group_of(pid)
            via = f" (its group {group.id} has {len(req + opt)})" if group is not None and pid in grouped_ids else ""
            out.append(
                Violation(
                    "topics-per-participant",
                    f"{len(req + opt)} topics, but it wants {wants}{via}",
                    participant_id=pid,
                )
            )
        for t in req + opt:
            if t not in known_topics:
                continue
            hit = sorted(rules.covers(t) & set(person.exclusions))
            if hit:
                via = "" if hit == [t] else f" (through {', '.join(hit)})"
                out.append(Violation("exclusion", f"got excluded topic {t!r}{via}", participant_id=pid, topic=t))
            elif not rules.objective.allow_unranked and t not in mandatory and person.rank(t) is None:
                out.append(Violation("unranked", f"got {t!r}, which it did not rank", participant_id=pid, topic=t))
        if rules.groups is not None and pid not in grouped_ids:
            out.append(Violation("group", "is in no group, but participants work in groups", participant_id=pid))

    # --- groups
    if rules.groups is not None:
        size = rules.groups.size
        for g in assignment.groups:
            if not size.holds(len(g.members)):
                out.append(
                    Violation("group-size", f"{len(g.members)} members, but groups must have {size}", group_id=g.id)
                )

    # --- capacity
    counts = Counter(t for req, opt in topics_of.values() for t in set(req + opt) if t in known_topics)
    for t in rules.topic_ids:
        cap = rules.capacity_of(t)
        if not cap.holds(counts[t]):
            out.append(Violation("capacity", f"{counts[t]} participants, but capacity is {cap}", topic=t))

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
            out.append(Violation("distinct-required", f"required by {len(units)}: {', '.join(units)}", topic=b))
    return out
