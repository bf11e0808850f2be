"""The result of an assignment, as plain data: who works on which topics, in which group.

An :class:`Assignment` is what :func:`~qframework.assignment.assign` returns, and also what a user
types in by hand for a historical distribution (then usually without ``cost`` and ``notes``):

- a participant's topics are those of its :class:`Placement`; a participant that is a member of a
  :class:`Group` but has no placement (or a placement without topics) takes the group's topics;
- ``unassigned`` lists participants deliberately left out (a selection).

It is validated only for well-formed ids; whether it obeys a programme's rules is the job of
:func:`~qframework.assignment.check_assignment`, which reports every :class:`Violation`.

Every class here is frozen, hashable plain data that round-trips through :mod:`qframework.io`
(``loads(T, dumps(x, format=f), format=f) == x`` for JSON and TOML). :meth:`Assignment.explain`
returns an :class:`Explanation`, built on demand from the placement the solver stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import attrs

from .._deprecated import renamed_arguments, warn_renamed
from ..errors import NotFound, Problem, type_problem
from ..frozen import FrozenMap
from ..messages import Coded, Note, Param, frozen_params
from ..messages import notes as notes_converter
from ..validation import Checked

__all__ = ["Assignment", "Explanation", "Group", "Optimality", "Placement", "TopicResult", "Violation"]


def text_problems(path: str, value: object, *, required: bool = True) -> Iterator[Problem]:
    """``expected text, got …`` for a non-string, ``must not be empty`` for a blank required one."""
    if not isinstance(value, str):
        yield type_problem(path, value, "type.text")
    elif required and not value.strip():
        yield Problem.of(path, "text.empty")


@attrs.frozen
class Placement(Checked):
    """What one participant got: required topics (in order), optional ones, its group.

    ``notes`` are the solver's reasons as facts (:class:`~qframework.messages.Note`: a code and its
    parameters, worded when shown, in any language); ``ranks`` the preference rank of each topic
    (required, then optional; 0: not among the participant's preferences). Both are empty for an
    assignment typed in by hand.
    """

    participant: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    group: str | None = None
    notes: tuple[Note, ...] = attrs.field(default=(), converter=notes_converter)
    ranks: tuple[int, ...] = ()

    @property
    def topics(self) -> tuple[str, ...]:
        """Required topics, then optional ones."""
        return self.required + self.optional

    def _problems(self) -> Iterator[Problem]:
        yield from text_problems("participant", self.participant)
        if self.ranks and len(self.ranks) != len(self.required) + len(self.optional):
            yield Problem.of(
                "ranks", "placement.ranks.count", ranks=len(self.ranks), topics=len(self.required) + len(self.optional)
            )
        for rank in self.ranks:
            if rank < 0:
                yield Problem.of("ranks", "number.non-negative", value=rank)


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
        yield from text_problems("id", self.id)


@renamed_arguments(participant_id="participant", group_id="group")
@attrs.frozen
class Violation(Coded, Checked):
    """One way in which an assignment breaks a rule; ``rule`` is the rule's short name.

    ``participant``, ``group`` and ``topic`` name (by id) what the violation is about, where it is
    about one. ``code`` and ``params`` are the violation as data (:class:`~qframework.messages.Note`);
    :attr:`text` words it in the active language, ``message`` is its English wording (for logs).
    Build one with :meth:`of`.
    """

    rule: str
    message: str
    participant: str | None = None
    group: str | None = None
    topic: str | None = None
    code: str = ""
    params: FrozenMap[str, Param] = attrs.field(factory=FrozenMap, converter=frozen_params)

    @classmethod
    def of(
        cls,
        rule: str,
        code: str,
        /,
        *,
        participant: str | None = None,
        group: str | None = None,
        topic: str | None = None,
        **params: Param,
    ) -> Violation:
        """The violation ``code`` (a key of :data:`qframework.messages.TEMPLATES`) of ``rule``.

        ``participant``, ``group`` and ``topic`` are parameters of the wording too. The old keywords
        ``participant_id`` and ``group_id`` are deprecated (removed in 0.4.0).
        """
        for old, new in (("participant_id", "participant"), ("group_id", "group")):
            if old in params:
                warn_renamed(f"Violation.of({old}=…)", f"{new}=…")
                value = params.pop(old)
                if new == "participant":
                    participant = value  # type: ignore[assignment]
                else:
                    group = value  # type: ignore[assignment]
        about = {k: v for k, v in (("participant", participant), ("group", group), ("topic", topic)) if v is not None}
        note = Note(code, {**about, **params} if about else params)
        return cls(rule, note.english, participant, group, topic, code, note.params)

    @property
    def participant_id(self) -> str | None:
        """Deprecated since 0.3.0 (removed in 0.4.0): use :attr:`participant`."""
        warn_renamed("Violation.participant_id", "Violation.participant")
        return self.participant

    @property
    def group_id(self) -> str | None:
        """Deprecated since 0.3.0 (removed in 0.4.0): use :attr:`group`."""
        warn_renamed("Violation.group_id", "Violation.group")
        return self.group

    def __str__(self) -> str:
        from ..report.text import format_violation

        return format_violation(self)

    def _problems(self) -> Iterator[Problem]:
        yield from text_problems("rule", self.rule)
        yield from text_problems("message", self.message)


@attrs.frozen
class TopicResult:
    """One topic a participant got: required or optional, and its preference rank.

    ``rank`` is 1 for a first choice; ``None`` when the topic is not among the participant's
    preferences (a mandatory topic, an unranked one) or the assignment does not record ranks.
    """

    topic: str
    required: bool
    rank: int | None = None


@attrs.frozen
class Explanation:
    """Why a participant got what it got, as data: its topics with ranks, its group, the reasons.

    ``reasons`` are the solver's notes as facts (what bound the result: a full capacity, distinct
    required topics, the group's choice …); empty with ``computed = False`` for an assignment typed
    in by hand. :attr:`text` and :meth:`render` word it all in the active language, when asked.
    """

    participant: str
    placed: bool
    topics: tuple[TopicResult, ...] = ()
    group: str | None = None
    group_members: tuple[str, ...] = ()
    reasons: tuple[Note, ...] = attrs.field(default=(), converter=notes_converter)
    computed: bool = True
    optimality: Optimality | None = None

    @property
    def required(self) -> tuple[str, ...]:
        """The required topics, in order."""
        return tuple(t.topic for t in self.topics if t.required)

    @property
    def optional(self) -> tuple[str, ...]:
        """The optional topics ("if time allows"), in order."""
        return tuple(t.topic for t in self.topics if not t.required)

    @property
    def text(self) -> str:
        """The explanation in words in the active language, one line per fact (topics by id)."""
        return self.render()

    def render(self, titles: Mapping[str, str] | None = None) -> str:
        """The explanation in words in the active language; ``titles`` (topic id → title, e.g.
        from :meth:`~qframework.assignment.AssignmentRules.topic_titles`) names each topic by its title."""
        from ..report.text import format_explanation

        return format_explanation(self, titles=titles)

    def __str__(self) -> str:
        return self.text


@attrs.frozen
class Optimality:
    """How good a regional plan is, and whether that is proven (travel against preference).

    ``mode`` is ``"joint"`` (topics and groups chosen together; ``objective`` is ``cost`` +
    ``distance_km / km_per_rank``) or ``"groups-first"`` (groups by distance alone, then each
    group's topics; ``objective`` is the grouping's distance, its own aim: ``distance_km`` unless a
    group gets no topic). ``distance_km``
    sums, over grouped members, the mean km to their fellow members. ``bound`` is a proven lower
    bound on ``objective``; ``exact`` says the objective is proven optimal (``bound == objective``).
    """

    mode: str
    objective: float
    bound: float
    exact: bool
    distance_km: float
    km_per_rank: float | None = None

    @property
    def gap(self) -> float:
        """How far the objective may lie above the optimum, as a share of the objective (0: proven)."""
        return 0.0 if self.objective <= 0 else max(0.0, (self.objective - self.bound) / self.objective)


@attrs.frozen
class Assignment(Checked):
    """Who works on which topics, in which group; ``cost`` is the objective value if known.

    ``optimality`` is set by a regional plan (``Objective.km_per_rank`` or ``mode="groups-first"``):
    the combined objective, a lower bound and whether the result is proven optimal.
    """

    placements: tuple[Placement, ...] = ()
    groups: tuple[Group, ...] = ()
    unassigned: tuple[str, ...] = ()
    cost: int | None = None
    optimality: Optimality | None = None

    def placement(self, participant_id: str) -> Placement:
        """The participant's own placement (:class:`NotFound` if the assignment lists none)."""
        own = self._own(participant_id)
        if own is None:
            raise NotFound.unknown("placement", participant_id, (p.participant for p in self.placements))
        return own

    def group(self, group_id: str) -> Group:
        """The group with this id (:class:`NotFound` if there is none)."""
        for g in self.groups:
            if g.id == group_id:
                return g
        raise NotFound.unknown("group", group_id, (g.id for g in self.groups))

    def _own(self, participant_id: str) -> Placement | None:
        for p in self.placements:
            if p.participant == participant_id:
                return p
        return None

    def group_of(self, participant_id: str) -> Group | None:
        """The group the participant is a member of (by the group's members or the placement).

        ``None`` means the participant works without a group, which is an answer, not a failed lookup.
        """
        for g in self.groups:
            if participant_id in g.members:
                return g
        own = self._own(participant_id)
        if own is not None and own.group is not None:
            for g in self.groups:
                if g.id == own.group:
                    return g
        return None

    def topics_of(self, participant_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``(required, optional)`` topics of the participant; empty if it got none."""
        own = self._own(participant_id)
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

    def explain(self, participant_id: str) -> Explanation:
        """What the participant got, at which preference rank, and what bound the result.

        Raises :class:`NotFound` for a participant the assignment does not mention.
        """
        if participant_id not in self.participant_ids:
            raise NotFound.unknown("participant", participant_id, self.participant_ids)
        own = self._own(participant_id)
        required, optional = self.topics_of(participant_id)
        placed = participant_id not in self.unassigned and bool(required or optional)
        if not placed:
            required, optional = (), ()
        ranks: dict[str, int] = {}
        if own is not None and own.ranks and own.topics == required + optional:
            ranks = dict(zip(own.topics, own.ranks, strict=True))
        topics = tuple(
            TopicResult(t, i < len(required), ranks.get(t) or None) for i, t in enumerate(required + optional)
        )
        group = self.group_of(participant_id) if placed else None
        notes = own.notes if own is not None else ()
        return Explanation(
            participant=participant_id,
            placed=placed,
            topics=topics,
            group=group.id if group is not None else None,
            group_members=tuple(m for m in group.members if m != participant_id) if group is not None else (),
            reasons=notes,
            computed=bool(notes),
            optimality=self.optimality,
        )

    def _problems(self) -> Iterator[Problem]:
        return iter(())
