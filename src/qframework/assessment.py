"""Self-assessment: rating a Kommune against a framework, scoring, rater agreement and priorities.

Frühe-Hilfen practice rates a Kommune in three steps: *collect* ratings from several actors,
*discuss* where their ratings disagree, then *prioritise*. This module carries all three:

- :class:`Assessment` (one Kommune, one period, one framework version) holds :class:`Rating`
  objects, several raters per indicator allowed. Not-applicable is explicit
  (``not_applicable = true`` and no ``value``) and never counts as zero.
- :func:`score` turns an assessment into a :class:`Scorecard`. The rules (see ``docs/assessment.md``):

  * a rating's value is normalised to 0..1 on its indicator's scale:
    ``(value - lowest level) / (highest level - lowest level)``;
  * **indicator score** = the aggregation (``mean`` by default, ``median`` built in, more through
    the ``qframework_aggregations`` hook) of the normalised values of its applicable ratings;
    ``None`` when it has none;
  * **dimension score** = weighted mean of the scores of its *rated* indicators, weights from the
    framework: ``sum(w_i * s_i) / sum(w_i)``; ``None`` when no indicator is rated;
  * **overall score** = weighted mean of the dimension scores, each dimension weighted by the summed
    weights of its rated indicators ``W_d``: ``sum(W_d * S_d) / sum(W_d)`` (which equals the weighted
    mean over all rated indicators);
  * **coverage** = share of indicators with at least one applicable rating (per dimension, overall);
    not-applicable ratings are counted separately.

- :func:`disagreements` flags indicators whose raters disagree (spread of normalised values
  ``max - min`` at or above a threshold, or some raters finding it not applicable while others
  rate it); :func:`compare` measures progress between periods; :func:`priorities` returns the
  weakest dimensions, the input to needs-based assignment.

Files: one assessment as TOML or JSON (:func:`load_assessment`), many Kommunen and years in one
columnar JSON file (:func:`load_assessments`). Both report every problem at once with its path;
checks that need the framework run in :func:`check_assessment`.
"""

from __future__ import annotations

import difflib
import gc
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from .aggregation import Aggregation
from .errors import NotFound, PluginError, Problem, QFrameworkError, ValidationError, join_path
from .model import Framework, Scale, slug_problems
from .validation import Checked, deferred, problems_of

if TYPE_CHECKING:
    from .io import Format
    from .plugins import Registry

__all__ = [
    "DEFAULT_DISAGREEMENT",
    "NOT_APPLICABLE",
    "Aggregation",
    "Assessment",
    "AssessmentBatch",
    "AssessmentFile",
    "Comparison",
    "DimensionChange",
    "DimensionScore",
    "IndicatorScore",
    "Rater",
    "Rating",
    "Scorecard",
    "Subject",
    "VersionChanges",
    "check_assessment",
    "compare",
    "disagreements",
    "dumps_assessments",
    "format_scorecard",
    "framework_changes",
    "load_assessment",
    "load_assessments",
    "loads_assessment",
    "loads_assessments",
    "priorities",
    "save_assessments",
    "score",
    "score_all",
    "version_changes",
]

#: How a not-applicable rating is written in the ``value`` column of a bulk JSON file.
NOT_APPLICABLE = "n/a"

#: Default threshold for :func:`disagreements`: a spread of 0.4 is two steps on a 6-level scale.
DEFAULT_DISAGREEMENT = 0.4


# -- model -------------------------------------------------------------------------------------


@attrs.frozen
class Subject(Checked):
    """What is assessed: a Kommune (Landkreis, kreisfreie Stadt) or an organisation, with a stable id."""

    id: str
    name: str = ""
    region: str = ""

    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("id", self.id)


@attrs.frozen
class Rater(Checked):
    """One actor who rates, e.g. the Netzwerkkoordination, a Familienhebamme, a parent representative."""

    id: str
    role: str = ""
    name: str = ""

    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("id", self.id)


@attrs.frozen
class Rating(Checked):
    """One rater's judgement of one indicator.

    Exactly one of ``value`` (a level of the indicator's scale) and ``not_applicable = true`` is
    given; TOML has no null, so an absent ``value`` is how "no value" is written. ``rater`` names
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
        if not isinstance(self.indicator, str) or not self.indicator:
            yield Problem("indicator", f"must name an indicator id, got {self.indicator!r}")
        if self.value is not None and (isinstance(self.value, bool) or not isinstance(self.value, int)):
            yield Problem("value", f"must be a whole number (a level of the scale), got {self.value!r}")
        if self.value is None and not self.not_applicable:
            yield Problem("value", "no value: give a level of the scale (value = …) or set not_applicable = true")
        elif self.value is not None and self.not_applicable is True:
            yield Problem("not_applicable", "a rating is either a value or not_applicable = true, not both")
        if self.not_applicable is True and self.tier is not None:
            yield Problem("tier", "a not-applicable rating names no tier")
        if self.rater is not None:
            yield from slug_problems("rater", self.rater, "rater")


@attrs.frozen
class Assessment(Checked):
    """One self-assessment of one subject (Kommune) in one period against one framework version.

    ``success_definition`` holds the organisation's own "Definition gelungener …" text that
    KQS-style frameworks ask for before rating. One rater may rate an indicator only once.
    """

    framework_id: str
    framework_version: str
    subject: Subject
    period: str
    ratings: tuple[Rating, ...] = ()
    raters: tuple[Rater, ...] = ()
    notes: str = ""
    success_definition: str = ""

    def _problems(self) -> Iterator[Problem]:
        yield from slug_problems("framework_id", self.framework_id, "framework id")
        if not isinstance(self.framework_version, str) or not self.framework_version.strip():
            yield Problem("framework_version", "must not be empty")
        if not isinstance(self.period, str) or not self.period.strip():
            yield Problem("period", "must not be empty (e.g. '2024' or '2024-H1')")
        rater_ids = [r.id for r in self.raters]
        declared = set(rater_ids)
        if len(declared) != len(rater_ids):
            seen: set[str] = set()
            for i, rid in enumerate(rater_ids):
                if rid in seen:
                    yield Problem(f"raters[{i}].id", f"duplicate rater {rid!r}")
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
                known = ", ".join(sorted(declared)) if declared else "none declared; add [[raters]] entries"
                yield Problem(f"ratings[{i}].rater", f"unknown rater {rater!r} (known: {known})")
            where = first.setdefault((indicator, rater), i)
            if where != i:
                who = f"rater {rater!r}" if rater is not None else "the joint rating (no rater)"
                yield Problem(
                    f"ratings[{i}]",
                    f"indicator {indicator!r} is rated twice by {who} (first at ratings[{where}])",
                )

    @property
    def key(self) -> tuple[str, str]:
        """``(subject id, period)``: what identifies an assessment within a bulk file."""
        return (self.subject.id, self.period)


# -- framework checks --------------------------------------------------------------------------


@attrs.frozen
class _IndicatorPlan:
    position: int
    levels: dict[int, float]
    allow_na: bool
    tiers: frozenset[str]
    scale: Scale


class _Plan:
    """Everything scoring needs about a framework, computed once per framework object.

    ``known`` memoises the ``(indicator, value, not_applicable)`` keys already found valid against
    this framework, mapping each to its token ``(indicator position, value or None for
    not-applicable)``; keys are taken with :func:`operator.attrgetter`, so checking a rating that
    repeats a known one costs one dict lookup at C speed. The key leaves out the tier: a known key
    says nothing about a rating's tier, which is checked separately (:meth:`token`, :func:`_tiers_fit`).
    """

    MAX_KNOWN = 200_000

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.info: dict[str, _IndicatorPlan] = {}
        self.entries: list[tuple[str, str, float]] = []  # (indicator id, dimension id, weight)
        self.dim_ranges: list[tuple[int, int]] = []
        self.levels: list[dict[int, float]] = []  # normalised value of each level, by position
        self._memos: dict[int, tuple[Aggregation, dict[tuple[int, ...], IndicatorScore]]] = {}
        self.known: dict[tuple[str, int | None, bool], tuple[int, int | None]] = {}
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


_KEY = attrgetter("indicator", "value", "not_applicable")
_TIER = attrgetter("tier")


def _indicator_score(
    entry: tuple[str, str, float],
    levels: dict[int, float],
    values: list[int],
    na: int,
    agg: Aggregation,
    tiers: dict[str, int] | None,
) -> IndicatorScore:
    """Score one indicator from its sorted applicable values (see :func:`score` for the rules)."""
    normal = list(map(levels.__getitem__, values))
    s = agg.function(normal)
    if isinstance(s, bool) or not isinstance(s, (int, float)) or not 0.0 <= s <= 1.0:
        raise PluginError(f"aggregation {agg.id!r} returned {s!r} for values in 0..1; it must return a value in 0..1")
    spread = normal[-1] - normal[0] if len(normal) > 1 else None
    tier_counts = tuple(sorted(tiers.items())) if tiers else ()
    return IndicatorScore(entry[0], entry[1], entry[2], float(s), tuple(values), na, spread, tier_counts)


_RATER = attrgetter("rater")
_PAIR = attrgetter("indicator", "rater")


def _tiers_fit(plan: _Plan, ratings: Sequence[Rating]) -> bool:
    """Tiers are rare: checked only when a rating names one."""
    if set(map(_TIER, ratings)) == {None} or not ratings:
        return True
    info = plan.info
    return all(r.tier is None or (r.indicator in info and r.tier in info[r.indicator].tiers) for r in ratings)


_PLANS: dict[int, tuple[Framework, _Plan]] = {}


def _plan(framework: Framework) -> _Plan:
    hit = _PLANS.get(id(framework))
    if hit is not None and hit[0] is framework:
        return hit[1]
    plan = _Plan(framework)
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[id(framework)] = (framework, plan)
    return plan


def _scale_text(scale: Scale) -> str:
    return f"{scale.minimum}–{scale.maximum}"


def _resolve_framework(assessment: Assessment, source: Framework | Registry) -> tuple[Framework | None, list[Problem]]:
    if isinstance(source, Framework):
        problems = []
        if assessment.framework_id != source.id:
            problems.append(
                Problem(
                    "framework_id", f"the assessment is for framework {assessment.framework_id!r}, not {source.id!r}"
                )
            )
        elif assessment.framework_version != source.version:
            problems.append(
                Problem(
                    "framework_version",
                    f"the assessment was made against version {assessment.framework_version!r}, "
                    f"this is version {source.version!r}; score it against the version it names",
                )
            )
        return (None, problems) if problems else (source, [])
    if assessment.framework_id not in source.frameworks:
        known = ", ".join(sorted(source.frameworks)) or "none installed"
        return None, [
            Problem("framework_id", f"framework {assessment.framework_id!r} is not installed (installed: {known})")
        ]
    try:
        return source.framework(assessment.framework_id, assessment.framework_version), []
    except NotFound as exc:
        return None, [Problem("framework_version", str(exc))]


def check_assessment(assessment: Assessment, framework: Framework | Registry) -> list[Problem]:
    """Every problem of ``assessment`` that needs the framework to see, with paths.

    ``framework`` is a :class:`~qframework.model.Framework` (it must be the id and version the
    assessment names) or a :class:`~qframework.plugins.Registry` (the version the assessment names
    must be installed; older versions are fine). Checks: the framework (version) exists, every
    rating names a known indicator, values are levels of the indicator's scale, not-applicable is
    allowed by the scale, tiers are tiers of the indicator.
    """
    if not isinstance(assessment.framework_id, str) or not isinstance(assessment.framework_version, str):
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
            hint = f"; did you mean {close[0]!r}?" if close else f" (list them: qframework show {fw.id})"
            problems.append(
                Problem(f"ratings[{i}].indicator", f"unknown indicator {r.indicator!r} in {fw.id} {fw.version}{hint}")
            )
            continue
        if r.not_applicable is True:
            if not ip.allow_na:
                problems.append(
                    Problem(
                        f"ratings[{i}].not_applicable",
                        f"scale {ip.scale.id!r} of indicator {r.indicator!r} does not allow not-applicable",
                    )
                )
        elif type(r.value) is int and r.value not in ip.levels:
            levels = ", ".join(str(v) for v in ip.levels)
            problems.append(
                Problem(
                    f"ratings[{i}].value",
                    f"{r.value!r} is not a level of scale {ip.scale.id!r} ({_scale_text(ip.scale)}; levels: {levels})",
                )
            )
        if r.tier is not None and r.tier not in ip.tiers:
            if ip.tiers:
                problems.append(
                    Problem(
                        f"ratings[{i}].tier",
                        f"unknown tier {r.tier!r} of indicator {r.indicator!r} (tiers: {', '.join(sorted(ip.tiers))})",
                    )
                )
            else:
                problems.append(Problem(f"ratings[{i}].tier", f"indicator {r.indicator!r} has no tiers"))
    return problems


@attrs.frozen
class VersionChanges:
    """What changed between the framework version an assessment names and a newer one."""

    framework_id: str
    from_version: str
    to_version: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    moved: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [f"made against {self.framework_id} {self.from_version}; installed newest is {self.to_version}"]
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


def framework_changes(assessment: Assessment, registry: Registry) -> VersionChanges | None:
    """What changed since the version ``assessment`` was made against; ``None`` if it is the newest."""
    try:
        newest = registry.framework(assessment.framework_id)
        old = registry.framework(assessment.framework_id, assessment.framework_version)
    except NotFound:
        return None
    if old is newest or old.version == newest.version:
        return None
    return version_changes(old, newest)


# -- aggregations ------------------------------------------------------------------------------

_BUILTIN_AGGREGATIONS: dict[str, Aggregation] | None = None


def _builtin_aggregations() -> dict[str, Aggregation]:
    """The aggregations of the built-in plugins, collected through the hook like any other plugin's."""
    global _BUILTIN_AGGREGATIONS
    if _BUILTIN_AGGREGATIONS is None:
        from .plugins import load_registry, make_plugin_manager

        registry = load_registry(make_plugin_manager(entry_points=False))
        _BUILTIN_AGGREGATIONS = dict(registry.aggregations.items)
    return _BUILTIN_AGGREGATIONS


def _aggregation(aggregation: str | Aggregation, registry: Registry | None) -> Aggregation:
    if isinstance(aggregation, Aggregation):
        return aggregation
    if registry is not None:
        result: Aggregation = registry.aggregations[aggregation]
        return result
    builtin = _builtin_aggregations()
    if aggregation in builtin:
        return builtin[aggregation]
    from .plugins import load_registry

    found: Aggregation = load_registry().aggregations[aggregation]
    return found


# -- scoring -----------------------------------------------------------------------------------


class IndicatorScore(NamedTuple):
    """One indicator's result: the aggregated score and how far the raters agree.

    ``values`` are the raw levels of the applicable ratings, sorted. ``spread`` is ``max - min``
    of their normalised values (``None`` with fewer than two). ``tiers`` counts the tiers raters
    named, as ``(tier id, count)`` pairs. (Result records are named tuples: immutable, and cheap
    enough to build 150,000 of them when a bulk file is scored.)
    """

    indicator: str
    dimension: str
    weight: float
    score: float | None
    values: tuple[int, ...]
    not_applicable: int
    spread: float | None
    tiers: tuple[tuple[str, int], ...] = ()

    @property
    def rated(self) -> bool:
        return self.score is not None

    @property
    def applicability_disputed(self) -> bool:
        """Some raters rated it, others found it not applicable."""
        return bool(self.values) and self.not_applicable > 0


class DimensionScore(NamedTuple):
    """One dimension's result. ``weight`` is the summed weight of its rated indicators (``W_d``).

    ``spread`` is the mean spread over its indicators rated by at least two raters.
    """

    dimension: str
    number: int
    title: str
    score: float | None
    weight: float
    indicators: int
    rated: int
    not_applicable: int
    spread: float | None

    @property
    def coverage(self) -> float:
        return self.rated / self.indicators if self.indicators else 0.0


@attrs.frozen
class Scorecard:
    """The result of :func:`score`: per indicator, per dimension and overall, plus coverage."""

    framework_id: str
    framework_version: str
    subject: Subject
    period: str
    aggregation: str
    overall: float | None
    coverage: float
    not_applicable: int
    ratings: int
    raters: int  # distinct raters; the joint rating (no rater) is not counted
    dimensions: tuple[DimensionScore, ...]
    indicators: tuple[IndicatorScore, ...]
    changes: VersionChanges | None = None

    def dimension(self, dimension_id: str) -> DimensionScore:
        for d in self.dimensions:
            if d.dimension == dimension_id:
                return d
        raise NotFound(f"unknown dimension {dimension_id!r}")

    def indicator(self, indicator_id: str) -> IndicatorScore:
        for i in self.indicators:
            if i.indicator == indicator_id:
                return i
        raise NotFound(f"unknown indicator {indicator_id!r}")

    def to_data(self, threshold: float = DEFAULT_DISAGREEMENT) -> dict[str, Any]:
        """Plain data for ``--json`` output and tools (explicit ``null`` for unscored parts)."""
        return {
            "framework_id": self.framework_id,
            "framework_version": self.framework_version,
            "subject": attrs.asdict(self.subject),
            "period": self.period,
            "aggregation": self.aggregation,
            "overall": self.overall,
            "coverage": self.coverage,
            "ratings": self.ratings,
            "not_applicable": self.not_applicable,
            "raters": self.raters,
            "dimensions": [{**d._asdict(), "coverage": d.coverage} for d in self.dimensions],
            "indicators": [{**i._asdict(), "values": list(i.values), "tiers": dict(i.tiers)} for i in self.indicators],
            "disagreements": [i.indicator for i in disagreements(self, threshold)],
            "changes": attrs.asdict(self.changes) if self.changes else None,
        }


def _invalid(assessment: Assessment, framework: Framework | Registry) -> ValidationError:
    found = problems_of(assessment) + check_assessment(assessment, framework)
    return ValidationError(found or [Problem("", "the assessment does not fit the framework")])


def score(
    assessment: Assessment,
    framework: Framework | Registry,
    aggregation: str | Aggregation = "mean",
    registry: Registry | None = None,
) -> Scorecard:
    """Score ``assessment``; raises :class:`ValidationError` if it does not fit the framework.

    ``framework`` is the framework (id and version as the assessment names them) or a registry to
    take that version from; ``aggregation`` an id registered through ``qframework_aggregations``
    (``mean``, ``median`` built in; ``registry`` is where plugin ids are looked up) or an
    :class:`Aggregation`. The rules are stated in this module's docstring and in the docs.
    """
    if registry is None and not isinstance(framework, Framework):
        registry = framework
    agg = _aggregation(aggregation, registry)
    fw, problems = _resolve_framework(assessment, framework)
    if fw is None:
        raise ValidationError(problems)
    plan = _plan(fw)
    info = plan.info
    n = len(plan.entries)
    ratings = assessment.ratings
    known_get = plan.known.get
    tokens = list(map(known_get, map(_KEY, ratings)))
    if None in tokens or not _tiers_fit(plan, ratings):
        tokens = [plan.token(r) for r in ratings]
        if None in tokens:
            raise _invalid(assessment, fw)
    buckets: list[list[int | None]] = [[] for _ in range(n)]
    for pos, value in tokens:  # type: ignore[misc]  # no None left
        buckets[pos].append(value)
    tiers: dict[int, dict[str, int]] = {}
    if set(map(_TIER, ratings)) != {None}:
        for r in ratings:
            if r.tier is not None:
                counts = tiers.setdefault(info[r.indicator].position, {})
                counts[r.tier] = counts.get(r.tier, 0) + 1

    memo = plan.memo(agg)
    memo_get = memo.get
    ind_scores: list[IndicatorScore] = []
    dim_scores: list[DimensionScore] = []
    total_w = 0.0
    total_ws = 0.0
    rated_all = 0
    n_na = 0
    entries = plan.entries
    levels_of = plan.levels
    for dim, (start, stop) in zip(fw.dimensions, plan.dim_ranges, strict=True):
        w_sum = 0.0
        ws_sum = 0.0
        rated = 0
        d_na = 0
        spreads: list[float] = []
        for pos in range(start, stop):
            ind_id, dim_id, weight = entries[pos]
            raw = buckets[pos]
            na = 0
            if None in raw:
                na = raw.count(None)
                d_na += na
            bucket: list[int] = [v for v in raw if v is not None] if na else raw  # type: ignore[assignment]
            if not bucket:
                ind_scores.append(IndicatorScore(ind_id, dim_id, weight, None, (), na, None, ()))
                continue
            bucket.sort()
            key = (pos, na, *bucket)
            item = memo_get(key) if pos not in tiers else None
            if item is None:
                item = _indicator_score(entries[pos], levels_of[pos], bucket, na, agg, tiers.get(pos))
                if pos not in tiers:
                    memo[key] = item
            ind_scores.append(item)
            if item.spread is not None:
                spreads.append(item.spread)
            rated += 1
            w_sum += weight
            ws_sum += weight * item.score  # type: ignore[operator]
        n_na += d_na
        d_score = ws_sum / w_sum if rated else None
        if d_score is not None:
            total_w += w_sum
            total_ws += w_sum * d_score
        rated_all += rated
        dim_scores.append(
            DimensionScore(
                dim.id,
                dim.number,
                dim.title,
                d_score,
                w_sum,
                stop - start,
                rated,
                d_na,
                sum(spreads) / len(spreads) if spreads else None,
            )
        )
    overall = total_ws / total_w if rated_all else None
    changes = framework_changes(assessment, registry) if registry is not None else None
    return Scorecard(
        fw.id,
        fw.version,
        assessment.subject,
        assessment.period,
        agg.id,
        overall,
        rated_all / n if n else 0.0,
        n_na,
        len(assessment.ratings),
        _rater_count(ratings),
        tuple(dim_scores),
        tuple(ind_scores),
        changes,
    )


def _rater_count(ratings: Sequence[Rating]) -> int:
    """How many raters rated: distinct rater ids; the joint rating (rater ``None``) is no rater."""
    raters = set(map(_RATER, ratings))
    raters.discard(None)
    return len(raters)


def score_all(
    assessments: Iterable[Assessment],
    framework: Framework | Registry,
    aggregation: str | Aggregation = "mean",
    registry: Registry | None = None,
) -> list[Scorecard]:
    """:func:`score` for many assessments (e.g. a bulk file), in order."""
    if registry is None and not isinstance(framework, Framework):
        registry = framework
    agg = _aggregation(aggregation, registry)
    with _gc_paused():
        return [score(a, framework, agg, registry) for a in assessments]


def disagreements(scorecard: Scorecard, threshold: float = DEFAULT_DISAGREEMENT) -> list[IndicatorScore]:
    """The indicators worth discussing, most contested first.

    An indicator is flagged when the spread of its raters' normalised values (``max - min``) is at
    least ``threshold`` (default 0.4: two steps on a 6-level scale, one and a bit on a 4-level one),
    or when some raters found it not applicable while others rated it. Order: spread descending,
    then framework order.
    """
    flagged = [
        (i, item)
        for i, item in enumerate(scorecard.indicators)
        if (item.spread is not None and item.spread >= threshold - 1e-12) or item.applicability_disputed
    ]
    flagged.sort(key=lambda pair: (-(pair[1].spread or 0.0), pair[0]))
    return [item for _, item in flagged]


def priorities(scorecard: Scorecard, n: int = 3) -> list[DimensionScore]:
    """The ``n`` weakest dimensions: lowest score first; ties by lower coverage, then by number.

    Dimensions without any rated indicator are left out (nothing is known about them); the result
    is the input to needs-based assignment of topics.
    """
    if n < 0:
        raise ValueError(f"n must be ≥ 0, got {n}")
    scored = [d for d in scorecard.dimensions if d.score is not None]
    scored.sort(key=lambda d: (d.score, d.coverage, d.number))
    return scored[:n]


@attrs.frozen
class DimensionChange:
    """One dimension's score before and after; ``delta = after - before`` when both are scored."""

    dimension: str
    title: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@attrs.frozen
class Comparison:
    """Progress between two scorecards of one framework (usually one Kommune, two periods)."""

    before: Scorecard
    after: Scorecard
    dimensions: tuple[DimensionChange, ...]

    @property
    def overall_delta(self) -> float | None:
        if self.before.overall is None or self.after.overall is None:
            return None
        return self.after.overall - self.before.overall

    @property
    def improved(self) -> list[DimensionChange]:
        return [d for d in self.dimensions if d.delta is not None and d.delta > 0]

    @property
    def declined(self) -> list[DimensionChange]:
        return [d for d in self.dimensions if d.delta is not None and d.delta < 0]


def compare(before: Scorecard, after: Scorecard) -> Comparison:
    """Compare two scorecards dimension by dimension (matched by dimension id).

    Both must be for the same framework id; versions may differ (a dimension present in only one
    of them has ``None`` on the other side). Order: the dimensions of ``after``, then any that only
    ``before`` has.
    """
    if before.framework_id != after.framework_id:
        raise QFrameworkError(
            f"cannot compare scorecards of different frameworks: {before.framework_id!r} and {after.framework_id!r}"
        )
    old = {d.dimension: d for d in before.dimensions}
    rows: list[DimensionChange] = []
    for d in after.dimensions:
        prev = old.pop(d.dimension, None)
        rows.append(DimensionChange(d.dimension, d.title, prev.score if prev else None, d.score))
    rows.extend(DimensionChange(d.dimension, d.title, d.score, None) for d in old.values())
    return Comparison(before, after, tuple(rows))


# -- single files ------------------------------------------------------------------------------


def _registry_or_default(registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    from .plugins import load_registry

    return load_registry()


def _framework_problems(built: Sequence[tuple[str, Assessment]], registry: Registry) -> list[Problem]:
    """:func:`check_assessment` for each ``(path prefix, assessment)``, paths prefixed."""
    out: list[Problem] = []
    for prefix, a in built:
        out.extend(Problem(join_path(prefix, p.path), p.message) for p in check_assessment(a, registry))
    return out


def _structure_all(data: Any) -> tuple[Assessment | None, list[Problem], list[str]]:
    """Structure one assessment; on problems also build what can be built, for the framework checks.

    Returns the assessment (or what could be built of it), every problem, and the *broken* paths:
    those of the type and structure problems (a wrong type, a missing key), whose values the lenient
    build replaced. Framework problems below a broken path only repeat it; framework problems below
    any other problem (e.g. "rated twice" at ``ratings[1]``) are problems of their own.
    """
    from .io import _Lenient, structure

    try:
        return structure(data, Assessment), [], []
    except ValidationError as exc:
        problems = list(exc.problems)
    structural: list[Problem] = []
    with deferred():
        built = _Lenient(structural).value(data, Assessment, "")
    return (built if isinstance(built, Assessment) else None), problems, [p.path for p in structural]


def _under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith((p + ".", p + "[")) for p in prefixes if p)


def _assessment_problems(data: Any, registry: Registry | None, check: bool) -> tuple[Assessment | None, list[Problem]]:
    assessment, problems, broken = _structure_all(data)
    if check and assessment is not None:
        problems += [
            p for p in check_assessment(assessment, _registry_or_default(registry)) if not _under(p.path, broken)
        ]
    return assessment, _sorted(problems)


def loads_assessment(
    text: str | bytes,
    format: Format = "toml",
    *,
    registry: Registry | None = None,
    file: str | None = None,
    check: bool = True,
) -> Assessment:
    """Parse and validate one assessment from TOML or JSON text.

    With ``check`` (the default) it is also checked against the framework version it names, taken
    from ``registry`` (default: the installed plugins); all problems are raised together.
    """
    from .io import parse

    data = parse(text, format=format, file=file)
    if isinstance(data, dict) and "assessments" in data:
        entries = data["assessments"]
        held = (
            f"{len(entries)} assessment{'s' if len(entries) != 1 else ''}"
            if isinstance(entries, list)
            else "assessments"
        )
        raise ValidationError(
            [
                Problem(
                    "",
                    f"this is a bulk file holding {held}; compare and load_assessment() take one assessment per "
                    "file (qframework score and validate read bulk files; in Python: load_assessments())",
                )
            ],
            file,
        )
    assessment, problems = _assessment_problems(data, registry, check)
    if problems or assessment is None:
        raise ValidationError(problems or [Problem("", "not an assessment")], file)
    return assessment


def load_assessment(
    path: str | os.PathLike[str], registry: Registry | None = None, *, check: bool = True
) -> Assessment:
    """Read one assessment (``.toml`` or ``.json``) and validate it completely.

    Structural problems and framework problems (unknown indicators, values outside the scale,
    framework version not installed, …) are raised together, each with its path. An assessment
    made against an older installed framework version loads; :func:`framework_changes` (and the
    scorecard's ``changes``) say what changed since.
    """
    from .io import format_for

    name = str(path)
    fmt = format_for(name)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError([Problem("", f"cannot read file: {exc.strerror or exc}")], name) from None
    return loads_assessment(raw, fmt, registry=registry, file=name, check=check)


# -- bulk JSON ---------------------------------------------------------------------------------
#
# {"framework_id": "...", "framework_version": "...",
#  "assessments": [{"subject": {...}, "period": "2024", "raters": [...],
#                   "ratings": {"indicator": [...], "rater": [...], "value": [4, "n/a", ...],
#                               "tier": [...], "evidence": [...], "comment": [...]}}]}
#
# Rating k of an assessment is the k-th entry of every column; problems are reported at
# ``assessments[i].ratings[k].<field>``, the same path a TOML file uses.

_COLUMNS = ("indicator", "rater", "value", "tier", "evidence", "comment")
_COLUMN_SET = frozenset(_COLUMNS)
_NO_RATINGS: dict[str, list[Any]] = {"indicator": [], "value": []}
_ENTRY_KEYS = frozenset(
    ("framework_id", "framework_version", "subject", "period", "raters", "ratings", "notes", "success_definition")
)
_TOP_KEYS = frozenset(("framework_id", "framework_version", "assessments"))


@attrs.frozen
class AssessmentBatch(Checked):
    """The raw shape of a bulk JSON file, for ``qframework validate`` (structural checks only).

    Use :func:`load_assessments` to get :class:`Assessment` objects.
    """

    assessments: list[Any]
    framework_id: str | None = None
    framework_version: str | None = None

    def _problems(self) -> Iterator[Problem]:
        data: dict[str, Any] = {"assessments": self.assessments}
        if self.framework_id is not None:
            data["framework_id"] = self.framework_id
        if self.framework_version is not None:
            data["framework_version"] = self.framework_version
        _, problems = _bulk_from_data(data, _validation_registry(), check=True)
        yield from problems


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large acyclic tree of objects.

    Bulk loading allocates millions of objects; every few thousand allocations would otherwise
    trigger a collection that walks all of them (it roughly doubles the time). The objects built
    here hold no reference cycles, so nothing is leaked; the previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_VALIDATION_REGISTRY: list[Registry] = []


def _validation_registry() -> Registry:
    """The installed plugins, loaded once, for files checked through the generic validator."""
    if not _VALIDATION_REGISTRY:
        _VALIDATION_REGISTRY.append(_registry_or_default(None))
    return _VALIDATION_REGISTRY[0]


class _Reject(Exception):
    """The fast path met something it does not handle; the detailed path will explain."""


def _fast_entry(entry: Any, fw_id: Any, fw_version: Any, cache: dict[tuple[Any, ...], Rating]) -> Assessment:
    if type(entry) is not dict or not entry.keys() <= _ENTRY_KEYS:
        raise _Reject
    cols = entry.get("ratings", _NO_RATINGS)
    if type(cols) is not dict or not cols.keys() <= _COLUMN_SET or "indicator" not in cols or "value" not in cols:
        raise _Reject
    indicators = cols["indicator"]
    values = cols["value"]
    raters = cols.get("rater")
    n = len(indicators) if type(indicators) is list else -1
    if n < 0 or type(values) is not list or len(values) != n:
        raise _Reject
    if raters is None:
        raters = [None] * n
    elif type(raters) is not list or len(raters) != n:
        raise _Reject
    # A C-speed type check: true/false and 1.0 would otherwise hit the cache as the equal ints.
    # Indicator and rater ids need none: a new key builds (and so validates) a Rating, and no
    # other JSON value equals a string.
    if not set(map(type, values)) <= {int, str}:
        raise _Reject
    extra = [c for c in ("tier", "evidence", "comment") if c in cols]
    ratings: list[Rating]
    if not extra:
        keys = list(zip(indicators, values, raters, strict=True))
        found = list(map(cache.get, keys))
        if not all(found):  # C speed; `None in found` would call Rating.__eq__ per item
            for k, r in enumerate(found):
                if r is None:
                    r = cache.get(keys[k])
                    if r is None:
                        r = cache[keys[k]] = _new_rating(*keys[k])
                    found[k] = r
        ratings = found  # type: ignore[assignment]
    else:
        columns = [cols[c] for c in extra]
        if any(type(c) is not list or len(c) != n for c in columns):
            raise _Reject
        ratings = []
        for k in range(n):
            fields = {c: col[k] for c, col in zip(extra, columns, strict=True) if col[k] is not None}
            if any(type(v) is not str for v in fields.values()):
                raise _Reject
            ratings.append(_new_rating(indicators[k], values[k], raters[k], **fields))
    subject = entry.get("subject")
    rater_list = entry.get("raters", [])
    if type(subject) is not dict or type(rater_list) is not list:
        raise _Reject
    try:
        return Assessment(
            framework_id=entry.get("framework_id", fw_id),
            framework_version=entry.get("framework_version", fw_version),
            subject=_simple(Subject, subject, cache),
            period=entry["period"],
            ratings=tuple(ratings),
            raters=tuple(_simple(Rater, r, cache) for r in rater_list),
            notes=entry.get("notes", ""),
            success_definition=entry.get("success_definition", ""),
        )
    except (ValidationError, KeyError, TypeError) as exc:
        raise _Reject from exc


def _new_rating(indicator: str, value: int | str, rater: str | None, **extra: str) -> Rating:
    if type(value) is str:
        if value != NOT_APPLICABLE:
            raise _Reject
        return Rating(indicator, None, True, rater, **extra)  # validates itself; raises on problems
    return Rating(indicator, value, False, rater, **extra)  # type: ignore[arg-type]


_FIELD_NAMES: dict[type[Any], frozenset[str]] = {}


def _simple(cls: type[Any], data: dict[str, Any], cache: dict[tuple[Any, ...], Any]) -> Any:
    """Build a flat all-text attrs class (Subject, Rater) from a dict, or reject; shares equal ones."""
    key = (cls, *data.items())
    hit = cache.get(key)
    if hit is not None:
        return hit
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in attrs.fields(cls))
    if not data.keys() <= names or not all(type(v) is str for v in data.values()):
        raise _Reject
    obj = cache[key] = cls(**data)
    return obj


def _rows(cols: dict[str, Any], path: str, problems: list[Problem], broken: list[str]) -> list[dict[str, Any]] | None:
    """Turn columns into rating tables, reporting column-level problems (and the paths they break)."""
    ok = True
    for key in cols:
        if key not in _COLUMNS:
            problems.append(
                Problem(join_path(path, str(key)), f"unknown column (expected one of: {', '.join(_COLUMNS)})")
            )
            ok = False
    if "indicator" not in cols:
        problems.append(Problem(join_path(path, "indicator"), "missing required column"))
        ok = False
    if "value" not in cols:
        problems.append(Problem(join_path(path, "value"), "missing required column"))
        ok = False
    lengths: dict[str, int] = {}
    for key in _COLUMNS:
        if key in cols:
            if not isinstance(cols[key], list):
                problems.append(
                    Problem(join_path(path, key), f"a column must be a list, got {type(cols[key]).__name__}")
                )
                ok = False
            else:
                lengths[key] = len(cols[key])
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k} {v}" for k, v in lengths.items())
        problems.append(Problem(path, f"columns differ in length ({shown}); every column needs one entry per rating"))
        ok = False
    if not ok:
        return None
    n = lengths.get("indicator", 0)
    rows: list[dict[str, Any]] = []
    for k in range(n):
        row: dict[str, Any] = {}
        for key in lengths:
            v = cols[key][k]
            if key == "value":
                if v == NOT_APPLICABLE and isinstance(v, str):
                    row["not_applicable"] = True
                elif isinstance(v, str):
                    problems.append(
                        Problem(
                            f"{path}[{k}].value", f"expected a level (whole number) or {NOT_APPLICABLE!r}, got {v!r}"
                        )
                    )
                    row["not_applicable"] = True  # reported; keep the row buildable
                    broken += [f"{path}[{k}].value", f"{path}[{k}].not_applicable"]
                elif v is not None:
                    row["value"] = v
            elif v is not None:
                row[key] = v
        rows.append(row)
    return rows


def _bulk_detailed(data: Any) -> tuple[list[tuple[str, Assessment]], list[Problem], list[str]]:
    """The slow path: every structural problem of a bulk file, the assessments that could be built,
    and the broken paths (type and structure problems; see :func:`_structure_all`).

    Entries the fast path accepts are taken as they are; the others are walked field by field.
    """
    problems: list[Problem] = []
    built: list[tuple[str, Assessment]] = []
    broken: list[str] = []
    if not isinstance(data, dict):
        return built, [Problem("", "expected a table with an 'assessments' list at the top level")], broken
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(Problem(str(key), f"unknown key (expected one of: {', '.join(sorted(_TOP_KEYS))})"))
    entries = data.get("assessments")
    if not isinstance(entries, list):
        problems.append(Problem("assessments", "expected a list of assessments"))
        return built, problems, broken
    fw_id, fw_version = data.get("framework_id"), data.get("framework_version")
    cache: dict[tuple[Any, ...], Any] = {}
    for i, entry in enumerate(entries):
        path = f"assessments[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem(path, "expected a table"))
            continue
        try:  # most entries of a file with a mistake are fine: keep them on the fast path
            built.append((path, _fast_entry(entry, fw_id, fw_version, cache)))
            continue
        except (_Reject, ValidationError, TypeError, KeyError, AttributeError):
            pass
        doc = dict(entry)
        for key in ("framework_id", "framework_version"):
            if key not in doc and key in data:
                doc[key] = data[key]
        cols = doc.get("ratings", _NO_RATINGS)
        if isinstance(cols, dict):
            rows = _rows(cols, f"{path}.ratings", problems, broken)
            if rows is None:
                doc.pop("ratings", None)
            else:
                doc["ratings"] = rows
        elif isinstance(cols, list):
            problems.append(
                Problem(f"{path}.ratings", "expected a table of columns (indicator, rater, value, …), got a list")
            )
            doc.pop("ratings", None)
        else:
            problems.append(Problem(f"{path}.ratings", "expected a table of columns (indicator, rater, value, …)"))
            doc.pop("ratings", None)
        assessment, found, found_broken = _structure_all(doc)
        problems.extend(Problem(join_path(path, p.path), p.message) for p in found)
        broken.extend(join_path(path, b) for b in found_broken)
        if assessment is not None:
            built.append((path, assessment))
    return built, problems, broken


def loads_assessments(
    text: str | bytes, *, registry: Registry | None = None, file: str | None = None, check: bool = True
) -> list[Assessment]:
    """Parse and validate a bulk JSON file of many assessments (see the module notes for the layout).

    Fast path: columns are type-checked at C speed and identical ratings are built once and shared
    (ratings are immutable). Only when something is wrong is the file walked again in detail, so
    that every problem is reported with its path (``assessments[3].ratings[12].value``).
    With ``check`` every assessment is also checked against the installed framework version it names.
    """
    with _gc_paused():
        return _loads_assessments(text, registry, file, check)


def _loads_assessments(text: str | bytes, registry: Registry | None, file: str | None, check: bool) -> list[Assessment]:
    from .io import parse

    data = parse(text, format="json", file=file)
    assessments, problems = _bulk_from_data(data, registry, check)
    if problems or assessments is None:
        raise ValidationError(problems, file)
    return assessments


def _bulk_from_data(data: Any, registry: Registry | None, check: bool) -> tuple[list[Assessment] | None, list[Problem]]:
    """Fast path first; the detailed walk only when it rejects the data."""
    assessments: list[Assessment] | None = None
    if type(data) is dict and data.keys() <= _TOP_KEYS and type(data.get("assessments")) is list:
        fw_id, fw_version = data.get("framework_id"), data.get("framework_version")
        cache: dict[tuple[Any, ...], Any] = {}
        try:
            assessments = [_fast_entry(e, fw_id, fw_version, cache) for e in data["assessments"]]
        except (_Reject, ValidationError, TypeError, KeyError, AttributeError):
            assessments = None  # the detailed path below says what is wrong
    if assessments is not None:
        built = [(f"assessments[{i}]", a) for i, a in enumerate(assessments)]
        problems = _duplicate_keys(built)
        if check:
            problems += _framework_problems(built, _registry_or_default(registry))
        return assessments, _sorted(problems)
    built, problems, broken = _bulk_detailed(data)
    problems += _duplicate_keys(built)
    if check:
        problems += [
            p for p in _framework_problems(built, _registry_or_default(registry)) if not _under(p.path, broken)
        ]
    if not problems:  # pragma: no cover - the fast path rejects only data with problems
        problems = [Problem("", "the file could not be read as a bulk assessment file")]
    return None, _sorted(problems)


def _duplicate_keys(built: Sequence[tuple[str, Assessment]]) -> list[Problem]:
    """Entries of a bulk file that repeat the ``(subject id, period)`` of an earlier one (:attr:`Assessment.key`)."""
    first: dict[tuple[str, str], str] = {}
    out: list[Problem] = []
    for path, a in built:
        subject = a.subject
        if not isinstance(subject, Subject) or type(subject.id) is not str or type(a.period) is not str:
            continue  # reported as broken
        where = first.setdefault((subject.id, a.period), path)
        if where != path:
            out.append(
                Problem(
                    path,
                    f"subject {subject.id!r}, period {a.period!r} is assessed twice (first at {where}); "
                    "a bulk file holds one assessment per subject and period",
                )
            )
    return out


def _sorted(problems: list[Problem]) -> list[Problem]:
    def key(p: Problem) -> list[tuple[int, int | str]]:
        parts = re.split(r"[.\[\]]+", p.path)
        return [(0, int(x)) if x.isdigit() else (1, x) for x in parts if x]

    return sorted(problems, key=key)


def load_assessments(
    path: str | os.PathLike[str], registry: Registry | None = None, *, check: bool = True
) -> list[Assessment]:
    """Read a bulk JSON file (many Kommunen and periods) and validate it completely."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError([Problem("", f"cannot read file: {exc.strerror or exc}")], name) from None
    return loads_assessments(raw, registry=registry, file=name, check=check)


def _entry_data(a: Assessment, fw_id: str, fw_version: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a.framework_id != fw_id:
        out["framework_id"] = a.framework_id
    if a.framework_version != fw_version:
        out["framework_version"] = a.framework_version
    out["subject"] = {k: v for k, v in attrs.asdict(a.subject).items() if v}
    out["period"] = a.period
    if a.raters:
        out["raters"] = [{k: v for k, v in attrs.asdict(r).items() if v} for r in a.raters]
    cols: dict[str, list[Any]] = {
        "indicator": [r.indicator for r in a.ratings],
        "value": [NOT_APPLICABLE if r.not_applicable else r.value for r in a.ratings],
    }
    if any(r.rater is not None for r in a.ratings):
        cols["rater"] = [r.rater for r in a.ratings]
    for key in ("tier", "evidence", "comment"):
        column = [getattr(r, key) or None for r in a.ratings]
        if any(v is not None for v in column):
            cols[key] = column
    out["ratings"] = cols
    if a.notes:
        out["notes"] = a.notes
    if a.success_definition:
        out["success_definition"] = a.success_definition
    return out


def dumps_assessments(assessments: Sequence[Assessment], *, indent: int | None = None) -> str:
    """Write many assessments as one bulk JSON text (columnar ratings); lossless."""
    if assessments:
        fw_id, fw_version = assessments[0].framework_id, assessments[0].framework_version
    else:
        fw_id, fw_version = "", ""
    doc: dict[str, Any] = {}
    if assessments:
        doc["framework_id"] = fw_id
        doc["framework_version"] = fw_version
    doc["assessments"] = [_entry_data(a, fw_id, fw_version) for a in assessments]
    return json.dumps(doc, ensure_ascii=False, indent=indent) + "\n"


def save_assessments(assessments: Sequence[Assessment], path: str | os.PathLike[str]) -> None:
    """Write a bulk JSON file atomically."""
    from .io import atomic_write

    atomic_write(path, lambda: dumps_assessments(assessments))


@attrs.frozen
class AssessmentFile(Assessment):
    """One assessment as ``qframework validate`` sees it: the structural checks plus
    :func:`check_assessment` against the installed plugins. Use :func:`load_assessment` in code."""

    def _problems(self) -> Iterator[Problem]:
        yield from Assessment._problems(self)
        yield from check_assessment(self, _validation_registry())


def _pct(x: float | None) -> str:
    return "  –  " if x is None else f"{x:5.2f}"


def format_scorecard(
    scorecard: Scorecard, *, threshold: float = DEFAULT_DISAGREEMENT, priorities_n: int = 3, width: int = 100
) -> str:
    """The scorecard as text: overall, per dimension, disagreements worth discussing, priorities."""
    c = scorecard
    rated = sum(d.rated for d in c.dimensions)
    total = sum(d.indicators for d in c.dimensions)
    name = f"{c.subject.name} ({c.subject.id})" if c.subject.name else c.subject.id
    lines = [
        f"{name}, {c.period} — {c.framework_id} {c.framework_version}, aggregation {c.aggregation}",
        f"overall {_pct(c.overall).strip()}   coverage {rated}/{total} indicators ({c.coverage:.0%})   "
        f"{c.ratings} ratings by {c.raters} rater(s), {c.not_applicable} not applicable",
        "",
        f"  {'#':>2}  {'dimension':<48} {'score':>5}  {'rated':>7}  {'n/a':>3}  {'spread':>6}",
    ]
    for d in c.dimensions:
        title = d.title if len(d.title) <= 48 else d.title[:47] + "…"
        lines.append(
            f"  {d.number:>2}  {title:<48} {_pct(d.score)}  {d.rated:>3}/{d.indicators:<3}  {d.not_applicable:>3}  "
            f"{_pct(d.spread)}"
        )
    flagged = disagreements(c, threshold)
    lines += ["", f"disagreements (spread ≥ {threshold:g} or applicability disputed): {len(flagged)}"]
    for item in flagged:
        values = ", ".join(str(v) for v in item.values) or "–"
        extra = f", {item.not_applicable} n/a" if item.not_applicable else ""
        why = [f"spread {item.spread:.2f}"] if item.spread is not None and item.spread >= threshold - 1e-12 else []
        if item.applicability_disputed:
            why.append("applicability disputed")
        lines.append(f"  {item.indicator:<44} values {values}{extra}  ({'; '.join(why)})")
    top = priorities(c, priorities_n)
    lines += ["", "priorities (weakest dimensions first):"]
    lines += [f"  {d.number:>2}  {d.title}  {d.score:.2f}" for d in top if d.score is not None] or ["  none rated"]
    if c.changes is not None:
        lines += ["", f"note: {c.changes}"]
    return "\n".join(line[:width] if len(line) > width and not line.startswith("note") else line for line in lines)
