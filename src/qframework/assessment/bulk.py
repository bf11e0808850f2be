"""The columnar bulk JSON codec: many Kommunen and periods in one file, read fast, checked fully.

Fast path: columns are type-checked at C speed and identical ratings are built once and shared
(ratings are immutable). Only when something is wrong is the file walked again in detail, so that
every problem is reported with its path (``assessments[3].ratings[12].value``), the same path a
TOML file of one assessment uses.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs

from .._args import refuse
from ..errors import Problem, QFrameworkError, ValidationError, join_path
from ..io import atomic_write, max_file_bytes, parse_json_fast, unstructure
from ..validation import Checked, deferred
from .files import (
    VALIDATE_COMPLETE,
    _framework_problems,
    _registry_or_default,
    _sorted,
    _structure_all,
    _under,
    _unrated_problems,
    _validation_registry,
    read_bytes,
)
from .fit import _plan
from .model import NOT_APPLICABLE, Assessment, Rater, Rating, Subject
from .scoring import _Columns, _fast_plan, _FastPlan, _gc_paused

if TYPE_CHECKING:
    from ..plugins import Registry

__all__ = ["AssessmentBatch", "dumps_assessments", "load_assessments", "loads_assessments", "save_assessments"]

# Layout:
#
# {"framework_id": "...", "framework_version": "...",
#  "assessments": [{"subject": {...}, "period": "2024", "raters": [...],
#                   "ratings": {"indicator": [...], "rater": [...], "value": [4, "n/a", null, ...],
#                               "tier": [...], "evidence": [...], "comment": [...]}}]}
#
# Rating k of an assessment is the k-th entry of every column; problems are reported at
# ``assessments[i].ratings[k].<field>``, the same path a TOML file uses. A ``null`` value is an
# entry not yet rated (as an absent ``value`` in TOML).

_COLUMNS = ("indicator", "rater", "value", "tier", "evidence", "comment")
_COLUMN_SET = frozenset(_COLUMNS)
_NO_RATINGS: dict[str, list[Any]] = {"indicator": [], "value": []}
_ENTRY_KEYS = frozenset(
    ("framework_id", "framework_version", "subject", "period", "raters", "ratings", "notes", "success_definition")
)
_TOP_KEYS = frozenset(("framework_id", "framework_version", "assessments"))


@attrs.frozen
class AssessmentBatch(Checked):
    """The raw shape of a bulk JSON file, for ``qframework validate`` (structural checks only).

    Use :func:`load_assessments` to get :class:`Assessment` objects.
    """

    assessments: list[Any]
    framework_id: str | None = None
    framework_version: str | None = None

    def _problems(self) -> Iterator[Problem]:
        data: dict[str, Any] = {"assessments": self.assessments}
        if self.framework_id is not None:
            data["framework_id"] = self.framework_id
        if self.framework_version is not None:
            data["framework_version"] = self.framework_version
        _, problems = _bulk_from_data(data, _validation_registry(), check=True, complete=VALIDATE_COMPLETE.get())
        yield from problems


class _Reject(Exception):
    """The fast path met something it does not handle; the detailed path will explain."""


def _fast_entry(entry: Any, fw_id: Any, fw_version: Any, cache: dict[tuple[Any, ...], Rating]) -> Assessment:
    if type(entry) is not dict or not entry.keys() <= _ENTRY_KEYS:
        raise _Reject
    cols = entry.get("ratings", _NO_RATINGS)
    if type(cols) is not dict or not cols.keys() <= _COLUMN_SET or "indicator" not in cols or "value" not in cols:
        raise _Reject
    indicators = cols["indicator"]
    values = cols["value"]
    raters = cols.get("rater")
    n = len(indicators) if type(indicators) is list else -1
    if n < 0 or type(values) is not list or len(values) != n:
        raise _Reject
    if raters is None:
        raters = [None] * n
    elif type(raters) is not list or len(raters) != n:
        raise _Reject
    # A C-speed type check: true/false and 1.0 would otherwise hit the cache as the equal ints.
    # Indicator and rater ids need none: a new key builds (and so validates) a Rating, and no
    # other JSON value equals a string.
    if not set(map(type, values)) <= _VALUE_TYPES:
        raise _Reject
    extra = [c for c in ("tier", "evidence", "comment") if c in cols]
    ratings: list[Rating]
    if not extra:
        keys = list(zip(indicators, values, raters, strict=True))
        found = list(map(cache.get, keys))
        if not all(found):  # C speed; `None in found` would call Rating.__eq__ per item
            for k, r in enumerate(found):
                if r is None:
                    r = cache.get(keys[k])
                    if r is None:
                        r = cache[keys[k]] = _new_rating(*keys[k])
                    found[k] = r
        ratings = found  # type: ignore[assignment]
    else:
        columns = [cols[c] for c in extra]
        if any(type(c) is not list or len(c) != n for c in columns):
            raise _Reject
        ratings = []
        for k in range(n):
            fields = {c: col[k] for c, col in zip(extra, columns, strict=True) if col[k] is not None}
            if any(type(v) is not str for v in fields.values()):
                raise _Reject
            ratings.append(_new_rating(indicators[k], values[k], raters[k], **fields))
    subject = entry.get("subject")
    rater_list = entry.get("raters", [])
    if type(subject) is not dict or type(rater_list) is not list:
        raise _Reject
    try:
        return Assessment(
            framework=entry.get("framework_id", fw_id),
            framework_version=entry.get("framework_version", fw_version),
            subject=_simple(Subject, subject, cache),
            period=entry["period"],
            ratings=tuple(ratings),
            raters=tuple(_simple(Rater, r, cache) for r in rater_list),
            notes=entry.get("notes", ""),
            success_definition=entry.get("success_definition", ""),
        )
    except (ValidationError, KeyError, TypeError) as exc:
        raise _Reject from exc


_NONE = type(None)
_VALUE_TYPES = frozenset((int, str, _NONE))  # a level, "n/a", or null: not yet rated


def _new_rating(indicator: str, value: int | str | None, rater: str | None, **extra: str) -> Rating:
    if type(value) is str:
        if value != NOT_APPLICABLE:
            raise _Reject
        return Rating(indicator, None, True, rater, **extra)  # validates itself; raises on problems
    return Rating(indicator, value, False, rater, **extra)  # type: ignore[arg-type]


_FIELD_NAMES: dict[type[Any], frozenset[str]] = {}


def _simple(cls: type[Any], data: dict[str, Any], cache: dict[tuple[Any, ...], Any]) -> Any:
    """Build a flat all-text attrs class (Subject, Rater) from a dict, or reject; shares equal ones."""
    key = (cls, *data.items())
    hit = cache.get(key)
    if hit is not None:
        return hit
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in attrs.fields(cls))
    if not data.keys() <= names or not all(type(v) is str for v in data.values()):
        raise _Reject
    obj = cache[key] = cls(**data)
    return obj


# -- the fast path over a whole file: entries that share their indicator and rater columns -------------

_LAYOUT_COLUMNS = frozenset(("indicator", "rater", "value"))

#: The positional order of :class:`Assessment`'s fields, for building many at once.
_AssessmentArgs = tuple[Any, Any, Subject, Any, tuple[Rating, ...], tuple[Rater, ...], Any, Any]


class _Layout:
    """Indicator and rater columns several entries share (a template's order), checked once.

    ``slots[k]`` maps a value to the rating at position ``k`` (shared: ratings are immutable); with a
    framework (``fast``), a slot holds only ratings known to fit it, so an entry whose every rating
    comes from the slots fits the framework. ``used`` are the rater ids the columns name.
    """

    __slots__ = ("columns", "fast", "fw_id", "fw_version", "indicators", "rater_col", "raters", "slots", "used")

    def __init__(self, indicators: list[Any], raters: Any, fw_id: Any, fw_version: Any, fast: _FastPlan | None) -> None:
        self.indicators = indicators
        self.raters = raters
        self.rater_col: list[Any] = raters if raters is not None else [None] * len(indicators)
        self.fw_id = fw_id
        self.fw_version = fw_version
        self.fast = fast
        self.slots: list[dict[Any, Rating]] = [{} for _ in indicators]
        self.columns: _Columns | None = None  # for scoring, once an entry fits (every indicator is known)
        self.used = set(self.rater_col)
        self.used.discard(None)


_UNSEEN = object()  # no value read from a file is this object


class _FastLoader:
    """The fast path: every check of the detailed one, most of them done once per distinct value.

    Entries that repeat the previous entry's indicator and rater columns (the common case: one
    template for every Kommune and year) share a :class:`_Layout`: the columns' checks (one rating
    per indicator and rater, raters declared) are made once, and each rating is one dict lookup by
    its value. An entry's own fields are checked by building the assessment without ratings (once
    per distinct framework, version, period, raters, notes); ``Assessment``'s checks read the subject
    only for its type, which :func:`_simple` guarantees. Anything unusual goes through
    :func:`_fast_entry`, which builds and checks the assessment as it is.
    """

    def __init__(self, fw_id: Any, fw_version: Any, registry: Registry | None) -> None:
        self.fw_id = fw_id
        self.fw_version = fw_version
        self.registry = registry
        self.cache: dict[tuple[Any, ...], Any] = {}
        self.layout: _Layout | None = None
        self.subject_raw: Any = _UNSEEN
        self.subject: Any = None  # the Subject built from subject_raw
        self.raters_raw: Any = None
        self.raters: tuple[Rater, ...] = ()
        self.declared: set[str] = set()
        self.shells: set[tuple[Any, ...]] = set()
        self.fasts: dict[tuple[Any, Any], _FastPlan | None] = {}

    def _fast_plan(self, fw_id: Any, fw_version: Any) -> _FastPlan | None:
        """The framework's fast plan, or ``None`` (no registry, or not installed: checked in detail)."""
        key = (fw_id, fw_version)
        if key not in self.fasts:
            fw = None
            if self.registry is not None and type(fw_id) is str and type(fw_version) is str:
                try:
                    fw = self.registry.framework(fw_id, fw_version)
                except QFrameworkError:
                    fw = None
            fast = self.fasts[key] = _fast_plan(_plan(fw)) if fw is not None else None
            if fast is not None:
                fast.handoff.clear()  # value columns wait for one load's assessments at a time
        return self.fasts[key]

    def entry(self, entry: Any) -> tuple[_AssessmentArgs | Assessment, bool]:
        """The assessment (or its checked arguments) and whether it is known to fit its framework."""
        if type(entry) is not dict or not entry.keys() <= _ENTRY_KEYS:
            raise _Reject
        cols = entry.get("ratings", _NO_RATINGS)
        if type(cols) is not dict or not cols.keys() <= _LAYOUT_COLUMNS:
            return _fast_entry(entry, self.fw_id, self.fw_version, self.cache), False
        indicators = cols.get("indicator")
        raters = cols.get("rater")
        fw_id = entry.get("framework_id", self.fw_id)
        fw_version = entry.get("framework_version", self.fw_version)
        layout = self.layout
        if (
            layout is None
            or (indicators is not layout.indicators and indicators != layout.indicators)  # msgspec shares them
            or (raters is not layout.raters and raters != layout.raters)
            or fw_id != layout.fw_id
            or fw_version != layout.fw_version
        ):
            layout = self._new_layout(indicators, raters, fw_id, fw_version)
            if layout is None:
                return _fast_entry(entry, self.fw_id, self.fw_version, self.cache), False
        values = cols.get("value")
        # A C-speed type check: true/false and 1.0 would otherwise hit a slot as the equal ints.
        if type(values) is not list or len(values) != len(layout.slots):
            raise _Reject
        types = set(map(type, values))
        if not types <= _VALUE_TYPES:
            raise _Reject
        found: list[Rating | None] = list(map(dict.get, layout.slots, values))
        fits = layout.fast is not None
        if not all(found):  # C speed; `None in found` would call Rating.__eq__ per item
            fits = self._fill(layout, found, values) and fits
        subject = entry.get("subject")
        if subject is not self.subject_raw:  # msgspec shares the table of a subject's repeated text
            if type(subject) is not dict:
                raise _Reject
            self.subject = _simple(Subject, subject, self.cache)
            self.subject_raw = subject
        subject_obj = self.subject
        rater_list = entry.get("raters", [])
        if rater_list is not self.raters_raw and (rater_list != self.raters_raw or self.raters_raw is None):
            if type(rater_list) is not list:
                raise _Reject
            self.raters = tuple(_simple(Rater, r, self.cache) for r in rater_list)
            self.raters_raw = rater_list
            self.declared = {r.id for r in self.raters}
        if not layout.used <= self.declared:
            raise _Reject
        period = entry["period"]
        notes = entry.get("notes", "")
        success = entry.get("success_definition", "")
        shell = (fw_id, fw_version, period, notes, success, id(self.raters))  # the raters stay alive in the results
        if shell not in self.shells:
            # Every check of Assessment except the ratings' (done by the layout); raises if one fails.
            Assessment(fw_id, fw_version, subject_obj, period, (), self.raters, notes, success)
            self.shells.add(shell)
        ratings = cast("tuple[Rating, ...]", tuple(found))  # no None left in found
        if fits and layout.fast is not None:  # every rating is in a slot: scoring reads the values as they are
            if layout.columns is None:
                layout.columns = layout.fast.columns(layout.indicators, layout.rater_col)
            layout.fast.handoff[id(ratings)] = (ratings, layout.columns, values, _NONE in types)
        args = (fw_id, fw_version, subject_obj, period, ratings, self.raters, notes, success)
        return args, fits

    def _new_layout(self, indicators: Any, raters: Any, fw_id: Any, fw_version: Any) -> _Layout | None:
        if type(indicators) is not list or (raters is not None and (type(raters) is not list)):
            return None
        if raters is not None and len(raters) != len(indicators):
            return None
        layout = _Layout(indicators, raters, fw_id, fw_version, self._fast_plan(fw_id, fw_version))
        if len(set(zip(indicators, layout.rater_col, strict=True))) != len(indicators):
            return None  # an indicator rated twice by one rater: the general path reports it
        self.layout = layout
        return layout

    def _fill(self, layout: _Layout, found: list[Rating | None], values: list[Any]) -> bool:
        """Fill the slots ``found`` misses (building and checking new ratings); whether all of them fit."""
        fits = True
        fast = layout.fast
        for k, r in enumerate(found):
            if r is None:
                value = values[k]
                key = (layout.indicators[k], value, layout.rater_col[k])
                r = self.cache.get(key)
                if r is None:
                    r = self.cache[key] = _new_rating(*key)
                found[k] = r
                if fast is not None and fast.learn((r,)) is None:
                    fits = False  # reported by the framework check; not kept in the slot
                else:
                    layout.slots[k][value] = r
        return fits


def _rows(cols: dict[str, Any], path: str, problems: list[Problem], broken: list[str]) -> list[dict[str, Any]] | None:
    """Turn columns into rating tables, reporting column-level problems (and the paths they break)."""
    ok = True
    for key in cols:
        if key not in _COLUMNS:
            problems.append(Problem.of(join_path(path, str(key)), "bulk.column.unknown", known=tuple(_COLUMNS)))
            ok = False
    if "indicator" not in cols:
        problems.append(Problem.of(join_path(path, "indicator"), "bulk.column.missing"))
        ok = False
    if "value" not in cols:
        problems.append(Problem.of(join_path(path, "value"), "bulk.column.missing"))
        ok = False
    lengths: dict[str, int] = {}
    for key in _COLUMNS:
        if key in cols:
            if not isinstance(cols[key], list):
                problems.append(Problem.of(join_path(path, key), "bulk.column.type", got=type(cols[key]).__name__))
                ok = False
            else:
                lengths[key] = len(cols[key])
    if len(set(lengths.values())) > 1:
        shown = tuple(f"{k} {v}" for k, v in lengths.items())
        problems.append(Problem.of(path, "bulk.column.lengths", lengths=shown))
        ok = False
    if not ok:
        return None
    n = lengths.get("indicator", 0)
    rows: list[dict[str, Any]] = []
    for k in range(n):
        row: dict[str, Any] = {}
        for key in lengths:
            v = cols[key][k]
            if key == "value":
                if v == NOT_APPLICABLE and isinstance(v, str):
                    row["not_applicable"] = True
                elif isinstance(v, str):
                    problems.append(Problem.of(f"{path}[{k}].value", "bulk.value.type", na=NOT_APPLICABLE, got=repr(v)))
                    row["not_applicable"] = True  # reported; keep the row buildable
                    broken += [f"{path}[{k}].value", f"{path}[{k}].not_applicable"]
                elif v is not None:
                    row["value"] = v
            elif v is not None:
                row[key] = v
        rows.append(row)
    return rows


def _bulk_detailed(data: Any) -> tuple[list[tuple[str, Assessment]], list[Problem], list[str]]:
    """The slow path: every structural problem of a bulk file, the assessments that could be built,
    and the broken paths (type and structure problems; see :func:`_structure_all`).

    Entries the fast path accepts are taken as they are; the others are walked field by field.
    """
    problems: list[Problem] = []
    built: list[tuple[str, Assessment]] = []
    broken: list[str] = []
    if not isinstance(data, dict):
        return built, [Problem.of("", "bulk.top.type")], broken
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(Problem.of(str(key), "key.unknown", known=tuple(sorted(_TOP_KEYS))))
    entries = data.get("assessments")
    if not isinstance(entries, list):
        problems.append(Problem.of("assessments", "bulk.assessments.type"))
        return built, problems, broken
    fw_id, fw_version = data.get("framework_id"), data.get("framework_version")
    cache: dict[tuple[Any, ...], Any] = {}
    for i, entry in enumerate(entries):
        path = f"assessments[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem.of(path, "bulk.entry.type"))
            continue
        try:  # most entries of a file with a mistake are fine: keep them on the fast path
            built.append((path, _fast_entry(entry, fw_id, fw_version, cache)))
            continue
        except (_Reject, ValidationError, TypeError, KeyError, AttributeError):
            pass
        doc = dict(entry)
        for key in ("framework_id", "framework_version"):
            if key not in doc and key in data:
                doc[key] = data[key]
        cols = doc.get("ratings", _NO_RATINGS)
        if isinstance(cols, dict):
            rows = _rows(cols, f"{path}.ratings", problems, broken)
            if rows is None:
                doc.pop("ratings", None)
            else:
                doc["ratings"] = rows
        elif isinstance(cols, list):
            problems.append(Problem.of(f"{path}.ratings", "bulk.ratings.list"))
            doc.pop("ratings", None)
        else:
            problems.append(Problem.of(f"{path}.ratings", "bulk.ratings.type"))
            doc.pop("ratings", None)
        assessment, found, found_broken = _structure_all(doc)
        problems.extend(p.at(join_path(path, p.path)) for p in found)
        broken.extend(join_path(path, b) for b in found_broken)
        if assessment is not None:
            built.append((path, assessment))
    return built, problems, broken


def loads_assessments(
    text: str | bytes,
    *,
    registry: Registry | None = None,
    file: str | None = None,
    check: bool = True,
    complete: bool = False,
) -> list[Assessment]:
    """Parse and validate a bulk JSON file of many assessments (see the module notes for the layout).

    Fast path: columns are type-checked at C speed and identical ratings are built once and shared
    (ratings are immutable). Only when something is wrong is the file walked again in detail, so
    that every problem is reported with its path (``assessments[3].ratings[12].value``).
    With ``check`` every assessment is also checked against the installed framework version it names.
    A ``null`` value is an entry not yet rated; ``complete=True`` refuses each one.
    """
    with _gc_paused():
        return _loads_assessments(text, registry, file, check, complete)


def _loads_assessments(
    text: str | bytes, registry: Registry | None, file: str | None, check: bool, complete: bool
) -> list[Assessment]:
    accepted = _loads_msgspec(text, registry, check, complete)
    if accepted is not None:
        return accepted
    data = parse_json_fast(text, file=file)
    assessments, problems = _bulk_from_data(data, registry, check, complete)
    if problems or assessments is None:
        raise ValidationError(problems, file)
    return assessments


def _bulk_from_data(
    data: Any, registry: Registry | None, check: bool, complete: bool = False, *, fast: bool = True
) -> tuple[list[Assessment] | None, list[Problem]]:
    """Fast path first; the detailed walk only when it rejects the data (``fast=False``: the detailed
    walk alone, which also returns the assessments when there is no problem; for the tests)."""
    if fast and type(data) is dict and data.keys() <= _TOP_KEYS and type(data.get("assessments")) is list:
        done = _fast_load(
            data.get("framework_id"), data.get("framework_version"), data["assessments"], registry, check, complete
        )
        if done is not None:
            return done
    built, problems, broken = _bulk_detailed(data)
    problems += _duplicate_keys(built)
    if check:
        problems += [
            p for p in _framework_problems(built, _registry_or_default(registry)) if not _under(p.path, broken)
        ]
    if complete:
        problems += _unrated_problems(built, broken)
    if not problems:
        if not fast:
            return [a for _, a in built], []
        problems = [Problem.of("", "bulk.unreadable")]  # pragma: no cover
    return None, _sorted(problems)


def _fast_load(
    fw_id: Any, fw_version: Any, entries: Iterable[Any], registry: Registry | None, check: bool, complete: bool
) -> tuple[list[Assessment], list[Problem]] | None:
    """The fast path over a file's entries: the assessments and their problems, or ``None`` when it
    rejects something (the detailed walk then says what is wrong)."""
    loader = _FastLoader(fw_id, fw_version, _registry_or_default(registry) if check else None)
    try:
        items = [loader.entry(e) for e in entries]
    except (_Reject, ValidationError, TypeError, KeyError, AttributeError):
        return None
    with deferred():  # checked above, field by field and per layout
        assessments = [x if isinstance(x, Assessment) else Assessment(*x) for x, _ in items]
    # Paths are built only where a problem may need them: a clean file needs none.
    problems: list[Problem] = []
    if len(set(map(_KEY_OF, assessments))) != len(assessments):
        problems += _duplicate_keys(_with_paths(assessments))
    if check and not all(map(_FITS, items)):
        unchecked = [b for b, (_, fits) in zip(_with_paths(assessments), items, strict=True) if not fits]
        problems += _framework_problems(unchecked, _registry_or_default(registry))
    if complete:
        problems += _unrated_problems(_with_paths(assessments))
    return assessments, _sorted(problems)


_KEY_OF = attrgetter("key")  # (subject id, period): every fast-path assessment has a Subject
_FITS = itemgetter(1)


def _with_paths(assessments: list[Assessment]) -> list[tuple[str, Assessment]]:
    return [(f"assessments[{i}]", a) for i, a in enumerate(assessments)]


# -- the typed msgspec decoder (the ``fast`` extra): a clean file of the usual layout, or nothing ------

_DECODER: Any = None  # built on first use; False when msgspec is not installed


def _msgspec_decoder() -> Any:
    """A decoder of the usual bulk layout into msgspec structs, or ``None`` without msgspec.

    The indicator and rater columns stay undecoded (``msgspec.Raw``): entries that repeat a
    template's columns repeat their bytes, so one byte comparison replaces building and comparing
    hundreds of strings per entry.
    """
    global _DECODER
    if _DECODER is None:
        try:
            import msgspec
        except ImportError:
            _DECODER = False
            return None
        unset: Any = msgspec.UNSET
        no_column = msgspec.Raw()

        columns = msgspec.defstruct(
            "Columns",
            [("indicator", msgspec.Raw)]
            + [(name, msgspec.Raw, no_column) for name in _RAW_COLUMNS[1:]]
            + [("value", list[Any])],
            forbid_unknown_fields=True,
            kw_only=True,
        )
        entry = msgspec.defstruct(
            "Entry",
            [("ratings", columns | msgspec.UnsetType, unset)]
            + [(name, msgspec.Raw, no_column) for name in _RAW_FIELDS]
            + [(name, Any, unset) for name in _ENTRY_FIELDS],
            forbid_unknown_fields=True,
        )
        bulk = msgspec.defstruct(
            "Bulk",
            [("assessments", list[entry]), ("framework_id", Any, unset), ("framework_version", Any, unset)],  # type: ignore[valid-type]
            forbid_unknown_fields=True,
        )
        _DECODER = (
            msgspec.json.Decoder(bulk).decode,
            msgspec.json.decode,
            # msgspec nests as deep as the text does, until RecursionError: a file nested beyond the
            # limit is left to the checked parser, which refuses it with a problem.
            (msgspec.DecodeError, RecursionError),
            unset,
            msgspec.structs.astuple,
        )
    return _DECODER or None


#: The raw columns, in the order of the struct's fields (``value``, decoded, comes last).
_RAW_COLUMNS = ("indicator", "rater", "tier", "evidence", "comment")
#: An entry's subject and raters stay undecoded too: they repeat (the raters in every entry, a
#: subject once per period), so each distinct text is decoded, checked and counted once.
_RAW_FIELDS = ("subject", "raters")
_ENTRY_FIELDS = ("period", "framework_id", "framework_version", "notes", "success_definition")


def _loads_msgspec(
    text: str | bytes, registry: Registry | None, check: bool, complete: bool
) -> list[Assessment] | None:
    """The assessments of a clean bulk file read through msgspec; ``None`` (the other readers decide)
    without msgspec, for anything the standard library would read differently, and for any problem.

    msgspec keeps the last of two equal keys where the standard library's reading refuses the file:
    every object key and every colon inside a string is counted, and a file whose colons are not all
    accounted for is left to the standard library (as is one that writes a colon as ``\\u003a``).
    """
    decoder = _msgspec_decoder()
    if decoder is None or not isinstance(text, (str, bytes)) or len(text) > max_file_bytes():
        return None
    decode_bulk, decode, errors, unset, astuple = decoder
    colon: Any = b":" if isinstance(text, bytes) else ":"
    # A colon written \u003a is not counted in the text; one scan refuses every escape \u0030-\u003f.
    escape: Any = b"\\u003" if isinstance(text, bytes) else "\\u003"
    if escape in text:
        return None
    try:
        doc = decode_bulk(text)
    except errors:
        return None
    keys = 1
    strings: list[Any] = []
    fw_id, fw_version = doc.framework_id, doc.framework_version
    for value in (fw_id, fw_version):
        if value is not unset:
            if value is not None and type(value) is not str:
                return None
            keys += 1
            strings.append(value or "")
    entries: list[dict[str, Any]] = []
    last_raw: dict[str, Any] = {}
    last_list: dict[str, Any] = {}
    raw_colons = 0
    seen: dict[bytes, tuple[Any, int]] = {}  # a subject's or the raters' text: decoded, and the colons it explains
    is_text = str.__instancecheck__
    try:
        for e in doc.assessments:
            entry = {k: v for k in _ENTRY_FIELDS if (v := getattr(e, k)) is not unset}
            for name in _RAW_FIELDS:
                raw = getattr(e, name)
                if raw:
                    found_raw = seen.get(key := bytes(raw))
                    if found_raw is None:
                        found_raw = seen[key] = (value := decode(key), _colons(value))
                    entry[name], found = found_raw
                    raw_colons += found
            keys += len(entry)
            cols = e.ratings
            if cols is not unset:
                keys += 1
                columns: dict[str, Any] = {"value": cols.value}
                for name, raw in zip(
                    _RAW_COLUMNS, astuple(cols), strict=False
                ):  # value is not raw: zip stops before it
                    if raw:
                        if raw != last_raw.get(name):
                            last_raw[name], last_list[name] = raw, (decode(raw), bytes(raw).count(b":"))
                        columns[name], found = last_list[name]
                        raw_colons += found
                keys += len(columns)
                entry["ratings"] = columns
            strings += filter(is_text, entry.values())
            entries.append(entry)
    except errors:
        return None
    done = _fast_load(
        None if fw_id is unset else fw_id,
        None if fw_version is unset else fw_version,
        entries,
        registry,
        check,
        complete,
    )
    if done is None or done[1]:
        return None
    try:
        expected = keys + raw_colons + "".join(strings).count(":")
    except TypeError:  # a value that is not text where the fast path does not look (it would have refused)
        return None
    if text.count(colon) != expected:
        return None
    return done[0]


def _colons(value: Any) -> int:
    """The colons of a decoded JSON value's text: one per object key, plus those inside its strings
    (a key written twice is one key here, so its text has more colons than this counts)."""
    if type(value) is str:
        return value.count(":")
    if type(value) is dict:
        return sum(1 + _colons(k) + _colons(v) for k, v in value.items())
    if type(value) is list:
        return sum(map(_colons, value))
    return 0


def _duplicate_keys(built: Sequence[tuple[str, Assessment]]) -> list[Problem]:
    """Entries of a bulk file that repeat the ``(subject id, period)`` of an earlier one (:attr:`Assessment.key`)."""
    first: dict[tuple[str, str], str] = {}
    out: list[Problem] = []
    for path, a in built:
        subject = a.subject
        if not isinstance(subject, Subject) or type(subject.id) is not str or type(a.period) is not str:
            continue  # reported as broken
        where = first.setdefault((subject.id, a.period), path)
        if where != path:
            out.append(Problem.of(path, "bulk.assessed-twice", subject=subject.id, period=a.period, first=where))
    return out


def load_assessments(
    path: str | os.PathLike[str], *, registry: Registry | None = None, check: bool = True, complete: bool = False
) -> list[Assessment]:
    """Read a bulk JSON file (many Kommunen and periods) and validate it completely.

    ``null`` values are entries not yet rated; ``complete=True`` refuses each one.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    return loads_assessments(read_bytes(path), registry=registry, file=str(path), check=check, complete=complete)


def _entry_data(a: Assessment, fw_id: str, fw_version: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a.framework != fw_id:
        out["framework_id"] = a.framework
    if a.framework_version != fw_version:
        out["framework_version"] = a.framework_version
    out["subject"] = unstructure(a.subject)
    out["period"] = a.period
    if a.raters:
        out["raters"] = unstructure(a.raters)
    cols: dict[str, list[Any]] = {
        "indicator": [r.indicator for r in a.ratings],
        "value": [NOT_APPLICABLE if r.not_applicable else r.value for r in a.ratings],
    }
    if any(r.rater is not None for r in a.ratings):
        cols["rater"] = [r.rater for r in a.ratings]
    for key in ("tier", "evidence", "comment"):
        column = [getattr(r, key) or None for r in a.ratings]
        if any(v is not None for v in column):
            cols[key] = column
    out["ratings"] = cols
    if a.notes:
        out["notes"] = a.notes
    if a.success_definition:
        out["success_definition"] = a.success_definition
    return out


def dumps_assessments(assessments: Sequence[Assessment], *, indent: int | None = None) -> str:
    """Write many assessments as one bulk JSON text (columnar ratings); lossless.

    Subjects and raters go through the one converter; the rating columns are this codec's own
    layout. Compact by default (a bulk file holds hundreds of thousands of ratings).
    """
    if isinstance(assessments, (str, bytes, Assessment)) or not isinstance(assessments, Sequence):
        refuse(assessments, "dumps_assessments", "assessments", "a sequence (list or tuple) of Assessment")
    if assessments:
        fw_id, fw_version = assessments[0].framework, assessments[0].framework_version
    else:
        fw_id, fw_version = "", ""
    doc: dict[str, Any] = {}
    if assessments:
        doc["framework_id"] = fw_id
        doc["framework_version"] = fw_version
    doc["assessments"] = [_entry_data(a, fw_id, fw_version) for a in assessments]
    return json.dumps(doc, ensure_ascii=False, indent=indent) + "\n"


def save_assessments(
    assessments: Sequence[Assessment], path: str | os.PathLike[str], *, indent: int | None = None
) -> None:
    """Write a bulk JSON file atomically (through :func:`qframework.io.atomic_write`).

    The bulk format is JSON only: a path ending in anything but ``.json`` is refused rather than
    filled with JSON under another name.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    if Path(path).suffix.lower() != ".json":
        raise ValidationError([Problem.of("", "bulk.suffix")], str(path))
    atomic_write(path, lambda: dumps_assessments(assessments, indent=indent))
