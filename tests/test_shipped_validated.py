"""Shipped validated data and the direct entry-point scan: the cold start-up's two shortcuts.

A plugin's data folder ships ``qframework-validated.json`` (``scripts/ship_validated.py``): the plain
data of each validated framework and the id of each programme and crosswalk, by the SHA-256 of the
file's bytes. Users rely on a start with an empty or disabled cache giving the same registry as a
start that parses every file; on a changed data file being read from its bytes, never from stale
shipped data; and on a shipped file that is tampered with, not the package's own (a link, writable by
others) or made by another qframework version being ignored. The entry points are read from the
``.dist-info`` folders as ``importlib.metadata`` reads them, or by ``importlib.metadata`` itself.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_registry_cache import _snapshot

from qframework import _cache
from qframework import plugins as plugins_module
from qframework.io import caching_loads, load
from qframework.model import Framework
from qframework.plugins import load_registry, make_plugin_manager

ROOT = Path(__file__).resolve().parent.parent
FH_DATA = ROOT / "plugins" / "qualitaetsrahmen_fh" / "src" / "qframework_qualitaetsrahmen_fh" / "data"


@pytest.fixture(autouse=True)
def no_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No user cache (as with QFRAMEWORK_NO_CACHE=1); shipped files read afresh in each test."""
    monkeypatch.setenv("QFRAMEWORK_NO_CACHE", "1")
    monkeypatch.setenv("QFRAMEWORK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("QFRAMEWORK_PLUGINS", raising=False)
    monkeypatch.setattr(_cache, "_SHIPPED", {})
    yield


def _script() -> object:
    spec = importlib.util.spec_from_file_location("ship_validated", ROOT / "scripts" / "ship_validated.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_files_are_current() -> None:
    """Each plugin's shipped file is what scripts/ship_validated.py writes now (run it with --update)."""
    files = _script().shipped_files()  # type: ignore[attr-defined]
    assert len(files) == 3
    for path, blob in files.items():
        assert path.read_bytes() == blob, f"{path} is stale: python scripts/ship_validated.py --update"


def test_a_cold_start_gives_the_registry_that_parsing_every_file_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no cache, the registry from the shipped data equals the one built from the files alone,
    programmes and crosswalks (built on first access) included."""
    shipped = _snapshot(load_registry(make_plugin_manager()))
    crosswalks = dict(load_registry(make_plugin_manager()).crosswalks.items())
    monkeypatch.setattr(_cache, "_shipped_entry", lambda file, raw: None)
    parsed = _snapshot(load_registry(make_plugin_manager()))
    assert shipped == parsed
    assert crosswalks == dict(load_registry(make_plugin_manager()).crosswalks.items())
    assert shipped["failures"] == ()


def _copy_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(FH_DATA, folder)
    return folder


def _framework(folder: Path) -> Framework:
    with caching_loads():
        return load(Framework, folder / "qualitaetsrahmen-fh-2.0.toml")


def test_shipped_data_is_used_only_for_the_exact_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A data file changed after the build is read from its bytes; the unchanged one from the shipped data."""
    folder = _copy_data(tmp_path)
    calls: list[str] = []
    real = _cache._shipped_entry
    monkeypatch.setattr(_cache, "_shipped_entry", lambda file, raw: calls.append(file) or real(file, raw))
    assert _framework(folder).title
    assert real(str(folder / "qualitaetsrahmen-fh-2.0.toml"), (folder / "qualitaetsrahmen-fh-2.0.toml").read_bytes())
    path = folder / "qualitaetsrahmen-fh-2.0.toml"
    text = path.read_text(encoding="utf-8")
    changed = text.replace('title = "', 'title = "Geändert: ', 1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    assert real(str(path), path.read_bytes()) is None
    assert _framework(folder).title.startswith("Geändert: ")


@pytest.mark.parametrize("damage", ["digest", "group-writable", "symlink", "version", "invalid", "not-json"])
def test_a_shipped_file_that_is_not_trustworthy_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """Tampered, writable by others, a link, made by another version, or holding invalid data: the
    file is read from its bytes as without shipped data, and the result is the same framework."""
    folder = _copy_data(tmp_path)
    want = _framework(folder)
    monkeypatch.setattr(_cache, "_SHIPPED", {})
    shipped = folder / _cache.SHIPPED_NAME
    blob = shipped.read_bytes()
    raw = (folder / "qualitaetsrahmen-fh-2.0.toml").read_bytes()
    if damage == "digest":
        shipped.write_bytes(blob.replace(b'"title": "', b'"title": "X', 1))
    elif damage == "group-writable":
        shipped.chmod(0o664)
    elif damage == "symlink":
        target = tmp_path / "elsewhere.json"
        shipped.rename(target)
        shipped.symlink_to(target)
    elif damage == "version":
        monkeypatch.setattr(_cache, "_VERSION", ["0.0.0-other"])
    else:
        import json

        payload = json.loads(blob.split(b"\n", 2)[2])
        entry = payload["entries"][_cache._sha256(raw).hexdigest()]
        if damage == "invalid":
            entry["data"]["dimensions"][0]["indicators"][0]["weight"] = -1
        else:
            entry["data"] = "not a framework"
        shipped.write_bytes(_cache.shipped_payload(payload["entries"], payload["qframework"]))
    assert _cache.get(Framework, raw, "toml", str(folder / "qualitaetsrahmen-fh-2.0.toml")) is None
    assert _framework(folder) == want


def test_the_direct_entry_point_scan_reads_what_importlib_metadata_reads() -> None:
    """On this installation (plain .dist-info folders) both readings give the same entry points."""
    scanned = plugins_module._scan_entry_points()
    assert scanned is not None
    assert scanned == plugins_module._metadata_entry_points()
    assert {name for name, *_ in scanned} >= {"kqs", "nds_standards", "qualitaetsrahmen_fh"}


def _dist(folder: Path, name: str, text: str, version: str = "1.0") -> None:
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nbody\n")
    (info / "entry_points.txt").write_text(text)


def test_the_scan_reads_sections_comments_and_shadowed_distributions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the qframework group; ``#`` comments; the first distribution of a name on the path wins."""
    first, second = tmp_path / "a", tmp_path / "b"
    _dist(first, "demo_plugin", "# c\n[console_scripts]\nx = y:z\n[qframework]\n# c\n  demo = demo_mod:plugin \n")
    _dist(second, "Demo.Plugin", "[qframework]\nshadowed = other\n", version="2.0")
    monkeypatch.setattr(sys, "path", [str(first), str(second), *sys.path])
    scanned = plugins_module._scan_entry_points()
    assert scanned == plugins_module._metadata_entry_points()
    assert ("demo", "demo_mod:plugin", "1.0") in [ep[:3] for ep in scanned or []]
    assert "shadowed" not in [ep[0] for ep in scanned or []]


@pytest.mark.parametrize("odd", ["egg-info", "twice", "zip", "unreadable line"])
def test_installations_the_scan_does_not_know_go_to_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str
) -> None:
    """An .egg-info folder, one name twice in one folder, a zip file on the path, a line importlib.metadata
    cannot read: no direct scan."""
    folder = tmp_path / "site"
    folder.mkdir()
    entry = str(folder)
    if odd == "egg-info":
        (folder / "old.egg-info").mkdir()
    elif odd == "twice":
        _dist(folder, "demo", "[qframework]\ndemo = demo\n", version="1.0")
        _dist(folder, "demo", "[qframework]\ndemo = demo\n", version="2.0")
    elif odd == "unreadable line":
        _dist(folder, "demo", "[qframework]\n; not a comment to importlib.metadata\n")
    else:
        entry = str(tmp_path / "lib.zip")
        Path(entry).write_bytes(b"PK\x05\x06" + bytes(18))
    monkeypatch.setattr(sys, "path", [entry, *sys.path])
    assert plugins_module._scan_entry_points() is None
    assert Path(entry).exists()


def test_the_quick_reading_of_data_files_keeps_the_size_limit_of_qframework_io() -> None:
    from qframework import io

    assert plugins_module._MAX_FILE_BYTES == io.DEFAULT_MAX_FILE_BYTES
    assert plugins_module._FORMATS == {".toml": "toml", ".json": "json"}


@pytest.mark.parametrize(
    "payload",
    [
        b'["a", "a", "b"',  # not JSON
        b'{"a": 1, "a": 2}',  # a key twice
        b"[NaN]",
        b"[" * 40 + b"]" * 40,  # deeper than qframework.io.MAX_DEPTH
        b'"\\ud800"',  # a lone surrogate
        b"\xff",  # not UTF-8
    ],
)
def test_plain_entries_are_read_with_the_checked_parsers_refusals(payload: bytes) -> None:
    """What qframework.io.parse refuses in JSON, the reading of plain entries and shipped data refuses too."""
    from qframework import io
    from qframework.errors import ValidationError

    with pytest.raises(ValidationError):
        io.parse(payload, format="json")
    with pytest.raises((ValueError, RecursionError)):
        _cache._parse_plain(payload)


def test_listing_plugins_on_a_cold_start_imports_no_framework_code(tmp_path: Path) -> None:
    """`qframework plugins` with no cache lists every framework without structuring one (no qframework.io,
    no qframework.model); the first framework asked for is built then."""
    import subprocess

    script = (
        "import sys\n"
        "from qframework import load_registry\n"
        "registry = load_registry()\n"
        "listed = [registry.registered_by(p) for p in registry.plugins]\n"
        "print('qframework.io' in sys.modules, 'qframework.model' in sys.modules)\n"
        "print(registry.frameworks['kqs'].id)\n"
    )
    env = {**os.environ, "QFRAMEWORK_NO_CACHE": "1", "QFRAMEWORK_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("QFRAMEWORK_PLUGINS", None)
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "False", "kqs"]
