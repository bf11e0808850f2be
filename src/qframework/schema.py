"""JSON Schemas (draft 2020-12) for every qframework document and result kind.

Web APIs and editors want a schema, not a Python class. The schemas here are *derived* from the
attrs classes that :mod:`qframework.io` reads and writes, so they cannot drift from the loader:
one ``$defs`` entry per class, ``$ref`` between them, and the converter's rules spelled out —
unknown keys are errors (``additionalProperties: false``), fields with a default may be left out
(the writer omits them when they hold the default), and primitives are strict (``"1"`` is not a
whole number, ``true`` is not a number, dates are ``YYYY-MM-DD`` text).

A schema checks *structure* (types, required and unknown keys). The semantic rules — unique ids,
references between parts, value ranges, a rating on the indicator's scale — stay with the loader
(``qframework validate``); every schema says so in its ``description``.

Types with a custom converter hook need a matching schema: add them to :data:`SCHEMA_OVERRIDES`.
A new document or result kind is one line in :data:`SCHEMA_KINDS`.
"""

from __future__ import annotations

import ast
import copy
import functools
import importlib
import inspect
import re
import textwrap
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from .io import file_key

__all__ = [
    "DRAFT",
    "SCHEMA_KINDS",
    "SCHEMA_OVERRIDES",
    "kind_schema",
    "schema_for",
]

#: The JSON Schema dialect every schema here declares.
DRAFT = "https://json-schema.org/draft/2020-12/schema"

_STRUCTURAL_ONLY = (
    "This schema checks structure only: types, required keys and unknown keys. Semantic rules "
    "(unique ids, references between parts, value ranges, ratings that fit the framework) are "
    "checked by the loader: run `qframework validate FILE`. JSON cannot tell 1 from 1.0, so a "
    "schema validator accepts 1.0 where the loader wants a whole number."
)

#: Where each kind's class (or schema builder) lives, as ``"module:name"``; imported only when a
#: schema is asked for. ``role`` is ``"document"`` for files people write, ``"result"`` for what
#: the library computes and tools consume.
SCHEMA_KINDS: dict[str, tuple[Literal["document", "result"], str]] = {
    # documents
    "framework": ("document", "qframework.model:Framework"),
    "assessment": ("document", "qframework.assessment:Assessment"),
    "assessments": ("document", "qframework.schema:_bulk_assessments_schema"),
    "assignment-problem": ("document", "qframework.assignment:AssignmentProblem"),
    "programme": ("document", "qframework.programme:Programme"),
    "roster": ("document", "qframework.programme:Roster"),
    "participants": ("document", "qframework.programme:_ParticipantList"),
    "crosswalk": ("document", "qframework.crosswalk:Crosswalk"),
    # results
    "scorecard": ("result", "qframework.assessment:Scorecard"),
    "indicator-score": ("result", "qframework.assessment:IndicatorScore"),
    "dimension-score": ("result", "qframework.assessment:DimensionScore"),
    "comparison": ("result", "qframework.assessment:Comparison"),
    "dimension-change": ("result", "qframework.assessment:DimensionChange"),
    "version-changes": ("result", "qframework.assessment:VersionChanges"),
    "assignment": ("result", "qframework.assignment:Assignment"),
    "violation": ("result", "qframework.assignment:Violation"),
    "explanation": ("result", "qframework.assignment:Explanation"),
    "plugin-failure": ("result", "qframework.plugins:PluginFailure"),
    "plugin-info": ("result", "qframework.plugins:PluginInfo"),
    "plugin-summary": ("result", "qframework.plugins:PluginSummary"),
    "plugin-report": ("result", "qframework.plugins:PluginReport"),
    "framework-summary": ("result", "qframework.model:FrameworkSummary"),
    "programme-summary": ("result", "qframework.programme:ProgrammeSummary"),
    "translation-report": ("result", "qframework.crosswalk:TranslationReport"),
    "crosswalk-summary": ("result", "qframework.crosswalk:CrosswalkSummary"),
}

_DATE: dict[str, Any] = {
    "type": "string",
    "format": "date",
    "pattern": r"^\d{4}-\d{2}-\d{2}$",
    "description": "a date, YYYY-MM-DD",
}

#: Schemas for the types :mod:`qframework.io` gives a custom structure/unstructure hook; the
#: schema of such a type must say what the hook reads and writes, not what its fields are.
SCHEMA_OVERRIDES: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},  # _strict_int: no bools, no "1"
    float: {"type": "number"},  # _strict_float: whole numbers allowed, no bools
    bool: {"type": "boolean"},  # _strict_bool
    date: _DATE,  # _strict_date: a date, or its ISO text (TOML dates arrive as dates)
    type(None): {"type": "null"},
    Any: {},
}


def schema_for(cls: type[Any], *, title: str | None = None, description: str | None = None) -> dict[str, Any]:
    """The JSON Schema of what :func:`qframework.io.unstructure` writes for ``cls`` and ``io.structure`` reads.

    One ``$defs`` entry per attrs class (or named tuple), referred to by ``$ref``; the document
    itself is a ``$ref`` to ``cls``'s entry. Raises ``TypeError`` for a type it cannot describe
    (add it to :data:`SCHEMA_OVERRIDES`).
    """
    if not isinstance(cls, type):
        from ._args import expect

        expect(cls, type, "schema_for", "cls", "a class (e.g. qframework.Assessment)")
    builder = _Builder()
    root = builder.schema(cls)
    doc = _class_doc(cls)
    return {
        "$schema": DRAFT,
        "title": title or _title(cls),
        "description": "\n\n".join(p for p in (description or doc, _STRUCTURAL_ONLY) if p),
        **root,
        "$defs": dict(sorted(builder.defs.items())),
    }


def kind_schema(kind: str) -> dict[str, Any]:
    """The schema of one entry of :data:`SCHEMA_KINDS`.

    Raises :class:`~qframework.errors.NotFound` (with the known kinds) for an unknown kind.
    """
    from ._args import expect_str
    from .errors import NotFound

    expect_str(kind, "kind_schema", "kind")
    if kind not in SCHEMA_KINDS:
        raise NotFound.unknown("schema kind", kind, sorted(SCHEMA_KINDS))
    return copy.deepcopy(_kind_schema(kind))


@functools.cache
def _kind_schema(kind: str) -> dict[str, Any]:
    target = _resolve(SCHEMA_KINDS[kind][1])
    schema: dict[str, Any] = schema_for(target) if isinstance(target, type) else target()
    return schema


def _resolve(spec: str) -> Any:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


# -- the walk ----------------------------------------------------------------------------------


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        self.names: dict[type[Any], str] = {}

    def schema(self, tp: Any) -> dict[str, Any]:
        override = _override(tp)
        if override is not None:
            return dict(override)
        origin = get_origin(tp)
        args = get_args(tp)
        if origin in (Union, types.UnionType):
            return self.union(args)
        if origin is Literal:
            return {"enum": list(args)}
        if isinstance(tp, type) and issubclass(tp, Enum):
            return {"enum": [member.value for member in tp], "title": tp.__name__}
        if isinstance(tp, type) and (attrs.has(tp) or _is_namedtuple(tp)):
            return {"$ref": f"#/$defs/{self.define(tp)}"}
        if origin in (tuple, list, Sequence, typing.Sequence, frozenset, set) or tp in (tuple, list):
            return self.array(origin or tp, args)
        if _is_mapping(origin or tp):
            key, value = args or (str, Any)
            if key is not str:
                raise TypeError(f"cannot describe {tp!r} in JSON: mapping keys must be text")
            return {"type": "object", "additionalProperties": self.schema(value)}
        raise TypeError(f"no JSON Schema for {tp!r}; add one to qframework.schema.SCHEMA_OVERRIDES")

    def union(self, args: tuple[Any, ...]) -> dict[str, Any]:
        options = [self.schema(a) for a in args]
        if all(set(o) == {"type"} and isinstance(o["type"], str) for o in options):
            return {"type": [o["type"] for o in options]}
        return {"anyOf": options}

    def array(self, origin: Any, args: tuple[Any, ...]) -> dict[str, Any]:
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            if args == ((),):  # tuple[()]
                return {"type": "array", "maxItems": 0}
            return {
                "type": "array",
                "prefixItems": [self.schema(a) for a in args],
                "items": False,
                "minItems": len(args),
                "maxItems": len(args),
            }
        item = args[0] if args else Any
        out: dict[str, Any] = {"type": "array", "items": self.schema(item)}
        if origin in (frozenset, set):
            out["uniqueItems"] = True
        return out

    def define(self, cls: type[Any]) -> str:
        name = self.names.get(cls)
        if name is not None:
            return name
        name = cls.__name__.lstrip("_")
        while name in self.defs:  # two classes of one name in different modules
            name += "_"
        self.names[cls] = name
        self.defs[name] = {}  # a placeholder, so that recursive classes terminate
        self.defs[name] = self.namedtuple(cls) if _is_namedtuple(cls) else self.attrs_class(cls)
        return name

    def attrs_class(self, cls: type[Any]) -> dict[str, Any]:
        attrs.resolve_types(cls)
        notes = _field_docs(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if not field.init:  # private, derived state (an index): never in files
                continue
            prop = self.schema(field.type)
            text = field.metadata.get("description") or notes.get(field.name)
            if text:
                prop = {**prop, "description": text}
            if field.default is not attrs.NOTHING:
                default = _default_of(field)
                if default is not _NO_DEFAULT:
                    prop = {**prop, "default": default}
            else:
                required.append(file_key(field))
            properties[file_key(field)] = prop
        out: dict[str, Any] = {"title": _title(cls), "type": "object"}
        doc = _class_doc(cls)
        if doc:
            out["description"] = doc
        out["properties"] = properties
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        return out

    def namedtuple(self, cls: type[Any]) -> dict[str, Any]:
        """A named tuple is written as a positional list (how JSON carries a tuple)."""
        hints = typing.get_type_hints(cls)
        fields: tuple[str, ...] = cls._fields
        defaults: dict[str, Any] = cls._field_defaults
        items = [{**self.schema(hints[f]), "title": f} for f in fields]
        out: dict[str, Any] = {"title": _title(cls), "type": "array"}
        doc = _class_doc(cls)
        if doc:
            out["description"] = doc + "\n\nWritten as a list of its fields, in this order: " + ", ".join(fields)
        out |= {
            "prefixItems": items,
            "items": False,
            "minItems": len(fields) - len(defaults),
            "maxItems": len(fields),
        }
        return out


_NO_DEFAULT = object()


def _default_of(field: attrs.Attribute[Any]) -> Any:
    """The field's default as JSON data, where it is a plain value (documentation for editors)."""
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        if default.takes_self:
            return _NO_DEFAULT
        default = default.factory()
    from .io import unstructure

    value = unstructure(default)
    if isinstance(value, tuple):
        value = list(value)
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return _NO_DEFAULT


def _override(tp: Any) -> dict[str, Any] | None:
    try:
        return SCHEMA_OVERRIDES.get(tp)
    except TypeError:  # an unhashable type form
        return None


def _is_namedtuple(tp: type[Any]) -> bool:
    return issubclass(tp, tuple) and hasattr(tp, "_fields")


def _is_mapping(tp: Any) -> bool:
    if tp in (dict, Mapping, typing.Mapping):
        return True
    return isinstance(tp, type) and issubclass(tp, Mapping)


def _title(cls: type[Any]) -> str:
    return cls.__name__.lstrip("_")


def _class_doc(cls: type[Any]) -> str:
    """The class docstring's first paragraph, on one line; named tuples' generated docs are skipped."""
    doc = cls.__dict__.get("__doc__") or ""
    if not doc or doc.startswith(f"{cls.__name__}("):
        return ""
    first = inspect.cleandoc(doc).split("\n\n")[0]
    return _plain(first)


def _plain(text: str) -> str:
    """Docstring text for a schema: one line, Sphinx roles and double backquotes as plain `code`."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", text).replace("``", "`")
    return " ".join(text.split())


def _field_docs(cls: type[Any]) -> dict[str, str]:
    """Attribute docstrings (a string right below a field) and trailing ``#`` comments of a class."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    try:
        tree = ast.parse(source)
    except SyntaxError:  # pragma: no cover
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    lines = source.splitlines()
    out: dict[str, str] = {}
    for i, node in enumerate(body):
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        name = node.target.id
        after = body[i + 1] if i + 1 < len(body) else None
        if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str):
            out[name] = _plain(inspect.cleandoc(after.value.value))
            continue
        line = lines[node.lineno - 1]
        if node.end_lineno == node.lineno and "#" in line:
            comment = line.split("#", 1)[1].strip()
            if comment and not comment.startswith(("type:", "noqa", "pragma")):
                out[name] = _plain(comment)
    return out


# -- the bulk assessment file ------------------------------------------------------------------


def _bulk_assessments_schema() -> dict[str, Any]:
    """The columnar bulk file (``load_assessments``): its own codec, so its own schema.

    An entry is an assessment whose ``ratings`` is a table of equally long columns; rating *k* is
    the *k*-th entry of every column. Entries inherit ``framework_id``/``framework_version`` from
    the top level unless they give their own.
    """
    from .assessment import NOT_APPLICABLE, Assessment

    base = schema_for(Assessment)
    defs = base["$defs"]
    entry = dict(defs["Assessment"])
    properties = dict(entry["properties"])
    text_or_null = {"type": ["string", "null"]}
    properties["ratings"] = {
        "description": "The ratings as columns of equal length (one entry per rating); "
        f"a value is a level of the scale, {NOT_APPLICABLE!r} (not applicable) or null (not yet rated).",
        "type": "object",
        "properties": {
            "indicator": {"type": "array", "items": {"type": "string"}},
            "value": {
                "type": "array",
                "items": {"anyOf": [{"type": "integer"}, {"const": NOT_APPLICABLE}, {"type": "null"}]},
            },
            "rater": {"type": "array", "items": text_or_null},
            "tier": {"type": "array", "items": text_or_null},
            "evidence": {"type": "array", "items": text_or_null},
            "comment": {"type": "array", "items": text_or_null},
        },
        "required": ["indicator", "value"],
        "additionalProperties": False,
    }
    entry["properties"] = properties
    entry["required"] = [k for k in entry.get("required", []) if k not in ("framework_id", "framework_version")]
    entry["title"] = "AssessmentEntry"
    entry["description"] = "One assessment of the bulk file; framework_id and framework_version default to the file's."
    defs = {k: v for k, v in defs.items() if k not in ("Assessment", "Rating")}
    defs["AssessmentEntry"] = entry
    return {
        "$schema": DRAFT,
        "title": "AssessmentBatch",
        "description": (
            "Many assessments (Kommunen, periods) in one JSON file with columnar ratings, as "
            "`load_assessments` reads and `dumps_assessments` writes it. The columns of one entry "
            "must be equally long (the loader checks that). " + _STRUCTURAL_ONLY
        ),
        "type": "object",
        "properties": {
            "framework_id": {"type": "string"},
            "framework_version": {"type": "string"},
            "assessments": {"type": "array", "items": {"$ref": "#/$defs/AssessmentEntry"}},
        },
        "required": ["assessments"],
        "additionalProperties": False,
        # without a file-wide framework, every entry names its own
        "if": {"not": {"required": ["framework_id"]}},
        "then": {"properties": {"assessments": {"items": {"required": ["framework_id"]}}}},
        "else": {},
        "$defs": dict(sorted(defs.items())),
    }
