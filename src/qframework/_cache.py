"""The validated-data cache: plugin data files that passed validation once load without parsing.

Parsing and validating the shipped TOML is most of what ``qframework frameworks`` costs. An entry
stores the finished object (pickled) under a key made of the file's content hash (SHA-256), the
class, the format and a fingerprint of the code that defines the classes (the Python version and
the name, size and modification time of every qframework module: the rule Python's own byte-code
cache applies to sources), so an entry is used only for exactly the bytes it was made from, by
the code that made it. Entries live in the user cache directory
(``platformdirs.user_cache_dir("qframework")``); each is written to a temporary file and renamed
into place, so concurrent writers never expose half an entry, and a reader that finds an entry
it cannot use ignores it. ``QFRAMEWORK_NO_CACHE=1`` turns the cache off.

The plugin loader keeps one more kind of entry here: the list of installed entry points, keyed by
the import path and the modification times of its folders (installing a distribution changes
its folder), which spares start-up the scan of every installed distribution's metadata.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from typing import Any, TypeVar

# SHA-256 straight from its C module: ``hashlib`` first sets up OpenSSL, which costs start-up
# about 3 ms (more than the rest of this module). Same digest; hashlib where the module is missing.
try:
    from _sha2 import sha256 as _sha256  # type: ignore[import-not-found,unused-ignore]  # Python >= 3.12
except ImportError:
    try:
        from _sha256 import sha256 as _sha256  # type: ignore[import-not-found,no-redef,unused-ignore]  # 3.11
    except ImportError:
        from hashlib import sha256 as _sha256  # type: ignore[assignment,unused-ignore]

__all__ = ["ENV_VAR", "cache_dir", "get", "lookup", "put", "store"]

ENV_VAR = "QFRAMEWORK_NO_CACHE"
_MAGIC = b"qframework-cache-1\n"
T = TypeVar("T")
_FINGERPRINT: str | None = None


def enabled() -> bool:
    return os.environ.get(ENV_VAR, "") in ("", "0")


def cache_dir() -> str:
    """Where entries live; ``QFRAMEWORK_CACHE_DIR`` overrides the user cache directory.

    On Linux the XDG rule is applied here, exactly as ``platformdirs`` does it: importing
    platformdirs costs about as much as the whole cached start-up it serves.
    """
    override = os.environ.get("QFRAMEWORK_CACHE_DIR")
    if override:
        return override
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME", "")
        base = base if base.strip() else os.path.expanduser("~/.cache")
        return os.path.join(base, "qframework", "validated")
    import platformdirs

    return os.path.join(platformdirs.user_cache_dir("qframework"), "validated")


def _fingerprint() -> str:
    """A hash of the code that decides what a loaded object is: change it and every entry is stale.

    Each module counts by name, size and modification time (in nanoseconds), as for Python's
    byte-code cache: reading and hashing every source would cost each start-up 2 ms. The data
    files themselves are always keyed by their content.
    """
    global _FINGERPRINT
    if _FINGERPRINT is None:
        digest = _sha256(sys.version.encode())
        package = os.path.dirname(os.path.abspath(__file__))
        for folder, subfolders, names in os.walk(package):
            subfolders.sort()
            for name in sorted(names):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    stat = os.stat(path)
                    digest.update(f"{os.path.relpath(path, package)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        _FINGERPRINT = digest.hexdigest()
    return _FINGERPRINT


def _key(parts: tuple[bytes, ...]) -> str:
    digest = _sha256()
    for part in (_fingerprint().encode(), *parts):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return str(digest.hexdigest())


def lookup(parts: tuple[bytes, ...]) -> Any:
    """The entry stored under exactly these key parts, or None (none, disabled or unreadable)."""
    if not enabled():
        return None
    key = _key(parts)
    try:
        with open(os.path.join(cache_dir(), key), "rb") as handle:
            blob = handle.read()
    except OSError:
        return None
    head = _MAGIC + key.encode() + b"\n"
    if not blob.startswith(head):
        return None
    try:
        return pickle.loads(blob[len(head) :])
    except Exception:
        return None


def store(parts: tuple[bytes, ...], obj: object) -> None:
    """Store an entry atomically; any failure (read-only home, full disk) just means no cache."""
    if not enabled():
        return
    key = _key(parts)
    folder = cache_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        payload = _MAGIC + key.encode() + b"\n" + pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, os.path.join(folder, key))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except Exception:
        return


def _object_parts(cls: type[Any], raw: bytes, fmt: str) -> tuple[bytes, ...]:
    return (b"object", f"{cls.__module__}.{cls.__qualname__}".encode(), fmt.encode(), raw)


def get(cls: type[T], raw: bytes, fmt: str) -> T | None:
    """The validated object made from exactly these bytes, or None."""
    obj = lookup(_object_parts(cls, raw, fmt))
    return obj if type(obj) is cls else None


def put(cls: type[Any], raw: bytes, fmt: str, obj: object) -> None:
    """Store the validated object made from these bytes."""
    store(_object_parts(cls, raw, fmt), obj)
