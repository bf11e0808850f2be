"""Write (or check) the shipped validated data of the three framework plugins.

Each plugin's data folder gets ``qframework-validated.json`` (:data:`qframework._cache.SHIPPED_NAME`):
for every data file the plugin registers, by the SHA-256 of its bytes, the plain data of the validated
framework, or the id of the programme or crosswalk, made by this qframework version. A start-up with
an empty or disabled cache (the first run after an install, a read-only home, ``QFRAMEWORK_NO_CACHE=1``)
then neither parses the TOML nor imports the programme and crosswalk modules; see ``qframework._cache``.

    python scripts/ship_validated.py            # compare; exit 1 naming the stale files
    python scripts/ship_validated.py --update   # write them (after changing plugin data, or at release)

Run ``--update`` before building the plugins' wheels: a file made by another qframework version, or
for other bytes, is simply not used (the data is validated from its TOML as before).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ("qframework_qualitaetsrahmen_fh", "qframework_kqs", "qframework_nds_standards")
KINDS = ("frameworks", "programmes", "crosswalks")


def registered_files(module_name: str) -> list[tuple[str, str]]:
    """(kind, path) of every data file a plugin module registers by path, by calling its hooks."""
    module = importlib.import_module(module_name)
    found: list[tuple[str, str]] = []
    for kind in KINDS:
        hook: Callable[..., Any] | None = getattr(module, f"qframework_{kind}", None)
        if hook is None:
            continue

        def register(obj: object, kind: str = kind) -> None:
            if isinstance(obj, (str, os.PathLike)):
                found.append((kind[:-1], os.fspath(obj)))

        hook(register=register)
    return found


def shipped_files() -> dict[Path, bytes]:
    """The shipped-data file each data folder should hold, by its path."""
    from qframework import _cache
    from qframework.crosswalk import Crosswalk
    from qframework.io import format_for, loads, unstructure
    from qframework.model import Framework
    from qframework.programme import Programme

    version = _cache.installed_version()
    if version is None:
        raise SystemExit("qframework is not installed (no qframework-*.dist-info on the import path)")
    classes: dict[str, type[Any]] = {"framework": Framework, "programme": Programme, "crosswalk": Crosswalk}
    folders: dict[Path, dict[str, Any]] = {}
    for module_name in PLUGINS:
        for kind, path in registered_files(module_name):
            raw = Path(path).read_bytes()
            fmt = format_for(path)
            obj = loads(classes[kind], raw, format=fmt, file=path)
            digest = _cache._sha256(raw).hexdigest()
            if kind == "framework":
                entry = {"class": _cache._class_name(Framework), "format": fmt, "data": unstructure(obj)}
            else:
                entry = {"kind": f"{kind}-id", "format": fmt, "id": obj.id}
            folders.setdefault(Path(path).resolve().parent, {})[digest] = entry
    out = {}
    for folder, entries in folders.items():
        # through the cache's encoder first: dates and other values become the JSON the converter reads
        plain = _cache.json.loads(_cache._encode(entries))
        out[folder / _cache.SHIPPED_NAME] = _cache.shipped_payload(plain, version)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the files")
    args = parser.parse_args(argv)
    stale = []
    for path, blob in shipped_files().items():
        current = path.read_bytes() if path.exists() else None
        if current == blob:
            continue
        if args.update:
            path.write_bytes(blob)
            print(f"wrote {path.relative_to(ROOT)}")
        else:
            stale.append(path)
    for path in stale:
        print(f"stale: {path.relative_to(ROOT)} (run python scripts/ship_validated.py --update)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
