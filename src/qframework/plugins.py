"""Finding plugins and collecting what they register.

:func:`make_plugin_manager` builds a fresh pluggy manager: first the built-in plugins (modules of
this package, through the very same hooks), then every entry point in the group ``qframework``.
A plugin that fails to import, has a misspelt hook or raises inside a hook is recorded as a
:class:`PluginFailure` under its name; the others still load. :func:`load_registry` calls the
hooks and returns a :class:`Registry` of everything registered, by id, with the plugin that
supplied each object.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import pluggy

from . import hookspecs
from .errors import NotFound, PluginError, ValidationError
from .hookspecs import PROJECT_NAME
from .model import Framework

if TYPE_CHECKING:
    from .aggregation import Aggregation
    from .programme import Programme

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "ENV_VAR",
    "PluginFailure",
    "PluginInfo",
    "PluginManager",
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
    """A plugin that could not be used, and why. The other plugins are not affected."""

    plugin: str
    message: str

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
            if plugin is not None:
                self.unregister(plugin)
            self.infos.pop(name, None)
            self.failures.append(PluginFailure(name, f"unknown hook: {exc}"))
            return False
        return True


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
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        found.add(ep.name)
        if allowed is not None and ep.name not in allowed:
            continue
        if ep.name in pm.infos:
            pm.failures.append(PluginFailure(ep.name, "two installed plugins use this name; the second is ignored"))
            continue
        version = ep.dist.version if ep.dist is not None else None
        try:
            plugin = ep.load()
        except Exception as exc:
            pm.failures.append(PluginFailure(ep.name, f"cannot be imported: {type(exc).__name__}: {exc}"))
            continue
        pm.add_plugin(plugin, PluginInfo(ep.name, version, ep.value))
    if allowed is not None:
        for name in sorted(allowed - found):
            pm.failures.append(PluginFailure(name, f"named in {ENV_VAR} but not installed"))


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", version))


@attrs.define
class Registered(Generic[T]):
    """Objects of one kind by id, each with the plugin that registered it."""

    kind: str
    items: dict[str, T] = attrs.field(factory=dict)
    providers: dict[str, PluginInfo] = attrs.field(factory=dict)

    def __getitem__(self, key: str) -> T:
        try:
            return self.items[key]
        except KeyError:
            known = ", ".join(sorted(self.items)) or "none installed"
            raise NotFound(f"unknown {self.kind} {key!r} (known: {known})") from None

    def __contains__(self, key: object) -> bool:
        return key in self.items

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def values(self) -> Iterable[T]:
        return self.items.values()

    def add(self, key: str, obj: T, info: PluginInfo) -> None:
        if key in self.items and self.providers[key].name != info.name:
            raise PluginError(
                f"{self.kind} {key!r} is registered by two plugins: {self.providers[key]} and {info}; "
                f"uninstall one, or restrict loading with {ENV_VAR}"
            )
        self.items[key] = obj
        self.providers[key] = info


@attrs.define
class Registry:
    """Everything the installed plugins registered.

    ``frameworks`` holds the newest version of each framework id; ``framework_versions`` every
    version a plugin ships, by ``(id, version)``.
    """

    frameworks: Registered[Framework] = attrs.field(factory=lambda: Registered("framework"))
    framework_versions: dict[tuple[str, str], Framework] = attrs.field(factory=dict)
    programmes: Registered[Programme] = attrs.field(factory=lambda: Registered("programme"))
    aggregations: Registered[Aggregation] = attrs.field(factory=lambda: Registered("aggregation"))
    plugins: dict[str, PluginInfo] = attrs.field(factory=dict)
    failures: list[PluginFailure] = attrs.field(factory=list)

    def framework(self, framework_id: str, version: str | None = None) -> Framework:
        """A framework by id, in the newest version or in the one asked for."""
        if version is None:
            return self.frameworks[framework_id]
        try:
            return self.framework_versions[(framework_id, version)]
        except KeyError:
            have = sorted(v for (i, v) in self.framework_versions if i == framework_id)
            raise NotFound(
                f"framework {framework_id!r} version {version!r} is not installed"
                + (f" (installed: {', '.join(have)})" if have else "")
            ) from None

    def registered_by(self, plugin: str) -> dict[str, list[str]]:
        """What one plugin registered, by kind."""
        out: dict[str, list[str]] = {}
        for (fid, version), _ in sorted(self.framework_versions.items()):
            if self.frameworks.providers.get(fid) and self.frameworks.providers[fid].name == plugin:
                out.setdefault("frameworks", []).append(f"{fid} {version}")
        for kind, reg in (("programmes", self.programmes), ("aggregations", self.aggregations)):
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
    from .aggregation import Aggregation

    return Aggregation


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
            pm.failures.append(PluginFailure(name, f"{hook_name} shipped invalid data:\n" + "\n".join(exc.lines())))
        except Exception as exc:
            pm.failures.append(PluginFailure(name, f"{hook_name} failed: {type(exc).__name__}: {exc}"))


def _id(obj: Any) -> str:
    return str(obj.id)


def load_registry(pm: PluginManager | None = None) -> Registry:
    """Call every plugin's hooks and collect what they register.

    Raises :class:`PluginError` when two plugins register the same id. Plugins that fail are
    listed in ``Registry.failures`` and left out.
    """
    pm = pm if pm is not None else make_plugin_manager()
    registry = Registry(plugins=dict(pm.infos))

    def add_framework(obj: object, info: PluginInfo) -> None:
        assert isinstance(obj, Framework)
        owner = registry.frameworks.providers.get(obj.id)
        if owner is not None and owner.name != info.name:
            registry.frameworks.add(obj.id, obj, info)  # raises, naming both plugins
        if obj.key in registry.framework_versions:
            raise PluginError(f"plugin {info} registers framework {obj.id!r} version {obj.version!r} twice")
        registry.framework_versions[obj.key] = obj
        current = registry.frameworks.items.get(obj.id)
        if current is None or _version_key(obj.version) > _version_key(current.version):
            registry.frameworks.add(obj.id, obj, info)

    _call_each(pm, "qframework_frameworks", add_framework)
    _call_each(pm, "qframework_aggregations", lambda obj, info: registry.aggregations.add(_id(obj), obj, info))
    _call_each(pm, "qframework_programmes", lambda obj, info: registry.programmes.add(_id(obj), obj, info))
    registry.failures = list(pm.failures)
    return registry
