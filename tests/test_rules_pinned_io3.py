"""A third set of reading and writing rules of ``qframework.io`` pinned one by one (see
``tests/test_rules_pinned_io.py`` and ``…_io2.py``): rules the mutation run of issue 30 found unpinned.

Each test names the rule it pins in its docstring and goes through the public functions. Like the
other sets, every test builds the converter anew (``fresh_converter``): mutmut forks every mutant from a
process that has already built it (docs/mutation-testing.md).
"""

from __future__ import annotations

import typing
from collections.abc import Iterator

import attrs
import pytest

import qframework.io as qio
from qframework import ValidationError
from qframework.errors import QFrameworkError
from qframework.io import dumps, structure
from qframework.messages import Note


@pytest.fixture(autouse=True)
def fresh_converter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test builds the converter (and the field-type cache) anew; restored afterwards."""
    monkeypatch.setattr(qio, "_CONVERTER", None)
    monkeypatch.setattr(qio, "_HINTS", {})
    monkeypatch.delenv("QFRAMEWORK_MAX_FILE_BYTES", raising=False)
    yield


def test_a_none_under_an_empty_key_is_named_the_value_in_the_toml_refusal() -> None:
    """Rule: TOML cannot write ``None``; when the ``None`` stands under the empty key at the top (its
    path is empty), the refusal calls it "the value" rather than leaving a blank where the path goes."""
    with pytest.raises(QFrameworkError) as info:
        dumps({"": None})
    assert str(info.value) == "TOML has no empty value, but the value is None; use JSON"
    # one level down the path is the outer key alone (the empty inner key adds nothing to it)
    with pytest.raises(QFrameworkError) as info:
        dumps({"a": {"": None}})
    assert str(info.value) == "TOML has no empty value, but a is None; use JSON"
    assert dumps({"": None}, format="json") == '{\n  "": null\n}\n'


@attrs.frozen
class BareList:
    """A class whose list field names no item type (``typing.List`` without parameters)."""

    items: typing.List  # noqa: UP006 - the bare alias is the point
    count: int = 0


def test_a_list_field_without_an_item_type_reads_any_items_as_they_are() -> None:
    """Rule: a field annotated with a bare ``typing.List`` takes a list of any items, kept as they are
    (the item type is then "anything"); a text where the list belongs is still refused."""
    assert structure({"items": [1, "a", [2]]}, BareList) == BareList([1, "a", [2]])
    with pytest.raises(ValidationError) as info:
        structure({"items": "ab"}, BareList)
    assert [(p.path, p.code) for p in info.value.problems] == [("items", "type")]


def test_a_list_without_an_item_type_beside_a_broken_field_adds_no_problem() -> None:
    """Rule: when another field is wrong, the report walks the bare list too and finds nothing in it:
    the one problem is the broken field's."""
    with pytest.raises(ValidationError) as info:
        structure({"items": [1, "a"], "count": "x"}, BareList)
    assert [(p.path, p.code) for p in info.value.problems] == [("count", "type")]


@attrs.frozen
class Unreadable:
    """A class with a field of a type the converter has no reader for."""

    z: complex


def test_a_field_of_a_type_without_a_reader_is_a_problem_at_its_path_with_the_reason() -> None:
    """Rule: a field whose type the converter cannot read (here ``complex``, which no file format has) is
    reported as a problem at the field's own path, naming the type expected and the converter's reason —
    a ``ValidationError`` like every other problem, not the converter's exception."""
    with pytest.raises(ValidationError) as info:
        structure({"z": 1}, Unreadable)
    (problem,) = info.value.problems
    assert (problem.path, problem.code) == ("z", "type.detail")
    assert problem.params["expected"] == Note("type.other", {"name": "complex"})
    detail = problem.params["detail"]
    assert detail.startswith("Unsupported type: <class 'complex'>")
    assert str(problem) == f"z: expected complex: {detail}"
