"""The solver's reasons as facts: why each participant got what it got (stored as placement notes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from ..messages import Note
from .program import allowed
from .rules import AssignmentRules, Bounds, Participant, Topic


@attrs.frozen
class _Facts:
    """What the reasons look up per topic, computed once per rules (the notes run per participant)."""

    covers: dict[str, frozenset[str]]
    capacity: dict[str, Bounds]
    topics: dict[str, Topic]


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


_REQUIRED, _OPTIONAL = Note("role.required"), Note("role.optional")
_NOT_COST = Note("not-given.cost")
_NOT_PER_GROUP = Note("not-given.per-group")


class Reasons:
    """The facts of each participant's result (:class:`~qframework.messages.Note`): what it got and
    why, and why not a better-ranked topic. Plain data, the same in every language; worded when shown."""

    def __init__(self, rules: AssignmentRules, counts: dict[str, int], required_by: dict[str, list[str]]) -> None:
        facts = _facts(rules)
        self.rules, self.counts, self.required_by = rules, counts, required_by
        self.covers, self.capacity = facts.covers, facts.capacity
        self.mandatory = frozenset(rules.mandatory_topics)
        self.unranked = rules.unranked_rank
        self.distinct = rules.distinct_required
        self.memo: dict[tuple[object, ...], tuple[Note, ...]] = {}
        # The common case words each note from its topic, role and rank alone: no topic covers another
        # (no overlap), no capacity minimum binds and required topics need not be distinct. Then the
        # notes are pieces shared by every participant, made once each (:meth:`_pieces`).
        self.simple = (
            not self.distinct
            and all(cover == {t} for t, cover in self.covers.items())
            and not any(cap.min and counts.get(t, 0) <= cap.min for t, cap in self.capacity.items())
        )
        self._given: dict[tuple[object, ...], Note] = {}
        self._heads: dict[tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]], tuple[Note, ...]] = {}
        # a better-ranked topic not given, and why: by group-or-not, then by its rank (a list: no key to build)
        self._missed: tuple[list[dict[str, tuple[Note, ...]]], ...] = tuple(
            [{} for _ in range(len(facts.covers) + 1)] for _alone in (False, True)
        )

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
    ) -> tuple[Note, ...]:
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
            if self.simple:
                found = self.memo[key] = self._pieces(person, req, opt, group is None, ranks, worst)
            else:
                rank_of = {t: i + 1 for i, t in enumerate(person.preferences)}
                found = self.memo[key] = self._notes(person, req, opt, group, rank_of)
        return found

    def _pieces(
        self,
        person: Participant,
        req: tuple[str, ...],
        opt: tuple[str, ...],
        alone: bool,
        ranks: tuple[int, ...],
        worst: int,
    ) -> tuple[Note, ...]:
        """:meth:`_notes` in the :attr:`simple` case, from shared pieces: the same notes in the same order."""
        head = self._heads.get((req, opt, ranks))
        if head is None:  # the notes on the topics given: the same for everybody given them at these ranks
            given, mandatory = self._given, self.mandatory
            notes: list[Note] = []
            n_req = len(req)
            for i, (t, rank) in enumerate(zip(req + opt, ranks, strict=True)):
                role = _REQUIRED if i < n_req else _OPTIONAL
                key = (t, role.code, rank if t not in mandatory else -1)
                note = given.get(key)
                if note is None:
                    if t in mandatory:
                        note = Note("given.mandatory", {"topic": t, "role": role})
                    elif rank:
                        note = Note("given.ranked", {"topic": t, "role": role, "rank": rank})
                    else:
                        note = Note("given.unranked", {"topic": t, "role": role, "rank": self.unranked})
                    given[key] = note
                notes.append(note)
            head = self._heads[(req, opt, ranks)] = tuple(notes)
        if worst <= 1:
            return head
        mine = req + opt
        missed = self._missed[alone]
        out = list(head)
        for i, t in enumerate(person.preferences[: worst - 1], 1):
            if t in mine:
                continue
            piece = missed[i].get(t)
            if piece is None:
                cap, count = self.capacity[t], self.counts[t]
                causes: list[Note] = []
                if cap.max is not None and count >= cap.max:
                    causes.append(Note("not-given.full", {"count": count, "max": cap.max}))
                if not alone:
                    causes.append(_NOT_PER_GROUP)
                piece = missed[i][t] = (Note("not-given", {"topic": t, "rank": i}), *(causes or [_NOT_COST]))
            out += piece
        return tuple(out)

    def several_many(
        self, topics: Sequence[str], held: Any, ranks: Any, required: int, rank: Any, worst: Any
    ) -> list[tuple[Note, ...]] | None:
        """:meth:`several` for every participant at once, in the :attr:`simple` case without mandatory
        topics (``None`` otherwise): ``held`` (participants × k, indices into ``topics``) their topics
        in order, the first ``required`` of them required, ``ranks`` the topics' ranks (0: unranked),
        ``rank`` participants × topics the preference ranks, ``worst`` each one's worst cost. The same
        notes in the same order: the notes on the topics given, then for every better-ranked topic
        not given (by rank) the topic and its cause, laid out for everybody with array operations."""
        import numpy as np

        if not self.simple or self.mandatory:
            return None
        n, k = held.shape
        m = len(topics)
        table: list[Note] = []  # every note needed, once; each participant's notes index into it
        optional = (np.arange(k) >= required).astype(np.int64)
        kinds, given_at = np.unique((held * 2 + optional) * (m + 2) + ranks, return_inverse=True)
        for code in kinds.tolist():
            rest, r = divmod(code, m + 2)
            t, opt = divmod(rest, 2)
            role = _OPTIONAL if opt else _REQUIRED
            note = self._given.get((topics[t], role.code, r))
            if note is None:
                if r:
                    note = Note("given.ranked", {"topic": topics[t], "role": role, "rank": r})
                else:
                    note = Note("given.unranked", {"topic": topics[t], "role": role, "rank": self.unranked})
                self._given[(topics[t], role.code, r)] = note
            table.append(note)
        holds = np.zeros(rank.shape, dtype=bool)
        holds[np.repeat(np.arange(n), k), held.reshape(-1)] = True
        mp, mt = np.nonzero((rank >= 1) & (rank < np.asarray(worst)[:, None]) & ~holds)
        mi = rank[mp, mt]
        order = np.lexsort((mi, mp))  # by participant, then by rank
        mp, mt, mi = mp[order], mt[order], mi[order]
        kinds, missed_at = np.unique(mt * (m + 1) + mi, return_inverse=True)
        first_missed = len(table)
        for code in kinds.tolist():
            t, i = divmod(code, m + 1)
            table.append(Note("not-given", {"topic": topics[t], "rank": i}))
        first_cause = len(table)
        for t in topics:
            cap, count = self.capacity[t], self.counts[t]
            if cap.max is not None and count >= cap.max:
                table.append(Note("not-given.full", {"count": count, "max": cap.max}))
            else:
                table.append(_NOT_COST)
        many = np.bincount(mp, minlength=n)
        end = np.cumsum(k + 2 * many)
        start = end - (k + 2 * many)
        flat = np.empty(int(end[-1]) if n else 0, dtype=np.int64)
        flat[(start[:, None] + np.arange(k)).reshape(-1)] = given_at.reshape(-1)
        at = start[mp] + k + 2 * (np.arange(len(mp)) - (np.cumsum(many) - many)[mp])
        flat[at] = first_missed + missed_at.reshape(-1)
        flat[at + 1] = first_cause + mt
        notes = np.empty(len(table), dtype=object)
        notes[:] = table
        seq = notes[flat].tolist()
        return [tuple(seq[a:b]) for a, b in zip(start.tolist(), end.tolist(), strict=True)]

    def alone(self, person: Participant, req: tuple[str, ...], opt: tuple[str, ...], rank: int) -> tuple[Note, ...]:
        """:meth:`notes` of a participant without a group holding one non-mandatory topic of preference
        rank ``rank`` (0: unranked), without distinct required topics: the same memo, a shorter way to its key."""
        key = (person.preferences[: rank or self.unranked], req, opt, True)
        found = self.memo.get(key)
        if found is None and self.simple:
            found = self.memo[key] = self._pieces(person, req, opt, True, (rank,), rank or self.unranked)
        elif found is None:
            found = self.memo[key] = self._notes(
                person, req, opt, None, {t: i + 1 for i, t in enumerate(person.preferences)}
            )
        return found

    def several(
        self, person: Participant, req: tuple[str, ...], opt: tuple[str, ...], ranks: tuple[int, ...], worst: int
    ) -> tuple[Note, ...]:
        """:meth:`notes` of a participant without a group and without mandatory topics, ``ranks`` those of
        ``req + opt`` (0: unranked) and ``worst`` the largest of them (an unranked one counting
        ``unranked_rank``), without distinct required topics: the same memo, a shorter way to its key."""
        key = (person.preferences[:worst], req, opt, True)
        found = self.memo.get(key)
        if found is None and self.simple:
            found = self.memo[key] = self._pieces(person, req, opt, True, ranks, worst)
        elif found is None:
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
    ) -> tuple[Note, ...]:
        mandatory, counts, capacity, covers = self.mandatory, self.counts, self.capacity, self.covers
        notes: list[Note] = []
        for role, ts in ((_REQUIRED, req), (_OPTIONAL, opt)):
            for t in ts:
                rank = rank_of.get(t)
                if t in mandatory:
                    notes.append(Note("given.mandatory", {"topic": t, "role": role}))
                elif rank is not None:
                    notes.append(Note("given.ranked", {"topic": t, "role": role, "rank": rank}))
                else:
                    notes.append(Note("given.unranked", {"topic": t, "role": role, "rank": self.unranked}))
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
                        Note("only-optional", {"topic": t, "rank": rank, "others": tuple(dict.fromkeys(others))})
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
            causes: list[Note] = []
            cap = capacity[t]
            if cap.max is not None and counts[t] >= cap.max:
                causes.append(Note("not-given.full", {"count": counts[t], "max": cap.max}))
            if self.distinct:
                others = self.others(t, unit)
                if others:
                    causes.append(Note("not-given.distinct", {"others": tuple(dict.fromkeys(others))}))
            overlap = tuple(g for g in mine if g != t and covers[g] & covers[t])
            if overlap:
                causes.append(Note("not-given.overlap", {"topics": overlap}))
            if group is not None:
                causes.append(_NOT_PER_GROUP)
            if not causes:
                if binding_min is None:
                    binding_min = [
                        g for g in mine if g not in mandatory and capacity[g].min and counts[g] <= capacity[g].min
                    ]
                if binding_min:
                    code = "not-given.minimum" if len(binding_min) == 1 else "not-given.minimum-many"
                    causes.append(Note(code, {"topics": tuple(binding_min)}))
            if not causes:
                causes.append(_NOT_COST)
            notes.append(Note("not-given", {"topic": t, "rank": rank}))
            notes.extend(causes)
        return tuple(notes)


def reasons_unassigned(person: Participant, rules: AssignmentRules, counts: dict[str, int]) -> tuple[Note, ...]:
    """A participant left out of a selection: why, and which of its allowed topics were full."""
    notes = [Note("unassigned")]
    for t in rules.topic_ids:
        cap = rules.capacity_of(t)
        if cap.max is not None and counts[t] >= cap.max and allowed(person, t, rules):
            notes.append(Note("unassigned.full", {"topic": t, "count": counts[t], "max": cap.max}))
    return tuple(notes)
