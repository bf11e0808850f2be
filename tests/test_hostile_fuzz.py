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
]


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
    op = rng.randrange(7)
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


def _text(data: Any, fmt: str) -> bytes | None:
    try:
        if fmt == "json":
            return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")
        return tomli_w.dumps(data).encode("utf-8")
    except (TypeError, ValueError, RecursionError):
        return None  # TOML cannot write this mutation (e.g. a top-level list): nothing to try


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
        body = _text(data, fmt)
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
    assert sum(tried.values()) >= CASES * 0.9, tried  # the generator really tried what it says
    assert answers.get(1, 0) > CASES // 2, answers  # most mutations are refused, as they should be
