"""The placement notes' shared-piece path (``Reasons.simple``) words exactly what the general path words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qframework.assignment import AssignmentRules, Bounds, Participant, Topic
from qframework.assignment.reasons import Reasons

IDS = ("a", "b", "c", "d", "e", "f")


@st.composite
def cases(draw: st.DrawFn) -> tuple[Reasons, Reasons, Participant, tuple[str, ...], tuple[str, ...], str | None]:
    ids = IDS[: draw(st.integers(2, len(IDS)))]
    caps = [draw(st.one_of(st.none(), st.integers(1, 5))) for _ in ids]
    topics = tuple(Topic(t, capacity=Bounds(0, cap)) for t, cap in zip(ids, caps, strict=True))
    mandatory = draw(st.sampled_from([(), (ids[0],)]))
    rules = AssignmentRules(topics=topics, topics_per_participant=Bounds(1, 2), mandatory_topics=mandatory)
    counts = {t: draw(st.integers(0, 6)) for t in ids}
    prefs = tuple(draw(st.permutations(ids))[: draw(st.integers(0, len(ids)))])
    person = Participant("p1", preferences=prefs)
    mine = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
    split = draw(st.integers(0, len(mine)))
    group = draw(st.sampled_from([None, "g1"]))
    fast, general = Reasons(rules, counts, {}), Reasons(rules, counts, {})
    general.simple = False
    return fast, general, person, tuple(mine[:split]), tuple(mine[split:]), group


@given(cases())
def test_shared_pieces_give_the_notes_the_general_path_gives(
    case: tuple[Reasons, Reasons, Participant, tuple[str, ...], tuple[str, ...], str | None],
) -> None:
    """Rule: where no topic covers another, no capacity minimum binds and required topics need not be
    distinct, a placement's notes built from pieces shared between participants are the same notes, in the
    same order, as the ones worded for the participant alone (given topics with role and rank, then each
    better-ranked topic not given with its causes: full, one topic per group, or the cost)."""
    fast, general, person, req, opt, group = case
    assert fast.simple
    assert fast.notes(person, req, opt, group) == general.notes(person, req, opt, group)
    # twice: the second answer comes from the memo and the shared pieces
    assert fast.notes(person, req, opt, group) == general.notes(person, req, opt, group)


@st.composite
def groups_of_placements(
    draw: st.DrawFn,
) -> tuple[AssignmentRules, dict[str, int], list[Participant], list[tuple[str, ...]], int]:
    ids = IDS[: draw(st.integers(3, len(IDS)))]
    k = draw(st.integers(2, len(ids) - 1))
    caps = [draw(st.one_of(st.none(), st.integers(1, 5))) for _ in ids]
    topics = tuple(Topic(t, capacity=Bounds(0, cap)) for t, cap in zip(ids, caps, strict=True))
    rules = AssignmentRules(topics=topics, topics_per_participant=k)
    counts = {t: draw(st.integers(0, 6)) for t in ids}
    people, given = [], []
    for i in range(draw(st.integers(1, 6))):
        prefs = tuple(draw(st.permutations(ids))[: draw(st.integers(0, len(ids)))])
        people.append(Participant(f"p{i}", preferences=prefs))
        given.append(tuple(draw(st.lists(st.sampled_from(ids), min_size=k, max_size=k, unique=True))))
    return rules, counts, people, given, draw(st.integers(0, k))


@given(groups_of_placements())
def test_the_notes_laid_out_for_everybody_at_once_are_each_ones_own(
    case: tuple[AssignmentRules, dict[str, int], list[Participant], list[tuple[str, ...]], int],
) -> None:
    """Several topics each, without groups: the notes of all placements laid out at once with array operations
    (``Reasons.several_many``) are, for every participant, the notes worded for it alone, in the same order."""
    import numpy as np

    rules, counts, people, given, required = case
    topics = sorted(rules.topic_ids)
    index = {t: i for i, t in enumerate(topics)}
    rank = np.zeros((len(people), len(topics)), dtype=np.int64)
    for p, person in enumerate(people):
        for i, t in enumerate(person.preferences, 1):
            rank[p, index[t]] = i
    held = np.array([[index[t] for t in mine] for mine in given], dtype=np.int64)
    ranks = np.take_along_axis(rank, held, axis=1)
    worst = np.where(ranks > 0, ranks, rules.unranked_rank).max(axis=1)
    many = Reasons(rules, counts, {}).several_many(topics, held, ranks, required, rank, worst)
    assert many is not None
    alone = Reasons(rules, counts, {})
    alone.simple = False
    for person, mine, notes in zip(people, given, many, strict=True):
        assert notes == alone.notes(person, mine[:required], mine[required:], None)
