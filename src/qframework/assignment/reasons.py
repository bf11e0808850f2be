"""The solver's reasons, in words: why each participant got what it got (stored as placement notes)."""

from __future__ import annotations

from .program import allowed
from .rules import AssignmentRules, Participant


def _label(rules: AssignmentRules, t: str) -> str:
    topic = rules.topic(t)
    name = f"{t} ({topic.title})" if topic.title and topic.title != t else t
    if topic.any_of:
        name += f" [one of {', '.join(topic.any_of)}]"
    return name


def reasons_for(
    person: Participant,
    rules: AssignmentRules,
    req: tuple[str, ...],
    opt: tuple[str, ...],
    counts: dict[str, int],
    required_by: dict[str, list[str]],
    group: str | None,
) -> tuple[str, ...]:
    notes = []
    for kind, ts in (("required", req), ("optional", opt)):
        for t in ts:
            rank = person.rank(t)
            if t in rules.mandatory_topics:
                why = "mandatory for every participant"
            elif rank is not None:
                why = f"your preference rank {rank}"
            else:
                why = f"not among your preferences (counts as rank {rules.unranked_rank})"
            notes.append(f"{_label(rules, t)}: {kind}, {why}.")
    worst_required = max(
        (person.rank(t) or rules.unranked_rank for t in req if t not in rules.mandatory_topics), default=0
    )
    unit = group if group is not None else person.id
    for t in opt:
        rank = person.rank(t)
        if rank is None or rank >= worst_required:
            continue
        others = [u for b in rules.covers(t) for u in required_by.get(b, []) if u != unit]
        if rules.distinct_required and others:
            notes.append(
                f"{_label(rules, t)} (your rank {rank}) is only optional: required topics must be distinct "
                f"and it is already required by {', '.join(dict.fromkeys(others))}."
            )
    worst = max(
        (person.rank(t) or rules.unranked_rank for t in req + opt if t not in rules.mandatory_topics), default=0
    )
    for t in person.preferences:
        rank = person.rank(t)
        assert rank is not None
        if rank >= worst or t in req + opt:
            continue
        reasons = []
        cap = rules.capacity_of(t)
        if cap.max is not None and counts[t] >= cap.max:
            reasons.append(f"its capacity is full ({counts[t]} of {cap.max})")
        others = [u for b in rules.covers(t) for u in required_by.get(b, []) if u != unit]
        if rules.distinct_required and others:
            reasons.append(
                f"required topics must be distinct and it is already required by {', '.join(dict.fromkeys(others))}"
            )
        overlap = [g for g in req + opt if g != t and rules.covers(g) & rules.covers(t)]
        if overlap:
            reasons.append(f"you already have {', '.join(overlap)}, which overlaps it")
        if group is not None:
            reasons.append("topics are chosen per group, and the group as a whole is better off without it")
        binding_min = [
            g
            for g in req + opt
            if g not in rules.mandatory_topics and rules.capacity_of(g).min and counts[g] <= rules.capacity_of(g).min
        ]
        if binding_min and not reasons:
            reasons.append(f"{', '.join(binding_min)} needs its minimum number of participants")
        if not reasons:
            reasons.append("giving it to you would raise the total rank cost for the others by more")
        notes.append(f"Not {_label(rules, t)} (your rank {rank}): {'; '.join(reasons)}.")
    return tuple(notes)


def reasons_unassigned(person: Participant, rules: AssignmentRules, counts: dict[str, int]) -> tuple[str, ...]:
    full = [
        t
        for t in rules.topic_ids
        if (cap := rules.capacity_of(t)).max is not None and counts[t] >= cap.max and allowed(person, t, rules)
    ]
    notes = ["Not selected: participants may stay unassigned, and the places went where they cost less."]
    if full:
        notes.append(f"Full: {', '.join(f'{t} ({counts[t]} of {rules.capacity_of(t).max})' for t in full)}.")
    return tuple(notes)
