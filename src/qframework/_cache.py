"""The validated-data cache: plugin data files that passed validation once load without parsing TOML.

Parsing the shipped TOML is much of what ``qframework frameworks`` costs. An entry stores the
finished object as JSON of its plain data (:func:`qframework.io.unstructure`) under a key made of
the file's content hash (SHA-256), the class, the format and a fingerprint of the code that defines
the classes (the Python version and the name, size and modification time of every qframework
module: the rule Python's own byte-code cache applies to sources), so an entry is used only for
exactly the bytes it was made from, by the code that made it.

Nothing in an entry is trusted: it is data, never code (no pickle). Reading one goes through the
checked JSON parser and the converter, which validates it completely as it would a user's file;
an entry that does not name its own key, whose payload digest does not match, that is not JSON,
not valid or not of the class asked for is a miss, and the file is loaded from its bytes. The
folder is used only when it is a directory owned by the current user and writable by no one else
(``QFRAMEWORK_CACHE_DIR`` or ``XDG_CACHE_HOME`` may point at a shared place); an entry only when
it is a regular file with the same owner and mode, no larger than :data:`MAX_ENTRY_BYTES`. Entries
are opened relative to the checked folder, never through a symbolic link and without blocking (a
FIFO or a device is a miss, not a hang). Each entry is written to a temporary file and renamed into
place, so concurrent writers never expose half an entry. ``QFRAMEWORK_NO_CACHE=1`` turns the cache
off.

The plugin loader keeps two more kinds of entry here: the list of installed entry points, keyed by
the import path and the modification times of its folders (installing a distribution changes its
folder), which spares start-up the scan of every installed distribution's metadata, and the id a
programme or crosswalk file defines. Both are checked for their shape when read.

Shipped data: a plugin's data folder may hold :data:`SHIPPED_NAME`, written when the plugin is built
(``scripts/ship_validated.py``): for each data file, by the SHA-256 of its bytes, the plain data of the
validated framework, or the id of the programme or crosswalk, made by the qframework version it names.
It serves the first start after an install, a read-only home and ``QFRAMEWORK_NO_CACHE=1`` alike (it is
part of the installed package, not a cache) when the user cache has no entry. It is trusted no more
than an entry: used only for exactly the bytes it was made from, only by the qframework version that
made it (an upgrade of qframework without the plugins makes it unused), only as a regular file that
is not a symbolic link, not writable by group or others, no larger than :data:`MAX_ENTRY_BYTES`,
whose payload digest matches; its data goes through the checked parser and the converter (a
framework is validated completely) and its ids through the shape check of cached ids.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
from contextvars import ContextVar
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

__all__ = [
    "ENV_VAR",
    "MAX_ENTRY_BYTES",
    "SHIPPED_NAME",
    "cache_dir",
    "get",
    "installed_version",
    "lookup",
    "put",
    "shipped_payload",
    "store",
    "trusted_folder",
]

ENV_VAR = "QFRAMEWORK_NO_CACHE"
#: Whether :func:`qframework.io.load` uses the cache (:func:`qframework.io.caching_loads`; the registry sets it).
CACHING: ContextVar[bool] = ContextVar("qframework_caching_loads", default=False)
_MAGIC = b"qframework-cache-2\n"
#: The largest entry read; a larger file is a miss (the shipped frameworks' entries are < 100 KB).
MAX_ENTRY_BYTES = 16 * 1024 * 1024
T = TypeVar("T")
_FINGERPRINT: str | None = None
# os.replace takes dir_fd wherever os.rename does (both are renameat); only rename is listed.
_POSIX = hasattr(os, "geteuid") and os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_ENTRY_POINT_VALUE = re.compile(r"^[\w.]+\s*(:\s*[\w.]+\s*)?(\[[\w\s,.-]*\]\s*)?$")
_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")


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
                    st = os.stat(path)
                    digest.update(f"{os.path.relpath(path, package)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        _FINGERPRINT = digest.hexdigest()
    return _FINGERPRINT


def _key(parts: tuple[bytes, ...]) -> str:
    digest = _sha256()
    for part in (_fingerprint().encode(), *parts):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return str(digest.hexdigest())


def _trusted(st: os.stat_result) -> bool:
    """Owned by the current user and writable by no one else (group or world)."""
    if not _POSIX:
        return True
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def trusted_folder(folder: str) -> bool:
    """Whether ``folder`` is a directory the cache may use (see the module's documentation)."""
    try:
        st = os.stat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _trusted(st)


def _open_folder(folder: str) -> int | None:
    """A descriptor of the cache folder when it is trusted, else None."""
    try:
        fd = os.open(folder, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
    except OSError:
        st = None
    if st is None or not stat.S_ISDIR(st.st_mode) or not _trusted(st):
        os.close(fd)
        return None
    return fd


def _tighten(folder: str) -> None:
    """qframework's own cache folder, when the user owns it but others may write to it, becomes 0700.

    An older qframework created it with the default mode, which a umask of 002 leaves group-writable:
    such a folder is not used, and tightening it once keeps the cache working. A folder named by
    ``QFRAMEWORK_CACHE_DIR`` is never changed, only not used.
    """
    if not _POSIX:  # pragma: no cover - Windows
        return
    with contextlib.suppress(OSError):
        st = os.lstat(folder)
        if stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            os.chmod(folder, 0o700)


def read_bounded(fd: int, limit: int) -> bytes | None:
    """All of an open file's bytes, or None once there are more than ``limit`` (a file may grow while read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return None


def _read_entry(key: str) -> bytes | None:
    """The bytes of entry ``key``: only a trusted regular file in a trusted folder, bounded in size."""
    folder = cache_dir()
    if not _POSIX:  # pragma: no cover - Windows: no owners or modes to check
        try:
            with open(os.path.join(folder, key), "rb") as handle:
                blob = handle.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        return blob if len(blob) <= MAX_ENTRY_BYTES else None
    dfd = _open_folder(folder)
    if dfd is None:
        return None
    try:
        fd = os.open(key, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC, dir_fd=dfd)
    except OSError:
        return None
    finally:
        os.close(dfd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _trusted(st) or st.st_size > MAX_ENTRY_BYTES:
            return None
        return read_bounded(fd, MAX_ENTRY_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)


def _payload(key: str, blob: bytes) -> bytes | None:
    """The JSON payload of an entry when its head names ``key`` and the payload's digest matches."""
    head = _MAGIC + key.encode() + b"\n"
    if not blob.startswith(head):
        return None
    rest = blob[len(head) :]
    digest, newline, payload = rest.partition(b"\n")
    if not newline or digest != _sha256(payload).hexdigest().encode():
        return None
    return payload


def _entry_points_shape(value: Any) -> Any:
    """``[(name, value, version or None), …]`` as the plugin loader stored it, or None."""
    if not isinstance(value, list):
        return None
    found = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 3):
            return None
        name, target, version = item
        if not (isinstance(name, str) and _ID.match(name)):
            return None
        if not (isinstance(target, str) and _ENTRY_POINT_VALUE.match(target)):
            return None
        if not (version is None or (isinstance(version, str) and _ID.match(version))):
            return None
        found.append((name, target, version))
    return found


def _id_shape(value: Any) -> Any:
    return value if isinstance(value, str) and _ID.match(value) else None


def _key_shape(value: Any) -> Any:
    """A framework's ``(id, version)``: two ids."""
    if isinstance(value, list) and len(value) == 2 and all(_id_shape(v) is not None for v in value):
        return (value[0], value[1])
    return None


def _shape(kind: bytes, value: Any) -> Any:
    """A plain entry checked for what its kind holds (other kinds: any JSON value)."""
    if kind == b"entry-points":
        return _entry_points_shape(value)
    if kind == b"framework-id":
        return _key_shape(value)
    if kind.endswith(b"-id"):
        return _id_shape(value)
    return value


def _parse(payload: bytes) -> Any:
    """The payload through the checked JSON parser (limits on size, depth, keys, constants)."""
    from .io import parse

    return parse(payload, format="json")


_MAX_DEPTH = 32  # as qframework.io.MAX_DEPTH
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(ValueError):
    """Plain data the checked reading refuses."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Refused("a key twice")
    return out


def _no_constant(word: str) -> Any:
    raise _Refused(word)


def _parse_plain(payload: bytes) -> Any:
    """:func:`_parse` for plain entries (entry points, ids) and shipped data, without importing
    :mod:`qframework.io` (start-up): the same refusals — not UTF-8, a key twice, ``NaN``/``Infinity``,
    too many digits, nesting deeper than :data:`qframework.io.MAX_DEPTH`, a lone surrogate — as
    exceptions (every caller turns one into a miss)."""
    data = json.loads(payload.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _SURROGATE.search(value):
                raise _Refused("a lone surrogate")
            continue
        if isinstance(value, dict):
            children: list[Any] = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth >= _MAX_DEPTH and any(isinstance(c, (dict, list)) for c in children):
            raise _Refused("too deep")
        stack.extend((child, depth + 1) for child in children)
    return data


def lookup(parts: tuple[bytes, ...], file: str | None = None) -> Any:
    """The plain entry stored under exactly these key parts, checked for its kind, or None.

    With ``file`` (the data file the key's last part was read from), the id of a ``*-id`` kind also
    comes from the shipped data next to that file when the cache has none.
    """
    found = None
    if enabled():
        try:
            key = _key(parts)
            blob = _read_entry(key)
            payload = None if blob is None else _payload(key, blob)
            if payload is not None:
                found = _shape(parts[0] if parts else b"", _parse_plain(payload))
        except Exception:
            found = None
    if found is None and file is not None and len(parts) == 3 and parts[0].endswith(b"-id"):
        entry = _shipped_entry(file, parts[2])
        if entry is not None and entry.get("format") == parts[1].decode():
            if parts[0] == b"framework-id":  # the framework's data names its id and version
                data = entry.get("data")
                if entry.get("class") == "qframework.model.Framework" and isinstance(data, dict):
                    found = _key_shape([data.get("id"), data.get("version")])
            elif entry.get("kind") == parts[0].decode():
                found = _id_shape(entry.get("id"))
            if found is not None:  # the next start reads this small entry, not the whole shipped file
                store(parts, list(found) if isinstance(found, tuple) else found)
    return found


# -- shipped data: validated when the plugin was built ---------------------------------------------

#: The name of a data folder's shipped data (see the module's documentation).
SHIPPED_NAME = "qframework-validated.json"
_SHIPPED_MAGIC = b"qframework-shipped-1\n"
_SHIPPED: dict[str, dict[str, Any] | None] = {}  # by folder: the entries, or None (no usable file)
_VERSION: list[str | None] = []  # the installed qframework's version, once looked up


def installed_version() -> str | None:
    """The version of the qframework distribution first on the import path, from its ``.dist-info``
    folder's name (``qframework-0.2.0.dist-info``, as wheels name it), or None; without reading metadata."""
    if not _VERSION:
        found = None
        for entry in sys.path:
            try:
                names = os.listdir(entry or ".")
            except OSError:
                continue
            for name in sorted(names):
                stem, dot, suffix = name.rpartition(".")
                if suffix == "dist-info" and dot:
                    dist, _, version = stem.partition("-")
                    if re.sub(r"[-_.]+", "_", dist).lower() == "qframework" and version:
                        found = version
                        break
            if found is not None:
                break
        _VERSION.append(found)
    return _VERSION[0]


def shipped_payload(entries: dict[str, Any], version: str) -> bytes:
    """The bytes of a shipped-data file holding ``entries`` (by SHA-256 of a data file's bytes)."""
    payload = json.dumps(
        {"qframework": version, "entries": entries}, ensure_ascii=True, sort_keys=True, indent=1
    ).encode("ascii")
    digest: str = _sha256(payload).hexdigest()
    return _SHIPPED_MAGIC + digest.encode() + b"\n" + payload + b"\n"


def _read_shipped(path: str) -> bytes | None:
    """The bytes of a shipped-data file: a regular file, no link, writable by its owner only, bounded."""
    try:
        fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENTRY_BYTES:
            return None
        if _POSIX and st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return None
        return read_bounded(fd, MAX_ENTRY_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)


def _shipped_entries(folder: str) -> dict[str, Any] | None:
    """A folder's shipped entries when its file is usable (see the module's documentation), else None."""
    if folder in _SHIPPED:
        return _SHIPPED[folder]
    entries = None
    try:
        blob = _read_shipped(os.path.join(folder, SHIPPED_NAME))
        if blob is not None and blob.startswith(_SHIPPED_MAGIC):
            digest, newline, payload = blob[len(_SHIPPED_MAGIC) :].partition(b"\n")
            if newline and payload.endswith(b"\n") and digest == _sha256(payload[:-1]).hexdigest().encode():
                doc = _parse_plain(payload)
                version = installed_version()
                if (
                    isinstance(doc, dict)
                    and version is not None
                    and doc.get("qframework") == version
                    and isinstance(doc.get("entries"), dict)
                ):
                    entries = doc["entries"]
    except Exception:
        entries = None
    _SHIPPED[folder] = entries
    return entries


def _shipped_entry(file: str, raw: bytes) -> dict[str, Any] | None:
    """The shipped entry for exactly these bytes of ``file``, if its folder ships one."""
    try:
        entries = _shipped_entries(os.path.dirname(os.path.abspath(file)))
        entry = None if entries is None else entries.get(_sha256(raw).hexdigest())
    except Exception:
        return None
    return entry if isinstance(entry, dict) else None


def _encode(value: Any) -> bytes:
    from .io import _json_default

    # ASCII only: a lone surrogate (or any text) round-trips as an escape.
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=_json_default).encode("ascii")


def _write_entry(key: str, payload: bytes) -> None:
    folder = cache_dir()
    data = _MAGIC + key.encode() + b"\n" + _sha256(payload).hexdigest().encode() + b"\n" + payload
    os.makedirs(folder, mode=0o700, exist_ok=True)
    if not os.environ.get("QFRAMEWORK_CACHE_DIR"):
        _tighten(folder)
    if not _POSIX:  # pragma: no cover - Windows
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, os.path.join(folder, key))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return
    dfd = _open_folder(folder)
    if dfd is None:
        return
    try:
        tmp = f".{key[:16]}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC, 0o600, dir_fd=dfd)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, key, src_dir_fd=dfd, dst_dir_fd=dfd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dfd)
            raise
    finally:
        os.close(dfd)


def store(parts: tuple[bytes, ...], obj: object) -> None:
    """Store a plain entry (JSON data) atomically; any failure just means no cache."""
    if not enabled():
        return
    try:
        # plain entries are JSON already: no converter (and no import of qframework.io) needed
        payload = json.dumps(obj, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        _write_entry(_key(parts), payload)
    except Exception:
        return


def _object_parts(cls: type[Any], raw: bytes, fmt: str) -> tuple[bytes, ...]:
    return (b"object", _class_name(cls).encode(), fmt.encode(), raw)


def get(cls: type[T], raw: bytes, fmt: str, file: str | None = None) -> T | None:
    """The validated object made from exactly these bytes, or None.

    The entry's plain data is structured and validated by the converter like any file: an entry
    that was changed into something invalid is a miss, never an object. With ``file`` (where the
    bytes were read), the shipped data next to it serves when the cache has no entry.
    """
    obj = None
    if enabled():
        try:
            key = _key(_object_parts(cls, raw, fmt))
            blob = _read_entry(key)
            payload = None if blob is None else _payload(key, blob)
            if payload is not None:
                from .io import structure

                obj = structure(_parse(payload), cls)
        except Exception:
            obj = None
    if obj is None and file is not None:
        entry = _shipped_entry(file, raw)
        if entry is not None and entry.get("class") == _class_name(cls) and entry.get("format") == fmt:
            try:
                from .io import structure

                obj = structure(entry.get("data"), cls)
            except Exception:
                obj = None
    return obj if type(obj) is cls else None


def _class_name(cls: type[Any]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def put(cls: type[Any], raw: bytes, fmt: str, obj: object) -> None:
    """Store the validated object made from these bytes (as its plain data)."""
    if not enabled():
        return
    try:
        from .io import unstructure

        _write_entry(_key(_object_parts(cls, raw, fmt)), _encode(unstructure(obj)))
    except Exception:
        return
