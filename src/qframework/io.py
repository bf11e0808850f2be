"""Reading and writing qframework files: the one place that knows about (de)serialisation.

One cattrs converter (built on :mod:`cattrs.preconf.tomllib`, ``forbid_extra_keys``,
``omit_if_default``) turns every model class into TOML- and JSON-ready data and back.

Loading is validated completely. The fast path structures with cattrs' generated code and then
runs the semantic pass; only when something is wrong does a second, lenient pass walk the data
field by field to report *every* problem with its path (``dimensions[2].indicators[0].scale``),
including the semantic ones of the parts that could be built. Saving is atomic.
"""

from __future__ import annotations

import math
import os
import re
import types
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union, get_args, get_origin

import attrs

# datetime, json, tomllib, tomli_w, tempfile and cattrs load on first use: start-up of the command
# line (and of every tool that imports qframework) should not pay for what a cached registry skips.
if TYPE_CHECKING:
    from datetime import date
    from importlib.resources.abc import Traversable

    import cattrs

from . import _cache as _cache_module
from .errors import Problem, QFrameworkError, ValidationError, join_path, sort_problems
from .frozen import FrozenMap
from .messages import Note
from .model import Framework
from .validation import deferred, problems_of

__all__ = [
    "Format",
    "atomic_write",
    "converter",
    "dumps",
    "dumps_framework",
    "format_for",
    "get_converter",
    "load",
    "load_framework",
    "loads",
    "loads_framework",
    "parse",
    "read_file",
    "save",
    "structure",
    "unstructure",
]

T = TypeVar("T")
Format = Literal["toml", "json"]


def _type_word(tp: Any) -> Note:
    """How a problem names a type: "a whole number" rather than ``int`` (a word translated when shown)."""
    from datetime import date, datetime

    words = {
        str: "type.text",
        int: "type.int",
        float: "type.number",
        bool: "type.bool",
        dict: "type.table",
        list: "type.list",
        date: "type.date",
        datetime: "type.datetime",
    }
    code = words.get(tp)
    return Note(code) if code else Note("type.other", {"name": getattr(tp, "__name__", str(tp))})


def _either(words: list[Note]) -> Note:
    """``a whole number or a table``: type words joined by "or"."""
    if len(words) == 1:
        return words[0]
    return Note("type.either", {"first": _either(words[:-1]), "second": words[-1]})


def _describe(value: object) -> Note:
    code = {
        str: "kind.text",
        int: "kind.int",
        float: "kind.number",
        bool: "kind.bool",
        dict: "kind.table",
        list: "kind.list",
    }.get(type(value))
    kind = Note(code) if code else Note("type.other", {"name": type(value).__name__})
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**40:
        if abs(value) < 10**4000:
            return Note("value.digits", {"digits": str(len(str(abs(value)))), "kind": kind})
        return Note("value.digits-many", {"kind": kind})
    if isinstance(value, str) and any(c.isspace() for c in value):
        return Note("value.text-with-spaces", {"length": len(value)})
    if isinstance(value, list) and any(isinstance(v, str) and any(c.isspace() for c in v) for v in value[:8]):
        return Note("value.texts-with-spaces", {"count": len(value)})
    shown = _safe_repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return Note("value", {"value": shown, "kind": kind})


def _safe_repr(value: object) -> str:
    """``repr`` of a value from a file, short, with control and bidirectional characters escaped."""
    from .errors import printable

    if isinstance(value, (dict, list)) and len(value) > 8:
        return f"<{type(value).__name__} of {len(value)} items>"
    try:
        return printable(repr(value)[:200])
    except (RecursionError, ValueError):  # pragma: no cover - bounded by the depth limit
        return f"<{type(value).__name__}>"


class _WrongType(TypeError):
    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(Note(code, params).english)


def _strict_str(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise _WrongType("type", expected=Note("type.text"), got=_describe(value))
    if not value.isascii() and _SURROGATE.search(value):
        raise _WrongType("value.surrogate")
    return value


#: The number policy every file goes through (docs/file-formats.md, "Limits"): whole numbers within
#: ±MAX_WHOLE (the largest a JSON reader in any language keeps exactly), numbers finite and within
#: ±MAX_NUMBER. Domain classes narrow these further (a capacity, a rank), never widen them.
MAX_WHOLE = 2**53 - 1
MAX_NUMBER = 1e15


def _strict_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _WrongType("type", expected=Note("type.int"), got=_describe(value))
    if not -MAX_WHOLE <= value <= MAX_WHOLE:
        raise _WrongType("number.int-range", limit=float(MAX_WHOLE))
    return value


def _strict_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _WrongType("type", expected=Note("type.number"), got=_describe(value))
    if isinstance(value, float) and not math.isfinite(value):
        raise _WrongType("type", expected=Note("type.finite"), got=_describe(value))
    # compared before float(): a whole number compares exactly, and float() of thousands of digits overflows
    if not -MAX_NUMBER <= value <= MAX_NUMBER:
        raise _WrongType("number.range", limit=f"{MAX_NUMBER:g}")
    return float(value)


def _strict_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise _WrongType("type", expected=Note("type.bool"), got=_describe(value))
    return value


def _strict_date(value: Any, _: Any) -> date:
    from datetime import date, datetime

    if isinstance(value, datetime):
        raise _WrongType("type", expected=Note("type.date"), got=_describe(value))
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _WrongType("type", expected=Note("type.date"), got=_describe(value))


def _is_frozen_map(tp: Any) -> bool:
    return tp is FrozenMap or get_origin(tp) is FrozenMap


_PLAIN = (str, int, float, bool)


def _is_plain_union(tp: Any) -> bool:
    if get_origin(tp) not in (Union, types.UnionType):
        return False
    rest = [a for a in get_args(tp) if a is not type(None)]
    return any(a in _PLAIN for a in rest) and all(a in _PLAIN or (isinstance(a, type) and attrs.has(a)) for a in rest)


def _fits(value: Any, tp: Any) -> bool:
    """Whether a union member ``tp`` is the one meant for ``value`` (its hook then checks the rest)."""
    if isinstance(tp, type) and attrs.has(tp):
        return isinstance(value, dict)
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, tp)


def _is_sequence(tp: Any) -> bool:
    return get_origin(tp) in (tuple, list, Sequence_abc)


def _map_args(tp: Any) -> tuple[Any, Any]:
    args = get_args(tp)
    return (args[0], args[1]) if len(args) == 2 else (str, Any)


def file_key(field: attrs.Attribute[Any]) -> str:
    """The key a field has in files: ``metadata={"key": ...}`` where it differs from the Python name.

    ``Framework.default_scale`` is ``scale`` in files (``Framework.scale()`` is the lookup).
    """
    key = field.metadata.get("key")
    return str(key) if key else field.alias or field.name


def _renamed(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and any("key" in f.metadata for f in attrs.fields(cls))


def _make_converter() -> cattrs.Converter:
    from datetime import date

    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
    from cattrs.preconf.tomllib import make_converter

    conv = make_converter(forbid_extra_keys=True, omit_if_default=True, detailed_validation=False)
    plain: tuple[tuple[type, Callable[[Any, Any], Any]], ...] = (
        (str, _strict_str),
        (int, _strict_int),
        (float, _strict_float),
        (bool, _strict_bool),
        (date, _strict_date),
    )
    for tp, hook in plain:
        conv.register_structure_hook(tp, hook)

    # FrozenMap is an ordinary table (TOML) or object (JSON) in files.
    def structure_map_factory(tp: Any) -> Callable[[Any, Any], Any]:
        key_tp, value_tp = _map_args(tp)
        inner = conv.get_structure_hook(dict[key_tp, value_tp])  # type: ignore[valid-type]

        def structure_map(value: Any, _: Any) -> FrozenMap[Any, Any]:
            if not isinstance(value, dict):
                raise _WrongType("type", expected=Note("type.table"), got=_describe(value))
            return FrozenMap(inner(value, dict))

        return structure_map

    conv.register_structure_hook_factory(_is_frozen_map, structure_map_factory)

    # A list in a file is a list: cattrs would read the text "cab" as ("c", "a", "b").
    def structure_seq_factory(tp: Any) -> Callable[[Any, Any], Any]:
        origin = get_origin(tp)
        args = get_args(tp)
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            hooks = [(conv.get_structure_hook(a), a) for a in args]

            def structure_fixed(value: Any, _: Any) -> tuple[Any, ...]:
                if not isinstance(value, (list, tuple)):
                    raise _WrongType("type", expected=Note("type.list"), got=_describe(value))
                if len(value) != len(hooks):
                    raise _WrongType("type.list-length", count=len(hooks), got=len(value))
                return tuple(h(value[i], a) for i, (h, a) in enumerate(hooks))

            return structure_fixed
        item_tp = args[0] if args else Any
        item = conv.get_structure_hook(item_tp)
        as_list = origin is list

        def structure_seq(value: Any, _: Any) -> Any:
            if not isinstance(value, (list, tuple)):
                raise _WrongType("type", expected=Note("type.list"), got=_describe(value))
            items = [item(v, item_tp) for v in value]
            return items if as_list else tuple(items)

        return structure_seq

    conv.register_structure_hook_factory(_is_sequence, structure_seq_factory)

    # Unions of plain values and tables (``int | Bounds``, ``float | None``): cattrs would pass a
    # plain value through unchecked; here each goes through its type's hook (and number policy).
    def structure_union_factory(tp: Any) -> Callable[[Any, Any], Any]:
        args = get_args(tp)
        optional = type(None) in args
        hooks = [(a, conv.get_structure_hook(a)) for a in args if a is not type(None)]
        expected = _either([_type_word(a) if not attrs.has(a) else Note("type.table") for a, _ in hooks])

        def structure_union(value: Any, _: Any) -> Any:
            if value is None and optional:
                return None
            for arg, hook in hooks:
                if _fits(value, arg):
                    return hook(value, arg)
            raise _WrongType("type", expected=expected, got=_describe(value))

        return structure_union

    conv.register_structure_hook_factory(_is_plain_union, structure_union_factory)

    # Fields whose file key differs from their Python name (metadata "key").
    def structure_renamed(cls: Any) -> Any:
        renames: dict[str, Any] = {
            f.name: override(rename=f.metadata["key"]) for f in attrs.fields(cls) if "key" in f.metadata
        }
        return make_dict_structure_fn(cls, conv, **renames)

    def unstructure_renamed(cls: Any) -> Any:
        renames: dict[str, Any] = {
            f.name: override(rename=f.metadata["key"]) for f in attrs.fields(cls) if "key" in f.metadata
        }
        return make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **renames)

    conv.register_structure_hook_factory(_renamed, structure_renamed)
    conv.register_unstructure_hook_factory(_renamed, unstructure_renamed)

    # A Note's parameters: plain values, a list of texts, or another note (a table with a code).
    from .messages import Note, Param

    def structure_param(value: Any, _: Any) -> Any:
        if isinstance(value, dict):
            return conv.structure(value, Note)
        if isinstance(value, list):
            return tuple(_strict_str(v, str) for v in value)
        if isinstance(value, (str, int, float, bool)):
            if isinstance(value, float) and not math.isfinite(value):
                raise _WrongType("type", expected=Note("type.finite"), got=_describe(value))
            return value
        raise _WrongType("type", expected=Note("type.param"), got=_describe(value))

    conv.register_structure_hook_func(lambda tp: tp == Param, structure_param)
    structure_note_table = make_dict_structure_fn(Note, conv)

    def structure_note(value: Any, _: Any) -> Note:
        # a note saved as text before notes were facts (kept for one minor release)
        if isinstance(value, str):
            return Note("text", {"text": value})
        if not isinstance(value, dict):
            raise _WrongType("type", expected=Note("type.table"), got=_describe(value))
        return structure_note_table(value, Note)

    conv.register_structure_hook(Note, structure_note)
    return conv


_CONVERTER: cattrs.Converter | None = None


def get_converter() -> cattrs.Converter:
    """The converter every qframework file goes through (``qframework.io.converter``), built on first use.

    Plugins and tools that need to turn a qframework object into plain data should use it (or
    :func:`unstructure`) rather than their own.
    """
    global _CONVERTER
    if _CONVERTER is None:
        _CONVERTER = _make_converter()
    return _CONVERTER


if TYPE_CHECKING:
    converter: cattrs.Converter


def __getattr__(name: str) -> Any:
    if name == "converter":
        return get_converter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- structure ---------------------------------------------------------------------------------


def structure(data: Any, cls: type[T], *, file: str | None = None) -> T:
    """Build a ``cls`` from plain data (parsed TOML or JSON), validating it completely.

    Raises :class:`ValidationError` listing every problem, each with its path.
    """
    try:
        with deferred():
            obj = get_converter().structure(data, cls)
    except Exception:
        problems: list[Problem] = []
        with deferred():
            built = _Lenient(problems).value(data, cls, "")
        if built is not None:
            # Broken leaves were replaced by None; what the semantic pass says about them repeats
            # a problem already reported, so keep only what concerns other paths.
            broken = [p.path for p in problems]
            problems.extend(p for p in problems_of(built) if not _under_any(p.path, broken))
        if not problems:  # pragma: no cover - the fast path failed in a way we cannot describe
            raise
        raise ValidationError(_annotate(sort_problems(problems), data), file) from None
    found = problems_of(obj)
    if found:
        raise ValidationError(_annotate(sort_problems(found), data), file)
    return obj


def _annotate(problems: list[Problem], data: Any) -> list[Problem]:
    """Name each element's id in the paths (``dimensions[2] (netzwerk).number``); see :mod:`qframework._paths`."""
    from ._paths import annotate

    return annotate(problems, data)


def _under_any(path: str, prefixes: list[str]) -> bool:
    return any(path == prefix or path.startswith((prefix + ".", prefix + "[")) for prefix in prefixes if prefix)


class _Lenient:
    """Structure field by field, recording problems instead of stopping at the first one.

    Broken leaves become ``None`` so that the rest of the tree can still be built and checked.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def fail(self, path: str, code: str, **params: Any) -> None:
        self.problems.append(Problem.of(path, code, **params))

    def value(self, data: Any, tp: Any, path: str) -> Any:
        origin = get_origin(tp)
        if origin in (Union, types.UnionType):
            args = get_args(tp)
            if data is None and type(None) in args:
                return None
            rest = [a for a in args if a is not type(None)]
            if len(rest) == 1:
                return self.value(data, rest[0], path)
            # a value or a table (``int | Bounds``): a table is the class, anything else the value
            tables = [a for a in rest if isinstance(a, type) and attrs.has(a)]
            if len(tables) == 1 and len(rest) == 2:
                other = next(a for a in rest if a is not tables[0])
                if isinstance(data, bool) and other is not bool:
                    self.fail(
                        path, "type", expected=_either([_type_word(other), Note("type.table")]), got=_describe(data)
                    )
                    return None
                return self.value(data, tables[0] if isinstance(data, dict) else other, path)
            if len(tables) == 1 and isinstance(data, dict):
                # a table where values or one class may stand (a note's parameter): the class, so that a
                # wrong key is reported at its own path, as everywhere, not as the converter's words
                return self.value(data, tables[0], path)
            return self.leaf(data, tp, path)
        if isinstance(tp, type) and attrs.has(tp):
            return self.attrs_class(data, tp, path)
        if origin in (tuple, list, typing.Sequence, Sequence_abc):
            args = get_args(tp)
            item_tp = args[0] if args else Any
            if not isinstance(data, list):
                self.fail(path, "type", expected=Note("type.list"), got=_describe(data))
                return ()
            if origin is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
                # a fixed-size tuple such as a location (latitude, longitude)
                if len(data) != len(args):
                    self.fail(path, "type.list-length", count=len(args), got=len(data))
                    return None
                return tuple(self.value(data[i], a, f"{path}[{i}]") for i, a in enumerate(args))
            items = [self.value(v, item_tp, f"{path}[{i}]") for i, v in enumerate(data)]
            return tuple(items) if origin is not list else items
        if origin in (dict, Mapping_abc, typing.Mapping, FrozenMap) or tp is FrozenMap:
            key_tp, val_tp = _map_args(tp)
            if not isinstance(data, dict):
                self.fail(path, "type", expected=Note("type.table"), got=_describe(data))
                return FrozenMap() if origin is FrozenMap else {}
            table = {
                self.leaf(k, key_tp, join_path(path, str(k))): self.value(v, val_tp, join_path(path, str(k)))
                for k, v in data.items()
            }
            return FrozenMap(table) if origin is FrozenMap or tp is FrozenMap else table
        if origin is Literal:
            allowed = get_args(tp)
            if data not in allowed:
                self.fail(path, "value.choice", allowed=tuple(map(str, allowed)), got=_describe(data))
                return None
            return data
        return self.leaf(data, tp, path)

    def leaf(self, data: Any, tp: Any, path: str) -> Any:
        try:
            return get_converter().structure(data, tp)
        except _WrongType as exc:
            self.fail(path, exc.code, **exc.params)
        except Exception as exc:
            if isinstance(tp, type) and issubclass(tp, Enum):
                allowed = tuple(str(m.value) for m in tp)
                self.fail(path, "value.choice", allowed=allowed, got=_describe(data))
            else:
                self.fail(path, "type.detail", expected=_type_word(tp), detail=str(exc))
        return None

    def personal(self, data: Any, tp: Any, path: str) -> Any:
        """A field holding personal data (``metadata={"personal": True}``, e.g. a delegate's name):
        its problems name the type found, never the value."""
        from .errors import describe_type

        found: list[Problem] = []
        built = _Lenient(found).value(data, tp, path)
        if found:
            self.fail(path, "type.personal", expected=_type_word(tp), got=describe_type(data))
        return built

    def attrs_class(self, data: Any, cls: type[Any], path: str) -> Any:
        if not isinstance(data, dict):
            self.fail(path, "type", expected=Note("type.table"), got=_describe(data))
            return None
        hints = _field_types(cls)
        kwargs: dict[str, Any] = {}
        known = set()
        for field in attrs.fields(cls):
            if not field.init:
                continue
            key = file_key(field)
            arg = field.alias or field.name
            known.add(key)
            fpath = join_path(path, key)
            if key in data and field.metadata.get("personal"):
                kwargs[arg] = self.personal(data[key], hints[field.name], fpath)
            elif key in data:
                kwargs[arg] = self.value(data[key], hints[field.name], fpath)
            elif field.default is attrs.NOTHING:
                self.fail(fpath, "key.missing")
                kwargs[arg] = None
        for key in data:
            if key not in known:
                self.fail(join_path(path, str(key)), "key.unknown", known=tuple(sorted(known)))
        try:
            return cls(**kwargs)
        except Exception:
            return None


from collections.abc import Mapping as Mapping_abc  # noqa: E402
from collections.abc import Sequence as Sequence_abc  # noqa: E402

_HINTS: dict[type[Any], dict[str, Any]] = {}


def _field_types(cls: type[Any]) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        attrs.resolve_types(cls)
        hints = {f.name: f.type for f in attrs.fields(cls)}
        _HINTS[cls] = hints
    return hints


# -- parse / load ------------------------------------------------------------------------------


def format_for(path: str | os.PathLike[str]) -> Format:
    """The file format a path's suffix stands for."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix == ".toml":
        return "toml"
    if suffix == ".json":
        return "json"
    raise ValidationError([Problem.of("", "file.suffix", suffix=suffix)], str(path))


#: The deepest nesting of lists and tables a file may have (the deepest shipped document needs 8).
MAX_DEPTH = 32
#: The largest file qframework reads, in bytes, unless ``QFRAMEWORK_MAX_FILE_BYTES`` says otherwise.
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024


def max_file_bytes() -> int:
    """The file size limit: ``QFRAMEWORK_MAX_FILE_BYTES`` (a whole number of bytes) or 64 MiB."""
    return _limit_from_environment(DEFAULT_MAX_FILE_BYTES)


def _limit_from_environment(default: int) -> int:
    """``QFRAMEWORK_MAX_FILE_BYTES`` when it is a whole number of bytes, else ``default``."""
    raw = os.environ.get("QFRAMEWORK_MAX_FILE_BYTES", "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return default


#: The largest TOML text read unless ``QFRAMEWORK_MAX_FILE_BYTES`` is set: the standard library's
#: TOML parser reads about a megabyte a second (a 62 MiB file with 10⁶ ratings took 71-152 s and
#: 867 MB); the largest realistic TOML document (a framework, a team's assessment) is a few hundred
#: kilobytes. Large data belongs in JSON, which is read about fifty times as fast.
DEFAULT_MAX_TOML_BYTES = 4 * 1024 * 1024


def max_toml_bytes() -> int:
    """The TOML size limit: ``QFRAMEWORK_MAX_FILE_BYTES`` when set (it governs every format), else 4 MiB."""
    return _limit_from_environment(DEFAULT_MAX_TOML_BYTES)


#: How :func:`read_file` opens a file: non-blocking, so that opening a FIFO without a writer does not
#: hang (``O_NONBLOCK`` does not exist on Windows); binary where that is a flag (Windows). The
#: descriptor is not inherited by child processes: ``os.open`` makes it so by itself (PEP 446).
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_file(path: str | os.PathLike[str] | Traversable) -> bytes:
    """A file's bytes: the one function through which qframework reads every file.

    Only a regular file is read (a device, pipe, socket or folder is refused rather than read
    forever), and only up to :func:`max_file_bytes`. Every refusal is a :class:`ValidationError`
    naming the file; an :class:`OSError` is kept as its cause.
    """
    name = str(path)
    limit = max_file_bytes()

    def too_big() -> Problem:  # built only when needed: wording a number loads Babel
        return Problem.of("", "file.too-big", limit=float(limit))

    if not isinstance(path, (str, os.PathLike)):  # a Traversable inside a plugin's package
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ValidationError([Problem.of("", "file.unreadable", reason=str(exc.strerror or exc))], name) from exc
        if len(raw) > limit:
            raise ValidationError([too_big()], name)
        return raw
    import stat

    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise ValidationError([Problem.of("", "file.unreadable", reason=str(exc.strerror or exc))], name) from exc
    except (ValueError, TypeError) as exc:  # a NUL in the name
        raise ValidationError([Problem.of("", "file.unreadable", reason=str(exc))], name) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ValidationError([Problem.of("", "file.folder")], name)
        if not stat.S_ISREG(info.st_mode):
            raise ValidationError(
                [Problem.of("", "file.not-regular")],
                name,
            )
        if info.st_size > limit:
            raise ValidationError([too_big()], name)
        content = _cache_module.read_bounded(fd, limit)
        if content is None:  # the file grew while being read
            raise ValidationError([too_big()], name)
        return content
    except OSError as exc:
        raise ValidationError([Problem.of("", "file.unreadable", reason=str(exc.strerror or exc))], name) from exc
    finally:
        os.close(fd)


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Whether lists and tables nest deeper than ``limit`` (iteratively: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    table = dict(pairs)
    if len(table) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return table


class _NotANumber(Exception):
    def __init__(self, word: str) -> None:
        self.word = word


def _refuse_constant(word: str) -> Any:
    raise _NotANumber(word)


def parse(text: str | bytes, *, format: Format = "toml", file: str | None = None) -> Any:
    """Parse TOML or JSON text into plain data; syntax errors become a ValidationError with line and column.

    The limits of docs/file-formats.md hold here: nesting deeper than :data:`MAX_DEPTH`, a JSON
    object with a key twice, ``NaN``/``Infinity`` in JSON and numbers too long to convert are
    refused with a problem, never an exception of the parser.
    """
    if not isinstance(text, (str, bytes)):
        raise TypeError(f"text must be str or bytes, got {type(text).__name__}")
    _check_format(format)

    def refuse(code: str, **params: Any) -> ValidationError:
        return ValidationError([Problem.of("", code, **params)], file)

    if len(text) > max_file_bytes():
        raise refuse("text.too-long", limit=float(max_file_bytes()))
    if format == "toml" and len(text) > max_toml_bytes():
        raise refuse("text.too-long.toml", limit=float(max_toml_bytes()))
    # Only text handed in as str can hold a lone surrogate (bytes decoded as UTF-8 hold none): searching
    # decoded bytes too would cost a fifth of parsing any file with umlauts.
    lone_surrogate = isinstance(text, str) and _has_surrogate(text)
    if isinstance(text, bytes):
        try:
            text = text.decode()
        except UnicodeDecodeError as exc:
            raise refuse("text.not-utf8", byte=exc.start) from None
    try:
        if format == "toml":
            import tomllib

            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise refuse("syntax.toml", detail=str(exc)) from None
        else:
            import json

            try:
                data = json.loads(text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
            except json.JSONDecodeError as exc:
                raise refuse("syntax.json", detail=exc.msg, line=exc.lineno, column=exc.colno) from None
            except _DuplicateKey as exc:
                raise refuse("syntax.json-key-twice", key=exc.key) from None
            except _NotANumber as exc:
                raise refuse("syntax.json-constant", word=exc.word) from None
    except RecursionError:
        raise refuse("text.too-deep", depth=MAX_DEPTH) from None
    except ValidationError:
        raise
    except ValueError as exc:  # an integer of thousands of digits (int max_str_digits)
        if "digits" in str(exc):
            raise refuse("syntax.digits") from None
        # unreachable with Python's parsers (kept for a parser that raises something new)
        raise refuse("syntax.other", detail=str(exc)) from None  # pragma: no mutate (equivalent: unreachable)
    except MemoryError:  # pragma: no cover - bounded by the size limit
        raise refuse("syntax.too-large") from None  # pragma: no mutate (equivalent: unreachable)
    if _depth_exceeds(data, MAX_DEPTH):
        raise refuse("text.too-deep", depth=MAX_DEPTH)
    # a lone surrogate: in text handed in as str, or as a JSON escape
    if (lone_surrogate or (format == "json" and _SURROGATE_ESCAPE.search(text))) and (
        where := _lone_surrogate_path(data)
    ) is not None:
        raise ValidationError([Problem.of(where, "value.surrogate")], file)
    return data


#: A JSON escape of a surrogate code point: only text with one can decode to a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]|\\u[dD][c-fC-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def _lone_surrogate_path(data: Any) -> str | None:
    """The path of the first key or text value holding a lone surrogate (iteratively), or None."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if _has_surrogate(value):
                return path
        elif isinstance(value, dict):
            for key, child in reversed(list(value.items())):
                if _has_surrogate(str(key)):
                    return path
                stack.append((child, join_path(path, str(key))))
        elif isinstance(value, list):
            stack.extend((child, f"{path}[{i}]") for i, child in reversed(list(enumerate(value))))
    return None


def _check_format(format: object, function: str = "qframework.io") -> None:
    """``toml`` or ``json``: another ``str`` is :class:`UnknownOption`, another type a ``TypeError``."""
    from ._args import expect_option

    expect_option(format, ("toml", "json"), function)


def parse_json_fast(text: str | bytes, *, file: str | None = None) -> Any:
    """``parse(text, format="json")``: the bulk reader's fallback when its msgspec path hands a file over.

    Not orjson, although it parses faster: orjson keeps the last of two equal keys where
    :func:`parse` refuses the file, and it knows none of the limits (size, depth) :func:`parse`
    enforces. Every file that is not clean goes through the one checked parser.
    """
    return parse(text, format="json", file=file)


def loads(cls: type[T], text: str | bytes, *, format: Format = "toml", file: str | None = None) -> T:
    """Parse and validate a document of type ``cls`` from TOML or JSON text.

    Problems in TOML text carry the line where their element starts (``file.toml:41: …``).
    """
    data = parse(text, format=format, file=file)
    try:
        return structure(data, cls, file=file)
    except ValidationError as exc:
        if format != "toml":
            raise
        from ._paths import annotate

        source = text.decode() if isinstance(text, bytes) else text
        raise ValidationError(annotate(exc.problems, data, source), exc.file) from None


def load(cls: type[T], path: str | os.PathLike[str] | Traversable, *, format: Format | None = None) -> T:
    """Read, parse and validate a file; the format follows the suffix unless given.

    ``path`` may also be a :class:`importlib.resources.abc.Traversable`, which is how plugins
    load the data files inside their package. While plugins register their data (inside
    :func:`caching_loads`), a file whose content was validated before comes from the
    validated-data cache (see :mod:`qframework._cache`).
    """
    if not isinstance(path, (str, os.PathLike)) and not callable(getattr(path, "read_bytes", None)):
        raise TypeError(f"path must be a str, os.PathLike or Traversable, got {type(path).__name__}")
    name = str(path)
    fmt = format or format_for(name)
    # ``read_file`` keeps an OSError as the cause: a plugin failure says "cannot read data file".
    raw = read_file(path)
    if not _CACHING.get():
        return loads(cls, raw, format=fmt, file=name)
    from . import _cache

    # A lookup with other arguments is a miss, which validates the same bytes again: only time differs.
    shipped = name if isinstance(path, (str, os.PathLike)) else None  # pragma: no mutate (equivalent: a miss)
    cached = _cache.get(cls, raw, fmt, shipped)  # pragma: no mutate (equivalent: a miss re-validates)
    if cached is not None:
        return cached
    obj = loads(cls, raw, format=fmt, file=name)
    _cache.put(cls, raw, fmt, obj)
    return obj


_CACHING = _cache_module.CACHING  # the registry sets it without importing this module (start-up)


@contextmanager
def caching_loads() -> Iterator[None]:
    """Let :func:`load` use the validated-data cache (the registry turns it on for plugin data)."""
    token = _CACHING.set(True)
    try:
        yield
    finally:
        _CACHING.reset(token)


# -- unstructure / dump / save -----------------------------------------------------------------


def unstructure(obj: Any) -> Any:
    """Plain data (dicts, lists, str, numbers, dates) for any qframework object."""
    return get_converter().unstructure(obj)


def _json_default(value: Any) -> Any:
    from datetime import date, datetime

    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(obj: Any, *, format: Format = "toml") -> str:
    """Serialise a qframework object as TOML or JSON text (lossless: ``loads(dumps(x)) == x``)."""
    _check_format(format, "dumps")
    if not attrs.has(type(obj)) and not isinstance(obj, (dict, list, tuple)):
        from ._args import refuse

        refuse(obj, "dumps", "obj", "a qframework value (an attrs class such as Framework), a dict or a list")
    data = unstructure(obj)
    if format == "toml":
        import tomli_w

        if not isinstance(data, dict):
            raise QFrameworkError(
                f"TOML cannot hold {type(obj).__name__} at the top level (a TOML document is a table); use JSON"
            )
        missing = _none_path(data, "")
        if missing is not None:
            raise QFrameworkError(f"TOML has no empty value, but {missing or 'the value'} is None; use JSON")
        # A TOML reader turns "\r\n" inside a multi-line string into "\n": text holding a carriage
        # return is written as escaped one-line strings, so that it comes back as it was.
        return tomli_w.dumps(data, multiline_strings=not _has_carriage_return(data))
    import json

    try:
        return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default, allow_nan=False) + "\n"
    except ValueError:
        raise QFrameworkError("cannot write NaN or infinity as JSON (a value is not a finite number)") from None


def _has_carriage_return(data: Any) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\r" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
    return False


def _none_path(data: Any, path: str) -> str | None:
    """The path of the first ``None`` in plain data (TOML cannot write one), or ``None``."""
    if data is None:
        return path
    if isinstance(data, dict):
        for key, value in data.items():
            found = _none_path(value, join_path(path, str(key)))
            if found is not None:
                return found
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found = _none_path(value, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def atomic_write(path: str | os.PathLike[str], data: bytes | str | Callable[[], bytes | str]) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file, never half of one.

    ``data`` may be a callable producing the content: it runs before the file is touched, so an
    error while serialising leaves the old file as it was. The content goes to a temporary file
    in the same folder, is flushed and fsync'ed, then renamed over the target.
    """
    content = data() if callable(data) else data
    payload = content.encode() if isinstance(content, str) else content
    from pathlib import Path

    # Write through a symbolic link to the file it points to, rather than replacing the link.
    target = Path(os.path.realpath(path))
    folder = target.parent
    if target.is_dir():
        raise QFrameworkError(f"cannot write {path}: it is a folder")
    _refuse_special(path, target)
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise QFrameworkError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        _refuse_special(path, target)  # again: it may have been replaced while the content was written
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise QFrameworkError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):
        # Make the rename durable. The new file is in place already: a folder that refuses to be
        # opened or fsync'ed (some file systems, some permissions) is not an error of the save.
        try:
            dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


def _refuse_special(path: str | os.PathLike[str], target: Any) -> None:
    """Outputs replace regular files only: renaming over a device, FIFO or socket would replace it."""
    import stat

    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise QFrameworkError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(mode):
        raise QFrameworkError(
            f"cannot write {path}: it is not a regular file (a device, pipe or socket); name a file to write"
        )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save(obj: Any, path: str | os.PathLike[str], *, format: Format | None = None) -> None:
    """Write ``obj`` to ``path`` atomically; the format follows the suffix unless given."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    fmt = format or format_for(path)
    atomic_write(path, lambda: dumps(obj, format=fmt))


# -- frameworks --------------------------------------------------------------------------------


def load_framework(path: str | os.PathLike[str] | Traversable, *, registry: object = None) -> Framework:
    """Load and validate a framework file (``.toml`` or ``.json``).

    ``registry`` is accepted (and unused) so that every ``load_X`` has the same signature.
    """
    return load(Framework, path)


def loads_framework(text: str | bytes, *, format: Format = "toml", file: str | None = None) -> Framework:
    """Parse and validate a framework from text."""
    return loads(Framework, text, format=format, file=file)


def dumps_framework(framework: Framework, *, format: Format = "toml") -> str:
    """Serialise a framework as TOML or JSON."""
    if not isinstance(framework, Framework):
        from ._args import expect

        expect(framework, Framework, "dumps_framework", "framework")
    return dumps(framework, format=format)
