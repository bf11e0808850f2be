"""Hostile input, third round (issue 27): the cache, workbooks, the web upload path, text and numbers.

Every reproducer of the issue is a test here. None times anything: a denial of service shows as
work counted (entries opened, elements parsed) or as a refusal before the expensive step.
"""

from __future__ import annotations

import json
import os
import pickle
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_io import VALID

from qframework import Framework
from qframework import _cache as cache
from qframework.io import caching_loads, load

# -- the validated-data cache cannot run code or load unvalidated data ---------------------------


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QFRAMEWORK_CACHE_DIR", str(folder))
    monkeypatch.delenv("QFRAMEWORK_NO_CACHE", raising=False)
    yield folder


class _Plant:
    """A pickle that, when loaded, creates ``marker``: proof that loading ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def _mini(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "mini.toml"
    path.write_text(VALID, encoding="utf-8")
    return path, path.read_bytes()


def _entry_name(raw: bytes) -> str:
    return cache._key(cache._object_parts(Framework, raw, "toml"))


def test_a_planted_pickle_never_runs(tmp_path: Path, cache_dir: Path) -> None:
    path, raw = _mini(tmp_path)
    key = _entry_name(raw)
    marker = tmp_path / "ran"
    cache_dir.mkdir(mode=0o700)
    payload = pickle.dumps(_Plant(marker))
    for magic in (b"qframework-cache-1\n", cache._MAGIC):  # the old format and the current head
        (cache_dir / key).write_bytes(magic + key.encode() + b"\n" + payload)
        with caching_loads():
            framework = load(Framework, path)
        assert not marker.exists()
        assert framework.title == "Mini-Rahmen"


def _rewrite(entry: Path, change: Any) -> None:
    """Change an entry's JSON payload and give it a matching digest: a well-formed tampered entry."""
    _magic, key, _digest, payload = entry.read_bytes().split(b"\n", 3)
    data = json.loads(payload)
    change(data)
    new = json.dumps(data).encode()
    entry.write_bytes(cache._MAGIC + key + b"\n" + cache._sha256(new).hexdigest().encode() + b"\n" + new)


def test_a_tampered_well_formed_entry_is_validated_not_trusted(tmp_path: Path, cache_dir: Path) -> None:
    """Reproducer: a one-level scale in a tampered entry loaded unvalidated, then score divided by zero."""
    path, _ = _mini(tmp_path)
    with caching_loads():
        expected = load(Framework, path)
    (entry,) = cache_dir.iterdir()

    def one_level(data: dict[str, Any]) -> None:
        data["scales"][0]["levels"] = data["scales"][0]["levels"][:1]

    _rewrite(entry, one_level)
    with caching_loads():
        assert load(Framework, path) == expected
    (entry,) = cache_dir.iterdir()

    def stray_key(data: dict[str, Any]) -> None:
        data["__reduce__"] = "os.system"

    _rewrite(entry, stray_key)
    with caching_loads():
        assert load(Framework, path) == expected


def test_an_entry_with_a_wrong_digest_is_a_miss(tmp_path: Path, cache_dir: Path) -> None:
    path, raw = _mini(tmp_path)
    with caching_loads():
        load(Framework, path)
    (entry,) = cache_dir.iterdir()
    entry.write_bytes(entry.read_bytes().replace(b"Mini-Rahmen", b"Maxi-Rahmen"))
    assert cache.get(Framework, raw, "toml") is None


def _valid_entry(tmp_path: Path, cache_dir: Path) -> tuple[Path, bytes, Path]:
    path, raw = _mini(tmp_path)
    with caching_loads():
        load(Framework, path)
    (entry,) = cache_dir.iterdir()
    assert cache.get(Framework, raw, "toml") is not None
    return path, raw, entry


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="owners and modes are POSIX")
def test_a_group_or_world_writable_folder_is_not_used(tmp_path: Path, cache_dir: Path) -> None:
    _, raw, _ = _valid_entry(tmp_path, cache_dir)
    for mode in (0o777, 0o775, 0o1777):
        cache_dir.chmod(mode)
        assert cache.get(Framework, raw, "toml") is None
        cache.store((b"probe",), "x")
        assert not (cache_dir / cache._key((b"probe",))).exists()
    cache_dir.chmod(0o700)
    assert cache.get(Framework, raw, "toml") is not None


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="owners and modes are POSIX")
def test_a_writable_entry_is_not_used(tmp_path: Path, cache_dir: Path) -> None:
    _, raw, entry = _valid_entry(tmp_path, cache_dir)
    entry.chmod(0o666)
    assert cache.get(Framework, raw, "toml") is None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give files away")
def test_a_folder_or_entry_owned_by_another_user_is_not_used(tmp_path: Path, cache_dir: Path) -> None:
    _, raw, entry = _valid_entry(tmp_path, cache_dir)
    os.chown(entry, 4242, 4242)
    assert cache.get(Framework, raw, "toml") is None
    os.chown(entry, 0, 0)
    os.chown(cache_dir, 4242, 4242)
    assert cache.get(Framework, raw, "toml") is None
    os.chown(cache_dir, 0, 0)
    assert cache.get(Framework, raw, "toml") is not None


@pytest.mark.skipif(sys.platform == "win32", reason="special files are POSIX")
def test_an_entry_that_is_a_symlink_fifo_or_device_is_a_miss(tmp_path: Path, cache_dir: Path) -> None:
    """Reproducer: a symlink to /dev/zero gave a MemoryError traceback, a FIFO hung."""
    path, raw, entry = _valid_entry(tmp_path, cache_dir)
    entry.unlink()
    entry.symlink_to("/dev/zero")
    assert cache.get(Framework, raw, "toml") is None
    entry.unlink()
    os.mkfifo(entry, 0o600)
    assert cache.get(Framework, raw, "toml") is None  # returns at once: opened without blocking
    with caching_loads():
        assert load(Framework, path).title == "Mini-Rahmen"
    assert stat.S_ISFIFO(os.lstat(entry).st_mode) or entry.is_file()


def test_an_oversized_entry_is_not_read(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, raw, entry = _valid_entry(tmp_path, cache_dir)
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", entry.stat().st_size - 1)
    assert cache.get(Framework, raw, "toml") is None


def test_a_tampered_entry_point_list_is_a_miss(cache_dir: Path) -> None:
    key = (b"entry-points", b"qframework", b"stamps")
    cache.store(key, [("kqs", "qframework_kqs.plugin", "1.0")])
    assert cache.lookup(key) == [("kqs", "qframework_kqs.plugin", "1.0")]
    for bad in ([["kqs", "os; import this", None]], [["kqs"]], {"kqs": 1}, [["a\x1bb", "m", None]]):
        cache.store(key, bad)
        assert cache.lookup(key) is None


def test_the_cache_holds_no_pickle(tmp_path: Path, cache_dir: Path) -> None:
    """Entries are JSON behind a head naming their key and the payload's digest."""
    _, _, entry = _valid_entry(tmp_path, cache_dir)
    _magic, key, _digest, payload = entry.read_bytes().split(b"\n", 3)
    assert key.decode() == entry.name
    assert json.loads(payload)["id"] == "mini"
    assert b"\x80" not in entry.read_bytes()  # no pickle protocol marker


# -- workbooks: bounded work per byte, refused before openpyxl sees them ---------------------------

import zipfile  # noqa: E402
from io import BytesIO  # noqa: E402

from test_excel import REG  # noqa: E402
from test_excel import filled as _filled  # noqa: E402

from qframework import excel  # noqa: E402
from qframework.errors import ValidationError  # noqa: E402
from qframework.i18n import language  # noqa: E402


def filled(*args: Any, **cells: Any) -> bytes:
    """A filled German template (the cell addresses name its German sheets); read and refused in English."""
    with language("de"):
        return _filled(*args, **cells)


def _rezip(data: bytes, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def _refusal(data: bytes, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The problems of a workbook refused before openpyxl is imported or called."""

    def no_openpyxl() -> None:
        raise AssertionError("openpyxl saw a workbook that should have been refused")

    monkeypatch.setattr(excel, "_openpyxl", no_openpyxl)
    with pytest.raises(ValidationError) as info:
        excel.loads_assessment_xlsx(data, registry=REG, file="x.xlsx")
    return [str(p) for p in info.value.problems]


class _CountingZip(zipfile.ZipFile):
    opened = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        type(self).opened += 1
        if type(self).opened > 5:
            raise AssertionError("the archive is opened again for every entry")
        super().__init__(*args, **kwargs)


def test_the_zip_check_opens_the_archive_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reproducer: 2,000 extra empty sheet entries took a minute (the archive re-opened per entry)."""
    extra = {f"xl/worksheets/extra{i}.xml": b"" for i in range(300)}
    data = _rezip(filled(**{"Netzwerk!C5": "Stufe 4"}), add=extra)
    monkeypatch.setattr(_CountingZip, "opened", 0)
    monkeypatch.setattr(excel.zipfile, "ZipFile", _CountingZip)
    assessment = excel.loads_assessment_xlsx(data, registry=REG, file="x.xlsx")
    assert len(assessment.ratings) == 1
    assert _CountingZip.opened == 1


def test_a_workbook_with_too_many_entries_is_refused_from_the_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = {f"xl/worksheets/extra{i}.xml": b"" for i in range(excel.MAX_ENTRIES)}
    (found,) = _refusal(_rezip(filled(), add=extra), monkeypatch)
    assert f"limit {excel.MAX_ENTRIES:,}" in found


def _styles(records: int, tag: str = "xf") -> bytes:
    body = f'<{tag} numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * records
    return (
        '<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<cellXfs count="{records}">{body}</cellXfs></styleSheet>'
    ).encode()


def test_a_styles_part_with_more_records_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reproducer: a 30 KB workbook with a million <xf/> took a minute and 660 MB in openpyxl."""
    data = _rezip(filled(), replace={"xl/styles.xml": _styles(excel.MAX_STYLE_RECORDS + 1)})
    (found,) = _refusal(data, monkeypatch)
    assert "cell styles" in found


def test_style_records_count_under_any_part_name_and_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    """The styles part is found through the workbook's relationships: its name proves nothing."""
    body = _styles(excel.MAX_STYLE_RECORDS + 1, tag="x:xf").replace(b"<styleSheet", b"<x:styleSheet xmlns:x='m'", 1)
    (found,) = _refusal(_rezip(filled(), add={"xl/other.xml": body}), monkeypatch)
    assert "cell styles" in found


def test_shared_strings_beyond_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reproducer: a 130 KB workbook with 2.6 million shared strings took 51-106 s."""
    strings = b"<si><t>a</t></si>" * (excel.MAX_SHARED_STRINGS + 1)
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings + b"</sst>"
    (found,) = _refusal(_rezip(filled(), add={"xl/sharedStrings.xml": sst}), monkeypatch)
    assert "shared strings" in found


def test_a_part_with_too_many_tags_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    (found,) = _refusal(_rezip(filled(), add={"docProps/custom.xml": b"<a/>" * (excel.MAX_PART_TAGS + 1)}), monkeypatch)
    assert "limits of XML tags" in found


def _set_flags(data: bytes, name: bytes, flag: int | None = None, method: int | None = None) -> bytes:
    """Set the general-purpose flag and/or method of entry ``name`` in both its headers."""
    out = bytearray(data)
    pos = 0
    while (pos := out.find(b"PK\x03\x04", pos)) >= 0:
        if out[pos + 30 : pos + 30 + len(name)] == name:
            if flag is not None:
                out[pos + 6 : pos + 8] = flag.to_bytes(2, "little")
            if method is not None:
                out[pos + 8 : pos + 10] = method.to_bytes(2, "little")
        pos += 4
    pos = 0
    while (pos := out.find(b"PK\x01\x02", pos)) >= 0:
        if out[pos + 46 : pos + 46 + len(name)] == name:
            if flag is not None:
                out[pos + 8 : pos + 10] = flag.to_bytes(2, "little")
            if method is not None:
                out[pos + 10 : pos + 12] = method.to_bytes(2, "little")
        pos += 4
    return bytes(out)


def test_an_encrypted_entry_is_a_problem_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reproducer: the zip "encrypted" flag gave a RuntimeError traceback (web: 500)."""
    (found,) = _refusal(_set_flags(filled(), b"xl/workbook.xml", flag=1), monkeypatch)
    assert "encrypted" in found


def test_an_unknown_compression_method_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    (found,) = _refusal(_set_flags(filled(), b"xl/styles.xml", method=99), monkeypatch)
    assert "compression" in found


def test_a_real_template_is_far_inside_every_limit() -> None:
    data = filled(**{"Netzwerk!C5": "Stufe 4"})
    with zipfile.ZipFile(BytesIO(data)) as archive:
        tags = sum(archive.read(i).count(b"<") for i in archive.infolist())
        assert len(archive.infolist()) * 10 < excel.MAX_ENTRIES
    assert tags * 50 < excel.MAX_TOTAL_TAGS
    assert len(excel.loads_assessment_xlsx(data, registry=REG).ratings) == 1


def test_a_row_wider_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl parses every cell of a row it reads: one row of 900,000 cells took 6.5 s and 580 MB."""
    data = filled()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/"))
        xml = archive.read(sheet)
    wide = b'<row r="6">' + b'<c r="B6"/>' * (excel.MAX_ROW_CELLS + 1) + b"</row></sheetData>"
    (found,) = _refusal(_rezip(data, replace={sheet: xml.replace(b"</sheetData>", wide)}), monkeypatch)
    assert "limits of cells" in found


# -- late crashes: lone surrogates, deep nesting in known fields, special output files -------------

from test_hostile import BASES, COMMANDS, _assert_refused, _copy, run_cli  # noqa: E402

_TEXT_FIELDS = ("period", "notes", "title", "description", "comment", "evidence", "role", "region")


def _with_text(data: Any, value: str) -> tuple[Any, str]:
    """``data`` with the first free-text field (by name, depth first) set to ``value``, and its name."""
    out = _copy(data)
    stack = [out]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            for key in node:
                if key in _TEXT_FIELDS and isinstance(node[key], str):
                    node[key] = value
                    return out, key
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    raise AssertionError("no free-text field")


_WRITERS: dict[str, list[list[str]]] = {
    "assessment": [["score", "--json", "{}"], ["score", "--format", "csv", "{}"], ["report", "assessment", "{}"]],
    "assessments": [["score", "--full", "{}"], ["report", "cohort", "{}"]],
    "framework": [["template", "{}"]],
}


@pytest.mark.parametrize("kind", list(BASES))
def test_a_lone_surrogate_is_refused_by_every_command_before_any_writer(tmp_path: Path, kind: str) -> None:
    """Reproducer: a JSON ``\\ud800`` passed validate, then every writer failed with UnicodeEncodeError."""
    data, _ = BASES[kind]
    hostile, _ = _with_text(data, "2024\ud800")
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(hostile, ensure_ascii=True), encoding="ascii")  # the escape \ud800
    for argv in COMMANDS[kind] + _WRITERS.get(kind, []):
        argv = [str(path) if a == "{}" else a for a in argv]
        code, output = run_cli(argv)
        _assert_refused(code, output, f"{kind}: {' '.join(argv)}")
        assert "surrogate" in output, output


def test_a_surrogate_pair_is_one_character_and_reads(tmp_path: Path) -> None:
    data, _ = BASES["assessment"]
    good, _ = _with_text(data, "2024 \U0001f600")
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(good, ensure_ascii=True), encoding="ascii")  # \ud83d\ude00
    assert run_cli(["validate", str(path)])[0] == 0


def _deep_in(data: Any, field: str, depth: int) -> bytes:
    out = _copy(data)
    out["assessments"][0][field] = "@@DEEP@@"
    return json.dumps(out).replace('"@@DEEP@@"', "[" * depth + '"x"' + "]" * depth).encode()


@pytest.mark.parametrize("field", ["period", "notes", "subject"])
def test_bulk_json_nested_deep_inside_a_known_field_is_refused(tmp_path: Path, field: str) -> None:
    """Reproducer: 1,000 deep inside ``period``/``notes``/``subject`` raised RecursionError from msgspec."""
    path = tmp_path / "bulk.json"
    path.write_bytes(_deep_in(BASES["assessments"][0], field, 1000))
    for argv in (["validate"], ["score"], ["report", "cohort"], ["report", "progress"]):
        code, output = run_cli([*argv, str(path)])
        _assert_refused(code, output, " ".join(argv))
        assert "nested more than" in output


def test_bulk_json_nested_deep_inside_a_value_is_refused(tmp_path: Path) -> None:
    out = _copy(BASES["assessments"][0])
    out["assessments"][0]["ratings"]["value"][0] = "@@DEEP@@"
    path = tmp_path / "bulk.json"
    path.write_text(json.dumps(out).replace('"@@DEEP@@"', "[" * 1000 + "1" + "]" * 1000), encoding="utf-8")
    code, output = run_cli(["score", str(path)])
    _assert_refused(code, output, "score")


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
def test_output_onto_a_fifo_or_device_is_refused_and_leaves_it_alone(tmp_path: Path) -> None:
    """Reproducer: ``-o`` onto a FIFO or a character device replaced it with a regular file."""
    source = tmp_path / "a.toml"
    examples = Path(__file__).parent.parent / "docs" / "examples"
    source.write_bytes((examples / "landkreis-beispiel-2024.toml").read_bytes())
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "null-link"
    link.symlink_to(os.devnull)
    for target in (fifo, link):
        for argv in (
            ["score", "--format", "csv", "-o", str(target), str(source)],
            ["schema", "assessment", "-o", str(target)],
        ):
            code, output = run_cli(argv)
            assert code == 1, output
            assert "not a regular file" in output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert link.is_symlink() and stat.S_ISCHR(link.stat().st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# -- text and number policy: invisible and unnormalised ids, tiny weights and km_per_rank -----------

from test_hostile import _dump  # noqa: E402


def _participants_with_id(tmp_path: Path, ident: str) -> Path:
    data = _copy(BASES["participants"][0])
    data["participants"][0]["id"] = ident
    path = tmp_path / "participants.toml"
    path.write_bytes(_dump(data, "toml"))
    return path


@pytest.mark.parametrize("ident", ["\u3164", "a\u2800", "x\u034fy", "\u115f", "kreis\ufe0f"])
def test_an_invisible_id_is_refused(tmp_path: Path, ident: str) -> None:
    """Reproducer: ids of U+3164, U+2800 or U+034F were accepted though the docs promise none."""
    path = _participants_with_id(tmp_path, ident)
    code, output = run_cli(["programme", "plan", "qdfh-2019", "--participants", str(path)])
    _assert_refused(code, output, ascii(ident))
    assert "invisible" in output
    assert ascii(ident)[1:-1] in output  # shown escaped, so that the reader sees what is there


def test_an_id_not_in_nfc_is_refused_so_twins_cannot_exist(tmp_path: Path) -> None:
    """Reproducer: ``josé`` written composed and decomposed made two different participants."""
    data = _copy(BASES["participants"][0])
    data["participants"][0]["id"] = "jos\u00e9"
    data["participants"][1]["id"] = "jose\u0301"
    path = tmp_path / "participants.toml"
    path.write_bytes(_dump(data, "toml"))
    code, output = run_cli(["programme", "plan", "qdfh-2019", "--participants", str(path)])
    _assert_refused(code, output, "NFD twin")
    assert "NFC" in output and "participants[1]" in output
    assert "participants[0]" not in output  # the composed form is fine


def _framework_with_weights(tmp_path: Path, weight: float) -> Path:
    data = _copy(BASES["framework"][0])
    for dim in data["dimensions"]:
        for ind in dim["indicators"]:
            ind["weight"] = weight
    path = tmp_path / "fw.toml"
    path.write_bytes(_dump(data, "toml"))
    return path


def test_a_subnormal_weight_is_refused(tmp_path: Path) -> None:
    """Reproducer: weights of 5e-324 passed and scored 0.5 where equal weights give 0.667."""
    code, output = run_cli(["validate", str(_framework_with_weights(tmp_path, 5e-324))])
    _assert_refused(code, output, "weight 5e-324")
    assert "at least 1e-06" in output
    assert run_cli(["validate", str(_framework_with_weights(tmp_path, 1e-6))])[0] == 0


@pytest.mark.parametrize("km", ["1e-310", "1e-50", "1e-7"])
def test_a_tiny_km_per_rank_is_refused(tmp_path: Path, km: str) -> None:
    """Reproducer: 1e-310 gave a scipy ValueError traceback, 1e-50 the false "cannot be split into groups"."""
    path = tmp_path / "participants.toml"
    path.write_bytes(_dump(BASES["participants"][0], "toml"))
    code, output = run_cli(["programme", "plan", "qdfh-2019", "--participants", str(path), "--km-per-rank", km])
    _assert_refused(code, output, f"km_per_rank {km}")
    assert "km_per_rank: must be at least 1e-06" in output
    assert "cannot be split" not in output


# -- control and bidi characters: escaped on a terminal, in TOML and in workbooks ----------------

import contextlib  # noqa: E402
import io as _io  # noqa: E402
import tomllib  # noqa: E402

from qframework.cli import main  # noqa: E402

EVIL = "\x1b]0;pwned\x07\x1b[2J Ti\x00tel\u202eevil\x7f\x9b"


def _evil_framework(tmp_path: Path) -> Path:
    data = _copy(BASES["framework"][0])
    data["title"] = EVIL
    dim = data["dimensions"][0]
    dim["title"] = dim["indicators"][0]["title"] = dim["indicators"][0]["description"] = EVIL
    path = tmp_path / "evil.toml"
    path.write_bytes(_dump(data, "toml"))
    return path


class _Terminal(_io.StringIO):
    def isatty(self) -> bool:
        return True


def _on_terminal(argv: list[str]) -> tuple[int, str]:
    out, err = _Terminal(), _Terminal()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue() + err.getvalue()


def test_control_and_bidi_characters_reach_a_terminal_escaped(tmp_path: Path) -> None:
    """Reproducer: a title could retitle and clear the terminal (``show``, ``score``, ``template``)."""
    path = _evil_framework(tmp_path)
    code, output = _on_terminal(["show", "-d", str(path)])
    assert code == 0
    assert "\\x1b]0;pwned\\x07" in output  # shown, as an escape
    assert not any(c in output for c in "\x1b\x07\x00\u202e\x7f\x9b")


def test_output_into_a_file_or_pipe_is_left_as_data(tmp_path: Path) -> None:
    code, output = run_cli(["show", "-d", str(_evil_framework(tmp_path))])  # StringIO: not a terminal
    assert code == 0
    assert "\x1b]0;pwned\x07" in output  # the text as it is in the file


def test_a_template_of_a_framework_with_control_characters_is_valid_toml(tmp_path: Path) -> None:
    """Reproducer: ``template`` wrote TOML that did not parse."""
    path = _evil_framework(tmp_path)
    out = tmp_path / "template.toml"
    code, output = run_cli(["template", str(path), "--period", "2024", "-o", str(out)])
    assert code == 0, output
    text = out.read_text(encoding="utf-8")
    tomllib.loads(text)
    assert not any(c in text for c in "\x1b\x07\x00\u202e\x7f\x9b")


def test_a_workbook_of_a_framework_with_control_characters_is_written(tmp_path: Path) -> None:
    """Reproducer: the xlsx template raised IllegalCharacterError."""
    out = tmp_path / "template.xlsx"
    code, output = run_cli(["template", str(_evil_framework(tmp_path)), "--format", "xlsx", "-o", str(out)])
    assert code == 0, output
    import openpyxl

    wb = openpyxl.load_workbook(out)
    texts = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("\\x1b]0;pwned" in t for t in texts)
    assert not any(ch in t for t in texts for ch in "\x1b\x07\x00\u202e")


def test_a_scorecard_table_with_control_characters_in_the_period_is_written(tmp_path: Path) -> None:
    data = _copy(BASES["assessment"][0])
    data["period"] = "2024\x1b[2J\u202e"
    source = tmp_path / "a.toml"
    source.write_bytes(_dump(data, "toml"))
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"score.{fmt}"
        code, output = run_cli(["score", "--format", fmt, "-o", str(out), str(source)])
        assert code == 0, output
        if fmt == "csv":
            assert "\x1b" not in out.read_text(encoding="utf-8-sig")


# -- reports: user templates' errors, Markdown lists, assignments that break their rules -----------

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{% if %}\n", "line 1: template syntax error"),
        ("x {{ nope.really }}\n", "a name the report does not have: 'nope' is undefined"),
        ("{{ 1 // 0 }}\n", "ZeroDivisionError"),
    ],
)
def test_a_user_templates_error_is_a_problem(tmp_path: Path, body: str, expected: str) -> None:
    """Reproducer: a --templates DIR template with a syntax error or undefined variable gave a traceback."""
    (tmp_path / "assessment.md").write_text(body, encoding="utf-8")
    argv = ["report", "assessment", str(EXAMPLES / "landkreis-beispiel-2024.toml"), "--format", "markdown"]
    code, output = run_cli([*argv, "--templates", str(tmp_path)])
    _assert_refused(code, output, body)
    assert expected in output
    assert str(tmp_path / "assessment.md") in output


def test_markdown_escapes_a_parenthesised_list_number_at_a_line_start() -> None:
    """Reproducer: ``1)`` at a line start became a list in Markdown reports."""
    from qframework.report.render import markdown_escape

    assert markdown_escape("1) Netzwerk") == "1\\) Netzwerk"
    assert markdown_escape("12. Punkt") == "12\\. Punkt"
    assert markdown_escape("Stufe 1) gut") == "Stufe 1) gut"


def test_report_assignment_refuses_a_member_who_is_not_a_participant(tmp_path: Path) -> None:
    """Reproducer: ``report assignment`` rendered a group member who is not a participant (``check`` refuses)."""
    text = (EXAMPLES / "assignment-problem.toml").read_text(encoding="utf-8")
    first = 'members = ["rendsburg-eckernfoerde",'
    broken = text.replace(first, first.replace("[", '["gibt-es-nicht", '))
    assert broken != text
    path = tmp_path / "problem.toml"
    path.write_text(broken, encoding="utf-8")
    assert run_cli(["check", str(path)])[0] == 1
    code, output = run_cli(["report", "assignment", str(path), "--format", "markdown"])
    _assert_refused(code, output, "report assignment")
    assert "gibt-es-nicht" in output
    assert run_cli(["report", "assignment", str(EXAMPLES / "assignment-problem.toml"), "--format", "markdown"])[0] == 0


def test_a_corrupt_deflate_stream_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the workbook fuzzer: zlib.error escaped the zip check."""
    data = bytearray(filled())
    with zipfile.ZipFile(BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/styles.xml")
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    (found,) = _refusal(bytes(data), monkeypatch)
    assert "broken part 'xl/styles.xml'" in found


def test_a_toml_file_over_its_limit_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reproducer: a 62 MiB TOML with 10⁶ ratings (within the 64 MiB limit) took 71-152 s and 867 MB."""
    from qframework import io as qio

    monkeypatch.delenv("QFRAMEWORK_MAX_FILE_BYTES", raising=False)
    path = tmp_path / "big.toml"
    path.write_bytes(b"# padding\n" * (qio.DEFAULT_MAX_TOML_BYTES // 10 + 1))

    def no_parser(text: str) -> None:
        raise AssertionError("the TOML parser saw a file over the limit")

    monkeypatch.setattr(tomllib, "loads", no_parser)
    code, output = run_cli(["validate", str(path)])
    _assert_refused(code, output, "big TOML")
    assert "the limit for TOML" in output


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="owners and modes are POSIX")
def test_the_default_cache_folder_left_group_writable_is_tightened_a_named_one_never(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder an older qframework made under umask 002 (0775) is made 0700 on the next store;
    a folder the user named with QFRAMEWORK_CACHE_DIR keeps its mode and is just not used."""
    monkeypatch.delenv("QFRAMEWORK_NO_CACHE", raising=False)
    monkeypatch.delenv("QFRAMEWORK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sys, "platform", "linux")
    default = Path(cache.cache_dir())
    default.mkdir(parents=True)
    default.chmod(0o775)
    cache.store((b"probe",), "x")
    assert stat.S_IMODE(default.stat().st_mode) == 0o700
    assert cache.lookup((b"probe",)) == "x"
    named = tmp_path / "named"
    named.mkdir()
    named.chmod(0o775)
    monkeypatch.setenv("QFRAMEWORK_CACHE_DIR", str(named))
    cache.store((b"probe",), "x")
    assert stat.S_IMODE(named.stat().st_mode) == 0o775
    assert cache.lookup((b"probe",)) is None
