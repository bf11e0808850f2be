"""Assessment files: every bad input reported at once with file and path; versions; bulk JSON."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from assessment_fixtures import assessment, na, rate, registry_with, small_framework

from qframework.assessment import (
    Assessment,
    Rater,
    Rating,
    Subject,
    check_assessment,
    dumps_assessments,
    framework_changes,
    load_assessment,
    load_assessments,
    loads_assessment,
    loads_assessments,
    save_assessments,
    score,
    unrated_problems,
    version_changes,
)
from qframework.errors import ValidationError
from qframework.io import dumps

FW = small_framework()
REG = registry_with(FW)

HEADER = """
framework_id = "test-rahmen"
framework_version = "1.0"
period = "2024"
[subject]
id = "kreis-x"
[[raters]]
id = "a"
[[raters]]
id = "b"
"""


def problems(text: str, fmt: str = "toml", registry=REG, complete: bool = False) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        loads_assessment(text, format=fmt, registry=registry, file="k.toml", complete=complete)  # type: ignore[arg-type]
    assert info.value.file == "k.toml"
    return [str(p) for p in info.value.problems]


# -- the model checks itself -------------------------------------------------------------------


def test_a_rating_with_neither_value_nor_not_applicable_is_not_yet_rated() -> None:
    blank = Rating("i1")
    assert (blank.value, blank.not_applicable, blank.rated) == (None, False, False)
    assert Rating("i1", 3).rated and Rating("i1", not_applicable=True).rated
    a = assessment(rate("i1", 3, "a"), Rating("i1", rater="b"), na("i2", "a"), Rating("i3", rater="a"))
    assert a.unrated == (1, 3)
    assert [str(p) for p in unrated_problems(a)] == [
        "ratings[1].value: not yet rated: give a level of the scale (value = …) or set not_applicable = true",
        "ratings[3].value: not yet rated: give a level of the scale (value = …) or set not_applicable = true",
    ]


def test_rating_is_not_both_value_and_not_applicable() -> None:
    with pytest.raises(ValidationError, match="either a value or not_applicable = true, not both"):
        Rating("i1", 3, not_applicable=True)


@pytest.mark.parametrize("value", [True, 2.5, "3"])
def test_rating_value_must_be_a_whole_number(value: object) -> None:
    with pytest.raises(ValidationError, match="must be a whole number"):
        Rating("i1", value)  # type: ignore[arg-type]


def test_not_applicable_rating_names_no_tier() -> None:
    with pytest.raises(ValidationError, match="tier: a not-applicable rating names no tier"):
        Rating("i4", not_applicable=True, tier="mindest")


def test_one_rater_rates_an_indicator_once_but_several_raters_may() -> None:
    assessment(rate("i1", 2, "a"), rate("i1", 5, "b"))  # fine
    with pytest.raises(ValidationError) as info:
        assessment(rate("i1", 2, "a"), rate("i2", 1, "a"), rate("i1", 5, "a"))
    assert [str(p) for p in info.value.problems] == [
        "ratings[2]: indicator 'i1' is rated twice by rater 'a' (first at ratings[0])"
    ]


def test_joint_rating_twice_is_a_duplicate() -> None:
    with pytest.raises(ValidationError, match=r"rated twice by the joint rating \(no rater\)"):
        assessment(rate("i1", 2, None), rate("i1", 3, None))


def test_rater_must_be_declared_and_unique() -> None:
    with pytest.raises(ValidationError) as info:
        Assessment("test-rahmen", "1.0", Subject("k"), "2024", (rate("i1", 1, "x"),), (Rater("a"), Rater("a")))
    assert [str(p) for p in info.value.problems] == [
        "raters[1].id: duplicate rater 'a'",
        "ratings[0].rater: unknown rater 'x' (known: a)",
    ]


def test_assessment_fields() -> None:
    with pytest.raises(ValidationError) as info:
        Assessment("Test Rahmen", " ", Subject("kreis-x"), "")
    assert [p.path for p in info.value.problems] == ["framework_id", "framework_version", "period"]


# -- files: all problems at once ---------------------------------------------------------------


def test_every_problem_of_a_toml_file_at_once_with_paths() -> None:
    text = (
        HEADER
        + """
[[ratings]]
indicator = "i1"
rater = "a"
value = 7
[[ratings]]
indicator = "i1"
rater = "a"
value = 3
[[ratings]]
indicator = "i11"
rater = "c"
value = "viel"
[[ratings]]
indicator = "i2"
rater = "b"
[[ratings]]
indicator = "i4"
rater = "a"
not_applicable = true
[[ratings]]
indicator = "i4"
rater = "b"
value = 1
tier = "maximal"
[[ratings]]
indicator = "i3"
rater = "b"
value = 1
tier = "mehr"
colour = "blue"
"""
    )
    expected = [
        "ratings[0].value: 7 is not a level of scale 'z6' (1–6; levels: 1, 2, 3, 4, 5, 6)",
        "ratings[1]: indicator 'i1' is rated twice by rater 'a' (first at ratings[0])",
        "ratings[2].indicator: unknown indicator 'i11' in test-rahmen 1.0; did you mean 'i1'?",
        "ratings[2].rater: unknown rater 'c' (known: a, b)",
        "ratings[2].value: expected a whole number, got 'viel' (text)",
        "ratings[3].value: not yet rated: give a level of the scale (value = …) or set not_applicable = true",
        "ratings[4].not_applicable: scale 'ja-nein' of indicator 'i4' does not allow not-applicable",
        "ratings[5].tier: unknown tier 'maximal' of indicator 'i4' (tiers: mehr, mindest)",
        "ratings[6].colour: unknown key "
        "(expected one of: comment, evidence, indicator, not_applicable, rater, tier, value)",
        "ratings[6].tier: indicator 'i3' has no tiers",
    ]
    assert problems(text, complete=True) == expected  # the blank ratings[3] is an error only when complete
    assert problems(text) == expected[:5] + expected[6:]


def test_framework_not_installed() -> None:
    text = HEADER.replace('"test-rahmen"', '"kein-rahmen"') + '[[ratings]]\nindicator = "i1"\nvalue = 1\n'
    assert problems(text) == ["framework_id: framework 'kein-rahmen' is not installed (installed: test-rahmen)"]


def test_framework_version_not_installed() -> None:
    text = HEADER.replace('"1.0"', '"0.9"') + '[[ratings]]\nindicator = "i1"\nvalue = 1\n'
    assert problems(text) == [
        "framework_version: framework 'test-rahmen' version '0.9' is not installed (installed: 1.0)"
    ]


def test_check_against_a_framework_object() -> None:
    a = assessment(rate("i1", 1, "a"))
    assert check_assessment(a, FW) == []
    assert [p.path for p in check_assessment(a, small_framework("2.0"))] == ["framework_version"]


def test_toml_syntax_error_and_unreadable_file(tmp_path: Path) -> None:
    assert problems("period = \n")[0].startswith("TOML syntax error")
    with pytest.raises(ValidationError, match="cannot read file"):
        load_assessment(tmp_path / "missing.toml", registry=REG)
    with pytest.raises(ValidationError, match="cannot tell the format"):
        load_assessment(tmp_path / "k.txt", registry=REG)


def test_missing_required_keys() -> None:
    assert problems("notes = 'x'\n") == [
        "framework_id: missing required key",
        "framework_version: missing required key",
        "period: missing required key",
        "subject: missing required key",
    ]


def test_bulk_file_given_to_load_assessment() -> None:
    """The message fits both a CLI user (qframework compare) and a Python caller."""
    assert problems('{"assessments": [{}, {}]}', "json") == [
        "this is a bulk file holding 2 assessments; compare and load_assessment() take one assessment "
        "per file (qframework score and validate read bulk files; in Python: load_assessments())"
    ]


def test_json_single_file_with_null_value_is_not_yet_rated() -> None:
    doc = {
        "framework_id": "test-rahmen",
        "framework_version": "1.0",
        "subject": {"id": "k"},
        "period": "2024",
        "ratings": [{"indicator": "i1", "value": None}],
    }
    loaded = loads_assessment(json.dumps(doc), format="json", registry=REG)
    assert loaded.ratings == (Rating("i1"),)
    assert problems(json.dumps(doc), "json", complete=True) == [
        "ratings[0].value: not yet rated: give a level of the scale (value = …) or set not_applicable = true"
    ]


def test_load_save_round_trip_on_disk(tmp_path: Path) -> None:
    a = assessment(rate("i1", 1, "a", evidence="Protokoll 3/2024"), na("i2", "b"), rate("i4", 1, "c", tier="mehr"))
    for suffix in ("toml", "json"):
        path = tmp_path / f"k.{suffix}"
        path.write_text(dumps(a, format=suffix))  # type: ignore[arg-type]
        assert load_assessment(path, registry=REG) == a


# -- framework versions ------------------------------------------------------------------------


def test_older_version_loads_and_says_what_changed() -> None:
    new = small_framework("2.0", extra_indicator=True, drop_i3=True)
    reg = registry_with(FW, new)
    a = loads_assessment(HEADER + '[[ratings]]\nindicator = "i3"\nrater = "a"\nvalue = 6\n', registry=reg)
    changes = framework_changes(a, registry=reg)
    assert changes is not None
    assert (changes.from_version, changes.to_version, changes.added, changes.removed) == (
        "1.0",
        "2.0",
        ("i5",),
        ("i3",),
    )
    assert "1 indicator(s) added: i5; 1 removed: i3" in str(changes)
    card = score(a, registry=reg)
    assert card.framework_version == "1.0"
    assert card.overall == 1.0
    assert card.changes == changes


def test_newest_version_has_no_changes() -> None:
    assert framework_changes(assessment(rate("i1", 1, "a")), registry=REG) is None


def test_version_changes_reports_moved_indicators() -> None:
    a = small_framework("1.0")
    b = small_framework("2.0")
    assert version_changes(a, b).moved == ()
    assert str(version_changes(a, b)).endswith("same indicators")


# -- bulk JSON ---------------------------------------------------------------------------------


def bulk(**overrides: object) -> dict[str, object]:
    entry = {
        "subject": {"id": "kreis-x", "name": "Kreis X"},
        "period": "2024",
        "raters": [{"id": "a"}, {"id": "b"}],
        "ratings": {"indicator": ["i1", "i1", "i2"], "rater": ["a", "b", "a"], "value": [1, 6, "n/a"]},
    }
    entry.update(overrides)
    second = dict(entry, period="2025")
    return {"framework_id": "test-rahmen", "framework_version": "1.0", "assessments": [entry, second]}


def bulk_problems(doc: object) -> list[str]:
    with pytest.raises(ValidationError) as info:
        loads_assessments(json.dumps(doc), registry=REG, file="bulk.json")
    assert info.value.file == "bulk.json"
    return [str(p) for p in info.value.problems]


def test_bulk_loads_and_scores() -> None:
    got = loads_assessments(json.dumps(bulk()), registry=REG)
    expected = assessment(rate("i1", 1, "a"), rate("i1", 6, "b"), na("i2", "a"), raters=("a", "b"))
    assert got == [expected, attrs.evolve(expected, period="2025")]
    assert score(got[0], registry=REG).overall == 0.5


def test_bulk_round_trip_with_every_field(tmp_path: Path) -> None:
    a = Assessment(
        "test-rahmen",
        "1.0",
        Subject("kreis-x", "Kreis X", "Nord"),
        "2024-H1",
        (rate("i1", 1, "a", evidence="Protokoll"), na("i2", "b"), rate("i4", 1, "a", tier="mehr", comment="gut")),
        (Rater("a", "Netzwerkkoordination"), Rater("b")),
        notes="Notiz",
        success_definition="Gelungen ist …",
    )
    b = assessment(rate("i3", 2, None), version="1.0")
    path = tmp_path / "bulk.json"
    save_assessments([a, b], path)
    assert load_assessments(path, registry=REG) == [a, b]


def test_bulk_entry_overrides_framework_version() -> None:
    reg = registry_with(FW, small_framework("2.0"))
    doc = bulk()
    doc["assessments"][1] = dict(doc["assessments"][1], framework_version="2.0")  # type: ignore[index]
    got = loads_assessments(json.dumps(doc), registry=reg)
    assert [a.framework_version for a in got] == ["1.0", "2.0"]
    assert dumps_assessments(got).count('"framework_version"') == 2


def test_bulk_value_outside_scale_and_unknown_indicator() -> None:
    doc = bulk()
    doc["assessments"][1] = dict(  # type: ignore[index]
        doc["assessments"][1],  # type: ignore[index]
        ratings={"indicator": ["i1", "i10", "i2"], "rater": ["a", "b", "a"], "value": [7, 1, 2]},
    )
    assert bulk_problems(doc) == [
        "assessments[1].ratings[0].value: 7 is not a level of scale 'z6' (1–6; levels: 1, 2, 3, 4, 5, 6)",
        "assessments[1].ratings[1].indicator: unknown indicator 'i10' in test-rahmen 1.0; did you mean 'i1'?",
    ]


def test_bulk_structural_problems_all_at_once() -> None:
    doc = bulk()
    entries = doc["assessments"]
    entries[0] = dict(entries[0], ratings={"indicator": ["i1", "i1"], "rater": ["a", "a"], "value": [True, "n/x"]})  # type: ignore[index]
    entries[1] = dict(entries[1], ratings={"indicator": ["i1"], "value": [1, 2], "colour": []}, period=2024)  # type: ignore[index]
    entries.append("oops")  # type: ignore[attr-defined]
    doc["extra"] = 1
    assert bulk_problems(doc) == [
        "assessments[0].ratings[0].value: expected a whole number, got True (boolean)",
        "assessments[0].ratings[1]: indicator 'i1' is rated twice by rater 'a' (first at ratings[0])",
        "assessments[0].ratings[1].value: expected a level (whole number) or 'n/a', got 'n/x'",
        "assessments[1].period: expected text, got 2024 (whole number)",
        "assessments[1].ratings: columns differ in length (indicator 1, value 2); "
        "every column needs one entry per rating",
        "assessments[1].ratings.colour: unknown column "
        "(expected one of: indicator, rater, value, tier, evidence, comment)",
        "assessments[2]: expected a table",
        "extra: unknown key (expected one of: assessments, framework_id, framework_version)",
    ]


def test_bulk_ratings_as_a_list_is_explained() -> None:
    doc = bulk(ratings=[{"indicator": "i1", "value": 1}])
    assert bulk_problems(doc)[0] == (
        "assessments[0].ratings: expected a table of columns (indicator, rater, value, …), got a list"
    )


def test_bulk_missing_columns_and_json_syntax() -> None:
    assert bulk_problems(bulk(ratings={"rater": []}))[:2] == [
        "assessments[0].ratings.indicator: missing required column",
        "assessments[0].ratings.value: missing required column",
    ]
    with pytest.raises(ValidationError, match=r"JSON syntax error: .* \(at line 1, column 2\)"):
        loads_assessments("{,}", registry=REG)
    assert bulk_problems([1]) == ["expected a table with an 'assessments' list at the top level"]


def test_bulk_null_value_is_not_yet_rated_and_round_trips() -> None:
    doc = bulk(ratings={"indicator": ["i1", "i1"], "rater": ["a", "b"], "value": [None, 2]})
    got = loads_assessments(json.dumps(doc), registry=REG)
    assert got[0].ratings == (Rating("i1", rater="a"), Rating("i1", 2, rater="b"))
    assert got[0].unrated == (0,)
    assert loads_assessments(dumps_assessments(got), registry=REG) == got
    with pytest.raises(ValidationError) as info:
        loads_assessments(json.dumps(doc), registry=REG, complete=True)
    assert [str(p) for p in info.value.problems] == [
        f"assessments[{i}].ratings[0].value: not yet rated: give a level of the scale (value = …) "
        "or set not_applicable = true"
        for i in (0, 1)
    ]


def test_bulk_complete_reports_blanks_together_with_other_problems() -> None:
    """The detailed path (a broken entry) still reports blanks of every entry when complete."""
    doc = bulk(ratings={"indicator": ["i1", "i2"], "rater": ["a", "a"], "value": [None, "drei"]})
    with pytest.raises(ValidationError) as info:
        loads_assessments(json.dumps(doc), registry=REG, complete=True)
    assert [p.path for p in info.value.problems] == [
        "assessments[0].ratings[0].value",
        "assessments[0].ratings[1].value",
        "assessments[1].ratings[0].value",
        "assessments[1].ratings[1].value",
    ]
    assert "not yet rated" in info.value.problems[0].message
    assert "expected a level" in info.value.problems[1].message


def test_bulk_float_that_equals_a_level_is_still_refused() -> None:
    """1.0 == 1 in Python; the fast path must not let it through as the level 1."""
    doc = bulk(ratings={"indicator": ["i1", "i1"], "rater": ["a", "b"], "value": [1, 1.0]})
    assert bulk_problems(doc) == [
        f"assessments[{i}].ratings[1].value: expected a whole number, got 1.0 (number)" for i in (0, 1)
    ]


def test_bulk_without_check_skips_the_framework() -> None:
    doc = bulk(ratings={"indicator": ["unbekannt"], "value": [99]})
    assert loads_assessments(json.dumps(doc), check=False)[0].ratings[0].value == 99


def test_broken_rating_entries_do_not_hide_other_problems() -> None:
    ratings = '[1, {indicator = "i1", rater = "z", value = 2}, {indicator = "i1", rater = "z", value = 3}]'
    text = f"ratings = {ratings}\n" + HEADER
    assert problems(text) == [
        "ratings[0]: expected a table, got 1 (whole number)",
        "ratings[1].rater: unknown rater 'z' (known: a, b)",
        "ratings[2]: indicator 'i1' is rated twice by rater 'z' (first at ratings[1])",
        "ratings[2].rater: unknown rater 'z' (known: a, b)",
    ]


def test_framework_problem_of_a_rating_rated_twice_is_not_hidden() -> None:
    """ "Rated twice" concerns the whole rating at ratings[1]; it must not hide that its value is not
    a level. Only type and structure problems (a wrong type, a missing key) hide what lies below."""
    text = HEADER + '[[ratings]]\nindicator = "i1"\nrater = "a"\nvalue = 2\n'
    text += '[[ratings]]\nindicator = "i1"\nrater = "a"\nvalue = 7\n'
    assert problems(text) == [
        "ratings[1]: indicator 'i1' is rated twice by rater 'a' (first at ratings[0])",
        "ratings[1].value: 7 is not a level of scale 'z6' (1–6; levels: 1, 2, 3, 4, 5, 6)",
    ]
    doc = bulk(ratings={"indicator": ["i1", "i1"], "rater": ["a", "a"], "value": [2, 7]})
    assert bulk_problems(doc) == [
        f"assessments[{i}].ratings[1]{suffix}"
        for i in (0, 1)
        for suffix in (
            ": indicator 'i1' is rated twice by rater 'a' (first at ratings[0])",
            ".value: 7 is not a level of scale 'z6' (1–6; levels: 1, 2, 3, 4, 5, 6)",
        )
    ]


def test_type_problems_still_hide_their_follow_up_problems() -> None:
    """A value of the wrong type is reported once, not again as 'no value' or 'not applicable'."""
    doc = bulk(ratings={"indicator": ["i4", "i4"], "rater": ["a", "b"], "value": [1, "x"], "tier": [5, None]})
    assert bulk_problems(doc) == [
        f"assessments[{i}].ratings[{k}].{msg}"
        for i in (0, 1)
        for k, msg in (
            (0, "tier: expected text, got 5 (whole number)"),
            (1, "value: expected a level (whole number) or 'n/a', got 'x'"),
        )
    ]


def test_bulk_known_rating_with_an_unknown_tier_is_refused() -> None:
    doc = bulk(ratings={"indicator": ["i4", "i4"], "rater": ["a", "b"], "value": [1, 1], "tier": [None, "bogus"]})
    assert bulk_problems(doc) == [
        f"assessments[{i}].ratings[1].tier: unknown tier 'bogus' of indicator 'i4' (tiers: mehr, mindest)"
        for i in (0, 1)
    ]


def test_bulk_same_subject_and_period_twice_is_refused() -> None:
    """(subject id, period) identifies an assessment in a bulk file (Assessment.key)."""
    doc = bulk()
    entries = doc["assessments"]
    entries.append(dict(entries[0]))  # type: ignore[attr-defined]
    entries.append(dict(entries[1], subject={"id": "stadt-y"}))  # type: ignore[attr-defined]  # other subject: fine
    entries.append(dict(entries[1], ratings={"indicator": ["i1"], "value": [9]}))  # type: ignore[attr-defined]
    assert bulk_problems(doc) == [
        "assessments[2]: subject 'kreis-x', period '2024' is assessed twice (first at assessments[0]); "
        "a bulk file holds one assessment per subject and period",
        "assessments[4]: subject 'kreis-x', period '2025' is assessed twice (first at assessments[1]); "
        "a bulk file holds one assessment per subject and period",
        "assessments[4].ratings[0].value: 9 is not a level of scale 'z6' (1–6; levels: 1, 2, 3, 4, 5, 6)",
    ]
    with pytest.raises(ValidationError, match=r"assessments\[1\]: subject 'kreis-x', period '2024' is assessed twice"):
        loads_assessments(dumps_assessments([assessment(), assessment()]), check=False)
