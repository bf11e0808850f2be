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
