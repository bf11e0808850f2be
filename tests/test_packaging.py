"""The plugin guide's example plugin installs from a wheel, and packaging mistakes are named as such.

docs/plugins.md shows ``docs/examples/plugin/pyproject.toml`` in full. Building that plugin's wheel,
installing it into a fresh virtual environment and listing it with ``qframework plugins`` proves
the file is complete (build system, version, entry point) and that the data file is in the wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import types
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from qframework import Framework, hookimpl, load_framework
from qframework.plugins import PluginInfo, load_registry, make_plugin_manager

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PLUGIN = ROOT / "docs" / "examples" / "plugin"


def _run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=600, check=False)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a user's shell: no PYTHONPATH into this checkout, no plugin selection."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "QFRAMEWORK_PLUGINS", "VIRTUAL_ENV"}}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # the validated-data cache stays in tmp_path
    return env


def test_example_plugin_wheel_installs_into_a_fresh_venv_and_is_listed(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    wheels = tmp_path / "wheels"
    # The build backend (hatchling) comes from the package index, as for any user.
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(EXAMPLE_PLUGIN)], env, tmp_path
    )
    (wheel,) = wheels.glob("qframework_my_framework-0.1.0-*.whl")
    assert "qframework_my_framework/data/my-framework.toml" in zipfile.ZipFile(wheel).namelist()

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], env, tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = str(bindir / "python")
    _run([python, "-m", "pip", "install", "-q", "-e", str(ROOT)], env, tmp_path)  # the core, without extras
    _run(
        [python, "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheels), "qframework-my-framework"],
        env,
        tmp_path,
    )

    listed = _run([str(bindir / "qframework"), "plugins"], env, tmp_path).stdout
    assert "my_framework 0.1.0" in listed
    assert "frameworks: my-framework 1.0" in listed
    shown = _run([str(bindir / "qframework"), "show", "my-framework"], env, tmp_path).stdout
    assert "Vernetzung" in shown


def _plugin_loading(path: Path) -> types.ModuleType:
    module = types.ModuleType("qframework_broken_package")

    @hookimpl
    def qframework_frameworks(register: Callable[[Framework], None]) -> None:
        register(load_framework(path))

    module.qframework_frameworks = qframework_frameworks  # type: ignore[attr-defined]
    return module


def _failures(module: types.ModuleType) -> list[str]:
    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(module, PluginInfo("broken", "1.0", module.__name__))
    return [f.message for f in load_registry(pm).failures]


def test_a_plugin_whose_data_file_is_missing_says_it_cannot_read_it(tmp_path: Path) -> None:
    missing = tmp_path / "data" / "my-framework.toml"  # e.g. left out of the wheel
    (message,) = _failures(_plugin_loading(missing))
    assert message.startswith("qframework_frameworks cannot read data file:")
    assert str(missing) in message
    assert "invalid" not in message


def test_a_plugin_whose_data_file_is_invalid_still_says_invalid_data(tmp_path: Path) -> None:
    broken = tmp_path / "my-framework.toml"
    broken.write_text('id = "my-framework"\n', encoding="utf-8")
    (message,) = _failures(_plugin_loading(broken))
    assert message.startswith("qframework_frameworks shipped invalid data:")
    assert "cannot read" not in message


TUTORIAL_MARKER = "<!-- not run: the tutorial; tests/test_packaging.py runs it in a fresh virtual environment -->"


def _tutorial_commands() -> list[str]:
    """The command lines of docs/plugins.md's tutorial block, in order (comments dropped)."""
    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    block = text.split(TUTORIAL_MARKER, 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_the_plugin_tutorial_runs_from_scaffold_to_tested_wheel_in_a_fresh_venv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/plugins.md's tutorial, command by command: scaffold, validate, build the wheel, install
    it into a fresh venv, list, show, score, and run the scaffold's own tests with pytest."""
    commands = _tutorial_commands()
    assert [c.split()[0] for c in commands] == [
        "qframework", "qframework", "pip", "pip", "qframework", "qframework", "qframework", "qframework", "pip",
        "pytest",
    ]  # fmt: skip
    started = time.perf_counter()
    env = _clean_env(tmp_path)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], env, tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run(
        [str(bindir / "python"), "-m", "pip", "install", "-q", "-e", str(ROOT)], env, tmp_path
    )  # "pip install qframework"
    env["PATH"] = os.pathsep.join([str(bindir), env.get("PATH", "")])  # the venv activated
    work = tmp_path / "work"
    work.mkdir()
    outputs = {}
    for command in commands:
        quiet = command.replace("pip install ", "pip install -q ", 1).replace("pip wheel ", "pip wheel -q ", 1)
        outputs[command] = _run_shell(quiet, env, work).stdout
    elapsed = time.perf_counter() - started

    wheel = work / "dist" / "qframework_musterland-0.1.0-py3-none-any.whl"
    assert "qframework_musterland/data/musterland.toml" in zipfile.ZipFile(wheel).namelist()
    listed = next(out for cmd, out in outputs.items() if cmd.strip() == "qframework plugins")
    assert "musterland 0.1.0" in listed and "frameworks: musterland 1.0" in listed
    assert "4 passed" in outputs[commands[-1]]  # loads; and for the one data file: valid, translated, scores
    with capsys.disabled():
        print(f"\nplugin tutorial (fresh venv, scaffold → wheel → install → list → score → tests): {elapsed:.1f} s")
        for command in commands:
            print(f"  $ {command}")


def _run_shell(command: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, shell=True, capture_output=True, text=True, env=env, cwd=cwd, timeout=600, check=False
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result
