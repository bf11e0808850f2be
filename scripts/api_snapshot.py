"""The public API as text: one line per public name with its signature, and a check against the snapshot.

The public API is what docs/plugins.md promises: ``qframework.__all__``, ``qframework.testing.__all__``
and the hook specifications. For a class, its constructor and every public method and property are
listed too (``Framework.scale(scale_id=None)``). The committed snapshot is ``api/public-api.txt``.

    python scripts/api_snapshot.py            # compare with the snapshot; exit 1 naming what broke
    python scripts/api_snapshot.py --update   # write the snapshot (after an intended change)

A removed name, or a signature changed so that a call that worked before may fail (a parameter
removed or renamed, moved, made keyword-only, or a new one without a default), fails the check
unless the name is listed under a ``### Deprecated`` heading of an earlier release in CHANGELOG.md:
the deprecation policy of docs/plugins.md. A new name fails until the snapshot is updated, so the
snapshot always lists the whole API.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "api" / "public-api.txt"
CHANGELOG = ROOT / "CHANGELOG.md"


def _signature(obj: Any) -> str:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    params = []
    for p in sig.parameters.values():
        text = p.name
        if p.kind is p.VAR_POSITIONAL:
            text = "*" + text
        elif p.kind is p.VAR_KEYWORD:
            text = "**" + text
        if p.default is not p.empty:
            text += "=…"
        params.append((p.kind, text))
    out: list[str] = []
    seen_kw_only = False
    for i, (kind, text) in enumerate(params):
        if kind is inspect.Parameter.KEYWORD_ONLY and not seen_kw_only:
            if not any(k is inspect.Parameter.VAR_POSITIONAL for k, _ in params[:i]):
                out.append("*")
            seen_kw_only = True
        out.append(text)
        if kind is inspect.Parameter.POSITIONAL_ONLY and (i + 1 == len(params) or params[i + 1][0] is not kind):
            out.append("/")
    return "(" + ", ".join(out) + ")"


def _members(prefix: str, cls: type[Any]) -> Iterator[tuple[str, str]]:
    init = cls.__dict__.get("__init__")
    yield prefix, "class" + (_signature(cls) if init is not None or hasattr(cls, "__attrs_attrs__") else "(...)")
    for name, value in sorted(vars(cls).items()):
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            yield f"{prefix}.{name}", "property"
        elif isinstance(value, (classmethod, staticmethod)):
            yield f"{prefix}.{name}", "method" + _signature(getattr(cls, name))
        elif inspect.isfunction(value):
            sig = _signature(value)
            sig = re.sub(r"^\(self(, )?", "(", sig)
            yield f"{prefix}.{name}", "method" + sig


def _entries(module: Any, names: list[str], prefix: str) -> Iterator[tuple[str, str]]:
    for name in sorted(names):
        obj = getattr(module, name)
        key = prefix + name
        if inspect.isclass(obj):
            yield from _members(key, obj)
        elif callable(obj):
            yield key, "function" + _signature(obj)
        elif inspect.ismodule(obj):
            yield key, "module"
        else:
            yield key, "value"


def current() -> dict[str, str]:
    """Public name → kind and signature, from the code as it is now."""
    import qframework
    import qframework.hookspecs as hookspecs
    import qframework.testing as testing

    names = [n for n in qframework.__all__ if n != "__version__"]
    out = dict(_entries(qframework, names, ""))
    out.update(_entries(testing, list(testing.__all__), "testing."))
    specs = [n for n, v in vars(hookspecs).items() if n.startswith("qframework_") and callable(v)]
    out.update(_entries(hookspecs, specs, "hookspecs."))
    return out


def read_snapshot(path: Path = SNAPSHOT) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, rest = line.partition(" ")
            out[name] = rest
    return out


def write_snapshot(api: dict[str, str], path: Path = SNAPSHOT) -> None:
    path.parent.mkdir(exist_ok=True)
    lines = ["# The public API of qframework: `python scripts/api_snapshot.py --update` writes this file."]
    lines += [f"{name} {api[name]}" for name in sorted(api)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _params(sig: str) -> list[str]:
    inner = sig[sig.index("(") + 1 : sig.rindex(")")] if "(" in sig else ""
    return [p.strip() for p in inner.split(",") if p.strip()]


def incompatible(old: str, new: str) -> str | None:
    """Why a call that worked against ``old`` may fail against ``new`` (None: compatible)."""
    if old == new:
        return None
    old_kind, new_kind = old.split("(")[0], new.split("(")[0]
    if old_kind != new_kind:
        return f"was a {old_kind or 'value'}, is a {new_kind or 'value'}"
    if "(" not in old or old.endswith("(...)") or new.endswith("(...)"):
        return None
    before, after = _params(old), _params(new)

    def split(params: list[str]) -> tuple[list[str], list[str], bool, bool]:
        positional: list[str] = []
        keyword: list[str] = []
        kw_only = var_pos = var_kw = False
        for p in params:
            if p == "/":
                continue
            if p == "*":
                kw_only = True
            elif p.startswith("**"):
                var_kw = True
            elif p.startswith("*"):
                var_pos = kw_only = True
            else:
                (keyword if kw_only else positional).append(p)
        return positional, keyword, var_pos, var_kw

    def name(p: str) -> str:
        return p.removesuffix("=…")

    old_pos, old_kw, old_varpos, old_varkw = split(before)
    new_pos, new_kw, new_varpos, new_varkw = split(after)
    for i, p in enumerate(old_pos):
        if i >= len(new_pos) or name(new_pos[i]) != name(p):
            return f"parameter {name(p)!r} removed, renamed, moved or made keyword-only"
    new_names = {name(q) for q in new_pos + new_kw}
    for p in old_kw:
        if name(p) not in new_names and not new_varkw:
            return f"keyword {name(p)!r} removed"
    known = {name(p) for p in old_pos + old_kw}
    for p in new_pos + new_kw:
        if not p.endswith("=…") and name(p) not in known:
            return f"new required parameter {name(p)!r}"
    if old_varpos and not new_varpos:
        return "no longer takes *args"
    if old_varkw and not new_varkw:
        return "no longer takes **kwargs"
    return None


def deprecated_names(changelog: Path = CHANGELOG) -> set[str]:
    """Names listed under ``### Deprecated`` in a released version (not ``[Unreleased]``, not the current one)."""
    import qframework

    version = qframework.__version__
    names: set[str] = set()
    release, section = "", ""
    for line in changelog.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            release = line
            continue
        if line.startswith("### "):
            section = line[4:].strip()
            continue
        if section == "Deprecated" and "Unreleased" not in release and f"[{version}]" not in release:
            names.update(re.findall(r"`(?:qframework\.)?([A-Za-z_][\w.]*)(?:\(\))?`", line))
    return names


def problems(snapshot: dict[str, str], api: dict[str, str], deprecated: set[str]) -> list[str]:
    """What breaks the promise, one line each, naming the public name."""
    out = []
    for name, old in sorted(snapshot.items()):
        if name not in api:
            if name not in deprecated:
                out.append(f"{name}: removed without a deprecation in an earlier release (CHANGELOG.md)")
            continue
        why = incompatible(old, api[name])
        if why and name not in deprecated:
            out.append(f"{name}: {why} (was {old}, is {api[name]})")
    for name in sorted(set(api) - set(snapshot)):
        out.append(f"{name}: new public name not in api/public-api.txt (run python scripts/api_snapshot.py --update)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the snapshot from the code")
    args = parser.parse_args(argv)
    api = current()
    if args.update:
        write_snapshot(api)
        print(f"{SNAPSHOT.relative_to(ROOT)}: {len(api)} public names")
        return 0
    found = problems(read_snapshot(), api, deprecated_names())
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
