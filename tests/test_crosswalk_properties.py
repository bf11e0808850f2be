"""Round-trip properties of translate (hypothesis): identity, invertibility, nothing invented."""

from __future__ import annotations

import attrs
from assessment_fixtures import PROV, small_framework
from hypothesis import given
from hypothesis import strategies as st
from test_crosswalk import registry_of, target_framework

from qframework.assessment import Assessment, Rater, Rating, Subject
from qframework.crosswalk import Crosswalk, CrosswalkEntry, FrameworkRef, translate
from qframework.model import Framework

SOURCE = small_framework()
SCALES = {"i1": range(1, 7), "i2": range(0, 4), "i3": range(1, 7), "i4": range(0, 2)}
RATERS = (None, "a", "b", "c")


@st.composite
def assessments(draw: st.DrawFn) -> Assessment:
    """An assessment of ``small_framework`` with any subset of (indicator, rater) pairs, in any order."""
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(sorted(SCALES)), st.sampled_from(RATERS)), unique=True, max_size=16)
    )
    ratings = []
    for indicator, rater in pairs:
        if draw(st.booleans()) and draw(st.integers(0, 4)) == 0:
            ratings.append(
                Rating(indicator, not_applicable=True, rater=rater, comment=draw(st.sampled_from(["", "x"])))
            )
        else:
            tier = draw(st.sampled_from([None, "mindest", "mehr"])) if indicator == "i4" else None
            value = draw(st.sampled_from(list(SCALES[indicator])))
            ratings.append(
                Rating(indicator, value, rater=rater, tier=tier, evidence=draw(st.sampled_from(["", "Protokoll"])))
            )
    return Assessment(
        "test-rahmen", "1.0", Subject("k1", "Kommune"), "2025", tuple(ratings), tuple(Rater(r) for r in "abc")
    )


def renamed(framework: Framework) -> Framework:
    """The same framework under another id, every element id prefixed with ``b-``."""
    dims = tuple(
        attrs.evolve(d, id=f"b-{d.id}", indicators=tuple(attrs.evolve(i, id=f"b-{i.id}") for i in d.indicators))
        for d in framework.dimensions
    )
    return attrs.evolve(framework, id="b-rahmen", dimensions=dims)


def equivalent(source: Framework, target: Framework, pairs: list[tuple[str, str]]) -> Crosswalk:
    entries = tuple(CrosswalkEntry(s, t, "equivalent", "Gleich.", provenance=PROV) for s, t in pairs)
    return Crosswalk("w", "W", FrameworkRef(*source.key), FrameworkRef(*target.key), entries, provenance=PROV)


IDENTITY = equivalent(SOURCE, SOURCE, [(i, i) for i in SCALES])
TWIN = renamed(SOURCE)
FORWARD = equivalent(SOURCE, TWIN, [(i, f"b-{i}") for i in SCALES])
REGISTRY = registry_of(SOURCE, TWIN, target_framework())


@given(assessments())
def test_an_identity_crosswalk_translates_to_the_same_assessment(original: Assessment) -> None:
    """Every indicator maps to itself, equivalent: each rating is carried exactly, order, tier and texts included."""
    result = translate(original, IDENTITY, registry=REGISTRY)
    assert result.assessment == original
    assert all(c.exact and not c.rescaled and not c.rounded for c in result.report.carried)
    assert result.report.lost_ratings == 0


@given(assessments())
def test_equivalent_relations_are_invertible(original: Assessment) -> None:
    """Equivalent one-to-one entries between scales with the same levels: forward, then inverse, gives the original."""
    there = translate(original, FORWARD, registry=REGISTRY)
    assert there.assessment.framework == "b-rahmen"
    back = translate(there.assessment, FORWARD.inverse(), registry=REGISTRY)
    assert back.assessment == original


ELEMENTS_S = ["d1", "d2", "i1", "i2", "i3", "i4"]
ELEMENTS_T = ["e1", "e2", "t1", "t2", "t3"]
DIMS_T = {"e1": ("t1", "t2"), "e2": ("t3",)}
DIMS_S = {"d1": ("i1", "i2"), "d2": ("i3", "i4")}


@st.composite
def crosswalks(draw: st.DrawFn) -> Crosswalk:
    pairs = draw(st.lists(st.tuples(st.sampled_from(ELEMENTS_S), st.sampled_from(ELEMENTS_T)), unique=True, min_size=1))
    entries = tuple(
        CrosswalkEntry(
            s,
            t,
            draw(st.sampled_from(["equivalent", "broader", "narrower", "overlapping"])),
            "Test.",
            draw(st.sampled_from([1.0, 0.5])),
            PROV,
        )
        for s, t in pairs
    )
    return Crosswalk(
        "w", "W", FrameworkRef("test-rahmen", "1.0"), FrameworkRef("ziel-rahmen", "1"), entries, provenance=PROV
    )


@given(assessments(), crosswalks())
def test_translating_never_invents_a_rating(original: Assessment, crosswalk: Crosswalk) -> None:
    """A target rating by rater r exists only where an entry reaches the target and r rated one of its sources."""
    result = translate(original, crosswalk, registry=REGISTRY)
    rated = {(r.indicator, r.rater) for r in original.ratings}
    for rating in result.assessment.ratings:
        drawing = [e for e in crosswalk.entries if rating.indicator in DIMS_T.get(e.target, (e.target,))]
        assert drawing, f"{rating.indicator} is reached by no entry"
        sources = {s for e in drawing for s in DIMS_S.get(e.source, (e.source,))}
        assert any((s, rating.rater) in rated for s in sources)
    unmapped = set(result.report.unmapped_targets)
    assert not unmapped & {r.indicator for r in result.assessment.ratings}
    assert len(result.report.carried) == len(result.assessment.ratings)
