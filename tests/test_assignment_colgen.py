"""Column generation for regional joint plans (issue 29).

The expected values come from brute force (every member set, every partition) or from the exact set
partitioning over every candidate group, never from the column generation under test.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from assignment_strategies import group_km, regional_brute_force, regional_instances
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qframework.assignment import (
    AssignmentRules,
    Bounds,
    GroupRules,
    Objective,
    Participant,
    Topic,
    assign,
    check_assignment,
    colgen,
    regional,
)
from qframework.errors import InfeasibleAssignment

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def own_objective(result, people, rules) -> float:  # type: ignore[no-untyped-def]
    by_id = {p.id: p for p in people}
    kpr = rules.objective.km_per_rank
    return result.cost + sum(group_km([by_id[m] for m in g.members], rules) for g in result.groups) / kpr


@st.composite
def pricing_cases(draw: st.DrawFn) -> tuple[np.ndarray, float, int, np.ndarray, float]:  # type: ignore[type-arg]
    n = draw(st.integers(1, 9))
    w = np.array(draw(st.lists(st.floats(-3, 3) | st.just(np.inf), min_size=n, max_size=n)))
    pts = np.array(draw(st.lists(st.tuples(st.floats(0, 500), st.floats(0, 500)), min_size=n, max_size=n)))
    dist = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2))
    return w, draw(st.sampled_from([0.0, 0.005, 0.02])), draw(st.integers(1, 4)), dist, draw(st.floats(-4, 2))


@SETTINGS
@given(pricing_cases())
def test_pair_pricing_finds_every_group_below_the_threshold(case) -> None:  # type: ignore[no-untyped-def]
    """Rule: the exact pricing returns exactly the member sets of the size whose Σ w_i + λ Σ_pairs d_ij
    is below the threshold (every one of them, each once, with that sum), as enumerating all does;
    when more than ``cap`` are found it says the search is incomplete."""
    w, lam, s, dist, theta = case
    expected = {}
    for g in itertools.combinations(range(len(w)), s):
        total = sum(w[i] for i in g) + lam * sum(dist[i, j] for i, j in itertools.combinations(g, 2))
        if total < theta:
            expected[g] = total
    groups, sums, complete = colgen._enumerate(w, lam, s, dist, theta, 10**6)
    assert complete
    found = {tuple(int(v) for v in g): float(t) for g, t in zip(groups, sums, strict=True)}
    assert len(found) == len(groups)
    # a sum within rounding of the threshold may fall either way
    near = {g for g, t in expected.items() if abs(t - theta) < 1e-9}
    assert set(found) - near == set(expected) - near
    for g, t in found.items():
        assert t == pytest.approx(expected.get(g, t), rel=1e-9, abs=1e-9)
    # with a cap below the count it says it is not complete, and what it returns is still below
    if len(expected) > 1 and not near:
        some, sums, complete = colgen._enumerate(w, lam, s, dist, theta, len(expected) - 1)
        assert not complete
        assert {tuple(int(v) for v in g) for g in some} <= set(expected)


@SETTINGS
@given(regional_instances(max_participants=7))
def test_column_generation_bound_and_proof_against_brute_force(
    instance: tuple[list[Participant], AssignmentRules],
) -> None:
    """Rule: with column generation as the only solver (no exact set partitioning), the reported
    bound is at most the true optimum (brute force), which is at most the plan's objective; when
    the plan is marked exact its objective equals the brute-force optimum; it passes check()."""
    people, rules = instance
    expected = regional_brute_force(people, rules)
    if expected is None:
        return
    saved = regional.MAX_GROUPS
    regional.MAX_GROUPS = 0
    try:
        result = assign(people, rules)
    except InfeasibleAssignment:  # the starting heuristics may find no plan within the capacities
        return
    finally:
        regional.MAX_GROUPS = saved
    assert check_assignment(result, people, rules) == []
    o = result.optimality
    assert o is not None and result.cost is not None
    own = own_objective(result, people, rules)
    assert o.objective == pytest.approx(own, rel=1e-6, abs=1e-6)
    assert o.bound <= expected[0] + 1e-6
    assert own >= expected[0] - 1e-6
    if o.exact:
        assert own == pytest.approx(expected[0], rel=1e-6, abs=1e-6)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(regional_instances(max_participants=9))
def test_column_generation_first_keeps_the_exact_optimum(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: trying column generation before the set partitioning (as from 24 participants) changes
    no optimum: the result equals brute force and is marked exact."""
    people, rules = instance
    expected = regional_brute_force(people, rules)
    if expected is None:
        return
    saved = regional.GENERATE_FROM
    regional.GENERATE_FROM = 1
    try:
        result = assign(people, rules)
    finally:
        regional.GENERATE_FROM = saved
    assert check_assignment(result, people, rules) == []
    assert result.optimality is not None and result.optimality.exact
    assert own_objective(result, people, rules) == pytest.approx(expected[0], rel=1e-6, abs=1e-6)


def germany(n: int, seed: int, capacity: Bounds | None = None) -> tuple[list[Participant], AssignmentRules]:
    """Kommunen at random places, a mandatory topic and one of five ranked, groups of 3–4."""
    rnd = random.Random(seed)
    topics = ["netz", "a", "b", "c", "d", "e"]
    people = []
    for i in range(n):
        prefs = topics[1:]
        rnd.shuffle(prefs)
        people.append(
            Participant(
                f"k{i:03d}",
                region=f"r{rnd.randrange(4)}",
                location=(rnd.uniform(47.3, 55.0), rnd.uniform(6.0, 15.0)),
                preferences=tuple(prefs),
            )
        )
    rules = AssignmentRules(
        topics=tuple(Topic(t, capacity=capacity if t == "a" else None) for t in topics),
        topics_per_participant=2,
        mandatory_topics=("netz",),
        groups=GroupRules(size=Bounds(3, 4), regional_weight=30.0),
        objective=Objective(km_per_rank=100.0),
    )
    return people, rules


@pytest.mark.parametrize(("seed", "capacity"), [(1, None), (2, Bounds(4, 8))])
def test_forty_participants_proven_as_by_set_partitioning(seed: int, capacity: Bounds | None) -> None:
    """Rule: at 40 participants (column generation first) the plan is proven optimal, its objective
    equals the exact set partitioning over every candidate group, and two runs give the same plan."""
    people, rules = germany(40, seed, capacity)
    first = assign(people, rules)
    assert check_assignment(first, people, rules) == []
    o = first.optimality
    assert o is not None and o.exact and o.bound == o.objective
    inst = regional._Instance(people, rules)
    exact = regional._set_partition(inst, 100.0, fixed_count=None)
    assert exact is not None
    assert o.objective == pytest.approx(exact[1].objective, rel=1e-9)
    assert assign(people, rules) == first


def test_beyond_the_proof_the_bound_is_the_lp_bound() -> None:
    """Rule: when reduced-cost fixing leaves too many columns to prove the plan, the result is the
    MILP's over the generated columns, marked not exact, with a bound below its objective and a
    gap far smaller than the old bound's (ranks alone + nearest-neighbour distances)."""
    people, rules = germany(60, 3)
    saved = colgen.FIX_COLUMNS
    colgen.FIX_COLUMNS = 0
    try:
        result = assign(people, rules)
    finally:
        colgen.FIX_COLUMNS = saved
    assert check_assignment(result, people, rules) == []
    o = result.optimality
    assert o is not None
    assert o.bound <= o.objective
    assert o.gap < 0.05
