"""The result of an assignment, as plain data: who works on which topics, in which group.

An :class:`Assignment` is what :func:`~qframework.assignment.assign` returns, and also what a user
types in by hand for a historical distribution (then usually without ``cost`` and ``notes``):

- a participant's topics are those of its :class:`Placement`; a participant that is a member of a
  :class:`Group` but has no placement (or a placement without topics) takes the group's topics;
- ``unassigned`` lists participants deliberately left out (a selection).

It is validated only for well-formed ids; whether it obeys a programme's rules is the job of
:func:`~qframework.assignment.check`, which reports every :class:`Violation`.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ..errors import NotFound, Problem
from ..validation import Checked

__all__ = ["Assignment", "Group", "Placement", "Violation"]


@attrs.frozen
class Placement(Checked):
    """What one participant got: required topics (in order), optional ones, its group.

    ``notes`` are the solver's reasons, in words (empty for an assignment typed in by hand).
    """

    participant: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    group: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def topics(self) -> tuple[str, ...]:
        """Required topics, then optional ones."""
        return self.required + self.optional

    def _problems(self) -> Iterator[Problem]:
        if not self.participant.strip():
            yield Problem("participant", "must not be empty")


@attrs.frozen
class Group(Checked):
    """A cluster or circle: its members share all its topics."""

    id: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    members: tuple[str, ...] = ()

    @property
    def topics(self) -> tuple[str, ...]:
        """Required topics, then optional ones."""
        return self.required + self.optional

    def _problems(self) -> Iterator[Problem]:
        if not self.id.strip():
            yield Problem("id", "must not be empty")


@attrs.frozen
class Violation:
    """One way in which an assignment breaks a rule; ``rule`` is the rule's short name."""

    rule: str
    message: str
    participant_id: str | None = None
    group_id: str | None = None
    topic: str | None = None

    def __str__(self) -> str:
        where = [f"participant {self.participant_id}"] if self.participant_id is not None else []
        where += [f"group {self.group_id}"] if self.group_id is not None else []
        where += [f"topic {self.topic}"] if self.topic is not None else []
        return f"{self.rule} ({', '.join(where)}): {self.message}" if where else f"{self.rule}: {self.message}"


@attrs.frozen
class Assignment(Checked):
    """Who works on which topics, in which group; ``cost`` is the objective value if known."""

    placements: tuple[Placement, ...] = ()
    groups: tuple[Group, ...] = ()
    unassigned: tuple[str, ...] = ()
    cost: int | None = None

    def placement(self, participant_id: str) -> Placement | None:
        """The participant's own placement, if the assignment lists one."""
        for p in self.placements:
            if p.participant == participant_id:
                return p
        return None

    def group_of(self, participant_id: str) -> Group | None:
        """The group the participant is a member of (by the group's members or the placement)."""
        for g in self.groups:
            if participant_id in g.members:
                return g
        own = self.placement(participant_id)
        if own is not None and own.group is not None:
            for g in self.groups:
                if g.id == own.group:
                    return g
        return None

    def topics_of(self, participant_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``(required, optional)`` topics of the participant; empty if it got none."""
        own = self.placement(participant_id)
        if own is not None and own.topics:
            return own.required, own.optional
        group = self.group_of(participant_id)
        if group is not None:
            return group.required, group.optional
        return (), ()

    @property
    def participant_ids(self) -> tuple[str, ...]:
        """Every participant the assignment mentions, in order of first mention."""
        seen: dict[str, None] = {}
        for p in self.placements:
            seen.setdefault(p.participant)
        for g in self.groups:
            for m in g.members:
                seen.setdefault(m)
        for u in self.unassigned:
            seen.setdefault(u)
        return tuple(seen)

    def explain(self, participant_id: str) -> str:
        """In words: what the participant got, at which preference rank, and what bound the result."""
        if participant_id not in self.participant_ids:
            raise NotFound(f"participant {participant_id!r} is not in this assignment")
        own = self.placement(participant_id)
        notes = own.notes if own is not None else ()
        required, optional = self.topics_of(participant_id)
        lines: list[str] = []
        if participant_id in self.unassigned or not (required or optional):
            lines.append(f"{participant_id} got no place.")
        else:
            parts = [f"required: {', '.join(required)}" if required else "no required topic"]
            if optional:
                parts.append(f"optional (if time allows): {', '.join(optional)}")
            lines.append(f"{participant_id} got {'; '.join(parts)}.")
            group = self.group_of(participant_id)
            if group is not None:
                others = [m for m in group.members if m != participant_id]
                with_whom = f" with {', '.join(others)}" if others else " alone"
                lines.append(f"Group {group.id}{with_whom}; the group shares its topics.")
        lines.extend(notes)
        if not notes:
            lines.append("(No solver notes: this assignment was not computed by assign().)")
        return "\n".join(lines)

    def _problems(self) -> Iterator[Problem]:
        return iter(())
