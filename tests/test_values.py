"""Model values are values: frozen, hashable, read-only all the way down, one lookup grammar.

A tool may key a cache by a framework or share one between threads; that is only safe if nothing
inside it can change. The walk over the public API picks up every attrs class, including those
other modules add later.
"""

from __future__ import annotations

import types
import typing
import warnings
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from test_io import VALID

import qframework
from qframework import (
    Dimension,
    Framework,
    FrozenMap,
    Indicator,
    NotFound,
    Provenance,
    Text,
    ValidationError,
    dumps_framework,
    load_framework,
    load_registry,
    loads_framework,
)
from qframework.io import structure

AUTHORED = Provenance("authored", note="test")


# -- the walk over the public API ---------------------------------------------------------------


def _types_in(tp: Any) -> Iterator[Any]:
    """``tp`` and every type argument inside it (``tuple[Dimension, ...]`` → tuple, Dimension)."""
    yield tp
    for arg in typing.get_args(tp):
        yield from _types_in(arg)


def _public_attrs_classes() -> list[type[Any]]:
    """Every attrs class in ``qframework.__all__`` and every attrs class their fields hold."""
    found: dict[str, type[Any]] = {}
    public = {name: getattr(qframework, name) for name in qframework.__all__}
    todo = list(public.values())
    while todo:
        obj = todo.pop()
        if not (isinstance(obj, type) and attrs.has(obj)) or f"{obj.__module__}.{obj.__qualname__}" in found:
            continue
        found[f"{obj.__module__}.{obj.__qualname__}"] = obj
        attrs.resolve_types(obj, localns=public)  # names imported only for type checkers
        for field in attrs.fields(obj):
            todo.extend(_types_in(field.type))
    return [found[key] for key in sorted(found)]


PUBLIC_CLASSES = _public_attrs_classes()

# Classes other parts of issue 8 are converting; strict, so that the entry must go once they pass.
PENDING: dict[str, str] = {}


def _param(cls: type[Any]) -> Any:
    name = f"{cls.__module__}.{cls.__qualname__}"
    marks = [pytest.mark.xfail(reason=PENDING[name], strict=True)] if name in PENDING else []
    return pytest.param(cls, id=cls.__qualname__, marks=marks)


def test_the_walk_finds_the_model_classes() -> None:
    names = {cls.__qualname__ for cls in PUBLIC_CLASSES}
    assert {"Framework", "Dimension", "Indicator", "Scale", "Level", "Facet", "Text", "Registry"} <= names


_MUTABLE = (dict, list, set, typing.Dict, typing.List, typing.Set)  # noqa: UP006


@pytest.mark.parametrize("cls", [_param(cls) for cls in PUBLIC_CLASSES])
def test_every_public_attrs_class_is_frozen_hashable_and_holds_no_mutable_container(cls: type[Any]) -> None:
    """Rule: assignment to a field raises, ``__hash__`` exists, and no init field is typed dict/list/set."""
    assert cls.__setattr__ is not object.__setattr__, f"{cls.__qualname__} is not frozen"
    assert cls.__hash__ is not None, f"{cls.__qualname__} is not hashable"
    for field in attrs.fields(cls):
        if not field.init:
            continue
        for tp in _types_in(field.type):
            origin = typing.get_origin(tp) or tp
            assert origin not in _MUTABLE, f"{cls.__qualname__}.{field.name} is a mutable {origin.__name__}"


def _instances(obj: object, seen: set[int] | None = None) -> Iterator[object]:
    """``obj`` and every attrs instance nested in it (through tuples and mappings)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _instances(item, seen)
    elif isinstance(obj, typing.Mapping):
        for value in obj.values():
            yield from _instances(value, seen)
    elif attrs.has(type(obj)):
        yield obj
        for field in attrs.fields(type(obj)):
            if field.init:
                yield from _instances(getattr(obj, field.name), seen)


def _shipped_and_small_instances() -> list[object]:
    registry = load_registry()
    roots: list[object] = [
        registry,
        *registry.frameworks.values(),
        *registry.programmes.values(),
        *registry.plugins.values(),
        loads_framework(VALID),
        Dimension("d", 1, "D", (Indicator("i", "I", provenance=AUTHORED),), provenance=AUTHORED),
    ]
    return [obj for root in roots for obj in _instances(root)]


def test_real_instances_are_hashable_and_refuse_assignment() -> None:
    """Rule: every value in the shipped data (and small constructed ones) hashes, and equal values hash alike."""
    instances = _shipped_and_small_instances()
    classes = {type(obj) for obj in instances}
    assert {Framework, Dimension, Indicator, Text} <= classes
    for obj in instances:
        hash(obj)
        first = attrs.fields(type(obj))[0]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(obj, first.name, getattr(obj, first.name))
    for fw in load_registry().frameworks.values():
        assert hash(loads_framework(dumps_framework(fw))) == hash(fw)


def test_mapping_fields_cannot_be_changed_in_place() -> None:
    fw = loads_framework(VALID)
    ind = fw.indicator("steuerungsgruppe")
    with pytest.raises(TypeError):
        fw.translations["xx"] = Text("x")  # type: ignore[index]
    with pytest.raises(TypeError):
        ind.facets["ebene"] = ("operativ",)  # type: ignore[index]
    assert isinstance(ind.facets["ebene"], tuple)
    assert ind.facets == {"ebene": ("strategisch",)}


def test_constructors_accept_plain_dicts_and_lists() -> None:
    dim = Dimension(
        "d", 1, "D", (Indicator("i", "I", facets={"ebene": ["a"]}, provenance=AUTHORED),),  # type: ignore[dict-item]
        translations={"en": Text("Dimension")}, provenance=AUTHORED,
    )  # fmt: skip
    assert isinstance(dim.translations, FrozenMap)
    assert dim.translations["en"].title == "Dimension"
    assert dim.indicators[0].facets["ebene"] == ("a",)
    assert hash(dim) == hash(attrs.evolve(dim))


# -- files keep their form ---------------------------------------------------------------------


def test_file_form_is_unchanged_scale_key_and_translation_tables() -> None:
    text = VALID + '\n[translations.en]\ntitle = "Mini framework"\n'
    fw = loads_framework(text)
    assert fw.default_scale == "vier"
    out = dumps_framework(fw)
    assert 'scale = "vier"' in out and "default_scale" not in out
    assert '[translations.en]\ntitle = "Mini framework"' in out
    assert '"translations": {\n    "en": {' in dumps_framework(fw, format="json")
    assert loads_framework(out) == fw


def test_python_name_of_the_scale_key_is_not_a_file_key() -> None:
    with pytest.raises(ValidationError) as info:
        loads_framework(VALID.replace('scale = "vier"', 'default_scale = "vier"'))
    paths = {p.path: p.message for p in info.value.problems}
    assert paths["scale"] == "missing required key"
    assert paths["default_scale"].startswith("unknown key")


def test_all_problems_keep_their_paths_inside_translations_and_facets() -> None:
    broken = VALID.replace('scale = "vier"', 'scale = "fuenf"') + "\n[translations.en]\ntitle = 2024\n"
    broken = broken.replace('facets = { ebene = ["strategisch"] }', 'facets = { ebene = "strategisch" }')
    with pytest.raises(ValidationError) as info:
        loads_framework(broken)
    problems = {p.path: p.message for p in info.value.problems}
    assert problems["translations.en.title"] == "expected text, got 2024 (whole number)"
    assert problems["dimensions[0].indicators[0].facets.ebene"].startswith("expected a list")
    assert problems["scale"].startswith("unknown scale 'fuenf'")


def test_a_wrong_type_in_code_says_what_was_expected() -> None:
    with pytest.raises(ValidationError) as info:
        Dimension("d", 1, 2024, (Indicator("i", "I", provenance=AUTHORED),), provenance=AUTHORED)  # type: ignore[arg-type]
    assert [str(p) for p in info.value.problems] == ["title: expected text, got a whole number"]
    with pytest.raises(ValidationError, match="description: expected text, got a list"):
        Indicator("i", "I", description=["x"], provenance=AUTHORED)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="title: must not be empty"):
        Text(" ")


# -- one lookup grammar ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lookup", "kind", "near", "known"),
    [
        ("dimension", "dimension", "netzwek", "netzwerk"),
        ("indicator", "indicator", "steuerungsgrupe", "steuerungsgruppe"),
        ("dimension_of", "indicator", "steuerungsgrupe", "steuerungsgruppe"),
        ("scale", "scale", "vir", "vier"),
        ("facet", "facet", "ebne", "ebene"),
        ("source", "source", "brif", "brief"),
    ],
)
def test_every_lookup_raises_not_found_with_a_suggestion(lookup: str, kind: str, near: str, known: str) -> None:
    fw = loads_framework(VALID)
    with pytest.raises(NotFound) as info:
        getattr(fw, lookup)(near)
    assert str(info.value) == f"unknown {kind} '{near}' (did you mean '{known}'? known: {known})"
    assert isinstance(info.value, KeyError)
    assert info.value.known == (known,)


def test_scale_without_id_is_the_default_scale() -> None:
    fw = loads_framework(VALID)
    assert fw.scale().id == fw.default_scale == "vier"
    assert fw.scale("vier") is fw.scales[0]
    assert fw.facet("ebene").id == "ebene"


def test_get_scale_and_get_facet_still_work_but_warn() -> None:
    fw = loads_framework(VALID)
    with pytest.warns(DeprecationWarning, match=r"use Framework\.scale\(\)"):
        assert fw.get_scale() is fw.scale()
    with pytest.warns(DeprecationWarning, match=r"use Framework\.facet\(\)"):
        assert fw.get_facet("ebene") is fw.facet("ebene")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fw.scale()


def test_not_found_works_with_mapping_get() -> None:
    frameworks = load_registry().frameworks
    assert frameworks.get("no-such-framework") is None
    assert "no-such-framework" not in frameworks


# -- loaders -----------------------------------------------------------------------------------


def test_framework_loaders_are_keyword_only_after_the_first_argument(tmp_path: Any) -> None:
    fw = loads_framework(VALID, format="toml")
    with pytest.raises(TypeError):
        loads_framework(VALID, "toml")  # type: ignore[misc]
    with pytest.raises(TypeError):
        dumps_framework(fw, "json")  # type: ignore[misc]
    path = tmp_path / "mini.json"
    path.write_text(dumps_framework(fw, format="json"), encoding="utf-8")
    assert load_framework(path, registry=load_registry()) == fw


def test_structure_builds_frozen_maps_for_mapping_fields() -> None:
    inferred = {"kind": "inferred"}
    indicator = {"id": "i", "title": "I", "provenance": inferred}
    data = {"id": "d", "number": 1, "title": "D", "indicators": [indicator], "provenance": inferred}
    dim_like = structure({**data, "translations": {"en": {"title": "Dimension"}}}, Dimension)
    assert type(dim_like.translations) is FrozenMap
    assert isinstance(dim_like.translations["en"], Text)
    assert isinstance(dim_like.indicators[0].facets, FrozenMap)
    assert not isinstance(dim_like.translations, (dict, types.MappingProxyType))
