"""The registry is a read-only mapping built once per process; plugin data loads from a verified cache."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_io import VALID

from qframework import Framework, NotFound, Programme, Registry, hookimpl, load_programme, loads_framework
from qframework import _cache as cache
from qframework.cli._registries import DocumentKinds
from qframework.frozen import FrozenMap
from qframework.io import caching_loads, load
from qframework.plugins import PluginInfo, PluginManager, Registered, load_registry, make_plugin_manager


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QFRAMEWORK_CACHE_DIR", str(folder))
    monkeypatch.delenv("QFRAMEWORK_NO_CACHE", raising=False)
    yield folder


# -- read-only mappings ------------------------------------------------------------------------


def test_registered_objects_are_a_read_only_mapping() -> None:
    frameworks = load_registry().frameworks
    assert sorted(frameworks.keys()) == ["kqs", "nds-qualitaetsstandards-fh", "nzfh-qualitaetsrahmen", "sgb8-79a"]
    assert dict(frameworks.items())["kqs"] is frameworks["kqs"]
    assert [fw.id for fw in frameworks.values()] == list(frameworks)
    assert len(frameworks) == 4 and "kqs" in frameworks
    assert frameworks.get("kqs") is frameworks["kqs"]
    with pytest.raises(NotFound, match=r"unknown framework 'kq' \(did you mean 'kqs'\?"):
        frameworks["kq"]


def test_a_shared_registry_cannot_be_changed_through_its_collections() -> None:
    registry = load_registry()
    frameworks = registry.frameworks
    with pytest.raises(AttributeError):
        frameworks.items.pop("kqs")  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        frameworks["kqs"] = frameworks["kqs"]  # type: ignore[index]
    with pytest.raises(TypeError):
        frameworks.providers["kqs"] = PluginInfo("x", None, "x")  # type: ignore[index]
    with pytest.raises(AttributeError):
        registry.frameworks = Registered("framework")  # type: ignore[misc]
    assert "kqs" in load_registry().frameworks


def test_provider_is_a_separate_lookup() -> None:
    frameworks = load_registry().frameworks
    assert frameworks.provider("kqs").name == "kqs"
    assert frameworks.provider("kqs").version is not None
    with pytest.raises(NotFound, match="unknown framework 'nope'"):
        frameworks.provider("nope")


# -- built once --------------------------------------------------------------------------------


def test_the_same_registry_is_returned_until_refresh() -> None:
    first = load_registry()
    assert load_registry() is first
    rebuilt = load_registry(refresh=True)
    assert rebuilt is not first
    assert load_registry() is rebuilt
    assert rebuilt.frameworks.keys() == first.frameworks.keys()


def test_changing_which_plugins_load_rebuilds(monkeypatch: pytest.MonkeyPatch) -> None:
    everything = load_registry()
    monkeypatch.setenv("QFRAMEWORK_PLUGINS", "kqs")
    only_kqs = load_registry()
    assert only_kqs is not everything
    assert list(only_kqs.frameworks) == ["kqs", "sgb8-79a"]
    monkeypatch.delenv("QFRAMEWORK_PLUGINS")
    assert sorted(load_registry().frameworks) == sorted(everything.frameworks)


def test_an_explicit_plugin_manager_is_never_cached() -> None:
    first = load_registry(make_plugin_manager(entry_points=False))
    second = load_registry(make_plugin_manager(entry_points=False))
    assert first is not second
    assert list(first.frameworks) == []
    assert sorted(first.aggregations) == sorted(second.aggregations)


# -- the validated-data cache ------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_cached_load_returns_an_equal_object_and_reuses_the_entry(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path / "mini.toml", VALID)
    with caching_loads():
        first = load(Framework, path)
    assert len(list(cache_dir.iterdir())) == 1
    with caching_loads():
        second = load(Framework, path)
    assert second == first == loads_framework(VALID)
    assert second is not first  # unpickled from the entry


def test_an_entry_is_used_only_for_the_exact_bytes_it_was_made_from(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path / "mini.toml", VALID)
    with caching_loads():
        load(Framework, path)
    _write(path, VALID.replace('title = "Mini-Rahmen"', 'title = "Anderer Rahmen"'))
    with caching_loads():
        assert load(Framework, path).title == "Anderer Rahmen"
    assert len(list(cache_dir.iterdir())) == 2


def test_a_tampered_or_truncated_entry_is_never_trusted(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path / "mini.toml", VALID)
    with caching_loads():
        load(Framework, path)
    (entry,) = cache_dir.iterdir()
    entry.write_bytes(entry.read_bytes()[:40])  # truncated
    with caching_loads():
        assert load(Framework, path).title == "Mini-Rahmen"
    (entry,) = cache_dir.iterdir()
    entry.write_bytes(b"qframework-cache-1\nnot-the-key\n" + pickle.dumps("x"))  # a foreign entry
    assert cache.lookup((b"anything",)) is None
    with caching_loads():
        assert load(Framework, path).title == "Mini-Rahmen"


def test_an_invalid_file_is_never_cached(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path / "bad.toml", VALID.replace('scale = "vier"', 'scale = "fuenf"'))
    for _ in range(2):
        with caching_loads(), pytest.raises(Exception, match="unknown scale 'fuenf'"):
            load(Framework, path)
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


def test_no_cache_variable_turns_it_off(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QFRAMEWORK_NO_CACHE", "1")
    path = _write(tmp_path / "mini.toml", VALID)
    with caching_loads():
        load(Framework, path)
    assert not cache_dir.exists()


def test_loads_outside_registry_building_do_not_write_entries(tmp_path: Path, cache_dir: Path) -> None:
    load(Framework, _write(tmp_path / "mini.toml", VALID))
    assert not cache_dir.exists()


def test_concurrent_writers_leave_one_complete_entry(cache_dir: Path) -> None:
    """Rule: writers racing on one key never expose a partial entry; a reader gets all or nothing."""
    value = {"payload": "x" * 200_000}
    seen: list[object] = []

    def work() -> None:
        for _ in range(20):
            cache.store((b"race",), value)
            seen.append(cache.lookup((b"race",)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(found == value for found in seen)
    assert [p.name for p in cache_dir.iterdir() if p.name.endswith(".tmp")] == []
    assert len(os.listdir(cache_dir)) == 1


# -- data files registered by path --------------------------------------------------------------

PROGRAMME = """\
id = "runde-1"
title = "Testprogramm"
framework = "mini"

[rules]
topics = [
    { id = "netzwerk" },
]

[provenance]
kind = "authored"
note = "test"

[rules_provenance]
kind = "authored"
note = "test"
"""


class FilePlugin:
    """A plugin registering programme files by path, as the shipped plugins do."""

    def __init__(self, *paths: Path) -> None:
        self.paths = paths

    @hookimpl
    def qframework_programmes(self, register: Callable[[Path], None]) -> None:
        for path in self.paths:
            register(path)


def _manager(**plugins: object) -> PluginManager:
    pm = make_plugin_manager(entry_points=False)
    for name, plugin in plugins.items():
        pm.add_plugin(plugin, PluginInfo(name, "0.1", f"tests.{name}"))
    return pm


def test_a_programme_file_validated_before_is_listed_at_once_and_built_on_access(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = _write(tmp_path / "runde.toml", PROGRAMME)
    for _ in range(2):  # the first build validates the file, the second finds its id in the cache
        registry = load_registry(_manager(files=FilePlugin(path)))
        assert registry.failures == ()
        assert list(registry.programmes) == ["runde-1"]
        assert registry.registered_by("files") == {"programmes": ["runde-1"]}
        programme = registry.programmes["runde-1"]
        assert isinstance(programme, Programme)
        assert programme == load_programme(path)
        assert registry.programmes["runde-1"] is programme  # built once
        assert dict(registry.programmes.items()) == {"runde-1": programme}


def test_the_id_recorded_for_a_file_is_used_only_for_the_same_bytes(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path / "runde.toml", PROGRAMME)
    load_registry(_manager(files=FilePlugin(path)))
    _write(path, PROGRAMME.replace('id = "runde-1"', 'id = "runde-2"'))
    registry = load_registry(_manager(files=FilePlugin(path)))
    assert list(registry.programmes) == ["runde-2"]
    assert registry.programmes["runde-2"].id == "runde-2"


def test_a_deferred_programme_is_built_from_the_bytes_its_id_was_recorded_for(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path / "runde.toml", PROGRAMME)
    load_registry(_manager(files=FilePlugin(path)))
    registry = load_registry(_manager(files=FilePlugin(path)))
    path.unlink()  # gone before first access: the registry still holds what it listed
    for entry in cache_dir.iterdir():
        entry.unlink()
    assert registry.programmes["runde-1"].title == "Testprogramm"


def test_an_invalid_programme_file_is_named_every_time_and_the_others_load(tmp_path: Path, cache_dir: Path) -> None:
    good = _write(tmp_path / "good.toml", PROGRAMME)
    bad = _write(tmp_path / "bad.toml", PROGRAMME.replace('id = "runde-1"', 'id = "Runde 1"'))
    for _ in range(2):
        registry = load_registry(_manager(broken=FilePlugin(bad), fine=FilePlugin(good)))
        assert [f.plugin for f in registry.failures] == ["broken"]
        assert "bad.toml:1: id: must be a lower-case ASCII id" in registry.failures[0].message
        assert list(registry.programmes) == ["runde-1"]


def test_a_missing_programme_file_is_a_named_failure(tmp_path: Path, cache_dir: Path) -> None:
    registry = load_registry(_manager(missing=FilePlugin(tmp_path / "nope.toml")))
    assert [f.plugin for f in registry.failures] == ["missing"]
    assert "cannot read file" in registry.failures[0].message


def test_two_plugins_registering_one_programme_file_id_is_an_error(tmp_path: Path, cache_dir: Path) -> None:
    one = _write(tmp_path / "one.toml", PROGRAMME)
    two = _write(tmp_path / "two.toml", PROGRAMME)
    load_registry(_manager(one=FilePlugin(one)))  # warm: the second build defers both
    for _ in range(2):
        registry = load_registry(_manager(one=FilePlugin(one), two=FilePlugin(two)))
        assert [f.plugin for f in registry.failures] == ["two"]
        assert "programme 'runde-1' is registered by two plugins" in registry.failures[0].message
        assert registry.programmes.providers["runde-1"].name == "one"


def test_unusable_cache_entries_fall_back_to_loading(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path / "runde.toml", PROGRAMME)
    load_registry(_manager(files=FilePlugin(path)))
    for entry in cache_dir.iterdir():
        entry.write_bytes(b"qframework-cache-1\nnot-the-key\n" + pickle.dumps("runde-9"))
    registry = load_registry(_manager(files=FilePlugin(path)))
    assert list(registry.programmes) == ["runde-1"]
    assert registry.programmes["runde-1"] == load_programme(path)


def test_first_access_from_many_threads_builds_one_object(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path / "runde.toml", PROGRAMME)
    load_registry(_manager(files=FilePlugin(path)))
    registry = load_registry(_manager(files=FilePlugin(path)))
    seen: list[Programme] = []
    threads = [threading.Thread(target=lambda: seen.append(registry.programmes["runde-1"])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and all(p is seen[0] for p in seen)


def _snapshot(registry: Registry) -> dict[str, object]:
    """Everything a caller can read from a registry, objects included."""
    return {
        "frameworks": dict(registry.frameworks.items()),
        "framework providers": dict(registry.frameworks.providers),
        "framework versions": dict(registry.framework_versions),
        "programmes": dict(registry.programmes.items()),
        "programme providers": dict(registry.programmes.providers),
        "aggregations": sorted(registry.aggregations),
        "plugins": dict(registry.plugins),
        "failures": registry.failures,
        "registered": {name: registry.registered_by(name) for name in registry.plugins},
    }


def test_the_installed_registry_is_the_same_with_and_without_the_cache(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QFRAMEWORK_PLUGINS", raising=False)
    cold = _snapshot(load_registry(make_plugin_manager()))  # fills the cache
    warm = _snapshot(load_registry(make_plugin_manager()))  # frameworks unpickled, programmes deferred
    monkeypatch.setenv("QFRAMEWORK_NO_CACHE", "1")
    uncached = _snapshot(load_registry(make_plugin_manager()))
    assert warm == cold == uncached
    assert len(uncached["programmes"]) == 6  # type: ignore[arg-type]
    assert uncached["failures"] == ()


@pytest.mark.parametrize("no_cache", [False, True])
def test_listing_the_installed_plugins_does_not_build_programmes(cache_dir: Path, no_cache: bool) -> None:
    """What keeps start-up fast: plugins and frameworks need no programme module, with a warm cache,
    and on the first start (an empty cache, or none) too: the plugins ship their files' ids."""
    script = textwrap.dedent(
        """
        import sys
        from qframework import load_registry
        registry = load_registry()
        listed = (sorted(registry.frameworks), [registry.registered_by(p) for p in registry.plugins])
        print("qframework.programme" in sys.modules, "qframework.assignment" in sys.modules)
        registry.programmes["qdfh-2019"]
        print("qframework.programme" in sys.modules)
        """
    )
    env = {**os.environ, "QFRAMEWORK_CACHE_DIR": str(cache_dir)}
    env.pop("QFRAMEWORK_PLUGINS", None)
    env.pop("QFRAMEWORK_NO_CACHE", None)
    if no_cache:
        env["QFRAMEWORK_NO_CACHE"] = "1"
    run = [sys.executable, "-c", script]
    cold = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.split()
    warm = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert cold == ["False", "False", "True"]  # first start: the shipped ids
    assert warm == ["False", "False", "True"]


# -- document kinds ----------------------------------------------------------------------------


def test_document_kinds_are_a_table_with_one_entry_per_kind() -> None:
    kinds = DocumentKinds()
    kinds.register("framework", lambda data: "dimensions" in data, lambda: Framework)
    kinds.append(("other", lambda data: "other" in data, lambda: Framework))
    assert kinds.detect({"dimensions": []}) == ["framework"]
    assert list(kinds) == ["framework", "other"]
    with pytest.raises(ValueError, match="registered twice"):
        kinds.register("framework", lambda data: True, lambda: Framework)


class FrameworkFilePlugin:
    """A plugin registering framework files by path, as the shipped plugins do."""

    def __init__(self, *paths: Path) -> None:
        self.paths = paths

    @hookimpl
    def qframework_frameworks(self, register: Callable[[Path], None]) -> None:
        for path in self.paths:
            register(path)


def test_a_framework_file_validated_before_is_listed_at_once_and_built_once_on_access(
    tmp_path: Path, cache_dir: Path
) -> None:
    """The second registry lists the framework's id and version from the cache; the framework it gives,
    by id or by version, is one object equal to the file's, and the version map compares, hashes and
    pickles as the framework it holds."""
    path = _write(tmp_path / "mini.toml", VALID)
    want = loads_framework(VALID)
    for _ in range(2):  # the first build validates the file, the second finds its id and version in the cache
        registry = load_registry(_manager(files=FrameworkFilePlugin(path)))
        assert registry.failures == ()
        assert registry.registered_by("files") == {"frameworks": [f"{want.id} {want.version}"]}
        versions = registry.framework_versions
        assert versions == {want.key: want}
        assert hash(versions) == hash(FrozenMap({want.key: want}))
        assert pickle.loads(pickle.dumps(versions)) == {want.key: want}
        framework = registry.frameworks[want.id]
        assert framework == want
        assert versions[want.key] is framework is registry.framework(want.id, want.version)


def test_the_id_and_version_recorded_for_a_framework_file_are_used_only_for_the_same_bytes(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = _write(tmp_path / "mini.toml", VALID)
    load_registry(_manager(files=FrameworkFilePlugin(path)))
    _write(path, VALID.replace('version = "1.0"', 'version = "1.1"', 1))
    registry = load_registry(_manager(files=FrameworkFilePlugin(path)))
    assert [key[1] for key in registry.framework_versions] == ["1.1"]
    assert registry.framework_versions[next(iter(registry.framework_versions))].version == "1.1"
