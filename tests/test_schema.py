"""The JSON Schemas agree with the loader: shipped files, doc examples and real results validate;
what the loader refuses for structural reasons (wrong type, unknown key, missing key) the schema refuses too."""

from __future__ import annotations

import copy
import enum
import importlib
import json
import re
import tomllib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal

import attrs
import jsonschema
import pytest
from assessment_fixtures import assessment, na, rate, registry_with, small_framework

from qframework import io
from qframework.assessment import compare, disagreements, loads_assessments, priorities, score, version_changes
from qframework.assignment import AssignmentProblem, Participant, assign, check_assignment
from qframework.cli import load_feature_modules, main
from qframework.cli._registries import DOCUMENT_KINDS
from qframework.crosswalk import CrosswalkSummary
from qframework.errors import NotFound, ValidationError
from qframework.frozen import FrozenMap
from qframework.hookspecs import hookimpl
from qframework.model import Framework, FrameworkSummary
from qframework.plugins import PluginInfo, PluginReport, load_registry, make_plugin_manager
from qframework.programme import ProgrammeSummary, Roster, check_roster
from qframework.schema import SCHEMA_KINDS, kind_schema, schema_for
from qframework.validation import deferred

ROOT = Path(__file__).resolve().parents[1]
DATA_FILES = sorted(ROOT.glob("plugins/*/src/*/data/*.toml")) + sorted(
    p
    for folder in ("examples", "docs")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".toml", ".json") and p.name != "pyproject.toml"  # the example plugin's packaging
)
# Files the CLI reads through an option that names their kind instead of detecting it.
KIND_BY_OPTION = {
    "docs/examples/interest.toml": "participants",  # programme plan --participants
    "docs/examples/my-clusters.toml": "assignment",  # programme check --assignment
}
DOC_KINDS = [k for k, (role, _) in SCHEMA_KINDS.items() if role == "document"]
RESULT_KINDS = [k for k, (role, _) in SCHEMA_KINDS.items() if role == "result"]


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        kind_schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def errors(kind: str, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(kind).iter_errors(data)]


def as_json(data: Any) -> Any:
    """What a JSON file would carry: dates as YYYY-MM-DD text, tuples as lists."""
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, date) else str(v)))


load_feature_modules()  # the document kinds register themselves with their command modules


def kind_of(data: dict[str, Any]) -> tuple[str, type[Any]]:
    """The document kind ``qframework validate`` would read this as."""
    found = [(name, cls()) for name, (detect, cls) in DOCUMENT_KINDS.items() if detect(data)]
    assert len(found) == 1, f"cannot tell the kind: {[n for n, _ in found]}"
    return found[0]


def structural_problems(data: Any, cls: type[Any]) -> list[str]:
    """The type and key problems the loader's field-by-field walk finds (semantic checks deferred)."""
    problems: list[Any] = []
    with deferred():
        io._Lenient(problems).value(data, cls, "")
    return [f"{p.path}: {p.message}" for p in problems]


# -- the schemas themselves -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SCHEMA_KINDS))
def test_every_schema_is_a_valid_draft_2020_12_schema_that_refuses_unknown_keys(kind: str) -> None:
    schema = kind_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "validate" in schema["description"]  # says that the semantic rules are the loader's
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object":
            assert definition["additionalProperties"] is False, name


def test_private_fields_are_not_in_the_schema_and_defaults_are_optional() -> None:
    framework = kind_schema("framework")["$defs"]["Framework"]
    assert "_index" not in framework["properties"] and "index" not in framework["properties"]
    assert framework["required"] == ["id", "version", "title", "scale", "scales", "dimensions"]
    assert framework["properties"]["translations"]["default"] == {}


def test_the_schema_is_a_fresh_copy_each_time() -> None:
    kind_schema("roster")["title"] = "changed"
    assert kind_schema("roster")["title"] == "Roster"


# -- shipped files and doc examples -----------------------------------------------------------------


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_data_file_validates_as_written_and_as_loaded(path: Path) -> None:
    raw = tomllib.loads(path.read_text("utf-8")) if path.suffix == ".toml" else json.loads(path.read_text("utf-8"))
    kind = KIND_BY_OPTION.get(path.relative_to(ROOT).as_posix())
    if kind:
        module, _, name = SCHEMA_KINDS[kind][1].partition(":")
        cls = getattr(importlib.import_module(module), name)
    else:
        kind, cls = kind_of(raw)
    assert errors(kind, as_json(raw)) == []
    if kind != "assessments":
        assert errors(kind, as_json(io.unstructure(io.load(cls, path)))) == []


def test_the_shipped_data_covers_frameworks_and_programmes() -> None:
    kinds = {
        kind_of(tomllib.loads(p.read_text("utf-8")))[0]
        for p in DATA_FILES
        if p.suffix == ".toml" and p.relative_to(ROOT).as_posix() not in KIND_BY_OPTION
    }
    assert {"framework", "programme"} <= kinds


def doc_blocks() -> Iterator[tuple[str, str, str]]:
    for md in sorted((ROOT / "docs").glob("*.md")):
        for n, (lang, text) in enumerate(re.findall(r"^```(toml|json)\n(.*?)^```", md.read_text("utf-8"), re.M | re.S)):
            yield f"{md.name}[{n}]", lang, text


DOC_DOCUMENTS = []
for _name, _lang, _text in doc_blocks():
    _data = tomllib.loads(_text) if _lang == "toml" else json.loads(_text)
    if any(detect(_data) for detect, _cls in DOCUMENT_KINDS.values()):
        DOC_DOCUMENTS.append(pytest.param(_data, id=_name))


@pytest.mark.parametrize("data", DOC_DOCUMENTS)
def test_the_schema_agrees_with_the_loader_on_every_example_in_the_docs(data: dict[str, Any]) -> None:
    kind, cls = kind_of(data)
    if kind == "assessments":
        loads_assessments(json.dumps(data), check=False)  # the loader reads it
        assert errors(kind, data) == []
    else:
        assert (errors(kind, as_json(data)) == []) == (structural_problems(data, cls) == [])


def test_the_docs_hold_examples_of_several_kinds() -> None:
    assert {kind_of(p.values[0])[0] for p in DOC_DOCUMENTS} >= {"framework", "assessment", "assessments", "roster"}


# -- results ----------------------------------------------------------------------------------------


def _scorecards() -> tuple[Any, Any]:
    old, new = small_framework("1.0"), small_framework("2.0", extra_indicator=True)
    registry = registry_with(old, new)
    before = score(assessment(rate("i1", 2, "a"), rate("i1", 6, "b"), na("i2", "c")), registry=registry)
    after = score(
        assessment(rate("i1", 5, "a"), rate("i3", 4, "b"), rate("i4", 1, "c", tier="mindest"), version="2.0"),
        registry=registry,
    )
    return before, after


def _assignment() -> tuple[Any, Any]:
    rules = load_registry().programmes["qdfh-2019"].rules  # clusters with a mandatory dimension
    wishes = ("netzwerk", "politisch-strukturelle-verankerung", "grundidee")
    people = [Participant(f"k{i}", location=(50.0 + i / 10, 8.0), preferences=wishes) for i in range(8)]
    return assign(people, rules), (people, rules)


class _Raising:
    @hookimpl
    def qframework_frameworks(self, register: Callable[[Framework], None]) -> None:
        raise RuntimeError("the data file is missing")


def _plugin_failure() -> Any:
    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(_Raising(), PluginInfo("broken", "0.1", "tests.broken"))
    return load_registry(pm).failures[0]


def _violations() -> list[Any]:
    result, (people, rules) = _assignment()
    broken = attrs_evolve_first_placement(result)
    programme = next(iter(load_registry().programmes.values()))
    roster = Roster(programme.id, "nobody")
    return check_assignment(broken, people, rules) + check_roster(roster, programme)


def attrs_evolve_first_placement(result: Any) -> Any:
    """The assignment with its first participant's topics taken away: a rule is broken."""
    first = attrs.evolve(result.placements[0], required=(), optional=(), ranks=())
    return attrs.evolve(result, placements=(first, *result.placements[1:]), groups=())


def _translation_reports() -> list[Any]:
    from qframework.crosswalk import translate
    from qframework.template import sample_assessment

    registry = load_registry()
    crosswalk = registry.crosswalks["nzfh-nds"]
    framework = registry.framework(crosswalk.source.framework, crosswalk.source.version)
    return [translate(sample_assessment(framework, seed=3), crosswalk, registry=registry).report]


RESULT_SAMPLES: dict[str, Callable[[], list[Any]]] = {
    "scorecard": lambda: list(_scorecards()),
    "indicator-score": lambda: [*_scorecards()[0].indicators, *disagreements(_scorecards()[0], 0.0)],
    "dimension-score": lambda: [*_scorecards()[1].dimensions, *priorities(_scorecards()[1], 2)],
    "comparison": lambda: [compare(*_scorecards())],
    "dimension-change": lambda: list(compare(*_scorecards()).dimensions),
    "version-changes": lambda: [version_changes(small_framework("1.0"), small_framework("2.0", extra_indicator=True))],
    "assignment": lambda: [_assignment()[0]],
    "violation": _violations,
    "explanation": lambda: [_assignment()[0].explain(p) for p in _assignment()[0].participant_ids],
    "plugin-failure": lambda: [_plugin_failure()],
    "plugin-info": lambda: list(load_registry().plugins.values()),
    "plugin-summary": lambda: list(PluginReport.of(load_registry()).plugins),
    "plugin-report": lambda: [PluginReport.of(load_registry()), PluginReport(failures=(_plugin_failure(),))],
    "framework-summary": lambda: [FrameworkSummary.of(fw, "p") for fw in load_registry().frameworks.values()],
    "programme-summary": lambda: [ProgrammeSummary.of(p, "p") for p in load_registry().programmes.values()],
    "translation-report": _translation_reports,
    "crosswalk-summary": lambda: [
        CrosswalkSummary.of(c, load_registry().crosswalks.providers[c.id].name)
        for c in load_registry().crosswalks.values()
    ],
}


def test_every_result_kind_has_a_sample() -> None:
    assert sorted(RESULT_SAMPLES) == sorted(RESULT_KINDS)


@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_a_sample_of_every_result_kind_validates(kind: str) -> None:
    samples = RESULT_SAMPLES[kind]()
    assert samples, "the sample producer made nothing"
    for sample in samples:
        assert errors(kind, as_json(io.unstructure(sample))) == []


def test_the_scorecard_sample_exercises_optional_parts() -> None:
    """Unscored dimensions (null), version changes and tier counts all occur in the samples."""
    before, after = _scorecards()
    assert before.changes is not None and any(i.tiers for i in after.indicators)
    assert any(d.score is None for d in before.dimensions)


# -- broken documents -------------------------------------------------------------------------------

FRAMEWORK_DOC = next(p.values[0] for p in DOC_DOCUMENTS if "dimensions" in p.values[0])
ROSTER_DOC = {"programme": "qdfh-2019", "participant": "bremen", "delegates": [{"id": "hb-01", "role": "netzwerk"}]}
ASSESSMENT_DOC = {
    "framework_id": "mini",
    "framework_version": "1.0",
    "period": "2024",
    "subject": {"id": "k"},
    "ratings": [{"indicator": "i1", "value": 3}, {"indicator": "i2", "not_applicable": True}],
}
BULK_DOC = {
    "framework_id": "mini",
    "framework_version": "1.0",
    "assessments": [{"subject": {"id": "k"}, "period": "2024", "ratings": {"indicator": ["i1"], "value": [3]}}],
}

BROKEN: list[Any] = [
    pytest.param("framework", FRAMEWORK_DOC, ["dimensions", 0, "number"], "3", id="framework-number-as-text"),
    pytest.param("framework", FRAMEWORK_DOC, ["scales", 0, "levels", 0, "value"], True, id="framework-bool-level"),
    pytest.param("framework", FRAMEWORK_DOC, ["dimensions", 0, "indicators", 0, "weight"], "1", id="weight-as-text"),
    pytest.param("framework", FRAMEWORK_DOC, ["dimensions", 0, "colour"], "red", id="framework-unknown-key"),
    pytest.param("framework", FRAMEWORK_DOC, ["scales", 0, "title"], None, id="framework-missing-title"),
    pytest.param("framework", FRAMEWORK_DOC, ["provenance", "kind"], "guessed", id="framework-bad-literal"),
    pytest.param("roster", ROSTER_DOC, ["delegates", 0, "role"], 3, id="roster-role-as-number"),
    pytest.param("roster", ROSTER_DOC, ["participant"], None, id="roster-missing-participant"),
    pytest.param("assessment", ASSESSMENT_DOC, ["ratings", 0, "value"], "3", id="assessment-value-as-text"),
    pytest.param("assessment", ASSESSMENT_DOC, ["subject", "kommune"], "x", id="assessment-unknown-key"),
    pytest.param("assessment", ASSESSMENT_DOC, ["period"], 2024, id="assessment-period-as-number"),
]


def _changed(doc: Any, path: list[Any], value: Any) -> Any:
    out = copy.deepcopy(doc)
    target = out
    for step in path[:-1]:
        target = target[step]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


@pytest.mark.parametrize(("kind", "doc", "path", "value"), BROKEN)
def test_a_broken_document_is_refused_by_the_loader_and_the_schema(
    kind: str, doc: Any, path: list[Any], value: Any
) -> None:
    assert errors(kind, doc) == []  # the unbroken document is fine
    broken = _changed(doc, path, value)
    cls = DOCUMENT_KINDS[kind][1]()
    with pytest.raises(ValidationError):
        io.structure(broken, cls)
    assert errors(kind, broken) != []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["assessments", 0, "ratings", "score"], [1]),  # unknown column
        (["assessments", 0, "ratings", "value"], ["drei"]),  # neither a level nor "n/a"
        (["assessments", 0, "ratings", "indicator"], None),  # missing column
        (["assessments", 0, "period"], None),  # missing key
        (["framework_id"], None),  # then no entry names its framework
    ],
)
def test_a_broken_bulk_file_is_refused_by_the_loader_and_the_schema(path: list[Any], value: Any) -> None:
    assert errors("assessments", BULK_DOC) == []
    broken = _changed(BULK_DOC, path, value)
    with pytest.raises(ValidationError):
        loads_assessments(json.dumps(broken), check=False)
    assert errors("assessments", broken) != []


def test_a_date_must_be_a_real_date_written_yyyy_mm_dd() -> None:
    for bad in ("2024-13-01", "1.3.2024", "2024-03-01T10:00:00"):
        assert errors("programme", _programme_with_start(bad)) != [], bad
    assert errors("programme", _programme_with_start("2024-03-01")) == []


def _programme_with_start(start: str) -> dict[str, Any]:
    return {"id": "p", "title": "P", "framework": "f", "rules": {"topics": [{"id": "a"}]}, "start": start}


def _mutations(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Every one-step structural change of a document: a leaf of another type, an extra key, a key less."""
    swaps: dict[type, Any] = {str: 7, int: "7", float: True, bool: 1, list: {}, dict: []}
    if type(data) in swaps:
        yield f"{path} -> {swaps[type(data)]!r}", swaps[type(data)]
    if isinstance(data, dict):
        yield f"{path} + unknown key", {**data, "unknown_key": "x"}
        for key, value in data.items():
            yield f"{path} - {key}", {k: v for k, v in data.items() if k != key}
            for name, changed in _mutations(value, (*path, key)):
                yield name, {**data, key: changed}
    elif isinstance(data, list):
        for i, value in enumerate(data):
            for name, changed in _mutations(value, (*path, i)):
                yield name, [*data[:i], changed, *data[i + 1 :]]


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(FRAMEWORK_DOC, id="framework"),
        pytest.param(ASSESSMENT_DOC, id="assessment"),
        pytest.param(ROSTER_DOC, id="roster"),
        *(  # the complete assignment-problem examples (one is a fragment: "[rules] # … as above")
            pytest.param(p.values[0], id=p.id)
            for p in DOC_DOCUMENTS
            if "rules" in p.values[0] and not structural_problems(p.values[0], AssignmentProblem)
        ),
    ],
)
def test_the_schema_refuses_exactly_the_structural_changes_the_loader_refuses(doc: dict[str, Any]) -> None:
    """For every one-step change of a valid document (a leaf of another type, an unknown key, a key
    removed), the schema accepts it exactly when the loader's structural walk finds no problem."""
    kind, cls = kind_of(doc)
    assert structural_problems(doc, cls) == [] and errors(kind, doc) == []
    disagreements_found = []
    for name, changed in _mutations(doc):
        by_schema = errors(kind, changed) == []
        by_loader = structural_problems(changed, cls) == []
        if by_schema != by_loader:
            disagreements_found.append(f"{name}: schema {'accepts' if by_schema else 'refuses'}")
    assert disagreements_found == []


# -- the command ------------------------------------------------------------------------------------


def test_schema_command_prints_the_schema_and_writes_it_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "roster"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["title"] == "Roster" and printed["$defs"]["Roster"]["required"] == ["programme", "participant"]
    out = tmp_path / "scorecard.schema.json"
    assert main(["schema", "scorecard", "--output", str(out)]) == 0
    assert json.loads(out.read_text("utf-8"))["title"] == "Scorecard"
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("argv", [["schema"], ["schema", "--list"]])
def test_schema_command_lists_the_kinds(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(SCHEMA_KINDS)
    assert {"framework", "assessment", "assessments", "scorecard", "assignment"} <= set(listed)


def test_an_unknown_kind_exits_2_naming_the_known_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "scorecards"]) == 2
    err = capsys.readouterr().err
    assert "'scorecards'" in err and "scorecard" in err and "programme" in err
    with pytest.raises(NotFound, match="did you mean 'scorecard'"):
        kind_schema("scorecards")


def test_schema_for_refuses_a_type_it_cannot_describe() -> None:
    @attrs.frozen
    class Odd:
        when: complex

    with pytest.raises(TypeError, match="SCHEMA_OVERRIDES"):
        schema_for(Odd)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@attrs.frozen
class _Every:
    """Every kind of field the walk knows."""

    name: str
    labels: FrozenMap[str, int]
    tags: dict[str, tuple[str, ...]]
    colour: Colour
    kind: Literal["a", "b"]
    point: tuple[float, float]
    counts: tuple[int, ...] = ()
    day: date | None = None
    _cache: dict[str, int] = attrs.field(init=False, factory=dict, eq=False)


def test_schema_for_describes_mappings_enums_literals_tuples_and_optional_dates() -> None:
    schema = schema_for(_Every)
    jsonschema.Draft202012Validator.check_schema(schema)
    props = schema["$defs"]["Every"]["properties"]
    assert props["labels"] == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert props["tags"]["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    assert props["colour"]["enum"] == ["red", "blue"]
    assert props["kind"] == {"enum": ["a", "b"]}
    assert props["point"]["prefixItems"] == [{"type": "number"}, {"type": "number"}]
    assert props["point"]["minItems"] == props["point"]["maxItems"] == 2
    assert set(props) == {"name", "labels", "tags", "colour", "kind", "point", "counts", "day"}
    assert schema["$defs"]["Every"]["required"] == ["name", "labels", "tags", "colour", "kind", "point"]
    check = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    good = {"name": "x", "labels": {"a": 1}, "tags": {}, "colour": "red", "kind": "a", "point": [1, 2.5]}
    assert list(check.iter_errors(good)) == []
    assert list(check.iter_errors({**good, "day": "2024-02-29", "counts": [1, 2]})) == []
    for bad in (
        {**good, "labels": {"a": "1"}},
        {**good, "colour": "green"},
        {**good, "point": [1, 2, 3]},
        {**good, "point": [1, True]},
        {**good, "counts": [1.5]},
        {**good, "day": "2023-02-29"},
        {**good, "cache": {}},
    ):
        assert list(check.iter_errors(bad)) != [], bad
