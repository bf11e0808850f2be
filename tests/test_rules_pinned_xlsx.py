"""The xlsx reader's rules pinned one by one: what a filled-in workbook reads as, which cell each
problem names, and where each of the limits that refuse a workbook unread lies (at the limit: read;
one above: refused).

Each test names the rule it pins in its docstring. The tests go through the public readers
(:func:`~qframework.excel.loads_assessment_xlsx`, :func:`~qframework.excel.load_assessment_xlsx`) with
the German template of ``tests/test_excel.py``'s test framework: "Netzwerk" (i1 on z6 = "Stufe 1".."Stufe
6", i2 on s4 = "Stand 0".."Stand 3"), "Planung" (i3 on z6, i4 on ja-nein without not-applicable, tiers
"mindest" = "Mindestvoraussetzungen" and "mehr" = "Das Mehr"). The limits are lowered with
``monkeypatch`` to the size of a real template, so that the boundary lies where a test can reach it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_excel import REG, blank, filled, to_bytes

from qframework import excel
from qframework.assessment import Rater, Rating, Subject
from qframework.errors import Problem, ValidationError
from qframework.excel import load_assessment_xlsx, loads_assessment_xlsx
from qframework.i18n import language


@pytest.fixture(autouse=True)
def german(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The workbooks here are German templates; problems are compared by code and parameters."""
    monkeypatch.setenv("LANGUAGE", "de")
    with language("de"):
        yield


def refused(data: bytes, file: str | None = "x.xlsx") -> list[Problem]:
    with pytest.raises(ValidationError) as info:
        loads_assessment_xlsx(data, registry=REG, file=file)
    assert info.value.file == file
    return list(info.value.problems)


def english(data: bytes) -> list[str]:
    problems = refused(data)
    with language("en"):
        return [str(p) for p in problems]


def rezip(data: bytes, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


# -- what a workbook reads as ----------------------------------------------------------------------


def test_the_instructions_sheet_gives_subject_period_rater_role_name_and_notes() -> None:
    """Rule: the instructions sheet's answers (B5..B11) become the subject's id and name, the period, the
    rater's id, role and name and the notes; the framework comes from B3/B4."""
    a = loads_assessment_xlsx(
        filled(
            "team-a",
            **{
                "Anleitung!B5": "kreis-x",
                "Anleitung!B6": "Kreis X",
                "Anleitung!B7": "2024-H1",
                "Anleitung!B9": "Koordination",
                "Anleitung!B10": "Alex Beispiel",
                "Anleitung!B11": "vorläufig",
            },
        ),
        registry=REG,
    )
    assert (a.framework, a.framework_version) == ("test-rahmen", "1.0")
    assert a.subject == Subject("kreis-x", "Kreis X")
    assert a.period == "2024-H1"
    assert a.raters == (Rater("team-a", "Koordination", "Alex Beispiel"),)
    assert a.notes == "vorläufig"


def test_a_number_or_a_truth_value_in_a_text_cell_reads_as_its_text() -> None:
    """Rule: a whole number typed into a text cell reads as its digits (2024, not 2024.0), a decimal as
    written, a truth value as "wahr"/"falsch"; surrounding spaces are dropped."""
    a = loads_assessment_xlsx(
        filled(**{"Anleitung!B7": 2024.0, "Anleitung!B11": 2.5, "Netzwerk!C5": "Stufe 2", "Netzwerk!D5": True}),
        registry=REG,
    )
    assert a.period == "2024"
    assert a.notes == "2.5"
    assert a.ratings[0].evidence == "wahr"
    b = loads_assessment_xlsx(filled(**{"Netzwerk!C5": " Stufe 2 ", "Netzwerk!E5": False}), registry=REG)
    assert b.ratings == (Rating("i1", 2, rater="koordination", comment="falsch"),)


def test_a_rating_reads_by_label_case_and_spacing_ignored_or_by_level_value() -> None:
    """Rule: a rating cell holds a level's label (case and surrounding spaces ignored), a level value typed
    as a number, or a not-applicable word; every rating is the workbook's rater's."""
    a = loads_assessment_xlsx(
        filled(
            "r",
            **{
                "Netzwerk!C5": "  stufe 5",
                "Netzwerk!C6": "STAND 2",
                "Planung!C5": 3,
                "Planung!C6": "Ja",
            },
        ),
        registry=REG,
    )
    assert a.ratings == (
        Rating("i1", 5, rater="r"),
        Rating("i2", 2, rater="r"),
        Rating("i3", 3, rater="r"),
        Rating("i4", 1, rater="r"),
    )


@pytest.mark.parametrize("word", ["nicht zutreffend", "n/a", "NA", "nz", "entfällt", "Not Applicable"])
def test_every_not_applicable_word_reads_as_not_applicable(word: str) -> None:
    """Rule: "nicht zutreffend", "n/a", "na", "nz", "entfällt" and "not applicable" (any case) mark a
    rating not applicable."""
    a = loads_assessment_xlsx(filled(**{"Netzwerk!C6": word}), registry=REG)
    assert a.ratings == (Rating("i2", not_applicable=True, rater="koordination"),)


def test_a_tier_reads_by_its_title_or_its_id_and_an_unknown_one_is_kept_for_validation() -> None:
    """Rule: the tier cell holds a tier's title (case ignored) or its id; anything else is kept as it is
    and refused by validation at that cell."""
    by_title = loads_assessment_xlsx(filled(**{"Planung!C6": "ja", "Planung!F6": "das mehr"}), registry=REG)
    assert by_title.ratings == (Rating("i4", 1, rater="koordination", tier="mehr"),)
    by_id = loads_assessment_xlsx(filled(**{"Planung!C6": "nein", "Planung!F6": "mindest"}), registry=REG)
    assert by_id.ratings == (Rating("i4", 0, rater="koordination", tier="mindest"),)
    (problem,) = refused(filled(**{"Planung!C6": "ja", "Planung!F6": "Das Wenigste"}))
    assert problem.path == "Planung!F6"
    assert "Das Wenigste" in problem.message


def test_evidence_and_comment_are_read_from_columns_d_and_e() -> None:
    """Rule: column D is a rating's evidence, column E its comment; an empty one is left out."""
    a = loads_assessment_xlsx(
        filled(**{"Netzwerk!C5": "Stufe 1", "Netzwerk!D5": "Protokoll", "Netzwerk!C6": "Stand 0", "Netzwerk!E6": "k"}),
        registry=REG,
    )
    assert a.ratings == (
        Rating("i1", 1, rater="koordination", evidence="Protokoll"),
        Rating("i2", 0, rater="koordination", comment="k"),
    )


def test_a_row_with_only_an_id_or_only_spaces_is_not_rated() -> None:
    """Rule: a row whose answer cells (C..F) are empty or blank is not rated, whatever its id cell holds."""
    a = loads_assessment_xlsx(filled(**{"Netzwerk!C5": "   ", "Planung!A6": "", "Planung!C5": "Stufe 6"}), registry=REG)
    assert a.ratings == (Rating("i3", 6, rater="koordination"),)


def test_an_answer_without_a_rating_is_a_problem_at_its_rating_cell() -> None:
    """Rule: evidence, a comment or a tier without a rating is the problem "no rating" at the row's C cell;
    the other rows are still read and checked."""
    problems = refused(filled(**{"Netzwerk!D6": "Beleg", "Planung!F6": "mehr", "Planung!C5": "gut"}))
    assert [(p.path, p.code) for p in problems] == [
        ("Netzwerk!C6", "xlsx.rating.none"),
        ("Planung!C5", "xlsx.rating.off-scale"),
        ("Planung!C6", "xlsx.rating.none"),
    ]


def test_an_off_scale_rating_lists_the_choices_with_not_applicable_only_where_allowed() -> None:
    """Rule: a rating that is no level of its scale is refused naming the value, the scale and the choices
    of the drop-down: the level labels, plus "nicht zutreffend" where the scale allows not-applicable."""
    z6, yn = refused(filled(**{"Netzwerk!C5": "gut", "Planung!C6": "vielleicht"}))
    assert z6.path == "Netzwerk!C5"
    assert dict(z6.params) == {
        "value": "gut",
        "scale": "z6",
        "choices": ("Stufe 1", "Stufe 2", "Stufe 3", "Stufe 4", "Stufe 5", "Stufe 6", "nicht zutreffend"),
    }
    assert yn.path == "Planung!C6"
    assert dict(yn.params) == {"value": "vielleicht", "scale": "ja-nein", "choices": ("nein", "ja")}


def test_an_unknown_indicator_id_in_a_rated_row_is_a_problem_listing_the_sheets_ids() -> None:
    """Rule: a rated row whose id is not an indicator of its sheet is refused at its A cell, listing the
    sheet's ids and the id found; a row emptied of its id is refused the same way."""
    problems = refused(filled(**{"Planung!A5": "i9", "Planung!C5": "Stufe 1", "Netzwerk!A6": None, "Netzwerk!C6": 1}))
    assert [(p.path, p.code, dict(p.params)) for p in problems] == [
        ("Netzwerk!A6", "xlsx.indicator", {"known": ("i1", "i2"), "found": "None"}),
        ("Planung!A5", "xlsx.indicator", {"known": ("i3", "i4"), "found": "'i9'"}),
    ]


def test_a_changed_header_row_is_one_problem_and_the_sheet_is_not_read() -> None:
    """Rule: a dimension sheet whose header row (row 4, A..E) is not the template's is one problem at A4
    naming the expected headers and what was found; its ratings are not read, other sheets are."""
    wb = blank()
    wb["Netzwerk"]["B4"] = "Frage"
    wb["Netzwerk"]["C5"] = "Stufe 3"
    wb["Planung"]["C5"] = "gut"
    problems = refused(to_bytes(wb))
    assert [(p.path, p.code) for p in problems] == [
        ("Netzwerk!A4", "xlsx.header"),
        ("Planung!C5", "xlsx.rating.off-scale"),
    ]
    assert dict(problems[0].params)["found"] == repr(("ID", "Frage", "Einschätzung", "Belege", "Kommentar"))
    assert dict(problems[0].params)["headers"] == ("ID", "Indikator", "Einschätzung", "Belege", "Kommentar")


def test_a_header_row_in_another_language_or_the_old_wording_is_accepted() -> None:
    """Rule: the header row is accepted in every language qframework writes and in the older German wording
    ("Bewertung", "Nachweise")."""
    wb = blank()
    for ref, text in {"A4": "ID", "B4": "Indicator", "C4": "Rating", "D4": "Evidence", "E4": "Comment"}.items():
        wb["Netzwerk"][ref] = text
    wb["Planung"]["C4"] = "Bewertung"
    wb["Netzwerk"]["C5"] = "Stufe 2"
    wb["Anleitung"]["B8"] = "r"
    assert loads_assessment_xlsx(to_bytes(wb), registry=REG).ratings == (Rating("i1", 2, rater="r"),)


def test_a_sheet_cut_off_above_its_header_row_says_the_header_is_missing() -> None:
    """Rule: a dimension sheet that ends before row 4 has no header row: one problem at its A4."""
    wb = blank()
    ws = wb["Planung"]
    ws.delete_rows(3, ws.max_row)
    problems = refused(to_bytes(wb))
    assert [(p.path, p.code) for p in problems] == [("Planung!A4", "xlsx.header.missing")]


def test_content_below_the_indicators_is_one_problem_at_the_first_row_with_content() -> None:
    """Rule: content below the last indicator row (an id or an answer, within the rows read) is one problem
    per sheet at the first such row, naming the template's last row; blank rows in between are fine."""
    assert [(p.path, p.code, dict(p.params)) for p in refused(filled(**{"Netzwerk!A12": "x", "Netzwerk!C14": 1}))] == [
        ("Netzwerk!A12", "xlsx.rows.below", {"last": 6})
    ]
    assert [p.path for p in refused(filled(**{"Planung!F7": "mehr"}))] == ["Planung!A7"]
    # the last row read: 20 below the last indicator
    assert [p.path for p in refused(filled(**{"Planung!A26": "x"}))] == ["Planung!A26"]


def test_a_sheet_longer_than_the_rows_read_is_refused_by_its_declared_length() -> None:
    """Rule: a sheet declaring more rows than the last indicator row plus 20 is one problem at the row
    below the last indicator, naming the declared length; row 26 of the test sheets is still allowed."""
    ok = blank()
    ok["Netzwerk"]["G26"] = "Notiz"  # outside the answer columns: not content, but the sheet reaches row 26
    loads_assessment_xlsx(to_bytes(ok), registry=REG)
    wb = blank()
    wb["Netzwerk"]["G27"] = "Notiz"
    wb["Netzwerk"]["C5"] = "Stufe 1"
    problems = refused(to_bytes(wb))
    assert [(p.path, p.code, dict(p.params)) for p in problems] == [
        ("Netzwerk!A7", "xlsx.rows.too-many", {"rows": 27.0, "last": 6})
    ]


def test_a_problem_of_validation_is_named_at_the_cell_of_the_value() -> None:
    """Rule: a problem validation finds in a rating is reported at the cell its field came from: the tier
    at F, the value at C; a problem of the rater's id at B8, once, not once per rating; the subject at B5
    and B6."""
    problems = refused(
        filled(
            "Koordination Nord",
            **{
                "Anleitung!B5": "kreis x",
                "Netzwerk!C5": 7,
                "Planung!C6": "ja",
                "Planung!F6": "anders",
            },
        )
    )
    assert sorted({p.path for p in problems}) == ["Anleitung!B5", "Anleitung!B8", "Netzwerk!C5", "Planung!F6"]
    assert sum(p.path == "Anleitung!B8" for p in problems) == 1


def test_a_problem_of_a_whole_rating_is_named_at_its_rows_id_cell() -> None:
    """Rule: a problem of a rating as a whole (an indicator rated twice) is named at the A cell of the row
    the rating came from, with the validation's code."""
    problems = refused(filled(**{"Netzwerk!A6": "i1", "Netzwerk!C5": "Stufe 1", "Netzwerk!C6": "Stufe 2"}))
    assert [(p.path, p.code) for p in problems] == [("Netzwerk!A6", "rating.twice")]


def test_an_empty_rater_id_is_one_problem_at_its_cell() -> None:
    """Rule: an empty rater id (B8) is a problem at B8 — once, not once per rating."""
    problems = refused(filled("", **{"Netzwerk!C5": "Stufe 1", "Planung!C5": "Stufe 2"}))
    assert [p.path for p in problems] == ["Anleitung!B8"]


def test_load_reads_a_file_and_names_it_in_its_problems(tmp_path: Path) -> None:
    """Rule: ``load_assessment_xlsx`` reads the file at a path (str or Path) and names it in a refusal;
    ``check=False`` reads a workbook without checking it against the framework's rules."""
    path = tmp_path / "team.xlsx"
    path.write_bytes(filled(**{"Netzwerk!C5": "Stufe 4"}))
    assert load_assessment_xlsx(str(path), registry=REG).ratings == (Rating("i1", 4, rater="koordination"),)
    path.write_bytes(filled(**{"Netzwerk!C5": "gut"}))
    with pytest.raises(ValidationError) as info:
        load_assessment_xlsx(path, registry=REG)
    assert info.value.file == str(path)
    assert [p.path for p in info.value.problems] == ["Netzwerk!C5"]


def test_an_unknown_framework_version_names_the_framework_cell() -> None:
    """Rule: a framework version not installed is refused at the instructions sheet's B3."""
    (problem,) = refused(filled(**{"Anleitung!B4": "9.9"}))
    assert problem.path == "Anleitung!B3"
    assert "9.9" in problem.message


def test_extra_and_missing_sheets_are_named_together_and_the_lists_sheet_is_allowed() -> None:
    """Rule: a sheet the framework does not have and a dimension's sheet missing are one problem naming both;
    the instructions and the hidden lists sheet are not "unexpected"; only missing or only extra names one."""
    wb = blank()
    assert "Listen" in wb.sheetnames
    wb.create_sheet("Notizen")
    (problem,) = refused(to_bytes(wb))
    assert (problem.path, problem.code, dict(problem.params)["framework"]) == ("", "xlsx.sheets", "test-rahmen")
    with language("en"):
        assert str(problem).startswith("the sheets are not the template's (unexpected sheets: Notizen);")
    wb = blank()
    del wb["Planung"]
    (problem,) = refused(to_bytes(wb))
    with language("en"):
        assert str(problem).startswith("the sheets are not the template's (missing sheets: Planung);")
    wb.create_sheet("Notizen")
    (problem,) = refused(to_bytes(wb))
    with language("en"):
        assert str(problem).startswith(
            "the sheets are not the template's (missing sheets: Planung; unexpected sheets: Notizen);"
        )


def test_a_workbook_without_the_instructions_sheet_lists_its_first_ten_sheets() -> None:
    """Rule: a workbook without an instructions sheet (in any language) is refused naming the sheet looked
    for and the first ten sheets found."""
    wb = openpyxl.Workbook()
    wb.active.title = "S0"
    for i in range(1, 12):
        wb.create_sheet(f"S{i}")
    (problem,) = refused(to_bytes(wb))
    assert (problem.path, problem.code) == ("", "xlsx.no-instructions")
    assert dict(problem.params)["sheets"] == repr([f"S{i}" for i in range(10)])
    assert "Anleitung" in dict(problem.params)["sheet"] and "Instructions" in dict(problem.params)["sheet"]


def test_an_english_instructions_sheet_is_found_by_its_name() -> None:
    """Rule: the instructions sheet is found under its name in any language qframework writes."""
    with language("en"):
        wb = openpyxl.load_workbook(io.BytesIO(excel.assessment_workbook(excel_fw())))
    wb["Instructions"]["B8"] = "r"
    a = loads_assessment_xlsx(to_bytes(wb), registry=REG)
    assert a.raters == (Rater("r"),)


def excel_fw() -> Any:
    from test_excel import FW

    return FW


def test_a_workbook_openpyxl_cannot_read_is_a_problem_with_the_reason() -> None:
    """Rule: a zip with a workbook part openpyxl cannot parse is refused as unreadable, with the reason."""
    data = rezip(filled(), replace={"xl/workbook.xml": b"<workbook>not closed"})
    (problem,) = refused(data)
    assert problem.code == "xlsx.unreadable"
    assert problem.path == ""
    assert dict(problem.params)["reason"]


def test_an_empty_workbook_part_list_reads_nothing_invented() -> None:
    """Rule: a template left blank but for the rater reads as an assessment without ratings and with the
    template's defaults (the subject and the period the template was written with)."""
    a = loads_assessment_xlsx(filled(), registry=REG)
    assert a.ratings == ()
    assert a.subject == Subject("kommune", "")
    assert a.period == "2025"


# -- the limits: at the limit read, above it refused ---------------------------------------------------


def test_the_file_size_limit_is_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a workbook of exactly the size limit is read; one byte over is refused with its size and the
    limit, before it is unpacked."""
    data = filled()
    monkeypatch.setattr(excel, "MAX_FILE_BYTES", len(data))
    loads_assessment_xlsx(data, registry=REG)
    monkeypatch.setattr(excel, "MAX_FILE_BYTES", len(data) - 1)
    (problem,) = refused(data)
    assert (problem.code, dict(problem.params)) == (
        "xlsx.file.too-big",
        {"size": float(len(data)), "limit": float(len(data) - 1)},
    )


def test_the_number_of_parts_limit_is_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a workbook with exactly as many zip entries as the limit is read; one more is refused naming
    the count and the limit."""
    data = filled()
    count = len(parts(data))
    monkeypatch.setattr(excel, "MAX_ENTRIES", count)
    loads_assessment_xlsx(data, registry=REG)
    monkeypatch.setattr(excel, "MAX_ENTRIES", count - 1)
    (problem,) = refused(data)
    assert (problem.code, dict(problem.params)) == (
        "xlsx.parts.too-many",
        {"count": float(count), "limit": float(count - 1)},
    )


def test_the_part_size_and_total_size_limits_are_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a part of exactly the part limit is read, one byte over refused naming the part, its size and
    the total so far; the unpacked total likewise against its own limit."""
    data = filled()
    sizes = {name: len(body) for name, body in parts(data).items()}
    largest = max(sizes, key=lambda n: sizes[n])
    monkeypatch.setattr(excel, "MAX_PART_BYTES", sizes[largest])
    loads_assessment_xlsx(data, registry=REG)
    monkeypatch.setattr(excel, "MAX_PART_BYTES", sizes[largest] - 1)
    (problem,) = refused(data)
    names = list(sizes)
    total = sum(sizes[n] for n in names[: names.index(largest) + 1])
    assert (problem.code, dict(problem.params)) == (
        "xlsx.part.too-big",
        {"part": repr(largest), "size": float(sizes[largest]), "total": float(total)},
    )
    monkeypatch.setattr(excel, "MAX_PART_BYTES", 10_000_000)
    monkeypatch.setattr(excel, "MAX_TOTAL_BYTES", sum(sizes.values()))
    loads_assessment_xlsx(data, registry=REG)
    monkeypatch.setattr(excel, "MAX_TOTAL_BYTES", sum(sizes.values()) - 1)
    (problem,) = refused(data)
    assert (problem.code, dict(problem.params)) == (
        "xlsx.part.too-big",
        {"part": repr(names[-1]), "size": float(sizes[names[-1]]), "total": float(sum(sizes.values()))},
    )


def _tags(body: bytes) -> int:
    return body.count(b"<")


def test_the_tag_limits_per_part_per_sheet_and_in_all_are_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: the XML tags ("<") of a worksheet part count against the sheet limit, of any other part against
    the part limit, and of all parts against the total; each limit itself is allowed, one above is refused
    naming the part that crossed it."""
    data = filled()
    bodies = parts(data)
    sheets = {n: _tags(b) for n, b in bodies.items() if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    others = {n: _tags(b) for n, b in bodies.items() if n not in sheets}
    big_sheet = max(sheets, key=lambda n: sheets[n])
    big_other = max(others, key=lambda n: others[n])
    monkeypatch.setattr(excel, "MAX_SHEET_TAGS", sheets[big_sheet])
    monkeypatch.setattr(excel, "MAX_PART_TAGS", others[big_other])
    loads_assessment_xlsx(data, registry=REG)
    monkeypatch.setattr(excel, "MAX_SHEET_TAGS", sheets[big_sheet] - 1)
    (problem,) = refused(data)
    assert (problem.path, problem.code, dict(problem.params)) == (
        "",
        "xlsx.tags.too-many",
        {
            "part": repr(big_sheet),
            "sheet": float(sheets[big_sheet] - 1),
            "other": float(others[big_other]),
            "total": float(excel.MAX_TOTAL_TAGS),
        },
    )
    monkeypatch.setattr(excel, "MAX_SHEET_TAGS", sheets[big_sheet])
    monkeypatch.setattr(excel, "MAX_PART_TAGS", others[big_other] - 1)
    (problem,) = refused(data)
    assert (problem.code, dict(problem.params)["part"]) == ("xlsx.tags.too-many", repr(big_other))
    monkeypatch.setattr(excel, "MAX_PART_TAGS", others[big_other])
    total = sum(_tags(b) for b in bodies.values())
    monkeypatch.setattr(excel, "MAX_TOTAL_TAGS", total)
    loads_assessment_xlsx(data, registry=REG)
    monkeypatch.setattr(excel, "MAX_TOTAL_TAGS", total - 1)
    (problem,) = refused(data)
    assert (problem.code, dict(problem.params)["part"]) == ("xlsx.tags.too-many", repr(list(bodies)[-1]))
    assert dict(problem.params)["total"] == float(total - 1)


_STYLE = re.compile(rb"<(?:[\w.-]+:)?(?:xf|font|fill|border|numFmt|dxf|cellStyle|tableStyle|color)[\s/>]")


def test_the_style_and_shared_string_limits_are_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a workbook with exactly as many style records (xf, font, fill, border, numFmt, dxf, cellStyle,
    tableStyle, color, under any namespace prefix, in any part) or shared strings (si) as the limit is
    read; one more is refused."""
    sst = b"<x:sst xmlns:x='m'>" + b"<x:si><x:t>a</x:t></x:si>" * 3 + b"<si/><si><t>b</t></si></x:sst>"
    data = rezip(filled(), add={"customXml/item7.xml": sst})
    bodies = parts(data)
    styles = sum(len(_STYLE.findall(b)) for b in bodies.values())
    strings = 5
    assert styles > 0 and strings > 0
    monkeypatch.setattr(excel, "MAX_STYLE_RECORDS", styles)
    monkeypatch.setattr(excel, "MAX_SHARED_STRINGS", strings)
    loads_assessment_xlsx(data, registry=REG)
    monkeypatch.setattr(excel, "MAX_STYLE_RECORDS", styles - 1)
    (problem,) = refused(data)
    assert (problem.code, dict(problem.params)) == ("xlsx.styles.too-many", {"limit": float(styles - 1)})
    monkeypatch.setattr(excel, "MAX_STYLE_RECORDS", styles)
    monkeypatch.setattr(excel, "MAX_SHARED_STRINGS", strings - 1)
    (problem,) = refused(data)
    assert (problem.code, dict(problem.params)) == ("xlsx.strings.too-many", {"limit": float(strings - 1)})


def _sheet_with(data: bytes, extra_rows: bytes) -> bytes:
    bodies = parts(data)
    sheet = next(n for n in bodies if n.startswith("xl/worksheets/"))
    return rezip(data, replace={sheet: bodies[sheet].replace(b"</sheetData>", extra_rows + b"</sheetData>")})


def test_the_cell_limits_per_row_and_in_all_are_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a row of exactly the per-row cell limit is read, one cell more refused; the cells of all
    worksheets count against the total limit the same way; a new row starts its count at zero."""
    wide = b'<row r="30">' + b'<c r="H30"/>' * 50 + b'</row><row r="31">' + b'<c r="H31"/>' * 50 + b"</row>"
    data = _sheet_with(filled(), wide)
    monkeypatch.setattr(excel, "MAX_ROW_CELLS", 50)
    loads_assessment_xlsx(data, registry=REG)
    monkeypatch.setattr(excel, "MAX_ROW_CELLS", 49)
    (problem,) = refused(data)
    sheet = next(n for n, body in parts(data).items() if b'r="H30"' in body)
    assert (problem.code, dict(problem.params)) == (
        "xlsx.cells.too-many",
        {"part": repr(sheet), "row": 49.0, "total": float(excel.MAX_CELLS), "columns": 8},
    )
    monkeypatch.setattr(excel, "MAX_ROW_CELLS", 1000)
    cells = sum(len(re.findall(rb"<c[\s/>]", b)) for n, b in parts(data).items() if n.startswith("xl/worksheets/"))
    monkeypatch.setattr(excel, "MAX_CELLS", cells)
    loads_assessment_xlsx(data, registry=REG)
    monkeypatch.setattr(excel, "MAX_CELLS", cells - 1)
    (problem,) = refused(data)
    assert (problem.code, dict(problem.params)["total"]) == ("xlsx.cells.too-many", float(cells - 1))


def test_cells_are_counted_only_in_worksheets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: cell and row elements count only in worksheet parts (xl/worksheets/*.xml); the same elements
    in another part are only tags."""
    other = b"<x>" + b"<c/>" * 100 + b"</x>"
    data = rezip(filled(), add={"xl/worksheets/notes.txt": other, "customXml/item9.xml": other})
    monkeypatch.setattr(excel, "MAX_ROW_CELLS", 60)
    loads_assessment_xlsx(data, registry=REG)


def test_merged_cells_are_refused_naming_the_first_five_ranges_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: merged cells are refused naming the worksheet part and its first five merged ranges, sorted,
    each once."""
    wb = blank()
    for ref in ("E20:F20", "A20:B20", "C20:D20", "A21:B21", "C21:D21", "E21:F21"):
        wb["Planung"].merge_cells(ref)
    (problem,) = refused(to_bytes(wb))
    assert problem.code == "xlsx.merged"
    assert dict(problem.params)["cells"] == ("A20:B20", "A21:B21", "C20:D20", "C21:D21", "E20:F20")
    assert str(dict(problem.params)["part"]).startswith("xl/worksheets/sheet")


def test_a_tag_split_between_two_chunks_is_counted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a part is scanned in chunks of 1 MiB; a style record or shared string that straddles a chunk
    boundary, or ends a part, is counted exactly once."""
    chunk = 1 << 20
    record = b'<xf numFmtId="0"/>'
    pad = b"<pad/>"
    head = b"<styleSheet>" + b" " * (chunk - 12 - 5)  # the 1st record starts 5 bytes before the boundary
    body = head + record + pad * 10 + b" " * (chunk - 6 * 10 - len(record)) + record + record
    data = rezip(filled(), add={"customXml/styles9.xml": body})
    styles = sum(len(_STYLE.findall(b)) for b in parts(data).values())
    monkeypatch.setattr(excel, "MAX_PART_TAGS", 10_000_000)
    monkeypatch.setattr(excel, "MAX_STYLE_RECORDS", styles)
    loads_assessment_xlsx(data, registry=REG)
    monkeypatch.setattr(excel, "MAX_STYLE_RECORDS", styles - 1)
    assert [p.code for p in refused(data)] == ["xlsx.styles.too-many"]


def test_a_merged_range_at_a_chunk_boundary_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a merged range in a worksheet is found wherever it lies, also across a chunk boundary of the
    scan."""
    chunk = 1 << 20
    data = filled()
    bodies = parts(data)
    sheet = next(n for n in bodies if n.startswith("xl/worksheets/"))
    xml = bodies[sheet]
    cut = xml.index(b"</sheetData>") + len(b"</sheetData>")
    merge = b'<mergeCells count="1"><mergeCell ref="A30:B30"/></mergeCells>'
    before = len(b'<mergeCells count="1">')
    filler = b"<!--" + b" " * (chunk - 5 - before - cut - 7) + b"-->"  # the range starts 5 bytes before the cut
    new = xml[:cut] + filler + merge + xml[cut:]
    assert new.index(b"<mergeCell ") < chunk < new.index(b"<mergeCell ") + 30
    (problem,) = refused(rezip(data, replace={sheet: new}))
    assert (problem.code, dict(problem.params)["cells"]) == ("xlsx.merged", ("A30:B30",))


# -- arguments, reasons and names in problems ------------------------------------------------------


def test_load_refuses_what_is_not_a_path_naming_itself(tmp_path: Path) -> None:
    """Rule: ``load_assessment_xlsx`` takes a str or os.PathLike; anything else is a TypeError naming the
    function and the argument."""
    with pytest.raises(TypeError, match=r"^load_assessment_xlsx: path must be a str or os\.PathLike, got "):
        load_assessment_xlsx(filled())  # type: ignore[arg-type]


def test_load_without_check_reads_what_only_the_frameworks_rules_refuse(tmp_path: Path) -> None:
    """Rule: ``load_assessment_xlsx(..., check=False)`` reads a workbook without checking its ratings
    against the framework's scales (a level the scale does not have is read as typed)."""
    path = tmp_path / "a.xlsx"
    path.write_bytes(filled(**{"Netzwerk!C5": 9}))
    assert load_assessment_xlsx(path, registry=REG, check=False).ratings == (Rating("i1", 9, rater="koordination"),)
    with pytest.raises(ValidationError):
        load_assessment_xlsx(path, registry=REG)


class _FailingOpenpyxl:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def load_workbook(self, *args: Any, **kwargs: Any) -> Any:
        raise self.exc


def test_the_reason_a_workbook_is_unreadable_is_the_errors_text_or_its_kind_at_most_200_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rule: when openpyxl cannot read a workbook, the problem's reason is the error's text (stripped, at
    most 200 characters), or the error's kind where it has no text."""
    data = filled()
    for exc, reason in (
        (KeyError(), "KeyError"),
        (ValueError("  "), "ValueError"),
        (ValueError(" kaputt "), "kaputt"),
        (ValueError("x" * 300), "x" * 200),
    ):
        monkeypatch.setattr(excel, "_openpyxl", lambda exc=exc: _FailingOpenpyxl(exc))
        (problem,) = refused(data)
        assert (problem.code, dict(problem.params)) == ("xlsx.unreadable", {"reason": reason})


def test_a_part_is_named_by_at_most_120_characters_of_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a refused part is named by the first 120 characters of its name (quoted), so that a hostile
    name cannot flood the message."""
    name = "customXml/" + "n" * 200 + ".xml"
    data = rezip(filled(), add={name: b"<a/>" * 1000})
    monkeypatch.setattr(excel, "MAX_PART_TAGS", 999)
    monkeypatch.setattr(excel, "MAX_SHEET_TAGS", 10_000)
    problems = refused(data)
    assert [dict(p.params)["part"] for p in problems] == [repr(name[:120])]


def test_the_cell_of_a_data_path_is_that_of_its_longest_recorded_prefix() -> None:
    """Rule: a problem's data path is named by the cell of the path itself where a cell was read for it,
    else of its longest recorded prefix (``ratings[0].value.x`` → the value's cell, ``raters[0].x`` → none
    recorded → the path as it is)."""
    reader = excel._Reader(None, REG, None)
    reader.cells.update(
        {"ratings[0]": "N!A5", "ratings[0].value": "N!C5", "notes": "A!B11", "a.b": "A!B1", "x": "A!X1"}
    )
    assert reader.cell_of("ratings[0].value") == "N!C5"
    assert reader.cell_of("ratings[0].value.x") == "N!C5"
    assert reader.cell_of("ratings[0].value[2].y") == "N!C5"
    assert reader.cell_of("ratings[0].tier") == "N!A5"
    assert reader.cell_of("ratings[0][1]") == "N!A5"
    assert reader.cell_of("notes[3]") == "A!B11"
    assert reader.cell_of("a.b.c") == "A!B1"
    assert reader.cell_of("x.y") == "A!X1"
    assert reader.cell_of("raters[0].x") == "raters[0].x"
    assert reader.cell_of("notesx") == "notesx"  # "notes" is recorded, but is no prefix of a path here
    assert reader.cell_of(".x") == ".x"
    assert reader.cell_of("") == ""


def test_a_formula_in_an_id_or_header_cell_is_refused_at_that_cell() -> None:
    """Rule: a formula is refused wherever the reader reads text: in a row's id cell (A) and in the header
    row, each at its own cell."""
    problems = refused(filled(**{"Netzwerk!A5": "=B5", "Netzwerk!C5": "Stufe 1", "Planung!B4": "=A1"}))
    assert [(p.path, p.code) for p in problems] == [
        ("Netzwerk!A5", "xlsx.formula"),
        ("Netzwerk!A5", "xlsx.indicator"),  # without its id the row is no indicator's
        ("Planung!B4", "xlsx.formula"),
        ("Planung!A4", "xlsx.header"),
    ]


def test_an_instructions_sheet_cut_short_names_each_missing_label() -> None:
    """Rule: an instructions sheet that ends above the template's last answer row (11) is read as far as it
    goes; each label below its end is named as missing (found None), not a crash."""
    wb = blank()
    ws = wb["Anleitung"]
    ws["B8"] = "r"
    ws.delete_rows(9, ws.max_row)
    problems = refused(to_bytes(wb))
    assert [(p.path, p.code, dict(p.params)["found"]) for p in problems] == [
        ("Anleitung!A9", "xlsx.label", "None"),
        ("Anleitung!A10", "xlsx.label", "None"),
        ("Anleitung!A11", "xlsx.label", "None"),
    ]


def test_a_whole_number_stored_as_a_decimal_reads_as_its_digits() -> None:
    """Rule: a whole number stored with a decimal point (``2024.0``, as some tools write it) reads as
    ``2024`` in a text cell and as the level 2 in a rating cell."""
    wb = blank()
    wb["Anleitung"]["B8"] = "r"
    wb["Anleitung"]["B7"] = 2024
    wb["Netzwerk"]["C5"] = 2
    bodies = parts(to_bytes(wb))
    changed = {
        name: body.replace(b"<v>2024</v>", b"<v>2024.0</v>").replace(b"<v>2</v>", b"<v>2.0</v>")
        for name, body in bodies.items()
        if name.startswith("xl/worksheets/")
    }
    assert sum(body.count(b".0</v>") - bodies[name].count(b".0</v>") for name, body in changed.items()) == 2
    a = loads_assessment_xlsx(rezip(to_bytes(wb), replace=changed), registry=REG)
    assert a.period == "2024"
    assert a.ratings == (Rating("i1", 2, rater="r"),)


def test_an_emptied_version_cell_is_a_problem_at_that_cell() -> None:
    """Rule: an empty version cell (B4) looks up the framework without a version and is then refused at B4
    as a missing text — not as an unknown framework version at B3."""
    assert [(p.path, p.code) for p in refused(filled(**{"Anleitung!B4": None}))] == [("Anleitung!B4", "type")]


def test_a_framework_that_cannot_be_loaded_is_named_at_the_framework_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: an error other than "not found" while looking the framework up (a plugin that fails) is one
    problem at the framework cell (B3) carrying the error's text."""
    from qframework.errors import QFrameworkError

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise QFrameworkError("plugin 'x' failed to load its data")

    monkeypatch.setattr(type(REG), "framework", failing)
    assert [(p.path, p.message) for p in refused(filled())] == [("Anleitung!B3", "plugin 'x' failed to load its data")]


# -- the scan: every record counted once, wherever the chunks are cut ----------------------------------


def _limits(monkeypatch: pytest.MonkeyPatch, **limits: int) -> None:
    for name, value in limits.items():
        monkeypatch.setattr(excel, name, value)


def _style_count(data: bytes) -> int:
    return sum(len(_STYLE.findall(b)) for b in parts(data).values())


@pytest.mark.parametrize(
    "body",
    [
        b'<xf numFmtId="0"/>' + b" " * (1 << 20),  # the record alone at the start of the first chunk
        b" " * (1 << 20) + b'<xf numFmtId="0"/>',  # a first chunk without any tag
        b' <xf numFmtId="0"/>' + b" " * (1 << 20),  # the record one byte into the chunk
    ],
    ids=["at-start", "after-an-empty-chunk", "one-byte-in"],
)
def test_a_style_record_is_counted_wherever_a_chunk_puts_it(body: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a style record is counted once whether it opens a chunk, follows a chunk without any tag, or
    starts one byte into a chunk: at the style limit the workbook is read, one record over it is refused."""
    data = rezip(filled(), add={"customXml/item8.xml": body})
    styles = _style_count(data)
    _limits(monkeypatch, MAX_STYLE_RECORDS=styles)
    loads_assessment_xlsx(data, registry=REG)
    _limits(monkeypatch, MAX_STYLE_RECORDS=styles - 1)
    assert [p.code for p in refused(data)] == ["xlsx.styles.too-many"]


def test_shared_strings_add_up_over_parts_and_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: shared strings (``si``) count over all parts and all chunks of a part, the last element of a
    part included."""
    big = b"<sst>" + b"<si><t>a</t></si>" * 3 + b" " * (1 << 20) + b"<si><t>b</t></si>" * 2 + b"<si/>"
    data = rezip(filled(), add={"customXml/a.xml": big, "customXml/b.xml": b"<si/><si><t>c</t></si><si/>"})
    _limits(monkeypatch, MAX_SHARED_STRINGS=9)
    loads_assessment_xlsx(data, registry=REG)
    _limits(monkeypatch, MAX_SHARED_STRINGS=8)
    assert [p.code for p in refused(data)] == ["xlsx.strings.too-many"]


def test_a_part_at_the_total_tag_limit_is_still_scanned_to_its_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: reaching the total tag limit exactly (not exceeding it) refuses nothing by itself, and the part
    that reaches it is still scanned to its end: a style record that is its last element counts."""
    data = rezip(filled(), add={"zz/last.xml": b'<a/><xf numFmtId="0"/>'})
    total = sum(b.count(b"<") for b in parts(data).values())
    _limits(monkeypatch, MAX_TOTAL_TAGS=total, MAX_STYLE_RECORDS=_style_count(data))
    loads_assessment_xlsx(data, registry=REG)
    _limits(monkeypatch, MAX_STYLE_RECORDS=_style_count(data) - 1)
    assert [p.code for p in refused(data)] == ["xlsx.styles.too-many"]


def test_a_row_never_continues_into_the_next_part(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: the cells of a row are counted within one worksheet part; cells at the start of the next part
    (before any row element) start a count of their own."""
    data = rezip(
        filled(),
        add={"xl/worksheets/za.xml": b"<row>" + b"<c/>" * 30, "xl/worksheets/zb.xml": b"<c/>" * 30 + b"<x/>"},
    )
    _limits(monkeypatch, MAX_ROW_CELLS=30)
    loads_assessment_xlsx(data, registry=REG)
    _limits(monkeypatch, MAX_ROW_CELLS=29)
    assert [p.code for p in refused(data)] == ["xlsx.cells.too-many"]


def test_a_merged_range_with_bytes_that_are_not_ascii_is_still_refused_as_merged() -> None:
    """Rule: a merged range is refused as merged cells even when its reference holds bytes that are not
    ASCII (shown replaced), not as a broken part."""
    data = filled()
    bodies = parts(data)
    sheet = next(n for n in bodies if n.startswith("xl/worksheets/"))
    merge = '<mergeCells count="1"><mergeCell ref="Ä1:B1"/></mergeCells>'.encode()
    xml = bodies[sheet].replace(b"</sheetData>", b"</sheetData>" + merge, 1)
    (problem,) = refused(rezip(data, replace={sheet: xml}))
    assert (problem.code, dict(problem.params)["cells"]) == ("xlsx.merged", ("\ufffd\ufffd1:B1",))


def test_a_sheet_that_breaks_while_it_is_read_is_unreadable_with_the_reason(tmp_path: Path) -> None:
    """Rule: a worksheet that passes the zip check but breaks while its rows are read is one problem,
    "not a readable workbook", with the reader's reason and the file named — not a traceback."""
    data = filled()
    bodies = parts(data)
    sheet = next(n for n in bodies if n.startswith("xl/worksheets/") and b"<t>i1</t>" in bodies[n])  # Netzwerk
    broken = rezip(data, replace={sheet: bodies[sheet].replace(b"</sheetData>", b"<row><c r='A9'><v>1</c>", 1)})
    (problem,) = refused(broken)
    assert (problem.path, problem.code) == ("", "xlsx.unreadable")
    reason = dict(problem.params)["reason"]
    assert isinstance(reason, str) and reason.strip() and reason != "None"


def test_every_row_after_an_unknown_indicator_is_still_read() -> None:
    """Rule: a row whose id is no indicator of its sheet is reported, and the rows after it are still read
    and checked."""
    problems = refused(filled(**{"Netzwerk!A5": "i9", "Netzwerk!C5": "Stufe 1", "Netzwerk!C6": "gut"}))
    assert [(p.path, p.code) for p in problems] == [
        ("Netzwerk!A5", "xlsx.indicator"),
        ("Netzwerk!C6", "xlsx.rating.off-scale"),
    ]


def test_an_emptied_subject_id_is_an_empty_id_at_its_cell() -> None:
    """Rule: an empty subject id cell (B5) reads as an empty id, refused at B5 as not an id — never a
    placeholder that would pass."""
    problems = refused(filled(**{"Anleitung!B5": None}))
    assert [(p.path, p.code) for p in problems] == [("Anleitung!B5", "id.slug")]
    assert problems[0].message.endswith(", got ''")


# -- what the zip check names ------------------------------------------------------------------------


def _with_flags(data: bytes, name: bytes, flag: int | None = None, method: int | None = None) -> bytes:
    """Set the general-purpose flag and/or the method of entry ``name`` in both of its zip headers."""
    out = bytearray(data)
    for signature, at_name, at_flag, at_method in ((b"PK\x03\x04", 30, 6, 8), (b"PK\x01\x02", 46, 8, 10)):
        pos = 0
        while (pos := out.find(signature, pos)) >= 0:
            if out[pos + at_name : pos + at_name + len(name)] == name:
                if flag is not None:
                    out[pos + at_flag : pos + at_flag + 2] = flag.to_bytes(2, "little")
                if method is not None:
                    out[pos + at_method : pos + at_method + 2] = method.to_bytes(2, "little")
            pos += 4
    return bytes(out)


def _with_crc(data: bytes, name: bytes) -> bytes:
    """Entry ``name`` with a wrong CRC-32 in both of its zip headers."""
    out = bytearray(data)
    for signature, at_name, at_crc in ((b"PK\x03\x04", 30, 14), (b"PK\x01\x02", 46, 16)):
        pos = 0
        while (pos := out.find(signature, pos)) >= 0:
            if out[pos + at_name : pos + at_name + len(name)] == name:
                out[pos + at_crc : pos + at_crc + 4] = bytes(b ^ 0xFF for b in out[pos + at_crc : pos + at_crc + 4])
            pos += 4
    return bytes(out)


def _body_replaced(data: bytes, name: str, fill: bytes) -> bytes:
    """The packed bytes of entry ``name`` overwritten with ``fill`` (repeated to their length)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    name_len = int.from_bytes(out[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(out[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    out[start : start + info.compress_size] = (fill * info.compress_size)[: info.compress_size]
    return bytes(out)


def test_each_refusal_of_the_zip_check_names_its_part_and_its_reason() -> None:
    """Rule: the zip check's refusals are problems of the whole file (empty path) naming what was found: a
    broken archive with the zip reader's reason, an encrypted part and a part of an unknown compression by
    name (and method), a part whose packed data is corrupt by name with the reason."""
    data = filled()
    (problem,) = refused(b"PK" + b"\x00" * 100)
    assert (problem.path, problem.code, dict(problem.params)) == (
        "",
        "xlsx.broken-zip",
        {"reason": "File is not a zip file"},
    )
    (problem,) = refused(_with_flags(data, b"xl/workbook.xml", flag=1))
    assert (problem.path, problem.code, dict(problem.params)) == (
        "",
        "xlsx.part.encrypted",
        {"part": "'xl/workbook.xml'"},
    )
    (problem,) = refused(_with_flags(data, b"xl/styles.xml", method=99))
    assert (problem.code, dict(problem.params)) == ("xlsx.part.compression", {"part": "'xl/styles.xml'", "method": 99})
    corrupt = _body_replaced(data, "xl/styles.xml", b"\xff")  # a deflate stream zlib refuses
    wrong_crc = _with_crc(data, b"xl/styles.xml")  # data that unpacks, but not to what the zip promised
    for broken in (corrupt, wrong_crc):
        (problem,) = refused(broken)
        assert (problem.path, problem.code, dict(problem.params)["part"]) == ("", "xlsx.part.broken", "'xl/styles.xml'")
        reason = dict(problem.params)["reason"]
        assert isinstance(reason, str) and reason.strip() and reason != "None"


def test_a_folder_entry_does_not_end_the_scan() -> None:
    """Rule: a folder entry in the zip is skipped and the parts after it are still checked (merged cells
    in a sheet after it are found)."""
    wb = blank()
    wb["Netzwerk"].merge_cells("C5:D5")
    source = to_bytes(wb)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        dst.writestr(zipfile.ZipInfo("customXml/"), b"")
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    (problem,) = refused(out.getvalue())
    assert problem.code == "xlsx.merged"
