"""Crosswalks: how two frameworks relate, and an assessment carried from one to the other.

A Kommune rates the same network in several vocabularies — the NZFH Qualitätsrahmen in the
federal Qualitätsdialoge, Lower Saxony's Qualitätsstandards in its Qualitätswerkstatt, KQS and
§ 79a SGB VIII in the Jugendamt. A :class:`Crosswalk` says, element by element, how a *source*
framework relates to a *target* framework (OSCAL's set-theory relations); :func:`translate`
carries an assessment across and says in a :class:`TranslationReport` what was lost or guessed.

No public source publishes these mappings: every shipped entry is ``authored`` or ``inferred``
and gives a one-sentence rationale. The rules :func:`translate` follows are in
``docs/crosswalks.md`` and in its docstring.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal, get_args, overload

import attrs

from ._args import expect
from ._deprecated import positional_registry
from ._fields import tuple_fields
from .aggregation import Aggregation
from .assessment.model import Assessment, Rating
from .errors import NotFound, Problem, QFrameworkError, ValidationError, type_problem
from .io import Format, load, loads
from .messages import Note, shown_number
from .model import Framework, Provenance, Scale, Source, slug_problems
from .validation import Checked, repeats

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from .plugins import Registry

__all__ = [
    "OSCAL_RELATIONS",
    "RELATIONS",
    "RELATION_CONFIDENCE",
    "CarriedRating",
    "Coverage",
    "Crosswalk",
    "CrosswalkEntry",
    "CrosswalkSummary",
    "FrameworkRef",
    "Relation",
    "Translation",
    "TranslationReport",
    "check_crosswalk",
    "coverage",
    "load_crosswalk",
    "loads_crosswalk",
    "translate",
]

#: How the source element relates to the target element.
Relation = Literal["equivalent", "broader", "narrower", "overlapping"]
RELATIONS: tuple[str, ...] = get_args(Relation)

#: The same relations in OSCAL's mapping model (source *equal to* / *superset of* / … target).
OSCAL_RELATIONS: dict[str, str] = {
    "equivalent": "equal-to",
    "broader": "superset-of",
    "narrower": "subset-of",
    "overlapping": "intersects-with",
}

#: How far a value carried over one relation is trusted (multiplied by an entry's ``strength``).
RELATION_CONFIDENCE: dict[str, float] = {"equivalent": 1.0, "broader": 0.75, "narrower": 0.75, "overlapping": 0.5}

_INVERSE: dict[str, Relation] = {
    "equivalent": "equivalent",
    "broader": "narrower",
    "narrower": "broader",
    "overlapping": "overlapping",
}


def _text(path: str, value: object) -> Iterator[Problem]:
    if not isinstance(value, str):
        yield type_problem(path, value, "type.text")
    elif not value.strip():
        yield Problem.of(path, "text.empty")


@attrs.frozen(field_transformer=tuple_fields)
class FrameworkRef(Checked):
    """One side of a crosswalk: a framework id and the version the entries were written against."""

    framework: str
    version: str

    def _problems(self) -> Iterator[Problem]:
        if isinstance(self.framework, str):
            yield from slug_problems("framework", self.framework, "word.framework-id")
        else:
            yield type_problem("framework", self.framework, "type.text")
        yield from _text("version", self.version)

    def __str__(self) -> str:
        return f"{self.framework} {self.version}"


@attrs.frozen(field_transformer=tuple_fields)
class CrosswalkEntry(Checked):
    """One relation: the source element (a dimension or indicator id) is ``relation`` to the target element.

    ``strength`` (0 < s ≤ 1, default 1) lowers the confidence of what the entry carries;
    ``rationale`` is the one sentence a domain expert needs to accept the relation.
    """

    source: str
    target: str
    relation: Relation
    rationale: str
    strength: float = 1.0
    provenance: Provenance | None = None

    def _problems(self) -> Iterator[Problem]:
        for name in ("source", "target"):
            value = getattr(self, name)
            if isinstance(value, str):
                yield from slug_problems(name, value, "word.element-id")
            else:
                yield type_problem(name, value, "type.text.element-id")
        if self.relation not in RELATIONS:
            yield Problem.of("relation", "value.choice", allowed=tuple(RELATIONS), got=repr(self.relation))
        yield from _text("rationale", self.rationale)
        if isinstance(self.strength, bool) or not isinstance(self.strength, (int, float)):
            yield type_problem("strength", self.strength, "type.number")
        elif not 0 < self.strength <= 1:
            yield Problem.of("strength", "crosswalk.strength.range", value=shown_number(self.strength))
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.relation")


@attrs.frozen(field_transformer=tuple_fields, cache_hash=True)
class Crosswalk(Checked):
    """How a source framework relates to a target framework, entry by entry.

    Element ids name a dimension or an indicator of their side (ids are unique within a
    framework). A (source, target) pair appears once. Whether the elements exist is checked
    against the installed frameworks by :func:`check_crosswalk` (and by the loaders when given a
    registry).
    """

    id: str
    title: str
    source: FrameworkRef
    target: FrameworkRef
    entries: tuple[CrosswalkEntry, ...]
    description: str = ""
    sources: tuple[Source, ...] = ()
    provenance: Provenance | None = None

    def _problems(self) -> Iterator[Problem]:
        if isinstance(self.id, str):
            yield from slug_problems("id", self.id)
        else:
            yield type_problem("id", self.id, "type.text")
        yield from _text("title", self.title)
        if not isinstance(self.description, str):
            yield type_problem("description", self.description, "type.text")
        if not self.entries:
            yield Problem.of("entries", "crosswalk.entries.none")
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.crosswalk")
        for i, source_id in repeats([s.id for s in self.sources]):
            yield Problem.of(f"sources[{i}].id", "source.duplicate", id=source_id)
        first: dict[tuple[str, str], int] = {}
        for i, entry in enumerate(self.entries):
            pair = (entry.source, entry.target)
            where = first.setdefault(pair, i)
            if where != i:
                yield Problem.of(
                    f"entries[{i}]", "crosswalk.entry.twice", source=entry.source, target=entry.target, first=where
                )
        declared = {s.id for s in self.sources}
        owned = [("provenance", self.provenance)]
        owned += [(f"entries[{i}].provenance", e.provenance) for i, e in enumerate(self.entries)]
        for path, provenance in owned:
            if provenance is not None and provenance.source is not None and provenance.source not in declared:
                yield (
                    Problem.of(
                        f"{path}.source", "source.unknown", source=provenance.source, known=tuple(sorted(declared))
                    )
                    if declared
                    else Problem.of(f"{path}.source", "source.unknown.none", source=provenance.source)
                )

    def inverse(self) -> Crosswalk:
        """The same relations read the other way: target → source, broader ↔ narrower."""
        return attrs.evolve(
            self,
            id=f"{self.id}.inverse",
            source=self.target,
            target=self.source,
            entries=tuple(
                attrs.evolve(e, source=e.target, target=e.source, relation=_INVERSE[e.relation]) for e in self.entries
            ),
        )

    def entries_from(self, element: str) -> tuple[CrosswalkEntry, ...]:
        """The entries whose source is ``element``."""
        return tuple(e for e in self.entries if e.source == element)

    def entries_to(self, element: str) -> tuple[CrosswalkEntry, ...]:
        """The entries whose target is ``element``."""
        return tuple(e for e in self.entries if e.target == element)


@attrs.frozen(field_transformer=tuple_fields)
class CrosswalkSummary:
    """One line of ``qframework crosswalks``: what a crosswalk relates and which plugin ships it."""

    id: str
    title: str
    source: FrameworkRef
    target: FrameworkRef
    entries: int
    plugin: str

    @classmethod
    def of(cls, crosswalk: Crosswalk, plugin: str) -> CrosswalkSummary:
        """The summary of ``crosswalk`` as registered by ``plugin``."""
        return cls(crosswalk.id, crosswalk.title, crosswalk.source, crosswalk.target, len(crosswalk.entries), plugin)


# -- checking against the frameworks ------------------------------------------------------------


def _elements(framework: Framework) -> set[str]:
    return {d.id for d in framework.dimensions} | {i.id for i in framework.indicators()}


def _side(ref: FrameworkRef, registry: Registry) -> Framework:
    return registry.framework(ref.framework, ref.version)


@overload
def check_crosswalk(crosswalk: Crosswalk, *, registry: Registry) -> list[Problem]: ...
@overload
def check_crosswalk(crosswalk: Crosswalk, registry: Registry, /) -> list[Problem]: ...  # deprecated since 0.3.0
def check_crosswalk(crosswalk: Crosswalk, *positional: Registry, registry: Registry | None = None) -> list[Problem]:
    """Every problem of ``crosswalk`` against the installed frameworks, each with its path.

    Both frameworks (in the versions named) must be installed and every entry's element must
    exist on its side. Empty means the crosswalk fits. The registry is a keyword, as everywhere;
    ``check_crosswalk(crosswalk, registry)`` still works and is deprecated since 0.3.0.
    """
    from .plugins import Registry

    registry = positional_registry("check_crosswalk", "crosswalk", positional, registry)
    expect(crosswalk, Crosswalk, "check_crosswalk", "crosswalk")
    expect(registry, Registry, "check_crosswalk", "registry")
    assert registry is not None  # checked above
    problems: list[Problem] = []
    sides: dict[str, Framework] = {}
    for name in ("source", "target"):
        ref: FrameworkRef = getattr(crosswalk, name)
        try:
            sides[name] = _side(ref, registry)
        except NotFound as exc:
            problems.append(
                Problem.of(
                    f"{name}.framework",
                    "framework.version.not-installed",
                    framework=ref.framework,
                    version=str(ref.version),
                    known=tuple(map(str, exc.known)),
                )
                if exc.kind == "framework version"
                else exc.problem(f"{name}.framework")
            )
    for name, framework in sides.items():
        known = _elements(framework)
        for i, entry in enumerate(crosswalk.entries):
            element = getattr(entry, name)
            if element not in known:
                what = Note("word.element-of", {"framework": framework.id})
                problems.append(
                    NotFound.unknown("element", element, sorted(known), what=what).problem(f"entries[{i}].{name}")
                )
    return problems


def _against_registry(crosswalk: Crosswalk, registry: Registry | None, file: str | None) -> Crosswalk:
    if registry is not None:
        found = check_crosswalk(crosswalk, registry=registry)
        if found:
            raise ValidationError(found, file)
    return crosswalk


def load_crosswalk(path: str | os.PathLike[str] | Traversable, *, registry: Registry | None = None) -> Crosswalk:
    """Load and validate a crosswalk file (``.toml`` or ``.json``).

    With ``registry`` both frameworks must be installed and every element must exist on its side.
    """
    return _against_registry(load(Crosswalk, path), registry, str(path))


def loads_crosswalk(
    text: str | bytes, *, format: Format = "toml", registry: Registry | None = None, file: str | None = None
) -> Crosswalk:
    """Parse and validate a crosswalk from text (see :func:`load_crosswalk`)."""
    return _against_registry(loads(Crosswalk, text, format=format, file=file), registry, file)


def _indicators_of(framework: Framework, element: str) -> tuple[str, ...]:
    """The indicator ids an element stands for: itself, or every indicator of a dimension."""
    for dim in framework.dimensions:
        if dim.id == element:
            return tuple(i.id for i in dim.indicators)
    framework.indicator(element)  # NotFound for an unknown element
    return (element,)


@attrs.frozen(field_transformer=tuple_fields)
class Coverage:
    """Which indicators of each side a crosswalk reaches, and which map to nothing."""

    unmapped_sources: tuple[str, ...]
    unmapped_targets: tuple[str, ...]
    source_indicators: int
    target_indicators: int


def coverage(crosswalk: Crosswalk, source: Framework, target: Framework) -> Coverage:
    """The indicators of each side that no entry reaches (an entry on a dimension reaches all of its indicators)."""
    reached_s = {i for e in crosswalk.entries for i in _indicators_of(source, e.source)}
    reached_t = {i for e in crosswalk.entries for i in _indicators_of(target, e.target)}
    s_all = [i.id for i in source.indicators()]
    t_all = [i.id for i in target.indicators()]
    return Coverage(
        unmapped_sources=tuple(i for i in s_all if i not in reached_s),
        unmapped_targets=tuple(i for i in t_all if i not in reached_t),
        source_indicators=len(s_all),
        target_indicators=len(t_all),
    )


# -- translation --------------------------------------------------------------------------------


@attrs.frozen(field_transformer=tuple_fields)
class CarriedRating:
    """How one rating of the translated assessment came about.

    ``value`` is the target level (``None``: not applicable); ``normalised`` the 0..1 value it was
    rounded from. ``exact`` is true only for one source rating carried over one equivalent
    indicator → indicator entry; ``rescaled`` when the two indicators' scales differ;
    ``rounded`` when the value did not land on a target level.
    """

    target: str
    rater: str | None
    sources: tuple[str, ...]
    relations: tuple[str, ...]
    value: int | None
    normalised: float | None
    confidence: float
    exact: bool
    rescaled: bool
    rounded: bool


@attrs.frozen(field_transformer=tuple_fields)
class TranslationReport:
    """What a translation carried, lost and guessed (plain data: round-trips through :mod:`qframework.io`).

    ``unmapped_sources``: source indicators with ratings that no entry carries anywhere (lost;
    ``lost_ratings`` counts their ratings, a blank not-yet-rated entry is none).
    ``unmapped_targets``: target indicators no entry reaches (left unrated). ``unrated_targets``:
    target indicators an entry reaches, but whose sources had no rating. ``crosswalk_title`` and
    ``source_title`` let a report of the translated assessment say where it came from without
    the crosswalk or the source framework at hand.
    """

    crosswalk: str
    source: FrameworkRef
    target: FrameworkRef
    subject: str
    period: str
    carried: tuple[CarriedRating, ...] = ()
    unmapped_sources: tuple[str, ...] = ()
    unmapped_targets: tuple[str, ...] = ()
    unrated_targets: tuple[str, ...] = ()
    lost_ratings: int = 0
    crosswalk_title: str = ""
    source_title: str = ""

    @property
    def exact(self) -> tuple[CarriedRating, ...]:
        """The carried ratings that crossed one equivalent indicator → indicator entry unchanged in meaning."""
        return tuple(c for c in self.carried if c.exact)

    @property
    def guessed(self) -> tuple[CarriedRating, ...]:
        """The carried ratings that are not exact."""
        return tuple(c for c in self.carried if not c.exact)

    @property
    def rescaled(self) -> tuple[CarriedRating, ...]:
        """The carried ratings whose value moved to another scale."""
        return tuple(c for c in self.carried if c.rescaled)


@attrs.frozen(field_transformer=tuple_fields)
class Translation:
    """The result of :func:`translate`: the assessment against the target framework and its report."""

    assessment: Assessment
    report: TranslationReport


def _nearest(scale: Scale, normalised: float) -> tuple[int, bool]:
    """The level of ``scale`` nearest to a 0..1 value (the lower one on a tie) and whether it was rounded."""
    best = scale.levels[0].value
    best_distance = abs(scale.normalise(best) - normalised)
    for level in scale.levels[1:]:
        distance = abs(scale.normalise(level.value) - normalised)
        if distance < best_distance - 1e-12:
            best, best_distance = level.value, distance
    return best, best_distance > 1e-9


def translate(
    assessment: Assessment,
    crosswalk: Crosswalk | str,
    *,
    registry: Registry,
    aggregation: str | Aggregation = "mean",
) -> Translation:
    """Carry ``assessment`` from the crosswalk's source framework to its target framework.

    ``crosswalk`` is a :class:`Crosswalk` or its id, looked up in ``registry`` (:class:`NotFound` names
    the installed ones).

    The rules, per target indicator and per rater (the joint rating counts as one rater):

    - an entry reaches the target indicator if its target is the indicator or its dimension, and
      draws on its source indicator, or on every indicator of its source dimension;
    - the rater's ratings of every drawn-on indicator are collected (a blank, not-yet-rated entry of
      a half-filled template is no rating); none → no rating (nothing is ever invented); all not
      applicable → not applicable; otherwise the applicable values are normalised to 0..1,
      combined with ``aggregation`` (mean by default) and rounded to the nearest level of the
      target indicator's scale (the lower level on a tie);
    - confidence is the lowest ``RELATION_CONFIDENCE[relation] × strength`` of the entries used;
      a rating is *exact* only when one source rating crossed one equivalent indicator → indicator
      entry; then its tier (if the target knows it), evidence and comment are carried too.

    Ratings come out in the order of their first source rating, so an identity crosswalk returns
    the same assessment. Raises :class:`QFrameworkError` when the assessment is not made against
    the crosswalk's source framework and version.
    """
    from .assessment.scoring import resolve_aggregation
    from .plugins import Registry

    expect(assessment, Assessment, "translate", "assessment")
    expect(registry, Registry, "translate", "registry")
    if isinstance(crosswalk, str):  # an id: the natural thing to pass, looked up where the frameworks come from
        crosswalk = registry.crosswalks[crosswalk]
    expect(crosswalk, Crosswalk, "translate", "crosswalk", "a Crosswalk or a crosswalk id (str)")
    expect(aggregation, (str, Aggregation), "translate", "aggregation")
    if (assessment.framework, assessment.framework_version) != (
        crosswalk.source.framework,
        crosswalk.source.version,
    ):
        raise QFrameworkError(
            f"crosswalk {crosswalk.id!r} carries assessments of {crosswalk.source}, "
            f"but this one is made against {assessment.framework} {assessment.framework_version}"
        )
    problems = check_crosswalk(crosswalk, registry=registry)
    if problems:
        raise ValidationError(problems, f"crosswalk {crosswalk.id}")
    source = _side(crosswalk.source, registry)
    target = _side(crosswalk.target, registry)
    combine = resolve_aggregation(aggregation, registry=registry)

    # (source indicator, rater) → (position in the assessment, rating)
    by_key: dict[tuple[str, str | None], tuple[int, Rating]] = {}
    raters: list[str | None] = []
    for position, rating in enumerate(assessment.ratings):
        if not rating.rated:  # a blank of a half-filled template says nothing: it is no source rating
            continue
        by_key.setdefault((rating.indicator, rating.rater), (position, rating))
        if rating.rater not in raters:
            raters.append(rating.rater)

    drawn: dict[str, list[tuple[CrosswalkEntry, tuple[str, ...]]]] = {}
    for entry in crosswalk.entries:
        sources = _indicators_of(source, entry.source)
        for target_id in _indicators_of(target, entry.target):
            drawn.setdefault(target_id, []).append((entry, sources))

    out: list[tuple[int, Rating, CarriedRating]] = []
    used_sources: set[str] = set()
    unrated: list[str] = []
    for indicator in target.indicators():
        reaching = drawn.get(indicator.id)
        if not reaching:
            continue
        target_scale = target.scale_of(indicator)
        rated_here = False
        for rater in raters:
            found: list[tuple[int, Rating, str]] = []
            entries_used: list[CrosswalkEntry] = []
            seen: set[str] = set()
            for entry, source_ids in reaching:
                hit = False
                for sid in source_ids:
                    item = by_key.get((sid, rater))
                    if item is not None:
                        hit = True
                        if sid not in seen:
                            seen.add(sid)
                            found.append((item[0], item[1], sid))
                if hit:
                    entries_used.append(entry)
            if not found:
                continue
            rated_here = True
            used_sources.update(sid for _, _, sid in found)
            found.sort(key=lambda f: f[0])
            first_position = found[0][0]
            relations = tuple(sorted({e.relation for e in entries_used}))
            confidence = min(RELATION_CONFIDENCE[e.relation] * e.strength for e in entries_used)
            exact = (
                len(found) == 1
                and len(entries_used) == 1
                and entries_used[0].relation == "equivalent"
                and entries_used[0].source == found[0][2]
                and entries_used[0].target == indicator.id
            )
            applicable = [(r, sid) for _, r, sid in found if not r.not_applicable and r.value is not None]
            rescaled = any(source.scale_of(sid).values() != target_scale.values() for _, _, sid in found)
            if not applicable:
                rating = Rating(indicator.id, not_applicable=True, rater=rater)
                carried = CarriedRating(
                    indicator.id, rater, tuple(s for *_, s in found), relations, None, None, confidence, exact, False,
                    False,
                )  # fmt: skip
                if exact:
                    only = found[0][1]
                    rating = attrs.evolve(rating, evidence=only.evidence, comment=only.comment)
                out.append((first_position, rating, carried))
                continue
            values = sorted(source.scale_of(sid).normalise(r.value) for r, sid in applicable if r.value is not None)
            normalised = combine(values)
            level, rounded = _nearest(target_scale, normalised)
            rating = Rating(indicator.id, value=level, rater=rater)
            if exact:
                only = found[0][1]
                tier = only.tier if only.tier in {t.id for t in indicator.tiers} else None
                rating = attrs.evolve(rating, tier=tier, evidence=only.evidence, comment=only.comment)
            carried = CarriedRating(
                indicator.id,
                rater,
                tuple(s for *_, s in found),
                relations,
                level,
                normalised,
                confidence,
                exact,
                rescaled,
                rounded,
            )
            out.append((first_position, rating, carried))
        if not rated_here:
            unrated.append(indicator.id)

    out.sort(key=lambda item: item[0])
    translated = attrs.evolve(
        assessment,
        framework=target.id,
        framework_version=target.version,
        ratings=tuple(rating for _, rating, _ in out),
    )
    cov = coverage(crosswalk, source, target)
    lost_ids = []
    lost = 0
    given = [r for r in assessment.ratings if r.rated]
    for indicator_id in dict.fromkeys(r.indicator for r in given):
        if indicator_id not in used_sources:
            lost_ids.append(indicator_id)
            lost += sum(1 for r in given if r.indicator == indicator_id)
    report = TranslationReport(
        crosswalk=crosswalk.id,
        source=crosswalk.source,
        target=crosswalk.target,
        subject=assessment.subject.id,
        period=assessment.period,
        carried=tuple(carried for _, _, carried in out),
        unmapped_sources=tuple(lost_ids),
        unmapped_targets=cov.unmapped_targets,
        unrated_targets=tuple(unrated),
        lost_ratings=lost,
        crosswalk_title=crosswalk.title,
        source_title=source.title,
    )
    return Translation(translated, report)
