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

from .._fields import tuple_fields
from .._memo import IdentityMemo
from ..errors import NotFound, Problem, type_problem
from ..messages import shown_number
from ..model import id_problems
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

#: The smallest ``km_per_rank`` (a millimetre per rank: travel already outweighs every rank there):
#: below it travel costs leave the solver's tolerances (1e-50 made a feasible plan "infeasible",
#: 1e-310 an error inside scipy).
MIN_KM_PER_RANK = 1e-6


#: The largest count, capacity, rank or cost the rules accept (docs/file-formats.md, "Limits"):
#: far beyond any programme, small enough that costs stay exact in the solver's floating point.
MAX_COUNT = 1_000_000


def _too_large(path: str, value: object) -> Iterator[Problem]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > MAX_COUNT:
        yield Problem.of(path, "number.too-large", max=float(MAX_COUNT), value=str(value))


def _duplicates(values: tuple[str, ...]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


@attrs.frozen(field_transformer=tuple_fields)
class Participant(Checked):
    """A Kommune (or Jugendamt) taking part in a programme.

    ``preferences`` ranks topic ids, best first: the first has rank 1. ``exclusions`` are topics the
    participant must never get. ``location`` is ``(latitude, longitude)`` in degrees and, like
    ``region``, is only used to make groups regionally compact. ``wants`` is how many topics the
    participant asks for when the rules allow a range (``topics_per_participant = {min = 2, max =
    3}``); it must lie within that range, and ``None`` means the minimum. It never gets more; how
    fewer are weighed is stated in :class:`Objective`.
    """

    id: str
    name: str = ""
    region: str = ""
    location: tuple[float, float] | None = None
    preferences: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    wants: int | None = None

    def rank(self, topic: str) -> int | None:
        """The 1-based rank of ``topic`` in the preferences, or ``None`` if it is not ranked."""
        try:
            return self.preferences.index(topic) + 1
        except ValueError:
            return None

    def _problems(self) -> Iterator[Problem]:
        yield from id_problems("id", self.id)
        yield from text_problems("name", self.name, required=False)
        yield from text_problems("region", self.region, required=False)
        for topic in _duplicates(self.preferences):
            yield Problem.of("preferences", "participant.preferences.twice", topic=topic)
        for topic in _duplicates(self.exclusions):
            yield Problem.of("exclusions", "topic.listed-twice", topic=topic)
        for topic in sorted(set(self.preferences) & set(self.exclusions)):
            yield Problem.of("exclusions", "participant.exclusions.ranked", topic=topic)
        if self.location is not None and len(self.location) != 2:
            yield Problem.of("location", "location.pair", count=len(self.location))
        elif self.location is not None:
            lat, lon = self.location
            if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
                yield Problem.of("location", "location.latitude", value=shown_number(lat))
            if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
                yield Problem.of("location", "location.longitude", value=shown_number(lon))
        if self.wants is not None and self.wants < 1:
            yield Problem.of("wants", "number.at-least-one", value=self.wants)
        yield from _too_large("wants", self.wants)


@attrs.frozen(field_transformer=tuple_fields)
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
            yield Problem.of("min", "number.non-negative", value=self.min)
        if self.max is not None and self.max < self.min:
            yield Problem.of("max", "quota.max", min=self.min, max=self.max)
        yield from _too_large("min", self.min)
        yield from _too_large("max", self.max)


@attrs.frozen(field_transformer=tuple_fields)
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
        yield from id_problems("id", self.id)
        yield from text_problems("title", self.title, required=False)
        if len(self.any_of) == 1:
            yield Problem.of("any_of", "topic.any-of.few", topic=self.any_of[0])
        if self.id in self.any_of:
            yield Problem.of("any_of", "topic.any-of.self", topic=self.id)
        for topic in _duplicates(self.any_of):
            yield Problem.of("any_of", "topic.listed-twice", topic=topic)


@attrs.frozen(field_transformer=tuple_fields)
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
            yield Problem.of("size.min", "groups.size.min", value=self.size.min)
        if not (math.isfinite(self.regional_weight) and self.regional_weight >= 0):
            yield Problem.of("regional_weight", "number.non-negative-number", value=shown_number(self.regional_weight))
        yield from _too_large("regional_weight", self.regional_weight)


@attrs.frozen(field_transformer=tuple_fields)
class Objective(Checked):
    """What an optimal assignment minimises, stated explicitly.

    ``minimise = "rank-sum"`` (the only objective so far): the sum, over assigned participants and
    their non-mandatory topics, of the topic's preference rank (1 = first choice); plus
    ``missing_cost`` per topic an assigned participant wanted but did not get; plus
    ``unassigned_cost`` per participant left out (only possible with ``allow_unassigned``).

    - A topic the participant did not rank costs ``unranked_rank`` (default: number of topics + 1,
      worse than any ranked topic); with ``allow_unranked = false`` it is not given at all.
    - Mandatory topics cost nothing: every assigned participant takes them anyway.
    - How many topics: with ``topics_per_participant = {min, max}`` an assigned participant gets
      between ``min`` and ``wants`` topics (``wants`` defaults to ``min``), never more than it wants.
      Each wanted topic it does not get costs ``missing_cost`` (default ``unranked_rank + 1``, more
      than any topic costs), so it gets what it wants unless capacities, exclusions, distinct
      required topics or its group forbid it; ``missing_cost = 0`` makes every topic beyond ``min``
      a pure extra that is only given when it costs nothing. With an exact count nothing is missing.
    - Groups share one set of topics, so a group's members get the same number: at most the
      smallest ``wants`` among them; a member that wanted more pays ``missing_cost`` per topic it
      lacks. The solver therefore prefers groups of members who want the same number.
    - ``unassigned_cost`` defaults to one more than any single participant's worst assignment:
      ``k × unranked_rank + 1`` for an exact count ``k``; ``max × unranked_rank + (max − min) + 1``
      for a range with the default ``missing_cost``.
    - ``km_per_rank``: the one trade-off between travel and preference — how many kilometres of
      distance within a group are worth one preference rank. Each grouped member's distance is its
      mean distance (great-circle km plus ``regional_weight`` when regions differ) to its fellow
      members; the objective adds their sum divided by ``km_per_rank``. ``None`` (the default)
      keeps preferences first and forms groups afterwards (see docs/assignment.md).
    - ``tie_break = "id"``: the result is deterministic and independent of input order, and
      *swap-stable by id*: no two participants ``a < b`` can exchange topics (with groups: whole
      topic sets, before groups form) so that ``a`` gets a strictly better rank, the total cost
      stays equal and every rule still holds (see docs/assignment.md, "Ties"; not promised for
      groups with ``distinct_required``, whose split into required and optional topics is made
      after the exchanges, nor for regional plans).
    """

    minimise: Literal["rank-sum"] = "rank-sum"
    unranked_rank: int | None = None
    allow_unranked: bool = True
    unassigned_cost: int | None = None
    tie_break: Literal["id"] = "id"
    missing_cost: int | None = None
    km_per_rank: float | None = None

    def _problems(self) -> Iterator[Problem]:
        if self.km_per_rank is not None and not (math.isfinite(self.km_per_rank) and self.km_per_rank > 0):
            yield Problem.of("km_per_rank", "number.positive-number", value=shown_number(self.km_per_rank))
        elif self.km_per_rank is not None and self.km_per_rank < MIN_KM_PER_RANK:
            yield Problem.of(
                "km_per_rank",
                "number.km-per-rank.min",
                min=shown_number(MIN_KM_PER_RANK),
                value=shown_number(self.km_per_rank),
            )
        if self.unranked_rank is not None and self.unranked_rank < 1:
            yield Problem.of("unranked_rank", "number.at-least-one", value=self.unranked_rank)
        if self.missing_cost is not None and self.missing_cost < 0:
            yield Problem.of("missing_cost", "number.non-negative", value=self.missing_cost)
        if self.unassigned_cost is not None and self.unassigned_cost < 0:
            yield Problem.of("unassigned_cost", "number.non-negative", value=self.unassigned_cost)
        for name in ("unranked_rank", "missing_cost", "unassigned_cost"):
            yield from _too_large(name, getattr(self, name))


# Derived values of rules (``topic_count``, ``capacity_of``, ``covers``, …), computed once per rules
# value: the solver asks for them per participant.
_DERIVED: IdentityMemo[AssignmentRules, dict[object, object]] = IdentityMemo(32)


def _derived(rules: AssignmentRules) -> dict[object, object]:
    if type(rules.topics) is not tuple or type(rules.mandatory_topics) is not tuple:
        return {}  # given as lists, which can still change: derive afresh every time
    return _DERIVED.get(rules, lambda _rules: {})


@attrs.frozen(field_transformer=tuple_fields)
class AssignmentRules(Checked):
    """The rules of one programme's assignment.

    Each assigned participant gets ``topics_per_participant`` different topics: a whole number means
    exactly that many, a :class:`Bounds` a range (how many inside it: ``Participant.wants`` and
    :class:`Objective`). The first ``required_topics`` of them (default: all) are required, the
    rest optional ("if time allows"); ``required_topics`` must not exceed the range's minimum.
    ``mandatory_topics`` are required for every assigned participant (and so for every group).
    ``capacity`` is the default number of participants per topic, overridden by ``Topic.capacity``.
    With ``groups``, participants are partitioned into groups whose members share all topics.
    ``distinct_required``: no topic is required by two participants (or two groups) — a broad spread;
    mandatory topics are exempt, optional topics may repeat. ``allow_unassigned``: a participant may
    get nothing (a selection among applicants). ``objective`` states what is minimised.
    """

    topics: tuple[Topic, ...]
    topics_per_participant: int | Bounds = 1
    required_topics: int | None = None
    mandatory_topics: tuple[str, ...] = ()
    capacity: Bounds = Bounds()
    groups: GroupRules | None = None
    distinct_required: bool = False
    allow_unassigned: bool = False
    objective: Objective = Objective()

    @property
    def topic_count(self) -> Bounds:
        """``topics_per_participant`` as bounds (an exact count ``k`` is ``Bounds(k, k)``)."""
        memo = _derived(self)
        found = memo.get("topic_count")
        if found is None:
            k = self.topics_per_participant
            found = memo["topic_count"] = k if isinstance(k, Bounds) else Bounds(k, k)
        assert isinstance(found, Bounds)
        return found

    @property
    def fewest_topics(self) -> int:
        """The fewest topics an assigned participant gets (the range's minimum)."""
        return self.topic_count.min

    @property
    def most_topics(self) -> int:
        """The most topics an assigned participant may get (the range's maximum, at most the number of topics)."""
        most = self.topic_count.max
        return len(self.topics) if most is None else most

    def required_for(self, count: int) -> int:
        """How many of a participant's ``count`` topics are required (``required_topics``, default all)."""
        return count if self.required_topics is None else self.required_topics

    @property
    def required_count(self) -> int:
        """How many of each participant's topics are required; with ``required_topics`` unset (all)
        and a range, this is the minimum — use :meth:`required_for` for a given count."""
        return self.required_for(self.fewest_topics)

    def wants_of(self, person: Participant) -> int:
        """How many topics ``person`` asks for: ``person.wants``, or the range's minimum."""
        return self.fewest_topics if person.wants is None else person.wants

    @property
    def missing_cost(self) -> int:
        """The cost of one wanted topic a participant does not get."""
        c = self.objective.missing_cost
        return self.unranked_rank + 1 if c is None else c

    @property
    def topic_ids(self) -> tuple[str, ...]:
        """The topic ids in rule order."""
        memo = _derived(self)
        found = memo.get("topic_ids")
        if found is None:
            found = memo["topic_ids"] = tuple(t.id for t in self.topics)
        return found  # type: ignore[return-value]

    def topic_titles(self) -> dict[str, str]:
        """Topic id → title, for showing a topic by its title (:meth:`Explanation.render`)."""
        return {t.id: t.title for t in self.topics if t.title}

    def topic(self, topic_id: str) -> Topic:
        """The topic with this id (:class:`~qframework.errors.NotFound` naming the known ids if unknown)."""
        memo = _derived(self)
        by_id = memo.get("topic")
        if by_id is None:  # the first of a repeated id, as a search in rule order finds it
            by_id = memo["topic"] = {t.id: t for t in reversed(self.topics)}
        assert isinstance(by_id, dict)
        found = by_id.get(topic_id)
        if found is None:
            raise NotFound.unknown("topic", topic_id, self.topic_ids)
        return found  # type: ignore[no-any-return]

    def capacity_of(self, topic_id: str) -> Bounds:
        """The capacity bounds that apply to ``topic_id``."""
        own = self.topic(topic_id).capacity
        return self.capacity if own is None else own

    def covers(self, topic_id: str) -> frozenset[str]:
        """The topic itself plus, for an alternative, every topic it may stand for."""
        memo = _derived(self)
        found = memo.get(("covers", topic_id))
        if found is None:
            found = memo[("covers", topic_id)] = frozenset((topic_id, *self.topic(topic_id).any_of))
        return found  # type: ignore[return-value]

    @property
    def unranked_rank(self) -> int:
        """The rank an unranked topic costs."""
        r = self.objective.unranked_rank
        return len(self.topics) + 1 if r is None else r

    @property
    def unassigned_cost(self) -> int:
        """The cost of leaving one participant unassigned."""
        c = self.objective.unassigned_cost
        if c is not None:
            return c
        most, fewest = self.most_topics, self.fewest_topics
        u = self.unranked_rank
        return max(most * u, fewest * u + (most - fewest) * self.missing_cost) + 1

    def _problems(self) -> Iterator[Problem]:
        ids = tuple(t.id for t in self.topics)
        known = set(ids)
        if not self.topics:
            yield Problem.of("topics", "rules.topics.none")
        for topic in _duplicates(ids):
            yield Problem.of("topics", "topic.duplicate", topic=topic)
        for i, t in enumerate(self.topics):
            for member in t.any_of:
                if member not in known:
                    yield Problem.of(f"topics[{i}].any_of", "topic.unknown", topic=member)
                elif any(o.id == member and o.any_of for o in self.topics):
                    yield Problem.of(f"topics[{i}].any_of", "topic.any-of.nested", topic=member)
        k = self.topics_per_participant
        exact = not isinstance(k, Bounds)
        counted = not exact or (isinstance(k, int) and not isinstance(k, bool))
        if not counted:
            yield type_problem("topics_per_participant", k, "type.count-or-bounds")
        else:
            fewest, most = self.topic_count.min, self.topic_count.max
            at_min = "topics_per_participant" if exact else "topics_per_participant.min"
            at_max = "topics_per_participant" if exact else "topics_per_participant.max"
            if fewest < 1:
                yield Problem.of(at_min, "number.at-least-one", value=fewest)
            elif fewest > len(self.topics) > 0:
                yield Problem.of(at_min, "rules.count.topics", topics=len(self.topics), value=fewest)
            if most is not None and most > len(self.topics) > 0 and most > fewest:
                yield Problem.of(at_max, "rules.count.topics", topics=len(self.topics), value=most)
            if self.required_topics is not None and not 0 <= self.required_topics <= fewest:
                yield (
                    Problem.of("required_topics", "rules.required.range", count=str(k), value=self.required_topics)
                    if exact
                    else Problem.of(
                        "required_topics", "rules.required.range-min", count=fewest, value=self.required_topics
                    )
                )
        for topic in _duplicates(self.mandatory_topics):
            yield Problem.of("mandatory_topics", "topic.listed-twice", topic=topic)
        for topic in self.mandatory_topics:
            if topic not in known:
                yield Problem.of("mandatory_topics", "topic.unknown", topic=topic)
        if counted and len(set(self.mandatory_topics)) > self.required_count:
            yield Problem.of(
                "mandatory_topics",
                "rules.mandatory.too-many",
                count=len(set(self.mandatory_topics)),
                required=self.required_count,
            )


@attrs.frozen(field_transformer=tuple_fields)
class AssignmentProblem(Checked):
    """One file for the CLI: the rules, the participants and optionally an assignment to check."""

    rules: AssignmentRules
    participants: tuple[Participant, ...] = ()
    assignment: Assignment | None = None
    title: str = ""

    def _problems(self) -> Iterator[Problem]:
        ids = tuple(p.id for p in self.participants)
        for pid in _duplicates(ids):
            yield Problem.of("participants", "participant.used-twice", participant=pid)
        known = set(self.rules.topic_ids)
        for i, p in enumerate(self.participants):
            for topic in p.preferences:
                if topic not in known:
                    yield Problem.of(f"participants[{i}].preferences", "topic.unknown", topic=topic)
            for topic in p.exclusions:
                if topic not in known:
                    yield Problem.of(f"participants[{i}].exclusions", "topic.unknown", topic=topic)
            count = self.rules.topic_count
            sane = type(count.min) is int and count.min >= 1 and (count.max is None or type(count.max) is int)
            sane = sane and (count.max is None or count.max >= count.min)
            if p.wants is not None and p.wants >= 1 and sane and not count.holds(p.wants):
                yield Problem.of(
                    f"participants[{i}].wants",
                    "participant.wants.range",
                    count=str(self.rules.topic_count),
                    value=p.wants,
                )
