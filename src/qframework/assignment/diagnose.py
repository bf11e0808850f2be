"""Why an assignment is infeasible: the rule to name, found by plain counting or by relaxing rules."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..errors import InfeasibleAssignment
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
                    raise InfeasibleAssignment(
                        "mandatory", f"participant {person.id} excludes the mandatory topic {t!r}"
                    )
            usable = [t for t in rules.topic_ids if allowed(person, t, rules)]
            if len(usable) < k:
                why = "the others are excluded" if rules.objective.allow_unranked else "only ranked topics are allowed"
                raise InfeasibleAssignment(
                    "topics-per-participant",
                    f"participant {person.id} can take only {len(usable)} topic{'s' if len(usable) != 1 else ''} "
                    f"({why}), but needs {'at least ' if rules.most_topics > k else ''}{k}",
                )
        caps = [rules.capacity_of(t).max for t in rules.topic_ids]
        if all(c is not None for c in caps):
            total = sum(c for c in caps if c is not None)
            if n * k > total:
                need = f"{n} participants" if k == 1 else f"{n} participants × {k} topics = {n * k} places"
                raise InfeasibleAssignment("capacity", f"{need}, but capacities allow at most {total}")
        for t in mandatory:
            cap = rules.capacity_of(t)
            if cap.max is not None and cap.max < n:
                raise InfeasibleAssignment(
                    "capacity", f"{n} participants must take the mandatory topic {t!r}, but its capacity is {cap.max}"
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
            who = f"{n} participants" if rules.groups is None else f"at least {units} groups"
            slots = units * (r - len(mandatory))
            if n and slots > len(free):
                raise InfeasibleAssignment(
                    "distinct-required",
                    f"{who} need {slots} different required topics, but only {len(free)} topics exist",
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
                    raise InfeasibleAssignment(
                        "exclusion", f"participant {person.id} excludes a topic of every possible topic combination"
                    )
        if rules.groups is not None and not splittable(n, rules.groups.size):
            raise InfeasibleAssignment(
                "group-size", f"{n} participants cannot be split into groups of {rules.groups.size}"
            )
    mins = sum(rules.capacity_of(t).min for t in rules.topic_ids)
    if mins == 0:
        return  # no minimum capacity to fill (the common case): nothing to count
    fewest = rules.fewest_topics
    places = sum(fewest if person.wants is None else person.wants for person in people)
    if mins > places:
        exact = len({rules.wants_of(person) for person in people}) <= 1
        w = rules.wants_of(people[0]) if people else rules.fewest_topics
        given = f"{n} participants × {w} topic{'s' if w != 1 else ''}" if exact else f"{n} participants' wants"
        raise InfeasibleAssignment(
            "capacity", f"the topics' minimum capacities need {mins} places, but {given} give only {places}"
        )


def diagnose(people: Sequence[Participant], rules: AssignmentRules) -> InfeasibleAssignment:
    """Name the rule whose relaxation makes the instance feasible."""
    relaxed_caps = tuple(attrs.evolve(t, capacity=Bounds(0, None)) for t in rules.topics)
    trials: list[tuple[str, AssignmentRules, str]] = []
    if rules.groups is not None:
        trials.append(
            (
                "group-size",
                attrs.evolve(rules, groups=attrs.evolve(rules.groups, size=Bounds(1, None))),
                f"the participants of some topic cannot be split into groups of {rules.groups.size}",
            )
        )
    if rules.distinct_required:
        trials.append(
            (
                "distinct-required",
                attrs.evolve(rules, distinct_required=False),
                "the required topics cannot all be different across participants",
            )
        )
    mins = tuple(attrs.evolve(t, capacity=attrs.evolve(rules.capacity_of(t.id), min=0)) for t in rules.topics)
    trials.append(
        (
            "capacity",
            attrs.evolve(rules, topics=mins, capacity=attrs.evolve(rules.capacity, min=0)),
            "the topics' minimum capacities cannot all be reached",
        )
    )
    trials.append(
        (
            "capacity",
            attrs.evolve(rules, topics=relaxed_caps, capacity=Bounds(0, None)),
            "the topics' capacities are too small for these participants",
        )
    )
    for rule, relaxed, message in trials:
        try:
            if solve_topics(people, relaxed) is not None:
                return InfeasibleAssignment(rule, message)
        except InfeasibleAssignment:
            continue
    return InfeasibleAssignment("rules", "no assignment meets all rules together (exclusions, capacities, groups)")
