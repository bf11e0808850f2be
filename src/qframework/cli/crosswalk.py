"""Crosswalk commands: ``crosswalks`` and ``crosswalk show ID`` (a readable table both ways, with coverage)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import COMMAND_GROUPS, DOCUMENT_KINDS, _print_json, _registry, _warn_failures


def cmd_crosswalks(args: argparse.Namespace) -> int:
    registry = _registry()
    _warn_failures(registry)
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "source": str(c.source),
            "target": str(c.target),
            "entries": len(c.entries),
            "plugin": registry.crosswalks.providers[c.id].name,
        }
        for c in sorted(registry.crosswalks.values(), key=lambda c: c.id)
    ]
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        print(
            f"{row['id']}  {row['title']} ({row['source']} → {row['target']}; "
            f"{row['entries']} entries; plugin {row['plugin']})"
        )
    return 0


def _label(framework: Any, element: str) -> str:
    for dim in framework.dimensions:
        if dim.id == element:
            return f"[{dim.number} {dim.title}]"
    return f"{element}"


def cmd_crosswalk_show(args: argparse.Namespace) -> int:
    from ..crosswalk import _INVERSE, OSCAL_RELATIONS, check_crosswalk, coverage

    registry = _registry()
    crosswalk = registry.crosswalks[args.crosswalk]
    if args.inverse:
        crosswalk = crosswalk.inverse()
    if args.json:
        from ..io import dumps

        sys.stdout.write(dumps(crosswalk, format="json"))
        return 0
    problems = check_crosswalk(crosswalk, registry)
    print(f"{crosswalk.title}  ({crosswalk.id}: {crosswalk.source} → {crosswalk.target})")
    if crosswalk.description:
        print(crosswalk.description)
    if problems:
        for problem in problems:
            print(f"problem: {problem}")
        return 1
    source = registry.framework(crosswalk.source.framework, crosswalk.source.version)
    target = registry.framework(crosswalk.target.framework, crosswalk.target.version)
    for title, fw_from, fw_to, forward in (
        (f"{source.id} → {target.id}", source, target, True),
        (f"{target.id} → {source.id}", target, source, False),
    ):
        print()
        print(title)
        for dim in fw_from.dimensions:
            ids = {dim.id, *(i.id for i in dim.indicators)}
            entries = [e for e in crosswalk.entries if (e.source if forward else e.target) in ids]
            if not entries:
                continue
            print(f"  {dim.number} {dim.title}")
            for e in entries:
                here, there = (e.source, e.target) if forward else (e.target, e.source)
                relation = e.relation if forward else _INVERSE[e.relation]
                strength = f", strength {e.strength:g}" if e.strength != 1 else ""
                kind = e.provenance.kind if e.provenance else "?"
                print(
                    f"    {_label(fw_from, here)}  {relation} ({OSCAL_RELATIONS[relation]}{strength}; {kind})  "
                    f"{_label(fw_to, there)}"
                )
                print(f"        {e.rationale}")
    cov = coverage(crosswalk, source, target)
    print()
    reached_s = cov.source_indicators - len(cov.unmapped_sources)
    reached_t = cov.target_indicators - len(cov.unmapped_targets)
    print(
        f"Coverage: {reached_s} of {cov.source_indicators} {source.id} indicators, "
        f"{reached_t} of {cov.target_indicators} {target.id} indicators"
    )
    print(f"  {source.id}, mapped to nothing: {', '.join(cov.unmapped_sources) or 'none'}")
    print(f"  {target.id}, mapped to nothing: {', '.join(cov.unmapped_targets) or 'none'}")
    return 0


def _add_crosswalk_commands(sub: Any) -> None:
    p = sub.add_parser("crosswalks", help="list the installed crosswalks between frameworks")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_crosswalks)

    cw = sub.add_parser("crosswalk", help="show one crosswalk")
    csub = cw.add_subparsers(dest="crosswalk_command", metavar="ACTION", required=True)
    p = csub.add_parser("show", help="the relations both ways, each with its rationale, and what maps to nothing")
    p.add_argument("crosswalk", metavar="ID")
    p.add_argument("--inverse", action="store_true", help="read the crosswalk from its target to its source")
    p.add_argument("--json", action="store_true", help="the crosswalk as JSON data")
    p.set_defaults(handler=cmd_crosswalk_show)


COMMAND_GROUPS.append(_add_crosswalk_commands)


def _crosswalk_cls() -> type[Any]:
    from ..crosswalk import Crosswalk

    return Crosswalk


DOCUMENT_KINDS.append(("crosswalk", lambda data: "entries" in data and "target" in data, _crosswalk_cls))
