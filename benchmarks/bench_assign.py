"""Benchmark: qframework.assign against an independent exact solver, OR-Tools' min-cost flow and a greedy baseline.

Instances: 600 and 5,000 Kommunen × 12 topics, every Kommune ranking all 12 topics (popularity
skewed, so capacities bind), capacities summing to 110 % of the Kommunen. For each instance, in one
run:

- ``assign`` (HiGHS through scipy), without groups and with groups of 3–4;
- an independent exact solver on the same instance: networkx min-cost flow (network simplex) when
  networkx is importable, else the Hungarian method (scipy ``linear_sum_assignment``) on the
  seat expansion;
- the peer a user would write instead: the transport LP solved with ``linprog(method="highs-ds")``
  directly (issue 14's goal: ``assign`` within 1.3× of it);
- a greedy serial dictatorship: in id order, every Kommune takes its best topic still open;
- a selection on the same Kommunen (places for about 60 %, ``allow_unassigned``): ``assign`` alone.

It prints the cost gap (must be 0 against the exact solver) and time ratios. Run::

    python benchmarks/bench_assign.py            # 600 and 5000, then the scaling 600 → 5,000 → 20,000
    python benchmarks/bench_assign.py 600        # only 600
"""

from __future__ import annotations

import itertools
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from qframework.assignment import (
    AssignmentRules,
    Bounds,
    GroupRules,
    Objective,
    Participant,
    Topic,
    assign,
    check_assignment,
)

TOPICS = [f"d{i:02d}" for i in range(1, 13)]


def instance(n: int, seed: int = 2024, per: int = 1) -> tuple[list[Participant], AssignmentRules]:
    rnd = random.Random(seed)
    weights = [1.0 / (i + 1) ** 0.7 for i in range(len(TOPICS))]  # some topics are far more popular
    people = []
    for i in range(n):
        keys = {t: rnd.random() ** (1.0 / w) for t, w in zip(TOPICS, weights, strict=True)}
        prefs = tuple(sorted(TOPICS, key=lambda t: -keys[t]))
        people.append(
            Participant(
                f"k{i:05d}",
                region=f"r{rnd.randrange(16)}",
                location=(rnd.uniform(47.3, 55.0), rnd.uniform(6.0, 15.0)),
                preferences=prefs,
            )
        )
    total = math.ceil(n * per * 1.1)
    caps = [total // len(TOPICS) + (1 if i < total % len(TOPICS) else 0) for i in range(len(TOPICS))]
    rules = AssignmentRules(
        topics=tuple(Topic(t, capacity=Bounds(0, c)) for t, c in zip(TOPICS, caps, strict=True)),
        topics_per_participant=per,
    )
    return people, rules


def selection(n: int, seed: int = 2024) -> tuple[list[Participant], AssignmentRules]:
    """The same Kommunen applying for places for about 60 % of them (``allow_unassigned``, leaving
    one out costs 8): the selection's tie rule (who of equally good applicants is left out) works
    on thousands of applicants."""
    people, rules = instance(n, seed)
    cap = math.ceil(n * 0.6 / len(TOPICS))
    return people, AssignmentRules(
        topics=tuple(Topic(t.id, capacity=Bounds(0, cap)) for t in rules.topics),
        allow_unassigned=True,
        objective=Objective(unassigned_cost=8),
    )


def exact_networkx(people: Sequence[Participant], rules: AssignmentRules) -> int:
    import networkx as nx

    g = nx.DiGraph()
    g.add_node("source", demand=-len(people))
    g.add_node("sink", demand=len(people))
    for p in people:
        g.add_edge("source", p.id, capacity=1, weight=0)
        for rank, t in enumerate(p.preferences, start=1):
            g.add_edge(p.id, "t:" + t, capacity=1, weight=rank)
    for t in rules.topics:
        assert t.capacity is not None and t.capacity.max is not None
        g.add_edge("t:" + t.id, "sink", capacity=t.capacity.max, weight=0)
    cost: int = nx.min_cost_flow_cost(g)
    return cost


def exact_hungarian(people: Sequence[Participant], rules: AssignmentRules) -> int:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    seats = [t.id for t in rules.topics for _ in range(t.capacity.max if t.capacity and t.capacity.max else 0)]
    cost = np.array([[p.preferences.index(s) + 1 for s in seats] for p in people], dtype=float)
    rows, cols = linear_sum_assignment(cost)
    return int(cost[rows, cols].sum())


def direct_highs(people: Sequence[Participant], rules: AssignmentRules) -> int:
    """The peer a user would write instead: the transport LP of the same instance, built with scipy.sparse
    and solved with ``linprog(method="highs-ds")`` directly (integral: the constraint matrix is totally
    unimodular). No model, no checks, no tie-breaks, no explanations."""
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    topics = [t.id for t in rules.topics]
    index = {t: j for j, t in enumerate(topics)}
    n, m = len(people), len(topics)
    cost = np.full(n * m, 1e6)  # a topic a Kommune did not rank: never chosen while capacity allows
    for i, p in enumerate(people):
        for rank, t in enumerate(p.preferences, start=1):
            cost[i * m + index[t]] = rank
    cols = np.arange(n * m)
    a_eq = csr_matrix((np.ones(n * m), (cols // m, cols)), shape=(n, n * m))
    a_ub = csr_matrix((np.ones(n * m), (cols % m, cols)), shape=(m, n * m))
    caps = [t.capacity.max if t.capacity and t.capacity.max is not None else n for t in rules.topics]
    per = rules.fewest_topics
    res = linprog(cost, A_ub=a_ub, b_ub=caps, A_eq=a_eq, b_eq=np.full(n, per), bounds=(0, 1), method="highs-ds")
    assert res.status == 0, res.message
    return round(res.fun)


def ortools_flow(people: Sequence[Participant], rules: AssignmentRules) -> int:
    """The strongest peer for the transportation case: OR-Tools' ``SimpleMinCostFlow`` on the full graph
    (source → Kommune → topic → sink, every Kommune × ranked topic an arc of capacity 1 and cost its rank),
    arcs handed over as arrays; the topic each Kommune gets read back. No model, no checks, no tie rule."""
    import numpy as np
    from ortools.graph.python import min_cost_flow

    topics = [t.id for t in rules.topics]
    index = {t: j for j, t in enumerate(topics)}
    n, m = len(people), len(topics)
    per = rules.fewest_topics
    lens = np.fromiter((len(p.preferences) for p in people), dtype=np.int64, count=n)
    heads = np.fromiter((index[t] for p in people for t in p.preferences), dtype=np.int64, count=int(lens.sum()))
    tails = np.repeat(np.arange(n, dtype=np.int64), lens)
    ranks = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens) + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, n + heads, np.ones(len(tails), dtype=np.int64), ranks)
    caps = [t.capacity.max if t.capacity and t.capacity.max is not None else n * per for t in rules.topics]
    sink = n + m
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + m), np.full(m, sink), np.array(caps, dtype=np.int64), np.zeros(m, dtype=np.int64)
    )
    supply = np.zeros(n + m + 1, dtype=np.int64)
    supply[:n] = per
    supply[sink] = -n * per
    flow.set_nodes_supplies(np.arange(n + m + 1), supply)
    status = flow.solve()
    assert status == flow.OPTIMAL, status
    used = flow.flows(arcs) > 0
    got: dict[str, list[str]] = {}
    for i, j in zip(tails[used].tolist(), heads[used].tolist(), strict=True):
        got.setdefault(people[i].id, []).append(topics[j])
    assert len(got) == n
    cost: int = flow.optimal_cost()
    return cost


def cpu_medians(
    fns: dict[str, Callable[[], int]], rounds: int, own: Sequence[str] = ()
) -> dict[str, tuple[float, int]]:
    """Each function's median CPU seconds (``time.process_time``) over ``rounds`` interleaved rounds — every
    round runs each once, in turn, so a load that comes and goes hits all alike — and its objective, which
    must be the same for all of them (but those named in ``own``) in every round."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    objective: dict[str, int] = {}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.process_time()
            value = fn()
            times[name].append(time.process_time() - start)
            objective[name] = value
        if len({v for name, v in objective.items() if name not in own}) != 1:
            raise SystemExit(f"objectives differ: {objective}")
    return {name: (statistics.median(ts), objective[name]) for name, ts in times.items()}


def machine_load() -> str:
    """The 1-minute load average against the cores: other work running beside the benchmark."""
    import os

    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    return f"load {load:.1f} on {cores} cores" + (" — LOADED, expect noise" if load > 0.5 * cores else "")


def compare(n: int, per: int = 1, rounds: int = 5, groups: bool = False) -> dict[str, tuple[float, int]]:
    """``assign`` and its peers on the instance of ``n`` Kommunen × 12 topics, ``per`` topics each: CPU medians
    of interleaved rounds and the objectives (checked equal in every round). Peers: the direct HiGHS call and
    OR-Tools' min-cost flow (if installed); with ``groups``, ``assign`` with groups of 3–4 runs in the same
    rounds (its own objective, which is only checked by ``check_assignment``)."""
    people, rules = instance(n, per=per)
    fns: dict[str, Callable[[], int]] = {
        "assign": lambda: assign(people, rules).cost,
        "direct": lambda: direct_highs(people, rules),
    }
    small = instance(10, per=per)
    assign(*small)  # warm up: lazy imports are not part of the measurement
    direct_highs(*small)
    try:
        ortools_flow(*small)
        fns["ortools"] = lambda: ortools_flow(people, rules)
    except ImportError:
        pass
    if groups:
        grouped = AssignmentRules(topics=rules.topics, topics_per_participant=per, groups=GroupRules(size=Bounds(3, 4)))
        assert check_assignment(assign(people, grouped), people, grouped) == []
        fns["groups"] = lambda: assign(people, grouped).cost
    return cpu_medians(fns, rounds, own=("groups",))


def measure(n: int, *, groups: bool = True, repeat: int = 3) -> dict[str, float]:
    """Seconds of ``assign`` (and with groups of 3–4) and of the direct HiGHS call on the same instance,
    medians of ``repeat`` interleaved runs; the costs must agree. ``peak_mb``: tracemalloc peak of one
    ``assign`` run (measured on its own: tracing slows the run it watches)."""
    people, rules = instance(n)
    assign(people[:10], rules)  # warm up: the lazy scipy import is not part of the measurement
    direct_highs(people[:10], rules)
    t_assign, t_direct = [], []
    for _ in range(repeat):
        a, t = timed(lambda: assign(people, rules))
        t_assign.append(t)
        cost, t = timed(lambda: direct_highs(people, rules))
        t_direct.append(t)
        if a.cost != cost:
            raise SystemExit(f"cost gap {a.cost - cost} against the direct HiGHS call")
    out = {
        "assign": statistics.median(t_assign),
        "direct": statistics.median(t_direct),
        "peak_mb": peak_mb(lambda: assign(people, rules)),
        "direct_peak_mb": peak_mb(lambda: direct_highs(people, rules)),
    }
    if groups:
        grouped = AssignmentRules(topics=rules.topics, groups=GroupRules(size=Bounds(3, 4)))
        out["groups"] = statistics.median(timed(lambda: assign(people, grouped))[1] for _ in range(repeat))
    return out


def scaling(sizes: Sequence[int], repeat: int = 3) -> list[dict[str, float]]:
    """``measure`` (no groups) for each size: how ``assign`` and the direct HiGHS call grow with the instance."""
    return [{"n": n, **measure(n, groups=False, repeat=repeat)} for n in sizes]


def greedy(people: Sequence[Participant], rules: AssignmentRules) -> int:
    left = {t.id: (t.capacity.max if t.capacity and t.capacity.max is not None else len(people)) for t in rules.topics}
    total = 0
    for p in sorted(people, key=lambda p: p.id):
        for rank, t in enumerate(p.preferences, start=1):
            if left[t] > 0:
                left[t] -= 1
                total += rank
                break
    return total


def peak_mb(fn: Callable[[], Any]) -> float:
    """Peak memory Python allocates while ``fn`` runs (``tracemalloc``; numpy reports its arrays to it), in MB.
    Measured in a run of its own: tracing slows the run it watches."""
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def run(n: int) -> None:
    people, rules = instance(n)
    grouped = AssignmentRules(topics=rules.topics, groups=GroupRules(size=Bounds(3, 4)))
    try:
        import networkx  # noqa: F401

        exact_name, exact = "networkx min-cost flow", exact_networkx
    except ImportError:
        exact_name, exact = "Hungarian (scipy)", exact_hungarian
    assign(people[:10], rules)  # warm up: the lazy scipy import is not part of the measurement

    a, t_assign = timed(lambda: assign(people, rules))
    ag, t_grouped = timed(lambda: assign(people, grouped))
    ref, t_ref = timed(lambda: exact(people, rules))
    direct_highs(people[:10], rules)
    direct, t_direct = timed(lambda: direct_highs(people, rules))
    base, t_greedy = timed(lambda: greedy(people, rules))
    assert check_assignment(a, people, rules) == [] and check_assignment(ag, people, grouped) == []

    print(f"\n{n} Kommunen × {len(TOPICS)} topics, capacity {sum(t.capacity.max for t in rules.topics)} places")  # type: ignore[union-attr,misc]
    print(f"  {'method':<34}{'cost':>9}{'gap':>8}{'time':>10}{'ratio':>9}")
    rows = [
        ("qframework.assign", a.cost, t_assign),
        ("qframework.assign, groups of 3–4", ag.cost, t_grouped),
        (exact_name, ref, t_ref),
        ("direct linprog(highs-ds), no model", direct, t_direct),
        ("greedy serial dictatorship", base, t_greedy),
    ]
    for name, cost, secs in rows:
        print(f"  {name:<34}{cost:>9}{cost - ref:>+8}{secs:>9.3f}s{secs / t_assign:>8.2f}×")
    print(f"  peak memory of assign (tracemalloc): {peak_mb(lambda: assign(people, rules)):.1f} MB")
    print(
        f"  gap assign vs exact: {a.cost - ref} (must be 0); groups cost {ag.cost - a.cost} more than none; "
        f"{len(ag.groups)} groups"
    )
    if a.cost != ref:
        raise SystemExit(f"cost gap {a.cost - ref} against {exact_name}")
    sel_people, sel_rules = selection(n)
    sel, t_sel = timed(lambda: assign(sel_people, sel_rules))
    assert check_assignment(sel, sel_people, sel_rules) == []
    print(
        f"  selection (places for ~60 %, leaving out costs 8): assign {t_sel:.3f}s, "
        f"{len(sel.unassigned)} left out, cost {sel.cost}"
    )


def print_scaling(sizes: Sequence[int]) -> None:
    """How assign's time and memory grow, beside the direct HiGHS call's: a super-linear step shows."""
    steps = scaling(sizes)
    print(
        f"\nscaling (no groups; medians of 3): {'Kommunen':>9}{'assign':>10}{'direct':>10}{'ratio':>8}{'peak MB':>10}"
    )
    for step in steps:
        print(
            f"{'':35}{step['n']:>9,.0f}{step['assign']:>9.3f}s{step['direct']:>9.3f}s"
            f"{step['assign'] / step['direct']:>7.2f}×{step['peak_mb']:>10.1f}"
        )
    for before, after in itertools.pairwise(steps):
        print(
            f"  {before['n']:,.0f} → {after['n']:,.0f} ({after['n'] / before['n']:.1f}× the Kommunen): assign "
            f"{after['assign'] / before['assign']:.1f}×, direct {after['direct'] / before['direct']:.1f}×"
        )


def print_compare(sizes: Sequence[int]) -> None:
    """``compare`` for one, two and three topics each: CPU medians against OR-Tools and the direct HiGHS call."""
    print(f"\nagainst the peers, CPU medians of 5 interleaved rounds ({machine_load()}):")
    head = f"{'assign':>10}{'OR-Tools':>10}{'direct':>10}{'vs OR-Tools':>13}{'vs direct':>11}"
    print(f"  {'Kommunen':>9}{'each':>5}{head}")
    for per in (1, 2, 3):
        for n in sizes:
            r = compare(n, per)
            qf, tools = r["assign"][0], r.get("ortools", (math.nan, 0))[0]
            print(
                f"  {n:>9,}{per:>5}{qf:>9.3f}s{tools:>9.3f}s{r['direct'][0]:>9.3f}s"
                f"{qf / tools:>12.2f}×{qf / r['direct'][0]:>10.2f}×"
            )


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [600, 5000]
    for size in sizes:
        run(size)
    if len(sys.argv) == 1:
        print_scaling([600, 5000, 20000])
    print_compare(sizes)
