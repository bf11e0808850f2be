"""Results as flat records: one ``dict`` per row, for pandas, polars, csv.DictWriter or a database.

:func:`to_records` turns scorecards, comparisons, priorities, disagreements, translation reports and
assignments into rows: ``snake_case`` column names (the field and property names of the result types),
ids rather than display text, numbers as numbers (0..1 scores, ``None`` for "not scored"), computed
properties included (``coverage``, ``rated``, ``improved``). Each row carries the context that tells it
apart when many are stacked (``subject_id``, ``period``, …), so 80 comparisons or 120 scorecards make
one table. :func:`to_dataframe` is the same as a ``pandas.DataFrame`` (``pip install 'qframework[pandas]'``).

German display tables for Excel (``Wert (0–1)``, an overall row ``Gesamt``) are
:mod:`qframework.report.tables`; these records are for programs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, cast

import attrs

from ._args import expect, expect_option, refuse

if TYPE_CHECKING:
    from .assessment import Comparison, DimensionScore, IndicatorScore, Scorecard
    from .assignment import Assignment
    from .crosswalk import TranslationReport

__all__ = ["Record", "to_dataframe", "to_records"]

#: One row: column name → a str, int, float, bool, ``None`` or a tuple of those (e.g. an indicator's raw values).
Record = dict[str, Any]

Table = Literal["dimensions", "indicators", "overall"]

_SCALARS = (str, int, float, bool, type(None))


_PLAIN_NAMES = {"str", "int", "float", "bool", "None", "tuple"}


def _is_plain(value: object) -> bool:
    return isinstance(value, _SCALARS) or (isinstance(value, tuple) and all(isinstance(v, _SCALARS) for v in value))


def _plain_type(annotation: object) -> bool:
    """A field declared as plain values (``tuple[str, ...]``), not as results (``tuple[TierCount, ...]``)."""
    import re

    names = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", annotation if isinstance(annotation, str) else repr(annotation)))
    return names <= _PLAIN_NAMES


def _flat(obj: object, prefix: str = "", skip: tuple[str, ...] = ()) -> Record:
    """An attrs value's plain fields and public properties; a nested value (a Subject) as ``name_field``."""
    row: Record = {}
    cls = type(obj)
    for field in attrs.fields(cast(Any, cls)):
        name = field.name
        if name.startswith("_") or name in skip:
            continue
        value = getattr(obj, name)
        if isinstance(value, tuple) and not _plain_type(field.type):
            continue  # results of their own (an indicator's tier counts): a table of their own
        if _is_plain(value):
            row[prefix + name] = value
        elif attrs.has(type(value)):
            row.update(_flat(value, f"{prefix}{name}_"))
    for name in dir(cls):
        if name.startswith("_") or name in skip or not isinstance(getattr(cls, name, None), property):
            continue
        value = getattr(obj, name)
        if _is_plain(value):
            row[prefix + name] = value
    return row


# A scorecard's fields its context columns already hold (and ``changes``, a list of ids of its own).
_IN_CONTEXT = ("framework_id", "framework_version", "period", "aggregation", "changes")


def _card_context(card: Scorecard) -> Record:
    return {
        "framework_id": card.framework,
        "framework_version": card.framework_version,
        "subject_id": card.subject.id,
        "subject_name": card.subject.name,
        "subject_region": card.subject.region,
        "period": card.period,
        "aggregation": card.aggregation,
    }


def _scorecard_rows(cards: list[Scorecard], table: Table) -> list[Record]:
    rows: list[Record] = []
    for card in cards:
        context = _card_context(card)
        if table == "overall":
            rows.append(
                context | _flat(card, skip=("framework_id", "framework_version", "period", "aggregation", "changes"))
            )
        elif table == "dimensions":
            rows.extend(context | _flat(d) for d in card.dimensions)
        else:
            rows.extend(context | _flat(i) for i in card.indicators)
    return rows


def _comparison_rows(comparisons: list[Comparison], table: Table) -> list[Record]:
    rows: list[Record] = []
    for c in comparisons:
        context = {
            "framework_id": c.after.framework,
            "framework_version_before": c.before.framework_version,
            "framework_version_after": c.after.framework_version,
            "subject_id": c.after.subject.id,
            "subject_name": c.after.subject.name,
            "period_before": c.before.period,
            "period_after": c.after.period,
        }
        if table == "overall":
            rows.append(
                context
                | {
                    "before": c.before.overall,
                    "after": c.after.overall,
                    "delta": c.overall_delta,
                    "improved": c.overall_delta is not None and c.overall_delta > 0,
                    "declined": c.overall_delta is not None and c.overall_delta < 0,
                    "dimensions_improved": len(c.improved),
                    "dimensions_declined": len(c.declined),
                }
            )
            continue
        for d in c.dimensions:
            rows.append(
                context
                | _flat(d)
                | {"improved": d.delta is not None and d.delta > 0, "declined": d.delta is not None and d.delta < 0}
            )
    return rows


def to_records(
    data: Scorecard
    | Comparison
    | TranslationReport
    | Assignment
    | Iterable[Scorecard]
    | Iterable[Comparison]
    | Iterable[DimensionScore]
    | Iterable[IndicatorScore],
    *,
    table: Table | None = None,
) -> list[Record]:
    """Rows of plain values for a result or a list of results of one kind.

    - scorecards (one or many): ``table="dimensions"`` (the default: one row per dimension and
      scorecard), ``"indicators"`` (one per indicator) or ``"overall"`` (one per scorecard); each row
      starts with ``framework_id``, ``framework_version``, ``subject_id``, ``subject_name``,
      ``subject_region``, ``period``, ``aggregation``;
    - comparisons (one or many, e.g. :func:`~qframework.cohort.compare_series`): one row per dimension
      (``dimension``, ``title``, ``before``, ``after``, ``delta``, ``improved``, ``declined``) or with
      ``table="overall"`` one per comparison; each row names ``subject_id``, ``period_before`` and
      ``period_after``;
    - :func:`~qframework.priorities` (dimension scores): one row each with its ``rank`` (1 = weakest);
    - :func:`~qframework.disagreements` (indicator scores): one row each, most contested first;
    - a :class:`~qframework.TranslationReport`: one row per carried rating;
    - an :class:`~qframework.Assignment`: one row per placement.

    Tuples of ids or values stay tuples (``required``, ``values``); nested lists of results (an
    indicator's tier counts, a placement's reasons) are left to their own tables.
    """
    from .assessment.scoring import Comparison, DimensionScore, IndicatorScore, Scorecard
    from .assignment import Assignment
    from .crosswalk import TranslationReport

    if table is not None:
        expect_option(table, ("dimensions", "indicators", "overall"), "to_records", "table")
    if isinstance(data, TranslationReport):
        return [_flat(c) for c in data.carried]
    if isinstance(data, Assignment):
        return [_flat(p) for p in data.placements]
    items: list[Any]
    if isinstance(data, (Scorecard, Comparison)):
        items = [data]
    elif isinstance(data, (str, bytes)) or not isinstance(data, Iterable):
        refuse(
            data,
            "to_records",
            "data",
            "a Scorecard, Comparison, TranslationReport, Assignment or a list of scorecards, comparisons, "
            "dimension scores or indicator scores",
        )
    else:
        items = list(data)
    if not items:
        return []
    kinds = (Scorecard, Comparison, DimensionScore, IndicatorScore)
    kind = next((k for k in kinds if isinstance(items[0], k)), None)
    for i, item in enumerate(items):
        expect(item, kind or kinds, "to_records", f"data[{i}]", f"a {(kind or Scorecard).__name__} like data[0]")
    if kind is Scorecard:
        return _scorecard_rows(items, table or "dimensions")
    if kind is Comparison:
        return _comparison_rows(items, table or "dimensions")
    if table is not None:
        raise TypeError(f"to_records: table= applies to scorecards and comparisons, not to {type(items[0]).__name__}")
    if kind is DimensionScore:
        return [{"rank": rank} | _flat(d) for rank, d in enumerate(items, start=1)]
    return [_flat(i) for i in items]


def to_dataframe(data: Any, *, table: Table | None = None) -> Any:
    """:func:`to_records` as a ``pandas.DataFrame`` (one column per record key, in record order).

    Needs pandas (``pip install 'qframework[pandas]'``); without it :class:`~qframework.QFrameworkError`
    says so. Typed ``Any`` since pandas ships no type information of its own.
    """
    rows = to_records(data, table=table)
    try:
        import pandas
    except ImportError:
        from .errors import QFrameworkError

        raise QFrameworkError("to_dataframe needs pandas: pip install 'qframework[pandas]'") from None
    return pandas.DataFrame.from_records(rows) if rows else pandas.DataFrame()
