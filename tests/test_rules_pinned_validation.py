"""The all-problems validation rules and the lenient loader, pinned on small attrs classes (issue 19).

The classes below are defined here, not taken from the model, so that each test shows exactly which
shape of data it feeds (nested objects, mappings, fixed-size tuples, unions, enums, literals) and the
expected problems — every path and message — are written out by hand.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import attrs
import pytest

from qframework import io
from qframework.errors import Problem, ValidationError
from qframework.frozen import FrozenMap
from qframework.validation import Checked, deferred, problems_of, repeats, validate


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@attrs.frozen
class Inner(Checked):
    n: int

    def _problems(self) -> Iterator[Problem]:
        if self.n < 0:
            yield Problem("n", f"must be ≥ 0, got {self.n}")


@attrs.frozen
class Outer(Checked):
    name: str
    inner: Inner | None = None
    items: tuple[Inner, ...] = ()
    where: tuple[float, float] | None = None
    size: int | Inner = 1
    either: str | int | float = ""
    colour: Colour = Colour.RED
    mode: Literal["a", "b"] = "a"
    table: FrozenMap[str, int] = attrs.field(factory=FrozenMap)
    inners: FrozenMap[str, Inner] = attrs.field(factory=FrozenMap)
    words: tuple[str, ...] = ()

    def _problems(self) -> Iterator[Problem]:
        if not self.name:
            yield Problem("name", "must not be empty")


def problems(data: object, cls: type = Outer) -> list[tuple[str, str]]:
    """``(path, message)`` of every problem ``io.structure`` reports, in the order reported."""
    with pytest.raises(ValidationError) as info:
        io.structure(data, cls)
    return [(p.path, p.message) for p in info.value.problems]


# -- validation.py ---------------------------------------------------------------------------------


def test_repeats_reports_every_later_occurrence() -> None:
    """Rule: repeats() yields (index, value) for each occurrence after the first, so each duplicate is
    reported where it stands, the first occurrence never."""
    assert list(repeats(["a", "b", "a", "c", "b", "a"])) == [(2, "a"), (4, "b"), (5, "a")]
    assert list(repeats(["a", "b", "c"])) == []
    assert list(repeats([])) == []


def test_checked_objects_validate_on_construction_with_every_problem() -> None:
    """Rule: a Checked object built in code raises ValidationError with all its own problems."""
    with pytest.raises(ValidationError) as info:
        Inner(-1)
    assert [(p.path, p.message) for p in info.value.problems] == [("n", "must be ≥ 0, got -1")]
    assert Inner(0).n == 0


def test_deferred_builds_unchecked_and_ends_with_the_block() -> None:
    """Rule: inside deferred() objects are built without checks; after it (also after an error) they are checked."""
    with deferred():
        bad = Inner(-1)
    assert problems_of(bad) == [Problem("n", "must be ≥ 0, got -1")]
    with pytest.raises(RuntimeError), deferred():
        raise RuntimeError
    with pytest.raises(ValidationError):
        Inner(-1)


def test_deferred_is_per_thread() -> None:
    """Rule: deferring validation in one thread leaves other threads validating."""
    raised: list[bool] = []

    def build() -> None:
        try:
            Inner(-1)
        except ValidationError:
            raised.append(True)

    with deferred():
        t = threading.Thread(target=build)
        t.start()
        t.join()
    assert raised == [True]


def test_problems_of_walks_nested_objects_tuples_and_mappings_with_paths() -> None:
    """Rule: problems_of() reports every nested problem with its full path: own problems first, then fields."""
    with deferred():
        obj = Outer(
            "",
            inner=Inner(-1),
            items=(Inner(-2), Inner(0), Inner(-3)),
            size=Inner(-4),
            inners=FrozenMap({"k": Inner(-5)}),
            words=("x", "y"),
        )
    assert [(p.path, p.message) for p in problems_of(obj)] == [
        ("name", "must not be empty"),
        ("inner.n", "must be ≥ 0, got -1"),
        ("items[0].n", "must be ≥ 0, got -2"),
        ("items[2].n", "must be ≥ 0, got -3"),
        ("size.n", "must be ≥ 0, got -4"),
        ("inners.k.n", "must be ≥ 0, got -5"),
    ]
    assert [p.path for p in problems_of(obj.items, "doc.items")] == ["doc.items[0].n", "doc.items[2].n"]
    assert problems_of([]) == [] and problems_of(object()) == []


def test_problems_of_skips_fields_not_in_init() -> None:
    """Rule: only fields a file can set are walked; derived (``init=False``) fields are not reported."""

    @attrs.frozen
    class WithDerived(Checked):
        n: int
        derived: Inner = attrs.field(init=False, factory=lambda: Inner(-9))
        later: Inner | None = None

    with deferred():
        obj = WithDerived(1, later=Inner(-1))
    assert problems_of(obj) == [Problem("later.n", "must be ≥ 0, got -1")]


@pytest.mark.parametrize("error", [TypeError, AttributeError, ValueError, KeyError])
def test_an_object_that_cannot_be_checked_is_skipped_not_fatal(error: type[Exception]) -> None:
    """Rule: a field already reported broken may make its object's own check raise; that object is skipped
    (one report per mistake) and everything else is still reported."""

    @attrs.frozen
    class Fragile(Checked):
        inner: Inner | None = None

        def _problems(self) -> Iterator[Problem]:
            yield Problem("first", "seen before the error")
            raise error("broken")

    with deferred():
        obj = Fragile(Inner(-1))
    assert problems_of(obj) == [Problem("first", "seen before the error"), Problem("inner.n", "must be ≥ 0, got -1")]


def test_validate_raises_with_the_file_name_or_returns() -> None:
    """Rule: validate() raises one ValidationError with every problem and the file; a valid object passes."""
    with deferred():
        obj = Outer("", items=(Inner(-1),))
    with pytest.raises(ValidationError) as info:
        validate(obj, "x.toml")
    assert info.value.file == "x.toml"
    assert str(info.value) == "x.toml: 2 problems:\n  name: must not be empty\n  items[0].n: must be ≥ 0, got -1"
    assert validate(Outer("ok")) is None


# -- the lenient loader (io.structure when the fast path fails) ------------------------------------


def test_lenient_loader_reports_problems_inside_every_shape() -> None:
    """Rule: one load reports every problem — in nested objects, lists, mappings, fixed-size tuples, unions,
    enums and literals — each with its path, sorted in document order."""
    found = problems(
        {
            "name": "x",
            "inner": {"n": "x"},
            "items": [{"n": 1}, {"n": -1}, {"m": 2}],
            "where": [1.0],
            "size": {"n": "q"},
            "colour": "green",
            "mode": "c",
            "table": {"a": "b"},
            "inners": {"k": {"n": -2}},
        }
    )
    assert found == [
        ("colour", "must be one of red, blue, got 'green' (text)"),
        ("inner.n", "expected a whole number, got 'x' (text)"),
        ("inners.k.n", "must be ≥ 0, got -2"),
        ("items[1].n", "must be ≥ 0, got -1"),
        ("items[2].m", "unknown key (expected one of: n)"),
        ("items[2].n", "missing required key"),
        ("mode", "must be one of a, b, got 'c' (text)"),
        ("size.n", "expected a whole number, got 'q' (text)"),
        ("table.a", "expected a whole number, got 'b' (text)"),
        ("where", "expected a list of 2 values, got 1"),
    ]


def test_lenient_loader_reports_wrong_containers() -> None:
    """Rule: a non-table where a table is expected, a non-list where a list is expected, unknown keys (naming
    the known ones) and wrong leaf types are each reported once, at their path."""
    found = problems(
        {"name": 3, "inner": 5, "items": {"n": 1}, "where": "x", "size": "big", "table": [1], "inners": 3, "extra": 1}
    )
    assert found == [
        (
            "extra",
            "unknown key (expected one of: colour, either, inner, inners, items, mode, name, size, table, where, "
            "words)",
        ),
        ("inner", "expected a table, got 5 (whole number)"),
        ("inners", "expected a table, got 3 (whole number)"),
        ("items", "expected a list, got {'n': 1} (table)"),
        ("name", "expected text, got 3 (whole number)"),
        ("size", "expected a whole number, got 'big' (text)"),
        ("table", "expected a table, got [1] (list)"),
        ("where", "expected a list, got 'x' (text)"),
    ]
    assert problems([1]) == [("", "expected a table, got [1] (list)")]


def test_lenient_loader_multi_type_union_and_explicit_null() -> None:
    """Rule: a value matching no member of a union is reported at its path; ``null`` for an optional field is
    no problem (JSON), and the rest of the document is still checked."""
    found = problems({"name": "x", "either": [1], "inner": None, "where": None, "items": [{"n": -1}]})
    assert [path for path, _ in found] == ["either", "items[0].n"]
    assert found[0][1].startswith("expected ")
    assert found[1] == ("items[0].n", "must be ≥ 0, got -1")


def test_lenient_loader_fixed_size_tuple_items_are_checked() -> None:
    """Rule: a fixed-size tuple of the right length has each of its values checked, at ``path[i]``."""
    assert problems({"name": "x", "where": [1.0, "north"], "mode": "c"}) == [
        ("mode", "must be one of a, b, got 'c' (text)"),
        ("where[1]", "expected a number, got 'north' (text)"),
    ]


def test_lenient_loader_list_of_plain_values() -> None:
    """Rule: a wrong item in a list of plain values is reported with its index."""
    assert problems({"name": "x", "words": ["a", 2, "c", 4.5], "mode": "z"}) == [
        ("mode", "must be one of a, b, got 'z' (text)"),
        ("words[1]", "expected text, got 2 (whole number)"),
        ("words[3]", "expected text, got 4.5 (number)"),
    ]


def test_problem_paths_sort_numerically() -> None:
    """Rule: problems come in document order: ``items[2]`` before ``items[10]`` (numbers, not text)."""
    data = {"name": "x", "items": [{"n": -1 if i in (2, 10) else 0} for i in range(12)], "mode": "q"}
    assert [path for path, _ in problems(data)] == ["items[2].n", "items[10].n", "mode"]
    valid_fast_path = {"name": "x", "items": [{"n": -1 if i in (2, 10) else 0} for i in range(12)]}
    assert [path for path, _ in problems(valid_fast_path)] == ["items[2].n", "items[10].n"]


def test_nothing_is_reported_twice() -> None:
    """Rule: a broken leaf is reported once — by the loader — not again by the semantic checks of its object."""
    found = problems({"name": "", "inner": {"n": "x"}, "items": [{"n": "y"}, {"n": -1}], "mode": "c"})
    assert found == [
        ("inner.n", "expected a whole number, got 'x' (text)"),
        ("items[0].n", "expected a whole number, got 'y' (text)"),
        ("items[1].n", "must be ≥ 0, got -1"),
        ("mode", "must be one of a, b, got 'c' (text)"),
        ("name", "must not be empty"),
    ]
    assert len(found) == len(set(found))


def test_a_broken_path_hides_only_its_own_subtree() -> None:
    """Rule: problems under a broken path are dropped, problems under a sibling whose name merely starts the
    same (``inner`` broken, ``inners`` not) are kept."""
    found = problems({"name": "x", "inner": 5, "inners": {"k": {"n": -1}}})
    assert found == [("inner", "expected a table, got 5 (whole number)"), ("inners.k.n", "must be ≥ 0, got -1")]


def test_non_utf8_bytes_are_a_problem_not_a_crash() -> None:
    """Rule: bytes that are not UTF-8 are reported with the byte offset and the file name."""
    with pytest.raises(ValidationError) as info:
        io.loads(Outer, b'name = "\xff"', file="bad.toml")
    assert info.value.file == "bad.toml"
    assert [(p.path, p.message) for p in info.value.problems] == [("", "not UTF-8 text (byte 8)")]


def test_load_errors_carry_the_file_name(tmp_path: Path) -> None:
    """Rule: every problem of ``load()`` names the file it came from, in the exception and each printed line."""
    path = tmp_path / "outer.toml"
    path.write_text('name = "x"\nmode = "c"\n[inner]\nn = -1\n', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        io.load(Outer, path)
    assert info.value.file == str(path)
    assert info.value.lines() == [  # TOML problems carry their line and come in file order
        f"{path}:2: mode: must be one of a, b, got 'c' (text)",
        f"{path}:4: inner.n: must be ≥ 0, got -1",
    ]
