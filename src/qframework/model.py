"""The framework model: what a quality framework *is*, independent of any one publisher.

A :class:`Framework` (Qualitätsrahmen, KQS, a Land's standards) has numbered :class:`Dimension`
objects (Qualitätsdimension, Qualitätsbereich, Themenfeld), each holding the assessable
:class:`Indicator` objects (criteria, Anforderungen, standards). Indicators are rated on a
:class:`Scale`. Every element records its :class:`Provenance`, so text this project wrote is never
mistaken for a publisher's.

All classes are frozen attrs classes that validate themselves on construction; the loader builds
them with validation deferred and then reports every problem of a file at once (see
:mod:`qframework.validation`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, TypeVar, get_args

import attrs

from ._fields import tuple_fields
from .errors import NotFound, Problem, type_problem
from .frozen import FrozenMap
from .messages import Note, shown_number
from .validation import Checked, repeats

__all__ = [
    "PROVENANCE_KINDS",
    "Dimension",
    "Facet",
    "FacetValue",
    "Framework",
    "FrameworkSummary",
    "Indicator",
    "Level",
    "LevelText",
    "Provenance",
    "ProvenanceKind",
    "Scale",
    "Source",
    "Text",
    "Tier",
    "id_problems",
    "is_slug",
    "slug_problems",
]

ProvenanceKind = Literal["quoted", "paraphrased", "inferred", "authored"]
PROVENANCE_KINDS: tuple[str, ...] = get_args(ProvenanceKind)

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")


def is_slug(value: object) -> bool:
    """True for ids such as ``nzfh-qualitaetsrahmen``, ``d3`` or ``3.1`` (lower case, ASCII)."""
    return isinstance(value, str) and bool(_SLUG.fullmatch(value))  # fullmatch: "$" would allow "d3\n"


def slug_problems(path: str, value: object, what: str = "") -> Iterator[Problem]:
    """The problem with an id that is not a slug, if any (shared by every model that has ids)."""
    if not is_slug(value):
        yield (
            Problem.of(path, "id.slug.what", what=Note(what), value=_shown(value))
            if what
            else Problem.of(path, "id.slug", value=_shown(value))
        )


#: The smallest indicator weight: weights are relative shares, and a tiny one (5e-324) underflows
#: to zero once multiplied by a score, so that the scores silently change.
MIN_WEIGHT = 1e-6

#: The longest free-form id (a participant, topic or delegate id) the loader accepts.
MAX_ID_LENGTH = 200


def id_problems(path: str, value: object) -> Iterator[Problem]:
    """The one policy for free-form ids (participants, topics, delegates), which need not be slugs:
    text, not blank, at most :data:`MAX_ID_LENGTH` characters, and nothing invisible or
    control-like (NUL, a right-to-left override, a zero-width space, a line break), so that an id
    prints as what it is."""
    if not isinstance(value, str):
        yield type_problem(path, value, "type.text")
    elif not value.strip():
        yield Problem.of(path, "text.empty")
    elif len(value) > MAX_ID_LENGTH:
        yield Problem.of(path, "id.too-long", max=MAX_ID_LENGTH, length=len(value))
    elif not value.isprintable() or (not value.isascii() and _INVISIBLE.search(value)):
        at = next(i for i, c in enumerate(value) if not c.isprintable() or _INVISIBLE.match(c))
        yield Problem.of(path, "text.invisible", value=_escaped(value), char=ascii(value[at]), position=at + 1)
    elif not value.isascii() and not _is_nfc(value):
        yield Problem.of(path, "id.nfc", value=_escaped(value))


#: Characters that print as nothing but are not control or format characters (``str.isprintable``
#: accepts them): Hangul fillers, the braille blank, the combining grapheme joiner, Khmer inherent
#: vowels, Mongolian and other variation selectors. An id made of them looks empty or like another.
_INVISIBLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\uffa0\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)


def _is_nfc(value: str) -> bool:
    import unicodedata

    return unicodedata.is_normalized("NFC", value)


def _shown(value: object) -> str | Note:
    """A wrong id as a problem shows it: text with spaces (a name in the wrong field) is described, not repeated."""
    if isinstance(value, str) and any(c.isspace() for c in value):
        return Note("value.text-with-spaces", {"length": len(value)})
    from ._safe_text import quote_text

    return quote_text(value, limit=200) if isinstance(value, str) else repr(value)


def _escaped(value: str) -> str | Note:
    """``repr`` with every non-ASCII character escaped, so that what is invisible shows (``'a\\u3164'``);
    a text with spaces is described, not repeated (see :func:`_shown`)."""
    return _shown(value) if any(c.isspace() for c in value) else ascii(value)


def _text_problem(path: str, value: object) -> Iterator[Problem]:
    if not isinstance(value, str):
        yield type_problem(path, value, "type.text")
    elif not value.strip():
        yield Problem.of(path, "text.empty")


def _optional_text_problem(path: str, value: object) -> Iterator[Problem]:
    if not isinstance(value, str):
        yield type_problem(path, value, "type.text")


def _frozen_map(value: Any) -> Any:
    """Converter: a plain dict (or any mapping) becomes a :class:`FrozenMap`; other values pass
    through unchanged so that validation can report them."""
    if isinstance(value, FrozenMap) or not isinstance(value, Mapping):
        return value
    return FrozenMap(value)


def _facet_map(value: Any) -> Any:
    """Converter for ``facets``: a mapping of facet id to a tuple of value ids (lists become tuples)."""
    if not isinstance(value, Mapping):
        return value
    return FrozenMap((k, tuple(v) if isinstance(v, list) else v) for k, v in value.items())


@attrs.frozen(field_transformer=tuple_fields)
class Text(Checked):
    """A title and description in one language other than the source language (German)."""

    title: str
    description: str = ""

    def _problems(self) -> Iterator[Problem]:
        yield from _text_problem("title", self.title)
        yield from _optional_text_problem("description", self.description)


def _translation_problems(translations: Mapping[str, object]) -> Iterator[Problem]:
    if not isinstance(translations, Mapping):
        yield type_problem("translations", translations, "type.table")
        return
    for lang in translations:
        if not re.match(r"^[a-z]{2}(-[A-Z]{2})?$", lang):
            yield Problem.of(f"translations.{lang}", "translation.language")
        elif lang == "de":
            yield Problem.of("translations.de", "translation.german")


@attrs.frozen(field_transformer=tuple_fields)
class Source(Checked):
    """A public source a framework's content comes from."""

    id: str
    title: str
    url: str = ""
    note: str = ""

    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("id", self.id)
        yield from _text_problem("title", self.title)
        yield from _optional_text_problem("url", self.url)
        yield from _optional_text_problem("note", self.note)
        if isinstance(self.url, str) and self.url and not re.match(r"^https?://", self.url):
            yield Problem.of("url", "url.scheme", value=repr(self.url))


@attrs.frozen(field_transformer=tuple_fields)
class Provenance(Checked):
    """Where an element's content comes from.

    ``kind`` is ``quoted`` (the source's words), ``paraphrased`` (the source's content in our
    words), ``inferred`` (our reading; no source states it) or ``authored`` (written by this
    project because no source gives it). ``source`` is the id of one of the framework's
    :class:`Source` entries; quoted and paraphrased content must name one.

    ``title_kind`` says how the title alone came about where it differs from the rest: a KQS area's
    name is quoted from the source while its description is ours (``kind = "authored"``,
    ``title_kind = "quoted"``).
    """

    kind: ProvenanceKind
    source: str | None = None
    note: str = ""
    title_kind: ProvenanceKind | None = None

    def _problems(self) -> Iterator[Problem]:
        if self.kind not in PROVENANCE_KINDS:
            yield Problem.of("kind", "value.choice", allowed=tuple(PROVENANCE_KINDS), got=repr(self.kind))
        if self.kind in ("quoted", "paraphrased") and not self.source:
            yield Problem.of("source", f"provenance.source.{self.kind}")
        if self.title_kind is not None and self.title_kind not in PROVENANCE_KINDS:
            yield Problem.of("title_kind", "value.choice", allowed=tuple(PROVENANCE_KINDS), got=repr(self.title_kind))
        elif self.title_kind in ("quoted", "paraphrased") and not self.source:
            yield Problem.of("source", f"provenance.title-source.{self.title_kind}")
        if self.kind == "authored" and self.source is None and not self.note.strip():
            yield Problem.of("note", "provenance.note")


#: A level translation's old key for its label (``{ en = { title = "met" } }``), read with a deprecation notice.
LEVEL_TITLE_DEPRECATED = (
    "'title' in a level's translation is deprecated: a level's text is 'label', in its translations as in "
    "the level itself; rename the key to 'label'"
)


@attrs.frozen
class LevelText(Checked):
    """A level's label and description in one language other than German: ``en = { label = "met" }``.

    The key is ``label``, as in the level itself. Files written before may say ``title``
    (``legacy_title``): still read, and ``qframework validate`` prints a deprecation notice
    (:meth:`Framework.warnings`). :attr:`title` is the label whichever key gave it, so code that
    reads any element's translation as ``text.title`` keeps working.
    """

    label: str = ""
    description: str = ""
    legacy_title: str = attrs.field(default="", metadata={"key": "title"})

    @property
    def title(self) -> str:
        """The label (what every other translation calls its title)."""
        return self.label or self.legacy_title

    def _problems(self) -> Iterator[Problem]:
        if self.label and self.legacy_title:
            yield Problem.of("title", "level.title-deprecated")
        elif self.legacy_title:
            yield from _text_problem("title", self.legacy_title)
        else:
            yield from _text_problem("label", self.label)
        yield from _optional_text_problem("description", self.description)


@attrs.frozen(field_transformer=tuple_fields)
class Level(Checked):
    """One step of a scale; ``value`` orders the steps (higher is better)."""

    value: int
    label: str
    description: str = ""
    translations: FrozenMap[str, LevelText] = attrs.field(factory=FrozenMap, converter=_frozen_map)

    def _problems(self) -> Iterator[Problem]:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            yield Problem.of("value", "number.whole", value=repr(self.value))
        yield from _text_problem("label", self.label)
        yield from _optional_text_problem("description", self.description)
        yield from _translation_problems(self.translations)


@attrs.frozen(field_transformer=tuple_fields)
class Scale(Checked):
    """An ordered rating scale. Scores normalise to 0..1 from the lowest to the highest level."""

    id: str
    title: str
    levels: tuple[Level, ...]
    allow_not_applicable: bool = True
    description: str = ""
    provenance: Provenance | None = None
    translations: FrozenMap[str, Text] = attrs.field(factory=FrozenMap, converter=_frozen_map)

    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("id", self.id)
        yield from _text_problem("title", self.title)
        yield from _optional_text_problem("description", self.description)
        yield from _translation_problems(self.translations)
        if len(self.levels) < 2:
            yield Problem.of("levels", "scale.levels.few", count=len(self.levels))
        for i in range(1, len(self.levels)):
            before, now = self.levels[i - 1].value, self.levels[i].value
            if now <= before:
                yield Problem.of(f"levels[{i}].value", "scale.levels.order", now=now, before=before)
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.scale")

    @property
    def minimum(self) -> int:
        """The lowest level's value."""
        return self.levels[0].value

    @property
    def maximum(self) -> int:
        """The highest level's value."""
        return self.levels[-1].value

    def values(self) -> frozenset[int]:
        """The values a rating on this scale may take."""
        return frozenset(level.value for level in self.levels)

    def gaps(self) -> tuple[int, ...]:
        """The whole numbers between the lowest and the highest level that are no level (``(3,)`` for 1, 2, 4).

        Scores normalise by value, not by rank: levels 1, 2, 4 score 0, 0.33 and 1.0, so a gap
        weighs the step over it double. Usually a typo; ``validate`` warns (``--strict`` refuses).
        """
        values = self.values()
        return tuple(v for v in range(self.minimum, self.maximum + 1) if v not in values)

    def level(self, value: int) -> Level:
        """The level with this value (:class:`~qframework.errors.NotFound` if the scale has none)."""
        for level in self.levels:
            if level.value == value:
                return level
        known = tuple(str(level.value) for level in self.levels)
        note = Note("notfound.level", {"scale": self.id, "level": repr(value), "known": known})
        raise NotFound(note.english, kind="level", key=value, known=known, note=note)

    def normalise(self, value: float) -> float:
        """Map a level value (or a mean of level values) to 0..1."""
        low, high = self.minimum, self.maximum
        return (value - low) / (high - low)


@attrs.frozen(field_transformer=tuple_fields)
class FacetValue(Checked):
    """One allowed value of a facet, e.g. ``netzwerk`` of the facet ``objekt``."""

    id: str
    title: str
    description: str = ""
    translations: FrozenMap[str, Text] = attrs.field(factory=FrozenMap, converter=_frozen_map)

    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("id", self.id)
        yield from _text_problem("title", self.title)
        yield from _optional_text_problem("description", self.description)
        yield from _translation_problems(self.translations)


@attrs.frozen(field_transformer=tuple_fields)
class Facet(Checked):
    """A typed tag a framework declares for scoping indicators.

    Examples: the Qualitätsrahmen's *Ebene* (strategische Steuerung / operative Umsetzung) and its
    *Gegenstand* (Angebot / Netzwerk / strukturelle Anbindung), or the § 79a SGB VIII scope 1–4.
    """

    id: str
    title: str
    values: tuple[FacetValue, ...]
    multiple: bool = True
    description: str = ""
    provenance: Provenance | None = None
    translations: FrozenMap[str, Text] = attrs.field(factory=FrozenMap, converter=_frozen_map)

    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("id", self.id)
        yield from _text_problem("title", self.title)
        yield from _optional_text_problem("description", self.description)
        if not self.values:
            yield Problem.of("values", "facet.values.none")
        for i, value_id in repeats([v.id for v in self.values]):
            yield Problem.of(f"values[{i}].id", "facet.value.duplicate", value=value_id)
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.facet")
        yield from _translation_problems(self.translations)

    def value_ids(self) -> frozenset[str]:
        """The ids of the facet's values."""
        return frozenset(v.id for v in self.values)


@attrs.frozen(field_transformer=tuple_fields)
class Tier(Checked):
    """One step of a two-step standard, e.g. Lower Saxony's *Mindestvoraussetzungen* and *das Mehr*.

    Tiers are listed from the basic to the aspirational; an assessment says which tier a Kommune
    reaches.
    """

    id: str
    title: str
    description: str = ""
    provenance: Provenance | None = None
    translations: FrozenMap[str, Text] = attrs.field(factory=FrozenMap, converter=_frozen_map)

    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("id", self.id)
        yield from _text_problem("title", self.title)
        yield from _optional_text_problem("description", self.description)
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.tier")
        yield from _translation_problems(self.translations)


def _facet_problems(facets: Mapping[str, tuple[str, ...]]) -> Iterator[Problem]:
    if not isinstance(facets, Mapping):
        yield type_problem("facets", facets, "type.table")
        return
    for facet_id, values in facets.items():
        if not values:
            yield Problem.of(f"facets.{facet_id}", "facet.values.empty")
        for i, value_id in repeats(list(values)):
            yield Problem.of(f"facets.{facet_id}[{i}]", "facet.value.duplicate", value=str(value_id))


@attrs.frozen(field_transformer=tuple_fields)
class Indicator(Checked):
    """The assessable unit: a criterion, Anforderung or standard.

    ``scale`` names one of the framework's scales; ``None`` means the framework's default scale.
    ``weight`` scales the indicator's share in its dimension's score. ``facets`` maps a facet id to
    the facet values that apply. ``tiers`` makes it a two-step standard.
    """

    id: str
    title: str
    description: str = ""
    scale: str | None = None
    weight: float = 1.0
    facets: FrozenMap[str, tuple[str, ...]] = attrs.field(factory=FrozenMap, converter=_facet_map)
    tiers: tuple[Tier, ...] = ()
    provenance: Provenance | None = None
    translations: FrozenMap[str, Text] = attrs.field(factory=FrozenMap, converter=_frozen_map)

    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("id", self.id)
        yield from _text_problem("title", self.title)
        yield from _optional_text_problem("description", self.description)
        if isinstance(self.weight, bool) or not isinstance(self.weight, (int, float)) or not self.weight > 0:
            yield Problem.of("weight", "number.positive", value=shown_number(self.weight))
        elif self.weight < MIN_WEIGHT:  # a subnormal weight underflows when scores are weighted
            yield Problem.of(
                "weight", "number.weight.min", min=shown_number(MIN_WEIGHT), value=shown_number(self.weight)
            )
        if self.scale is not None and not is_slug(self.scale):
            yield from slug_problems("scale", self.scale)
        yield from _facet_problems(self.facets)
        for i, tier_id in repeats([t.id for t in self.tiers]):
            yield Problem.of(f"tiers[{i}].id", "tier.duplicate", tier=tier_id)
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.indicator")
        yield from _translation_problems(self.translations)


@attrs.frozen(field_transformer=tuple_fields)
class Dimension(Checked):
    """A Qualitätsdimension, Qualitätsbereich or Themenfeld; frameworks order them by ``number``."""

    id: str
    number: int
    title: str
    indicators: tuple[Indicator, ...]
    description: str = ""
    facets: FrozenMap[str, tuple[str, ...]] = attrs.field(factory=FrozenMap, converter=_facet_map)
    provenance: Provenance | None = None
    translations: FrozenMap[str, Text] = attrs.field(factory=FrozenMap, converter=_frozen_map)

    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("id", self.id)
        if isinstance(self.number, bool) or not isinstance(self.number, int) or self.number < 1:
            yield Problem.of("number", "number.whole-positive", value=repr(self.number))
        yield from _text_problem("title", self.title)
        yield from _optional_text_problem("description", self.description)
        if not self.indicators:
            yield Problem.of("indicators", "dimension.indicators.none")
        yield from _facet_problems(self.facets)
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.dimension")
        yield from _translation_problems(self.translations)


@attrs.frozen(field_transformer=tuple_fields, cache_hash=True)
class Framework(Checked):
    """A published (or locally agreed) quality framework.

    ``default_scale`` is the id of the default scale among ``scales`` (the key ``scale`` in files).
    Dimension and indicator ids are unique within the framework, so ratings and crosswalks can name
    an indicator by its id alone. Every lookup by id (:meth:`dimension`, :meth:`indicator`,
    :meth:`dimension_of`, :meth:`scale`, :meth:`facet`, :meth:`source`) raises
    :class:`~qframework.errors.NotFound` naming the known ids.
    """

    id: str
    version: str
    title: str
    default_scale: str = attrs.field(metadata={"key": "scale"})
    scales: tuple[Scale, ...]
    dimensions: tuple[Dimension, ...]
    publisher: str = ""
    description: str = ""
    sources: tuple[Source, ...] = ()
    provenance: Provenance | None = None
    facets: tuple[Facet, ...] = ()
    translations: FrozenMap[str, Text] = attrs.field(factory=FrozenMap, converter=_frozen_map)
    _index: dict[str, tuple[Dimension, Indicator]] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, tuple[Dimension, Indicator]] = {}
        for dimension in self.dimensions or ():
            for indicator in getattr(dimension, "indicators", None) or ():
                index.setdefault(getattr(indicator, "id", ""), (dimension, indicator))
        object.__setattr__(self, "_index", index)
        super().__attrs_post_init__()

    # -- validation ------------------------------------------------------------------------
    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("id", self.id)
        yield from _text_problem("version", self.version)
        yield from _text_problem("title", self.title)
        yield from _optional_text_problem("description", self.description)
        if self.provenance is None:
            yield Problem.of("provenance", "provenance.missing.framework")
        yield from _translation_problems(self.translations)
        if not self.dimensions:
            yield Problem.of("dimensions", "framework.dimensions.none")

        source_ids = {s.id for s in self.sources}
        for i, source_id in repeats([s.id for s in self.sources]):
            yield Problem.of(f"sources[{i}].id", "source.duplicate", id=source_id)

        scale_ids = {s.id for s in self.scales}
        for i, scale_id in repeats([s.id for s in self.scales]):
            yield Problem.of(f"scales[{i}].id", "scale.duplicate", id=scale_id)
        if self.default_scale not in scale_ids:
            yield _unknown("scale", Note("word.scale"), self.default_scale, scale_ids)

        facets = {f.id: f for f in self.facets}
        for i, facet_id in repeats([f.id for f in self.facets]):
            yield Problem.of(f"facets[{i}].id", "facet.duplicate", id=facet_id)

        def refs(path: str, facet_map: Mapping[str, tuple[str, ...]]) -> Iterator[Problem]:
            for facet_id, values in facet_map.items():
                facet = facets.get(facet_id)
                if facet is None:
                    yield _unknown(f"{path}.facets.{facet_id}", Note("word.facet"), facet_id, facets)
                    continue
                if not facet.multiple and len(values) > 1:
                    yield Problem.of(f"{path}.facets.{facet_id}", "facet.one-value", facet=facet_id)
                allowed = facet.value_ids()
                for i, value in enumerate(values):
                    if value not in allowed:
                        yield _unknown(
                            f"{path}.facets.{facet_id}[{i}]",
                            Note("word.facet-value", {"facet": facet_id}),
                            value,
                            allowed,
                        )

        def provenance_ref(path: str, provenance: Provenance | None) -> Iterator[Problem]:
            if provenance is not None and provenance.source is not None and provenance.source not in source_ids:
                yield _unknown(f"{path}.provenance.source", Note("word.source"), provenance.source, source_ids)

        yield from provenance_ref("", self.provenance)
        for i, scale in enumerate(self.scales):
            yield from provenance_ref(f"scales[{i}]", scale.provenance)
        for i, facet in enumerate(self.facets):
            yield from provenance_ref(f"facets[{i}]", facet.provenance)

        first_seen: dict[str, str] = {}

        def unique(path: str, element_id: str) -> Iterator[Problem]:
            if element_id in first_seen:
                yield Problem.of(f"{path}.id", "id.duplicate", id=element_id, first=first_seen[element_id])
            else:
                first_seen[element_id] = path

        numbers: dict[int, int] = {}
        previous = 0
        for d, dim in enumerate(self.dimensions):
            dpath = f"dimensions[{d}]"
            yield from unique(dpath, dim.id)
            if isinstance(dim.number, int):  # otherwise the dimension reports it
                if dim.number in numbers:
                    yield Problem.of(
                        f"{dpath}.number", "dimension.number.duplicate", number=dim.number, index=numbers[dim.number]
                    )
                elif dim.number < previous:
                    yield Problem.of(f"{dpath}.number", "dimension.number.order", number=dim.number, previous=previous)
                numbers.setdefault(dim.number, d)
                previous = max(previous, dim.number)
            yield from refs(dpath, dim.facets)
            yield from provenance_ref(dpath, dim.provenance)
            for i, ind in enumerate(dim.indicators):
                ipath = f"{dpath}.indicators[{i}]"
                yield from unique(ipath, ind.id)
                if ind.scale is not None and ind.scale not in scale_ids:
                    yield _unknown(f"{ipath}.scale", Note("word.scale"), ind.scale, scale_ids)
                yield from refs(ipath, ind.facets)
                yield from provenance_ref(ipath, ind.provenance)
                for t, tier in enumerate(ind.tiers):
                    yield from provenance_ref(f"{ipath}.tiers[{t}]", tier.provenance)

    # -- lookups ---------------------------------------------------------------------------
    @property
    def key(self) -> tuple[str, str]:
        """``(id, version)``: what identifies the framework an assessment was made against."""
        return (self.id, self.version)

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with ``dimension_id``."""
        for dim in self.dimensions:
            if dim.id == dimension_id:
                return dim
        raise NotFound.unknown("dimension", dimension_id, [d.id for d in self.dimensions])

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with ``indicator_id``, in whichever dimension it is."""
        try:
            return self._index[indicator_id][1]
        except KeyError:
            raise NotFound.unknown("indicator", indicator_id, self._index) from None

    def dimension_of(self, indicator_id: str) -> Dimension:
        """The dimension that holds the indicator ``indicator_id``."""
        try:
            return self._index[indicator_id][0]
        except KeyError:
            raise NotFound.unknown("indicator", indicator_id, self._index) from None

    def warnings(self) -> list[Problem]:
        """What is valid but probably not meant, with paths: level values with a gap (see :meth:`Scale.gaps`)
        and level translations under the deprecated key ``title`` (see :class:`LevelText`).

        ``qframework validate`` prints each as a warning and fails under ``--strict``.
        """
        out = []
        for i, scale in enumerate(self.scales):
            for j, level in enumerate(scale.levels):
                for lang, text in level.translations.items():
                    if isinstance(text, LevelText) and text.legacy_title and not text.label:
                        path = f"scales[{i}].levels[{j}].translations.{lang}.title"
                        out.append(Problem(path, LEVEL_TITLE_DEPRECATED))
            gaps = scale.gaps()
            if gaps:
                values = ", ".join(str(level.value) for level in scale.levels)
                missing = ", ".join(str(v) for v in gaps)
                out.append(
                    Problem(
                        f"scales[{i}].levels",
                        f"the level values {values} skip {missing}: scores normalise by value, so the step over "
                        f"the gap counts {'double' if len(gaps) == 1 else 'more'}; number the levels without gaps "
                        f"unless that is meant",
                    )
                )
        return out

    def indicators(self) -> Iterator[Indicator]:
        """Every indicator, in dimension order."""
        for dim in self.dimensions:
            yield from dim.indicators

    def scale(self, scale_id: str | None = None) -> Scale:
        """The scale with ``scale_id``, or the default scale when ``scale_id`` is None."""
        wanted = self.default_scale if scale_id is None else scale_id
        return _find("scale", wanted, self.scales)

    def scale_of(self, indicator: Indicator | str) -> Scale:
        """The scale an indicator is rated on."""
        ind = self.indicator(indicator) if isinstance(indicator, str) else indicator
        return self.scale(ind.scale)

    def facet(self, facet_id: str) -> Facet:
        """The facet with ``facet_id``."""
        return _find("facet", facet_id, self.facets)

    def source(self, source_id: str) -> Source:
        """The source with ``source_id``."""
        return _find("source", source_id, self.sources)

    def get_scale(self, scale_id: str | None = None) -> Scale:
        """Deprecated: use :meth:`scale`."""
        warnings.warn("Framework.get_scale() is deprecated; use Framework.scale()", DeprecationWarning, stacklevel=2)
        return self.scale(scale_id)

    def get_facet(self, facet_id: str) -> Facet:
        """Deprecated: use :meth:`facet`."""
        warnings.warn("Framework.get_facet() is deprecated; use Framework.facet()", DeprecationWarning, stacklevel=2)
        return self.facet(facet_id)


_E = TypeVar("_E", Scale, Facet, Source)


def _find(kind: str, wanted: str, elements: Iterable[_E]) -> _E:
    for element in elements:
        if element.id == wanted:
            return element
    raise NotFound.unknown(kind, wanted, [e.id for e in elements])


def _unknown(path: str, what: Note, value: object, known: object) -> Problem:
    names = sorted(str(k) for k in known)  # type: ignore[attr-defined]
    shown = tuple(names[:12]) + (("…",) if len(names) > 12 else ())
    if not names:
        return Problem.of(path, "ref.unknown.none", what=what, value=str(value))
    return Problem.of(path, "ref.unknown", what=what, value=str(value), known=shown)


@attrs.frozen(field_transformer=tuple_fields)
class FrameworkSummary:
    """One installed framework in a listing (``qframework frameworks``): what a picker or index page needs.

    ``title`` is the German source title; ``titles`` holds the title in every language the
    framework translates it into.
    """

    id: str
    version: str
    title: str
    dimensions: int
    indicators: int
    plugin: str
    titles: FrozenMap[str, str] = attrs.field(factory=FrozenMap, converter=_frozen_map)

    @classmethod
    def of(cls, framework: Framework, plugin: str) -> FrameworkSummary:
        """The summary of ``framework`` as supplied by ``plugin``."""
        return cls(
            id=framework.id,
            version=framework.version,
            title=framework.title,
            dimensions=len(framework.dimensions),
            indicators=sum(len(d.indicators) for d in framework.dimensions),
            plugin=plugin,
            titles=FrozenMap({lang: text.title for lang, text in framework.translations.items()}),
        )
