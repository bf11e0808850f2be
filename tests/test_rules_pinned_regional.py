"""The regional modes' rules pinned one by one (the properties against a brute force:
``tests/test_assignment_regional.py``): what a group's travel is, and what a regional plan's
``Optimality`` reports.

Each test names the rule it pins in its docstring. Expected distances come from hand-made matrices or
from the independent ``group_km`` of ``tests/assignment_strategies.py``, never from the solver.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_assignment_regional import cities_instance, heuristic_instance, plan_km

from qframework.assignment import (
    AssignmentRules,
    Bounds,
    GroupRules,
    Objective,
    Participant,
    Topic,
    assign,
)
from qframework.assignment.regional import travel
from qframework.errors import InfeasibleAssignment


def test_a_groups_travel_is_the_sum_of_each_members_mean_distance_to_the_others() -> None:
    """Rule: a group's travel sums, over its members, the mean distance to the fellow members: 0 for one
    member, the distance counted once per member for two, and for three members at 3, 6 and 9 km from each
    other (4.5 + 6 + 7.5 =) 18."""
    dist = np.array([[0.0, 3.0, 6.0, 1.0], [3.0, 0.0, 9.0, 1.0], [6.0, 9.0, 0.0, 1.0], [1.0, 1.0, 1.0, 0.0]])
    assert travel([], dist) == 0.0
    assert travel([2], dist) == 0.0
    assert travel([0, 1], dist) == 6.0
    assert travel([0, 1, 2], dist) == pytest.approx(18.0)
    assert travel([2, 0, 1], dist) == pytest.approx(18.0)


def test_groups_first_reports_its_distance_as_the_objective_proven_optimal() -> None:
    """Rule: a groups-first plan's optimality names the mode, takes the plan's total travel (km) as both its
    objective and its distance, proves it optimal on a small instance (bound = objective) and carries the
    km per rank of the rules."""
    people, rules = cities_instance(150.0)
    result = assign(people, rules, mode="groups-first")
    o = result.optimality
    assert o is not None
    km = plan_km(result, people, rules)
    assert (o.mode, o.exact, o.km_per_rank) == ("groups-first", True, 150.0)
    assert o.objective == pytest.approx(km, rel=1e-9)
    assert o.distance_km == pytest.approx(km, rel=1e-9)
    assert o.bound == pytest.approx(o.objective, rel=1e-9)
    assert o.gap == 0.0


def test_the_joint_objective_is_the_cost_plus_the_distance_over_km_per_rank() -> None:
    """Rule: a joint plan's objective is its preference cost plus its travel divided by the km per rank, its
    distance the plan's travel in km; proven optimal on a small instance."""
    people, rules = cities_instance(150.0)
    result = assign(people, rules)
    o = result.optimality
    assert o is not None and result.cost is not None
    km = plan_km(result, people, rules)
    assert (o.mode, o.exact, o.km_per_rank) == ("joint", True, 150.0)
    assert o.distance_km == pytest.approx(km, rel=1e-9)
    assert o.objective == pytest.approx(result.cost + km / 150.0, rel=1e-9)
    assert o.bound == pytest.approx(o.objective, rel=1e-6)


def test_a_heuristic_joint_plan_reports_the_same_objective_unproven() -> None:
    """Rule: beyond the exact size, a joint plan's objective is still its cost plus its travel over the km per
    rank (travel counted independently here), and it is not claimed proven: the bound lies below."""
    people, rules = heuristic_instance()
    result = assign(people, rules)
    o = result.optimality
    assert o is not None and result.cost is not None
    km = plan_km(result, people, rules)
    assert (o.mode, o.exact) == ("joint", False)
    assert o.distance_km == pytest.approx(km, rel=1e-9)
    assert o.objective == pytest.approx(result.cost + km / 1000.0, rel=1e-9)
    assert o.bound < o.objective


def test_a_heuristic_groups_first_plan_is_not_claimed_proven() -> None:
    """Rule: a groups-first plan the exact search does not prove is reported as not proven (``exact`` false),
    its bound not above its objective."""
    people, rules = heuristic_instance()
    o = assign(people, rules, mode="groups-first").optimality
    assert o is not None and o.mode == "groups-first"
    assert not o.exact
    assert o.bound <= o.objective


def test_groups_first_without_a_largest_size_forms_one_group() -> None:
    """Rule: groups-first forms the fewest groups the sizes allow: without a largest group size, one group
    of everyone."""
    people = [Participant(f"p{i}", preferences=("a", "b"), location=(50 + i / 10, 8.0)) for i in range(4)]
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b")),
        groups=GroupRules(size=Bounds(2, None)),
        objective=Objective(km_per_rank=100.0),
    )
    result = assign(people, rules, mode="groups-first")
    assert [set(g.members) for g in result.groups] == [{"p0", "p1", "p2", "p3"}]


def test_a_joint_plan_no_group_can_take_is_infeasible_not_a_crash() -> None:
    """Rule: when no group of the allowed sizes can take any topic (four people in one group of exactly four,
    one of them excluding the topic the others want and the others excluding hers), both regional modes
    refuse with ``InfeasibleAssignment`` — the joint mode once crashed with scipy's ``ValueError``."""
    people = [
        Participant(f"p{i}", preferences=("b",) if i == 0 else ("a",), exclusions=("a",) if i == 0 else ("b",))
        for i in range(4)
    ]
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b")),
        groups=GroupRules(size=Bounds(4, 4)),
        objective=Objective(km_per_rank=100.0, allow_unranked=True),
    )
    for mode in ("joint", "groups-first"):
        with pytest.raises(InfeasibleAssignment):
            assign(people, rules, mode=mode)


def test_groups_first_names_groups_that_cannot_all_get_a_topic() -> None:
    """Rule: when the groups formed by distance cannot all get topics (three people in one group of three,
    every topic taking two at most), groups-first refuses naming the group-topics rule and suggesting the
    joint mode; the joint mode refuses with the diagnosis of the plan as a whole."""
    people = [Participant(f"p{i}", preferences=("a", "b"), location=(50 + i / 10, 8.0)) for i in range(3)]
    rules = AssignmentRules(
        topics=(Topic("a", capacity=Bounds(0, 2)), Topic("b", capacity=Bounds(0, 2))),
        groups=GroupRules(size=Bounds(3, 3)),
        objective=Objective(km_per_rank=100.0),
    )
    with pytest.raises(InfeasibleAssignment) as info:
        assign(people, rules, mode="groups-first")
    assert info.value.rule == "group-topics"
    assert "try mode='joint'" in str(info.value)
    with pytest.raises(InfeasibleAssignment) as info:
        assign(people, rules, mode="joint")
    assert info.value.rule == "group-size"
