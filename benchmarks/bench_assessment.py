"""Bulk assessment speed: 600 Kommunen × 10 years × 100 ratings (600,000 ratings) from one JSON file.

In one run, from the same bytes in memory, interleaved round by round (medians of ``--repeat`` rounds):

1. ``json.loads`` alone (the floor: parsing without looking at the data);
2. a plain-dict baseline: ``json.loads`` plus naive dict-based scoring (no validation at all);
3. the peer a user would write instead: a pydantic v2 model of the same columnar document, read with
   ``model_validate_json`` (strict types, every value checked against its indicator's scale, unknown
   indicators refused), then the same scoring in plain Python (needs ``pydantic``: the ``bench`` extra);
4. qframework: :func:`qframework.assessment.loads_assessments` (full validation: structure, raters,
   duplicates, unknown indicators, values outside the scale, framework version installed) plus
   :func:`qframework.assessment.score_all`.

Then the scaling: qframework and ``json.loads`` on 60,000, 600,000 (and with ``--big`` 2,400,000)
ratings, time per rating and peak memory, so a super-linear step shows.

The data is generated here, seeded, against a framework built inline (9 dimensions, 25 indicators,
a 6-level and a 4-level scale, uneven weights); 4 raters rate every indicator, about 3 % of the
ratings are not applicable. Run: ``python benchmarks/bench_assessment.py [--kommunen 600 --years 10]
[--scaling] [--big]``; ``python -m benchmarks`` runs it with every other benchmark.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
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
RATINGS_PER_ASSESSMENT = sum(INDICATORS_PER_DIM) * len(RATERS)

#: The goals of issue 14, as ratios of CPU time.
GOAL_VS_PYDANTIC = 1.5  # qframework at least 1.5× the peer's speed
GOAL_VS_JSON = 2.5  # qframework within 2.5× the time of json.loads alone


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


def framework_data(framework: Framework) -> dict[str, Any]:
    """What the scripts without qframework know of the framework: normalised levels, weights, dimensions."""
    data: dict[str, Any] = {"norm": {}, "weight": {}, "dim_of": {}, "allow_na": {}}
    for dim in framework.dimensions:
        for ind in dim.indicators:
            scale = framework.scale_of(ind)
            data["norm"][ind.id] = {lv.value: scale.normalise(lv.value) for lv in scale.levels}
            data["weight"][ind.id] = ind.weight
            data["dim_of"][ind.id] = dim.id
            data["allow_na"][ind.id] = scale.allow_not_applicable
    return data


def _overall(pairs: Any, norm: dict[str, Any], weight: dict[str, float], dim_of: dict[str, str]) -> float | None:
    """The scoring rules of qframework (mean per indicator, weighted by dimension), written plainly."""
    per: dict[str, list[float]] = {}
    for ind, value in pairs:
        if value == "n/a" or value is None:
            continue
        per.setdefault(ind, []).append(norm[ind][value])
    dims: dict[str, list[float]] = {}
    for ind, vals in per.items():
        s = sum(vals) / len(vals)
        acc = dims.setdefault(dim_of[ind], [0.0, 0.0])
        acc[0] += weight[ind] * s
        acc[1] += weight[ind]
    total_w = sum(a[1] for a in dims.values())
    return sum(a[0] for a in dims.values()) / total_w if total_w else None


def plain_dict_baseline(raw: bytes, fw_data: dict[str, Any]) -> list[float | None]:
    """What a script without qframework would do: parse and score, no validation."""
    doc = json.loads(raw)
    norm, weight, dim_of = fw_data["norm"], fw_data["weight"], fw_data["dim_of"]
    return [
        _overall(zip(e["ratings"]["indicator"], e["ratings"]["value"], strict=True), norm, weight, dim_of)
        for e in doc["assessments"]
    ]


def pydantic_peer(fw_data: dict[str, Any]) -> Callable[[bytes], list[float | None]] | None:
    """The pydantic v2 script a user would write instead; ``None`` without pydantic.

    Strict types (no coercion of ``"4"`` or ``true``), unknown keys refused, equal column lengths,
    every indicator known and every value a level of its indicator's scale (or ``"n/a"`` where the
    scale allows it, or ``null``); then the same scoring as the plain-dict script.
    """
    try:
        from typing import Literal

        from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, model_validator
    except ImportError:
        return None
    norm, weight, dim_of, allow_na = fw_data["norm"], fw_data["weight"], fw_data["dim_of"], fw_data["allow_na"]

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

    class SubjectModel(Strict):
        id: StrictStr
        name: StrictStr = ""
        region: StrictStr = ""

    class RaterModel(Strict):
        id: StrictStr
        role: StrictStr = ""
        name: StrictStr = ""

    class Columns(Strict):
        indicator: list[StrictStr]
        rater: list[StrictStr | None] | None = None
        value: list[StrictInt | Literal["n/a"] | None]

        @model_validator(mode="after")
        def values_fit_scales(self) -> Columns:
            n = len(self.indicator)
            if len(self.value) != n or (self.rater is not None and len(self.rater) != n):
                raise ValueError("columns differ in length")
            for k, (ind, value) in enumerate(zip(self.indicator, self.value, strict=True)):
                levels = norm.get(ind)
                if levels is None:
                    raise ValueError(f"[{k}] unknown indicator {ind!r}")
                if value == "n/a":
                    if not allow_na[ind]:
                        raise ValueError(f"[{k}] not applicable not allowed for {ind!r}")
                elif value is not None and value not in levels:
                    raise ValueError(f"[{k}] {value!r} is not a level of {ind!r}")
            return self

    class Entry(Strict):
        subject: SubjectModel
        period: StrictStr
        raters: list[RaterModel] = Field(default_factory=list)
        ratings: Columns
        framework_id: StrictStr | None = None
        framework_version: StrictStr | None = None
        notes: StrictStr = ""
        success_definition: StrictStr = ""

    class Bulk(Strict):
        framework_id: StrictStr
        framework_version: StrictStr
        assessments: list[Entry]

    def run(raw: bytes) -> list[float | None]:
        doc = Bulk.model_validate_json(raw)
        return [
            _overall(zip(e.ratings.indicator, e.ratings.value, strict=True), norm, weight, dim_of)
            for e in doc.assessments
        ]

    return run


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


def interleaved(repeat: int, contenders: dict[str, Callable[[], Any]]) -> dict[str, tuple[float, float, Any]]:
    """Median CPU and wall seconds of each contender over ``repeat`` rounds, one run each per round
    (so that load on the shared machine hits all alike), and each one's last result."""
    cpus: dict[str, list[float]] = {name: [] for name in contenders}
    walls: dict[str, list[float]] = {name: [] for name in contenders}
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for name, fn in contenders.items():
            results[name] = None
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            results[name] = fn()
            cpus[name].append(time.process_time() - cpu)
            walls[name].append(time.perf_counter() - wall)
    return {n: (statistics.median(cpus[n]), statistics.median(walls[n]), results[n]) for n in contenders}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kommunen: int, years: int, repeat: int) -> dict[str, Any]:
    """The side-by-side run: CPU seconds (medians) of every contender on the same bytes; scores cross-checked."""
    framework = build_framework()
    registry = make_registry(framework)
    raw = generate(framework, kommunen, years)
    fw_data = framework_data(framework)

    def qframework_run() -> list[Any]:
        return score_all(loads_assessments(raw, registry=registry), registry)

    contenders: dict[str, Callable[[], Any]] = {
        "json.loads": lambda: json.loads(raw),
        "plain-dict": lambda: plain_dict_baseline(raw, fw_data),
        "qframework": qframework_run,
    }
    peer = pydantic_peer(fw_data)
    if peer is not None:
        contenders["pydantic"] = lambda: peer(raw)
    qframework_run()  # warm up: lazy imports (orjson) and first-use caches are not part of the measurement
    timings = interleaved(repeat, contenders)
    cards = timings["qframework"][2]
    # The scorers must agree (a cheap sanity check; the tests prove the rules).
    for other in ("plain-dict", "pydantic"):
        if other in timings:
            got = timings[other][2]
            worst = max(abs((c.overall or 0.0) - (b or 0.0)) for c, b in zip(cards, got, strict=True))
            assert worst < 1e-9, (other, worst)
    return {
        "ratings": kommunen * years * RATINGS_PER_ASSESSMENT,
        "bytes": len(raw),
        "timings": {name: (cpu, wall) for name, (cpu, wall, _) in timings.items()},
        "median_overall": statistics.median(c.overall for c in cards if c.overall is not None),
    }


def scaling(sizes: list[int], repeat: int, years: int = 10) -> list[dict[str, float]]:
    """qframework and json.loads on growing files (``sizes`` Kommunen × ``years``): CPU s, ns/rating, peak RSS."""
    framework = build_framework()
    registry = make_registry(framework)
    rows = []
    for kommunen in sizes:
        raw = generate(framework, kommunen, years)

        def qframework_run(raw: bytes = raw) -> int:
            return len(score_all(loads_assessments(raw, registry=registry), registry))

        timings = interleaved(repeat, {"json.loads": lambda raw=raw: json.loads(raw), "qframework": qframework_run})
        del raw
        gc.collect()
        n = kommunen * years * RATINGS_PER_ASSESSMENT
        rows.append(
            {
                "ratings": n,
                "qframework": timings["qframework"][0],
                "json": timings["json.loads"][0],
                "rss_mb": peak_rss_mb(),
            }
        )
    return rows


def print_scaling(rows: list[dict[str, float]]) -> None:
    print(
        f"  {'ratings':>10} {'qframework CPU s':>17} {'ns/rating':>10} {'growth':>8} {'json.loads s':>13}"
        f" {'peak RSS':>10}"
    )
    prev: dict[str, float] | None = None
    for row in rows:
        growth = "" if prev is None else f"{row['qframework'] / prev['qframework']:.2f}×"
        size_step = "" if prev is None else f" (size {row['ratings'] / prev['ratings']:.0f}×)"
        print(
            f"  {row['ratings']:>10,.0f} {row['qframework']:>17.3f} {row['qframework'] / row['ratings'] * 1e9:>10.0f} "
            f"{growth:>8} {row['json']:>13.3f} {row['rss_mb']:>8.0f} MB{size_step}"
        )
        prev = row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommunen", type=int, default=600)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scaling", action="store_true", help="also time 60k, 600k ratings (and 2.4M with --big)")
    parser.add_argument("--big", action="store_true", help="include the 2.4M-rating step (about 1.3 GB peak memory)")
    args = parser.parse_args(argv)

    result = measure(args.kommunen, args.years, args.repeat)
    n_ratings = result["ratings"]
    print(
        f"{args.kommunen} Kommunen × {args.years} years = {args.kommunen * args.years} assessments, "
        f"{n_ratings:,} ratings, {result['bytes'] / 1e6:.1f} MB JSON; Python {sys.version.split()[0]}; "
        f"JSON parser {json_parser()}; medians of {args.repeat} interleaved rounds"
    )
    labels = {
        "json.loads": "json.loads alone",
        "plain-dict": "plain-dict baseline (parse + naive score, no validation)",
        "pydantic": "pydantic v2 model_validate_json + same scoring",
        "qframework": "qframework load + full validation + score",
    }
    t = result["timings"]
    print(f"  {'':<58} {'CPU s':>7} {'ratings/s (CPU)':>16} {'wall s':>8} {'ratings/s (wall)':>17}")
    for name, label in labels.items():
        if name in t:
            cpu, wall = t[name]
            print(f"  {label:<58} {cpu:7.3f} {n_ratings / cpu:>16,.0f} {wall:8.3f} {n_ratings / wall:>17,.0f}")
    t_qf = t["qframework"][0]
    print(f"  ratio qframework / json.loads       {t_qf / t['json.loads'][0]:5.2f}× CPU (goal ≤ {GOAL_VS_JSON}×)")
    print(f"  ratio qframework / plain-dict       {t_qf / t['plain-dict'][0]:5.2f}× CPU")
    if "pydantic" in t:
        speed = t["pydantic"][0] / t_qf
        print(f"  speed qframework vs pydantic        {speed:5.2f}× (goal ≥ {GOAL_VS_PYDANTIC}×)")
    else:
        print("  pydantic not installed (pip install 'qframework[bench]'): no peer measured")
    print(f"  median overall score {result['median_overall']:.3f}")
    if args.scaling or args.big:
        sizes = [args.kommunen // 10, args.kommunen] + ([args.kommunen * 4] if args.big else [])
        print("scaling (qframework load + validation + score, CPU, medians):")
        print_scaling(scaling(sizes, max(1, args.repeat // 2), args.years))
    return 0


def json_parser() -> str:
    """Which JSON readers the bulk loader uses: msgspec and orjson when installed (the ``fast`` extra)."""
    found = []
    for name in ("msgspec", "orjson"):
        try:
            module = __import__(name)
        except ImportError:
            continue
        found.append(f"{name} {module.__version__}")
    return " + ".join(found) or "json (standard library)"


if __name__ == "__main__":
    sys.exit(main())
