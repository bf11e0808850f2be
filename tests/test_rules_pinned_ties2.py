"""More pinned rules of the tie rule's exchange passes, ``qframework.assignment.ties`` (issue 30): the
general pass's fixed topics and processing order, gains of nothing in the single-item pass, and bit sets
just past the width of an ``int64`` in the several-topics pass.

Every expected result is worked out by hand in the docstring, or checked against the rule restated by
brute force here (``open_exchanges``), never against the engine.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from qframework.assignment.ties import swap_stable, swap_stable_levels, swap_stable_single


def run_general(
    held: dict[int, list[str]],
    options: dict[int, dict[str, int]],
    *,
    touches: dict[str, frozenset[str]] | None = None,
    fixed: dict[int, frozenset[str]] | None = None,
    sort_key: object = None,
) -> tuple[dict[int, list[str]], bool]:
    """``swap_stable`` on plain items (one role); an item touches itself unless ``touches`` says otherwise."""
    touch = touches or {}
    moved = swap_stable(
        held,
        options.__getitem__,
        lambda _item: "any",
        lambda item: touch.get(item, frozenset({item})),
        fixed or {},
        sort_key if callable(sort_key) else (lambda item: item),
    )
    return held, moved


def test_general_an_item_touching_a_fixed_topic_is_never_taken() -> None:
    """Rule: a participant's fixed (mandatory) topics never move, and a new item must not touch them. p0 holds
    ``x`` (cost 2) and would pay 1 for ``y``; p1 holds ``y`` (cost 1) and would pay 2 for ``x``: the same total, so
    without more they exchange (p0 is the smaller id and gains). But ``y`` touches ``T``, a topic p0 holds fixed:
    p0 may not take ``y``, nothing moves. When only p1 holds a fixed topic (``S``, touched by nothing) they do
    exchange."""
    options = {0: {"x": 2, "y": 1}, 1: {"x": 2, "y": 1}}
    touches = {"y": frozenset({"T"})}
    held, moved = run_general({0: ["x"], 1: ["y"]}, options, touches=touches, fixed={0: frozenset({"T"})})
    assert (held, moved) == ({0: ["x"], 1: ["y"]}, False)
    held, moved = run_general({0: ["x"], 1: ["y"]}, options, touches=touches, fixed={1: frozenset({"S"})})
    assert (held, moved) == ({0: ["y"], 1: ["x"]}, True)


def test_general_moves_are_processed_in_the_order_of_sort_key() -> None:
    """Rule: the pass processes the moves ``(x, y, gain)`` in the order of ``(sort_key(x), sort_key(y), gain)``,
    not in the items' own order. Items a, b (cost 1 for everybody who may hold them) and c (cost 2); p0 holds c
    and may take a or b, p1 holds a and may take b or c, p2 holds b and may take c.

    By hand, the open moves are (c, a, 1) (seeker p0, giver p1) and (c, b, 1) (seeker p0, giver p2).
    With ``sort_key`` the identity, (c, a, 1) comes first: p0 takes a, p1 takes c; then (c, b, 1): p1 (now
    holding c) takes b from p2 — p0 a, p1 b, p2 c. With ``sort_key`` a → 2, b → 1, c → 0, (c, b, 1) comes
    first: p0 takes b, p2 takes c; (c, a, 1) has lost its seeker, and p2 may not take b back from the smaller
    p0 — p0 b, p1 a, p2 c."""
    options = {0: {"a": 1, "b": 1, "c": 2}, 1: {"a": 1, "b": 1, "c": 2}, 2: {"b": 1, "c": 2}}
    start = {0: ["c"], 1: ["a"], 2: ["b"]}
    held, moved = run_general({p: list(v) for p, v in start.items()}, options)
    assert (held, moved) == ({0: ["a"], 1: ["b"], 2: ["c"]}, True)
    rank = {"a": 2, "b": 1, "c": 0}
    held, moved = run_general({p: list(v) for p, v in start.items()}, options, sort_key=rank.__getitem__)
    assert (held, moved) == ({0: ["b"], 1: ["a"], 2: ["c"]}, True)


def test_single_only_a_participant_who_gains_seeks() -> None:
    """Rule: a seeker gains strictly by its move, so a participant who would gain nothing (its own item, or an
    item of equal cost) never exchanges. Items 0, 1; costs p0 5 1, p1 1 2, p2 1 2; held 1, 1, 0.

    By hand: p1 seeks 1 → 0 (gain 1) and p2 gives 0 (loses 1 by taking 1); p0 holds 1 and gains nothing by
    keeping it, and loses 4 by 0. p1 and p2 exchange: held 1, 0, 1. Then p2 seeks 1 → 0 again, but its giver p1
    is the smaller id: done."""
    cost = np.array([[5.0, 1.0], [1.0, 2.0], [1.0, 2.0]])
    assert swap_stable_single(cost, [1, 1, 0]).tolist() == [1, 0, 1]


def test_single_only_a_participant_who_loses_gives() -> None:
    """Rule: a giver loses exactly the seeker's gain, so a participant to whom the move is worth nothing (equal
    costs) never gives. Items 0, 1, 2 (``inf``: not allowed); costs p0 1 ∞ 2, p1 ∞ 1 2, p2 ∞ 1 1; held 2, 2, 1.

    By hand: p0 seeks 2 → 0 (gain 1), but nobody holds 0; p1 seeks 2 → 1 (gain 1), and the holder of 1, p2, would
    pay the same for 2 — it loses nothing, so it gives nothing. No exchange: held 2, 2, 1."""
    inf = math.inf
    cost = np.array([[1, inf, 2], [inf, 1, 2], [inf, 1, 1]])
    assert swap_stable_single(cost, [2, 2, 1]).tolist() == [2, 2, 1]


def open_exchanges(holds: np.ndarray, level: np.ndarray, up: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The rule restated by brute force: every ``(a, b, x, y)`` with ``a < b``, ``a`` holding ``x`` and free to take
    ``y`` (in its level, not held), ``b`` holding ``y`` and free to take ``x``, and ``up[x, y]``."""
    rows = holds.shape[0]
    found = []
    for a, b in itertools.combinations(range(rows), 2):
        for x, y in itertools.product(np.flatnonzero(holds[a]).tolist(), np.flatnonzero(holds[b]).tolist()):
            if up[x, y] and level[a, y] and not holds[a, y] and level[b, x] and not holds[b, x]:
                found.append((a, b, x, y))
    return found


def test_levels_64_rows_and_64_topics() -> None:
    """Rule: a topic's holders and a row's topics are bit sets of any width, also of exactly 64 (one past the bits
    an ``int64`` holds). 64 rows and 64 topics; t0 is worth more than every other topic; row 0 holds t63, row 63
    holds t0 and t5, both may hold t0 and t63 (and row 63 t5); the rows between hold nothing.

    By hand: the one open exchange is row 0 taking t0 from row 63, which takes t63: row 0 holds t0, row 63 t5 and
    t63, and no exchange is left (checked by brute force)."""
    rows = m = 64
    holds = np.zeros((rows, m), dtype=bool)
    holds[0, 63] = holds[63, 0] = holds[63, 5] = True
    level = np.zeros((rows, m), dtype=bool)
    level[0, [0, 63]] = level[63, [0, 5, 63]] = True
    price = np.zeros(m, dtype=int)
    price[0] = 1
    up = price[None, :] > price[:, None]
    after, moved = swap_stable_levels(holds, level, up)
    expected = np.zeros((rows, m), dtype=bool)
    expected[0, 0] = expected[63, 5] = expected[63, 63] = True
    assert (after == expected).all()
    assert moved is True
    assert open_exchanges(after, level, up) == []


def test_levels_random_instances_of_64_rows_or_topics() -> None:
    """Rule, against the rule restated by brute force on seeded random instances with exactly 64 rows or 64
    topics: every topic keeps its number of holders and every row its number of topics, a row only holds topics
    of its level, ``moved`` tells whether anything changed, and no exchange of the rule is left."""
    rng = np.random.default_rng(64)
    for rows, m in [(64, 5), (5, 64), (64, 64), (64, 3)]:
        level = rng.random((rows, m)) < 0.6
        holds = level & (rng.random((rows, m)) < 0.4)
        price = rng.integers(0, 3, m)
        up = price[None, :] > price[:, None]
        after, moved = swap_stable_levels(holds, level, up)
        assert (after.sum(axis=0) == holds.sum(axis=0)).all()
        assert (after.sum(axis=1) == holds.sum(axis=1)).all()
        assert not (after & ~level).any()
        assert moved == bool((after != holds).any())
        assert open_exchanges(after, level, up) == []
