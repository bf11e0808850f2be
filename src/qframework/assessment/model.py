"""The values of a self-assessment: who is assessed, who rates, the ratings, the assessment.

One :class:`Assessment` rates one subject (a Kommune) in one period against one framework version;
several raters per indicator are allowed and not-applicable is explicit (``not_applicable = true``
and no ``value``), never zero. A rating entry with neither is *not yet rated*: a template is filled
in over weeks and scored at every stage (blanks count against coverage); :func:`unrated_problems`
turns the blanks into problems where an assessment must be complete. Every value checks itself on
construction; the checks that need the framework live in :mod:`qframework.assessment.fit`.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter

import attrs

from .._deprecated import renamed_arguments, warn_renamed
from .._fields import tuple_fields
from .._safe_text import is_plain_id
from ..errors import Problem, type_problem
from ..model import slug_problems
from ..validation import Checked

__all__ = ["DEFAULT_DISAGREEMENT", "NOT_APPLICABLE", "Assessment", "Rater", "Rating", "Subject", "unrated_problems"]

#: How a not-applicable rating is written in the ``value`` column of a bulk JSON file.
NOT_APPLICABLE = "n/a"

#: Default threshold for :func:`disagreements`: a spread of 0.4 is two steps on a 6-level scale.
DEFAULT_DISAGREEMENT = 0.4


@attrs.frozen(field_transformer=tuple_fields)
class Subject(Checked):
    """What is assessed: a Kommune (Landkreis, kreisfreie Stadt) or an organisation, with a stable id."""

    id: str
    name: str = ""
    region: str = ""

    def _problems(self) -> Iterator[Problem]:
        yield from _id_problems("id", self.id)
        yield from _text_problems(self, "name", "region")


@attrs.frozen(field_transformer=tuple_fields)
class Rater(Checked):
    """One actor who rates, e.g. the Netzwerkkoordination, a Familienhebamme, a parent representative."""

    id: str
    role: str = ""
    name: str = attrs.field(default="", repr=False, metadata={"personal": True})  # personal data: never echoed

    def _problems(self) -> Iterator[Problem]:
        yield from _id_problems("id", self.id)
        yield from _text_problems(self, "role", "name")


@attrs.frozen(field_transformer=tuple_fields)
class Rating(Checked):
    """One rater's judgement of one indicator.

    At most one of ``value`` (a level of the indicator's scale) and ``not_applicable = true`` is
    given; with neither (``value = None``, ``not_applicable = False``) the entry is *not yet rated*
    (:attr:`rated` is false): a blank line of a template that is still being filled in. TOML has no
    null, so an absent ``value`` is how a blank is written. ``rater`` names
    one of the assessment's :class:`Rater` entries (``None``: the assessment's joint rating).
    ``tier`` records which tier of a two-step standard (e.g. *Mindestvoraussetzungen*, *das Mehr*)
    the rater finds reached; it is reported, not scored.
    """

    indicator: str
    value: int | None = None
    not_applicable: bool = False
    rater: str | None = None
    tier: str | None = None
    evidence: str = ""
    comment: str = ""

    def _problems(self) -> Iterator[Problem]:
        if not isinstance(self.indicator, str):
            yield type_problem("indicator", self.indicator, "type.text.indicator-id")
        elif not self.indicator:
            yield Problem.of("indicator", "rating.indicator.empty")
        if self.value is not None and (isinstance(self.value, bool) or not isinstance(self.value, int)):
            yield Problem.of("value", "rating.value.type", value=repr(self.value))
        if self.value is not None and self.not_applicable is True:
            yield Problem.of("not_applicable", "rating.value.both")
        if self.not_applicable is True and self.tier is not None:
            yield Problem.of("tier", "rating.tier.not-applicable")
        if self.rater is not None:
            yield from _id_problems("rater", self.rater, "word.rater")
        if self.tier is not None and not isinstance(self.tier, str):
            yield type_problem("tier", self.tier, "type.text")
        if type(self.evidence) is not str or type(self.comment) is not str:
            yield from _text_problems(self, "evidence", "comment")

    @property
    def rated(self) -> bool:
        """Whether the entry says something: a value, or not applicable. ``False``: not yet rated."""
        return self.value is not None or self.not_applicable is True


@renamed_arguments(framework_id="framework")
@attrs.frozen(field_transformer=tuple_fields)
class Assessment(Checked):
    """One self-assessment of one subject (Kommune) in one period against one framework version.

    ``framework`` is the framework's id (in files the key is ``framework_id``, as files have always
    said); ``framework_version`` the version rated against. ``success_definition`` holds the
    organisation's own "Definition gelungener …" text that KQS-style frameworks ask for before
    rating. One rater may rate an indicator only once.
    """

    framework: str = attrs.field(metadata={"key": "framework_id"})
    framework_version: str
    subject: Subject
    period: str
    ratings: tuple[Rating, ...] = ()
    raters: tuple[Rater, ...] = ()
    notes: str = ""
    success_definition: str = ""

    @property
    def framework_id(self) -> str:
        """Deprecated since 0.3.0 (removed in 0.4.0): the framework's id is :attr:`framework`."""
        warn_renamed("Assessment.framework_id", "Assessment.framework")
        return self.framework

    def _problems(self) -> Iterator[Problem]:
        # Paths name the file key (``framework_id``): problems are mostly shown for files.
        if type(self.framework) is str:
            yield from slug_problems("framework_id", self.framework, "word.framework-id")
        else:
            yield type_problem("framework_id", self.framework, "type.text")
        if not isinstance(self.framework_version, str):
            yield type_problem("framework_version", self.framework_version, "type.text")
        elif not self.framework_version.strip():
            yield Problem.of("framework_version", "text.empty")
        if not isinstance(self.period, str):
            yield type_problem("period", self.period, "type.text.period")
        elif not self.period.strip():
            yield Problem.of("period", "assessment.period.empty")
        if type(self.subject) is not Subject and not isinstance(self.subject, Subject):
            yield type_problem("subject", self.subject, "type.subject")
        if type(self.notes) is not str or type(self.success_definition) is not str:
            yield from _text_problems(self, "notes", "success_definition")
        rater_ids = [r.id for r in self.raters]
        declared = set(rater_ids)
        if len(declared) != len(rater_ids):
            seen: set[str] = set()
            for i, rid in enumerate(rater_ids):
                if rid in seen:
                    yield Problem.of(f"raters[{i}].id", "rater.duplicate", rater=rid)
                seen.add(rid)
        ratings = self.ratings
        pairs: list[tuple[str, str | None] | None]
        try:
            pairs = list(map(_PAIR, ratings))
            used = set(map(_RATER, ratings))
            used.discard(None)
            if len(set(pairs)) == len(pairs) and used <= declared:
                return  # the common case, checked at C speed
        except (AttributeError, TypeError):  # a broken rating from a lenient load (reported there)
            pairs = [(r.indicator, r.rater) if isinstance(r, Rating) else None for r in ratings]
        first: dict[tuple[str, str | None], int] = {}
        for i, pair in enumerate(pairs):
            if pair is None:
                continue
            indicator, rater = pair
            if rater is not None and rater not in declared:
                shown = tuple(sorted(r for r in declared if is_plain_id(r)))  # not a name typed into an id
                yield (
                    Problem.of(f"ratings[{i}].rater", "rater.unknown", rater=rater, known=shown)
                    if declared
                    else Problem.of(f"ratings[{i}].rater", "rater.unknown.none", rater=rater)
                )
            where = first.setdefault((indicator, rater), i)
            if where != i:
                yield (
                    Problem.of(f"ratings[{i}]", "rating.twice", indicator=indicator, rater=rater, first=where)
                    if rater is not None
                    else Problem.of(f"ratings[{i}]", "rating.twice.joint", indicator=indicator, first=where)
                )

    @property
    def unrated(self) -> tuple[int, ...]:
        """Positions in ``ratings`` of the entries not yet rated (no value, not not-applicable)."""
        return tuple(
            i
            for i, r in enumerate(self.ratings)
            if isinstance(r, Rating) and r.value is None and r.not_applicable is not True
        )

    @property
    def key(self) -> tuple[str, str]:
        """``(subject id, period)``: what identifies an assessment within a bulk file."""
        return (self.subject.id, self.period)


#: Why a blank entry is a problem where the assessment must be complete (``complete=True``, ``--complete``).
UNRATED_MESSAGE = "not yet rated: give a level of the scale (value = …) or set not_applicable = true"


def unrated_problems(assessment: Assessment) -> list[Problem]:
    """One problem per rating entry not yet rated, at ``ratings[i].value``.

    A blank is fine while a template is being filled in (``score`` counts it against coverage);
    ``complete=True`` in the loaders and :func:`~qframework.assessment.score`, and ``--complete``
    on the command line, make these problems errors.
    """
    return [Problem.of(f"ratings[{i}].value", "rating.unrated") for i in assessment.unrated]


_RATER = attrgetter("rater")
_PAIR = attrgetter("indicator", "rater")


def _id_problems(path: str, value: object, what: str = "") -> Iterator[Problem]:
    """A wrong type says so ("expected text, got a whole number"); a wrong text says what an id looks like."""
    if not isinstance(value, str):
        yield type_problem(path, value, "type.text")
    else:
        yield from slug_problems(path, value, what)


def _text_problems(obj: object, *names: str) -> Iterator[Problem]:
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, str):
            yield type_problem(name, value, "type.text")
