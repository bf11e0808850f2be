"""Excel in and out: the xlsx template, reading filled workbooks back, combining raters, hostile files.

Every test opens the workbook it wrote (with openpyxl) or reads it back through qframework.
The test framework (``assessment_fixtures``) has two dimensions: "Netzwerk" (i1 on scale z6 =
"Stufe 1".."Stufe 6", i2 on s4 = "Stand 0".."Stand 3") and "Planung" (i3 on z6, i4 on ja-nein
without not-applicable and with the tiers "Mindestvoraussetzungen" / "Das Mehr").
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from assessment_fixtures import registry_with, small_framework

import qframework.plugins
from qframework import cli
from qframework.assessment import Assessment, Rater, Rating, Subject, load_assessment, score
from qframework.assessment.combine import combine_assessments
from qframework.errors import QFrameworkError, ValidationError
from qframework.excel import assessment_workbook, load_assessment_xlsx, loads_assessment_xlsx
from qframework.i18n import language

FW = small_framework()
REG = registry_with(FW)


@pytest.fixture(autouse=True)
def german(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The workbooks here are the German ones coordinators fill in (the API's and the command line's)."""
    monkeypatch.setenv("LANGUAGE", "de")
    with language("de"):
        yield


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(qframework.plugins, "load_registry", lambda *a, **k: REG)
    monkeypatch.setattr("qframework.assessment.files._VALIDATION_REGISTRY", [REG])
    return REG


def blank(**kw: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(assessment_workbook(FW, **kw)))


def to_bytes(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filled(rater: str = "koordination", **cells: Any) -> bytes:
    """A template with the rater id set and ``cells`` ({"Netzwerk!C5": "Stufe 4", …}) written."""
    wb = blank()
    wb["Anleitung"]["B8"] = rater
    for ref, value in cells.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = value
    return to_bytes(wb)


def problems(data: bytes) -> list[str]:
    """The problems of a workbook, worded in English (their German wording: tests/test_problem_codes.py)."""
    with pytest.raises(ValidationError) as info:
        loads_assessment_xlsx(data, registry=REG, file="x.xlsx")
    with language("en"):
        return [str(p) for p in info.value.problems]


# -- the template ------------------------------------------------------------------------------


def test_template_has_an_instructions_sheet_and_one_sheet_per_dimension_with_one_row_per_indicator() -> None:
    wb = blank(subject="kreis-x", period="2024", rater="hebamme")
    assert wb.sheetnames == ["Anleitung", "Listen", "Netzwerk", "Planung"]
    assert wb["Listen"].sheet_state == "hidden"
    info = wb["Anleitung"]
    assert [info[f"B{r}"].value for r in (3, 4, 5, 7, 8)] == ["test-rahmen", "1.0", "kreis-x", "2024", "hebamme"]
    net = wb["Netzwerk"]
    assert [net[f"{c}4"].value for c in "ABCDE"] == ["ID", "Indikator", "Einschätzung", "Belege", "Kommentar"]
    assert [(net["A5"].value, net["B5"].value), (net["A6"].value, net["B6"].value)] == [
        ("i1", "Steuerungsgruppe"),
        ("i2", "Verbindliche Absprachen"),
    ]
    assert net["A7"].value is None
    assert "vom Plugin formuliert (keine Quelle)" in net["H5"].value  # the provenance of the indicator's text
    assert net["G6"].value == "0 = Stand 0 · 1 = Stand 1 · 2 = Stand 2 · 3 = Stand 3"


def test_template_drop_downs_offer_the_level_labels_plus_not_applicable_where_allowed() -> None:
    wb = blank()
    lists = wb["Listen"]

    def entries(formula: str) -> list[str]:
        col = formula.split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
        return [c.value for c in lists[col][1:] if c.value is not None]

    def by_cell(sheet: str) -> dict[str, list[str]]:
        validations = wb[sheet].data_validations.dataValidation
        return {str(ref): entries(dv.formula1) for dv in validations for ref in dv.sqref.ranges}

    netzwerk, planung = by_cell("Netzwerk"), by_cell("Planung")
    z6 = [f"Stufe {v}" for v in range(1, 7)]
    assert netzwerk["C5"] == planung["C5"] == [*z6, "nicht zutreffend"]
    assert netzwerk["C6"] == ["Stand 0", "Stand 1", "Stand 2", "Stand 3", "nicht zutreffend"]
    assert planung["C6"] == ["nein", "ja"]  # ja-nein does not allow not-applicable
    assert planung["F6"] == ["Mindestvoraussetzungen", "Das Mehr"]  # i4's tiers
    assert "F5" not in planung  # i3 has no tiers


def test_template_locks_everything_but_the_answer_cells() -> None:
    wb = blank()
    assert wb.security.lockStructure
    net = wb["Netzwerk"]
    assert net.protection.sheet and wb["Anleitung"].protection.sheet
    assert [net[f"{c}5"].protection.locked for c in "ABCDEFGH"] == [True, True, False, False, False, True, True, True]
    assert wb["Planung"]["F6"].protection.locked is False  # i4 has tiers: its tier cell is an answer
    info = wb["Anleitung"]
    assert info["B3"].protection.locked and not info["B5"].protection.locked and not info["B8"].protection.locked


def test_template_writes_user_text_as_text_never_as_a_formula() -> None:
    wb = blank(subject='=HYPERLINK("http://x")', period="@SUM(A1)", rater="+1")
    info = wb["Anleitung"]
    for ref, text in (("B5", '=HYPERLINK("http://x")'), ("B7", "@SUM(A1)"), ("B8", "+1")):
        assert info[ref].data_type == "s"
        assert info[ref].value == text


def test_cli_template_writes_a_workbook(registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bewertung.xlsx"
    assert cli.main(["template", "test-rahmen", "--format", "xlsx", "-o", str(out), "--rater", "hebamme"]) == 0
    assert "2 Dimensionsblätter, 4 Indikatoren, einschätzende Person hebamme" in capsys.readouterr().out
    assert openpyxl.load_workbook(out)["Anleitung"]["B8"].value == "hebamme"
    assert cli.main(["template", "test-rahmen", "--format", "xlsx"]) == 1
    assert "-o DATEI.xlsx" in capsys.readouterr().err
    assert cli.main(["template", "test-rahmen", "-o", str(out), "--rater", "a", "--rater", "b"]) == 1
    assert "one per rater" in capsys.readouterr().err


# -- reading back ------------------------------------------------------------------------------


def test_a_filled_workbook_loads_as_the_assessment_it_shows_and_scores() -> None:
    data = filled(
        **{
            "Anleitung!B5": "kreis-x",
            "Anleitung!B6": "Kreis X",
            "Anleitung!B9": "Netzwerkkoordination",
            "Netzwerk!C5": "Stufe 4",
            "Netzwerk!D5": "Protokoll 3/2024",
            "Netzwerk!C6": "nicht zutreffend",
            "Planung!C6": "ja",
            "Planung!F6": "Das Mehr",
            "Planung!E6": "seit 2023",
        }
    )
    a = loads_assessment_xlsx(data, registry=REG)
    assert a == Assessment(
        "test-rahmen",
        "1.0",
        Subject("kreis-x", "Kreis X"),
        "2025",
        (
            Rating("i1", 4, rater="koordination", evidence="Protokoll 3/2024"),
            Rating("i2", not_applicable=True, rater="koordination"),
            Rating("i4", 1, rater="koordination", tier="mehr", comment="seit 2023"),
        ),
        (Rater("koordination", "Netzwerkkoordination"),),
    )
    card = score(a, registry=REG)
    assert card.dimension("d1").score == pytest.approx(0.6)  # Stufe 4 on 1..6
    assert card.dimension("d2").score == 1.0


def test_load_assessment_reads_xlsx_by_suffix(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(filled(**{"Netzwerk!C5": 2}))  # a level value typed instead of its label
    assert load_assessment(path, registry=REG).ratings == (Rating("i1", 2, rater="koordination"),)


def test_every_problem_is_reported_with_its_sheet_and_cell() -> None:
    found = problems(
        filled(
            rater="Koordination",
            **{
                "Anleitung!B5": "Kreis X",
                "Netzwerk!C5": "gut",
                "Netzwerk!C6": "=1+1",
                "Planung!E5": "nur ein Kommentar",
                "Planung!C6": "nicht zutreffend",
                "Planung!F6": "Das Wenigste",
            },
        )
    )
    # a text with spaces in an id field may be a person's name: described, not repeated (issue 27)
    assert any(p.startswith("Anleitung!B5: ") and "7 characters with spaces" in p for p in found)
    assert not any("Kreis X" in p for p in found)
    assert any(p.startswith("Anleitung!B8: ") and "'Koordination'" in p for p in found)
    assert "Netzwerk!C5: 'gut' is not a level of the scale 'z6'" in "\n".join(found)
    assert "Netzwerk!C6: a formula is not allowed in an answer cell; type the value itself" in found
    assert any(p.startswith("Planung!C5: no rating") for p in found)
    assert any(p.startswith("Planung!C6: ") and "not-applicable" in p.replace("not applicable", "not-applicable")
               for p in found)  # fmt: skip
    assert any(p.startswith("Planung!F6: ") for p in found)
    assert sum(p.startswith("Anleitung!B8") for p in found) == 1  # the bad rater id once, not once per rating


def test_an_empty_workbook_is_an_assessment_without_ratings() -> None:
    a = loads_assessment_xlsx(filled(), registry=REG)
    assert a.ratings == () and a.raters == (Rater("koordination"),)


# -- several raters --------------------------------------------------------------------------


def test_workbooks_of_several_raters_combine_into_one_multi_rater_assessment() -> None:
    a = loads_assessment_xlsx(filled("a", **{"Netzwerk!C5": "Stufe 2"}), registry=REG)
    b = loads_assessment_xlsx(filled("b", **{"Netzwerk!C5": "Stufe 6", "Anleitung!B6": "Kreis X"}), registry=REG)
    both = combine_assessments([a, b])
    assert both.raters == (Rater("a"), Rater("b"))
    assert both.subject == Subject("kommune", "Kreis X")
    card = score(both, registry=REG)
    assert card.indicator("i1").values == (2, 6)
    assert card.indicator("i1").spread == pytest.approx(0.8)


def test_combining_refuses_one_rater_id_twice_and_different_subjects() -> None:
    a = loads_assessment_xlsx(filled("a"), registry=REG)
    other = loads_assessment_xlsx(filled("b", **{"Anleitung!B5": "kreis-y"}), registry=REG)
    with pytest.raises(ValidationError) as info:
        combine_assessments([a, a, other], names=["a.xlsx", "b.xlsx", "c.xlsx"])
    with language("en"):
        text = str(info.value)
    assert "b.xlsx: rater 'a' also rates in a.xlsx" in text
    assert "c.xlsx: subject 'kreis-y' differs from 'kommune' in a.xlsx" in text


def test_cli_score_combine(registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.xlsx").write_bytes(filled("a", **{"Netzwerk!C5": "Stufe 1"}))
    (tmp_path / "b.xlsx").write_bytes(filled("b", **{"Netzwerk!C5": "Stufe 6"}))
    files = [str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx")]
    assert cli.main(["score", *files, "--combine", "--json"]) == 0
    captured = capsys.readouterr()
    assert "combined 2 files" in captured.err
    import json

    (result,) = json.loads(captured.out)
    assert result["scorecard"]["raters"] == 2
    assert [i["values"] for i in result["scorecard"]["indicators"] if i["indicator"] == "i1"] == [[1, 6]]
    assert cli.main(["score", files[0], files[0], "--combine"]) == 1
    assert "die einschätzende Person 'a' schätzt auch in" in capsys.readouterr().err  # LANGUAGE=de


# -- hostile and broken workbooks --------------------------------------------------------------


def test_not_a_zip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_text("Kommune;Wert\nx;1\n")
    with pytest.raises(ValidationError, match="kein ZIP-Archiv"):  # German: this file's fixture
        load_assessment_xlsx(path, registry=REG)
    path.write_bytes(filled()[:2000])  # a truncated download
    with pytest.raises(ValidationError, match="keine Excel-Arbeitsmappe"):
        load_assessment_xlsx(path, registry=REG)


def test_a_zip_that_is_no_workbook_is_a_clear_error() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    assert problems(out.getvalue()) == ["not an Excel workbook (.xlsx): the zip has no xl/workbook.xml"]


def test_a_huge_sheet_is_refused_before_unpacking() -> None:
    """A zip-bomb-ish part (200 MB of zeros, a few hundred KB packed) is refused by its declared size."""
    source = zipfile.ZipFile(io.BytesIO(filled()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            z.writestr(item, source.read(item))
        with z.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as part:
            block = b" " * (1 << 20)
            for _ in range(200):
                part.write(block)
    assert len(out.getvalue()) < 2_000_000
    (found,) = problems(out.getvalue())
    assert "xl/worksheets/sheet9.xml" in found and "too large" in found


def test_wrong_sheet_names_are_named() -> None:
    wb = blank()
    wb["Netzwerk"].title = "Netz"
    (found,) = problems(to_bytes(wb))
    assert "missing sheets: Netzwerk" in found and "unexpected sheets: Netz" in found


def test_a_workbook_without_the_instructions_sheet_is_not_a_template() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Tabelle1"
    (found,) = problems(to_bytes(wb))
    assert "no sheet Anleitung / Instructions" in found


def test_merged_cells_are_refused() -> None:
    wb = blank()
    wb["Netzwerk"].merge_cells("C5:D5")
    (found,) = problems(to_bytes(wb))
    assert "merged cells (C5:D5)" in found


def test_hundred_thousand_rows_are_refused_without_reading_them() -> None:
    wb = blank()
    ws = wb["Planung"]
    for r in range(7, 100_007):
        ws.cell(row=r, column=1, value="x")
    found = problems(to_bytes(wb))
    assert found == ["Planung!A7: the sheet reaches row 100,006; the template ends at row 6 (delete what is below)"]


def test_content_below_the_indicators_is_reported() -> None:
    assert problems(filled(**{"Netzwerk!C9": "Stufe 3"})) == [
        "Netzwerk!A9: content below the indicators; the template ends at row 6"
    ]


def test_a_moved_row_names_the_unexpected_indicator() -> None:
    found = problems(filled(**{"Netzwerk!A5": "i3", "Netzwerk!C5": "Stufe 3"}))
    assert found == ["Netzwerk!A5: expected an indicator id of this sheet (i1, i2), found 'i3'"]


def test_an_unknown_framework_names_its_cell() -> None:
    wb = blank()
    wb["Anleitung"]["B3"] = "kein-rahmen"
    (found,) = problems(to_bytes(wb))
    assert found.startswith("Anleitung!B3: unknown framework 'kein-rahmen'")


def test_without_openpyxl_the_message_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    data = filled()
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(QFrameworkError, match=r"pip install 'qframework\[excel\]'"):
        loads_assessment_xlsx(data, registry=REG)
    with pytest.raises(QFrameworkError, match=r"pip install 'qframework\[excel\]'"):
        assessment_workbook(FW)


@pytest.mark.parametrize("framework_id", ["nzfh-qualitaetsrahmen", "kqs", "nds-qualitaetsstandards-fh"])
def test_a_workbook_filled_from_an_assessment_reads_back_as_that_raters_ratings(framework_id: str) -> None:
    """The demo's filled example: what a rater entered (levels, n/a, evidence, comment) is what loads back."""
    from qframework import load_registry
    from qframework.template import sample_assessment

    real = load_registry()
    fw = real.frameworks[framework_id]
    sample = sample_assessment(fw)
    rater = sample.raters[0].id
    data = assessment_workbook(fw, rater=rater, filled=sample)
    back = loads_assessment_xlsx(data, registry=real)
    expected = {
        r.indicator: (r.value, r.not_applicable, r.evidence, r.comment, r.tier)
        for r in sample.ratings
        if r.rater == rater and r.rated
    }
    got = {r.indicator: (r.value, r.not_applicable, r.evidence, r.comment, r.tier) for r in back.ratings if r.rated}
    assert expected and got == expected
    assert (back.subject.id, back.period) == (sample.subject.id, sample.period)


def test_the_workbook_names_the_supplying_plugin_as_the_author_of_its_texts(tmp_path: Path) -> None:
    """Issue 9, part 3, in the workbook too: authored/inferred texts are the plugin's, never "von qframework"."""
    out = tmp_path / "kqs.xlsx"
    assert cli.main(["template", "kqs", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    texts = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert not [t for t in texts if "von qframework" in t]
    assert any("Daten des Plugins kqs" in t for t in texts)
    assert any(t.startswith("vom Plugin formuliert (keine Quelle): Plugin kqs") for t in texts)
    assert not [t for t in texts if t.split(":")[0] in ("quoted", "paraphrased", "inferred", "authored")]


def test_an_english_workbook_reads_back_and_a_german_one_reads_under_english(tmp_path: Path) -> None:
    """The workbook follows the language it is written in; it is read back whatever language is active."""
    with language("en"):
        english = openpyxl.load_workbook(io.BytesIO(assessment_workbook(FW, rater="r1", subject="k", period="2025")))
    assert english.sheetnames[:2] == ["Instructions", "Lists"]
    assert [english["Netzwerk"][f"{c}4"].value for c in "ABC"] == ["ID", "Indicator", "Rating"]
    english["Instructions"]["B8"] = "r1"
    english["Netzwerk"]["C6"] = "not applicable"
    out = io.BytesIO()
    english.save(out)
    read = loads_assessment_xlsx(out.getvalue(), registry=REG)
    assert [r.indicator for r in read.ratings if r.not_applicable] == ["i2"]
    german = filled("r1", **{"Netzwerk!C6": "nicht zutreffend"})
    with language("en"):
        assert [r.indicator for r in loads_assessment_xlsx(german, registry=REG).ratings if r.not_applicable] == ["i2"]


def test_a_problem_found_after_reading_names_the_cell_it_came_from(tmp_path: Path) -> None:
    """Rule: a problem the assessment's validation finds (a level typed that the scale does not have, an
    empty period) is reported at the cell the value was read from, on the right sheet, and the file is
    named."""
    data = filled(**{"Netzwerk!C5": 9, "Planung!C5": 0, "Anleitung!B7": ""})
    assert problems(data) == [
        "Anleitung!B7: must not be empty (e.g. '2024' or '2024-H1')",
        "Netzwerk!C5: 9 is not a level of scale 'z6' (1–6; levels: 1, 2, 3, 4, 5, 6)",
        "Planung!C5: 0 is not a level of scale 'z6' (1–6; levels: 1, 2, 3, 4, 5, 6)",
    ]
    path = tmp_path / "team.xlsx"
    path.write_bytes(data)
    with pytest.raises(ValidationError) as info:
        load_assessment_xlsx(path, registry=REG)
    assert info.value.file == str(path)
    assert [p.path for p in info.value.problems] == ["Anleitung!B7", "Netzwerk!C5", "Planung!C5"]


def test_a_changed_label_or_a_formula_on_the_instructions_sheet_names_its_cell() -> None:
    """Rule: the instructions sheet's labels (column A) must be the template's — a changed or deleted one is
    named with the label expected — and a formula in one of its answers (column B) is refused at its cell."""
    assert problems(filled(**{"Anleitung!A5": "Kommune-ID?", "Anleitung!B6": "=A1", "Anleitung!A9": None})) == [
        "Anleitung!A5: expected the label 'Kommune (ID)', found 'Kommune-ID?'",
        "Anleitung!B6: a formula is not allowed in an answer cell; type the value itself",
        "Anleitung!A9: expected the label 'Rolle', found None",
    ]
