"""Every rule of ``check_assignment``, pinned by a hand-typed assignment that breaks exactly it (issue 19).

Each test names the rule in its docstring and compares the *whole* list of violations — rule, who,
which group, which topic and the message a user reads — with a list worked out by hand, so a rule
that stops firing, fires twice, fires for the wrong participant or changes its words is noticed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from qframework.assignment import (
    Assignment,
    AssignmentRules,
    Bounds,
    Group,
    GroupRules,
    Objective,
    Participant,
    Placement,
    Topic,
    check_assignment,
)
from qframework.assignment.checking import check

Found = tuple[str, str | None, str | None, str | None, str]


def found(assignment: Assignment, participants: Iterable[Participant], rules: AssignmentRules) -> list[Found]:
    """``(rule, participant, group, topic, message)`` of every violation, in the order reported."""
    return [
        (v.rule, v.participant, v.group, v.topic, v.message) for v in check_assignment(assignment, participants, rules)
    ]


def topics(*ids: str, **any_of: tuple[str, ...]) -> tuple[Topic, ...]:
    return tuple(Topic(i) for i in ids) + tuple(Topic(i, any_of=members) for i, members in any_of.items())


def people(*ids: str, **kw: object) -> list[Participant]:
    return [Participant(i, **kw) for i in ids]  # type: ignore[arg-type]


ABC = topics("a", "b", "c")


def test_a_valid_assignment_has_no_violations() -> None:
    """Rule baseline: an assignment that keeps every rule is reported as valid (empty list)."""
    rules = AssignmentRules(ABC, topics_per_participant=1)
    a = Assignment(placements=(Placement("p1", ("a",)), Placement("p2", ("b",))))
    assert found(a, people("p1", "p2"), rules) == []


def test_unknown_participant_is_named() -> None:
    """Rule ``unknown-participant``: a placement, member or unassigned entry that is not a participant."""
    rules = AssignmentRules(ABC, allow_unassigned=True)
    a = Assignment(
        placements=(Placement("p1", ("a",)), Placement("zz", ("b",))),
        groups=(Group("g1", ("c",), members=("yy",)),),
        unassigned=("xx",),
    )
    assert found(a, people("p1"), rules) == [
        ("unknown-participant", "zz", None, None, "'zz' is not a participant"),
        ("unknown-participant", "yy", None, None, "'yy' is not a participant"),
        ("unknown-participant", "xx", None, None, "'xx' is not a participant"),
    ]


def test_participant_placed_twice() -> None:
    """Rule ``duplicate``: a participant with two placements is reported once, with the count."""
    rules = AssignmentRules(ABC, topics_per_participant=1)
    a = Assignment(placements=(Placement("p1", ("a",)), Placement("p1", ("b",)), Placement("p2", ("c",))))
    assert found(a, people("p1", "p2"), rules) == [("duplicate", "p1", None, None, "placed 2 times")]


def test_member_of_two_groups() -> None:
    """Rule ``duplicate``: a participant listed as member of two groups, naming both groups."""
    rules = AssignmentRules(topics("a", "b"), groups=GroupRules())
    a = Assignment(groups=(Group("g1", ("a",), members=("p1", "p2")), Group("g2", ("b",), members=("p1",))))
    assert found(a, people("p1", "p2"), rules) == [("duplicate", "p1", None, None, "member of 2 groups: g1, g2")]


def test_group_id_used_twice() -> None:
    """Rule ``duplicate``: two groups with the same id, reported on the group."""
    rules = AssignmentRules(topics("a", "b"), groups=GroupRules())
    a = Assignment(groups=(Group("g1", ("a",), members=("p1",)), Group("g1", ("b",), members=("p2",))))
    assert found(a, people("p1", "p2"), rules) == [("duplicate", None, "g1", None, "group id used 2 times")]


def test_placement_in_an_unknown_group() -> None:
    """Rule ``group``: a placement naming a group the assignment does not have."""
    rules = AssignmentRules(ABC)
    a = Assignment(placements=(Placement("p1", ("a",), group="gx"),))
    assert found(a, people("p1"), rules) == [("group", "p1", "gx", None, "refers to unknown group 'gx'")]


def test_placed_in_one_group_but_listed_in_another() -> None:
    """Rule ``group``: the placement's group and the group listing the participant disagree."""
    rules = AssignmentRules(topics("a", "b"), groups=GroupRules())
    a = Assignment(
        placements=(Placement("p1", group="g2"),),
        groups=(Group("g1", ("a",), members=("p1",)), Group("g2", ("b",), members=("p2",))),
    )
    assert found(a, people("p1", "p2"), rules) == [
        ("group", "p1", "g2", None, "placed in group 'g2' but listed as a member of g1")
    ]


def test_placement_may_name_its_group_without_the_group_listing_it() -> None:
    """Rule ``group`` does not fire when a placement names an existing group that lists no members for it."""
    rules = AssignmentRules(ABC)
    a = Assignment(placements=(Placement("p1", ("a",), group="g1"),), groups=(Group("g1", ("a",), members=("p2",)),))
    assert found(a, people("p1", "p2"), rules) == []


def test_unknown_topic_is_reported_and_skipped_by_later_rules() -> None:
    """Rule ``unknown-topic``: a topic the rules do not have; exclusion, capacity and distinct-required skip it."""
    rules = AssignmentRules(ABC, topics_per_participant=2, distinct_required=True, capacity=Bounds(0, 1))
    a = Assignment(placements=(Placement("p1", ("zz", "b")), Placement("p2", ("zz", "c"))))
    ps = [Participant("p1", exclusions=("b",)), Participant("p2")]
    assert found(a, ps, rules) == [
        ("unknown-topic", "p1", None, "zz", "'zz' is not a topic of the rules"),
        ("unknown-topic", "p2", None, "zz", "'zz' is not a topic of the rules"),
        ("exclusion", "p1", None, "b", "got excluded topic 'b'"),
    ]


def test_topic_given_twice() -> None:
    """Rule ``duplicate``: the same topic twice in one participant's list, with the count and the topic."""
    rules = AssignmentRules(ABC, topics_per_participant=2)
    a = Assignment(placements=(Placement("p1", ("a", "a")), Placement("p2", ("b", "c"))))
    assert found(a, people("p1", "p2"), rules) == [("duplicate", "p1", None, "a", "'a' is given 2 times")]


def test_topic_given_twice_through_alternatives() -> None:
    """Rule ``duplicate``: a topic reached through two alternatives, or given beside an alternative holding it."""
    rules = AssignmentRules(topics("a", "b", "c", ab=("a", "b"), ac=("a", "c")), topics_per_participant=Bounds(2, 3))
    a = Assignment(
        placements=(
            Placement("p1", ("ab", "b")),
            Placement("p2", ("ab", "ac")),
            Placement("p3", ("b", "b", "ab")),  # twice by itself: reported once, as given twice
        )
    )
    assert found(a, people("p1", "p2", "p3", wants=3), rules) == [
        ("duplicate", "p1", None, "b", "'b' is given together with an alternative containing it"),
        ("duplicate", "p2", None, "a", "'a' is given 2 times through alternatives"),
        ("duplicate", "p3", None, "b", "'b' is given 2 times"),
    ]


def test_topics_per_participant_exact_count() -> None:
    """Rule ``topics-per-participant``: too few or too many topics against an exact count."""
    rules = AssignmentRules(ABC, topics_per_participant=2)
    a = Assignment(placements=(Placement("p1", ("a",)), Placement("p2", ("a", "b", "c")), Placement("p3", ("a", "b"))))
    assert found(a, people("p1", "p2", "p3"), rules) == [
        ("topics-per-participant", "p1", None, None, "1 topics instead of 2"),
        ("topics-per-participant", "p2", None, None, "3 topics instead of 2"),
    ]


def test_topics_per_participant_range() -> None:
    """Rule ``topics-per-participant``: outside a range, the message names the range; both ends are inclusive."""
    rules = AssignmentRules(topics("a", "b", "c", "d"), topics_per_participant=Bounds(2, 3))
    a = Assignment(
        placements=(
            Placement("p1", ("a", "b", "c", "d")),
            Placement("p2", ("a",)),
            Placement("p3", ("a", "b")),
            Placement("p4", ("a", "b", "c")),
        )
    )
    assert found(a, [Participant(p, wants=3) for p in ("p1", "p2", "p3", "p4")], rules) == [
        ("topics-per-participant", "p1", None, None, "4 topics, but topics_per_participant is 2–3"),
        ("topics-per-participant", "p2", None, None, "1 topics, but topics_per_participant is 2–3"),
    ]


def test_topics_per_participant_for_a_group_is_reported_on_the_group() -> None:
    """Rule ``topics-per-participant``: a group's wrong topic count is reported once, on the group."""
    rules = AssignmentRules(ABC, topics_per_participant=2, groups=GroupRules())
    a = Assignment(groups=(Group("g1", ("a",), members=("p1", "p2")),))
    assert found(a, people("p1", "p2"), rules) == [
        ("topics-per-participant", None, "g1", None, "1 topics instead of 2")
    ]


def test_more_topics_than_wanted() -> None:
    """Rule ``topics-per-participant``: more topics than the participant ``wants``, naming its group if any."""
    rules = AssignmentRules(ABC, topics_per_participant=Bounds(1, 2), groups=GroupRules())
    a = Assignment(
        placements=(Placement("p3", ("a",), group="g2"),),
        groups=(Group("g1", ("a", "b"), members=("p1", "p2")), Group("g2", ("a",), members=("p3",))),
    )
    ps = [Participant("p1", wants=1), Participant("p2", wants=2), Participant("p3", wants=1)]
    assert found(a, ps, rules) == [
        ("topics-per-participant", "p1", "g1", None, "2 topics, but it wants 1 (its group g1 has 2)")
    ]
    alone = Assignment(placements=(Placement("p1", ("a", "b")), Placement("p2", ("a",))))
    assert found(alone, people("p1", "p2"), AssignmentRules(ABC, topics_per_participant=Bounds(1, 2))) == [
        ("topics-per-participant", "p1", None, None, "2 topics, but it wants 1")
    ]


def test_required_topics_count() -> None:
    """Rule ``required-topics``: with ``required_topics = 1`` exactly one of the topics must be required."""
    rules = AssignmentRules(ABC, topics_per_participant=2, required_topics=1)
    a = Assignment(
        placements=(Placement("p1", ("a", "b")), Placement("p2", ("a",), ("b",)), Placement("p3", (), ("a", "b")))
    )
    assert found(a, people("p1", "p2", "p3"), rules) == [
        ("required-topics", "p1", None, None, "2 required topics instead of 1"),
        ("required-topics", "p3", None, None, "0 required topics instead of 1"),
    ]


def test_mandatory_topic_missing_or_only_optional() -> None:
    """Rule ``mandatory``: a mandatory topic must be among the required ones; unranked is fine for it."""
    rules = AssignmentRules(
        ABC,
        topics_per_participant=2,
        required_topics=1,
        mandatory_topics=("a",),
        objective=Objective(allow_unranked=False),
    )
    a = Assignment(
        placements=(Placement("p1", ("b",), ("a",)), Placement("p2", ("b",), ("c",)), Placement("p3", ("a",), ("b",)))
    )
    ps = people("p1", "p2", "p3", preferences=("b", "c"))
    assert found(a, ps, rules) == [
        ("mandatory", "p1", None, "a", "mandatory topic 'a' is only optional"),
        ("mandatory", "p2", None, "a", "mandatory topic 'a' is missing"),
    ]


def test_unassigned_participants() -> None:
    """Rule ``unassigned``: listed as unassigned but with topics; unassigned or without topics when not allowed."""
    rules = AssignmentRules(ABC)
    a = Assignment(placements=(Placement("p1", ("a",)), Placement("p2")), unassigned=("p1", "p3"))
    assert found(a, people("p1", "p2", "p3", "p4"), rules) == [
        ("unassigned", "p1", None, None, "listed as unassigned but has topics"),
        ("unassigned", "p2", None, None, "got no topics, but every participant must be assigned"),
        ("unassigned", "p3", None, None, "is listed as unassigned, but every participant must be assigned"),
        ("unassigned", "p4", None, None, "got no topics, but every participant must be assigned"),
    ]
    allowed = AssignmentRules(ABC, allow_unassigned=True)
    assert found(a, people("p1", "p2", "p3", "p4"), allowed) == [
        ("unassigned", "p1", None, None, "listed as unassigned but has topics")
    ]


def test_unassigned_participants_take_no_capacity() -> None:
    """Rules ``unassigned`` and ``capacity``: a participant left out counts for no topic."""
    rules = AssignmentRules(ABC, allow_unassigned=True, capacity=Bounds(0, 1))
    a = Assignment(placements=(Placement("p1", ("a",)),), unassigned=("p2",))
    assert found(a, people("p1", "p2"), rules) == []


def test_exclusions_directly_and_through_an_alternative() -> None:
    """Rule ``exclusion``: an excluded topic, or an alternative that may stand for one (naming it)."""
    rules = AssignmentRules(topics("a", "b", "c", ab=("a", "b")), topics_per_participant=1)
    a = Assignment(placements=(Placement("p1", ("c",)), Placement("p2", ("ab",)), Placement("p3", ("ab",))))
    ps = [Participant("p1", exclusions=("c",)), Participant("p2", exclusions=("b", "a")), Participant("p3")]
    assert found(a, ps, rules) == [
        ("exclusion", "p1", None, "c", "got excluded topic 'c'"),
        ("exclusion", "p2", None, "ab", "got excluded topic 'ab' (through a, b)"),
    ]


def test_unranked_topics_when_not_allowed() -> None:
    """Rule ``unranked``: with ``allow_unranked = false`` every non-mandatory topic must be ranked."""
    strict = AssignmentRules(ABC, topics_per_participant=2, objective=Objective(allow_unranked=False))
    a = Assignment(placements=(Placement("p1", ("a", "b")), Placement("p2", ("c", "a"))))
    ps = people("p1", "p2", preferences=("a",))
    assert found(a, ps, strict) == [
        ("unranked", "p1", None, "b", "got 'b', which it did not rank"),
        ("unranked", "p2", None, "c", "got 'c', which it did not rank"),
    ]
    assert found(a, ps, AssignmentRules(ABC, topics_per_participant=2)) == []


def test_participant_in_no_group() -> None:
    """Rule ``group``: when participants work in groups, an assigned participant outside every group."""
    rules = AssignmentRules(ABC, groups=GroupRules())
    a = Assignment(placements=(Placement("p2", ("a",)),), groups=(Group("g1", ("a",), members=("p1",)),))
    assert found(a, people("p1", "p2"), rules) == [
        ("group", "p2", None, None, "is in no group, but participants work in groups")
    ]


def test_group_size() -> None:
    """Rule ``group-size``: members per group outside ``groups.size`` (both ends inclusive)."""
    rules = AssignmentRules(ABC, groups=GroupRules(size=Bounds(2, 3)))
    a = Assignment(
        groups=(
            Group("g1", ("a",), members=("p1",)),
            Group("g2", ("a",), members=("p2", "p3")),
            Group("g3", ("b",), members=("p4", "p5", "p6")),
            Group("g4", ("c",), members=("p7", "p8", "p9", "p10")),
        )
    )
    ps = people(*(f"p{i}" for i in range(1, 11)))
    assert found(a, ps, rules) == [
        ("group-size", None, "g1", None, "1 members, but groups must have 2–3"),
        ("group-size", None, "g4", None, "4 members, but groups must have 2–3"),
    ]


def test_group_topics_differ_from_the_members_own() -> None:
    """Rule ``group-topics``: a member's own topics must be its group's; its own list is then checked too."""
    rules = AssignmentRules(ABC, topics_per_participant=2, groups=GroupRules())
    a = Assignment(
        placements=(Placement("p1", ("a", "c", "c")), Placement("p2", ("b", "a"))),
        groups=(Group("g1", ("a", "b"), members=("p1", "p2")),),
    )
    assert found(a, people("p1", "p2"), rules) == [
        ("group-topics", "p1", "g1", None, "has a, c, c but its group g1 has a, b"),
        ("duplicate", "p1", None, "c", "'c' is given 2 times"),
        ("topics-per-participant", "p1", None, None, "3 topics instead of 2"),
    ]


def test_group_topics_compare_optional_topics_too() -> None:
    """Rule ``group-topics``: the same topics, but required where the group has them optional."""
    rules = AssignmentRules(ABC, topics_per_participant=2, required_topics=1, groups=GroupRules())
    a = Assignment(
        placements=(Placement("p1", ("a", "b")),),
        groups=(Group("g1", ("a",), ("b",), members=("p1",)),),
    )
    assert found(a, people("p1"), rules) == [
        ("group-topics", "p1", "g1", None, "has a, b but its group g1 has a, b"),
        ("required-topics", "p1", None, None, "2 required topics instead of 1"),
    ]


def test_capacity() -> None:
    """Rule ``capacity``: participants per topic within the topic's own bounds, else the rules' default."""
    rules = AssignmentRules(
        (Topic("a", capacity=Bounds(0, 1)), Topic("b"), Topic("c")), capacity=Bounds(1, 2), allow_unassigned=True
    )
    a = Assignment(placements=(Placement("p1", ("a",)), Placement("p2", ("a",)), Placement("p3", ("b",))))
    assert found(a, people("p1", "p2", "p3"), rules) == [
        ("capacity", None, None, "a", "2 participants, but capacity is 0–1"),
        ("capacity", None, None, "c", "0 participants, but capacity is 1–2"),
    ]


def test_capacity_counts_a_topic_once_per_participant() -> None:
    """Rule ``capacity``: a topic given twice to one participant uses one place."""
    rules = AssignmentRules(ABC, topics_per_participant=2, capacity=Bounds(0, 1))
    a = Assignment(placements=(Placement("p1", ("a", "a")),))
    assert [f[0] for f in found(a, people("p1"), rules)] == ["duplicate"]


def test_distinct_required_plain_topics() -> None:
    """Rule ``distinct-required``: a required topic held by two units; a group counts once."""
    rules = AssignmentRules(ABC, distinct_required=True, groups=GroupRules())
    a = Assignment(
        groups=(Group("g1", ("a",), members=("p1", "p2")), Group("g2", ("b",), members=("p3",))),
        placements=(),
    )
    assert found(a, people("p1", "p2", "p3"), rules) == []
    b = Assignment(groups=(Group("g1", ("a",), members=("p1", "p2")), Group("g2", ("a",), members=("p3",))))
    assert found(b, people("p1", "p2", "p3"), rules) == [
        ("distinct-required", None, None, "a", "required by 2: group g1, group g2")
    ]


def test_distinct_required_ignores_optional_topics() -> None:
    """Rule ``distinct-required`` concerns required topics only."""
    rules = AssignmentRules(ABC, topics_per_participant=2, required_topics=1, distinct_required=True)
    a = Assignment(placements=(Placement("p1", ("a",), ("c",)), Placement("p2", ("b",), ("c",))))
    assert found(a, people("p1", "p2"), rules) == []


def test_distinct_required_with_an_alternative() -> None:
    """Rule ``distinct-required``: a required alternative reserves every topic it may stand for.

    A topic taken directly by one unit and through an alternative by another is reported on the topic;
    the same alternative twice is reported once, on the alternative.
    """
    rules = AssignmentRules(topics("a", "b", "c", ab=("a", "b")), distinct_required=True)
    mixed = Assignment(placements=(Placement("p1", ("a",)), Placement("p2", ("ab",)), Placement("p3", ("c",))))
    assert found(mixed, people("p1", "p2", "p3"), rules) == [
        ("distinct-required", None, None, "a", "required by 2: p1, p2")
    ]
    twice = Assignment(placements=(Placement("p1", ("ab",)), Placement("p2", ("ab",)), Placement("p3", ("c",))))
    assert found(twice, people("p1", "p2", "p3"), rules) == [
        ("distinct-required", None, None, "ab", "required by 2: p1, p2")
    ]


def test_distinct_required_exempts_mandatory_topics() -> None:
    """Rule ``distinct-required``: every unit has the mandatory topic, so it is never reported."""
    rules = AssignmentRules(ABC, topics_per_participant=2, mandatory_topics=("a",), distinct_required=True)
    a = Assignment(placements=(Placement("p1", ("a", "b")), Placement("p2", ("a", "c"))))
    assert found(a, people("p1", "p2"), rules) == []
    b = Assignment(placements=(Placement("p1", ("a", "b")), Placement("p2", ("a", "b")), Placement("p3", ("a", "c"))))
    assert found(b, people("p1", "p2", "p3"), rules) == [
        ("distinct-required", None, None, "b", "required by 2: p1, p2")
    ]


def test_distinct_required_alternative_over_a_mandatory_topic() -> None:
    """Rule ``distinct-required``: an alternative reserves only its non-mandatory members."""
    rules = AssignmentRules(
        topics("a", "b", "c", ab=("a", "b")), topics_per_participant=2, mandatory_topics=("a",), distinct_required=True
    )
    a = Assignment(placements=(Placement("p1", ("a", "ab")), Placement("p2", ("a", "b"))))
    assert found(a, people("p1", "p2"), rules) == [
        ("duplicate", "p1", None, "a", "'a' is given together with an alternative containing it"),
        ("distinct-required", None, None, "b", "required by 2: p1, p2"),
    ]


def test_a_person_counted_once_through_several_required_alternatives() -> None:
    """Rule ``distinct-required``: one unit holding a topic twice is still one unit."""
    rules = AssignmentRules(
        topics("a", "b", "c", ab=("a", "b"), ac=("a", "c")), topics_per_participant=2, distinct_required=True
    )
    a = Assignment(placements=(Placement("p1", ("ab", "ac")),))
    assert [f[0] for f in found(a, people("p1"), rules)] == ["duplicate"]


def test_required_topics_default_is_all() -> None:
    """Rule ``required-topics``: without ``required_topics`` every topic a participant gets is required."""
    rules = AssignmentRules(ABC, topics_per_participant=2)
    a = Assignment(placements=(Placement("p1", ("a",), ("b",)), Placement("p2", ("a", "c"))))
    assert found(a, people("p1", "p2"), rules) == [
        ("required-topics", "p1", None, None, "1 required topics instead of 2")
    ]


def test_placement_without_topics_does_not_stop_the_checks_of_later_ones() -> None:
    """Rule ``unknown-topic`` (and every topic rule) applies to each placement after one without topics."""
    rules = AssignmentRules(ABC)
    a = Assignment(
        placements=(Placement("p1", group="g1"), Placement("p2", ("zz",))),
        groups=(Group("g1", ("a",), members=("p1",)),),
    )
    assert found(a, people("p1", "p2"), rules) == [
        ("unknown-topic", "p2", None, "zz", "'zz' is not a topic of the rules"),
    ]


def test_member_of_two_groups_placed_in_a_third() -> None:
    """Rules ``duplicate`` and ``group``: both groups listing the participant are named, comma-separated."""
    rules = AssignmentRules(ABC, groups=GroupRules())
    a = Assignment(
        placements=(Placement("p1", group="g3"),),
        groups=(
            Group("g1", ("a",), members=("p1",)),
            Group("g2", ("a",), members=("p1",)),
            Group("g3", ("a",), members=("p2",)),
        ),
    )
    assert found(a, people("p1", "p2"), rules) == [
        ("duplicate", "p1", None, None, "member of 2 groups: g1, g2"),
        ("group", "p1", "g3", None, "placed in group 'g3' but listed as a member of g1, g2"),
    ]


def test_a_group_named_only_by_the_placement_is_no_membership() -> None:
    """Rules ``group-topics``, ``topics-per-participant`` and ``distinct-required``: a participant whose
    placement names a group that does not list it works on its own topics, alone: no group-topics
    mismatch, no "its group" in messages, and it counts as its own unit."""
    rules = AssignmentRules(ABC, topics_per_participant=Bounds(1, 2), distinct_required=True)
    a = Assignment(
        placements=(Placement("p1", ("a", "c"), group="g1"), Placement("p2", ("a",))),
        groups=(Group("g1", ("b",), members=("p3",)),),
    )
    ps = [Participant("p1", wants=1), Participant("p2"), Participant("p3")]
    assert found(a, ps, rules) == [
        ("topics-per-participant", "p1", None, None, "2 topics, but it wants 1"),
        ("distinct-required", None, None, "a", "required by 2: p1, p2"),
    ]


def test_deprecated_check_alias_warns_at_the_caller() -> None:
    """Rule: ``check()`` still works for one release, warning with the new name, pointing at the caller's code."""
    rules = AssignmentRules(ABC)
    a = Assignment(placements=(Placement("p1", ("zz",)),))
    with pytest.warns(DeprecationWarning) as caught:
        violations = check(a, people("p1"), rules)
    assert violations == check_assignment(a, people("p1"), rules)
    assert [str(w.message) for w in caught] == ["qframework.check() is deprecated; use qframework.check_assignment()"]
    assert "qframework" not in Path(caught[0].filename).parts  # the caller's line, not the alias's own
