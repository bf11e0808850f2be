"""The refusal rule at the public boundary, probed as a tool builder meets it.

A wrong Python type (or ``None``) is a ``TypeError`` naming the argument and the type expected, raised
before any work; an unknown option name is :class:`qframework.UnknownOption` in ``io``, ``report`` and
``excel`` alike; never an ``AttributeError`` from deep inside. Every attrs class reachable from
``qframework.__all__`` takes lists where it declares tuples and stays hashable.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

import qframework
from qframework import io

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "landkreis-beispiel-2024.toml"

# Public functions a wrong-typed argument cannot reach a mistake in: a decorator (pluggy's marker), the
# factories without required arguments, and ``validate``, which takes any value and reports its problems.
NOT_PROBED = {"hookimpl", "load_registry", "make_plugin_manager", "validate"}


@pytest.fixture(scope="module")
def registry() -> qframework.Registry:
    return qframework.load_registry()


@pytest.fixture(scope="module")
def assessment(registry: qframework.Registry) -> qframework.Assessment:
    return qframework.load_assessment(EXAMPLE, registry=registry)


@pytest.fixture(scope="module")
def card(assessment: qframework.Assessment, registry: qframework.Registry) -> qframework.Scorecard:
    return qframework.score(assessment, registry=registry)


def _functions() -> list[str]:
    return sorted(
        name
        for name in qframework.__all__
        if isinstance(getattr(qframework, name), types.FunctionType) and name not in NOT_PROBED
    )


def _probes() -> list[Any]:
    """(function, wrong value): None and an int everywhere; a str where no required argument takes text."""
    takes_text = ("load", "kind_schema", "slugify")  # a path, a document's text, a kind or a name is a str
    return [
        pytest.param(name, bad, id=f"{name}-{type(bad).__name__}")
        for name in _functions()
        for bad in (None, 42, "x")
        if not (isinstance(bad, str) and name.startswith(takes_text))
    ]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(("name", "bad"), _probes())
def test_every_public_function_refuses_wrong_types_by_argument_name(name: str, bad: object) -> None:
    """Every required argument set to a wrong value: a TypeError or QFrameworkError naming an argument."""
    function = getattr(qframework, name)
    signature = inspect.signature(function)
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for p in signature.parameters.values():
        if p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.kind is p.KEYWORD_ONLY:
            kwargs[p.name] = bad
        else:
            args.append(bad)
    with pytest.raises((TypeError, qframework.QFrameworkError)) as info:
        function(*args, **kwargs)
    assert not isinstance(info.value, AttributeError)
    message = str(info.value)
    assert any(p in message for p in signature.parameters), f"{name}: {message}"


def _refused(call: Callable[[], object], argument: str, expected: str) -> None:
    with pytest.raises(TypeError) as info:
        call()
    message = str(info.value)
    assert f"{argument} must be" in message and expected in message, message


def test_the_cases_a_tool_builder_met(
    assessment: qframework.Assessment, card: qframework.Scorecard, registry: qframework.Registry
) -> None:
    """The calls from the issue that reached the internals, each refused by argument name."""
    a: Any = assessment
    c: Any = card
    r: Any = registry
    _refused(lambda: qframework.score(a, "nzfh-qualitaetsrahmen"), "framework", "a Framework (or None with registry=")
    _refused(lambda: qframework.score(a, None), "framework", "a Framework (or None with registry=")
    _refused(lambda: qframework.score(a), "framework", "a Framework (or None with registry=")
    _refused(lambda: qframework.score(a, registry="x"), "registry", "a Registry or None")
    _refused(lambda: qframework.score(a, registry=r, aggregation=1), "aggregation", "str or Aggregation")
    _refused(lambda: qframework.load_assessment(EXAMPLE, registry="x"), "registry", "Registry")
    _refused(lambda: qframework.priorities(c, "3"), "n", "int")
    _refused(lambda: qframework.priorities(c, 3.5), "n", "int")
    _refused(lambda: qframework.priorities(c, True), "n", "int")
    _refused(lambda: qframework.disagreements(c, "0.4"), "threshold", "number")
    _refused(lambda: r.framework("nzfh-qualitaetsrahmen", 2.0), "version", "str")
    _refused(lambda: qframework.translate(a, 7, registry=r), "crosswalk", "Crosswalk or a crosswalk id")
    _refused(lambda: qframework.translate(a, "nzfh-nds", registry=None), "registry", "Registry")
    _refused(lambda: qframework.score_all(a, registry=r), "assessments", "iterable of Assessment")
    _refused(lambda: qframework.combine_assessments([a, "b.toml"]), "assessments[1]", "Assessment")
    with pytest.raises(TypeError, match=r"Participant\.preferences must be a tuple or list, got str"):
        qframework.Participant("kiel", preferences=typing.cast(Any, "planung"))


def test_a_crosswalk_id_is_looked_up_in_the_registry(
    assessment: qframework.Assessment, registry: qframework.Registry
) -> None:
    by_id = qframework.translate(assessment, "nzfh-nds", registry=registry)
    by_value = qframework.translate(assessment, registry.crosswalks["nzfh-nds"], registry=registry)
    assert by_id == by_value
    with pytest.raises(qframework.NotFound, match="nzfh-nds"):
        qframework.translate(assessment, "nzfh-ndss", registry=registry)


def test_unknown_format_names_are_one_exception_type(card: qframework.Scorecard, registry: qframework.Registry) -> None:
    """``render_report(format="pdf")``, ``io.dumps(format="yaml")``, the template: UnknownOption, naming the known."""
    framework = registry.framework(card.framework, card.framework_version)
    fmt: Any = "pdf"
    calls: list[tuple[Callable[[], object], str]] = [
        (lambda: qframework.render_report(card, framework=framework, format=fmt), "html, markdown"),
        (lambda: io.dumps(framework, format=fmt), "toml, json"),
        (lambda: io.loads(qframework.Framework, "", format=fmt), "toml, json"),
        (lambda: qframework.dumps_assessment(qframework.load_assessment(EXAMPLE), format=fmt), "toml, json"),
        (lambda: qframework.assessment_template(framework, format=fmt), "toml, json"),
    ]
    for call, known in calls:
        with pytest.raises(qframework.UnknownOption) as info:
            call()
        assert info.value.option == "format" and info.value.value == "pdf"
        assert f"unknown format 'pdf' (known: {known})" in str(info.value)
        assert isinstance(info.value, ValueError)  # what callers caught before
    with pytest.raises(TypeError, match="format must be a str"):
        io.dumps(framework, format=typing.cast(Any, None))
    with pytest.raises(qframework.UnknownOption, match=r"render_report: unknown lang 'fr' \(known: en, de\)"):
        qframework.render_report(card, framework=framework, lang="fr")


def test_a_folder_is_not_an_assessment_file(tmp_path: Path) -> None:
    with pytest.raises(qframework.ValidationError, match="this is a folder; load_assessment reads one file"):
        qframework.load_assessment(tmp_path)


# --- tuples ------------------------------------------------------------------------------------


def _hints(cls: type) -> dict[str, Any]:
    names = {n: getattr(qframework, n) for n in qframework.__all__ if n != "__version__"}
    return typing.get_type_hints(cls, localns=names)


def _attrs_classes() -> list[type]:
    """Every attrs class reachable from ``__all__`` through field types."""
    found: dict[str, type] = {}
    todo = [getattr(qframework, n) for n in qframework.__all__]
    while todo:
        value = todo.pop()
        if not (isinstance(value, type) and attrs.has(value)) or value.__qualname__ in found:
            continue
        found[value.__qualname__] = value
        hints = _hints(value)
        for tp in hints.values():
            stack = [tp]
            while stack:
                t = stack.pop()
                stack.extend(typing.get_args(t))
                if isinstance(t, type) and attrs.has(t):
                    todo.append(t)
    return [found[k] for k in sorted(found)]


def _tuple_fields(cls: type) -> list[str]:
    hints = _hints(cls)
    out = []
    for f in attrs.fields(cls):
        tp = hints[f.name]
        options = typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else (tp,)
        if f.init and any(typing.get_origin(o) is tuple for o in options):
            out.append(f.name)
    return out


# Classes whose tuple fields are being rewritten elsewhere (the results as code + parameter facts):
# they convert once that work lands; until then a list there is stored as given.
LATER = {"Assignment", "Explanation", "Group", "Placement", "PluginReport", "Registry"}


def test_the_walk_finds_the_public_result_and_model_classes() -> None:
    names = {cls.__name__ for cls in _attrs_classes()}
    assert {"Assessment", "Rating", "Scorecard", "IndicatorScore", "Participant", "Framework", "Crosswalk"} <= names


def _example_objects(registry: qframework.Registry, assessment: qframework.Assessment) -> list[object]:
    """A real instance of as many attrs classes as the shipped data and one run of each step gives."""
    card = qframework.score(assessment, registry=registry)
    translation = qframework.translate(assessment, "nzfh-nds", registry=registry)
    programme = next(iter(registry.programmes.values()))
    objects: list[object] = [assessment, card, translation, translation.report, programme]
    objects.append(qframework.compare(card, card))
    objects.extend(registry.frameworks.values())
    objects.extend(registry.crosswalks.values())
    return objects


def _instances(root: object) -> dict[type, object]:
    out: dict[type, object] = {}
    stack = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, (tuple, list)):
            stack.extend(value)
        elif attrs.has(type(value)) and type(value) not in out:
            out[type(value)] = value
            stack.extend(getattr(value, f.name) for f in attrs.fields(type(value)) if f.init)
    return out


def test_lists_where_tuples_are_declared_become_tuples_and_hash(
    registry: qframework.Registry, assessment: qframework.Assessment
) -> None:
    """Rebuild every reachable instance with each tuple field given as a list: equal, tuple-typed, hashable."""
    seen: dict[type, object] = {}
    for obj in _example_objects(registry, assessment):
        for cls, value in _instances(obj).items():
            seen.setdefault(cls, value)
    checked = []
    for cls, value in seen.items():
        fields = _tuple_fields(cls)
        if not fields or cls.__name__ in LATER:
            continue
        given = {f.alias: getattr(value, f.name) for f in attrs.fields(cls) if f.init}
        for name in fields:
            alias = attrs.fields_dict(cls)[name].alias
            if given[alias] is not None:
                given[alias] = list(given[alias])
        rebuilt = cls(**given)
        assert rebuilt == value, cls
        for name in fields:
            assert getattr(rebuilt, name) is None or type(getattr(rebuilt, name)) is tuple, (cls, name)
        hash(rebuilt)
        checked.append(cls.__name__)
    assert {"Assessment", "Scorecard", "IndicatorScore", "Framework", "Dimension", "Crosswalk", "Programme"} <= set(
        checked
    )


@pytest.mark.parametrize("cls", [c for c in _attrs_classes() if _tuple_fields(c) and c.__name__ not in LATER],
                         ids=lambda c: c.__name__)  # fmt: skip
def test_every_tuple_field_refuses_a_str(cls: type) -> None:
    """Every tuple field converts a list; a str is a sequence too, but never what one means (``preferences="x"``)."""
    for name in _tuple_fields(cls):
        field = attrs.fields_dict(cls)[name]
        converter: Any = field.converter
        assert converter is not None, f"{cls.__name__}.{name} stores a list as given"
        if not isinstance(converter, attrs.Converter):  # the class's own converter (any iterable, e.g. a generator)
            assert converter(["a"]) == ("a",)
            continue
        instance = object.__new__(cls)
        assert converter.converter(["a"], instance, field) == ("a",)
        with pytest.raises(TypeError, match=rf"{cls.__name__}\.{name.lstrip('_')} must be a tuple or list, got str"):
            converter.converter("abc", instance, field)


def test_participant_location_list_is_a_tuple_and_hashable() -> None:
    p = qframework.Participant("kiel", location=typing.cast(Any, [54.3, 10.1]), preferences=typing.cast(Any, ["a"]))
    assert p.location == (54.3, 10.1) and p.preferences == ("a",)
    assert hash(p) == hash(qframework.Participant("kiel", location=(54.3, 10.1), preferences=("a",)))
