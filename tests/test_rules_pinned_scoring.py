"""The rules of comparison, disagreement and priorities, pinned on hand-built scorecards (issue 19).

The scorecards are constructed directly (not scored), so every expected value below is the rule
applied by hand to numbers that are exact in binary floating point.
"""

from __future__ import annotations

import pytest

from qframework.assessment import (
    DimensionChange,
    DimensionScore,
    IndicatorScore,
    Scorecard,
    Subject,
    compare,
    disagreements,
    priorities,
)
from qframework.errors import NotFound, QFrameworkError


def dim(
    did: str, number: int, score: float | None, *, rated: int = 2, indicators: int = 2, title: str = ""
) -> DimensionScore:
    return DimensionScore(did, number, title or did.upper(), indicators, rated, 0, 1.0, score)


def ind(iid: str, *, spread: float | None = None, values: tuple[int, ...] = (), na: int = 0) -> IndicatorScore:
    return IndicatorScore(iid, "d1", 1.0, 0.5 if values else None, values, na, spread)


def card(
    *dims: DimensionScore,
    indicators: tuple[IndicatorScore, ...] = (),
    period: str = "2024",
    overall: float | None = None,
    subject: str = "kreis-a",
    framework: str = "fw",
    aggregation: str = "mean",
    unrated: int = 0,
) -> Scorecard:
    return Scorecard(
        framework_id=framework,
        framework_version="1",
        subject=Subject(subject),
        period=period,
        aggregation=aggregation,
        coverage=1.0,
        ratings=1,
        raters=1,
        not_applicable=0,
        dimensions=dims,
        indicators=indicators,
        overall=overall,
        unrated=unrated,
    )


# -- compare ---------------------------------------------------------------------------------------


def test_compare_keeps_dimensions_of_either_side() -> None:
    """Rule: compare() matches dimensions by id; one only in ``after`` or only in ``before`` is kept, the
    missing side ``None`` and no delta; order: ``after``'s dimensions, then those only ``before`` has."""
    before = card(dim("d1", 1, 0.25, title="Alt"), dim("d2", 2, 0.75), dim("d4", 4, 0.5), overall=0.5)
    after = card(dim("d1", 1, 0.75, title="Neu"), dim("d3", 3, 0.5), dim("d4", 4, 0.5), period="2025", overall=0.25)
    c = compare(before, after)
    assert c.dimensions == (
        DimensionChange(dimension="d1", title="Neu", before=0.25, after=0.75, delta=0.5),
        DimensionChange(dimension="d3", title="D3", before=None, after=0.5, delta=None),
        DimensionChange(dimension="d4", title="D4", before=0.5, after=0.5, delta=0.0),
        DimensionChange(dimension="d2", title="D2", before=0.75, after=None, delta=None),
    )
    assert c.overall_delta == -0.25
    assert [d.dimension for d in c.improved] == ["d1"]
    assert c.declined == ()


def test_compare_delta_needs_both_sides_scored() -> None:
    """Rule: a delta (dimension or overall) exists only when both sides have a score."""
    before = card(dim("d1", 1, None, rated=0), dim("d2", 2, 0.5), overall=None)
    after = card(dim("d1", 1, 0.5), dim("d2", 2, None, rated=0), period="2025", overall=0.5)
    c = compare(before, after)
    assert [(d.before, d.after, d.delta) for d in c.dimensions] == [(None, 0.5, None), (0.5, None, None)]
    assert c.overall_delta is None
    assert compare(card(overall=0.5), card(period="2025", overall=None)).overall_delta is None
    assert c.improved == () and c.declined == ()


def test_compare_declined_dimensions() -> None:
    """Rule: ``declined`` lists the dimensions whose score fell, ``improved`` those whose score rose."""
    c = compare(card(dim("d1", 1, 0.75), dim("d2", 2, 0.25)), card(dim("d1", 1, 0.5), dim("d2", 2, 0.5), period="2025"))
    assert [d.dimension for d in c.declined] == ["d1"]
    assert [d.dimension for d in c.improved] == ["d2"]


def test_compare_same_period_is_allowed() -> None:
    """Rule: ``before`` may not be later than ``after``; the same period (a re-rating) is fine."""
    assert compare(card(dim("d1", 1, 0.5)), card(dim("d1", 1, 0.75))).dimensions[0].delta == 0.25


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (card(framework="a"), card(framework="b"), "cannot compare scorecards of different frameworks: 'a' and 'b'"),
        (card(subject="s1"), card(subject="s2"), "cannot compare scorecards of different subjects: 's1' and 's2'"),
        (
            card(aggregation="mean"),
            card(aggregation="median"),
            "cannot compare scorecards of different aggregations: 'mean' and 'median'",
        ),
        (card(period="2025"), card(period="2024"), "the 'before' scorecard's period '2025' is later than"),
    ],
)
def test_compare_refuses_what_is_not_progress(before: Scorecard, after: Scorecard, message: str) -> None:
    """Rule: compare() refuses different frameworks, subjects, aggregations and reversed periods, saying which."""
    with pytest.raises(QFrameworkError) as info:
        compare(before, after)
    assert message in str(info.value)


# -- disagreements ---------------------------------------------------------------------------------


INDICATORS = (
    ind("i1", spread=0.5, values=(2, 4)),
    ind("i2", spread=1.0, values=(1, 6)),
    ind("i3", spread=0.5, values=(2, 4)),
    ind("i4", values=(3,), na=1),  # disputed applicability, no spread
    ind("i5", spread=0.25, values=(2, 3)),
    ind("i6", na=2),  # nobody rated it: nothing disputed
    ind("i7", spread=0.0, values=(3, 3)),
)


def test_disagreements_most_contested_first_ties_in_framework_order() -> None:
    """Rule: flagged indicators come by spread descending, equal spreads in framework order, and a disputed
    applicability without a spread last."""
    flagged = disagreements(card(indicators=INDICATORS))
    assert [i.indicator for i in flagged] == ["i2", "i1", "i3", "i4"]


def test_disagreements_threshold_is_inclusive() -> None:
    """Rule: a spread equal to the threshold is flagged (also when float subtraction lands just below it)."""
    assert [i.indicator for i in disagreements(card(indicators=INDICATORS), 0.25)] == ["i2", "i1", "i3", "i5", "i4"]
    almost = ind("i8", spread=0.6 - 0.2, values=(2, 4))  # 0.39999999999999997
    assert disagreements(card(indicators=(almost,))) == (almost,)
    assert disagreements(card(indicators=(ind("i9", spread=0.375, values=(2, 4)),))) == ()


def test_indicator_score_rated_and_disputed() -> None:
    """Rule: an indicator is rated when it has a score (0.0 is a score); applicability is disputed when some
    raters rated it and others found it not applicable."""
    zero = IndicatorScore("i1", "d1", 1.0, 0.0, (1,), 0)
    assert zero.rated
    assert not IndicatorScore("i1", "d1", 1.0, None, (), 2).rated
    assert not zero.applicability_disputed
    assert IndicatorScore("i1", "d1", 1.0, 0.0, (1,), 1).applicability_disputed
    assert not IndicatorScore("i1", "d1", 1.0, None, (), 1).applicability_disputed


# -- priorities ------------------------------------------------------------------------------------


DIMS = (
    dim("d1", 1, 0.5, rated=1),
    dim("d2", 2, 0.25, rated=2),
    dim("d3", 3, 0.25, rated=1),
    dim("d4", 4, None, rated=0),
    dim("d5", 5, 0.5, rated=1),
    dim("d6", 6, 0.75),
)


def test_priorities_default_three_weakest() -> None:
    """Rule: priorities() gives the three weakest scored dimensions by default; ties by lower coverage,
    then by number; unscored dimensions are left out."""
    assert [d.dimension for d in priorities(card(*DIMS))] == ["d3", "d2", "d1"]
    assert [d.dimension for d in priorities(card(*DIMS), 10)] == ["d3", "d2", "d1", "d5", "d6"]


def test_priorities_zero_and_negative() -> None:
    """Rule: ``n = 0`` asks for nothing; a negative ``n`` is a mistake, said with the value."""
    assert priorities(card(*DIMS), 0) == ()
    with pytest.raises(ValueError, match="n must be ≥ 0, got -1"):
        priorities(card(*DIMS), -1)


def test_dimension_coverage() -> None:
    """Rule: coverage is rated / indicators, and 0 for a dimension without indicators."""
    assert dim("d1", 1, 0.5, rated=1, indicators=4).coverage == 0.25
    assert dim("d1", 1, None, rated=0, indicators=0).coverage == 0.0


# -- scorecard lookups -----------------------------------------------------------------------------


def test_scorecard_complete_and_lookups() -> None:
    """Rule: a scorecard is complete when no entry is unrated; lookups by id raise NotFound naming the ids."""
    c = card(dim("d1", 1, 0.5), dim("d2", 2, 0.5), indicators=(ind("i1"), ind("i2")), unrated=0)
    assert c.complete
    assert not card(unrated=1).complete
    assert c.dimension("d2").number == 2
    assert c.indicator("i2").indicator == "i2"
    with pytest.raises(NotFound, match="d1, d2"):
        c.dimension("d9")
    with pytest.raises(NotFound, match="i1, i2"):
        c.indicator("i9")
