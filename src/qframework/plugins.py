"""Finding plugins and collecting what they register.

:func:`make_plugin_manager` builds a fresh pluggy manager: first the built-in plugins (modules of
this package, through the very same hooks), then every entry point in the group ``qframework``,
in the order their distributions were installed (so that the plugin installed first keeps an id
two plugins register, and the newcomer is the one named). A plugin that fails to import, has a
misspelt hook, implements no hook or raises inside a hook is recorded as a :class:`PluginFailure`
under its name, with the file and line where its code raised; the others still load. :func:`load_registry` calls the
hooks and returns a :class:`Registry` of everything registered, by id, with the plugin that
supplied each object.

A plugin may register a data file by its path instead of an object. A file whose exact bytes were
validated before is registered under the id (a framework under its id and version) that the
validated-data cache, or the plugin's shipped data (:mod:`qframework._cache`), recorded for them,
and built on first access (``registry.frameworks[id]``, ``registry.programmes[id]``): listing
plugins then structures no framework and never imports the programme and assignment modules. A
file not seen before is loaded at once, so an invalid one is named in ``Registry.failures`` exactly
as an invalid object would be.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import attrs
import pluggy

from . import hookspecs
from ._fields import tuple_fields
from .errors import NotFound, PluginError, ValidationError
from .frozen import FrozenMap
from .hookspecs import PROJECT_NAME
from .messages import Note

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from .aggregation import Aggregation
    from .crosswalk import Crosswalk
    from .io import Format
    from .model import Framework  # imported when first needed: listing plugins structures no framework
    from .programme import Programme

    DataPath = str | os.PathLike[str] | Traversable

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "ENV_VAR",
    "PluginFailure",
    "PluginInfo",
    "PluginManager",
    "PluginReport",
    "PluginSummary",
    "Registered",
    "Registry",
    "load_registry",
    "make_plugin_manager",
]

ENTRY_POINT_GROUP = "qframework"
ENV_VAR = "QFRAMEWORK_PLUGINS"

#: Modules of qframework itself that are registered as plugins, before any entry point.
BUILTIN_PLUGINS: tuple[str, ...] = ("qframework.builtins.aggregations",)

T = TypeVar("T")


@attrs.frozen
class PluginInfo:
    """Who supplied something: a plugin's name (its entry-point name), distribution version and module."""

    name: str
    version: str | None
    module: str
    builtin: bool = False

    def __str__(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.name


@attrs.frozen(field_transformer=tuple_fields)
class PluginFailure:
    """A plugin that could not be used (or one of its ids that could not), and why. The others are not affected.

    ``clash_with`` names the plugin that keeps an id both registered (the one installed first): the
    failure is recorded under the plugin that caused it, the newcomer, whose object was left out.
    ``where`` is a short traceback summary of an exception raised in the plugin's code, innermost
    last, one ``file:line in function: source`` line per frame (also at the end of ``message``).
    """

    plugin: str
    message: str
    clash_with: str | None = None
    where: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"plugin {self.plugin!r}: {self.message}"


class PluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers each plugin's :class:`PluginInfo` and every failure.

    ``installed`` holds when each entry-point plugin's distribution was installed (its metadata
    folder's modification time, in nanoseconds): it says why the plugin installed first keeps an
    id two plugins register (see :func:`load_registry`).
    """

    def __init__(self) -> None:
        super().__init__(PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []
        self.installed: dict[str, int] = {}

    def add_plugin(self, plugin: object, info: PluginInfo, *, installed: int = 0) -> bool:
        """Register one plugin object; on a bad hook record a failure and leave it out."""
        self.installed[info.name] = installed
        try:
            self.register(plugin, name=info.name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            self.failures.append(PluginFailure(info.name, f"invalid plugin: {exc}"))
            return False
        self.infos[info.name] = info
        if not self._check_pending(info.name):
            return False
        if not self.get_hookcallers(plugin):
            self.failures.append(PluginFailure(info.name, _no_hooks(plugin)))
        return True

    def _check_pending(self, name: str) -> bool:
        # check_pending() finds hook implementations that match no spec (a misspelt hook name).
        # Attribute the error to the plugin and unregister only that one.
        try:
            self.check_pending()
        except pluggy.PluginValidationError as exc:
            plugin = self.get_plugin(name)
            message = _unknown_hooks(self, plugin) or str(exc)
            if plugin is not None:
                self.unregister(plugin)
            self.infos.pop(name, None)
            self.failures.append(PluginFailure(name, message))
            return False
        return True


def _unknown_hooks(pm: pluggy.PluginManager, plugin: object) -> str:
    """``unknown hook 'qframework_framework' (did you mean 'qframework_frameworks'? known: …)``, once per name."""
    known = [name for name in dir(hookspecs) if name.startswith(f"{PROJECT_NAME}_")]
    unknown: dict[str, str] = {}
    for impl_name, caller in vars(pm.hook).items():
        if caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin:
                unknown[impl_name] = _defined_at(impl.function)
    return "; ".join(str(NotFound.unknown("hook", name, known)) + unknown[name] for name in sorted(unknown))


def _defined_at(function: object) -> str:
    """`` (at FILE:LINE)`` where a function is defined, or ``""`` if that cannot be told."""
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    return f" (at {code.co_filename}:{code.co_firstlineno})" if code is not None else ""


def _no_hooks(plugin: object) -> str:
    """Why a plugin implements no hook: functions named like hooks without ``@hookimpl``, or none at all."""
    unmarked = sorted(
        name for name in dir(plugin) if name.startswith(f"{PROJECT_NAME}_") and callable(getattr(plugin, name, None))
    )
    if unmarked:
        return (
            f"registers nothing: {', '.join(unmarked)} {'is' if len(unmarked) == 1 else 'are'} not marked "
            f"@hookimpl (add 'from qframework import hookimpl' and put @hookimpl above each hook function)"
        )
    return (
        "registers nothing: it implements no hook (no @hookimpl? a plugin needs a function such as "
        "qframework_frameworks marked @hookimpl, in the module its entry point names)"
    )


def _allowed_names() -> set[str] | None:
    raw = os.environ.get(ENV_VAR)
    if raw is None:
        return None
    return {part.strip() for part in re.split(r"[,\s]+", raw) if part.strip()}


def make_plugin_manager(*, entry_points: bool = True, builtins: bool = True) -> PluginManager:
    """A fresh plugin manager with the built-in plugins and (unless disabled) all installed ones.

    ``QFRAMEWORK_PLUGINS=a,b`` restricts the entry-point plugins to those names (an empty value
    loads none); built-in plugins always load. Tests pass ``entry_points=False`` and register
    their own plugins on the returned manager with :meth:`PluginManager.add_plugin`.
    """
    pm = PluginManager()
    if builtins:
        for module_name in BUILTIN_PLUGINS:
            module = importlib.import_module(module_name)
            pm.add_plugin(module, PluginInfo(module_name, None, module_name, builtin=True))
    if entry_points:
        _load_entry_points(pm)
    return pm


def _load_entry_points(pm: PluginManager, *, select: bool = True) -> None:
    """Register the installed plugins in the order they were installed (then by name).

    ``select=False`` ignores ``QFRAMEWORK_PLUGINS`` (:func:`qframework.testing.assert_plugin_loads`).
    """
    allowed = _allowed_names() if select else None
    found: set[str] = set()
    for name, value, version, installed in sorted(_entry_points(), key=lambda ep: (ep[3], ep[0])):
        found.add(name)
        if allowed is not None and name not in allowed:
            continue
        if name in pm.infos:
            pm.failures.append(PluginFailure(name, "two installed plugins use this name; the second is ignored"))
            continue
        try:
            plugin = _load_entry_point(value)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit too: a plugin's import never ends the program
            pm.failures.append(_exception_failure(name, "cannot be imported", exc))
            continue
        pm.add_plugin(plugin, PluginInfo(name, version, value), installed=installed)
    if allowed is not None:
        for name in sorted(allowed - found):
            pm.failures.append(PluginFailure(name, f"named in {ENV_VAR} but not installed"))


def _path_stamps() -> tuple[tuple[str, int], ...]:
    """The import path with each folder's modification time: installing a distribution changes it."""
    stamps = []
    for entry in sys.path:
        try:
            stamps.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            stamps.append((entry, 0))
    return tuple(stamps)


def _installed_at(dist: object) -> int:
    """When a distribution was installed: its metadata folder's modification time (ns), 0 if unknown."""
    path = getattr(dist, "_path", None)  # importlib.metadata.PathDistribution: the .dist-info folder
    if path is None:
        return 0
    try:
        return os.stat(path).st_mtime_ns
    except (OSError, TypeError):
        return 0


def _entry_points() -> list[tuple[str, str, str | None, int]]:
    """``(name, value, distribution version, installed)`` of every entry point in the group, by name.

    ``installed`` is :func:`_installed_at` of the entry point's distribution.

    Scanning every installed distribution's metadata costs more than the rest of start-up; the
    result is kept in the cache (:mod:`qframework._cache`) under the import path and its folders'
    modification times.
    """
    from . import _cache

    key = (b"entry-points-2", ENTRY_POINT_GROUP.encode(), repr(_path_stamps()).encode())
    cached = _cache.lookup(key)
    if isinstance(cached, list):
        return [cast("tuple[str, str, str | None, int]", tuple(entry)) for entry in cached]
    found = _scan_entry_points()
    if found is None:
        found = _metadata_entry_points()
    _cache.store(key, found)
    return found


def _metadata_entry_points() -> list[tuple[str, str, str | None, int]]:
    """:func:`_entry_points` through ``importlib.metadata`` (every kind of installation)."""
    from importlib import metadata

    return [
        (ep.name, ep.value, ep.dist.version if ep.dist is not None else None, _installed_at(ep.dist))
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    ]


def _scan_entry_points() -> list[tuple[str, str, str | None, int]] | None:
    """:func:`_entry_points` read straight from the ``*.dist-info`` folders on the import path, as
    ``importlib.metadata`` finds them (the first distribution of a name on the path wins), without
    importing it (it imports the email package: most of a cold start-up); ``None`` where the
    installation has anything else (``.egg-info``, eggs, zip files, other distribution finders, a
    name twice in one folder): ``importlib.metadata`` then reads it.
    """
    import importlib.machinery

    for finder in sys.meta_path:
        if finder is not importlib.machinery.PathFinder and hasattr(finder, "find_distributions"):
            return None
    seen: set[str] = set()
    found: list[tuple[str, str, str | None, int]] = []
    for entry in sys.path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            if os.path.exists(folder):
                return None  # a zip file on the path
            continue
        except OSError:
            continue
        here: set[str] = set()
        for name in names:
            low = name.lower()
            if low.endswith((".egg-info", ".egg", ".egg-link")) or (
                low.endswith(".dist-info") and not name.endswith(".dist-info")
            ):
                return None
            if not name.endswith(".dist-info"):
                continue
            dist, dash, version = name[: -len(".dist-info")].partition("-")
            normal = re.sub(r"[-_.]+", "_", dist).lower()
            if not dash or not version or normal in here:
                return None
            here.add(normal)
            if normal in seen:
                continue  # shadowed by the same distribution earlier on the path
            seen.add(normal)
            path = os.path.join(folder, name)
            try:
                with open(os.path.join(path, "entry_points.txt"), encoding="utf-8") as handle:
                    text = handle.read()
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError):
                return None
            points = _group_lines(text)
            if points is None:
                return None
            if points:
                declared = _metadata_version(path)
                if declared is None:
                    return None
                stamp = os.stat(path).st_mtime_ns
                found += [(ep_name, value, declared, stamp) for ep_name, value in points]
    return sorted(found, key=lambda ep: ep[0])


def _metadata_version(path: str) -> str | None:
    """The ``Version`` header of a ``.dist-info`` folder's ``METADATA`` (what ``Distribution.version`` reads)."""
    try:
        with open(os.path.join(path, "METADATA"), encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    break  # the end of the headers
                key, colon, value = line.partition(":")
                if colon and key.strip().lower() == "version":
                    return value.strip()
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _group_lines(text: str) -> list[tuple[str, str]] | None:
    """``(name, value)`` of the entry points of :data:`ENTRY_POINT_GROUP` in an ``entry_points.txt``
    as ``importlib.metadata`` reads it (stripped lines, ``#`` comments, ``[section]``, ``name = value``);
    ``None`` for a line it cannot read (it raises on one: the caller lets it)."""
    out: list[tuple[str, str]] = []
    section = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        name, equals, value = line.partition("=")
        if not equals:
            return None
        if section == ENTRY_POINT_GROUP:
            out.append((name.strip(), value.strip()))
    return out


_ENTRY_POINT_VALUE = re.compile(r"^(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


def _load_entry_point(value: str) -> object:
    """What ``importlib.metadata.EntryPoint.load`` returns for ``module:attr``, without importing it."""
    match = _ENTRY_POINT_VALUE.match(value)
    if match is None:
        raise ValueError(f"malformed entry point {value!r}")
    obj: object = importlib.import_module(match.group("module"))
    for part in (match.group("attr") or "").split("."):
        if part:
            obj = getattr(obj, part)
    return obj


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", version))


class Registered(Mapping[str, T]):
    """Objects of one kind by id: a read-only mapping; :meth:`provider` says which plugin registered one.

    ``registry.frameworks["kqs"]`` raises :class:`~qframework.errors.NotFound` (naming the known
    ids) for an unknown id; ``get``, ``in``, ``keys``, ``items``, ``values`` and ``len`` work as on
    any mapping. Nothing in it can be changed: a registry is shared by every caller in a process.
    """

    __slots__ = ("_built", "_items", "_providers", "kind")

    def __init__(
        self,
        kind: str,
        items: Mapping[str, T | _Deferred] | None = None,
        providers: Mapping[str, PluginInfo] | None = None,
    ) -> None:
        self.kind = kind
        self._items: FrozenMap[str, T | _Deferred] = FrozenMap(items or {})
        self._providers: FrozenMap[str, PluginInfo] = FrozenMap(providers or {})
        self._built: dict[str, T] = {}  # deferred entries, once built

    def __getitem__(self, key: str) -> T:
        try:
            value = self._items[key]
        except KeyError:
            raise NotFound.unknown(self.kind, key, self._items) from None
        if isinstance(value, _Deferred):
            return self._build(key, value)
        return value

    def _build(self, key: str, deferred: _Deferred) -> T:
        """Build a deferred entry once (under a lock: a registry is shared between threads)."""
        with _BUILD_LOCK:
            built = self._built.get(key)
            if built is None:
                try:
                    built = cast(T, deferred.build())
                except ValidationError as exc:
                    raise PluginError(
                        f"plugin {self._providers[key]} shipped invalid data for {self.kind} {key!r}:\n"
                        + "\n".join(exc.lines())
                    ) from None
                self._built[key] = built
            return built

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Registered({self.kind!r}, {sorted(self._items)!r})"

    def provider(self, key: str) -> PluginInfo:
        """The plugin that registered ``key``."""
        self[key]  # raises NotFound for an unknown id
        return self._providers[key]

    @property
    def providers(self) -> FrozenMap[str, PluginInfo]:
        """The plugin of every id (read-only)."""
        return self._providers


_BUILD_LOCK = threading.RLock()


class _Deferred:
    """A data file registered under the id (and, for a framework, the version) the cache or the plugin's
    shipped data recorded for its exact bytes; built on first access, once.

    The bytes are kept, so the object built later is made from exactly the bytes whose id was
    recorded, whatever happens to the file meanwhile.
    """

    __slots__ = ("built", "file", "fmt", "id", "kind", "raw", "version")

    def __init__(self, kind: str, id: str, raw: bytes, fmt: str, file: str, version: str | None = None) -> None:
        self.kind = kind
        self.id = id
        self.raw = raw
        self.fmt = fmt
        self.file = file
        self.version = version
        self.built: Any = None

    @property
    def key(self) -> tuple[str, str | None]:
        """``(id, version)``, as :attr:`Framework.key`."""
        return (self.id, self.version)

    def __repr__(self) -> str:
        return f"<deferred {self.kind} {self.id!r} from {self.file}>"

    def build(self) -> Any:
        """The object, built from the kept bytes on the first call (under a lock; one object for every caller)."""
        with _BUILD_LOCK:
            if self.built is None:
                obj = _object_from_bytes(self.kind, self.raw, self.fmt, self.file)
                # cannot happen while the cache key covers the bytes and the code
                if obj.id != self.id or (self.version is not None and obj.version != self.version):
                    raise PluginError(f"{self.file}: recorded as {self.kind} {self.key!r}, the file holds {obj.id!r}")
                self.built = obj
            return self.built


class _Versions(FrozenMap[tuple[str, str], "Framework"]):
    """``Registry.framework_versions``: a framework registered by its file is built on first access
    (see :class:`_Deferred`); equality, hashing, copies and ``repr`` see the built frameworks."""

    __slots__ = ("_providers",)
    _providers: Mapping[str, PluginInfo]

    def __init__(
        self, items: dict[tuple[str, str], Framework | _Deferred], providers: Mapping[str, PluginInfo]
    ) -> None:
        super().__init__(items)  # type: ignore[arg-type]  # deferred entries are built on access
        object.__setattr__(self, "_providers", providers)

    def __getitem__(self, key: tuple[str, str]) -> Framework:
        value: Framework | _Deferred = self._data[key]
        if isinstance(value, _Deferred):
            try:
                return cast("Framework", value.build())
            except ValidationError as exc:
                provider = self._providers.get(key[0], key[0])
                raise PluginError(
                    f"plugin {provider} shipped invalid data for framework {key!r}:\n" + "\n".join(exc.lines())
                ) from None
        return value

    def _built(self) -> dict[tuple[str, str], Framework]:
        return {key: self[key] for key in self._data}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._built() == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._built().items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._built()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (list(self._built().items()),))

    def to_dict(self) -> dict[tuple[str, str], Framework]:
        return self._built()


def _id_parts(kind: str, raw: bytes, fmt: str) -> tuple[bytes, ...]:
    """Cache key of the id a file's exact bytes define (written only after they validated)."""
    return (f"{kind}-id".encode(), fmt.encode(), raw)


def _object_from_bytes(kind: str, raw: bytes, fmt: str, file: str) -> Any:
    from . import _cache
    from .io import loads

    cls = _expect(kind + "s")
    obj = _cache.get(cls, raw, fmt, file)
    if obj is None:
        obj = loads(cls, raw, format=cast("Format", fmt), file=file)
        _cache.put(cls, raw, fmt, obj)
    return obj


def _lazy_file(kind: str) -> Callable[[DataPath], object]:
    """How a programme or crosswalk file is read: deferred when the cache knows its bytes' id, else now."""

    def read(path: DataPath) -> object:
        from . import _cache

        file, fmt, raw = _data_file(path)
        known = _cache.lookup(_id_parts(kind, raw, fmt), file if isinstance(path, (str, os.PathLike)) else None)
        if isinstance(known, str):
            return _Deferred(kind, known, raw, fmt, file)
        obj = _object_from_bytes(kind, raw, fmt, file)
        _cache.store(_id_parts(kind, raw, fmt), obj.id)
        return obj

    return read


#: The suffixes of data files, as :func:`qframework.io.format_for` reads them.
_FORMATS = {".toml": "toml", ".json": "json"}
#: :data:`qframework.io.DEFAULT_MAX_FILE_BYTES` (a test keeps them equal).
_MAX_FILE_BYTES = 64 * 1024 * 1024


def _data_file(path: DataPath) -> tuple[str, str, bytes]:
    """``(name, format, bytes)`` of a data file a plugin registers by path, as
    :func:`qframework.io.format_for` and :func:`qframework.io.read_file` give them. A regular file
    of a known suffix within the default size limit is read here (start-up need not import
    :mod:`qframework.io`); anything else goes through them, which refuse it as they always do."""
    file = str(path)
    fmt = _FORMATS.get(os.path.splitext(file)[1].lower()) if isinstance(path, (str, os.PathLike)) else None
    if fmt is not None and not os.environ.get("QFRAMEWORK_MAX_FILE_BYTES"):
        raw = _regular_file_bytes(file)
        if raw is not None:
            return file, fmt, raw
    from .io import format_for, read_file

    return file, format_for(file), read_file(path)


def _regular_file_bytes(file: str) -> bytes | None:
    """A regular file's bytes within :data:`_MAX_FILE_BYTES`, else None (the caller reads it the long way)."""
    import stat

    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError, TypeError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_FILE_BYTES:
            return None
        from ._cache import read_bounded

        return read_bounded(fd, _MAX_FILE_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)


def _framework_file(path: DataPath) -> Framework | _Deferred:
    """A framework file: deferred when the cache or the shipped data knows its bytes' id and version, else
    loaded now (an invalid file is then named in ``Registry.failures`` at once)."""
    from . import _cache

    file, fmt, raw = _data_file(path)
    parts = _id_parts("framework", raw, fmt)
    known = _cache.lookup(parts, file if isinstance(path, (str, os.PathLike)) else None)
    if isinstance(known, tuple):
        return _Deferred("framework", known[0], raw, fmt, file, known[1])
    obj: Framework = _object_from_bytes("framework", raw, fmt, file)
    _cache.store(parts, [obj.id, obj.version])
    return obj


class _Collecting(Generic[T]):
    """What :func:`load_registry` fills while the hooks run; frozen into a :class:`Registered` at the end."""

    def __init__(self, kind: str, failures: list[PluginFailure], installed: Mapping[str, int]) -> None:
        self.kind = kind
        self.items: dict[str, T | _Deferred] = {}
        self.providers: dict[str, PluginInfo] = {}
        self.failures = failures
        self.installed = installed

    def clashes(self, key: str, info: PluginInfo) -> bool:
        """Whether another plugin already registered ``key``; if so, record the clash under ``info``, the newcomer.

        Plugins register in the order they were installed, so the plugin that provided the id
        first keeps it and the newcomer's copy is left out: installing a plugin never takes an id
        away from one that is installed.
        """
        owner = self.providers.get(key)
        if owner is None or owner.name == info.name:
            return False
        if owner.builtin:
            why = "it is built into qframework"
        elif self.installed.get(owner.name, 0) < self.installed.get(info.name, 0):
            why = "it was installed first"
        else:
            why = "it was registered first"
        message = (
            f"{self.kind} {key!r} is registered by two plugins: {owner} and {info}; {owner.name} keeps it "
            f"({why}) and {info.name}'s copy is left out: {info.name} caused the clash; give its {self.kind} "
            f"another id, uninstall it, or restrict loading with {ENV_VAR}"
        )
        failure = PluginFailure(info.name, message, clash_with=owner.name)
        if failure not in self.failures:
            self.failures.append(failure)
        return True

    def add(self, key: str, obj: T | _Deferred, info: PluginInfo) -> None:
        if self.clashes(key, info):
            return
        self.items[key] = obj
        self.providers[key] = info

    def freeze(self) -> Registered[T]:
        return Registered(self.kind, self.items, self.providers)


@attrs.frozen(eq=False)
class Registry:
    """Everything the installed plugins registered; read-only, and shared (see :func:`load_registry`).

    ``frameworks`` holds the newest version of each framework id; ``framework_versions`` every
    version a plugin ships, by ``(id, version)``. Two registries are equal only if they are the
    same object.
    """

    frameworks: Registered[Framework] = attrs.field(factory=lambda: Registered("framework"))
    framework_versions: FrozenMap[tuple[str, str], Framework] = attrs.field(factory=FrozenMap)
    programmes: Registered[Programme] = attrs.field(factory=lambda: Registered("programme"))
    aggregations: Registered[Aggregation] = attrs.field(factory=lambda: Registered("aggregation"))
    crosswalks: Registered[Crosswalk] = attrs.field(factory=lambda: Registered("crosswalk"))
    plugins: FrozenMap[str, PluginInfo] = attrs.field(factory=FrozenMap)
    failures: tuple[PluginFailure, ...] = ()

    def framework(self, framework_id: str, version: str | None = None) -> Framework:
        """A framework by id, in the newest version or in the one asked for.

        The :class:`~qframework.errors.NotFound` for a missing one names a failed plugin that may
        have provided it (see :meth:`missing_note`).
        """
        if not isinstance(framework_id, str) or not isinstance(version, str | None):
            from ._args import expect

            expect(framework_id, str, "Registry.framework", "framework_id")
            expect(version, (str, type(None)), "Registry.framework", "version", "a str (e.g. '2.0') or None")
        try:
            if version is None:
                return self.frameworks[framework_id]
            return self.framework_versions[(framework_id, version)]
        except KeyError as exc:
            have = sorted(v for (i, v) in self.framework_versions if i == framework_id)
            note = self.missing_note("framework", framework_id)
            if not have or version is None:
                unknown = (
                    exc if isinstance(exc, NotFound) else NotFound.unknown("framework", framework_id, self.frameworks)
                )
                if not note:
                    raise unknown from None  # the fact, worded when shown
                raise NotFound(f"{unknown}{note}", kind="framework", key=framework_id, known=unknown.known) from None
            raise NotFound(
                f"framework {framework_id!r} version {version!r} is not installed (installed: {', '.join(have)}){note}",
                kind="framework version",
                key=version,
                known=tuple(have),
            ) from None

    def failures_for(self, key: str) -> tuple[PluginFailure, ...]:
        """The failed plugins that may have provided ``key``: named like it, or naming it (or its file) in the failure.

        A clash is left out: the clashing id is there, provided by the plugin installed first.
        """

        def slug(text: str) -> str:
            return text.lower().replace("_", "-")

        found = []
        for failure in self.failures:
            if failure.clash_with is not None:
                continue
            plugin, wanted = slug(failure.plugin), slug(key)
            named = wanted == plugin or wanted.startswith(plugin + "-") or plugin.startswith(wanted + "-")
            mentioned = repr(key) in failure.message or re.search(
                rf"[/\\]{re.escape(key)}\.(toml|json)\b", failure.message
            )
            if named or mentioned:
                found.append(failure)
        return tuple(found)

    def missing_notes(self, key: str, kind: str = "framework") -> tuple[Note, ...]:
        """The facts to add to "unknown {kind} {key}" when plugins failed: the failed plugin that may
        provide it, else that plugins failed at all; empty when no plugin failed."""
        failed = [f for f in self.failures if f.clash_with is None]
        if not failed:
            return ()
        suspects = self.failures_for(key)
        if suspects:
            return tuple(
                Note(
                    "plugins.failed.suspect",
                    {
                        "plugin": f.plugin,
                        "kind": Note(f"word.{kind}"),
                        "key": key,
                        "failure": f.message.splitlines()[0],
                    },
                )
                for f in suspects
            )
        return (Note("plugins.failed.some", {"plugins": tuple(sorted({f.plugin for f in failed}))}),)

    def missing_note(self, kind: str, key: str) -> str:
        """:meth:`missing_notes` in the active language, as a suffix: ``""`` when no plugin failed, else e.g.
        ``; the plugin musterland, which may provide 'muster', failed to load: musterland.toml:12: …
        (see qframework plugins)`` (the failure's first line; ``qframework plugins`` shows all of it)."""
        return "".join("; " + note.text for note in self.missing_notes(key, kind))

    def registered_by(self, plugin: str) -> dict[str, list[str]]:
        """What one plugin registered, by kind."""
        out: dict[str, list[str]] = {}
        for fid, version in sorted(self.framework_versions):
            info = self.frameworks.providers.get(fid)
            if info is not None and info.name == plugin:
                out.setdefault("frameworks", []).append(f"{fid} {version}")
        for kind, reg in (
            ("programmes", self.programmes),
            ("aggregations", self.aggregations),
            ("crosswalks", self.crosswalks),
        ):
            ids = [key for key, info in reg.providers.items() if info.name == plugin]
            if ids:
                out[kind] = sorted(ids)
        return out


def _expect(kind: str) -> type[Any]:
    """The class a hook must register; imported only when the hook is called."""
    if kind == "frameworks":
        from .model import Framework

        return Framework
    if kind == "programmes":
        from .programme import Programme

        return Programme
    if kind == "crosswalks":
        from .crosswalk import Crosswalk

        return Crosswalk
    from .aggregation import Aggregation

    return Aggregation


def _is_data_path(obj: object) -> bool:
    """A file path, or an :class:`importlib.resources.abc.Traversable` (a file inside a package)."""
    return isinstance(obj, (str, os.PathLike)) or callable(getattr(obj, "read_bytes", None))


#: The kinds a plugin may register by a data file's path, and how each file is read.
_FILE_LOADERS: dict[str, Callable[[DataPath], object]] = {
    "frameworks": _framework_file,
    "programmes": _lazy_file("programme"),
    "crosswalks": _lazy_file("crosswalk"),
}


def _call_each(pm: PluginManager, hook_name: str, handle: Callable[[Any, PluginInfo], None]) -> None:
    """Call one hook plugin by plugin, so that one plugin's exception does not stop the rest."""
    caller = getattr(pm.hook, hook_name)
    kind = hook_name.removeprefix("qframework_")
    for impl in caller.get_hookimpls():  # registration order (pluggy calls them in reverse)
        name = pm.get_name(impl.plugin) or repr(impl.plugin)
        info = pm.infos.get(name) or PluginInfo(name, None, getattr(impl.plugin, "__name__", name))
        expected: type[Any] | None = None

        def register(obj: object, _info: PluginInfo = info) -> None:
            nonlocal expected
            if kind in _FILE_LOADERS and _is_data_path(obj):
                obj = _FILE_LOADERS[kind](cast("DataPath", obj))
                if isinstance(obj, _Deferred):
                    handle(obj, _info)
                    return
            expected = expected or _expect(kind)
            if not isinstance(obj, expected):
                raise TypeError(f"{hook_name} registered {type(obj).__name__}, expected {expected.__name__}")
            handle(obj, _info)

        kwargs = {"register": register}
        try:
            impl.function(*(kwargs[arg] for arg in impl.argnames))
        except PluginError:
            raise
        except ValidationError as exc:
            # A file missing from the package (left out of the wheel) is not invalid data.
            what = "cannot read data file" if isinstance(exc.__cause__, OSError) else "shipped invalid data"
            where = _traceback_summary(exc)[-1:]  # the plugin's line that loaded or registered it
            message = f"{hook_name} {what}:\n" + "\n".join(exc.lines()) + "".join(f"\n  at {w}" for w in where)
            pm.failures.append(PluginFailure(name, message, where=where))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit and BaseException subclasses too: recorded, the rest load
            pm.failures.append(_exception_failure(name, f"{hook_name} failed", exc))


def _exception_text(exc: BaseException) -> str:
    """``TypeError: message`` for a plugin's exception, even one whose ``str()`` itself raises."""
    try:
        message = str(exc)
    except Exception:
        message = "(an exception whose message cannot be shown)"
    return f"{type(exc).__name__}: {message[:500]}"


_OWN_CODE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_MAX_FRAMES = 3


def _traceback_summary(exc: BaseException) -> tuple[str, ...]:
    """Where a plugin's exception was raised: ``file:line in function: source``, innermost last.

    Frames of qframework itself and of the import machinery are left out (the plugin's own line
    that called ``load_framework`` is what its author needs), at most three frames are kept, and
    a syntax error names the line it is on.
    """
    import traceback  # only when a plugin failed: start-up does not pay for it

    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not frame.filename.startswith(("<frozen ", _OWN_CODE)) and f"{os.sep}importlib{os.sep}" not in frame.filename
    ]
    where = [
        f"{frame.filename}:{frame.lineno} in {frame.name}" + (f": {frame.line.strip()}" if frame.line else "")
        for frame in frames[-_MAX_FRAMES:]
    ]
    if isinstance(exc, SyntaxError) and exc.filename:
        text = f": {exc.text.strip()}" if exc.text else ""
        where.append(f"{exc.filename}:{exc.lineno}{text}")
    return tuple(where)


def _exception_failure(plugin: str, what: str, exc: BaseException) -> PluginFailure:
    """The failure of ``plugin`` whose code raised ``exc``: the exception, then where it was raised."""
    where = _traceback_summary(exc)
    message = f"{what}: {_exception_text(exc)}" + "".join(f"\n  at {line}" for line in where)
    return PluginFailure(plugin, message, where=where)


def _id(obj: Any) -> str:
    return str(obj.id)


_CACHE: dict[object, Registry] = {}
_CACHE_LOCK = threading.Lock()


def _installation_key() -> object:
    """What decides which plugins load: ``QFRAMEWORK_PLUGINS`` and the import path's folders.

    Installing or removing a distribution changes its site-packages folder (and so the folder's
    modification time), which is cheaper to check than scanning every distribution's entry points.
    """
    return (os.environ.get(ENV_VAR), _path_stamps())


def load_registry(pm: PluginManager | None = None, *, refresh: bool = False) -> Registry:
    """Call every plugin's hooks and collect what they register.

    Without ``pm`` the registry of the installed plugins is built once per process and returned
    again (the same object) while the installed plugins and ``QFRAMEWORK_PLUGINS`` stay the same;
    ``refresh=True`` rebuilds it. A registry built from an explicitly passed plugin manager is
    never cached. Plugins that fail are listed in ``Registry.failures`` and left out. When two
    plugins register the same id, the first in registration order keeps it: the built-in plugins,
    then the installed plugins in the order their distributions were installed (then by name).
    The clash is a failure under the newcomer's name, whose other objects still load: installing
    a plugin never takes an id away from a plugin already installed.
    """
    if pm is not None:
        return _build_registry(pm)
    key = _installation_key()
    with _CACHE_LOCK:
        cached = None if refresh else _CACHE.get(key)
        if cached is None:
            cached = _build_registry(make_plugin_manager())
            _CACHE.clear()
            _CACHE[key] = cached
        return cached


def _build_registry(pm: PluginManager) -> Registry:
    frameworks: _Collecting[Framework] = _Collecting("framework", pm.failures, pm.installed)
    programmes: _Collecting[Programme] = _Collecting("programme", pm.failures, pm.installed)
    aggregations: _Collecting[Aggregation] = _Collecting("aggregation", pm.failures, pm.installed)
    crosswalks: _Collecting[Crosswalk] = _Collecting("crosswalk", pm.failures, pm.installed)
    versions: dict[tuple[str, str], Framework | _Deferred] = {}

    def add_framework(obj: object, info: PluginInfo) -> None:
        if not isinstance(obj, _Deferred):
            from .model import Framework

            assert isinstance(obj, Framework)
        if frameworks.clashes(obj.id, info):
            return  # every version of the id stays with the plugin that registered it first
        version = cast(str, obj.version)  # a deferred framework's recorded version
        key = (obj.id, version)
        if key in versions:
            raise PluginError(f"plugin {info} registers framework {obj.id!r} version {version!r} twice")
        versions[key] = obj
        current = frameworks.items.get(obj.id)
        if current is None or _version_key(version) > _version_key(cast(str, current.version)):
            frameworks.add(obj.id, obj, info)

    from ._cache import CACHING

    token = CACHING.set(True)  # qframework.io.caching_loads(), without importing qframework.io
    try:
        _call_each(pm, "qframework_frameworks", add_framework)
        _call_each(pm, "qframework_aggregations", lambda obj, info: aggregations.add(_id(obj), obj, info))
        _call_each(pm, "qframework_programmes", lambda obj, info: programmes.add(_id(obj), obj, info))
        _call_each(pm, "qframework_crosswalks", lambda obj, info: crosswalks.add(_id(obj), obj, info))
    finally:
        CACHING.reset(token)
    return Registry(
        frameworks=frameworks.freeze(),
        framework_versions=_Versions(versions, frameworks.providers),
        programmes=programmes.freeze(),
        aggregations=aggregations.freeze(),
        crosswalks=crosswalks.freeze(),
        plugins=FrozenMap(pm.infos),
        failures=tuple(pm.failures),
    )


@attrs.frozen
class PluginSummary:
    """One loaded plugin and what it registered, by kind (``qframework plugins``)."""

    name: str
    version: str | None
    module: str
    builtin: bool = False
    registered: FrozenMap[str, tuple[str, ...]] = attrs.field(factory=FrozenMap)


@attrs.frozen
class PluginReport:
    """Every loaded plugin and every plugin that failed: ``qframework plugins --json``."""

    plugins: tuple[PluginSummary, ...] = ()
    failures: tuple[PluginFailure, ...] = ()

    @classmethod
    def of(cls, registry: Registry) -> PluginReport:
        """The report on ``registry``'s plugins, by name."""
        plugins = tuple(
            PluginSummary(
                name=name,
                version=info.version,
                module=info.module,
                builtin=info.builtin,
                registered=FrozenMap({k: tuple(v) for k, v in registry.registered_by(name).items()}),
            )
            for name, info in sorted(registry.plugins.items())
        )
        return cls(plugins=plugins, failures=tuple(registry.failures))
