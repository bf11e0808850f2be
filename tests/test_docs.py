"""Every code block in README.md and docs/*.md runs, validates or matches what ships.

A fenced block's language says what is done with it:

- ``sh``: every ``qframework …`` line runs against the installed CLI (the test interpreter's
  ``bin`` first on ``PATH``; ``.venv/bin/qframework`` resolves to the same) from a copy of the
  repository's ``docs/examples/``, as from the root of a clone, and must exit 0. Lines that
  create a virtual environment or ``pip install`` are checked for shape (the paths and extras they
  name exist), not run. Any other command fails the test, so nothing is silently skipped.
- ``python``: executed as a script in the same place (the example plugin importable). Every
  ``python`` block (also those not run) and every ``examples/*.py`` must pass ``mypy --strict``:
  the code a tool builder copies type-checks against the public API as written.
- ``toml`` / ``json``: parsed, then validated as the qframework document they are
  (``qframework validate``).
- ``text``: output, directory trees and command synopses; never run.

An HTML comment on the line before a block changes that:

- ``<!-- file: PATH -->``: the block is the shipped file PATH, character for character (the file
  itself is validated or run as above, or by tests/test_packaging.py).
- ``<!-- rules: PROGRAMME -->``: the block's ``[rules]`` equal the shipped programme's rules.
- ``<!-- not run: REASON -->``: shown only; the reason is visible in the source.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from qframework import io
from qframework.assignment import AssignmentRules
from qframework.cli import main as cli_main
from qframework.plugins import load_registry

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LANGUAGES = {"sh", "python", "toml", "json", "text"}
MARKER = re.compile(r"^<!--\s*(file|rules|not run):\s*(.+?)\s*-->$")


class Block(NamedTuple):
    doc: Path
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    marker: tuple[str, str] | None

    @property
    def name(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"


def _blocks(doc: Path) -> Iterator[Block]:
    lines = doc.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        fence = re.match(r"^(```+)(.*)$", lines[i])
        if not fence:
            i += 1
            continue
        start, body = i, []
        i += 1
        while i < len(lines) and lines[i] != fence.group(1):
            body.append(lines[i])
            i += 1
        before = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        found = MARKER.match(before.strip())
        marker = (found.group(1), found.group(2)) if found else None
        yield Block(doc, start + 1, fence.group(2).strip(), "\n".join(body) + "\n", marker)
        i += 1


BLOCKS = [block for doc in DOCS for block in _blocks(doc)]


def _of(*languages: str) -> list[Any]:
    return [
        pytest.param(b, id=b.name)
        for b in BLOCKS
        if b.language in languages and (not b.marker or b.marker[0] != "not run")
    ]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for the root of a clone: docs/examples/ and a .venv whose bin is the test's."""
    root = tmp_path_factory.mktemp("clone")
    shutil.copytree(ROOT / "docs" / "examples", root / "docs" / "examples")
    (root / ".venv").mkdir()
    (root / ".venv" / "bin").symlink_to(Path(sys.executable).parent, target_is_directory=True)
    return root


def _env(workspace: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    plugin = str(workspace / "docs" / "examples" / "plugin" / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (plugin, env.get("PYTHONPATH", "")) if p)
    env.pop("QFRAMEWORK_PLUGINS", None)
    return env


def test_every_block_says_what_it_is() -> None:
    """An untagged block could hide code that no test runs."""
    unknown = [f"{b.name}: {b.language or '(none)'}" for b in BLOCKS if b.language not in LANGUAGES]
    assert unknown == [], f"tag each block with one of {sorted(LANGUAGES)}"
    reasonless = [b.name for b in BLOCKS if b.marker and not b.marker[1]]
    assert reasonless == []


def test_blocks_are_found() -> None:
    """The extraction itself works: the guides' blocks of every kind are seen."""
    languages = {b.language for b in BLOCKS}
    assert {"sh", "python", "toml", "json"} <= languages
    assert len(BLOCKS) >= 20


# --- shipped files ---------------------------------------------------------------------------


@pytest.mark.parametrize("block", [pytest.param(b, id=b.name) for b in BLOCKS if b.marker and b.marker[0] == "file"])
def test_block_is_the_shipped_file(block: Block) -> None:
    assert block.marker is not None
    path = ROOT / block.marker[1]
    assert path.is_file(), f"{block.name}: {block.marker[1]} does not exist"
    assert block.text == path.read_text(encoding="utf-8"), f"{block.name} differs from {block.marker[1]}"


# --- rules of the shipped programmes -----------------------------------------------------------


@pytest.mark.parametrize("block", [pytest.param(b, id=b.name) for b in BLOCKS if b.marker and b.marker[0] == "rules"])
def test_rules_block_is_the_shipped_programmes_rules(block: Block) -> None:
    assert block.marker is not None
    programme = load_registry().programmes[block.marker[1]]
    shown = io.structure(tomllib.loads(block.text)["rules"], AssignmentRules)
    assert shown == programme.rules, (
        f"{block.name} shows other rules than {block.marker[1]}; the shipped ones are:\n"
        + io.dumps({"rules": io.unstructure(programme.rules)}, format="toml")
    )


# --- documents: validated by kind --------------------------------------------------------------


@pytest.mark.parametrize("block", _of("toml", "json"))
def test_document_block_validates(block: Block, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if block.marker and block.marker[0] == "rules":
        return  # compared with the programme above
    data = tomllib.loads(block.text) if block.language == "toml" else json.loads(block.text)
    if "build-system" in data or "project" in data:  # a pyproject.toml: tests/test_packaging.py installs it
        assert block.marker and block.marker[0] == "file", f"{block.name}: show the complete tested file"
        return
    path = tmp_path / f"block.{block.language}"
    path.write_text(block.text, encoding="utf-8")
    code = cli_main(["validate", str(path)])
    out = capsys.readouterr().out
    assert code == 0, f"{block.name}:\n{out}"
    assert "valid" in out


# --- shell --------------------------------------------------------------------------------------


def _install_line_is_well_formed(line: str) -> None:
    """`python3 -m venv .venv && .venv/bin/pip install … -e PATH …`: every path and extra exists."""
    steps = [shlex.split(step) for step in line.split("&&")]
    assert steps[0][:3] == ["python3", "-m", "venv"], line
    venv = steps[0][3]
    pip = next(s for s in steps if s[0].endswith("/pip"))
    assert pip[0] == f"{venv}/bin/pip" and pip[1] == "install", line
    editable = [pip[i + 1] for i, arg in enumerate(pip) if arg == "-e"]
    assert editable, line
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    for target in editable:
        path, _, rest = target.partition("[")
        assert (ROOT / path / "pyproject.toml").is_file(), f"{line}: {path} is not a project"
        for extra in filter(None, rest.rstrip("]").split(",")):
            assert extra in extras, f"{line}: no extra {extra!r}"
    for step in steps[2:]:
        assert step[0].startswith(f"{venv}/bin/"), line
        assert step[0].rsplit("/", 1)[1] in {"qframework", "ruff", "mypy", "python"}, line


@pytest.mark.parametrize("block", _of("sh"))
def test_shell_block_runs(block: Block, workspace: Path) -> None:
    env = _env(workspace)
    ran = 0
    for line in block.text.splitlines():
        command = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not command:
            continue
        if "pip install" in command or " -m venv" in command:
            _install_line_is_well_formed(command)
            continue
        program = shlex.split(command)[0]
        assert program in {"qframework", ".venv/bin/qframework"}, f"{block.name}: cannot run {command!r}"
        result = subprocess.run(
            command, shell=True, cwd=workspace, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert result.returncode == 0, f"{block.name}: {command}\n{result.stdout}\n{result.stderr}"
        ran += 1
    assert ran or "pip install" in block.text


# --- python -------------------------------------------------------------------------------------


@pytest.mark.parametrize("block", _of("python"))
def test_python_block_runs(block: Block, workspace: Path) -> None:
    if block.marker and block.marker[0] == "file":
        return  # the block is a shipped file, compared above and exercised where it is used
    script = workspace / f"block_{block.doc.stem}_{block.line}.py"
    script.write_text(block.text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=workspace, env=_env(workspace), capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{block.name}:\n{result.stdout}\n{result.stderr}"


def test_python_blocks_and_examples_pass_mypy_strict(tmp_path: Path) -> None:
    """A tool written like the README (``import qframework; qframework.load_registry()``) type-checks.

    Each block is written to its own module (a block that is a shipped file is checked as that file);
    the example plugin is on the search path, as it is installed for the blocks that run.
    """
    files = [str(p) for p in sorted((ROOT / "examples").glob("*.py"))]
    for block in BLOCKS:
        if block.language != "python":
            continue
        if block.marker and block.marker[0] == "file":
            files.append(str(ROOT / block.marker[1]))
            continue
        script = tmp_path / f"block_{block.doc.stem.replace('-', '_')}_{block.line}.py"
        script.write_text(block.text, encoding="utf-8")
        files.append(str(script))
    env = dict(os.environ, MYPYPATH=str(ROOT / "docs" / "examples" / "plugin" / "src"))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.11", "--no-incremental", *files],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
