"""Property tests for assessments: each test's docstring states the rule it proves.

Frameworks come from the shared ``strategies.frameworks()``; the assessment strategy below rates a
random subset of indicators by one to four raters with values, not-applicable (where the scale
allows it) and tiers.
"""

from __future__ import annotations

import math

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import framework_and_assessment, frameworks

from qframework.assessment import (
    Assessment,
    Rater,
    Rating,
    Subject,
    dumps_assessments,
    loads_assessments,
    score,
)
from qframework.io import dumps, loads
from qframework.model import Framework


def in_unit(x: float | None) -> bool:
    return x is None or 0.0 <= x <= 1.0


@settings(max_examples=50, deadline=None)  # heavy strategies; no timing in tests
@given(frameworks(), st.data(), st.sampled_from(["mean", "median"]))
def test_normalisation_stays_in_unit_interval(fw: Framework, data: st.DataObject, aggregation: str) -> None:
    """What score() computes: one rating per indicator at a chosen step ``k`` of its scale gives
    the indicator score (k-th level - lowest) / (highest - lowest), in 0..1, exactly 0 at the
    lowest level and exactly 1 at the highest; the dimension scores lie in 0..1 as well, and all
    of them grow with the level rated (normalisation preserves the order of the levels)."""
    raters = (Rater("koordination"),)
    cards = []
    for step in ("lowest", "random", "highest"):
        ratings = []
        for ind in fw.indicators():
            levels = fw.scale_of(ind).levels
            k = {"lowest": 0, "highest": len(levels) - 1}.get(step)
            if k is None:
                k = data.draw(st.integers(0, len(levels) - 1))
            ratings.append(Rating(ind.id, levels[k].value, rater="koordination"))
        a = Assessment(fw.id, fw.version, Subject("kreis-x"), "2024", tuple(ratings), raters)
        cards.append((score(a, fw, aggregation=aggregation), ratings))
    for card, ratings in cards:
        for item, rating in zip(card.indicators, ratings, strict=True):
            scale = fw.scale_of(fw.indicator(rating.indicator))
            assert item.score is not None and 0.0 <= item.score <= 1.0
            assert item.score == (rating.value - scale.minimum) / (scale.maximum - scale.minimum)  # type: ignore[operator]
        assert all(d.score is not None and 0.0 <= d.score <= 1.0 for d in card.dimensions)
    (low, _), (mid, _), (high, _) = cards
    assert all(i.score == 0.0 for i in low.indicators) and all(i.score == 1.0 for i in high.indicators)
    assert all(d.score == pytest.approx(0.0, abs=1e-12) for d in low.dimensions)
    assert all(d.score == pytest.approx(1.0, rel=1e-12) for d in high.dimensions)
    for a, b, c in zip(low.indicators, mid.indicators, high.indicators, strict=True):
        assert a.score <= b.score <= c.score  # type: ignore[operator]


@settings(max_examples=50, deadline=None)  # heavy strategies; no timing in tests
@given(framework_and_assessment(), st.sampled_from(["mean", "median"]))
def test_all_scores_stay_in_unit_interval(pair: tuple[Framework, Assessment], aggregation: str) -> None:
    """Indicator, dimension and overall scores, spreads and coverage all lie in 0..1."""
    fw, a = pair
    card = score(a, fw, aggregation=aggregation)
    assert all(in_unit(i.score) and in_unit(i.spread) for i in card.indicators)
    assert all(in_unit(d.score) and in_unit(d.spread) and 0 <= d.coverage <= 1 for d in card.dimensions)
    assert in_unit(card.overall) and 0 <= card.coverage <= 1


@settings(max_examples=50, deadline=None)  # heavy strategies; no timing in tests
@given(framework_and_assessment(), st.data())
def test_not_applicable_never_lowers_a_score(pair: tuple[Framework, Assessment], data: st.DataObject) -> None:
    """Adding not-applicable ratings (by a further rater) changes no score and no coverage:
    n/a is never counted as zero. Only the n/a counts grow."""
    fw, a = pair
    allowed = [i.id for i in fw.indicators() if fw.scale_of(i).allow_not_applicable]
    chosen = data.draw(st.lists(st.sampled_from(allowed), unique=True, min_size=1)) if allowed else []
    extra = tuple(Rating(i, not_applicable=True, rater="zusatz") for i in chosen)
    b = attrs.evolve(a, ratings=a.ratings + extra, raters=(*a.raters, Rater("zusatz")))
    before, after = score(a, fw), score(b, fw)
    assert after.overall == before.overall
    assert after.coverage == before.coverage
    assert [d.score for d in after.dimensions] == [d.score for d in before.dimensions]
    assert [i.score for i in after.indicators] == [i.score for i in before.indicators]
    assert after.not_applicable == before.not_applicable + len(chosen)
    if before.overall is not None and after.overall is not None:
        assert after.overall >= before.overall


@settings(max_examples=50, deadline=None)  # heavy strategies; no timing in tests
@given(framework_and_assessment())
def test_overall_is_weighted_mean_of_dimension_scores(pair: tuple[Framework, Assessment]) -> None:
    """overall = sum(W_d * S_d) / sum(W_d), where W_d is the summed framework weight of the
    dimension's indicators that have at least one applicable rating, and S_d its score;
    S_d itself is the weighted mean of those indicators' scores. Weights are recomputed here
    from the framework and the ratings, not taken from the scorecard."""
    fw, a = pair
    card = score(a, fw)
    rated = {r.indicator for r in a.ratings if not r.not_applicable}
    num = den = 0.0
    for dim, dim_score in zip(fw.dimensions, card.dimensions, strict=True):
        w_d = sum(ind.weight for ind in dim.indicators if ind.id in rated)
        if w_d == 0:
            assert dim_score.score is None
            continue
        expected_d = sum(ind.weight * card.indicator(ind.id).score for ind in dim.indicators if ind.id in rated) / w_d  # type: ignore[operator]
        assert dim_score.score == pytest.approx(expected_d, rel=1e-9, abs=1e-12)
        num += w_d * dim_score.score  # type: ignore[operator]
        den += w_d
    if den == 0:
        assert card.overall is None
    else:
        assert card.overall == pytest.approx(num / den, rel=1e-9, abs=1e-12)
        # and the same as the weighted mean over all rated indicators
        flat = sum(i.weight * i.score for i in card.indicators if i.score is not None)  # type: ignore[operator]
        assert card.overall == pytest.approx(flat / den, rel=1e-9, abs=1e-12)


@settings(max_examples=50, deadline=None)  # heavy strategies; no timing in tests
@given(framework_and_assessment(), st.randoms(use_true_random=False), st.sampled_from(["mean", "median"]))
def test_score_is_invariant_to_order_of_ratings_and_raters(
    pair: tuple[Framework, Assessment], rnd: object, aggregation: str
) -> None:
    """Shuffling the ratings and the raters gives exactly the same scorecard."""
    fw, a = pair
    ratings, raters = list(a.ratings), list(a.raters)
    rnd.shuffle(ratings)  # type: ignore[attr-defined]
    rnd.shuffle(raters)  # type: ignore[attr-defined]
    shuffled = attrs.evolve(a, ratings=tuple(ratings), raters=tuple(raters))
    assert score(shuffled, fw, aggregation=aggregation) == score(a, fw, aggregation=aggregation)


@settings(max_examples=50, deadline=None)  # heavy strategies; no timing in tests
@given(framework_and_assessment(), st.data())
def test_indicator_score_is_mean_of_normalised_values(pair: tuple[Framework, Assessment], data: st.DataObject) -> None:
    """An indicator's (mean) score is the mean of (value - min) / (max - min) over its applicable
    ratings, computed here straight from the scale."""
    fw, a = pair
    card = score(a, fw)
    for ind in fw.indicators():
        scale = fw.scale_of(ind)
        vals = [
            (r.value - scale.minimum) / (scale.maximum - scale.minimum)
            for r in a.ratings
            if r.indicator == ind.id and not r.not_applicable
        ]  # type: ignore[operator]
        got = card.indicator(ind.id).score
        if vals:
            assert got == pytest.approx(math.fsum(vals) / len(vals), rel=1e-12, abs=1e-12)
        else:
            assert got is None


@settings(max_examples=50, deadline=None)  # heavy strategies; no timing in tests
@given(framework_and_assessment())
def test_toml_and_json_round_trips_are_lossless(pair: tuple[Framework, Assessment]) -> None:
    """dumps then loads gives an equal assessment, in TOML and in JSON."""
    _, a = pair
    assert loads(Assessment, dumps(a, format="toml"), format="toml") == a
    assert loads(Assessment, dumps(a, format="json"), format="json") == a


@settings(max_examples=50, deadline=None)  # heavy strategies; no timing in tests
@given(st.lists(framework_and_assessment(), min_size=1, max_size=3, unique_by=lambda pair: pair[1].key))
def test_bulk_json_round_trip_is_lossless(pairs: list[tuple[Framework, Assessment]]) -> None:
    """Many assessments (even of different frameworks) survive the columnar bulk JSON unchanged."""
    items = [a for _, a in pairs]
    assert loads_assessments(dumps_assessments(items), check=False) == items
