"""The registry is a read-only mapping built once per process; plugin data loads from a verified cache."""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_io import VALID

from qframework import Framework, NotFound, loads_framework
from qframework import _cache as cache
from qframework.cli._registries import DocumentKinds
from qframework.io import caching_loads, load
from qframework.plugins import PluginInfo, Registered, load_registry, make_plugin_manager


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


# -- document kinds ----------------------------------------------------------------------------


def test_document_kinds_are_a_table_with_one_entry_per_kind() -> None:
    kinds = DocumentKinds()
    kinds.register("framework", lambda data: "dimensions" in data, lambda: Framework)
    kinds.append(("other", lambda data: "other" in data, lambda: Framework))
    assert kinds.detect({"dimensions": []}) == ["framework"]
    assert list(kinds) == ["framework", "other"]
    with pytest.raises(ValueError, match="registered twice"):
        kinds.register("framework", lambda data: True, lambda: Framework)
