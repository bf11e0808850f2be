"""Hypothesis strategies for assignment instances, and reference solvers written independently of
``qframework.assignment.solve``: a brute force over every possible assignment and an exact
transportation solver built on ``scipy.optimize.linear_sum_assignment`` (Hungarian method, no HiGHS).

The reference code re-states the rules from the documentation on its own; it shares no code with
the solver or with ``check()``.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterator, Sequence

from hypothesis import strategies as st

from qframework.assignment import AssignmentRules, Bounds, GroupRules, Objective, Participant, Topic

Option = tuple[frozenset[str], frozenset[str], int]  # (required, optional, cost)


# --------------------------------------------------------------------------- strategies


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    max_participants: int = 7,
    max_topics: int = 4,
    groups: bool | None = None,
    single: bool = False,
    alternatives: bool = True,
    ranges: bool = False,
) -> tuple[list[Participant], AssignmentRules]:
    """A random instance. ``groups``: force groups on/off (None: either). ``single``: 1 topic each.
    ``ranges``: ``topics_per_participant`` is a range ``Bounds(lo, hi)`` and participants may say
    how many topics they want (``wants``), and ``missing_cost`` is sometimes set."""
    n_topics = draw(st.integers(2 if ranges else 1, max_topics))
    names = draw(st.permutations(["a", "b", "c", "d", "e", "f", "g", "h"][:n_topics]))
    use_alt = alternatives and not single and n_topics >= 3 and draw(st.booleans())
    topic_ids = list(names)
    alt_members: tuple[str, ...] = ()
    if use_alt:
        alt_members = tuple(sorted(draw(st.lists(st.sampled_from(topic_ids), min_size=2, max_size=2, unique=True))))
    n = draw(st.integers(0, max_participants))

    def capacity() -> Bounds | None:
        if draw(st.integers(0, 2)) > 0:
            return None
        lo = draw(st.integers(0, 2))
        hi = draw(st.none() | st.integers(lo, max(lo, n)))
        return Bounds(lo, hi)

    topics = [Topic(t, title=t.upper(), capacity=capacity()) for t in topic_ids]
    if use_alt:
        topics.append(Topic("alt", "A or B", capacity=capacity(), any_of=alt_members))
    all_ids = [t.id for t in topics]
    k = 1 if single else draw(st.integers(1, min(3, n_topics - 1 if ranges else n_topics)))
    most = draw(st.integers(k + 1, min(k + 2, n_topics))) if ranges else k  # a true range
    r = draw(st.integers(0, k))
    mandatory = tuple(draw(st.lists(st.sampled_from(topic_ids), max_size=min(r, 1), unique=True)))
    use_groups = draw(st.booleans()) if groups is None else groups
    group_rules = None
    if use_groups:
        lo = draw(st.integers(1, 3))
        hi = draw(st.none() | st.integers(lo, 4))
        group_rules = GroupRules(size=Bounds(lo, hi), regional_weight=draw(st.sampled_from([0.0, 100.0])))
    rules = AssignmentRules(
        topics=tuple(topics),
        topics_per_participant=Bounds(k, most) if ranges else k,
        required_topics=draw(st.sampled_from([r, None])) if r == k else r,
        mandatory_topics=mandatory,
        capacity=draw(st.sampled_from([Bounds(), Bounds(), Bounds(0, max(1, n // 2 + 1)), Bounds(1, None)])),
        groups=group_rules,
        distinct_required=draw(st.booleans()),
        allow_unassigned=draw(st.booleans()),
        objective=Objective(
            allow_unranked=draw(st.booleans()),
            missing_cost=draw(st.sampled_from([None, None, 0, 1])) if ranges else None,
        ),
    )
    people = []
    regions = ["Nord", "Süd", "Ost"]
    for i in range(n):
        prefs = draw(st.lists(st.sampled_from(all_ids), unique=True, max_size=len(all_ids)))
        rest = [t for t in all_ids if t not in prefs]
        excl = draw(st.lists(st.sampled_from(rest), unique=True, max_size=1)) if rest else []
        located = draw(st.booleans())
        location = (draw(st.floats(47, 55)), draw(st.floats(6, 15))) if located else None
        people.append(
            Participant(
                id=f"k{i:02d}",
                name=f"Kommune {i}",
                region=draw(st.sampled_from(regions)),
                location=location,
                preferences=tuple(prefs),
                exclusions=tuple(excl),
                wants=draw(st.none() | st.integers(k, most)) if ranges else None,
            )
        )
    return people, rules


# --------------------------------------------------------------------------- the rules, restated


def covers(rules: AssignmentRules, topic: str) -> set[str]:
    for t in rules.topics:
        if t.id == topic:
            return {t.id, *t.any_of}
    raise KeyError(topic)


def capacity(rules: AssignmentRules, topic: str) -> Bounds:
    for t in rules.topics:
        if t.id == topic:
            return t.capacity if t.capacity is not None else rules.capacity
    raise KeyError(topic)


def count_range(rules: AssignmentRules) -> tuple[int, int]:
    """(fewest, most) topics per assigned participant: an int is exact, Bounds a range."""
    k = rules.topics_per_participant
    if isinstance(k, int):
        return k, k
    return k.min, len(rules.topics) if k.max is None else k.max


def wants(person: Participant, rules: AssignmentRules) -> int:
    """How many topics the participant asks for: its ``wants``, by default the minimum."""
    return count_range(rules)[0] if person.wants is None else person.wants


def required_count(rules: AssignmentRules, count: int | None = None) -> int:
    """Required topics of a participant with ``count`` topics (default: the minimum count)."""
    if rules.required_topics is not None:
        return rules.required_topics
    return count_range(rules)[0] if count is None else count


def unranked(rules: AssignmentRules) -> int:
    u = rules.objective.unranked_rank
    return len(rules.topics) + 1 if u is None else u


def missing_cost(rules: AssignmentRules) -> int:
    """The documented cost of a wanted topic not given: ``missing_cost``, default ``unranked + 1``."""
    c = rules.objective.missing_cost
    return unranked(rules) + 1 if c is None else c


def unassigned_cost(rules: AssignmentRules) -> int:
    """One more than the worst single assignment: every topic unranked, or the fewest topics and the rest missing."""
    c = rules.objective.unassigned_cost
    if c is not None:
        return c
    lo, hi = count_range(rules)
    return max(hi * unranked(rules), lo * unranked(rules) + (hi - lo) * missing_cost(rules)) + 1


def topic_cost(person: Participant, topic: str, rules: AssignmentRules) -> int:
    if topic in rules.mandatory_topics:
        return 0
    if topic in person.preferences:
        return person.preferences.index(topic) + 1
    return unranked(rules)


def splittable(count: int, size: Bounds) -> bool:
    if count == 0:
        return True
    return any(g * size.min <= count and (size.max is None or count <= g * size.max) for g in range(1, count + 1))


def options(person: Participant, rules: AssignmentRules) -> list[Option]:
    """Every (required, optional) topic choice the rules allow this participant, with its cost.

    With a range, the participant takes between the minimum and what it wants; each wanted topic
    it does not take costs ``missing_cost``.
    """
    ids = [t.id for t in rules.topics]
    lo, _hi = count_range(rules)
    w = wants(person, rules)
    out: list[Option] = []
    for k in range(lo, w + 1):
        r = required_count(rules, k)
        for req in itertools.combinations(ids, r):
            if not set(rules.mandatory_topics) <= set(req):
                continue
            for opt in itertools.combinations([t for t in ids if t not in req], k - r):
                chosen = req + opt
                seen: list[str] = []
                for t in chosen:
                    seen.extend(covers(rules, t))
                if len(seen) != len(set(seen)):
                    continue
                if set(seen) & set(person.exclusions):
                    continue
                if not rules.objective.allow_unranked and any(
                    t not in person.preferences and t not in rules.mandatory_topics for t in chosen
                ):
                    continue
                cost = sum(topic_cost(person, t, rules) for t in chosen) + missing_cost(rules) * (w - k)
                out.append((frozenset(req), frozenset(opt), cost))
    return out


def feasible(choice: Sequence[Option | None], rules: AssignmentRules) -> bool:
    """Whether a full choice (one option or None per participant) meets every rule."""
    mandatory = set(rules.mandatory_topics)
    counts: Counter[str] = Counter()
    for c in choice:
        if c is not None:
            counts.update(c[0] | c[1])
    for t in rules.topic_ids:
        if not capacity(rules, t).holds(counts[t]):
            return False
    if rules.groups is None:
        if rules.distinct_required:
            holders: Counter[str] = Counter()
            for c in choice:
                if c is not None:
                    for t in c[0] - mandatory:
                        holders.update(covers(rules, t) - mandatory)
            if any(v > 1 for v in holders.values()):
                return False
        return True
    bundles = Counter((c[0], c[1]) for c in choice if c is not None)
    size = rules.groups.size
    if not all(splittable(v, size) for v in bundles.values()):
        return False
    if rules.distinct_required:
        holders = Counter()
        for (req, _opt), v in bundles.items():
            if size.max is not None and v > size.max and req - mandatory:
                return False  # two groups would share a required topic
            for t in req - mandatory:
                holders.update(covers(rules, t) - mandatory)
        if any(v > 1 for v in holders.values()):
            return False
    return True


def brute_force(people: Sequence[Participant], rules: AssignmentRules) -> int | None:
    """The optimal cost by trying every assignment, or None if none meets the rules."""
    per = []
    for p in people:
        opts: list[Option | None] = list(options(p, rules))
        if rules.allow_unassigned:
            opts.append(None)
        per.append(opts)
    best: int | None = None
    penalty = unassigned_cost(rules)
    for choice in itertools.product(*per):
        cost = sum(penalty if c is None else c[2] for c in choice)
        if best is not None and cost >= best:
            continue
        if feasible(choice, rules):
            best = cost
    return best


def search_space(people: Sequence[Participant], rules: AssignmentRules) -> int:
    size = 1
    for p in people:
        size *= len(options(p, rules)) + (1 if rules.allow_unassigned else 0)
    return size


def hungarian_cost(people: Sequence[Participant], rules: AssignmentRules) -> int | None:
    """Exact optimum for one topic per participant and no groups, by the Hungarian method.

    Every topic becomes as many seats as its capacity allows; the first ``min`` seats carry a large
    bonus so they are filled whenever possible; leaving out is a seat of its own per participant.
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    assert rules.topics_per_participant == 1 and rules.groups is None
    n = len(people)
    if n == 0:
        return 0 if all(capacity(rules, t).min == 0 for t in rules.topic_ids) else None
    big = 10_000.0
    forbidden = 1e9
    seats: list[tuple[str | None, bool]] = []  # (topic or None for "left out", is a minimum seat)
    for t in rules.topic_ids:
        cap = capacity(rules, t)
        hi = n if cap.max is None else min(cap.max, n)
        if rules.distinct_required and required_count(rules) == 1 and t not in rules.mandatory_topics:
            hi = min(hi, 1)  # a single required topic may be held by one participant only
        if cap.min > hi:
            return None
        seats += [(t, i < cap.min) for i in range(hi)]
    seats += [(None, False)] * n
    cost = np.full((n, len(seats)), forbidden)
    for i, p in enumerate(people):
        allowed = {o[0] | o[1] for o in options(p, rules)}
        for j, (t, minimum) in enumerate(seats):
            if t is None:
                if rules.allow_unassigned:
                    cost[i, j] = unassigned_cost(rules)
            elif frozenset({t}) in allowed:
                cost[i, j] = topic_cost(p, t, rules) - (big if minimum else 0.0)
    rows, cols = linear_sum_assignment(cost)
    if any(cost[i, j] >= forbidden for i, j in zip(rows, cols, strict=True)):
        return None
    filled = sum(1 for j in cols if seats[j][1])
    if filled < sum(capacity(rules, t).min for t in rules.topic_ids):
        return None
    total = float(cost[rows, cols].sum()) + big * filled
    return round(total)


def solution_cost(
    assignment_topics: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
    people: Sequence[Participant],
    rules: AssignmentRules,
) -> int:
    """The objective of a given assignment, computed from the documentation's definition."""
    total = 0
    for p in people:
        req, opt = assignment_topics.get(p.id, ((), ()))
        if not req and not opt:
            total += unassigned_cost(rules)
        else:
            total += sum(topic_cost(p, t, rules) for t in req + opt)
            total += missing_cost(rules) * (wants(p, rules) - len(req + opt))
    return total


def as_math_inf(value: int | None) -> float:
    return math.inf if value is None else float(value)


def milp_cost(people: Sequence[Participant], rules: AssignmentRules) -> int | None:
    """Exact optimum without groups by a plain MILP written from the documentation: binary
    ``y[p, t]`` (t required for p), ``z[p, t]`` (t optional for p), ``u[p]`` (p left out)."""
    import numpy as np
    from scipy.optimize import Bounds as VarBounds
    from scipy.optimize import LinearConstraint, milp

    assert rules.groups is None
    ids = [t.id for t in rules.topics]
    n, m = len(people), len(ids)
    k, r = rules.topics_per_participant, required_count(rules)
    mandatory = set(rules.mandatory_topics)
    if n == 0:
        return 0 if all(capacity(rules, t).min == 0 for t in ids) else None
    size = 2 * n * m + n

    def y(p: int, t: int) -> int:
        return p * m + t

    def z(p: int, t: int) -> int:
        return n * m + p * m + t

    def u(p: int) -> int:
        return 2 * n * m + p

    c = np.zeros(size)
    upper = np.ones(size)
    for p, person in enumerate(people):
        allowed = set()
        for o in options(person, rules):
            allowed |= o[0] | o[1]
        for t, tid in enumerate(ids):
            c[y(p, t)] = c[z(p, t)] = topic_cost(person, tid, rules)
            if tid not in allowed:
                upper[y(p, t)] = upper[z(p, t)] = 0
            if tid in mandatory:
                upper[z(p, t)] = 0
        c[u(p)] = unassigned_cost(rules)
        if not rules.allow_unassigned:
            upper[u(p)] = 0
    rows: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(coef: dict[int, float], low: float, high: float) -> None:
        row = np.zeros(size)
        for j, v in coef.items():
            row[j] += v
        rows.append(row)
        lo.append(low)
        hi.append(high)

    for p in range(n):
        add({**{y(p, t): 1.0 for t in range(m)}, u(p): float(r)}, r, r)
        add({**{z(p, t): 1.0 for t in range(m)}, u(p): float(k - r)}, k - r, k - r)
        for t, tid in enumerate(ids):
            if tid in mandatory:
                add({y(p, t): 1.0, u(p): 1.0}, 1, 1)
        for base in ids:  # each plain topic at most once per participant, alternatives included
            touching = [t for t, tid in enumerate(ids) if base in covers(rules, tid)]
            coef: dict[int, float] = {}
            for t in touching:
                coef[y(p, t)] = coef.get(y(p, t), 0.0) + 1.0
                coef[z(p, t)] = coef.get(z(p, t), 0.0) + 1.0
            add(coef, 0, 1)
    for t, tid in enumerate(ids):
        cap = capacity(rules, tid)
        add(
            {**{y(p, t): 1.0 for p in range(n)}, **{z(p, t): 1.0 for p in range(n)}},
            cap.min,
            np.inf if cap.max is None else cap.max,
        )
    if rules.distinct_required:
        for base in ids:
            if base in mandatory:
                continue
            coef = {}
            for t, tid in enumerate(ids):
                if tid not in mandatory and base in covers(rules, tid):
                    for p in range(n):
                        coef[y(p, t)] = 1.0
            add(coef, 0, 1)
    res = milp(
        c,
        constraints=LinearConstraint(np.array(rows), lo, hi),
        integrality=np.ones(size),
        bounds=VarBounds(np.zeros(size), upper),
    )
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return round(res.fun)


@st.composite
def grouped_minimum_instances(
    draw: st.DrawFn, *, max_participants: int = 6
) -> tuple[list[Participant], AssignmentRules]:
    """The family of issue 18, where HiGHS' MILP presolve returned a suboptimal point as optimal.

    Every instance has all of: groups of one or two, a minimum capacity of one or two on each plain
    topic, a mandatory topic (minimum 0), an alternative slot covering the two plain topics, two topics
    each of which one required (so everyone assigned requires the mandatory topic), distinct required
    topics, leaving out allowed and unranked topics allowed. Participants (4 to ``max_participants``),
    their preferences and exclusions and the minimums vary. Kept this narrow on purpose: with
    presolve on, it fails within 200 examples on nearly every seed (see
    ``benchmarks/measure_property_power.py``); small enough for ``brute_force``.
    """
    n = draw(st.integers(4, max_participants))
    topics = [Topic(t, title=t.upper(), capacity=Bounds(draw(st.integers(1, 2)), None)) for t in ("a", "b")]
    topics += [Topic("c", title="C", capacity=Bounds(0, None)), Topic("alt", title="A or B", any_of=("a", "b"))]
    all_ids = [t.id for t in topics]
    rules = AssignmentRules(
        topics=tuple(topics),
        topics_per_participant=2,
        required_topics=1,
        mandatory_topics=("c",),
        groups=GroupRules(size=Bounds(1, 2), regional_weight=0.0),
        distinct_required=True,
        allow_unassigned=True,
        objective=Objective(allow_unranked=True),
    )
    people = []
    for i in range(n):
        prefs = draw(st.lists(st.sampled_from(all_ids), unique=True, max_size=3))
        rest = [t for t in all_ids if t not in prefs]
        excl = draw(st.lists(st.sampled_from(rest), unique=True, max_size=1)) if rest else []
        people.append(
            Participant(
                f"k{i:02d}", name=f"Kommune {i}", region="Nord", preferences=tuple(prefs), exclusions=tuple(excl)
            )
        )
    return people, rules


# --------------------------------------------------------------------------- regional (travel vs preference)


@st.composite
def regional_instances(
    draw: st.DrawFn, *, max_participants: int = 7, capacities: bool = True
) -> tuple[list[Participant], AssignmentRules]:
    """A grouped instance with locations, for regional plans: 2–4 topics, one or a range of topics
    each, maybe a mandatory topic and (with ``capacities``) topic capacities; no alternatives,
    no distinct required topics, nobody left out."""
    n_topics = draw(st.integers(2, 4))
    ids = ["a", "b", "c", "d"][:n_topics]
    n = draw(st.integers(1, max_participants))
    ranged = draw(st.booleans())
    topics = []
    for t in ids:
        cap = None
        if capacities and draw(st.integers(0, 3)) == 0:
            lo = draw(st.integers(0, 2))
            cap = Bounds(lo, draw(st.none() | st.integers(max(lo, 1), max(lo, 1, n))))
        topics.append(Topic(t, title=t.upper(), capacity=cap))
    mandatory = tuple(draw(st.lists(st.sampled_from(ids), max_size=1))) if not ranged or n_topics > 2 else ()
    lo = draw(st.integers(1, 3))
    size = Bounds(lo, draw(st.integers(lo, 4)))
    rules = AssignmentRules(
        topics=tuple(topics),
        topics_per_participant=Bounds(max(1, len(mandatory)), max(1, len(mandatory)) + 1)
        if ranged
        else max(1, len(mandatory)),
        mandatory_topics=mandatory,
        groups=GroupRules(size=size, regional_weight=draw(st.sampled_from([0.0, 100.0]))),
        objective=Objective(km_per_rank=draw(st.sampled_from([50.0, 150.0, 400.0]))),
    )
    people = []
    for i in range(n):
        prefs = draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
        people.append(
            Participant(
                id=f"k{i:02d}",
                region=draw(st.sampled_from(["Nord", "Süd"])),
                location=(draw(st.floats(47, 55)), draw(st.floats(6, 15))),
                preferences=tuple(prefs),
                wants=draw(st.none() | st.just(count_range(rules)[1])) if ranged else None,
            )
        )
    return people, rules


def km(a: Participant, b: Participant, rules: AssignmentRules) -> float:
    """Great-circle km between two located participants, plus the regional weight if regions differ."""
    assert rules.groups is not None and a.location is not None and b.location is not None
    (lat1, lon1), (lat2, lon2) = a.location, b.location
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    extra = 0.0 if a.region == b.region else rules.groups.regional_weight
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h))) + extra


def group_km(group: Sequence[Participant], rules: AssignmentRules) -> float:
    """The documented distance of a group: the sum over members of their mean km to the fellow members."""
    if len(group) < 2:
        return 0.0
    return sum(km(a, b, rules) for a in group for b in group if a is not b) / (len(group) - 1)


def partitions(items: list[int], size: Bounds, *, leave_out: bool = False) -> Iterator[list[list[int]]]:
    """Every partition of ``items`` into blocks whose sizes lie within ``size``; with ``leave_out``, every
    such partition of every subset of ``items`` (the members in no block are left out)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    if leave_out:
        yield from partitions(rest, size, leave_out=True)
    top = len(items) if size.max is None else size.max
    for k in range(max(size.min, 1) - 1, min(top, len(items))):
        for others in itertools.combinations(rest, k):
            remaining = [x for x in rest if x not in others]
            for tail in partitions(remaining, size, leave_out=leave_out):
                yield [[first, *others], *tail]


def bundle_options(rules: AssignmentRules) -> list[frozenset[str]]:
    """Every topic set a group may share: an allowed count, all mandatory topics included."""
    ids = [t.id for t in rules.topics]
    lo, hi = count_range(rules)
    return [
        frozenset(c)
        for k in range(lo, hi + 1)
        for c in itertools.combinations(ids, k)
        if set(rules.mandatory_topics) <= set(c)
    ]


def member_cost(person: Participant, bundle: frozenset[str], rules: AssignmentRules) -> float:
    """A member's rank cost for a bundle (``inf`` if it wants fewer topics or ranks one it may not get)."""
    w = wants(person, rules)
    if len(bundle) > w:
        return math.inf
    if not rules.objective.allow_unranked and any(
        t not in person.preferences and t not in rules.mandatory_topics for t in bundle
    ):
        return math.inf
    return sum(topic_cost(person, t, rules) for t in bundle) + missing_cost(rules) * (w - len(bundle))


def regional_brute_force(
    people: Sequence[Participant], rules: AssignmentRules, *, group_count: int | None = None
) -> tuple[float, float, float] | None:
    """Over every partition into groups of allowed sizes (``group_count`` groups if given) and every
    bundle per group that meets the capacities: (least ranks + km / km_per_rank, least km of a
    feasible partition, least ranks). ``None`` if nothing is feasible."""
    assert rules.groups is not None
    kpr = rules.objective.km_per_rank or 1.0
    bundles = bundle_options(rules)
    best: tuple[float, float, float] | None = None
    for part in partitions(list(range(len(people))), rules.groups.size):
        if group_count is not None and len(part) != group_count:
            continue
        dist = sum(group_km([people[m] for m in g], rules) for g in part)
        per_group = [[(b, sum(member_cost(people[m], b, rules) for m in g)) for b in bundles] for g in part]
        per_group = [[(b, c) for b, c in opts if c < math.inf] for opts in per_group]
        least = math.inf
        for combo in itertools.product(*per_group):
            counts: Counter[str] = Counter()
            for g, (b, _c) in zip(part, combo, strict=True):
                for t in b:
                    counts[t] += len(g)
            if all(
                capacity(rules, t.id).min <= counts[t.id]
                and (capacity(rules, t.id).max is None or counts[t.id] <= (capacity(rules, t.id).max or 0))
                for t in rules.topics
            ):
                least = min(least, sum(c for _b, c in combo))
        if least == math.inf:
            continue
        here = (least + dist / kpr, dist, least)
        best = here if best is None else (min(best[0], here[0]), min(best[1], here[1]), min(best[2], here[2]))
    return best
