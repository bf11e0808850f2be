"""Scoring: an assessment becomes a :class:`Scorecard`; rater agreement, priorities, progress.

The rules (see ``docs/assessment.md``):

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
  not-applicable ratings are counted separately, and entries not yet rated (no value, not
  not-applicable) score nothing: they count against coverage and are counted in ``unrated``.

Every result is a frozen, hashable attrs value that goes through the one converter
(:mod:`qframework.io`): ``io.loads(Scorecard, io.dumps(card, format="json"), format="json") == card``.
Scoring never discovers plugins: ``mean`` and ``median`` are built in, any other aggregation id
needs the caller's registry.
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from itertools import repeat
from operator import add, floordiv, itemgetter, mod, truediv
from typing import TYPE_CHECKING, Any, cast, overload

import attrs

from .._args import expect, expect_int, expect_number, refuse
from .._deprecated import positional_registry, renamed_arguments, warn_renamed
from .._fields import tuple_fields
from .._memo import IdentityMemo
from ..aggregation import BUILTIN_AGGREGATIONS, Aggregation
from ..errors import NotFound, QFrameworkError, ValidationError
from ..model import Framework
from ..validation import problems_of
from .fit import (
    _KEY,
    _TIER,
    VersionChanges,
    _Plan,
    _plan,
    _resolve_framework,
    _tiers_fit,
    check_against,
    framework_changes,
    framework_source,
)
from .model import _RATER, DEFAULT_DISAGREEMENT, Assessment, Rating, Subject, unrated_problems

if TYPE_CHECKING:
    from ..plugins import Registry

__all__ = [
    "Comparison",
    "DimensionChange",
    "DimensionScore",
    "IndicatorScore",
    "Scorecard",
    "TierCount",
    "compare",
    "disagreements",
    "priorities",
    "resolve_aggregation",
    "score",
    "score_all",
]


# -- aggregations ------------------------------------------------------------------------------


@overload
def resolve_aggregation(aggregation: str | Aggregation, *, registry: Registry | None = None) -> Aggregation: ...
@overload
def resolve_aggregation(aggregation: str | Aggregation, registry: Registry, /) -> Aggregation: ...  # deprecated
def resolve_aggregation(
    aggregation: str | Aggregation, *positional: Registry, registry: Registry | None = None
) -> Aggregation:
    """The :class:`Aggregation` an id stands for, without loading any plugin behind the caller's back.

    ``mean`` and ``median`` are built in; another id is looked up in ``registry`` (a plugin's
    aggregation), and without a registry it raises :class:`NotFound` naming the known ids. A
    positional registry is deprecated since 0.3.0.
    """
    registry = positional_registry("resolve_aggregation", "aggregation", positional, registry)
    if isinstance(aggregation, Aggregation):
        return aggregation
    if registry is not None:
        found: Aggregation = registry.aggregations[aggregation]
        return found
    builtin = BUILTIN_AGGREGATIONS.get(aggregation)
    if builtin is not None:
        return builtin
    exc = NotFound.unknown("aggregation", aggregation, BUILTIN_AGGREGATIONS)
    raise NotFound(
        f"{exc}; a plugin's aggregation needs the registry it comes from: "
        "score(..., registry=load_registry()) or pass the Aggregation itself",
        kind=exc.kind,
        key=exc.key,
        known=exc.known,
    )


# -- results -----------------------------------------------------------------------------------


@attrs.frozen(field_transformer=tuple_fields)
class TierCount:
    """How many raters named one tier of an indicator (e.g. ``mindest``: 2)."""

    tier: str
    count: int


@attrs.frozen(field_transformer=tuple_fields)
class IndicatorScore:
    """One indicator's result: the aggregated score and how far the raters agree.

    ``values`` are the raw levels of the applicable ratings, sorted. ``score`` is ``None`` when no
    rating applies; ``spread`` is ``max - min`` of the normalised values (``None`` with fewer than
    two). ``tiers`` counts the tiers raters named, by tier id.
    """

    indicator: str
    dimension: str
    weight: float
    score: float | None = None
    values: tuple[int, ...] = ()
    not_applicable: int = 0
    spread: float | None = None
    tiers: tuple[TierCount, ...] = ()

    @property
    def rated(self) -> bool:
        """Whether the indicator has a score (some rater gave a value)."""
        return self.score is not None

    @property
    def applicability_disputed(self) -> bool:
        """Some raters rated it, others found it not applicable."""
        return bool(self.values) and self.not_applicable > 0


@attrs.frozen(
    field_transformer=tuple_fields, slots=False
)  # a frozen dict-backed init is twice as fast as slots: 9 per scored assessment
class DimensionScore:
    """One dimension's result. ``weight`` is the summed weight of its rated indicators (``W_d``).

    ``indicators`` counts the dimension's indicators, ``rated`` those with a score; ``spread`` is
    the mean spread over its indicators rated by at least two raters.
    """

    dimension: str
    number: int
    title: str
    indicators: int
    rated: int
    not_applicable: int
    weight: float
    score: float | None = None
    spread: float | None = None

    @property
    def coverage(self) -> float:
        """The share of the dimension's indicators that are rated (0..1)."""
        return self.rated / self.indicators if self.indicators else 0.0


@renamed_arguments(framework_id="framework")
@attrs.frozen(
    field_transformer=tuple_fields, slots=False
)  # built once per assessment: the faster dict-backed init (see DimensionScore)
class Scorecard:
    """The result of :func:`score`: per indicator, per dimension and overall, plus coverage.

    ``framework`` and ``framework_version`` name the framework scored against (its id, as
    :attr:`Assessment.framework`; ``framework_id`` in files).
    ``ratings`` counts the entries that say something (a value or not applicable), ``unrated``
    the entries not yet rated; ``raters`` counts distinct raters of the former (the joint rating,
    without a rater, is none). ``changes`` says what changed since the framework version the
    assessment was made against, when the scoring registry has a newer one.
    """

    framework: str = attrs.field(metadata={"key": "framework_id"})
    framework_version: str
    subject: Subject
    period: str
    aggregation: str
    coverage: float
    ratings: int
    raters: int
    not_applicable: int
    dimensions: tuple[DimensionScore, ...]
    indicators: tuple[IndicatorScore, ...]
    overall: float | None = None
    changes: VersionChanges | None = None
    unrated: int = 0

    @property
    def framework_id(self) -> str:
        """Deprecated since 0.3.0 (removed in 0.4.0): the framework's id is :attr:`framework`."""
        warn_renamed("Scorecard.framework", "Scorecard.framework")
        return self.framework

    @property
    def complete(self) -> bool:
        """Every rating entry is rated (a value or not applicable); says nothing about coverage."""
        return self.unrated == 0

    def dimension(self, dimension_id: str) -> DimensionScore:
        """The result of one dimension; :class:`NotFound` (with the known ids) otherwise."""
        for d in self.dimensions:
            if d.dimension == dimension_id:
                return d
        raise NotFound.unknown("dimension", dimension_id, (d.dimension for d in self.dimensions))

    def indicator(self, indicator_id: str) -> IndicatorScore:
        """The result of one indicator; :class:`NotFound` (with the known ids) otherwise."""
        for i in self.indicators:
            if i.indicator == indicator_id:
                return i
        raise NotFound.unknown("indicator", indicator_id, (i.indicator for i in self.indicators))

    # A scorecard of score_all's batch path is built with its numbers but without its dimension and
    # indicator objects: they are made from the batch's sums on first read (``_lazy``), then kept.
    # Equality, hashing, repr, attrs.evolve and the converter all read the attributes, so a lazy
    # scorecard is indistinguishable from one built eagerly; pickling and copying take the filled one.

    def __getattr__(self, name: str) -> Any:
        state = self.__dict__
        lazy = state.get("_lazy")
        if lazy is not None and name in _LAZY_FIELDS:
            lazy[0].fill(lazy[1], state)
        try:
            return state[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__
        lazy = state.get("_lazy")
        if lazy is not None:
            lazy[0].fill(lazy[1], state)
        return {k: v for k, v in state.items() if k != "_lazy"}


@attrs.frozen(field_transformer=tuple_fields, kw_only=True)
class DimensionChange:
    """One dimension's score before and after; ``delta = after - before`` when both are scored."""

    dimension: str
    title: str
    before: float | None = None
    after: float | None = None
    delta: float | None = None


@attrs.frozen(field_transformer=tuple_fields, kw_only=True)
class Comparison:
    """Progress between two scorecards of one subject and framework (:func:`compare`).

    ``overall_delta`` and each dimension's ``delta`` are stored, so JSON readers see them too.
    """

    before: Scorecard
    after: Scorecard
    dimensions: tuple[DimensionChange, ...] = ()
    overall_delta: float | None = None

    @property
    def improved(self) -> tuple[DimensionChange, ...]:
        """The dimensions whose score rose."""
        return tuple(d for d in self.dimensions if d.delta is not None and d.delta > 0)

    @property
    def declined(self) -> tuple[DimensionChange, ...]:
        """The dimensions whose score fell."""
        return tuple(d for d in self.dimensions if d.delta is not None and d.delta < 0)


# -- scoring -----------------------------------------------------------------------------------


def _indicator_score(
    entry: tuple[str, str, float],
    levels: dict[int, float],
    values: list[int],
    na: int,
    agg: Aggregation,
    tiers: dict[str, int] | None,
) -> IndicatorScore:
    """Score one indicator from its sorted applicable values (see the module notes for the rules)."""
    normal = list(map(levels.__getitem__, values))
    s = agg(normal)  # a float in 0..1: Aggregation.__call__ turns anything else (or raising) into a PluginError
    return IndicatorScore(
        indicator=entry[0],
        dimension=entry[1],
        weight=entry[2],
        score=s,
        values=tuple(values),
        not_applicable=na,
        spread=normal[-1] - normal[0] if len(normal) > 1 else None,
        tiers=tuple(TierCount(t, c) for t, c in sorted(tiers.items())) if tiers else (),
    )


def _invalid(assessment: Assessment, framework: Framework | Registry) -> ValidationError:
    """Every problem of an assessment a rating of which the plan refused: a rating the plan refuses is one
    check_assessment reports, or (built with deferred validation) one problems_of reports — never none."""
    return ValidationError(problems_of(assessment) + check_against(assessment, framework))


# -- the fast path: ratings as sorted integer codes ------------------------------------------------


class _FastPlan:
    """Scoring by codes, per framework: every rating *object* that fits and names no tier gets an int.

    ``code = position * stride + slot``: slot 0 is not applicable, slot ``k`` the k-th level in
    ascending order; an entry not yet rated has the position ``plan.blank``. Sorted, an assessment's
    codes group by indicator, not-applicable first and values ascending, so an indicator's result is
    a function of its slice of the sorted codes and is memoised by it: a few raters on a few levels
    repeat the same slices over and over (a bulk file's dimensions, with more raters and indicators,
    barely repeat, so dimension results are added up each time). Ratings are immutable
    and shared by the bulk loader, so they are keyed by ``id``; ``keep`` holds every keyed rating
    alive, so an id cannot be reused while its entry exists.
    """

    MAX = 200_000

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.codes: dict[int, int] = {}
        self.keep: list[Rating] = []
        levels = [sorted(lv) for lv in plan.levels]
        self.stride = 1 + max(map(len, levels), default=0)
        self.value_of = levels  # position -> the levels, ascending (slot k is value_of[pos][k - 1])
        self.slot_of = [{v: k for k, v in enumerate(lv, start=1)} for lv in levels]
        self.ind_bounds = [(pos + 1) * self.stride for pos in range(len(levels))]  # each indicator's codes end here
        self.empty = [_row(IndicatorScore(i, d, w, None, (), 0)) for i, d, w in plan.entries]  # no entry at all
        #: Per dimension: id, number, title, indicator count and its range of positions.
        self.dims = [
            (dim.id, dim.number, dim.title, stop - start, start, stop)
            for dim, (start, stop) in zip(plan.framework.dimensions, plan.dim_ranges, strict=True)
        ]
        self._memos: dict[int, tuple[Aggregation, dict[tuple[int, ...], _Row]]] = {}
        self._value_memos: dict[int, tuple[Aggregation, _Memos]] = {}
        #: The bulk loader's columns of assessments known to fit, by ``id`` of an assessment's ratings
        #: tuple (held here, so the id stays that tuple's): the layout and the value column, taken by
        #: :func:`score_all`, replaced by the next load.
        self.handoff: dict[int, tuple[tuple[Rating, ...], _Columns, list[_Value], bool]] = {}

    def learn(self, ratings: Sequence[Rating]) -> list[int] | None:
        """The codes of ``ratings``, learning new ones; ``None`` if one does not fit or names a tier."""
        codes = self.codes
        out: list[int] = []
        for r in ratings:
            c = codes.get(id(r))
            if c is None:
                if type(r) is not Rating or r.tier is not None:
                    return None  # tiers are counted per assessment: the general path
                token = self.plan.token(r)
                if token is None:
                    return None
                pos, value = token
                c = pos * self.stride + (0 if value is None else self.slot_of[pos][value])
                if len(self.keep) >= self.MAX:
                    codes.clear()
                    self.keep.clear()
                codes[id(r)] = c
                self.keep.append(r)
            out.append(c)
        return out

    def memo(self, agg: Aggregation) -> dict[tuple[int, ...], _Row]:
        """Indicator results (as rows, see :data:`_Row`) by the indicator's sorted codes, for one aggregation."""
        hit = self._memos.get(id(agg))
        if hit is None or hit[0] is not agg or len(hit[1]) > self.MAX:
            hit = self._memos[id(agg)] = (agg, {})
        return hit[1]

    def value_memos(self, agg: Aggregation) -> _Memos:
        """Per position, indicator results (rows) by the indicator's raw values in a layout's order
        (:class:`_Columns`), for one aggregation; started afresh when one has grown past ``MAX``."""
        hit = self._value_memos.get(id(agg))
        if hit is None or hit[0] is not agg or max(map(len, hit[1]), default=0) > self.MAX:
            hit = self._value_memos[id(agg)] = (agg, [{} for _ in self.plan.entries])
        return hit[1]

    def value_row(self, pos: int, values: tuple[_Value, ...], agg: Aggregation) -> _Row:
        """One indicator's row from its raw bulk values (levels, ``"n/a"``, ``None`` not yet rated),
        each known to fit: the row of their sorted codes."""
        stride, slot = self.stride, self.slot_of[pos]
        codes = sorted(pos * stride + (0 if isinstance(v, str) else slot[v]) for v in values if v is not None)
        return _row(self.indicator(pos, tuple(codes), agg))

    def columns(self, indicators: Sequence[str], raters: Sequence[str | None]) -> _Columns:
        """A bulk layout's columns (indicator ids, each known to this framework, and rater ids) for scoring."""
        return _Columns(self, [self.plan.info[i].position for i in indicators], raters)

    def indicator(self, pos: int, codes: tuple[int, ...], agg: Aggregation) -> IndicatorScore:
        """One indicator's result from its sorted codes: the rules of :func:`score`."""
        plan = self.plan
        levels = self.value_of[pos]
        values = [levels[c % self.stride - 1] for c in codes if c % self.stride]
        na = len(codes) - len(values)
        if not values:
            ind_id, dim_id, weight = plan.entries[pos]
            return IndicatorScore(ind_id, dim_id, weight, None, (), na)
        return _indicator_score(plan.entries[pos], plan.levels[pos], values, na, agg, None)


#: A raw value of a bulk file's value column: a level, ``"n/a"``, or ``None`` (not yet rated).
_Value = int | str | None

#: An indicator's result with what its dimension adds up: (result, not applicable, rated (1 or 0),
#: weight if rated else 0.0, weight × score if rated else 0.0, spread, not applicable + rated × 2**32).
#: The last lets a batch add both counts up in one sum (:class:`_Batch`).
_Row = tuple[IndicatorScore, int, int, float, float, float | None, int]


#: Per indicator position, its rows by the indicator's raw values in a layout's order (see :class:`_Columns`).
_Memos = list[dict[tuple[_Value, ...], _Row]]


def _row(item: IndicatorScore) -> _Row:
    na = item.not_applicable
    if item.score is None:
        return (item, na, 0, 0.0, 0.0, None, na)
    # 0.0 + weight: a float, as score()'s sums start at 0.0 (an int weight stays exact)
    return (item, na, 1, 0.0 + item.weight, item.weight * item.score, item.spread, na + _RATED_ONE)


#: A rated indicator in a row's packed counts (:data:`_Row`): counts of one assessment stay far below it.
_RATED_ONE = 1 << 32


class _Columns:
    """A bulk layout (the indicator and rater columns many entries share) as scoring sees it.

    ``getters[pos]`` takes an indicator's raw values out of a value column, in the layout's order:
    memo keys built at C speed for a whole batch of entries, with no codes, sorting or search per
    entry. ``raters`` is the number of distinct raters the layout names (the joint rating, without
    a rater, is none).
    """

    __slots__ = ("getters", "raters")

    def __init__(self, fast: _FastPlan, positions: list[int], raters: Sequence[str | None]) -> None:
        at: list[list[int]] = [[] for _ in fast.plan.entries]
        for k, pos in enumerate(positions):
            at[pos].append(k)
        self.getters: list[Callable[[list[_Value]], tuple[_Value, ...]]] = [
            itemgetter(*ks) if len(ks) > 1 else partial(_pick, ks) for ks in at
        ]
        self.raters = len({r for r in raters if r is not None})


def _pick(ks: list[int], values: list[_Value]) -> tuple[_Value, ...]:
    """``itemgetter(*ks)(values)`` as a tuple also for fewer than two positions."""
    return tuple([values[k] for k in ks])


_FAST: IdentityMemo[_Plan, _FastPlan] = IdentityMemo()


def _fast_plan(plan: _Plan) -> _FastPlan:
    return _FAST.get(plan, _FastPlan)


def _score_codes(
    assessment: Assessment,
    fw: Framework,
    fast: _FastPlan,
    codes: Sequence[int],
    agg: Aggregation,
    changes: VersionChanges | None,
) -> Scorecard:
    """:func:`score` from the assessment's codes (see :class:`_FastPlan`); the same results, memoised."""
    codes = tuple(sorted(codes))  # a tuple: its slices are the memo's keys as they are
    memo = fast.memo(agg)
    memo_get = memo.get
    empty = fast.empty
    rows: list[_Row] = []
    lo = 0
    for pos, bound in enumerate(fast.ind_bounds):
        hi = bisect_left(codes, bound, lo)
        if hi == lo:
            rows.append(empty[pos])
            continue
        key = codes[lo:hi]
        row = memo_get(key)
        if row is None:
            row = memo[key] = _row(fast.indicator(pos, key, agg))
        rows.append(row)
        lo = hi
    n_blank = len(codes) - lo  # the codes past the last indicator: entries not yet rated
    ratings = assessment.ratings
    given = [r for r in ratings if r.value is not None or r.not_applicable is True] if n_blank else ratings
    return _card(assessment, fw, fast, rows, agg, changes, (len(given), _rater_count(given), n_blank))


def _card(
    assessment: Assessment,
    fw: Framework,
    fast: _FastPlan,
    rows: list[_Row],
    agg: Aggregation,
    changes: VersionChanges | None,
    counts: tuple[int, int, int],
) -> Scorecard:
    """The scorecard from every indicator's row, in framework order; ``counts`` are the ratings
    that say something, their distinct raters and the entries not yet rated."""
    dim_scores: list[DimensionScore] = []
    total_w = 0.0
    total_ws = 0.0
    rated_all = 0
    n_na = 0
    for dim_id, number, title, size, start, stop in fast.dims:
        # The same additions, in the same order, as score(): identical floats.
        w_sum = 0.0
        ws_sum = 0.0
        rated = 0
        d_na = 0
        spreads: list[float] = []
        for _, na, is_rated, w, ws, spread, _ in rows[start:stop]:
            d_na += na
            if is_rated:
                if spread is not None:
                    spreads.append(spread)
                rated += 1
                w_sum += w
                ws_sum += ws
        n_na += d_na
        if rated:
            d_score = ws_sum / w_sum
            total_w += w_sum
            total_ws += w_sum * d_score
            rated_all += rated
            spread_mean = sum(spreads) / len(spreads) if spreads else None
            dim_scores.append(DimensionScore(dim_id, number, title, size, rated, d_na, w_sum, d_score, spread_mean))
        else:
            dim_scores.append(DimensionScore(dim_id, number, title, size, 0, d_na, 0.0, None, None))
    n = len(fast.plan.entries)
    given, raters, n_blank = counts
    return Scorecard(
        framework=fw.id,
        framework_version=fw.version,
        subject=assessment.subject,
        period=assessment.period,
        aggregation=agg.id,
        overall=total_ws / total_w if rated_all else None,
        coverage=rated_all / n,  # n > 0: a framework has a dimension, a dimension an indicator
        not_applicable=n_na,
        ratings=given,
        raters=raters,
        dimensions=tuple(dim_scores),
        indicators=tuple(map(_ITEM, rows)),
        changes=changes,
        unrated=n_blank,
    )


_ITEM = itemgetter(0)  # a row's IndicatorScore
_LAZY_FIELDS = frozenset(("dimensions", "indicators"))
#: The fields of a row (:data:`_Row`) a batch adds up: weight, weight × score, the packed counts.
_W, _WS, _PACKED = (itemgetter(k) for k in (3, 4, 6))


def _ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, ``None`` when nothing was added up (a weight sum is > 0 once rated)."""
    return numerator / denominator if denominator else None


def _weighted(w_sum: float, ws_sum: float) -> float:
    """What a dimension adds to the overall sum: ``W_d × S_d`` as :func:`score` computes it (0.0 unrated)."""
    return w_sum * (ws_sum / w_sum) if w_sum else 0.0


def _added(columns: Sequence[Iterable[Any]]) -> list[Any]:
    """Element-wise sums of ``columns``, left to right: for each item, ``((c0 + c1) + c2) + …``.

    Starting from the first column instead of 0.0 gives the same floats (``0.0 + x == x``), and
    adding 0.0 for a row that is not counted leaves a float sum as it is: so these are exactly the
    sums score() makes with its tests (never ``sum()``, which compensates since Python 3.12).
    """
    acc: Iterable[Any] = columns[0]
    for column in columns[1:]:
        acc = map(add, acc, column)
    return list(acc)


class _Batch:
    """Many assessments of one bulk layout (:class:`_Columns`), scored together: each indicator's
    rows for the whole batch at once, the dimension sums added up for the batch; the scorecards'
    dimension and indicator objects are made on first read."""

    __slots__ = ("dims", "positions")

    def __init__(
        self, fast: _FastPlan, columns: _Columns, values: list[list[_Value]], memos: _Memos, agg: Aggregation
    ) -> None:
        #: Per indicator position, the rows of every assessment of the batch.
        self.positions: list[list[_Row]] = []
        for pos, (getter, memo) in enumerate(zip(columns.getters, memos, strict=True)):
            keys = list(map(getter, values))
            rows = list(map(memo.get, keys))
            if not all(rows):  # C speed; a row is a non-empty tuple
                for j, row in enumerate(rows):
                    if row is None:
                        key = keys[j]
                        row = memo.get(key)
                        if row is None:
                            row = memo[key] = fast.value_row(pos, key, agg)
                        rows[j] = row
            self.positions.append(rows)  # type: ignore[arg-type]  # no None left
        self.dims: list[tuple[tuple[str, int, str, int, int, int], list[int], list[float], list[float]]] = []
        for dim in fast.dims:
            cols = self.positions[dim[4] : dim[5]]
            packed = _added([map(_PACKED, c) for c in cols])
            self.dims.append((dim, packed, _added([map(_W, c) for c in cols]), _added([map(_WS, c) for c in cols])))

    def totals(self) -> tuple[list[float], list[float], list[int]]:
        """Per assessment: the overall weight and weighted sums, and the packed counts."""
        dims = self.dims
        total_w = _added([d[2] for d in dims])
        total_ws = _added([map(_weighted, d[2], d[3]) for d in dims])
        return total_w, total_ws, _added([d[1] for d in dims])

    def fill(self, i: int, state: dict[str, Any]) -> None:
        """Put scorecard ``i``'s dimension and indicator objects into its ``__dict__``."""
        positions = self.positions
        state["indicators"] = tuple([c[i][0] for c in positions])
        dims = []
        for (dim_id, number, title, size, start, stop), packed, w, ws in self.dims:
            rated, na = divmod(packed[i], _RATED_ONE)
            spreads = [s for c in positions[start:stop] if (s := c[i][5]) is not None]  # rated ones only
            dims.append(
                DimensionScore(
                    dim_id,
                    number,
                    title,
                    size,
                    rated,
                    na,
                    w[i],
                    _ratio(ws[i], w[i]),
                    sum(spreads) / len(spreads) if spreads else None,  # as _card and score() compute it
                )
            )
        state["dimensions"] = tuple(dims)
        state.pop("_lazy", None)


_new_object = object.__new__


def _batch_cards(
    fw: Framework,
    fast: _FastPlan,
    columns: _Columns,
    memos: _Memos,
    work: list[tuple[Assessment, list[_Value], bool]],
    agg: Aggregation,
    changes: VersionChanges | None,
) -> list[Scorecard]:
    """The scorecards of ``work`` (assessments of one bulk layout, each with its value column, every
    rating known to fit: the loader's handoff; and whether the column holds a ``None``): the numbers
    of :func:`_card`, the dimension and indicator objects lazily (see :class:`_Batch`)."""
    batch = _Batch(fast, columns, [w[1] for w in work], memos, agg)
    total_w, total_ws, packed = batch.totals()
    overall = map(_ratio, total_ws, total_w)
    coverage = map(truediv, map(floordiv, packed, repeat(_RATED_ONE)), repeat(len(fast.plan.entries)))
    n_na = map(mod, packed, repeat(_RATED_ONE))
    fw_id, fw_version, agg_id = fw.id, fw.version, agg.id
    out: list[Scorecard] = []
    append = out.append
    full = columns.raters
    for i, (a, values, blanks), o, c, na in zip(range(len(work)), work, overall, coverage, n_na, strict=True):
        if blanks:
            given = [r for r in a.ratings if r.value is not None or r.not_applicable is True]
            counts = (len(given), _rater_count(given), values.count(None))
        else:
            counts = (len(values), full, 0)
        card = _new_object(Scorecard)
        card.__dict__.update(
            framework=fw_id,
            framework_version=fw_version,
            subject=a.subject,
            period=a.period,
            aggregation=agg_id,
            coverage=c,
            ratings=counts[0],
            raters=counts[1],
            not_applicable=na,
            overall=o,
            changes=changes,
            unrated=counts[2],
            _lazy=(batch, i),
        )
        append(card)
    return out


@overload
def score(
    assessment: Assessment,
    framework: Framework | None = None,
    *,
    aggregation: str | Aggregation = "mean",
    registry: Registry | None = None,
    complete: bool = False,
) -> Scorecard: ...
@overload
def score(  # deprecated since 0.3.0: the registry in the framework's place
    assessment: Assessment, framework: Registry, *, aggregation: str | Aggregation = "mean", complete: bool = False
) -> Scorecard: ...
def score(
    assessment: Assessment,
    framework: Framework | Registry | None = None,
    *,
    aggregation: str | Aggregation = "mean",
    registry: Registry | None = None,
    complete: bool = False,
) -> Scorecard:
    """Score ``assessment``; raises :class:`ValidationError` if it does not fit the framework.

    Entries not yet rated count against coverage (``Scorecard.unrated`` says how many); with
    ``complete=True`` they are refused instead, one problem each (:func:`unrated_problems`).

    ``framework`` is the framework (id and version as the assessment names them); without it the
    version the assessment names is taken from ``registry``. ``aggregation`` is an
    :class:`Aggregation` or an id: ``mean`` and ``median`` are built in, other ids are looked up in
    ``registry`` (never in plugins found behind the caller's back). With a registry the scorecard's
    ``changes`` say what changed since the version the assessment names. A registry passed in the
    framework's place (``score(a, registry)``) still works and is deprecated since 0.3.0.
    """
    _expect(assessment, Assessment, "assessment", "score")
    expect(aggregation, (str, Aggregation), "score", "aggregation")
    framework, registry = framework_source("score", framework, registry)
    agg = resolve_aggregation(aggregation, registry=registry)
    fw, problems = _resolve_framework(assessment, framework)
    if fw is None:
        raise ValidationError(problems)
    if complete and assessment.unrated:
        raise ValidationError(unrated_problems(assessment))
    plan = _plan(fw)
    ratings = assessment.ratings
    fast = _fast_plan(plan)
    codes: list[int] | None
    try:  # one dict lookup per rating, at C speed, when every rating object is known to fit
        codes = list(map(fast.codes.__getitem__, map(id, ratings)))
    except KeyError:
        codes = fast.learn(ratings)
    if codes is not None:
        changes = framework_changes(assessment, registry=registry) if registry is not None else None
        return _score_codes(assessment, fw, fast, codes, agg, changes)
    info = plan.info
    n = len(plan.entries)
    known_get = plan.known.get
    tokens = list(map(known_get, map(_KEY, ratings)))
    if None in tokens or not _tiers_fit(plan, ratings):
        tokens = [plan.token(r) for r in ratings]
        if None in tokens:
            raise _invalid(assessment, fw)
    buckets: list[list[int | None]] = [[] for _ in range(n + 1)]  # the last: entries not yet rated
    for pos, value in tokens:  # type: ignore[misc]  # no None left
        buckets[pos].append(value)
    tiers: dict[int, dict[str, int]] = {}
    if set(map(_TIER, ratings)) != {None}:
        for r in ratings:
            if r.tier is not None and r.value is not None:  # an entry not yet rated names nothing yet
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
    tiered = tiers.__contains__ if tiers else None
    for dim, (start, stop) in zip(fw.dimensions, plan.dim_ranges, strict=True):
        w_sum = 0.0
        ws_sum = 0.0
        rated = 0
        d_na = 0
        spreads: list[float] = []
        for pos in range(start, stop):
            raw = buckets[pos]
            na = 0
            if None in raw:
                na = raw.count(None)
                d_na += na
                raw = [v for v in raw if v is not None]
            if not raw:
                unrated = memo_get((pos, na))
                if unrated is None:
                    ind_id, dim_id, weight = entries[pos]
                    unrated = memo[(pos, na)] = IndicatorScore(ind_id, dim_id, weight, None, (), na)
                ind_scores.append(unrated)
                continue
            values: list[int] = raw  # type: ignore[assignment]  # no None left
            values.sort()
            key = (pos, na, *values)
            if tiered is not None and tiered(pos):
                item = _indicator_score(entries[pos], levels_of[pos], values, na, agg, tiers[pos])
            else:
                hit = memo_get(key)
                if hit is None:
                    hit = memo[key] = _indicator_score(entries[pos], levels_of[pos], values, na, agg, None)
                item = hit
            ind_scores.append(item)
            spread = item.spread
            if spread is not None:
                spreads.append(spread)
            rated += 1
            weight = item.weight
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
                stop - start,
                rated,
                d_na,
                w_sum,
                d_score,
                sum(spreads) / len(spreads) if spreads else None,
            )
        )
    overall = total_ws / total_w if rated_all else None
    changes = framework_changes(assessment, registry=registry) if registry is not None else None
    n_blank = len(buckets[n])
    given = [r for r in ratings if r.value is not None or r.not_applicable is True] if n_blank else ratings
    return Scorecard(
        framework=fw.id,
        framework_version=fw.version,
        subject=assessment.subject,
        period=assessment.period,
        aggregation=agg.id,
        overall=overall,
        coverage=rated_all / n,  # n > 0: a framework has a dimension, a dimension an indicator
        not_applicable=n_na,
        ratings=len(given),
        raters=_rater_count(given),
        dimensions=tuple(dim_scores),
        indicators=tuple(ind_scores),
        changes=changes,
        unrated=n_blank,
    )


def _rater_count(ratings: Sequence[Rating]) -> int:
    """How many raters rated: distinct rater ids; the joint rating (rater ``None``) is no rater."""
    raters = set(map(_RATER, ratings))
    raters.discard(None)
    return len(raters)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large acyclic tree of objects.

    Bulk loading and scoring allocate millions of objects; every few thousand allocations would
    otherwise trigger a collection that walks all of them (it roughly doubles the time). The
    objects built here hold no reference cycles, so nothing is leaked; the previous state is restored.

    Nothing more global than that: moving the new objects to the oldest generation on the way out
    (``gc.freeze(); gc.unfreeze()``) would spare the next young collection a walk over them, but it
    moves the *caller's* young objects too, and their reference cycles then outlive every young
    collection (a service scoring per request kept each request's garbage).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@overload
def score_all(
    assessments: Iterable[Assessment],
    framework: Framework | None = None,
    *,
    aggregation: str | Aggregation = "mean",
    registry: Registry | None = None,
    complete: bool = False,
) -> list[Scorecard]: ...
@overload
def score_all(  # deprecated since 0.3.0: the registry in the framework's place
    assessments: Iterable[Assessment],
    framework: Registry,
    *,
    aggregation: str | Aggregation = "mean",
    complete: bool = False,
) -> list[Scorecard]: ...
def score_all(
    assessments: Iterable[Assessment],
    framework: Framework | Registry | None = None,
    *,
    aggregation: str | Aggregation = "mean",
    registry: Registry | None = None,
    complete: bool = False,
) -> list[Scorecard]:
    """:func:`score` for many assessments (e.g. a bulk file), in order; the same arguments."""
    expect(aggregation, (str, Aggregation), "score_all", "aggregation")
    framework, registry = framework_source("score_all", framework, registry)
    if isinstance(assessments, (str, bytes, Assessment)) or not isinstance(assessments, Iterable):
        refuse(assessments, "score_all", "assessments", "an iterable of Assessment")
    agg = resolve_aggregation(aggregation, registry=registry)
    # Per (framework id, version): the framework, its fast plan and the version changes, found once.
    found: dict[tuple[str, str], tuple[Framework, _FastPlan, VersionChanges | None, _Memos]] = {}
    # Per framework key and bulk layout, the loader's assessments waiting to be scored as a batch
    # (with their value columns) and their places in ``out``.
    waiting: dict[tuple[tuple[str, str], int], tuple[_Columns, list[tuple[Assessment, list[_Value], bool]], list[int]]]
    waiting = {}
    out: list[Scorecard | None] = []

    def flush(key: tuple[tuple[str, str], int]) -> None:
        columns, work, places = waiting.pop(key)
        fw, fast, changes, memos = found[key[0]]
        for place, card in zip(places, _batch_cards(fw, fast, columns, memos, work, agg, changes), strict=True):
            out[place] = card

    with _gc_paused():
        for a in assessments:
            key = (a.framework, a.framework_version)
            hit = found.get(key) if type(a) is Assessment and not complete else None
            if hit is None and type(a) is Assessment and not complete:
                fw, _ = _resolve_framework(a, framework)
                if fw is not None:
                    changes = framework_changes(a, registry=registry) if registry is not None else None
                    fast = _fast_plan(_plan(fw))
                    hit = found[key] = (fw, fast, changes, fast.value_memos(agg))
            if hit is not None:
                fast = hit[1]
                known = fast.handoff.pop(id(a.ratings), None) if fast.handoff else None
                if known is not None and known[0] is a.ratings:
                    group_key = (key, id(known[1]))
                    group = waiting.get(group_key)
                    if group is None:
                        group = waiting[group_key] = (known[1], [], [])
                    group[1].append((a, known[2], known[3]))
                    group[2].append(len(out))
                    out.append(None)
                    if len(group[2]) >= _BATCH:
                        flush(group_key)
                    continue
                codes: list[int] | None
                try:
                    codes = list(map(fast.codes.__getitem__, map(id, a.ratings)))
                except KeyError:
                    codes = fast.learn(a.ratings)
                if codes is not None:
                    out.append(_score_codes(a, hit[0], fast, codes, agg, hit[2]))
                    continue
            if isinstance(framework, Framework):
                out.append(score(a, framework, aggregation=agg, registry=registry, complete=complete))
            else:
                out.append(score(a, aggregation=agg, registry=framework, complete=complete))
        for pending in list(waiting):
            flush(pending)
    return cast("list[Scorecard]", out)  # every place filled


#: Assessments scored together (:class:`_Batch`): large enough that the per-batch work is small,
#: small enough that the batch's temporary rows stay a few megabytes.
_BATCH = 2048


def _expect(value: object, cls: type, name: str, function: str) -> None:
    """A wrong Python type is the caller's bug: ``TypeError`` (data problems are ``QFrameworkError``s)."""
    if not isinstance(value, cls):
        expect(value, cls, function, name)


def disagreements(scorecard: Scorecard, threshold: float = DEFAULT_DISAGREEMENT) -> tuple[IndicatorScore, ...]:
    """The indicators worth discussing, most contested first.

    An indicator is flagged when the spread of its raters' normalised values (``max - min``) is at
    least ``threshold`` (default 0.4: two steps on a 6-level scale, one and a bit on a 4-level one),
    or when some raters found it not applicable while others rated it. Order: spread descending,
    then framework order.
    """
    _expect(scorecard, Scorecard, "scorecard", "disagreements")
    threshold = expect_number(threshold, "disagreements", "threshold")
    flagged = [
        (i, item)
        for i, item in enumerate(scorecard.indicators)
        if (item.spread is not None and item.spread >= threshold - 1e-12) or item.applicability_disputed
    ]
    flagged.sort(key=lambda pair: (-(pair[1].spread or 0.0), pair[0]))
    return tuple(item for _, item in flagged)


def priorities(scorecard: Scorecard, n: int = 3) -> tuple[DimensionScore, ...]:
    """The ``n`` weakest dimensions: lowest score first; ties by lower coverage, then by number.

    Dimensions without any rated indicator are left out (nothing is known about them); the result
    is the input to needs-based assignment of topics.
    """
    _expect(scorecard, Scorecard, "scorecard", "priorities")
    expect_int(n, "priorities", "n")
    if n < 0:
        raise ValueError(f"n must be ≥ 0, got {n}")
    scored = [d for d in scorecard.dimensions if d.score is not None]
    scored.sort(key=lambda d: (d.score, d.coverage, d.number))
    return tuple(scored[:n])


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def compare(before: Scorecard, after: Scorecard) -> Comparison:
    """Compare two scorecards of one subject and framework dimension by dimension (by dimension id).

    Refused (:class:`QFrameworkError`) when the frameworks, the subjects or the aggregations
    differ, or when ``before``'s period comes after ``after``'s (periods compare as text:
    ``2024`` < ``2024-H2`` < ``2025``). Versions may differ: a dimension present in only one of
    them has ``None`` on the other side. Order: the dimensions of ``after``, then any that only
    ``before`` has.
    """
    _expect(before, Scorecard, "before", "compare")
    _expect(after, Scorecard, "after", "compare")
    if before.framework != after.framework:
        raise QFrameworkError(
            f"cannot compare scorecards of different frameworks: {before.framework!r} and {after.framework!r}"
        )
    if before.subject.id != after.subject.id:
        raise QFrameworkError(
            f"cannot compare scorecards of different subjects: {before.subject.id!r} and {after.subject.id!r}; "
            "compare measures one subject's progress"
        )
    if before.aggregation != after.aggregation:
        raise QFrameworkError(
            f"cannot compare scorecards of different aggregations: {before.aggregation!r} and "
            f"{after.aggregation!r}; score both with the same one"
        )
    if before.period > after.period:
        raise QFrameworkError(
            f"the 'before' scorecard's period {before.period!r} is later than the 'after' one's "
            f"{after.period!r}; swap them"
        )
    old = {d.dimension: d for d in before.dimensions}
    rows: list[DimensionChange] = []
    for d in after.dimensions:
        prev = old.pop(d.dimension, None)
        was = prev.score if prev else None
        rows.append(
            DimensionChange(dimension=d.dimension, title=d.title, before=was, after=d.score, delta=_delta(was, d.score))
        )
    rows.extend(DimensionChange(dimension=d.dimension, title=d.title, before=d.score) for d in old.values())
    return Comparison(
        before=before, after=after, dimensions=tuple(rows), overall_delta=_delta(before.overall, after.overall)
    )
