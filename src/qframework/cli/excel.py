"""The Excel side of ``template``, ``score`` and ``compare``: xlsx templates, combining raters, CSV/xlsx tables.

Kept apart from :mod:`.assessment` so that module stays about the commands; each function here is
called from one branch there and imports openpyxl only when a workbook is written or read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from ..errors import QFrameworkError
from ..i18n import gettext_ as _
from ..i18n import ngettext


def write_template(args: argparse.Namespace) -> int:
    """``qframework template ID --format xlsx -o FILE``: one workbook for one rater."""
    from ..excel import save_assessment_workbook
    from .frameworks import _load_framework_arg

    if args.format not in (None, "xlsx"):
        raise QFrameworkError(
            _("--format {format} does not fit the file name {file}").format(format=args.format, file=args.output)
        )
    if not args.output:
        raise QFrameworkError(_("an xlsx workbook is not text: name the file with -o FILE.xlsx"))
    if not args.output.lower().endswith(".xlsx"):
        raise QFrameworkError(_("--format xlsx does not fit the file name {file} (use .xlsx)").format(file=args.output))
    raters = args.rater or ["rater-1"]
    if len(raters) > 1:
        raise QFrameworkError(
            "a workbook holds one rater's answers: write one per rater (--rater ID once each), "
            "then combine them with: qframework score a.xlsx b.xlsx --combine"
        )
    fw = _load_framework_arg(args.framework, args.version)
    from .assessment import _supplying_plugin

    save_assessment_workbook(
        fw, args.output, rater=raters[0], subject=args.subject, period=args.period, plugin=_supplying_plugin(fw)
    )
    count = sum(1 for _ in fw.indicators())
    print(
        _("wrote {file}: {sheets}, {indicators}, rater {rater}").format(
            file=args.output,
            sheets=ngettext("{n} dimension sheet", "{n} dimension sheets", len(fw.dimensions)).format(
                n=len(fw.dimensions)
            ),
            indicators=ngettext("{n} indicator", "{n} indicators", count).format(n=count),
            rater=raters[0],
        )
    )
    return 0


def combine_items(items: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """``score --combine``: the files of one framework version, subject and period become one assessment."""
    from ..assessment.combine import group_for_combining

    groups = group_for_combining(items)
    for names, _combined in groups:
        if len(names) > 1:
            print(
                ngettext("combined {n} file: {names}", "combined {n} files: {names}", len(names)).format(
                    n=len(names), names=", ".join(names)
                ),
                file=sys.stderr,
            )
    return [(" + ".join(names), combined) for names, combined in groups]


def table_format(args: argparse.Namespace) -> str | None:
    """``csv`` or ``xlsx`` from ``--format`` or, without it, from ``-o``'s suffix; ``None`` for text output."""
    if args.format is None and args.output:
        suffix = args.output.lower().rsplit(".", 1)[-1]
        if suffix not in ("csv", "xlsx"):
            raise QFrameworkError(
                _("-o {file}: name a .csv or .xlsx file, or give --format csv|xlsx").format(file=args.output)
            )
        args.format = suffix
    return args.format if args.format in ("csv", "xlsx") else None


def _write_tables(args: argparse.Namespace, tables: Sequence[Any]) -> int:
    from ..io import atomic_write
    from ..report.tables import to_csv, to_xlsx

    if args.format == "xlsx":
        if not args.output:
            raise QFrameworkError(_("an xlsx workbook is not text: name the file with -o FILE.xlsx"))
        atomic_write(args.output, lambda: to_xlsx(tables))
        parts = [
            ngettext("{title} ({n} row)", "{title} ({n} rows)", len(t.rows)).format(title=t.title, n=len(t.rows))
            for t in tables
        ]
        print(_("wrote {file}: {tables}").format(file=args.output, tables=", ".join(parts)))
        return 0
    text = to_csv(tables[0])
    if args.output:
        atomic_write(args.output, text)
        rows = ngettext("{n} row", "{n} rows", len(tables[0].rows)).format(n=len(tables[0].rows))
        print(
            _("wrote {file}: {rows} (CSV for German Excel: ';', decimal comma, UTF-8)").format(
                file=args.output, rows=rows
            )
        )
    else:
        sys.stdout.write(text)
    return 0


def write_scores(args: argparse.Namespace, cards: Sequence[Any], registry: Any) -> int:
    """``score --format csv|xlsx``: the dimension table (CSV), or dimensions and indicators (xlsx)."""
    from ..report.tables import scorecard_tables

    return _write_tables(args, scorecard_tables(cards, registry=registry))


def write_comparison(args: argparse.Namespace, comparison: Any) -> int:
    """``compare --format csv|xlsx``: before, after and change per dimension."""
    from ..report.tables import comparison_table

    return _write_tables(args, [comparison_table(comparison)])
