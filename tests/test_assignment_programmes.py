"""The four real programmes written as rules (in TOML, through the validating loader), solved,
checked and explained; and historical assignments typed in by hand, with broken copies."""

from __future__ import annotations

import random

import attrs
import pytest

from qframework.assignment import (
    Assignment,
    AssignmentProblem,
    Group,
    Participant,
    Placement,
    assign,
    check_assignment,
)
from qframework.errors import InfeasibleAssignment, ValidationError
from qframework.io import dumps, loads

KQS_AREAS = [
    "leitbild",
    "bedarfserschliessung",
    "schluesselprozesse",
    "dienstleistungen",
    "evaluation",
    "fuehrung",
    "personal",
    "controlling",
    "kundenkommunikation",
    "strategie",
    "kooperationen",
    "infrastruktur",
]

KQS_TOML = """
title = "KQS-Modellprojekt § 79a SGB VIII (Niedersachsen 2016–2018)"

[rules]
topics_per_participant = 3
required_topics = 2          # the first two are worked on, the third if time allows
distinct_required = true     # broad spread: the eight required areas are all different
topics = [
%s
  { id = "leitbild-oder-fuehrung", title = "Leitbild oder Führung", any_of = ["leitbild", "fuehrung"] },
]

[[participants]]
id = "celle"
name = "Stadt Celle"
preferences = ["schluesselprozesse", "kooperationen", "leitbild-oder-fuehrung"]

[[participants]]
id = "gifhorn"
name = "Landkreis Gifhorn"
preferences = ["schluesselprozesse", "bedarfserschliessung", "evaluation"]

[[participants]]
id = "rotenburg"
name = "Landkreis Rotenburg (Wümme)"
preferences = ["leitbild-oder-fuehrung", "personal", "evaluation"]

[[participants]]
id = "nienburg"
name = "Landkreis Nienburg (Weser)"
preferences = ["kundenkommunikation", "leitbild", "strategie"]
""".replace("%s", "\n".join(f'  {{ id = "{a}" }},' for a in KQS_AREAS))


def qdfh_toml(n: int = 23, seed: int = 7) -> str:
    """23 Kommunen in northern/southern/eastern/western regions with random locations and wishes."""
    rnd = random.Random(seed)
    regions = {"Nord": (54.0, 9.5), "Ost": (52.5, 13.0), "Süd": (48.5, 10.5), "West": (51.0, 7.0)}
    out = [
        'title = "Qualitätsdialoge Frühe Hilfen (2019–2021)"',
        "[rules]",
        "topics_per_participant = 3   # dimension 3 plus 1–2 chosen: the third is optional",
        "required_topics = 2",
        'mandatory_topics = ["3"]',
        "topics = [" + ", ".join(f'{{ id = "{i}" }}' for i in range(1, 10)) + "]",
        "[rules.groups]",
        "size = { min = 3, max = 4 }",
        "regional_weight = 150.0",
    ]
    for i in range(n):
        region = rnd.choice(sorted(regions))
        lat, lon = regions[region]
        prefs = [str(d) for d in range(1, 10) if d != 3]
        rnd.shuffle(prefs)
        out += [
            "[[participants]]",
            f'id = "k{i:02d}"',
            f'region = "{region}"',
            f"location = [{lat + rnd.uniform(-0.8, 0.8):.3f}, {lon + rnd.uniform(-0.8, 0.8):.3f}]",
            f"preferences = [{', '.join(repr(p).replace(chr(39), chr(34)) for p in prefs[:4])}]",
        ]
    return "\n".join(out)


def zirkel_toml(n: int = 35, seed: int = 3) -> str:
    rnd = random.Random(seed)
    topics = ["fachkraefte", "familien", "netzwerk"]
    out = [
        'title = "Qualitätszirkel Frühe Hilfen Niedersachsen (2019–2021)"',
        "[rules]",
        "topics = [",
        '  { id = "fachkraefte", title = "Bedarfsgerechter Einsatz von Fachkräften Früher Hilfen" },',
        '  { id = "familien", title = "Verfahren zur Zusammenarbeit auf der Ebene der Familien" },',
        '  { id = "netzwerk", title = "Verbindliche Strukturen der Netzwerkarbeit" },',
        "]",
        "capacity = { min = 10, max = 16 }    # one circle per topic, about 15 Kommunen",
        "groups = { size = { min = 10, max = 16 } }",
        "objective = { allow_unranked = false }   # only circles a Kommune expressed interest in",
    ]
    for i in range(n):
        wish = rnd.sample(topics, rnd.randint(1, 3))
        out += ["[[participants]]", f'id = "nds-{i:02d}"', f"preferences = {wish!r}".replace("'", '"')]
    return "\n".join(out)


def werkstatt_toml(n: int = 11) -> str:
    out = [
        'title = "Kommunale Qualitätswerkstätten 2024"',
        "[rules]",
        'topics = [{ id = "werkstatt-2024", capacity = { max = 5 } }]',
        "allow_unassigned = true     # a selection: 5 of the applicants get a place",
    ]
    for i in range(n):
        out += ["[[participants]]", f'id = "bewerbung-{i:02d}"', 'preferences = ["werkstatt-2024"]']
    out += ["[[participants]]", 'id = "ohne-interesse"', 'exclusions = ["werkstatt-2024"]']
    return "\n".join(out)


def solve(text: str) -> tuple[AssignmentProblem, Assignment]:
    problem = loads(AssignmentProblem, text)
    return problem, assign(problem.participants, problem.rules)


def test_kqs_model_project() -> None:
    """KQS: 3 ordered areas each, the first 2 required and all 8 required areas different, the
    alternative slot 'Leitbild oder Führung' reserving both of its areas."""
    problem, a = solve(KQS_TOML)
    assert check_assignment(a, problem.participants, problem.rules) == []
    required = [t for p in a.placements for t in p.required]
    assert len(required) == 8
    reserved = [b for t in required for b in problem.rules.covers(t)]
    assert len(set(reserved)) == len(reserved)
    for p in a.placements:
        assert len(p.required) == 2 and len(p.optional) == 1
    # rotenburg's first wish is the alternative; nobody else can then require Leitbild or Führung
    assert "leitbild-oder-fuehrung" in a.topics_of("rotenburg")[0]
    # celle and gifhorn both want Schlüsselprozesse first: a tie on cost broken by id (celle < gifhorn)
    assert "schluesselprozesse" in a.topics_of("celle")[0]
    assert "schluesselprozesse" not in a.topics_of("gifhorn")[0]
    text = a.explain("gifhorn").text
    assert "required topics must be distinct" in text and "celle" in text


def test_qdfh_clusters() -> None:
    """QDFH: 23 Kommunen in clusters of 3–4, each with dimension 3 plus one chosen required and one
    optional dimension, shared by the cluster; clusters are regional where the topics allow."""
    problem, a = solve(qdfh_toml())
    assert check_assignment(a, problem.participants, problem.rules) == []
    assert sum(len(g.members) for g in a.groups) == 23
    assert all(3 <= len(g.members) <= 4 for g in a.groups)
    assert all(g.required[0] == "3" for g in a.groups)
    text = a.explain("k00").text
    assert "mandatory" in text and "Group" in text


def test_qdfh_regional_grouping_within_a_topic() -> None:
    """With one shared topic, the 12 Kommunen of three far-apart regions form three regional clusters."""
    text = "\n".join(
        [
            "[rules]",
            'topics = [{ id = "3" }]',
            "groups = { size = { min = 3, max = 4 } }",
        ]
        + [
            line
            for i, (region, lat, lon) in enumerate(
                [("Nord", 54.3, 10.1)] * 4 + [("Süd", 48.1, 11.6)] * 4 + [("West", 51.2, 6.8)] * 4
            )
            for line in (
                "[[participants]]",
                f'id = "{chr(ord("a") + (i * 5) % 12)}{i}"',
                f'region = "{region}"',
                f"location = [{lat + (i % 4) * 0.05}, {lon}]",
            )
        ]
    )
    problem, a = solve(text)
    region = {p.id: p.region for p in problem.participants}
    assert sorted(len({region[m] for m in g.members}) for g in a.groups) == [1, 1, 1]


def test_qualitaetszirkel() -> None:
    """Lower Saxony: three circles by topic, 10–16 Kommunen each, only from expressions of interest."""
    problem, a = solve(zirkel_toml())
    assert check_assignment(a, problem.participants, problem.rules) == []
    assert len(a.groups) == 3 and {g.required for g in a.groups} == {("fachkraefte",), ("familien",), ("netzwerk",)}
    for p in problem.participants:
        assert a.topics_of(p.id)[0][0] in p.preferences


def test_qualitaetswerkstaetten_selection() -> None:
    """Werkstätten: 5 of 11 applicants get a place (ties by id), nobody gets a place it excluded."""
    problem, a = solve(werkstatt_toml())
    assert check_assignment(a, problem.participants, problem.rules) == []
    placed = [p.participant for p in a.placements if p.topics]
    assert placed == [f"bewerbung-{i:02d}" for i in range(5)]
    assert "ohne-interesse" in a.unassigned
    assert "Not selected" in a.explain("bewerbung-07").text


def test_assignment_round_trips_through_toml() -> None:
    """A computed assignment is data: dumped to TOML and loaded back it is equal."""
    _problem, a = solve(KQS_TOML)
    assert loads(Assignment, dumps(a)) == a


# --------------------------------------------------------------------------- historical data

KQS_HISTORICAL = (
    KQS_TOML
    + """
[assignment]
placements = [
  { participant = "celle", required = ["schluesselprozesse", "kooperationen"], optional = ["leitbild-oder-fuehrung"] },
  { participant = "gifhorn", required = ["bedarfserschliessung", "evaluation"], optional = ["schluesselprozesse"] },
  { participant = "rotenburg", required = ["leitbild-oder-fuehrung", "personal"], optional = ["evaluation"] },
  { participant = "nienburg", required = ["kundenkommunikation", "strategie"], optional = ["leitbild"] },
]
"""
)

QDFH_HISTORICAL = """
[rules]
topics_per_participant = 2
required_topics = 2
mandatory_topics = ["3"]
topics = [{ id = "1" }, { id = "2" }, { id = "3" }, { id = "4" }, { id = "5" }, { id = "6" }, { id = "7" },
          { id = "8" }, { id = "9" }]
groups = { size = { min = 3, max = 4 } }

[[participants]]
id = "rendsburg-eckernfoerde"
[[participants]]
id = "bremen"
[[participants]]
id = "bremerhaven"
[[participants]]
id = "rotenburg-wuemme"
[[participants]]
id = "kiel"
[[participants]]
id = "luebeck"
[[participants]]
id = "flensburg"

[[assignment.groups]]
id = "nord-1"
required = ["3", "7"]
members = ["rendsburg-eckernfoerde", "bremen", "bremerhaven", "rotenburg-wuemme"]

[[assignment.groups]]
id = "nord-2"
required = ["3", "4"]
members = ["kiel", "luebeck", "flensburg"]
"""


def test_historical_assignments_are_valid() -> None:
    """The KQS distribution and a QDFH cluster as typed in by hand meet their rules."""
    for text in (KQS_HISTORICAL, QDFH_HISTORICAL):
        problem = loads(AssignmentProblem, text)
        assert problem.assignment is not None
        assert check_assignment(problem.assignment, problem.participants, problem.rules) == []


def test_broken_kqs_copy_reports_exactly_the_area_given_twice() -> None:
    """Giving one area to two Jugendämter as required yields exactly one distinct-required violation."""
    problem = loads(
        AssignmentProblem,
        KQS_HISTORICAL.replace('"bedarfserschliessung", "evaluation"]', '"bedarfserschliessung", "personal"]'),
    )
    assert problem.assignment is not None
    found = check_assignment(problem.assignment, problem.participants, problem.rules)
    assert [(v.rule, v.topic) for v in found] == [("distinct-required", "personal")]
    assert "gifhorn" in found[0].message and "rotenburg" in found[0].message


def test_broken_qdfh_copy_reports_exactly_the_group_of_five_and_the_missing_dimension() -> None:
    """A cluster of 5 under 3–4 and a cluster without the mandatory dimension 3 yield exactly those
    two violations, each once for its group."""
    broken = (
        QDFH_HISTORICAL.replace('"rotenburg-wuemme"]', '"rotenburg-wuemme", "kiel"]')
        .replace('members = ["kiel", ', "members = [")
        .replace('required = ["3", "4"]', 'required = ["5", "4"]')
    )
    problem = loads(AssignmentProblem, broken)
    assert problem.assignment is not None
    found = check_assignment(problem.assignment, problem.participants, problem.rules)
    assert sorted((v.rule, v.group, v.topic) for v in found) == [
        ("group-size", "nord-1", None),
        ("group-size", "nord-2", None),  # 2 members left: the move also broke the second cluster
        ("mandatory", "nord-2", "3"),
    ]


def test_broken_qdfh_copy_with_a_sixth_member_added() -> None:
    """Adding a fifth Kommune to a cluster of four yields exactly one group-size violation."""
    broken = QDFH_HISTORICAL.replace(
        'members = ["kiel", "luebeck", "flensburg"]', 'members = ["luebeck", "flensburg", "kiel-neu"]'
    )
    broken = broken.replace('"rotenburg-wuemme"]', '"rotenburg-wuemme", "kiel"]')
    broken = broken.replace('id = "kiel"', 'id = "kiel"\n[[participants]]\nid = "kiel-neu"')
    problem = loads(AssignmentProblem, broken)
    assert problem.assignment is not None
    found = check_assignment(problem.assignment, problem.participants, problem.rules)
    assert [(v.rule, v.group) for v in found] == [("group-size", "nord-1")]


def test_check_reports_unknown_and_missing_participants_and_exclusions() -> None:
    """check_assignment() names unknown participants and topics, participants left out, and excluded topics."""
    problem = loads(AssignmentProblem, KQS_TOML)
    rules = attrs.evolve(problem.rules, distinct_required=False)
    people = [*problem.participants, Participant("osnabrueck", exclusions=("personal",))]
    a = Assignment(
        placements=(
            Placement("celle", ("leitbild", "fuehrung"), ("strategie",)),
            Placement("gifhorn", ("leitbild", "nope"), ("strategie",)),
            Placement("osnabrueck", ("personal", "leitbild"), ("strategie",)),
            Placement("hameln", ("leitbild", "strategie"), ("personal",)),
        ),
        groups=(Group("g", ("leitbild",), (), ("celle",)),),
    )
    rules_found = sorted((v.rule, v.participant, v.topic) for v in check_assignment(a, people, rules))
    assert ("unknown-participant", "hameln", None) in rules_found
    assert ("unknown-topic", "gifhorn", "nope") in rules_found
    assert ("unassigned", "rotenburg", None) in rules_found
    assert ("exclusion", "osnabrueck", "personal") in rules_found
    assert ("group-topics", "celle", None) in rules_found


# --------------------------------------------------------------------------- bad files


def test_bad_rules_file_reports_every_problem_with_its_path() -> None:
    """A rules file with several mistakes reports all of them at once, each with its path."""
    bad = """
[rules]
topics_per_participant = 0
mandatory_topics = ["x"]
topics = [{ id = "a", capacity = { min = 3, max = 2 } }, { id = "a" }, { id = "alt", any_of = ["a"] }]
groups = { size = { min = 0 } }

[[participants]]
id = "k1"
preferences = ["a", "zz"]
[[participants]]
id = "k1"
location = [95.0, 10.0]
"""
    with pytest.raises(ValidationError) as err:
        loads(AssignmentProblem, bad, file="bad.toml")
    paths = {p.path for p in err.value.problems}
    assert {
        "rules.topics_per_participant",
        "rules.mandatory_topics",
        "rules.topics[0].capacity.max",
        "rules.topics",
        "rules.topics[2].any_of",
        "rules.groups.size.min",
        "participants",
        "participants[0].preferences",
        "participants[1].location",
    } <= paths, paths


def test_unknown_keys_and_wrong_types_are_reported() -> None:
    """Misspelt keys and wrong types in a rules file are reported, not ignored."""
    with pytest.raises(ValidationError) as err:
        loads(
            AssignmentProblem,
            '[rules]\ntopics = [{ id = "a" }]\ntopic_per_participant = 2\ndistinct_required = "yes"\n',
        )
    text = str(err.value)
    assert "topic_per_participant" in text and "distinct_required" in text


def test_infeasible_programme_names_rule_and_numbers() -> None:
    """23 Kommunen with 20 places: InfeasibleAssignment names 'capacity' and both numbers."""
    problem = loads(AssignmentProblem, qdfh_toml())
    rules = attrs.evolve(
        problem.rules,
        groups=None,
        capacity=attrs.evolve(problem.rules.capacity, max=2),
        topics_per_participant=1,
        required_topics=None,
        mandatory_topics=(),
    )
    rules = attrs.evolve(rules, topics=rules.topics[:9])
    assert check_assignment(assign(problem.participants[:18], rules), problem.participants[:18], rules) == []
    with pytest.raises(InfeasibleAssignment) as err:
        assign(problem.participants, rules)
    assert err.value.rule == "capacity" and "23 participants" in str(err.value) and "18" in str(err.value)
