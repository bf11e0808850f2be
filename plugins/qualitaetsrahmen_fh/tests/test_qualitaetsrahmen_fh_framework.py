"""Tests for the qframework-qualitaetsrahmen-fh plugin.

The expected facts (dimension numbers, order and titles, facet values, scale end points) are
written out by hand from the project's domain brief, never computed from the data under test.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from importlib.resources import files

import pytest
import qframework_qualitaetsrahmen_fh as plugin

from qframework import Framework
from qframework.io import dumps, loads
from qframework.plugins import PluginInfo, load_registry, make_plugin_manager

FRAMEWORK_ID = "nzfh-qualitaetsrahmen"
DATA_FILE = files(plugin.__name__) / "data" / "qualitaetsrahmen-fh-2.0.toml"

# The nine numbered Qualitätsdimensionen of version 2.0, in their real order (BRIEF §1, [S4, S8–S15]).
DIMENSIONS = [
    (1, "Grundidee"),
    (2, "Zielbestimmung"),
    (3, "Netzwerk"),
    (4, "Planung"),
    (5, "Politisch-strukturelle Verankerung"),
    (6, "Qualifizierung und interprofessionelles Lernen"),
    (7, "Zusammenarbeit mit der Familie"),
    (8, "Qualität von Angeboten"),
    (9, "Dokumentation und Evaluation"),
]

# Number of "Zentrale Fragen" per dimension as far as known (BRIEF §1); dimension 2 is unknown.
ZENTRALE_FRAGEN = {1: 3, 3: 4, 4: 3, 5: 3, 6: 3, 7: 4, 8: 7, 9: 4}

EBENE = {"strategische-steuerung": "Strategische Steuerung", "operative-umsetzung": "Operative Umsetzung"}
GEGENSTAND = {
    "angebot": "Angebot",
    "netzwerk": "Netzwerk",
    "strukturelle-anbindung": "Strukturelle Anbindung",
}


@pytest.fixture(scope="module")
def framework() -> Framework:
    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(plugin, PluginInfo("qualitaetsrahmen_fh", None, plugin.__name__))
    registry = load_registry(pm)
    return registry.framework(FRAMEWORK_ID)


def _all_indicators(fw: Framework):
    return [ind for dim in fw.dimensions for ind in dim.indicators]


# -- identity --------------------------------------------------------------------------------------


def test_identity(framework: Framework) -> None:
    assert framework.id == "nzfh-qualitaetsrahmen"
    assert framework.version == "2.0"
    assert framework.title == "Qualitätsrahmen Frühe Hilfen 2.0"
    assert "Nationales Zentrum Frühe Hilfen (NZFH)" in framework.publisher
    assert "Beirat" in framework.publisher
    assert "en" in framework.translations


def test_edition_history_is_recorded(framework: Framework) -> None:
    text = framework.description + " " + framework.provenance.note
    assert "2016" in text
    assert "KOMPAKT" in text and "Band 5" in text
    assert "Februar 2024" in text
    assert "2.0" in text


# -- dimensions ------------------------------------------------------------------------------------


def test_nine_numbered_dimensions_in_order(framework: Framework) -> None:
    assert [(d.number, d.title) for d in framework.dimensions] == DIMENSIONS


def test_dimension_ids(framework: Framework) -> None:
    ids = [d.id for d in framework.dimensions]
    assert ids[:4] == ["grundidee", "zielbestimmung", "netzwerk", "planung"]
    assert len(set(ids)) == 9


def test_dimension_descriptions_paraphrase_the_dimension_pages(framework: Framework) -> None:
    for dim in framework.dimensions:
        assert dim.description.strip(), dim.id
        assert dim.provenance.kind == "paraphrased", dim.id
        # the general dimension pages, or the one page read in full (dimensions 1 and 8)
        assert dim.provenance.source in ("nzfh-qr2-dimensionen", f"nzfh-qr2-dimension-{dim.number}"), dim.id


def test_zentrale_fragen_are_paraphrased_where_the_page_was_read(framework: Framework) -> None:
    """Every dimension page we could read: its "Zentrale Fragen" in our words, one clause per question,
    with that page as source. Dimension 2's page was not found, so it claims none."""
    for dim in framework.dimensions:
        marker = "Zentrale Fragen (sinngemäß): "
        if dim.number == 2:
            assert marker not in dim.description
            continue
        assert marker in dim.description, dim.id
        clauses = dim.description.split(marker, 1)[1].rstrip(".").split("; ")
        assert len(clauses) == ZENTRALE_FRAGEN[dim.number], dim.id
        assert dim.provenance.source == f"nzfh-qr2-dimension-{dim.number}", dim.id
        assert "kein Satz übernommen" in dim.provenance.note, dim.id
    sources = {s.id: s for s in framework.sources}
    for number in (1, 3, 4, 5, 6, 7, 8, 9):
        assert sources[f"nzfh-qr2-dimension-{number}"].url in READ_PAGES
        assert "en" in dim.translations and dim.translations["en"].title.strip(), dim.id


def test_dimension_5_records_2016_wording(framework: Framework) -> None:
    dim = framework.dimensions[4]
    assert dim.title == "Politisch-strukturelle Verankerung"
    assert "Politisch-strukturelle Verankerung vor Ort" in dim.provenance.note


def test_english_titles(framework: Framework) -> None:
    english = [d.translations["en"].title for d in framework.dimensions]
    assert english[0] == "Basic idea"
    assert english[2] == "Network"
    assert english[8] == "Documentation and evaluation"


# -- indicators ------------------------------------------------------------------------------------


def test_indicator_counts_match_known_zentrale_fragen(framework: Framework) -> None:
    for dim in framework.dimensions:
        n = len(dim.indicators)
        assert 3 <= n <= 7, (dim.number, n)
        if dim.number in ZENTRALE_FRAGEN:
            assert n == ZENTRALE_FRAGEN[dim.number], dim.number
        else:
            assert dim.number == 2
            assert n in (3, 4)


def test_indicators_are_authored_and_say_so(framework: Framework) -> None:
    for ind in _all_indicators(framework):
        assert ind.provenance.kind == "authored", ind.id
        note = ind.provenance.note
        assert "von qframework verfasst" in note, ind.id
        assert "KEINE der Zentralen Fragen des NZFH" in note, ind.id


def test_indicators_are_tagged_with_both_facets(framework: Framework) -> None:
    for ind in _all_indicators(framework):
        assert set(ind.facets) == {"ebene", "gegenstand"}, ind.id
        assert set(ind.facets["ebene"]) <= set(EBENE), ind.id
        assert set(ind.facets["gegenstand"]) <= set(GEGENSTAND), ind.id


def test_every_facet_value_is_used(framework: Framework) -> None:
    used_ebene = {v for ind in _all_indicators(framework) for v in ind.facets["ebene"]}
    used_gegenstand = {v for ind in _all_indicators(framework) for v in ind.facets["gegenstand"]}
    assert used_ebene == set(EBENE)
    assert used_gegenstand == set(GEGENSTAND)


def test_indicators_have_english_titles(framework: Framework) -> None:
    for ind in _all_indicators(framework):
        assert ind.translations["en"].title.strip(), ind.id


def test_ids_unique_and_slugs(framework: Framework) -> None:
    ids = [d.id for d in framework.dimensions] + [i.id for i in _all_indicators(framework)]
    assert len(ids) == len(set(ids))
    for element_id in ids:
        assert element_id == element_id.lower() and element_id.isascii(), element_id


# -- facets ----------------------------------------------------------------------------------------


def test_facets(framework: Framework) -> None:
    facets = {f.id: f for f in framework.facets}
    assert set(facets) == {"ebene", "gegenstand"}
    assert {v.id: v.title for v in facets["ebene"].values} == EBENE
    assert {v.id: v.title for v in facets["gegenstand"].values} == GEGENSTAND


def test_ebene_comes_from_2016_edition(framework: Framework) -> None:
    ebene = next(f for f in framework.facets if f.id == "ebene")
    assert ebene.provenance.kind == "paraphrased"
    assert ebene.provenance.source == "nzfh-kompakt-5"
    assert "2016" in ebene.provenance.note


def test_gegenstand_comes_from_grundlagen(framework: Framework) -> None:
    gegenstand = next(f for f in framework.facets if f.id == "gegenstand")
    assert gegenstand.provenance.kind == "paraphrased"
    assert gegenstand.provenance.source == "nzfh-grundlagen"


# -- scales ----------------------------------------------------------------------------------------


def test_default_scale_is_six_point_agreement(framework: Framework) -> None:
    assert framework.default_scale == "zustimmung-6"
    scale = next(s for s in framework.scales if s.id == "zustimmung-6")
    assert [level.value for level in scale.levels] == [1, 2, 3, 4, 5, 6]
    assert scale.level(1).label == "stimme gar nicht zu"
    assert scale.level(6).label == "stimme sehr zu"


def test_default_scale_marks_unknown_labels(framework: Framework) -> None:
    scale = next(s for s in framework.scales if s.id == "zustimmung-6")
    assert scale.provenance.kind in ("inferred", "authored")
    assert scale.provenance.source == "ispo-zwischenbericht"
    assert "2–5" in scale.provenance.note
    for value in (2, 3, 4, 5):
        assert "von qframework ergänzt" in scale.level(value).description, value
    for value in (1, 6):
        assert "belegt" in scale.level(value).description, value


def test_second_scale_is_authored(framework: Framework) -> None:
    others = [s for s in framework.scales if s.id != framework.default_scale]
    assert others
    for scale in others:
        assert scale.provenance.kind == "authored"
        assert "qframework" in scale.provenance.note


# -- provenance ------------------------------------------------------------------------------------


def _provenanced(fw: Framework):
    yield "framework", fw.provenance
    for s in fw.scales:
        yield f"scale {s.id}", s.provenance
    for f in fw.facets:
        yield f"facet {f.id}", f.provenance
    for d in fw.dimensions:
        yield f"dimension {d.id}", d.provenance
        for i in d.indicators:
            yield f"indicator {i.id}", i.provenance
            for t in i.tiers:
                yield f"tier {t.id}", t.provenance


def test_every_element_has_provenance(framework: Framework) -> None:
    source_ids = {s.id for s in framework.sources}
    for where, prov in _provenanced(framework):
        assert prov is not None, where
        assert prov.kind in ("quoted", "paraphrased", "inferred", "authored"), where
        if prov.kind in ("quoted", "paraphrased"):
            assert prov.source in source_ids, where
        if prov.kind == "authored":
            assert "qframework" in prov.note, where


def test_nothing_claims_to_quote_the_nzfh_questions(framework: Framework) -> None:
    kinds = {prov.kind for _, prov in _provenanced(framework)}
    assert "quoted" not in kinds


# Full page addresses the project has read (stored copies); any other source names only the domain.
_QR = "https://www.fruehehilfen.de/qualitaetsentwicklung-fruehe-hilfen/qualitaetsrahmen-fruehe-hilfen/"
READ_PAGES = {
    _QR + "qualitaetsdimension-1-grundidee/",
    _QR + "qualitaetsdimension-3-netzwerk/",
    _QR + "qualitaetsdimension-4-planung/",
    _QR + "qualitaetsdimension-5-politisch-strukturelle-verankerung/",
    _QR + "qualitaetsdimension-6-qualifizierung-und-interprofessionelles-lernen/",
    _QR + "qualitaetsdimension-7-zusammenarbeit-mit-der-familie/",
    _QR + "qualitaetsdimension-8-qualitaet-von-angeboten/",
    _QR + "qualitaetsdimension-9-dokumentation-und-evaluation/",
}


def test_sources_do_not_invent_url_paths(framework: Framework) -> None:
    for source in framework.sources:
        assert source.url in ("", "https://www.fruehehilfen.de/", *READ_PAGES), source.id
        assert source.title.strip()


# -- serialisation and installation ----------------------------------------------------------------


def test_data_file_is_plain_toml() -> None:
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert data["id"] == FRAMEWORK_ID
    assert len(data["dimensions"]) == 9


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_round_trip(framework: Framework, fmt: str) -> None:
    text = dumps(framework, format=fmt)
    again = loads(Framework, text, format=fmt)
    assert again == framework
    assert dumps(again, format=fmt) == text


def test_entry_point_installed() -> None:
    eps = metadata.entry_points(group="qframework")
    ours = [ep for ep in eps if ep.name == "qualitaetsrahmen_fh"]
    assert len(ours) == 1
    assert ours[0].value == "qframework_qualitaetsrahmen_fh"
    assert ours[0].load() is plugin
