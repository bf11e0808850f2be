"""Domain honesty across every installed plugin: all shipped content says where it comes from."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from qframework import Framework, Programme, Provenance, assign, check_assignment, load_registry
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


def test_79a_2019_round_is_the_landesamt_s_with_artset_and_another_process() -> None:
    """artset.de: funded by the Landesamt, supported by ArtSet, another process; no name for the round."""
    p = REGISTRY.programmes["nds-79a-modellprojekt-2019"]
    assert p.process_support == ("ArtSet Forschung Bildung Beratung GmbH, Hannover",)
    assert "Landesamt für Soziales, Jugend und Familie" in p.organiser
    assert [ph.title for ph in p.phases] == [
        "Auftaktworkshops",
        "Bestandsaufnahme und Wahl der Qualitätsbereiche",
        "Workshops zu den gewählten Qualitätsbereichen",
        "Begleitung von Arbeitsgruppen",
        "Verstetigung",
    ]
    assert p.provenance is not None and p.provenance.title_kind == "authored"
    # the round-1 slot rules are kept only to plan with, and say they have no support
    assert p.rules_provenance is not None and p.rules_provenance.kind == "authored"
    assert "Annahme ohne Beleg" in p.rules_provenance.note and "Annahme ohne Beleg" in p.description


def test_qdfh_phase_titles_are_marked_ours() -> None:
    """The source gives three phases, not their titles ("Phase 1" … is ours)."""
    phases = REGISTRY.programmes["qdfh-2019"].phases
    assert [(ph.title, ph.provenance.title_kind if ph.provenance else None) for ph in phases] == [
        ("Phase 1", "authored"),
        ("Phase 2", "authored"),
        ("Phase 3", "authored"),
    ]


def test_qdfh_parents_and_civil_society_are_one_quota_of_at_most_two_in_total() -> None:
    """Seed 002: "nach Möglichkeit 1-2 Elternvertreter/innen und zivilgesellschaftliche Akteure" — 1–2 in total."""
    quotas = {q.role: q for q in REGISTRY.programmes["qdfh-2019"].quotas}
    assert set(quotas) == {"netzwerk", "eltern-zivilgesellschaft"}
    both = quotas["eltern-zivilgesellschaft"]
    assert (both.min, both.max) == (0, 2)
    assert both.provenance is not None and "insgesamt" in both.provenance.note


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


def test_qdfh_conference_dates_and_online_format() -> None:
    """Kick-off 27.02.2019 in Berlin; Zwischenkonferenz 19.11.2020 and Abschlusskonferenz 07.06.2021, both online."""
    events = {e.id: e for e in REGISTRY.programmes["qdfh-2019"].events}
    assert [(i, str(events[i].date)) for i in ("auftakt", "zwischenveranstaltung", "abschlusskonferenz")] == [
        ("auftakt", "2019-02-27"),
        ("zwischenveranstaltung", "2020-11-19"),
        ("abschlusskonferenz", "2021-06-07"),
    ]
    assert "online" in events["zwischenveranstaltung"].description
    assert "online" in events["abschlusskonferenz"].description
    assert "Berlin" in events["auftakt"].description


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


# --- third fidelity pass (issue 24) ------------------------------------------------------------


def _all_texts() -> Iterator[tuple[str, str]]:
    """Every string in every shipped framework, programme and crosswalk, with where it is."""

    def walk(where: str, value: object) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(f"{where}.{k}", v)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                yield from walk(f"{where}[{i}]", v)

    for kind, items in (
        ("framework", REGISTRY.frameworks),
        ("programme", REGISTRY.programmes),
        ("crosswalk", REGISTRY.crosswalks),
    ):
        for item_id, item in items.items():
            yield from walk(f"{kind} {item_id}", unstructure(item))


ROOT = Path(__file__).resolve().parent.parent


def test_the_lower_saxony_document_is_a_handreichung_everywhere() -> None:
    """JiN 02/2021 and the Land: the circles' result is a Handreichung, never a "Handbuch"."""
    found = [where for where, text in _all_texts() if "handbuch" in text.lower() or "handbook" in text.lower()]
    assert found == []
    pages = [*ROOT.glob("plugins/*/README.md"), *ROOT.glob("docs/*.md"), ROOT / "README.md"]
    pages += list(ROOT.glob("plugins/*/src/*/*.py"))
    assert [str(p) for p in pages if re.search(r"handbuch|handbook", p.read_text("utf-8"), re.I)] == []


def test_79a_has_satz_1_numbers_satz_2_and_satz_3_in_the_kjsg_fassung() -> None:
    fw = REGISTRY.frameworks["sgb8-79a"]
    assert fw.version == "2021"
    assert "KJSG" in fw.description and "10.06.2021" in fw.description
    source = {s.id: s for s in fw.sources}["sgb8-79a-text"]
    assert source.url == "https://www.gesetze-im-internet.de/sgb_8/__79a.html"
    notes = {d.id: d.provenance.note for d in fw.dimensions if d.provenance}
    assert [
        notes[i].split(" SGB")[0]
        for i in ("leistungen", "andere-aufgaben", "gefaehrdungseinschaetzung", "zusammenarbeit")
    ] == [
        "§ 79a Satz 1 Nr. 1",
        "§ 79a Satz 1 Nr. 2",
        "§ 79a Satz 1 Nr. 3",
        "§ 79a Satz 1 Nr. 4",
    ]
    assert not any("Satz 2 Nr." in note for note in notes.values())
    assert fw.dimension("gefaehrdungseinschaetzung").title == "Prozess der Gefährdungseinschätzung nach § 8a"
    assert notes["inklusion"].startswith("§ 79a Satz 2") and notes["rechte-und-schutz"].startswith("§ 79a Satz 2")
    assert notes["fachliche-empfehlungen"].startswith("§ 79a Satz 3")
    assert "Behinderungen" in fw.dimension("inklusion").description
    assert "Familienpflege" in fw.dimension("rechte-und-schutz").description
    assert "§ 85 Abs. 2" in fw.dimension("fachliche-empfehlungen").description


def test_kqs_crosswalk_reaches_79a_satz_2_and_3_without_the_unsupported_claim() -> None:
    crosswalk = REGISTRY.crosswalks["kqs-sgb8-79a"]
    assert crosswalk.target.version == "2021"
    reached = {e.target for e in crosswalk.entries}
    assert {"inklusion", "rechte-und-schutz", "fachliche-empfehlungen"} <= reached
    assert "Frage des niedersächsischen Modellprojekts" not in crosswalk.description


def test_qualitaetszirkel_topic_1_final_title_with_its_history() -> None:
    fw = REGISTRY.frameworks["nds-qualitaetsstandards-fh"]
    topic = fw.dimension("fachkraefte-frueher-hilfen")
    assert topic.title == "Bedarfsgerechter Einsatz von Fachkräften Früher Hilfen"
    assert "Familienhebammen und vergleichbaren Berufsgruppen" in topic.description  # the earlier wording
    zirkel = REGISTRY.programmes["nds-qualitaetszirkel-2019"]
    assert zirkel.rules.topic("fachkraefte-frueher-hilfen").title == topic.title


def test_qualitaetszirkel_dates_the_handreichung_and_not_the_planned_end_of_support() -> None:
    """Presented 26.06.2021 online; the circles worked about 1.5 years; end 2020 was only planned."""
    p = REGISTRY.programmes["nds-qualitaetszirkel-2019"]
    assert (p.period, p.start, p.end) == ("2019–2021", None, date(2021, 6, 26))
    assert all(ph.end != date(2020, 12, 31) for ph in p.phases)
    assert "eineinhalb Jahre" in p.description and "26.06.2021" in p.description
    closing = p.event("abschluss")
    assert closing.date == date(2021, 6, 26) and "online" in closing.title
    assert p.phase("handreichung").provenance is not None


def test_handreichung_is_published_but_its_texts_are_not_yet_modelled() -> None:
    fw = REGISTRY.frameworks["nds-qualitaetsstandards-fh"]
    assert "noch nicht abgebildet" in fw.description and "soziales.niedersachsen.de" in fw.description
    sources = {s.id: s for s in fw.sources}
    assert "Handreichung" in sources["soziales-niedersachsen"].title


def test_werkstaetten_figures_are_attributed_and_wolfenbuettel_facts_stay_wolfenbuettel_s() -> None:
    p = REGISTRY.programmes["nds-qualitaetswerkstaetten-2024"]
    assert "bis zu drei Kommunen (JiN-Newsletter 02/2023)" in p.description
    assert "fünf ausgewählt \\\n" not in p.description
    assert "regionalheute.de" in p.description
    workshop = p.event("workshop")
    assert workshop.hours is None  # five hours is one Kommune's fact
    assert "Nur für Wolfenbüttel belegt" in workshop.description
    assert "Wolfenbüttel" in p.quota("runder-tisch").title


def test_79a_model_project_closed_at_the_fachtag() -> None:
    """Planned "bis Ende 2018"; closed at the Fachtag Jugendhilfe on 20.11.2018 (artset.de)."""
    p = REGISTRY.programmes["nds-79a-modellprojekt-2016"]
    assert p.end == date(2018, 11, 20) == p.event("fachtag-2018").date
    assert "bis Ende 2018" in p.description


def test_kqs_testat_follow_up_workshop_and_latest_self_report() -> None:
    from qframework_kqs.testat import testat_cycle

    description = REGISTRY.frameworks["kqs"].description
    assert "Follow-up-Workshop" in description
    assert "spätestens fünf Monate" in description and "LQW" in description
    text = str(testat_cycle(date(2024, 3, 1)))
    assert "Follow-up-Workshop (Halbzeit) 01.03.2026" in text
    assert "Selbstreport fällig spätestens 01.10.2027" in text


def test_indicator_texts_an_expert_would_correct() -> None:
    """§ 4 Abs. 3 KKG / § 8a allow disclosure without consent; § 8a Abs. 1 involves parents and child."""
    datenschutz = REGISTRY.frameworks["nzfh-qualitaetsrahmen"].indicator("familie-datenschutz")
    assert "nur mit Einwilligung" not in datenschutz.title
    assert "§ 4 Abs. 3 KKG" in datenschutz.title
    verfahren = REGISTRY.frameworks["kqs"].indicator("prozesse-gefaehrdungseinschaetzung")
    assert "Eltern" in verfahren.title and "Kindes oder Jugendlichen" in verfahren.title


# The NZFH's published list (fruehehilfen.de, "Kommunen und Cluster"), written out by hand.
QDFH_CLUSTERS = {
    "cluster-zielbestimmung": (("netzwerk", "zielbestimmung"), {"hannover", "dresden", "dessau-rosslau"}),
    "cluster-planung": (
        ("netzwerk", "planung"),
        {"wetteraukreis", "wetzlar", "rheingau-taunus-kreis", "germersheim"},
    ),
    "cluster-verankerung": (
        ("netzwerk", "politisch-strukturelle-verankerung"),
        {"berlin-pankow", "oder-spree", "hamburg-harburg", "chemnitz"},
    ),
    "cluster-qualifizierung-dokumentation": (
        ("netzwerk", "qualifizierung", "dokumentation-und-evaluation"),
        {"ingolstadt", "nuernberg", "rosenheim"},
    ),
    "cluster-familie": (
        ("netzwerk", "zusammenarbeit-mit-der-familie"),
        {"bremen", "bremerhaven", "rotenburg-wuemme", "rendsburg-eckernfoerde"},
    ),
    "cluster-angebote": (
        ("netzwerk", "qualitaet-von-angeboten"),
        {"dortmund", "dueren-stadt", "dueren-kreis", "hamm", "muelheim-an-der-ruhr"},
    ),
}


def test_qdfh_ships_the_published_23_kommunen_in_6_clusters_and_passes_its_rules() -> None:
    p = REGISTRY.programmes["qdfh-2019"]
    assert p.assignment is not None
    assert {g.id: (g.required, set(g.members)) for g in p.assignment.groups} == QDFH_CLUSTERS
    assert len(p.participants) == p.participant_count == 23
    names = {k.id: k.name for k in p.participants}
    assert (names["dueren-stadt"], names["dueren-kreis"]) == ("Stadt Düren", "Landkreis Düren")
    assert p.assignment_provenance is not None and p.assignment_provenance.source == "nzfh-kommunen-cluster"
    source = p.source("nzfh-kommunen-cluster")
    assert source.url is not None and source.url.endswith("/kommunen-und-cluster")
    # The Düren cluster has 5 entries although the text says 3–4: the rules say so and check() passes.
    assert p.rules.groups is not None and (p.rules.groups.size.min, p.rules.groups.size.max) == (3, 5)
    assert p.rules_provenance is not None and "Düren" in p.rules_provenance.note
    assert p.check() == []


def test_qdfh_assign_with_the_clusters_own_choices_re_forms_the_six_clusters() -> None:
    p = REGISTRY.programmes["qdfh-2019"]
    result = assign(p.participants, p.rules)
    assert check_assignment(result, p.participants, p.rules) == []
    formed = sorted((g.required, sorted(g.members)) for g in result.groups)
    assert formed == sorted((req, sorted(members)) for req, members in QDFH_CLUSTERS.values())


def test_qdfh_claims_no_regional_or_groups_first_clustering() -> None:
    """The Kommunen formed their clusters themselves; the published clusters are not regional."""
    p = REGISTRY.programmes["qdfh-2019"]
    assert p.rules.groups is not None and p.rules.groups.regional_weight == 0
    assert p.rules.objective.km_per_rank is None
    notes = " ".join(x.note for x in (p.provenance, p.rules_provenance, p.participants_provenance) if x)
    assert "regional gebildet" not in notes and "nicht regional" in p.description
    assert "how the QDFH clusters worked" not in (ROOT / "docs" / "assignment.md").read_text("utf-8")
    assert "how the QDFH clusters worked" not in (ROOT / "src/qframework/assignment/regional.py").read_text("utf-8")


def test_fqg_programme_ships_what_is_known_and_says_what_is_not() -> None:
    p = REGISTRY.programmes["fqg-2022"]
    assert (p.period, p.participant_count, p.participants) == ("2022–2025", 8, ())
    assert [t.title for t in p.rules.topics] == [
        "Partizipation von Familien",
        "Politisch-strukturelle Verankerung",
        "Wirkungsorientierung",
    ]
    assert p.rules.topics_per_participant == 1
    assert "Auridis" in p.organiser
    assert p.event("transferkonferenz").date == date(2025, 6, 26)
    assert "zunächst neun Kommunen" in p.description  # the project page's own figure, kept beside the eight
    assert "Nicht bekannt sind uns" in p.description


EQUIVALENTS_TABLE = re.compile(r"<!-- equivalents: begin -->\n(.*?)<!-- equivalents: end -->", re.S)


def test_every_equivalent_crosswalk_entry_is_in_the_docs_table_and_vice_versa() -> None:
    """An equivalent entry makes a carried rating exact; docs/crosswalks.md lists each with its reason."""
    match = EQUIVALENTS_TABLE.search((ROOT / "docs" / "crosswalks.md").read_text("utf-8"))
    assert match is not None, "docs/crosswalks.md has no table of equivalent entries"
    rows = [line.strip("|").split("|") for line in match.group(1).splitlines()[2:] if line.strip()]
    table = {tuple(c.strip().strip("`") for c in row[:3]) for row in rows}
    assert all(len(row) == 4 and row[3].strip() for row in rows), "every row says why it is equivalent"
    data = {
        (crosswalk.id, e.source, e.target)
        for crosswalk in REGISTRY.crosswalks.values()
        for e in crosswalk.entries
        if e.relation == "equivalent"
    }
    assert table == data


REGRADED = {
    ("nzfh-nds", "netzwerk-steuerungsgruppe", "netzwerk-steuerungsgruppe"): ("overlapping", None),
    ("nzfh-nds", "familie-datenschutz", "familien-einwilligung-datenschutz"): ("overlapping", None),
    ("nzfh-nds", "netzwerk-verbindliche-kooperation", "netzwerk-kooperationsvereinbarungen"): ("overlapping", None),
    ("nzfh-nds", "qualifizierung-fortbildung", "fachkraefte-qualifikation"): ("overlapping", 0.5),
    ("nzfh-nds", "angebote-uebergaenge", "familien-fallabstimmung"): ("overlapping", 0.5),
    ("nzfh-kqs", "qualifizierung-reflexion", "personal-reflexion"): ("overlapping", None),
    ("nzfh-kqs", "familie-transparenz", "kommunikation-information"): ("overlapping", None),
    ("kqs-sgb8-79a", "kooperationen", "zusammenarbeit"): ("overlapping", None),
}
ADDED = {
    ("nzfh-nds", "verankerung-ressourcen", "netzwerk-koordination"),
    ("nzfh-nds", "angebote-rueckmeldungen", "familien-beteiligung"),
    ("nzfh-kqs", "zielbestimmung-ueberpruefung", "controlling-ziele"),
    ("nzfh-kqs", "angebote-erreichbarkeit", "dienstleistung-zugang"),
}


def test_crosswalk_regrades_and_added_pairs() -> None:
    entries = {(c.id, e.source, e.target): e for c in REGISTRY.crosswalks.values() for e in c.entries}
    for key, (relation, strength) in REGRADED.items():
        assert entries[key].relation == relation, key
        if strength is not None:
            assert entries[key].strength == strength, key
    assert set(entries) >= ADDED


def test_overlapping_rationales_name_what_each_side_has_of_its_own() -> None:
    """A rationale that only says "is part of" or "includes" claims narrower or broader, not an overlap."""
    one_sided = re.compile(r"^[^;:]*\b(ist ein Teil|sind ein Teil|schließt [^;]* ein)\b[^;:]*\.$")
    wrong = [
        (c.id, e.source, e.target)
        for c in REGISTRY.crosswalks.values()
        for e in c.entries
        if e.relation == "overlapping" and one_sided.search(e.rationale)
    ]
    assert wrong == []
