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
from qframework.errors import InfeasibleAssignment


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


# ----------------------------------------------------------------------------- groups-first: each group's topic

# Three pairs, each pair 11 km across and 220 km from the next: groups-first pairs them so.
_PAIR_SITES = [(50.0, 8.0), (50.1, 8.0), (52.0, 8.0), (52.1, 8.0), (54.0, 8.0), (54.1, 8.0)]


def _pairs(prefs: list[tuple[str, ...]], excl: list[tuple[str, ...]]) -> list[Participant]:
    return [
        Participant(f"p{i}", preferences=prefs[i], exclusions=excl[i], location=_PAIR_SITES[i])
        for i in range(len(prefs))
    ]


def _rank(person: Participant, topic: str, n_topics: int) -> float | None:
    """The documented rank cost, independently: the 1-based position in the preferences, unranked
    ``len(topics) + 1``; ``None`` if excluded."""
    if topic in person.exclusions:
        return None
    return float(person.preferences.index(topic) + 1) if topic in person.preferences else float(n_topics + 1)


def _best_topics(people: list[Participant], rules: AssignmentRules, unassigned: float | None) -> float:
    """Brute force over each pair's topic (or none, when ``unassigned`` is its per-member cost): the least
    total rank within the capacities (counted in members)."""
    import itertools

    ids = [t.id for t in rules.topics]
    pairs = [people[i : i + 2] for i in range(0, len(people), 2)]
    options = [*ids, None] if unassigned is not None else ids
    best = float("inf")
    for choice in itertools.product(options, repeat=len(pairs)):
        total, load = 0.0, dict.fromkeys(ids, 0)
        for pair, t in zip(pairs, choice, strict=True):
            if t is None:
                assert unassigned is not None
                total += unassigned * len(pair)
                continue
            ranks = [_rank(p, t, len(ids)) for p in pair]
            if None in ranks:
                break
            total += sum(r for r in ranks if r is not None)
            load[t] += len(pair)
        else:
            caps = [(topic.capacity or Bounds(0, None), load[topic.id]) for topic in rules.topics]
            if all(cap.min <= n and (cap.max is None or n <= cap.max) for cap, n in caps):
                best = min(best, total)
    return best


def _cost_of(result, people: list[Participant], rules: AssignmentRules, unassigned: float | None) -> float:  # type: ignore[no-untyped-def]
    by_id = {p.id: p for p in people}
    ids = [t.id for t in rules.topics]
    total = 0.0
    for g in result.groups:
        assert len(g.topics) == 1
        for m in g.members:
            r = _rank(by_id[m], g.topics[0], len(ids))
            assert r is not None
            total += r
    if result.unassigned:
        assert unassigned is not None
        total += unassigned * len(result.unassigned)
    return total


_A_B_C = ("a", "b", "c")
_SCENARIOS = {
    # a takes one pair (two members): the pair that loses least by taking b instead gives way
    "capacity-counts-members": (
        (Topic("a", capacity=Bounds(0, 2)), Topic("b"), Topic("c")),
        [("a", "b"), ("a", "b"), ("a", "b"), ("a", "c"), ("a",), ("a", "b")],
        [(), (), (), (), (), ()],
        None,
    ),
    # c must take at least four members (two pairs), though everyone ranks it last
    "capacity-minimum": (
        (Topic("a"), Topic("b"), Topic("c", capacity=Bounds(4, None))),
        [_A_B_C, ("a", "c", "b"), _A_B_C, ("b", "a", "c"), ("c", "a", "b"), _A_B_C],
        [(), (), (), (), (), ()],
        None,
    ),
    # the middle pair can only take a, which is full: left out at 2 per member
    "left-out-when-nothing-fits": (
        (Topic("a", capacity=Bounds(0, 4)), Topic("b"), Topic("c")),
        [("a",), ("a",), ("a",), ("a",), ("a", "b"), ("b", "a")],
        [(), (), ("b", "c"), ("b", "c"), (), ()],
        2.0,
    ),
    # leaving a pair out (3 per member) is dearer than its unranked topic
    "left-out-only-when-cheaper": (
        (Topic("a", capacity=Bounds(0, 2)), Topic("b"), Topic("c")),
        [("a",), ("a",), ("a",), ("a",), ("a", "b"), ("a", "b")],
        [("c",), ("c",), ("c",), ("c",), ("c",), ("c",)],
        5.0,
    ),
}


@pytest.mark.parametrize("name", sorted(_SCENARIOS))
def test_groups_first_gives_each_group_the_least_rank_topic_within_the_capacities(name: str) -> None:
    """Rule: groups-first gives each group formed by distance the topic that minimises the members' total
    rank under the capacities (counted in members, minimum and maximum), leaving a group out (at
    ``unassigned_cost`` per member) only when participants may stay unassigned and that is cheaper; the
    total equals an independent brute force over every pair's topic."""
    topics, prefs, excl, unassigned = _SCENARIOS[name]
    people = _pairs(prefs, excl)
    rules = AssignmentRules(
        topics=topics,
        groups=GroupRules(size=Bounds(2, 2)),
        allow_unassigned=unassigned is not None,
        objective=Objective(km_per_rank=100.0, unassigned_cost=None if unassigned is None else int(unassigned)),
    )
    result = assign(people, rules, mode="groups-first")
    grouped = [set(g.members) for g in result.groups] + [{u} for u in result.unassigned]
    for i in range(0, 6, 2):  # the pairs by distance, whole (a left-out pair's members both unassigned)
        assert {f"p{i}", f"p{i + 1}"} in grouped or {f"p{i}", f"p{i + 1}"} <= set(result.unassigned)
    expected = _best_topics(people, rules, unassigned)
    assert expected < float("inf")
    assert _cost_of(result, people, rules, unassigned) == expected


# ----------------------------------------------------------------------------- the lower bound on travel

# Four members: d(0,1) = 1, d(0,2) = 4, d(0,3) = 6, d(1,2) = 2, d(1,3) = 5, d(2,3) = 3.
_D4 = [[0.0, 1.0, 4.0, 6.0], [1.0, 0.0, 2.0, 5.0], [4.0, 2.0, 0.0, 3.0], [6.0, 5.0, 3.0, 0.0]]


def _bound(dist: list[list[float]], size: Bounds, allow_unassigned: bool = False) -> float:
    from types import SimpleNamespace

    import numpy as np

    from qframework.assignment.regional import _distance_bound

    inst = SimpleNamespace(
        size=size,
        people=[None] * len(dist),
        dist=np.array(dist),
        rules=SimpleNamespace(allow_unassigned=allow_unassigned),
    )
    return _distance_bound(inst)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        # nearest other: 1 + 1 + 2 + 3
        (Bounds(2, None), 7.0),
        (Bounds(2, 2), 7.0),
        # mean of the two nearest others: (1 + 4) / 2 + (1 + 2) / 2 + (2 + 3) / 2 + (3 + 5) / 2
        (Bounds(3, 4), 10.5),
        # more fellow members than there are others: all three others, (11 + 8 + 9 + 14) / 3
        (Bounds(5, None), 14.0),
        # a member may be alone: no travel is certain
        (Bounds(1, 3), 0.0),
    ],
)
def test_the_distance_bound_is_each_members_mean_distance_to_its_nearest_possible_fellows(
    size: Bounds, expected: float
) -> None:
    """Rule: the lower bound on ``distance_km`` sums, over members, the mean distance to their ``size.min − 1``
    nearest others (never themselves; at most all the others), and is 0 when a member may be alone."""
    assert _bound(_D4, size) == pytest.approx(expected, rel=1e-12)


def test_the_distance_bound_is_zero_when_members_may_be_left_out_or_alone() -> None:
    """Rule: with participants allowed to stay unassigned, or a single participant, the bound on travel is 0
    (a member left out or alone travels 0 km)."""
    assert _bound(_D4, Bounds(3, 4), allow_unassigned=True) == 0.0
    assert _bound([[0.0]], Bounds(2, None)) == 0.0
    assert _bound([], Bounds(2, None)) == 0.0


def test_the_distance_bound_of_two_members_is_their_distance_twice() -> None:
    """Rule: two members 5 km apart in groups of at least two each travel 5 km to their only possible fellow:
    the bound is 10."""
    assert _bound([[0.0, 5.0], [5.0, 0.0]], Bounds(2, None)) == 10.0


# ----------------------------------------------------------------------------- distinct required topics


@pytest.mark.parametrize("mode", ["groups-first", "joint"])
def test_distinct_required_topics_go_to_one_group_each(mode: str) -> None:
    """Rule: under ``distinct_required`` no topic is required by two groups, in both regional modes. Three
    pairs (far apart, so the joint mode keeps them too at 1 km per rank): without the rule the first two
    would both take ``a`` (total rank 6); with it the least total is a, c, b (2 + 4 + 2 = 8, by hand: the
    first pair giving way to b or c costs more)."""
    people = _pairs(
        [("a", "b", "c", "d")] * 2 + [("a", "c", "b", "d")] * 2 + [("b", "a", "c", "d")] * 2,
        [()] * 6,
    )
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b"), Topic("c"), Topic("d")),
        groups=GroupRules(size=Bounds(2, 2)),
        distinct_required=True,
        objective=Objective(km_per_rank=1.0),
    )
    result = assign(people, rules, mode=mode)
    topics = {frozenset(g.members): g.topics for g in result.groups}
    assert topics == {
        frozenset({"p0", "p1"}): ("a",),
        frozenset({"p2", "p3"}): ("c",),
        frozenset({"p4", "p5"}): ("b",),
    }


@pytest.mark.parametrize("mode", ["groups-first", "joint"])
def test_a_required_alternative_reserves_every_topic_it_may_stand_for(mode: str) -> None:
    """Rule: under ``distinct_required`` an alternative (``x``: a or b) required by one group reserves a and b
    too, in both regional modes. The first pair ranks x first, the second a, the third b: x, a, b would
    cost 6 but is not allowed; by hand the least allowed total is c, a, b (4 + 2 + 2 = 8)."""
    people = _pairs(
        [("x", "c", "a", "b")] * 2 + [("a", "c", "b", "x")] * 2 + [("b", "c", "a", "x")] * 2,
        [()] * 6,
    )
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b"), Topic("c"), Topic("x", any_of=("a", "b"))),
        groups=GroupRules(size=Bounds(2, 2)),
        distinct_required=True,
        objective=Objective(km_per_rank=1.0),
    )
    result = assign(people, rules, mode=mode)
    topics = {frozenset(g.members): g.topics for g in result.groups}
    assert topics == {
        frozenset({"p0", "p1"}): ("c",),
        frozenset({"p2", "p3"}): ("a",),
        frozenset({"p4", "p5"}): ("b",),
    }


def test_mandatory_topics_are_exempt_from_distinct_required() -> None:
    """Rule: a mandatory topic is required by every group without breaking ``distinct_required``; the other
    required topic of each group is distinct. Two topics each, m mandatory (rank 0): by hand over the six
    orders of a, b, c for the three pairs (ranks a/b/c: 1/2/3, 1/3/2, 2/3/1) the least is b, a, c
    (2 + 1 + 1 per member)."""
    people = _pairs(
        [("a", "b", "c")] * 2 + [("a", "c", "b")] * 2 + [("c", "a", "b")] * 2,
        [()] * 6,
    )
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b"), Topic("c"), Topic("m")),
        topics_per_participant=2,
        mandatory_topics=("m",),
        groups=GroupRules(size=Bounds(2, 2)),
        distinct_required=True,
        objective=Objective(km_per_rank=1.0),
    )
    result = assign(people, rules, mode="groups-first")
    topics = {frozenset(g.members): set(g.topics) for g in result.groups}
    assert topics == {
        frozenset({"p0", "p1"}): {"b", "m"},
        frozenset({"p2", "p3"}): {"a", "m"},
        frozenset({"p4", "p5"}): {"c", "m"},
    }


# ----------------------------------------------------------------------------- the heuristic's pieces of the map


def test_a_heuristic_plan_from_pieces_of_the_map_keeps_every_rule() -> None:
    """Rule: beyond the exact size, without capacities, the joint mode also starts from exact plans of pieces
    of the map (40 people, groups of 18 to 20: two pieces of 20, each solvable exactly); whichever start
    wins, the plan partitions everyone into allowed groups (check_assignment finds nothing), and its
    objective is its rank cost plus its travel (counted independently) over the km per rank, not proven."""
    from test_assignment_regional import plan_km

    from qframework.assignment import check_assignment

    people = [
        Participant(
            f"p{i:02d}",
            preferences=("a", "b") if i % 3 else ("b", "a"),
            location=(48.0 + 3.0 * (i % 2) + (i % 7) * 0.04, 8.0 + (i % 5) * 0.06),
        )
        for i in range(40)
    ]
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b")),
        groups=GroupRules(size=Bounds(18, 20)),
        objective=Objective(km_per_rank=50.0),
    )
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    assert sorted(m for g in result.groups for m in g.members) == [p.id for p in people]
    o = result.optimality
    assert o is not None and result.cost is not None and not o.exact
    km = plan_km(result, people, rules)
    assert o.distance_km == pytest.approx(km, rel=1e-9)
    assert o.objective == pytest.approx(result.cost + km / 50.0, rel=1e-9)
    assert o.bound <= o.objective


# ----------------------------------------------------------------------------- groups-first refusals


def test_groups_first_names_a_group_that_can_take_no_topic_without_capacities() -> None:
    """Rule: without capacities, when a group formed by distance can take no topic at all (the second pair
    excludes one topic each), groups-first refuses naming the group-topics rule and suggesting the joint
    mode."""
    people = _pairs([("a",), ("a",), ("b",), ("a",)], [(), (), ("a",), ("b",)])
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b")),
        groups=GroupRules(size=Bounds(2, 2)),
        objective=Objective(km_per_rank=100.0),
    )
    with pytest.raises(InfeasibleAssignment) as info:
        assign(people, rules, mode="groups-first")
    assert info.value.rule == "group-topics"
    assert "try mode='joint'" in str(info.value)


def test_groups_first_gives_each_group_one_topic_set_only() -> None:
    """Rule: each group gets exactly one topic set: when two topics each need two members (a minimum) and only
    the first pair may take either (the second excludes both), no plan exists — the first pair cannot take
    both — and groups-first refuses naming the group-topics rule."""
    people = _pairs([("a", "c"), ("c", "a"), ("b",), ("b",)], [(), (), ("a", "c"), ("a", "c")])
    rules = AssignmentRules(
        topics=(Topic("a", capacity=Bounds(2, None)), Topic("b"), Topic("c", capacity=Bounds(2, None))),
        groups=GroupRules(size=Bounds(2, 2)),
        objective=Objective(km_per_rank=100.0),
    )
    with pytest.raises(InfeasibleAssignment) as info:
        assign(people, rules, mode="groups-first")
    assert info.value.rule == "group-topics"


def test_groups_first_names_groups_that_can_take_no_topic_under_capacities() -> None:
    """Rule: with capacities, when no group formed by distance can take any topic (one pair, excluding one
    topic each), groups-first refuses naming the group-topics rule and suggesting the joint mode."""
    people = _pairs([("b",), ("a",)], [("a",), ("b",)])
    rules = AssignmentRules(
        topics=(Topic("a", capacity=Bounds(0, 5)), Topic("b")),
        groups=GroupRules(size=Bounds(2, 2)),
        objective=Objective(km_per_rank=100.0),
    )
    with pytest.raises(InfeasibleAssignment) as info:
        assign(people, rules, mode="groups-first")
    assert info.value.rule == "group-topics"
    assert "try mode='joint'" in str(info.value)


def test_the_exact_joint_plan_leaves_out_whoever_costs_most_to_group() -> None:
    """Rule: in the exact joint mode with ``allow_unassigned``, a participant may be left out at
    ``unassigned_cost``: three people, groups of exactly two, so one is left out; pairing the near two
    (11 km apart) costs rank 2 + their travel / 100 + 5 for the far one, less than any pair with the far
    one (222 km away); the objective is that sum, travel counted independently."""
    people = _pairs([("a",), ("a",), ("a",)], [(), (), ()])
    rules = AssignmentRules(
        topics=(Topic("a"),),
        groups=GroupRules(size=Bounds(2, 2)),
        allow_unassigned=True,
        objective=Objective(km_per_rank=100.0, unassigned_cost=5),
    )
    result = assign(people, rules)
    assert [set(g.members) for g in result.groups] == [{"p0", "p1"}]
    assert list(result.unassigned) == ["p2"]
    o = result.optimality
    assert o is not None and o.exact
    km = group_km(people[:2], rules)
    assert o.distance_km == pytest.approx(km, rel=1e-9)
    assert o.objective == pytest.approx(2 + km / 100.0 + 5, rel=1e-9)
