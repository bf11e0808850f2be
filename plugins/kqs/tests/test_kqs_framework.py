"""Facts about KQS that the plugin must carry, written out by hand from the project's sources.

Known (BRIEF §2, seed 003): twelve Qualitätsbereiche; eleven of them named in the JiN newsletter
03/2016; the twelfth (Infrastruktur) is only inferred; the official order and all requirement texts
are unknown, so the numbering and the requirements are qframework's own and must say so.
"""

from __future__ import annotations

import pytest
import qframework_kqs

from qframework import Framework
from qframework.plugins import PluginInfo, load_registry, make_plugin_manager

# The order is qframework's (see the framework's provenance note), the spellings are seed 003's.
AREAS = [
    (1, "leitbild", "Leitbild", "Mission statement"),
    (2, "bedarfserschliessung", "Bedarfserschließung", "Needs assessment"),
    (3, "schluesselprozesse", "Schlüsselprozesse", "Key processes"),
    (4, "soziale-dienstleistungen", "Soziale Dienstleistungen", "Social services"),
    (5, "evaluation", "Evaluation", "Evaluation"),
    (6, "fuehrung", "Führung", "Leadership"),
    (7, "personal", "Personal", "Human resources"),
    (8, "controlling", "Controlling", "Management control"),
    (9, "kundenkommunikation", "Kundenkommunikation", "Customer communication"),
    (10, "strategie", "Strategie", "Strategy"),
    (11, "kooperationen", "Kooperationen", "Cooperation"),
    (12, "infrastruktur", "Infrastruktur", "Infrastructure"),
]

# The eleven names that appear in the JiN newsletter 03/2016 (seed 003), as spelt there.
NAMED_IN_SEED_003 = {
    "Bedarfserschließung",
    "Evaluation",
    "Leitbild",
    "Personal",
    "Soziale Dienstleistungen",
    "Controlling",
    "Schlüsselprozesse",
    "Strategie",
    "Führung",
    "Kooperationen",
    "Kundenkommunikation",
}

SGB8_79A = [
    ("leistungen", "Gewährung und Erbringung von Leistungen"),
    ("andere-aufgaben", "Erfüllung anderer Aufgaben"),
    ("gefaehrdungseinschaetzung", "Prozess der Gefährdungseinschätzung nach § 8a"),
    ("zusammenarbeit", "Zusammenarbeit mit anderen Institutionen"),
]


@pytest.fixture(scope="module")
def kqs() -> Framework:
    pm = make_plugin_manager(entry_points=False)
    assert pm.add_plugin(qframework_kqs, PluginInfo("kqs", None, "qframework_kqs"))
    registry = load_registry(pm)
    assert not registry.failures
    return registry.framework("kqs")


def test_identity(kqs: Framework) -> None:
    assert kqs.id == "kqs"
    assert kqs.version == "2"
    assert kqs.key == ("kqs", "2")
    assert "Kundenorientierte Qualitätstestierung" in kqs.title
    assert "ArtSet" in kqs.publisher and "Hannover" in kqs.publisher
    assert kqs.translations["en"].title


def test_twelve_areas_numbered_with_exact_titles(kqs: Framework) -> None:
    got = [(d.number, d.id, d.title, d.translations["en"].title) for d in kqs.dimensions]
    assert got == AREAS


def test_eleven_area_names_are_quoted_from_the_seed_and_their_descriptions_are_ours(kqs: Framework) -> None:
    quoted = {d.title for d in kqs.dimensions if d.provenance.title_kind == "quoted"}
    assert quoted == NAMED_IN_SEED_003
    assert {d.provenance.kind for d in kqs.dimensions if d.title in NAMED_IN_SEED_003} == {"authored"}
    for dim in kqs.dimensions:
        if dim.title in NAMED_IN_SEED_003:
            assert dim.provenance.source == "jin-2016-03"
            # the numbering and the description are ours and the note must say so
            assert "qframework" in dim.provenance.note


def test_infrastruktur_is_inferred(kqs: Framework) -> None:
    infra = kqs.dimension("infrastruktur")
    assert infra.number == 12
    assert infra.provenance.kind == "inferred"
    assert "Schwestermodell" in infra.provenance.note


def test_strategie_notes_lqw_name(kqs: Framework) -> None:
    assert "Strategische Entwicklungsziele" in kqs.dimension("strategie").provenance.note


def test_numbering_is_declared_as_qframeworks(kqs: Framework) -> None:
    note = kqs.provenance.note
    assert "vergibt qframework, nicht ArtSet" in note
    assert "Reihenfolge im Leitfaden ist uns nicht bekannt" in note


def test_description_explains_definition_gelungener_arbeit(kqs: Framework) -> None:
    assert "Definition gelungener Kinder- und Jugendhilfe" in kqs.description
    for step in ("Selbstreport", "Gutachten", "Visitation", "Testat", "vier Jahre"):
        assert step in kqs.description
    assert kqs.provenance.kind == "paraphrased" and kqs.provenance.source


def test_requirements_are_authored_and_phrased_like_the_model_family(kqs: Framework) -> None:
    for dim in kqs.dimensions:
        assert 3 <= len(dim.indicators) <= 5, dim.id
        for ind in dim.indicators:
            assert ind.title.startswith("Die Organisation "), ind.id
            assert ind.provenance.kind == "authored", ind.id
            assert "von qframework verfasst" in ind.provenance.note
            assert "nicht bekannt" in ind.provenance.note
            assert ind.translations["en"].title.startswith("The organisation "), ind.id
    assert sum(len(d.indicators) for d in kqs.dimensions) == 51


def test_scale_is_authored_self_assessment(kqs: Framework) -> None:
    scale = kqs.scale()
    assert scale.id == "kqs-selbstbewertung"
    assert [(lv.value, lv.label) for lv in scale.levels] == [
        (0, "nicht beschrieben"),
        (1, "teilweise beschrieben"),
        (2, "beschrieben"),
        (3, "beschrieben und nachgewiesen"),
    ]
    assert scale.provenance.kind == "authored" and scale.provenance.note
    assert all(lv.translations["en"].title for lv in scale.levels)
    assert scale.normalise(3) == 1.0 and scale.normalise(0) == 0.0


def test_sgb8_79a_facet(kqs: Framework) -> None:
    facet = kqs.facet("sgb8-79a")
    assert [(v.id, v.title) for v in facet.values] == SGB8_79A
    assert facet.multiple
    assert facet.provenance.kind == "paraphrased" and facet.provenance.source == "sgb8-79a-text"
    assert all(v.translations["en"].title for v in facet.values)
    tagged = [ind for ind in kqs.indicators() if "sgb8-79a" in ind.facets]
    # every scope is used, and every tagged requirement says the mapping is ours
    assert {v for ind in tagged for v in ind.facets["sgb8-79a"]} == {v for v, _ in SGB8_79A}
    for ind in tagged:
        assert "Zuordnung zu § 79a SGB VIII stammt ebenfalls von qframework" in ind.provenance.note
    # the § 8a risk assessment appears at least in Schlüsselprozesse
    assert kqs.indicator("prozesse-gefaehrdungseinschaetzung").facets["sgb8-79a"] == ("gefaehrdungseinschaetzung",)


def test_plugin_registers_the_79a_model_project_and_its_follow_up() -> None:
    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(qframework_kqs, PluginInfo("kqs", None, "qframework_kqs"))
    registry = load_registry(pm)
    assert not registry.failures
    assert sorted(registry.programmes) == ["nds-79a-modellprojekt-2016", "nds-79a-modellprojekt-2019"]
    first, second = (registry.programmes[i] for i in sorted(registry.programmes))
    assert [p.name for p in first.participants] == [
        "Stadt Celle",
        "Landkreis Gifhorn",
        "Landkreis Rotenburg (Wümme)",
        "Landkreis Nienburg (Weser)",
    ]
    assert second.follows == first.id and second.rules == first.rules
    assert {p.name for p in second.participants} == {
        "Stadt Osnabrück",
        "Landkreis Oldenburg",
        "Landkreis Helmstedt",
        "Landkreis Schaumburg",
        "Landkreis Hameln-Pyrmont",
    }
