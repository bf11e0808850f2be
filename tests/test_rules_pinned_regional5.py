"""Groups-first when not everyone fits into groups of the allowed sizes (``allow_unassigned``).

Each test names the rule it pins in its docstring. Expected groupings come from a brute force over every
choice of members (``partitions`` and ``group_km`` of ``tests/assignment_strategies.py``), never from the
solver. Before the fix, groups-first fell back to the greedy grouping of everyone, which formed groups of
sizes the rules forbid (5 people, groups of exactly 3: a pair and a triple).
"""

from __future__ import annotations

import itertools

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

_SITES = [(50.0, 8.0), (50.3, 8.4), (50.1, 8.1), (51.2, 9.6), (50.2, 8.05), (50.9, 8.9), (50.05, 8.3), (51.0, 8.0)]


def _people(n: int) -> list[Participant]:
    return [Participant(f"p{i}", preferences=("a", "b"), location=_SITES[i]) for i in range(n)]


def _rules(size: Bounds) -> AssignmentRules:
    return AssignmentRules(
        topics=(Topic("a"), Topic("b")),
        groups=GroupRules(size=size),
        allow_unassigned=True,
        objective=Objective(km_per_rank=100.0),
    )


def _fewest_groups_least_km(people: list[Participant], rules: AssignmentRules, grouped: int) -> float:
    """Brute force: the least total travel over every choice of ``grouped`` members split into as few groups
    of the allowed sizes as possible."""
    size = rules.groups.size  # type: ignore[union-attr]
    best = None
    for chosen in itertools.combinations(range(len(people)), grouped):
        blocks = list(partitions(list(chosen), size))
        fewest = min(len(b) for b in blocks)
        for b in blocks:
            if len(b) == fewest:
                km = sum(group_km([people[i] for i in g], rules) for g in b)
                best = km if best is None else min(best, km)
    assert best is not None
    return best


@pytest.mark.parametrize(("n", "low", "high", "grouped"), [(5, 3, 3, 3), (7, 3, 3, 6), (7, 2, 2, 6), (8, 3, 3, 6)])
def test_groups_first_leaves_out_the_fewest_and_groups_the_rest_by_least_travel(
    n: int, low: int, high: int, grouped: int
) -> None:
    """Rule: with ``allow_unassigned``, groups-first groups as many participants as groups of the allowed
    sizes can hold (leaving out the fewest), in as few groups as possible, with the least travel over every
    such choice; every group has an allowed size, so ``check_assignment`` finds nothing, and the plan is
    proven optimal."""
    people, rules = _people(n), _rules(Bounds(low, high))
    result = assign(people, rules, mode="groups-first")
    assert check_assignment(result, people, rules) == []
    assert all(low <= len(g.members) <= high for g in result.groups)
    assert sum(len(g.members) for g in result.groups) == grouped
    assert len(result.unassigned) == n - grouped
    o = result.optimality
    assert o is not None and o.exact
    assert o.objective == pytest.approx(_fewest_groups_least_km(people, rules, grouped), rel=1e-9)


def test_the_greedy_groups_first_also_keeps_the_sizes_when_some_must_stay_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rule: beyond the exact size (here forced by ``MAX_GROUPS = 0``) groups-first's greedy grouping also
    leaves out the fewest participants and forms only groups of the allowed sizes; its objective is the
    travel of the groups it formed, and it is not claimed optimal."""
    monkeypatch.setattr(regional, "MAX_GROUPS", 0)
    people, rules = _people(7), _rules(Bounds(3, 3))
    result = assign(people, rules, mode="groups-first")
    assert check_assignment(result, people, rules) == []
    assert [len(g.members) for g in result.groups] == [3, 3]
    assert len(result.unassigned) == 1
    o = result.optimality
    assert o is not None and not o.exact
    by_id = {p.id: p for p in people}
    travelled = sum(group_km([by_id[m] for m in g.members], rules) for g in result.groups)
    assert o.objective == pytest.approx(travelled, rel=1e-9)


def test_the_greedy_groups_first_leaves_out_the_most_remote(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule (docs/assignment.md): beyond the exact size, the greedy grouping leaves out the most remote
    participants, by total distance to everyone else. Of the seven sites, p3 (51.2° N, 9.6° E) is by far the
    most remote (about 840 km to the six others in all; next comes p5 with about 560 km): p3 stays out
    (7 people, groups of 3)."""
    monkeypatch.setattr(regional, "MAX_GROUPS", 0)
    people, rules = _people(7), _rules(Bounds(3, 3))
    result = assign(people, rules, mode="groups-first")
    assert list(result.unassigned) == ["p3"]


@pytest.mark.parametrize("n", [0, 2])
def test_groups_first_with_nobody_to_group_leaves_everyone_out_proven(n: int) -> None:
    """Rule: when no group of the allowed sizes can be formed (nobody, or two people for groups of 3–4),
    groups-first with ``allow_unassigned`` leaves everyone out with no travel, and that plan — the only
    one — is proven optimal (it was refused as infeasible for nobody, and not claimed optimal for two)."""
    people, rules = _people(n), _rules(Bounds(3, 4))
    result = assign(people, rules, mode="groups-first")
    assert result.groups == ()
    assert sorted(result.unassigned) == [p.id for p in people]
    o = result.optimality
    assert o is not None and o.exact
    assert o.objective == 0.0 and o.distance_km == 0.0 and o.bound == 0.0


def test_the_joint_mode_keeps_the_sizes_when_its_greedy_start_must_leave_some_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rule: the joint heuristic (here forced by ``MAX_GROUPS = 0``) starts from the greedy grouping among
    others; with 7 people and groups of exactly 3, every plan it returns has groups of 3 only."""
    monkeypatch.setattr(regional, "MAX_GROUPS", 0)
    people, rules = _people(7), _rules(Bounds(3, 3))
    result = assign(people, rules, mode="joint")
    assert check_assignment(result, people, rules) == []
    assert all(len(g.members) == 3 for g in result.groups)
