"""Every benchmark in one run, one table of ratios: ``python -m benchmarks [--quick]``.

Each ratio compares two things measured in this process, in this run, on the same data (the
machine is shared and noisy, so a ratio says more than an absolute time). Rows:

* bulk assessments (``bench_assessment``): qframework's load + full validation + scoring against
  msgspec typed decode + the same checks + numpy scoring, the pydantic v2 peer and ``json.loads``
  alone, CPU medians of interleaved rounds (the peers' numbers cross-checked); peak memory against
  every peer (each in a fresh process); how the time grows from 60,000 to 600,000 to 2,400,000
  ratings (not with ``--quick``);
* assignment (``bench_assign``): ``assign`` against OR-Tools' min-cost flow and the transport LP solved by
  HiGHS directly, one, two and three topics each, for 600, 5,000 and 20,000 Kommunen (not 20,000 with
  ``--quick``), CPU medians of interleaved rounds with the objectives checked equal; 5,000 Kommunen with
  groups of 3–4 against the direct call without groups; the machine's load before and after;
* regional plans (``bench_regional``): the joint plan's objective, bound, gap shown and CPU time;
* start-up (``bench_startup``): ``qframework plugins`` against ``import attrs, cattrs, pluggy``, with
  a warm cache and cold (``QFRAMEWORK_NO_CACHE=1``, an empty cache folder);
* reports (``bench_report``): the cohort report over 6,000 scorecards against scoring them.

The goals are issues 14 and 29's and the layer and report issues'; the table says which are met,
and the bulk and start-up rows say whether the machine was loaded while they ran.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the scripts import one another by name

import itertools

import bench_assessment
import bench_assign
import bench_regional
import bench_startup

Row = tuple[str, str, str, str, str]  # work, measured, ratio, goal, met


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


def assessment_rows(repeat: int, big: bool) -> list[Row]:
    """The side-by-side rows (pydantic, msgspec + numpy, json.loads), peak memory against every peer,
    and the scaling steps (2.4M ratings unless ``big`` is false: about 1.3 GB peak)."""
    load_before = bench_assessment.machine_load()
    result = bench_assessment.measure(600, 10, repeat)
    t = {name: cpu for name, (cpu, _) in result["timings"].items()}
    qf = t["qframework"]
    rows: list[Row] = [
        (
            "bulk rows: machine",
            f"{load_before} (before); {bench_assessment.machine_load()} (after)",
            "-",
            "reported",
            "-",
        )
    ]
    rate = f"{result['ratings'] / qf / 1e6:.2f} M ratings/s"
    for peer, label, goal in (
        ("msgspec+numpy", "msgspec typed decode + checks + numpy", bench_assessment.GOAL_VS_MSGSPEC),
        ("pydantic", "pydantic v2", bench_assessment.GOAL_VS_PYDANTIC),
    ):
        if peer in t:
            speed = t[peer] / qf
            rows.append(
                (
                    f"bulk 600k ratings vs {label}",
                    f"{qf:.3f} s vs {t[peer]:.3f} s ({rate}); numbers cross-checked",
                    f"{speed:.2f}× faster",
                    f"≥ {goal}×",
                    _met(speed >= goal),
                )
            )
        else:
            rows.append(
                (f"bulk 600k ratings vs {label}", f"{peer} not installed (the bench extra)", "-", f"≥ {goal}×", "-")
            )
    ratio = qf / t["json.loads"]
    rows.append(
        (
            "bulk 600k ratings vs json.loads",
            f"{qf:.3f} s vs {t['json.loads']:.3f} s",
            f"{ratio:.2f}× the time",
            f"≤ {bench_assessment.GOAL_VS_JSON}×",
            _met(ratio <= bench_assessment.GOAL_VS_JSON),
        )
    )
    memory = bench_assessment.peak_memory(600, 10, bench_assessment.MEMORY_CONTENDERS)
    peers = {name: mb for name, mb in memory.items() if not name.startswith("qframework")}
    for own in ("qframework", "qframework, every card read"):
        if own in memory and peers:
            worst = max(memory[own] / mb for mb in peers.values())
            rows.append(
                (
                    f"bulk 600k peak memory, {own}",
                    f"{memory[own]:.0f} MB vs " + ", ".join(f"{n} {mb:.0f} MB" for n, mb in peers.items()),
                    f"≤ {worst:.2f}× every peer",
                    f"≤ {bench_assessment.GOAL_MEMORY}×" if own == "qframework" else "reported",
                    _met(worst <= bench_assessment.GOAL_MEMORY) if own == "qframework" else "-",
                )
            )
    sizes = [60, 600] + ([2400] if big else [])
    steps = bench_assessment.scaling(sizes, max(1, repeat // 2))
    for before, after in itertools.pairwise(steps):
        growth = after["qframework"] / before["qframework"]
        size = after["ratings"] / before["ratings"]
        rows.append(
            (
                f"bulk scaling {before['ratings'] / 1e3:,.0f}k → {after['ratings'] / 1e3:,.0f}k ratings",
                f"{before['qframework']:.3f} s → {after['qframework']:.3f} s, peak {after['rss_mb']:.0f} MB",
                f"{growth:.2f}× for {size:.0f}× the data",
                f"≤ {size * 1.2:.0f}× (linear)",
                _met(growth <= size * 1.2),
            )
        )
    return rows


def assignment_rows(quick: bool) -> list[Row]:
    """``assign`` against its peers in the same run, CPU medians of interleaved rounds, objectives checked equal
    in every round (``bench_assign.compare``): one topic each against OR-Tools' min-cost flow (the floor for a
    transportation problem) and the direct HiGHS call; two and three topics each against the direct HiGHS call;
    5,000 with groups of 3–4 against the direct call without groups. ``--quick``: 600 and 5,000 only."""
    rows: list[Row] = []
    rounds = 3 if quick else 5
    sizes = (600, 5000) if quick else (600, 5000, 20000)
    rows.append(("assignment: machine at start", bench_assign.machine_load(), "-", "reported", "-"))
    for n in sizes:
        r = bench_assign.compare(n, 1, rounds, groups=n == 5000)
        qf, obj = r["assign"]
        if "ortools" in r:
            ratio = qf / r["ortools"][0]
            goal = n >= 5000
            rows.append(
                (
                    f"assign {n:,} × 12, one topic each vs OR-Tools min-cost flow",
                    f"{qf:.3f} s vs {r['ortools'][0]:.3f} s (objective {obj} = {r['ortools'][1]})",
                    f"{ratio:.2f}× the time",
                    "≤ 1.2×" if goal else "reported",
                    _met(ratio <= 1.2) if goal else "-",
                )
            )
        else:
            rows.append((f"assign {n:,} × 12 vs OR-Tools", "ortools not installed", "-", "≤ 1.2×", "-"))
        rows.append(
            (
                f"assign {n:,} × 12, one topic each vs direct HiGHS",
                f"{qf:.3f} s vs {r['direct'][0]:.3f} s (objective {obj} = {r['direct'][1]})",
                f"{qf / r['direct'][0]:.2f}× the time",
                "≤ 1.3×",
                _met(qf / r["direct"][0] <= 1.3),
            )
        )
        if "groups" in r:
            ratio = r["groups"][0] / r["direct"][0]
            rows.append(
                (
                    f"assign {n:,} × 12, groups of 3–4",
                    f"{r['groups'][0]:.3f} s vs direct HiGHS without groups {r['direct'][0]:.3f} s",
                    f"{ratio:.2f}× the time",
                    "≤ 2×",
                    _met(ratio <= 2.0),
                )
            )
    for per in (2, 3):
        for n in sizes:
            r = bench_assign.compare(n, per, rounds)
            qf, obj = r["assign"]
            ratio = qf / r["direct"][0]
            peer = f"; OR-Tools {r['ortools'][0]:.3f} s" if "ortools" in r else ""
            rows.append(
                (
                    f"assign {n:,} × 12, {per} topics each vs direct HiGHS",
                    f"{qf:.3f} s vs {r['direct'][0]:.3f} s (objective {obj} = {r['direct'][1]}){peer}",
                    f"{ratio:.2f}× the time",
                    "≤ 1.3×",
                    _met(ratio <= 1.3),
                )
            )
    people, rules = bench_assign.instance(5000)
    peak, direct_peak = (
        bench_assign.peak_mb(lambda: bench_assign.assign(people, rules)),
        bench_assign.peak_mb(lambda: bench_assign.direct_highs(people, rules)),
    )
    rows.append(
        (
            "assign 5,000 × 12, memory",
            f"{peak:.1f} MB peak vs direct HiGHS {direct_peak:.1f} MB (tracemalloc)",
            f"{peak / direct_peak:.2f}× direct",
            "reported",
            "-",
        )
    )
    rows.append(("assignment: machine at end", bench_assign.machine_load(), "-", "reported", "-"))
    return rows


def regional_rows(quick: bool) -> list[Row]:
    """The joint regional plan at 60 (not with ``--quick``), 100 and 600 Kommunen: objective, bound, gap, CPU."""
    return bench_regional.rows((100, 600) if quick else (60, 100, 600))


def startup_rows(rounds: int) -> list[Row]:
    """``qframework plugins`` warm and cold (no cache, an empty cache folder) against the import floor."""
    load_before = bench_assessment.machine_load()
    medians = bench_startup.measure(rounds)
    base = medians[next(iter(medians))]
    rows: list[Row] = [
        (
            "start-up rows: machine",
            f"{load_before} (before); {bench_assessment.machine_load()} (after)",
            "-",
            "reported",
            "-",
        )
    ]
    for name, label, goal in (
        ("qframework plugins", "start-up `qframework plugins`, warm cache (CPU)", bench_startup.GOAL_WARM),
        (bench_startup.COLD, "start-up `qframework plugins`, cold cache (CPU)", bench_startup.GOAL_COLD),
    ):
        ratio = medians[name] / base
        rows.append(
            (
                label,
                f"{medians[name] * 1000:.0f} ms vs {base * 1000:.0f} ms (import attrs, cattrs, pluggy)",
                f"{ratio:.2f}× the time",
                f"≤ {goal}×",
                _met(ratio <= goal),
            )
        )
    return rows


def report_rows(repeat: int) -> list[Row]:
    from qframework.assessment import loads_assessments, score_all
    from qframework.report.data import CohortReport
    from qframework.report.render import render_report

    framework = bench_assessment.build_framework()
    registry = bench_assessment.make_registry(framework)
    assessments = loads_assessments(bench_assessment.generate(framework, 600, 10), registry=registry)
    w_score, _, cards = bench_assessment.best_of(repeat, lambda: score_all(assessments, registry=registry))
    render_report(CohortReport(tuple(cards), framework), format="html")  # load the templates once

    def cohort() -> tuple[str, str]:
        report = CohortReport(tuple(cards), framework, names=True, highlight="kommune-000")
        return render_report(report, format="html"), render_report(report, format="markdown")

    w_cohort, _, _ = bench_assessment.best_of(repeat, cohort)
    return [
        (
            "cohort report, 6,000 scorecards (HTML + MD)",
            f"{w_cohort:.3f} s wall vs scoring {w_score:.3f} s",
            f"{w_cohort / w_score:.2f}× scoring",
            "≤ 2 s",
            _met(w_cohort <= 2.0),
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer rounds; no 2.4M-rating step; 600 and 5,000 Kommunen for assignment"
    )
    parser.add_argument("--section", help=argparse.SUPPRESS)  # one section, its rows as JSON (see below)
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 5
    started = time.perf_counter()
    sections: dict[str, Callable[[], list[Row]]] = {
        "assessment": lambda: assessment_rows(repeat, big=not args.quick),
        "assignment": lambda: assignment_rows(args.quick),
        "regional": lambda: regional_rows(args.quick),
        "start-up": lambda: startup_rows(5 if args.quick else 11),
        "report": lambda: report_rows(repeat),
    }
    if args.section is not None:
        print(json.dumps(sections[args.section]()))
        return 0
    rows: list[Row] = []
    for name in sections:
        # each section in a fresh process: the 2.4M-rating step leaves a heap behind that makes the
        # next section's garbage collections dearer (and with it the ratios of whatever runs next)
        print(f"running {name} …", file=sys.stderr, flush=True)
        command = [sys.executable, "-m", "benchmarks", "--section", name, *(["--quick"] if args.quick else [])]
        done = subprocess.run(command, cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            print(done.stdout, end="")
            return done.returncode
        rows += [tuple(row) for row in json.loads(done.stdout.splitlines()[-1])]
    header: Row = ("work", "measured (same run)", "ratio", "goal", "met")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    print(f"Python {sys.version.split()[0]}; JSON parser {bench_assessment.json_parser()}; CPU medians unless wall")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
