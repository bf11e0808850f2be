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
