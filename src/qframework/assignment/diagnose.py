"""Why an assignment is infeasible: the rule to name, found by plain counting or by relaxing rules."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..errors import InfeasibleAssignment
from ..messages import Note
from .program import allowed, solve_topics, splittable, topic_bundles
from .rules import AssignmentRules, Bounds, Participant


def precheck(people: Sequence[Participant], rules: AssignmentRules) -> None:
    """Raise :class:`InfeasibleAssignment` for the failures that can be named with plain numbers."""
    n = len(people)
    k, r = rules.fewest_topics, rules.required_count
    mandatory = sorted(set(rules.mandatory_topics))
    allow_unranked = rules.objective.allow_unranked
    n_topics = len(rules.topic_ids)
    if not rules.allow_unassigned:
        for person in people:
            if not person.exclusions and allow_unranked and n_topics >= k:
                continue  # every topic is allowed: nothing below can fail for this participant
            for t in mandatory:
                if not allowed(person, t, rules):
                    raise InfeasibleAssignment.of(
                        "mandatory", "infeasible.mandatory-excluded", participant=person.id, topic=t
                    )
            usable = [t for t in rules.topic_ids if allowed(person, t, rules)]
            if len(usable) < k:
                why = Note("infeasible.why.excluded" if rules.objective.allow_unranked else "infeasible.why.ranked")
                need = Note("infeasible.need.at-least" if rules.most_topics > k else "infeasible.need", {"count": k})
                raise InfeasibleAssignment.of(
                    "topics-per-participant",
                    "infeasible.usable.one" if len(usable) == 1 else "infeasible.usable",
                    participant=person.id,
                    count=len(usable),
                    why=why,
                    need=need,
                )
        caps = [rules.capacity_of(t).max for t in rules.topic_ids]
        if all(c is not None for c in caps):
            total = sum(c for c in caps if c is not None)
            if n * k > total:
                raise (
                    InfeasibleAssignment.of("capacity", "infeasible.capacity.one", count=n, total=total)
                    if k == 1
                    else InfeasibleAssignment.of(
                        "capacity", "infeasible.capacity", count=n, k=k, places=n * k, total=total
                    )
                )
        for t in mandatory:
            cap = rules.capacity_of(t)
            if cap.max is not None and cap.max < n:
                raise InfeasibleAssignment.of(
                    "capacity", "infeasible.mandatory-capacity", count=n, topic=t, max=cap.max
                )
        if rules.distinct_required and r > len(mandatory):
            # every distinct required slot uses up at least one plain non-mandatory topic
            free = [
                t.id
                for t in rules.topics
                if t.id not in mandatory and (not t.any_of or set(t.any_of) <= set(mandatory))
            ]
            if rules.groups is None:
                units = n
            else:
                most = rules.groups.size.max
                units = 1 if most is None else -(-n // most)
            slots = units * (r - len(mandatory))
            if n and slots > len(free):
                raise InfeasibleAssignment.of(
                    "distinct-required",
                    "infeasible.distinct" if rules.groups is None else "infeasible.distinct.groups",
                    count=n if rules.groups is None else units,
                    slots=slots,
                    free=len(free),
                )
        if rules.groups is not None:
            bundles = topic_bundles(rules)
            smallest = min((len(req + opt) for req, opt in bundles), default=0)
            for person in people:
                wants = rules.wants_of(person)
                if bundles and not person.exclusions and allow_unranked and smallest <= wants:
                    continue  # every topic is allowed, so the smallest bundle is
                if not any(
                    len(req + opt) <= wants and all(allowed(person, t, rules) for t in req + opt)
                    for req, opt in bundles
                ):
                    raise InfeasibleAssignment.of("exclusion", "infeasible.exclusion", participant=person.id)
        if rules.groups is not None and not splittable(n, rules.groups.size):
            raise InfeasibleAssignment.of("group-size", "infeasible.group-size", count=n, size=str(rules.groups.size))
    mins = sum(rules.capacity_of(t).min for t in rules.topic_ids)
    if mins == 0:
        return  # no minimum capacity to fill (the common case): nothing to count
    fewest = rules.fewest_topics
    places = sum(fewest if person.wants is None else person.wants for person in people)
    if mins > places:
        exact = len({rules.wants_of(person) for person in people}) <= 1
        w = rules.wants_of(people[0]) if people else rules.fewest_topics
        code = ("infeasible.minimum.one" if w == 1 else "infeasible.minimum") if exact else "infeasible.minimum.wants"
        raise InfeasibleAssignment.of("capacity", code, mins=mins, count=n, wants=w, places=places)


def diagnose(people: Sequence[Participant], rules: AssignmentRules) -> InfeasibleAssignment:
    """Name the rule whose relaxation makes the instance feasible."""
    relaxed_caps = tuple(attrs.evolve(t, capacity=Bounds(0, None)) for t in rules.topics)
    trials: list[tuple[str, AssignmentRules, Note]] = []
    if rules.groups is not None:
        trials.append(
            (
                "group-size",
                attrs.evolve(rules, groups=attrs.evolve(rules.groups, size=Bounds(1, None))),
                Note("infeasible.groups-split", {"size": str(rules.groups.size)}),
            )
        )
    if rules.distinct_required:
        trials.append(
            (
                "distinct-required",
                attrs.evolve(rules, distinct_required=False),
                Note("infeasible.distinct-all"),
            )
        )
    mins = tuple(attrs.evolve(t, capacity=attrs.evolve(rules.capacity_of(t.id), min=0)) for t in rules.topics)
    trials.append(
        (
            "capacity",
            attrs.evolve(rules, topics=mins, capacity=attrs.evolve(rules.capacity, min=0)),
            Note("infeasible.minimums"),
        )
    )
    trials.append(
        (
            "capacity",
            attrs.evolve(rules, topics=relaxed_caps, capacity=Bounds(0, None)),
            Note("infeasible.capacities"),
        )
    )
    for rule, relaxed, message in trials:
        try:
            if solve_topics(people, relaxed) is not None:
                return InfeasibleAssignment.of(rule, message.code, **message.params)
        except InfeasibleAssignment:
            continue
    return InfeasibleAssignment.of("rules", "infeasible.rules")
