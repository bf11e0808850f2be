"""The reading rules of ``qframework.io`` pinned one by one: the limits every file passes (size, nesting,
duplicate JSON keys, numbers), what the strict converter accepts, and how a wrong value is described.

Each test names the rule it pins in its docstring. The tests go through the public functions
(:func:`~qframework.io.parse`, :func:`~qframework.io.read_file`, :func:`~qframework.io.structure`,
:func:`~qframework.io.loads`, :func:`~qframework.io.dumps`) with a small attrs class of every field kind,
so a rule of the converter is pinned independently of the model's classes.

``fresh_converter`` (below) makes every test here build the converter itself: qframework builds it
once per process, and mutmut forks every mutant from a process that has already built it
(docs/mutation-testing.md), so without it no mutant of the converter's construction would run.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import attrs
import pytest

import qframework.io as qio
from qframework import ValidationError
from qframework.errors import QFrameworkError, UnknownOption
from qframework.io import dumps, loads, parse, read_file, structure
from qframework.messages import Note, Param
from qframework.model import FrozenMap


@pytest.fixture(autouse=True)
def fresh_converter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test builds the converter (and the field-type cache) anew; restored afterwards."""
    monkeypatch.setattr(qio, "_CONVERTER", None)
    monkeypatch.setattr(qio, "_HINTS", {})
    monkeypatch.delenv("QFRAMEWORK_MAX_FILE_BYTES", raising=False)
    yield


@attrs.frozen
class Box:
    lo: int
    hi: int


@attrs.frozen
class Doc:
    name: str
    count: int = 0
    share: float = 0.0
    flag: bool = False
    day: datetime.date | None = None
    table: FrozenMap[str, int] = attrs.field(factory=FrozenMap)
    items: tuple[str, ...] = ()
    names: list[str] = attrs.field(factory=list)
    where: tuple[float, float] | None = None
    limit: int | Box | None = None
    maybe: float | None = None
    kind: Literal["a", "b"] = "a"
    renamed: str = attrs.field(default="", metadata={"key": "other"})


def _messages(data: Any) -> list[str]:
    with pytest.raises(ValidationError) as info:
        structure(data, Doc)
    return [str(p) for p in info.value.problems]


def _refusal(text: str | bytes, format: Literal["toml", "json"] = "json") -> tuple[str, str, dict[str, Any]]:
    with pytest.raises(ValidationError) as info:
        parse(text, format=format, file="f")
    (problem,) = info.value.problems
    assert info.value.file == "f"
    return problem.code, str(problem), dict(problem.params)


# -- the strict converter ------------------------------------------------------------------------


def test_every_field_kind_reads_as_its_type() -> None:
    """Rule: a valid document reads field by field into its types: a table into a FrozenMap, a list into a
    tuple (or a list where the field is one), a pair into a tuple, a whole number into a float where a
    number is expected, a table into the class of a ``value | table`` field, a renamed field from its file key."""
    data = {
        "name": "x",
        "count": 3,
        "share": 1,
        "flag": True,
        "day": "2024-01-02",
        "table": {"a": 1},
        "items": ["p", "q"],
        "names": ["r"],
        "where": [1, 2.5],
        "limit": {"lo": 1, "hi": 2},
        "maybe": 1,
        "kind": "b",
        "other": "y",
    }
    doc = structure(data, Doc)
    assert doc == Doc(
        name="x",
        count=3,
        share=1.0,
        flag=True,
        day=datetime.date(2024, 1, 2),
        table=FrozenMap({"a": 1}),
        items=("p", "q"),
        names=["r"],
        where=(1.0, 2.5),
        limit=Box(1, 2),
        maybe=1.0,
        kind="b",
        renamed="y",
    )
    assert type(doc.table) is FrozenMap
    assert type(doc.items) is tuple and type(doc.names) is list and type(doc.where) is tuple
    assert type(doc.share) is float and type(doc.maybe) is float and type(doc.where[0]) is float
    assert structure({"name": "x", "limit": 5, "day": datetime.date(2024, 3, 4)}, Doc).limit == 5
    assert structure({"name": "x", "day": datetime.date(2024, 3, 4)}, Doc).day == datetime.date(2024, 3, 4)
    assert structure({"name": "x", "maybe": None, "limit": None}, Doc) == Doc(name="x")


def test_a_value_of_the_wrong_type_is_named_with_what_was_expected_and_what_was_found() -> None:
    """Rule: no value is coerced — text is not a number, a number not text, 1 not true, true not a number, an
    impossible date not a date; each problem names the type expected and the value and kind found."""
    assert _messages({"name": 1, "count": "1", "share": True, "flag": 1, "day": "2024-13-01"}) == [
        "count: expected a whole number, got '1' (text)",
        "day: expected a date (YYYY-MM-DD), got '2024-13-01' (text)",
        "flag: expected true or false, got 1 (whole number)",
        "name: expected text, got 1 (whole number)",
        "share: expected a number, got True (boolean)",
    ]
    assert _messages({"name": "x", "count": True, "share": "0.5", "day": datetime.datetime(2024, 1, 1, 1, 1)}) == [
        "count: expected a whole number, got True (boolean)",
        "day: expected a date (YYYY-MM-DD), got datetime.datetime(2024, 1, 1, 1, 1) (datetime)",
        "share: expected a number, got '0.5' (text)",
    ]
    assert _messages({"name": "x", "count": 1.0, "day": 20240101, "flag": "true"}) == [
        "count: expected a whole number, got 1.0 (number)",
        "day: expected a date (YYYY-MM-DD), got 20240101 (whole number)",
        "flag: expected true or false, got 'true' (text)",
    ]


def test_a_list_is_a_list_and_a_table_a_table() -> None:
    """Rule: text is never read as a list of its characters, a pair needs exactly two values, and a table
    field refuses a list."""
    assert _messages({"name": "x", "items": "cab", "names": "ab", "where": [1.0], "table": [1]}) == [
        "items: expected a list, got 'cab' (text)",
        "names: expected a list, got 'ab' (text)",
        "table: expected a table, got [1] (list)",
        "where: expected a list of 2 values, got 1",
    ]
    assert _messages({"name": "x", "where": [1, 2, 3], "table": {"a": "1"}, "items": ["p", 2]}) == [
        "items[1]: expected text, got 2 (whole number)",
        "table.a: expected a whole number, got '1' (text)",
        "where: expected a list of 2 values, got 3",
    ]
    assert _messages({"name": "x", "where": "1,2"}) == ["where: expected a list, got '1,2' (text)"]


def test_unions_choices_and_renamed_keys_are_checked() -> None:
    """Rule: ``int | table`` takes a whole number or a table (true is neither), ``float | None`` a number or
    nothing, a choice one of its values; a renamed field is read and reported under its file key."""
    assert _messages({"name": "x", "limit": True, "maybe": "x", "kind": "c", "other": 5}) == [
        "kind: must be one of a, b, got 'c' (text)",
        "limit: expected a whole number or a table, got True (boolean)",
        "maybe: expected a number, got 'x' (text)",
        "other: expected text, got 5 (whole number)",
    ]
    assert _messages({"name": "x", "limit": "5", "maybe": True}) == [
        "limit: expected a whole number, got '5' (text)",
        "maybe: expected a number, got True (boolean)",
    ]
    assert _messages({"name": "x", "limit": {"lo": 1}}) == ["limit.hi: missing required key"]


def test_an_unknown_or_missing_key_is_a_problem_listing_the_known_ones() -> None:
    """Rule: a key the class does not know is refused, listing the keys it knows (renamed fields under their
    file key); a required key that is missing is named."""
    known = "count, day, flag, items, kind, limit, maybe, name, names, other, share, table, where"
    assert _messages({"name": "x", "extra": 1}) == [f"extra: unknown key (expected one of: {known})"]
    assert _messages({"renamed": "x", "name": "y"}) == [f"renamed: unknown key (expected one of: {known})"]
    assert _messages({}) == ["name: missing required key"]


def test_a_number_that_is_not_finite_is_refused() -> None:
    """Rule: NaN and infinity are not numbers a file may hold."""
    for value, shown in ((float("nan"), "nan"), (float("inf"), "inf"), (float("-inf"), "-inf")):
        assert _messages({"name": "x", "share": value}) == [f"share: expected a finite number, got {shown} (number)"]


def test_a_found_value_is_described_without_repeating_what_may_be_a_name() -> None:
    """Rule: a found text with spaces is described by its length only (it may be a person's name), a list
    of such texts by its count; a number of more than 40 digits by its digits; a long value is shortened
    to 40 characters; a large list or table by its size."""
    assert _messages({"name": "Erika Mustermann x", "count": "Erika Mustermann"}) == [
        "count: expected a whole number, got a text of 16 characters with spaces (not repeated: it may be a name)"
    ]
    assert _messages({"name": ["Erika Mustermann", "b"]}) == [
        "name: expected text, got a list of 2 texts (not repeated: they may be names)"
    ]
    assert _messages({"name": 10**41}) == ["name: expected text, got a 42-digit number (whole number)"]
    assert _messages({"name": 10**40}) == [f"name: expected text, got {'1' + '0' * 36}... (whole number)"]
    assert _messages({"name": -(10**5000)}) == ["name: expected text, got a very long-digit number (whole number)"]
    assert _messages({"count": "y" * 39, "name": "x"}) == [f"count: expected a whole number, got '{'y' * 36}... (text)"]
    assert _messages({"count": "y" * 38, "name": "x"}) == [f"count: expected a whole number, got '{'y' * 38}' (text)"]
    assert _messages({"name": list(range(9))}) == ["name: expected text, got <list of 9 items> (list)"]
    assert _messages({"name": list(range(8))}) == ["name: expected text, got [0, 1, 2, 3, 4, 5, 6, 7] (list)"]
    assert _messages({"name": {str(i): i for i in range(9)}}) == ["name: expected text, got <dict of 9 items> (table)"]
    assert _messages({"name": 1.5}) == ["name: expected text, got 1.5 (number)"]
    assert _messages({"name": None}) == ["name: expected text, got None (NoneType)"]


def test_a_document_round_trips_through_toml_and_json_under_its_file_keys() -> None:
    """Rule: ``loads(dumps(x)) == x`` in both formats; a renamed field is written under its file key and
    defaults are left out."""
    doc = Doc(name="x", table=FrozenMap({"a": 1}), where=(1.0, 2.5), limit=Box(1, 2), renamed="y", count=2)
    for fmt in ("toml", "json"):
        text = dumps(doc, format=fmt)
        assert loads(Doc, text, format=fmt) == doc
    assert json.loads(dumps(doc, format="json")) == {
        "name": "x",
        "count": 2,
        "table": {"a": 1},
        "where": [1.0, 2.5],
        "limit": {"lo": 1, "hi": 2},
        "other": "y",
    }
    assert json.loads(dumps(Doc(name="x", limit=3), format="json")) == {"name": "x", "limit": 3}


# -- the reading limits ----------------------------------------------------------------------------


def test_nesting_of_32_lists_or_tables_reads_and_33_is_refused() -> None:
    """Rule: a document may nest lists and tables 32 deep (MAX_DEPTH), no deeper, in JSON and TOML."""
    assert qio.MAX_DEPTH == 32
    for depth in (32, 33):
        lists = "[" * depth + "]" * depth
        tables = '{"a": ' * depth + "1" + "}" * depth
        mixed = '{"a": [' * (depth // 2) + ("{}" if depth % 2 else "1") + "]}" * (depth // 2)
        toml = "x = " + "[" * (depth - 1) + "]" * (depth - 1)
        for text, fmt in ((lists, "json"), (tables, "json"), (mixed, "json"), (toml, "toml")):
            if depth == 32:
                parse(text, format=fmt)  # type: ignore[arg-type]
            else:
                code, message, params = _refusal(text, fmt)  # type: ignore[arg-type]
                assert (code, params) == ("text.too-deep", {"depth": 32}), text
                assert message == "nested more than 32 lists or tables deep, the limit"
    # a deep list beside shallow ones is found wherever it sits
    assert _refusal('{"a": 1, "b": [1, 2, ' + "[" * 33 + "]" * 33 + '], "c": {}}')[0] == "text.too-deep"
    assert _refusal("[" * 100_000 + "]" * 100_000)[::2] == ("text.too-deep", {"depth": 32})  # beyond recursion
    assert _refusal("x = " + "[" * 100_000 + "]" * 100_000, "toml")[0] == "text.too-deep"


def test_a_json_object_with_a_key_twice_is_refused_naming_the_key() -> None:
    """Rule: a JSON key may appear once per object (another reader would keep the other value); the same key
    in two objects is fine."""
    assert _refusal('{"x": 1, "id": "a", "id": "b"}')[:2] == (
        "syntax.json-key-twice",
        "JSON object has the key 'id' twice (a key may appear once)",
    )
    assert _refusal('{"a": [{"j": 1, "k": 2, "k": 3}]}')[2] == {"key": "k"}
    assert parse('{"a": {"k": 1}, "b": {"k": 2}, "k": 3}', format="json") == {"a": {"k": 1}, "b": {"k": 2}, "k": 3}


def test_json_constants_that_are_not_finite_numbers_are_refused() -> None:
    """Rule: ``NaN``, ``Infinity`` and ``-Infinity`` in JSON are refused, naming the word."""
    for word in ("NaN", "Infinity", "-Infinity"):
        code, message, params = _refusal(f'{{"a": [1, {word}]}}')
        assert (code, params) == ("syntax.json-constant", {"word": word})
        assert message == f"{word} is not a number qframework reads (numbers must be finite)"


def test_a_number_of_thousands_of_digits_is_refused_as_a_problem() -> None:
    """Rule: an integer too long to convert is a problem (``syntax.digits``), in JSON and TOML; one just
    within Python's limit reads."""
    big = "9" * 5000
    for text, fmt in ((f'{{"a": {big}}}', "json"), (f"a = {big}", "toml")):
        code, message, _ = _refusal(text, fmt)  # type: ignore[arg-type]
        assert code == "syntax.digits"
        assert message == "a number has too many digits (numbers must lie within the documented ranges)"
    assert parse(f'{{"a": {"9" * 4000}}}', format="json") == {"a": int("9" * 4000)}


def test_syntax_errors_and_bytes_that_are_not_utf8_are_problems() -> None:
    """Rule: a syntax error is a problem with the parser's words (JSON: line and column); bytes that are not
    UTF-8 name the first bad byte; bytes that are read as UTF-8."""
    code, message, params = _refusal('{\n  "a": 1,\n  "b" 2\n}')
    assert code == "syntax.json" and params["line"] == 3 and params["column"] == 7
    assert params["detail"] == "Expecting ':' delimiter"
    code, _, params = _refusal("a = = 1", "toml")
    assert code == "syntax.toml" and "line 1" in str(params["detail"])
    code, message, params = _refusal(b'{"a": "\xc3\xa4\xff"}')
    assert (code, params) == ("text.not-utf8", {"byte": 9})
    assert message == "not UTF-8 text (byte 9)"
    assert parse('{"a": "ä"}'.encode(), format="json") == {"a": "ä"}
    assert parse('a = "ä"'.encode()) == {"a": "ä"}


def test_a_lone_surrogate_is_refused_at_its_path_and_a_pair_is_a_character() -> None:
    """Rule: a JSON escape of a lone surrogate (in a value or a key) is refused at the path where it sits; an
    escaped pair is one character, an escaped backslash before ``u`` is text; text handed in as ``str`` with
    a lone surrogate is refused in TOML too."""
    with pytest.raises(ValidationError) as info:
        parse('{"a": {"b": ["ok", "x\\ud800"]}}', format="json", file="f.json")
    assert [(p.path, p.code) for p in info.value.problems] == [("a.b[1]", "value.surrogate")]
    assert info.value.file == "f.json"
    with pytest.raises(ValidationError) as info:
        parse('{"a": {"k\\uDC00": 1}}', format="json")
    assert [(p.path, p.code) for p in info.value.problems] == [("a", "value.surrogate")]
    with pytest.raises(ValidationError) as info:
        parse('{"a": 1, "b": [{"c": "\\udbff"}]}', format="json")
    assert [p.path for p in info.value.problems] == ["b[0].c"]
    assert parse('{"a": "\\ud83d\\ude00"}', format="json") == {"a": "\U0001f600"}
    assert parse('{"a": "\\\\ud800"}', format="json") == {"a": "\\ud800"}
    with pytest.raises(ValidationError) as info:
        parse('a = "ä\ud800"\nb = "ok"')
    assert [(p.path, p.code) for p in info.value.problems] == [("a", "value.surrogate")]
    assert parse('a = "ä"\nb = ["\U0001f600"]') == {"a": "ä", "b": ["\U0001f600"]}


def test_parse_refuses_what_is_not_text_and_formats_it_does_not_know() -> None:
    """Rule: ``parse`` takes ``str`` or ``bytes`` and the format ``toml`` or ``json``."""
    with pytest.raises(TypeError, match="text must be str or bytes, got int"):
        parse(1, format="json")  # type: ignore[arg-type]
    with pytest.raises(UnknownOption) as info:
        parse("a: 1", format="yaml")  # type: ignore[arg-type]
    assert str(info.value) == "qframework.io: unknown format 'yaml' (known: toml, json)"
    with pytest.raises(TypeError):
        parse("{}", format=1)  # type: ignore[arg-type]


def test_text_over_the_size_limit_is_refused_and_toml_has_a_smaller_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: text longer than ``QFRAMEWORK_MAX_FILE_BYTES`` (default 64 MiB) is refused; TOML text longer than
    4 MiB is refused by default (JSON of that size reads), and the variable, when set, governs both."""
    json_text = '{"a": "' + "x" * (4 * 1024 * 1024 - 8) + '"}'
    assert len(json_text) == 4 * 1024 * 1024 + 1
    toml_text = 'a = "' + "x" * (4 * 1024 * 1024 - 5) + '"'
    assert len(toml_text) == 4 * 1024 * 1024 + 1
    assert len(parse(json_text, format="json")["a"]) == 4 * 1024 * 1024 - 8
    code, message, params = _refusal(toml_text, "toml")
    assert code == "text.too-long.toml" and params == {"limit": 4 * 1024 * 1024}
    assert len(parse(toml_text[:-2] + '"')["a"]) == 4 * 1024 * 1024 - 6  # exactly 4 MiB reads
    monkeypatch.setenv("QFRAMEWORK_MAX_FILE_BYTES", "12")
    assert parse('{"a": "xxx"}', format="json") == {"a": "xxx"}  # 12 characters
    assert parse('a = "xxxxxx"') == {"a": "xxxxxx"}
    code, message, params = _refusal('{"a": "xxxx"}')
    assert (code, params) == ("text.too-long", {"limit": 12})
    assert "QFRAMEWORK_MAX_FILE_BYTES" in message
    assert _refusal('a = "xxxxxxx"', "toml")[0] == "text.too-long"
    monkeypatch.setenv("QFRAMEWORK_MAX_FILE_BYTES", str(8 * 1024 * 1024))
    assert len(parse(toml_text)["a"]) == 4 * 1024 * 1024 - 5


@pytest.mark.parametrize(
    ("setting", "limit"),
    [
        ("100", 100),
        (" 100\n", 100),
        ("0", 0),
        ("9" * 18, 10**18 - 1),
        ("", None),
        ("abc", None),
        ("-5", None),
        ("1e3", None),
        ("١٠٠", None),  # digits, but not ASCII ones
        ("1" * 19, None),  # too long to be a size
    ],
)
def test_the_size_limit_is_a_whole_number_of_bytes_or_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, limit: int | None
) -> None:
    """Rule: ``QFRAMEWORK_MAX_FILE_BYTES`` is a whole number of ASCII digits (spaces around it ignored, fewer
    than 19 digits); anything else leaves the defaults (64 MiB for files, 4 MiB for TOML text)."""
    monkeypatch.setenv("QFRAMEWORK_MAX_FILE_BYTES", setting)
    assert qio.max_file_bytes() == (limit if limit is not None else 64 * 1024 * 1024)
    assert qio.max_toml_bytes() == (limit if limit is not None else 4 * 1024 * 1024)
    path = tmp_path / "f.toml"
    path.write_bytes(b"a" * 100)
    if limit is None or limit >= 100:
        assert read_file(path) == b"a" * 100
    else:
        with pytest.raises(ValidationError, match="file is larger than"):
            read_file(path)


# -- read_file -------------------------------------------------------------------------------------


def test_read_file_returns_the_bytes_of_a_file_of_any_size_within_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: a regular file is read whole (also beyond one read's megabyte), and a file exactly at the limit
    reads while one byte more is refused, naming the file and the limit."""
    body = os.urandom(3 * 1024 * 1024 + 17)
    path = tmp_path / "big.json"
    path.write_bytes(body)
    assert read_file(path) == body
    assert read_file(str(path)) == body
    (tmp_path / "empty.toml").write_bytes(b"")
    assert read_file(tmp_path / "empty.toml") == b""
    monkeypatch.setenv("QFRAMEWORK_MAX_FILE_BYTES", str(len(body)))
    assert read_file(path) == body
    monkeypatch.setenv("QFRAMEWORK_MAX_FILE_BYTES", str(len(body) - 1))
    with pytest.raises(ValidationError) as info:
        read_file(path)
    assert info.value.file == str(path)
    assert [(p.code, dict(p.params)) for p in info.value.problems] == [("file.too-big", {"limit": len(body) - 1})]


class _Resource:
    """A plugin's packaged file (a ``Traversable``, not a path)."""

    def __init__(self, body: bytes | None) -> None:
        self.body = body

    def read_bytes(self) -> bytes:
        if self.body is None:
            raise FileNotFoundError(2, "No such file or directory")
        return self.body

    def __str__(self) -> str:
        return "plugin/data.toml"


def test_a_packaged_resource_is_read_within_the_same_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a plugin's packaged file (a Traversable) is read whole, refused above the limit, and an unreadable
    one is a problem naming it."""
    assert read_file(_Resource(b"a = 1")) == b"a = 1"  # type: ignore[arg-type]
    monkeypatch.setenv("QFRAMEWORK_MAX_FILE_BYTES", "5")
    assert read_file(_Resource(b"a = 1")) == b"a = 1"  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as info:
        read_file(_Resource(b"a = 12"))  # type: ignore[arg-type]
    assert info.value.file == "plugin/data.toml"
    assert [p.code for p in info.value.problems] == ["file.too-big"]
    with pytest.raises(ValidationError) as info:
        read_file(_Resource(None))  # type: ignore[arg-type]
    assert info.value.file == "plugin/data.toml"
    assert [str(p) for p in info.value.problems] == ["cannot read file: No such file or directory"]


def test_only_a_regular_file_is_read(tmp_path: Path) -> None:
    """Rule: a folder, a pipe, a missing file and a name with a NUL are refused with a problem naming the
    file, never read (a pipe without a writer must not hang)."""
    (tmp_path / "folder.toml").mkdir()
    cases = {tmp_path / "folder.toml": "file.folder", tmp_path / "missing.toml": "file.unreadable"}
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.toml")
        cases[tmp_path / "pipe.toml"] = "file.not-regular"
    for path, code in cases.items():
        with pytest.raises(ValidationError) as info:
            read_file(path)
        assert info.value.file == str(path)
        assert [p.code for p in info.value.problems] == [code]
    with pytest.raises(ValidationError) as info:
        read_file(tmp_path / "missing.toml")
    assert [str(p) for p in info.value.problems] == ["cannot read file: No such file or directory"]
    assert isinstance(info.value.__cause__, FileNotFoundError)
    with pytest.raises(ValidationError) as info:
        read_file(str(tmp_path / "a\0b.toml"))
    assert [p.code for p in info.value.problems] == ["file.unreadable"]
    assert "null" in str(info.value.problems[0])


def test_dumps_refuses_what_a_format_cannot_hold() -> None:
    """Rule: TOML holds no ``None`` (the path is named) and no top-level list; JSON no NaN; a value that is no
    qframework value is refused."""
    with pytest.raises(QFrameworkError, match=r"TOML has no empty value, but a\.b\[1\] is None"):
        dumps({"a": {"b": [1, None]}})
    with pytest.raises(QFrameworkError, match="TOML cannot hold list at the top level"):
        dumps([1])
    with pytest.raises(QFrameworkError, match="NaN or infinity"):
        dumps({"a": float("nan")}, format="json")
    assert json.loads(dumps({"a": None, "d": datetime.date(2024, 1, 2)}, format="json")) == {
        "a": None,
        "d": "2024-01-02",
    }
    assert dumps({"a": "x\r\ny"}) == 'a = "x\\r\\ny"\n'
    assert loads(Doc, dumps(Doc(name="l1\r\nl2"))) == Doc(name="l1\r\nl2")


# -- the converter itself (``get_converter``: what a plugin structuring its own data sees) ---------


def _converter_refusal(value: Any, tp: Any) -> str:
    with pytest.raises(TypeError) as info:
        qio.get_converter().structure(value, tp)
    return str(info.value)


def test_the_converter_reads_tables_lists_and_pairs_strictly() -> None:
    """Rule: the converter reads a table into a FrozenMap, a list into a tuple or list, a pair into a tuple of
    two, and refuses anything else with a TypeError saying what it expected and what it found."""
    conv = qio.get_converter()
    assert qio.converter is conv
    assert conv.structure({"a": 1}, FrozenMap[str, int]) == FrozenMap({"a": 1})
    assert type(conv.structure({"a": 1}, FrozenMap)) is FrozenMap
    assert conv.structure(["c"], tuple[str, ...]) == ("c",)
    assert conv.structure(["c"], list[str]) == ["c"]
    assert conv.structure([1, 2], tuple[float, float]) == (1.0, 2.0)
    assert _converter_refusal([1], FrozenMap[str, int]) == "expected a table, got [1] (list)"
    assert _converter_refusal({"a": "1"}, FrozenMap[str, int]) == "expected a whole number, got '1' (text)"
    assert _converter_refusal("cab", tuple[str, ...]) == "expected a list, got 'cab' (text)"
    assert _converter_refusal("cab", list[str]) == "expected a list, got 'cab' (text)"
    assert _converter_refusal("ab", tuple[float, float]) == "expected a list, got 'ab' (text)"
    assert _converter_refusal([1], tuple[float, float]) == "expected a list of 2 values, got 1"
    assert _converter_refusal([1, 2, 3], tuple[float, float]) == "expected a list of 2 values, got 3"
    assert _converter_refusal([1, "b"], tuple[float, float]) == "expected a number, got 'b' (text)"
    assert _converter_refusal(["c", 1], tuple[str, ...]) == "expected text, got 1 (whole number)"
    assert _converter_refusal(["c", 1], list[str]) == "expected text, got 1 (whole number)"
    assert _messages({"name": "x", "items": ["p", 2]}) == ["items[1]: expected text, got 2 (whole number)"]
    with pytest.raises(Exception, match=r"Box: x$"):  # a class without renamed fields refuses an extra key too
        conv.structure({"lo": 1, "hi": 2, "x": 3}, Box)


def test_the_converter_reads_a_value_or_a_table_by_what_it_finds() -> None:
    """Rule: ``int | Box`` is a whole number or a table (the table read as a Box), ``… | None`` also nothing;
    anything else is refused naming both types."""
    conv = qio.get_converter()
    assert conv.structure({"lo": 1, "hi": 2}, int | Box) == Box(1, 2)
    assert conv.structure(3, int | Box | None) == 3
    assert conv.structure(None, int | Box | None) is None
    assert conv.structure(None, float | None) is None
    assert conv.structure(2, float | None) == 2.0 and type(conv.structure(2, float | None)) is float
    for value, found in (("5", "'5' (text)"), (True, "True (boolean)"), (None, "None (NoneType)")):
        assert _converter_refusal(value, int | Box) == f"expected a whole number or a table, got {found}"


def test_the_number_range_of_files_is_plus_minus_2_53_for_whole_numbers_and_1e15_for_numbers() -> None:
    """Rule: a whole number lies within ±(2⁵³ − 1), the largest a JSON reader in any language keeps exactly; a
    number (also a whole one given for it) within ±10¹⁵; both limits are inclusive."""
    conv = qio.get_converter()
    for whole in (2**53 - 1, -(2**53 - 1), 0):
        assert conv.structure(whole, int) == whole
    for whole in (2**53, -(2**53)):
        assert _converter_refusal(whole, int) == "whole number out of range: must lie within ±9,007,199,254,740,991"
    for number in (1e15, -1e15, 10**15, -(10**15)):
        assert conv.structure(number, float) == float(number)
    for number in (1.0000001e15, -1.0000001e15, 2**53 - 1, 2**53, -(2**53)):
        assert _converter_refusal(number, float) == "number out of range: must lie within ±1e+15"
    assert _converter_refusal(float("inf"), float) == "expected a finite number, got inf (number)"
    assert _messages({"name": "x", "count": 2**53}) == [
        "count: whole number out of range: must lie within ±9,007,199,254,740,991"
    ]
    assert _messages({"name": "x", "share": 2e15}) == ["share: number out of range: must lie within ±1e+15"]
    assert _messages({"name": "x", "share": 2**60}) == ["share: number out of range: must lie within ±1e+15"]


def test_text_with_a_lone_surrogate_is_refused_by_the_converter() -> None:
    """Rule: text with a lone surrogate is not text (it cannot be written as UTF-8); non-ASCII text reads."""
    assert qio.get_converter().structure("äö\U0001f600", str) == "äö\U0001f600"
    assert _converter_refusal("x\ud800", str).startswith("contains a lone surrogate")
    assert _messages({"name": "x\udc00"}) == [
        "name: contains a lone surrogate (\\ud800-\\udfff), which is not a character; fix the text"
    ]


def test_notes_and_their_parameters_read_and_write_as_tables() -> None:
    """Rule: a note is a table of a code and parameters (text saved before notes were tables reads as a text
    note); a parameter is text, a finite number, true/false, a list of texts or another note."""
    conv = qio.get_converter()
    assert conv.structure("hello", Note) == Note("text", {"text": "hello"})
    assert _converter_refusal(5, Note) == "expected a table, got 5 (whole number)"
    with pytest.raises(Exception, match="Extra fields in constructor for Note: extra"):
        conv.structure({"code": "text", "extra": 1}, Note)  # a note's table has no other keys
    table = {"code": "text", "params": {"text": "x", "n": ["a", "b"], "inner": {"code": "type.int"}, "f": 1.5}}
    note = conv.structure(table, Note)
    assert note == Note("text", {"text": "x", "n": ("a", "b"), "inner": Note("type.int"), "f": 1.5})
    assert qio.unstructure(note) == table
    assert conv.structure(True, Param) is True
    assert _converter_refusal(["a", 1], Param) == "expected text, got 1 (whole number)"
    assert _converter_refusal(float("nan"), Param) == "expected a finite number, got nan (number)"
    assert _converter_refusal(None, Param) == (
        "expected text, a number, true or false, a list of texts or a table, got None (NoneType)"
    )
    assert qio.unstructure(FrozenMap({"a": 1})) == {"a": 1}
    assert _converter_refusal({1}, Param) == (
        "expected text, a number, true or false, a list of texts or a table, got {1} (set)"
    )


@attrs.frozen
class Person:
    who: str = attrs.field(default="", metadata={"personal": True})
    n: int = attrs.field(default=0, metadata={"personal": True})
    three: str | int | Box | None = None
    pair: str | int | None = None


def test_a_personal_field_names_the_type_found_never_the_value() -> None:
    """Rule: a wrong value in a field holding personal data (a name) is described by its type only."""
    with pytest.raises(ValidationError) as info:
        structure({"who": 5, "n": "Erika Mustermann"}, Person)
    assert [str(p) for p in info.value.problems] == [
        "n: expected a whole number, got text (not shown: personal data)",
        "who: expected text, got a whole number (not shown: personal data)",
    ]
    assert [p.code for p in info.value.problems] == ["type.personal", "type.personal"]
    assert structure({"who": "Erika Mustermann", "n": 2}, Person) == Person("Erika Mustermann", 2)
    with pytest.raises(ValidationError) as info:  # a valid personal field beside a broken one is no problem
        structure({"who": "Erika Mustermann", "n": 2, "pair": 1.5}, Person)
    assert [p.path for p in info.value.problems] == ["pair"]


def test_a_union_of_several_types_names_each_of_them() -> None:
    """Rule: a value fitting no member of ``str | int | table`` is refused naming all three, in order."""
    with pytest.raises(ValidationError) as info:
        structure({"three": 1.5, "pair": [1]}, Person)
    assert [str(p) for p in info.value.problems] == [
        "pair: expected text or a whole number, got [1] (list)",
        "three: expected text or a whole number or a table, got 1.5 (number)",
    ]
    assert _converter_refusal(1.5, str | int | Box) == "expected text or a whole number or a table, got 1.5 (number)"
    assert structure({"three": "x", "pair": 3}, Person) == Person(three="x", pair=3)
    assert structure({"three": {"lo": 1, "hi": 2}}, Person) == Person(three=Box(1, 2))


def test_refusals_of_a_file_name_the_file_at_the_documents_top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a refusal by size, kind or suffix is one problem at the document's top (no path) naming the file."""
    (tmp_path / "folder.toml").mkdir()
    big = tmp_path / "big.toml"
    big.write_bytes(b"a = 1\n" * 10)
    cases: list[tuple[Any, str]] = [
        (lambda: read_file(tmp_path / "folder.toml"), "file.folder"),
        (lambda: read_file(tmp_path / "missing.toml"), "file.unreadable"),
        (lambda: read_file(str(tmp_path / "a\0b.toml")), "file.unreadable"),
        (lambda: qio.format_for(tmp_path / "a.yaml"), "file.suffix"),
        (lambda: parse("{", format="json", file="f"), "syntax.json"),
    ]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.toml")
        cases.append((lambda: read_file(tmp_path / "pipe.toml"), "file.not-regular"))
    for call, code in cases:
        with pytest.raises(ValidationError) as info:
            call()
        assert [(p.path, p.code) for p in info.value.problems] == [("", code)]
        assert info.value.file is not None and info.value.file.endswith(("toml", "yaml", "f"))
    with pytest.raises(ValidationError) as info:
        qio.format_for(tmp_path / "a.yaml")
    assert info.value.file == str(tmp_path / "a.yaml")
    assert dict(info.value.problems[0].params) == {"suffix": ".yaml"}
    assert qio.format_for("A.JSON") == "json" and qio.format_for(Path("b.Toml")) == "toml"
    monkeypatch.setenv("QFRAMEWORK_MAX_FILE_BYTES", "5")
    with pytest.raises(ValidationError) as info:
        read_file(big)
    assert [(p.path, p.code) for p in info.value.problems] == [("", "file.too-big")]
    with pytest.raises(ValidationError) as info:
        read_file(_Resource(b"123456"))  # type: ignore[arg-type]
    assert [(p.path, p.code) for p in info.value.problems] == [("", "file.too-big")]
    with pytest.raises(ValidationError) as info:
        read_file(_Resource(None))  # type: ignore[arg-type]
    assert [(p.path, p.code) for p in info.value.problems] == [("", "file.unreadable")]


def test_a_file_that_grows_while_it_is_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: the size limit holds for the bytes actually read, not only for the size the file had when it was
    opened (a log still being written, a file swapped underneath)."""
    path = tmp_path / "growing.json"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    real_fstat = os.fstat

    def stale_fstat(fd: int) -> os.stat_result:  # the size the file had a moment ago
        info = real_fstat(fd)
        return os.stat_result((*tuple(info)[:6], 10, *tuple(info)[7:10]))

    monkeypatch.setattr(os, "fstat", stale_fstat)
    monkeypatch.setenv("QFRAMEWORK_MAX_FILE_BYTES", str(2 * 1024 * 1024 + 5))
    with pytest.raises(ValidationError) as info:
        read_file(path)
    assert info.value.file == str(path)
    assert [(p.path, p.code, dict(p.params)) for p in info.value.problems] == [
        ("", "file.too-big", {"limit": 2 * 1024 * 1024 + 5})
    ]
    monkeypatch.setenv("QFRAMEWORK_MAX_FILE_BYTES", str(3 * 1024 * 1024))
    assert read_file(path) == b"x" * (3 * 1024 * 1024)


def test_load_reads_the_format_its_suffix_names_and_names_the_file(tmp_path: Path) -> None:
    """Rule: ``load`` reads ``.json`` as JSON and ``.toml`` as TOML (or the format given), from a path or a
    packaged resource; a problem names the file; anything else as the path is a TypeError."""
    doc = Doc(name="x", count=2)
    (tmp_path / "d.json").write_text(dumps(doc, format="json"), encoding="utf-8")
    (tmp_path / "d.toml").write_text(dumps(doc), encoding="utf-8")
    (tmp_path / "d.txt").write_text(dumps(doc, format="json"), encoding="utf-8")
    assert qio.load(Doc, tmp_path / "d.json") == doc
    assert qio.load(Doc, str(tmp_path / "d.toml")) == doc
    assert qio.load(Doc, tmp_path / "d.txt", format="json") == doc
    assert qio.load(Doc, _Resource(dumps(doc).encode()), format="toml") == doc  # type: ignore[arg-type]
    (tmp_path / "bad.json").write_text('{"name": 1}', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        qio.load(Doc, tmp_path / "bad.json")
    assert info.value.file == str(tmp_path / "bad.json")
    with pytest.raises(TypeError, match=r"path must be a str, os\.PathLike or Traversable, got int"):
        qio.load(Doc, 5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as info:
        qio.parse_json_fast('{"a": 1, "a": 2}', file="bulk.json")
    assert info.value.file == "bulk.json"


_PERSONAL: dict[str, Any] = {"metadata": {"personal": True}}


@attrs.frozen
class Kinds:
    f: float = attrs.field(default=0.0, **_PERSONAL)
    b: bool = attrs.field(default=False, **_PERSONAL)
    d: datetime.date = attrs.field(default=datetime.date(2024, 1, 1), **_PERSONAL)
    t: datetime.datetime = attrs.field(default=datetime.datetime(2024, 1, 1), **_PERSONAL)
    ls: list = attrs.field(factory=list, **_PERSONAL)  # type: ignore[type-arg]
    m: dict = attrs.field(factory=dict, **_PERSONAL)  # type: ignore[type-arg]
    o: complex = attrs.field(default=0j, **_PERSONAL)
    u: datetime.date | None = attrs.field(default=None, **_PERSONAL)


def test_every_type_is_named_in_words_and_an_unknown_one_by_its_name() -> None:
    """Rule: the expected type is worded (a number, true or false, a date, a date and time, a list, a table);
    a type without a word is named by its Python name."""
    with pytest.raises(ValidationError) as info:
        structure({"f": "x", "b": "x", "d": 5, "t": 5, "ls": 5, "m": 5, "o": "x", "u": 5}, Kinds)
    assert [str(p) for p in info.value.problems] == [
        "b: expected true or false, got text (not shown: personal data)",
        "d: expected a date (YYYY-MM-DD), got a whole number (not shown: personal data)",
        "f: expected a number, got text (not shown: personal data)",
        "ls: expected a list, got a whole number (not shown: personal data)",
        "m: expected a table, got a whole number (not shown: personal data)",
        "o: expected complex, got text (not shown: personal data)",
        "t: expected a date and time, got a whole number (not shown: personal data)",
        "u: expected datetime.date | None, got a whole number (not shown: personal data)",
    ]


def test_an_io_error_while_reading_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a failing read (a disk or network error after the file was opened) is a problem at the document's
    top naming the file and the system's reason, with the OSError kept as its cause."""
    path = tmp_path / "a.toml"
    path.write_bytes(b"a = 1")

    def failing_read(fd: int, size: int) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "read", failing_read)
    with pytest.raises(ValidationError) as info:
        read_file(path)
    assert info.value.file == str(path)
    assert [(p.path, p.code, str(p)) for p in info.value.problems] == [
        ("", "file.unreadable", "cannot read file: Input/output error")
    ]
    assert isinstance(info.value.__cause__, OSError)
