"""Hostile input, third round (issue 27): the cache, workbooks, the web upload path, text and numbers.

Every reproducer of the issue is a test here. None times anything: a denial of service shows as
work counted (entries opened, elements parsed) or as a refusal before the expensive step.
"""

from __future__ import annotations

import json
import os
import pickle
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_io import VALID

from qframework import Framework
from qframework import _cache as cache
from qframework.io import caching_loads, load

# -- the validated-data cache cannot run code or load unvalidated data ---------------------------


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QFRAMEWORK_CACHE_DIR", str(folder))
    monkeypatch.delenv("QFRAMEWORK_NO_CACHE", raising=False)
    yield folder


class _Plant:
    """A pickle that, when loaded, creates ``marker``: proof that loading ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def _mini(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "mini.toml"
    path.write_text(VALID, encoding="utf-8")
    return path, path.read_bytes()


def _entry_name(raw: bytes) -> str:
    return cache._key(cache._object_parts(Framework, raw, "toml"))


def test_a_planted_pickle_never_runs(tmp_path: Path, cache_dir: Path) -> None:
    path, raw = _mini(tmp_path)
    key = _entry_name(raw)
    marker = tmp_path / "ran"
    cache_dir.mkdir(mode=0o700)
    payload = pickle.dumps(_Plant(marker))
    for magic in (b"qframework-cache-1\n", cache._MAGIC):  # the old format and the current head
        (cache_dir / key).write_bytes(magic + key.encode() + b"\n" + payload)
        with caching_loads():
            framework = load(Framework, path)
        assert not marker.exists()
        assert framework.title == "Mini-Rahmen"


def _rewrite(entry: Path, change: Any) -> None:
    """Change an entry's JSON payload and give it a matching digest: a well-formed tampered entry."""
    _magic, key, _digest, payload = entry.read_bytes().split(b"\n", 3)
    data = json.loads(payload)
    change(data)
    new = json.dumps(data).encode()
    entry.write_bytes(cache._MAGIC + key + b"\n" + cache._sha256(new).hexdigest().encode() + b"\n" + new)


def test_a_tampered_well_formed_entry_is_validated_not_trusted(tmp_path: Path, cache_dir: Path) -> None:
    """Reproducer: a one-level scale in a tampered entry loaded unvalidated, then score divided by zero."""
    path, _ = _mini(tmp_path)
    with caching_loads():
        expected = load(Framework, path)
    (entry,) = cache_dir.iterdir()

    def one_level(data: dict[str, Any]) -> None:
        data["scales"][0]["levels"] = data["scales"][0]["levels"][:1]

    _rewrite(entry, one_level)
    with caching_loads():
        assert load(Framework, path) == expected
    (entry,) = cache_dir.iterdir()

    def stray_key(data: dict[str, Any]) -> None:
        data["__reduce__"] = "os.system"

    _rewrite(entry, stray_key)
    with caching_loads():
        assert load(Framework, path) == expected


def test_an_entry_with_a_wrong_digest_is_a_miss(tmp_path: Path, cache_dir: Path) -> None:
    path, raw = _mini(tmp_path)
    with caching_loads():
        load(Framework, path)
    (entry,) = cache_dir.iterdir()
    entry.write_bytes(entry.read_bytes().replace(b"Mini-Rahmen", b"Maxi-Rahmen"))
    assert cache.get(Framework, raw, "toml") is None


def _valid_entry(tmp_path: Path, cache_dir: Path) -> tuple[Path, bytes, Path]:
    path, raw = _mini(tmp_path)
    with caching_loads():
        load(Framework, path)
    (entry,) = cache_dir.iterdir()
    assert cache.get(Framework, raw, "toml") is not None
    return path, raw, entry


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="owners and modes are POSIX")
def test_a_group_or_world_writable_folder_is_not_used(tmp_path: Path, cache_dir: Path) -> None:
    _, raw, _ = _valid_entry(tmp_path, cache_dir)
    for mode in (0o777, 0o775, 0o1777):
        cache_dir.chmod(mode)
        assert cache.get(Framework, raw, "toml") is None
        cache.store((b"probe",), "x")
        assert not (cache_dir / cache._key((b"probe",))).exists()
    cache_dir.chmod(0o700)
    assert cache.get(Framework, raw, "toml") is not None


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="owners and modes are POSIX")
def test_a_writable_entry_is_not_used(tmp_path: Path, cache_dir: Path) -> None:
    _, raw, entry = _valid_entry(tmp_path, cache_dir)
    entry.chmod(0o666)
    assert cache.get(Framework, raw, "toml") is None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give files away")
def test_a_folder_or_entry_owned_by_another_user_is_not_used(tmp_path: Path, cache_dir: Path) -> None:
    _, raw, entry = _valid_entry(tmp_path, cache_dir)
    os.chown(entry, 4242, 4242)
    assert cache.get(Framework, raw, "toml") is None
    os.chown(entry, 0, 0)
    os.chown(cache_dir, 4242, 4242)
    assert cache.get(Framework, raw, "toml") is None
    os.chown(cache_dir, 0, 0)
    assert cache.get(Framework, raw, "toml") is not None


@pytest.mark.skipif(sys.platform == "win32", reason="special files are POSIX")
def test_an_entry_that_is_a_symlink_fifo_or_device_is_a_miss(tmp_path: Path, cache_dir: Path) -> None:
    """Reproducer: a symlink to /dev/zero gave a MemoryError traceback, a FIFO hung."""
    path, raw, entry = _valid_entry(tmp_path, cache_dir)
    entry.unlink()
    entry.symlink_to("/dev/zero")
    assert cache.get(Framework, raw, "toml") is None
    entry.unlink()
    os.mkfifo(entry, 0o600)
    assert cache.get(Framework, raw, "toml") is None  # returns at once: opened without blocking
    with caching_loads():
        assert load(Framework, path).title == "Mini-Rahmen"
    assert stat.S_ISFIFO(os.lstat(entry).st_mode) or entry.is_file()


def test_an_oversized_entry_is_not_read(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, raw, entry = _valid_entry(tmp_path, cache_dir)
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", entry.stat().st_size - 1)
    assert cache.get(Framework, raw, "toml") is None


def test_a_tampered_entry_point_list_is_a_miss(cache_dir: Path) -> None:
    key = (b"entry-points", b"qframework", b"stamps")
    cache.store(key, [("kqs", "qframework_kqs.plugin", "1.0")])
    assert cache.lookup(key) == [("kqs", "qframework_kqs.plugin", "1.0")]
    for bad in ([["kqs", "os; import this", None]], [["kqs"]], {"kqs": 1}, [["a\x1bb", "m", None]]):
        cache.store(key, bad)
        assert cache.lookup(key) is None


def test_the_cache_holds_no_pickle(tmp_path: Path, cache_dir: Path) -> None:
    """Entries are JSON behind a head naming their key and the payload's digest."""
    _, _, entry = _valid_entry(tmp_path, cache_dir)
    _magic, key, _digest, payload = entry.read_bytes().split(b"\n", 3)
    assert key.decode() == entry.name
    assert json.loads(payload)["id"] == "mini"
    assert b"\x80" not in entry.read_bytes()  # no pickle protocol marker
