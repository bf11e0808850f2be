"""Tutorial 1: the installed frameworks, their provenance, and what happens to a broken file.

Run:  python examples/01_frameworks.py
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import qframework

# 1. Every installed plugin registers its frameworks; the registry holds them by id.
registry = qframework.load_registry()
for framework_id in sorted(registry.frameworks):
    framework = registry.frameworks[framework_id]
    plugin = registry.frameworks.providers[framework_id]
    print(f"{framework.title} ({framework.id} {framework.version}), from plugin {plugin}")

# 2. A framework is a tree: numbered dimensions holding indicators rated on a scale.
rahmen = registry.frameworks["nzfh-qualitaetsrahmen"]
print()
for dimension in rahmen.dimensions:
    print(f"{dimension.number} {dimension.title}: {len(dimension.indicators)} indicators")

netzwerk = rahmen.dimension("netzwerk")
first = netzwerk.indicators[0]
scale = rahmen.scale_of(first)
print()
print(f"First indicator of 'Netzwerk': {first.title}")
print(f"  rated on '{scale.title}': {scale.levels[0].label!r} … {scale.levels[-1].label!r}")

# 3. Provenance: which texts are the publisher's and which this project wrote.
print()
for framework in registry.frameworks.values():
    kinds = Counter(ind.provenance.kind for ind in framework.indicators() if ind.provenance)
    print(f"{framework.id}: indicators by provenance: {dict(sorted(kinds.items()))}")
origin = netzwerk.provenance
assert origin is not None  # the loader guarantees provenance on every element
source = rahmen.source(origin.source).title if origin.source else "-"
print(f"'Netzwerk' itself: {origin.kind}, source: {source}")

# 4. Your own framework file is validated completely: every problem at once, each with its path.
broken = """\
id = "unser-rahmen"
version = "1.0"
title = "Unser Rahmen"
scale = "fuenf"
provenance = { kind = "authored", note = "im Netzwerk abgestimmt" }

[[scales]]
id = "drei"
title = "Drei Stufen"
provenance = { kind = "authored", note = "eigene Skala" }
levels = [{ value = 1, label = "nein" }, { value = 3, label = "ja" }, { value = 2, label = "teils" }]

[[dimensions]]
id = "netzwerk"
number = 1
title = "Netzwerk"
provenance = { kind = "authored", note = "eigene Gliederung" }
indicators = [
  { id = "steuerung", title = "Steuerungsgruppe", weight = 0, provenance = { kind = "authored", note = "x" } },
  { id = "steuerung", title = "Noch einmal", provenance = { kind = "authored", note = "x" } },
]
"""
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "unser-rahmen.toml"
    path.write_text(broken, encoding="utf-8")
    try:
        qframework.load_framework(path)
    except qframework.ValidationError as error:
        print()
        print(f"{len(error.problems)} problems in {path.name}:")
        for problem in error.problems:
            print(f"  {problem.path}: {problem.message}")
