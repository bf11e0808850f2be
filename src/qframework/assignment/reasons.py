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


class Reasons:
    """Words each participant's result: the rules' labels and the translated phrases are looked up
    once per result (in the current language), not once per participant and topic."""

    def __init__(self, rules: AssignmentRules, counts: dict[str, int], required_by: dict[str, list[str]]) -> None:
        facts = _facts(rules)
        self.rules, self.counts, self.required_by = rules, counts, required_by
        self.covers, self.capacity = facts.covers, facts.capacity
        self.labels = {t: _label(rules, t) for t in rules.topic_ids}
        self.mandatory = frozenset(rules.mandatory_topics)
        self.unranked = rules.unranked_rank
        self.distinct = rules.distinct_required
        self.kinds = (_("required"), _("optional"))
        self.line = _("{topic}: {kind}, {why}.")
        self.why_mandatory = _("mandatory for every participant")
        self.why_rank = _("your preference rank {rank}")
        self.why_unranked = _("not among your preferences (counts as rank {rank})").format(rank=self.unranked)
        self.not_topic = _("Not {topic} (your rank {rank}): {reasons}.")
        self.full = _("its capacity is full ({count} of {max})")
        self.distinct_taken = _("required topics must be distinct and it is already required by {others}")
        self.overlaps = _("you already have {topics}, which overlaps it")
        self.per_group = _("topics are chosen per group, and the group as a whole is better off without it")
        self.otherwise = _("giving it to you would raise the total rank cost for the others by more")
        self.memo: dict[tuple[object, ...], tuple[str, ...]] = {}

    def others(self, t: str, unit: str) -> list[str]:
        """The units (participants or groups) other than ``unit`` that require ``t`` or a topic it covers."""
        return [u for b in self.covers[t] for u in self.required_by.get(b, []) if u != unit]

    def notes(
        self,
        person: Participant,
        req: tuple[str, ...],
        opt: tuple[str, ...],
        group: str | None,
        ranks: tuple[int, ...] | None = None,
    ) -> tuple[str, ...]:
        """The notes of one participant's placement (``ranks``: of ``req + opt``, 0 if unranked, if at hand).

        Without distinct required topics the notes depend only on the topics given, the
        preferences up to the worst-ranked of them and whether there is a group; participants who
        share those share their notes, which are then worded once.
        """
        if self.distinct:
            return self._notes(person, req, opt, group, {t: i + 1 for i, t in enumerate(person.preferences)})
        mine = req + opt
        if ranks is None:
            ranks = tuple(person.rank(t) or 0 for t in mine)
        worst = max(
            (r or self.unranked for t, r in zip(mine, ranks, strict=True) if t not in self.mandatory), default=0
        )
        key = (person.preferences[:worst], req, opt, group is None)
        found = self.memo.get(key)
        if found is None:
            rank_of = {t: i + 1 for i, t in enumerate(person.preferences)}
            found = self.memo[key] = self._notes(person, req, opt, group, rank_of)
        return found

    def alone(self, person: Participant, req: tuple[str, ...], opt: tuple[str, ...], rank: int) -> tuple[str, ...]:
        """:meth:`notes` of a participant without a group holding one non-mandatory topic of preference
        rank ``rank`` (0: unranked), without distinct required topics: the same memo, a shorter way to its key."""
        key = (person.preferences[: rank or self.unranked], req, opt, True)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._notes(
                person, req, opt, None, {t: i + 1 for i, t in enumerate(person.preferences)}
            )
        return found

    def _notes(
        self,
        person: Participant,
        req: tuple[str, ...],
        opt: tuple[str, ...],
        group: str | None,
        rank_of: dict[str, int],
    ) -> tuple[str, ...]:
        mandatory, labels, counts, capacity, covers = (
            self.mandatory,
            self.labels,
            self.counts,
            self.capacity,
            self.covers,
        )
        notes = []
        for kind, ts in zip(self.kinds, (req, opt), strict=True):
            for t in ts:
                rank = rank_of.get(t)
                if t in mandatory:
                    why = self.why_mandatory
                elif rank is not None:
                    why = self.why_rank.format(rank=rank)
                else:
                    why = self.why_unranked
                notes.append(self.line.format(topic=labels[t], kind=kind, why=why))
        unit = group if group is not None else person.id
        if self.distinct:
            worst_required = max((rank_of.get(t, self.unranked) for t in req if t not in mandatory), default=0)
            for t in opt:
                rank = rank_of.get(t)
                if rank is None or rank >= worst_required:
                    continue
                others = self.others(t, unit)
                if others:
                    notes.append(
                        _(
                            "{topic} (your rank {rank}) is only optional: required topics must be distinct "
                            "and it is already required by {others}."
                        ).format(topic=labels[t], rank=rank, others=", ".join(dict.fromkeys(others)))
                    )
        mine = req + opt
        worst = max((rank_of.get(t, self.unranked) for t in mine if t not in mandatory), default=0)
        if worst <= 1:
            return tuple(notes)
        binding_min: list[str] | None = None
        for t in person.preferences[: worst - 1]:
            if t in mine:
                continue
            rank = rank_of[t]
            reasons = []
            cap = capacity[t]
            if cap.max is not None and counts[t] >= cap.max:
                reasons.append(self.full.format(count=counts[t], max=cap.max))
            if self.distinct:
                others = self.others(t, unit)
                if others:
                    reasons.append(self.distinct_taken.format(others=", ".join(dict.fromkeys(others))))
            overlap = [g for g in mine if g != t and covers[g] & covers[t]]
            if overlap:
                reasons.append(self.overlaps.format(topics=", ".join(overlap)))
            if group is not None:
                reasons.append(self.per_group)
            if not reasons:
                if binding_min is None:
                    binding_min = [
                        g for g in mine if g not in mandatory and capacity[g].min and counts[g] <= capacity[g].min
                    ]
                if binding_min:
                    reasons.append(
                        ngettext(
                            "{topics} needs its minimum number of participants",
                            "{topics} need their minimum numbers of participants",
                            len(binding_min),
                        ).format(topics=", ".join(binding_min))
                    )
            if not reasons:
                reasons.append(self.otherwise)
            notes.append(self.not_topic.format(topic=labels[t], rank=rank, reasons="; ".join(reasons)))
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
