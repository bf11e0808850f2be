"""The regional joint heuristic's promises pinned (issue 30: ``regional.py``'s heuristic side): the local
search ends in a local optimum of the exchanges it documents (with its nearest groups, only while the
objective falls) and is never worse than its start; the heuristic plan keeps every rule, reports its own
objective and a lower bound of the documented form, is never worse than the starts it names (preferences
first, groups first, exact plans of pieces of the map); column generation from it proves the optimum.

Instances beyond the exact size are made small by lowering the module's limits, which it reads at call time
(``MAX_GROUPS``, ``MAX_COLUMNS``, ``PIECE``, ``LOCAL_ROUNDS``, ``NEAR_GROUPS``), so a brute force in the test
can check the plan. Expected values come from the test's own arithmetic (distances from hand-made points,
``group_km`` and ``regional_brute_force`` of ``tests/assignment_strategies.py``) or are worked by hand, never
from the solver.
"""

from __future__ import annotations

import itertools
import math

import attrs
import numpy as np
import pytest
from assignment_strategies import group_km, regional_brute_force

from qframework.assignment import (
    AssignmentRules,
    Bounds,
    GroupRules,
    Objective,
    Participant,
    Topic,
    assign,
    check_assignment,
    regional,
)

PlanGroups = list[tuple[list[int], "int | None"]]


# ----------------------------------------------------------------------------- the local search, by brute force


def _instance(points: list[tuple[float, float]], cost: list[list[float]], simple: bool) -> regional._Instance:
    """A bare instance for the local search: plane distances between ``points`` (exactly symmetric), the
    members' costs per bundle (``inf``: not allowed) and whether each group may re-take its best bundle."""
    n = len(points)
    dist = np.zeros((n, n))
    for i, j in itertools.combinations(range(n), 2):
        dist[i, j] = dist[j, i] = math.dist(points[i], points[j])
    inst = regional._Instance.__new__(regional._Instance)
    inst.dist, inst.cost, inst.simple = dist, np.array(cost, dtype=float), simple
    return inst


def _km(group: list[int], dist: np.ndarray) -> float:  # type: ignore[type-arg]
    """The documented travel of a group: the sum over members of their mean distance to the others."""
    if len(group) < 2:
        return 0.0
    return sum(float(dist[a, b]) for a in group for b in group if a != b) / (len(group) - 1)


def _value(groups: list[list[int]], bundles: list[int], inst: regional._Instance, kpr: float) -> float:
    """Rank cost plus travel over km per rank of the grouped members, summed by the test."""
    return sum(
        sum(float(inst.cost[m, b]) for m in g) + _km(g, inst.dist) / kpr for g, b in zip(groups, bundles, strict=True)
    )


def _random_start(rng: np.random.Generator) -> tuple[regional._Instance, PlanGroups, float]:
    """A small random instance and a valid start: 2–4 groups (every member may take its group's bundle),
    up to two people left out (bundle ``None``)."""
    n = int(rng.integers(6, 11))
    n_b = 3
    points = [(float(x), float(y)) for x, y in rng.uniform(0, 100, size=(n, 2))]
    cost = rng.integers(1, 5, size=(n, n_b)).astype(float)
    cost[rng.random((n, n_b)) < 0.2] = math.inf
    order = [int(i) for i in rng.permutation(n)]
    n_left = int(rng.integers(0, 3))
    left, rest = order[:n_left], order[n_left:]
    n_g = int(rng.integers(2, 5))
    cuts = sorted(int(c) for c in rng.choice(np.arange(1, len(rest)), size=n_g - 1, replace=False))
    groups = [rest[a:b] for a, b in zip([0, *cuts], [*cuts, len(rest)], strict=True)]
    plan: PlanGroups = []
    for g in groups:
        b = int(rng.integers(0, n_b))
        cost[g, b] = np.where(np.isfinite(cost[g, b]), cost[g, b], 3.0)  # the start is valid
        plan.append((list(g), b))
    plan += [([p], None) for p in left]
    simple = bool(rng.integers(0, 2))
    kpr = float(rng.choice([10.0, 25.0, 60.0]))
    return _instance(points, cost.tolist(), simple), plan, kpr


@pytest.mark.parametrize("seed", range(40))
def test_the_local_search_ends_in_a_local_optimum_never_worse_than_its_start(seed: int) -> None:
    """Rule: the local search swaps members between nearby groups while the objective (ranks + travel /
    km per rank) falls, each group keeping its bundle; without capacities each group then re-takes its best
    bundle. So its plan holds the same members in groups of the same sizes, leaves the people left out
    alone, is never worse than its start, and — with at most ``NEAR_GROUPS`` + 1 groups, all nearby — no
    single exchange of two members of different groups lowers the objective (and, where bundles may be
    re-taken, each group has its least-rank bundle). Checked by brute force over every exchange."""
    inst, start, kpr = _random_start(np.random.default_rng(seed))
    groups_in = [g for g, b in start if b is not None]
    bundles_in = [b for _g, b in start if b is not None]
    before = _value(groups_in, bundles_in, inst, kpr)  # type: ignore[arg-type]
    out = regional._local_search(inst, [(list(g), b) for g, b in start], kpr)
    assert out[len(groups_in) :] == [(g, b) for g, b in start if b is None]
    kept = out[: len(groups_in)]
    groups = [g for g, _b in kept]
    bundles = [b for _g, b in kept]
    assert all(b is not None for b in bundles)
    assert all(g == sorted(g) for g in groups)
    assert [len(g) for g in groups] == [len(g) for g in groups_in]
    assert sorted(m for g in groups for m in g) == sorted(m for g in groups_in for m in g)
    if not inst.simple:
        assert bundles == bundles_in
    assert all(math.isfinite(inst.cost[m, b]) for g, b in kept for m in g)  # type: ignore[index]
    after = _value(groups, bundles, inst, kpr)  # type: ignore[arg-type]
    assert after <= before + 1e-9
    for gi, gj in itertools.combinations(range(len(groups)), 2):
        for a, b in itertools.product(groups[gi], groups[gj]):
            swapped = [list(g) for g in groups]
            swapped[gi] = [b if m == a else m for m in groups[gi]]
            swapped[gj] = [a if m == b else m for m in groups[gj]]
            assert _value(swapped, bundles, inst, kpr) >= after - 1e-7, (a, b)  # type: ignore[arg-type]
    if inst.simple:
        for g, b in kept:
            least = min(float(inst.cost[g, x].sum()) for x in range(inst.cost.shape[1]))
            assert float(inst.cost[g, b].sum()) <= least + 1e-9


def _three_groups() -> tuple[regional._Instance, PlanGroups]:
    """Three pairs on a line (at 0–1, 10–11 and 1000–1001 km), on bundles 0, 1 and 2. Person 1 (in the first
    pair) and person 2 (in the second) each rank the other's bundle first and their own third; so do person 0
    (first pair) and person 4 (third pair). Everyone else ranks their own bundle first."""
    points = [(0.0, 0.0), (1.0, 0.0), (10.0, 0.0), (11.0, 0.0), (1000.0, 0.0), (1001.0, 0.0)]
    cost = [[3, 3, 1], [3, 1, 3], [1, 3, 3], [3, 1, 3], [1, 3, 3], [3, 3, 1]]
    return _instance(points, cost, simple=False), [([0, 1], 0), ([2, 3], 1), ([4, 5], 2)]


@pytest.mark.parametrize(("near", "expected"), [(1, [[0, 2], [1, 3], [4, 5]]), (8, [[2, 4], [1, 3], [0, 5]])])
def test_the_local_search_exchanges_members_with_the_nearest_groups_only(near: int, expected: list[list[int]]) -> None:
    """Rule: each group exchanges members only with its ``NEAR_GROUPS`` nearest groups (by the mean distance
    between their members). With one, the first pair exchanges person 1 for person 2 (4 ranks less) but not
    person 0 for person 4, whose pair is 1,000 km away; with eight, both exchanges are made (at a million km
    per rank the travel hardly counts)."""
    inst, start = _three_groups()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(regional, "NEAR_GROUPS", near)
        out = regional._local_search(inst, start, 1e6)
    assert out == [(g, b) for g, b in zip(expected, [0, 1, 2], strict=True)]


@pytest.mark.parametrize("rounds", [1, 20])
def test_the_local_search_makes_no_exchange_that_leaves_the_objective_unchanged(rounds: int) -> None:
    """Rule: the local search exchanges members only while the objective falls. Six people on a line (at −10,
    5, 5, 10, 12 and 14 km) in pairs on one bundle everyone likes equally: every exchange between the first
    two pairs leaves their travel at 2 · 20 km, every exchange with the third pair adds to it, so the start
    comes back unchanged — after one round (``LOCAL_ROUNDS`` = 1, each group looking at its nearest only) as
    after twenty."""
    points = [(-10.0, 0.0), (5.0, 0.0), (5.0, 0.0), (10.0, 0.0), (12.0, 0.0), (14.0, 0.0)]
    inst = _instance(points, [[1.0]] * 6, simple=False)
    start: PlanGroups = [([0, 1], 0), ([2, 3], 0), ([4, 5], 0)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(regional, "NEAR_GROUPS", 1)
        mp.setattr(regional, "LOCAL_ROUNDS", rounds)
        assert regional._local_search(inst, [(list(g), b) for g, b in start], 1.0) == start


def test_a_group_keeps_its_bundle_when_no_other_is_strictly_better() -> None:
    """Rule: the local search changes the plan only while the objective falls: without capacities a group
    re-takes another bundle only when it costs its members fewer ranks. A pair on bundle 1 whose bundle 0
    costs the same (2 + 2 against 1 + 3) keeps bundle 1; the same pair on bundle 2 (3 + 3) moves to bundle 0,
    the first of the least."""
    inst = _instance([(0.0, 0.0), (1.0, 0.0)], [[2, 1, 3], [2, 3, 3]], simple=True)
    assert regional._local_search(inst, [([0, 1], 1)], 100.0) == [([0, 1], 1)]
    assert regional._local_search(inst, [([0, 1], 2)], 100.0) == [([0, 1], 0)]


# ----------------------------------------------------------------------------- the joint heuristic, large


def _people(rng: np.random.Generator, n: int, spread: float = 1.0) -> list[Participant]:
    """``n`` Kommunen in two regions of Germany (all at one place with ``spread`` 0), each ranking two or
    three of the topics a, b, c."""
    out = []
    for i in range(n):
        prefs = [str(t) for t in rng.permutation(["a", "b", "c"])][: int(rng.integers(2, 4))]
        north = bool(rng.integers(0, 2))
        lat = float(rng.uniform(53.0, 54.5) if north else rng.uniform(48.0, 49.5))
        loc = (50.0 + spread * (lat - 50.0), 9.0 + spread * (float(rng.uniform(7.0, 12.0)) - 9.0))
        out.append(Participant(f"k{i:02d}", preferences=tuple(prefs), location=loc))
    return out


def _rules(capacities: bool, size: Bounds, kpr: float) -> AssignmentRules:
    cap = Bounds(0, 3) if capacities else None
    return AssignmentRules(
        topics=(Topic("a", capacity=cap), Topic("b"), Topic("c")),
        groups=GroupRules(size=size),
        objective=Objective(km_per_rank=kpr),
    )


def _nearest_bound(people: list[Participant], rules: AssignmentRules) -> float:
    """The documented bound on travel: each member's mean km to its ``size.min − 1`` nearest others."""
    assert rules.groups is not None
    k = min(rules.groups.size.min - 1, len(people) - 1)
    if k < 1:
        return 0.0
    total = 0.0
    for p in people:
        near = sorted(group_km([p, q], rules) / 2 for q in people if q is not p)
        total += sum(near[:k]) / k
    return total


def _own(result, people: list[Participant], rules: AssignmentRules) -> float:  # type: ignore[no-untyped-def]
    """A plan's joint objective, by the test: its rank cost plus its travel (group_km) over km per rank."""
    kpr = rules.objective.km_per_rank
    assert kpr is not None and result.cost is not None
    by_id = {p.id: p for p in people}
    return result.cost + sum(group_km([by_id[m] for m in g.members], rules) for g in result.groups) / kpr


# seed, people, capacities, group sizes, km per rank, spread of the map (0: everyone at one place), the limit
# lowered to 0 so the exact mode gives up (MAX_GROUPS: every exact plan; MAX_COLUMNS: only the joint one — the
# groups-first start is then the exact grouping by distance)
CASES = [
    (0, 7, False, Bounds(2, 5), 100.0, 1.0, "MAX_GROUPS"),
    (1, 8, False, Bounds(2, 5), 40.0, 1.0, "MAX_GROUPS"),
    (2, 7, True, Bounds(2, 5), 100.0, 1.0, "MAX_GROUPS"),
    (3, 8, True, Bounds(3, 5), 60.0, 1.0, "MAX_GROUPS"),
    (4, 7, False, Bounds(1, 5), 200.0, 1.0, "MAX_GROUPS"),
    (5, 8, False, Bounds(3, 6), 30.0, 1.0, "MAX_GROUPS"),
    (6, 8, False, Bounds(2, 5), 5000.0, 1.0, "MAX_GROUPS"),
    (7, 7, True, Bounds(2, 5), 100.0, 0.0, "MAX_GROUPS"),
    (8, 8, False, Bounds(2, 5), 50.0, 1.0, "MAX_COLUMNS"),
    (9, 8, True, Bounds(2, 6), 80.0, 1.0, "MAX_COLUMNS"),
    (10, 7, False, Bounds(2, 5), 20.0, 0.01, "MAX_COLUMNS"),
]
ARGS = ("seed", "n", "capacities", "size", "kpr", "spread", "limit")


@pytest.mark.parametrize(ARGS, CASES)
def test_the_heuristic_plan_keeps_every_rule_and_bounds_the_optimum(
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    n: int,
    capacities: bool,
    size: Bounds,
    kpr: float,
    spread: float,
    limit: str,
) -> None:
    """Rule: beyond the exact size (here: ``MAX_GROUPS`` or ``MAX_COLUMNS`` lowered to 0), the joint plan keeps
    every rule (check_assignment finds nothing), reports as objective its rank cost plus its travel over the km per rank
    and as distance its travel; its bound is the documented one — the least rank cost of any plan plus each
    member's mean km to its ``size.min − 1`` nearest others over the km per rank, capped by the objective —
    so it lies at or below the optimum (brute force), which lies at or below the objective; ``exact`` only
    when bound and objective meet; and the same input gives the same plan."""
    monkeypatch.setattr(regional, limit, 0)
    people, rules = _people(np.random.default_rng(seed), n, spread), _rules(capacities, size, kpr)
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    o = result.optimality
    assert o is not None and o.mode == "joint" and o.km_per_rank == kpr
    own = _own(result, people, rules)
    assert o.objective == pytest.approx(own, rel=1e-9)
    assert result.cost is not None
    assert o.distance_km == pytest.approx((own - result.cost) * kpr, rel=1e-9)
    brute = regional_brute_force(people, rules)
    assert brute is not None
    optimum, _km_least, least_ranks = brute
    assert o.bound <= optimum + 1e-6 <= o.objective + 2e-6
    assert o.bound == pytest.approx(min(o.objective, least_ranks + _nearest_bound(people, rules) / kpr), rel=1e-9)
    assert o.exact == (o.bound >= o.objective - 1e-9)
    again = assign(people, rules)
    assert [g.members for g in again.groups] == [g.members for g in result.groups]
    assert [g.topics for g in again.groups] == [g.topics for g in result.groups]


@pytest.mark.parametrize(ARGS, CASES)
def test_the_heuristic_plan_is_no_worse_than_its_starts_and_a_local_optimum(
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    n: int,
    capacities: bool,
    size: Bounds,
    kpr: float,
    spread: float,
    limit: str,
) -> None:
    """Rule: the joint heuristic starts from the better of the preferences-first and the groups-first plan and
    only improves it, so its objective is at most each of theirs (both valued by the test as ranks + km / km
    per rank); and its local search leaves no exchange of two members between two groups (each keeping its
    topics) that lowers the objective, and — without capacities — no group that a topic set of lower rank
    cost would suit."""
    monkeypatch.setattr(regional, limit, 0)
    people, rules = _people(np.random.default_rng(seed), n, spread), _rules(capacities, size, kpr)
    result = assign(people, rules)
    value = _own(result, people, rules)
    first = assign(people, attrs.evolve(rules, objective=attrs.evolve(rules.objective, km_per_rank=None)))
    assert value <= _own(first, people, rules) + 1e-9
    assert value <= _own(assign(people, rules, mode="groups-first"), people, rules) + 1e-9

    from assignment_strategies import bundle_options, member_cost

    by_id = {p.id: p for p in people}
    groups = [[by_id[m] for m in g.members] for g in result.groups]
    topics = [frozenset(g.topics) for g in result.groups]

    def worth(members: list[Participant], bundle: frozenset[str]) -> float:
        return sum(member_cost(p, bundle, rules) for p in members) + group_km(members, rules) / kpr

    for gi, gj in itertools.combinations(range(len(groups)), 2):
        here = worth(groups[gi], topics[gi]) + worth(groups[gj], topics[gj])
        for a, b in itertools.product(groups[gi], groups[gj]):
            one = [b if m is a else m for m in groups[gi]]
            other = [a if m is b else m for m in groups[gj]]
            assert worth(one, topics[gi]) + worth(other, topics[gj]) >= here - 1e-7, (a.id, b.id)
    if not capacities:
        for g, t in zip(groups, topics, strict=True):
            own_rank = sum(member_cost(p, t, rules) for p in g)
            assert all(own_rank <= sum(member_cost(p, x, rules) for p in g) + 1e-9 for x in bundle_options(rules))


def test_rules_no_plan_beyond_the_exact_size_can_meet_are_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: beyond the exact size, when no start of the heuristic exists (two people may only take a, four only
    b, groups of exactly three: a's two cannot form a group), the joint mode raises ``InfeasibleAssignment``
    naming the group sizes — not a crash."""
    from qframework.errors import InfeasibleAssignment

    monkeypatch.setattr(regional, "MAX_GROUPS", 0)
    people = [
        Participant(f"p{i}", preferences=("a",) if i < 2 else ("b",), exclusions=("b",) if i < 2 else ("a",))
        for i in range(6)
    ]
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b")),
        groups=GroupRules(size=Bounds(3, 3)),
        objective=Objective(km_per_rank=100.0),
    )
    with pytest.raises(InfeasibleAssignment) as caught:
        assign(people, rules)
    assert caught.value.rule == "group-size"


# ----------------------------------------------------------------------------- column generation from the heuristic


def _four_places() -> list[Participant]:
    """24 Kommunen in four places far apart (48°, 50°, 52° and 54° N). In A and B eight each along a short
    line, alternately ranking a or b first; in X three rank a first and one b, in Y three b and one a."""
    people = []
    for place, lat in (("A", 48.0), ("B", 50.0)):
        for i in range(8):
            first = ("a", "b") if i % 2 == 0 else ("b", "a")
            people.append(Participant(f"{place}{i}", preferences=first, location=(lat + 0.003 * i, 9.0)))
    for place, lat, odd in (("X", 52.0, ("b", "a")), ("Y", 54.0, ("a", "b"))):
        usual = ("a", "b") if place == "X" else ("b", "a")
        for i in range(4):
            people.append(
                Participant(f"{place}{i}", preferences=odd if i == 3 else usual, location=(lat + 0.003 * i, 9.0))
            )
    return people


def test_column_generation_turns_a_poor_start_into_the_proven_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: from 24 participants in groups of at most four, the joint mode runs column generation from the
    heuristic plan and returns its optimum, proven (``exact``, bound = objective). Here the local search is
    switched off (``LOCAL_ROUNDS`` = 0), so both starts are poor: grouping by distance mixes A's and B's a- and
    b-people, preferences first joins X's b-person to Y's and Y's a-person to X's (hundreds of km). The optimum,
    by hand: in A and B the four a-people and the four b-people each form a group on their first topic (rank
    1 each, under 1 km apart), X works on a and Y on b (one rank 2 each): rank cost 26 — every other plan
    ranks someone second in A or B (one more rank) or joins places 220 km apart (far more than a rank at 100 km
    per rank, while all travel of this plan is under 100 km)."""
    monkeypatch.setattr(regional, "LOCAL_ROUNDS", 0)
    people = _four_places()
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b")),
        groups=GroupRules(size=Bounds(3, 4)),
        objective=Objective(km_per_rank=100.0),
    )
    result = assign(people, rules)
    expected = {
        frozenset({"A0", "A2", "A4", "A6"}): ("a",),
        frozenset({"A1", "A3", "A5", "A7"}): ("b",),
        frozenset({"B0", "B2", "B4", "B6"}): ("a",),
        frozenset({"B1", "B3", "B5", "B7"}): ("b",),
        frozenset({"X0", "X1", "X2", "X3"}): ("a",),
        frozenset({"Y0", "Y1", "Y2", "Y3"}): ("b",),
    }
    assert {frozenset(g.members): g.topics for g in result.groups} == expected
    assert result.cost == 26
    o = result.optimality
    assert o is not None and o.exact and o.km_per_rank == 100.0
    km = _own(result, people, rules) - 26
    assert km * 100.0 < 100.0
    assert o.objective == pytest.approx(26 + km, rel=1e-9)
    assert o.bound == pytest.approx(o.objective, rel=1e-9)


# ----------------------------------------------------------------------------- the heuristic's pieces of the map


# the two places of the pieces tests: the first place's latitude and longitude, the second's offset, and the
# step between a place's four people along the other direction
LAYOUTS = {
    "north-south": ((48.0, 8.0), (5.0, 0.05), (0.0, 0.1)),
    "west-east": ((50.0, 6.0), (0.05, 5.0), (0.1, 0.0)),
    # 2° of latitude (222 km) against 2.45° of longitude (about 170 km): still longer north to south
    "north-south, wide": ((50.0, 8.0), (2.0, 0.05), (0.0, 0.8)),
}


def _two_places(layout: str) -> list[Participant]:
    """Eight Kommunen in two places; in each, two rank a first and two b, alternating along a line. The ids
    alternate between the places (``k0p``, ``k1p``, …), so their order says nothing about the map."""
    (lat, lon), (dlat, dlon), (slat, slon) = LAYOUTS[layout]
    people = []
    for place in range(2):
        for i in range(4):
            prefs = ("a", "b") if i % 2 == 0 else ("b", "a")
            loc = (lat + place * dlat + i * slat, lon + place * dlon + i * slon)
            people.append(Participant(f"k{i}{place}", preferences=prefs, location=loc))
    return people


PAIRS_TO_FIVES = Bounds(2, 5)


def _pairs_rules(kpr: float, size: Bounds = PAIRS_TO_FIVES, cap: Bounds | None = None) -> AssignmentRules:
    return AssignmentRules(
        topics=(Topic("a", capacity=cap), Topic("b")),
        groups=GroupRules(size=size),
        objective=Objective(km_per_rank=kpr),
    )


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_heuristic_is_no_worse_than_exact_plans_of_the_pieces_of_the_map(
    monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """Rule: beyond the exact size, without capacities, the joint heuristic also starts from exact plans of
    the pieces of the map (pieces of at most ``PIECE`` people, cut across the map's longer extent in km where
    both halves can form groups), so its plan is no worse than those plans together — even with the local
    search switched off (``LOCAL_ROUNDS`` = 0). Eight people in two places (the longer extent lies between
    them), ``PIECE`` = 4 and ``MAX_GROUPS`` = 50 (the whole map's 210 candidate groups do not fit, a place's
    11 do): the pieces are the places, each planned exactly (brute force) as two pairs on their first topic.
    The other starts cannot match it: grouping by distance forms two groups of four (two people ranked second
    in each), preferences first joins people of both places."""
    monkeypatch.setattr(regional, "PIECE", 4)
    monkeypatch.setattr(regional, "MAX_GROUPS", 50)
    monkeypatch.setattr(regional, "LOCAL_ROUNDS", 0)
    people = _two_places(layout)
    rules = _pairs_rules(1000.0)
    pieces = 0.0
    for place in range(2):
        best = regional_brute_force(people[4 * place : 4 * place + 4], rules)
        assert best is not None
        pieces += best[0]
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    assert result.optimality is not None and not result.optimality.exact
    assert result.optimality.objective == pytest.approx(_own(result, people, rules), rel=1e-9)
    assert _own(result, people, rules) <= pieces + 1e-9
    assert result.cost == 8


def test_pieces_of_the_map_are_no_start_under_capacities(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: capacities couple the pieces of the map, so with capacities the heuristic does not start from
    pieces planned apart: with at most two people on a (each place's exact plan puts its two a-people on a,
    four in all), the plan keeps the capacity (check_assignment finds nothing), even with the local search off."""
    monkeypatch.setattr(regional, "PIECE", 4)
    monkeypatch.setattr(regional, "MAX_GROUPS", 50)
    monkeypatch.setattr(regional, "LOCAL_ROUNDS", 0)
    people = _two_places("north-south")
    rules = _pairs_rules(1000.0, cap=Bounds(0, 2))
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []


def test_pieces_of_pieces_cover_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a piece still larger than ``PIECE`` is cut again, and the plan of all pieces together places
    everyone: with ``PIECE`` = 2 the eight people are cut into four pairs, and the plan (local search off)
    keeps every rule and places all eight."""
    monkeypatch.setattr(regional, "PIECE", 2)
    monkeypatch.setattr(regional, "MAX_GROUPS", 50)
    monkeypatch.setattr(regional, "LOCAL_ROUNDS", 0)
    people = _two_places("north-south")
    rules = _pairs_rules(1000.0)
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    assert sorted(m for g in result.groups for m in g.members) == sorted(p.id for p in people)


def test_a_map_no_cut_can_split_into_groups_is_planned_without_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: the map is cut only where both halves can form groups; when no cut can (eight people in groups of
    five to eight: one group), the heuristic plans without pieces — one group of all eight, every rule kept."""
    monkeypatch.setattr(regional, "PIECE", 4)
    monkeypatch.setattr(regional, "MAX_GROUPS", 50)
    people = _two_places("north-south")
    rules = _pairs_rules(1000.0, size=Bounds(5, 8))
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    assert [len(g.members) for g in result.groups] == [8]


def test_people_without_a_location_are_planned_beyond_the_exact_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a location is optional; beyond the exact size (pieces of the map included) people without one are
    planned like the others, travelling 0 km: eight people without locations, two ranking a first for each one
    ranking b, in pairs to fives — every rule kept, no travel, the plan's rank cost as its objective."""
    monkeypatch.setattr(regional, "PIECE", 4)
    monkeypatch.setattr(regional, "MAX_GROUPS", 50)
    people = [Participant(f"k{i}", preferences=("a", "b") if i % 3 else ("b", "a")) for i in range(8)]
    rules = _pairs_rules(100.0)
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    o = result.optimality
    assert o is not None and o.distance_km == 0.0
    assert o.objective == result.cost


def _ten_near(seed: int) -> list[Participant]:
    """Ten Kommunen in three places half a degree apart, each ranking a or b first at random."""
    rng = np.random.default_rng(seed)
    people = []
    for i in range(10):
        place = int(rng.integers(0, 3))
        loc = (48.0 + 0.5 * place + float(rng.uniform(0, 0.2)), 9.0 + float(rng.uniform(0, 0.3)))
        prefs = ("a", "b") if rng.random() < 0.5 else ("b", "a")
        people.append(Participant(f"k{i:02d}", preferences=prefs, location=loc))
    return people


def test_column_generation_keeps_even_a_small_improvement_and_proves_the_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rule: beyond the exact size with groups of at most four, column generation runs from the heuristic plan,
    and the plan it proves optimal is the optimum (brute force) — also when it improves on the heuristic plan
    by much less than one rank (ten people, 500 km per rank, places half a degree apart: about 0.4 here)."""
    monkeypatch.setattr(regional, "MAX_GROUPS", 0)
    people = _ten_near(5)
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b")),
        groups=GroupRules(size=Bounds(3, 4)),
        objective=Objective(km_per_rank=500.0),
    )
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    brute = regional_brute_force(people, rules)
    assert brute is not None
    o = result.optimality
    assert o is not None and o.exact
    assert _own(result, people, rules) == pytest.approx(brute[0], rel=1e-9)
    assert o.objective == pytest.approx(brute[0], rel=1e-9)
    assert o.bound == pytest.approx(o.objective, rel=1e-9)


# ----------------------------------------------------------------------------- the bound without rank cost


def test_the_bound_of_a_plan_without_rank_cost_is_the_travel_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: the heuristic's bound is the least rank cost plus the travel bound over the km per rank; when every
    topic is mandatory (a mandatory topic costs nothing) the least rank cost is 0, so the bound is each
    member's mean km to its nearest possible fellow member, over the km per rank (1 km per rank here: the
    objective is many ranks above it)."""
    monkeypatch.setattr(regional, "MAX_GROUPS", 0)
    people = _people(np.random.default_rng(11), 7)
    people = [attrs.evolve(p, preferences=("a",)) for p in people]
    rules = AssignmentRules(
        topics=(Topic("a"),),
        mandatory_topics=("a",),
        groups=GroupRules(size=Bounds(3, 5)),
        objective=Objective(km_per_rank=1.0),
    )
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    o = result.optimality
    assert o is not None and result.cost == 0
    assert o.objective > _nearest_bound(people, rules) + 10
    assert o.bound == pytest.approx(_nearest_bound(people, rules), rel=1e-9)


def test_groups_first_forms_the_fewest_groups_and_proves_them() -> None:
    """Rule: groups-first forms as few groups as the largest size allows — seven people in groups of two or
    three: three groups (⌈7 / 3⌉) — and proves the grouping optimal on a small instance."""
    people = _people(np.random.default_rng(12), 7)
    result = assign(people, _rules(False, Bounds(2, 3), 100.0), mode="groups-first")
    assert len(result.groups) == 3
    assert result.optimality is not None and result.optimality.exact


@pytest.mark.parametrize("mode", ["groups-first", "joint"])
def test_no_participants_make_an_empty_regional_plan(mode: str) -> None:
    """Rule: with no participants a regional plan is empty: no groups, nobody unassigned, 0 km, objective 0."""
    rules = AssignmentRules(
        topics=(Topic("a"),), groups=GroupRules(size=Bounds(2, 5)), objective=Objective(km_per_rank=10.0)
    )
    result = assign([], rules, mode=mode)
    assert result.groups == () and result.unassigned == ()
    o = result.optimality
    assert o is not None and o.mode == mode
    assert (o.objective, o.distance_km) == (0, 0)


def test_an_unproven_column_generation_plan_reports_a_bound_below_the_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rule: when column generation cannot prove its plan (here no column may be handed to the proving MILP:
    ``colgen.FIX_COLUMNS`` = 0), the plan is reported unproven, its objective is its own rank cost plus travel
    over the km per rank, and its bound — the better of the heuristic's bound and the LP's — lies at or below
    the optimum (brute force), which lies at or below the objective."""
    from qframework.assignment import colgen

    monkeypatch.setattr(regional, "MAX_GROUPS", 0)
    monkeypatch.setattr(colgen, "FIX_COLUMNS", 0)
    people = _ten_near(3)
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b")),
        groups=GroupRules(size=Bounds(3, 4)),
        objective=Objective(km_per_rank=500.0),
    )
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    brute = regional_brute_force(people, rules)
    assert brute is not None
    optimum, _km, least_ranks = brute
    o = result.optimality
    assert o is not None and not o.exact
    assert o.objective == pytest.approx(_own(result, people, rules), rel=1e-9)
    assert least_ranks + _nearest_bound(people, rules) / 500.0 - 1e-9 <= o.bound <= optimum + 1e-9
    assert optimum <= o.objective + 1e-9
