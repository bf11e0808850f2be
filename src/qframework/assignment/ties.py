"""The tie rule, made exact: among optimal assignments, the one that is *swap-stable by id*.

The solver minimises the integer primary cost only (a tiny secondary cost term doubled HiGHS' time
and fell below its tolerances on large instances). Among the many optima, the result is then
moved, by exchanges that keep the cost, to one where no exchange is left:

    participants ``a < b`` (by id) exchange a topic ``x`` of ``a`` for a topic ``y`` of ``b`` when
    the total cost stays equal, ``a`` ranks ``y`` strictly better than ``x``, and every rule still
    holds for both (allowed topics, exclusions, ``allow_unranked``, an alternative and its own
    topics at most once, the same role when required and optional topics are told apart under
    ``distinct_required``; mandatory topics never move; capacities do not change).

With groups the exchanged things are whole *bundles* (a participant's full topic set), before
groups are formed: an exchange keeps every bundle's count, hence every group size. Each exchange
lowers the vector of participants' costs, ordered by id, lexicographically, so the pass ends; and
it is deterministic (keys are processed in sorted order), so the result still does not depend on
the input order.

Candidates are bucketed, not paired: a participant's possible moves ``x → y`` are filed under
``(x, y, gain)``; an exchange exists exactly when a bucket has a seeker (gaining) below a giver
(losing the same amount the other way). That is participants × topics work, not participants².
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping
from typing import Any

Item = Hashable
Key = tuple[Item, Item, int]


def swap_stable(
    held: dict[int, list[Item]],
    options: Callable[[int], Mapping[Item, int]],
    role: Callable[[Item], str],
    touches: Callable[[Item], frozenset[str]],
    fixed: Mapping[int, frozenset[str]],
    sort_key: Callable[[Item], object],
) -> bool:
    """Exchange items between participants until no exchange of the tie rule is left; whether any was made.

    ``held[p]`` are the movable items (topics, or bundles) participant ``p`` holds (changed in
    place); ``options(p)`` the movable items ``p`` may hold and their costs; ``role(item)`` what an
    item may only be exchanged for (same role); ``touches(item)`` the base topics it occupies (an
    alternative touches all of its topics); ``fixed[p]`` the base topics ``p`` holds that never
    move (mandatory topics). Participants are numbered in id order.
    """
    seek: dict[Key, set[int]] = {}  # holds x, gains by taking y instead
    give: dict[Key, set[int]] = {}  # holds y, loses exactly that by taking x instead
    mine: dict[int, list[tuple[Key, bool]]] = {}

    def file(p: int) -> list[Key]:
        out: list[Key] = []
        entries: list[tuple[Key, bool]] = []
        own = options(p)
        items = held[p]
        for x in items:
            cx = own[x]
            rx = role(x)
            others = set(fixed.get(p, frozenset()))
            for h in items:
                if h != x:
                    others |= touches(h)
            for y, cy in own.items():
                if cy == cx or y == x or role(y) != rx or y in items or touches(y) & others:
                    continue
                if cy < cx:
                    key: Key = (x, y, cx - cy)
                    seek.setdefault(key, set()).add(p)
                    entries.append((key, True))
                else:
                    key = (y, x, cy - cx)
                    give.setdefault(key, set()).add(p)
                    entries.append((key, False))
                out.append(key)
        mine[p] = entries
        return out

    def unfile(p: int) -> None:
        for key, seeking in mine.pop(p):
            (seek if seeking else give)[key].discard(p)

    for p in sorted(held):
        file(p)
    dirty = {key for key in seek if key in give}
    moved = False

    def order(key: Key) -> tuple[object, object, int]:
        return (sort_key(key[0]), sort_key(key[1]), key[2])

    while dirty:
        batch = sorted(dirty, key=order)
        dirty = set()
        for key in batch:
            seekers, givers = seek.get(key), give.get(key)
            if not seekers or not givers:
                continue
            a, b = min(seekers), max(givers)
            if a >= b:
                continue
            x, y, _gain = key
            unfile(a)
            unfile(b)
            held[a] = [y if i == x else i for i in held[a]]
            held[b] = [x if i == y else i for i in held[b]]
            dirty.update(k for k in file(a) + file(b) if seek.get(k) and give.get(k))
            dirty.add(key)
            moved = True
    return moved


def swap_stable_single(cost: Any, held: Any) -> Any:
    """:func:`swap_stable` when every participant holds at most one movable item, vectorised.

    ``cost[p, i]`` is participant ``p``'s cost for item ``i`` (whole numbers; ``inf``: not allowed), ``held[p]``
    the item it holds (``-1``: none, or nothing movable); participants are rows in id order. Every
    round files all moves at once (givers only under a move some seeker wants: the others cannot
    pair), finds the buckets with a seeker below a giver, pairs off each
    such bucket's seekers (smallest ids first) with its givers (largest ids first), one exchange
    per participant and round (buckets in sorted order), and repeats until no bucket has one.
    Returns the new ``held``.
    """
    import numpy as np

    held = np.array(held)  # a copy, exchanged in place (the callers' arrays are int64 already)
    rows = np.flatnonzero(held >= 0)
    m = cost.shape[1]
    sub = cost[rows]
    while True:
        mine = held[rows]
        own = sub[np.arange(len(rows)), mine]  # finite: what one holds is allowed
        diff = own[:, None] - sub  # what each participant gains by taking item i instead (-inf: not allowed)
        si, sy = np.nonzero(diff > 0)  # seekers: holding x, gaining by y
        if not len(si):
            return held
        # givers (holding y, losing by x) matter only for a move x → y some seeker wants: at an
        # optimum seekers are few and givers nearly everybody, so the rest are not filed at all
        wanted = np.zeros((m, m), dtype=bool)
        wanted[sy, mine[si]] = True
        gi, gx = np.nonzero(wanted[mine] & (diff < 0) & np.isfinite(diff))
        if not len(gi):
            return held
        gain = np.rint(diff[si, sy]).astype(np.int64)
        loss = np.rint(-diff[gi, gx]).astype(np.int64)
        # a bucket (x, y, gain) is coded (x * m + y) * width + gain - 1: gains are 1 … width
        width = int(max(np.max(gain), np.max(loss)))
        s_code = (held[rows[si]] * m + sy) * width + gain - 1
        g_code = (gx * m + held[rows[gi]]) * width + loss - 1
        if m * m * width <= 1 << 22:  # few buckets: index them directly (no sort)
            codes = np.arange(m * m * width)
            s_at, g_at = s_code, g_code
        else:
            codes, inverse = np.unique(np.concatenate([s_code, g_code]), return_inverse=True)
            s_at, g_at = inverse[: len(s_code)], inverse[len(s_code) :]
        # each bucket's smallest seeker (``len(held)``: none) and, if larger, its largest giver: a
        # bucket is open when that giver is above that seeker
        low = np.full_like(codes, len(held))
        np.minimum.at(low, s_at, rows[si])
        high = low.copy()
        np.maximum.at(high, g_at, rows[gi])
        open_ = np.flatnonzero(low < high)
        if not len(open_):
            return held
        # the open buckets' seekers (ascending) and givers (descending), paired off from the ends;
        # a seeker not below its bucket's largest giver (a giver not above its smallest seeker)
        # pairs with nobody there, so it is left out before the members are listed (and so is
        # every member of a closed bucket)
        s_who, g_who = rows[si], rows[gi]
        s_keep = s_who < high[s_at]
        g_keep = g_who > low[g_at]
        seekers = _members(s_at[s_keep], s_who[s_keep], open_, s_who[s_keep])
        givers = _members(g_at[g_keep], g_who[g_keep], open_, -g_who[g_keep])
        used: set[int] = set()  # one exchange per participant and round: the others are filed anew
        for k in open_.tolist():  # ascending codes: buckets in (x, y, gain) order
            x, y = divmod(int(codes[k]) // width, m)
            ss, gs = seekers[k], givers[k]
            i = j = 0
            while i < len(ss) and j < len(gs):
                a, b = ss[i], gs[j]
                if a in used:
                    i += 1
                elif b in used:
                    j += 1
                elif a >= b:
                    break
                else:  # both are skipped as used next
                    held[a], held[b] = y, x
                    used.update((a, b))


def _members(at: Any, who: Any, buckets: Any, key: Any) -> dict[int, list[int]]:
    """For each bucket in ``buckets``: the participants filed in it (``at``: every one's bucket, all
    among ``buckets``), in the order of ``key`` (one per participant)."""
    import numpy as np

    order = np.lexsort((key, at))
    out: dict[int, list[int]] = {int(k): [] for k in buckets.tolist()}
    ps = who[order].tolist()
    for i, k in enumerate(at[order].tolist()):
        out[k].append(ps[i])
    return out


def swap_stable_levels(holds: Any, level: Any, up: Any) -> tuple[Any, bool]:
    """:func:`swap_stable` for several topics each where every exchange is at one price level, on bit sets.

    ``holds[r, t]`` whether row ``r`` (participants in id order) holds topic ``t`` as a movable
    item, ``level[r, t]`` whether ``t`` is one of the topics it can exchange (every held movable
    topic among them), ``up[x, y]`` whether trading ``x`` for ``y`` gains (the same for every row:
    the gain is the difference of the topics' prices, :func:`.flow.boundary`), all three boolean
    arrays. Topics are columns in id order. Then a key ``(x, y, gain)`` of :func:`swap_stable` is
    the pair ``(x, y)``, its seekers the rows holding ``x`` and free to take ``y``, its givers those
    holding ``y`` and free to take ``x``; the pairs are processed exactly as there (batches of dirty pairs in order, the
    smallest seeker with the largest giver, the pairs the two are filed under after an exchange
    dirty again), so the result is the same. A topic's holders (and those free to take it) are one
    integer's bits, so the smallest seeker and the largest giver are a bit operation each. Returns
    the new ``holds`` and whether anything moved.
    """
    import numpy as np

    free = level & ~holds
    m = holds.shape[1]
    can_np = np.matmul(holds.T, free, dtype=np.int64)  # can[x, y]: rows holding x, free to take y
    start = up & (can_np > 0) & (can_np.T > 0)
    if not start.any():  # also with one row: it is free only for what it does not hold
        return holds.copy(), False
    h, f = _row_bits(holds.T), _row_bits(free.T)  # rows, by topic
    hr, fr = _row_bits(holds), _row_bits(free)  # topics, by row
    can, ups = can_np.tolist(), up.tolist()
    flip_r: list[int] = []  # the exchanges' cells (row, topic), each turned over
    flip_t: list[int] = []

    @functools.cache  # a bit set's topics, found once
    def each(mask: int) -> list[int]:
        return [t for t in range(m) if mask >> t & 1]

    dirty = set(map(tuple, np.argwhere(start).tolist()))
    while dirty:
        batch = sorted(dirty)
        dirty = set()
        for x, y in batch:
            if not (can[x][y] and can[y][x]):
                continue
            seek, give = h[x] & f[y], h[y] & f[x]
            a = (seek ^ (seek - 1)).bit_length() - 1  # the smallest seeker (its bit and those below)
            b = give.bit_length() - 1  # the largest giver
            if a >= b:
                continue
            # a gives x and takes y, b the other way round: what else they hold (may take) moves
            # between the columns (rows) x and y of ``can``
            xy = 1 << x | 1 << y
            for t in each(hr[a] & ~xy):
                can[t][x] += 1
                can[t][y] -= 1
            for t in each(hr[b] & ~xy):
                can[t][y] += 1
                can[t][x] -= 1
            for t in each(fr[a] & ~xy):
                can[y][t] += 1
                can[x][t] -= 1
            for t in each(fr[b] & ~xy):
                can[x][t] += 1
                can[y][t] -= 1
            flip_r += (a, a, b, b)
            flip_t += (x, y, x, y)
            ab = 1 << a | 1 << b
            h[x] ^= ab
            h[y] ^= ab
            f[x] ^= ab
            f[y] ^= ab
            for r in (a, b):
                hr[r] ^= xy
                fr[r] ^= xy
                for t in each(hr[r]):  # the pairs it seeks or gives for, open ones dirty again
                    for u in each(fr[r]):
                        if can[t][u] and can[u][t] and (ups[t][u] or ups[u][t]):
                            dirty.add((t, u) if ups[t][u] else (u, t))
            dirty.add((x, y))
    out = holds.copy()
    np.logical_xor.at(out, (flip_r, flip_t), True)
    return out, bool(flip_r)


def _row_bits(matrix: Any) -> list[int]:
    """Each row of a boolean matrix as an integer: bit ``j`` set where the row is true in column ``j``."""
    import numpy as np

    if matrix.shape[1] < 64:  # bits 0 … 62 fit an int64 (64 columns would need bit 63)
        return (matrix.astype(np.int64) @ np.array([1 << j for j in range(matrix.shape[1])])).tolist()  # type: ignore[no-any-return]
    packed = np.packbits(matrix, axis=1, bitorder="little")
    return [int.from_bytes(row.tobytes(), "little") for row in packed]
