"""The exact assignment solver.

Objective (see :class:`~qframework.assignment.rules.Objective`): minimise the sum, over assigned
participants and their non-mandatory topics, of the preference rank of the topic (1 = first choice;
an unranked topic costs ``unranked_rank``), plus ``unassigned_cost`` per participant left out. Among
assignments of equal cost, ties are broken deterministically by id: the result is swap-stable by id
(see :func:`assign` and :mod:`.ties`).

Stage 1 (exact) chooses every participant's topics as an integer program solved by HiGHS through
scipy. Without groups the decision variables are participant × topic (× required/optional when
``distinct_required`` makes the difference matter); with groups they are participant × *bundle*,
a bundle being the full set of topics a group shares. When the program is a plain transportation
problem its LP is integral and solved by the dual simplex; otherwise, or when the group sizes do not
fit, HiGHS' MILP solver takes over. Group-size feasibility (with sizes 3–4 a bundle can hold 0, 3, 4
or ≥ 6 participants) is added lazily: integer group counts only for the bundles whose count does not
fit, re-solving until every count fits. The relaxation has the same optimum when it fits, so the
result is exactly optimal. The costs are integers and carry no tie-breaking term; the tie rule is an
exact pass over the optimum (:mod:`.ties`).

Stage 2 (heuristic) splits the participants of every bundle into groups of balanced sizes that are
as regionally compact as possible: a greedy seed-and-nearest-neighbour split followed by pairwise
member swaps while they reduce the sum of within-group distances. It never changes anybody's topics,
so it never changes the cost.

The seams are modules: :mod:`.program` builds the integer program from the rules, :mod:`.highs`
calls HiGHS, :mod:`.diagnose` names the rule an infeasible instance breaks, :mod:`.reasons` words
each participant's result, :mod:`.grouping` forms the groups. This module puts them together.
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from ..errors import NotFound
from ..messages import Note
from ..validation import deferred
from .diagnose import diagnose, precheck
from .grouping import form_groups
from .highs import require_solver
from .program import (
    BundleColumns,
    Column,
    ColumnTable,
    check_size,
    columns,
    solve_topics,
    split_roles,
    splittable,
    topic_bundles,
    topic_costs,
)
from .reasons import Reasons, reasons_unassigned
from .result import Assignment, Group, Placement
from .rules import AssignmentProblem, AssignmentRules, Participant
from .ties import swap_stable, swap_stable_levels, swap_stable_single

__all__ = ["assign"]

# Up to this many topics the transportation case is solved over the topic nodes (:mod:`.flow`): its
# path search is quadratic in the topics, its steps linear in the participants. Above it, HiGHS.
FLOW_TOPICS = 64


def assign(participants: Iterable[Participant], rules: AssignmentRules, *, mode: str = "joint") -> Assignment:
    """Return an optimal assignment of ``participants`` under ``rules``.

    The objective is stated in :class:`~qframework.assignment.rules.Objective`: the total preference
    rank of assigned non-mandatory topics (plus the cost of leaving participants out) is minimal —
    exactly, not approximately. Ties are broken deterministically by id: the program is built from
    participants and topics sorted by id, so the result does not depend on input order, and the
    result is *swap-stable by id* — no two participants ``a < b`` can exchange topics (with groups:
    whole topic sets, before groups form) so that ``a`` ranks its new topic strictly better, the
    total cost stays equal and every rule still holds (:mod:`.ties`). Groups are then
    formed within each set of shared topics, regionally compact (a heuristic; it does not change the
    cost).

    With groups, ``rules.objective.km_per_rank`` trades travel against preference and ``mode``
    says how to plan (see :mod:`.regional`): ``"joint"`` chooses topics and groups together under
    the trade-off (with ``km_per_rank = None``: preferences first, groups after, as described
    above); ``"groups-first"`` forms groups by distance, then gives each group its best topics.
    Such a plan carries :class:`~qframework.assignment.result.Optimality` (objective, lower bound,
    whether proven optimal). Without groups ``mode`` does not matter.

    Raises :class:`~qframework.errors.InfeasibleAssignment` naming the rule that cannot be met, and
    :class:`~qframework.errors.ValidationError` if participants refer to unknown topics or repeat ids.
    """
    from .regional import MODES

    if not isinstance(rules, AssignmentRules):
        raise TypeError(f"rules must be AssignmentRules, got {type(rules).__name__}")
    if isinstance(participants, (str, bytes)) or not isinstance(participants, Iterable):
        raise TypeError(f"participants must be an iterable of Participant, got {type(participants).__name__}")
    if mode not in MODES:
        raise NotFound.unknown("mode", mode, MODES)
    given = tuple(participants)
    for person in given:
        if not isinstance(person, Participant):
            raise TypeError(f"participants must be Participant values, got {type(person).__name__}")
    people = tuple(sorted(given, key=operator.attrgetter("id")))
    if not _plainly_valid(people, rules):
        AssignmentProblem(rules=rules, participants=people)  # raises, naming every problem with its path
    check_size(people, rules)  # counted before anything is enumerated
    require_solver()
    precheck(people, rules)
    if rules.groups is not None and (mode == "groups-first" or rules.objective.km_per_rank is not None):
        return _regional(people, rules, mode)
    if _transportation(rules):
        found = _transport(people, rules)
        if found is not None:
            return found
    solution = solve_topics(people, rules)
    if solution is None:
        raise diagnose(people, rules)
    columns, chosen = solution
    return _build(people, rules, columns, chosen)


def _transportation(rules: AssignmentRules) -> bool:
    """Whether the topics are a plain transportation problem :mod:`.flow` solves: one topic each, no
    mandatory topics, no selection, no distinct required topics, no capacity minimum (with groups:
    their sizes are checked on the result, :func:`_transport`)."""
    count = rules.topic_count
    return (
        count.min == 1
        and count.max == 1
        and not rules.mandatory_topics
        and not rules.allow_unassigned
        and not rules.distinct_required
        and all(rules.capacity_of(t).min == 0 for t in rules.topic_ids)
    )


def _transport(people: Sequence[Participant], rules: AssignmentRules) -> Assignment | None:
    """The transportation case: an optimum (:func:`.flow.transport`; HiGHS above ``FLOW_TOPICS``
    topics), made the one smallest by id (:func:`.flow.canonical`, which is swap-stable by id).
    With groups (one topic each, preferences first) that is the optimum of the grouped program
    too when every topic's count can be split into groups of the allowed sizes: the groups are
    then formed as usual. ``None`` if infeasible, or with groups if a count does not split (or
    above ``FLOW_TOPICS`` topics): the general path then solves it, or names the rule that
    cannot be met."""
    import numpy as np

    from .flow import canonical, prices, transport

    ok, cost, topics, rank = topic_costs(people, rules)
    n = len(people)
    hi = np.array([n if (cap := rules.capacity_of(t)).max is None else cap.max for t in topics], dtype=np.int64)
    if len(topics) <= FLOW_TOPICS:
        held = transport(cost, ok, hi)
    elif rules.groups is not None:
        return None
    else:
        solution = solve_topics(people, rules)
        held = None
        if solution is not None:
            cols, chosen = solution
            assert isinstance(cols, ColumnTable)
            held = np.full(n, -1, dtype=np.int64)
            picked = np.asarray(chosen, dtype=np.int64)
            held[cols.p_of[picked]] = cols.t_of[picked]
    if held is None:
        return None
    try:
        held = canonical(cost, ok, hi, held, prices(cost, ok, hi, held))
    except AssertionError:  # pragma: no cover - not an exact optimum: the general path takes over
        return None
    if rules.groups is not None:
        size = rules.groups.size
        if not all(splittable(c, size) for c in np.bincount(held, minlength=len(topics)).tolist()):
            return None
        cols = [Column(p, (topics[t],), (topics[t],), "bundle", int(cost[p, t])) for p, t in enumerate(held.tolist())]
        return _build(people, rules, cols, list(range(n)))
    return _Alone(people, rules, topics, np.where(ok, cost, np.inf), rank, held, ties=False).assignment()


def _plainly_valid(people: Sequence[Participant], rules: AssignmentRules) -> bool:
    """Whether the cross references :class:`AssignmentProblem` checks hold, tested in bulk.

    The common case (everything fine) costs a few set operations over all participants; only when this
    says no is the full check run, which names every problem with its path.
    """
    ids = {p.id for p in people}
    if len(ids) != len(people):
        return False
    known = frozenset(rules.topic_ids)
    chain = itertools.chain.from_iterable  # every participant's topics in one pass, stepped in C
    if not known.issuperset(chain([p.preferences for p in people])):
        return False
    if not known.issuperset(chain([p.exclusions for p in people if p.exclusions])):
        return False
    count = rules.topic_count
    return all(count.holds(p.wants) for p in people if p.wants is not None)


def _regional(people: Sequence[Participant], rules: AssignmentRules, mode: str) -> Assignment:
    """A regional plan (:mod:`.regional`) as an :class:`Assignment`, with distance reasons."""
    from .regional import distance_matrix, plan_regional

    plan, optimality = plan_regional(people, rules, mode)
    cols = columns(people, rules)
    key = {(req + opt, req): b for b, (req, opt) in enumerate(topic_bundles(rules))}
    col_of = {(c.p, key[(c.topics, c.required)]): j for j, c in enumerate(cols)}
    chosen = [col_of[(p, b)] for g, b in plan if b is not None for p in g]
    partition = [g for g, b in plan if b is not None]
    result = _build(people, rules, cols, chosen, partition)
    kpr = rules.objective.km_per_rank
    if kpr is not None:
        assert rules.groups is not None
        dist = distance_matrix(people, rules.groups.regional_weight)
        result = attrs.evolve(result, placements=_distance_notes(result, people, rules, dist, kpr))
    return attrs.evolve(result, optimality=optimality)


def _distance_notes(
    result: Assignment, people: Sequence[Participant], rules: AssignmentRules, dist: Any, kpr: float
) -> tuple[Placement, ...]:
    """For every better-ranked topic a member did not get: how far the nearest group working on it is."""
    index = {p.id: i for i, p in enumerate(people)}
    out = []
    for placement in result.placements:
        i = index[placement.participant]
        person = people[i]
        own = result.group_of(person.id)
        if own is None:
            out.append(placement)
            continue
        worst = max(
            (person.rank(t) or rules.unranked_rank for t in own.topics if t not in rules.mandatory_topics), default=0
        )
        notes = list(placement.notes)
        for t in person.preferences:
            rank = person.rank(t)
            if rank is None or rank >= worst or t in own.topics:
                continue
            near = [
                (sum(float(dist[i, index[m]]) for m in g.members) / len(g.members), g.id)
                for g in result.groups
                if t in g.topics and g.id != own.id and g.members
            ]
            if not near:
                continue
            km, gid = min(near)
            cause = Note(
                "not-given.distance", {"group": gid, "km": round(km), "ranks": round(km / kpr, 1), "km_per_rank": kpr}
            )
            header = Note("not-given", {"topic": t, "rank": rank})
            if header in notes:
                # one block per topic: the distance joins the causes already given for it
                at = notes.index(header) + 1
                while at < len(notes) and notes[at].code.startswith("not-given."):
                    at += 1
                notes.insert(at, cause)
            else:
                notes += [header, cause]
        out.append(attrs.evolve(placement, notes=tuple(notes)))
    return tuple(out)


def _build(
    people: Sequence[Participant],
    rules: AssignmentRules,
    cols: Sequence[Column],
    chosen: Sequence[int],
    partition: Sequence[Sequence[int]] | None = None,
    *,
    ties: bool = True,
) -> Assignment:
    """The :class:`Assignment` of the chosen columns: topics ordered, groups formed, notes worded.

    ``ties=False`` keeps the solver's choice as it is (no exchanges of the tie rule): a start plan
    whose groups must keep the columns they were chosen with (:mod:`.regional`) needs that.
    """
    mandatory = list(dict.fromkeys(rules.mandatory_topics))
    if isinstance(cols, ColumnTable) and partition is None and _several(people, rules):
        found = _Several(people, rules, cols, chosen, ties=ties).assignment()
        if found is not None:
            return found
    order = {t: i for i, t in enumerate(rules.topic_ids)}
    got: dict[int, list[Column]] = {}
    plain_topics: dict[int, list[str]] = {}  # a ColumnTable's chosen topics, read off its arrays
    alone: _Alone | None = None  # one topic each, on arrays (the common case): tie rule done here
    if isinstance(cols, ColumnTable) and partition is None and rules.most_topics == 1 and not mandatory:
        alone = _Alone.of_columns(people, rules, cols, chosen, ties=ties)
    elif isinstance(cols, ColumnTable):
        import numpy as np

        picked = np.asarray(chosen, dtype=np.int64)
        p_of, t_of = cols.p_of[picked], cols.t_of[picked]
        if not mandatory:  # in the order key() gives: cost (the rank, or unranked_rank), then topic id
            at = np.lexsort((t_of, cols.cost_of[picked], p_of))
            p_of, t_of = p_of[at], t_of[at]
        for p, t in zip(p_of.tolist(), t_of.tolist(), strict=True):
            plain_topics.setdefault(p, []).append(cols.topics[t])
    else:
        for j in chosen:
            if not cols[j].missing:
                got.setdefault(cols[j].p, []).append(cols[j])

    def key(person: Participant) -> Any:
        def k(t: str) -> tuple[int, int, str]:
            m = mandatory.index(t) if t in mandatory else len(mandatory)
            rank = person.rank(t)
            return (m, rank if rank is not None else rules.unranked_rank, t)

        return k

    def shown(t: str) -> tuple[int, int]:  # a group's topics: mandatory first, then in rule order
        return (mandatory.index(t) if t in mandatory else len(mandatory), order[t])

    topics_of: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = alone.topics_of() if alone else {}
    for p, ts in plain_topics.items():  # role "any": the better-ranked ones are required
        if len(ts) > 1 and mandatory:
            ts.sort(key=key(people[p]))
        r = rules.required_for(len(ts))
        topics_of[p] = (tuple(ts[:r]), tuple(ts[r:]))
    for p, cs in got.items():
        person = people[p]
        if cs[0].role == "bundle":
            req_set = set(cs[0].required)
            opt_set = set(cs[0].topics) - req_set
        elif cs[0].role == "any":
            all_topics = sorted((c.topics[0] for c in cs), key=key(person))
            r = rules.required_for(len(all_topics))
            req_set = set(all_topics[:r])
            opt_set = set(all_topics[r:])
        else:
            req_set = {c.topics[0] for c in cs if c.role == "req"}
            opt_set = {c.topics[0] for c in cs if c.role == "opt"}
        topics_of[p] = (tuple(sorted(req_set, key=key(person))), tuple(sorted(opt_set, key=key(person))))
    roles_apart = split_roles(rules)
    set_costs = _SetCosts(people, rules)
    while True:  # ends: every exchange lowers the costs ordered by id lexicographically (.ties)
        if roles_apart:
            units = {p: [p] for p in topics_of}
            _required_get_better_ranks(people, rules, units, topics_of, lambda u: key(people[u]))
        # regional plans (``partition``) keep their own partition: no exchanges there
        if partition is not None or not ties:
            break
        # complete: no exchange is left after it (the one-topic arrays have had theirs already)
        fresh = alone is not None and alone.fresh
        moved = alone.moved if alone is not None and fresh else _exchange(people, rules, cols, topics_of, key)
        selected = rules.allow_unassigned and _select(people, rules, topics_of, key, set_costs)
        if alone is not None and selected:
            alone.fresh = False  # topics_of is ahead of its arrays now
        if not selected and not (roles_apart and moved):
            break

    groups: list[Group] = []
    group_of: dict[int, str] = {}
    if rules.groups is not None:
        by_bundle: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}
        for p, (req, opt) in topics_of.items():
            canon = (tuple(sorted(req, key=shown)), tuple(sorted(opt, key=shown)))
            by_bundle.setdefault(canon, []).append(p)
        parts: list[tuple[tuple[tuple[str, ...], tuple[str, ...]], list[int]]] = []
        bundle_of = {p: b for b, ps in by_bundle.items() for p in ps}
        for bundle in sorted(by_bundle, key=lambda b: [shown(t) for t in b[0] + b[1]]):
            if partition is not None:
                split = sorted(sorted(g) for g in partition if g and bundle_of[g[0]] == bundle)
            else:
                split = form_groups(sorted(by_bundle[bundle]), people, rules.groups.size, rules.groups.regional_weight)
            for members in split:
                parts.append((_split_by_rank(bundle, members, people, rules, shown), members))
        by_unit = {i: members for i, (_bundle, members) in enumerate(parts)}
        unit_topics = {i: bundle for i, (bundle, _members) in enumerate(parts)}
        if rules.distinct_required:
            _required_get_better_ranks(people, rules, by_unit, unit_topics, lambda _u: shown)
        for i, members in by_unit.items():
            gid = f"g{i + 1}"
            req, opt = unit_topics[i]
            groups.append(Group(gid, req, opt, tuple(people[m].id for m in members)))
            for m in members:
                group_of[m] = gid
                person = people[m]
                topics_of[m] = (tuple(sorted(req, key=key(person))), tuple(sorted(opt, key=key(person))))

    if alone is not None and alone.fresh and not rules.distinct_required:
        return alone.assignment()
    counts: dict[str, int] = {t: 0 for t in rules.topic_ids}
    for req, opt in topics_of.values():
        for t in req + opt:
            counts[t] += 1
    required_by: dict[str, list[str]] = {}  # only the notes on distinct required topics name them
    if rules.distinct_required:
        holders: dict[str, dict[str, None]] = {}
        for p, (req, _opt) in topics_of.items():
            unit = group_of.get(p, people[p].id)
            for t in req:
                for b in rules.covers(t):
                    holders.setdefault(b, {})[unit] = None
        required_by = {b: list(units) for b, units in holders.items()}

    placements: list[Placement] = []
    unassigned: list[str] = []
    total = 0
    fewest, missing_cost = rules.fewest_topics, rules.missing_cost  # derived values: looked up once
    unranked, mandatory_set = rules.unranked_rank, frozenset(mandatory)
    reasons = Reasons(rules, counts, required_by)
    memo = reasons.memo
    plain_notes = not mandatory_set and not rules.distinct_required
    with deferred():  # placements built by the solver from checked values: nothing to report
        for p, person in enumerate(people):
            if p not in topics_of:
                unassigned.append(person.id)
                total += rules.unassigned_cost
                placements.append(Placement(person.id, notes=reasons_unassigned(person, rules, counts)))
                continue
            req, opt = topics_of[p]
            mine = req + opt
            prefs = person.preferences
            ranks = tuple([prefs.index(t) + 1 if t in prefs else 0 for t in mine])
            if mandatory_set:
                total += sum([0 if t in mandatory_set else r or unranked for t, r in zip(mine, ranks, strict=True)])
            else:  # the ranks, an unranked topic (0) counting unranked_rank
                total += sum(ranks) + unranked * ranks.count(0)
            total += missing_cost * ((fewest if person.wants is None else person.wants) - len(mine))
            group = group_of.get(p)
            # the notes' memo key (Reasons.notes) read straight off the ranks where no rule complicates
            # it; a miss (or any other case) asks Reasons, which words and stores them
            notes = None
            if plain_notes and group is None:
                worst = max(ranks)
                if worst < unranked and 0 in ranks:
                    worst = unranked
                notes = memo.get((prefs[:worst], req, opt, True))
            if notes is None:
                notes = reasons.notes(person, req, opt, group, ranks)
            placements.append(Placement(person.id, req, opt, group, notes, ranks))
    return Assignment(tuple(placements), tuple(groups), tuple(unassigned), total)


class _Alone:
    """:func:`_build` when every participant gets at most one topic, no groups, no mandatory topic:
    the chosen topics as one array (participant → topic index, -1: none), exchanged by the tie rule
    (:func:`.ties.swap_stable_single`) and read back into placements without a dict per participant.
    Same result as the general path, which takes over (from :meth:`topics_of`) once a selection
    moves somebody (``fresh`` false)."""

    def __init__(
        self,
        people: Sequence[Participant],
        rules: AssignmentRules,
        topics: Sequence[str],
        cost: Any,
        rank: Any,
        held: Any,
        *,
        ties: bool,
        movable: Any = None,
    ) -> None:
        """``cost`` (``inf``: not allowed) and ``rank`` (0: not ranked) are participants × ``topics``,
        ``held`` each participant's topic (-1: none). ``movable``: the rows that can take part in an
        exchange at all, if known (:func:`.flow.tight`), and their costs (``inf`` where no exchange
        can take them): the tie rule then looks at those only — the same exchanges, fewer rows."""
        import numpy as np

        self.people, self.rules, self.topics = people, rules, tuple(topics)
        self.cost, self.rank = cost, rank
        if not ties:
            after = held
        elif movable is None:
            after = swap_stable_single(cost, held)
        else:
            rows, sub = movable
            after = held.copy()
            after[rows] = swap_stable_single(sub, held[rows])
        self.moved = bool(np.any(after != held))
        self.held = after
        self.fresh = True
        r = rules.required_for(1)
        self.as_topics = [((t,)[:r], (t,)[r:]) for t in self.topics]

    @classmethod
    def of_columns(
        cls,
        people: Sequence[Participant],
        rules: AssignmentRules,
        cols: ColumnTable,
        chosen: Sequence[int],
        *,
        ties: bool,
    ) -> _Alone:
        """The solver's chosen columns, as arrays."""
        import numpy as np

        n, m = len(people), len(cols.topics)
        picked = np.asarray(chosen, dtype=np.int64)
        held = np.full(n, -1, dtype=np.int64)
        held[cols.p_of[picked]] = cols.t_of[picked]
        cost = np.full((n, m), np.inf)
        cost[cols.p_of, cols.t_of] = cols.cost_of
        rank = np.zeros((n, m), dtype=np.int64)
        rank[cols.p_of, cols.t_of] = cols.rank_of
        return cls(people, rules, cols.topics, cost, rank, held, ties=ties)

    def topics_of(self) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
        as_topics = self.as_topics
        return {p: as_topics[h] for p, h in enumerate(self.held.tolist()) if h >= 0}

    def assignment(self) -> Assignment:
        """The :class:`Assignment` of ``held``: counts, cost and ranks read off the arrays."""
        import numpy as np

        people, rules, topics, held = self.people, self.rules, self.topics, self.held
        n, m = len(people), len(topics)
        assigned = np.flatnonzero(held >= 0)
        tally = np.bincount(held[assigned], minlength=m).tolist()
        counts: dict[str, int] = {t: 0 for t in rules.topic_ids}
        for t, c in zip(topics, tally, strict=True):
            counts[t] += c
        rank_of = np.zeros(n, dtype=np.int64)
        rank_of[assigned] = self.rank[assigned, held[assigned]]
        # exactly one topic each (the count is exact), so nothing is missing: the cost is the topics'
        total = int(np.sum(self.cost[assigned, held[assigned]])) + rules.unassigned_cost * (n - len(assigned))
        placements: list[Placement] = []
        unassigned: list[str] = []
        reasons = Reasons(rules, counts, {})
        as_topics = self.as_topics
        memo, alone, unranked = reasons.memo, reasons.alone, rules.unranked_rank
        with deferred():  # placements built by the solver from checked values: nothing to report
            for person, h, r in zip(people, held.tolist(), rank_of.tolist(), strict=True):
                if h < 0:
                    unassigned.append(person.id)
                    placements.append(Placement(person.id, notes=reasons_unassigned(person, rules, counts)))
                    continue
                req, opt = as_topics[h]
                # Reasons.alone's memo, looked up here first (a miss asks it: it words and stores them)
                notes = memo.get((person.preferences[: r or unranked], req, opt, True))
                if notes is None:
                    notes = alone(person, req, opt, r)
                placements.append(Placement(person.id, req, opt, None, notes, (r,)))
        return Assignment(tuple(placements), (), tuple(unassigned), total)


def _several(people: Sequence[Participant], rules: AssignmentRules) -> bool:
    """Whether :class:`_Several` builds the result: several topics each (exactly), nobody left out,
    no groups, mandatory topics, alternatives or distinct required topics."""
    return (
        len(people) > 0
        and rules.most_topics > 1
        and rules.groups is None
        and not rules.mandatory_topics
        and not rules.allow_unassigned
        and not rules.distinct_required
        and all(len(rules.covers(t)) == 1 for t in rules.topic_ids)
    )


class _Several:
    """:func:`_build` for :func:`_several` programs (a :class:`ColumnTable`): every participant's topics
    as a row of a participants × topics array, the tie rule on the arrays (:func:`_exchange_levels`'
    exchanges), counts, costs and ranks read off them. The same result as the general path."""

    def __init__(
        self,
        people: Sequence[Participant],
        rules: AssignmentRules,
        cols: ColumnTable,
        chosen: Sequence[int],
        *,
        ties: bool,
    ) -> None:
        import numpy as np

        self.people, self.rules, self.topics = people, rules, list(cols.topics)
        n, m = len(people), len(cols.topics)
        picked = np.asarray(chosen, dtype=np.int64)
        self.k = len(picked) // n
        if cols.dense is not None:  # as the columns were made (a ranked topic is allowed here: no alternatives)
            self.ok, self.cost, self.rank = cols.dense
        else:
            self.cost = np.zeros((n, m), dtype=np.int64)
            self.ok = np.zeros((n, m), dtype=bool)
            self.rank = np.zeros((n, m), dtype=np.int64)
            self.cost[cols.p_of, cols.t_of] = cols.cost_of
            self.ok[cols.p_of, cols.t_of] = True
            self.rank[cols.p_of, cols.t_of] = cols.rank_of
        self.holds = np.zeros((n, m), dtype=bool)
        self.holds[cols.p_of[picked], cols.t_of[picked]] = True
        self.whole = len(picked) == n * self.k and bool(np.all(np.count_nonzero(self.holds, axis=1) == self.k))
        self.ties = ties

    def assignment(self) -> Assignment | None:
        """The :class:`Assignment`; ``None`` where the general path must build it (somebody holds
        another number of topics, or the optimum's duals are not to be had)."""
        import numpy as np

        if not self.whole:  # pragma: no cover - an exact count: everybody holds k topics
            return None
        people, rules, topics, k = self.people, self.rules, self.topics, self.k
        n = len(people)
        holds = self.holds
        if self.ties:
            found = _level_rows(rules, topics, self.cost, self.ok, holds)
            if found is None:  # pragma: no cover - not an exact optimum: the general path looks at everybody
                return None
            rows, at_level, price = found
            before = holds[rows]
            after, moved = swap_stable_levels(before & at_level, at_level, price[None, :] > price[:, None])
            if moved:
                holds = holds.copy()
                holds[rows] = (before & ~at_level) | after
        # each row's topics in the order of the general path: cost (rank, or unranked_rank), then id
        p_of, t_of = np.nonzero(holds)
        at = np.lexsort((t_of, self.cost[p_of, t_of], p_of))
        held = t_of[at].reshape(n, k)
        costs = np.take_along_axis(self.cost, held, axis=1)
        ranks = np.take_along_axis(self.rank, held, axis=1)
        worst = costs.max(axis=1)  # the worst-ranked topic's rank (an unranked one counts unranked_rank)
        counts: dict[str, int] = dict.fromkeys(rules.topic_ids, 0)
        for t, c in zip(topics, np.bincount(held.ravel(), minlength=len(topics)).tolist(), strict=True):
            counts[t] += c
        r = rules.required_for(k)
        # participants with the same topics in the same order share their tuples, and so do those with the same ranks
        m = len(topics)
        if k * math.log2(m + 1) < 62:  # a row as one number
            _kinds, first, which = np.unique(
                held @ (np.int64(m) ** np.arange(k, dtype=np.int64)), return_index=True, return_inverse=True
            )
            _kinds, r_first, r_which = np.unique(
                ranks @ (np.int64(m + 1) ** np.arange(k, dtype=np.int64)), return_index=True, return_inverse=True
            )
        else:
            _kinds, first, which = np.unique(held, axis=0, return_index=True, return_inverse=True)
            _kinds, r_first, r_which = np.unique(ranks, axis=0, return_index=True, return_inverse=True)
        names = np.array(topics, dtype=object)[held[first]].tolist()
        split = [(tuple(row[:r]), tuple(row[r:])) for row in names]
        given = list(map(tuple, ranks[r_first].tolist()))
        reasons = Reasons(rules, counts, {})
        placements: list[Placement] = []
        every = reasons.several_many(topics, held, ranks, r, self.rank, worst)
        kinds = zip(which.reshape(-1).tolist(), r_which.reshape(-1).tolist(), strict=True)
        with deferred():  # placements built by the solver from checked values: nothing to report
            if every is not None:
                for person, (i, j), notes in zip(people, kinds, every, strict=True):
                    req, opt = split[i]
                    placements.append(Placement(person.id, req, opt, None, notes, given[j]))
            else:
                notes_of = reasons.several
                for person, (i, j), w in zip(people, kinds, worst.tolist(), strict=True):
                    req, opt = split[i]
                    placements.append(
                        Placement(person.id, req, opt, None, notes_of(person, req, opt, given[j], w), given[j])
                    )
        return Assignment(tuple(placements), (), (), int(costs.sum()))


def _exchange(
    people: Sequence[Participant],
    rules: AssignmentRules,
    cols: Sequence[Column],
    topics_of: dict[int, tuple[tuple[str, ...], tuple[str, ...]]],
    key: Callable[[Participant], Callable[[str], Any]],
) -> bool:
    """Apply the tie rule (:mod:`.ties`) to the solver's optimum; whether anything moved.

    Without groups the exchanged items are single topics (with their role when roles are told
    apart), with groups whole bundles, before any group is formed.
    """
    mandatory = frozenset(rules.mandatory_topics)
    split = split_roles(rules)
    if rules.groups is not None or (not split and rules.most_topics == 1 and not mandatory):
        return _exchange_single(people, rules, cols, topics_of, key)
    if not split and not mandatory and _NARROW:
        found = _levels(len(people), rules, cols, topics_of)
        if found is not None:
            return _exchange_levels(people, rules, found, topics_of, key)
    held: dict[int, list[Any]] = {}
    fixed: dict[int, frozenset[str]] = {}
    covers = {t: rules.covers(t) for t in rules.topic_ids}
    for p, (req, opt) in topics_of.items():
        if split:
            held[p] = [(t, "req") for t in req if t not in mandatory] + [(t, "opt") for t in opt]
        else:
            held[p] = [(t, "any") for t in req + opt if t not in mandatory]
        fixed[p] = frozenset(b for t in req + opt if t in mandatory for b in covers[t])
    roles = ("req", "opt") if split else ("any",)
    memo: dict[int, dict[Any, int]] = {}
    free = [t for t in sorted(rules.topic_ids) if t not in mandatory]
    allow_unranked, unranked = rules.objective.allow_unranked, rules.unranked_rank

    def options(p: int) -> dict[Any, int]:
        if p not in memo:
            person = people[p]
            excluded = set(person.exclusions)
            rank = {t: i + 1 for i, t in enumerate(person.preferences)}
            memo[p] = {
                (t, r): rank.get(t, unranked)
                for t in free
                if not (excluded and covers[t] & excluded) and (allow_unranked or t in rank)
                for r in roles
            }
        return memo[p]

    def touches(item: Any) -> frozenset[str]:
        return covers[item[0]]

    def role(item: Any) -> str:
        return str(item[1])

    before = {p: list(items) for p, items in held.items()}
    if not swap_stable(held, options, role, touches, fixed, lambda item: item):
        return False
    for p, items in held.items():
        if items == before[p]:
            continue
        order = key(people[p])
        if split:
            req_set = {t for t in topics_of[p][0] if t in mandatory} | {t for t, r in items if r == "req"}
            opt_set = {t for t, r in items if r == "opt"}
        else:
            every = sorted(
                [t for t in topics_of[p][0] + topics_of[p][1] if t in mandatory] + [t for t, _r in items], key=order
            )
            r = rules.required_for(len(every))
            req_set, opt_set = set(every[:r]), set(every[r:])
        topics_of[p] = (tuple(sorted(req_set, key=order)), tuple(sorted(opt_set, key=order)))
    return True


# whether _exchange works on arrays of the participants and topics an exchange can involve (else: everybody, by dicts)
_NARROW = True


def _levels(
    n: int,
    rules: AssignmentRules,
    cols: Sequence[Column],
    topics_of: dict[int, tuple[tuple[str, ...], tuple[str, ...]]],
) -> tuple[Any, Any, Any, Any, list[str]] | None:
    """Several topics each, a plain transportation problem (no groups, mandatory topics, selection,
    alternatives or roles) of ``n`` participants: the rows (participants) that can take part in an
    exchange keeping the total cost, the topics each can exchange (:func:`.flow.boundary`, from the
    optimum's duals), the participants × topics held, the topics' prices and the topics (sorted by
    id); the others are left out of the tie rule, which finds the same exchanges among fewer.
    ``None`` where the program is not such a problem."""
    import numpy as np

    if (
        not isinstance(cols, ColumnTable)
        or rules.groups is not None
        or rules.allow_unassigned
        or any(len(rules.covers(t)) > 1 for t in rules.topic_ids)
    ):
        return None
    m = len(cols.topics)
    cost = np.zeros((n, m), dtype=np.int64)
    ok = np.zeros((n, m), dtype=bool)
    cost[cols.p_of, cols.t_of] = cols.cost_of
    ok[cols.p_of, cols.t_of] = True
    index = {t: i for i, t in enumerate(cols.topics)}
    holds = np.zeros((n, m), dtype=bool)
    mine = [req + opt for req, opt in topics_of.values()]
    lens = np.fromiter(map(len, mine), dtype=np.int64, count=len(mine))
    at = np.fromiter(map(index.__getitem__, itertools.chain.from_iterable(mine)), dtype=np.int64, count=int(lens.sum()))
    holds[np.repeat(np.fromiter(topics_of, dtype=np.int64, count=len(mine)), lens), at] = True
    found = _level_rows(rules, cols.topics, cost, ok, holds)
    if found is None:  # pragma: no cover - not an exact optimum: the tie rule looks at everybody
        return None
    rows, at_level, price = found
    return rows, at_level, holds, price, list(cols.topics)


def _level_rows(
    rules: AssignmentRules, topics: Sequence[str], cost: Any, ok: Any, holds: Any
) -> tuple[Any, Any, Any] | None:
    """:func:`_levels` on arrays (participants × ``topics``: ``cost``, ``ok`` where allowed, ``holds``
    the optimum): the rows that can exchange, their topics at their level and the topics' prices."""
    import numpy as np

    from .flow import boundary, prices

    n = len(holds)
    caps = [rules.capacity_of(t) for t in topics]
    hi = np.array([n if cap.max is None else cap.max for cap in caps], dtype=np.int64)
    lo = np.array([cap.min for cap in caps], dtype=np.int64)
    try:
        price = prices(cost, ok, hi, holds, lo)
        rows, at_level = boundary(cost, ok, holds, price)
    except AssertionError:  # pragma: no cover - not an exact optimum: the tie rule looks at everybody
        return None
    return rows, at_level, price


def _exchange_levels(
    people: Sequence[Participant],
    rules: AssignmentRules,
    found: tuple[Any, Any, Any, Any, list[str]],
    topics_of: dict[int, tuple[tuple[str, ...], tuple[str, ...]]],
    key: Callable[[Participant], Callable[[str], Any]],
) -> bool:
    """:func:`_exchange` on the arrays of :func:`_levels` (:func:`.ties.swap_stable_levels`): the
    participants that can exchange, each topic at its level an item; the others keep theirs."""
    import numpy as np

    rows, at_level, holds, price, topics = found
    before = holds[rows]
    movable = before & at_level
    up = price[None, :] > price[:, None]  # up[x, y]: trading x for y gains (y's price is higher)
    after, moved = swap_stable_levels(movable, at_level, up)
    if not moved:
        return False
    after = (before & ~at_level) | after  # the topics not at its level stay where they are
    for i in np.flatnonzero(np.any(after != before, axis=1)).tolist():
        p = int(rows[i])
        order = key(people[p])
        every = sorted([topics[t] for t in np.flatnonzero(after[i]).tolist()], key=order)
        r = rules.required_for(len(every))
        topics_of[p] = (tuple(sorted(every[:r], key=order)), tuple(sorted(every[r:], key=order)))
    return True


def _exchange_single(
    people: Sequence[Participant],
    rules: AssignmentRules,
    cols: Sequence[Column],
    topics_of: dict[int, tuple[tuple[str, ...], tuple[str, ...]]],
    key: Callable[[Participant], Callable[[str], Any]],
) -> bool:
    """:func:`_exchange` when everybody holds one movable thing (one topic, or with groups one
    bundle), on a participants × items cost matrix (:func:`.ties.swap_stable_single`)."""
    import numpy as np

    n = len(people)
    grouped = rules.groups is not None
    Kind = tuple[tuple[str, ...], tuple[str, ...]]
    if grouped:  # the items: the bundles somebody holds, as (required, optional) sorted by id
        kinds: list[Kind] = sorted({(tuple(sorted(req)), tuple(sorted(opt))) for req, opt in topics_of.values()})
    else:
        kinds = [((t,), ()) for t in sorted(rules.topic_ids)]
    if len(kinds) < 2:
        return False
    kind_of = {k: i for i, k in enumerate(kinds)}
    cost = np.full((n, len(kinds)), np.inf)
    if isinstance(cols, ColumnTable):
        cost[cols.p_of, cols.t_of] = cols.cost_of
    elif isinstance(cols, BundleColumns):
        kind_at = np.array(
            [kind_of.get((tuple(sorted(req)), tuple(sorted(opt))), -1) for req, opt in cols.bundles], dtype=np.int64
        )
        kind = kind_at[cols.b_of]
        held_kind = kind >= 0
        cost[cols.p_of[held_kind], kind[held_kind]] = cols.cost_of[held_kind]
    else:  # columns of several roles without groups (with groups they are always BundleColumns)
        for c in cols:
            i = kind_of.get((c.topics, ()), -1)
            if i >= 0:
                cost[c.p, i] = c.cost
    held = np.full(n, -1, dtype=np.int64)
    for p, (req, opt) in topics_of.items():
        held[p] = kind_of[(tuple(sorted(req)), tuple(sorted(opt))) if grouped else (req + opt, ())]
    after = swap_stable_single(cost, held)
    changed = np.flatnonzero(after != held).tolist()
    for p in changed:
        order = key(people[p])
        req, opt = kinds[int(after[p])]
        if not grouped:
            r = rules.required_for(1)
            req, opt = (req + opt)[:r], (req + opt)[r:]
        topics_of[p] = (tuple(sorted(req, key=order)), tuple(sorted(opt, key=order)))
    return bool(changed)


class _SetCosts:
    """What a participant would pay for exactly a (required, optional) topic set; ``None`` if not
    allowed (:func:`.program.allowed`, :func:`.program.topic_cost`, ``missing_cost`` per wanted topic
    it lacks). The rules' derived values are looked up once, and every answer is kept: the tie rule
    for selections asks for the same pairs on every round of :func:`_build`'s loop."""

    def __init__(self, people: Sequence[Participant], rules: AssignmentRules) -> None:
        self.people = people
        self.fewest, self.missing, self.unranked = rules.fewest_topics, rules.missing_cost, rules.unranked_rank
        self.mandatory = frozenset(rules.mandatory_topics)
        self.allow_unranked = rules.objective.allow_unranked
        self.covers = {t: rules.covers(t) for t in rules.topic_ids}
        self.memo: dict[tuple[int, tuple[tuple[str, ...], tuple[str, ...]]], int | None] = {}

    def __call__(self, p: int, topics: tuple[tuple[str, ...], tuple[str, ...]]) -> int | None:
        pair = (p, topics)
        if pair not in self.memo:
            self.memo[pair] = self._cost(self.people[p], topics[0] + topics[1])
        return self.memo[pair]

    def _cost(self, person: Participant, every: tuple[str, ...]) -> int | None:
        wants = self.fewest if person.wants is None else person.wants
        if len(every) > wants:
            return None
        excluded = set(person.exclusions)
        prefs = person.preferences
        total = 0
        for t in every:
            if excluded and self.covers[t] & excluded:
                return None
            if t in self.mandatory:
                continue  # allowed, and free
            if t in prefs:
                total += prefs.index(t) + 1
            elif self.allow_unranked:
                total += self.unranked
            else:
                return None
        return total + self.missing * (wants - len(every))


def _select(
    people: Sequence[Participant],
    rules: AssignmentRules,
    topics_of: dict[int, tuple[tuple[str, ...], tuple[str, ...]]],
    key: Callable[[Participant], Callable[[str], Any]],
    set_cost: _SetCosts,
) -> bool:
    """The tie rule for a selection: an unassigned participant ``a`` takes over the whole topic set
    (with its roles) of an assigned ``b > a`` when that keeps the total cost and ``a`` pays less for
    it than being left out; ``b`` is then left out. Whether anything moved.

    Like an exchange (:mod:`.ties`) this keeps every count and lowers the costs ordered by id
    lexicographically. Buckets: the assigned participants by (topic set, their cost for it), each a
    max-heap of ids (the largest holder is the one to give up its set), so a pass is near-linear.
    """
    left_out = rules.unassigned_cost
    # which topics are required matters only where roles constrain (distinct_required); elsewhere
    # a participant's own ranks decide them, as for the solver's result
    roles_matter = rules.distinct_required and (rules.groups is not None or split_roles(rules))

    def canonical(topics: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if roles_matter:
            return tuple(sorted(topics[0])), tuple(sorted(topics[1]))
        return tuple(sorted(topics[0] + topics[1])), ()

    holders: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[int, list[int]]] = {}  # heaps of -id
    for p, given in topics_of.items():
        topics = canonical(given)
        cost = set_cost(p, topics)
        assert cost is not None
        holders.setdefault(topics, {}).setdefault(cost, []).append(-p)
    for by_cost in holders.values():
        for heap in by_cost.values():
            heapq.heapify(heap)
    sets = sorted(holders)  # the sets held do not change: a set only passes from one holder to another
    moved = False
    for a in range(len(people)):
        if a in topics_of:
            continue
        best: tuple[int, tuple[tuple[str, ...], tuple[str, ...]], int] | None = None
        for topics in sets:
            cost = set_cost(a, topics)
            if cost is None or cost >= left_out:
                continue
            bucket = holders[topics].get(cost)
            if not bucket:
                continue
            b = -bucket[0]
            if b > a and (best is None or b > best[0]):
                best = (b, topics, cost)
        if best is None:
            continue
        b, topics, cost = best
        heapq.heapreplace(holders[topics][cost], -a)  # b leaves the bucket, a joins it
        del topics_of[b]
        order = key(people[a])
        if roles_matter or rules.groups is not None:  # a group's split is decided when groups form
            req, opt = topics
        else:
            every = sorted(topics[0], key=order)  # mandatory topics first
            r = rules.required_for(len(every))
            req, opt = tuple(every[:r]), tuple(every[r:])
        topics_of[a] = (tuple(sorted(req, key=order)), tuple(sorted(opt, key=order)))
        moved = True
    return moved


def _group_rank(members: Sequence[int], people: Sequence[Participant], rules: AssignmentRules, t: str) -> int:
    """A topic's rank for a set of members: the sum of their ranks (an unranked topic counts ``unranked_rank``)."""
    return sum(people[m].rank(t) or rules.unranked_rank for m in members)


def _split_by_rank(
    bundle: tuple[tuple[str, ...], tuple[str, ...]],
    members: Sequence[int],
    people: Sequence[Participant],
    rules: AssignmentRules,
    shown: Any,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A group's required topics: mandatory ones, then its members' best-ranked (by summed rank).

    Without ``distinct_required`` which topics are required changes neither cost nor capacities,
    so the group's ordered wishes decide; with it, the solver's split stands and is improved by
    :func:`_required_get_better_ranks` where other groups allow.
    """
    req, opt = bundle
    if rules.distinct_required:
        return bundle
    mandatory = [t for t in rules.mandatory_topics if t in req + opt]
    free = sorted(
        (t for t in req + opt if t not in mandatory), key=lambda t: (_group_rank(members, people, rules, t), shown(t))
    )
    r = rules.required_for(len(req + opt))
    ordered = list(dict.fromkeys(mandatory)) + free
    return tuple(sorted(ordered[:r], key=shown)), tuple(sorted(ordered[r:], key=shown))


def _required_get_better_ranks(
    people: Sequence[Participant],
    rules: AssignmentRules,
    units: dict[int, list[int]],
    topics_of: dict[int, tuple[tuple[str, ...], tuple[str, ...]]],
    order_of: Callable[[int], Callable[[str], Any]],
) -> None:
    """Among equally cheap results, make each unit's required topics its better-ranked ones.

    A unit is a participant working alone or a group (``units`` maps it to its members; a group
    ranks a topic by its members' summed ranks). The rank sum does not see which of a unit's topics
    are required and which optional, but an ordered list ("the first two are worked on, the third
    if time allows") does. Swapping a required and a better-ranked optional topic of one unit keeps
    the cost and every capacity; it is done, unit by unit in order of their first member's id,
    wherever no other unit requires the topic (distinct required topics). Each swap lowers the
    unit's required rank sum, so the loop ends. ``order_of(unit)`` orders a unit's topics for display.
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
        for u in sorted(topics_of, key=lambda q: min(people[m].id for m in units[q])):
            members = units[u]

            def rank(t: str, members: list[int] = members) -> int:
                return _group_rank(members, people, rules, t)

            order = order_of(u)
            req, opt = topics_of[u]
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
                topics_of[u] = (tuple(sorted(new_req, key=order)), tuple(sorted(new_opt, key=order)))
                changed = True
                break
