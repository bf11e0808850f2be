"""The rules of comparison, disagreement and priorities, pinned on hand-built scorecards (issue 19).

The scorecards are constructed directly (not scored), so every expected value below is the rule
applied by hand to numbers that are exact in binary floating point.
"""

from __future__ import annotations

import attrs
import pytest
from assessment_fixtures import assessment, na, rate, registry_with, small_framework

from qframework.assessment import (
    Aggregation,
    Assessment,
    DimensionChange,
    DimensionScore,
    IndicatorScore,
    Rating,
    Scorecard,
    Subject,
    TierCount,
    compare,
    disagreements,
    dumps_assessments,
    loads_assessments,
    priorities,
    resolve_aggregation,
    score,
    score_all,
)
from qframework.errors import NotFound, PluginError, QFrameworkError, ValidationError
from qframework.validation import deferred


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
        framework=framework,
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


# -- scoring, worked out by hand on the small framework (tests/assessment_fixtures.py) -----------------
#
# i1 z6 1..6 weight 1 (d1), i2 s4 0..3 weight 3 (d1), i3 z6 weight 2 (d2), i4 ja-nein 0..1 weight 1 (d2,
# tiers mindest/mehr, no not-applicable). Every value is chosen to be exact in binary floating point, so
# the whole scorecard is compared with ``==``.

# Each test builds its own framework: scoring caches plans and results per framework object, and a
# result cached by an earlier test (or by mutmut's statistics run, whose caches every mutant inherits)
# would otherwise answer for the code under test.
RATERS = ("a", "b", "c", "d", "e")


def worked(*, tiers: bool) -> Assessment:
    """Four raters, a joint rating, not-applicable, entries not yet rated; tiers named on i4 or not."""
    mindest = {"tier": "mindest"} if tiers else {}
    mehr = {"tier": "mehr"} if tiers else {}
    return assessment(
        rate("i1", 6, "a"),  # 1.0
        rate("i1", 1, "b"),  # 0.0
        na("i1", "c"),
        rate("i2", 3, "a"),  # 1.0
        rate("i2", 3, None),  # the joint rating: a value, no rater
        Rating("i2", rater="b"),  # not yet rated
        Rating("i3", rater="e"),  # not yet rated, by a rater who rated nothing
        na("i3", "b"),
        na("i3", "c"),
        rate("i4", 1, "a", **mindest),
        rate("i4", 0, "b", **mindest),
        rate("i4", 1, "c", **mehr),
        rate("i4", 1, "d"),
        na("i2", "d"),
        raters=RATERS,
    )


def expected_card(*, tiers: bool, aggregation: str = "mean") -> Scorecard:
    """The scorecard of :func:`worked`, by the rules of docs/assessment.md, worked out by hand."""
    i4_score = 0.75 if aggregation == "mean" else 1.0  # (0 + 1 + 1 + 1) / 4; median of 0, 1, 1, 1
    i1 = IndicatorScore("i1", "d1", 1.0, 0.5, (1, 6), 1, 1.0)  # (1 + 0) / 2, spread 1 - 0
    i2 = IndicatorScore("i2", "d1", 3.0, 1.0, (3, 3), 1, 0.0)  # the joint rating counts as a value
    i3 = IndicatorScore("i3", "d2", 2.0, None, (), 2, None)  # only not-applicable: no score
    counted = (TierCount("mehr", 1), TierCount("mindest", 2)) if tiers else ()
    i4 = IndicatorScore("i4", "d2", 1.0, i4_score, (0, 1, 1, 1), 0, 1.0, counted)
    # d1 = (1 * 0.5 + 3 * 1.0) / 4 = 0.875, W = 4; spread = mean(1.0, 0.0) = 0.5
    d1 = DimensionScore("d1", 1, "Netzwerk", 2, 2, 2, 4.0, 0.875, 0.5)  # not applicable: i1 1 + i2 1
    # d2 = i4 alone, W = 1; i3 is not rated
    d2 = DimensionScore("d2", 2, "Planung", 2, 1, 2, 1.0, i4_score, 1.0)
    return Scorecard(
        framework="test-rahmen",
        framework_version="1.0",
        subject=Subject("kreis-x", "Kreis X"),
        period="2024",
        aggregation=aggregation,
        coverage=0.75,  # i1, i2, i4 of 4
        ratings=12,  # 14 entries, 2 not yet rated
        raters=4,  # a, b, c, d: the joint rating is no rater, e has rated nothing yet
        not_applicable=4,
        dimensions=(d1, d2),
        indicators=(i1, i2, i3, i4),
        overall=(4 * 0.875 + 1 * i4_score) / 5,  # W_d-weighted mean of the dimension scores
        unrated=2,
    )


@pytest.mark.parametrize("tiers", [False, True], ids=["no-tiers", "tiers"])
@pytest.mark.parametrize("aggregation", ["mean", "median"])
def test_score_worked_example_whole_scorecard(tiers: bool, aggregation: str) -> None:
    """Rule: the indicator, dimension and overall scores, spreads, coverage, counts of ratings, raters,
    not-applicable and unrated entries follow docs/assessment.md — with or without tiers named (tiers are
    counted per indicator, never scored) and for one assessment or many."""
    fw = small_framework()
    a = worked(tiers=tiers)
    expected = expected_card(tiers=tiers, aggregation=aggregation)
    assert score(a, fw, aggregation=aggregation) == expected
    assert score_all([a, a], fw, aggregation=aggregation) == [expected, expected]


@pytest.mark.parametrize("tiers", [False, True], ids=["no-tiers", "tiers"])
def test_score_a_dimension_with_nothing_rated(tiers: bool) -> None:
    """Rule: a dimension without a rated indicator has no score and weight 0 and is left out of the overall
    score; a tier named on an entry not yet rated counts nothing."""
    fw = small_framework()
    a = assessment(
        rate("i1", 6, "a"),
        rate("i2", 0, "a"),
        rate("i2", 3, "b"),
        Rating("i4", rater="a", **({"tier": "mindest"} if tiers else {})),
    )
    card = score(a, fw)
    # d1 = (1 * 1.0 + 3 * 0.5) / 4 = 0.625; d2 has nothing: overall = d1
    assert card.dimensions == (
        DimensionScore("d1", 1, "Netzwerk", 2, 2, 0, 4.0, 0.625, 1.0),
        DimensionScore("d2", 2, "Planung", 2, 0, 0, 0.0, None, None),
    )
    assert card.indicator("i1") == IndicatorScore("i1", "d1", 1.0, 1.0, (6,), 0, None)
    assert card.indicator("i4") == IndicatorScore("i4", "d2", 1.0, None, (), 0, None)
    assert (card.overall, card.coverage, card.ratings, card.raters, card.unrated) == (0.625, 0.5, 3, 2, 1)
    assert score_all([a], fw) == [card]


@pytest.mark.parametrize("tiers", [False, True], ids=["no-tiers", "tiers"])
def test_score_nothing_rated_at_all(tiers: bool) -> None:
    """Rule: with nothing rated there is no overall score, coverage is 0 and every entry is unrated."""
    fw = small_framework()
    a = assessment(Rating("i1", rater="a"), Rating("i4", rater="b", **({"tier": "mehr"} if tiers else {})))
    card = score(a, fw)
    assert (card.overall, card.coverage, card.ratings, card.raters, card.unrated) == (None, 0.0, 0, 0, 2)
    assert [d.score for d in card.dimensions] == [None, None]
    assert score_all([a], fw) == [card]


@pytest.mark.parametrize("tiers", [False, True], ids=["no-tiers", "tiers"])
def test_score_complete_refuses_unrated_entries(tiers: bool) -> None:
    """Rule: ``complete=True`` refuses an assessment with entries not yet rated, one problem each; a fully
    rated one scores as usual."""
    fw = small_framework()
    a = worked(tiers=tiers)
    for run in (lambda: score(a, fw, complete=True), lambda: score_all([a], fw, complete=True)):
        with pytest.raises(ValidationError) as info:
            run()
        assert [p.path for p in info.value.problems] == ["ratings[5].value", "ratings[6].value"]
    rated = attrs.evolve(a, ratings=tuple(r for r in a.ratings if r.value is not None or r.not_applicable))
    assert score(rated, fw, complete=True).unrated == 0
    assert score_all([rated], fw, complete=True)[0].unrated == 0


def test_score_with_a_registry_says_what_changed_since() -> None:
    """Rule: scored against a registry with a newer version, the scorecard says what changed since the
    version the assessment names; against the framework itself or an unchanged registry it says nothing."""
    fw = small_framework()
    newer = registry_with(fw, small_framework("2.0", extra_indicator=True))
    for tiers in (False, True):
        a = worked(tiers=tiers)
        for card in (score(a, registry=newer), *score_all([a], registry=newer), score(a, fw, registry=newer)):
            assert card.changes is not None
            assert (card.changes.from_version, card.changes.to_version, card.changes.added) == ("1.0", "2.0", ("i5",))
            assert attrs.evolve(card, changes=None) == expected_card(tiers=tiers)
        assert score(a, fw).changes is None
        assert score(a, registry=registry_with(fw)).changes is None
        assert score_all([a], fw)[0].changes is None


def test_score_refuses_a_rating_that_does_not_fit_with_its_path() -> None:
    """Rule: score() and score_all() refuse an assessment that does not fit, naming every problem with its
    path: the framework's (an unknown tier, a value off the scale) and the structural ones of objects built
    with deferred validation (a value that is not a whole number)."""
    fw = small_framework()
    a = assessment(rate("i1", 6, "a"), rate("i4", 1, "b", tier="hoch"), rate("i2", 7, "c"))
    for run in (lambda: score(a, fw), lambda: score_all([a], fw)):
        with pytest.raises(ValidationError) as info:
            run()
        assert [p.path for p in info.value.problems] == ["ratings[1].tier", "ratings[2].value"]
    with deferred():
        broken = assessment(rate("i1", 6, "a"), Rating("i1", "6", rater="b"))  # type: ignore[arg-type]
    for run in (lambda: score(broken, fw), lambda: score_all([broken], fw)):
        with pytest.raises(ValidationError) as info:
            run()
        assert [str(p) for p in info.value.problems] == [
            "ratings[1].value: must be a whole number (a level of the scale), got '6'"
        ]


def test_score_all_mixes_frameworks_versions_and_paths_in_order() -> None:
    """Rule: score_all() scores each assessment against the framework version it names, in input order,
    exactly as score() would — also when an assessment of one version would fit another."""
    fw = small_framework()
    v2 = small_framework("2.0", extra_indicator=True)
    reg = registry_with(fw, v2)
    one = assessment(rate("i1", 6, "a"))
    two = assessment(rate("i1", 1, "a"), version="2.0")  # fits 1.0 as well
    three = assessment(rate("i1", 1, "a"), rate("i5", 6, "b"), version="2.0")
    tiered = worked(tiers=True)
    cards = score_all([one, two, tiered, three, one], registry=reg)
    assert [(c.framework_version, c.overall) for c in cards] == [
        ("1.0", 1.0),
        ("2.0", 0.0),
        ("1.0", 0.85),
        ("2.0", 0.5),
        ("1.0", 1.0),
    ]
    assert [c.changes is None for c in cards] == [False, True, False, True, False]
    assert [i.indicator for i in cards[1].indicators] == ["i1", "i2", "i5", "i3", "i4"]
    assert cards[1].coverage == 0.2  # one of five indicators


def test_score_all_refuses_a_version_it_does_not_have() -> None:
    """Rule: score_all() refuses an assessment of a framework version it cannot score, saying which."""
    fw = small_framework()
    items = [assessment(rate("i1", 6, "a")), assessment(rate("i1", 6, "a"), version="3.0")]
    for call in (lambda: score_all(items, fw), lambda: score_all(items, registry=registry_with(fw))):
        with pytest.raises(ValidationError) as info:
            call()
        assert [p.path for p in info.value.problems] == ["framework_version"]


@pytest.mark.parametrize("tiers", [False, True], ids=["no-tiers", "tiers"])
def test_score_all_takes_options_from_its_registry(tiers: bool) -> None:
    """Rule: score_all() looks a plugin's aggregation up in the registry it is given (as the framework
    source or as ``registry=``) and reports the changes since the assessed version, like score()."""
    fw = small_framework()
    maximum = Aggregation("max", "Maximum", lambda values: values[-1])
    newer = registry_with(fw, small_framework("2.0", extra_indicator=True), aggregations=(maximum,))
    a = worked(tiers=tiers)
    for cards in (
        score_all([a], registry=newer, aggregation="max"),
        score_all([a], fw, aggregation="max", registry=newer),
    ):
        (card,) = cards
        assert card.aggregation == "max"
        assert [i.score for i in card.indicators] == [1.0, 1.0, None, 1.0]  # the highest normalised value
        assert card.changes is not None and card.changes.added == ("i5",)


# -- what users read when a call is wrong -------------------------------------------------------------


def test_wrong_python_types_name_the_argument_and_the_type() -> None:
    """Rule: a wrong Python type is a TypeError naming the argument, the expected and the given type."""
    c = card()
    cases = [
        (lambda: score("2024", small_framework()), "score: assessment must be an Assessment, got str"),  # type: ignore[arg-type]
        (lambda: compare("2024", c), "compare: before must be a Scorecard, got str"),  # type: ignore[arg-type]
        (lambda: compare(c, 2025), "compare: after must be a Scorecard, got int"),  # type: ignore[arg-type]
        (lambda: disagreements([c]), "disagreements: scorecard must be a Scorecard, got list"),  # type: ignore[arg-type]
        (lambda: priorities({}), "priorities: scorecard must be a Scorecard, got dict"),  # type: ignore[arg-type]
    ]
    for call, message in cases:
        with pytest.raises(TypeError) as info:
            call()
        assert str(info.value) == message


def test_compare_different_subjects_says_why() -> None:
    """Rule: comparing two subjects is refused with the reason: compare measures one subject's progress."""
    with pytest.raises(QFrameworkError) as info:
        compare(card(subject="s1"), card(subject="s2"))
    assert str(info.value) == (
        "cannot compare scorecards of different subjects: 's1' and 's2'; compare measures one subject's progress"
    )


def test_comparison_keeps_both_scorecards() -> None:
    """Rule: a Comparison carries the two scorecards it compares, before and after."""
    before, after = card(dim("d1", 1, 0.5)), card(dim("d1", 1, 0.75), period="2025")
    c = compare(before, after)
    assert c.before is before and c.after is after


def test_disagreements_tolerance_includes_its_edge() -> None:
    """Rule: the threshold is inclusive with a tolerance of 1e-12 for float rounding; a spread exactly at
    the tolerance's lower edge is still flagged, one below it is not."""
    item = ind("i1", spread=0.5, values=(2, 4))
    assert disagreements(card(indicators=(item,)), 0.5 + 1e-12) == (item,)
    assert disagreements(card(indicators=(item,)), 0.5 + 1e-11) == ()


def test_unknown_aggregation_says_what_is_known_and_how_to_get_a_plugins() -> None:
    """Rule: an unknown aggregation id without a registry is a NotFound naming the id, the built-in ids
    and how to use a plugin's aggregation; its kind, key and known ids are there for programs."""
    fw = small_framework()
    with pytest.raises(NotFound) as info:
        resolve_aggregation("trimmed")
    exc = info.value
    assert str(exc) == (
        "unknown aggregation 'trimmed' (known: mean, median); a plugin's aggregation needs the registry it "
        "comes from: score(..., registry=load_registry()) or pass the Aggregation itself"
    )
    assert (exc.kind, exc.key, exc.known) == ("aggregation", "trimmed", ("mean", "median"))
    own = Aggregation("first", "Lowest", lambda values: values[0])
    assert resolve_aggregation(own) is own
    assert resolve_aggregation(own, registry=registry_with(fw)) is own
    assert resolve_aggregation("median").id == "median"
    assert resolve_aggregation("mean", registry=registry_with(fw)).id == "mean"


def test_scorecard_lookup_errors_carry_kind_key_and_known_ids() -> None:
    """Rule: Scorecard.dimension()/indicator() raise NotFound naming the kind and the unknown id, with the
    known ids for people and as attributes for programs."""
    c = card(dim("d1", 1, 0.5), dim("d2", 2, 0.5), indicators=(ind("i1"), ind("i2")))
    with pytest.raises(NotFound) as info:
        c.dimension("d3")
    assert str(info.value) == "unknown dimension 'd3' (known: d1, d2)"
    assert (info.value.kind, info.value.key, info.value.known) == ("dimension", "d3", ("d1", "d2"))
    with pytest.raises(NotFound) as info:
        c.indicator("x")
    assert str(info.value) == "unknown indicator 'x' (known: i1, i2)"
    assert (info.value.kind, info.value.key, info.value.known) == ("indicator", "x", ("i1", "i2"))


@pytest.mark.parametrize(
    ("returned", "shown"), [(True, "True"), ("0.5", "'0.5'"), (None, "None"), (1.5, "1.5"), (-0.25, "-0.25")]
)
@pytest.mark.parametrize("tiers", [False, True], ids=["no-tiers", "tiers"])
def test_aggregation_must_return_a_number_in_unit_interval(returned: object, shown: str, tiers: bool) -> None:
    """Rule: an aggregation that returns anything but a number in 0..1 (a bool is no number here) is the
    plugin's fault: a PluginError naming the aggregation and what it returned; 0 and 1 themselves are fine."""
    fw = small_framework()
    odd = Aggregation("odd", "Odd", lambda values: returned)  # type: ignore[arg-type,return-value]
    a = worked(tiers=tiers)
    with pytest.raises(PluginError) as info:
        score(a, fw, aggregation=odd)
    assert str(info.value) == (f"aggregation 'odd' returned {shown} for values in 0..1; it must return a value in 0..1")
    for edge in (0, 1.0):
        fixed = Aggregation(f"edge-{edge}", "Edge", lambda values, edge=edge: edge)  # type: ignore[misc]
        assert [i.score for i in score(a, fw, aggregation=fixed).indicators] == [edge, edge, None, edge]


@pytest.mark.parametrize("tiers", [False, True], ids=["no-tiers", "tiers"])
def test_spread_is_highest_minus_lowest_of_all_values(tiers: bool) -> None:
    """Rule: an indicator's spread is its highest normalised value minus its lowest, however many raters
    lie between them."""
    fw = small_framework()
    tier = {"tier": "mindest"} if tiers else {}
    a = assessment(rate("i1", 1, "a"), rate("i1", 2, "b"), rate("i1", 6, "c"), rate("i4", 1, "a", **tier))
    # z6: 1 -> 0.0, 2 -> 0.2, 6 -> 1.0
    assert score(a, fw).indicator("i1").spread == 1.0
    assert score_all([a], fw)[0].indicator("i1").spread == 1.0


# -- a bulk file: loads_assessments hands its columns to score_all -------------------------------------


def test_bulk_file_scores_by_the_same_rules() -> None:
    """Rule: assessments read from a bulk file (loads_assessments) and scored with score_all() get the
    scorecards the rules give each of them — whatever the order of a layout's columns, with not-applicable,
    entries not yet rated and a joint rating (the hand-worked example above)."""
    fw = small_framework()
    reg = registry_with(fw)
    a = worked(tiers=False)
    other = Subject("kreis-y", "Kreis Y")
    b = attrs.evolve(a, subject=other)  # the same layout
    c = attrs.evolve(a, period="2025", ratings=tuple(reversed(a.ratings)))  # another layout
    loaded = loads_assessments(dumps_assessments([a, b, c]), registry=reg)
    expected = expected_card(tiers=False)
    later = attrs.evolve(expected, period="2025")
    assert score_all(loaded, registry=reg) == [expected, attrs.evolve(expected, subject=other), later]
    median = expected_card(tiers=False, aggregation="median")
    loaded = loads_assessments(dumps_assessments([a, c]), registry=reg)
    assert score_all(loaded, registry=reg, aggregation="median") == [median, attrs.evolve(median, period="2025")]


def test_bulk_file_fully_rated_with_equal_columns() -> None:
    """Rule: a bulk file of fully rated assessments, every indicator rated by the same raters, scores by
    the rules: counts of ratings and raters, no unrated entries, and weighted dimension and overall scores."""
    fw = small_framework()
    reg = registry_with(fw)
    a = assessment(
        rate("i1", 6, "a"),  # 1.0
        rate("i1", 1, "b"),  # 0.0
        rate("i2", 3, "a"),  # 1.0
        rate("i2", 0, "b"),  # 0.0
        na("i3", "a"),
        rate("i3", 6, "b"),  # 1.0
        rate("i4", 1, "a"),
        rate("i4", 1, "b"),
    )
    b = attrs.evolve(a, period="2025")
    cards = score_all(loads_assessments(dumps_assessments([a, b]), registry=reg), registry=reg)
    expected = Scorecard(
        framework="test-rahmen",
        framework_version="1.0",
        subject=Subject("kreis-x", "Kreis X"),
        period="2024",
        aggregation="mean",
        coverage=1.0,
        ratings=8,
        raters=2,
        not_applicable=1,
        dimensions=(
            # (1 * 0.5 + 3 * 0.5) / 4 = 0.5; spreads 1 and 1
            DimensionScore("d1", 1, "Netzwerk", 2, 2, 0, 4.0, 0.5, 1.0),
            # (2 * 1.0 + 1 * 1.0) / 3 = 1.0; only i4 has two values: spread 0
            DimensionScore("d2", 2, "Planung", 2, 2, 1, 3.0, 1.0, 0.0),
        ),
        indicators=(
            IndicatorScore("i1", "d1", 1.0, 0.5, (1, 6), 0, 1.0),
            IndicatorScore("i2", "d1", 3.0, 0.5, (0, 3), 0, 1.0),
            IndicatorScore("i3", "d2", 2.0, 1.0, (6,), 1, None),
            IndicatorScore("i4", "d2", 1.0, 1.0, (1, 1), 0, 0.0),
        ),
        overall=(4 * 0.5 + 3 * 1.0) / 7,
        unrated=0,
    )
    assert cards == [expected, attrs.evolve(expected, period="2025")]
    assert score(a, fw) == expected
