"""``qframework demo``: every plugin loaded, the shipped data validated, each domain shown at work."""

from __future__ import annotations

import argparse
import time

from ._common import DEMO_STEPS, _registry


def cmd_demo(args: argparse.Namespace) -> int:
    """Load every plugin, validate all shipped data and print an overview."""
    started = time.perf_counter()
    registry = _registry()
    print("qframework demo: the installed plugins and the data they ship\n")
    for name, info in sorted(registry.plugins.items()):
        what = "; ".join(f"{k}: {', '.join(v)}" for k, v in registry.registered_by(name).items())
        print(f"  plugin {info}: {what or 'nothing registered'}")
    for failure in registry.failures:
        print(f"  FAILED {failure}")
    print()
    from ..validation import problems_of

    total_problems = 0
    for fid in sorted(registry.frameworks):
        fw = registry.frameworks[fid]
        found = problems_of(fw)
        total_problems += len(found)
        kinds: dict[str, int] = {}
        for ind in fw.indicators():
            kind = ind.provenance.kind if ind.provenance else "missing"
            kinds[kind] = kinds.get(kind, 0) + 1
        n_ind = sum(kinds.values())
        print(f"{fw.title} ({fw.id} {fw.version})")
        print(
            f"  {len(fw.dimensions)} dimensions, {n_ind} indicators; provenance of indicators: "
            + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        )
        for dim in fw.dimensions:
            print(f"    {dim.number:>2} {dim.title} ({len(dim.indicators)})")
        print("  " + ("valid" if not found else f"{len(found)} problems"))
        print()
    for step in DEMO_STEPS:
        step(registry)
    elapsed = time.perf_counter() - started
    ok = not registry.failures and total_problems == 0
    print(f"demo finished in {elapsed:.2f} s: " + ("all shipped data is valid" if ok else "PROBLEMS FOUND"))
    return 0 if ok else 1
