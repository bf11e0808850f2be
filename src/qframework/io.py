"""Reading and writing qframework files: the one place that knows about (de)serialisation.

One cattrs converter (built on :mod:`cattrs.preconf.tomllib`, ``forbid_extra_keys``,
``omit_if_default``) turns every model class into TOML- and JSON-ready data and back.

Loading is validated completely. The fast path structures with cattrs' generated code and then
runs the semantic pass; only when something is wrong does a second, lenient pass walk the data
field by field to report *every* problem with its path (``dimensions[2].indicators[0].scale``),
including the semantic ones of the parts that could be built. Saving is atomic.
"""

from __future__ import annotations

import os
import re
import types
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union, get_args, get_origin

import attrs

# datetime, json, tomllib, tomli_w, tempfile and cattrs load on first use: start-up of the command
# line (and of every tool that imports qframework) should not pay for what a cached registry skips.
if TYPE_CHECKING:
    from datetime import date
    from importlib.resources.abc import Traversable

    import cattrs

from .errors import Problem, QFrameworkError, ValidationError, join_path
from .frozen import FrozenMap
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
    "save",
    "structure",
    "unstructure",
]

T = TypeVar("T")
Format = Literal["toml", "json"]


def _type_word(tp: Any) -> str:
    """How a problem names a type: "a whole number" rather than ``int``."""
    from datetime import date, datetime

    words = {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        dict: "a table",
        list: "a list",
        date: "a date (YYYY-MM-DD)",
        datetime: "a date and time",
    }
    return words.get(tp, getattr(tp, "__name__", str(tp)))


def _describe(value: object) -> str:
    kind = {str: "text", int: "whole number", float: "number", bool: "boolean", dict: "table", list: "list"}.get(
        type(value), type(value).__name__
    )
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{shown} ({kind})"


class _WrongType(TypeError):
    pass


def _strict_str(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise _WrongType(f"expected text, got {_describe(value)}")
    return value


def _strict_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _WrongType(f"expected a whole number, got {_describe(value)}")
    return value


def _strict_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _WrongType(f"expected a number, got {_describe(value)}")
    return float(value)


def _strict_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise _WrongType(f"expected true or false, got {_describe(value)}")
    return value


def _strict_date(value: Any, _: Any) -> date:
    from datetime import date, datetime

    if isinstance(value, datetime):
        raise _WrongType(f"expected a date (YYYY-MM-DD), got {_describe(value)}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _WrongType(f"expected a date (YYYY-MM-DD), got {_describe(value)}")


def _is_frozen_map(tp: Any) -> bool:
    return tp is FrozenMap or get_origin(tp) is FrozenMap


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
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
    from cattrs.preconf.tomllib import make_converter

    conv = make_converter(forbid_extra_keys=True, omit_if_default=True, detailed_validation=False)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(float, _strict_float)
    conv.register_structure_hook(bool, _strict_bool)
    from datetime import date

    conv.register_structure_hook(date, _strict_date)

    # FrozenMap is an ordinary table (TOML) or object (JSON) in files.
    def structure_map_factory(tp: Any) -> Callable[[Any, Any], Any]:
        key_tp, value_tp = _map_args(tp)
        inner = conv.get_structure_hook(dict[key_tp, value_tp])  # type: ignore[valid-type]

        def structure_map(value: Any, _: Any) -> FrozenMap[Any, Any]:
            if not isinstance(value, dict):
                raise _WrongType(f"expected a table, got {_describe(value)}")
            return FrozenMap(inner(value, dict))

        return structure_map

    def unstructure_map_factory(tp: Any) -> Callable[[Any], Any]:
        key_tp, value_tp = _map_args(tp)
        inner = conv.get_unstructure_hook(dict[key_tp, value_tp])  # type: ignore[valid-type]
        return lambda value: inner(dict(value))

    conv.register_structure_hook_factory(_is_frozen_map, structure_map_factory)
    conv.register_unstructure_hook_factory(_is_frozen_map, unstructure_map_factory)

    # Fields whose file key differs from their Python name (metadata "key").
    def structure_renamed(cls: Any) -> Any:
        renames: dict[str, Any] = {
            f.name: override(rename=f.metadata["key"]) for f in attrs.fields(cls) if "key" in f.metadata
        }
        return make_dict_structure_fn(
            cls, conv, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=False, **renames
        )

    def unstructure_renamed(cls: Any) -> Any:
        renames: dict[str, Any] = {
            f.name: override(rename=f.metadata["key"]) for f in attrs.fields(cls) if "key" in f.metadata
        }
        return make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **renames)

    conv.register_structure_hook_factory(_renamed, structure_renamed)
    conv.register_unstructure_hook_factory(_renamed, unstructure_renamed)
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
        raise ValidationError(sorted(problems, key=_path_key), file) from None
    found = problems_of(obj)
    if found:
        raise ValidationError(sorted(found, key=_path_key), file)
    return obj


def _path_key(problem: Problem) -> list[tuple[int, int | str]]:
    """Sort problems in document order: ``dimensions[2]`` before ``dimensions[10]``."""
    parts = re.split(r"[.\[\]]+", problem.path)
    return [(0, int(p)) if p.isdigit() else (1, p) for p in parts if p]


def _under_any(path: str, prefixes: list[str]) -> bool:
    return any(path == prefix or path.startswith((prefix + ".", prefix + "[")) for prefix in prefixes if prefix)


class _Lenient:
    """Structure field by field, recording problems instead of stopping at the first one.

    Broken leaves become ``None`` so that the rest of the tree can still be built and checked.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

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
                return self.value(data, tables[0] if isinstance(data, dict) else other, path)
            return self.leaf(data, tp, path)
        if isinstance(tp, type) and attrs.has(tp):
            return self.attrs_class(data, tp, path)
        if origin in (tuple, list, typing.Sequence, Sequence_abc):
            args = get_args(tp)
            item_tp = args[0] if args else Any
            if not isinstance(data, list):
                self.fail(path, f"expected a list, got {_describe(data)}")
                return ()
            if origin is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
                # a fixed-size tuple such as a location (latitude, longitude)
                if len(data) != len(args):
                    self.fail(path, f"expected a list of {len(args)} values, got {len(data)}")
                    return None
                return tuple(self.value(v, a, f"{path}[{i}]") for i, (v, a) in enumerate(zip(data, args, strict=True)))
            items = [self.value(v, item_tp, f"{path}[{i}]") for i, v in enumerate(data)]
            return tuple(items) if origin is not list else items
        if origin in (dict, Mapping_abc, typing.Mapping, FrozenMap) or tp is FrozenMap:
            key_tp, val_tp = _map_args(tp)
            if not isinstance(data, dict):
                self.fail(path, f"expected a table, got {_describe(data)}")
                return FrozenMap() if origin is FrozenMap else {}
            table = {
                self.leaf(k, key_tp, join_path(path, str(k))): self.value(v, val_tp, join_path(path, str(k)))
                for k, v in data.items()
            }
            return FrozenMap(table) if origin is FrozenMap or tp is FrozenMap else table
        if origin is Literal:
            allowed = get_args(tp)
            if data not in allowed:
                self.fail(path, f"must be one of {', '.join(map(str, allowed))}, got {_describe(data)}")
                return None
            return data
        return self.leaf(data, tp, path)

    def leaf(self, data: Any, tp: Any, path: str) -> Any:
        try:
            return get_converter().structure(data, tp)
        except _WrongType as exc:
            self.fail(path, str(exc))
        except Exception as exc:
            if isinstance(tp, type) and issubclass(tp, Enum):
                allowed = ", ".join(str(m.value) for m in tp)
                self.fail(path, f"must be one of {allowed}, got {_describe(data)}")
            else:
                self.fail(path, f"expected {_type_word(tp)}: {exc}")
        return None

    def attrs_class(self, data: Any, cls: type[Any], path: str) -> Any:
        if not isinstance(data, dict):
            self.fail(path, f"expected a table, got {_describe(data)}")
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
            if key in data:
                kwargs[arg] = self.value(data[key], hints[field.name], fpath)
            elif field.default is attrs.NOTHING:
                self.fail(fpath, "missing required key")
                kwargs[arg] = None
        for key in data:
            if key not in known:
                self.fail(join_path(path, str(key)), f"unknown key (expected one of: {', '.join(sorted(known))})")
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
    raise ValidationError(
        [Problem("", f"cannot tell the format from the suffix {suffix!r}: use .toml or .json")], str(path)
    )


def parse(text: str | bytes, *, format: Format = "toml", file: str | None = None) -> Any:
    """Parse TOML or JSON text into plain data; syntax errors become a ValidationError with line and column."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError([Problem("", f"not UTF-8 text (byte {exc.start})")], file) from None
    if format == "toml":
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError([Problem("", f"TOML syntax error: {exc}")], file) from None
    if format == "json":
        import json

        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                [Problem("", f"JSON syntax error: {exc.msg} (at line {exc.lineno}, column {exc.colno})")], file
            ) from None
    raise ValueError(f"format must be 'toml' or 'json', got {format!r}")


def parse_json_fast(text: str | bytes, *, file: str | None = None) -> Any:
    """``parse(text, format="json")``, through orjson when it is installed (the ``fast`` extra).

    For large files (bulk assessments): orjson parses several times faster than the standard
    library. Whatever orjson refuses (a syntax error, but also what the standard library accepts
    beyond JSON: NaN, integers wider than 64 bits) goes through :func:`parse`, so the result and
    every error message are the standard library's.
    """
    try:
        import orjson
    except ImportError:
        return parse(text, format="json", file=file)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return parse(text, format="json", file=file)


def loads(cls: type[T], text: str | bytes, *, format: Format = "toml", file: str | None = None) -> T:
    """Parse and validate a document of type ``cls`` from TOML or JSON text."""
    return structure(parse(text, format=format, file=file), cls, file=file)


def load(cls: type[T], path: str | os.PathLike[str] | Traversable, *, format: Format | None = None) -> T:
    """Read, parse and validate a file; the format follows the suffix unless given.

    ``path`` may also be a :class:`importlib.resources.abc.Traversable`, which is how plugins
    load the data files inside their package. While plugins register their data (inside
    :func:`caching_loads`), a file whose content was validated before comes from the
    validated-data cache (see :mod:`qframework._cache`).
    """
    name = str(path)
    fmt = format or format_for(name)
    try:
        if isinstance(path, (str, os.PathLike)):
            with open(path, "rb") as handle:
                raw = handle.read()
        else:
            raw = path.read_bytes()
    except OSError as exc:
        # ``from exc`` keeps the OSError as the cause: a plugin failure says "cannot read data file".
        raise ValidationError([Problem("", f"cannot read file: {exc.strerror or exc}")], name) from exc
    if not _CACHING.get():
        return loads(cls, raw, format=fmt, file=name)
    from . import _cache

    cached = _cache.get(cls, raw, fmt)
    if cached is not None:
        return cached
    obj = loads(cls, raw, format=fmt, file=name)
    _cache.put(cls, raw, fmt, obj)
    return obj


_CACHING: ContextVar[bool] = ContextVar("qframework_caching_loads", default=False)


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
        return tomli_w.dumps(data, multiline_strings=True)
    if format == "json":
        import json

        return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    raise ValueError(f"format must be 'toml' or 'json', got {format!r}")


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
    payload = content.encode("utf-8") if isinstance(content, str) else content
    from pathlib import Path

    # Write through a symbolic link to the file it points to, rather than replacing the link.
    target = Path(os.path.realpath(path))
    folder = target.parent
    if target.is_dir():
        raise QFrameworkError(f"cannot write {path}: it is a folder")
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
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise QFrameworkError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save(obj: Any, path: str | os.PathLike[str], *, format: Format | None = None) -> None:
    """Write ``obj`` to ``path`` atomically; the format follows the suffix unless given."""
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
    return dumps(framework, format=format)
