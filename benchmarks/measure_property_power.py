"""Measure how quickly the assignment optimality properties catch the solver bug of issue 18.

Issue 18: HiGHS' MILP presolve returned a suboptimal point as "Optimal" (cost 31 where 27 exists);
the fix runs the MILP with ``presolve: False``. This script puts the bug back — it wraps
``scipy.optimize.milp`` so every call runs *with* presolve; ``src`` is not touched — and runs two
property tests of ``tests/test_assignment_properties.py`` (their own bodies, their own strategies) with
hypothesis' generation phase only (no ``@example``, no database, no shrinking):

- ``general``: ``test_cost_equals_brute_force_optimum`` on ``instances(max_participants=7, max_topics=4)``;
- ``targeted``: ``test_grouped_minimum_instances_reach_the_brute_force_optimum`` on
  ``grouped_minimum_instances()``.

For each of 20 seeds (``hypothesis.seed``) it records how many examples ran until the first failure
(or none within the cap), then the derandomised run CI does (``ci`` profile, the test's CI budget).
It prints a table and, per test, how many seeds fail within 50, 100, 200, ... examples. Run::

    python benchmarks/measure_property_power.py                # 20 seeds, caps 2000 / 1000
    python benchmarks/measure_property_power.py --seeds 5 --cap-general 500 --cap-targeted 300
    python benchmarks/measure_property_power.py --fixed        # the fixed solver: expect no failure

Needs ``src`` and the tests directory importable (``pip install -e .`` and run from the repository root).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import scipy.optimize
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import conftest  # noqa: F401  (registers the hypothesis profiles the test module scales with)
import test_assignment_properties as props
from assignment_strategies import grouped_minimum_instances, instances

_milp = scipy.optimize.milp


def milp_with_presolve(*args: Any, **kwargs: Any) -> Any:
    """scipy.optimize.milp as the solver called it before the fix of issue 18."""
    kwargs["options"] = {**(kwargs.get("options") or {}), "presolve": True}
    return _milp(*args, **kwargs)


TESTS: dict[str, tuple[Callable[..., None], st.SearchStrategy[Any], int]] = {
    "general": (
        props.test_cost_equals_brute_force_optimum.hypothesis.inner_test,  # type: ignore[attr-defined]
        instances(max_participants=7, max_topics=4),
        200,
    ),
    "targeted": (
        props.test_grouped_minimum_instances_reach_the_brute_force_optimum.hypothesis.inner_test,  # type: ignore[attr-defined]
        grouped_minimum_instances(),
        props.GROUPED_MINIMUM_EXAMPLES,
    ),
}


def examples_until_failure(
    body: Callable[..., None], strategy: st.SearchStrategy[Any], cap: int, run_seed: int | None
) -> tuple[int | None, int, float]:
    """(examples until the first failure or None, examples run, seconds) for one seed; ``None``: the
    derandomised run of the ``ci`` profile."""
    calls = 0
    first: int | None = None

    def counted(instance: Any) -> None:
        nonlocal calls, first
        calls += 1
        try:
            body(instance)
        except AssertionError:
            if first is None:
                first = calls
            raise

    test = given(strategy)(counted)
    test = settings(
        max_examples=cap,
        derandomize=run_seed is None,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )(test)
    if run_seed is not None:
        test = seed(run_seed)(test)
    start = time.perf_counter()
    try:
        test()
    except Exception:  # the failure itself; `first` says when it came
        pass
    return first, calls, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--cap-general", type=int, default=2000)
    parser.add_argument("--cap-targeted", type=int, default=1000)
    parser.add_argument("--only", choices=sorted(TESTS))
    parser.add_argument("--fixed", action="store_true", help="keep the fixed solver (presolve off)")
    args = parser.parse_args()
    if not args.fixed:
        scipy.optimize.milp = milp_with_presolve
    caps = {"general": args.cap_general, "targeted": args.cap_targeted}
    print(f"solver: {'fixed (presolve off)' if args.fixed else 'old (presolve on)'}")
    print(f"{'test':<9} {'seed':>5} {'first failure':>14} {'examples run':>13} {'seconds':>8}")
    for name, (body, strategy, ci_budget) in TESTS.items():
        if args.only and name != args.only:
            continue
        found: list[int] = []
        total_calls, total_seconds = 0, 0.0
        for s in range(args.seeds):
            first, calls, seconds = examples_until_failure(body, strategy, caps[name], s)
            total_calls, total_seconds = total_calls + calls, total_seconds + seconds
            print(f"{name:<9} {s:>5} {first if first else '-':>14} {calls:>13} {seconds:>8.1f}", flush=True)
            if first:
                found.append(first)
        first, calls, seconds = examples_until_failure(body, strategy, ci_budget, None)
        print(
            f"{name:<9} {'ci':>5} {first if first else '-':>14} {calls:>13} {seconds:>8.1f}  (derandomised, CI budget)"
        )
        print(
            f"{name}: {len(found)}/{args.seeds} seeds fail within {caps[name]} examples"
            + (f"; median {statistics.median(found):.0f}, max {max(found)}" if found else "")
            + f"; {1000 * total_seconds / max(1, total_calls):.1f} ms per example"
        )
        for n in (25, 50, 100, 200, 300, 500, 1000, 2000):
            if n <= caps[name]:
                print(f"  within {n:>4}: {sum(1 for f in found if f <= n):>2}/{args.seeds}")
        print(flush=True)


if __name__ == "__main__":
    main()
