"""The regional modes' rules pinned one by one, second file (issue 30: ``regional.py``'s survivors):
what groups-first reports when a group gets no topic, the lower bound on travel, the heuristic's pieces
of the map, required topics kept distinct, and the refusals.

Each test names the rule it pins in its docstring. Expected values are worked out by hand (distances from
hand-made matrices) or from the independent ``group_km`` of ``tests/assignment_strategies.py``, never
from the solver.
"""

from __future__ import annotations

import pytest
from assignment_strategies import group_km

from qframework.assignment import (
    AssignmentRules,
    Bounds,
    GroupRules,
    Objective,
    Participant,
    Topic,
    assign,
)


def test_groups_first_counts_only_the_groups_given_a_topic_in_distance_km() -> None:
    """Rule: ``distance_km`` sums the travel of grouped members only; in groups-first mode a group the
    topics cannot take (left out, its members unassigned) adds nothing to it, while the objective stays
    the grouping's own distance. Two pairs 11 km apart each, 220 km from each other: the pairs by distance
    are the near ones; the second pair excludes one topic each, so it gets none."""
    people = [
        Participant("p0", preferences=("a",), location=(50.0, 8.0)),
        Participant("p1", preferences=("a",), location=(50.1, 8.0)),
        Participant("p2", preferences=("b",), exclusions=("a",), location=(52.0, 8.0)),
        Participant("p3", preferences=("a",), exclusions=("b",), location=(52.1, 8.0)),
    ]
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b")),
        groups=GroupRules(size=Bounds(2, 2)),
        allow_unassigned=True,
        objective=Objective(km_per_rank=100.0),
    )
    result = assign(people, rules, mode="groups-first")
    assert [set(g.members) for g in result.groups] == [{"p0", "p1"}]
    assert set(result.unassigned) == {"p2", "p3"}
    o = result.optimality
    assert o is not None and o.mode == "groups-first" and o.exact
    near, far = group_km(people[:2], rules), group_km(people[2:], rules)
    assert o.distance_km == pytest.approx(near, rel=1e-9)
    assert o.objective == pytest.approx(near + far, rel=1e-9)


def test_groups_first_with_no_group_given_a_topic_travels_no_km() -> None:
    """Rule: when the one group groups-first forms (three people, groups of exactly three) can take no topic
    (each topic takes two at most) and participants may stay unassigned, nobody is grouped, so
    ``distance_km`` is 0; the objective is still the grouping's distance (the 25-person heuristic instance
    once reported 1,301.9 km with nobody assigned)."""
    people = [Participant(f"p{i}", preferences=("a", "b"), location=(50 + i / 10, 8.0)) for i in range(3)]
    rules = AssignmentRules(
        topics=(Topic("a", capacity=Bounds(0, 2)), Topic("b", capacity=Bounds(0, 2))),
        groups=GroupRules(size=Bounds(3, 3)),
        allow_unassigned=True,
        objective=Objective(km_per_rank=100.0),
    )
    result = assign(people, rules, mode="groups-first")
    assert result.groups == ()
    assert set(result.unassigned) == {"p0", "p1", "p2"}
    o = result.optimality
    assert o is not None
    assert o.distance_km == 0.0
    assert o.objective == pytest.approx(group_km(people, rules), rel=1e-9)
