"""The regional modes' rules pinned one by one (the properties against a brute force:
``tests/test_assignment_regional.py``): what a group's travel is, and what a regional plan's
``Optimality`` reports.

Each test names the rule it pins in its docstring. Expected distances come from hand-made matrices or
from the independent ``group_km`` of ``tests/assignment_strategies.py``, never from the solver.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_assignment_regional import cities_instance, plan_km

from qframework.assignment import assign
from qframework.assignment.regional import travel


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
