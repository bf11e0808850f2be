"""Domain honesty across every installed plugin: all shipped content says where it comes from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qframework import Framework, Programme, Provenance, load_registry
from qframework.io import unstructure

REGISTRY = load_registry()


def framework_elements(fw: Framework) -> Iterator[tuple[str, Provenance | None]]:
    yield fw.id, fw.provenance
    for scale in fw.scales:
        yield f"{fw.id}: scale {scale.id}", scale.provenance
    for facet in fw.facets:
        yield f"{fw.id}: facet {facet.id}", facet.provenance
    for dim in fw.dimensions:
        yield f"{fw.id}: dimension {dim.id}", dim.provenance
        for ind in dim.indicators:
            yield f"{fw.id}: indicator {ind.id}", ind.provenance
            for tier in ind.tiers:
                yield f"{fw.id}: {ind.id} tier {tier.id}", tier.provenance


def programme_elements(p: Programme) -> Iterator[tuple[str, Provenance | None]]:
    yield p.id, p.provenance
    yield f"{p.id}: rules", p.rules_provenance
    if p.participants:
        yield f"{p.id}: participants", p.participants_provenance
    if p.assignment is not None:
        yield f"{p.id}: assignment", p.assignment_provenance
    for kind, items in (("phase", p.phases), ("event", p.events), ("segment", p.segments)):
        for item in items:
            yield f"{p.id}: {kind} {item.id}", item.provenance  # type: ignore[attr-defined]
    for quota in p.quotas:
        yield f"{p.id}: quota {quota.role}", quota.provenance


def test_the_four_frameworks_and_six_programmes_are_installed() -> None:
    assert set(REGISTRY.frameworks) == {"nzfh-qualitaetsrahmen", "kqs", "nds-qualitaetsstandards-fh", "sgb8-79a"}
    assert len(REGISTRY.programmes) == 6
    assert REGISTRY.failures == ()


@pytest.mark.parametrize("framework_id", sorted(REGISTRY.frameworks))
def test_every_framework_element_has_provenance(framework_id: str) -> None:
    fw = REGISTRY.frameworks[framework_id]
    sources = {s.id for s in fw.sources}
    for where, provenance in framework_elements(fw):
        assert provenance is not None, f"{where} has no provenance"
        if provenance.kind in ("quoted", "paraphrased"):
            assert provenance.source in sources, f"{where}: {provenance.kind} without a declared source"
        if provenance.kind == "authored":
            assert provenance.note.strip(), f"{where}: authored without a note saying so"


@pytest.mark.parametrize("programme_id", sorted(REGISTRY.programmes))
def test_every_programme_fact_has_provenance(programme_id: str) -> None:
    p = REGISTRY.programmes[programme_id]
    sources = {s.id for s in p.sources}
    for where, provenance in programme_elements(p):
        assert provenance is not None, f"{where} has no provenance"
        if provenance.source is not None:
            assert provenance.source in sources, where


@pytest.mark.parametrize("framework_id", sorted(REGISTRY.frameworks))
def test_indicator_texts_we_wrote_are_never_called_quoted(framework_id: str) -> None:
    """The brief says no indicator, requirement or standard text is known to us: none may be quoted."""
    fw = REGISTRY.frameworks[framework_id]
    kinds = {ind.provenance.kind for ind in fw.indicators() if ind.provenance}
    assert kinds == {"authored"}


@pytest.mark.parametrize("framework_id", sorted(REGISTRY.frameworks))
def test_every_dimension_can_be_assessed(framework_id: str) -> None:
    fw = REGISTRY.frameworks[framework_id]
    assert all(len(d.indicators) >= 3 for d in fw.dimensions)
    assert all("en" in d.translations for d in fw.dimensions), "English labels beside the German"


# --- Issue 9, part 2: corrections checked against the domain brief and the seed texts ------------


def texts(obj: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a shipped framework or programme, with its path (``…translations.en…``)."""
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from texts(value, f"{path}.{key}")
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            yield from texts(value, f"{path}[{i}]")


SHIPPED = {
    **{f"framework {k}": unstructure(REGISTRY.frameworks[k]) for k in REGISTRY.frameworks},
    **{f"programme {k}": unstructure(REGISTRY.programmes[k]) for k in REGISTRY.programmes},
}


def english(where: str) -> bool:
    return ".translations.en." in f"{where}."


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_no_shipped_text_says_integrationshilfe(name: str) -> None:
    """BRIEF §1, dimension 1: the source lists Eingliederungshilfe (disability support), not migrant integration."""
    bad = [
        w for w, t in texts(SHIPPED[name]) if "integrationshilfe" in t.lower() or "integration assistance" in t.lower()
    ]
    assert bad == []


def test_grundidee_names_eingliederungshilfe_in_german_and_english() -> None:
    grundidee = REGISTRY.frameworks["nzfh-qualitaetsrahmen"].dimension("grundidee")
    indicator = next(i for i in grundidee.indicators if i.id == "grundidee-sektorenuebergreifend")
    for element in (grundidee, indicator):
        german = element.description if element is grundidee else element.title
        assert "Eingliederungshilfe" in german
        english_text = element.translations["en"]
        assert "Eingliederungshilfe" in (english_text.description or "") + english_text.title


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_no_english_text_calls_frühe_hilfen_early_childhood_intervention(name: str) -> None:
    """BRIEF, "English names": that phrase means Frühförderung, another field; the NZFH is the
    National Centre on Early Prevention."""
    bad = [w for w, t in texts(SHIPPED[name]) if english(w) and "early childhood intervention" in t.lower()]
    assert bad == []


def test_the_nzfh_is_called_by_its_own_english_name() -> None:
    en = REGISTRY.frameworks["nzfh-qualitaetsrahmen"].translations["en"]
    assert "National Centre on Early Prevention" in (en.description or "")


@pytest.mark.parametrize("name", sorted(n for n in SHIPPED if "kqs" in n or "79a" in n))
def test_kqs_testierung_is_never_called_a_certification(name: str) -> None:
    """The model's name says Testierung and Testat: testing and attestation, not certification."""
    bad = [w for w, t in texts(SHIPPED[name]) if "certif" in t.lower() or "zertifi" in t.lower()]
    assert bad == []


def test_kqs_controlling_is_management_control_in_english() -> None:
    area = REGISTRY.frameworks["kqs"].dimension("controlling")
    assert (area.title, area.translations["en"].title) == ("Controlling", "Management control")


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_jin_is_jugendhilfe_in_niedersachsen(name: str) -> None:
    """BRIEF, "English names": JiN is the Landesjugendamt's newsletter "Jugendhilfe in Niedersachsen"."""
    titles = [s["title"] for s in SHIPPED[name].get("sources", []) if "JiN" in s["title"]]
    assert all("Jugendhilfe in Niedersachsen" in t for t in titles), titles
    assert not any("Jugend in Niedersachsen" in t for w, t in texts(SHIPPED[name]))


# Years are all the sources give for these (seeds 000, 004; BRIEF §2 "In 2019 five more Jugendämter").
PERIODS_IN_YEARS_ONLY = {
    "nds-qualitaetszirkel-2019": "2019–2021",
    "nds-79a-modellprojekt-2019": "ab 2019",
    "nds-qualitaetswerkstaetten-2024": "ab 2024",
}


@pytest.mark.parametrize("programme_id", sorted(PERIODS_IN_YEARS_ONLY))
def test_programmes_known_by_year_carry_a_period_and_no_invented_dates(programme_id: str) -> None:
    p = REGISTRY.programmes[programme_id]
    assert (p.period, p.start, p.end) == (PERIODS_IN_YEARS_ONLY[programme_id], None, None)


@pytest.mark.parametrize("programme_id", sorted(REGISTRY.programmes))
def test_a_programme_start_or_end_is_a_dated_fact_of_its_own(programme_id: str) -> None:
    """An exact start or end must be the date of one of the programme's events or phases, which carry
    provenance — never a day made up to fill a year (2019-01-01, 2024-12-31)."""
    p = REGISTRY.programmes[programme_id]
    dated = {e.date for e in p.events} | {ph.start for ph in p.phases} | {ph.end for ph in p.phases}
    for day in (p.start, p.end):
        assert day is None or day in dated, f"{programme_id}: {day} is no event's or phase's date"


def test_werkstaetten_do_not_end_before_their_own_next_workshop() -> None:
    """Seed 004: the next Wolfenbüttel workshop was planned for January 2025."""
    p = REGISTRY.programmes["nds-qualitaetswerkstaetten-2024"]
    assert p.end is None
    assert "Januar 2025" in p.description


def test_79a_2019_claims_no_process_support_and_marks_its_title_ours() -> None:
    """No source names who supported the 2019 round, nor a name for it."""
    p = REGISTRY.programmes["nds-79a-modellprojekt-2019"]
    assert p.process_support == ()
    assert p.provenance is not None and p.provenance.title_kind == "authored"


def test_qdfh_phase_titles_are_marked_ours() -> None:
    """The source gives three phases, not their titles ("Phase 1" … is ours)."""
    phases = REGISTRY.programmes["qdfh-2019"].phases
    assert [(ph.title, ph.provenance.title_kind if ph.provenance else None) for ph in phases] == [
        ("Phase 1", "authored"),
        ("Phase 2", "authored"),
        ("Phase 3", "authored"),
    ]


def test_qdfh_parent_and_civil_society_quotas_share_one_reading() -> None:
    """Seed 002 gives one "1-2 Elternvertreter/innen und zivilgesellschaftliche Akteure"; the split is ours."""
    quotas = {q.role: q for q in REGISTRY.programmes["qdfh-2019"].quotas}
    kinds = {role: q.provenance.kind for role, q in quotas.items() if q.provenance}
    assert (kinds["eltern"], kinds["zivilgesellschaft"]) == ("inferred", "inferred")


def test_kqs_scale_marks_no_points_scale_as_our_reading() -> None:
    scale = next(s for s in REGISTRY.frameworks["kqs"].scales if s.id == "kqs-selbstbewertung")
    assert scale.provenance is not None and "unserer Lesart" in scale.provenance.note
    assert scale.levels[1].description == "Die Anforderung ist nur lückenhaft beschrieben oder nur mündlich geregelt."


def test_qdfh_records_its_size_participant_levels_and_framing_conferences() -> None:
    """Seed 001 (two levels), seed 002 (one-day framing events), BRIEF §1 (over 200 actors)."""
    p = REGISTRY.programmes["qdfh-2019"]
    assert "über 200" in p.description
    assert "Planungs- und Steuerungsverantwortung" in p.description
    assert "Familienhebammen" in p.description
    conferences = {e.id: e for e in p.events if e.per == "programme"}
    assert [conferences[i].title for i in ("auftakt", "zwischenveranstaltung", "abschlusskonferenz")] == [
        "Auftaktkonferenz",
        "Zwischenkonferenz",
        "Abschlusskonferenz",
    ]
    assert all("Eintägig" in e.description for e in conferences.values())


def test_qualitaetsrahmen_describes_its_process_model_and_self_assessment() -> None:
    """BRIEF §1: the five-step cycle after the Public Health Action Cycle and the self-assessment method."""
    description = REGISTRY.frameworks["nzfh-qualitaetsrahmen"].description
    for step in ("Problem- und Zielbestimmung", "Strategieformulierung", "Umsetzung", "Bewertung", "Nachsteuerung"):
        assert step in description
    assert "Public Health Action Cycle" in description
    assert "Gesamteinschätzung" in description


def test_qualitaetszirkel_record_the_werkstatt_before_them_and_the_federal_dialogues() -> None:
    """Seed 000: a Qualitätswerkstatt in Bremen and Hannover fed the circles; coordinated with the
    Kommunale Qualitätsdialoge on federal level."""
    description = REGISTRY.programmes["nds-qualitaetszirkel-2019"].description
    assert "Qualitätswerkstatt in Bremen und Hannover" in description
    assert "Qualitätsdialogen" in description


def test_english_network_topic_title_is_idiomatic() -> None:
    topic = REGISTRY.frameworks["nds-qualitaetsstandards-fh"].dimension("netzwerkstrukturen")
    assert topic.translations["en"].title == "Binding structures for the network's work"
