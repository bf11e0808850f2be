"""Helpers a plugin's own tests call: does it load, do its values round-trip, does scoring hold.

``qframework new-plugin`` writes a test file that uses them; ``docs/plugins.md`` has a worked
example. pytest and hypothesis are not dependencies of qframework: :func:`clean_registry` exists
only where pytest is installed, and the strategies import hypothesis when they are called.

- :func:`assert_plugin_loads` loads an installed plugin alone and together with every installed
  plugin, and fails listing every problem (import errors, invalid data, misspelt hooks, id clashes).
- :func:`assert_round_trips` proves ``loads(type(x), dumps(x, format=f), format=f) == x``.
- :func:`assert_translations_complete` checks that every element of a framework has a text in
  each language the framework is translated into.
- :func:`assessments` is a hypothesis strategy for valid assessments of one framework, so a plugin
  author can property-test scoring of their own framework.
- :func:`clean_registry` (a pytest fixture) gives a registry builder with the built-in plugins only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .io import Format, dumps, loads
from .plugins import (
    PluginFailure,
    PluginInfo,
    PluginManager,
    Registry,
    _entry_points,
    _exception_failure,
    _load_entry_point,
    _load_entry_points,
    load_registry,
    make_plugin_manager,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from .assessment import Assessment
    from .model import Framework

__all__ = [
    "CleanRegistry",
    "assert_plugin_loads",
    "assert_round_trips",
    "assert_translations_complete",
    "assessments",
    "ratings",
]


def _concerns(failure: PluginFailure, name: str) -> bool:
    """Whether ``failure`` is the plugin ``name``'s: a clash is the newcomer's, not the established plugin's."""
    return failure.plugin == name


def assert_plugin_loads(name: str) -> Registry:
    """Fail unless the installed plugin ``name`` loads cleanly, alone and with every installed plugin.

    Returns the registry of the plugin alone (with the built-in plugins), for further checks. The
    assertion message lists every problem: a plugin that is not installed, cannot be imported,
    ships invalid data, implements a misspelt hook, registers nothing, or registers an id another
    installed plugin already registers (a clash is the newer plugin's problem: the plugin installed
    first keeps the id, and its tests still pass). An exception in the plugin's code is shown with
    the file and line it was raised at.
    """
    problems: list[str] = []
    entries = {ep_name: (value, version, installed) for ep_name, value, version, installed in _entry_points()}
    if name not in entries:
        known = ", ".join(sorted(entries)) or "none"
        raise AssertionError(f"plugin {name!r} is not installed (installed plugins: {known}); pip install -e it first")
    value, version, installed = entries[name]
    alone = make_plugin_manager(entry_points=False)
    try:
        module = _load_entry_point(value)
    except Exception as exc:
        failure = _exception_failure(name, "cannot be imported", exc)
        raise AssertionError(f"plugin {name!r} {failure.message}") from exc
    alone.add_plugin(module, PluginInfo(name, version, value), installed=installed)
    registry = load_registry(alone)
    problems += [f"alone: {f.message}" for f in registry.failures if _concerns(f, name)]
    if not registry.registered_by(name) and not problems:
        problems.append("alone: the plugin registers nothing (no hook calls register)")
    together = load_registry(_all_installed())
    problems += [f"with every installed plugin: {f.message}" for f in together.failures if _concerns(f, name)]
    if problems:
        raise AssertionError(f"plugin {name!r} does not load cleanly:\n" + "\n".join(f"- {p}" for p in problems))
    return registry


def _all_installed() -> PluginManager:
    """Every installed plugin, whatever ``QFRAMEWORK_PLUGINS`` selects, in the order they load normally."""
    pm = make_plugin_manager(entry_points=False)
    _load_entry_points(pm, select=False)
    return pm


def _translatable(obj: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every element of ``obj`` (itself included) that has ``translations``, with its path (``dimensions[0] (id)``)."""
    import attrs

    if not attrs.has(type(obj)):
        return
    names = {field.name for field in attrs.fields(type(obj))}
    if "translations" in names:
        yield path, obj
    for name in sorted(names - {"translations", "provenance"}, key=list(names).index):
        value = getattr(obj, name)
        items = list(enumerate(value)) if isinstance(value, tuple) else [(None, value)]
        for index, item in items:
            if not attrs.has(type(item)):
                continue
            where = f"{path}.{name}" if path else name
            if index is not None:
                where += f"[{index}]"
                item_id = getattr(item, "id", None) or getattr(item, "value", None)
                if item_id is not None:
                    where += f" ({item_id})"
            yield from _translatable(item, where)


def assert_translations_complete(framework: Framework, languages: tuple[str, ...] | None = None) -> None:
    """Fail unless every translatable element of ``framework`` has a text in each language.

    The languages are ``languages``, or by default every language some element of the framework
    is translated into (a framework without translations passes). An element needs a translation
    in each language, and one with a description needs the description translated too. The
    message lists every gap with the element's path and id.
    """
    elements = list(_translatable(framework))
    wanted = languages or tuple(sorted({lang for _path, element in elements for lang in element.translations}))
    gaps = []
    for path, element in elements:
        label = path or f"framework {framework.id!r}"
        for lang in wanted:
            text = element.translations.get(lang)
            if text is None:
                gaps.append(f"{label}: no {lang!r} translation")
            elif getattr(element, "description", "") and not text.description:
                gaps.append(f"{label}: the {lang!r} translation has no description")
    if gaps:
        shown = gaps[:40] + ([f"… and {len(gaps) - 40} more"] if len(gaps) > 40 else [])
        raise AssertionError(
            f"framework {framework.id!r} {framework.version} is not completely translated "
            f"({', '.join(wanted)}): {len(gaps)} gaps\n" + "\n".join(f"- {gap}" for gap in shown)
        )


def assert_round_trips(obj: Any, *, formats: tuple[Format, ...] | None = None) -> None:
    """Fail unless ``obj`` reads back equal from its own JSON and TOML text.

    TOML is tried only where it can hold the value (a table at the top level, no ``None``): by
    default every format that can; pass ``formats`` to insist on some.
    """
    from .errors import QFrameworkError

    for fmt in formats or ("json", "toml"):
        try:
            text = dumps(obj, format=fmt)
        except QFrameworkError:
            if formats:
                raise
            continue
        back = loads(type(obj), text, format=fmt)
        if back != obj:
            raise AssertionError(
                f"{type(obj).__name__} does not round-trip through {fmt}:\n"
                f"  written: {obj!r}\n  read back: {back!r}\n  text:\n{text}"
            )


# -- hypothesis strategies -----------------------------------------------------------------------


def _hypothesis() -> Any:
    try:
        from hypothesis import strategies
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("qframework.testing strategies need hypothesis: pip install hypothesis") from exc
    return strategies


def ratings(framework: Framework, *, rater: str | None = None, blanks: bool = False) -> SearchStrategy[Any]:
    """One rating of every indicator of ``framework`` by ``rater``: a level of its scale or not applicable.

    With ``blanks=True`` some entries are left not yet rated, as in a template being filled in.
    """
    from .assessment import Rating

    st = _hypothesis()
    per_indicator = []
    for indicator in framework.indicators():
        scale = framework.scale_of(indicator)
        choices = [st.builds(Rating, indicator=st.just(indicator.id), value=st.sampled_from(sorted(scale.values())))]
        if scale.allow_not_applicable:
            choices.append(st.just(Rating(indicator.id, not_applicable=True)))
        if blanks:
            choices.append(st.just(Rating(indicator.id)))
        per_indicator.append(st.one_of(choices).map(lambda r, who=rater: _with_rater(r, who)))
    strategy: SearchStrategy[Any] = st.tuples(*per_indicator)
    return strategy


def _with_rater(rating: Any, rater: str | None) -> Any:
    import attrs

    return attrs.evolve(rating, rater=rater) if rater is not None else rating


def assessments(
    framework: Framework, *, max_raters: int = 3, blanks: bool = False, periods: tuple[str, ...] = ("2024", "2025")
) -> SearchStrategy[Assessment]:
    """Valid assessments of ``framework``: one to ``max_raters`` raters, each rating every indicator.

    Every generated assessment fits the framework (``check_assessment`` finds no problem), so a
    property test can state what scoring must do, e.g. that every score lies within 0..1.
    """
    from .assessment import Assessment, Rater, Subject

    st = _hypothesis()

    @st.composite  # type: ignore[untyped-decorator]
    def build(draw: Callable[[Any], Any]) -> Assessment:
        count = draw(st.integers(min_value=1, max_value=max_raters))
        rater_ids = [f"r{i + 1}" for i in range(count)]
        entries: list[Any] = []
        for rid in rater_ids:
            entries.extend(draw(ratings(framework, rater=rid if count > 1 else None, blanks=blanks)))
        return Assessment(
            framework=framework.id,
            framework_version=framework.version,
            subject=Subject(draw(st.sampled_from(["kommune-a", "kommune-b", "landkreis-c"]))),
            period=draw(st.sampled_from(periods)),
            ratings=tuple(entries),
            raters=tuple(Rater(rid) for rid in rater_ids) if count > 1 else (),
        )

    strategy: SearchStrategy[Assessment] = build()
    return strategy


# -- pytest fixture ------------------------------------------------------------------------------


class CleanRegistry:
    """A registry built from the built-in plugins and only the plugins a test adds.

    ``clean.add(module, "my_plugin")`` then ``clean.load()``: nothing installed, no
    ``QFRAMEWORK_PLUGINS`` and no registry cached in the process is involved.
    """

    def __init__(self) -> None:
        self.plugin_manager = make_plugin_manager(entry_points=False)

    def add(self, plugin: object, name: str, version: str | None = None) -> CleanRegistry:
        """Register ``plugin`` (a module or object with hook implementations) under ``name``."""
        module = getattr(plugin, "__name__", name)
        self.plugin_manager.add_plugin(plugin, PluginInfo(name, version, str(module)))
        return self

    def load(self) -> Registry:
        """Call the hooks and build the registry (never cached)."""
        return load_registry(self.plugin_manager)


try:
    import pytest
except ImportError:  # pragma: no cover - pytest is not a dependency of qframework
    pass
else:

    @pytest.fixture
    def clean_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[CleanRegistry]:
        """A :class:`CleanRegistry`, with `QFRAMEWORK_PLUGINS` unset; the process's cached registry is not touched."""
        monkeypatch.delenv("QFRAMEWORK_PLUGINS", raising=False)
        yield CleanRegistry()

    __all__ += ["clean_registry"]
