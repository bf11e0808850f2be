"""Finding plugins and collecting what they register.

:func:`make_plugin_manager` builds a fresh pluggy manager: first the built-in plugins (modules of
this package, through the very same hooks), then every entry point in the group ``qframework``.
A plugin that fails to import, has a misspelt hook or raises inside a hook is recorded as a
:class:`PluginFailure` under its name; the others still load. :func:`load_registry` calls the
hooks and returns a :class:`Registry` of everything registered, by id, with the plugin that
supplied each object.

A plugin may register a data file by its path instead of an object. A framework file is loaded
at once (``plugins`` lists framework versions); a programme file whose exact bytes were validated
before is registered under the id the validated-data cache recorded for them, and built on first
access (``registry.programmes[id]``): listing plugins and frameworks then never imports the
programme and assignment modules. A programme file not seen before is loaded at once, so an
invalid one is named in ``Registry.failures`` exactly as an invalid object would be.
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
from .errors import NotFound, PluginError, ValidationError
from .frozen import FrozenMap
from .hookspecs import PROJECT_NAME
from .model import Framework

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from .aggregation import Aggregation
    from .crosswalk import Crosswalk
    from .io import Format
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


@attrs.frozen
class PluginFailure:
    """A plugin that could not be used (or one of its ids that could not), and why. The others are not affected.

    ``clash_with`` names the plugin that keeps an id both registered (the first in registration
    order): the failure is recorded under the plugin whose object was left out.
    """

    plugin: str
    message: str
    clash_with: str | None = None

    def __str__(self) -> str:
        return f"plugin {self.plugin!r}: {self.message}"


class PluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers each plugin's :class:`PluginInfo` and every failure."""

    def __init__(self) -> None:
        super().__init__(PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []

    def add_plugin(self, plugin: object, info: PluginInfo) -> bool:
        """Register one plugin object; on a bad hook record a failure and leave it out."""
        try:
            self.register(plugin, name=info.name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            self.failures.append(PluginFailure(info.name, f"invalid plugin: {exc}"))
            return False
        self.infos[info.name] = info
        return self._check_pending(info.name)

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
    unknown = sorted(
        {
            impl_name
            for impl_name, caller in vars(pm.hook).items()
            if not caller.has_spec() and any(impl.plugin is plugin for impl in caller.get_hookimpls())
        }
    )
    return "; ".join(str(NotFound.unknown("hook", name, known)) for name in unknown)


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


def _load_entry_points(pm: PluginManager) -> None:
    allowed = _allowed_names()
    found: set[str] = set()
    for name, value, version in _entry_points():
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
            pm.failures.append(PluginFailure(name, f"cannot be imported: {type(exc).__name__}: {exc}"))
            continue
        pm.add_plugin(plugin, PluginInfo(name, version, value))
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


def _entry_points() -> list[tuple[str, str, str | None]]:
    """``(name, value, distribution version)`` of every entry point in the group, by name.

    Scanning every installed distribution's metadata costs more than the rest of start-up; the
    result is kept in the cache (:mod:`qframework._cache`) under the import path and its folders'
    modification times.
    """
    from . import _cache

    key = (b"entry-points", ENTRY_POINT_GROUP.encode(), repr(_path_stamps()).encode())
    cached = _cache.lookup(key)
    if isinstance(cached, list):
        return cached
    from importlib import metadata

    found = [
        (ep.name, ep.value, ep.dist.version if ep.dist is not None else None)
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    ]
    _cache.store(key, found)
    return found


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
    """A programme or crosswalk file registered under the id the cache recorded for its bytes; built on first access.

    The bytes are kept, so the object built later is made from exactly the bytes whose id was
    recorded, whatever happens to the file meanwhile.
    """

    __slots__ = ("file", "fmt", "id", "kind", "raw")

    def __init__(self, kind: str, id: str, raw: bytes, fmt: str, file: str) -> None:
        self.kind = kind
        self.id = id
        self.raw = raw
        self.fmt = fmt
        self.file = file

    def __repr__(self) -> str:
        return f"<deferred {self.kind} {self.id!r} from {self.file}>"

    def build(self) -> Any:
        obj = _object_from_bytes(self.kind, self.raw, self.fmt, self.file)
        if obj.id != self.id:  # cannot happen while the cache key covers the bytes and the code
            raise PluginError(f"{self.file}: the cache recorded {self.kind} {self.id!r}, the file holds {obj.id!r}")
        return obj


def _id_parts(kind: str, raw: bytes, fmt: str) -> tuple[bytes, ...]:
    """Cache key of the id a file's exact bytes define (written only after they validated)."""
    return (f"{kind}-id".encode(), fmt.encode(), raw)


def _object_from_bytes(kind: str, raw: bytes, fmt: str, file: str) -> Any:
    from . import _cache
    from .io import loads

    cls = _expect(kind + "s")
    obj = _cache.get(cls, raw, fmt)
    if obj is None:
        obj = loads(cls, raw, format=cast("Format", fmt), file=file)
        _cache.put(cls, raw, fmt, obj)
    return obj


def _lazy_file(kind: str) -> Callable[[DataPath], object]:
    """How a programme or crosswalk file is read: deferred when the cache knows its bytes' id, else now."""

    def read(path: DataPath) -> object:
        from . import _cache
        from .io import format_for, read_file

        file = str(path)
        fmt = format_for(file)
        raw = read_file(path)
        known = _cache.lookup(_id_parts(kind, raw, fmt))
        if isinstance(known, str):
            return _Deferred(kind, known, raw, fmt, file)
        obj = _object_from_bytes(kind, raw, fmt, file)
        _cache.store(_id_parts(kind, raw, fmt), obj.id)
        return obj

    return read


def _framework_file(path: DataPath) -> Framework:
    from .io import load

    return load(Framework, path)


class _Collecting(Generic[T]):
    """What :func:`load_registry` fills while the hooks run; frozen into a :class:`Registered` at the end."""

    def __init__(self, kind: str, failures: list[PluginFailure]) -> None:
        self.kind = kind
        self.items: dict[str, T | _Deferred] = {}
        self.providers: dict[str, PluginInfo] = {}
        self.failures = failures

    def clashes(self, key: str, info: PluginInfo) -> bool:
        """Whether another plugin already registered ``key``; if so, record the clash (the first keeps the id)."""
        owner = self.providers.get(key)
        if owner is None or owner.name == info.name:
            return False
        message = (
            f"{self.kind} {key!r} is registered by two plugins: {owner} and {info}; {owner.name} keeps it "
            f"(the first in registration order) and {info.name}'s is left out; "
            f"uninstall one, or restrict loading with {ENV_VAR}"
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
        """A framework by id, in the newest version or in the one asked for."""
        if not isinstance(framework_id, str) or not isinstance(version, str | None):
            from ._args import expect

            expect(framework_id, str, "Registry.framework", "framework_id")
            expect(version, (str, type(None)), "Registry.framework", "version", "a str (e.g. '2.0') or None")
        if version is None:
            return self.frameworks[framework_id]
        try:
            return self.framework_versions[(framework_id, version)]
        except KeyError:
            have = sorted(v for (i, v) in self.framework_versions if i == framework_id)
            if not have:
                raise NotFound.unknown("framework", framework_id, self.frameworks) from None
            raise NotFound(
                f"framework {framework_id!r} version {version!r} is not installed (installed: {', '.join(have)})",
                kind="framework version",
                key=version,
                known=tuple(have),
            ) from None

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
            pm.failures.append(PluginFailure(name, f"{hook_name} {what}:\n" + "\n".join(exc.lines())))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit and BaseException subclasses too: recorded, the rest load
            pm.failures.append(PluginFailure(name, f"{hook_name} failed: {_exception_text(exc)}"))


def _exception_text(exc: BaseException) -> str:
    """``TypeError: message`` for a plugin's exception, even one whose ``str()`` itself raises."""
    try:
        message = str(exc)
    except Exception:
        message = "(an exception whose message cannot be shown)"
    return f"{type(exc).__name__}: {message[:500]}"


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
    plugins register the same id, the first in registration order (built-in plugins, then entry
    points by name) keeps it; the clash is a failure under the other plugin's name, whose other
    objects still load.
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
    frameworks: _Collecting[Framework] = _Collecting("framework", pm.failures)
    programmes: _Collecting[Programme] = _Collecting("programme", pm.failures)
    aggregations: _Collecting[Aggregation] = _Collecting("aggregation", pm.failures)
    crosswalks: _Collecting[Crosswalk] = _Collecting("crosswalk", pm.failures)
    versions: dict[tuple[str, str], Framework] = {}

    def add_framework(obj: object, info: PluginInfo) -> None:
        assert isinstance(obj, Framework)
        if frameworks.clashes(obj.id, info):
            return  # every version of the id stays with the plugin that registered it first
        if obj.key in versions:
            raise PluginError(f"plugin {info} registers framework {obj.id!r} version {obj.version!r} twice")
        versions[obj.key] = obj
        current = frameworks.items.get(obj.id)
        assert current is None or isinstance(current, Framework)  # frameworks are never deferred
        if current is None or _version_key(obj.version) > _version_key(current.version):
            frameworks.add(obj.id, obj, info)

    from .io import caching_loads

    with caching_loads():
        _call_each(pm, "qframework_frameworks", add_framework)
        _call_each(pm, "qframework_aggregations", lambda obj, info: aggregations.add(_id(obj), obj, info))
        _call_each(pm, "qframework_programmes", lambda obj, info: programmes.add(_id(obj), obj, info))
        _call_each(pm, "qframework_crosswalks", lambda obj, info: crosswalks.add(_id(obj), obj, info))
    return Registry(
        frameworks=frameworks.freeze(),
        framework_versions=FrozenMap(versions),
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
