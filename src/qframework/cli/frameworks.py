"""Commands about plugins and frameworks: ``plugins``, ``frameworks``, ``show``, ``validate``."""

from __future__ import annotations

import argparse
import os
import textwrap
from typing import Any

from ..errors import ValidationError
from ._common import (
    DOCUMENT_KINDS,
    _print_json,
    _problem,
    _registry,
    _warn_failures,
)


def cmd_plugins(args: argparse.Namespace) -> int:
    registry = _registry()
    rows = []
    for name, info in sorted(registry.plugins.items()):
        rows.append(
            {
                "name": name,
                "version": info.version,
                "module": info.module,
                "builtin": info.builtin,
                "registered": registry.registered_by(name),
            }
        )
    if args.json:
        failures = [{"plugin": f.plugin, "message": f.message} for f in registry.failures]
        _print_json({"plugins": rows, "failures": failures})
        return 0
    for row in rows:
        label = f"{row['name']} {row['version']}" if row["version"] else f"{row['name']} (built in)"
        print(label)
        for kind, ids in row["registered"].items():
            print(f"  {kind}: {', '.join(ids)}")
    for failure in registry.failures:
        print(f"FAILED {failure.plugin}: {failure.message}")
    return 1 if registry.failures else 0


def cmd_frameworks(args: argparse.Namespace) -> int:
    registry = _registry()
    _warn_failures(registry)
    rows = []
    for fid in sorted(registry.frameworks):
        fw = registry.frameworks[fid]
        rows.append(
            {
                "id": fw.id,
                "version": fw.version,
                "title": fw.title,
                "dimensions": len(fw.dimensions),
                "indicators": sum(len(d.indicators) for d in fw.dimensions),
                "plugin": registry.frameworks.providers[fid].name,
            }
        )
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        print(
            f"{row['id']} {row['version']}  {row['title']}  "
            f"({row['dimensions']} dimensions, {row['indicators']} indicators; plugin {row['plugin']})"
        )
    return 0


def _load_framework_arg(value: str, version: str | None = None) -> Any:
    """A framework given as an installed id or as a file path."""
    from ..io import load_framework

    if value.endswith((".toml", ".json")) or os.path.exists(value):
        return load_framework(value)
    return _registry().framework(value, version)


def cmd_show(args: argparse.Namespace) -> int:
    fw = _load_framework_arg(args.framework, args.version)
    if args.json:
        from ..io import unstructure

        _print_json(unstructure(fw))
        return 0
    lang = args.lang

    def title(element: Any) -> str:
        text = str(element.title)
        if lang and lang in getattr(element, "translations", {}):
            text += f" / {element.translations[lang].title}"
        return text

    def prov(element: Any) -> str:
        p = element.provenance
        if p is None:
            return ""
        title_kind = f"; title {p.title_kind}" if p.title_kind and p.title_kind != p.kind else ""
        return f"  [{p.kind}{title_kind}{': ' + p.source if p.source else ''}]"

    def note(element: Any, indent: str) -> None:
        """With -d: the provenance note, which says what the source gives and what is our reading."""
        p = element.provenance
        if args.descriptions and p is not None and p.note.strip():
            text = "provenance: " + " ".join(p.note.split())
            print(textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent + "  "))

    width = 100
    print(f"{title(fw)}  ({fw.id} {fw.version}){prov(fw)}")
    note(fw, "")
    if fw.publisher:
        print(f"Herausgeber: {fw.publisher}")
    default_scale = fw.scale()
    for scale in fw.scales:
        levels = ", ".join(f"{lv.value} {lv.label}" for lv in scale.levels)
        default = " (default)" if scale.id == default_scale.id else ""
        print(f"Skala {scale.id}{default}: {scale.title} ({levels}){prov(scale)}")
    for facet in fw.facets:
        print(f"Facette {facet.title}: " + ", ".join(v.title for v in facet.values) + prov(facet))
    for dim in fw.dimensions:
        print()
        print(f"{dim.number}  {title(dim)}{prov(dim)}")
        if args.descriptions and dim.description:
            print(textwrap.fill(dim.description, width, initial_indent="   ", subsequent_indent="   "))
        note(dim, "   ")
        for ind in dim.indicators:
            extras = []
            if ind.weight != 1.0:
                extras.append(f"weight {ind.weight:g}")
            if ind.scale:
                extras.append(f"scale {ind.scale}")
            for facet_id, values in ind.facets.items():
                extras.append(f"{facet_id}={'/'.join(values)}")
            suffix = f"  ({'; '.join(extras)})" if extras else ""
            print(f"   - {ind.id}: {title(ind)}{suffix}{prov(ind)}")
            if args.descriptions and ind.description:
                print(textwrap.fill(ind.description, width, initial_indent="       ", subsequent_indent="       "))
            note(ind, "       ")
            for tier in ind.tiers:
                print(
                    f"       · {tier.title}"
                    + (f": {tier.description}" if args.descriptions and tier.description else "")
                    + prov(tier)
                )
    return 0


def _framework_cls() -> type[Any]:
    from ..model import Framework

    return Framework


DOCUMENT_KINDS.register("framework", lambda data: "dimensions" in data, _framework_cls)


def cmd_validate(args: argparse.Namespace) -> int:
    from ..io import format_for, parse, structure

    failed = 0
    for name in args.files:
        try:
            fmt = format_for(name)
            try:
                with open(name, "rb") as handle:
                    raw = handle.read()
            except OSError as exc:
                raise ValidationError([_problem("", f"cannot read file: {exc.strerror or exc}")], name) from None
            data = parse(raw, format=fmt, file=name)
            if not isinstance(data, dict):
                raise ValidationError([_problem("", "expected a table at the top level")], name)
            kind = args.kind
            if kind and kind not in DOCUMENT_KINDS:
                known = ", ".join(repr(k) for k in DOCUMENT_KINDS)
                raise ValidationError([_problem("", f"unknown kind {kind!r} (known: {known})")], name)
            candidates = [kind] if kind else DOCUMENT_KINDS.detect(data)
            if not candidates:
                known = ", ".join(DOCUMENT_KINDS)
                raise ValidationError(
                    [_problem("", f"cannot tell what kind of file this is; pass --kind ({known})")], name
                )
            label = candidates[0]
            _, cls_factory = DOCUMENT_KINDS[label]
            structure(data, cls_factory(), file=name)
            if not args.quiet:
                print(f"{name}: valid {label}")
        except ValidationError as exc:
            failed += 1
            for line in exc.with_file(exc.file or name).lines():
                print(line)
    return 1 if failed else 0
