"""Scoring, agreement, priorities and progress, with expected values worked out by hand.

The framework is tests/assessment_fixtures.small_framework (weights i1 1, i2 3, i3 2, i4 1;
z6 = 1..6, s4 = 0..3, ja-nein = 0..1 without not-applicable).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import pytest
from assessment_fixtures import assessment, na, rate, registry_with, small_framework

from qframework import io
from qframework.assessment import (
    Aggregation,
    Rating,
    TierCount,
    check_assessment,
    compare,
    disagreements,
    priorities,
    score,
    score_all,
)
from qframework.errors import NotFound, PluginError, QFrameworkError, ValidationError
from qframework.hookspecs import hookimpl
from qframework.plugins import PluginInfo, load_registry, make_plugin_manager
from qframework.report.text import format_scorecard

FW = small_framework()


def worked_example():  # type: ignore[no-untyped-def]
    # i1: a=6 (1.0), b=1 (0.0)            -> mean 0.5, spread 1.0
    # i2: a=3 (1.0), b=n/a                 -> 1.0, applicability disputed
    # i3: c=2 (0.2)                        -> 0.2
    # i4: unrated
    return assessment(
        rate("i1", 6, "a"),
        rate("i1", 1, "b"),
        rate("i2", 3, "a"),
        na("i2", "b"),
        rate("i3", 2, "c"),
    )


def test_worked_example_indicator_dimension_overall() -> None:
    card = score(worked_example(), FW)
    assert card.indicator("i1").score == 0.5
    assert card.indicator("i1").values == (1, 6)
    assert card.indicator("i1").spread == 1.0
    assert card.indicator("i2").score == 1.0
    assert card.indicator("i2").not_applicable == 1
    assert card.indicator("i3").score == pytest.approx(0.2)
    assert card.indicator("i4").score is None
    # d1 = (1 * 0.5 + 3 * 1.0) / (1 + 3) = 0.875, W = 4
    assert card.dimension("d1").score == pytest.approx(0.875)
    assert card.dimension("d1").weight == 4.0
    # d2 = 0.2 (only i3 rated), W = 2
    assert card.dimension("d2").score == pytest.approx(0.2)
    assert card.dimension("d2").weight == 2.0
    # overall = (4 * 0.875 + 2 * 0.2) / 6 = 3.9 / 6 = 0.65
    assert card.overall == pytest.approx(0.65)
    assert card.coverage == 0.75
    assert card.dimension("d2").coverage == 0.5
    assert card.not_applicable == 1
    assert card.ratings == 5
    assert card.raters == 3


def test_not_applicable_is_not_zero() -> None:
    """i2 rated 3 by a and n/a by b scores 1.0, not the 0.5 a zero would give."""
    card = score(assessment(rate("i2", 3, "a"), na("i2", "b")), FW)
    assert card.indicator("i2").score == 1.0
    assert card.overall == 1.0


def test_only_not_applicable_leaves_indicator_unscored_and_uncovered() -> None:
    card = score(assessment(na("i1", "a"), rate("i3", 6, "a")), FW)
    assert card.indicator("i1").score is None
    assert card.dimension("d1").score is None
    assert card.dimension("d1").not_applicable == 1
    assert card.overall == 1.0
    assert card.coverage == 0.25


def test_nothing_rated() -> None:
    card = score(assessment(), FW)
    assert card.overall is None
    assert card.coverage == 0.0
    assert priorities(card) == ()


def test_median_and_mean_differ_on_an_outlier() -> None:
    # i1 by three raters: 1, 2, 6 -> 0.0, 0.2, 1.0; mean 0.4, median 0.2
    a = assessment(rate("i1", 1, "a"), rate("i1", 2, "b"), rate("i1", 6, "c"))
    assert score(a, FW).indicator("i1").score == pytest.approx(0.4)
    assert score(a, FW, aggregation="median").indicator("i1").score == pytest.approx(0.2)
    # even count: 1, 2 -> 0.0, 0.2 -> median 0.1
    b = assessment(rate("i1", 1, "a"), rate("i1", 2, "b"))
    assert score(b, FW, aggregation="median").indicator("i1").score == pytest.approx(0.1)


def test_several_raters_and_a_joint_rating() -> None:
    a = assessment(rate("i3", 6, None), rate("i3", 1, "a"))
    assert score(a, FW).indicator("i3").score == 0.5


def test_joint_rating_is_not_counted_as_a_rater() -> None:
    """Two declared raters plus the joint rating (rater None) are 3 ratings by 2 raters."""
    a = assessment(rate("i3", 6, None), rate("i3", 1, "a"), rate("i1", 2, "b"), raters=("a", "b"))
    card = score(a, FW)
    assert (card.ratings, card.raters) == (3, 2)
    assert "3 ratings by 2 raters" in format_scorecard(card)
    assert io.unstructure(card)["raters"] == 2
    assert score(assessment(rate("i3", 6, None)), FW).raters == 0


def test_known_rating_with_an_unknown_tier_is_refused() -> None:
    """The memo of ratings already found valid is keyed by (indicator, value, not_applicable); a
    rating that repeats a memoised one but names a tier the indicator lacks must still be refused."""
    fw = small_framework()  # a fresh plan
    a = assessment(rate("i4", 1, "a"), rate("i4", 1, "b", tier="bogus"))
    expected = ["ratings[1].tier: unknown tier 'bogus' of indicator 'i4' (tiers: mehr, mindest)"]
    assert [str(p) for p in check_assessment(a, fw)] == expected
    with pytest.raises(ValidationError) as info:
        score(a, fw)
    assert [str(p) for p in info.value.problems] == expected
    # and when every (indicator, value, not_applicable) is memoised already
    score(assessment(rate("i4", 1, "a"), rate("i1", 2, "a")), fw)
    b = assessment(rate("i1", 2, "a", tier="mehr"))
    with pytest.raises(ValidationError, match=r"ratings\[0\]\.tier: indicator 'i1' has no tiers"):
        score(b, fw)


def test_disagreements_flags_spread_and_disputed_applicability() -> None:
    card = score(worked_example(), FW)
    assert [i.indicator for i in disagreements(card)] == ["i1", "i2"]
    # 6 levels: 2 steps apart = 0.4 is flagged at the default threshold, 1 step (0.2) is not
    two = score(assessment(rate("i3", 2, "a"), rate("i3", 4, "b")), FW)
    one = score(assessment(rate("i3", 2, "a"), rate("i3", 3, "b")), FW)
    assert [i.indicator for i in disagreements(two)] == ["i3"]
    assert disagreements(one) == ()
    assert [i.indicator for i in disagreements(one, threshold=0.2)] == ["i3"]


def test_dimension_spread_is_mean_of_indicator_spreads() -> None:
    # i1 spread 1.0 (1 vs 6), i2 spread 1/3 (0 vs 1 on 0..3) -> d1 spread 2/3
    a = assessment(rate("i1", 1, "a"), rate("i1", 6, "b"), rate("i2", 0, "a"), rate("i2", 1, "b"))
    assert score(a, FW).dimension("d1").spread == pytest.approx((1.0 + 1 / 3) / 2)


def test_priorities_weakest_first_ties_by_coverage_then_number() -> None:
    card = score(worked_example(), FW)
    assert [d.dimension for d in priorities(card, 2)] == ["d2", "d1"]
    assert [d.dimension for d in priorities(card, 1)] == ["d2"]
    tie = score(assessment(rate("i1", 1, "a"), rate("i3", 1, "a"), rate("i4", 0, "a")), FW)
    # both dimensions score 0.0; d1 has coverage 1/2 and d2 2/2 -> d1 first
    assert [d.dimension for d in priorities(tie)] == ["d1", "d2"]
    with pytest.raises(ValueError, match="n must be"):
        priorities(card, -1)


def test_compare_progress() -> None:
    before = score(worked_example(), FW)
    after_a = assessment(rate("i1", 6, "a"), rate("i1", 6, "b"), rate("i3", 4, "c"))
    after = score(after_a, FW)
    result = compare(before, after)
    d1, d2 = result.dimensions
    assert d1.before == pytest.approx(0.875) and d1.after == 1.0 and d1.delta == pytest.approx(0.125)
    assert d2.before == pytest.approx(0.2) and d2.after == pytest.approx(0.6) and d2.delta == pytest.approx(0.4)
    assert result.overall_delta == pytest.approx(after.overall - 0.65)  # type: ignore[operator]
    assert [d.dimension for d in result.improved] == ["d1", "d2"]
    assert result.declined == ()


def test_compare_refuses_different_frameworks() -> None:
    other = small_framework()
    card = score(worked_example(), FW)
    import attrs

    foreign = attrs.evolve(card, framework="anderer-rahmen")
    with pytest.raises(QFrameworkError, match="different frameworks"):
        compare(card, foreign)
    assert other.id == FW.id


def test_compare_across_versions_matches_dimensions_by_id() -> None:
    new = small_framework("2.0", extra_indicator=True)
    reg = registry_with(FW, new)
    before = score(worked_example(), registry=reg)
    after = score(assessment(rate("i5", 6, "a"), version="2.0"), registry=reg)
    d1 = compare(before, after).dimensions[0]
    assert (d1.before, d1.after) == (pytest.approx(0.875), 1.0)


def test_tiers_are_counted_not_scored() -> None:
    a = assessment(
        rate("i4", 1, "a", tier="mehr"), rate("i4", 1, "b", tier="mindest"), rate("i4", 0, "c", tier="mindest")
    )
    item = score(a, FW).indicator("i4")
    assert item.tiers == (TierCount("mehr", 1), TierCount("mindest", 2))
    assert item.score == pytest.approx(2 / 3)


def test_plugin_aggregation_through_the_hook() -> None:
    maximum = Aggregation("max", "Maximum", lambda values: values[-1])
    reg = registry_with(FW, aggregations=(maximum,))
    assert set(reg.aggregations) == {"mean", "median", "max"}
    a = assessment(rate("i1", 1, "a"), rate("i1", 4, "b"))
    assert score(a, FW, aggregation="max", registry=reg).indicator("i1").score == pytest.approx(0.6)
    assert score(a, registry=reg, aggregation="max").aggregation == "max"


def test_aggregation_object_and_unknown_id() -> None:
    first = Aggregation("first", "Lowest", lambda values: values[0])
    a = assessment(rate("i1", 1, "a"), rate("i1", 6, "b"))
    assert score(a, FW, aggregation=first).indicator("i1").score == 0.0
    with pytest.raises(NotFound, match="unknown aggregation 'nope'"):
        score(a, FW, aggregation="nope", registry=registry_with(FW))


def test_aggregation_out_of_range_is_the_plugins_fault() -> None:
    broken = Aggregation("broken", "Broken", lambda values: 2.0)
    with pytest.raises(PluginError, match=r"must return a value in 0\.\.1"):
        score(assessment(rate("i1", 1, "a")), FW, aggregation=broken)


def test_score_all_in_order() -> None:
    reg = registry_with(FW)
    cards = score_all([worked_example(), assessment(rate("i1", 6, "a"))], registry=reg)
    assert [c.overall for c in cards] == [pytest.approx(0.65), 1.0]


def test_score_refuses_invalid_assessment_with_every_problem() -> None:
    a = assessment(rate("i1", 9, "a"), rate("zz", 1, "a"), na("i4", "b"))
    with pytest.raises(ValidationError) as info:
        score(a, FW)
    assert [str(p) for p in info.value.problems] == [
        "ratings[0].value: 9 is not a level of scale 'z6' (1–6; levels: 1, 2, 3, 4, 5, 6)",
        "ratings[1].indicator: unknown indicator 'zz' in test-rahmen 1.0 (list them: qframework show test-rahmen)",
        "ratings[2].not_applicable: scale 'ja-nein' of indicator 'i4' does not allow not-applicable",
    ]


def test_score_against_wrong_framework_version() -> None:
    with pytest.raises(ValidationError, match=r"made against version '1\.0', this is version '2\.0'"):
        score(worked_example(), small_framework("2.0"))


def test_scorecard_plain_data_is_json_with_named_fields() -> None:
    """json.dumps(io.unstructure(card)) works and reads by name; unscored parts are left out, not null."""
    back = json.loads(json.dumps(io.unstructure(score(worked_example(), FW))))
    assert back["overall"] == pytest.approx(0.65)
    assert back["indicators"][3] == {"indicator": "i4", "dimension": "d2", "weight": 1.0}
    assert back["indicators"][0]["values"] == [1, 6]
    assert (back["dimensions"][1]["rated"], back["dimensions"][1]["indicators"]) == (1, 2)
    assert back["subject"] == {"id": "kreis-x", "name": "Kreis X"}


def test_format_scorecard_mentions_everything() -> None:
    text = format_scorecard(score(worked_example(), FW))
    assert "overall 0.65" in text
    assert "coverage 3/4 indicators (75%)" in text
    assert "values 1, 6  (spread 1.00)" in text
    assert "values 3, 1 n/a  (applicability disputed)" in text
    assert "priorities (weakest dimensions first):\n   2  Planung  0.20\n   1  Netzwerk  0.88" in text
    netzwerk_row = next(line for line in text.splitlines() if "Netzwerk" in line)
    assert netzwerk_row.split()[2:6] == ["0.88", "2/2", "1", "1.00"]


class TrimmedMeanPlugin:
    """A third-party plugin, written the way a plugin author would."""

    @staticmethod
    @hookimpl
    def qframework_aggregations(register: Callable[[Aggregation], None]) -> None:
        def trimmed(values: Sequence[float]) -> float:
            inner = values[1:-1] if len(values) > 2 else values
            return sum(inner) / len(inner)

        register(Aggregation("trimmed-mean", "Getrimmter Mittelwert", trimmed, "Drops the highest and lowest."))


def test_aggregation_plugin_registered_on_a_fresh_manager() -> None:
    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(TrimmedMeanPlugin(), PluginInfo("trimmed", "0.1", __name__))
    reg = load_registry(pm)
    assert reg.failures == ()
    assert reg.aggregations.providers["trimmed-mean"].name == "trimmed"
    assert reg.aggregations.providers["mean"].builtin
    # 1, 2, 6 -> 0.0, 0.2, 1.0; trimmed to 0.2
    a = assessment(rate("i1", 1, "a"), rate("i1", 2, "b"), rate("i1", 6, "c"))
    assert score(a, FW, aggregation="trimmed-mean", registry=reg).indicator("i1").score == pytest.approx(0.2)


def test_aggregation_plugin_registering_something_else_fails_alone() -> None:
    class Wrong:
        @staticmethod
        @hookimpl
        def qframework_aggregations(register: Callable[[object], None]) -> None:
            register("mean-ish")

    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(Wrong(), PluginInfo("wrong", None, __name__))
    reg = load_registry(pm)
    assert [f.plugin for f in reg.failures] == ["wrong"]
    assert "registered str, expected Aggregation" in reg.failures[0].message
    assert set(reg.aggregations) == {"mean", "median"}


@pytest.mark.parametrize("odd", [True, 1.0])
def test_a_value_equal_to_a_level_but_not_a_whole_number_is_refused_after_that_level_was_scored(odd: object) -> None:
    """Rule: a rating's value must be a whole number of the scale. ``True`` and ``1.0`` equal level 1
    in Python (and hash alike), so a rating built with deferred validation must still be refused
    when level 1 of the same indicator has been scored before (the plan remembers checked ratings)."""
    from qframework.validation import deferred

    framework = small_framework()
    score(assessment(rate("i1", 1, "a")), framework)  # level 1 of i1 is now known to the plan
    with deferred():
        odd_rating = Rating("i1", odd, rater="a")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"ratings\[0\]\.value"):
        score(assessment(odd_rating), framework)
