"""Bulk assessment speed: 600 Kommunen × 10 years × 100 ratings (600,000 ratings) from one JSON file.

In one run, from the same bytes in memory, best of ``--repeat`` runs each:

1. ``json.loads`` alone (the floor: parsing without looking at the data);
2. a plain-dict baseline: ``json.loads`` plus naive dict-based scoring (no validation at all);
3. qframework: :func:`qframework.assessment.loads_assessments` (full validation: structure, raters,
   duplicates, unknown indicators, values outside the scale, framework version installed) plus
   :func:`qframework.assessment.score_all`.

The data is generated here, seeded, against a framework built inline (9 dimensions, 25 indicators,
a 6-level and a 4-level scale, uneven weights); 4 raters rate every indicator, about 3 % of the
ratings are not applicable. Run: ``python benchmarks/bench_assessment.py [--kommunen 600 --years 10]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from qframework.assessment import loads_assessments, score_all
from qframework.hookspecs import hookimpl
from qframework.model import Dimension, Framework, Indicator, Level, Provenance, Scale
from qframework.plugins import PluginInfo, Registry, load_registry, make_plugin_manager

FRAMEWORK_ID = "bench-rahmen"
RATERS = ("koordination", "jugendamt", "gesundheit", "eltern")
INDICATORS_PER_DIM = (3, 3, 3, 3, 3, 2, 3, 3, 2)  # 25 indicators; × 4 raters = 100 ratings


def build_framework() -> Framework:
    prov = Provenance("authored", note="benchmark data")
    six = Scale("zustimmung-6", "Zustimmung", tuple(Level(v, f"Stufe {v}") for v in range(1, 7)), provenance=prov)
    four = Scale("stand-4", "Umsetzungsstand", tuple(Level(v, f"Stand {v}") for v in range(0, 4)), provenance=prov)
    dims = []
    for d, count in enumerate(INDICATORS_PER_DIM, start=1):
        inds = tuple(
            Indicator(
                f"d{d}-i{i}",
                f"Indikator {d}.{i}",
                scale="stand-4" if i == 2 else None,
                weight=1.0 + (i % 2),
                provenance=prov,
            )
            for i in range(1, count + 1)
        )
        dims.append(Dimension(f"d{d}", d, f"Dimension {d}", inds, provenance=prov))
    return Framework(FRAMEWORK_ID, "1.0", "Benchmark-Rahmen", "zustimmung-6", (six, four), tuple(dims), provenance=prov)


def make_registry(framework: Framework) -> Registry:
    class _Plugin:
        @staticmethod
        @hookimpl
        def qframework_frameworks(register: Callable[[Framework], None]) -> None:
            register(framework)

    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(_Plugin(), PluginInfo("bench", None, __name__))
    return load_registry(pm)


def generate(framework: Framework, kommunen: int, years: int, seed: int = 20240) -> bytes:
    rnd = random.Random(seed)
    indicators = [(ind.id, framework.scale_of(ind)) for ind in framework.indicators()]
    entries = []
    for k in range(kommunen):
        base = rnd.random()
        for y in range(years):
            ind_col: list[str] = []
            rater_col: list[str] = []
            value_col: list[int | str] = []
            for ind_id, scale in indicators:
                values = [lv.value for lv in scale.levels]
                for rater in RATERS:
                    ind_col.append(ind_id)
                    rater_col.append(rater)
                    if rnd.random() < 0.03:
                        value_col.append("n/a")
                    else:
                        pos = min(len(values) - 1, max(0, round((base + rnd.gauss(0, 0.25)) * (len(values) - 1))))
                        value_col.append(values[pos])
            entries.append(
                {
                    "subject": {"id": f"kommune-{k:03d}", "name": f"Kommune {k}"},
                    "period": str(2015 + y),
                    "raters": [{"id": r} for r in RATERS],
                    "ratings": {"indicator": ind_col, "rater": rater_col, "value": value_col},
                }
            )
    doc = {"framework_id": FRAMEWORK_ID, "framework_version": "1.0", "assessments": entries}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def plain_dict_baseline(raw: bytes, framework_data: dict[str, Any]) -> list[float | None]:
    """What a script without qframework would do: parse and score, no validation."""
    doc = json.loads(raw)
    norm = framework_data["norm"]
    weight = framework_data["weight"]
    dim_of = framework_data["dim_of"]
    out: list[float | None] = []
    for entry in doc["assessments"]:
        cols = entry["ratings"]
        per: dict[str, list[float]] = {}
        for ind, value in zip(cols["indicator"], cols["value"], strict=True):
            if value == "n/a":
                continue
            per.setdefault(ind, []).append(norm[ind][value])
        dims: dict[str, list[float]] = {}
        for ind, vals in per.items():
            s = sum(vals) / len(vals)
            acc = dims.setdefault(dim_of[ind], [0.0, 0.0])
            acc[0] += weight[ind] * s
            acc[1] += weight[ind]
        total_w = sum(a[1] for a in dims.values())
        out.append(sum(a[0] for a in dims.values()) / total_w if total_w else None)
    return out


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Best wall-clock and best CPU (process) time of ``repeat`` runs, and the last result."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        result = None
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return min(walls), min(cpus), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommunen", type=int, default=600)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    framework = build_framework()
    registry = make_registry(framework)
    raw = generate(framework, args.kommunen, args.years)
    n_ratings = args.kommunen * args.years * sum(INDICATORS_PER_DIM) * len(RATERS)
    print(
        f"{args.kommunen} Kommunen × {args.years} years = {args.kommunen * args.years} assessments, "
        f"{n_ratings:,} ratings, {len(raw) / 1e6:.1f} MB JSON; Python {sys.version.split()[0]}"
    )

    fw_data: dict[str, Any] = {"norm": {}, "weight": {}, "dim_of": {}}
    for dim in framework.dimensions:
        for ind in dim.indicators:
            scale = framework.scale_of(ind)
            fw_data["norm"][ind.id] = {lv.value: scale.normalise(lv.value) for lv in scale.levels}
            fw_data["weight"][ind.id] = ind.weight
            fw_data["dim_of"][ind.id] = dim.id

    w_json, t_json, _ = best_of(args.repeat, lambda: json.loads(raw))
    w_dict, t_dict, baseline = best_of(args.repeat, lambda: plain_dict_baseline(raw, fw_data))

    def qframework_run() -> list[Any]:
        assessments = loads_assessments(raw, registry=registry)
        return score_all(assessments, registry)

    w_qf, t_qf, cards = best_of(args.repeat, qframework_run)

    # The two scorers must agree (a cheap sanity check; the tests prove the rules).
    worst = max(abs((c.overall or 0.0) - (b or 0.0)) for c, b in zip(cards, baseline, strict=True))
    assert worst < 1e-9, worst

    rows = [
        ("json.loads alone", t_json, w_json),
        ("plain-dict baseline (parse + naive score, no validation)", t_dict, w_dict),
        ("qframework load + full validation + score", t_qf, w_qf),
    ]
    print(f"  {'':<58} {'CPU s':>7} {'ratings/s (CPU)':>16} {'wall s':>8} {'ratings/s (wall)':>17}")
    for label, cpu, wall in rows:
        print(f"  {label:<58} {cpu:7.3f} {n_ratings / cpu:>16,.0f} {wall:8.3f} {n_ratings / wall:>17,.0f}")
    print(f"  ratio qframework / json.loads       {t_qf / t_json:5.2f}× CPU, {w_qf / w_json:5.2f}× wall")
    print(f"  ratio qframework / plain-dict       {t_qf / t_dict:5.2f}× CPU, {w_qf / w_dict:5.2f}× wall")
    target = 500_000
    rate, wall_rate = n_ratings / t_qf, n_ratings / w_qf
    print(
        f"  target ≥ {target:,} ratings/s: {'met' if rate >= target else 'NOT met'} on CPU time ({rate:,.0f}), "
        f"{'met' if wall_rate >= target else 'NOT met'} on wall time ({wall_rate:,.0f}; other load on the machine "
        f"inflates wall time)"
    )
    print(f"  median overall score {statistics.median(c.overall for c in cards if c.overall is not None):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
