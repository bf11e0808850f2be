"""``topics_per_participant`` as a range (issue 9, part 1): "dimension 3 plus one or two more".

Expected values are worked out by hand from the documented objective: rank sum of the
non-mandatory topics, plus ``missing_cost`` (default ``unranked_rank + 1``) per wanted topic not given.
"""

from __future__ import annotations

import attrs
import pytest

import qframework
from qframework import io
from qframework.assignment import (
    Assignment,
    AssignmentProblem,
    AssignmentRules,
    Bounds,
    Group,
    GroupRules,
    Objective,
    Participant,
    Placement,
    Topic,
    assign,
    check_assignment,
    loads_assignment_problem,
)
from qframework.errors import ValidationError

NETZWERK, QUALI, DOKU, FAMILIE = (
    "netzwerk",
    "qualifizierung",
    "dokumentation-und-evaluation",
    ("zusammenarbeit-mit-der-familie"),
)


@pytest.fixture(scope="module")
def qdfh() -> AssignmentRules:
    return qframework.load_registry().programmes["qdfh-2019"].rules


def cluster(wants: int | None, n: int = 4, start: int = 0) -> list[Participant]:
    """``n`` neighbouring Kommunen that rank dimensions 6 and 9 first and 7 third."""
    return [
        Participant(
            f"k{start + i:02d}",
            region="Nord",
            location=(54.0 + 0.1 * i, 9.5),
            preferences=(QUALI, DOKU, FAMILIE),
            wants=wants,
        )
        for i in range(n)
    ]


def test_qdfh_rules_are_dimension_3_plus_one_or_two(qdfh: AssignmentRules) -> None:
    """The shipped programme says 2–3 dimensions, dimension 3 mandatory, all of them required."""
    assert qdfh.topics_per_participant == Bounds(2, 3)
    assert qdfh.mandatory_topics == (NETZWERK,)
    assert qdfh.required_topics is None


def test_qdfh_cluster_that_asked_for_three_dimensions_gets_three(qdfh: AssignmentRules) -> None:
    """A cluster whose members each asked for three dimensions works on dimension 3 and its two
    favourites (6 and 9), all required — as real QDFH clusters did; cost 4 × (1 + 2) = 12."""
    people = cluster(wants=3)
    a = assign(people, qdfh)
    assert check_assignment(a, people, qdfh) == []
    assert [set(g.required) for g in a.groups] == [{NETZWERK, QUALI, DOKU}]
    assert [g.optional for g in a.groups] == [()]
    assert a.cost == 12


def test_qdfh_cluster_without_wants_gets_the_minimum(qdfh: AssignmentRules) -> None:
    """Without ``wants`` a participant asks for the minimum: dimension 3 plus its favourite (cost 4 × 1)."""
    people = cluster(wants=None)
    a = assign(people, qdfh)
    assert [set(g.topics) for g in a.groups] == [{NETZWERK, QUALI}]
    assert a.cost == 4


def test_qdfh_historical_three_dimension_cluster_checks_against_the_rules(qdfh: AssignmentRules) -> None:
    """A typed-in cluster on dimensions 3, 6 and 9 meets the shipped rules when its members wanted
    three; if they did not say so, each is told it got more than it wants (the minimum, two)."""
    typed = Assignment(groups=(Group("nord", (NETZWERK, QUALI, DOKU), (), tuple(f"k{i:02d}" for i in range(4))),))
    assert check_assignment(typed, cluster(wants=3), qdfh) == []
    found = check_assignment(typed, cluster(wants=None), qdfh)
    assert [(v.rule, v.participant) for v in found] == [("topics-per-participant", f"k{i:02d}") for i in range(4)]
    assert "3 topics, but it wants 2" in found[0].message


def test_a_group_takes_no_more_than_its_most_modest_member_wants(qdfh: AssignmentRules) -> None:
    """Four Kommunen must form one cluster (sizes 3–4); three want three dimensions, one wants two:
    the cluster works on two, and each of the three pays missing_cost (9 topics + 2 = 11) for the
    third: cost 4 × 1 + 3 × 11 = 37."""
    people = [*cluster(wants=3, n=3), *cluster(wants=2, n=1, start=3)]
    a = assign(people, qdfh)
    assert [set(g.topics) for g in a.groups] == [{NETZWERK, QUALI}]
    assert a.cost == 37
    assert check_assignment(a, people, qdfh) == []


def test_members_who_want_the_same_number_are_grouped_together(qdfh: AssignmentRules) -> None:
    """Four want three dimensions, three want two, all neighbours: two clusters by wish, not by
    place — cost 4 × (1 + 2) + 3 × 1 = 15, nobody misses a wanted dimension."""
    people = [*cluster(wants=3, n=4), *cluster(wants=2, n=3, start=4)]
    a = assign(people, qdfh)
    by_size = {len(g.topics): set(g.members) for g in a.groups}
    assert by_size == {3: {"k00", "k01", "k02", "k03"}, 2: {"k04", "k05", "k06"}}
    assert a.cost == 15


def test_without_groups_a_participant_gets_what_it_wants_unless_the_rules_forbid() -> None:
    """No groups, 1–3 topics each: ``a`` wants 3 and gets 3 (cost 1 + 2 + 3); ``b`` wants 3 but
    excludes two of the four topics, so it gets 2 and pays missing_cost 6 (4 topics + 2) for the
    third (cost 1 + 2 + 6)."""
    rules = AssignmentRules(topics=tuple(Topic(t) for t in "wxyz"), topics_per_participant=Bounds(1, 3))
    people = [
        Participant("a", preferences=("x", "y", "z"), wants=3),
        Participant("b", preferences=("x", "y"), exclusions=("w", "z"), wants=3),
    ]
    a = assign(people, rules)
    assert a.topics_of("a") == (("x", "y", "z"), ())
    assert a.topics_of("b") == (("x", "y"), ())
    assert a.cost == 6 + 9
    assert check_assignment(a, people, rules) == []


def test_missing_cost_zero_makes_extra_topics_free_extras() -> None:
    """``missing_cost = 0``: a topic beyond the minimum is only given where it costs nothing, so a
    participant that wants 3 gets the minimum of 1 (its first choice, cost 1)."""
    rules = AssignmentRules(
        topics=(Topic("x"), Topic("y"), Topic("z")),
        topics_per_participant=Bounds(1, 3),
        objective=Objective(missing_cost=0),
    )
    a = assign([Participant("a", preferences=("x", "y", "z"), wants=3)], rules)
    assert a.topics_of("a") == (("x",), ())
    assert a.cost == 1


def test_default_unassigned_cost_exceeds_the_worst_assignment() -> None:
    """Range 1–3 over 4 topics (unranked 5, missing 6): the worst single assignment is one unranked
    topic and two missing, 5 + 2 × 6 = 17, so leaving a participant out costs 18."""
    rules = AssignmentRules(topics=tuple(Topic(t) for t in "abcd"), topics_per_participant=Bounds(1, 3))
    assert rules.unassigned_cost == 18
    assert AssignmentRules(topics=tuple(Topic(t) for t in "abcd"), topics_per_participant=3).unassigned_cost == 16


def test_group_required_topics_follow_the_members_ranks() -> None:
    """In a group, which topics are required follows its members' summed ranks (like a participant
    alone): two of three members rank ``b`` first, so ``b`` (ranks 2+1+1 = 4) is required and ``a``
    (1+2+2 = 5) optional — in every input order."""
    rules = AssignmentRules(
        topics=(Topic("a"), Topic("b"), Topic("c")),
        topics_per_participant=2,
        required_topics=1,
        groups=GroupRules(size=Bounds(3, 3)),
    )
    people = [
        Participant("p1", preferences=("a", "b")),
        Participant("p2", preferences=("b", "a")),
        Participant("p3", preferences=("b", "a")),
    ]
    for order in (people, people[::-1]):
        a = assign(order, rules)
        assert [(g.required, g.optional) for g in a.groups] == [(("b",), ("a",))]
        assert a.placement("p1").required == ("b",) and a.placement("p1").optional == ("a",)


def test_group_required_topics_follow_ranks_where_distinct_required_allows() -> None:
    """With distinct required topics: a lone group that ranks ``y`` before ``x`` requires ``y`` and
    keeps ``x`` optional. When two groups both rank ``y`` first, only one may require it; the other
    keeps ``y`` optional and requires its next choice (cost 2 × 3 per group either way)."""
    rules = AssignmentRules(
        topics=(Topic("x"), Topic("y"), Topic("z")),
        topics_per_participant=2,
        required_topics=1,
        distinct_required=True,
        groups=GroupRules(size=Bounds(2, 2), regional_weight=1000.0),
    )
    north = [Participant(f"n{i}", region="Nord", preferences=("y", "x", "z")) for i in (1, 2)]
    a = assign(north, rules)
    assert [(g.required, g.optional) for g in a.groups] == [(("y",), ("x",))]
    south = [Participant(f"s{i}", region="Süd", preferences=("y", "z", "x")) for i in (1, 2)]
    a = assign(north + south, rules)
    assert check_assignment(a, north + south, rules) == []
    assert sorted(g.required for g in a.groups) in ([("x",), ("y",)], [("y",), ("z",)])
    assert all(g.optional == ("y",) for g in a.groups if g.required != ("y",))
    assert a.cost == 12


def test_a_range_in_the_file_form_loads_validates_and_round_trips() -> None:
    """``topics_per_participant = { min = 2, max = 3 }`` and ``wants`` load from TOML and round-trip."""
    text = """
[rules]
topics = [{ id = "a" }, { id = "b" }, { id = "c" }]
topics_per_participant = { min = 2, max = 3 }

[[participants]]
id = "k1"
wants = 3
"""
    problem = loads_assignment_problem(text)
    assert problem.rules.topics_per_participant == Bounds(2, 3)
    assert problem.participants[0].wants == 3
    for fmt in ("toml", "json"):
        assert io.loads(AssignmentProblem, io.dumps(problem, format=fmt), format=fmt) == problem
    exact = loads_assignment_problem(text.replace("{ min = 2, max = 3 }", "2").replace("wants = 3", "wants = 2"))
    assert exact.rules.topics_per_participant == 2


@pytest.mark.parametrize(
    ("rules_line", "wants", "expected"),
    [
        ("{ min = 2, max = 3 }", 4, ("participants[0].wants", "must lie within topics_per_participant (2–3), got 4")),
        ("{ min = 2, max = 3 }", 0, ("participants[0].wants", "must be ≥ 1, got 0")),
        ("2", 3, ("participants[0].wants", "must lie within topics_per_participant (exactly 2), got 3")),
        ("{ min = 2, max = 5 }", None, ("rules.topics_per_participant.max", "must be ≤ the number of topics (3)")),
        ("{ min = 0, max = 2 }", None, ("rules.topics_per_participant.min", "must be ≥ 1, got 0")),
        ('"drei"', None, ("rules.topics_per_participant", "expected a whole number, got 'drei'")),
        ("true", None, ("rules.topics_per_participant", "expected a whole number or a table")),
        ("{ min = 1, max = 3 }\nrequired_topics = 2", None, ("rules.required_topics", "must be between 0 and")),
    ],
)
def test_a_broken_range_or_wants_is_reported_with_its_path(
    rules_line: str, wants: int | None, expected: tuple[str, str]
) -> None:
    """Each mistake in a range or a ``wants`` is reported with its path and what was expected."""
    text = f"""
[rules]
topics = [{{ id = "a" }}, {{ id = "b" }}, {{ id = "c" }}]
topics_per_participant = {rules_line}

[[participants]]
id = "k1"
{"" if wants is None else f"wants = {wants}"}
"""
    with pytest.raises(ValidationError) as err:
        loads_assignment_problem(text)
    path, message = expected
    assert any(p.path == path and message in p.message for p in err.value.problems), err.value.problems


def test_check_reports_a_count_outside_the_range() -> None:
    """A hand-typed placement with 4 topics under a 2–3 range names the range."""
    rules = AssignmentRules(topics=tuple(Topic(t) for t in "abcd"), topics_per_participant=Bounds(2, 3))
    people = [Participant("k1", wants=3)]
    typed = Assignment(placements=(Placement("k1", required=("a", "b", "c", "d")),))
    found = check_assignment(typed, people, rules)
    assert [(v.rule, v.message) for v in found] == [
        ("topics-per-participant", "4 topics, but topics_per_participant is 2–3")
    ]


def test_assign_rejects_wants_outside_the_range() -> None:
    """``assign()`` validates wants against the rules like the loader does."""
    rules = AssignmentRules(topics=tuple(Topic(t) for t in "abc"), topics_per_participant=Bounds(1, 2))
    with pytest.raises(ValidationError, match="wants"):
        assign([Participant("k1", wants=3)], rules)


def test_exact_count_still_means_exactly() -> None:
    """A plain integer keeps meaning "exactly": 2 topics each, both required (cost 1 + 2)."""
    rules = AssignmentRules(topics=tuple(Topic(t) for t in "abc"), topics_per_participant=2)
    a = assign([Participant("k1", preferences=("a", "b", "c"))], rules)
    assert a.topics_of("k1") == (("a", "b"), ())
    assert a.cost == 3
    assert rules.topic_count == Bounds(2, 2)
    assert attrs.evolve(rules, topics_per_participant=Bounds(2, 2)).unassigned_cost == rules.unassigned_cost
