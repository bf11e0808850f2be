"""The solver's reasons, in words: why each participant got what it got (stored as placement notes)."""

from __future__ import annotations

import attrs

from ..i18n import gettext_ as _
from ..i18n import ngettext
from .program import allowed
from .rules import AssignmentRules, Bounds, Participant, Topic


@attrs.frozen
class _Facts:
    """What the reasons look up per topic, computed once per rules (the notes run per participant)."""

    covers: dict[str, frozenset[str]]
    capacity: dict[str, Bounds]
    topics: dict[str, Topic]  # labels are rendered per call: the language may change


_cache: list[tuple[AssignmentRules, _Facts]] = []


def _facts(rules: AssignmentRules) -> _Facts:
    if _cache and _cache[0][0] is rules:
        return _cache[0][1]
    ids = rules.topic_ids
    facts = _Facts(
        {t: rules.covers(t) for t in ids},
        {t: rules.capacity_of(t) for t in ids},
        {t.id: t for t in rules.topics},
    )
    _cache[:] = [(rules, facts)]
    return facts


def _label(rules: AssignmentRules, t: str) -> str:
    topic = _facts(rules).topics[t]
    name = f"{t} ({topic.title})" if topic.title and topic.title != t else t
    if topic.any_of:
        name += _(" [one of {topics}]").format(topics=", ".join(topic.any_of))
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
    facts = _facts(rules)
    covers, capacity = facts.covers, facts.capacity
    notes = []
    for kind, ts in ((_("required"), req), (_("optional"), opt)):
        for t in ts:
            rank = person.rank(t)
            if t in rules.mandatory_topics:
                why = _("mandatory for every participant")
            elif rank is not None:
                why = _("your preference rank {rank}").format(rank=rank)
            else:
                why = _("not among your preferences (counts as rank {rank})").format(rank=rules.unranked_rank)
            notes.append(_("{topic}: {kind}, {why}.").format(topic=_label(rules, t), kind=kind, why=why))
    worst_required = max(
        (person.rank(t) or rules.unranked_rank for t in req if t not in rules.mandatory_topics), default=0
    )
    unit = group if group is not None else person.id
    for t in opt:
        rank = person.rank(t)
        if rank is None or rank >= worst_required:
            continue
        others = [u for b in covers[t] for u in required_by.get(b, []) if u != unit]
        if rules.distinct_required and others:
            notes.append(
                _(
                    "{topic} (your rank {rank}) is only optional: required topics must be distinct "
                    "and it is already required by {others}."
                ).format(topic=_label(rules, t), rank=rank, others=", ".join(dict.fromkeys(others)))
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
        cap = capacity[t]
        if cap.max is not None and counts[t] >= cap.max:
            reasons.append(_("its capacity is full ({count} of {max})").format(count=counts[t], max=cap.max))
        others = [u for b in covers[t] for u in required_by.get(b, []) if u != unit]
        if rules.distinct_required and others:
            reasons.append(
                _("required topics must be distinct and it is already required by {others}").format(
                    others=", ".join(dict.fromkeys(others))
                )
            )
        overlap = [g for g in req + opt if g != t and covers[g] & covers[t]]
        if overlap:
            reasons.append(_("you already have {topics}, which overlaps it").format(topics=", ".join(overlap)))
        if group is not None:
            reasons.append(_("topics are chosen per group, and the group as a whole is better off without it"))
        binding_min = [
            g for g in req + opt if g not in rules.mandatory_topics and capacity[g].min and counts[g] <= capacity[g].min
        ]
        if binding_min and not reasons:
            reasons.append(
                ngettext(
                    "{topics} needs its minimum number of participants",
                    "{topics} need their minimum numbers of participants",
                    len(binding_min),
                ).format(topics=", ".join(binding_min))
            )
        if not reasons:
            reasons.append(_("giving it to you would raise the total rank cost for the others by more"))
        notes.append(
            _("Not {topic} (your rank {rank}): {reasons}.").format(
                topic=_label(rules, t), rank=rank, reasons="; ".join(reasons)
            )
        )
    return tuple(notes)


def reasons_unassigned(person: Participant, rules: AssignmentRules, counts: dict[str, int]) -> tuple[str, ...]:
    full = [
        t
        for t in rules.topic_ids
        if (cap := rules.capacity_of(t)).max is not None and counts[t] >= cap.max and allowed(person, t, rules)
    ]
    notes = [_("Not selected: participants may stay unassigned, and the places went where they cost less.")]
    if full:
        places = ", ".join(
            _("{topic} ({count} of {max})").format(topic=t, count=counts[t], max=rules.capacity_of(t).max) for t in full
        )
        notes.append(_("Full: {topics}.").format(topics=places))
    return tuple(notes)
