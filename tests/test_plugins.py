"""Plugin discovery and the registry, always on a fresh plugin manager."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_io import VALID

from qframework import (
    AssignmentRules,
    Framework,
    NotFound,
    PluginError,
    Programme,
    Provenance,
    Topic,
    hookimpl,
    loads_framework,
)
from qframework.plugins import PluginInfo, PluginManager, load_registry, make_plugin_manager


def framework(fid: str = "mini", version: str = "1.0") -> Framework:
    return loads_framework(
        VALID.replace('id = "mini"', f'id = "{fid}"').replace('version = "1.0"', f'version = "{version}"')
    )


class FrameworkPlugin:
    """A plugin object registering the frameworks it is given."""

    def __init__(self, *frameworks: Framework) -> None:
        self.frameworks = frameworks

    @hookimpl
    def qframework_frameworks(self, register: Callable[[Framework], None]) -> None:
        for fw in self.frameworks:
            register(fw)


class RaisingPlugin:
    @hookimpl
    def qframework_frameworks(self, register: Callable[[Framework], None]) -> None:
        raise RuntimeError("the data file is missing")


class MisspeltPlugin:
    @hookimpl
    def qframework_framework(self, register: Callable[[Framework], None]) -> None:  # missing "s"
        register(framework("misspelt"))


def manager(**plugins: object) -> PluginManager:
    pm = make_plugin_manager(entry_points=False)
    for name, plugin in plugins.items():
        pm.add_plugin(plugin, PluginInfo(name, "0.1", f"tests.{name}"))
    return pm


def test_registry_collects_frameworks_with_their_plugin() -> None:
    registry = load_registry(manager(good=FrameworkPlugin(framework("a"), framework("b"))))
    assert sorted(registry.frameworks) == ["a", "b"]
    assert registry.frameworks.providers["a"].name == "good"
    assert registry.registered_by("good") == {"frameworks": ["a 1.0", "b 1.0"]}
    assert registry.failures == ()


def test_an_id_clash_is_a_failure_naming_both_plugins_and_the_first_keeps_the_id() -> None:
    pm = manager(
        first=FrameworkPlugin(framework("same")),
        second=FrameworkPlugin(framework("same", "2.0"), framework("own")),
        third=FrameworkPlugin(framework("b")),
    )
    registry = load_registry(pm)
    assert sorted(registry.frameworks) == ["b", "own", "same"]
    assert registry.frameworks["same"].version == "1.0"  # the newer version of the second plugin is left out
    assert registry.frameworks.providers["same"].name == "first"
    assert ("same", "2.0") not in registry.framework_versions
    (failure,) = registry.failures
    assert failure.plugin == "second" and failure.clash_with == "first"
    assert "framework 'same' is registered by two plugins: first 0.1 and second 0.1" in failure.message


def test_a_plugin_raising_in_its_hook_is_named_and_the_others_load() -> None:
    registry = load_registry(manager(broken=RaisingPlugin(), good=FrameworkPlugin(framework("a"))))
    assert list(registry.frameworks) == ["a"]
    assert [f.plugin for f in registry.failures] == ["broken"]
    assert "the data file is missing" in registry.failures[0].message


def test_a_plugin_shipping_invalid_data_is_named_with_every_problem() -> None:
    class BadData:
        @hookimpl
        def qframework_frameworks(self, register: Callable[[Framework], None]) -> None:
            loads_framework(
                VALID.replace('title = "Netzwerk"', 'title = ""').replace("number = 3", "number = 0"), file="bad.toml"
            )

    registry = load_registry(manager(bad=BadData(), good=FrameworkPlugin(framework("a"))))
    assert list(registry.frameworks) == ["a"]
    message = registry.failures[0].message
    assert registry.failures[0].plugin == "bad"
    assert "bad.toml:28: dimensions[0] (netzwerk).title" in message
    assert "bad.toml:27: dimensions[0] (netzwerk).number" in message
    assert f"\n  at {__file__}:" in message and "in qframework_frameworks: loads_framework(" in message
    assert registry.failures[0].where == (message.rsplit("\n  at ", 1)[1],)


def test_a_plugin_raising_in_its_hook_is_shown_with_the_file_and_line() -> None:
    registry = load_registry(manager(broken=RaisingPlugin()))
    (failure,) = registry.failures
    line = RaisingPlugin.qframework_frameworks.__code__.co_firstlineno + 2
    where = f'{__file__}:{line} in qframework_frameworks: raise RuntimeError("the data file is missing")'
    assert failure.where == (where,)
    assert failure.message == f"qframework_frameworks failed: RuntimeError: the data file is missing\n  at {where}"


def test_a_plugin_that_implements_no_hook_is_a_failure_that_says_so() -> None:
    class Unmarked:
        def qframework_frameworks(self, register: Callable[[Framework], None]) -> None:
            register(framework("unmarked"))

    registry = load_registry(manager(unmarked=Unmarked(), empty=object()))
    messages = {f.plugin: f.message for f in registry.failures}
    assert messages["unmarked"].startswith("registers nothing: qframework_frameworks is not marked @hookimpl")
    assert messages["empty"].startswith("registers nothing: it implements no hook (no @hookimpl?")
    assert "unmarked" not in registry.frameworks


def test_registering_the_wrong_type_is_reported() -> None:
    class WrongType:
        @hookimpl
        def qframework_frameworks(self, register: Callable[[Any], None]) -> None:
            register({"id": "dict"})

    registry = load_registry(manager(wrong=WrongType()))
    assert "expected Framework" in registry.failures[0].message


def test_a_misspelt_hook_is_caught_by_check_pending() -> None:
    pm = manager(typo=MisspeltPlugin(), good=FrameworkPlugin(framework("a")))
    registry = load_registry(pm)
    assert [f.plugin for f in registry.failures] == ["typo"]
    assert registry.failures[0].message.startswith(
        "unknown hook 'qframework_framework' (did you mean 'qframework_frameworks'? known: "
    )
    assert registry.failures[0].message.count("unknown hook") == 1  # said once, not "unknown hook: unknown hook"
    line = MisspeltPlugin.qframework_framework.__code__.co_firstlineno
    assert f"(at {__file__}:{line})" in registry.failures[0].message  # where the misspelt hook is defined
    assert list(registry.frameworks) == ["a"]
    assert "typo" not in registry.plugins


def test_newest_version_is_the_default_and_every_version_is_reachable() -> None:
    registry = load_registry(
        manager(p=FrameworkPlugin(framework("a", "2.0"), framework("a", "10.0"), framework("a", "9.1")))
    )
    assert registry.frameworks["a"].version == "10.0"
    assert registry.framework("a", "2.0").version == "2.0"
    with pytest.raises(NotFound, match=r"version '3.0' is not installed \(installed: 10.0, 2.0, 9.1\)"):
        registry.framework("a", "3.0")
    with pytest.raises(NotFound, match="unknown framework 'nope'"):
        registry.framework("nope")


def test_one_plugin_registering_the_same_version_twice_is_an_error() -> None:
    with pytest.raises(PluginError, match="twice"):
        load_registry(manager(p=FrameworkPlugin(framework("a"), framework("a"))))


# -- entry points: a real installed distribution, made on the fly -------------------------------


def install_fake_distribution(root: Path, dist: str, plugins: dict[str, str]) -> None:
    """Write a minimal installed distribution (dist-info with entry points) plus its modules.

    The folder's name escapes '-' as '_', as installers do: importlib.metadata reads the name up to
    the first '-', so 'qf-a' and 'qf-b' unescaped would be one distribution and hide each other.
    """
    info = root / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n", encoding="utf-8")
    lines = ["[qframework]"] + [f"{name} = {name}_module" for name in plugins]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, source in plugins.items():
        (root / f"{name}_module.py").write_text(textwrap.dedent(source), encoding="utf-8")


GOOD_MODULE = """
    from qframework import hookimpl, loads_framework
    from test_io import VALID

    @hookimpl
    def qframework_frameworks(register):
        register(loads_framework(VALID.replace('id = "mini"', 'id = "{fid}"')))
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("QFRAMEWORK_PLUGINS", raising=False)
    return tmp_path


def test_entry_point_plugins_load_with_their_distribution_version(site: Path) -> None:
    install_fake_distribution(site, "qf-fake", {"fakegood": GOOD_MODULE.format(fid="fake-good")})
    registry = load_registry(make_plugin_manager())
    assert registry.frameworks.providers["fake-good"] == PluginInfo("fakegood", "1.2.3", "fakegood_module")


def test_a_plugin_that_fails_to_import_is_named_and_the_others_load(site: Path) -> None:
    install_fake_distribution(
        site,
        "qf-fake",
        {"fakegood": GOOD_MODULE.format(fid="fake-good"), "fakebroken": "import does_not_exist_anywhere\n"},
    )
    registry = load_registry(make_plugin_manager())
    assert "fake-good" in registry.frameworks
    failure = next(f for f in registry.failures if f.plugin == "fakebroken")
    assert "cannot be imported" in failure.message and "does_not_exist_anywhere" in failure.message
    assert failure.where == (f"{site / 'fakebroken_module.py'}:1 in <module>: import does_not_exist_anywhere",)


def test_the_plugin_installed_first_keeps_an_id_whatever_the_names(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A newcomer named to sort first (entry-point name 'alpha') neither takes the id nor is the one blamed."""
    import os
    import sys

    monkeypatch.delitem(sys.modules, "alpha_module", raising=False)
    monkeypatch.delitem(sys.modules, "zulu_module", raising=False)
    install_fake_distribution(site, "qf-zulu", {"zulu": GOOD_MODULE.format(fid="geteilt")})
    install_fake_distribution(site, "qf-alpha", {"alpha": GOOD_MODULE.format(fid="geteilt")})
    older = site / "qf_zulu-1.2.3.dist-info"
    os.utime(older, ns=(1, 1))  # installed long before qf-alpha
    registry = load_registry(make_plugin_manager())
    assert registry.frameworks.provider("geteilt").name == "zulu"
    (failure,) = [f for f in registry.failures if f.clash_with]
    assert (failure.plugin, failure.clash_with) == ("alpha", "zulu")
    assert (
        "zulu keeps it (it was installed first) and alpha's copy is left out: alpha caused the clash" in failure.message
    )
    os.utime(older)  # reinstalled: now zulu is the newer one and alpha keeps the id
    os.utime(site, ns=(site.stat().st_mtime_ns + 1,) * 2)  # as installing changes the folder
    registry = load_registry(make_plugin_manager())
    assert registry.frameworks.provider("geteilt").name == "alpha"


def test_env_variable_restricts_which_plugins_load(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_distribution(
        site, "qf-fake", {"fakeone": GOOD_MODULE.format(fid="fake-one"), "faketwo": GOOD_MODULE.format(fid="fake-two")}
    )
    monkeypatch.setenv("QFRAMEWORK_PLUGINS", "faketwo, notinstalled")
    registry = load_registry(make_plugin_manager())
    assert "fake-two" in registry.frameworks and "fake-one" not in registry.frameworks
    assert [f.plugin for f in registry.failures] == ["notinstalled"]
    monkeypatch.setenv("QFRAMEWORK_PLUGINS", "")
    registry = load_registry(make_plugin_manager())
    assert not any(info for info in registry.plugins.values() if not info.builtin)


# -- programmes and aggregations go through the same machinery -------------------------------------


def programme(pid: str) -> Programme:
    return Programme(
        pid,
        "Testprogramm",
        "mini",
        AssignmentRules((Topic("netzwerk"),)),
        provenance=Provenance("authored", note="test"),
        rules_provenance=Provenance("authored", note="test"),
    )


class ProgrammePlugin:
    def __init__(self, *programmes: Programme) -> None:
        self.programmes = programmes

    @hookimpl
    def qframework_programmes(self, register: Callable[[Programme], None]) -> None:
        for p in self.programmes:
            register(p)


def test_programmes_are_registered_with_their_plugin() -> None:
    registry = load_registry(manager(prog=ProgrammePlugin(programme("runde-1"), programme("runde-2"))))
    assert sorted(registry.programmes) == ["runde-1", "runde-2"]
    assert registry.registered_by("prog") == {"programmes": ["runde-1", "runde-2"]}
    with pytest.raises(NotFound, match="unknown programme 'runde-3'"):
        registry.programmes["runde-3"]


def test_two_plugins_registering_one_programme_id_is_a_failure_naming_both() -> None:
    pm = manager(one=ProgrammePlugin(programme("same")), two=ProgrammePlugin(programme("same")))
    registry = load_registry(pm)
    assert registry.programmes.providers["same"].name == "one"
    (failure,) = registry.failures
    assert failure.plugin == "two"
    assert "programme 'same' is registered by two plugins: one 0.1 and two 0.1" in failure.message


def test_builtin_aggregations_come_through_the_hook() -> None:
    registry = load_registry(make_plugin_manager(entry_points=False))
    assert {"mean", "median"} <= set(registry.aggregations)
    assert registry.aggregations.providers["mean"].builtin


def test_a_framework_file_registered_by_path_is_loaded_and_validated(tmp_path: Path) -> None:
    good = tmp_path / "mini.toml"
    good.write_text(VALID, encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(VALID.replace('scale = "vier"', 'scale = "fuenf"'), encoding="utf-8")

    class PathPlugin:
        def __init__(self, path: object) -> None:
            self.path = path

        @hookimpl
        def qframework_frameworks(self, register: Callable[[Any], None]) -> None:
            register(self.path)

    registry = load_registry(manager(text=PathPlugin(str(good)), broken=PathPlugin(bad)))
    assert registry.frameworks["mini"] == loads_framework(VALID)
    assert registry.frameworks.provider("mini").name == "text"
    assert [f.plugin for f in registry.failures] == ["broken"]
    assert "unknown scale 'fuenf'" in registry.failures[0].message
