"""Score and comparison tables as rows, written as CSV for German Excel and as xlsx.

A coordinator opens results in Excel: :func:`scorecard_tables` and :func:`comparison_table` turn
results into :class:`Table` values (column names in the active language, one row per dimension and an overall
row), :func:`to_csv` writes a table the way German Excel opens it by double-click (``;`` between
cells, decimal comma, UTF-8 with a byte-order mark so umlauts survive), and :func:`to_xlsx` writes
tables as sheets of one workbook. Text from user files never becomes a formula: in CSV a cell
starting with ``= + - @`` gets a leading apostrophe, in xlsx it is stored with the string type.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias, overload

import attrs

from .._args import expect
from .._deprecated import warn_renamed
from ..errors import QFrameworkError
from ..i18n import N_
from ..i18n import gettext_ as _

if TYPE_CHECKING:
    from ..assessment import Comparison, Scorecard
    from ..model import Framework, Scale
    from ..plugins import Registry

__all__ = ["Table", "comparison_table", "level_label", "scorecard_tables", "to_csv", "to_xlsx"]

#: A table cell: text, a number, or empty.
Cell: TypeAlias = str | int | float | None

#: Decimals of scores in CSV (0..1 scores; three digits tell 6-level steps apart).
DECIMALS = 3


@attrs.frozen
class Table:
    """A titled table: ``title`` names the xlsx sheet (at most 31 characters)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _framework_for(card: Scorecard, source: Framework | Registry | None) -> Framework | None:
    if source is None:
        return None
    from ..model import Framework

    if isinstance(source, Framework):
        return source if source.id == card.framework else None
    try:
        return source.framework(card.framework, card.framework_version)
    except QFrameworkError:
        return None


def level_label(scale: Scale, score: float | None) -> str:
    """The label of the scale level nearest to a 0..1 score (``""`` for no score)."""
    if score is None:
        return ""
    value = scale.minimum + score * (scale.maximum - scale.minimum)
    return min(scale.levels, key=lambda lv: (abs(lv.value - value), -lv.value)).label


def _dimension_scale(framework: Framework, dimension_id: str) -> Scale:
    """The scale a dimension's indicators share; the framework's default scale when they differ."""
    dim = framework.dimension(dimension_id)
    scales = {framework.scale_of(ind).id for ind in dim.indicators}
    return framework.scale(scales.pop()) if len(scales) == 1 else framework.scale()


@overload
def scorecard_tables(
    cards: Sequence[Scorecard], framework: Framework | None = None, *, registry: Registry | None = None
) -> tuple[Table, Table]: ...
@overload
def scorecard_tables(cards: Sequence[Scorecard], framework: Registry, /) -> tuple[Table, Table]: ...  # deprecated
def scorecard_tables(
    cards: Sequence[Scorecard], framework: Framework | Registry | None = None, *, registry: Registry | None = None
) -> tuple[Table, Table]:
    """Two tables of scorecards: per dimension (with an overall row each) and per indicator.

    With ``framework`` (the scorecards' framework), or ``registry=`` holding the scorecards'
    frameworks, the dimension table names the nearest level label of each score and the indicator
    table the indicator titles. A registry in the framework's place is deprecated since 0.3.0.
    """
    from ..plugins import Registry

    if isinstance(framework, Registry):
        warn_renamed("scorecard_tables(cards, registry)", "scorecard_tables(cards, registry=registry)")
        registry = registry if registry is not None else framework
        framework = None
    expect(registry, (Registry, type(None)), "scorecard_tables", "registry", "a Registry or None")
    source: Framework | Registry | None = framework if framework is not None else registry
    dim_header = tuple(_(h) for h in (
        N_("Kommune (ID)"), N_("Kommune"), N_("Period"), N_("Framework"), N_("Version"), N_("No."),
        N_("Dimension (ID)"), N_("Dimension"), N_("Score (0–1)"), N_("Level"), N_("Indicators"), N_("Rated"),
        N_("Not applicable"), N_("Spread"), N_("Coverage"),
    ))  # fmt: skip
    ind_header = tuple(_(h) for h in (
        N_("Kommune (ID)"), N_("Period"), N_("Dimension (ID)"), N_("Indicator (ID)"), N_("Indicator"),
        N_("Score (0–1)"), N_("Levels of the ratings"), N_("Not applicable"), N_("Spread"),
    ))  # fmt: skip
    dim_rows: list[tuple[Cell, ...]] = []
    ind_rows: list[tuple[Cell, ...]] = []
    for card in cards:
        fw = _framework_for(card, source)
        who = (card.subject.id, card.subject.name, card.period, card.framework, card.framework_version)
        for d in card.dimensions:
            label = level_label(_dimension_scale(fw, d.dimension), d.score) if fw else ""
            dim_rows.append(
                (*who, d.number, d.dimension, d.title, d.score, label, d.indicators, d.rated, d.not_applicable,
                 d.spread, d.coverage)
            )  # fmt: skip
        overall = level_label(fw.scale(), card.overall) if fw else ""
        dim_rows.append(
            (*who, None, "", _("Overall"), card.overall, overall, sum(d.indicators for d in card.dimensions),
             sum(d.rated for d in card.dimensions), card.not_applicable, None, card.coverage)
        )  # fmt: skip
        for i in card.indicators:
            title = _indicator_title(fw, i.indicator)
            values = ", ".join(str(v) for v in i.values)
            ind_rows.append(
                (card.subject.id, card.period, i.dimension, i.indicator, title, i.score, values, i.not_applicable,
                 i.spread)
            )  # fmt: skip
    return Table(_("Dimensions"), dim_header, tuple(dim_rows)), Table(_("Indicators"), ind_header, tuple(ind_rows))


def _indicator_title(framework: Framework | None, indicator_id: str) -> str:
    if framework is None:
        return ""
    try:
        return framework.indicator(indicator_id).title
    except QFrameworkError:
        return ""


def comparison_table(comparison: Comparison) -> Table:
    """Before, after and change per dimension, then overall; the periods name the columns."""
    b, a = comparison.before, comparison.after
    header = (
        _("Dimension (ID)"),
        _("Dimension"),
        _("Before ({period})").format(period=b.period),
        _("After ({period})").format(period=a.period),
        _("Change"),
    )
    rows: list[tuple[Cell, ...]] = [(d.dimension, d.title, d.before, d.after, d.delta) for d in comparison.dimensions]
    rows.append(("", _("Overall"), b.overall, a.overall, comparison.overall_delta))
    return Table(_("Comparison"), header, tuple(rows))


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{DECIMALS}f}".replace(".", ",")
    from .._safe_text import escape_controls
    from ..excel import safe_cell_text

    return safe_cell_text(escape_controls(value, keep_crlf=True))


def to_csv(table: Table) -> str:
    """The table as CSV for German Excel: ``;``-separated, decimal comma, starting with a BOM.

    Write the text UTF-8 encoded (the BOM makes Excel read it as UTF-8, not the ANSI code page).
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in table.header])
    writer.writerows([_csv_cell(c) for c in row] for row in table.rows)
    return "\ufeff" + out.getvalue()


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """The tables as sheets of one workbook (xlsx bytes); numbers stay numbers, text stays text.

    Each sheet has a bold header row, frozen below it, column widths after the header and scores
    shown with three decimals. Text is stored as inline text, never as a formula, whatever it starts
    with. The SpreadsheetML is written directly, row by row (a sheet is a stream of ``<row>``
    elements): openpyxl's pure-Python XML writer took ~1 s of CPU for 6,800 rows, in normal and
    write-only mode alike; this takes well under a tenth of that. Files are read back with openpyxl
    in the tests. Needs no optional dependency.
    """
    import zipfile

    names: list[str] = []
    for table in tables:
        names.append(_sheet_name(table.title, names))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _content_types(len(names)))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _workbook_xml(names))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
        z.writestr("xl/styles.xml", _STYLES)
        for i, table in enumerate(tables, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(table))
    return out.getvalue()


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
# Cell styles: 0 plain, 1 bold (the header), 2 three decimals (scores).
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.000"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
# Characters XML 1.0 cannot hold (C0 controls other than tab, newline, carriage return).
_NOT_XML = str.maketrans({c: "\ufffd" for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))})
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_name(title: str, taken: Sequence[str]) -> str:
    """Excel's rules: at most 31 characters, none of ``[]:*?/\\``, unique regardless of case."""
    base = (title.translate(_BAD_SHEET_CHARS).translate(_NOT_XML).strip("'") or "Tabelle")[:31]
    name, n = base, 1
    while name.lower() in {t.lower() for t in taken}:
        suffix = str(n)
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


def _escape(text: str) -> str:
    text = text.translate(_NOT_XML).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;")


def _content_types(sheets: int) -> str:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{main}.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>{parts}</Types>'
    )


def _workbook_xml(names: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_NS}" xmlns:r="{_REL}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">{rels}'
        f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    )


def _column(n: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text_cell(ref: str, text: str, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t{space}>{_escape(text)}</t></is></c>'


def _sheet_xml(table: Table) -> str:
    width = max([len(table.header), *(len(row) for row in table.rows)], default=0)
    columns = [_column(c) for c in range(1, width + 1)]
    parts = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    ]
    if table.header:
        parts.append("<cols>")
        parts.extend(
            f'<col min="{c}" max="{c}" width="{max(10, min(40, len(name) + 2))}" customWidth="1"/>'
            for c, name in enumerate(table.header, start=1)
        )
        parts.append("</cols>")
    parts.append('<sheetData><row r="1">')
    parts.extend(_text_cell(f"{columns[c]}1", name, 1) for c, name in enumerate(table.header))
    parts.append("</row>")
    for r, row in enumerate(table.rows, start=2):
        cells = [f'<row r="{r}">']
        for c, value in enumerate(row):
            if value is None:
                continue
            ref = f"{columns[c]}{r}"
            if isinstance(value, str):
                cells.append(_text_cell(ref, value))
            elif isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif math.isfinite(value):
                cells.append(f'<c r="{ref}" s="2"><v>{value!r}</v></c>')
            else:  # no number in a spreadsheet is NaN or infinite: shown as the text it is
                cells.append(_text_cell(ref, str(value)))
        cells.append("</row>")
        parts.append("".join(cells))
    parts.append("</sheetData></worksheet>")
    return "".join(parts)
