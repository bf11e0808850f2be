"""Crosswalk rules pinned one by one: what ``translate`` carries, rounds, counts and refuses, and what a crosswalk
must say about itself. Each test names its rule in the docstring; every expected value is worked out by hand
from the small frameworks below (source: ``assessment_fixtures.small_framework``).

Source (test-rahmen 1.0): d1 = i1 (z6: 1..6, normalised (v - 1) / 5), i2 (s4: 0..3, v / 3);
d2 = i3 (z6), i4 (ja-nein: 0..1, tiers mindest / mehr, not applicable not allowed).

Target (ziel 1): e1 = t1 (e3: 0..2, normalised 0 / 0.5 / 1), t2 (e3, tier mindest); e2 = t3 (jn: 0..1).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from assessment_fixtures import PROV, assessment, na, rate, registry_with, small_framework

from qframework import io
from qframework.aggregation import Aggregation
from qframework.assessment import Rating, load_assessment
from qframework.cli import main
from qframework.crosswalk import (
    CarriedRating,
    Crosswalk,
    CrosswalkEntry,
    CrosswalkSummary,
    FrameworkRef,
    TranslationReport,
    load_crosswalk,
    loads_crosswalk,
    translate,
)
from qframework.errors import ValidationError
from qframework.model import Dimension, Framework, Indicator, Level, Provenance, Scale, Source, Tier
from qframework.plugins import load_registry


def target() -> Framework:
    e3 = Scale("e3", "Erfüllung", (Level(0, "nein"), Level(1, "teils"), Level(2, "ja")), provenance=PROV)
    jn = Scale("jn", "Ja/Nein", (Level(0, "nein"), Level(1, "ja")), provenance=PROV)
    mindest = Tier("mindest", "Mindestvoraussetzungen", provenance=PROV)
    return Framework(
        "ziel",
        "1",
        "Zielrahmen",
        "e3",
        (e3, jn),
        (
            Dimension(
                "e1",
                1,
                "Netzwerk",
                (Indicator("t1", "A", provenance=PROV), Indicator("t2", "B", tiers=(mindest,), provenance=PROV)),
                provenance=PROV,
            ),
            Dimension("e2", 2, "Planung", (Indicator("t3", "C", scale="jn", provenance=PROV),), provenance=PROV),
        ),
        provenance=PROV,
    )


def _max(values: object) -> float:
    return max(values)  # type: ignore[call-overload,no-any-return]


HIGHEST = Aggregation("hoechst", "Höchster Wert", _max)
REGISTRY = registry_with(small_framework(), target(), aggregations=(HIGHEST,))


def entry(source: str, to: str, relation: str = "equivalent", strength: float = 1.0) -> CrosswalkEntry:
    return CrosswalkEntry(source, to, relation, "Weil es passt.", strength, PROV)  # type: ignore[arg-type]


def walk(*entries: CrosswalkEntry, version: str = "1") -> Crosswalk:
    return Crosswalk(
        "w", "W", FrameworkRef("test-rahmen", "1.0"), FrameworkRef("ziel", version), entries, provenance=PROV
    )


def blank(indicator: str, rater: str | None) -> Rating:
    """An entry of a half-filled template: present, but neither a value nor not applicable."""
    return Rating(indicator, rater=rater)


def rows(result: object) -> list[tuple[str, str | None, int | None, bool]]:
    ratings = result.assessment.ratings  # type: ignore[attr-defined]
    return [(r.indicator, r.rater, r.value, r.not_applicable) for r in ratings]


# -- the bug: a blank is no rating -------------------------------------------------------------------


def test_a_blank_source_entry_is_no_rating_and_nothing_is_invented() -> None:
    """A present but not-yet-rated source entry carries nothing: its target stays unrated (not "not applicable",
    not exact), and it is neither carried nor lost."""
    result = translate(
        assessment(blank("i1", "a"), rate("i3", 5, "a")), walk(entry("i1", "t1"), entry("i3", "t3")), registry=REGISTRY
    )
    # i3 = 5 → 0.8 on jn (0 / 1): 1 is nearer
    assert rows(result) == [("t3", "a", 1, False)]
    assert [c.target for c in result.report.carried] == ["t3"]
    assert result.report.unrated_targets == ("t1",)
    assert result.report.unmapped_sources == () and result.report.lost_ratings == 0


def test_a_blank_beside_a_rating_neither_counts_as_a_source_nor_makes_the_entry_used() -> None:
    """Only rated entries are drawn on: a blank among a dimension's indicators is not listed as a source, and an
    entry whose only source is blank is not used (so it lowers neither confidence nor exactness)."""
    over_d1 = translate(assessment(blank("i1", "a"), rate("i2", 3, "a")), walk(entry("d1", "t1", "overlapping")),
                        registry=REGISTRY)  # fmt: skip
    (carried,) = over_d1.report.carried
    assert carried.sources == ("i2",) and carried.value == 2  # i2 = 3 → 1.0 → level 2
    two = walk(entry("i1", "t1"), entry("i2", "t1", "overlapping", 0.5))
    result = translate(assessment(rate("i1", 1, "b"), blank("i2", "b")), two, registry=REGISTRY)
    (carried,) = result.report.carried
    assert (carried.value, carried.exact, carried.relations, carried.confidence) == (0, True, ("equivalent",), 1.0)


def test_lost_ratings_count_every_rating_of_every_unmapped_source_and_no_blank() -> None:
    """``unmapped_sources`` are the rated source indicators no entry carries, in the order of their first rating;
    ``lost_ratings`` adds up all their ratings (every rater's), blanks excluded."""
    result = translate(
        assessment(
            rate("i2", 1, "a"), rate("i4", 1, "a"), rate("i2", 2, "b"), rate("i1", 3, "a"), blank("i3", "a"),
            blank("i4", "b"),
        ),
        walk(entry("i1", "t1")),
        registry=REGISTRY,
    )  # fmt: skip
    assert result.report.unmapped_sources == ("i2", "i4")
    assert result.report.lost_ratings == 3  # i2 twice, i4 once


def test_translate_on_a_half_filled_template_carries_only_what_was_filled_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the command line: a template with one value filled in translates to exactly one rating; every
    other reached target is reported unrated, none comes out not applicable, and nothing is lost."""
    path = tmp_path / "vorlage.toml"
    assert main(["template", "nzfh-qualitaetsrahmen", "--rater", "a", "--subject", "kreis-x", "--period", "2025",
                 "-o", str(path)]) == 0  # fmt: skip
    text = path.read_text(encoding="utf-8")
    blank_entry = 'indicator = "netzwerk-steuerungsgruppe"\nrater = "a"\n# value ='
    assert text.count(blank_entry) == 1
    path.write_text(text.replace(blank_entry, blank_entry.replace("# value =", "value = 5")), encoding="utf-8")
    out_file = tmp_path / "nds.json"
    capsys.readouterr()
    assert main(["crosswalk", "translate", str(path), "nzfh-nds", "--json", "-o", str(out_file)]) == 0
    report = io.loads(TranslationReport, capsys.readouterr().out, format="json")
    # netzwerk-steuerungsgruppe overlaps its namesake (not exact); 5 of 1..6 is 0.8, nearest the top of 0..2
    assert [(c.target, c.value, c.exact) for c in report.carried] == [("netzwerk-steuerungsgruppe", 2, False)]
    assert report.lost_ratings == 0 and report.unmapped_sources == ()
    assert "netzwerk-ziele-planung" in report.unrated_targets
    registry = load_registry()
    written = load_assessment(out_file, registry=registry)
    assert [(r.indicator, r.rater, r.value, r.not_applicable) for r in written.ratings] == [
        ("netzwerk-steuerungsgruppe", "a", 2, False)
    ]


# -- rounding to the target's levels -------------------------------------------------------------------


def test_an_exact_halfway_value_takes_the_lower_level_and_is_rounded() -> None:
    """A value exactly halfway between two target levels goes to the lower one and counts as rounded."""
    two = walk(entry("i1", "t3", "overlapping"), entry("i3", "t3", "overlapping"))
    result = translate(
        assessment(rate("i1", 2, "a"), rate("i3", 5, "a"), rate("i1", 1, "b"), rate("i3", 6, "b"),
                   rate("i1", 2, "c"), rate("i3", 6, "c")),
        two,
        registry=REGISTRY,
    )  # fmt: skip
    # a: (0.2 + 0.8) / 2 = 0.5, halfway between 0 and 1 → 0; b: (0 + 1) / 2 = 0.5 → 0; c: (0.2 + 1) / 2 = 0.6 → 1
    assert [(c.rater, c.value, c.normalised, c.rounded) for c in result.report.carried] == [
        ("a", 0, 0.5, True),
        ("b", 0, 0.5, True),
        ("c", 1, pytest.approx(0.6), True),
    ]


@pytest.mark.parametrize(
    ("value", "level", "rounded"),
    [(0.25, 0, True), (0.75, 1, True), (0.5, 1, False), (1.0, 2, False), (0.0, 0, False), (0.76, 2, True),
     (0.26, 1, True), (0.5 + 1e-6, 1, True)],
)  # fmt: skip
def test_a_combined_value_goes_to_the_nearest_level_of_three(value: float, level: int, rounded: bool) -> None:
    """On 0 / 0.5 / 1 the nearest level wins; on a tie (0.25, 0.75) the lower one; landing on a level is not
    rounded, anything else is."""
    constant = Aggregation("fest", "Fest", lambda values: value)
    two = walk(entry("i1", "t1", "overlapping"), entry("i3", "t1", "overlapping"))
    result = translate(assessment(rate("i1", 2, "a"), rate("i3", 4, "a")), two, registry=REGISTRY, aggregation=constant)
    (carried,) = result.report.carried
    assert (carried.value, carried.rounded, carried.normalised) == (level, rounded, value)


def test_a_plugin_aggregation_is_found_by_name_in_the_registry() -> None:
    """``aggregation`` may name an aggregation a plugin registered; translate looks it up in ``registry``."""
    two = walk(entry("i1", "t1", "overlapping"), entry("i3", "t1", "overlapping"))
    ratings = assessment(rate("i1", 1, "a"), rate("i3", 6, "a"))
    assert [c.value for c in translate(ratings, two, registry=REGISTRY, aggregation="hoechst").report.carried] == [2]
    assert [c.value for c in translate(ratings, two, registry=REGISTRY).report.carried] == [1]  # mean 0.5


# -- which sources and entries count ---------------------------------------------------------------------


def test_a_source_reached_by_two_entries_counts_once() -> None:
    """A source indicator drawn on by two entries of the same target is one value, and listed once; both
    entries are used, so both relations show and the weaker sets the confidence."""
    both = walk(entry("d1", "t3", "overlapping"), entry("i1", "t3", "broader"))
    result = translate(assessment(rate("i1", 6, "a"), rate("i2", 0, "a")), both, registry=REGISTRY)
    (carried,) = result.report.carried
    # (1.0 + 0.0) / 2 = 0.5 → halfway on 0 / 1 → 0 (counted twice it would be 2/3 → 1)
    assert carried.sources == ("i1", "i2") and carried.value == 0
    assert carried.relations == ("broader", "overlapping") and carried.confidence == 0.5


def test_an_entry_that_reaches_no_rating_of_the_rater_is_not_used() -> None:
    """Confidence, relations and exactness come only from the entries that reached one of the rater's ratings."""
    two = walk(entry("i1", "t1"), entry("i2", "t1", "overlapping", 0.5))
    result = translate(assessment(rate("i1", 6, "a"), rate("i2", 3, "b")), two, registry=REGISTRY)
    a, b = result.report.carried
    assert (a.rater, a.value, a.relations, a.confidence, a.exact) == ("a", 2, ("equivalent",), 1.0, True)
    assert (b.rater, b.value, b.relations, b.confidence, b.exact) == ("b", 2, ("overlapping",), 0.25, False)


# -- what an exact rating carries -------------------------------------------------------------------------


def test_an_exact_rating_carries_its_tier_if_the_target_knows_it_and_its_evidence_and_comment() -> None:
    """Exact: the tier goes along when the target indicator has it (else none), evidence and comment always."""
    result = translate(
        assessment(rate("i4", 1, "a", tier="mindest", evidence="Bericht 2024", comment="liegt vor"),
                   rate("i4", 0, "b", tier="mehr", evidence="E", comment="C")),
        walk(entry("i4", "t2")),
        registry=REGISTRY,
    )  # fmt: skip
    got = [(r.rater, r.value, r.tier, r.evidence, r.comment) for r in result.assessment.ratings]
    assert got == [("a", 2, "mindest", "Bericht 2024", "liegt vor"), ("b", 0, None, "E", "C")]
    assert [c.exact for c in result.report.carried] == [True, True]


def test_a_guessed_rating_carries_no_tier_evidence_or_comment() -> None:
    """Not exact (here: an overlapping entry): only the value goes along."""
    result = translate(
        assessment(rate("i4", 1, "a", tier="mindest", evidence="Bericht 2024", comment="liegt vor")),
        walk(entry("i4", "t2", "overlapping")),
        registry=REGISTRY,
    )
    (r,) = result.assessment.ratings
    assert (r.value, r.tier, r.evidence, r.comment) == (2, None, "", "")


def test_an_exact_not_applicable_carries_evidence_and_comment_a_guessed_one_does_not() -> None:
    """A not-applicable rating crossing one equivalent entry keeps evidence and comment; otherwise neither."""
    source = Rating("i1", not_applicable=True, rater="a", evidence="Kein Bedarf", comment="2024 entfallen")
    exact = translate(assessment(source), walk(entry("i1", "t1")), registry=REGISTRY)
    guessed = translate(assessment(source), walk(entry("i1", "t1", "broader")), registry=REGISTRY)
    assert [(r.not_applicable, r.evidence, r.comment) for r in exact.assessment.ratings] == [
        (True, "Kein Bedarf", "2024 entfallen")
    ]
    assert [(r.not_applicable, r.evidence, r.comment) for r in guessed.assessment.ratings] == [(True, "", "")]


def test_the_report_entry_of_an_all_not_applicable_target() -> None:
    """All sources not applicable: the carried entry has no value and no normalised value, is neither rescaled
    nor rounded, lists every source and relation, and has the entries' confidence; exact only for one
    equivalent indicator → indicator entry."""
    guessed = translate(assessment(na("i1", "a"), na("i2", "a")), walk(entry("d1", "t1", "overlapping", 0.8)),
                        registry=REGISTRY)  # fmt: skip
    assert guessed.report.carried == (
        CarriedRating("t1", "a", ("i1", "i2"), ("overlapping",), None, None, 0.5 * 0.8, False, False, False),
    )
    exact = translate(assessment(na("i1", None)), walk(entry("i1", "t1")), registry=REGISTRY)
    assert exact.report.carried == (CarriedRating("t1", None, ("i1",), ("equivalent",), None, None, 1.0, True, False,
                                                  False),)  # fmt: skip


# -- refusal and the crosswalk's own rules ----------------------------------------------------------------


def test_translate_refuses_a_crosswalk_that_does_not_fit_and_lists_every_problem() -> None:
    """Every element that is missing on its side is named, with its path, under the crosswalk's name."""
    with pytest.raises(ValidationError) as caught:
        translate(assessment(rate("i1", 1, "a")), walk(entry("i9", "t1"), entry("i1", "t9")), registry=REGISTRY)
    assert [p.path for p in caught.value.problems] == ["entries[0].source", "entries[1].target"]
    assert caught.value.file == "crosswalk w"
    with pytest.raises(ValidationError) as caught:
        translate(assessment(rate("i1", 1, "a")), walk(entry("i1", "t1"), version="2"), registry=REGISTRY)
    assert [p.path for p in caught.value.problems] == ["target.framework"]


@pytest.mark.parametrize("strength", [0, 0.0, -0.5, 1.0000001, True, "1"])
def test_an_entry_strength_must_be_a_number_above_0_and_at_most_1(strength: object) -> None:
    """``strength`` is a number (not a bool) with 0 < s ≤ 1."""
    with pytest.raises(ValidationError) as caught:
        entry("i1", "t1", strength=strength)  # type: ignore[arg-type]
    assert [p.path for p in caught.value.problems] == ["strength"]


@pytest.mark.parametrize("strength", [1, 1.0, 0.01])
def test_an_entry_strength_in_range_is_accepted(strength: float) -> None:
    """The upper bound 1 is allowed, whole or not."""
    assert entry("i1", "t1", strength=strength).strength == strength


def test_a_crosswalk_needs_entries_provenance_unique_sources_and_known_source_references() -> None:
    """No entries, no provenance, a source id twice and a provenance naming an undeclared source are problems,
    each with its path; the crosswalk's own provenance is checked against the declared sources too."""
    with pytest.raises(ValidationError) as caught:
        Crosswalk("w", "W", FrameworkRef("test-rahmen", "1.0"), FrameworkRef("ziel", "1"), ())
    assert {p.path: p.message for p in caught.value.problems} == {
        "entries": "a crosswalk needs at least one entry",
        "provenance": "provenance missing: say where this crosswalk comes from",
    }
    source = Source("handbuch", "Handbuch")
    with pytest.raises(ValidationError) as caught:
        Crosswalk("w", "W", FrameworkRef("test-rahmen", "1.0"), FrameworkRef("ziel", "1"), (entry("i1", "t1"),),
                  sources=(source, Source("andere", "Andere"), source),
                  provenance=Provenance("authored", source="nirgends"))  # fmt: skip
    problems = {p.path: p.message for p in caught.value.problems}
    assert problems == {
        "sources[2].id": "duplicate source id 'handbuch'",
        "provenance.source": "unknown source 'nirgends' (known: andere, handbuch)",
    }
    fine = Crosswalk("w", "W", FrameworkRef("test-rahmen", "1.0"), FrameworkRef("ziel", "1"), (entry("i1", "t1"),),
                     sources=(source,), provenance=Provenance("authored", source="handbuch"))  # fmt: skip
    assert fine.provenance is not None and fine.provenance.source == "handbuch"


def test_the_inverse_is_named_after_the_crosswalk() -> None:
    """``inverse()`` gets the id ``<id>.inverse``; the inverse of the inverse has the relations of the original."""
    crosswalk = walk(entry("i1", "t1", "broader"))
    assert crosswalk.inverse().id == "w.inverse"
    assert crosswalk.inverse().inverse().entries == crosswalk.entries


def test_entries_from_and_to_select_by_source_and_by_target() -> None:
    """``entries_from(x)``: the entries whose source is x; ``entries_to(y)``: whose target is y; in order."""
    a, b, c = entry("i1", "t1"), entry("i1", "t3", "overlapping"), entry("d2", "t1", "narrower")
    crosswalk = walk(a, b, c)
    assert crosswalk.entries_from("i1") == (a, b) and crosswalk.entries_from("d2") == (c,)
    assert crosswalk.entries_to("t1") == (a, c) and crosswalk.entries_to("t3") == (b,)
    assert crosswalk.entries_from("t1") == () and crosswalk.entries_to("i1") == ()


def test_a_crosswalk_file_loads_as_toml_or_json_and_a_misfit_names_the_file(tmp_path: Path) -> None:
    """``load_crosswalk`` reads by suffix, ``loads_crosswalk`` by ``format``; with a registry every missing element
    is an error that names the file."""
    crosswalk = walk(entry("i1", "t1"))
    assert loads_crosswalk(io.dumps(crosswalk, format="json"), format="json") == crosswalk
    for suffix in ("toml", "json"):
        path = tmp_path / f"w.{suffix}"
        path.write_text(io.dumps(crosswalk, format=suffix), encoding="utf-8")  # type: ignore[arg-type]
        assert load_crosswalk(path, registry=REGISTRY) == crosswalk
    bad = tmp_path / "schief.toml"
    bad.write_text(io.dumps(walk(entry("i9", "t1"))), encoding="utf-8")
    assert load_crosswalk(bad) == walk(entry("i9", "t1"))  # without a registry only the structure is checked
    with pytest.raises(ValidationError) as caught:
        load_crosswalk(bad, registry=REGISTRY)
    assert caught.value.file == str(bad) and [p.path for p in caught.value.problems] == ["entries[0].source"]
    with pytest.raises(ValidationError) as caught:
        loads_crosswalk(bad.read_text(encoding="utf-8"), registry=REGISTRY, file="aus-text.toml")
    assert caught.value.file == "aus-text.toml"


def test_a_structural_problem_of_crosswalk_text_names_the_file_given() -> None:
    """``loads_crosswalk(..., file=...)``: the file named is the one in the error, for problems of the structure
    as well as for misfits against the registry."""
    text = io.dumps(walk(entry("i1", "t1"))).replace('relation = "equivalent"', 'relation = "gleich"')
    with pytest.raises(ValidationError) as caught:
        loads_crosswalk(text, file="vom-amt.toml")
    assert caught.value.file == "vom-amt.toml"
    assert [p.path for p in caught.value.problems] == ["entries[0].relation"]


def test_a_summary_names_what_the_crosswalk_relates_and_who_ships_it() -> None:
    """``CrosswalkSummary.of``: id, title, both sides, the number of entries and the plugin."""
    summary = CrosswalkSummary.of(walk(entry("i1", "t1"), entry("i2", "t1", "overlapping")), "ein-plugin")
    assert (summary.id, summary.title, str(summary.source), str(summary.target), summary.entries, summary.plugin) == (
        "w",
        "W",
        "test-rahmen 1.0",
        "ziel 1",
        2,
        "ein-plugin",
    )


def test_an_id_or_description_that_is_not_text_is_named_with_its_path() -> None:
    """``id`` and ``description`` must be text; a number in either is a problem at that path."""
    with pytest.raises(ValidationError) as caught:
        Crosswalk(
            5,  # type: ignore[arg-type]
            "W",
            FrameworkRef("test-rahmen", "1.0"),
            FrameworkRef("ziel", "1"),
            (entry("i1", "t1"),),
            description=3,  # type: ignore[arg-type]
            provenance=PROV,
        )
    assert {p.path: p.message for p in caught.value.problems} == {
        "id": "expected text, got a whole number",
        "description": "expected text, got a whole number",
    }


def test_the_report_says_where_the_translation_comes_from() -> None:
    """The report names the crosswalk (id and title), both sides, the subject, the period and the source
    framework's title, so a report of the translated assessment needs neither at hand."""
    report = translate(assessment(rate("i1", 6, "a")), walk(entry("i1", "t1")), registry=REGISTRY).report
    assert (report.crosswalk, report.crosswalk_title, report.source_title) == ("w", "W", "Testrahmen")
    assert (str(report.source), str(report.target), report.subject, report.period) == (
        "test-rahmen 1.0",
        "ziel 1",
        "kreis-x",
        "2024",
    )


SLUG = "must be a lower-case ASCII id such as 'netzwerk' or 'd3' (letters, digits, '-', '_', '.'), got"


def problems(build: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    return {p.path: p.message for p in caught.value.problems}


def test_every_problem_of_an_entry_is_named_with_its_path_and_what_was_expected() -> None:
    """An entry's source and target are element ids (text, a slug), its relation one of the four, its strength a
    number, its provenance given; each problem says what was expected and what came."""
    assert problems(lambda: CrosswalkEntry("I 1", 7, "gleich", "R", "x", None)) == {  # type: ignore[arg-type]
        "source": f"element id {SLUG} a text of 3 characters with spaces (not repeated: it may be a name)",
        "target": "expected text (a dimension or indicator id), got a whole number",
        "relation": "must be one of equivalent, broader, narrower, overlapping, got 'gleich'",
        "strength": "expected a number, got text",
        "provenance": "provenance missing: say where this relation comes from",
    }
    assert problems(lambda: CrosswalkEntry(3, "T 1", "broader", "R", 0, PROV)) == {  # type: ignore[arg-type]
        "source": "expected text (a dimension or indicator id), got a whole number",
        "target": f"element id {SLUG} a text of 3 characters with spaces (not repeated: it may be a name)",
        "strength": "must be > 0 and ≤ 1, got 0",
    }


def test_every_problem_of_a_framework_reference_is_named() -> None:
    """A side of a crosswalk names a framework id (text, a slug) and a version (non-empty text)."""
    assert problems(lambda: FrameworkRef("Ziel Rahmen", "")) == {
        "framework": f"framework id {SLUG} a text of 11 characters with spaces (not repeated: it may be a name)",
        "version": "must not be empty",
    }
    assert problems(lambda: FrameworkRef(3, 4)) == {  # type: ignore[arg-type]
        "framework": "expected text, got a whole number",
        "version": "expected text, got a whole number",
    }


def test_an_unknown_source_reference_says_none_are_declared_and_a_missing_element_names_its_framework() -> None:
    """Without declared sources the message says so; an element missing on its side names that framework."""
    cited = CrosswalkEntry("i1", "t1", "equivalent", "R.", 1.0, Provenance("inferred", source="buch"))
    sides = (FrameworkRef("test-rahmen", "1.0"), FrameworkRef("ziel", "1"))
    assert problems(lambda: Crosswalk("w", "W", *sides, (cited,), provenance=PROV)) == {
        "entries[0].provenance.source": "unknown source 'buch' (known: none declared)"
    }
    with pytest.raises(ValidationError) as caught:
        translate(assessment(rate("i1", 1, "a")), walk(entry("i1", "t9")), registry=REGISTRY)
    (problem,) = caught.value.problems
    assert problem.message.startswith("unknown element of ziel 't9'"), problem.message
