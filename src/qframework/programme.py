"""Programmes: how Kommunen actually worked on quality, as checked data.

A :class:`Programme` is a real quality-development programme — the Qualitätsdialoge Frühe Hilfen,
the KQS § 79a model project, Lower Saxony's Qualitätszirkel and Qualitätswerkstätten — described
as a framework plus the assignment rules it followed (:class:`~qframework.assignment.AssignmentRules`,
the engine's own model), its phases and events, the delegation quotas per Kommune, the participants
known from sources and, where one is known, the historical assignment. Every fact carries
:class:`~qframework.model.Provenance`, exactly as framework content does.

A planner starts a new round from a programme (:meth:`Programme.plan`); a researcher checks a
historical round against its own rules (:meth:`Programme.check`, through
:func:`~qframework.assignment.check_assignment`). Delegations are
:class:`Roster` files validated against the quotas; people appear under pseudonymous ids and their
names are never printed unless asked for.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Literal, TypeVar

import attrs

from ._args import expect
from ._fields import tuple_fields
from .assignment import Assignment, AssignmentRules, Participant, Violation, assign, check_assignment
from .errors import NotFound, Problem, ValidationError, type_problem
from .io import Format, load, loads
from .messages import date_note, shown_number
from .model import Provenance, Source, id_problems, slug_problems
from .validation import Checked, repeats

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable  # annotations only: the import pulls in pathlib and tempfile

    from .plugins import Registry

_T = TypeVar("_T")

__all__ = [
    "Delegate",
    "Event",
    "Phase",
    "Programme",
    "ProgrammeSummary",
    "Quota",
    "Roster",
    "Segment",
    "check_roster",
    "load_participants",
    "load_programme",
    "load_roster",
    "loads_participants",
    "loads_programme",
    "loads_roster",
]


def _nonempty(path: str, value: object) -> Iterator[Problem]:
    if not isinstance(value, str):
        yield type_problem(path, value, "type.text")
    elif not value.strip():
        yield Problem.of(path, "text.empty")


def _slug(path: str, value: object) -> Iterator[Problem]:
    """A wrong type says so ("expected text, got a whole number") before the id rules are checked."""
    if not isinstance(value, str):
        yield type_problem(path, value, "type.text")
    else:
        yield from slug_problems(path, value)


def _find(kind: str, key: str, items: Iterable[_T], id_of: str = "id") -> _T:
    """The item whose ``id_of`` attribute is ``key``; :class:`NotFound` naming the known ones otherwise."""
    pool = tuple(items)
    for item in pool:
        if getattr(item, id_of) == key:
            return item
    raise NotFound.unknown(kind, key, (getattr(item, id_of) for item in pool))


def _dates(start: date | None, end: date | None) -> Iterator[Problem]:
    if start is not None and end is not None and end < start:
        yield Problem.of("end", "time.order", end=date_note(end), start=date_note(start))


@attrs.frozen(field_transformer=tuple_fields)
class Phase(Checked):
    """A stage of a programme, in order (e.g. *Auftrags- und Zielklärung* → … → *Evaluation*).

    ``months`` is the typical duration where a source gives one.
    """

    id: str
    title: str
    description: str = ""
    start: date | None = None
    end: date | None = None
    months: float | None = None
    provenance: Provenance | None = None

    def _problems(self) -> Iterator[Problem]:
        yield from _slug("id", self.id)
        yield from _nonempty("title", self.title)
        yield from _dates(self.start, self.end)
        if self.months is not None and not self.months > 0:
            yield Problem.of("months", "number.positive", value=self.months)
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.phase")


@attrs.frozen(field_transformer=tuple_fields)
class Event(Checked):
    """A meeting or event: a kick-off, a Werkstatt, a closing conference.

    ``per`` says whether it happens once for the programme, once per group (cluster, circle) or
    once per participant; ``count`` how many times (e.g. three Werkstätten per cluster).
    ``count_is_maximum`` marks counts a source gives as "up to".
    """

    id: str
    title: str
    date: date | None = None
    per: Literal["programme", "group", "participant"] = "programme"
    count: int = 1
    count_is_maximum: bool = False
    hours: float | None = None
    description: str = ""
    provenance: Provenance | None = None

    def _problems(self) -> Iterator[Problem]:
        yield from _slug("id", self.id)
        yield from _nonempty("title", self.title)
        if self.count < 1:
            yield Problem.of("count", "number.at-least-one", value=self.count)
        if self.hours is not None and not self.hours > 0:
            yield Problem.of("hours", "number.positive", value=shown_number(self.hours))
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.event")


@attrs.frozen(field_transformer=tuple_fields)
class Quota(Checked):
    """How many delegates of one role each Kommune sends (``max = None``: no upper limit)."""

    role: str
    title: str
    min: int = 0
    max: int | None = None
    description: str = ""
    provenance: Provenance | None = None

    def _problems(self) -> Iterator[Problem]:
        yield from _slug("role", self.role)
        yield from _nonempty("title", self.title)
        if self.min < 0:
            yield Problem.of("min", "number.non-negative", value=self.min)
        if self.max is not None and self.max < self.min:
            yield Problem.of("max", "quota.max", min=self.min, max=self.max)
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.quota")

    def bounds(self) -> str:
        """The quota as people read it: ``1–2``, ``3``, ``at least 1``."""
        if self.max is None:
            return f"at least {self.min}"
        return f"{self.min}–{self.max}" if self.min != self.max else str(self.min)


@attrs.frozen(field_transformer=tuple_fields)
class Segment(Checked):
    """A field of work in which participants try out their topics (a *Jugendhilfesegment*).

    ``participants`` lists who works in it; empty means every participant — as the general social
    service (ASD) in all four model Jugendämter of the § 79a project, for comparability.
    """

    id: str
    title: str
    participants: tuple[str, ...] = ()
    provenance: Provenance | None = None

    @property
    def common(self) -> bool:
        """Whether every participant works in this segment."""
        return not self.participants

    def _problems(self) -> Iterator[Problem]:
        yield from _slug("id", self.id)
        yield from _nonempty("title", self.title)
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.segment")


@attrs.frozen(field_transformer=tuple_fields)
class Programme(Checked):
    """A quality-development programme: framework + assignment rules + the known facts.

    ``participant_count`` is how many Kommunen took part where a source says so; ``participants``
    lists those known by name (often fewer). ``assignment`` is the historical assignment where one
    is known, possibly partial (one known cluster); :meth:`check` checks it against ``rules``.
    ``follows`` names a programme this one continues with the same rules.
    """

    id: str
    title: str
    framework: str
    rules: AssignmentRules
    framework_version: str | None = None
    period: str = ""
    start: date | None = None
    end: date | None = None
    organiser: str = ""
    process_support: tuple[str, ...] = ()
    evaluation: str = ""
    description: str = ""
    follows: str | None = None
    participant_count: int | None = None
    participants: tuple[Participant, ...] = ()
    assignment: Assignment | None = None
    phases: tuple[Phase, ...] = ()
    events: tuple[Event, ...] = ()
    quotas: tuple[Quota, ...] = ()
    segments: tuple[Segment, ...] = ()
    sources: tuple[Source, ...] = ()
    provenance: Provenance | None = None
    rules_provenance: Provenance | None = None
    participants_provenance: Provenance | None = None
    assignment_provenance: Provenance | None = None

    def _problems(self) -> Iterator[Problem]:
        yield from _slug("id", self.id)
        yield from _nonempty("title", self.title)
        yield from _slug("framework", self.framework)
        yield from _dates(self.start, self.end)
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.programme")
        if self.rules_provenance is None:
            yield Problem.of("rules_provenance", "provenance.missing.rules")
        if self.participants and self.participants_provenance is None:
            yield Problem.of("participants_provenance", "provenance.missing.participants")
        if self.assignment is not None and self.assignment_provenance is None:
            yield Problem.of("assignment_provenance", "provenance.missing.assignment")
        if self.participant_count is not None:
            if self.participant_count < 1:
                yield Problem.of("participant_count", "number.at-least-one", value=self.participant_count)
            elif self.participant_count < len(self.participants):
                yield Problem.of(
                    "participant_count",
                    "programme.participant-count",
                    count=self.participant_count,
                    listed=len(self.participants),
                )
        sources = {s.id for s in self.sources}
        for kind, items in (("phase", self.phases), ("event", self.events), ("segment", self.segments)):
            for i, item_id in repeats([x.id for x in items]):
                yield Problem.of(f"{kind}s[{i}].id", f"{kind}.duplicate", id=item_id)
        for i, role in repeats([q.role for q in self.quotas]):
            yield Problem.of(f"quotas[{i}].role", "quota.duplicate", role=role)
        for i, pid in repeats([p.id for p in self.participants]):
            yield Problem.of(f"participants[{i}].id", "participant.duplicate", id=pid)
        for i, sid in repeats([s.id for s in self.sources]):
            yield Problem.of(f"sources[{i}].id", "source.duplicate", id=sid)

        def ref(path: str, provenance: Provenance | None) -> Iterator[Problem]:
            if provenance is not None and provenance.source is not None and provenance.source not in sources:
                yield (
                    Problem.of(
                        f"{path}.source", "source.unknown", source=provenance.source, known=tuple(sorted(sources))
                    )
                    if sources
                    else Problem.of(f"{path}.source", "source.unknown.none", source=provenance.source)
                )

        for name in ("provenance", "rules_provenance", "participants_provenance", "assignment_provenance"):
            yield from ref(name, getattr(self, name))
        owned: list[tuple[str, Provenance | None]] = [
            *((f"phases[{i}].provenance", x.provenance) for i, x in enumerate(self.phases)),
            *((f"events[{i}].provenance", x.provenance) for i, x in enumerate(self.events)),
            *((f"quotas[{i}].provenance", x.provenance) for i, x in enumerate(self.quotas)),
            *((f"segments[{i}].provenance", x.provenance) for i, x in enumerate(self.segments)),
        ]
        for path, provenance in owned:
            yield from ref(path, provenance)

        topics = set(self.rules.topic_ids)
        for i, p in enumerate(self.participants):
            for topic in (*p.preferences, *p.exclusions):
                if topic not in topics:
                    yield Problem.of(f"participants[{i}]", "participant.topic.unknown", topic=topic)
        listed = {p.id for p in self.participants}
        for i, segment in enumerate(self.segments):
            for pid in segment.participants:
                if pid not in listed:
                    yield Problem.of(f"segments[{i}].participants", "segment.participant.unknown", participant=pid)
        if self.assignment is not None and self.participants:
            for pid in self.assignment.participant_ids:
                if pid not in listed:
                    yield Problem.of("assignment", "assignment.participant.unknown", participant=pid)

    # -- working with a programme ----------------------------------------------------------
    def check(self, assignment: Assignment | None = None) -> list[Violation]:
        """Check the historical assignment (or ``assignment``) against the programme's own rules."""
        target = assignment if assignment is not None else self.assignment
        if target is None:
            return []
        participants = self.participants or tuple(Participant(pid) for pid in target.participant_ids)
        return check_assignment(target, participants, self.rules)

    def plan(
        self,
        participants: Iterable[Participant] | None = None,
        *,
        mode: str = "joint",
        km_per_rank: float | None = None,
    ) -> Assignment:
        """A new optimal assignment under the programme's rules (its own participants by default).

        ``mode`` (``"joint"`` or ``"groups-first"``) is passed to :func:`~qframework.assignment.assign`;
        ``km_per_rank`` replaces the rules' trade-off between travel and preference for this plan.
        """
        rules = self.rules
        if km_per_rank is not None:
            rules = attrs.evolve(rules, objective=attrs.evolve(rules.objective, km_per_rank=km_per_rank))
        return assign(tuple(self.participants if participants is None else participants), rules, mode=mode)

    # -- lookups by id: one verb per kind, NotFound naming the known ids --------------------
    def quota(self, role: str) -> Quota:
        """The delegation quota for ``role``."""
        return _find("quota role", role, self.quotas, "role")

    def phase(self, phase_id: str) -> Phase:
        """The phase with this id."""
        return _find("phase", phase_id, self.phases)

    def event(self, event_id: str) -> Event:
        """The event with this id."""
        return _find("event", event_id, self.events)

    def segment(self, segment_id: str) -> Segment:
        """The segment (field of work) with this id."""
        return _find("segment", segment_id, self.segments)

    def participant(self, participant_id: str) -> Participant:
        """The listed participant with this id."""
        return _find("participant", participant_id, self.participants)

    def source(self, source_id: str) -> Source:
        """The declared source with this id."""
        return _find("source", source_id, self.sources)


@attrs.frozen(field_transformer=tuple_fields)
class Delegate(Checked):
    """One person a Kommune sends, under a pseudonymous id.

    ``name`` is personal data: it is kept out of ``repr`` and printed only when asked for.
    """

    id: str
    role: str
    name: str = attrs.field(default="", repr=False, metadata={"personal": True})

    def _problems(self) -> Iterator[Problem]:
        yield from id_problems("id", self.id)
        yield from _slug("role", self.role)

    def label(self, show_names: bool = False) -> str:
        """The delegate's id, with the name beside it only when ``show_names`` (names are personal data)."""
        return f"{self.id} ({self.name})" if show_names and self.name else self.id


@attrs.frozen(field_transformer=tuple_fields)
class Roster(Checked):
    """The delegation of one Kommune to one programme."""

    programme: str
    participant: str
    delegates: tuple[Delegate, ...] = ()

    def _problems(self) -> Iterator[Problem]:
        yield from _slug("programme", self.programme)
        yield from id_problems("participant", self.participant)
        for i, did in repeats([d.id for d in self.delegates]):
            yield Problem.of(f"delegates[{i}].id", "delegate.duplicate", id=did)

    def counts(self) -> Counter[str]:
        """How many delegates the roster has per role."""
        return Counter(d.role for d in self.delegates)


def check_roster(roster: Roster, programme: Programme) -> list[Violation]:
    """Every way a delegation breaks the programme's quotas; empty means it fits."""
    expect(roster, Roster, "check_roster", "roster")
    expect(programme, Programme, "check_roster", "programme")
    out: list[Violation] = []
    if roster.programme != programme.id:
        out.append(Violation.of("programme", "roster.programme", programme=roster.programme, expected=programme.id))
    known = {p.id for p in programme.participants}
    if known and roster.participant not in known:
        out.append(
            Violation.of(
                "participant",
                "roster.participant",
                participant=roster.participant,
                programme=programme.id,
            )
        )
    counts = roster.counts()
    roles = {q.role for q in programme.quotas}
    for role in sorted(set(counts) - roles):
        out.append(
            Violation.of(
                "quota",
                "roster.role.unknown" if roles else "roster.role.unknown.none",
                participant=roster.participant,
                role=role,
                programme=programme.id,
                roles=tuple(sorted(roles)),
            )
        )
    for q in programme.quotas:
        n = counts.get(q.role, 0)
        if n < q.min:
            out.append(
                Violation.of(
                    "quota", "roster.quota.min", participant=roster.participant, quota=q.title, count=n, min=q.min
                )
            )
        if q.max is not None and n > q.max:
            out.append(
                Violation.of(
                    "quota", "roster.quota.max", participant=roster.participant, quota=q.title, count=n, max=q.max
                )
            )
    return out


# -- loaders: load_X(path, *, registry=None) and loads_X(text, *, format="toml", registry=None, file=None)


def _against_registry(programme: Programme, registry: Registry | None, file: str | None) -> Programme:
    """With a registry, the programme's framework (and version) must be installed."""
    if registry is not None:
        try:
            registry.framework(programme.framework, programme.framework_version)
        except NotFound as exc:
            problem = (
                Problem.of(
                    "framework",
                    "framework.version.not-installed",
                    framework=programme.framework,
                    version=str(programme.framework_version),
                    known=tuple(map(str, exc.known)),
                )
                if exc.kind == "framework version"
                else exc.problem("framework")
            )
            raise ValidationError([problem], file) from None
    return programme


def _roster_against_registry(roster: Roster, registry: Registry | None, file: str | None) -> Roster:
    """With a registry, the roster's programme must be installed."""
    if registry is not None and roster.programme not in registry.programmes:
        known = tuple(registry.programmes)
        raise ValidationError([NotFound.unknown("programme", roster.programme, known).problem("programme")], file)
    return roster


def load_programme(path: str | os.PathLike[str] | Traversable, *, registry: Registry | None = None) -> Programme:
    """Load and validate a programme file (``.toml`` or ``.json``).

    With ``registry``, the programme's framework (and version) must be installed in it.
    """
    return _against_registry(load(Programme, path), registry, str(path))


def loads_programme(
    text: str | bytes, *, format: Format = "toml", registry: Registry | None = None, file: str | None = None
) -> Programme:
    """Parse and validate a programme from text (see :func:`load_programme`)."""
    return _against_registry(loads(Programme, text, format=format, file=file), registry, file)


@attrs.frozen(field_transformer=tuple_fields)
class _ParticipantList(Checked):
    """A participants file: at least one participant (an empty file would plan nobody and succeed)."""

    participants: tuple[Participant, ...] = ()

    def _problems(self) -> Iterator[Problem]:
        if not self.participants:
            yield Problem.of("participants", "participants.none")


def load_participants(
    path: str | os.PathLike[str] | Traversable, *, registry: Registry | None = None
) -> tuple[Participant, ...]:
    """Participants from a file with ``[[participants]]`` tables (for re-planning a programme).

    ``registry`` is accepted so that every loader reads alike; a participants list refers to nothing in it.
    """
    return load(_ParticipantList, path).participants


def loads_participants(
    text: str | bytes, *, format: Format = "toml", registry: Registry | None = None, file: str | None = None
) -> tuple[Participant, ...]:
    """Participants from text with ``[[participants]]`` tables (see :func:`load_participants`)."""
    return loads(_ParticipantList, text, format=format, file=file).participants


def load_roster(path: str | os.PathLike[str] | Traversable, *, registry: Registry | None = None) -> Roster:
    """Load and validate a delegation roster; with ``registry``, its programme must be installed."""
    return _roster_against_registry(load(Roster, path), registry, str(path))


def loads_roster(
    text: str | bytes, *, format: Format = "toml", registry: Registry | None = None, file: str | None = None
) -> Roster:
    """Parse and validate a delegation roster from text (see :func:`load_roster`)."""
    return _roster_against_registry(loads(Roster, text, format=format, file=file), registry, file)


@attrs.frozen(field_transformer=tuple_fields)
class ProgrammeSummary:
    """One installed programme in a listing (``qframework programmes``)."""

    id: str
    title: str
    framework: str
    period: str
    participants: int | None
    plugin: str

    @classmethod
    def of(cls, programme: Programme, plugin: str) -> ProgrammeSummary:
        """The summary of ``programme`` as supplied by ``plugin``."""
        return cls(
            id=programme.id,
            title=programme.title,
            framework=programme.framework,
            period=programme.period,
            participants=programme.participant_count,
            plugin=plugin,
        )
