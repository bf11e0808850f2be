"""``qframework demo``: every plugin loaded, the shipped data validated, each domain shown at work."""

from __future__ import annotations

import argparse
import time

from ._common import DEMO_STEPS, _registry


def cmd_demo(args: argparse.Namespace) -> int:
    """Load every plugin, validate all shipped data and print an overview."""
    from ..plugins import PluginReport
    from ..report.text import format_demo_end, format_demo_framework, format_demo_plugins
    from ..validation import problems_of

    started = time.perf_counter()
    registry = _registry()
    print(format_demo_plugins(PluginReport.of(registry)))
    print()
    total_problems = 0
    for fid in sorted(registry.frameworks):
        fw = registry.frameworks[fid]
        found = problems_of(fw)
        total_problems += len(found)
        kinds: dict[str, int] = {}
        for ind in fw.indicators():
            kind = ind.provenance.kind if ind.provenance else "missing"
            kinds[kind] = kinds.get(kind, 0) + 1
        print(format_demo_framework(fw, len(found), kinds))
        print()
    for step in DEMO_STEPS:
        step(registry)
    ok = not registry.failures and total_problems == 0
    print(format_demo_end(time.perf_counter() - started, ok))
    return 0 if ok else 1
