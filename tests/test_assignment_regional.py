"""Regional plans: one trade-off between travel and preference (issue 16).

Every expected value comes from the independent brute force in ``assignment_strategies`` (its own
distances, ranks and partitions), never from the solver under test.
"""

from __future__ import annotations

import math

import attrs
import pytest
from assignment_strategies import group_km, regional_brute_force, regional_instances
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qframework.assignment import (
    AssignmentRules,
    Bounds,
    GroupRules,
    Objective,
    Participant,
    Topic,
    assign,
    check_assignment,
    regional,
)
from qframework.errors import InfeasibleAssignment, NotFound, ValidationError


def budget(ci_examples: int) -> settings:
    """``ci_examples`` under the CI profile, scaled with the loaded profile's example count otherwise (a tenth
    under ``QFRAMEWORK_HYPOTHESIS=mutation``, so a surviving mutant of regional.py costs seconds, not a minute)."""
    scale = settings.default.max_examples / settings.get_profile("ci").max_examples
    return settings(
        max_examples=max(1, round(ci_examples * scale)), deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


SETTINGS = budget(40)


def plan_km(result, people, rules) -> float:  # type: ignore[no-untyped-def]
    by_id = {p.id: p for p in people}
    return sum(group_km([by_id[m] for m in g.members], rules) for g in result.groups)


def with_kpr(rules: AssignmentRules, kpr: float | None) -> AssignmentRules:
    return attrs.evolve(rules, objective=attrs.evolve(rules.objective, km_per_rank=kpr))


@SETTINGS
@given(regional_instances(max_participants=7))
def test_joint_is_exact_against_brute_force(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: in joint mode the result's ranks + km / km_per_rank equal the least over every partition
    into allowed group sizes and every bundle per group within the capacities; it is marked exact,
    its bound equals its objective, and it passes check()."""
    people, rules = instance
    expected = regional_brute_force(people, rules)
    if expected is None:
        with pytest.raises(Exception):  # noqa: B017 - InfeasibleAssignment names the rule
            assign(people, rules)
        return
    result = assign(people, rules)
    assert check_assignment(result, people, rules) == []
    kpr = rules.objective.km_per_rank
    assert kpr is not None and result.optimality is not None and result.cost is not None
    own = result.cost + plan_km(result, people, rules) / kpr
    assert own == pytest.approx(expected[0], rel=1e-6, abs=1e-6)
    assert result.optimality.exact
    assert result.optimality.objective == pytest.approx(own, rel=1e-6, abs=1e-6)
    assert result.optimality.bound == pytest.approx(own, rel=1e-6, abs=1e-6)


@budget(8)
@given(regional_instances(max_participants=9, capacities=False))
def test_joint_is_exact_on_nine(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: the exact objective equals the brute force also with up to nine participants."""
    people, rules = instance
    expected = regional_brute_force(people, rules)
    if expected is None:
        return
    result = assign(people, rules)
    kpr = rules.objective.km_per_rank
    assert kpr is not None and result.cost is not None
    assert result.cost + plan_km(result, people, rules) / kpr == pytest.approx(expected[0], rel=1e-6, abs=1e-6)


@SETTINGS
@given(regional_instances(max_participants=7))
def test_a_weight_that_never_binds_keeps_todays_optimum(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: with km_per_rank = None the result is today's (preferences first); with a weight so
    small that all distances together are worth less than one rank, the rank cost is today's optimum."""
    people, rules = instance
    if regional_brute_force(people, rules) is None:
        return
    today = assign(people, with_kpr(rules, None))
    assert today.optimality is None
    light = assign(people, with_kpr(rules, 1e9))
    assert light.cost == today.cost
    assert check_assignment(light, people, rules) == []


@SETTINGS
@given(regional_instances(max_participants=7))
def test_a_huge_weight_gives_the_pure_distance_optimum(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: when one km outweighs every rank, the grouping's distance is the least distance of any
    partition that can get topics within the capacities (brute force)."""
    people, rules = instance
    heavy = with_kpr(rules, 1e-6)
    expected = regional_brute_force(people, heavy)
    if expected is None:
        return
    result = assign(people, heavy)
    assert plan_km(result, people, rules) == pytest.approx(expected[1], rel=1e-6, abs=1e-4)


@SETTINGS
@given(regional_instances(max_participants=7))
def test_heuristic_never_below_its_bound(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: the heuristic (forced here by allowing no candidate groups) reports an objective that
    is its own ranks + km / km_per_rank, never below its lower bound, and the bound never exceeds
    the true optimum (brute force); the result passes check()."""
    people, rules = instance
    expected = regional_brute_force(people, rules)
    if expected is None:
        return
    saved = regional.MAX_GROUPS
    regional.MAX_GROUPS = 0
    try:
        result = assign(people, rules)
    except InfeasibleAssignment:  # the heuristic may not find a plan within the capacities
        return
    finally:
        regional.MAX_GROUPS = saved
    assert check_assignment(result, people, rules) == []
    o = result.optimality
    kpr = rules.objective.km_per_rank
    assert o is not None and kpr is not None and result.cost is not None
    own = result.cost + plan_km(result, people, rules) / kpr
    assert o.objective == pytest.approx(own, rel=1e-6, abs=1e-6)
    assert o.bound <= o.objective + 1e-9
    assert o.bound <= expected[0] + 1e-6
    assert own >= expected[0] - 1e-6


@SETTINGS
@given(regional_instances(max_participants=7, capacities=False))
def test_groups_first_is_the_distance_optimum(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: groups first forms as few groups as the sizes allow, at the least distance of any such
    partition (brute force), then gives each group the bundle its members rank best; it passes check()."""
    people, rules = instance
    assert rules.groups is not None
    size = rules.groups.size
    fewest = -(-len(people) // size.max) if size.max else 1
    expected = regional_brute_force(people, rules, group_count=fewest)
    if expected is None:
        return
    result = assign(people, rules, mode="groups-first")
    assert check_assignment(result, people, rules) == []
    assert len(result.groups) == fewest
    assert plan_km(result, people, rules) == pytest.approx(expected[1], rel=1e-6, abs=1e-4)
    o = result.optimality
    assert o is not None and o.mode == "groups-first" and o.exact


# ----------------------------------------------------------------------------- examples

CITIES = {
    "aachen": (50.78, 6.08),
    "bonn": (50.74, 7.10),
    "koeln": (50.94, 6.96),
    "kiel": (54.32, 10.13),
    "luebeck": (53.87, 10.69),
    "schwerin": (53.63, 11.41),
}


def cities_instance(kpr: float | None) -> tuple[list[Participant], AssignmentRules]:
    """Two regions; the Rhineland wants 'a', the north 'b', except Bonn and Kiel, who swap."""
    wishes = {"aachen": "a", "koeln": "a", "bonn": "b", "kiel": "a", "luebeck": "b", "schwerin": "b"}
    people = [
        Participant(pid, location=loc, preferences=(wishes[pid], "b" if wishes[pid] == "a" else "a"))
        for pid, loc in CITIES.items()
    ]
    rules = AssignmentRules(
        topics=(Topic("a", "Planung"), Topic("b", "Netzwerk")),
        groups=GroupRules(size=Bounds(3, 3), regional_weight=0.0),
        objective=Objective(km_per_rank=kpr),
    )
    return people, rules


def test_preferences_first_crosses_the_country_and_the_trade_off_does_not() -> None:
    """Today's order puts Kiel with the Rhineland (same wish); at 150 km per rank the groups are regional."""
    people, rules = cities_instance(None)
    today = assign(people, rules)
    assert {frozenset(g.members) for g in today.groups} == {
        frozenset({"aachen", "koeln", "kiel"}),
        frozenset({"bonn", "luebeck", "schwerin"}),
    }
    people, rules = cities_instance(150.0)
    joint = assign(people, rules)
    assert {frozenset(g.members) for g in joint.groups} == {
        frozenset({"aachen", "bonn", "koeln"}),
        frozenset({"kiel", "luebeck", "schwerin"}),
    }
    assert joint.cost == 8  # Bonn and Kiel take their second choice: 6 × 1 + 2
    # the worked example in docs/assignment.md
    assert plan_km(today, *cities_instance(None)) == pytest.approx(1891, abs=1)
    assert plan_km(joint, people, rules) == pytest.approx(390, abs=1)
    assert joint.optimality is not None and joint.optimality.exact


def test_explain_names_distance_as_the_reason() -> None:
    """Kiel did not get its first choice because the group working on it is in the Rhineland."""
    people, rules = cities_instance(150.0)
    why = assign(people, rules).explain("kiel")
    fact = next(r for r in why.reasons if r.code == "not-given.distance")
    assert fact.params["km_per_rank"] == 150.0
    lines = [line for line in why.text.splitlines() if line.startswith("Not a ")]
    assert len(lines) == 1, lines  # one line per topic not given, its causes joined
    note = lines[0]
    assert note.startswith("Not a (your rank 1): ") and "the nearest group working on it" in note
    assert "km per rank" in note
    km_ = float(note.split(") is ")[1].split(" km")[0])
    assert km_ == fact.params["km"]
    assert 400 < km_ < 500  # Kiel to Aachen, Bonn, Köln: about 430–470 km
    assert "proven optimal" in why.text


def test_groups_first_takes_regional_groups_and_their_best_topic() -> None:
    people, rules = cities_instance(None)
    result = assign(people, rules, mode="groups-first")
    by_members = {frozenset(g.members): g.topics for g in result.groups}
    assert by_members == {
        frozenset({"aachen", "bonn", "koeln"}): ("a",),
        frozenset({"kiel", "luebeck", "schwerin"}): ("b",),
    }
    assert result.cost == 8


def test_unknown_mode_and_bad_weight_are_refused() -> None:
    people, rules = cities_instance(150.0)
    with pytest.raises(NotFound, match="groups-first"):
        assign(people, rules, mode="regional")
    with pytest.raises(ValidationError, match="km_per_rank"):
        Objective(km_per_rank=0.0)
    with pytest.raises(ValidationError, match="km_per_rank"):
        Objective(km_per_rank=math.inf)


@given(st.just(0))
def test_optimality_round_trips(_: int) -> None:
    from qframework import io

    people, rules = cities_instance(150.0)
    result = assign(people, rules)
    for fmt in ("json", "toml"):
        assert io.loads(type(result), io.dumps(result, format=fmt), format=fmt) == result


# 25 participants, unbounded group sizes: more candidate groups than MAX_GROUPS, so the joint mode
# runs its heuristic, which starts from the preference-first plan (review of issue 14's tie pass:
# the start plan once went through the tie rule and lost track of its columns).
_HEURISTIC_25 = [
    ("p00", "t0", "t2", (50.042223353814556, 8.240758349223062)),
    ("p01", "t0", "", (50.62187393122899, 8.720086760740818)),
    ("p02", "t2 t1", "t0", (50.70447098230892, 8.307262066336513)),
    ("p03", "t0 t2", "t1", (50.370759319044595, 8.553895476027531)),
    ("p04", "t1 t2 t0", "", (50.5836119252877, 8.292288763898618)),
    ("p05", "t2 t1 t0", "", (50.011292985394505, 8.310725478472218)),
    ("p06", "t2", "", (50.87022193227432, 8.747906630064074)),
    ("p07", "t1 t2 t0", "", (50.78441961281417, 8.054210291076354)),
    ("p08", "t2 t0 t1", "", (50.29205722304091, 8.048325076539095)),
    ("p09", "t0", "t1 t2", (50.73173042175036, 8.85252139733016)),
    ("p10", "t0", "t1", (50.33271138209961, 8.018737901833045)),
    ("p11", "t2", "t0 t1", (50.295363139969936, 8.550665754985188)),
    ("p12", "t0 t2", "t1", (50.88700102314183, 8.238591335491792)),
    ("p13", "t2 t1 t0", "", (50.33140495662902, 8.4067601644974)),
    ("p14", "t2", "t0", (50.76148735124507, 8.218369820899465)),
    ("p15", "t1", "t2", (50.79486043985083, 8.878051904786197)),
    ("p16", "t0", "t2", (50.04310696384021, 8.286233409954493)),
    ("p17", "t0 t2", "", (50.79345704784846, 8.664766886719407)),
    ("p18", "t0", "t1", (50.1159351400094, 8.952635368602555)),
    ("p19", "t0 t1 t2", "", (50.52720791416499, 8.87114144301891)),
    ("p20", "t0 t1 t2", "", (50.32576539628151, 8.357237729834502)),
    ("p21", "t2 t1 t0", "", (50.0893785687245, 8.93173472020399)),
    ("p22", "t1 t0", "", (50.1138382422903, 8.07226867059556)),
    ("p23", "t1 t2", "", (50.93077288817643, 8.754751077529725)),
    ("p24", "t1 t2", "", (50.315890717476975, 8.958102371329929)),
]


def heuristic_instance() -> tuple[list[Participant], AssignmentRules]:
    """The 25 Kommunen of ``_HEURISTIC_25``, beyond the exact joint mode's size: three capped topics,
    groups of any size, unassigned allowed, 1,000 km worth one rank."""
    people = [
        Participant(i, preferences=tuple(p.split()), exclusions=tuple(e.split()), location=loc)
        for i, p, e, loc in _HEURISTIC_25
    ]
    rules = AssignmentRules(
        topics=(
            Topic("t0", capacity=Bounds(0, 6)),
            Topic("t1", capacity=Bounds(0, 8)),
            Topic("t2", capacity=Bounds(0, 6)),
        ),
        groups=GroupRules(size=Bounds(1, None)),
        allow_unassigned=True,
        objective=Objective(allow_unranked=True, km_per_rank=1000.0),
    )
    return people, rules


def test_the_joint_heuristic_plans_a_selection_that_keeps_every_rule() -> None:
    """Rule: beyond the exact joint mode's size, ``assign`` still returns a plan (no crash), every
    rule holds for it (check_assignment finds nothing), it says it is not proven optimal, and its
    bound does not exceed its objective."""
    people, rules = heuristic_instance()
    plan = assign(people, rules)
    assert check_assignment(plan, people, rules) == []
    assert plan.optimality is not None and not plan.optimality.exact
    assert plan.optimality.bound <= plan.optimality.objective
    assert len(plan.placements) == 25
