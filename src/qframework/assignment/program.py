"""Stage 1, the program: decision variables, constraint rows and costs built from the rules.

Without groups the decision variables are participant × topic (× required/optional when
``distinct_required`` makes the difference matter), plus, when ``topics_per_participant`` is a
range, one "missing" variable per topic a participant wants beyond the minimum (it costs
``missing_cost`` and stands in for a wanted topic not given); with groups they are participant ×
*bundle*, a bundle being the full set of topics a group shares (of any allowed count; a participant
only takes bundles no larger than it wants, and pays ``missing_cost`` per wanted topic a bundle
lacks). :func:`solve_topics` builds the rows once and re-solves (through :mod:`.highs`) while
adding integer group counts for bundles whose participant count cannot be split into groups of the
allowed sizes. The costs are the integer primary costs only; ties are settled after the solve
(:mod:`.ties`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import attrs

from ..errors import QFrameworkError
from .highs import run
from .rules import AssignmentRules, Bounds, Participant

if TYPE_CHECKING:
    import numpy as np

# Above this many participant × bundle (or participant × topic) columns the model is refused (it
# would not finish); above MAX_BUNDLES topic sets per group they are not even enumerated. Both are
# counted before anything is built (docs/file-formats.md, "Limits").
MAX_COLUMNS = 3_000_000
MAX_BUNDLES = 200_000


def bundle_count(rules: AssignmentRules) -> int:
    """How many topic sets :func:`topic_bundles` would enumerate at most, counted without enumerating."""
    import math

    mandatory = len(set(rules.mandatory_topics) & set(rules.topic_ids))
    free = len(set(rules.topic_ids)) - mandatory
    total = 0
    for k in range(rules.fewest_topics, min(rules.most_topics, len(rules.topic_ids)) + 1):
        r = rules.required_for(k) if rules.distinct_required else k
        chosen = r - mandatory
        if chosen < 0 or chosen > free or k < r:
            continue
        total += math.comb(free, chosen) * math.comb(free - chosen, k - r)
    return total


def check_size(people: Sequence[Participant], rules: AssignmentRules) -> None:
    """Refuse an instance too large to solve exactly, before any of it is built."""
    n = max(len(people), 1)
    if rules.groups is not None:
        count = bundle_count(rules)
        if count > MAX_BUNDLES or count * n > MAX_COLUMNS:
            raise QFrameworkError(
                f"{count:,} possible topic combinations per group × {len(people):,} participants "
                f"is too large to solve exactly (limits: {MAX_BUNDLES:,} combinations, {MAX_COLUMNS:,} in all); "
                "reduce topics_per_participant or the number of topics"
            )
    elif len(rules.topic_ids) * n > MAX_COLUMNS:
        raise QFrameworkError(
            f"{len(rules.topic_ids):,} topics × {len(people):,} participants is too large to solve exactly "
            f"(limit: {MAX_COLUMNS:,})"
        )


class Column(NamedTuple):
    """One decision variable: participant ``p`` takes ``topics`` (as ``role``).

    A named tuple, not an attrs class: one is made per participant × topic (or bundle), and a
    tuple is several times cheaper to create.
    """

    p: int
    topics: tuple[str, ...]  # a single topic, a bundle's required + optional topics, or () if missing
    required: tuple[str, ...]
    role: str  # "any" | "req" | "opt" | "bundle"
    cost: int

    @property
    def missing(self) -> bool:
        """A stand-in for a wanted topic the participant does not get."""
        return not self.topics


def split_roles(rules: AssignmentRules) -> bool:
    """Whether columns without groups say required or optional (distinct required topics need it)."""
    return (
        rules.groups is None
        and rules.distinct_required
        and rules.required_topics is not None
        and rules.required_topics < rules.most_topics
    )


def topic_bundles(rules: AssignmentRules) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every (required, optional) topic set a group may share, of every allowed count, in canonical order.

    Without ``distinct_required`` the split into required and optional does not matter to the
    program (it is decided afterwards by the members' ranks), so each topic set appears once, all
    required; with it, every split is a bundle of its own.
    """
    count = bundle_count(rules)
    if count > MAX_BUNDLES:
        raise QFrameworkError(
            f"{count:,} possible topic combinations per group is too large to solve exactly "
            f"(limit: {MAX_BUNDLES:,}); reduce topics_per_participant or the number of topics"
        )
    topics = sorted(rules.topic_ids)
    mandatory = tuple(sorted(set(rules.mandatory_topics)))
    free = [t for t in topics if t not in mandatory]
    out = []
    for k in range(rules.fewest_topics, min(rules.most_topics, len(topics)) + 1):
        r = rules.required_for(k) if rules.distinct_required else k
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


def allowed(person: Participant, topic: str, rules: AssignmentRules) -> bool:
    if person.exclusions and rules.covers(topic) & set(person.exclusions):
        return False
    return rules.objective.allow_unranked or topic in rules.mandatory_topics or topic in person.preferences


def topic_cost(person: Participant, topic: str, rules: AssignmentRules) -> int:
    if topic in rules.mandatory_topics:
        return 0
    rank = person.rank(topic)
    return rules.unranked_rank if rank is None else rank


def columns(people: Sequence[Participant], rules: AssignmentRules) -> list[Column]:
    """Every decision variable, participant by participant (in ``people`` order).

    The rules' derived values (covers, costs, counts) are looked up once here, not per entry: this
    loop runs participants × topics times.
    """
    cols: list[Column] = []
    topics = sorted(rules.topic_ids)
    mandatory = set(rules.mandatory_topics)
    check_size(people, rules)
    covers = {t: rules.covers(t) for t in topics}
    allow_unranked = rules.objective.allow_unranked
    unranked, missing_cost = rules.unranked_rank, rules.missing_cost
    fewest = rules.fewest_topics

    def ranks_of(person: Participant) -> dict[str, int]:
        """Allowed topics and their costs for one participant (the rules of :func:`allowed`, :func:`topic_cost`)."""
        rank = {t: i + 1 for i, t in enumerate(person.preferences)}
        excluded = set(person.exclusions)
        out = {}
        for t in topics:
            if excluded and covers[t] & excluded:
                continue
            if t in mandatory:
                out[t] = 0
            elif t in rank:
                out[t] = rank[t]
            elif allow_unranked:
                out[t] = unranked
        return out

    if rules.groups is not None:
        bundles = topic_bundles(rules)
        if len(bundles) * len(people) > MAX_COLUMNS:
            raise QFrameworkError(
                f"{len(bundles)} possible topic combinations per group × {len(people)} participants "
                "is too large to solve exactly; reduce topics_per_participant or the number of topics"
            )
        return bundle_columns(people, rules, bundles)
    split = split_roles(rules)
    for p, person in enumerate(people):
        wants = fewest if person.wants is None else person.wants
        for _ in range(wants - fewest):
            cols.append(Column(p, (), (), "opt" if split else "any", missing_cost))
        for t, cost in ranks_of(person).items():
            if not split:
                cols.append(Column(p, (t,), (t,), "any", cost))
                continue
            cols.append(Column(p, (t,), (t,), "req", cost))
            if t not in mandatory:
                cols.append(Column(p, (t,), (), "opt", cost))
    return cols


class ColumnTable(Sequence[Column]):
    """The columns of the plain case (no groups, one role, an exact topic count) as arrays.

    Participants × topics columns are the bulk of the work on large instances; as arrays they cost
    a few vectorised steps, and a :class:`Column` is made only for the few that are looked at (the
    chosen ones). Same order as :func:`columns`: participant by participant, topics sorted by id.
    """

    def __init__(self, p_of: Any, t_of: Any, cost_of: Any, topics: Sequence[str], rank_of: Any = None) -> None:
        self.p_of, self.t_of, self.cost_of, self.topics = p_of, t_of, cost_of, tuple(topics)
        self.rank_of = rank_of  # each column's preference rank (0: not ranked), for the placements
        self.dense: tuple[Any, Any, Any] | None = None  # participants × topics: allowed, cost, rank (topic_costs)

    def __len__(self) -> int:
        return len(self.p_of)

    @overload
    def __getitem__(self, j: int) -> Column: ...
    @overload
    def __getitem__(self, j: slice) -> Sequence[Column]: ...
    def __getitem__(self, j: int | slice) -> Column | Sequence[Column]:
        if isinstance(j, slice):
            return [self[i] for i in range(*j.indices(len(self)))]
        t = (self.topics[int(self.t_of[j])],)
        return Column(int(self.p_of[j]), t, t, "any", int(self.cost_of[j]))


def plain(rules: AssignmentRules) -> bool:
    """Whether the columns fit a :class:`ColumnTable`: no groups, one role, an exact topic count."""
    count = rules.topic_count
    return rules.groups is None and not split_roles(rules) and count.max == count.min


def topic_costs(people: Sequence[Participant], rules: AssignmentRules) -> tuple[Any, Any, list[str], Any]:
    """Participants × topics (sorted by id): whether allowed (:func:`allowed`), the cost
    (:func:`topic_cost`) and the preference rank (0: not ranked), as arrays, built without a Python
    step per participant and topic."""
    import numpy as np

    topics = sorted(rules.topic_ids)
    index = {t: i for i, t in enumerate(topics)}
    n, m = len(people), len(topics)
    lens = np.fromiter((len(p.preferences) for p in people), dtype=np.int64, count=n)
    total = int(np.sum(lens))
    # map and chain step through the preferences in C: no Python step per preference
    prefs = itertools.chain.from_iterable([p.preferences for p in people])
    flat = np.fromiter(map(index.__getitem__, prefs), dtype=np.int64, count=total)
    rank = np.zeros((n, m), dtype=np.int64)  # 0: not ranked
    starts = np.cumsum(lens) - lens
    rank[np.repeat(np.arange(n), lens), flat] = np.arange(total) - np.repeat(starts, lens) + 1
    ok = rank > 0
    if rules.objective.allow_unranked:
        ok[:] = True
    cost = np.where(rank > 0, rank, rules.unranked_rank)
    for t in rules.mandatory_topics:
        ok[:, index[t]] = True
        cost[:, index[t]] = 0
    covers = [rules.covers(t) for t in topics]
    for p, person in enumerate(people):  # exclusions are rare: only their participants are visited
        if person.exclusions:
            excluded = set(person.exclusions)
            for i in range(m):
                if covers[i] & excluded:
                    ok[p, i] = False
    return ok, cost, topics, rank


def column_table(people: Sequence[Participant], rules: AssignmentRules) -> ColumnTable:
    """:func:`columns` for the plain case, vectorised: the same columns, as arrays."""
    import numpy as np

    check_size(people, rules)
    ok, cost, topics, rank = topic_costs(people, rules)
    p_of, t_of = np.nonzero(ok)
    table = ColumnTable(p_of.astype(np.int64), t_of.astype(np.int64), cost[p_of, t_of], topics, rank[p_of, t_of])
    table.dense = (ok, cost, rank)
    return table


class BundleColumns(list[Column]):
    """The columns with groups (participant × bundle), with the same facts as arrays beside them:
    ``p_of``, ``b_of`` (index into ``bundles``, :func:`topic_bundles`' order) and ``cost_of``."""

    p_of: Any
    b_of: Any
    cost_of: Any
    bundles: list[tuple[tuple[str, ...], tuple[str, ...]]]
    incidence: Any  # bundles × topics (sorted by id): 1 where the bundle holds the topic


def bundle_columns(
    people: Sequence[Participant], rules: AssignmentRules, bundles: list[tuple[tuple[str, ...], tuple[str, ...]]]
) -> BundleColumns:
    """The participant × bundle columns, vectorised: a participant takes a bundle no larger than it
    wants whose topics are all allowed to it; the cost is their sum plus ``missing_cost`` per wanted
    topic the bundle lacks. Participant by participant, bundles in their order."""
    import numpy as np

    ok, cost, topics, _rank = topic_costs(people, rules)
    index = {t: i for i, t in enumerate(topics)}
    incidence = np.zeros((len(bundles), len(topics)))
    for b, (req, opt) in enumerate(bundles):
        incidence[b, [index[t] for t in req + opt]] = 1.0
    size = np.sum(incidence, axis=1)
    fewest = rules.fewest_topics
    wants = np.fromiter((fewest if p.wants is None else p.wants for p in people), dtype=float, count=len(people))
    fits = ((~ok).astype(float) @ incidence.T == 0) & (size[None, :] <= wants[:, None])
    total = np.where(ok, cost, 0).astype(float) @ incidence.T + rules.missing_cost * (wants[:, None] - size[None, :])
    p_of, b_of = np.nonzero(fits)
    cost_of = np.rint(total[p_of, b_of]).astype(np.int64)
    both = [req + opt for req, opt in bundles]
    out = BundleColumns(
        Column(p, both[b], bundles[b][0], "bundle", c)
        for p, b, c in zip(p_of.tolist(), b_of.tolist(), cost_of.tolist(), strict=True)
    )
    out.p_of, out.b_of, out.cost_of = p_of.astype(np.int64), b_of.astype(np.int64), cost_of
    out.bundles, out.incidence = bundles, incidence
    return out


@attrs.define
class Program:
    """A sparse integer program ``min c·x  s.t.  lo ≤ A x ≤ hi``, built row by row or in blocks of rows."""

    n_vars: int
    rows: list[int] = attrs.field(factory=list)
    cols: list[int] = attrs.field(factory=list)
    vals: list[float] = attrs.field(factory=list)
    lo: list[float] = attrs.field(factory=list)
    hi: list[float] = attrs.field(factory=list)
    # entries added as whole arrays (row, column, value), kept as arrays: one block per call
    blocks: list[tuple[Any, Any, Any]] = attrs.field(factory=list)

    def add(self, entries: Iterable[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(self.lo)
        for j, v in entries:
            self.rows.append(r)
            self.cols.append(j)
            self.vals.append(v)
        self.lo.append(lo)
        self.hi.append(hi)

    def add_rows(self, row: Any, col: Any, val: Any, lo: Sequence[float], hi: Sequence[float]) -> None:
        """Add ``len(lo)`` rows at once; ``row`` numbers the entries' rows from 0 within the block."""
        self.blocks.append((row + len(self.lo), col, val))
        self.lo.extend(lo)
        self.hi.extend(hi)

    def copy(self, n_vars: int) -> Program:
        """The same rows over ``n_vars`` variables, to add more rows to without changing this one."""
        return Program(
            n_vars, list(self.rows), list(self.cols), list(self.vals), list(self.lo), list(self.hi), list(self.blocks)
        )

    def triplets(self) -> tuple[Any, Any, Any]:
        """All entries as three arrays (row, column, value)."""
        import numpy as np

        parts = [
            *self.blocks,
            (
                np.array(self.rows, dtype=np.int64),
                np.array(self.cols, dtype=np.int64),
                np.array(self.vals, dtype=float),
            ),
        ]
        return (
            np.concatenate([r for r, _c, _v in parts]),
            np.concatenate([c for _r, c, _v in parts]),
            np.concatenate([v for _r, _c, v in parts]),
        )


def solve_topics(people: Sequence[Participant], rules: AssignmentRules) -> tuple[Sequence[Column], list[int]] | None:
    """Solve stage 1; return the columns and the indices of the chosen ones, or ``None`` if infeasible."""
    import numpy as np

    cols: Sequence[Column] = column_table(people, rules) if plain(rules) else columns(people, rules)
    table = cols if isinstance(cols, ColumnTable) else None
    n = len(people)
    k, r = rules.most_topics, rules.required_count
    grouped = rules.groups is not None
    unassigned = rules.allow_unassigned
    u0 = len(cols)  # unassigned variables u_p follow the columns
    n_x = u0 + (n if unassigned else 0)

    if n_x == 0:  # nobody to place, or nobody can take anything
        feasible = n == 0 and all(rules.capacity_of(t).min == 0 for t in rules.topic_ids)
        return (cols, []) if feasible else None

    base = Program(n_x)
    mandatory = set(rules.mandatory_topics)
    split = split_roles(rules)
    # a bipartite b-matching (totally unimodular) has an integral LP: no MILP needed
    tu = (k == 1 or not grouped) and not rules.distinct_required and not mandatory and (k == 1 or not unassigned)
    arrays = table if table is not None else cols if isinstance(cols, BundleColumns) else None
    p_of = arrays.p_of if arrays is not None else np.fromiter((c.p for c in cols), dtype=np.int64, count=len(cols))
    # one row per participant (with groups: one bundle; without: as many topics as it wants) and,
    # without groups, nothing else per participant unless roles, mandatory topics or alternatives
    # need rows of their own: then the rows are built as arrays, in the order of the loop below
    simple = grouped or (not split and not mandatory and all(len(rules.covers(t)) == 1 for t in rules.topic_ids))
    if simple:
        fewest = rules.fewest_topics
        wanted = (
            np.ones(n)
            if grouped
            else np.array([fewest if person.wants is None else person.wants for person in people], dtype=float)
        )
        row, col, val = p_of, np.arange(u0, dtype=np.int64), np.ones(u0)
        if unassigned:
            row = np.concatenate([row, np.arange(n, dtype=np.int64)])
            col = np.concatenate([col, u0 + np.arange(n, dtype=np.int64)])
            val = np.concatenate([val, np.ones(n) if grouped else wanted])
            order = np.argsort(row, kind="stable")
            row, col, val = row[order], col[order], val[order]
        base.add_rows(row, col, val, wanted.tolist(), wanted.tolist())
    by_person: list[list[int]] = [[] for _ in range(0 if simple else n)]
    for j, c in enumerate(() if simple else cols):
        by_person[c.p].append(j)
    for p in range(0 if simple else n):
        u = [(u0 + p, 1.0)] if unassigned else []
        js = by_person[p]
        if grouped:
            base.add([(j, 1.0) for j in js] + u, 1, 1)
            continue
        wants = rules.wants_of(people[p])
        roles = {"req": r, "opt": wants - r} if split else {"any": wants}
        for role, need in roles.items():
            ent = [(j, 1.0) for j in js if cols[j].role == role]
            base.add([*ent, (u0 + p, float(need))] if unassigned else ent, need, need)
        for t in sorted(mandatory):
            ent = [(j, 1.0) for j in js if cols[j].topics == (t,) and cols[j].role in ("any", "req")]
            base.add(ent + u, 1, 1)
        # a participant takes each base topic at most once (an alternative touches several)
        touching: dict[str, list[int]] = {}
        for j in js:
            if cols[j].missing:
                continue
            for b in rules.covers(cols[j].topics[0]):
                touching.setdefault(b, []).append(j)
        for b in sorted(touching):
            if len(touching[b]) > 1:
                base.add([(j, 1.0) for j in touching[b]], 0, 1)
                tu = False
    # capacity per topic
    capped = [t for t in sorted(rules.topic_ids) if (cap := rules.capacity_of(t)).min > 0 or cap.max is not None]
    if isinstance(cols, BundleColumns):
        topic_index = {t: i for i, t in enumerate(sorted(rules.topic_ids))}
        for t in capped:
            cap = rules.capacity_of(t)
            held_by = np.flatnonzero(cols.incidence[cols.b_of, topic_index[t]])
            hi = math.inf if cap.max is None else float(cap.max)
            base.add_rows(
                np.zeros(len(held_by), dtype=np.int64), held_by, np.ones(len(held_by)), [float(cap.min)], [hi]
            )
    elif capped:  # with groups the columns are always BundleColumns (columns()), handled above
        # a column without groups holds one topic (or none): one row per capped topic, as arrays
        row_of = {t: i for i, t in enumerate(capped)}
        if table is not None:
            t_of = np.array([row_of.get(t, -1) for t in table.topics], dtype=np.int64)[table.t_of]
        else:
            t_of = np.fromiter(
                (row_of.get(c.topics[0], -1) if c.topics else -1 for c in cols), dtype=np.int64, count=len(cols)
            )
        held = np.flatnonzero(t_of >= 0)
        order = np.argsort(t_of[held], kind="stable")
        caps = [rules.capacity_of(t) for t in capped]
        base.add_rows(
            t_of[held][order],
            held[order],
            np.ones(len(held)),
            [float(cap.min) for cap in caps],
            [math.inf if cap.max is None else float(cap.max) for cap in caps],
        )

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

    cost = costs(cols, rules, u0, n_x)
    # Costs are integers, so a MILP solution within less than 1 of the optimum is optimal: a relative
    # gap of 1/2 over the largest possible objective proves that without proving more.
    largest = float(np.max(cost)) if (cost > 0).any() else 1.0  # the largest positive cost
    gap = 0.5 / max(1.0, n * k * largest)

    # group counts: bundles that need an integer group-count variable
    bundle_cols: list[list[int]] = []
    bi_of: list[int] = []  # each column's bundle, numbered in order of first appearance
    if isinstance(cols, BundleColumns) and len(cols):
        uniq, first = np.unique(cols.b_of, return_index=True)
        renumber = np.full(len(cols.bundles), -1, dtype=np.int64)
        renumber[uniq[np.argsort(first)]] = np.arange(len(uniq))
        numbered = renumber[cols.b_of]
        ends = np.cumsum(np.bincount(numbered, minlength=len(uniq)))[:-1]
        bundle_cols = [part.tolist() for part in np.split(np.argsort(numbered, kind="stable"), ends)]
        bi_of = numbered.tolist()
    assert rules.groups is not None or not grouped
    size = rules.groups.size if rules.groups is not None else Bounds(1, None)
    need_groups: set[int] = set(range(len(bundle_cols))) if rules.distinct_required else set()

    rounds = 0
    while True:
        x = run(
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
        chosen = np.flatnonzero(x[:u0] > 0.5).tolist()
        if not grouped:
            return cols, chosen
        counts: dict[int, int] = {}
        for j in chosen:
            counts[bi_of[j]] = counts.get(bi_of[j], 0) + 1
        bad = {bi for bi, cnt in counts.items() if not splittable(cnt, size)}
        if not bad:
            return cols, chosen
        if bad <= need_groups:  # cannot happen: the group counts are modelled exactly for these
            raise QFrameworkError(f"internal error: group sizes of bundles {sorted(bad)} do not fit")
        rounds += 1
        # a few rounds of adding only the offending bundles; then all of them (many small bundles
        # would otherwise take one round each)
        need_groups |= bad if rounds < 3 else set(range(len(bundle_cols)))


def costs(cols: Sequence[Column], rules: AssignmentRules, u0: int, n_x: int) -> np.ndarray[Any, Any]:
    """The integer primary costs: a column's rank cost, ``unassigned_cost`` per unassigned variable.

    No tie-breaking term: ties are settled exactly after the solve (:mod:`.ties`), and a secondary
    term roughly doubled HiGHS' time while falling below its tolerances on large instances.
    """
    import numpy as np

    out: np.ndarray[Any, Any] = np.empty(n_x)
    if isinstance(cols, ColumnTable):
        out[:u0] = cols.cost_of
    else:
        out[:u0] = np.fromiter((c.cost for c in cols), dtype=float, count=len(cols))
    out[u0:] = rules.unassigned_cost
    return out


def splittable(count: int, size: Bounds) -> bool:
    """Whether ``count`` participants can be split into groups whose sizes lie within ``size``."""
    if count == 0:
        return True
    if size.max is None:
        return count >= size.min
    g = -(-count // size.max)  # fewest groups
    return g * size.min <= count
