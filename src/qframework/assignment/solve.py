"""The exact assignment solver.

Objective (see :class:`~qframework.assignment.rules.Objective`): minimise the sum, over assigned
participants and their non-mandatory topics, of the preference rank of the topic (1 = first choice;
an unranked topic costs ``unranked_rank``), plus ``unassigned_cost`` per participant left out. Among
assignments of equal cost, ties are broken deterministically by id (see :func:`assign`).

Stage 1 (exact) chooses every participant's topics as an integer program solved by HiGHS through
scipy. Without groups the decision variables are participant × topic (× required/optional when
``distinct_required`` makes the difference matter); with groups they are participant × *bundle*,
a bundle being the full set of topics a group shares. When the program is a plain transportation
problem its LP is integral and solved by the dual simplex; otherwise, or when the group sizes do not
fit, HiGHS' MILP solver takes over. Group-size feasibility (with sizes 3–4 a bundle can hold 0, 3, 4
or ≥ 6 participants) is added lazily: integer group counts only for the bundles whose count does not
fit, re-solving until every count fits. The relaxation has the same optimum when it fits, so the
result is exactly optimal.

Stage 2 (heuristic) splits the participants of every bundle into groups of balanced sizes that are
as regionally compact as possible: a greedy seed-and-nearest-neighbour split followed by pairwise
member swaps while they reduce the sum of within-group distances. It never changes anybody's topics,
so it never changes the cost.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import InfeasibleAssignment, QFrameworkError
from .result import Assignment, Group, Placement
from .rules import AssignmentProblem, AssignmentRules, Bounds, Participant

if TYPE_CHECKING:
    import numpy as np

__all__ = ["assign"]

# Above this many participant × bundle columns the grouped model is refused (it would not finish).
MAX_COLUMNS = 3_000_000
# Improving swaps between groups: at most this many passes, each group with its nearest groups.
SWAP_PASSES = 30
NEAR_GROUPS = 6


@attrs.frozen
class _Column:
    """One decision variable: participant ``p`` takes ``topics`` (as ``role``)."""

    p: int
    topics: tuple[str, ...]  # a single topic, or a bundle's required + optional topics
    required: tuple[str, ...]
    role: str  # "any" | "req" | "opt" | "bundle"
    cost: int


def assign(participants: Iterable[Participant], rules: AssignmentRules) -> Assignment:
    """Return an optimal assignment of ``participants`` under ``rules``.

    The objective is stated in :class:`~qframework.assignment.rules.Objective`: the total preference
    rank of assigned non-mandatory topics (plus the cost of leaving participants out) is minimal —
    exactly, not approximately. Ties are broken deterministically by id: the program is built from
    participants and topics sorted by id, so the result does not depend on input order, and a
    secondary term smaller than one rank in total prefers the equally good assignment that gives
    better ranks to participants with smaller ids (then topics with smaller ids) — a preference, not
    a proven secondary optimum. Groups are then
    formed within each set of shared topics, regionally compact (a heuristic; it does not change the
    cost).

    Raises :class:`~qframework.errors.InfeasibleAssignment` naming the rule that cannot be met, and
    :class:`~qframework.errors.ValidationError` if participants refer to unknown topics or repeat ids.
    """
    people = tuple(sorted(participants, key=lambda p: p.id))
    AssignmentProblem(rules=rules, participants=people)  # validates cross references
    _require_solver()
    _precheck(people, rules)
    solution = _solve(people, rules)
    if solution is None:
        raise _diagnose(people, rules)
    columns, chosen = solution
    return _build(people, rules, columns, chosen)


def _require_solver() -> None:
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


# --------------------------------------------------------------------------- model


def _bundles(rules: AssignmentRules) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every (required, optional) topic set a group may share, in canonical order."""
    topics = sorted(rules.topic_ids)
    mandatory = tuple(sorted(set(rules.mandatory_topics)))
    free = [t for t in topics if t not in mandatory]
    k, r = rules.topics_per_participant, rules.required_count
    out = []
    for chosen_req in itertools.combinations(free, r - len(mandatory)):
        rest = [t for t in free if t not in chosen_req]
        for chosen_opt in itertools.combinations(rest, k - r):
            req = tuple(sorted(mandatory + chosen_req))
            both = req + chosen_opt
            covered = [c for t in both for c in rules.covers(t)]
            if len(covered) != len(set(covered)):
                continue  # an alternative together with one of its own topics
            out.append((req, tuple(chosen_opt)))
    return out


def _allowed(person: Participant, topic: str, rules: AssignmentRules) -> bool:
    if rules.covers(topic) & set(person.exclusions):
        return False
    return rules.objective.allow_unranked or topic in rules.mandatory_topics or person.rank(topic) is not None


def _topic_cost(person: Participant, topic: str, rules: AssignmentRules) -> int:
    if topic in rules.mandatory_topics:
        return 0
    rank = person.rank(topic)
    return rules.unranked_rank if rank is None else rank


def _columns(people: Sequence[Participant], rules: AssignmentRules) -> list[_Column]:
    cols: list[_Column] = []
    topics = sorted(rules.topic_ids)
    mandatory = set(rules.mandatory_topics)
    if rules.groups is not None:
        bundles = _bundles(rules)
        if len(bundles) * len(people) > MAX_COLUMNS:
            raise QFrameworkError(
                f"{len(bundles)} possible topic combinations per group × {len(people)} participants "
                "is too large to solve exactly; reduce topics_per_participant or the number of topics"
            )
        for p, person in enumerate(people):
            for req, opt in bundles:
                both = req + opt
                if all(_allowed(person, t, rules) for t in both):
                    cost = sum(_topic_cost(person, t, rules) for t in both)
                    cols.append(_Column(p, both, req, "bundle", cost))
        return cols
    split = rules.distinct_required and rules.required_count < rules.topics_per_participant
    for p, person in enumerate(people):
        for t in topics:
            if not _allowed(person, t, rules):
                continue
            cost = _topic_cost(person, t, rules)
            if not split:
                cols.append(_Column(p, (t,), (t,), "any", cost))
                continue
            cols.append(_Column(p, (t,), (t,), "req", cost))
            if t not in mandatory:
                cols.append(_Column(p, (t,), (), "opt", cost))
    return cols


@attrs.define
class _Program:
    """A sparse integer program ``min c·x  s.t.  lo ≤ A x ≤ hi``, built row by row."""

    n_vars: int
    rows: list[int] = attrs.field(factory=list)
    cols: list[int] = attrs.field(factory=list)
    vals: list[float] = attrs.field(factory=list)
    lo: list[float] = attrs.field(factory=list)
    hi: list[float] = attrs.field(factory=list)

    def add(self, entries: Iterable[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(self.lo)
        for j, v in entries:
            self.rows.append(r)
            self.cols.append(j)
            self.vals.append(v)
        self.lo.append(lo)
        self.hi.append(hi)


def _solve(people: Sequence[Participant], rules: AssignmentRules) -> tuple[list[_Column], list[int]] | None:
    """Solve stage 1; return the columns and the indices of the chosen ones, or ``None`` if infeasible."""

    cols = _columns(people, rules)
    n = len(people)
    k, r = rules.topics_per_participant, rules.required_count
    grouped = rules.groups is not None
    unassigned = rules.allow_unassigned
    u0 = len(cols)  # unassigned variables u_p follow the columns
    n_x = u0 + (n if unassigned else 0)

    if n_x == 0:  # nobody to place, or nobody can take anything
        feasible = n == 0 and all(rules.capacity_of(t).min == 0 for t in rules.topic_ids)
        return (cols, []) if feasible else None

    by_person: list[list[int]] = [[] for _ in range(n)]
    for j, c in enumerate(cols):
        by_person[c.p].append(j)

    base = _Program(n_x)
    mandatory = set(rules.mandatory_topics)
    split = not grouped and rules.distinct_required and r < k
    roles = {"req": r, "opt": k - r} if split else {"any": k}
    # a bipartite b-matching (totally unimodular) has an integral LP: no MILP needed
    tu = (k == 1 or not grouped) and not rules.distinct_required and not mandatory and (k == 1 or not unassigned)
    for p in range(n):
        u = [(u0 + p, 1.0)] if unassigned else []
        js = by_person[p]
        if grouped:
            base.add([(j, 1.0) for j in js] + u, 1, 1)
            continue
        for role, need in roles.items():
            ent = [(j, 1.0) for j in js if cols[j].role == role]
            base.add([*ent, (u0 + p, float(need))] if unassigned else ent, need, need)
        for t in sorted(mandatory):
            ent = [(j, 1.0) for j in js if cols[j].topics == (t,) and cols[j].role in ("any", "req")]
            base.add(ent + u, 1, 1)
        # a participant takes each base topic at most once (an alternative touches several)
        touching: dict[str, list[int]] = {}
        for j in js:
            for b in rules.covers(cols[j].topics[0]):
                touching.setdefault(b, []).append(j)
        for b in sorted(touching):
            if len(touching[b]) > 1:
                base.add([(j, 1.0) for j in touching[b]], 0, 1)
                tu = False
    # capacity per topic
    holders: dict[str, list[int]] = {t: [] for t in rules.topic_ids}
    for j, c in enumerate(cols):
        for t in c.topics:
            holders[t].append(j)
    for t in sorted(rules.topic_ids):
        cap = rules.capacity_of(t)
        if cap.min > 0 or cap.max is not None:
            base.add([(j, 1.0) for j in holders[t]], cap.min, math.inf if cap.max is None else cap.max)

    # distinct required topics (mandatory topics exempt)
    distinct_rows: list[tuple[str, list[int]]] = []
    if rules.distinct_required:
        tu = False
        req_holders: dict[str, list[int]] = {}
        for j, c in enumerate(cols):
            if c.role == "opt":
                continue
            for t in c.required:
                if t in mandatory:
                    continue
                for b in rules.covers(t):
                    if b not in mandatory:
                        req_holders.setdefault(b, []).append(j)
        distinct_rows = sorted(req_holders.items())
        if not grouped:
            for _b, js in distinct_rows:
                base.add([(j, 1.0) for j in js], 0, 1)

    cost = _costs(cols, people, rules, u0, n_x)
    # The tie-breaking term sums to < 1/4 and primary costs are integers, so stopping the MILP once
    # it is provably within 1/4 of the optimum keeps the primary cost exactly optimal while sparing
    # the solver from proving the order among near-ties.
    largest = float(cost[cost > 0].max()) if (cost > 0).any() else 1.0
    gap = 0.2 / max(1.0, n * k * largest)

    # group counts: bundles that need an integer group-count variable
    bundle_of: dict[tuple[str, ...], int] = {}
    bundle_cols: list[list[int]] = []
    if grouped:
        for j, c in enumerate(cols):
            bi = bundle_of.setdefault(c.topics, len(bundle_of))
            if bi == len(bundle_cols):
                bundle_cols.append([])
            bundle_cols[bi].append(j)
    assert rules.groups is not None or not grouped
    size = rules.groups.size if rules.groups is not None else Bounds(1, None)
    need_groups: set[int] = set(range(len(bundle_cols))) if rules.distinct_required else set()

    rounds = 0
    while True:
        x = _run(
            base,
            cost,
            n_x,
            sorted(need_groups),
            bundle_cols,
            size,
            distinct_rows if grouped else [],
            tu and not need_groups,
            gap,
        )
        if x is None:
            return None
        chosen = [j for j in range(u0) if x[j] > 0.5]
        if not grouped:
            return cols, chosen
        counts: dict[int, int] = {}
        for j in chosen:
            bi = bundle_of[cols[j].topics]
            counts[bi] = counts.get(bi, 0) + 1
        bad = {bi for bi, cnt in counts.items() if not _splittable(cnt, size)}
        if not bad:
            return cols, chosen
        if bad <= need_groups:  # cannot happen: the group counts are modelled exactly for these
            raise QFrameworkError(f"internal error: group sizes of bundles {sorted(bad)} do not fit")
        rounds += 1
        # a few rounds of adding only the offending bundles; then all of them (many small bundles
        # would otherwise take one round each)
        need_groups |= bad if rounds < 3 else set(range(len(bundle_cols)))


def _costs(
    cols: Sequence[_Column], people: Sequence[Participant], rules: AssignmentRules, u0: int, n_x: int
) -> np.ndarray[Any, Any]:
    """Primary integer costs plus a tie-breaking term that sums to less than 1/4 in total."""
    import numpy as np

    n = len(people)
    per_person: dict[int, int] = {}
    for c in cols:
        per_person[c.p] = per_person.get(c.p, 0) + 1
    width = max(per_person.values(), default=0) + 2
    primary = np.zeros(n_x)
    tie = np.zeros(n_x)
    index_in_person: dict[int, int] = {}
    for j, c in enumerate(cols):
        i = index_in_person.get(c.p, 0)
        index_in_person[c.p] = i + 1
        primary[j] = c.cost
        tie[j] = (n - c.p) * c.cost * width + i
    for p in range(n_x - u0):
        primary[u0 + p] = rules.unassigned_cost
        tie[u0 + p] = (n - p) * rules.unassigned_cost * width + width - 1
    # every participant picks at most topics_per_participant columns (or its unassigned variable)
    worst = rules.topics_per_participant * (float(tie.max()) if len(tie) else 0.0)
    scale = 1.0 / (4.0 * (n * worst + 1.0))
    out: np.ndarray[Any, Any] = primary + tie * scale
    return out


def _splittable(count: int, size: Bounds) -> bool:
    """Whether ``count`` participants can be split into groups whose sizes lie within ``size``."""
    if count == 0:
        return True
    if size.max is None:
        return count >= size.min
    g = -(-count // size.max)  # fewest groups
    return g * size.min <= count


def _run(
    base: _Program,
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

    prog = _Program(
        n_x + len(group_bundles), list(base.rows), list(base.cols), list(base.vals), list(base.lo), list(base.hi)
    )
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
    a = sparse.csr_array((prog.vals, (prog.rows, prog.cols)), shape=(len(prog.lo), n_vars))
    lo, hi = np.array(prog.lo), np.array(prog.hi)
    upper = np.ones(n_vars)
    for b, gj in g_index.items():
        upper[gj] = len(bundle_cols[b])
    if as_lp:
        eq = lo == hi
        a_eq, b_eq = a[eq], hi[eq]
        le = ~eq & np.isfinite(hi)
        ge = ~eq & np.isfinite(lo) & (lo > -math.inf)
        a_ub = sparse.vstack([a[le], -a[ge]]).tocsr()
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


# --------------------------------------------------------------------------- infeasibility


def _precheck(people: Sequence[Participant], rules: AssignmentRules) -> None:
    """Raise :class:`InfeasibleAssignment` for the failures that can be named with plain numbers."""
    n = len(people)
    k, r = rules.topics_per_participant, rules.required_count
    mandatory = sorted(set(rules.mandatory_topics))
    if not rules.allow_unassigned:
        for person in people:
            for t in mandatory:
                if not _allowed(person, t, rules):
                    raise InfeasibleAssignment(
                        "mandatory", f"participant {person.id} excludes the mandatory topic {t!r}"
                    )
            usable = [t for t in rules.topic_ids if _allowed(person, t, rules)]
            if len(usable) < k:
                why = "the others are excluded" if rules.objective.allow_unranked else "only ranked topics are allowed"
                raise InfeasibleAssignment(
                    "topics-per-participant",
                    f"participant {person.id} can take only {len(usable)} topic{'s' if len(usable) != 1 else ''} "
                    f"({why}), but needs {k}",
                )
        caps = [rules.capacity_of(t).max for t in rules.topic_ids]
        if all(c is not None for c in caps):
            total = sum(c for c in caps if c is not None)
            if n * k > total:
                need = f"{n} participants" if k == 1 else f"{n} participants × {k} topics = {n * k} places"
                raise InfeasibleAssignment("capacity", f"{need}, but capacities allow at most {total}")
        for t in mandatory:
            cap = rules.capacity_of(t)
            if cap.max is not None and cap.max < n:
                raise InfeasibleAssignment(
                    "capacity", f"{n} participants must take the mandatory topic {t!r}, but its capacity is {cap.max}"
                )
        if rules.distinct_required and r > len(mandatory):
            # every distinct required slot uses up at least one plain non-mandatory topic
            free = [
                t.id
                for t in rules.topics
                if t.id not in mandatory and (not t.any_of or set(t.any_of) <= set(mandatory))
            ]
            if rules.groups is None:
                units = n
            else:
                most = rules.groups.size.max
                units = 1 if most is None else -(-n // most)
            who = f"{n} participants" if rules.groups is None else f"at least {units} groups"
            slots = units * (r - len(mandatory))
            if n and slots > len(free):
                raise InfeasibleAssignment(
                    "distinct-required",
                    f"{who} need {slots} different required topics, but only {len(free)} topics exist",
                )
        if rules.groups is not None:
            bundles = _bundles(rules)
            for person in people:
                if not any(all(_allowed(person, t, rules) for t in req + opt) for req, opt in bundles):
                    raise InfeasibleAssignment(
                        "exclusion", f"participant {person.id} excludes a topic of every possible topic combination"
                    )
        if rules.groups is not None and not _splittable(n, rules.groups.size):
            raise InfeasibleAssignment(
                "group-size", f"{n} participants cannot be split into groups of {rules.groups.size}"
            )
    mins = sum(rules.capacity_of(t).min for t in rules.topic_ids)
    if mins > n * k:
        raise InfeasibleAssignment(
            "capacity",
            f"the topics' minimum capacities need {mins} places, but {n} participants × {k} "
            f"topic{'s' if k != 1 else ''} give only {n * k}",
        )


def _diagnose(people: Sequence[Participant], rules: AssignmentRules) -> InfeasibleAssignment:
    """Name the rule whose relaxation makes the instance feasible."""
    relaxed_caps = tuple(attrs.evolve(t, capacity=Bounds(0, None)) for t in rules.topics)
    trials: list[tuple[str, AssignmentRules, str]] = []
    if rules.groups is not None:
        trials.append(
            (
                "group-size",
                attrs.evolve(rules, groups=attrs.evolve(rules.groups, size=Bounds(1, None))),
                f"the participants of some topic cannot be split into groups of {rules.groups.size}",
            )
        )
    if rules.distinct_required:
        trials.append(
            (
                "distinct-required",
                attrs.evolve(rules, distinct_required=False),
                "the required topics cannot all be different across participants",
            )
        )
    mins = tuple(attrs.evolve(t, capacity=attrs.evolve(rules.capacity_of(t.id), min=0)) for t in rules.topics)
    trials.append(
        (
            "capacity",
            attrs.evolve(rules, topics=mins, capacity=attrs.evolve(rules.capacity, min=0)),
            "the topics' minimum capacities cannot all be reached",
        )
    )
    trials.append(
        (
            "capacity",
            attrs.evolve(rules, topics=relaxed_caps, capacity=Bounds(0, None)),
            "the topics' capacities are too small for these participants",
        )
    )
    for rule, relaxed, message in trials:
        try:
            if _solve(people, relaxed) is not None:
                return InfeasibleAssignment(rule, message)
        except InfeasibleAssignment:
            continue
    return InfeasibleAssignment("rules", "no assignment meets all rules together (exclusions, capacities, groups)")


# --------------------------------------------------------------------------- result


def _build(
    people: Sequence[Participant], rules: AssignmentRules, cols: Sequence[_Column], chosen: Sequence[int]
) -> Assignment:
    mandatory = list(dict.fromkeys(rules.mandatory_topics))
    order = {t: i for i, t in enumerate(rules.topic_ids)}
    got: dict[int, list[_Column]] = {}
    for j in chosen:
        got.setdefault(cols[j].p, []).append(cols[j])

    def key(person: Participant) -> Any:
        def k(t: str) -> tuple[int, int, str]:
            m = mandatory.index(t) if t in mandatory else len(mandatory)
            rank = person.rank(t)
            return (m, rank if rank is not None else rules.unranked_rank, t)

        return k

    def shown(t: str) -> tuple[int, int]:  # a group's topics: mandatory first, then in rule order
        return (mandatory.index(t) if t in mandatory else len(mandatory), order[t])

    topics_of: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for p, cs in got.items():
        person = people[p]
        if cs[0].role == "bundle":
            req_set = set(cs[0].required)
            opt_set = set(cs[0].topics) - req_set
        elif cs[0].role == "any":
            all_topics = sorted((c.topics[0] for c in cs), key=key(person))
            req_set = set(all_topics[: rules.required_count])
            opt_set = set(all_topics[rules.required_count :])
        else:
            req_set = {c.topics[0] for c in cs if c.role == "req"}
            opt_set = {c.topics[0] for c in cs if c.role == "opt"}
        topics_of[p] = (tuple(sorted(req_set, key=key(person))), tuple(sorted(opt_set, key=key(person))))
    if rules.groups is None and rules.distinct_required and rules.required_count < rules.topics_per_participant:
        _required_get_better_ranks(people, rules, topics_of, key)

    groups: list[Group] = []
    group_of: dict[int, str] = {}
    if rules.groups is not None:
        by_bundle: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}
        for p, (req, opt) in topics_of.items():
            canon = (tuple(sorted(req, key=shown)), tuple(sorted(opt, key=shown)))
            by_bundle.setdefault(canon, []).append(p)
        parts: list[tuple[tuple[tuple[str, ...], tuple[str, ...]], list[int]]] = []
        for bundle in sorted(by_bundle, key=lambda b: [shown(t) for t in b[0] + b[1]]):
            for members in _form_groups(
                sorted(by_bundle[bundle]), people, rules.groups.size, rules.groups.regional_weight
            ):
                parts.append((bundle, members))
        for i, ((req, opt), members) in enumerate(parts, start=1):
            gid = f"group-{i}"
            groups.append(Group(gid, req, opt, tuple(people[m].id for m in members)))
            for m in members:
                group_of[m] = gid

    counts: dict[str, int] = {t: 0 for t in rules.topic_ids}
    for req, opt in topics_of.values():
        for t in req + opt:
            counts[t] += 1
    required_by: dict[str, list[str]] = {}
    for p, (req, _opt) in topics_of.items():
        unit = group_of.get(p, people[p].id)
        for t in req:
            for b in rules.covers(t):
                if unit not in required_by.setdefault(b, []):
                    required_by[b].append(unit)

    placements: list[Placement] = []
    unassigned: list[str] = []
    total = 0
    for p, person in enumerate(people):
        if p not in topics_of:
            unassigned.append(person.id)
            total += rules.unassigned_cost
            placements.append(Placement(person.id, notes=_notes_unassigned(person, rules, counts)))
            continue
        req, opt = topics_of[p]
        total += sum(_topic_cost(person, t, rules) for t in req + opt)
        notes = _notes(person, rules, req, opt, counts, required_by, group_of.get(p))
        placements.append(Placement(person.id, req, opt, group_of.get(p), notes))
    return Assignment(tuple(placements), tuple(groups), tuple(unassigned), total)


def _required_get_better_ranks(
    people: Sequence[Participant],
    rules: AssignmentRules,
    topics_of: dict[int, tuple[tuple[str, ...], tuple[str, ...]]],
    key: Any,
) -> None:
    """Among equally cheap results, make each participant's required topics its better-ranked ones.

    The rank sum does not see which of a participant's topics are required and which optional, but
    an ordered list ("the first two are worked on, the third if time allows") does. Swapping a
    required and a better-ranked optional topic of one participant keeps the cost and every
    capacity; it is done, participant by participant in id order, wherever no other participant
    requires the topic (distinct required topics). Each swap lowers the participant's required
    rank sum, so the loop ends.
    """
    mandatory = set(rules.mandatory_topics)
    held: dict[str, int] = {}
    for req, _opt in topics_of.values():
        for t in req:
            for b in rules.covers(t):
                held[b] = held.get(b, 0) + 1
    changed = True
    while changed:
        changed = False
        for p in sorted(topics_of, key=lambda q: people[q].id):
            person = people[p]

            def rank(t: str, person: Participant = person) -> int:
                r = person.rank(t)
                return rules.unranked_rank if r is None else r

            req, opt = topics_of[p]
            for worse in sorted((t for t in req if t not in mandatory), key=rank, reverse=True):
                better = next(
                    (
                        o
                        for o in sorted(opt, key=rank)
                        if rank(o) < rank(worse)
                        and all(held.get(b, 0) - (b in rules.covers(worse)) == 0 for b in rules.covers(o))
                    ),
                    None,
                )
                if better is None:
                    continue
                for b in rules.covers(worse):
                    held[b] -= 1
                for b in rules.covers(better):
                    held[b] = held.get(b, 0) + 1
                new_req = [t for t in req if t != worse] + [better]
                new_opt = [t for t in opt if t != better] + [worse]
                topics_of[p] = (tuple(sorted(new_req, key=key(person))), tuple(sorted(new_opt, key=key(person))))
                changed = True
                break


def _label(rules: AssignmentRules, t: str) -> str:
    topic = rules.topic(t)
    name = f"{t} ({topic.title})" if topic.title and topic.title != t else t
    if topic.any_of:
        name += f" [one of {', '.join(topic.any_of)}]"
    return name


def _notes(
    person: Participant,
    rules: AssignmentRules,
    req: tuple[str, ...],
    opt: tuple[str, ...],
    counts: dict[str, int],
    required_by: dict[str, list[str]],
    group: str | None,
) -> tuple[str, ...]:
    notes = []
    for kind, ts in (("required", req), ("optional", opt)):
        for t in ts:
            rank = person.rank(t)
            if t in rules.mandatory_topics:
                why = "mandatory for every participant"
            elif rank is not None:
                why = f"your preference rank {rank}"
            else:
                why = f"not among your preferences (counts as rank {rules.unranked_rank})"
            notes.append(f"{_label(rules, t)}: {kind}, {why}.")
    worst_required = max(
        (person.rank(t) or rules.unranked_rank for t in req if t not in rules.mandatory_topics), default=0
    )
    unit = group if group is not None else person.id
    for t in opt:
        rank = person.rank(t)
        if rank is None or rank >= worst_required:
            continue
        others = [u for b in rules.covers(t) for u in required_by.get(b, []) if u != unit]
        if rules.distinct_required and others:
            notes.append(
                f"{_label(rules, t)} (your rank {rank}) is only optional: required topics must be distinct "
                f"and it is already required by {', '.join(dict.fromkeys(others))}."
            )
    worst = max(
        (person.rank(t) or rules.unranked_rank for t in req + opt if t not in rules.mandatory_topics), default=0
    )
    for t in person.preferences:
        rank = person.rank(t)
        assert rank is not None
        if rank >= worst or t in req + opt:
            continue
        reasons = []
        cap = rules.capacity_of(t)
        if cap.max is not None and counts[t] >= cap.max:
            reasons.append(f"its capacity is full ({counts[t]} of {cap.max})")
        others = [u for b in rules.covers(t) for u in required_by.get(b, []) if u != unit]
        if rules.distinct_required and others:
            reasons.append(
                f"required topics must be distinct and it is already required by {', '.join(dict.fromkeys(others))}"
            )
        overlap = [g for g in req + opt if g != t and rules.covers(g) & rules.covers(t)]
        if overlap:
            reasons.append(f"you already have {', '.join(overlap)}, which overlaps it")
        if group is not None:
            reasons.append("topics are chosen per group, and the group as a whole is better off without it")
        binding_min = [
            g
            for g in req + opt
            if g not in rules.mandatory_topics and rules.capacity_of(g).min and counts[g] <= rules.capacity_of(g).min
        ]
        if binding_min and not reasons:
            reasons.append(f"{', '.join(binding_min)} needs its minimum number of participants")
        if not reasons:
            reasons.append("giving it to you would raise the total rank cost for the others by more")
        notes.append(f"Not {_label(rules, t)} (your rank {rank}): {'; '.join(reasons)}.")
    return tuple(notes)


def _notes_unassigned(person: Participant, rules: AssignmentRules, counts: dict[str, int]) -> tuple[str, ...]:
    full = [
        t
        for t in rules.topic_ids
        if (cap := rules.capacity_of(t)).max is not None and counts[t] >= cap.max and _allowed(person, t, rules)
    ]
    notes = ["Not selected: participants may stay unassigned, and the places went where they cost less."]
    if full:
        notes.append(f"Full: {', '.join(f'{t} ({counts[t]} of {rules.capacity_of(t).max})' for t in full)}.")
    return tuple(notes)


# --------------------------------------------------------------------------- groups


def _distances(people: Sequence[Participant], regional_weight: float) -> np.ndarray[Any, Any]:
    """Pairwise distances: great-circle km (when both have a location) + ``regional_weight`` if regions differ."""
    import numpy as np

    regions = np.array([p.region for p in people], dtype=object)
    out: np.ndarray[Any, Any] = np.where(regions[:, None] == regions[None, :], 0.0, regional_weight)
    located = np.array([p.location is not None for p in people])
    if located.any():
        lat = np.radians(np.array([p.location[0] if p.location else 0.0 for p in people]))
        lon = np.radians(np.array([p.location[1] if p.location else 0.0 for p in people]))
        h = (
            np.sin((lat[:, None] - lat[None, :]) / 2) ** 2
            + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2
        )
        km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
        out = out + np.where(located[:, None] & located[None, :], km, 0.0)
    return out


def _improve_by_swaps(groups: list[list[int]], dist: np.ndarray[Any, Any]) -> None:
    """Swap members between nearby groups while that lowers the sum of within-group distances.

    Moving ``a`` (of group I) and ``b`` (of group J) changes the sum by
    ``S_I(b) - S_I(a) + S_J(a) - S_J(b) - 2 d(a, b)``, where ``S_G(x)`` sums x's distances to G;
    each pass applies, for every group and each of its nearest groups, the best negative swap.
    """
    import numpy as np

    if len(groups) < 2:
        return
    members = np.zeros((len(groups), dist.shape[0]))
    for _ in range(SWAP_PASSES):
        for g, ms in enumerate(groups):
            members[g] = 0.0
            members[g, ms] = 1.0
        to_group = dist @ members.T  # to_group[x, g] = S_g(x)
        sizes = members.sum(axis=1)
        mean = (members @ to_group) / np.outer(sizes, sizes)
        near = np.argsort(mean, axis=1, kind="stable")[:, 1 : NEAR_GROUPS + 1]
        improved = False
        for gi in range(len(groups)):
            for gj in near[gi]:
                a_idx, b_idx = np.array(groups[gi]), np.array(groups[int(gj)])
                s_i, s_j = to_group[:, gi], to_group[:, gj]
                delta = (
                    s_i[b_idx][None, :]
                    - s_i[a_idx][:, None]
                    + s_j[a_idx][:, None]
                    - s_j[b_idx][None, :]
                    - 2 * dist[np.ix_(a_idx, b_idx)]
                )
                best = int(np.argmin(delta))
                if delta.flat[best] < -1e-9:
                    a_pos, b_pos = divmod(best, len(b_idx))
                    a, b = groups[gi][a_pos], groups[int(gj)][b_pos]
                    groups[gi][a_pos], groups[int(gj)][b_pos] = b, a
                    to_group[:, gi] += dist[:, b] - dist[:, a]
                    to_group[:, gj] += dist[:, a] - dist[:, b]
                    improved = True
        if not improved:
            return


def _group_sizes(count: int, size: Bounds) -> list[int]:
    """Balanced group sizes within ``size``, as few groups as possible."""
    g = 1 if size.max is None else -(-count // size.max)
    q, extra = divmod(count, g)
    return [q + 1] * extra + [q] * (g - extra)


def _form_groups(
    members: list[int], people: Sequence[Participant], size: Bounds, regional_weight: float
) -> list[list[int]]:
    """Split ``members`` into regionally compact groups (greedy, then improving swaps)."""
    import numpy as np

    count = len(members)
    sizes = _group_sizes(count, size)
    if len(sizes) == 1:
        return [members]
    dist = _distances([people[m] for m in members], regional_weight)
    left = list(range(count))
    groups: list[list[int]] = []
    for s in sizes:
        sub = dist[np.ix_(left, left)]
        seed_pos = int(np.argmax(sub.sum(axis=1)))  # the most peripheral remaining member
        near = np.argsort(sub[seed_pos], kind="stable")[:s]
        if seed_pos not in near:
            near = np.concatenate([[seed_pos], near[: s - 1]])
        chosen = sorted(left[i] for i in near)
        groups.append(chosen)
        taken = set(chosen)
        left = [i for i in left if i not in taken]
    _improve_by_swaps(groups, dist)
    out = [sorted(members[i] for i in g) for g in groups]
    return sorted(out)
