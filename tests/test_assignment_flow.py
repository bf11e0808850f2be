"""The transportation case (one topic each, no groups, no mandatory topics, no selection, capacities with
no minimum) solved over the topic nodes (``qframework.assignment.flow``) instead of by HiGHS.

Its rule (docs/assignment.md, "Ties"): the result is the optimum *smallest by id* — among all assignments of
minimal total cost, the one where the participant with the smallest id pays least (of equally cheap topics it
gets the first by topic id), then the next participant, and so on. That is unique, so the same instance gives the
same result whatever optimum a solver finds first; and it is swap-stable by id (an exchange of the tie rule would
make it smaller).

The properties check the rule against a brute force over every assignment written here, and the flow path against
HiGHS' optimum made smallest by id (the solver the flow path replaced), on random instances.
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_assignment_properties import budget

from qframework.assignment import AssignmentRules, Bounds, Objective, Participant, Topic, assign, check_assignment
from qframework.assignment import solve as solve_module
from qframework.errors import InfeasibleAssignment


@st.composite
def transport_instances(
    draw: st.DrawFn, max_people: int = 6, max_topics: int = 4
) -> tuple[list[Participant], AssignmentRules]:
    """One topic each: 1–4 topics with no cap or a cap of 0..n, rankings of any length, sometimes exclusions,
    ``allow_unranked`` and ``unranked_rank`` drawn (an unranked topic may cost what a ranked one does)."""
    m = draw(st.integers(1, max_topics))
    ids = [f"t{i}" for i in range(m)]
    n = draw(st.integers(0, max_people))
    topics = tuple(Topic(t, capacity=draw(st.none() | st.integers(0, n).map(lambda c: Bounds(0, c)))) for t in ids)
    people = []
    for i in range(n):
        prefs = draw(st.permutations(ids))[: draw(st.integers(1, m))]
        excl = tuple(t for t in ids if t not in prefs and draw(st.integers(0, 4)) == 0)
        people.append(Participant(f"p{i}", preferences=tuple(prefs), exclusions=excl))
    objective = Objective(allow_unranked=draw(st.booleans()), unranked_rank=draw(st.none() | st.integers(1, m + 1)))
    order = draw(st.permutations(people))  # input order must not matter
    return list(order), AssignmentRules(topics=topics, objective=objective)


def smallest_by_id(people: list[Participant], rules: AssignmentRules) -> tuple[int, list[str]] | None:
    """The rule restated, by brute force: every assignment of one allowed topic each within the caps; the smallest
    (total cost, then per participant in id order its cost and topic id); ``None`` if there is none."""
    people = sorted(people, key=lambda p: p.id)
    objective = rules.objective
    unranked = objective.unranked_rank if objective.unranked_rank is not None else len(rules.topics) + 1
    choices = []
    for p in people:
        mine = []
        for t in sorted(rules.topic_ids):
            if t in p.exclusions:
                continue
            if t in p.preferences:
                mine.append((p.preferences.index(t) + 1, t))
            elif objective.allow_unranked:
                mine.append((unranked, t))
        choices.append(mine)
    best = None
    for pick in itertools.product(*choices):
        held = [t for _c, t in pick]
        if any((cap := rules.capacity_of(t).max) is not None and held.count(t) > cap for t in rules.topic_ids):
            continue
        key = (sum(c for c, _t in pick), list(pick))
        if best is None or key < best:
            best = key
    return None if best is None else (best[0], [t for _c, t in best[1]])


def through_highs(people: list[Participant], rules: AssignmentRules, monkeypatch: pytest.MonkeyPatch) -> object:
    """The same call with the flow solver switched off: HiGHS finds the optimum, which is then made smallest by id."""
    with monkeypatch.context() as patch:
        patch.setattr(solve_module, "FLOW_TOPICS", 0)
        return assign(people, rules)


@budget(300)
@given(transport_instances())
def test_the_result_is_the_optimum_smallest_by_id(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: the cost is the brute-force optimum and every participant's topic is the brute force's smallest-by-id
    optimum (total cost, then in id order each participant's cost, then topic id); infeasible exactly when the brute
    force finds no assignment. It obeys every rule (``check_assignment``)."""
    people, rules = instance
    expected = smallest_by_id(people, rules)
    if expected is None:
        with pytest.raises(InfeasibleAssignment):
            assign(people, rules)
        return
    result = assign(people, rules)
    cost, topics = expected
    assert result.cost == cost
    assert [result.topics_of(p)[0] + result.topics_of(p)[1] for p in sorted(q.id for q in people)] == [
        (t,) for t in topics
    ]
    assert check_assignment(result, people, rules) == []


@budget(150)
@given(transport_instances(max_people=9, max_topics=5))
def test_the_flow_path_equals_highs_made_smallest_by_id(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: the flow path and HiGHS (the solver it replaced, its optimum then made smallest by id) give the very
    same ``Assignment`` — placements, notes, ranks and cost — or both find the instance infeasible."""
    people, rules = instance
    with pytest.MonkeyPatch.context() as monkeypatch:
        try:
            old = through_highs(people, rules, monkeypatch)
        except InfeasibleAssignment:
            with pytest.raises(InfeasibleAssignment):
                assign(people, rules)
            return
    assert assign(people, rules) == old


@pytest.mark.parametrize("seed", range(6))
def test_large_seeded_instances_equal_highs_made_smallest_by_id(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same rule on larger instances (300–800 participants, 6–12 topics, skewed popularity, tight caps),
    where the flow solver needs many augmenting paths and the ordering step many path searches: the flow path's
    result equals HiGHS' optimum made smallest by id, and its cost is HiGHS' optimal cost."""
    rnd = random.Random(seed)
    m = rnd.randint(6, 12)
    ids = [f"d{i:02d}" for i in range(m)]
    n = rnd.randint(300, 800)
    weights = [1.0 / (i + 1) ** 0.8 for i in range(m)]
    people = []
    for i in range(n):
        keys = {t: rnd.random() ** (1.0 / w) for t, w in zip(ids, weights, strict=True)}
        prefs = sorted(ids, key=lambda t: -keys[t])[: rnd.randint(3, m)]
        people.append(Participant(f"k{i:04d}", preferences=tuple(prefs)))
    total = n + rnd.randint(0, n // 10)
    caps = [total // m + (1 if i < total % m else 0) for i in range(m)]
    rules = AssignmentRules(
        topics=tuple(Topic(t, capacity=Bounds(0, c)) for t, c in zip(ids, caps, strict=True)),
        objective=Objective(unranked_rank=rnd.randint(2, m + 1)),
    )
    new, old = assign(people, rules), through_highs(people, rules, monkeypatch)
    assert new.cost == old.cost  # type: ignore[attr-defined]
    assert new == old


def without_narrowing(people: list[Participant], rules: AssignmentRules, monkeypatch: pytest.MonkeyPatch) -> object:
    """The same call with the tie rule looking at every participant and topic (as before the duals narrowed it)."""
    with monkeypatch.context() as patch:
        patch.setattr(solve_module, "_NARROW", False)
        return assign(people, rules)


@st.composite
def several_each(draw: st.DrawFn) -> tuple[list[Participant], AssignmentRules]:
    """Two or three topics each, no groups: 3–5 topics with a cap of 0..n or none, rankings of any length,
    sometimes exclusions, ``allow_unranked``/``unranked_rank`` drawn."""
    per = draw(st.integers(2, 3))
    people, rules = draw(transport_instances(max_people=7, max_topics=5).filter(lambda i: len(i[1].topics) > per))
    n = len(people)
    topics = tuple(
        Topic(t.id, capacity=draw(st.none() | st.integers(0, n * per).map(lambda c: Bounds(0, c))))
        for t in rules.topics
    )
    return people, AssignmentRules(topics=topics, objective=rules.objective, topics_per_participant=per)


@budget(150)
@given(several_each())
def test_narrowed_tie_rule_makes_the_same_exchanges(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: with several topics each, an exchange keeps the total cost only between participants and topics at
    their level under the optimum's duals (``flow.boundary``); the tie rule run on those alone gives the very same
    ``Assignment`` as run on everybody (same exchanges, same order), or both find the instance infeasible."""
    people, rules = instance
    with pytest.MonkeyPatch.context() as monkeypatch:
        try:
            old = without_narrowing(people, rules, monkeypatch)
        except InfeasibleAssignment:
            with pytest.raises(InfeasibleAssignment):
                assign(people, rules)
            return
    assert assign(people, rules) == old


@pytest.mark.parametrize(("seed", "per"), [(s, p) for s in range(3) for p in (2, 3)])
def test_narrowed_tie_rule_on_seeded_instances(seed: int, per: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same rule on 200–400 participants with two or three topics each and tight caps (many exchanges)."""
    rnd = random.Random(seed)
    m = rnd.randint(6, 10)
    ids = [f"d{i:02d}" for i in range(m)]
    n = rnd.randint(200, 400)
    people = [Participant(f"k{i:04d}", preferences=tuple(rnd.sample(ids, rnd.randint(per, m)))) for i in range(n)]
    total = n * per + rnd.randint(0, n // 10)
    caps = [total // m + (1 if i < total % m else 0) for i in range(m)]
    rules = AssignmentRules(
        topics=tuple(Topic(t, capacity=Bounds(0, c)) for t, c in zip(ids, caps, strict=True)),
        topics_per_participant=per,
        objective=Objective(unranked_rank=rnd.randint(per, m + 1)),
    )
    assert assign(people, rules) == without_narrowing(people, rules, monkeypatch)


@budget(100)
@given(transport_instances(max_people=9, max_topics=4), st.sampled_from([Bounds(2, 3), Bounds(3, 4), Bounds(1, None)]))
def test_groups_of_one_topic_each_take_the_optimum_smallest_by_id(
    instance: tuple[list[Participant], AssignmentRules], size: Bounds
) -> None:
    """Rule: with groups (one topic each, preferences first), the grouped result gives every participant the topic
    of the ungrouped optimum smallest by id whenever that optimum's topic counts split into groups of the allowed
    sizes (it is then optimal for the grouped program too); its cost is the grouped program's optimum as HiGHS
    finds it either way, and every rule holds."""
    from qframework.assignment import GroupRules

    people, rules = instance
    grouped = AssignmentRules(topics=rules.topics, objective=rules.objective, groups=GroupRules(size=size))
    with pytest.MonkeyPatch.context() as monkeypatch:
        try:
            old = through_highs(people, grouped, monkeypatch)
        except InfeasibleAssignment:
            with pytest.raises(InfeasibleAssignment):
                assign(people, grouped)
            return
    new = assign(people, grouped)
    assert new.cost == old.cost  # type: ignore[attr-defined]
    assert check_assignment(new, people, grouped) == []
    plain = assign(people, rules)
    counts = [sum(plain.topics_of(p.id) == ((t,), ()) for p in people) for t in rules.topic_ids]
    from qframework.assignment.program import splittable

    if all(splittable(c, size) for c in counts):
        assert all(new.topics_of(p.id) == plain.topics_of(p.id) for p in people)
