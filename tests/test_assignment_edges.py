"""Edge cases that crash other matching libraries, the rule classes' own validation, the CLI
functions and the tutorial."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from qframework.assignment import (
    Assignment,
    AssignmentRules,
    Bounds,
    GroupRules,
    Objective,
    Participant,
    Topic,
    assign,
    check_assignment,
)
from qframework.cli.assignment import add_arguments, run_assign, run_check
from qframework.errors import InfeasibleAssignment, NotFound, ValidationError

ROOT = Path(__file__).resolve().parents[1]


def topics(*ids: str, cap: Bounds | None = None) -> tuple[Topic, ...]:
    return tuple(Topic(t, capacity=cap) for t in ids)


def test_zero_capacity_topic_is_never_given() -> None:
    """A topic with capacity 0 is never assigned, even to those who want it most."""
    rules = AssignmentRules(topics=(Topic("a", capacity=Bounds(0, 0)), Topic("b")))
    people = [Participant("k1", preferences=("a", "b")), Participant("k2", preferences=("a",))]
    a = assign(people, rules)
    assert [a.topics_of(p.id) for p in people] == [(("b",), ()), (("b",), ())]
    assert "capacity is full (0 of 0)" in a.explain("k1").text


def test_all_capacity_zero_is_infeasible_with_numbers() -> None:
    """If every capacity is 0, InfeasibleAssignment('capacity') gives both numbers."""
    rules = AssignmentRules(topics=topics("a", "b", cap=Bounds(0, 0)))
    with pytest.raises(InfeasibleAssignment) as err:
        assign([Participant("k1"), Participant("k2")], rules)
    assert err.value.rule == "capacity" and "2 participants" in str(err.value) and "at most 0" in str(err.value)


def test_participant_without_preferences_gets_an_unranked_topic() -> None:
    """A participant with no preferences takes what is left, at the documented unranked cost."""
    rules = AssignmentRules(topics=topics("a", "b", "c"))
    a = assign([Participant("k1")], rules)
    assert a.topics_of("k1") == (("a",), ())  # all cost the same: the smallest topic id
    assert a.cost == 4  # number of topics + 1
    assert "not among your preferences" in a.explain("k1").text


def test_participant_without_preferences_and_only_ranked_topics_is_infeasible() -> None:
    """With allow_unranked = false, a participant that ranked nothing cannot be placed."""
    rules = AssignmentRules(topics=topics("a"), objective=Objective(allow_unranked=False))
    with pytest.raises(InfeasibleAssignment) as err:
        assign([Participant("k1")], rules)
    assert err.value.rule == "topics-per-participant"


def test_more_capacity_than_participants() -> None:
    """Ample capacity: everybody gets the first choice."""
    rules = AssignmentRules(topics=topics("a", "b", cap=Bounds(0, 100)))
    people = [Participant(f"k{i}", preferences=("b", "a")) for i in range(5)]
    a = assign(people, rules)
    assert a.cost == 5 and all(a.topics_of(p.id) == (("b",), ()) for p in people)


def test_one_topic_only() -> None:
    """One topic: everybody gets it, grouped by the size bounds."""
    rules = AssignmentRules(topics=topics("netzwerk"), groups=GroupRules(size=Bounds(3, 4)))
    people = [Participant(f"k{i}") for i in range(10)]
    a = assign(people, rules)
    assert sorted(len(g.members) for g in a.groups) == [3, 3, 4]
    assert check_assignment(a, people, rules) == []


def test_no_participants() -> None:
    """No participants: an empty assignment of cost 0."""
    a = assign([], AssignmentRules(topics=topics("a")))
    assert a == Assignment(cost=0)


def test_five_cannot_be_grouped_in_threes_and_fours() -> None:
    """5 participants cannot form groups of 3–4: the rule 'group-size' is named."""
    rules = AssignmentRules(topics=topics("a"), groups=GroupRules(size=Bounds(3, 4)))
    with pytest.raises(InfeasibleAssignment) as err:
        assign([Participant(f"k{i}") for i in range(5)], rules)
    assert err.value.rule == "group-size"


def test_group_sizes_decide_topics() -> None:
    """With groups of 3–4, five Kommunen wanting 'a' cannot all have it: 4 or 3 do, exactly optimally."""
    rules = AssignmentRules(topics=topics("a", "b"), groups=GroupRules(size=Bounds(3, 4)))
    people = [Participant(f"k{i}", preferences=("a", "b")) for i in range(5)] + [
        Participant(f"m{i}", preferences=("b", "a")) for i in range(2)
    ]
    a = assign(people, rules)
    assert check_assignment(a, people, rules) == []
    # best: 4 k's in a (rank 1), one k and both m's in b (ranks 2, 1, 1); 5 in a is not a group size
    assert a.cost == 4 * 1 + 2 + 2 * 1
    assert sorted(len(g.members) for g in a.groups) == [3, 4]


def test_distinct_required_infeasible_names_rule() -> None:
    """Four participants needing 2 distinct required topics from 6 raise 'distinct-required'."""
    rules = AssignmentRules(topics=topics(*"abcdef"), topics_per_participant=2, distinct_required=True)
    with pytest.raises(InfeasibleAssignment) as err:
        assign([Participant(f"k{i}") for i in range(4)], rules)
    assert err.value.rule == "distinct-required" and "8" in str(err.value) and "6" in str(err.value)


def test_excluded_mandatory_topic_names_participant() -> None:
    """A participant excluding the mandatory topic is named."""
    rules = AssignmentRules(topics=topics("3", "7"), topics_per_participant=2, mandatory_topics=("3",))
    with pytest.raises(InfeasibleAssignment) as err:
        assign([Participant("kiel", exclusions=("3",))], rules)
    assert err.value.rule == "mandatory" and "kiel" in str(err.value)


def test_unknown_topics_in_preferences_are_a_validation_error() -> None:
    """assign() refuses participants that refer to unknown topics or repeat ids."""
    rules = AssignmentRules(topics=topics("a"))
    with pytest.raises(ValidationError):
        assign([Participant("k1", preferences=("zz",))], rules)
    with pytest.raises(ValidationError):
        assign([Participant("k1"), Participant("k1")], rules)


def test_rule_classes_validate_on_construction() -> None:
    """Rule objects built in code are checked like loaded ones, with paths relative to themselves."""
    with pytest.raises(ValidationError) as err:
        Bounds(3, 2)
    assert [p.path for p in err.value.problems] == ["max"]
    with pytest.raises(ValidationError) as err:
        Participant("k", preferences=("a", "a"), exclusions=("a",), location=(91.0, 0.0))
    assert sorted(p.path for p in err.value.problems) == ["exclusions", "location", "preferences"]
    with pytest.raises(ValidationError) as err:
        AssignmentRules(topics=topics("a", "b"), topics_per_participant=3, mandatory_topics=("x",))
    assert sorted(p.path for p in err.value.problems) == ["mandatory_topics", "topics_per_participant"]


def test_explain_unknown_participant_raises_not_found() -> None:
    """explain() of a participant not in the assignment raises NotFound."""
    with pytest.raises(NotFound):
        Assignment().explain("nobody")


def test_hand_typed_assignment_explains_without_notes() -> None:
    """An assignment typed in by hand explains what the participant got, without solver notes."""
    from qframework.assignment import Group

    a = Assignment(groups=(Group("c1", ("3", "7"), (), ("bremen", "kiel")),))
    text = a.explain("bremen").text
    assert "3, 7" in text and "kiel" in text and "No solver notes" in text


# --------------------------------------------------------------------------- CLI and tutorial

PROBLEM = """
[rules]
topics = [{ id = "a", capacity = { max = 1 } }, { id = "b" }]

[[participants]]
id = "k1"
preferences = ["a", "b"]

[[participants]]
id = "k2"
preferences = ["a", "b"]

[assignment]
placements = [{ participant = "k1", required = ["a"] }, { participant = "k2", required = ["a"] }]
"""


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_cli_assign_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`assign FILE` prints topics and the total; `--json` prints data; `check FILE` prints each
    violation and exits 1."""
    f = tmp_path / "p.toml"
    f.write_text(PROBLEM, encoding="utf-8")
    assert run_assign(parse(["assign", str(f)])) == 0
    out = capsys.readouterr().out
    assert "k1: a" in out and "k2: b" in out and "total preference rank: 3" in out
    assert run_assign(parse(["assign", str(f), "--json"])) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cost"] == 3
    assert run_check(parse(["check", str(f)])) == 1
    out = capsys.readouterr().out
    assert "capacity (topic a): 2 participants, but capacity is 0–1" in out
    assert run_check(parse(["check", str(f), "--json"])) == 1
    assert json.loads(capsys.readouterr().out)[0]["rule"] == "capacity"


def test_tutorial_runs() -> None:
    """examples/03_assign_clusters.py runs and prints clusters and explanations."""
    path = ROOT / "examples" / "03_assign_clusters.py"
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=True)
    assert "g1" in proc.stdout and "mandatory for every participant" in proc.stdout


def test_grouping_distance_is_km_plus_regional_weight() -> None:
    """The grouping distance is the great-circle distance in km plus regional_weight for a different
    region (Hamburg–Bremen is about 95 km)."""
    from qframework.assignment.grouping import _distances

    hamburg = Participant("hh", region="Hamburg", location=(53.5511, 9.9937))
    bremen = Participant("hb", region="Bremen", location=(53.0793, 8.8017))
    nowhere = Participant("x", region="Bremen")
    d = _distances([hamburg, bremen, nowhere], 100.0)
    assert 93 < d[0, 1] - 100.0 < 97
    assert d[1, 2] == 0.0 and d[0, 2] == 100.0 and d[0, 0] == 0.0


def test_without_scipy_assign_says_how_to_install_the_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from qframework import AssignmentRules, Participant, QFrameworkError, Topic, assign

    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    with pytest.raises(QFrameworkError, match=r"pip install 'qframework\[solve\]'"):
        assign([Participant("a")], AssignmentRules((Topic("t"),)))


def test_a_selection_with_groups_keeps_the_selected_in_one_group() -> None:
    """Two of four identical applicants get a place in one group of exactly 2, and by the tie rule
    the two smallest ids. (Regression: handing a place over to a smaller id once re-split the
    topics by the newcomer's ranks, so it formed a group of one of its own.)"""
    rules = AssignmentRules(
        topics=(
            Topic("a", capacity=Bounds(0, 2)),
            Topic("b", capacity=Bounds(0, 2)),
            Topic("c", capacity=Bounds(0, 0)),
        ),
        topics_per_participant=2,
        required_topics=1,
        groups=GroupRules(size=Bounds(2, 2)),
        allow_unassigned=True,
    )
    people = [Participant(f"k{i}", preferences=("a", "b")) for i in range(4)]
    for order in (people, people[::-1]):
        result = assign(order, rules)
        assert check_assignment(result, people, rules) == []
        assert [g.members for g in result.groups] == [("k0", "k1")]
        assert result.unassigned == ("k2", "k3")


def test_minimum_capacities_beyond_the_places_are_named_with_both_numbers() -> None:
    """Rule: when the topics' minimum capacities need more places than the participants' wants give,
    assign() refuses with rule 'capacity' and says both numbers (here 3 + 2 = 5 places needed,
    2 participants × 2 topics = 4 given); with 3 participants and 4 places needed it solves, every
    capacity minimum met."""
    rules = AssignmentRules(
        topics=(Topic("a", capacity=Bounds(3, None)), Topic("b", capacity=Bounds(2, None)), Topic("c")),
        topics_per_participant=2,
    )
    people = [Participant("p1", preferences=("a", "b", "c")), Participant("p2", preferences=("a", "b", "c"))]
    with pytest.raises(InfeasibleAssignment) as err:
        assign(people, rules)
    assert err.value.rule == "capacity"
    assert str(err.value) == (
        "capacity: the topics' minimum capacities need 5 places, but 2 participants × 2 topics give only 4"
    )
    wanting = [Participant("p1", preferences=("a",), wants=None), people[1], Participant("p3", preferences=("c",))]
    easier = AssignmentRules(
        topics=(Topic("a", capacity=Bounds(3, None)), Topic("b", capacity=Bounds(1, None)), Topic("c")),
        topics_per_participant=2,
    )
    result = assign(wanting, easier)
    assert {p.participant: p.required for p in result.placements} == {
        "p1": ("a", "b"),
        "p2": ("a", "b"),
        "p3": ("c", "a"),  # in p3's own order: c ranked first, a unranked
    }


def test_rules_given_a_list_of_topics_keep_what_they_were_given() -> None:
    """Rule: the rules' derived values (topic ids, capacities) describe the rules as they are. A list
    given for ``topics`` is stored as a tuple (frozen values hold no lists), so a topic appended to the
    caller's list later changes neither the rules nor what their cache of derived values answers."""
    topics = [Topic("a"), Topic("b")]
    rules = AssignmentRules(topics=topics)  # type: ignore[arg-type]  # a list where a tuple is typed
    assert rules.topics == (Topic("a"), Topic("b")) and rules.topic_ids == ("a", "b")
    topics.append(Topic("c", capacity=Bounds(0, 1)))
    assert rules.topic_ids == ("a", "b")
    assert rules == AssignmentRules(topics=(Topic("a"), Topic("b")))
    hash(rules)
