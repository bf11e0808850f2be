"""More reading and writing rules of ``qframework.io`` pinned one by one (the first set:
``tests/test_rules_pinned_io.py``): frameworks through ``loads_framework``/``dumps_framework``, what
``dumps`` and ``save`` refuse, and the lenient loader's paths through nested values.

Each test names the rule it pins in its docstring and goes through the public functions. Like the
first set, every test builds the converter anew (``fresh_converter``): mutmut forks every mutant from a
process that has already built it (docs/mutation-testing.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from assessment_fixtures import small_framework

import qframework.io as qio
from qframework import ValidationError
from qframework.errors import Problem
from qframework.io import dumps, dumps_framework, loads_framework, save
from qframework.messages import Note
from qframework.model import FrozenMap
from qframework.validation import Checked


@pytest.fixture(autouse=True)
def fresh_converter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test builds the converter (and the field-type cache) anew; restored afterwards."""
    monkeypatch.setattr(qio, "_CONVERTER", None)
    monkeypatch.setattr(qio, "_HINTS", {})
    monkeypatch.delenv("QFRAMEWORK_MAX_FILE_BYTES", raising=False)
    yield


def test_a_framework_round_trips_through_toml_by_default_and_through_json() -> None:
    """Rule: ``dumps_framework`` writes TOML unless told JSON, and ``loads_framework`` reads what it wrote
    back into an equal framework, TOML by default, JSON when told."""
    fw = small_framework()
    toml_text = dumps_framework(fw)
    assert toml_text.startswith("id = ") and not toml_text.lstrip().startswith("{")
    assert loads_framework(toml_text) == fw
    json_text = dumps_framework(fw, format="json")
    assert json.loads(json_text)["id"] == "test-rahmen"
    assert loads_framework(json_text, format="json") == fw
    assert loads_framework(json_text.encode(), format="json", file="fw.json") == fw


def test_dumps_framework_refuses_what_is_not_a_framework() -> None:
    """Rule: ``dumps_framework`` takes a Framework only; anything else (a dict that looks like one) is a
    TypeError naming the function and the argument."""
    with pytest.raises(TypeError, match=r"^dumps_framework: framework must be a Framework, got dict$"):
        dumps_framework({"id": "x"})  # type: ignore[arg-type]


def test_loads_framework_names_the_file_and_reads_the_format_it_is_told() -> None:
    """Rule: a framework refused by ``loads_framework`` names the file given; JSON text is read as JSON
    only when ``format="json"`` (as TOML it is a syntax error)."""
    with pytest.raises(ValidationError) as info:
        loads_framework('{"id": "x"}', format="json", file="fw.json")
    assert info.value.file == "fw.json"
    assert all(p.code != "syntax" and not p.code.startswith("syntax.") for p in info.value.problems)
    with pytest.raises(ValidationError) as info:
        loads_framework('{"id": "x"}', file="fw.toml")
    assert info.value.file == "fw.toml"
    assert info.value.problems[0].code.startswith("syntax")


def test_dumps_json_names_a_value_json_cannot_hold() -> None:
    """Rule: a value that is neither plain data nor a date is refused by ``dumps(..., format="json")`` with a
    TypeError naming its type; a date is written as its ISO text."""
    import datetime

    with pytest.raises(TypeError, match=r"^cannot write object as JSON$"):
        dumps({"a": object()}, format="json")
    assert json.loads(dumps({"a": datetime.date(2024, 2, 3)}, format="json")) == {"a": "2024-02-03"}


def test_save_refuses_a_path_that_is_not_a_path(tmp_path: Path) -> None:
    """Rule: ``save`` takes a str or os.PathLike path; anything else is a TypeError naming the type found,
    and nothing is written."""
    with pytest.raises(TypeError, match=r"^path must be a str or os\.PathLike, got int$"):
        save({"a": 1}, 3)  # type: ignore[arg-type]
    save({"a": 1}, tmp_path / "a.json")
    assert json.loads((tmp_path / "a.json").read_text()) == {"a": 1}


# -- atomic writes -----------------------------------------------------------------------------------


def test_a_new_file_gets_the_usual_permissions_and_an_existing_one_keeps_its_own(tmp_path: Path) -> None:
    """Rule: ``save`` creates a new file with the permissions any new file gets (0o666 less the umask) and
    replaces an existing file keeping that file's permissions."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        save({"a": 1}, tmp_path / "new.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644
    kept = tmp_path / "kept.json"
    kept.write_text("{}")
    kept.chmod(0o604)
    save({"a": 2}, kept)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o604
    assert json.loads(kept.read_text()) == {"a": 2}


def test_the_content_is_written_to_a_hidden_temporary_file_beside_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: while ``save`` writes, the content is in a hidden temporary file in the target's own folder
    (``.<name>.<random>.tmp``, so that the rename is atomic and no ``*.json`` glob picks up half a file);
    afterwards only the target is there."""
    import os

    seen: list[list[str]] = []
    real_fsync = os.fsync

    def watching_fsync(fd: int) -> None:
        seen.append(sorted(os.listdir(tmp_path)))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", watching_fsync)
    save({"a": 1}, tmp_path / "out.json")
    monkeypatch.setattr(os, "fsync", real_fsync)
    (during,) = seen[:1]
    (tmp,) = during
    assert tmp.startswith(".out.json.") and tmp.endswith(".tmp") and len(tmp) > len(".out.json..tmp")
    assert sorted(os.listdir(tmp_path)) == ["out.json"]


def test_a_target_turned_into_a_pipe_while_writing_is_left_alone_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: an output that is (or, while the content is written, becomes) a pipe, device or socket is not
    replaced: the refusal names the path given, and no temporary file is left behind."""
    import os

    from qframework.errors import QFrameworkError

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(QFrameworkError, match=rf"^cannot write {fifo}: it is not a regular file"):
        save({"a": 1}, fifo)
    fifo.unlink()
    real_fsync = os.fsync

    def replacing_fsync(fd: int) -> None:
        real_fsync(fd)
        if not fifo.exists():
            os.mkfifo(fifo)

    monkeypatch.setattr(os, "fsync", replacing_fsync)
    with pytest.raises(QFrameworkError, match=rf"^cannot write {fifo}: it is not a regular file"):
        save({"a": 1}, fifo)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert sorted(os.listdir(tmp_path)) == ["pipe.json"]


def test_an_output_path_below_a_file_is_a_problem_naming_the_path_and_the_reason(tmp_path: Path) -> None:
    """Rule: an output that cannot even be looked at (a path through a file) is refused naming the path and
    the system's reason, not with a traceback."""
    from qframework.errors import QFrameworkError

    (tmp_path / "a.json").write_text("{}")
    target = tmp_path / "a.json" / "b.json"
    with pytest.raises(QFrameworkError) as info:
        save({"a": 1}, target)
    assert str(info.value) == f"cannot write {target}: Not a directory"


# -- loading while plugins register their data -------------------------------------------------------


@attrs.frozen
class Entry:
    name: str
    count: int = 0


def test_load_while_caching_reads_the_suffixs_format_and_names_a_refused_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: inside ``caching_loads`` (how plugins register their data) ``load`` reads a file exactly as
    outside it: in the format its suffix names, a refused file named in the error."""
    monkeypatch.setenv("QFRAMEWORK_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "e.json").write_text('{"name": "x", "count": 2}')
    (tmp_path / "bad.json").write_text('{"name": "y", "count": "2"}')
    with qio.caching_loads():
        assert qio.load(Entry, tmp_path / "e.json") == Entry("x", 2)
        assert qio.load(Entry, tmp_path / "e.json") == Entry("x", 2)  # the second time from the cache
        with pytest.raises(ValidationError) as info:
            qio.load(Entry, tmp_path / "bad.json")
    assert info.value.file == str(tmp_path / "bad.json")
    assert [(p.path, p.code) for p in info.value.problems] == [("count", "type")]


def test_an_unknown_attribute_of_the_module_is_an_attribute_error_naming_it() -> None:
    """Rule: ``qframework.io.converter`` is the shared converter; any other unknown attribute is an
    AttributeError naming the module and the attribute (as for any module)."""
    assert qio.converter is qio.get_converter()
    with pytest.raises(AttributeError, match=r"^module 'qframework\.io' has no attribute 'nothing'$"):
        qio.nothing  # noqa: B018


# -- structure: one report per mistake -----------------------------------------------------------------


@attrs.frozen
class Span(Checked):
    """A class whose own check speaks about its parts (as a framework's check speaks about its scales)."""

    lo: int
    hi: int = 0
    parts: tuple[int, ...] = ()
    box: Entry | None = None

    def _problems(self) -> Iterator[Problem]:
        if isinstance(self.lo, int) and self.hi < self.lo:
            yield Problem.of("hi", "value.choice", allowed=("≥ lo",), got=Note("text", {"text": "below"}))
        if self.box is None:
            yield Problem.of("box.name", "key.missing")
        if len(self.parts) != 2:
            yield Problem.of("parts[0]", "key.missing")
        yield Problem.of("boxes", "key.missing")


def _problems(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        qio.structure(data, Span, file="s.toml")
    assert info.value.file == "s.toml"
    return [(p.path, p.code) for p in info.value.problems]


def test_a_problem_the_check_finds_under_a_broken_value_is_not_reported_again() -> None:
    """Rule: where a value is of the wrong type, what the class's own check then says about that value or
    anything inside it (``box`` → ``box.name``, ``parts`` → ``parts[0]``) is not reported a second time;
    what it says about other paths (``boxes``, a sibling that merely starts with the same letters) is."""
    assert _problems({"lo": 0, "box": "x", "parts": "y"}) == [
        ("box", "type"),
        ("boxes", "key.missing"),
        ("parts", "type"),
    ]
    assert _problems({"lo": 0, "box": {"name": "n"}, "parts": [1, 2]}) == [("boxes", "key.missing")]


def test_the_checks_problems_are_reported_with_the_type_problems_of_other_fields() -> None:
    """Rule: a document with a wrong type in one field and a rule broken elsewhere reports both, sorted by
    path; a document whose types are right reports what the class's check finds, naming the file."""
    assert _problems({"lo": "1", "hi": 0, "box": {"name": "n"}, "parts": [1, 2]}) == [
        ("boxes", "key.missing"),
        ("lo", "type"),
    ]
    assert _problems({"lo": 2, "hi": 1, "box": {"name": "n"}, "parts": [1, 2]}) == [
        ("boxes", "key.missing"),
        ("hi", "value.choice"),
    ]


def _messages(data: Any) -> list[str]:
    with pytest.raises(ValidationError) as info:
        qio.structure(data, Entry)
    return [str(p) for p in info.value.problems]


def test_a_number_of_4000_digits_is_counted_and_a_longer_one_is_very_long() -> None:
    """Rule: a whole number of more than 40 digits is described by its digit count up to 4,000 digits; from
    10**4000 on (more digits than Python turns into text by default) it is "very long"."""
    assert _messages({"name": 10**4000 - 1}) == ["name: expected text, got a 4000-digit number (whole number)"]
    assert _messages({"name": 10**4000}) == ["name: expected text, got a very long-digit number (whole number)"]


def test_a_list_of_more_than_eight_items_is_described_by_its_size_whatever_it_holds() -> None:
    """Rule: a found list of up to 8 items holding a text with spaces is described by its count (the texts
    may be names); a list of more than 8 items is described by its size only, whatever its 9th item holds."""
    assert _messages({"name": ["a"] * 7 + ["Erika M"]}) == [
        "name: expected text, got a list of 8 texts (not repeated: they may be names)"
    ]
    assert _messages({"name": ["a"] * 8 + ["Erika M"]}) == ["name: expected text, got <list of 9 items> (list)"]


def test_dumps_names_itself_when_refusing_an_argument() -> None:
    """Rule: ``dumps`` refuses what is not a qframework value, a dict or a list, and a format that is not
    "toml" or "json", each error naming ``dumps``, the argument and what was given."""
    from qframework.errors import UnknownOption

    expected = (
        "^dumps: obj must be a qframework value \\(an attrs class such as Framework\\), a dict or a list, got int$"
    )
    with pytest.raises(TypeError, match=expected):
        dumps(5)
    with pytest.raises(UnknownOption, match=r"^dumps: unknown format 'yaml' \(known: toml, json\)$"):
        dumps({"a": 1}, format="yaml")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^dumps: format must be a str \(one of 'toml', 'json'\), got int$"):
        dumps({"a": 1}, format=3)  # type: ignore[arg-type]


def test_a_text_of_several_lines_is_written_as_a_multi_line_toml_string_unless_it_holds_a_carriage_return() -> None:
    """Rule: TOML output writes a text with line breaks as a readable multi-line string; if any text of the
    document holds a carriage return, every text is written as an escaped one-line string (a TOML reader
    would turn "\\r\\n" inside a multi-line string into "\\n"); both read back as they were."""
    text = dumps({"text": "line 1\nline 2"})
    assert text == 'text = """\nline 1\nline 2"""\n'
    assert qio.loads(dict, text) == {"text": "line 1\nline 2"}
    text = dumps({"a": "x\r\ny", "b": ["p\nq"]})
    assert '"""' not in text
    assert qio.loads(dict, text) == {"a": "x\r\ny", "b": ["p\nq"]}


@attrs.frozen
class Measure:
    share: float = 0.0
    note: Note | None = None


def test_a_whole_number_where_a_number_is_expected_is_read_within_plus_minus_1e15() -> None:
    """Rule: a whole number in a number field is read as a float within ±1e15, both ends included; beyond,
    however many digits it has, it is refused as out of range (never an overflow)."""
    assert qio.structure({"share": 10**15}, Measure).share == 1e15
    assert qio.structure({"share": -(10**15)}, Measure).share == -1e15
    for value in (10**15 + 1, -(10**15) - 1, 2**53, 10**400):
        with pytest.raises(ValidationError) as info:
            qio.structure({"share": value}, Measure)
        assert [(p.path, p.code) for p in info.value.problems] == [("share", "number.range")]


def test_a_nested_note_with_an_unknown_key_is_a_problem_at_the_key() -> None:
    """Rule: a note's parameter that is a table (a nested note) is read as a note: an unknown key in it is
    a problem at that key's own path, in the catalogue's words (was: at the parameter, with the
    converter's English reason)."""
    with pytest.raises(ValidationError) as info:
        qio.structure({"note": {"code": "x", "params": {"p": {"code": "y", "bogus": 1}}}}, Measure)
    (problem,) = info.value.problems
    assert problem.path == "note.params.p.bogus"
    assert str(problem).startswith("note.params.p.bogus: unknown key")
    assert "Extra fields" not in str(problem)


@attrs.frozen
class Table:
    counts: FrozenMap[str, int] = attrs.field(factory=FrozenMap)


def test_a_tables_keys_are_text_and_a_key_of_another_kind_is_a_problem_at_that_key() -> None:
    """Rule: the keys of a table field are text (as in every file); data built in code with a key of another
    kind is refused at that key's path, next to the problems of the values."""
    with pytest.raises(ValidationError) as info:
        qio.structure({"counts": {1: 1, "b": "c"}}, Table)
    assert [str(p) for p in info.value.problems] == [
        "counts.1: expected text, got 1 (whole number)",
        "counts.b: expected a whole number, got 'c' (text)",
    ]


@attrs.define
class Derived(Checked):
    """A class with a field computed at construction (``init=False``) before the fields read from a file,
    and a private field read under its public name (``_limit`` is ``limit`` in files)."""

    total: int = attrs.field(init=False, default=0)
    name: str = ""
    _limit: int = 0
    other: int = 0

    def _problems(self) -> Iterator[Problem]:
        if self._limit > 10:
            yield Problem.of("limit", "number.range", limit="10")


def test_fields_not_read_from_files_are_skipped_and_private_fields_read_under_their_public_name() -> None:
    """Rule: a field not set by the constructor (``init=False``) is not a key of the file, and the fields after
    it are read as usual; a private field is read under its public name, and the class's own check still
    runs on a document that also has a type problem elsewhere."""
    with pytest.raises(ValidationError) as info:
        qio.structure({"name": 1, "limit": 11, "other": "x"}, Derived)
    assert [(p.path, p.code) for p in info.value.problems] == [
        ("limit", "number.range"),
        ("name", "type"),
        ("other", "type"),
    ]
    with pytest.raises(ValidationError) as info:
        qio.structure({"total": 1}, Derived)
    assert [(p.path, p.code) for p in info.value.problems] == [("total", "key.unknown")]


def test_json_output_is_indented_by_two_and_keeps_letters_as_they_are() -> None:
    """Rule: JSON output is indented by two spaces, ends with a newline and writes letters beyond ASCII as
    themselves (``ä``, not ``\\u00e4``)."""
    assert dumps({"a": "ä", "b": [1]}, format="json") == '{\n  "a": "ä",\n  "b": [\n    1\n  ]\n}\n'


def test_what_json_and_toml_cannot_hold_is_refused_naming_where_it_is() -> None:
    """Rule: JSON output refuses NaN and infinity; TOML output refuses an empty value (None), naming the
    path of the first one (a key inside a table, an item of a list)."""
    from qframework.errors import QFrameworkError

    with pytest.raises(QFrameworkError) as info:
        dumps({"a": float("nan")}, format="json")
    assert str(info.value) == "cannot write NaN or infinity as JSON (a value is not a finite number)"
    with pytest.raises(QFrameworkError) as info:
        dumps({"a": {"b": None}})
    assert str(info.value) == "TOML has no empty value, but a.b is None; use JSON"
    with pytest.raises(QFrameworkError) as info:
        dumps({"a": [1, None]})
    assert str(info.value) == "TOML has no empty value, but a[1] is None; use JSON"


def test_structure_names_the_ids_of_the_elements_on_a_problems_path() -> None:
    """Rule: a problem found by ``structure`` is shown with the id of every element on its path
    (``dimensions[0] (d1).indicators[1] (i2).weight``), its path as data unchanged."""
    from qframework.model import Framework

    data = qio.unstructure(small_framework())
    data["dimensions"][0]["indicators"][1]["weight"] = "drei"
    with pytest.raises(ValidationError) as info:
        qio.structure(data, Framework)
    (problem,) = info.value.problems
    assert problem.path == "dimensions[0].indicators[1].weight"
    assert str(problem) == "dimensions[0] (d1).indicators[1] (i2).weight: expected a number, got 'drei' (text)"


def test_a_rule_broken_in_a_well_typed_document_is_shown_with_the_ids_on_its_path() -> None:
    """Rule: a problem of a document whose types are all right (here a weight that is not positive) is shown
    with the id of every element on its path, like a type problem."""
    from qframework.model import Framework

    data = qio.unstructure(small_framework())
    data["dimensions"][1]["indicators"][0]["weight"] = -1.0
    with pytest.raises(ValidationError) as info:
        qio.structure(data, Framework)
    assert [str(p) for p in info.value.problems] == [
        "dimensions[1] (d2).indicators[0] (i3).weight: must be > 0, got -1"
    ]


@attrs.frozen
class Plain:
    v: str | int | float | None = None


def test_a_value_fitting_no_member_of_a_plain_union_names_every_member() -> None:
    """Rule: a field that takes text, a whole number or a number refuses a list or a truth value naming all
    three (a number member does not take what is not a number)."""
    assert qio.structure({"v": 2}, Plain).v == 2
    assert qio.structure({"v": 2.5}, Plain).v == 2.5
    for value, shown in (([1], "[1] (list)"), (True, "True (boolean)")):
        with pytest.raises(ValidationError) as info:
            qio.structure({"v": value}, Plain)
        assert [str(p) for p in info.value.problems] == [f"v: expected text or a whole number or a number, got {shown}"]


def test_a_nested_notes_wrong_key_is_reported_at_its_own_path() -> None:
    """Rule: a note's parameter that is a table is read as a note, so a wrong key in it is a problem at
    its own path ("unknown key", "missing required key"), in the catalogue's words — not the converter's
    English text behind "expected Union"."""
    text = '{"code": "x", "params": {"a": {"code": "y", "params": {"b": {"zzz": 1}}}}}'
    with pytest.raises(ValidationError) as info:
        qio.loads(Note, text, format="json")
    found = {p.path: p.message for p in info.value.problems}
    assert set(found) == {"params.a.params.b.code", "params.a.params.b.zzz"}, found
    assert found["params.a.params.b.code"] == "missing required key"
    assert found["params.a.params.b.zzz"].startswith("unknown key")
    assert "Union" not in str(info.value) and "Extra fields" not in str(info.value)
    good = qio.loads(Note, '{"code": "x", "params": {"a": {"code": "y", "params": {"n": 2}}}}', format="json")
    assert good == Note("x", {"a": Note("y", {"n": 2})})
