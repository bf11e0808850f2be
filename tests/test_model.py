"""The model's own rules, as a user building objects in code meets them."""

from __future__ import annotations

import pytest
from test_io import VALID

from qframework import (
    Facet,
    FacetValue,
    Indicator,
    Level,
    NotFound,
    Provenance,
    Scale,
    Text,
    ValidationError,
    loads_framework,
)

AUTHORED = Provenance("authored", note="test")


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.path: p.message for p in exc.value.problems}


def test_scale_normalises_its_range_to_zero_and_one() -> None:
    scale = Scale("sechs", "Zustimmung", tuple(Level(v, str(v)) for v in range(1, 7)), provenance=AUTHORED)
    assert scale.normalise(1) == 0.0
    assert scale.normalise(6) == 1.0
    assert scale.normalise(3.5) == 0.5
    assert scale.values() == frozenset(range(1, 7))
    assert scale.level(4).label == "4"
    with pytest.raises(NotFound, match="no level 7"):
        scale.level(7)


def test_scale_needs_two_ascending_levels() -> None:
    with pytest.raises(ValidationError) as info:
        Scale("s", "S", (Level(1, "a"),), provenance=AUTHORED)
    assert messages(info) == {"levels": "a scale needs at least 2 levels, got 1"}
    with pytest.raises(ValidationError) as info:
        Scale("s", "S", (Level(1, "a"), Level(1, "b")), provenance=AUTHORED)
    assert "levels[1].value" in messages(info)


def test_weight_must_be_positive_in_words_a_domain_expert_reads() -> None:
    with pytest.raises(ValidationError) as info:
        Indicator("i", "Titel", weight=-2, provenance=AUTHORED)
    assert messages(info) == {"weight": "must be > 0, got -2"}


@pytest.mark.parametrize(
    ("provenance", "path", "fragment"),
    [
        (dict(kind="quoted"), "source", "must name its source"),
        (dict(kind="paraphrased"), "source", "must name its source"),
        (dict(kind="authored"), "note", "needs a note"),
        (dict(kind="guessed", note="x"), "kind", "must be one of"),
    ],
)
def test_provenance_rules(provenance: dict[str, str], path: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        Provenance(**provenance)  # type: ignore[arg-type]
    assert fragment in messages(info)[path]


def test_inferred_content_may_stand_without_a_source() -> None:
    assert Provenance("inferred", note="present in every sister model").source is None


def test_translations_are_for_other_languages_than_german() -> None:
    with pytest.raises(ValidationError) as info:
        Indicator("i", "Titel", provenance=AUTHORED, translations={"de": Text("Titel")})
    assert "source language" in messages(info)["translations.de"]
    with pytest.raises(ValidationError):
        Indicator("i", "Titel", provenance=AUTHORED, translations={"english": Text("Title")})


def test_single_valued_facet_rejects_two_values() -> None:
    fw = loads_framework(VALID)
    facet = Facet("ebene", "Ebene", (FacetValue("a", "A"), FacetValue("b", "B")), multiple=False, provenance=AUTHORED)
    dim = fw.dimensions[0]
    ind = Indicator("x", "X", facets={"ebene": ("a", "b")}, provenance=AUTHORED)
    with pytest.raises(ValidationError) as info:
        type(fw)(
            id=fw.id, version=fw.version, title=fw.title, default_scale=fw.default_scale, scales=fw.scales,
            dimensions=(type(dim)(dim.id, dim.number, dim.title, (ind,), provenance=dim.provenance),),
            sources=fw.sources, provenance=fw.provenance, facets=(facet,),
        )  # fmt: skip
    assert messages(info) == {"dimensions[0].indicators[0].facets.ebene": "facet 'ebene' takes one value only"}


def test_lookups_by_id() -> None:
    fw = loads_framework(VALID)
    assert fw.indicator("steuerungsgruppe").title == "Es gibt eine Steuerungsgruppe."
    assert fw.dimension_of("steuerungsgruppe").id == "netzwerk"
    assert fw.dimension("netzwerk").number == 3
    assert [i.id for i in fw.indicators()] == ["steuerungsgruppe"]
    assert fw.facet("ebene").value_ids() == {"strategisch", "operativ"}
    assert fw.source("brief").title == "Domain brief"
    assert fw.key == ("mini", "1.0")
    with pytest.raises(NotFound, match=r"unknown indicator 'nope' \(known: steuerungsgruppe\)"):
        fw.indicator("nope")
    with pytest.raises(NotFound):
        fw.dimension("nope")


def test_frameworks_are_immutable() -> None:
    fw = loads_framework(VALID)
    with pytest.raises(AttributeError):
        fw.title = "x"  # type: ignore[misc]
