"""Build the four distributions and prove the artefacts good, as a user would receive them.

For the core (``qframework``) and each plugin: ``python -m build`` (sdist and wheel), ``twine check``,
the wheel's contents (``py.typed``, the data files, the catalogue, the report templates), the same
version everywhere and the plugins' pin following docs/plugins.md (``qframework>=X.Y,<1``). Then the
wheels go into a fresh virtual environment: ``qframework plugins`` lists the three plugins and exits 0,
and each plugin's own tests run against the installed wheels. Finally each sdist is built into a wheel
again (what pip does with an sdist) and that set is installed and listed the same way.

    python scripts/release_check.py [--keep DIR]     # CI runs it after the test suite (.ci/run)

Needs ``build`` and ``twine`` (the ``dev`` extra) and the package index for the build backend.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = {
    "qframework": ROOT,
    "qframework-qualitaetsrahmen-fh": ROOT / "plugins" / "qualitaetsrahmen_fh",
    "qframework-kqs": ROOT / "plugins" / "kqs",
    "qframework-nds-standards": ROOT / "plugins" / "nds_standards",
}
#: Files each wheel must hold (glob patterns against the wheel's member names).
WHEEL_MUST_HOLD = {
    "qframework": [
        "qframework/py.typed",
        "qframework/locale/de/LC_MESSAGES/qframework.mo",
        "qframework/report/templates/assessment.html",
        "qframework/messages.py",
    ],
    # the shipped validated data (scripts/ship_validated.py) spares the first start-up parsing the TOML
    "qframework-qualitaetsrahmen-fh": [
        "qframework_qualitaetsrahmen_fh/py.typed",
        "qframework_qualitaetsrahmen_fh/data/*.toml",
        "qframework_qualitaetsrahmen_fh/data/qframework-validated.json",
    ],
    "qframework-kqs": [
        "qframework_kqs/py.typed",
        "qframework_kqs/data/*.toml",
        "qframework_kqs/data/qframework-validated.json",
    ],
    "qframework-nds-standards": [
        "qframework_nds_standards/py.typed",
        "qframework_nds_standards/data/*.toml",
        "qframework_nds_standards/data/qframework-validated.json",
    ],
}


class ReleaseError(Exception):
    """A release artefact is not what a user must receive."""


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    print("$", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ReleaseError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def metadata(project: Path) -> dict[str, object]:
    return tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]  # type: ignore[no-any-return]


def check_versions() -> str:
    """The one version of all four distributions; each plugin pins ``qframework>=X.Y,<1``."""
    version = str(metadata(ROOT)["version"])
    major_minor = ".".join(version.split(".")[:2])
    for name, project in PROJECTS.items():
        meta = metadata(project)
        if meta["name"] != name:
            raise ReleaseError(f"{project}/pyproject.toml names {meta['name']!r}, expected {name!r}")
        if meta["version"] != version:
            raise ReleaseError(f"{name} is version {meta['version']}, the core is {version}: release them together")
        if project is not ROOT:
            pins = [d for d in meta.get("dependencies", []) if str(d).startswith("qframework")]  # type: ignore[attr-defined]
            if pins != [f"qframework>={major_minor},<1"]:
                raise ReleaseError(f"{name} pins {pins}, docs/plugins.md asks for 'qframework>={major_minor},<1'")
    return version


def check_wheel(name: str, wheel: Path) -> None:
    members = zipfile.ZipFile(wheel).namelist()
    for pattern in WHEEL_MUST_HOLD[name]:
        regex = re.compile(re.escape(pattern).replace(r"\*", "[^/]+") + "$")
        if not any(regex.match(m) for m in members):
            raise ReleaseError(f"{wheel.name} lacks {pattern}")


def check_sdist(name: str, sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        members = tar.getnames()
    for needed in ("pyproject.toml", "README.md"):
        if not any(m.endswith("/" + needed) and m.count("/") == 1 for m in members):
            raise ReleaseError(f"{sdist.name} lacks {needed}")


def fresh_venv(path: Path, wheels: list[Path], env: dict[str, str]) -> Path:
    run([sys.executable, "-m", "venv", str(path)], env=env)
    python = path / "bin" / "python"
    # dependencies (attrs, cattrs, …) from the index, as for a user; our four only from the wheels
    run([str(python), "-m", "pip", "install", "-q", *map(str, wheels)], env=env)
    return python


def check_installed(python: Path, env: dict[str, str], *, tests: bool) -> None:
    qframework = python.parent / "qframework"
    listed = run([str(qframework), "--lang", "en", "plugins"], env=env)
    for plugin in ("qualitaetsrahmen_fh", "kqs", "nds_standards"):
        if plugin not in listed:
            raise ReleaseError(f"`qframework plugins` does not list {plugin}:\n{listed}")
    if not tests:
        return
    run([str(python), "-m", "pip", "install", "-q", "pytest", "hypothesis"], env=env)
    for project in list(PROJECTS.values())[1:]:
        # the plugin's tests, copied away from the source tree so that only the wheels are imported
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(project / "tests", Path(tmp) / "tests")
            run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=Path(tmp), env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="qframework-release-"))
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "QFRAMEWORK_PLUGINS"}}
    env["XDG_CACHE_HOME"] = str(work / "cache")
    try:
        version = check_versions()
        dist = work / "dist"
        built: dict[str, tuple[Path, Path]] = {}
        for name, project in PROJECTS.items():
            out = dist / name
            run([sys.executable, "-m", "build", "--outdir", str(out), str(project)], env=env)
            (wheel,) = out.glob("*.whl")
            (sdist,) = out.glob("*.tar.gz")
            if f"-{version}" not in wheel.name or f"-{version}" not in sdist.name:
                raise ReleaseError(f"{wheel.name} / {sdist.name}: not version {version}")
            check_wheel(name, wheel)
            check_sdist(name, sdist)
            built[name] = (wheel, sdist)
        run([sys.executable, "-m", "twine", "check", "--strict", *(str(p) for pair in built.values() for p in pair)])
        python = fresh_venv(work / "venv-wheels", [w for w, _ in built.values()], env)
        check_installed(python, env, tests=True)
        # sdist → wheel, as pip builds it from an sdist, then the same checks
        rebuilt = []
        for name, (_, sdist) in built.items():
            out = dist / "from-sdist" / name
            run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(sdist)], env=env)
            (wheel,) = out.glob("*.whl")
            check_wheel(name, wheel)
            rebuilt.append(wheel)
        python = fresh_venv(work / "venv-sdists", rebuilt, env)
        check_installed(python, env, tests=False)
    except ReleaseError as exc:
        print(f"release check failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"release check passed: four distributions of version {version}, wheels and sdists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
