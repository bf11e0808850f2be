"""Pinned rules of the tie rule's array passes, ``qframework.assignment.ties.swap_stable_levels`` and
``swap_stable_single`` (issue 30).

It is the several-topics tie rule of ``assign`` (``solve._Several``, ``solve._exchange_levels``) when every
exchange is at one price level: ``holds[r, t]`` whether row ``r`` (participants in id order) holds topic ``t`` as a
movable item, ``level[r, t]`` whether ``t`` is one of the topics it can exchange, ``up[x, y]`` whether trading
``x`` for ``y`` gains. Rows ``a < b`` exchange when ``a`` holds ``x`` and may take ``y``, ``b`` holds ``y`` and may
take ``x``, and ``up[x, y]``; pairs ``(x, y)`` are processed in sorted batches, the smallest seeker with the largest
giver, until no exchange is left.

Every expected holding below is worked out by hand in the docstring, or the result is checked against the rule
restated here (``open_exchanges``, a brute force over every pair of rows and topics), never against the engine.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from qframework.assignment.ties import swap_stable_levels, swap_stable_single


def matrix(rows: int, m: int, cells: dict[int, list[int]]) -> np.ndarray:
    """A ``rows × m`` boolean matrix, true at ``cells[r]`` of every row ``r``."""
    out = np.zeros((rows, m), dtype=bool)
    for r, ts in cells.items():
        out[r, ts] = True
    return out


def up_from(price: list[int]) -> np.ndarray:
    """``up[x, y]``: trading ``x`` for ``y`` gains, i.e. ``y`` is worth more (as ``solve`` builds it)."""
    p = np.array(price)
    return p[None, :] > p[:, None]


def held(result: np.ndarray) -> dict[int, list[int]]:
    return {r: np.flatnonzero(result[r]).tolist() for r in range(result.shape[0])}


def open_exchanges(holds: np.ndarray, level: np.ndarray, up: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The rule restated by brute force: every ``(a, b, x, y)`` with ``a < b``, ``a`` holding ``x`` and free to take
    ``y`` (in its level, not held), ``b`` holding ``y`` and free to take ``x``, and ``up[x, y]``."""
    rows, m = holds.shape
    found = []
    for a, b in itertools.combinations(range(rows), 2):
        for x, y in itertools.product(range(m), repeat=2):
            if (
                up[x, y]
                and holds[a, x]
                and level[a, y]
                and not holds[a, y]
                and holds[b, y]
                and level[b, x]
                and not holds[b, x]
            ):
                found.append((a, b, x, y))
    return found


def test_two_rows_exchange_so_the_smaller_id_gets_the_better_topic() -> None:
    """Rule: row 0 holds t1, row 1 holds t0, both may hold either, t0 is worth more: the smaller id (row 0)
    seeks t0, row 1 gives it, so they exchange — row 0 ends with t0, row 1 with t1, and something moved."""
    holds = matrix(2, 2, {0: [1], 1: [0]})
    level = np.ones((2, 2), dtype=bool)
    after, moved = swap_stable_levels(holds, level, up_from([1, 0]))
    assert held(after) == {0: [0], 1: [1]}
    assert moved is True


def test_the_larger_id_never_takes_the_better_topic_from_the_smaller() -> None:
    """Rule: an exchange needs the seeker *below* the giver. Row 1 holds t1 and would gain by t0, but t0 is held by
    row 0, the smaller id: nothing moves, the holdings come back unchanged and ``moved`` is false."""
    holds = matrix(2, 2, {0: [0], 1: [1]})
    level = np.ones((2, 2), dtype=bool)
    after, moved = swap_stable_levels(holds, level, up_from([1, 0]))
    assert held(after) == {0: [0], 1: [1]}
    assert moved is False


def test_no_exchange_without_a_gain_or_outside_the_level() -> None:
    """Rule: equally priced topics are not exchanged (no gain either way), and a row never takes a topic outside its
    level. Row 0 holds t1, row 1 holds t0: with equal prices nothing moves; with t0 worth more but t0 outside row 0's
    level, nothing moves either."""
    holds = matrix(2, 2, {0: [1], 1: [0]})
    after, moved = swap_stable_levels(holds, np.ones((2, 2), dtype=bool), up_from([0, 0]))
    assert (held(after), moved) == ({0: [1], 1: [0]}, False)
    level = matrix(2, 2, {0: [1], 1: [0, 1]})
    after, moved = swap_stable_levels(holds, level, up_from([1, 0]))
    assert (held(after), moved) == ({0: [1], 1: [0]}, False)


def test_a_single_row_is_returned_as_it_is() -> None:
    """Rule: one participant has nobody to exchange with — its holdings come back as given, nothing moved."""
    holds = matrix(1, 3, {0: [2]})
    after, moved = swap_stable_levels(holds, np.ones((1, 3), dtype=bool), up_from([2, 1, 0]))
    assert held(after) == {0: [2]}
    assert moved is False


def test_a_topic_held_by_both_rows_is_not_exchanged() -> None:
    """Rule: a row may only take a topic it does not hold. Rows 0 and 1 both hold t0 and t1 (two topics each),
    t2 is free for nobody: no exchange exists whatever the prices."""
    holds = matrix(2, 3, {0: [0, 1], 1: [0, 1]})
    level = matrix(2, 3, {0: [0, 1], 1: [0, 1]})
    after, moved = swap_stable_levels(holds, level, up_from([0, 1, 2]))
    assert (held(after), moved) == ({0: [0, 1], 1: [0, 1]}, False)


def test_pairs_are_processed_in_sorted_order() -> None:
    """Rule: the open pairs ``(x, y)`` are processed in sorted order, and a pair the exchange opens is processed
    after. t0 and t1 are worth the same, t2 less; row 0 holds t2 and may take t0 or t1, row 1 holds t0, row 2 holds
    t1, both may take t2 (row 1 also t1).

    By hand: open pairs (2, 0) (row 0 seeks, row 1 gives) and (2, 1) (row 0 seeks, row 2 gives). (2, 0) comes
    first: row 0 takes t0, row 1 takes t2. Now (2, 1): row 1 holds t2 and may take t1, row 2 holds t1 and may
    take t2 — row 1 takes t1, row 2 takes t2. Result: row 0 t0, row 1 t1, row 2 t2. (Processing (2, 1) first would
    end at row 0 t1, row 1 t0, row 2 t2 — also without an open exchange, but not the rule's result.)"""
    holds = matrix(3, 3, {0: [2], 1: [0], 2: [1]})
    level = matrix(3, 3, {0: [0, 1, 2], 1: [0, 1, 2], 2: [1, 2]})
    up = up_from([1, 1, 0])
    after, moved = swap_stable_levels(holds, level, up)
    assert held(after) == {0: [0], 1: [1], 2: [2]}
    assert moved is True
    assert open_exchanges(after, level, up) == []


def test_the_smallest_seeker_and_the_largest_giver_exchange() -> None:
    """Rule: of several seekers and givers of one pair, the smallest seeker exchanges with the largest giver.
    t0 is worth more than t1; rows 0 and 1 hold t1, rows 2 and 3 hold t0, everybody may hold either.

    By hand: pair (1, 0) has seekers {0, 1} and givers {2, 3}: row 0 exchanges with row 3 (row 0 t0, row 3 t1).
    The pair is dirty again: seekers {1, 3}, givers {0, 2}; smallest seeker 1 < largest giver 2: row 1 takes t0,
    row 2 takes t1. Then seekers {2, 3}, givers {0, 1}: 2 ≥ 1, done. Rows 0, 1 hold t0, rows 2, 3 hold t1."""
    holds = matrix(4, 2, {0: [1], 1: [1], 2: [0], 3: [0]})
    level = np.ones((4, 2), dtype=bool)
    after, moved = swap_stable_levels(holds, level, up_from([1, 0]))
    assert held(after) == {0: [0], 1: [0], 2: [1], 3: [1]}
    assert moved is True


def test_an_exchange_closes_a_pair_that_was_open() -> None:
    """Rule: after an exchange, who holds what and may take what follows it, so a pair opened by the old holdings is
    skipped. Prices t0 > t1 > t2 (t0 best); row 0 holds t0 and t2 and may also take t1; row 1 holds t1 and may take
    t0 or t2; row 2 holds t0 and may take t1.

    By hand: open at first are (1, 0) (seeker row 1 — holds t1, free for t0; givers rows 0 and 2 — hold t0, free for
    t1) and (2, 1) (seeker row 0 — holds t2, free for t1; giver row 1). (1, 0) first: the largest giver, row 2,
    exchanges with row 1 — row 1 holds t0, row 2 holds t1. Then (2, 1): row 1 no longer holds t1 and row 2 may not
    take t2, so nothing. Result: row 0 t0 t2, row 1 t0, row 2 t1; no exchange left (checked by brute force)."""
    holds = matrix(3, 3, {0: [0, 2], 1: [1], 2: [0]})
    level = matrix(3, 3, {0: [0, 1, 2], 1: [0, 1, 2], 2: [0, 1]})
    up = up_from([2, 1, 0])
    after, moved = swap_stable_levels(holds, level, up)
    assert held(after) == {0: [0, 2], 1: [0], 2: [1]}
    assert moved is True
    assert open_exchanges(after, level, up) == []


def test_an_exchange_opens_a_pair_that_was_closed() -> None:
    """Rule: the pairs the two rows of an exchange are filed under afterwards are looked at again in a later batch.
    Prices t0 > t1 > t2; row 0 holds t2 and may take t1; row 1 holds t1 and may take t0 (not t2); row 2 holds t0
    and may take t1 or t2.

    By hand: only (1, 0) is open at first (row 1 seeks t0, row 2 gives it); (2, 1) is closed — row 0 seeks t1, but
    its holder, row 1, may not take t2. The exchange: row 1 holds t0, row 2 holds t1 and may take t2, so (2, 1)
    opens: row 0 takes t1, row 2 takes t2. Result: row 0 t1, row 1 t0, row 2 t2 (without looking again it would
    stop at row 0 t2, row 2 t1, where row 0 and row 2 could still exchange)."""
    holds = matrix(3, 3, {0: [2], 1: [1], 2: [0]})
    level = matrix(3, 3, {0: [1, 2], 1: [0, 1], 2: [0, 1, 2]})
    up = up_from([2, 1, 0])
    after, moved = swap_stable_levels(holds, level, up)
    assert held(after) == {0: [1], 1: [0], 2: [2]}
    assert moved is True
    assert open_exchanges(after, level, up) == []


def test_a_chain_of_exchanges_runs_to_the_end() -> None:
    """Rule: exchanges go on until none is left, over several batches. Prices t0 > t1 > t2; row 0 holds t2, row 1
    holds t1, row 2 holds t0, everybody may hold any one.

    By hand, batch 1 (pairs in order): (1, 0): row 1 (holds t1) seeks t0 from row 2 — exchange: row 1 t0, row 2 t1.
    (2, 0): row 0 (t2) seeks t0, giver row 1: exchange: row 0 t0, row 1 t2. (2, 1): row 1 (t2) seeks t1 from row 2:
    exchange: row 1 t1, row 2 t2. The best topic ends with the smallest id: rows 0, 1, 2 hold t0, t1, t2."""
    holds = matrix(3, 3, {0: [2], 1: [1], 2: [0]})
    level = np.ones((3, 3), dtype=bool)
    up = up_from([2, 1, 0])
    after, moved = swap_stable_levels(holds, level, up)
    assert held(after) == {0: [0], 1: [1], 2: [2]}
    assert moved is True


def test_more_than_62_rows_are_handled_as_big_bit_sets() -> None:
    """Rule: a topic's holders are one integer's bits, whatever the number of rows (above 62 they are packed, not
    multiplied out). 70 rows; row 0 holds t1, row 69 holds t0 (worth more), both may hold either, the rows between
    hold nothing: the smallest seeker (row 0) exchanges with the largest giver (row 69)."""
    holds = matrix(70, 2, {0: [1], 69: [0]})
    level = matrix(70, 2, {0: [0, 1], 69: [0, 1]})
    after, moved = swap_stable_levels(holds, level, up_from([1, 0]))
    assert after.shape == (70, 2)
    assert held(after) == {r: ([0] if r == 0 else [1] if r == 69 else []) for r in range(70)}
    assert moved is True


def test_more_than_62_topics_are_handled_as_big_bit_sets() -> None:
    """Rule: the same with 70 topics (a row's topics above 62 are packed, and the result read back from the
    holders' bits). Row 0 holds t69 and t3, row 1 holds t0 and t3; t0 is worth more than t69, both may hold either
    (both hold t3, so neither may take it from the other): they exchange t69 for t0 — row 0 holds t0 and t3,
    row 1 t3 and t69."""
    price = [0] * 70
    price[0] = 1
    holds = matrix(2, 70, {0: [3, 69], 1: [0, 3]})
    level = matrix(2, 70, {0: [0, 3, 69], 1: [0, 3, 69]})
    after, moved = swap_stable_levels(holds, level, up_from(price))
    assert after.shape == (2, 70)
    assert after.dtype == np.bool_
    assert held(after) == {0: [0, 3], 1: [3, 69]}
    assert moved is True


@pytest.mark.parametrize("wide", [False, True])
def test_random_instances_end_with_no_exchange_left(wide: bool) -> None:
    """Rule, against the rule restated by brute force (``open_exchanges``) on seeded random instances (also with
    more than 62 rows and topics): every topic keeps its number of holders and every row its number of topics, a
    row only holds topics of its level, no exchange of the rule is left, ``moved`` tells whether anything changed,
    and the rows' values in id order only improved (lexicographically: each exchange gives the smaller id the
    better topic)."""
    rng = np.random.default_rng(30)
    for _ in range(12 if wide else 120):
        rows = int(rng.integers(63, 72)) if wide else int(rng.integers(2, 9))
        m = int(rng.integers(63, 70)) if wide else int(rng.integers(2, 6))
        level = rng.random((rows, m)) < rng.uniform(0.3, 0.9)
        holds = level & (rng.random((rows, m)) < rng.uniform(0.2, 0.7))
        price = rng.integers(0, 3, m)
        up = price[None, :] > price[:, None]
        after, moved = swap_stable_levels(holds, level, up)
        assert after.shape == holds.shape
        assert (after.sum(axis=0) == holds.sum(axis=0)).all()
        assert (after.sum(axis=1) == holds.sum(axis=1)).all()
        assert not (after & ~level).any()
        assert moved == bool((after != holds).any())
        if not wide:  # the brute force is rows² × m²
            assert open_exchanges(after, level, up) == []
        before_values = [sorted(price[holds[r]].tolist(), reverse=True) for r in range(rows)]
        after_values = [sorted(price[after[r]].tolist(), reverse=True) for r in range(rows)]
        assert after_values >= before_values


# ``swap_stable_single``: one movable item each, ``cost[p, i]`` (``inf``: not allowed), ``held[p]`` (``-1``: none).


def rounds_restated(cost: list[list[float]], held: list[int]) -> list[int]:
    """The rounds of ``swap_stable_single`` restated from its docstring, one participant and item at a time: every
    round files each move ``x → y`` of a participant holding ``x`` under ``(x, y, gain)`` — as a seeker if it gains,
    as a giver of ``(y, x, loss)`` if it loses; a bucket is open when its smallest seeker is below its largest giver;
    the open buckets, in ``(x, y, gain)`` order, pair their seekers not yet exchanged this round (smallest first)
    with their givers not yet exchanged (largest first) until a seeker is not below its giver; rounds repeat until
    no bucket is open."""
    held = list(held)
    n, m = len(held), len(cost[0])
    while True:
        seekers: dict[tuple[int, int, int], list[int]] = {}
        givers: dict[tuple[int, int, int], list[int]] = {}
        for p in range(n):
            x = held[p]
            if x < 0:
                continue
            for y in range(m):
                if y == x or math.isinf(cost[p][y]):
                    continue
                d = cost[p][x] - cost[p][y]
                if d > 0:
                    seekers.setdefault((x, y, int(d)), []).append(p)
                elif d < 0:
                    givers.setdefault((y, x, int(-d)), []).append(p)
        open_ = [k for k in sorted(seekers) if k in givers and min(seekers[k]) < max(givers[k])]
        if not open_:
            return held
        used: set[int] = set()
        for x, y, _gain in open_:
            ss = [p for p in sorted(seekers[(x, y, _gain)]) if p not in used]
            gs = [p for p in sorted(givers[(x, y, _gain)], reverse=True) if p not in used]
            for a, b in zip(ss, gs, strict=False):
                if a >= b:
                    break
                held[a], held[b] = y, x
                used.update((a, b))


def test_single_the_smallest_seeker_of_a_bucket_exchanges_first() -> None:
    """Rule: of a bucket's seekers, the smallest id exchanges first. Costs (items 0, 1, 2; ``inf``: not allowed):
    p0 2 ∞ 1, p1 3 3 2, p2 3 3 2, p3 1 3 2; held 0, 1, 1, 2.

    By hand, round 1: p0 seeks 0 → 2 (gain 1), but the holder of 2, p3, would gain by 0; p3 seeks 2 → 0 (gain 1),
    but the holder of 0, p0, would gain by 2; p1 and p2 seek 1 → 2 (gain 1) and p3 gives it (loses 1 by taking 1).
    The one open bucket (1, 2, 1) pairs p1 (the smaller seeker) with p3: held 0, 2, 1, 1. Round 2: bucket
    (0, 2, 1) has seeker p0 and giver p1 (loses 1 by taking 0): held 2, 0, 1, 1. Round 3: p1 seeks 0 → 2, but
    its only giver p0 is below it; p2 and p3 seek 1 → 2 and nobody gives it: done. (Pairing p2 first would end at
    2, 1, 0, 1.)"""
    inf = math.inf
    cost = np.array([[2, inf, 1], [3, 3, 2], [3, 3, 2], [1, 3, 2]])
    assert swap_stable_single(cost, [0, 1, 1, 2]).tolist() == [2, 0, 1, 1]


def test_single_the_largest_giver_of_a_bucket_exchanges_first() -> None:
    """Rule: of a bucket's givers, the largest id exchanges first, and a participant exchanges once per round.
    Costs: p0 3 1 2, p1 2 2 1, p2 2 1 1, p3 3 3 2; held 0, 1, 2, 2.

    By hand, round 1, open buckets in order: (0, 2, 1) — seeker p0 (3 → 2), givers p2 and p3 (each loses 1 by 0);
    (1, 2, 1) — seeker p1 (2 → 1), giver p3 (3 - 2). (0, 1, 2) has seeker p0 but no giver (p1 loses 0 by 0). The
    first pairs p0 with p3, the larger giver: held 2, 1, 2, 0; in the second p3 has exchanged already, so p1 waits.
    Round 2: p0 seeks 2 → 1 (nobody holding 1 loses by 2), p1 seeks 1 → 2 (p0, p2 lose nothing by 1), p3 seeks 0 → 2
    (gain 1) and its givers p0, p2 are below it: done. (Pairing p2 first would end at 2, 2, 0, 1.)"""
    cost = np.array([[3, 1, 2], [2, 2, 1], [2, 1, 1], [3, 3, 2]], dtype=float)
    assert swap_stable_single(cost, [0, 1, 2, 2]).tolist() == [2, 1, 2, 0]


def test_single_fewer_than_two_participants_or_items_change_nothing() -> None:
    """Rule: with one participant holding an item, or one item, nobody can exchange — ``held`` comes back as given
    (as integers), also when it holds ``-1`` (nothing movable)."""
    assert swap_stable_single(np.array([[2.0, 1.0], [1.0, 2.0]]), [0, -1]).tolist() == [0, -1]
    assert swap_stable_single(np.array([[1.0], [1.0]]), [0, 0]).tolist() == [0, 0]


def test_single_random_instances_follow_the_rounds_restated() -> None:
    """Rule: on seeded random instances (2–29 participants, 2–4 items, costs 1–3, a fifth not allowed, some holding
    nothing) ``swap_stable_single`` ends exactly where the rounds restated from its docstring (``rounds_restated``)
    end: the same pairings in the same order, so the same holdings."""
    rng = np.random.default_rng(31)
    for _ in range(600):
        n, m = int(rng.integers(2, 30)), int(rng.integers(2, 5))
        cost = rng.integers(1, 4, (n, m)).astype(float)
        cost[rng.random((n, m)) < 0.2] = np.inf
        held = [
            int(rng.choice(np.flatnonzero(np.isfinite(cost[p])))) if np.isfinite(cost[p]).any() else -1
            for p in range(n)
        ]
        assert swap_stable_single(cost, held).tolist() == rounds_restated(cost.tolist(), held), (cost, held)


def test_single_many_items_are_bucketed_by_sorting() -> None:
    """Rule: with more buckets than are indexed directly (items² × (largest gain + 1) above 2²², here 1500 items),
    the buckets are found by sorting their codes, with the same exchanges. Items 0, 700 and 1499 only (all others
    not allowed): p0 holds 1499 (cost 3) and would pay 1 for 0; p1 holds 700 (cost 1) and would pay 3 for 1499;
    p2 holds 0 (cost 1) and would pay 3 for 1499.

    By hand: p0 seeks 1499 → 0 (gain 2), and p2 gives it (loses 2 by taking 1499); p0 seeks 1499 → 700 (gain 1),
    but p1 would lose 2, not 1. So p0 and p2 exchange: p0 holds 0, p1 700, p2 1499; then p2 seeks 0 back only
    from the smaller p0: done."""
    cost = np.full((3, 1500), np.inf)
    cost[0, [0, 700, 1499]] = [1, 2, 3]
    cost[1, [0, 700, 1499]] = [2, 1, 3]
    cost[2, [0, 700, 1499]] = [1, 2, 3]
    assert swap_stable_single(cost, [1499, 700, 0]).tolist() == [0, 700, 1499]
