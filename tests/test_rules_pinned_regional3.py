"""The regional modes' rules pinned one by one, third file (issue 30: the exact side of ``regional.py``):
the set partitioning above ``regional.DIRECT_MILP`` columns, where an LP bound and its reduced costs
drop columns before the MILP, must give the same optimum as the direct MILP, under capacities (minimum
only, maximum only, both), ``distinct_required``, ``allow_unassigned`` and groups-first's fixed group
count; and a capacity of at least one member with no maximum is a rule, not a default.

``DIRECT_MILP`` is read at call time, so a test lowers it (``monkeypatch``) to run the pruning path on
instances small enough for a brute force: 1 column makes the small MILP over the columns of least
reduced cost too big, so the heuristic plan gives the upper bound; 40 lets that small MILP give it.

Each test names the rule it pins in its docstring. Expected values come from the brute force below (its
own ranks, the independent ``group_km`` of ``tests/assignment_strategies.py``, every partition and every
topic per group), never from the solver.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import pytest
from assignment_strategies import group_km, partitions

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
from qframework.errors import InfeasibleAssignment

# Eight sites: three near Frankfurt, two near Kassel, three near Hannover (tens to hundreds of km apart).
_SITES = [
    (50.10, 8.70),
    (50.00, 8.30),
    (50.20, 8.90),
    (51.30, 9.50),
    (51.20, 9.40),
    (52.40, 9.70),
    (52.30, 9.90),
    (52.50, 10.00),
]

# the pruning path: the heuristic's upper bound (1), the small MILP's upper bound (40)
_THRESHOLDS = (1, 40)


def _people(prefs: Sequence[tuple[str, ...]], excl: Sequence[tuple[str, ...]] | None = None) -> list[Participant]:
    return [
        Participant(f"p{i}", preferences=p, exclusions=() if excl is None else excl[i], location=_SITES[i])
        for i, p in enumerate(prefs)
    ]


def _rank(person: Participant, topic: str, n_topics: int) -> float:
    """The documented rank cost, independently: the 1-based position in the preferences, unranked
    ``len(topics) + 1``; ``inf`` if excluded."""
    if topic in person.exclusions:
        return math.inf
    return float(person.preferences.index(topic) + 1) if topic in person.preferences else float(n_topics + 1)


def _optimum(people: list[Participant], rules: AssignmentRules, *, group_count: int | None = None) -> float | None:
    """Brute force over every split into groups (and, if allowed, members left out) and every topic per
    group (one topic each): the least ranks + km / km_per_rank within the capacities (counted in members)
    and, under ``distinct_required``, no topic taken by two groups; ``None`` if nothing is feasible.
    With ``group_count`` (groups-first): the least km of a split into exactly that many groups."""
    assert rules.groups is not None
    ids = [t.id for t in rules.topics]
    caps = {t.id: t.capacity or Bounds(0, None) for t in rules.topics}
    kpr = rules.objective.km_per_rank
    left_cost = rules.objective.unassigned_cost
    best = math.inf
    for groups in partitions(list(range(len(people))), rules.groups.size, leave_out=rules.allow_unassigned):
        km = sum(group_km([people[m] for m in g], rules) for g in groups)
        if group_count is not None:
            if len(groups) == group_count:
                best = min(best, km)
            continue
        assert kpr is not None
        left = (len(people) - sum(len(g) for g in groups)) * (left_cost or 0)
        for choice in itertools.product(ids, repeat=len(groups)):
            if rules.distinct_required and len(set(choice)) < len(choice):
                continue
            load = dict.fromkeys(ids, 0)
            ranks = 0.0
            for g, t in zip(groups, choice, strict=True):
                load[t] += len(g)
                ranks += sum(_rank(people[m], t, len(ids)) for m in g)
            if all(caps[t].min <= load[t] and (caps[t].max is None or load[t] <= caps[t].max) for t in ids):
                best = min(best, ranks + left + km / kpr)
    return None if best == math.inf else best


def _own_value(result, people: list[Participant], rules: AssignmentRules) -> float:  # type: ignore[no-untyped-def]
    """The plan's objective counted independently from its groups, topics and the left-out members."""
    by_id = {p.id: p for p in people}
    n_topics = len(rules.topics)
    kpr = rules.objective.km_per_rank
    assert kpr is not None
    total = len(result.unassigned) * (rules.objective.unassigned_cost or 0)
    for g in result.groups:
        members = [by_id[m] for m in g.members]
        total += sum(_rank(p, t, n_topics) for p in members for t in g.topics) + group_km(members, rules) / kpr
    return float(total)


def _rules(topics: tuple[Topic, ...], size: Bounds, **more: object) -> AssignmentRules:
    unassigned = more.pop("unassigned_cost", None)
    return AssignmentRules(
        topics=topics,
        groups=GroupRules(size=size),
        objective=Objective(km_per_rank=100.0, unassigned_cost=unassigned),  # type: ignore[arg-type]
        **more,  # type: ignore[arg-type]
    )


_ABC = ("a", "b", "c")
# name: (preferences, exclusions or None, rules)
_SCENARIOS: dict[str, tuple[list[tuple[str, ...]], list[tuple[str, ...]] | None, AssignmentRules]] = {
    # everyone ranks a first; a takes three members at most (a binding maximum: a ≤ row)
    "maximum-only": (
        [_ABC, _ABC, ("a", "c", "b"), _ABC, ("a", "c"), ("a", "b"), _ABC, ("a",)],
        None,
        _rules((Topic("a", capacity=Bounds(0, 3)), Topic("b"), Topic("c")), Bounds(2, 3)),
    ),
    # nobody ranks c, which must take four members (a binding minimum: a ≥ row)
    "minimum-only": (
        [("a", "b"), ("b", "a"), ("a", "b"), ("a", "b"), ("b", "a"), ("a",), ("b",), ("a", "b")],
        None,
        _rules((Topic("a"), Topic("b"), Topic("c", capacity=Bounds(4, None))), Bounds(2, 3)),
    ),
    # both bounds on one topic (b: two to three members) and a maximum on another
    "minimum-and-maximum": (
        [_ABC, ("a", "c", "b"), _ABC, ("c", "a", "b"), _ABC, ("a", "c", "b"), ("c", "a"), _ABC],
        None,
        _rules((Topic("a", capacity=Bounds(0, 3)), Topic("b", capacity=Bounds(2, 3)), Topic("c")), Bounds(2, 3)),
    ),
    # a topic of at least one member and no maximum, which nobody ranks
    "minimum-one": (
        [("a", "b"), ("b", "a"), ("a", "b"), ("a",), ("b",), ("a", "b"), ("b", "a")],
        None,
        _rules((Topic("a"), Topic("b"), Topic("c", capacity=Bounds(1, None))), Bounds(2, 3)),
    ),
    # pairs only and seven people: one is left out (at 3); a and b take two members each, and most exclude b or c
    "left-out": (
        [("a",), ("a",), ("a", "b"), ("a",), ("b", "a"), ("a",), ("a",)],
        [("b", "c"), ("b", "c"), (), ("c",), (), ("b",), ("b", "c")],
        _rules(
            (Topic("a", capacity=Bounds(0, 2)), Topic("b", capacity=Bounds(0, 2)), Topic("c")),
            Bounds(2, 2),
            allow_unassigned=True,
            unassigned_cost=3,
        ),
    ),
    # each topic to one group at most: four topics, groups of two to three
    "distinct-required": (
        [("a", "b", "c", "d")] * 3 + [("a", "c", "b", "d")] * 2 + [("b", "a", "d", "c")] * 3,
        None,
        _rules((Topic("a"), Topic("b"), Topic("c"), Topic("d")), Bounds(2, 3), distinct_required=True),
    ),
}


@pytest.mark.parametrize("threshold", _THRESHOLDS)
@pytest.mark.parametrize("name", sorted(_SCENARIOS))
def test_the_pruned_set_partitioning_finds_the_brute_force_optimum(
    name: str, threshold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: above ``DIRECT_MILP`` columns the exact joint plan (LP bound, reduced-cost pruning, MILP) is
    still the optimum: its objective equals the brute force's least ranks + km / km_per_rank, counted
    again from the plan itself, it keeps every rule and is reported proven with its bound equal to it —
    with capacities binding from above, from below and both, members left out, and distinct topics."""
    prefs, excl, rules = _SCENARIOS[name]
    people = _people(prefs, excl)
    expected = _optimum(people, rules)
    assert expected is not None
    monkeypatch.setattr(regional, "DIRECT_MILP", threshold)
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    o = result.optimality
    assert o is not None and o.exact
    assert _own_value(result, people, rules) == pytest.approx(expected, rel=1e-9)
    assert o.objective == pytest.approx(expected, rel=1e-9)
    assert o.bound == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("name", sorted(_SCENARIOS))
def test_the_direct_set_partitioning_finds_the_brute_force_optimum(name: str) -> None:
    """Rule: at or below ``DIRECT_MILP`` columns (the default, 60,000) the exact joint plan is the optimum
    too: the same brute-force value, proven — the pruned path above is not a different answer."""
    prefs, excl, rules = _SCENARIOS[name]
    people = _people(prefs, excl)
    expected = _optimum(people, rules)
    result = assign(people, rules)
    o = result.optimality
    assert o is not None and o.exact
    assert _own_value(result, people, rules) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("threshold", [*_THRESHOLDS, regional.DIRECT_MILP])
def test_groups_first_by_pruned_set_partitioning_is_the_least_km_with_fewest_groups(
    threshold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: groups-first forms as few groups as the sizes allow (eight people, groups of two to three:
    three groups) with the least total km — by the direct MILP and above ``DIRECT_MILP`` columns alike;
    its objective is that km, proven."""
    people = _people([_ABC] * 8)
    rules = _rules((Topic("a"), Topic("b"), Topic("c")), Bounds(2, 3))
    expected = _optimum(people, rules, group_count=3)
    assert expected is not None
    monkeypatch.setattr(regional, "DIRECT_MILP", threshold)
    result = assign(people, rules, mode="groups-first")
    assert len(result.groups) == 3
    o = result.optimality
    assert o is not None and o.exact
    by_id = {p.id: p for p in people}
    km = sum(group_km([by_id[m] for m in g.members], rules) for g in result.groups)
    assert km == pytest.approx(expected, rel=1e-9)
    assert o.objective == pytest.approx(expected, rel=1e-9)


_INFEASIBLE = {
    # the minimums add up to more members than there are (LP infeasible)
    "minimums-exceed-the-members": (
        [_ABC] * 6,
        _rules((Topic("a", capacity=Bounds(4, None)), Topic("b", capacity=Bounds(3, None)), Topic("c")), Bounds(2, 3)),
    ),
    # pairs only, and a must take exactly three members: the LP splits a pair, no plan does
    "odd-count-of-pairs": (
        [_ABC] * 6,
        _rules((Topic("a", capacity=Bounds(3, 3)), Topic("b"), Topic("c")), Bounds(2, 2)),
    ),
}


@pytest.mark.parametrize("threshold", [*_THRESHOLDS, regional.DIRECT_MILP])
@pytest.mark.parametrize("name", sorted(_INFEASIBLE))
def test_an_infeasible_joint_plan_is_refused_by_either_path(
    name: str, threshold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: when no plan meets the capacities (by the brute force), the joint mode raises
    ``InfeasibleAssignment`` — by the direct MILP and above ``DIRECT_MILP`` columns alike, whether the LP
    relaxation is infeasible too or only the integer plan is."""
    prefs, rules = _INFEASIBLE[name]
    people = _people(prefs)
    assert _optimum(people, rules) is None
    monkeypatch.setattr(regional, "DIRECT_MILP", threshold)
    with pytest.raises(InfeasibleAssignment):
        assign(people, rules)


def test_a_capacity_of_at_least_one_member_is_kept() -> None:
    """Rule: a topic with a capacity minimum of one and no maximum must be taken by some group. Two pairs
    far apart (groups of two), both rank a then b and not c (unranked: rank 4): without the rule both take
    a (4); with it one pair takes c (2 + 8 = 10, by hand), plus the pairs' travel."""
    people = [
        Participant("p0", preferences=("a", "b"), location=(50.0, 8.0)),
        Participant("p1", preferences=("a", "b"), location=(50.1, 8.0)),
        Participant("p2", preferences=("a", "b"), location=(53.0, 8.0)),
        Participant("p3", preferences=("a", "b"), location=(53.1, 8.0)),
    ]
    rules = _rules((Topic("a"), Topic("b"), Topic("c", capacity=Bounds(1, None))), Bounds(2, 2))
    result = assign(people, rules)
    assert sorted(g.topics for g in result.groups) == [("a",), ("c",)]
    o = result.optimality
    assert o is not None and o.exact
    km = group_km(people[:2], rules) + group_km(people[2:], rules)
    assert o.objective == pytest.approx(10 + km / 100.0, rel=1e-9)


def test_fewer_participants_than_the_smallest_group_are_all_left_out() -> None:
    """Rule: in joint mode with ``allow_unassigned``, when there are fewer participants than the smallest
    group size (two people, groups of three to four), no group can form, so everyone is left out at
    ``unassigned_cost`` each (2 × 5 = 10), proven optimal, travelling no km (this crashed with numpy's
    ``ValueError`` before)."""
    people = _people([("a",), ("a",)])
    rules = _rules(
        (Topic("a", capacity=Bounds(0, 3)), Topic("b")), Bounds(3, 4), allow_unassigned=True, unassigned_cost=5
    )
    result = assign(people, rules)
    assert result.groups == ()
    assert set(result.unassigned) == {"p0", "p1"}
    o = result.optimality
    assert o is not None and o.exact
    assert o.objective == 10.0 and o.bound == 10.0
    assert o.distance_km == 0.0


def _line_of_ten() -> tuple[list[Participant], AssignmentRules]:
    """Ten people 1.1 km apart on a meridian, groups of five, everyone ranking a: the least travel takes
    the first five and the last five, while the lower bound on travel (each member's four nearest others)
    stays below it for the middle ones, so only the exact plan is proven optimal (column generation,
    which proves small plans too, takes groups of at most four)."""
    people = [Participant(f"p{i}", preferences=("a",), location=(50.0 + i / 100, 8.0)) for i in range(10)]
    return people, _rules((Topic("a"), Topic("b")), Bounds(5, 5))


@pytest.mark.parametrize("limit", ["MAX_GROUPS", "MAX_COLUMNS"])
def test_the_exact_plan_is_attempted_up_to_its_limits_inclusive(limit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: the exact set partitioning runs while the candidate groups (``MAX_GROUPS``) and their group ×
    topic columns (``MAX_COLUMNS``) are at most the limit: ten people in groups of five have 252 candidate
    groups, each with one best topic (no capacities), so a limit of exactly 252 still gives the proven
    optimum (the brute force's); a limit of 251 leaves the plan to the heuristic, not proven here."""
    people, rules = _line_of_ten()
    expected = _optimum(people, rules)
    assert expected is not None
    monkeypatch.setattr(regional, limit, 252)
    result = assign(people, rules)
    o = result.optimality
    assert o is not None and o.exact
    assert o.objective == pytest.approx(expected, rel=1e-9)
    first = frozenset(f"p{i}" for i in range(5))
    assert {frozenset(g.members) for g in result.groups} == {first, frozenset(f"p{i}" for i in range(5, 10))}
    monkeypatch.setattr(regional, limit, 251)
    o = assign(people, rules).optimality
    assert o is not None and not o.exact


def test_a_joint_plan_of_nobody_is_empty_and_proven() -> None:
    """Rule: a joint plan of no participants has no groups and nobody unassigned, objective 0, proven
    optimal (not a refusal)."""
    rules = _rules((Topic("a"), Topic("b")), Bounds(2, 3))
    result = assign([], rules)
    assert result.groups == () and result.unassigned == ()
    o = result.optimality
    assert o is not None and o.exact
    assert o.objective == 0.0 and o.bound == 0.0


@pytest.mark.parametrize("threshold", _THRESHOLDS)
def test_the_pruned_plan_of_near_neighbours_counts_ranks_in_its_upper_bound(
    threshold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: above ``DIRECT_MILP`` columns the exact joint plan stays the optimum when travel is nearly
    free and ranks decide: eight neighbours 110 m apart on a meridian, a takes three members at most and
    c at least two, so ranks + km / km_per_rank is mostly ranks; the plan's objective equals the brute
    force's (pruning against a bound of travel alone, below that optimum, would drop every plan)."""
    people = [
        Participant(f"p{i}", preferences=p, location=(50.0 + i / 1000, 8.0))
        for i, p in enumerate([_ABC, ("a", "c", "b"), _ABC, ("b", "a", "c"), _ABC, ("a", "b"), ("c", "a"), _ABC])
    ]
    rules = _rules((Topic("a", capacity=Bounds(0, 3)), Topic("b"), Topic("c", capacity=Bounds(2, None))), Bounds(2, 3))
    expected = _optimum(people, rules)
    assert expected is not None
    monkeypatch.setattr(regional, "DIRECT_MILP", threshold)
    result = assign(people, rules)
    o = result.optimality
    assert o is not None and o.exact
    assert _own_value(result, people, rules) == pytest.approx(expected, rel=1e-9)
    assert o.objective == pytest.approx(expected, rel=1e-9)
