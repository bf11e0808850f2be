"""Stage 1, the solver call: HiGHS through scipy (imported lazily; an optional extra).

A program that is a plain transportation problem has an integral LP and goes to the dual simplex;
anything else, or an LP answer that is not integral, goes to HiGHS' MILP solver.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..errors import QFrameworkError
from .rules import Bounds

if TYPE_CHECKING:
    import numpy as np

    from .program import Program


def require_solver() -> None:
    """The exact solver is an optional extra; say how to get it instead of failing on an import."""
    import importlib

    try:
        importlib.import_module("numpy")
        importlib.import_module("scipy.optimize")
    except ImportError as exc:
        raise QFrameworkError(
            f"assign() needs the exact solver (HiGHS through scipy), which is not installed ({exc.name}): "
            "pip install 'qframework[solve]'"
        ) from None


def run(
    base: Program,
    cost: np.ndarray[Any, Any],
    n_x: int,
    group_bundles: list[int],
    bundle_cols: list[list[int]],
    size: Bounds,
    distinct_rows: list[tuple[str, list[int]]],
    as_lp: bool,
    gap: float,
) -> np.ndarray[Any, Any] | None:
    """Solve the program (plus group-count variables for ``group_bundles``); ``None`` if infeasible."""
    import numpy as np
    from scipy import sparse  # type: ignore[import-untyped]
    from scipy.optimize import Bounds as VarBounds  # type: ignore[import-untyped]
    from scipy.optimize import LinearConstraint, linprog, milp

    prog = base.copy(n_x + len(group_bundles))
    g_index = {b: n_x + i for i, b in enumerate(group_bundles)}
    for b, gj in g_index.items():
        ent = [(j, 1.0) for j in bundle_cols[b]]
        prog.add([*ent, (gj, -float(size.min))], 0, math.inf)
        most = len(bundle_cols[b]) if size.max is None else size.max  # an unbounded group holds everyone
        prog.add([*ent, (gj, -float(most))], -math.inf, 0)
    if distinct_rows:  # grouped: each non-mandatory required topic in at most one group
        bundle_of_col = {j: b for b, js in enumerate(bundle_cols) for j in js}
        for _t, js in distinct_rows:
            gs = sorted({g_index[bundle_of_col[j]] for j in js})
            prog.add([(g, 1.0) for g in gs], 0, 1)
    n_vars = prog.n_vars
    c = np.concatenate([cost, np.zeros(n_vars - n_x)])
    if not prog.lo:
        prog.add([], 0, 0)
    rows, cols, vals = prog.triplets()
    lo, hi = np.array(prog.lo), np.array(prog.hi)
    upper = np.ones(n_vars)
    for b, gj in g_index.items():
        upper[gj] = len(bundle_cols[b])
    if as_lp:
        eq = lo == hi
        b_eq = hi[eq]
        le = ~eq & np.isfinite(hi)
        # a row without negative entries over variables ≥ 0 is ≥ 0 anyway: "lo ≤ 0" adds nothing
        # but a full copy of the row (every capacity row has lo = 0)
        negative = np.zeros(len(lo), dtype=bool)
        negative[rows[vals < 0]] = True
        ge = ~eq & np.isfinite(lo) & ((lo > 0) | negative)
        # A_eq and A_ub straight from the entries: no full matrix to select rows from
        a_eq = _matrix(rows, cols, vals, [(eq, 1.0)], n_vars)
        a_ub = _matrix(rows, cols, vals, [(le, 1.0), (ge, -1.0)], n_vars)
        b_ub = np.concatenate([hi[le], -lo[ge]])
        res = linprog(
            c,
            A_ub=a_ub if a_ub.shape[0] else None,
            b_ub=b_ub if a_ub.shape[0] else None,
            A_eq=a_eq if a_eq.shape[0] else None,
            b_eq=b_eq if a_eq.shape[0] else None,
            bounds=(0, 1),
            method="highs-ds",
        )
        if res.status == 2:
            return None
        if res.status == 0:
            x = np.asarray(res.x)
            if np.all(np.abs(x - np.round(x)) < 1e-6):
                return np.round(x)
        # not integral (or a numerical hiccup): fall through to the MILP
    # presolve stays off: on some programs HiGHS' MILP presolve returned a suboptimal point with
    # status "optimal" (issue 18), and this solver promises exact optimality. The programs are small
    # enough that presolve saves little.
    a = sparse.csr_array((vals, (rows, cols)), shape=(len(prog.lo), n_vars))
    res = milp(
        c,
        constraints=LinearConstraint(a, lo, hi),
        integrality=np.ones(n_vars),
        bounds=VarBounds(np.zeros(n_vars), upper),
        options={"mip_rel_gap": gap, "presolve": False},
    )
    if res.status == 2:
        return None
    if res.status != 0 or res.x is None:
        raise QFrameworkError(f"the solver did not finish: {res.message}")
    out: np.ndarray[Any, Any] = np.round(res.x)
    return out


def _matrix(rows: Any, cols: Any, vals: Any, parts: list[tuple[Any, float]], n_vars: int) -> Any:
    """The rows of the entries (``rows``, ``cols``, ``vals``) that each mask in ``parts`` selects,
    times its sign, stacked in that order, as one CSR matrix (what ``vstack([sign * a[mask], …])``
    gives, without building ``a``)."""
    import numpy as np
    from scipy import sparse

    r, c, v = [], [], []
    offset = 0
    for mask, sign in parts:
        at = np.cumsum(mask) - 1 + offset  # a selected row's place in the result
        keep = mask[rows]
        r.append(at[rows[keep]])
        c.append(cols[keep])
        v.append(vals[keep] * sign)
        offset += int(np.count_nonzero(mask))
    return sparse.csr_array((np.concatenate(v), (np.concatenate(r), np.concatenate(c))), shape=(offset, n_vars))
