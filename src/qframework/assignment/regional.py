"""Regional plans: groups and topics under one trade-off between travel and preference.

Two ways to plan, both under the same :class:`~qframework.assignment.rules.AssignmentRules`:

- ``joint``: every group and its topic bundle are chosen together, minimising
  ``rank cost + distance_km / km_per_rank``. With groups of at most four and from
  :data:`GENERATE_FROM` participants, column generation (:mod:`.colgen`) runs first, from the
  heuristic plan below: exact pair pricing, the MILP over the generated columns, and reduced-cost
  fixing, which proves the plan optimal where the columns within the margin fit; else its LP gives
  the bound. Otherwise (or when that proof fails) exact by set partitioning over every candidate group
  (all member sets of an allowed size) × bundle, solved by HiGHS, while the candidates fit
  (:data:`MAX_GROUPS`; 60 participants with groups of 3–4); above that a local search from the
  best of the preferences-first plan, the groups-first plan and exact plans of pieces of the map
  (without capacities), with a lower bound (the exact rank
  optimum of stage 1 plus every member's mean distance to its nearest possible fellow members).
- ``groups-first``: as few groups as the sizes allow, formed by
  distance alone (exact set partitioning while the candidates fit, else the greedy-and-swap
  grouping), then each group gets the bundle that minimises its members' total rank under the
  capacities (an exact MILP over group × bundle).

A member's distance is its mean distance to its fellow members (great-circle km, plus
``regional_weight`` when regions differ); ``distance_km`` is the sum over grouped members.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InfeasibleAssignment
from . import colgen
from .program import columns, solve_topics, topic_bundles
from .result import Optimality
from .rules import AssignmentRules, Bounds, Participant

if TYPE_CHECKING:
    import numpy as np

    Array = np.ndarray[Any, Any]

__all__ = ["MAX_GROUPS", "MODES", "Plan", "distance_matrix", "plan_regional", "travel"]

MODES = ("joint", "groups-first")
# The exact set partitioning enumerates every candidate group; above this many it is not attempted.
MAX_GROUPS = 600_000
# Candidate group × bundle columns handed to the LP at most (capacities keep every bundle).
MAX_COLUMNS = 4_000_000
# Up to this many columns the MILP is solved directly; above, LP reduced costs prune first.
DIRECT_MILP = 60_000
LOCAL_ROUNDS = 20
# The heuristic plans pieces of the map of at most this many participants exactly.
PIECE = 36
NEAR_GROUPS = 8
# From this many participants (groups of at most four) the joint mode tries column generation first.
GENERATE_FROM = 24

# (groups as member indices with their bundle index, or None for a group left out), optimality
Plan = tuple[list[tuple[list[int], int | None]], Optimality]


def distance_matrix(people: Sequence[Participant], regional_weight: float) -> Array:
    """Pairwise distances: great-circle km (when both have a location) + ``regional_weight`` if regions differ."""
    from .grouping import _distances

    return _distances(people, regional_weight)


def travel(members: Sequence[int], dist: Array) -> float:
    """The group's distance: the sum over members of their mean distance to the fellow members."""
    s = len(members)
    if s < 2:
        return 0.0
    idx = list(members)
    return float(dist[idx][:, idx].sum()) / (s - 1)


class _Instance:
    """Participants × bundles: the cost of each member taking each bundle (``inf``: not allowed)."""

    def __init__(self, people: Sequence[Participant], rules: AssignmentRules) -> None:
        import numpy as np

        assert rules.groups is not None
        self.people, self.rules, self.size = people, rules, rules.groups.size
        self.bundles = topic_bundles(rules)
        key = {(req + opt, req): b for b, (req, opt) in enumerate(self.bundles)}
        self.cost = np.full((len(people), len(self.bundles)), np.inf)
        for c in columns(people, rules):
            self.cost[c.p, key[(c.topics, c.required)]] = c.cost
        self.dist = distance_matrix(people, rules.groups.regional_weight)
        mandatory = set(rules.mandatory_topics)
        self.capacity = [
            (t, rules.capacity_of(t))
            for t in sorted(rules.topic_ids)
            if rules.capacity_of(t).min > 0 or rules.capacity_of(t).max is not None
        ]
        self.distinct = (
            sorted({b for t in rules.topic_ids if t not in mandatory for b in rules.covers(t) if b not in mandatory})
            if rules.distinct_required
            else []
        )
        # with neither capacities nor distinct required topics, every group simply takes its best bundle
        self.simple = not self.capacity and not self.distinct

    def uses(self, b: int, t: str) -> bool:
        req, opt = self.bundles[b]
        return t in req + opt

    def requires(self, b: int, t: str) -> bool:
        return any(t in self.rules.covers(r) for r in self.bundles[b][0] if r not in self.rules.mandatory_topics)

    def best_bundle(self, members: Sequence[int]) -> tuple[float, int | None]:
        import numpy as np

        total = self.cost[list(members)].sum(axis=0)
        b = int(np.argmin(total))
        return (float(total[b]), b) if np.isfinite(total[b]) else (math.inf, None)


def plan_regional(people: Sequence[Participant], rules: AssignmentRules, mode: str) -> Plan:
    """Plan groups and topics regionally (``people`` sorted by id); see the module docstring."""
    assert rules.groups is not None
    inst = _Instance(people, rules)
    if mode == "groups-first":
        return _groups_first(inst)
    kpr = rules.objective.km_per_rank
    assert kpr is not None
    generated = None
    if colgen.applies(inst) and len(people) >= GENERATE_FROM:
        # column generation proves most plans of this size faster than enumerating every group
        generated = _joint_heuristic(inst, kpr)
        if generated[1].exact:
            return generated
    exact = _set_partition(inst, kpr, fixed_count=None)
    if exact is not None:
        return exact
    return generated if generated is not None else _joint_heuristic(inst, kpr)


# ----------------------------------------------------------------------------- exact


def _candidate_groups(n: int, size: Bounds, limit: int) -> list[Array] | None:
    """Every member set of an allowed size, one array per size; ``None`` when there are more than ``limit``."""
    import numpy as np

    top = n if size.max is None else min(size.max, n)
    sizes = range(max(size.min, 1), top + 1)
    if sum(math.comb(n, s) for s in sizes) > limit:
        return None
    # every size lies within 1..n, so each has at least one member set (a 2-d array)
    return [np.array(list(itertools.combinations(range(n), s))) for s in sizes]


def _group_travel(groups: Array, dist: Array) -> Array:
    import numpy as np

    s = groups.shape[1]
    total = np.zeros(groups.shape[0])
    for a, b in itertools.combinations(range(s), 2):
        total += dist[groups[:, a], groups[:, b]]
    out: Array = 2 * total / (s - 1) if s > 1 else total
    return out


def _set_partition(inst: _Instance, kpr: float | None, fixed_count: int | None) -> Plan | None:
    """The exact plan by set partitioning; ``None`` if the candidates do not fit.

    ``kpr = None``: distance only (groups-first: bundles are chosen afterwards), with exactly
    ``fixed_count`` groups.
    """
    import numpy as np

    n = len(inst.people)
    if n == 0:
        return None
    cands = _candidate_groups(n, inst.size, MAX_GROUPS)
    if cands is None:
        return None
    members: list[Array] = []
    bundle: list[Array] = []
    cost: list[Array] = []
    km: list[Array] = []
    for groups in cands:
        trav = _group_travel(groups, inst.dist)
        if kpr is None:  # groups only: their topics are chosen afterwards
            members.append(groups)
            cost.append(trav)
            km.append(trav)
            continue
        rank = inst.cost[groups].sum(axis=1)  # groups × bundles
        if inst.simple:
            b = np.argmin(rank, axis=1)
            r = rank[np.arange(len(groups)), b]
            ok = np.isfinite(r)
            members.append(groups[ok])
            bundle.append(b[ok])
            cost.append(r[ok] + trav[ok] / kpr)
            km.append(trav[ok])
        else:
            gi, b = np.nonzero(np.isfinite(rank))
            members.append(groups[gi])
            bundle.append(b)
            cost.append(rank[gi, b] + trav[gi] / kpr)
            km.append(trav[gi])
        if sum(len(m) for m in members) > MAX_COLUMNS:
            return None
    left = _left_out(inst) if kpr is None else 0
    unassigned = (kpr is not None and inst.rules.allow_unassigned) or left > 0
    solved = _solve_partition(inst, members, bundle, cost, unassigned, fixed_count, kpr, left or None)
    if solved is None:
        if kpr is None:
            return None
        raise _infeasible(inst)
    chosen, value = solved
    plan: list[tuple[list[int], int | None]] = []
    distance = 0.0
    placed: set[int] = set()
    for s, i in chosen:
        ms = [int(m) for m in members[s][i]]
        plan.append((ms, None if kpr is None else int(bundle[s][i])))
        distance += float(km[s][i])
        placed.update(ms)
    for p in range(n):
        if p not in placed:
            plan.append(([p], None))
    mode = "groups-first" if kpr is None else "joint"
    return plan, Optimality(mode, value, value, True, distance, kpr)


def _solve_partition(
    inst: _Instance,
    members: list[Array],
    bundle: list[Array],
    cost: list[Array],
    unassigned: bool,
    fixed_count: int | None,
    kpr: float | None,
    left_out: int | None = None,
) -> tuple[list[tuple[int, int]], float] | None:
    """Solve the set partitioning; return the chosen (size block, row) pairs and the objective.

    ``left_out`` (groups-first): exactly that many participants stay ungrouped, at no cost.
    """
    import numpy as np
    from scipy import sparse  # type: ignore[import-untyped]
    from scipy.optimize import linprog  # type: ignore[import-untyped]

    n = len(inst.people)
    offsets = np.cumsum([0] + [len(m) for m in members])
    n_cols = int(offsets[-1])
    n_u = n if unassigned else 0
    c = np.concatenate([*cost, np.full(n_u, 0.0 if left_out is not None else float(inst.rules.unassigned_cost))])
    rows: list[Array] = []
    cols: list[Array] = []
    vals: list[Array] = []
    lo: list[float] = [1.0] * n
    hi: list[float] = [1.0] * n
    for s, ms in enumerate(members):  # partition rows: each participant exactly once
        k = ms.shape[1]
        rows.append(ms.ravel())
        cols.append(np.repeat(np.arange(offsets[s], offsets[s + 1]), k))
        vals.append(np.ones(ms.size))
    if n_u:
        rows.append(np.arange(n))
        cols.append(np.arange(n_cols, n_cols + n))
        vals.append(np.ones(n))
    r = n
    # no candidate group at all (fewer participants than the smallest size): only the left-out columns
    empty = np.zeros(0, dtype=np.int64)
    all_b = np.concatenate([empty, *bundle])
    all_k = np.concatenate([empty, *(np.full(len(m), m.shape[1]) for m in members)])

    def add_row(mask: Array, weight: Array, low: float, high: float) -> None:
        nonlocal r
        idx = np.nonzero(mask)[0]
        rows.append(np.full(len(idx), r))
        cols.append(idx)
        vals.append(weight[idx])
        lo.append(low)
        hi.append(high)
        r += 1

    if kpr is not None:
        for t, cap in inst.capacity:
            uses = np.array([inst.uses(b, t) for b in range(len(inst.bundles))])
            add_row(uses[all_b], all_k, float(cap.min), math.inf if cap.max is None else float(cap.max))
        for t in inst.distinct:
            req = np.array([inst.requires(b, t) for b in range(len(inst.bundles))])
            add_row(req[all_b], np.ones(n_cols), 0.0, 1.0)
    if fixed_count is not None:
        everyone = np.ones(n_cols)
        add_row(everyone, everyone, float(fixed_count), float(fixed_count))
    if left_out is not None:
        ungrouped = np.concatenate([np.zeros(n_cols), np.ones(n_u)])
        add_row(ungrouped, ungrouped, float(left_out), float(left_out))
    n_vars = n_cols + n_u
    a = sparse.csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, n_vars))
    lo_a, hi_a = np.array(lo), np.array(hi)
    idx = np.arange(n_vars)
    if n_vars > DIRECT_MILP:  # pragma: no mutate (equivalent: both paths are exact; a speed switch)
        # LP bound and reduced costs: a column whose reduced cost exceeds (upper bound − LP bound)
        # cannot be in any solution better than the upper bound, so it is dropped before the MILP.
        eq = lo_a == hi_a
        le = ~eq & np.isfinite(hi_a)
        ge = ~eq & (lo_a > 0)
        res = linprog(
            c,
            A_eq=a[eq],
            b_eq=hi_a[eq],
            A_ub=sparse.vstack([a[le], -a[ge]]).tocsr(),
            b_ub=np.concatenate([hi_a[le], -lo_a[ge]]),
        )
        # an infeasible LP (status 2) leaves every column to the MILP below, which finds no plan either
        if res.status == 0:  # pragma: no mutate (equivalent: without the LP's duals nothing is pruned)
            n_le = int(le.sum())
            y = np.zeros(r)
            y[eq] = res.eqlin.marginals
            y[le] = res.ineqlin.marginals[:n_le]
            y[ge] -= res.ineqlin.marginals[n_le:]
            reduced = c - a.T @ y
            # an upper bound: the MILP over the columns of smallest reduced cost (the LP is nearly
            # integral on these instances), else the heuristic plan
            upper = None
            for slack in (0.5, 2.0):  # pragma: no mutate (equivalent: any slack gives a valid upper bound)
                few = np.nonzero(reduced <= slack)[0]
                if len(few) <= DIRECT_MILP:
                    found = _milp(c, a, lo_a, hi_a, few)
                    if found is not None:
                        upper = float(c[few] @ found)
                        break
            if upper is None:
                upper = _upper_bound(inst, kpr)
            if upper is not None:
                idx = np.nonzero(reduced <= upper - res.fun + 1e-6 * max(1.0, abs(upper)))[0]
    found = _milp(c, a, lo_a, hi_a, idx)
    if found is None:
        return None
    x = np.zeros(n_vars)
    x[idx] = found
    chosen = []
    for j in np.nonzero(x[:n_cols])[0]:  # the MILP's values are rounded to 0 or 1
        s = int(np.searchsorted(offsets, j, side="right") - 1)
        chosen.append((s, int(j - offsets[s])))
    return chosen, float(c @ x)


def _milp(c: Array, a: Any, lo: Array, hi: Array, idx: Array) -> Array | None:
    """Solve the 0/1 program restricted to the columns ``idx``; their values, or ``None`` if infeasible."""
    import numpy as np
    from scipy.optimize import LinearConstraint, milp

    if len(idx) == 0:  # no candidate column at all (no group can take any topic): nothing to solve
        return None
    res = milp(
        c[idx],
        constraints=LinearConstraint(a[:, idx], lo, hi),
        integrality=np.ones(len(idx)),
        # no upper bounds needed: every column takes part in some participant's row (= 1)
        options={"mip_rel_gap": 1e-9, "presolve": False},
    )
    if res.status != 0 or res.x is None:
        return None
    out: Array = np.round(res.x)
    return out


def _upper_bound(inst: _Instance, kpr: float | None) -> float | None:
    """The objective of a heuristic plan (for pruning), or ``None`` if none is found; ``kpr = None``: the
    distance of the greedy grouping into as few groups as the sizes allow."""
    try:
        if kpr is None:
            groups = _distance_groups(inst)
            return sum(travel(g, inst.dist) for g in groups)
        plan, _opt = _joint_heuristic(inst, kpr)
        return _objective(inst, plan, kpr)
    except InfeasibleAssignment:
        return None


# ----------------------------------------------------------------------------- groups first


def _left_out(inst: _Instance) -> int:
    """How many participants groups-first leaves ungrouped: with ``allow_unassigned``, the fewest that let
    the others split into groups of the allowed sizes (without it, such an instance is refused earlier)."""
    from .program import splittable

    n = len(inst.people)
    grouped = n
    if inst.rules.allow_unassigned:
        while not splittable(grouped, inst.size):  # nobody (0) is always splittable: the loop ends
            grouped -= 1
    return n - grouped


def _distance_groups(inst: _Instance) -> list[list[int]]:
    """As few groups as the sizes allow, of balanced sizes, regionally compact (greedy, then swaps); the
    members to leave out (:func:`_left_out`) are the most remote, by total distance to everyone else."""
    import numpy as np

    from .grouping import form_groups

    members = list(range(len(inst.people)))
    left = _left_out(inst)
    if left:
        remote = set(np.argsort(-inst.dist.sum(axis=1), kind="stable")[:left].tolist())
        members = [m for m in members if m not in remote]
    if not members:
        return []
    return form_groups(members, inst.people, inst.size, inst.rules.groups.regional_weight)  # type: ignore[union-attr]


def _fewest_groups(n: int, size: Bounds) -> int:
    return 1 if size.max is None else -(-n // size.max)


def _groups_first(inst: _Instance) -> Plan:
    n = len(inst.people)
    kpr = inst.rules.objective.km_per_rank
    left = _left_out(inst)
    fixed = _fewest_groups(n - left, inst.size)
    exact = _set_partition(inst, None, fixed) if n > left else None  # None also for too many candidates
    if exact is not None:
        # the plan lists the chosen groups, then everyone left out (exactly ``left``) alone
        groups = [ms for ms, _b in exact[0][: len(exact[0]) - left]]
        distance, bound, proven = exact[1].objective, exact[1].bound, True
    elif n == left:  # nobody can be grouped: the empty grouping is the only one
        groups, distance, bound, proven = [], 0.0, 0.0, True
    else:
        groups = _distance_groups(inst)
        distance = sum(travel(g, inst.dist) for g in groups)
        bound, proven = min(distance, _distance_bound(inst)), False
    plan = _with_left_out(inst, _bundles_for(inst, groups))
    # the objective is the grouping's own distance; distance_km counts only the groups given a topic
    grouped = sum(travel(g, inst.dist) for g, b in plan if b is not None)
    return plan, Optimality("groups-first", distance, bound, proven, grouped, kpr)


def _with_left_out(inst: _Instance, plan: list[tuple[list[int], int | None]]) -> list[tuple[list[int], int | None]]:
    """``plan`` with everyone it does not group listed alone without a topic, so that the objective counts
    their ``unassigned_cost`` (the heuristic compares plans by it, and the pruning uses it as a bound)."""
    placed = {m for g, _b in plan for m in g}
    return plan + [([p], None) for p in range(len(inst.people)) if p not in placed]


def _bundles_for(inst: _Instance, groups: list[list[int]]) -> list[tuple[list[int], int | None]]:
    """Each group's bundle minimising its members' total rank under capacities (exact MILP)."""
    import numpy as np
    from scipy import sparse
    from scipy.optimize import Bounds as VarBounds
    from scipy.optimize import LinearConstraint, milp

    if not groups:  # nobody grouped (everyone left out, or nobody at all): nothing to give a topic
        return []
    if inst.simple and not inst.rules.allow_unassigned:
        out: list[tuple[list[int], int | None]] = []
        for g in groups:
            _r, best = inst.best_bundle(g)
            if best is None:
                raise _infeasible(inst, groups=True)
            out.append((g, best))
        return out
    B = len(inst.bundles)
    var: list[tuple[int, int]] = []  # (group, bundle or -1: left out)
    c: list[float] = []
    for gi, g in enumerate(groups):
        rank = inst.cost[g].sum(axis=0)
        for b in range(B):
            if np.isfinite(rank[b]):
                var.append((gi, b))
                c.append(float(rank[b]))
        if inst.rules.allow_unassigned:
            var.append((gi, -1))
            c.append(float(inst.rules.unassigned_cost * len(g)))
    rows, cols, vals = [], [], []
    for j, (gi, _b) in enumerate(var):
        rows.append(gi)
        cols.append(j)
        vals.append(1.0)
    lo = [1.0] * len(groups)
    hi = [1.0] * len(groups)
    r = len(groups)
    for t, cap in inst.capacity:
        for j, (gi, b) in enumerate(var):
            if b >= 0 and inst.uses(b, t):
                rows.append(r)
                cols.append(j)
                vals.append(float(len(groups[gi])))
        lo.append(float(cap.min))
        hi.append(math.inf if cap.max is None else float(cap.max))
        r += 1
    for t in inst.distinct:
        for j, (_gi, b) in enumerate(var):
            if b >= 0 and inst.requires(b, t):
                rows.append(r)
                cols.append(j)
                vals.append(1.0)
        lo.append(0.0)
        hi.append(1.0)
        r += 1
    if not var:
        raise _infeasible(inst, groups=True)
    a = sparse.csr_array((vals, (rows, cols)), shape=(r, len(var)))
    res = milp(
        np.array(c),
        constraints=LinearConstraint(a, np.array(lo), np.array(hi)),
        integrality=np.ones(len(var)),
        bounds=VarBounds(np.zeros(len(var)), np.ones(len(var))),
        options={"presolve": False},
    )
    if res.status != 0 or res.x is None:
        raise _infeasible(inst, groups=True)
    out = []
    for jj in np.nonzero(np.round(res.x) > 0.5)[0]:
        gi, b = var[int(jj)]
        out.append((groups[gi], None if b < 0 else b))
    return out


def _distance_bound(inst: _Instance) -> float:
    """Every member's mean distance to its ``size.min − 1`` nearest others: a lower bound on ``distance_km``.

    A member of a group of size s has s − 1 fellow members; their mean distance is at least the
    mean of its s − 1 nearest, which grows with s, so the smallest allowed size gives the bound.
    """
    import numpy as np

    k = inst.size.min - 1
    n = len(inst.people)
    if n <= 1 or k < 1 or inst.rules.allow_unassigned:  # a member alone (or left out) travels 0 km
        return 0.0
    k = min(k, n - 1)
    d = inst.dist + np.diag(np.full(n, np.inf))
    nearest = np.partition(d, k - 1, axis=1)[:, :k]
    return float(nearest.mean(axis=1).sum())


# ----------------------------------------------------------------------------- joint heuristic


def _objective(inst: _Instance, plan: list[tuple[list[int], int | None]], kpr: float) -> float:
    total = 0.0
    for g, b in plan:
        if b is None:
            total += inst.rules.unassigned_cost * len(g)
        else:
            total += float(inst.cost[g, b].sum()) + travel(g, inst.dist) / kpr
    return total


def _joint_heuristic(inst: _Instance, kpr: float) -> Plan:
    """Local search from the better of the preferences-first and the groups-first plan, with a bound."""
    from .solve import _build

    people, rules = inst.people, inst.rules
    generate = colgen.applies(inst)
    starts: list[list[tuple[list[int], int | None]]] = []
    try:
        # column generation improves on any start: the greedy grouping, not the exact one, will do
        starts.append(
            _with_left_out(inst, _bundles_for(inst, _distance_groups(inst))) if generate else _groups_first(inst)[0]
        )
    except InfeasibleAssignment:
        pass
    solution = solve_topics(people, rules)
    rank_bound = 0.0
    if solution is not None:
        cols, chosen = solution
        first = _build(people, rules, cols, chosen, ties=False)  # its groups keep the chosen columns
        rank_bound = float(first.cost or 0)
        index = {p.id: i for i, p in enumerate(people)}
        key = {(req + opt, req): b for b, (req, opt) in enumerate(inst.bundles)}
        plan: list[tuple[list[int], int | None]] = []
        for g in first.groups:
            ms = [index[m] for m in g.members]
            col = next(cols[j] for j in chosen if cols[j].p == ms[0])
            plan.append((ms, key[(col.topics, col.required)]))
        plan += [([index[u]], None) for u in first.unassigned]
        starts.append(plan)
    if inst.simple and not rules.allow_unassigned and not generate:
        pieces = _by_region(inst)
        if pieces is not None:
            starts.append(pieces)
    if not starts:
        raise _infeasible(inst)
    best = min(starts, key=lambda pl: _objective(inst, pl, kpr))
    best = _local_search(inst, best, kpr)
    value = _objective(inst, best, kpr)
    bound = rank_bound + _distance_bound(inst) / kpr
    proven = False
    if generate:
        # the final step: column generation from this plan, its LP bound and the MILP over its columns
        generated = colgen.improve(inst, kpr, best, value)
        if generated is not None:
            plan, _value, lp_bound, proven = generated
            own = _objective(inst, plan, kpr)
            if own < value - 1e-9:
                best, value = plan, own
            bound = max(bound, lp_bound)
    if proven or value - bound < 1e-9:
        bound = value
    bound = min(value, bound)
    distance = sum(travel(g, inst.dist) for g, b in best if b is not None)
    return best, Optimality("joint", value, bound, value - bound < 1e-9, distance, kpr)


def _by_region(inst: _Instance) -> list[tuple[list[int], int | None]] | None:
    """Cut the map into pieces of at most :data:`PIECE` participants (each time across its longer
    side, a degree of longitude counted at 0.65 of a degree of latitude, at a point where both
    halves can form groups) and plan each piece exactly; the
    pieces are independent because no capacity couples them. ``None`` if a piece fails."""
    from .program import splittable

    people = inst.people
    out: list[tuple[list[int], int | None]] = []
    stack = [list(range(len(people)))]
    while stack:
        part = stack.pop()
        if len(part) <= PIECE:
            sub = _Instance.__new__(_Instance)
            sub.__dict__.update(inst.__dict__)
            sub.people = [people[i] for i in part]
            sub.cost = inst.cost[part]
            sub.dist = inst.dist[part][:, part]
            kpr = inst.rules.objective.km_per_rank
            try:
                solved = _set_partition(sub, kpr, fixed_count=None)
            except InfeasibleAssignment:
                return None
            if solved is None:
                return None
            out += [([part[m] for m in ms], b) for ms, b in solved[0]]
            continue
        located = [loc for i in part if (loc := people[i].location) is not None]
        spread = [max((x[a] for x in located), default=0.0) - min((x[a] for x in located), default=0.0) for a in (0, 1)]
        axis = 0 if spread[0] >= spread[1] * 0.65 else 1  # a degree of longitude is shorter in Germany
        order = sorted(part, key=lambda i: (people[i].location or (0.0, 0.0))[axis])
        half = len(order) // 2
        cut = next(
            (
                k
                for d in range(len(order))
                for k in (half - d, half + d)
                if 0 < k < len(order) and splittable(k, inst.size) and splittable(len(order) - k, inst.size)
            ),
            None,
        )
        if cut is None:
            return None
        stack += [order[:cut], order[cut:]]
    return out


def _local_search(
    inst: _Instance, plan: list[tuple[list[int], int | None]], kpr: float
) -> list[tuple[list[int], int | None]]:
    """Swap members between nearby groups (each keeps its bundle, so capacities hold) while the
    objective falls; without capacities, each group then re-takes its best bundle; repeat."""
    import numpy as np

    groups = [list(g) for g, b in plan if b is not None]
    bundles = [b for _g, b in plan if b is not None]
    left: list[tuple[list[int], int | None]] = [(g, b) for g, b in plan if b is None]
    dist, cost = inst.dist, inst.cost
    for _ in range(LOCAL_ROUNDS):
        improved = False
        if len(groups) > 1:
            centre = np.array([dist[g].mean(axis=0) for g in groups])  # centre[g, x]: x's mean distance to g
            between = np.array([centre[:, g].mean(axis=1) for g in groups])
            near = np.argsort(between, kind="stable")[:, 1 : NEAR_GROUPS + 1]
            for gi in range(len(groups)):
                for gj in (int(x) for x in near[gi]):
                    ga, gb = groups[gi], groups[gj]
                    ia, ib = np.array(ga), np.array(gb)
                    s_i = dist[:, ia].sum(axis=1)
                    s_j = dist[:, ib].sum(axis=1)
                    # a pair's km count twice over (s − 1) in a group of s; a group of one has d_i = 0
                    wi = 2 / max(len(ga) - 1, 1) / kpr
                    wj = 2 / max(len(gb) - 1, 1) / kpr
                    d_ab = dist[np.ix_(ia, ib)]
                    d_i = s_i[ib][None, :] - s_i[ia][:, None] - d_ab
                    d_j = s_j[ia][:, None] - s_j[ib][None, :] - d_ab
                    bi, bj = bundles[gi], bundles[gj]
                    rank = cost[ia, bj][:, None] - cost[ia, bi][:, None] + cost[ib, bi][None, :] - cost[ib, bj][None, :]
                    # every member's cost for its own group's bundle is finite, so no inf − inf: no NaN
                    delta = rank + wi * d_i + wj * d_j
                    k = int(np.argmin(delta))
                    if delta.flat[k] < -1e-9:
                        a_pos, b_pos = divmod(k, len(gb))
                        ga[a_pos], gb[b_pos] = gb[b_pos], ga[a_pos]
                        improved = True
        if inst.simple:
            for gi, g in enumerate(groups):
                r, better = inst.best_bundle(g)
                if better is not None and r < float(cost[g, bundles[gi]].sum()) - 1e-9:
                    bundles[gi] = better
                    improved = True
        if not improved:
            break
    kept: list[tuple[list[int], int | None]] = [(sorted(g), bundles[gi]) for gi, g in enumerate(groups)]
    return kept + left


def _infeasible(inst: _Instance, *, groups: bool = False) -> InfeasibleAssignment:
    if groups:
        return InfeasibleAssignment.of("group-topics", "infeasible.regional-groups")
    from .diagnose import diagnose

    return diagnose(inst.people, inst.rules)
