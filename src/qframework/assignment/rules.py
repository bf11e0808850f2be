"""The assignment rule model: participants, topics, rules and the objective, all plain data.

Every programme that puts Kommunen into clusters, circles or model sites is one
:class:`AssignmentRules` value plus a tuple of :class:`Participant`:

- *Qualitätsdialoge Frühe Hilfen*: groups of 3–4, a mandatory topic (dimension 3) plus chosen ones;
- *KQS § 79a model project*: 3 ordered topics of which 2 are required, required topics distinct across
  all participants, an alternative slot ("Leitbild oder Führung");
- *Qualitätszirkel*: one circle per topic, about 15 members each;
- *Qualitätswerkstätten*: a selection (participants may stay unassigned) of 5 places.

The classes are frozen attrs classes whose fields are plain TOML types, so rules load from files
through :mod:`qframework.io` with every problem reported at once.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import Literal

import attrs

from ..errors import NotFound, Problem
from ..validation import Checked
from .result import Assignment, text_problems

__all__ = [
    "AssignmentProblem",
    "AssignmentRules",
    "Bounds",
    "GroupRules",
    "Objective",
    "Participant",
    "Topic",
]


def _duplicates(values: tuple[str, ...]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


@attrs.frozen
class Participant(Checked):
    """A Kommune (or Jugendamt) taking part in a programme.

    ``preferences`` ranks topic ids, best first: the first has rank 1. ``exclusions`` are topics the
    participant must never get. ``location`` is ``(latitude, longitude)`` in degrees and, like
    ``region``, is only used to make groups regionally compact.
    """

    id: str
    name: str = ""
    region: str = ""
    location: tuple[float, float] | None = None
    preferences: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()

    def rank(self, topic: str) -> int | None:
        """The 1-based rank of ``topic`` in the preferences, or ``None`` if it is not ranked."""
        try:
            return self.preferences.index(topic) + 1
        except ValueError:
            return None

    def _problems(self) -> Iterator[Problem]:
        yield from text_problems("id", self.id)
        yield from text_problems("name", self.name, required=False)
        yield from text_problems("region", self.region, required=False)
        for topic in _duplicates(self.preferences):
            yield Problem("preferences", f"ranks {topic!r} more than once")
        for topic in _duplicates(self.exclusions):
            yield Problem("exclusions", f"lists {topic!r} more than once")
        for topic in sorted(set(self.preferences) & set(self.exclusions)):
            yield Problem("exclusions", f"{topic!r} is also ranked in preferences")
        if self.location is not None and len(self.location) != 2:
            yield Problem("location", f"must be (latitude, longitude), got {len(self.location)} values")
        elif self.location is not None:
            lat, lon = self.location
            if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
                yield Problem("location", f"latitude must be between -90 and 90, got {lat}")
            if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
                yield Problem("location", f"longitude must be between -180 and 180, got {lon}")


@attrs.frozen
class Bounds(Checked):
    """An inclusive range of counts; ``max = None`` means unbounded."""

    min: int = 0
    max: int | None = None

    def holds(self, count: int) -> bool:
        """Whether ``count`` lies within the bounds."""
        return self.min <= count and (self.max is None or count <= self.max)

    def __str__(self) -> str:
        if self.max is None:
            return f"at least {self.min}"
        if self.min == self.max:
            return f"exactly {self.min}"
        return f"{self.min}–{self.max}"

    def _problems(self) -> Iterator[Problem]:
        if self.min < 0:
            yield Problem("min", f"must be ≥ 0, got {self.min}")
        if self.max is not None and self.max < self.min:
            yield Problem("max", f"must be ≥ min ({self.min}), got {self.max}")


@attrs.frozen
class Topic(Checked):
    """Something a participant works on: a Qualitätsdimension, a KQS area, a circle's theme.

    ``capacity`` bounds how many participants take the topic (``None``: the rules' default capacity).
    A topic with ``any_of`` is an *alternative slot* such as "Leitbild oder Führung": whoever gets it
    works on one of the listed topics, decided later. Because that choice is open, an alternative
    counts as touching every listed topic: an exclusion of any of them excludes the alternative, and
    under ``distinct_required`` a required alternative reserves all of them.
    """

    id: str
    title: str = ""
    capacity: Bounds | None = None
    any_of: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The title if there is one, else the id."""
        return self.title or self.id

    def _problems(self) -> Iterator[Problem]:
        yield from text_problems("id", self.id)
        yield from text_problems("title", self.title, required=False)
        if len(self.any_of) == 1:
            yield Problem("any_of", f"an alternative needs at least 2 topics, got only {self.any_of[0]!r}")
        if self.id in self.any_of:
            yield Problem("any_of", f"must not contain the alternative itself ({self.id!r})")
        for topic in _duplicates(self.any_of):
            yield Problem("any_of", f"lists {topic!r} more than once")


@attrs.frozen
class GroupRules(Checked):
    """Participants work in groups (clusters, circles) that share all their topics.

    ``size`` bounds the members per group. When groups are formed, ``regional_weight`` is the
    distance in kilometres that belonging to a different ``region`` adds between two participants
    (on top of the great-circle distance between their locations, when both have one).
    """

    size: Bounds = Bounds(1, None)
    regional_weight: float = 100.0

    def _problems(self) -> Iterator[Problem]:
        if self.size.min < 1:
            yield Problem("size.min", f"a group needs at least 1 member, got {self.size.min}")
        if not (math.isfinite(self.regional_weight) and self.regional_weight >= 0):
            yield Problem("regional_weight", f"must be a number ≥ 0, got {self.regional_weight}")


@attrs.frozen
class Objective(Checked):
    """What an optimal assignment minimises, stated explicitly.

    ``minimise = "rank-sum"`` (the only objective so far): the sum, over assigned participants and
    their non-mandatory topics, of the topic's preference rank (1 = first choice); plus
    ``unassigned_cost`` per participant left out (only possible with ``allow_unassigned``).

    - A topic the participant did not rank costs ``unranked_rank`` (default: number of topics + 1,
      worse than any ranked topic); with ``allow_unranked = false`` it is not given at all.
    - Mandatory topics cost nothing: every assigned participant takes them anyway.
    - ``unassigned_cost`` defaults to ``topics_per_participant × unranked_rank + 1``: leaving a
      participant out costs more than any single participant's worst assignment.
    - ``tie_break = "id"``: the result is deterministic and independent of input order; among
      assignments of equal cost the solver prefers the one that gives the better ranks to
      participants with smaller ids (then topics with smaller ids) — a preference it follows where
      it finds it, not a proven secondary optimum (see docs/assignment.md).
    """

    minimise: Literal["rank-sum"] = "rank-sum"
    unranked_rank: int | None = None
    allow_unranked: bool = True
    unassigned_cost: int | None = None
    tie_break: Literal["id"] = "id"

    def _problems(self) -> Iterator[Problem]:
        if self.unranked_rank is not None and self.unranked_rank < 1:
            yield Problem("unranked_rank", f"must be ≥ 1, got {self.unranked_rank}")
        if self.unassigned_cost is not None and self.unassigned_cost < 0:
            yield Problem("unassigned_cost", f"must be ≥ 0, got {self.unassigned_cost}")


@attrs.frozen
class AssignmentRules(Checked):
    """The rules of one programme's assignment.

    Each assigned participant gets exactly ``topics_per_participant`` different topics; the first
    ``required_topics`` of them (default: all) are required, the rest optional ("if time allows").
    ``mandatory_topics`` are required for every assigned participant (and so for every group).
    ``capacity`` is the default number of participants per topic, overridden by ``Topic.capacity``.
    With ``groups``, participants are partitioned into groups whose members share all topics.
    ``distinct_required``: no topic is required by two participants (or two groups) — a broad spread;
    mandatory topics are exempt, optional topics may repeat. ``allow_unassigned``: a participant may
    get nothing (a selection among applicants). ``objective`` states what is minimised.
    """

    topics: tuple[Topic, ...]
    topics_per_participant: int = 1
    required_topics: int | None = None
    mandatory_topics: tuple[str, ...] = ()
    capacity: Bounds = Bounds()
    groups: GroupRules | None = None
    distinct_required: bool = False
    allow_unassigned: bool = False
    objective: Objective = Objective()

    @property
    def required_count(self) -> int:
        """How many of each participant's topics are required."""
        return self.topics_per_participant if self.required_topics is None else self.required_topics

    @property
    def topic_ids(self) -> tuple[str, ...]:
        """The topic ids in rule order."""
        return tuple(t.id for t in self.topics)

    def topic(self, topic_id: str) -> Topic:
        """The topic with this id (:class:`~qframework.errors.NotFound` naming the known ids if unknown)."""
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise NotFound.unknown("topic", topic_id, self.topic_ids)

    def capacity_of(self, topic_id: str) -> Bounds:
        """The capacity bounds that apply to ``topic_id``."""
        own = self.topic(topic_id).capacity
        return self.capacity if own is None else own

    def covers(self, topic_id: str) -> frozenset[str]:
        """The topic itself plus, for an alternative, every topic it may stand for."""
        return frozenset((topic_id, *self.topic(topic_id).any_of))

    @property
    def unranked_rank(self) -> int:
        """The rank an unranked topic costs."""
        r = self.objective.unranked_rank
        return len(self.topics) + 1 if r is None else r

    @property
    def unassigned_cost(self) -> int:
        """The cost of leaving one participant unassigned."""
        c = self.objective.unassigned_cost
        return self.topics_per_participant * self.unranked_rank + 1 if c is None else c

    def _problems(self) -> Iterator[Problem]:
        ids = tuple(t.id for t in self.topics)
        known = set(ids)
        if not self.topics:
            yield Problem("topics", "at least one topic is needed")
        for topic in _duplicates(ids):
            yield Problem("topics", f"topic id {topic!r} is used more than once")
        for i, t in enumerate(self.topics):
            for member in t.any_of:
                if member not in known:
                    yield Problem(f"topics[{i}].any_of", f"unknown topic {member!r}")
                elif any(o.id == member and o.any_of for o in self.topics):
                    yield Problem(f"topics[{i}].any_of", f"{member!r} is itself an alternative")
        k = self.topics_per_participant
        if k < 1:
            yield Problem("topics_per_participant", f"must be ≥ 1, got {k}")
        elif k > len(self.topics) > 0:
            yield Problem("topics_per_participant", f"must be ≤ the number of topics ({len(self.topics)}), got {k}")
        if self.required_topics is not None and not 0 <= self.required_topics <= k:
            yield Problem(
                "required_topics", f"must be between 0 and topics_per_participant ({k}), got {self.required_topics}"
            )
        for topic in _duplicates(self.mandatory_topics):
            yield Problem("mandatory_topics", f"lists {topic!r} more than once")
        for topic in self.mandatory_topics:
            if topic not in known:
                yield Problem("mandatory_topics", f"unknown topic {topic!r}")
        if len(set(self.mandatory_topics)) > self.required_count:
            yield Problem(
                "mandatory_topics",
                f"{len(set(self.mandatory_topics))} mandatory topics, "
                f"but only {self.required_count} required topics per participant",
            )


@attrs.frozen
class AssignmentProblem(Checked):
    """One file for the CLI: the rules, the participants and optionally an assignment to check."""

    rules: AssignmentRules
    participants: tuple[Participant, ...] = ()
    assignment: Assignment | None = None
    title: str = ""

    def _problems(self) -> Iterator[Problem]:
        ids = tuple(p.id for p in self.participants)
        for pid in _duplicates(ids):
            yield Problem("participants", f"participant id {pid!r} is used more than once")
        known = set(self.rules.topic_ids)
        for i, p in enumerate(self.participants):
            for topic in p.preferences:
                if topic not in known:
                    yield Problem(f"participants[{i}].preferences", f"unknown topic {topic!r}")
            for topic in p.exclusions:
                if topic not in known:
                    yield Problem(f"participants[{i}].exclusions", f"unknown topic {topic!r}")
