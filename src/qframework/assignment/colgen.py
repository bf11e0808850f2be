"""Column generation for the joint regional plan (groups of at most four; issue 29).

The joint plan is a set partitioning: every candidate group × bundle is a column costing its
members' ranks + its travel / ``km_per_rank``. Above the exact enumeration's size the columns are
generated instead:

1. **Restricted master LP** over the columns found so far (the start plan's groups first; each
   participant may also be left out at a prohibitive cost, so the LP is always feasible), solved
   by HiGHS; its duals price the columns not yet in it.
2. **Pricing.** A column's reduced cost is ``Σ w_i + λ_s · Σ_pairs d_ij + κ_b`` with member weights
   ``w_i = rank_i(b) − y_i − Σ_{t ∈ b} μ_t``, ``λ_s = 2 / (km_per_rank · (s − 1))`` and ``κ_b`` the
   duals of the distinct-topic rows. Written over the pairs of the group, with the pair weight
   ``e_ij = (w_i + w_j) / (s − 1) + λ_s d_ij``, it is the sum of the group's pair weights. First
   the groups within every participant's nearest neighbours are priced (cheap, vectorised);
   when none of those prices out, **exact pair pricing**: a group below the threshold has its
   smallest pair weight below threshold / #pairs, so every such pair is extended by the members
   whose pair weights with both are no smaller and whose sums can still reach the threshold; no
   group is missed. The LP is optimal when exact pricing finds nothing: its value is a lower
   bound on every plan. Before that, ``LP + K · min reduced cost`` (``K`` the most groups a plan
   can have) is one.
3. **Reduced-cost fixing.** A column whose reduced cost exceeds ``upper − LP`` is in no plan
   better than the best one known, so the MILP over every column within that margin (enumerated
   by the same exact pricing) finds the optimum, proven. When that set is too large, the MILP over
   the generated columns gives the plan (not proven) and the LP its bound.

All steps are deterministic: no time limits, only counts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from .regional import _Instance

    Array = np.ndarray[Any, Any]

PlanGroups = list[tuple[list[int], int | None]]

# the largest group size the pricing handles (pairs, triangles, 4-cliques)
MAX_SIZE = 4
# neighbours per participant whose groups are priced before the exact pricing
NEAR = 10
# master LP rounds at most
ROUNDS = 400
# columns added per round at most (per participant when pricing the pool)
ADD = 3
# columns within the reduced-cost margin handed to the proving MILP at most
FIX_COLUMNS = 200_000
# exact pricing: the columns of negative reduced cost kept, and searched at most, per participant
PRICED = 20
SEARCHED = 200
# column generation is tried up to this many participants (the master LP grows with them)
MAX_PARTICIPANTS = 1_000
# branch-and-bound nodes of a MILP at most (a count, not a clock: the result stays deterministic)
NODES = 5_000
EPS = 1e-7


class _Columns:
    """The generated columns: members (padded with −1), size, bundle, cost and km."""

    def __init__(self, n: int, n_bundles: int) -> None:
        import numpy as np

        self.n, self.n_bundles = n, n_bundles
        self.members = np.zeros((0, MAX_SIZE), dtype=np.int64)
        self.size = np.zeros(0, dtype=np.int64)
        self.bundle = np.zeros(0, dtype=np.int64)
        self.cost = np.zeros(0)
        self.km = np.zeros(0)
        self.keys = np.zeros(0, dtype=np.int64)  # sorted

    def key(self, members: Array, bundle: Array) -> Array:
        import numpy as np

        k = np.zeros(len(members), dtype=np.int64)
        for c in range(MAX_SIZE):
            k = k * (self.n + 1) + (members[:, c] + 1)
        out: Array = k * self.n_bundles + bundle
        return out

    def add(self, members: Array, bundle: Array, cost: Array, km: Array) -> int:
        """Add the columns not yet present; how many were new."""
        import numpy as np

        if not len(members):
            return 0
        keys = self.key(members, bundle)
        keys, first = np.unique(keys, return_index=True)
        new = ~np.isin(keys, self.keys, assume_unique=True)
        take = first[new]
        if not len(take):
            return 0
        self.members = np.concatenate([self.members, members[take]])
        self.size = np.concatenate([self.size, (members[take] >= 0).sum(axis=1)])
        self.bundle = np.concatenate([self.bundle, bundle[take]])
        self.cost = np.concatenate([self.cost, cost[take]])
        self.km = np.concatenate([self.km, km[take]])
        self.keys = np.sort(np.concatenate([self.keys, keys[new]]))
        return len(take)


class ColumnGeneration:
    """The master LP of one joint instance and its pricing."""

    def __init__(self, inst: _Instance, kpr: float) -> None:
        import numpy as np

        self.inst, self.kpr = inst, kpr
        self.n = n = len(inst.people)
        self.B = B = len(inst.bundles)
        size = inst.size
        assert size.max is not None
        self.sizes = [s for s in range(max(size.min, 1), min(size.max, n) + 1)]
        self.rank = inst.cost  # n × B, inf: not allowed
        self.dist = inst.dist
        self.cap = inst.capacity
        self.uses = np.array([[inst.uses(b, t) for t, _c in self.cap] for b in range(B)], dtype=bool).reshape(
            B, len(self.cap)
        )
        self.req = np.array([[inst.requires(b, t) for t in inst.distinct] for b in range(B)], dtype=bool).reshape(
            B, len(inst.distinct)
        )
        self.unassigned = inst.rules.allow_unassigned
        self.u_cost = float(inst.rules.unassigned_cost or 0) if self.unassigned else 0.0
        finite = self.rank[np.isfinite(self.rank)]
        top = float(finite.max()) if len(finite) else 0.0
        # leaving a participant out in the LP when the rules do not allow it: dearer than any plan
        self.big = 10.0 * (n * (top + 1.0) + float(self.dist.max(initial=0.0)) * n / kpr + self.u_cost + 1.0)
        self.cols = _Columns(n, B)
        # the most group columns an LP solution can sum to (each covers at least size.min participants;
        # the leave-out columns are in the master LP, so their reduced costs are never negative)
        self.most_groups = n / self.sizes[0]
        self.pool = self._near_groups()

    # ------------------------------------------------------------------ columns

    def lam(self, s: int) -> float:
        return 0.0 if s < 2 else 2.0 / (self.kpr * (s - 1))

    def _travel(self, members: Array) -> Array:
        """km of each group (rows of member indices, −1 padded)."""
        import numpy as np

        km = np.zeros(len(members))
        s = (members >= 0).sum(axis=1)
        for a in range(MAX_SIZE):
            for b in range(a + 1, MAX_SIZE):
                ok = (members[:, a] >= 0) & (members[:, b] >= 0)
                km[ok] += self.dist[members[ok, a], members[ok, b]]
        out: Array = np.where(s > 1, 2.0 * km / np.maximum(s - 1, 1), 0.0)
        return out

    def _rank_of(self, members: Array, bundle: Array) -> Array:
        import numpy as np

        total = np.zeros(len(members))
        for a in range(MAX_SIZE):
            ok = members[:, a] >= 0
            total[ok] += self.rank[members[ok, a], bundle[ok]]
        return total

    def add_groups(self, members: Array, bundle: Array) -> int:
        """Add groups (sorted member rows, −1 padded) with their bundles; how many were new."""
        import numpy as np

        rank = self._rank_of(members, bundle)
        ok = np.isfinite(rank)
        members, bundle, rank = members[ok], bundle[ok], rank[ok]
        km = self._travel(members)
        return self.cols.add(members, bundle, rank + km / self.kpr, km)

    def add_plan(self, plan: PlanGroups) -> None:
        import numpy as np

        rows, bundles = [], []
        for g, b in plan:
            if b is None or len(g) > MAX_SIZE:
                continue
            rows.append(sorted(g) + [-1] * (MAX_SIZE - len(g)))
            bundles.append(b)
        if rows:
            self.add_groups(np.array(rows, dtype=np.int64), np.array(bundles, dtype=np.int64))

    def _near_groups(self) -> list[tuple[int, Array, Array]]:
        """Per size: the groups of a participant and members of its nearest neighbours, and their pair km sums."""
        import itertools

        import numpy as np

        n = self.n
        k = min(NEAR, n - 1)
        out: list[tuple[int, Array, Array]] = []
        if n == 0:
            return out
        d = self.dist + np.diag(np.full(n, np.inf))
        near = np.argsort(d, axis=1, kind="stable")[:, :k] if k > 0 else np.zeros((n, 0), dtype=np.int64)
        for s in self.sizes:
            if s == 1:
                groups = np.arange(n, dtype=np.int64)[:, None]
            elif s - 1 > k:
                continue
            else:
                combos = np.array(list(itertools.combinations(range(k), s - 1)), dtype=np.int64)
                rows = near[:, combos]  # n × combos × (s − 1)
                groups = np.concatenate(
                    [np.repeat(np.arange(n)[:, None, None], len(combos), axis=1), rows], axis=2
                ).reshape(-1, s)
                groups = np.unique(np.sort(groups, axis=1), axis=0)
            pair = np.zeros(len(groups))
            for a in range(s):
                for b in range(a + 1, s):
                    pair += self.dist[groups[:, a], groups[:, b]]
            out.append((s, groups, pair))
        return out

    # ------------------------------------------------------------------ master LP

    def _matrix(self, idx: Array | None = None) -> tuple[Any, Array, Array, Array]:
        """The constraint matrix over the columns (all, or ``idx``) then one leave-out column per
        participant; the costs and the row bounds."""
        import numpy as np
        from scipy import sparse  # type: ignore[import-untyped]

        cols = self.cols
        members = cols.members if idx is None else cols.members[idx]
        size = cols.size if idx is None else cols.size[idx]
        bundle = cols.bundle if idx is None else cols.bundle[idx]
        cost = cols.cost if idx is None else cols.cost[idx]
        m, n = len(members), self.n
        ok = members >= 0
        rows = [members[ok]]
        cidx = [np.nonzero(ok)[0]]
        vals = [np.ones(int(ok.sum()))]
        r = n
        lo, hi = [1.0] * n, [1.0] * n
        for t, (_tid, cap) in enumerate(self.cap):
            j = np.nonzero(self.uses[bundle, t])[0]
            rows.append(np.full(len(j), r))
            cidx.append(j)
            vals.append(size[j].astype(float))
            lo.append(float(cap.min))
            hi.append(math.inf if cap.max is None else float(cap.max))
            r += 1
        for t in range(self.req.shape[1]):
            j = np.nonzero(self.req[bundle, t])[0]
            rows.append(np.full(len(j), r))
            cidx.append(j)
            vals.append(np.ones(len(j)))
            lo.append(0.0)
            hi.append(1.0)
            r += 1
        rows.append(np.arange(n))  # leave a participant out
        cidx.append(np.arange(m, m + n))
        vals.append(np.ones(n))
        a = sparse.csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cidx))), shape=(r, m + n))
        c = np.concatenate([cost, np.full(n, self.u_cost if self.unassigned else self.big)])
        return a, c, np.array(lo), np.array(hi)

    def solve_lp(self) -> tuple[float, Array, Array] | None:
        """The master LP's value, row duals (reduced cost = c − Aᵀy) and solution; ``None`` if it fails."""
        import numpy as np
        from scipy import sparse
        from scipy.optimize import linprog  # type: ignore[import-untyped]

        a, c, lo, hi = self._matrix()
        eq = lo == hi
        le = ~eq & np.isfinite(hi)
        ge = ~eq & (lo > 0)
        a_ub = sparse.vstack([a[le], -a[ge]]).tocsr()
        res = linprog(
            c,
            A_eq=a[eq],
            b_eq=hi[eq],
            A_ub=a_ub if a_ub.shape[0] else None,
            b_ub=np.concatenate([hi[le], -lo[ge]]) if a_ub.shape[0] else None,
            bounds=(0, None),
            method="highs",
        )
        if res.status != 0:
            return None
        y = np.zeros(a.shape[0])
        y[eq] = res.eqlin.marginals
        if a_ub.shape[0]:
            m_ub = res.ineqlin.marginals
            y[le] += m_ub[: int(le.sum())]
            y[ge] -= m_ub[int(le.sum()) :]
        return float(res.fun), y, res.x

    # ------------------------------------------------------------------ pricing

    def weights(self, y: Array) -> tuple[Array, Array]:
        """Member weights (n × B, inf: not allowed) and the per-bundle constant, from the duals."""
        n, ncap = self.n, len(self.cap)
        mu = y[n : n + ncap]
        nu = y[n + ncap :]
        w = self.rank - y[:n, None] - (self.uses.astype(float) @ mu)[None, :]
        import numpy as np

        kappa = -(self.req.astype(float) @ nu) if len(nu) else np.zeros(self.B)
        return w, kappa

    def price_pool(self, w: Array, kappa: Array) -> tuple[Array, Array, Array]:
        """The pool's groups × bundles with negative reduced cost: members, bundle, reduced cost."""
        import numpy as np

        found_m, found_b, found_r = [], [], []
        for s, groups, pair in self.pool:
            rc = w[groups].sum(axis=1) + (self.lam(s) * pair)[:, None] + kappa[None, :]  # groups × B
            gi, b = np.nonzero(rc < -EPS)
            if len(gi):
                found_m.append(_pad(groups[gi]))
                found_b.append(b)
                found_r.append(rc[gi, b])
        return _joined(found_m, found_b, found_r)

    def price_exact(
        self, w: Array, kappa: Array, theta: float, limit: int, cap: int
    ) -> tuple[Array, Array, Array, float, bool]:
        """Every group × bundle with reduced cost below ``theta`` (at most ``limit``, the least), the
        least reduced cost of any column (``inf`` if there is none) and whether the search was complete
        (it stops after ``cap`` columns; then the least is only the least found)."""
        import numpy as np

        found_m, found_b, found_r = [], [], []
        least = math.inf
        total = 0
        for s in self.sizes:
            lam = self.lam(s)
            for b in range(self.B):
                groups, rc, complete = _enumerate(w[:, b], lam, s, self.dist, theta - float(kappa[b]), cap - total)
                if len(groups):
                    rc = rc + float(kappa[b])
                    least = min(least, float(np.min(rc)))
                    total += len(rc)
                    if len(rc) > limit:
                        keep = np.argsort(rc, kind="stable")[:limit]
                        groups, rc = groups[keep], rc[keep]
                    found_m.append(_pad(groups))
                    found_b.append(np.full(len(groups), b))
                    found_r.append(rc)
                if not complete:
                    m, b_, r = _joined(found_m, found_b, found_r)
                    return m, b_, r, least, False
        m, b_, r = _joined(found_m, found_b, found_r)
        if len(r) > limit:
            keep = np.argsort(r, kind="stable")[:limit]
            m, b_, r = m[keep], b_[keep], r[keep]
        return m, b_, r, least, True

    def select(self, members: Array, bundle: Array, rc: Array) -> tuple[Array, Array]:
        """The columns to add: for each participant, its ``ADD`` most negative columns."""
        import numpy as np

        order = np.argsort(rc, kind="stable")
        members, bundle = members[order], bundle[order]
        count = np.zeros(self.n + 1, dtype=np.int64)
        take = np.zeros(len(members), dtype=bool)
        for j in range(len(members)):  # greedy by reduced cost
            ms = members[j][members[j] >= 0]
            if (count[ms] < ADD).any():
                take[j] = True
                count[ms] += 1
        return members[take], bundle[take]

    # ------------------------------------------------------------------ the run

    def run(self, start: PlanGroups, upper: float) -> tuple[PlanGroups, float, float, bool] | None:
        """The best plan (the start's or better), its objective, a lower bound and whether it is proven."""
        import numpy as np

        self.add_plan(start)
        bound = -math.inf
        lp = None
        converged = False
        for _ in range(ROUNDS):
            lp = self.solve_lp()
            if lp is None:
                return None
            value, y, _x = lp
            w, kappa = self.weights(y)
            m, b, rc = self.price_pool(w, kappa)
            if len(rc):
                self.add_groups(*self.select(m, b, rc))
                continue
            m, b, rc, least, complete = self.price_exact(w, kappa, -EPS, PRICED * self.n, SEARCHED * self.n)
            if complete:
                bound = max(bound, value + self.most_groups * min(0.0, least))
            if not len(rc):
                converged = True
                break
            if self.add_groups(*self.select(m, b, rc)) == 0:
                break
        assert lp is not None
        value, y, _x = lp
        if converged:
            bound = max(bound, value)
        bound -= 1e-6 * max(1.0, abs(bound))
        best, best_value = start, upper
        # the MILP over the generated columns
        found = self.milp(np.arange(len(self.cols.cost)))
        if found is not None and found[1] < best_value - 1e-9:
            best, best_value = found
        if converged and best_value - bound > 1e-9:
            # reduced-cost fixing: every column within upper − LP of the LP, then the MILP over them
            w, kappa = self.weights(y)
            margin = best_value - value + 1e-6 * max(1.0, abs(best_value))
            m, b, rc, _least, complete = self.price_exact(w, kappa, margin, FIX_COLUMNS, FIX_COLUMNS)
            if complete:
                self.add_groups(m, b)
                idx = self._indices(m, b)
                solved = self.milp(idx, proving=True)
                if solved is not None:
                    if solved[1] < best_value - 1e-9:
                        best, best_value = solved
                    bound = best_value
        if best_value - bound <= 1e-9 * max(1.0, abs(best_value)):
            bound = best_value
        return best, best_value, min(bound, best_value), bound >= best_value

    def _indices(self, members: Array, bundle: Array) -> Array:
        import numpy as np

        cols = self.cols
        all_keys = cols.key(cols.members, cols.bundle)
        want = np.unique(cols.key(members, bundle))
        out: Array = np.nonzero(np.isin(all_keys, want))[0]
        return out

    def milp(self, idx: Array, *, proving: bool = False) -> tuple[PlanGroups, float] | None:
        """The 0/1 program over the columns ``idx`` (and leaving out, where allowed): plan and value.

        ``proving``: ``None`` unless solved to optimality within the node count."""
        import numpy as np
        from scipy.optimize import Bounds as VarBounds
        from scipy.optimize import LinearConstraint, milp

        a, c, lo, hi = self._matrix(idx)
        m = len(idx)
        upper = np.ones(m + self.n)
        if not self.unassigned:
            upper[m:] = 0.0
        res = milp(
            c,
            constraints=LinearConstraint(a, lo, hi),
            integrality=np.ones(m + self.n),
            bounds=VarBounds(np.zeros(m + self.n), upper),
            options={"mip_rel_gap": 1e-9, "node_limit": NODES},
        )
        if res.x is None or (proving and res.status != 0):
            return None
        x = np.round(res.x)
        plan: PlanGroups = []
        placed = np.zeros(self.n, dtype=bool)
        for j in np.nonzero(x[:m] > 0.5)[0]:
            col = int(idx[j])
            ms = [int(v) for v in self.cols.members[col] if v >= 0]
            plan.append((ms, int(self.cols.bundle[col])))
            placed[ms] = True
        for p in np.nonzero(~placed)[0]:
            plan.append(([int(p)], None))
        value = float(c @ x)
        return plan, value


def _pad(groups: Array) -> Array:
    import numpy as np

    out: Array = np.full((len(groups), MAX_SIZE), -1, dtype=np.int64)
    out[:, : groups.shape[1]] = groups
    return out


def _joined(m: list[Array], b: list[Array], r: list[Array]) -> tuple[Array, Array, Array]:
    import numpy as np

    if not m:
        return np.zeros((0, MAX_SIZE), dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(m), np.concatenate(b), np.concatenate(r)


CHUNK = 1 << 21  # matrix entries per vectorised step


def _enumerate(w: Array, lam: float, s: int, dist: Array, theta: float, cap: int) -> tuple[Array, Array, bool]:
    """Every group of ``s`` members whose ``Σ w_i + λ Σ_pairs d_ij`` is below ``theta`` (sorted
    member rows, unique) with that sum, and ``True``; or, once more than ``cap`` are found, some of
    them and ``False``. Exact: see the module docstring."""
    import numpy as np

    n = len(w)
    empty = np.zeros((0, s), dtype=np.int64), np.zeros(0), True
    if n < s:
        return empty
    if s == 1:
        i = np.nonzero(w < theta)[0]
        return i[:, None].astype(np.int64), w[i], len(i) <= cap
    e = (w[:, None] + w[None, :]) / (s - 1) + lam * dist
    np.fill_diagonal(e, np.inf)
    pairs = s * (s - 1) // 2
    ii, jj = np.nonzero(np.triu(e < theta / pairs, 1))
    if s == 2:
        return np.stack([ii, jj], axis=1).astype(np.int64), e[ii, jj], len(ii) <= cap
    found: list[Array] = []
    sums: list[Array] = []
    count = 0
    complete = True
    step = max(1, CHUNK // n)
    for at in range(0, len(ii), step):
        if count > cap:
            complete = False
            break
        i, j = ii[at : at + step], jj[at : at + step]
        eij = e[i, j][:, None]
        ei, ej = e[i], e[j]
        f = np.where((ei >= eij) & (ej >= eij), ei + ej, np.inf)  # the pair (i, j) is the least
        if s == 3:
            r, k = np.nonzero(f + eij < theta)
            if len(r):
                found.append(np.stack([i[r], j[r], k], axis=1))
                sums.append(f[r, k] + eij[r, 0])
                count += len(r)
            continue
        # s == 4: e_ij + f_k + f_l + e_kl < θ with e_kl ≥ e_ij and f_l ≥ min f
        fmin = f.min(axis=1, keepdims=True)
        r, k = np.nonzero(f + fmin + 2 * eij < theta)
        if len(r) < 2:
            continue
        fk = f[r, k]
        base = eij[r, 0]
        for d in range(1, len(r)):
            same = r[:-d] == r[d:]
            if not same.any():
                break
            if count > cap:
                complete = False
                break
            p = np.nonzero(same)[0]
            k1, k2 = k[p], k[p + d]
            total = base[p] + fk[p] + fk[p + d] + e[k1, k2]
            ok = total < theta
            if ok.any():
                p, k1, k2 = p[ok], k1[ok], k2[ok]
                found.append(np.stack([i[r[p]], j[r[p]], k1, k2], axis=1))
                sums.append(total[ok])
                count += len(p)
    if not found:
        return empty[0], empty[1], complete
    groups = np.sort(np.concatenate(found), axis=1)
    total = np.concatenate(sums)
    groups, first = np.unique(groups, axis=0, return_index=True)
    return groups.astype(np.int64), total[first], complete and count <= cap


def applies(inst: _Instance) -> bool:
    """Whether column generation handles the instance: groups of at most :data:`MAX_SIZE`, at most
    :data:`MAX_PARTICIPANTS` participants."""
    size = inst.size
    n = len(inst.people)
    return size.max is not None and size.max <= MAX_SIZE and max(size.min, 1) <= n <= MAX_PARTICIPANTS


def improve(
    inst: _Instance, kpr: float, start: PlanGroups, upper: float
) -> tuple[PlanGroups, float, float, bool] | None:
    """Column generation from the start plan (objective ``upper``): ``(plan, objective, bound,
    proven)``, or ``None`` where it does not apply (groups above :data:`MAX_SIZE`)."""
    if not applies(inst):
        return None
    if any(b is not None and len(g) > MAX_SIZE for g, b in start):
        return None
    return ColumnGeneration(inst, kpr).run(start, upper)
