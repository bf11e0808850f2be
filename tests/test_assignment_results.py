"""Assignment and programme results as plain data, and the API grammar around them.

Round trips through :mod:`qframework.io` (JSON and TOML) for every result type, on values from real
``assign()`` runs and on directly constructed ones; lookups by id raising ``NotFound``; wrong Python
types saying "expected text"; the loaders' keyword-only signatures; the deprecated ``check`` alias.
"""

from __future__ import annotations

import json
import typing
import warnings
from pathlib import Path
from typing import Any

import attrs
import pytest
from assignment_strategies import instances
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qframework
from qframework import io
from qframework.assignment import (
    Assignment,
    AssignmentProblem,
    AssignmentRules,
    Explanation,
    Group,
    Participant,
    Placement,
    Topic,
    TopicResult,
    Violation,
    assign,
    check_assignment,
    load_assignment_problem,
    loads_assignment_problem,
)
from qframework.cli import main
from qframework.errors import InfeasibleAssignment, NotFound, ValidationError
from qframework.messages import TEMPLATES, Note
from qframework.programme import (
    Programme,
    Roster,
    load_programme,
    load_roster,
    loads_participants,
    loads_programme,
    loads_roster,
)

FORMATS = ("json", "toml")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RESULT_TYPES = (Assignment, Placement, Group, Violation, Explanation, TopicResult)


@pytest.fixture(scope="module")
def registry() -> Any:
    return qframework.load_registry()


def roundtrip(value: Any) -> None:
    for fmt in FORMATS:
        text = io.dumps(value, format=fmt)
        assert io.loads(type(value), text, format=fmt) == value, (fmt, text)


# --------------------------------------------------------------------------- round trips


@SETTINGS
@given(instances(max_participants=6, max_topics=4))
def test_results_of_real_runs_round_trip(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """Rule: every value assign() returns, every explanation of it and every violation
    check_assignment() reports comes back equal from JSON and from TOML, and hashes."""
    people, rules = instance
    try:
        result = assign(people, rules)
    except InfeasibleAssignment:
        return
    roundtrip(result)
    hash(result)
    for pid in result.participant_ids:
        explanation = result.explain(pid)
        roundtrip(explanation)
        hash(explanation)
    # the result against rules it was not made for: a source of real violations
    stricter = attrs.evolve(rules, topics_per_participant=1, required_topics=None, mandatory_topics=())
    for violation in check_assignment(result, people, stricter):
        roundtrip(violation)
        hash(violation)


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
IDS = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8).filter(str.strip)
OPTIONAL_IDS = st.none() | IDS
TOPICS = st.lists(IDS, max_size=3).map(tuple)


@st.composite
def placements(draw: st.DrawFn) -> Placement:
    required, optional = draw(TOPICS), draw(TOPICS)
    with_ranks = draw(st.booleans())
    ranks = tuple(draw(st.integers(0, 50)) for _ in required + optional) if with_ranks else ()
    notes = tuple(draw(st.lists(NOTES, max_size=2)))
    return Placement(draw(IDS), required, optional, draw(OPTIONAL_IDS), notes, ranks)


PARAMS = st.dictionaries(
    IDS, st.one_of(TEXT, st.integers(-5, 50), st.booleans(), st.floats(allow_nan=False, allow_infinity=False), TOPICS)
)
NOTES = st.builds(Note, st.sampled_from(sorted(TEMPLATES)), PARAMS)
GROUPS = st.builds(Group, IDS, TOPICS, TOPICS, TOPICS)
VIOLATIONS = st.builds(
    Violation,
    IDS,
    IDS,
    OPTIONAL_IDS,
    OPTIONAL_IDS,
    OPTIONAL_IDS,
    st.just("") | st.sampled_from(sorted(TEMPLATES)),
    PARAMS,
)
TOPIC_RESULTS = st.builds(TopicResult, IDS, st.booleans(), st.none() | st.integers(1, 50))
EXPLANATIONS = st.builds(
    Explanation,
    IDS,
    st.booleans(),
    st.lists(TOPIC_RESULTS, max_size=3).map(tuple),
    OPTIONAL_IDS,
    TOPICS,
    st.lists(TEXT, max_size=3).map(tuple),
    st.booleans(),
)
ASSIGNMENTS = st.builds(
    Assignment,
    st.lists(placements(), max_size=3).map(tuple),
    st.lists(GROUPS, max_size=2).map(tuple),
    TOPICS,
    st.none() | st.integers(0, 10**6),
)


@settings(max_examples=80, deadline=None)
@given(st.one_of(ASSIGNMENTS, placements(), GROUPS, VIOLATIONS, TOPIC_RESULTS, EXPLANATIONS))
def test_constructed_results_round_trip(value: Any) -> None:
    """Rule: any well-formed result value — None fields, empty tuples, any text — survives
    io.dumps/io.loads unchanged in JSON and TOML, and is hashable."""
    roundtrip(value)
    hash(value)


def test_json_names_every_field() -> None:
    """JSON output is objects with named fields (no positional arrays), so a web client reads it by name."""
    why = Note("given.ranked", {"topic": "a", "role": Note("role.required"), "rank": 2})
    explanation = Explanation("k1", True, (TopicResult("a", True, 2),), "g1", ("k2",), (why,))
    data = json.loads(io.dumps(explanation, format="json"))
    assert data == {
        "participant": "k1",
        "placed": True,
        "topics": [{"topic": "a", "required": True, "rank": 2}],
        "group": "g1",
        "group_members": ["k2"],
        "reasons": [{"code": "given.ranked", "params": {"topic": "a", "role": {"code": "role.required"}, "rank": 2}}],
    }
    violation = json.loads(io.dumps(Violation("capacity", "full", topic="a"), format="json"))
    assert violation == {"rule": "capacity", "message": "full", "topic": "a"}


def test_no_dict_or_list_fields_in_assignment_and_programme_values() -> None:
    """Every attrs class of the assignment and programme modules holds tuples, never dict or list,
    so values are immutable and hashable all the way down."""
    import qframework.assignment as assignment_pkg
    import qframework.programme as programme_mod

    classes = [getattr(assignment_pkg, n) for n in assignment_pkg.__all__]
    classes += [getattr(programme_mod, n) for n in programme_mod.__all__]
    checked = 0
    for cls in classes:
        if not (isinstance(cls, type) and attrs.has(cls)):
            continue
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            shown = str(hints[field.name])
            assert "dict" not in shown and "list" not in shown, (cls.__name__, field.name, shown)
        checked += 1
    assert checked >= 14


def test_shipped_programmes_round_trip_and_hash(registry: Any) -> None:
    """Every shipped programme (with its historical assignment) round-trips and hashes."""
    for programme in registry.programmes.values():
        roundtrip(programme)
        hash(programme)


# --------------------------------------------------------------------------- explanations


def test_explanation_is_data_with_ranks_group_and_reasons() -> None:
    """explain() says, as data, what the participant got at which rank, its group and the reasons."""
    rules = AssignmentRules(
        (Topic("a"), Topic("b"), Topic("c")),
        topics_per_participant=2,
        required_topics=1,
        groups=None,
    )
    people = [Participant("k1", preferences=("b", "a", "c"))]
    result = assign(people, rules)
    explanation = result.explain("k1")
    assert explanation.placed and explanation.computed
    assert explanation.topics == (TopicResult("b", True, 1), TopicResult("a", False, 2))
    assert explanation.required == ("b",) and explanation.optional == ("a",)
    assert explanation.group is None
    assert Note("given.ranked", {"topic": "b", "role": Note("role.required"), "rank": 1}) in explanation.reasons
    assert "b: assigned, your preference rank 1." in explanation.text.splitlines()
    assert explanation.text.startswith("k1 got assigned: b; optional (if time allows): a.")
    assert str(explanation) == explanation.text


def test_explanation_of_a_hand_typed_assignment_has_no_ranks() -> None:
    """A typed-in assignment records no ranks or notes: the explanation says so instead of inventing them."""
    a = Assignment(groups=(Group("g1", ("a",), (), ("k1", "k2")),))
    explanation = a.explain("k1")
    assert explanation == Explanation("k1", True, (TopicResult("a", True, None),), "g1", ("k2",), (), False)
    assert "No solver notes" in explanation.text


# --------------------------------------------------------------------------- lookups


def test_lookups_by_id_raise_not_found_with_the_known_ids() -> None:
    """rules.topic, Assignment.placement/.group and explain raise NotFound (a LookupError) that
    names the known ids and the closest one."""
    rules = AssignmentRules((Topic("netzwerk"), Topic("leitbild")))
    with pytest.raises(
        NotFound, match=r"unknown topic 'netzwek' \(did you mean 'netzwerk'\? known: leitbild, netzwerk\)"
    ):
        rules.topic("netzwek")
    a = Assignment((Placement("kiel", ("netzwerk",)),), (Group("g1", members=("kiel",)),))
    assert a.placement("kiel").required == ("netzwerk",)
    assert a.group("g1").members == ("kiel",)
    with pytest.raises(NotFound, match="did you mean 'kiel'"):
        a.placement("kiell")
    with pytest.raises(NotFound, match="known: g1"):
        a.group("g2")
    with pytest.raises(LookupError, match="unknown participant 'bonn'"):
        a.explain("bonn")


def test_programme_lookups_raise_not_found(registry: Any) -> None:
    """Programme.quota(role) and the other per-kind lookups return the item or raise NotFound."""
    programme = registry.programmes["qdfh-2019"]
    role = programme.quotas[0].role
    assert programme.quota(role).role == role
    with pytest.raises(NotFound, match="unknown quota role 'nobody'"):
        programme.quota("nobody")
    with pytest.raises(NotFound, match="unknown phase"):
        programme.phase("no-such-phase")
    if programme.participants:
        first = programme.participants[0]
        assert programme.participant(first.id) == first


# --------------------------------------------------------------------------- wrong types


@pytest.mark.parametrize(
    ("build", "path", "got"),
    [
        (lambda: Participant(None), "id", "got NoneType"),  # type: ignore[arg-type]
        (lambda: Participant("k1", name=3), "name", "got a whole number"),  # type: ignore[arg-type]
        (lambda: Topic(3), "id", "got a whole number"),  # type: ignore[arg-type]
        (lambda: Placement(1.5), "participant", "got a number"),  # type: ignore[arg-type]
        (lambda: Group(("g",)), "id", "got a list"),  # type: ignore[arg-type]
        (lambda: Violation(None, "m"), "rule", "got NoneType"),  # type: ignore[arg-type]
        (lambda: Roster(7, "kiel"), "programme", "got a whole number"),  # type: ignore[arg-type]
    ],
)
def test_wrong_python_types_say_expected_text(build: Any, path: str, got: str) -> None:
    """Constructing a value with a non-string id says "expected text, got …", not "must not be empty"."""
    with pytest.raises(ValidationError) as info:
        build()
    assert [p.path for p in info.value.problems] == [path]
    assert f"expected text, {got}" in str(info.value)


# --------------------------------------------------------------------------- loaders

PROBLEM = """
[rules]
topics = [{ id = "a" }, { id = "b" }]

[[participants]]
id = "k1"
preferences = ["b"]
"""


def test_loaders_are_keyword_only_after_the_first_argument(tmp_path: Path, registry: Any) -> None:
    """load_X(path, *, registry=None) and loads_X(text, *, format=…, registry=None, file=None):
    a positional format or registry is a TypeError, not a confusing validation message."""
    with pytest.raises(TypeError):
        loads_assignment_problem(PROBLEM, "toml")  # type: ignore[misc]
    with pytest.raises(TypeError):
        load_programme("x.toml", registry)  # type: ignore[misc]
    problem = loads_assignment_problem(PROBLEM, format="toml", file="p.toml")
    assert isinstance(problem, AssignmentProblem) and problem.participants[0].id == "k1"
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"rules": {"topics": [{"id": "a"}]}}), encoding="utf-8")
    assert load_assignment_problem(path, registry=registry).rules.topic_ids == ("a",)
    people = loads_participants('[[participants]]\nid = "k1"\n', format="toml")
    assert people == (Participant("k1"),)


def test_programme_loader_checks_the_framework_against_a_registry(registry: Any) -> None:
    """With a registry, a programme naming an uninstalled framework is a validation problem at
    ``framework``; without one, the file alone is checked."""
    shipped = registry.programmes["qdfh-2019"]
    text = io.dumps(attrs.evolve(shipped, framework="no-such-framework"), format="json")
    assert loads_programme(text, format="json").framework == "no-such-framework"
    with pytest.raises(ValidationError) as info:
        loads_programme(text, format="json", registry=registry, file="x.json")
    assert [p.path for p in info.value.problems] == ["framework"]
    assert "no-such-framework" in str(info.value) and info.value.file == "x.json"
    assert loads_programme(io.dumps(shipped), registry=registry) == shipped


def test_roster_loader_checks_the_programme_against_a_registry(tmp_path: Path, registry: Any) -> None:
    """With a registry, a roster for an unknown programme names the known programmes."""
    text = 'programme = "qdfh-2091"\nparticipant = "kiel"\n'
    assert loads_roster(text).programme == "qdfh-2091"
    with pytest.raises(ValidationError, match="did you mean 'qdfh-2019'"):
        loads_roster(text, registry=registry)
    path = tmp_path / "r.toml"
    path.write_text(text.replace("2091", "2019"), encoding="utf-8")
    assert load_roster(path, registry=registry).participant == "kiel"


def test_programme_round_trips_through_its_loaders(tmp_path: Path, registry: Any) -> None:
    programme = registry.programmes["nds-79a-modellprojekt-2016"]
    path = tmp_path / "p.toml"
    path.write_text(io.dumps(programme), encoding="utf-8")
    assert load_programme(path, registry=registry) == programme
    assert isinstance(programme, Programme)


# --------------------------------------------------------------------------- check_assignment and its alias


def test_check_is_a_deprecated_alias_of_check_assignment() -> None:
    """check() still works for one release, gives the same violations and warns DeprecationWarning."""
    problem = loads_assignment_problem(
        PROBLEM + '\n[assignment]\nplacements = [{ participant = "k1", required = ["a", "b"] }]\n'
    )
    assert problem.assignment is not None
    expected = check_assignment(problem.assignment, problem.participants, problem.rules)
    assert expected == [Violation.of("topics-per-participant", "check.count.exact", participant="k1", count=2, want=1)]
    assert expected[0].message == "2 topics instead of 1"
    with pytest.warns(DeprecationWarning, match="use qframework.check_assignment"):
        got = qframework.check(problem.assignment, problem.participants, problem.rules)
    assert got == expected


def test_our_own_code_never_calls_the_deprecated_alias(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The commands that check assignments run without any DeprecationWarning."""
    path = tmp_path / "p.toml"
    path.write_text(PROBLEM + '\n[assignment]\nplacements = [{ participant = "k1", required = ["b"] }]\n', "utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        assert main(["check", str(path)]) == 0
        assert main(["programme", "check", "nds-79a-modellprojekt-2016"]) == 0
    capsys.readouterr()


# --------------------------------------------------------------------------- --json through the converter


def test_json_output_reads_back_through_the_converter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], registry: Any
) -> None:
    """`assign --json`, `check --json`, `programme show|plan|check --json` print what io.loads reads back."""
    path = tmp_path / "p.toml"
    path.write_text(PROBLEM + '\n[assignment]\nplacements = [{ participant = "k1", required = ["a", "b"] }]\n', "utf-8")
    problem = load_assignment_problem(path)
    assert main(["assign", str(path), "--json"]) == 0
    assert io.loads(Assignment, capsys.readouterr().out, format="json") == assign(problem.participants, problem.rules)
    assert main(["check", str(path), "--json"]) == 1
    violations = json.loads(capsys.readouterr().out)
    assert violations == [
        {
            "rule": "topics-per-participant",
            "message": "2 topics instead of 1",
            "participant": "k1",
            "code": "check.count.exact",
            "params": {"participant": "k1", "count": 2, "want": 1},
        }
    ]
    assert main(["programme", "show", "qdfh-2019", "--json"]) == 0
    assert io.loads(Programme, capsys.readouterr().out, format="json") == registry.programmes["qdfh-2019"]
    assert main(["programme", "plan", "nds-79a-modellprojekt-2016", "--json"]) == 0
    planned = io.loads(Assignment, capsys.readouterr().out, format="json")
    assert planned == registry.programmes["nds-79a-modellprojekt-2016"].plan()
    broken = tmp_path / "a.toml"
    broken.write_text('placements = [{ participant = "bremen", required = ["netzwerk"] }]\n', "utf-8")
    assert main(["programme", "check", "qdfh-2019", "--assignment", str(broken), "--json"]) == 1
    printed = [io.structure(v, Violation) for v in json.loads(capsys.readouterr().out)]
    expected = registry.programmes["qdfh-2019"].check(io.load(Assignment, broken))
    assert printed == expected and expected
