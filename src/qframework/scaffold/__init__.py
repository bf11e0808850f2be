"""The plugin scaffold: a complete, installable, tested plugin distribution from a few answers.

``qframework new-plugin NAME`` calls :func:`write_plugin`. The files come from the templates in
``templates/`` (package data): ``pyproject.toml`` (hatchling, the entry point, the data folder in
the wheel, the licence, :func:`qframework_range`), a ``.gitignore`` (which hatchling also applies to
the source distribution), the module with its hook (registering every framework file in ``data/``:
one per version), a framework file with every field explained and all content marked ``authored``
by the plugin's author, a README and a test file using :mod:`qframework.testing` that checks each
data file in tests of its own.
Out of the box the plugin installs, is listed, validates and its tests pass.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from string import Template

import attrs

from ..errors import QFrameworkError

__all__ = ["PluginSpec", "check_license", "check_name", "qframework_range", "write_plugin"]

#: A plugin name: lower-case letters and digits, words joined by '-' or '_' (it becomes a Python module name).
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
#: A framework id: a slug as everywhere in qframework, without dots (it names the data file).
_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def check_name(value: str, what: str) -> str:
    """``value`` if it is a valid plugin name (``what="plugin name"``) or framework id, else a clear error."""
    pattern = _NAME if what == "plugin name" else _ID
    if not pattern.match(value):
        raise QFrameworkError(
            f"{what} {value!r} is not a slug: use lower-case letters and digits, words joined by '-' "
            f"(e.g. 'musterland' or 'qualitaet-musterland')"
        )
    return value


#: An SPDX licence expression: identifiers joined by AND, OR, WITH, in parentheses if need be.
_LICENSE = re.compile(r"^[A-Za-z0-9.+\-() ]+$")


def check_license(value: str) -> str:
    """``value`` if it looks like an SPDX licence expression (``MIT``, ``CC-BY-4.0``), else a clear error."""
    if not _LICENSE.match(value) or not value.strip():
        raise QFrameworkError(f"licence {value!r} is not an SPDX identifier such as 'MIT' or 'CC-BY-4.0'")
    return value.strip()


@attrs.frozen
class PluginSpec:
    """What the scaffold needs: the plugin's name and its framework's id, title, publisher and size."""

    name: str
    framework_id: str
    title: str
    publisher: str
    dimensions: int = 3
    indicators: int = 2
    license: str = "MIT"

    @property
    def entry_point(self) -> str:
        """The entry-point name (what ``qframework plugins`` shows and ``QFRAMEWORK_PLUGINS`` selects)."""
        return self.name.replace("-", "_")

    @property
    def module(self) -> str:
        return "qframework_" + self.entry_point

    @property
    def distribution(self) -> str:
        return "qframework-" + self.name.replace("_", "-")


def qframework_range() -> str:
    """The qframework versions a new plugin pins: from the minor version that wrote it, below the next major.

    ``qframework>=0.2,<1`` when written by 0.2.x: the scaffold's code and tests use what that version
    offers, and hooks and file formats stay compatible within a major version.
    """
    from importlib import metadata

    try:
        parts = metadata.version("qframework").split(".")
        major, minor = int(parts[0]), int(parts[1])
    except (metadata.PackageNotFoundError, ValueError, IndexError):
        major, minor = 0, 1
    return f"qframework>={major}.{minor},<{major + 1}"


def _toml(value: str) -> str:
    """A TOML basic string (JSON's string escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def _template(name: str) -> Template:
    from importlib.resources import files

    return Template((files(__name__) / "templates" / name).read_text(encoding="utf-8"))


def _framework_text(spec: PluginSpec, values: dict[str, str]) -> str:
    parts = [_template("framework-head.toml.tmpl").substitute(values)]
    dimension, indicator = _template("framework-dimension.toml.tmpl"), _template("framework-indicator.toml.tmpl")
    for number in range(1, spec.dimensions + 1):
        parts.append(dimension.substitute(values, number=number))
        for index in range(1, spec.indicators + 1):
            parts.append(indicator.substitute(values, number=number, index=index))
    return "".join(parts)


def write_plugin(spec: PluginSpec, directory: str | os.PathLike[str]) -> list[str]:
    """Write the plugin distribution into ``directory`` (new or empty); the paths written, in order."""
    check_name(spec.name, "plugin name")
    check_name(spec.framework_id, "framework id")
    if spec.dimensions < 1 or spec.indicators < 1:
        raise QFrameworkError("a framework needs at least one dimension with at least one indicator")
    root = Path(directory)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise QFrameworkError(f"{root} already exists and is not empty; choose another --directory")
    author = spec.publisher or "the plugin's author"
    values = {
        "distribution": spec.distribution,
        "entry_point": spec.entry_point,
        "module": spec.module,
        "framework_id": spec.framework_id,
        "title": _toml(spec.title),
        "publisher": _toml(spec.publisher),
        "title_text": spec.title.replace('"""', "'''"),
        "publisher_text": author,
        "description": _toml(f"qframework plugin: {spec.title}."),
        "note": _toml(f"Placeholder written by {author} with qframework new-plugin; replace it with the content."),
        "license": _toml(check_license(spec.license)),
        "requirement": _toml(qframework_range()),
        "author": _toml(author),
    }
    package = Path("src", spec.module)
    files = {
        Path("pyproject.toml"): _template("pyproject.toml.tmpl").substitute(values),
        Path("README.md"): _template("README.md.tmpl").substitute(values),
        Path(".gitignore"): _template("gitignore.tmpl").substitute(values),
        package / "__init__.py": _template("plugin.py.tmpl").substitute(values),
        package / "py.typed": "",
        package / "data" / f"{spec.framework_id}.toml": _framework_text(spec, values),
        Path("tests", f"test_{spec.entry_point}.py"): _template("test_plugin.py.tmpl").substitute(values),
    }
    written = []
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(str(path))
    return written
