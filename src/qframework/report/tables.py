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
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias

import attrs

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
        return source if source.id == card.framework_id else None
    try:
        return source.framework(card.framework_id, card.framework_version)
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


def scorecard_tables(cards: Sequence[Scorecard], framework: Framework | Registry | None = None) -> tuple[Table, Table]:
    """Two tables of scorecards: per dimension (with an overall row each) and per indicator.

    With ``framework`` (a framework or a registry holding the scorecards' frameworks) the
    dimension table names the nearest level label of each score and the indicator table the
    indicator titles.
    """
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
        fw = _framework_for(card, framework)
        who = (card.subject.id, card.subject.name, card.period, card.framework_id, card.framework_version)
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
    """The tables as sheets of one workbook (xlsx bytes); numbers stay numbers, text stays text."""
    from ..excel import _openpyxl

    openpyxl = _openpyxl()
    from openpyxl.styles import Font

    from .._safe_text import escape_controls

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table in tables:
        ws = wb.create_sheet(table.title[:31])
        ws.append([escape_controls(h, keep_crlf=True) if isinstance(h, str) else h for h in table.header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.data_type = "s"
        for r, row in enumerate(table.rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c)
                # openpyxl refuses C0 controls (IllegalCharacterError); bidi controls would reorder the text
                cell.value = escape_controls(value, keep_crlf=True) if isinstance(value, str) else value
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                elif isinstance(value, float):
                    cell.number_format = "0.000"
        ws.freeze_panes = "A2"
        for c, name in enumerate(table.header, start=1):
            ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = max(10, min(40, len(name) + 2))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
