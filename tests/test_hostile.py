"""Hostile input: every file a user hands qframework gets a clear error, never a traceback.

For every document kind, a generator builds hostile files of each class (deep nesting, numbers
beyond range, Unicode tricks, special files, strings where lists belong, duplicate JSON keys,
oversized files, personal data where it does not belong) and runs every command that reads that
kind. Each run must end with exit status 1 or 2, print no traceback and no person's name. Most run
in-process through :func:`qframework.cli.main`; a sample runs as a subprocess under a time limit
and a memory limit (``resource.setrlimit`` in the child), which is how a hang or a memory blow-up
would show.
"""

from __future__ import annotations

import contextlib
import io as _io
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from qframework.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
PERSON = "Erika Mustermann"  # a person's name that must never be printed without --show-names

# -- the valid documents every hostile file starts from ------------------------------------------


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def _bases() -> dict[str, tuple[dict[str, Any], str]]:
    """Kind → (valid data, format)."""
    problem = _toml("assignment-problem.toml")
    problem.pop("assignment", None)
    roster = _toml("roster-bremen.toml")
    roster["delegates"][0]["name"] = PERSON
    assessment = _toml("landkreis-beispiel-2024.toml")
    assessment["raters"][0]["name"] = PERSON
    bulk = {
        "framework_id": assessment["framework_id"],
        "framework_version": assessment["framework_version"],
        "assessments": [
            {
                "subject": assessment["subject"],
                "period": assessment["period"],
                "ratings": {
                    "indicator": [r["indicator"] for r in assessment["ratings"]],
                    "value": [r.get("value") for r in assessment["ratings"]],
                },
            }
        ],
    }
    return {
        "framework": (_toml("mein-rahmen.toml"), "toml"),
        "assessment": (assessment, "toml"),
        "assessments": (bulk, "json"),
        "assignment-problem": (problem, "toml"),
        "roster": (roster, "toml"),
        "participants": ({"participants": problem["participants"]}, "toml"),
        "crosswalk": (_toml("my-crosswalk.toml"), "toml"),
    }


BASES = _bases()

#: Kind → every command that reads a file of that kind (``{}`` is the file).
COMMANDS: dict[str, list[list[str]]] = {
    "framework": [["validate", "{}"], ["show", "{}"]],
    "assessment": [["validate", "{}"], ["score", "{}"], ["score", "--json", "{}"], ["compare", "{}", "{}"]],
    "assessments": [["validate", "{}"], ["score", "{}"]],
    "assignment-problem": [["validate", "{}"], ["assign", "{}"], ["check", "{}"]],
    "roster": [["validate", "{}"], ["programme", "roster", "{}"]],
    "participants": [["programme", "plan", "qdfh-2019", "--participants", "{}"]],
    "crosswalk": [["validate", "{}"]],
}


def _dump(data: Any, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    return tomli_w.dumps(data).encode("utf-8")


def _first(data: Any, want: Callable[[Any], bool]) -> tuple[Any, Any] | None:
    """(container, key) of the first value in ``data`` for which ``want`` holds (depth first)."""
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        if want(value):
            return data, key
        found = _first(value, want)
        if found:
            return found
    return None


def _copy(data: Any) -> Any:
    return json.loads(json.dumps(data))


def _set_first(data: Any, want: Callable[[Any], bool], new: Any) -> Any:
    out = _copy(data)
    found = _first(out, want)
    if found is None:
        out["hostile"] = new
    else:
        found[0][found[1]] = new
    return out


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_id(v: Any) -> bool:
    return isinstance(v, str) and v.isascii() and v.replace("-", "").isalnum()


# -- hostile files: class → kind → bytes ---------------------------------------------------------


def _deep(fmt: str, depth: int) -> bytes:
    if fmt == "json":
        return ('{"x": ' + "[" * depth + "]" * depth + "}").encode()
    return ("x = " + "[" * depth + "]" * depth + "\n").encode()


def _hostile(kind: str) -> dict[str, bytes]:
    data, fmt = BASES[kind]
    cases: dict[str, bytes] = {
        "nesting/100": _deep(fmt, 100),
        "nesting/1000": _deep(fmt, 1000),
        "nesting/100000": _deep(fmt, 100_000),
        "numbers/5000-digits": _dump(data, fmt).replace(b"\n", b"\n", 1) + b"\nzz = " + b"9" * 5000 + b"\n"
        if fmt == "toml"
        else json.dumps(data)[:-1].encode() + b', "zz": ' + b"9" * 5000 + b"}",
        "numbers/10^400": _dump(_set_first(data, _is_number, 10**400), fmt),
        "numbers/2^63": _dump(_set_first(data, _is_number, 2**63), fmt),
        "numbers/-10^30": _dump(_set_first(data, _is_number, -(10**30)), fmt),
        "unicode/key-superscript": _dump({**_copy(data), "²": 1}, fmt),
        "unicode/id-nul": _dump(_set_first(data, _is_id, "a\x00b"), fmt),
        "unicode/id-rtl-override": _dump(_set_first(data, _is_id, "abc\u202egpj.exe"), fmt),
        "unicode/not-utf8": b"\xff\xfe" + _dump(data, fmt),
        "types/string-for-list": _dump(_set_first(data, lambda v: isinstance(v, list), "cab"), fmt),
        "types/table-for-text": _dump(_set_first(data, _is_id, {"x": 1}), fmt),
        "types/top-level-list": b"[1, 2]" if fmt == "json" else b"x = [1, 2]\n",
    }
    if fmt == "json":
        text = json.dumps(data)
        cases["json/duplicate-key"] = ('{"assessments": [], ' + text[1:]).encode()
        cases["json/NaN"] = (text[:-1] + ', "zz": NaN}').encode()
        cases["json/1e400"] = _dump(_set_first(data, _is_number, 0), fmt).replace(b": 0", b": 1e400", 1)
    else:
        cases["numbers/inf"] = _dump(_set_first(data, _is_number, float("inf")), fmt)
        cases["numbers/nan"] = _dump(_set_first(data, _is_number, float("nan")), fmt)
    if kind == "roster":
        hidden = _copy(data)
        hidden["delegates"][0]["name"] = [PERSON]
        cases["privacy/name-as-list"] = _dump(hidden, fmt)
        hidden["delegates"][0]["name"] = {"first": PERSON}
        cases["privacy/name-as-table"] = _dump(hidden, fmt)
        hidden["delegates"][0]["name"] = PERSON
        hidden["delegates"][0]["role"] = 7
        cases["privacy/other-field-broken"] = _dump(hidden, fmt)
    if kind == "assessment":
        hidden = _copy(data)
        hidden["raters"][0]["name"] = [PERSON]
        cases["privacy/rater-name-as-list"] = _dump(hidden, fmt)
        # issue 27: a name typed into an id field, raters written as a list of names
        hidden = _copy(data)
        hidden["raters"][0]["id"] = PERSON
        cases["privacy/name-in-rater-id"] = _dump(hidden, fmt)
        hidden = _copy(data)
        hidden["subject"]["id"] = PERSON
        cases["privacy/name-in-subject-id"] = _dump(hidden, fmt)
        hidden = _copy(data)
        hidden["raters"] = [PERSON, "Max Mustermann"]
        cases["privacy/raters-as-list-of-names"] = _dump(hidden, fmt)
    if kind == "participants":
        cases["silent/empty-participants"] = _dump({}, fmt)
        cases["silent/empty-participants-list"] = b"participants = []\n"
    if kind == "assignment-problem":
        blowup = _copy(data)
        blowup["rules"]["topics"] = [{"id": f"t{i}"} for i in range(2000)]
        blowup["rules"]["mandatory_topics"] = []
        blowup["rules"]["topics_per_participant"] = 2
        blowup["participants"] = [{"id": "p1"}]
        cases["solver/2000-topics-groups"] = _dump(blowup, fmt)
        blowup["rules"]["topics"] = [{"id": f"t{i}"} for i in range(200)]
        blowup["rules"]["topics_per_participant"] = 3
        cases["solver/200-topics-3-each"] = _dump(blowup, fmt)
        big = _copy(data)
        big["rules"]["capacity"] = {"min": 0, "max": 10**15}
        cases["numbers/capacity-10^15"] = _dump(big, fmt)
        big = _copy(data)
        big["rules"]["objective"] = {"unranked_rank": 10**12}
        cases["numbers/unranked-rank-10^12"] = _dump(big, fmt)
    return cases


CASES = [(kind, name, body) for kind in BASES for name, body in _hostile(kind).items()]
SUFFIX = {"toml": ".toml", "json": ".json"}


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Run one command in-process: (exit status, stdout + stderr). Any exception but SystemExit escapes."""
    out, err = _io.StringIO(), _io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse refusing an argument
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue() + err.getvalue()


def _argvs(kind: str, path: Path) -> list[list[str]]:
    return [[str(path) if a == "{}" else a for a in argv] for argv in COMMANDS[kind]]


def _assert_refused(code: int, output: str, what: str) -> None:
    assert code in (1, 2), f"{what}: exit {code}\n{output[-2000:]}"
    assert "Traceback" not in output, f"{what}: traceback\n{output[-2000:]}"
    assert "Mustermann" not in output, f"{what}: printed a person's name\n{output[-2000:]}"
    assert output.strip(), f"{what}: refused without saying why"


@pytest.mark.parametrize(("kind", "name", "body"), CASES, ids=[f"{k}:{n}" for k, n, _ in CASES])
def test_every_command_refuses_every_hostile_file_cleanly(tmp_path: Path, kind: str, name: str, body: bytes) -> None:
    """Rule: every command reading a hostile file of its kind exits 1 or 2, says why, shows no traceback
    and no person's name."""
    path = tmp_path / f"hostile{SUFFIX[BASES[kind][1]]}"
    path.write_bytes(body)
    argvs = _argvs(kind, path)
    if name.startswith("solver/"):  # a valid file: only solving it must be refused (in bounded time)
        argvs = [a for a in argvs if a[0] == "assign"]
    for argv in argvs:
        code, output = run_cli(argv)
        _assert_refused(code, output, f"{kind} {name}: {' '.join(argv)}")


def _special_files(tmp_path: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    if Path("/dev/zero").exists():
        (tmp_path / "zero.toml").symlink_to("/dev/zero")
        out["device-dev-zero"] = tmp_path / "zero.toml"
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.toml")
        out["fifo"] = tmp_path / "fifo.toml"
    (tmp_path / "folder.toml").mkdir()
    out["folder"] = tmp_path / "folder.toml"
    (tmp_path / "dangling.toml").symlink_to(tmp_path / "nowhere")
    out["dangling-link"] = tmp_path / "dangling.toml"
    return out


@pytest.mark.parametrize("kind", list(BASES))
def test_special_files_are_refused_not_read(tmp_path: Path, kind: str) -> None:
    """Rule: only regular files are read; a device, pipe or folder is refused (never read forever)."""
    for name, path in _special_files(tmp_path).items():
        if BASES[kind][1] == "json":
            continue
        for argv in _argvs(kind, path):
            code, output = run_cli(argv)
            _assert_refused(code, output, f"{kind} {name}: {' '.join(argv)}")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a file larger than QFRAMEWORK_MAX_FILE_BYTES is refused, naming the limit."""
    data, fmt = BASES["framework"]
    path = tmp_path / "big.toml"
    path.write_bytes(_dump(data, fmt))
    monkeypatch.setenv("QFRAMEWORK_MAX_FILE_BYTES", "100")
    code, output = run_cli(["validate", str(path)])
    _assert_refused(code, output, "oversized")
    assert "QFRAMEWORK_MAX_FILE_BYTES" in output


def test_threshold_nan_is_refused(tmp_path: Path) -> None:
    """Rule: ``--threshold nan`` (which matches no spread) is an argument error, not an empty answer."""
    for value in ("nan", "inf", "-0.1", "1.5"):
        code, output = run_cli(["score", "--threshold", value, str(EXAMPLES / "landkreis-beispiel-2024.toml")])
        _assert_refused(code, output, f"--threshold {value}")


# -- the same, as subprocesses: time and memory bounded -------------------------------------------

MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the child


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


SAMPLE = sorted({name.split("/")[0]: (kind, name, body) for kind, name, body in CASES}.values())


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
def test_a_sample_as_subprocesses_ends_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Rule: a hostile file never hangs a command or exhausts memory (one case per class, plus special files)."""
    runs: list[tuple[str, Path, list[str]]] = []
    for kind, name, body in SAMPLE:
        path = tmp_path / f"{name.replace('/', '-')}{SUFFIX[BASES[kind][1]]}"
        path.write_bytes(body)
        runs.append((f"{kind} {name}", path, _argvs(kind, path)[-1]))
    for name, path in _special_files(tmp_path).items():
        runs.append((name, path, ["validate", str(path)]))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for what, _path, argv in runs:
        proc = subprocess.run(
            [sys.executable, "-m", "qframework", *argv],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            preexec_fn=_limit_memory,
        )
        _assert_refused(proc.returncode, proc.stdout + proc.stderr, what)


# -- hostile plugins ---------------------------------------------------------------------------------


class _Odd(BaseException):
    """A BaseException subclass that is neither Exception nor KeyboardInterrupt."""


def _raiser(exc: BaseException) -> object:
    from qframework import hookimpl

    class Hostile:
        @hookimpl
        def qframework_frameworks(self, register: Callable[[Any], None]) -> None:
            raise exc

    return Hostile()


@pytest.mark.parametrize(
    "exc",
    [SystemExit(3), _Odd("odd"), RuntimeError("boom"), RecursionError(), MemoryError(), GeneratorExit()],
    ids=lambda e: type(e).__name__,
)
def test_a_plugin_hook_raising_anything_but_keyboard_interrupt_is_recorded(exc: BaseException) -> None:
    """Rule: whatever a hook raises (short of KeyboardInterrupt) is a recorded failure; the others load."""
    from qframework.aggregation import MEAN
    from qframework.plugins import PluginInfo, load_registry, make_plugin_manager

    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(_raiser(exc), PluginInfo("hostile", "0.1", "tests.hostile"))
    registry = load_registry(pm)
    assert [f.plugin for f in registry.failures] == ["hostile"]
    assert type(exc).__name__ in registry.failures[0].message
    assert registry.aggregations["mean"] == MEAN  # the built-in plugin still loaded


def test_a_keyboard_interrupt_in_a_hook_still_stops() -> None:
    from qframework.plugins import PluginInfo, load_registry, make_plugin_manager

    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(_raiser(KeyboardInterrupt()), PluginInfo("hostile", "0.1", "tests.hostile"))
    with pytest.raises(KeyboardInterrupt):
        load_registry(pm)


@pytest.mark.parametrize(
    "function",
    [lambda v: 1 / 0, lambda v: sys.exit(2), lambda v: float("nan"), lambda v: "0.5", lambda v: 2.0],
    ids=["raises", "exits", "nan", "text", "out-of-range"],
)
def test_an_aggregation_that_misbehaves_is_a_plugin_error_naming_it(function: Callable[[Any], Any]) -> None:
    """Rule: an aggregation that raises (even SystemExit) or returns no number in 0..1 is a PluginError."""
    from qframework import Aggregation, load_assessment, load_registry, score
    from qframework.errors import PluginError

    registry = load_registry()
    card_input = load_assessment(EXAMPLES / "landkreis-beispiel-2024.toml", registry=registry)
    framework = registry.framework(card_input.framework, card_input.framework_version)
    broken = Aggregation("broken", "Broken", function)
    with pytest.raises(PluginError, match="'broken'"):
        score(card_input, framework, aggregation=broken)


def test_a_description_with_crlf_survives_a_toml_save_and_load(tmp_path: Path) -> None:
    """Rule: TOML saving is lossless even for text with carriage returns (a TOML reader folds
    "\\r\\n" inside multi-line strings to "\\n")."""
    import attrs

    from qframework.io import load_framework, save

    framework = load_framework(EXAMPLES / "mein-rahmen.toml")
    changed = attrs.evolve(framework, description="line one\r\nline two\rend")
    save(changed, tmp_path / "crlf.toml")
    assert load_framework(tmp_path / "crlf.toml").description == "line one\r\nline two\rend"


def test_a_failing_folder_fsync_after_the_rename_does_not_fail_the_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: once the new file is in place, a folder that refuses fsync is no error of the save."""
    from qframework.io import atomic_write

    real_fsync = os.fsync
    calls: list[int] = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) > 1:  # the first is the file itself; the second the folder
            raise PermissionError(13, "Permission denied")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    atomic_write(tmp_path / "out.txt", "new")
    assert (tmp_path / "out.txt").read_text() == "new"
    assert len(calls) == 2


def test_save_assessments_refuses_a_toml_name(tmp_path: Path) -> None:
    """Rule: the bulk format is JSON; a .toml name is refused instead of holding JSON."""
    from qframework import load_assessment, save_assessments
    from qframework.errors import ValidationError

    one = load_assessment(EXAMPLES / "landkreis-beispiel-2024.toml")
    with pytest.raises(ValidationError, match=r"\.json"):
        save_assessments([one], tmp_path / "x.toml")
    assert not (tmp_path / "x.toml").exists()


def test_a_json_object_with_a_key_twice_is_refused() -> None:
    from qframework.errors import ValidationError
    from qframework.io import parse

    with pytest.raises(ValidationError, match="'id' twice"):
        parse('{"id": "a", "id": "b"}', format="json")
