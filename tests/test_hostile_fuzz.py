"""A seeded mutation fuzzer over every document kind: no mutation of a valid file ends in a traceback.

Each case takes a valid document, applies one to three mutations (replace a value by a hostile
one, delete a key, add an unknown or odd key, wrap or unwrap a value, nest deeply), writes it as
TOML or JSON and runs ``qframework validate`` in-process. The answer must be "valid" (exit 0) or a
list of problems (exit 1): any other exception escapes :func:`qframework.cli.main` and fails the
test. 2,000 cases run in CI; ``QFRAMEWORK_FUZZ_CASES=N`` runs N.
"""

from __future__ import annotations

import json
import os
import random
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from test_hostile import BASES, _copy, run_cli

CASES = int(os.environ.get("QFRAMEWORK_FUZZ_CASES", "2000"))
SEED = int(os.environ.get("QFRAMEWORK_FUZZ_SEED", "15"))

HOSTILE_VALUES: list[Any] = [
    "",
    " ",
    "cab",
    "²",
    "a\x00b",
    "\u202eevil",
    "x" * 300,
    0,
    -1,
    2**53,
    10**400,
    -(10**30),
    1e308,
    -0.0,
    float("inf"),
    float("nan"),
    True,
    [],
    [[]],
    {},
    {"²": 1},
    ["listed"],
    {"name": "tabled"},
    "2024-13-45",
    # issue 27: lone surrogates, terminal escapes, bidi controls, invisible and unnormalised text
    "2024\ud800",
    "\udc80x",
    "\x1b]0;pwned\x07\x1b[2J",
    "a\u202eb\u2066c",
    "\u3164",
    "x\u2800",
    "jose\u0301",
    "\ufeffid",
    "x\x7f\x9b",
    5e-324,
    1e-310,
]

#: Fields the readers know by name: nesting inside them reaches the typed decoders (issue 27).
KNOWN_FIELDS = ("period", "notes", "subject", "value", "title", "name", "id", "rater", "evidence", "comment")


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if len(prefix) > 40:  # inside a deep nest made by an earlier mutation: nothing new to find
        return out
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _mutate(data: Any, rng: random.Random) -> Any:
    paths = [p for p in _paths(data) if p]
    if not paths:
        return data
    path = rng.choice(paths)
    parent, key = _get(data, path[:-1]), path[-1]
    op = rng.randrange(8)
    if op == 7:  # deep nesting inside a field the readers know by name
        known = [p for p in paths if p[-1] in KNOWN_FIELDS]
        if known:
            path = rng.choice(known)
            parent, key = _get(data, path[:-1]), path[-1]
        op = 6
    if op <= 2:
        parent[key] = rng.choice(HOSTILE_VALUES)
    elif op == 3 and isinstance(parent, dict):
        del parent[key]
    elif op == 3:
        parent.pop(key)
    elif op == 4 and isinstance(parent, dict):
        parent[rng.choice(["²", "x", "\u202e", "id", "name"])] = rng.choice(HOSTILE_VALUES)
    elif op == 5:
        value = parent[key]
        parent[key] = [value] if not isinstance(value, list) else (value[0] if value else "")
    else:
        deep: Any = rng.choice(HOSTILE_VALUES)
        for _ in range(rng.choice([5, 40, 300])):
            deep = [deep]
        parent[key] = deep
    return data


def _text(data: Any, fmt: str, rng: random.Random) -> bytes | None:
    try:
        if fmt == "json":
            if rng.random() < 0.5:  # a lone surrogate as the escape \ud800, which JSON allows
                return json.dumps(data, ensure_ascii=True).encode("ascii")
            return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")  # or as bytes
        return tomli_w.dumps(data).encode("utf-8")
    except (TypeError, ValueError, RecursionError):
        return None  # TOML cannot write this mutation (e.g. a top-level list, a surrogate): nothing to try


#: What else runs on a file ``validate`` accepted: the writers, which once failed late (issue 27).
WRITERS = {
    "assessment": [["score", "--json", "{}"], ["score", "--format", "csv", "-o", "{out}.csv", "{}"]],
    "assessments": [["score", "{}"]],
    "framework": [["template", "{}", "-o", "{out}.toml"]],
}


def test_mutated_documents_never_end_in_a_traceback(tmp_path: Path) -> None:
    """Rule: every mutation of every document kind is answered "valid" or with problems (exit 0 or 1),
    never with an exception other than a qframework error, and never with a person's name."""
    rng = random.Random(SEED)
    kinds = sorted(BASES)
    tried: dict[str, int] = dict.fromkeys(kinds, 0)
    answers: dict[int, int] = {}
    for case in range(CASES):
        kind = kinds[case % len(kinds)]
        base, base_fmt = BASES[kind]
        fmt = base_fmt if base_fmt == "json" else rng.choice(["toml", "json"])
        data = _copy(base)
        for _ in range(rng.randint(1, 3)):
            data = _mutate(data, rng)
        body = _text(data, fmt, rng)
        if body is None:
            continue
        path = tmp_path / f"case{case % 7}.{fmt}"
        path.write_bytes(body)
        code, output = run_cli(["validate", str(path)])
        tried[kind] += 1
        answers[code] = answers.get(code, 0) + 1
        assert code in (0, 1), f"case {case} ({kind}, seed {SEED}): exit {code}\n{output[-1500:]}"
        assert "Traceback" not in output
        assert "Mustermann" not in output, f"case {case} ({kind}): printed a person's name\n{output}"
        if code == 0 and case % 3 == 0:  # a third of the accepted files: the writers cost more than validate
            for argv in WRITERS.get(kind, []):
                argv = [a.replace("{out}", str(tmp_path / "out")).replace("{}", str(path)) for a in argv]
                wrote, said = run_cli(argv)
                assert wrote in (0, 1), f"case {case} ({kind}): {' '.join(argv)}: exit {wrote}\n{said[-1500:]}"
                assert "Traceback" not in said
                if argv[0] == "template" and wrote == 0:
                    tomllib.loads((tmp_path / "out.toml").read_text(encoding="utf-8"))  # what it wrote parses
    assert sum(tried.values()) >= CASES * 0.9, tried  # the generator really tried what it says
    assert answers.get(1, 0) > CASES // 2, answers  # most mutations are refused, as they should be


# -- workbook structure: entries, styles, shared strings, flags (issue 27) --------------------------

WORKBOOK_CASES = int(os.environ.get("QFRAMEWORK_FUZZ_WORKBOOK_CASES", "120"))


def _workbook_mutation(data: bytes, rng: random.Random) -> bytes:
    """One structural mutation of a filled template: extra or missing entries, bloated or broken
    styles and shared strings, zip flags and compression methods, flipped or cut bytes."""
    import io
    import zipfile

    from qframework import excel

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    op = rng.randrange(9)
    name = rng.choice(sorted(parts))
    if op == 0:  # many extra entries
        for i in range(rng.choice([10, 300, excel.MAX_ENTRIES])):
            parts[f"xl/worksheets/x{i}.xml"] = b""
    elif op == 1:  # styles: records near and beyond the limit, any prefix
        n = rng.choice([50, excel.MAX_STYLE_RECORDS - 10, excel.MAX_STYLE_RECORDS + 1])
        tag = rng.choice(["xf", "x:xf", "font", "fill"])
        parts["xl/styles.xml"] = (
            b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>'
            + f"<{tag}/>".encode() * n
            + b"</cellXfs></styleSheet>"
        )
    elif op == 2:  # shared strings near and beyond the limit
        n = rng.choice([5, excel.MAX_SHARED_STRINGS - 10, excel.MAX_SHARED_STRINGS + 1])
        parts["xl/sharedStrings.xml"] = (
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"<si><t>a</t></si>" * n
            + b"</sst>"
        )
    elif op == 3:  # a part removed
        del parts[name]
    elif op == 4:  # a part's bytes flipped
        body = bytearray(parts[name])
        for _ in range(rng.randint(1, 8)):
            if body:
                body[rng.randrange(len(body))] = rng.randrange(256)
        parts[name] = bytes(body)
    elif op == 5:  # a part cut short
        parts[name] = parts[name][: rng.randrange(len(parts[name]) + 1)]
    elif op == 6:  # a wide row or merged cells in a worksheet
        sheet = rng.choice([n for n in parts if n.startswith("xl/worksheets/")] or [name])
        extra = rng.choice(
            [
                b'<row r="6">' + b'<c r="B6"/>' * rng.choice([20, excel.MAX_ROW_CELLS + 1]) + b"</row>",
                b'</sheetData><mergeCells><mergeCell ref="A1:B2"/></mergeCells><sheetData>',
            ]
        )
        parts[sheet] = parts[sheet].replace(b"</sheetData>", extra + b"</sheetData>", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for part, body in parts.items():
            dst.writestr(part, body)
    result = out.getvalue()
    if op == 7:  # the "encrypted" flag or an unknown compression method on one entry
        field, value = rng.choice([(6, 1), (8, 99), (8, 12)])
        pos = result.find(b"PK\x03\x04")
        cut = bytearray(result)
        cut[pos + field : pos + field + 2] = value.to_bytes(2, "little")
        central = result.find(b"PK\x01\x02")
        cut[central + field + 2 : central + field + 4] = value.to_bytes(2, "little")
        result = bytes(cut)
    elif op == 8:  # raw bytes flipped anywhere in the archive
        cut = bytearray(result)
        for _ in range(rng.randint(1, 4)):
            cut[rng.randrange(len(cut))] = rng.randrange(256)
        result = bytes(cut)
    return result


def test_mutated_workbooks_are_read_or_refused_never_a_traceback() -> None:
    """Rule: a workbook of any structure is read or refused with problems (ValidationError), in one
    bounded pass: never another exception, never openpyxl's own error."""
    from test_excel import REG, filled

    from qframework.errors import ValidationError
    from qframework.excel import loads_assessment_xlsx

    rng = random.Random(SEED)
    from qframework.i18n import language

    with language("de"):  # the German template: the cell addresses name its sheets
        base = filled(**{"Netzwerk!C5": "Stufe 4"})
    outcomes = {"read": 0, "refused": 0}
    for case in range(WORKBOOK_CASES):
        data = _workbook_mutation(base, rng)
        try:
            loads_assessment_xlsx(data, registry=REG, file="x.xlsx")
        except ValidationError as exc:
            assert exc.problems, f"workbook case {case}: refused without a problem"
            outcomes["refused"] += 1
        else:
            outcomes["read"] += 1
    assert outcomes["refused"] > WORKBOOK_CASES // 3, outcomes
    assert outcomes["read"] > 0, outcomes
