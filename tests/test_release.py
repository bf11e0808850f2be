"""What an adopter relies on: the documentation site builds, every public name is documented, the
public API does not change without a deprecation, the changelog keeps up, and the four distributions
share one version.

The release builds themselves (wheels, sdists, twine, fresh venvs) run in CI after the suite
(``scripts/release_check.py``, called by ``.ci/run``); the checks here are the fast part.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import tomllib
import zlib
from pathlib import Path
from typing import Any

import pytest

import qframework

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import api_snapshot  # noqa: E402
import check_changelog  # noqa: E402


def _public_object(name: str) -> Any:
    import qframework.hookspecs as hookspecs
    import qframework.testing as testing

    parts = name.split(".")
    obj: Any = {"testing": testing, "hookspecs": hookspecs}.get(parts[0])
    if obj is None:
        obj = qframework
    else:
        parts = parts[1:]
    for part in parts:
        obj = inspect.getattr_static(obj, part) if inspect.isclass(obj) else getattr(obj, part)
    if isinstance(obj, (classmethod, staticmethod)):
        obj = obj.__func__
    return obj.fget if isinstance(obj, property) else obj


# --------------------------------------------------------------------------- the public API snapshot


def test_the_public_api_matches_its_snapshot() -> None:
    """The code's public names and signatures are those in api/public-api.txt; a difference names the
    public name (a removal or incompatible change needs a deprecation first; an addition an update)."""
    found = api_snapshot.problems(api_snapshot.read_snapshot(), api_snapshot.current(), api_snapshot.deprecated_names())
    assert not found, "\n".join(found)


def test_removing_or_renaming_a_name_fails_with_the_name() -> None:
    """A name that disappears, a renamed parameter and a new required one each fail the check, naming the name."""
    snapshot = api_snapshot.read_snapshot()
    api = dict(snapshot)
    del api["load_framework"]
    api["score"] = "function(assessment, framework_or_registry, *, aggregation=…, registry=…)"
    api["compare"] = snapshot["compare"].replace(")", ", baseline)")
    found = api_snapshot.problems(snapshot, api, set())
    assert [line.split(":")[0] for line in found] == ["compare", "load_framework", "score"], found
    assert "new required parameter 'baseline'" in found[0]
    assert "removed without a deprecation" in found[1]
    assert "'framework' removed, renamed, moved or made keyword-only" in found[2]


def test_a_deprecated_name_may_go_and_compatible_changes_pass() -> None:
    """A name deprecated in an earlier release may be removed; new optional parameters, new
    keyword-only ones with defaults and changed defaults are compatible."""
    snapshot = {"check": "function(assignment, participants, rules)", "f": "function(a, b=…)"}
    assert api_snapshot.problems(snapshot, {"f": "function(a, b=…, c=…, *, d=…)"}, {"check"}) == []
    assert api_snapshot.incompatible("function(a, *, b=…)", "function(a, b=…)") is None
    assert api_snapshot.incompatible("function(a, b=…)", "function(a, *, b=…)") is not None
    assert api_snapshot.incompatible("class(x, y=…)", "function(x, y=…)") == "was a class, is a function"


def test_deprecations_of_earlier_releases_are_read_from_the_changelog() -> None:
    """CHANGELOG.md's Deprecated sections of earlier releases name what may be removed now."""
    names = api_snapshot.deprecated_names()
    assert {"check", "Framework.get_scale", "Framework.get_facet"} <= names


# --------------------------------------------------------------------------- documentation


def test_every_public_name_has_a_docstring() -> None:
    """Every class, function, method and property of the public API says what it is for."""
    missing = [name for name in api_snapshot.current() if not inspect.getdoc(_public_object(name))]
    assert not missing, missing


def test_the_documentation_site_builds_strictly_with_every_public_name(tmp_path: Path) -> None:
    """`mkdocs build --strict` succeeds (no broken link, no missing reference) and the generated API
    reference has an entry for every name in qframework.__all__ and qframework.testing.__all__."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    inventory = (site / "objects.inv").read_bytes().split(b"\n", 4)[4]
    documented = {line.split(" ")[0] for line in zlib.decompress(inventory).decode().splitlines()}
    import qframework.testing as testing

    wanted = []
    for module, names in ((qframework, qframework.__all__), (testing, testing.__all__)):
        for name in names:
            if name == "__version__":
                continue
            obj = getattr(module, name)
            wanted.append(obj.__name__ if inspect.ismodule(obj) else f"{obj.__module__}.{name}")
    missing = [q for q in wanted if q not in documented]
    assert not missing, f"not in the API reference (docs/reference/*.md): {missing}"
    assert (site / "changelog" / "index.html").read_text(encoding="utf-8").count("[0.1.0]") >= 1


# --------------------------------------------------------------------------- changelog and versions


def test_every_change_since_the_rule_began_has_a_changelog_line() -> None:
    """Each commit on main's first-parent history that changed src/ or plugins/ touched CHANGELOG.md
    (or says [no changelog])."""
    assert check_changelog.offending_commits() == []


def test_the_changelog_names_the_current_version() -> None:
    """CHANGELOG.md has a section for the version being released, and an Unreleased section above it."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert f"## [{version}] - " in text
    assert text.index("## [Unreleased]") < text.index(f"## [{version}]")


@pytest.mark.parametrize("plugin", ["qualitaetsrahmen_fh", "kqs", "nds_standards"])
def test_plugins_share_the_version_and_pin_the_minor_range(plugin: str) -> None:
    """The plugins are released with the core (one version) and pin ``qframework>=X.Y,<1`` (docs/plugins.md)."""
    core = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    meta = tomllib.loads((ROOT / "plugins" / plugin / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["version"] == core["version"]
    major_minor = ".".join(core["version"].split(".")[:2])
    assert [d for d in meta["dependencies"] if d.startswith("qframework")] == [f"qframework>={major_minor},<1"]


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    """The README promises that its second command is what CI runs: ``.ci/run`` holds that line verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if line.startswith("python3 -m venv .venv && ")]
    test_command = next(c for c in commands if c.endswith("python -m pytest"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert f"{test_command} || exit 1" in ci
