"""The public API: every name in ``qframework.__all__`` resolves, and importing stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import qframework


@pytest.mark.parametrize("name", sorted(qframework.__all__))
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(qframework, name)
    assert value is not None
    assert name in dir(qframework)


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Frameworks'"):
        qframework.Frameworks  # noqa: B018


def test_design_names_are_public() -> None:
    """The names DESIGN.md promises to users and plugin authors."""
    promised = {
        "Framework", "Dimension", "Indicator", "Scale", "Level", "Source", "Provenance", "Text",
        "Assessment", "Rating", "Scorecard", "score", "compare", "priorities",
        "AssignmentRules", "Participant", "assign", "check", "Assignment", "Violation",
        "Programme", "load_registry", "make_plugin_manager", "Registry", "hookimpl",
        "QFrameworkError", "ValidationError", "Problem", "PluginError", "InfeasibleAssignment", "NotFound",
        "load_framework", "loads_framework", "dumps_framework", "save",
    }  # fmt: skip
    assert promised <= set(qframework.__all__)


def test_import_loads_no_submodule_and_no_solver() -> None:
    """``import qframework`` is cheap: submodules load on first use, scipy only when assigning."""
    code = (
        "import sys, qframework\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('qframework.', 'scipy', 'numpy', 'cattrs')))\n"
        "print(loaded)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_all_and_the_export_table_agree_in_both_directions() -> None:
    """Rule: every name in ``__all__`` resolves, and every public attribute of the package is in ``__all__``."""
    import types

    for name in qframework.__all__:
        getattr(qframework, name)
    public = {
        name
        for name in dir(qframework)
        if not name.startswith("_") and not isinstance(getattr(qframework, name), types.ModuleType)
    }
    assert public <= set(qframework.__all__), public - set(qframework.__all__)
    assert set(qframework.__all__) == set(qframework._EXPORTS) | {"__version__"}


def test_version_comes_from_the_installed_metadata() -> None:
    from importlib import metadata

    assert qframework.__version__ == metadata.version("qframework")


def test_the_command_line_version_is_the_installed_one(capsys: pytest.CaptureFixture[str]) -> None:
    from qframework.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"qframework {qframework.__version__}"


def test_listing_frameworks_does_not_import_the_domain_modules() -> None:
    """``qframework frameworks`` starts without the assessment, assignment and programme commands."""
    code = (
        "import sys\n"
        "from qframework.cli import main\n"
        "main(['frameworks'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('qframework.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = out.strip().splitlines()[-1]
    core = ("_argparse_words", "_common", "_registries", "demo", "frameworks")
    assert loaded == str([f"qframework.cli.{m}" for m in core])


def test_listing_frameworks_does_not_import_babel() -> None:
    """Babel formats numbers and dates; a command that prints none, in either language, does not load it."""
    code = (
        "import sys\n"
        "from qframework.cli import main\n"
        "main(['--lang', 'de', 'frameworks'])\n"
        "print(sorted(m for m in sys.modules if m == 'babel' or m.startswith('babel.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_type_checkers_see_every_public_name_as_an_explicit_re_export() -> None:
    """``mypy --strict`` accepts ``qframework.X`` only for ``import X as X`` and an ``__all__`` it can read.

    The module's ``__getattr__`` would hide a forgotten name (it types as ``Any``), so the source is read here:
    the ``TYPE_CHECKING`` block re-exports every exported name except the deprecated alias ``check``, and
    ``__all__`` is a literal list.
    """
    import ast
    from pathlib import Path

    tree = ast.parse(Path(qframework.__file__).read_text(encoding="utf-8"))
    guarded = next(n for n in tree.body if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test))
    re_exported = {
        alias.name
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname == alias.name
    }
    assert re_exported == set(qframework._EXPORTS) - {"check"}
    assignment = next(
        n for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)
    )
    assert isinstance(assignment.value, ast.List)
    assert [ast.literal_eval(e) for e in assignment.value.elts] == qframework.__all__
