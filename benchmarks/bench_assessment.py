"""Bulk assessment speed: 600 Kommunen × 10 years × 100 ratings (600,000 ratings) from one JSON file.

In one run, from the same bytes in memory, interleaved round by round (medians of ``--repeat`` rounds):

1. ``json.loads`` alone (the floor: parsing without looking at the data);
2. a plain-dict baseline: ``json.loads`` plus naive dict-based scoring (no validation at all);
3. the peer a user would write instead: a pydantic v2 model of the same columnar document, read with
   ``model_validate_json`` (strict types, every value checked against its indicator's scale, unknown
   indicators refused), then the same scoring in plain Python (needs ``pydantic``: the ``bench`` extra);
4. the strongest peer: msgspec typed decode into Structs, the same checks (layouts checked once per
   distinct layout) and numpy scoring of every entry of a layout as one matrix; its indicator,
   dimension, overall and coverage numbers are cross-checked against qframework's
   (:func:`msgspec_numpy_peer`; needs ``msgspec`` and ``numpy``: the ``bench`` extra);
5. qframework: :func:`qframework.assessment.loads_assessments` (full validation: structure, raters,
   duplicates, unknown indicators, values outside the scale, framework version installed) plus
   :func:`qframework.assessment.score_all`.

Peak memory: each contender once more in a fresh process (:func:`peak_memory`), the resident memory
one run adds. The run says whether the machine was loaded (:func:`machine_load`).

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
#: The goals of issue 29: the strongest peer (msgspec typed decode + the same checks + numpy scoring),
#: json.loads alone, and peak memory against every peer.
GOAL_VS_MSGSPEC = 1.2  # qframework at least 1.2× the peer's speed
GOAL_VS_JSON = 2.0  # qframework within 2× the time of json.loads alone
GOAL_MEMORY = 0.5  # qframework's peak memory at most half of every peer's


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


def msgspec_numpy_peer(framework: Framework) -> Callable[[bytes], dict[str, Any]] | None:
    """The strongest peer: msgspec typed decode, the same checks, numpy scoring; ``None`` without them.

    The file is decoded into msgspec Structs (strict types: no ``true`` for 1, no ``"4"``; unknown keys
    refused). Then it refuses what qframework refuses: a framework id or version not installed, columns
    of unequal length, unknown indicators, an indicator rated twice by one rater, undeclared raters,
    a ``(subject, period)`` twice, values that are not a level of their indicator's scale, ``"n/a"``
    where the scale does not allow it (``null`` is an entry not yet rated). Column layouts are checked
    once per distinct layout, and the values of all entries of a layout are checked and scored as one
    numpy matrix: indicator means, dimension weighted means over rated indicators, the overall score
    and coverage (overall and per dimension), the rules of ``docs/assessment.md``.
    """
    try:
        from itertools import chain, repeat
        from typing import Literal

        import msgspec
        import numpy as np
    except ImportError:
        return None

    # defstruct: the classes are local, and this module's annotations are strings (PEP 563).
    strict = {"forbid_unknown_fields": True}
    subject_s = msgspec.defstruct("SubjectS", [("id", str), ("name", str, ""), ("region", str, "")], **strict)
    rater_s = msgspec.defstruct("RaterS", [("id", str), ("role", str, ""), ("name", str, "")], **strict)
    columns_s = msgspec.defstruct(
        "ColumnsS",
        [
            ("indicator", list[str]),
            ("value", list[int | Literal["n/a"] | None]),  # type: ignore[valid-type]
            ("rater", list[str | None] | None, None),
        ],
        **strict,
    )
    entry_s = msgspec.defstruct(
        "EntryS",
        [
            ("subject", subject_s),
            ("period", str),
            ("ratings", columns_s),
            ("raters", list[rater_s], msgspec.field(default_factory=list)),  # type: ignore[valid-type]
            ("framework_id", str | None, None),
            ("framework_version", str | None, None),
            ("notes", str, ""),
            ("success_definition", str, ""),
        ],
        **strict,
    )
    bulk_s = msgspec.defstruct(
        "BulkS",
        [("framework_id", str), ("framework_version", str), ("assessments", list[entry_s])],  # type: ignore[valid-type]
        **strict,
    )

    decoder = msgspec.json.Decoder(bulk_s)
    indicators = [ind for dim in framework.dimensions for ind in dim.indicators]
    position = {ind.id: k for k, ind in enumerate(indicators)}
    n_ind, n_dim = len(indicators), len(framework.dimensions)
    dim_of = np.array([d for d, dim in enumerate(framework.dimensions) for _ in dim.indicators])
    weights = np.array([ind.weight for ind in indicators], dtype=np.float64)
    one_hot_dim = np.zeros((n_ind, n_dim))
    one_hot_dim[np.arange(n_ind), dim_of] = 1.0
    dim_size = one_hot_dim.sum(axis=0)
    # A value's code: 0 not yet rated, 1 not applicable, 2 + v the level v (levels 0..top), top + 3 anything else.
    top = max(lv.value for ind in indicators for lv in framework.scale_of(ind).levels)
    bottom = min(lv.value for ind in indicators for lv in framework.scale_of(ind).levels)
    assert bottom >= 0
    code_of: dict[Any, int] = {None: 0, "n/a": 1, **{v: 2 + v for v in range(top + 1)}}
    invalid = top + 3
    valid = np.zeros((n_ind, top + 4), dtype=bool)  # per indicator, which codes fit
    norm = np.zeros((n_ind, top + 4))  # per indicator, each level's normalised value
    for k, ind in enumerate(indicators):
        scale = framework.scale_of(ind)
        valid[k, 0] = True
        valid[k, 1] = scale.allow_not_applicable
        for lv in scale.levels:
            valid[k, 2 + lv.value] = True
            norm[k, 2 + lv.value] = scale.normalise(lv.value)
    installed = (framework.id, framework.version)

    def layout_of(cols: Any, declared: frozenset[str]) -> Any:
        n = len(cols.indicator)
        if len(cols.value) != n or (cols.rater is not None and len(cols.rater) != n):
            raise ValueError("columns differ in length")
        try:
            positions = np.array([position[i] for i in cols.indicator], dtype=np.intp)
        except KeyError as exc:
            raise ValueError(f"unknown indicator {exc}") from None
        raters = cols.rater if cols.rater is not None else [None] * n
        if len(set(zip(cols.indicator, raters, strict=True))) != n:
            raise ValueError("an indicator rated twice by one rater")
        used = {r for r in raters if r is not None}
        one_hot = np.zeros((n, n_ind))
        one_hot[np.arange(n), positions] = 1.0
        return positions, used, one_hot

    def run(raw: bytes) -> dict[str, Any]:
        doc = decoder.decode(raw)
        layouts: dict[tuple[Any, ...], Any] = {}
        groups: dict[tuple[Any, ...], list[int]] = {}
        seen: set[tuple[str, str]] = set()
        declared_of: dict[tuple[str, ...], frozenset[str]] = {}
        for k, e in enumerate(doc.assessments):
            fw = (e.framework_id or doc.framework_id, e.framework_version or doc.framework_version)
            if fw != installed:
                raise ValueError(f"[{k}] framework {fw} not installed")
            key = (e.subject.id, e.period)
            if key in seen:
                raise ValueError(f"[{k}] {key} assessed twice")
            seen.add(key)
            rater_ids = tuple(r.id for r in e.raters)
            declared = declared_of.get(rater_ids)
            if declared is None:
                declared = declared_of[rater_ids] = frozenset(rater_ids)
            cols = e.ratings
            lkey = (tuple(cols.indicator), None if cols.rater is None else tuple(cols.rater))
            layout = layouts.get(lkey)
            if layout is None:
                layout = layouts[lkey] = layout_of(cols, declared)
            if len(cols.value) != len(cols.indicator):
                raise ValueError(f"[{k}] columns differ in length")
            if not layout[1] <= declared:
                raise ValueError(f"[{k}] undeclared raters")
            groups.setdefault(lkey, []).append(k)
        n = len(doc.assessments)
        ind_score = np.full((n, n_ind), np.nan)
        dim_score = np.full((n, n_dim), np.nan)
        dim_coverage = np.zeros((n, n_dim))
        overall = np.full(n, np.nan)
        coverage = np.zeros(n)
        entries = doc.assessments
        for lkey, members in groups.items():
            positions, _, one_hot = layouts[lkey]
            flat = chain.from_iterable([entries[k].ratings.value for k in members])
            width = len(positions)
            codes = np.fromiter(map(code_of.get, flat, repeat(invalid)), dtype=np.intp, count=len(members) * width)
            codes = codes.reshape(len(members), width)
            if not valid[positions, codes].all():
                raise ValueError("a value off its indicator's scale, or n/a where not allowed")
            applicable = (codes >= 2).astype(np.float64)
            sums = (norm[positions, codes] * applicable) @ one_hot
            counts = applicable @ one_hot
            rated = counts > 0
            scores = np.divide(sums, counts, out=np.full_like(sums, np.nan), where=rated)
            w = rated * weights
            w_sum = w @ one_hot_dim
            ws_sum = (w * np.where(rated, scores, 0.0)) @ one_hot_dim
            members_ix = np.array(members)
            ind_score[members_ix] = scores
            dim_score[members_ix] = np.divide(ws_sum, w_sum, out=np.full_like(w_sum, np.nan), where=w_sum > 0)
            dim_coverage[members_ix] = (rated @ one_hot_dim) / dim_size
            total_w = w_sum.sum(axis=1)
            overall[members_ix] = np.divide(
                ws_sum.sum(axis=1), total_w, out=np.full_like(total_w, np.nan), where=total_w > 0
            )
            coverage[members_ix] = rated.sum(axis=1) / n_ind
        return {
            "indicator": ind_score,
            "dimension": dim_score,
            "dimension_coverage": dim_coverage,
            "overall": overall,
            "coverage": coverage,
        }

    return run


def same_numbers(cards: list[Any], numbers: dict[str, Any], tolerance: float = 1e-12) -> float:
    """The largest difference between qframework's scorecards and a numpy peer's numbers (indicator,
    dimension, overall scores, coverage overall and per dimension); ``None`` must be NaN and vice versa."""
    import math

    worst = 0.0

    def diff(a: float | None, b: float) -> float:
        if a is None or math.isnan(b):
            return 0.0 if a is None and math.isnan(b) else math.inf
        return abs(a - b)

    for i, card in enumerate(cards):
        worst = max(worst, diff(card.overall, numbers["overall"][i]), diff(card.coverage, numbers["coverage"][i]))
        for d, dim in enumerate(card.dimensions):
            worst = max(worst, diff(dim.score, numbers["dimension"][i, d]))
            worst = max(worst, diff(dim.coverage, numbers["dimension_coverage"][i, d]))
        for k, ind in enumerate(card.indicators):
            worst = max(worst, diff(ind.score, numbers["indicator"][i, k]))
    assert worst <= tolerance, worst
    return worst


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
        return score_all(loads_assessments(raw, registry=registry), registry=registry)

    contenders: dict[str, Callable[[], Any]] = {
        "json.loads": lambda: json.loads(raw),
        "plain-dict": lambda: plain_dict_baseline(raw, fw_data),
        "qframework": qframework_run,
    }
    peer = pydantic_peer(fw_data)
    if peer is not None:
        contenders["pydantic"] = lambda: peer(raw)
    strong = msgspec_numpy_peer(framework)
    if strong is not None:
        contenders["msgspec+numpy"] = lambda: strong(raw)
    qframework_run()  # warm up: lazy imports (orjson) and first-use caches are not part of the measurement
    timings = interleaved(repeat, contenders)
    cards = timings["qframework"][2]
    # The scorers must agree (a cheap sanity check; the tests prove the rules).
    for other in ("plain-dict", "pydantic"):
        if other in timings:
            got = timings[other][2]
            worst = max(abs((c.overall or 0.0) - (b or 0.0)) for c, b in zip(cards, got, strict=True))
            assert worst < 1e-9, (other, worst)
    if "msgspec+numpy" in timings:  # every number: indicator, dimension, overall scores and coverage
        same_numbers(cards, timings["msgspec+numpy"][2])
    return {
        "ratings": kommunen * years * RATINGS_PER_ASSESSMENT,
        "bytes": len(raw),
        "timings": {name: (cpu, wall) for name, (cpu, wall, _) in timings.items()},
        "median_overall": statistics.median(c.overall for c in cards if c.overall is not None),
    }


#: The contenders whose peak memory is compared (``json.loads`` builds no objects to check or score).
MEMORY_CONTENDERS = ("qframework", "qframework, every card read", "plain-dict", "pydantic", "msgspec+numpy")


def _contender(name: str, raw: bytes, framework: Framework) -> Callable[[], Any] | None:
    """One contender of :func:`measure` by name, for a process of its own (:func:`peak_memory`)."""
    if name == "qframework":
        registry = make_registry(framework)
        return lambda: score_all(loads_assessments(raw, registry=registry), registry=registry)
    if name == "qframework, every card read":  # the dimension and indicator objects made too

        def read_all() -> list[Any]:
            cards = score_all(loads_assessments(raw, registry=registry), registry=registry)
            for card in cards:
                card.dimensions  # noqa: B018
            return cards

        registry = make_registry(framework)
        return read_all
    if name == "json.loads":
        return lambda: json.loads(raw)
    if name == "plain-dict":
        fw_data = framework_data(framework)
        return lambda: plain_dict_baseline(raw, fw_data)
    if name == "pydantic":
        peer = pydantic_peer(framework_data(framework))
        return None if peer is None else lambda: peer(raw)
    if name == "msgspec+numpy":
        strong = msgspec_numpy_peer(framework)
        return None if strong is None else lambda: strong(raw)
    raise ValueError(name)


def _rss_mb() -> float:
    """This process's resident memory now (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as handle:  # noqa: PTH123
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def _memory_child(name: str, path: str) -> None:
    """In a process of its own: the peak memory one run of contender ``name`` adds, in MB, on stdout."""
    from pathlib import Path

    raw = Path(path).read_bytes()
    run = _contender(name, raw, build_framework())
    if run is None:
        print("null")
        return
    gc.collect()
    before = _rss_mb()
    result = run()
    print(json.dumps(_high_water_mb() - before))
    del result


def _high_water_mb() -> float:
    """This process's peak resident memory (``VmHWM``: unlike ``ru_maxrss``, not inherited from the
    parent, whose peak may be far higher)."""
    with open("/proc/self/status") as handle:  # noqa: PTH123
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return peak_rss_mb()


def peak_memory(kommunen: int, years: int, names: tuple[str, ...]) -> dict[str, float]:
    """The peak memory (MB above the process's state with its imports and the file's bytes) one run of
    each contender adds, each in a fresh process; a contender whose library is missing is left out."""
    import subprocess
    import tempfile
    from pathlib import Path

    raw = generate(build_framework(), kommunen, years)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bulk.json"
        path.write_bytes(raw)
        del raw
        for name in names:
            done = subprocess.run(
                [sys.executable, __file__, "--memory-child", name, str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            value = json.loads(done.stdout.splitlines()[-1])
            if value is not None:
                out[name] = value
    return out


def machine_load() -> str:
    """The 1-minute load average against the number of cores, for the report: a loaded machine says so."""
    import os

    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    state = "loaded" if load > 0.75 * cores else "quiet"
    return f"machine {state}: load average {load:.1f} on {cores} cores"


def scaling(sizes: list[int], repeat: int, years: int = 10) -> list[dict[str, float]]:
    """qframework and json.loads on growing files (``sizes`` Kommunen × ``years``): CPU s, ns/rating, peak RSS."""
    framework = build_framework()
    registry = make_registry(framework)
    rows = []
    for kommunen in sizes:
        raw = generate(framework, kommunen, years)

        def qframework_run(raw: bytes = raw) -> int:
            return len(score_all(loads_assessments(raw, registry=registry), registry=registry))

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
    parser.add_argument("--memory-child", nargs=2, metavar=("NAME", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        _memory_child(*args.memory_child)
        return 0
    print(machine_load())

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
        "msgspec+numpy": "msgspec typed decode + same checks + numpy scoring",
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
    if "msgspec+numpy" in t:
        speed = t["msgspec+numpy"][0] / t_qf
        print(f"  speed qframework vs msgspec+numpy   {speed:5.2f}× (goal ≥ {GOAL_VS_MSGSPEC}×)")
    else:
        print("  msgspec or numpy not installed (pip install 'qframework[bench]'): no peer measured")
    memory = peak_memory(args.kommunen, args.years, MEMORY_CONTENDERS)
    print("peak memory one run adds (MB, each in a fresh process):")
    for name, mb in memory.items():
        if name.startswith("qframework"):
            ratio = ""
        elif mb <= 0:  # a tiny file can add nothing measurable to a peer's peak (the suite's small run)
            ratio = "   (too small to compare)"
        else:
            ratio = f"   qframework {memory['qframework'] / mb:4.2f}× (goal ≤ {GOAL_MEMORY}×)"
        print(f"  {name:<14} {mb:8.1f}{ratio}")
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
