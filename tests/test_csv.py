"""Score and comparison tables as CSV for German Excel and as xlsx; no formula injection.

Expected numbers are worked out by hand from the test framework (``assessment_fixtures``): i1 and
i3 on z6 (1..6), i2 on s4 (0..3), i4 on ja-nein (0..1); d1 = (1·s(i1) + 3·s(i2)) / 4.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from assessment_fixtures import assessment, rate, registry_with, small_framework

import qframework.plugins
from qframework import cli
from qframework.assessment import Assessment, Subject, compare, score
from qframework.i18n import language
from qframework.io import dumps
from qframework.report.tables import comparison_table, scorecard_tables, to_csv, to_xlsx

FW = small_framework()
REG = registry_with(FW)

# i1 = 6 → 1.0, i2 = 1 → 1/3: d1 = (1 + 3·1/3) / 4 = 0.5; i3 = 2 → 0.2, i4 = 1 → 1.0: d2 = (2·0.2 + 1) / 3
BEFORE = assessment(rate("i1", 6, "a"), rate("i2", 1, "a"), rate("i3", 2, "a"), rate("i4", 1, "a"))
# i1 = 4 → 0.6, i2 = 3 → 1.0: d1 = 0.9; i3 = 6 → 1.0, i4 = 1 → 1.0: d2 = 1.0
AFTER = assessment(rate("i1", 4, "a"), rate("i2", 3, "a"), rate("i3", 6, "a"), rate("i4", 1, "a"))


@pytest.fixture(autouse=True)
def german(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The tables here are the German ones (the API's and the command line's, in German)."""
    monkeypatch.setenv("LANGUAGE", "de")
    with language("de"):
        yield


def test_the_tables_speak_english_under_english() -> None:
    card = score(assessment(rate("i1", 3, "a")), small_framework())
    with language("en"):
        dims, inds = scorecard_tables([card], small_framework())
    assert (dims.title, inds.title) == ("Dimensions", "Indicators")
    assert dims.header[:3] == ("Kommune (ID)", "Kommune", "Period") and "Rated" in dims.header
    assert dims.rows[-1][7] == "Overall"


def rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_scores_as_csv_for_german_excel() -> None:
    dims, _ = scorecard_tables([score(BEFORE, FW)], FW)
    text = to_csv(dims)
    assert "\r\n" in text and text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    table = rows(text)
    assert table[0][:3] == ["Kommune (ID)", "Kommune", "Zeitraum"]
    col = {name: i for i, name in enumerate(table[0])}
    d1, d2, overall = table[1], table[2], table[3]
    assert (d1[col["Dimension"]], d1[col["Wert (0–1)"]], d1[col["Stufe"]]) == ("Netzwerk", "0,500", "Stufe 4")
    assert d2[col["Wert (0–1)"]] == "0,467"  # (0.4 + 1) / 3
    assert overall[col["Dimension"]] == "Gesamt" and overall[col["Abdeckung"]] == "1,000"
    assert overall[col["Eingeschätzt"]] == "4"


def test_comparison_as_csv() -> None:
    table = rows(to_csv(comparison_table(compare(score(BEFORE, FW), score(AFTER, FW)))))
    assert table[0] == ["Dimension (ID)", "Dimension", "Vorher (2024)", "Nachher (2024)", "Veränderung"]
    assert table[1] == ["d1", "Netzwerk", "0,500", "0,900", "0,400"]
    assert table[2] == ["d2", "Planung", "0,467", "1,000", "0,533"]
    assert table[3][1] == "Gesamt"


HOSTILE = ('=HYPERLINK("http://evil","klick")', "+49 30 1234", "-1+2", "@SUM(A1:A9)", "Kreis <b>X</b>")


def hostile_card(name: str) -> object:
    a = AFTER
    return score(
        Assessment(a.framework, a.framework_version, Subject("kreis-x", name), a.period, a.ratings, a.raters), FW
    )


@pytest.mark.parametrize("name", HOSTILE)
def test_csv_cells_from_user_data_never_start_a_formula(name: str) -> None:
    dims, _ = scorecard_tables([hostile_card(name)], FW)  # type: ignore[list-item]
    (cell,) = {row[1] for row in rows(to_csv(dims))[1:]}
    assert cell == (name if name[0] not in "=+-@" else "'" + name)


@pytest.mark.parametrize("name", HOSTILE)
def test_xlsx_cells_from_user_data_are_text_not_formulas(name: str, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(to_xlsx(scorecard_tables([hostile_card(name)], FW)))  # type: ignore[list-item]
    ws = openpyxl.load_workbook(path)["Dimensionen"]
    assert ws["B2"].value == name and ws["B2"].data_type == "s"
    assert isinstance(ws["I2"].value, float)  # scores stay numbers Excel can compute with
    assert ws["I2"].value == pytest.approx(0.9)


def test_xlsx_export_holds_dimension_and_indicator_sheets(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(to_xlsx(scorecard_tables([score(BEFORE, FW), score(AFTER, FW)], FW)))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Dimensionen", "Indikatoren"]
    assert wb["Dimensionen"].max_row == 1 + 2 * 3  # two dimensions and an overall row per assessment
    ind = wb["Indikatoren"]
    assert [c.value for c in ind[2]][3:7] == ["i1", "Steuerungsgruppe", 1.0, "6"]


def test_a_large_xlsx_export_reads_back_cell_for_cell(tmp_path: Path) -> None:
    """A cohort-sized table (6,400 rows): every value back as written, with the sheet's layout."""
    from qframework.report.tables import Table

    header = ("Kommune", "Zeitraum", "Nr.", "Wert (0–1)", "bewertet", "Streuung")
    table_rows = tuple(
        (f"Landkreis Ä{i // 160}", str(2023 + i % 3), i % 8 + 1, i / 6400, i % 9, None if i % 3 else 0.25)
        for i in range(6400)
    )
    odd = Table("Gesamt: [alle]?", ("A", "B"), (("  leading space", "a & <b> \x07"), (True, float("nan"))))
    path = tmp_path / "big.xlsx"
    path.write_bytes(to_xlsx([Table("Dimensionen", header, table_rows), odd, Table("dimensionen", ("x",), ())]))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Dimensionen", "Gesamt_ _alle__", "dimensionen1"]
    ws = wb["Dimensionen"]
    assert ws.max_row == 6401 and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == list(header) and all(c.font.b for c in ws[1])
    read = tuple(tuple(c.value for c in row) for row in ws.iter_rows(min_row=2))
    assert read == table_rows  # floats exactly (no digit lost), ints as ints, empty cells as None
    assert ws["D2"].number_format == "0.000" and ws["C2"].number_format == "General"
    assert ws.column_dimensions["D"].width == 12
    other = wb["Gesamt_ _alle__"]
    assert [c.value for c in other[2]] == ["  leading space", "a & <b> \ufffd"]
    assert [c.value for c in other[3]] == [True, "nan"]


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(qframework.plugins, "load_registry", lambda *a, **k: REG)
    monkeypatch.setattr("qframework.assessment.files._VALIDATION_REGISTRY", [REG])
    return REG


def test_cli_score_and_compare_write_csv_and_xlsx(
    registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, after = tmp_path / "2024.toml", tmp_path / "2025.toml"
    before.write_text(dumps(BEFORE))
    after.write_text(dumps(AFTER))
    assert cli.main(["score", str(before), "--format", "csv"]) == 0
    assert rows(capsys.readouterr().out)[1][7] == "Netzwerk"
    out = tmp_path / "scores.csv"
    assert cli.main(["score", str(before), str(after), "-o", str(out)]) == 0  # the format from the suffix
    assert len(rows(out.read_text(encoding="utf-8"))) == 1 + 2 * 3
    xlsx = tmp_path / "vergleich.xlsx"
    assert cli.main(["compare", str(before), str(after), "--format", "xlsx", "-o", str(xlsx)]) == 0
    ws = openpyxl.load_workbook(xlsx)["Vergleich"]
    assert [c.value for c in ws[2]] == ["d1", "Netzwerk", 0.5, 0.9, pytest.approx(0.4)]
    assert cli.main(["compare", str(before), str(after), "--format", "xlsx"]) == 1
    assert "-o DATEI.xlsx" in capsys.readouterr().err
    assert cli.main(["score", str(before), "-o", str(tmp_path / "x.txt")]) == 1
    assert "nennen Sie eine .csv- oder .xlsx-Datei" in capsys.readouterr().err
