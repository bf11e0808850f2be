"""Does an assessment fit its framework? Checks that need the framework, and version changes.

:func:`check_assessment` lists every problem with its path (unknown indicators, values outside the
scale, not-applicable where the scale forbids it, unknown tiers); :func:`version_changes` and
:func:`framework_changes` say what changed between the version an assessment names and a newer one.
The per-framework plan (:class:`_Plan`) is what keeps scoring and bulk checking fast: every rating
that repeats a known ``(indicator, value, not_applicable)`` (and value type) is checked by one dict lookup.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, overload

import attrs

from .._args import expect
from .._deprecated import positional_registry, renamed_arguments, warn_renamed
from .._fields import tuple_fields
from .._memo import IdentityMemo
from ..errors import NotFound, Problem
from ..model import Framework, Scale
from .model import Assessment, Rating

if TYPE_CHECKING:
    from ..aggregation import Aggregation
    from ..plugins import Registry
    from .scoring import IndicatorScore

__all__ = ["VersionChanges", "check_assessment", "framework_changes", "version_changes"]


@attrs.frozen(field_transformer=tuple_fields)
class _IndicatorPlan:
    position: int
    levels: dict[int, float]
    allow_na: bool
    tiers: frozenset[str]
    scale: Scale


class _Plan:
    """Everything scoring needs about a framework, computed once per framework object.

    ``known`` memoises the ``(indicator, value, not_applicable, type of value)`` keys already found valid against
    this framework, mapping each to its token ``(indicator position, value or None for
    not-applicable)``; an entry not yet rated has the token ``(blank, None)``, the position one past
    the last indicator, so scoring drops it into a bucket no dimension reads. Keys are taken with
    :func:`operator.attrgetter`, so checking a rating that repeats a known one costs one dict
    lookup at C speed. The key leaves out the tier: a known key says nothing about a rating's
    tier, which is checked separately (:meth:`token`, :func:`_tiers_fit`).
    """

    MAX_KNOWN = 200_000

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.info: dict[str, _IndicatorPlan] = {}
        self.entries: list[tuple[str, str, float]] = []  # (indicator id, dimension id, weight)
        self.dim_ranges: list[tuple[int, int]] = []
        self.levels: list[dict[int, float]] = []  # normalised value of each level, by position
        self._memos: dict[int, tuple[Aggregation, dict[tuple[int, ...], IndicatorScore]]] = {}
        self.known: dict[tuple[str, int | None, bool, type], tuple[int, int | None]] = {}
        for dim in framework.dimensions:
            start = len(self.entries)
            for ind in dim.indicators:
                scale = framework.scale_of(ind)
                levels = {lv.value: scale.normalise(lv.value) for lv in scale.levels}
                tiers = frozenset(t.id for t in ind.tiers)
                self.info[ind.id] = _IndicatorPlan(len(self.entries), levels, scale.allow_not_applicable, tiers, scale)
                self.entries.append((ind.id, dim.id, float(ind.weight)))
                self.levels.append(levels)
            self.dim_ranges.append((start, len(self.entries)))
        #: The token position of entries not yet rated: past every indicator.
        self.blank = len(self.entries)

    def token(self, r: Rating) -> tuple[int, int | None] | None:
        """The rating's token if it fits the framework (and remember it), else ``None``."""
        key = _KEY(r)
        hit = self.known.get(key)
        if hit is not None:
            if r.tier is not None and r.tier not in self.info[r.indicator].tiers:
                return None  # the memo key has no tier: a known (indicator, value) may name a wrong one
            return hit
        ip = self.info.get(r.indicator)
        if ip is None:
            return None
        if r.not_applicable is True:
            if not ip.allow_na or r.value is not None:
                return None
            token: tuple[int, int | None] = (ip.position, None)
        elif r.value is None:  # not yet rated: fits any indicator, scores nothing
            token = (self.blank, None)
        else:
            if type(r.value) is not int or r.value not in ip.levels:
                return None
            token = (ip.position, r.value)
        if r.tier is not None and r.tier not in ip.tiers:
            return None
        if len(self.known) >= self.MAX_KNOWN:
            self.known.clear()
        self.known[key] = token
        return token

    def memo(self, agg: Aggregation) -> dict[tuple[int, ...], IndicatorScore]:
        """Indicator results by ``(position, n/a count, *sorted values)`` for one aggregation.

        Aggregations are pure functions of the values, and a handful of raters on a few levels
        give few distinct combinations, so a bulk file computes each combination once.
        """
        hit = self._memos.get(id(agg))
        if hit is None or hit[0] is not agg or len(hit[1]) > self.MAX_KNOWN:
            hit = self._memos[id(agg)] = (agg, {})
        return hit[1]

    def fits(self, ratings: Sequence[Rating]) -> bool:
        """True if every rating fits the framework (fast when they are known already)."""
        if all(map(self.known.__contains__, map(_KEY, ratings))) and _tiers_fit(self, ratings):
            return True
        return all(self.token(r) is not None for r in ratings)


# The value's type is part of the key: True and 1.0 equal 1 and hash alike, and a rating built with
# deferred validation may carry them; it must not pass as a known level-1 rating.
_KEY = attrgetter("indicator", "value", "not_applicable", "value.__class__")
_TIER = attrgetter("tier")


def _tiers_fit(plan: _Plan, ratings: Sequence[Rating]) -> bool:
    """Tiers are rare: checked only when a rating names one."""
    if set(map(_TIER, ratings)) == {None} or not ratings:
        return True
    info = plan.info
    return all(r.tier is None or (r.indicator in info and r.tier in info[r.indicator].tiers) for r in ratings)


_PLANS: IdentityMemo[Framework, _Plan] = IdentityMemo()


def _plan(framework: Framework) -> _Plan:
    return _PLANS.get(framework, _Plan)


def _scale_text(scale: Scale) -> str:
    return f"{scale.minimum}–{scale.maximum}"


def _resolve_framework(assessment: Assessment, source: Framework | Registry) -> tuple[Framework | None, list[Problem]]:
    if isinstance(source, Framework):
        problems = []
        if assessment.framework != source.id:
            problems.append(
                Problem.of(
                    "framework_id", "framework.mismatch", framework=str(assessment.framework), expected=source.id
                )
            )
        elif assessment.framework_version != source.version:
            problems.append(
                Problem.of(
                    "framework_version",
                    "framework.version-mismatch",
                    version=str(assessment.framework_version),
                    expected=source.version,
                )
            )
        return (None, problems) if problems else (source, [])
    if assessment.framework not in source.frameworks:
        known = tuple(sorted(source.frameworks))
        # a failed plugin that may provide it is named in the problems that follow
        failed = [
            Problem.of("framework_id", n.code, **n.params)
            for n in source.missing_notes(assessment.framework, "framework")
        ]
        return None, [
            Problem.of("framework_id", "framework.not-installed", framework=assessment.framework, known=known)
            if known
            else Problem.of("framework_id", "framework.not-installed.none", framework=assessment.framework),
            *failed,
        ]
    try:
        return source.framework(assessment.framework, assessment.framework_version), []
    except NotFound as exc:
        return None, [
            Problem.of(
                "framework_version",
                "framework.version.not-installed",
                framework=assessment.framework,
                version=str(assessment.framework_version),
                known=tuple(map(str, exc.known)),
            )
        ]


def _expect_assessment_and_source(assessment: object, source: object, function: str, name: str) -> None:
    from ..plugins import Registry

    expect(assessment, Assessment, function, "assessment")
    kinds = (Registry,) if name == "registry" else (Framework, Registry)
    expect(source, kinds, function, name)


def framework_source(
    function: str, framework: object, registry: object, *, stacklevel: int = 4
) -> tuple[Framework | Registry, Registry | None]:
    """Where ``function`` takes the framework from, and the registry it was given.

    The one rule of the public functions: the framework is the positional argument (a
    :class:`Framework`, or omitted), a registry is always ``registry=…``. A registry in the
    framework's place still works for one release (deprecated since 0.3.0): it is the registry then.
    """
    from ..plugins import Registry

    expect(registry, (Registry, type(None)), function, "registry", "a Registry or None")
    if isinstance(framework, Registry):
        warn_renamed(
            f"{function}(…, registry) with the registry in the framework's place",
            f"{function}(…, registry=registry)",
            stacklevel=stacklevel,
        )
        return framework, registry if isinstance(registry, Registry) else framework
    if framework is None and isinstance(registry, Registry):
        return registry, registry
    expect(framework, Framework, function, "framework", "a Framework (or None with registry=… to look it up in)")
    return framework, registry  # type: ignore[return-value]  # both checked above


@overload
def check_assessment(
    assessment: Assessment, framework: Framework | None = None, *, registry: Registry | None = None
) -> list[Problem]: ...
@overload
def check_assessment(assessment: Assessment, framework: Registry, /) -> list[Problem]: ...  # deprecated
def check_assessment(
    assessment: Assessment, framework: Framework | Registry | None = None, *, registry: Registry | None = None
) -> list[Problem]:
    """Every problem of ``assessment`` that needs the framework to see, with paths.

    ``framework`` is the :class:`~qframework.model.Framework` (it must be the id and version the
    assessment names); without it, ``registry`` is where the version the assessment names is looked
    up (it must be installed; older versions are fine). Checks: the framework (version) exists, every
    rating names a known indicator, values are levels of the indicator's scale, not-applicable is
    allowed by the scale, tiers are tiers of the indicator. Entries not yet rated are no problem
    here (see :func:`~qframework.assessment.unrated_problems`). A registry passed in the framework's
    place is deprecated (use ``registry=``).
    """
    expect(assessment, Assessment, "check_assessment", "assessment")
    return check_against(assessment, framework_source("check_assessment", framework, registry)[0])


def check_against(assessment: Assessment, framework: Framework | Registry) -> list[Problem]:
    """:func:`check_assessment` against a framework or the registry to find it in (checked types)."""
    if not isinstance(assessment.framework, str) or not isinstance(assessment.framework_version, str):
        return []  # reported by the structural checks; nothing to look up
    fw, problems = _resolve_framework(assessment, framework)
    if fw is None:
        return problems
    plan = _plan(fw)
    ratings = assessment.ratings if isinstance(assessment.ratings, tuple) else ()
    try:
        if plan.fits(ratings):
            return problems
    except (AttributeError, TypeError):  # a broken rating (None) from a lenient load
        pass
    info = plan.info
    for i, r in enumerate(ratings):
        if not isinstance(r, Rating) or not isinstance(r.indicator, str):
            continue  # already reported as broken
        ip = info.get(r.indicator)
        if ip is None:
            close = difflib.get_close_matches(r.indicator, list(info), n=1)
            where = {"indicator": r.indicator, "framework": fw.id, "version": fw.version}
            problems.append(
                Problem.of(f"ratings[{i}].indicator", "rating.indicator.unknown.hint", hint=close[0], **where)
                if close
                else Problem.of(f"ratings[{i}].indicator", "rating.indicator.unknown", **where)
            )
            continue
        if r.not_applicable is True:
            if not ip.allow_na:
                problems.append(
                    Problem.of(
                        f"ratings[{i}].not_applicable",
                        "rating.na.not-allowed",
                        scale=ip.scale.id,
                        indicator=r.indicator,
                    )
                )
        elif type(r.value) is int and r.value not in ip.levels:
            levels = tuple(str(v) for v in ip.levels)
            problems.append(
                Problem.of(
                    f"ratings[{i}].value",
                    "rating.value.off-scale",
                    value=repr(r.value),
                    scale=ip.scale.id,
                    range=_scale_text(ip.scale),
                    levels=levels,
                )
            )
        if r.tier is not None and r.tier not in ip.tiers:
            if ip.tiers:
                problems.append(
                    Problem.of(
                        f"ratings[{i}].tier",
                        "rating.tier.unknown",
                        tier=str(r.tier),
                        indicator=r.indicator,
                        tiers=tuple(sorted(ip.tiers)),
                    )
                )
            else:
                problems.append(Problem.of(f"ratings[{i}].tier", "rating.tier.none", indicator=r.indicator))
    return problems


@renamed_arguments(framework_id="framework")
@attrs.frozen(field_transformer=tuple_fields)
class VersionChanges:
    """What changed between the framework version an assessment names and a newer one.

    ``framework`` is the framework's id (``framework_id`` in files).
    """

    framework: str = attrs.field(metadata={"key": "framework_id"})
    from_version: str
    to_version: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    moved: tuple[str, ...] = ()

    @property
    def framework_id(self) -> str:
        """Deprecated since 0.3.0 (removed in 0.4.0): the framework's id is :attr:`framework`."""
        warn_renamed("VersionChanges.framework_id", "VersionChanges.framework")
        return self.framework

    def __str__(self) -> str:
        parts = [f"made against {self.framework} {self.from_version}; installed newest is {self.to_version}"]
        if self.added:
            parts.append(f"{len(self.added)} indicator(s) added: {', '.join(self.added)}")
        if self.removed:
            parts.append(f"{len(self.removed)} removed: {', '.join(self.removed)}")
        if self.moved:
            parts.append(f"{len(self.moved)} moved to another dimension: {', '.join(self.moved)}")
        if not (self.added or self.removed or self.moved):
            parts.append("same indicators")
        return "; ".join(parts)


def version_changes(old: Framework, new: Framework) -> VersionChanges:
    """Indicators added, removed and moved between two versions of one framework."""
    before = {ind.id: old.dimension_of(ind.id).id for ind in old.indicators()}
    after = {ind.id: new.dimension_of(ind.id).id for ind in new.indicators()}
    return VersionChanges(
        new.id,
        old.version,
        new.version,
        tuple(i for i in after if i not in before),
        tuple(i for i in before if i not in after),
        tuple(i for i in after if i in before and before[i] != after[i]),
    )


@overload
def framework_changes(assessment: Assessment, *, registry: Registry) -> VersionChanges | None: ...
@overload
def framework_changes(assessment: Assessment, registry: Registry, /) -> VersionChanges | None: ...  # deprecated
def framework_changes(
    assessment: Assessment, *positional: Registry, registry: Registry | None = None
) -> VersionChanges | None:
    """What changed since the version ``assessment`` was made against; ``None`` if it is the newest.

    The registry is a keyword (``registry=…``), as everywhere; positional is deprecated since 0.3.0.
    """
    registry = positional_registry("framework_changes", "assessment", positional, registry)
    _expect_assessment_and_source(assessment, registry, "framework_changes", "registry")
    assert registry is not None  # checked above
    try:
        newest = registry.framework(assessment.framework)
        old = registry.framework(assessment.framework, assessment.framework_version)
    except NotFound:
        return None
    if old is newest or old.version == newest.version:
        return None
    return version_changes(old, newest)
