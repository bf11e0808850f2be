"""Stage 1 for the transportation case, as a min-cost flow over the few topic nodes (numpy; no HiGHS).

One topic each, no groups, no mandatory topics, upper capacities only: the program is a
transportation problem with ``n`` participants and ``m`` topics, ``m`` small (a dozen) and ``n``
large (thousands). A general solver — HiGHS, or a min-cost-flow code on the full participant ×
topic graph — works on all ``n × m`` arcs. Here the flow is pushed over the topics instead:

- Start from every participant's cheapest allowed topic (optimal for the problem without
  capacities, possibly over-full).
- The residual graph between topics: an arc ``s → t`` for each topic pair, of cost the smallest
  ``cost[p, t] − cost[p, s]`` over the participants ``p`` now on ``s`` (moving one of them), with
  as many units as participants reach that smallest value. Over-full topics are the sources,
  topics below their capacity the sinks.
- Successive shortest paths: Bellman–Ford over the ``m`` topic nodes from every over-full topic,
  then move participants along a shortest path to the nearest topic with room — as many at once
  as the path's tightest arc allows (all of them keep it shortest). Each augmentation keeps the
  assignment optimal for its own topic counts (no negative cycle), so once nothing is over-full it
  is optimal. The costs are integers, so every comparison is exact.

A path step costs a few array operations over the participants of the topics on the path; the
instances of the benchmark (12 topics, 600 to 20,000 participants) take about 20 augmentations.
The optimal topic prices (the duals, ``prices``) come from the same graph: a participant can be
part of a cost-neutral exchange only on topics where its cost plus the price is smallest
(:func:`tight`), which lets the tie rule (:mod:`.ties`) look at those participants only.
"""

from __future__ import annotations

import itertools
from typing import Any

# the cost of a topic a participant may not take: larger than any sum of real costs, far from overflow
_BAR = 1 << 40


def transport(cost: Any, ok: Any, hi: Any) -> Any | None:
    """An optimal assignment of one topic each: ``held[p]``, the topic given to participant ``p``;
    ``None`` if there is none.

    ``cost[p, t]`` (integers) is what participant ``p`` pays for topic ``t``, ``ok[p, t]`` whether
    it may take it at all, ``hi[t]`` the topic's capacity.
    """
    import numpy as np

    n, m = cost.shape
    hi = np.asarray(hi, dtype=np.int64)
    c = np.where(ok, cost, _BAR).astype(np.int64)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    held = np.argmin(c, axis=1)
    if np.any(c[np.arange(n), held] >= _BAR) or int(np.sum(hi)) < n:
        return None
    count = np.bincount(held, minlength=m)
    arc = np.full((m, m), _BAR, dtype=np.int64)  # cheapest move s → t of a participant on s
    room = np.zeros((m, m), dtype=np.int64)  # how many participants on s move at that cost
    members = [np.flatnonzero(held == s) for s in range(m)]

    def refresh(s: int) -> None:
        on = members[s]
        if not len(on):
            arc[s], room[s] = _BAR, 0
            return
        delta = c[on] - c[on, s][:, None]
        best = delta.min(axis=0)
        room[s] = np.count_nonzero(delta == best, axis=0)
        best[best >= _BAR // 2] = _BAR  # a topic none of them may take
        best[s] = _BAR
        arc[s] = best

    for s in range(m):
        refresh(s)
    steps = np.arange(m)
    while True:
        over = count - hi
        sources = np.flatnonzero(over > 0)
        if not len(sources):
            return held
        dist = np.full(m, _BAR, dtype=np.int64)
        dist[sources] = 0
        pred = np.full(m, -1, dtype=np.int64)
        for _ in range(m):  # Bellman–Ford: no negative cycle (the assignment is optimal for its counts)
            via = np.where(dist[:, None] < _BAR, dist[:, None] + arc, _BAR)
            frm = np.argmin(via, axis=0)
            best = via[frm, steps]
            better = best < dist
            if not better.any():
                break
            dist[better] = best[better]
            pred[better] = frm[better]
        free = hi - count
        targets = np.flatnonzero((free > 0) & (dist < _BAR))
        if not len(targets):
            return None  # some over-full topic reaches no topic with room: capacities cannot be met
        end = int(targets[np.argmin(dist[targets])])  # the first of the nearest (deterministic)
        path = [end]
        while pred[path[-1]] >= 0:
            path.append(int(pred[path[-1]]))
        path.reverse()
        units = min(int(over[path[0]]), int(free[end]))
        for s, t in itertools.pairwise(path):
            units = min(units, int(room[s, t]))
        for s, t in itertools.pairwise(path):
            on = members[s]
            movers = on[c[on, t] - c[on, s] == arc[s, t]][:units]  # the smallest indices first
            held[movers] = t
        for s in path:
            members[s] = np.flatnonzero(held == s)
            count[s] = len(members[s])
            refresh(s)


def prices(cost: Any, ok: Any, hi: Any, held: Any, lo: Any = None) -> Any:
    """Optimal topic duals of an optimal assignment ``held``: shortest distances in its residual graph.

    ``held`` is each participant's topic, or (several topics each) participants × topics, true
    where held. Nodes are the topics and a sink ``z``; ``s → t`` costs the cheapest move of a
    participant from ``s`` to a topic ``t`` it does not hold yet, a topic with room has an arc to
    ``z`` and ``z`` one to every topic holding somebody (both cost 0). With ``d`` the distances from
    all nodes at once (Bellman–Ford; there is no negative cycle at an optimum),
    ``price[t] = d[z] − d[t]`` (≥ 0, zero on a topic with room): every participant holds topics
    where ``cost[p, t] + price[t]`` is smallest for it (:func:`tight`, :func:`boundary`). ``lo``:
    the capacities' minimums (default 0); ``z`` has an arc to a topic only above its minimum.
    """
    import numpy as np

    n, m = cost.shape
    hi = np.asarray(hi, dtype=np.int64)
    c = np.where(ok, cost, _BAR).astype(np.int64)
    if held.ndim == 1:
        holds = np.zeros((n, m), dtype=bool)
        holds[np.arange(n), held] = True
    else:
        holds = held
    count = np.count_nonzero(holds, axis=0)
    w = np.full((m + 1, m + 1), _BAR, dtype=np.int64)
    s_of, p_of = np.nonzero(holds.T)  # every topic held, by topic: its holders
    if len(s_of):
        delta = c[p_of] - c[p_of, s_of][:, None]  # a holder's move from s to each topic
        delta[holds[p_of]] = _BAR  # a topic it holds already (s itself among them)
        starts = np.flatnonzero(np.r_[True, s_of[1:] != s_of[:-1]])
        best = np.minimum.reduceat(delta, starts, axis=0)  # the cheapest move per topic held
        best[best >= _BAR // 2] = _BAR
        w[s_of[starts], :m] = best
    w[:m, m] = np.where(count < hi, 0, _BAR)
    w[m, :m] = np.where(count > (0 if lo is None else np.asarray(lo)), 0, _BAR)
    d = np.zeros(m + 1, dtype=np.int64)
    for _ in range(m + 2):
        nearer = np.minimum(d, np.min(np.where(d[:, None] < _BAR, d[:, None] + w, _BAR), axis=0))
        if np.array_equal(nearer, d):
            break
        d = nearer
    else:  # pragma: no cover - an optimum has no negative cycle
        raise AssertionError("not an optimum: the residual graph has a negative cycle")
    out: Any = d[m] - d[:m]
    return out


def tight(cost: Any, ok: Any, prices: Any) -> Any:
    """Where ``cost[p, t] + prices[t]`` is smallest for ``p`` among the topics it may take.

    At an optimum every participant holds such a topic, and an exchange of two participants keeps
    the total cost exactly when each takes a topic tight for it (the reduced costs of both moves are
    zero): a participant tight on one topic only is never part of an exchange of the tie rule.
    """
    import numpy as np

    reduced = np.where(ok, cost + prices[None, :], _BAR)
    out: Any = reduced == reduced.min(axis=1)[:, None]
    return out


def canonical(cost: Any, ok: Any, hi: Any, held: Any, price: Any) -> Any:
    """The optimum that is smallest by id: among all optimal assignments, the one where the
    participant with the smallest id pays least (of equally cheap topics: the first by topic
    id), then the next one, and so on — unique, whichever optimum ``held`` the solver found.

    ``held`` is an optimum and ``price`` its topic duals (:func:`prices`). The optimal
    assignments are exactly those that give everybody a topic :func:`tight` for it and keep every
    priced topic full. Participants tight on one topic only keep it. The others, in id order,
    take the first of their tight topics (by cost, then id) that the rest can still be fitted
    around; whether they can is a path search over the topics: the participant takes topic
    ``o``, and a path of moves of participants not yet placed (each to a topic tight for it),
    or a topic taking one more (room, no price) or one fewer (no price), makes up for it.
    Participants with the same tight topics are interchangeable while not placed, so they are
    counted, not listed: the path search runs on counts, and a path found moves as many as it
    can at once (any optimum will do as the state; the answer does not depend on it). A topic
    that cannot be given to one of them cannot be given to any later one of them (placing more
    only narrows what is left), so each kind of participant steps through its topics once.

    Smallest by id implies swap-stable by id: an exchange of the tie rule would give the smaller
    participant a cheaper topic at the same total.
    """
    import numpy as np

    n, m = cost.shape
    out: Any = np.array(held, dtype=np.int64)
    on = tight(cost, ok, price)
    if n and not np.all(on[np.arange(n), out]):  # pragma: no cover - held is an optimum
        raise AssertionError("not an optimum: somebody holds a topic not tight for it")
    multi = np.flatnonzero(np.count_nonzero(on, axis=1) > 1)
    if not len(multi):
        return out
    if m <= 62:  # the tight sets as bit codes: a plain sort instead of one over rows
        codes, kind = np.unique(on[multi] @ (np.int64(1) << np.arange(m, dtype=np.int64)), return_inverse=True)
        masks = (codes[:, None] >> np.arange(m, dtype=np.int64)) & 1 == 1
    else:
        masks, kind = np.unique(on[multi], axis=0, return_inverse=True)
    kind = kind.reshape(-1)
    k_count = len(masks)
    pool_np = np.zeros((m, k_count), dtype=np.int64)  # participants not yet placed, by topic held and kind
    np.add.at(pool_np, (out[multi], kind), 1)
    pool: list[list[int]] = pool_np.tolist()
    edge: list[list[int]] = (pool_np @ masks.astype(np.int64)).tolist()  # movable from s to t
    count = np.bincount(out, minlength=m).tolist()
    hi_l = [int(x) for x in hi]
    free_price = [int(x) == 0 for x in price]
    order = sorted(range(m), key=lambda t: (-int(price[t]), t))  # cheaper for a kind = higher price
    tops = [[t for t in order if masks[k, t]] for k in range(k_count)]
    kinds_to = [[k for k in range(k_count) if masks[k, t]] for t in range(m)]
    at = [0] * k_count
    z = m

    def take(s: int, k: int, x: int, t: int) -> None:
        pool[s][k] -= x
        pool[t][k] += x
        for u in tops[k]:
            edge[s][u] -= x
            edge[t][u] += x

    def path(o: int, k: int) -> list[int] | None:
        """Topics from ``o`` to one holding a participant of kind ``k`` (z: a count change)."""
        pred = {o: -1}
        queue = [o]
        for v in queue:
            if v == z:
                nxt = [w for w in range(m) if free_price[w] and count[w] > 0]
            else:
                if v != o and pool[v][k] > 0:
                    found = [v]
                    while pred[found[-1]] >= 0:
                        found.append(pred[found[-1]])
                    return found[::-1]
                row = edge[v]
                nxt = [w for w in range(m) if row[w] > 0 and w != v]
                if free_price[v] and count[v] < hi_l[v]:
                    nxt.append(z)
            for w in nxt:
                if w not in pred:
                    pred[w] = v
                    queue.append(w)
        return None

    def units(s: int, t: int) -> int:
        if t == z:
            return hi_l[s] - int(count[s])
        if s == z:
            return int(count[t])
        return edge[s][t]

    for p, k in zip(multi.tolist(), kind.tolist(), strict=True):
        while True:
            o = tops[k][at[k]]
            if pool[o][k] > 0:
                break
            route = path(o, k)
            if route is None:
                at[k] += 1  # closed for this kind from now on
                continue
            end = route[-1]
            x = min([pool[end][k]] + [units(s, t) for s, t in itertools.pairwise(route)])
            for s, t in itertools.pairwise(route):  # o makes room along the path ...
                if z in (s, t):
                    continue
                left = x
                for j in kinds_to[t]:
                    if left == 0:
                        break
                    moved = min(left, pool[s][j])
                    if moved:
                        take(s, j, moved, t)
                        left -= moved
                count[s] -= x
                count[t] += x
            take(end, k, x, o)  # ... for kind k from the end of the path
            count[end] -= x
            count[o] += x
            break
        pool[o][k] -= 1
        for u in tops[k]:
            edge[o][u] -= 1
        out[p] = o
    return out


def boundary(cost: Any, ok: Any, holds: Any, price: Any) -> tuple[Any, Any]:
    """Several topics each: who can take part in an exchange that keeps the total cost, and with
    which topics. ``holds`` is participants × topics (an optimum), ``price`` its duals.

    At an optimum a participant's held topics are its cheapest under ``cost + price``. An exchange
    (``a`` gives ``x`` for ``y``, ``b`` gives ``y`` for ``x``) changes the total by the reduced
    costs of both moves, each ≥ 0, so it keeps the total exactly when, for both, the topic given
    and the topic taken cost the same under ``cost + price``: the most a participant pays for a
    held topic equals the least it pays for one it does not hold, and both topics are at that
    level. Returns the rows (participants) where that is so and, for them, the topics at the level.
    """
    import numpy as np

    reduced = np.where(ok, cost + price[None, :], _BAR)
    top = np.max(np.where(holds, reduced, -_BAR), axis=1)
    low = np.min(np.where(holds, _BAR, reduced), axis=1)
    if np.any(top > low):  # pragma: no cover - holds is an optimum
        raise AssertionError("not an optimum: somebody holds a topic dearer than one it does not")
    rows = np.flatnonzero((top == low) & (low < _BAR))
    return rows, reduced[rows] == top[rows, None]
