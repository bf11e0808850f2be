"""Scoring results are plain data, and the assessment API's grammar: keyword-only options,
lookups by id that name the known ids, refusals that say why, and type errors that name the type.

Round-trip properties build their values two ways: from the real ``score()``/``compare()`` on
generated assessments of generated frameworks, and by direct construction of every field.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from assessment_fixtures import assessment, rate, registry_with, small_framework
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    built_comparisons,
    built_scorecards,
    compared,
    dimension_changes,
    dimension_scores,
    indicator_scores,
    scored,
    version_changes,
)

from qframework import io
from qframework.aggregation import Aggregation
from qframework.assessment import (
    Assessment,
    Comparison,
    DimensionChange,
    DimensionScore,
    IndicatorScore,
    Rater,
    Rating,
    Scorecard,
    Subject,
    VersionChanges,
    compare,
    disagreements,
    dumps_assessments,
    load_assessment,
    load_assessments,
    loads_assessment,
    loads_assessments,
    priorities,
    save_assessments,
    score,
    score_all,
)
from qframework.errors import NotFound, QFrameworkError, ValidationError

FW = small_framework()
REG = registry_with(FW)
FORMATS = ("json", "toml")


def round_trip(cls: Any, value: Any, fmt: str) -> Any:
    return io.loads(cls, io.dumps(value, format=fmt), format=fmt)  # type: ignore[arg-type]


# -- plain data --------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(scored(), st.sampled_from(FORMATS))
def test_real_scorecards_round_trip(card: Scorecard, fmt: str) -> None:
    """Every scorecard score() returns reads back equal from its JSON and TOML text."""
    assert round_trip(Scorecard, card, fmt) == card


@settings(max_examples=40, deadline=None)
@given(built_scorecards, st.sampled_from(FORMATS))
def test_constructed_scorecards_round_trip(card: Scorecard, fmt: str) -> None:
    """Any scorecard, None fields and version changes included, reads back equal in JSON and TOML."""
    assert round_trip(Scorecard, card, fmt) == card


@settings(max_examples=25, deadline=None)
@given(compared(), st.sampled_from(FORMATS))
def test_real_comparisons_round_trip_with_their_deltas(comparison: Comparison, fmt: str) -> None:
    """A comparison from compare() reads back equal, its stored deltas included."""
    back = round_trip(Comparison, comparison, fmt)
    assert back == comparison
    assert back.overall_delta == comparison.overall_delta
    assert [d.delta for d in back.dimensions] == [d.delta for d in comparison.dimensions]


@settings(max_examples=25, deadline=None)
@given(built_comparisons, st.sampled_from(FORMATS))
def test_constructed_comparisons_round_trip(comparison: Comparison, fmt: str) -> None:
    """Any comparison reads back equal in JSON and TOML."""
    assert round_trip(Comparison, comparison, fmt) == comparison


@settings(max_examples=40, deadline=None)
@given(
    st.one_of(
        st.tuples(st.just(IndicatorScore), indicator_scores),
        st.tuples(st.just(DimensionScore), dimension_scores),
        st.tuples(st.just(DimensionChange), dimension_changes),
        st.tuples(st.just(VersionChanges), version_changes),
    ),
    st.sampled_from(FORMATS),
)
def test_each_result_record_round_trips(pair: tuple[type[Any], Any], fmt: str) -> None:
    """Each result record on its own reads back equal from JSON and TOML, and is hashable."""
    cls, value = pair
    assert round_trip(cls, value, fmt) == value
    assert hash(value) == hash(attrs.evolve(value))


@settings(max_examples=40, deadline=None)
@given(scored(), st.floats(0.0, 1.0), st.integers(0, 5))
def test_priorities_and_disagreements_round_trip_as_json(card: Scorecard, threshold: float, n: int) -> None:
    """priorities() and disagreements() return tuples of result records that read back equal from JSON."""
    top, flagged = priorities(card, n), disagreements(card, threshold)
    assert round_trip(tuple[DimensionScore, ...], top, "json") == top
    assert round_trip(tuple[IndicatorScore, ...], flagged, "json") == flagged
    assert hash((top, flagged)) == hash((top, flagged))


def worked() -> Assessment:
    return assessment(rate("i1", 6, "a"), rate("i1", 1, "b"), rate("i3", 2, "c"), rate("i4", 1, "a", tier="mehr"))


def test_scorecard_json_uses_named_fields_and_plain_json() -> None:
    """json.dumps works on the converter's plain data; records are objects by name, never arrays."""
    data = json.loads(json.dumps(io.unstructure(score(worked(), FW))))
    assert data["indicators"][0] == {
        "indicator": "i1",
        "dimension": "d1",
        "weight": 1.0,
        "score": 0.5,
        "values": [1, 6],
        "spread": 1.0,
    }
    assert data["indicators"][3]["tiers"] == [{"tier": "mehr", "count": 1}]
    assert data["dimensions"][0] == {
        "dimension": "d1",
        "number": 1,
        "title": "Netzwerk",
        "indicators": 2,
        "rated": 1,
        "not_applicable": 0,
        "weight": 1.0,
        "score": 0.5,
        "spread": 1.0,
    }


def test_comparison_json_carries_the_deltas() -> None:
    before = score(worked(), FW)
    after = score(attrs.evolve(worked(), period="2025", ratings=(rate("i1", 6, "a"),)), FW)
    data = io.unstructure(compare(before, after))
    # before: d1 = 0.5 (i1 only); after: d1 = 1.0 -> +0.5; d2 unrated after -> no delta
    assert data["dimensions"][0] == {"dimension": "d1", "title": "Netzwerk", "before": 0.5, "after": 1.0, "delta": 0.5}
    assert "delta" not in data["dimensions"][1]
    assert data["overall_delta"] == pytest.approx(1.0 - before.overall)  # type: ignore[operator]


# -- lookups by id -----------------------------------------------------------------------------


def test_scorecard_lookups_name_the_known_ids() -> None:
    card = score(worked(), FW)
    with pytest.raises(NotFound, match=r"unknown dimension 'd11' \(did you mean 'd1'\? known: d1, d2\)"):
        card.dimension("d11")
    with pytest.raises(NotFound, match=r"unknown indicator 'i9' .*known: i1, i2, i3, i4\)"):
        card.indicator("i9")


# -- aggregations: no plugin discovery behind the caller's back ---------------------------------


def test_builtin_aggregation_ids_resolve_without_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_discovery(*args: object, **kwargs: object) -> None:
        raise AssertionError("score() loaded plugins")

    monkeypatch.setattr("qframework.plugins.load_registry", no_discovery)
    monkeypatch.setattr("qframework.plugins.make_plugin_manager", no_discovery)
    a = assessment(rate("i1", 1, "a"), rate("i1", 2, "b"), rate("i1", 6, "c"))
    # normalised 0, 0.2, 1 -> median 0.2, mean 0.4
    assert score(a, FW, aggregation="median").indicator("i1").score == pytest.approx(0.2)
    assert score(a, FW).indicator("i1").score == pytest.approx(0.4)
    with pytest.raises(NotFound) as info:
        score(a, FW, aggregation="trimmed")
    message = str(info.value)
    assert "unknown aggregation 'trimmed'" in message and "known: mean, median" in message
    assert "registry" in message


def test_plugin_aggregation_needs_the_registry_it_comes_from() -> None:
    maximum = Aggregation("max", "Maximum", lambda values: values[-1])
    reg = registry_with(FW, aggregations=(maximum,))
    a = assessment(rate("i1", 1, "a"), rate("i1", 4, "b"))
    assert score(a, FW, aggregation="max", registry=reg).indicator("i1").score == pytest.approx(0.6)
    with pytest.raises(NotFound, match="unknown aggregation 'max'"):
        score(a, FW, aggregation="max")


def test_score_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        score(worked(), FW, "median")  # type: ignore[misc]
    with pytest.raises(TypeError):
        score_all([worked()], FW, "median")  # type: ignore[misc]


# -- compare refuses what it cannot measure ----------------------------------------------------


def test_compare_refuses_different_subjects() -> None:
    card = score(worked(), FW)
    other = score(attrs.evolve(worked(), subject=Subject("stadt-y")), FW)
    with pytest.raises(QFrameworkError, match="different subjects: 'kreis-x' and 'stadt-y'"):
        compare(card, other)


def test_compare_refuses_different_aggregations() -> None:
    with pytest.raises(QFrameworkError, match="different aggregations: 'mean' and 'median'"):
        compare(score(worked(), FW), score(worked(), FW, aggregation="median"))


def test_compare_refuses_different_frameworks() -> None:
    card = score(worked(), FW)
    with pytest.raises(QFrameworkError, match="different frameworks: 'test-rahmen' and 'anderer-rahmen'"):
        compare(card, attrs.evolve(card, framework="anderer-rahmen"))


def test_compare_refuses_before_later_than_after() -> None:
    early = score(worked(), FW)
    late = score(attrs.evolve(worked(), period="2025"), FW)
    with pytest.raises(QFrameworkError, match=r"period '2025' is later than the 'after' one's '2024'; swap them"):
        compare(late, early)
    assert compare(early, late).overall_delta == 0.0


# -- construction names wrong types ------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: Subject(id=2024), "id: expected text, got a whole number"),  # type: ignore[arg-type]
        (lambda: Rater(id=7), "id: expected text, got a whole number"),  # type: ignore[arg-type]
        (lambda: Rating("i1", 2, rater=3), "rater: expected text, got a whole number"),  # type: ignore[arg-type]
        (
            lambda: Assessment("test-rahmen", "1.0", Subject("kreis-x"), 2024),  # type: ignore[arg-type]
            "period: expected text (e.g. '2024' or '2024-H1'), got a whole number",
        ),
        (
            lambda: Assessment("test-rahmen", 1.0, Subject("kreis-x"), "2024"),  # type: ignore[arg-type]
            "framework_version: expected text, got a number",
        ),
        (
            lambda: Assessment("test-rahmen", "1.0", "kreis-x", "2024"),  # type: ignore[arg-type]
            "subject: expected a Subject, got text",
        ),
    ],
)
def test_wrong_python_types_say_which_type(build: Any, expected: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert [str(p) for p in info.value.problems] == [expected]


def test_empty_period_still_says_empty() -> None:
    with pytest.raises(ValidationError, match="period: must not be empty"):
        Assessment("test-rahmen", "1.0", Subject("kreis-x"), " ")


# -- loaders: keyword-only options -------------------------------------------------------------


def test_loader_options_are_keyword_only(tmp_path: Any) -> None:
    """Passing the registry positionally is a TypeError at the call, not a ValueError printing the registry."""
    path = tmp_path / "k.toml"
    path.write_text(io.dumps(worked()))
    bulk = tmp_path / "many.json"
    save_assessments([worked()], bulk)
    with pytest.raises(TypeError):
        load_assessment(path, REG)  # type: ignore[misc]
    with pytest.raises(TypeError):
        load_assessments(bulk, REG)  # type: ignore[misc]
    with pytest.raises(TypeError):
        loads_assessment(path.read_text(), "toml")  # type: ignore[misc]
    with pytest.raises(TypeError):
        dumps_assessments([worked()], 2)  # type: ignore[misc]
    assert load_assessment(path, registry=REG) == worked()
    assert loads_assessment(path.read_text(), format="toml", registry=REG) == worked()
    assert load_assessments(bulk, registry=REG) == [worked()]
    assert loads_assessments(bulk.read_text(), registry=REG) == [worked()]


def test_save_assessments_indents_on_request(tmp_path: Any) -> None:
    path = tmp_path / "many.json"
    save_assessments([worked()], path, indent=2)
    assert path.read_text().startswith('{\n  "framework_id": "test-rahmen"')
    assert load_assessments(path, registry=REG) == [worked()]


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_save_assessment_writes_one_file_load_assessment_reads_back_equal(tmp_path: Any, suffix: str) -> None:
    from qframework import dumps_assessment, load_assessment, loads_assessment, save_assessment

    path = tmp_path / f"kreis{suffix}"
    save_assessment(worked(), path)
    assert load_assessment(path, registry=REG) == worked()
    fmt: Any = suffix[1:]
    assert path.read_text(encoding="utf-8") == dumps_assessment(worked(), format=fmt)
    assert loads_assessment(dumps_assessment(worked(), format=fmt), format=fmt, registry=REG) == worked()


def test_save_assessment_is_atomic_and_refuses_an_unknown_suffix(tmp_path: Any) -> None:
    from qframework import save_assessment

    path = tmp_path / "kreis.toml"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(TypeError, match="save_assessment: assessment must be an Assessment, got str"):
        save_assessment(typing_any("not an assessment"), path)
    assert path.read_text(encoding="utf-8") == "old"  # nothing written before the refusal
    with pytest.raises(ValidationError, match=r"cannot tell the format from the suffix '\.yaml'"):
        save_assessment(worked(), tmp_path / "kreis.yaml")
    save_assessment(worked(), tmp_path / "kreis.txt", format="json")
    assert json.loads((tmp_path / "kreis.txt").read_text(encoding="utf-8"))["subject"]["id"] == worked().subject.id


def typing_any(value: object) -> Any:
    return value


@pytest.mark.parametrize(
    "call",
    [
        lambda: __import__("qframework").compare(None, None),
        lambda: __import__("qframework").priorities(None),
        lambda: __import__("qframework").disagreements("card"),
        lambda: __import__("qframework").score(None, __import__("qframework").load_registry()),
    ],
    ids=["compare", "priorities", "disagreements", "score"],
)
def test_wrong_python_types_raise_type_error_naming_the_argument(call: Any) -> None:
    """The API rule: a wrong Python type is a TypeError that says what was expected, not an AttributeError."""
    with pytest.raises(TypeError, match=r"must be an? (Scorecard|Assessment), got"):
        call()
