"""Meta-tests: every hook is exercised by a test and documented with its exact signature."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from qframework import hookspecs

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted(
    name for name, func in vars(hookspecs).items() if name.startswith("qframework_") and inspect.isfunction(func)
)


def signature(name: str) -> str:
    """``name(register: Callable[[Framework], None]) -> None``, as written in hookspecs.py."""
    sig = inspect.signature(getattr(hookspecs, name))
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"{name}({params}) -> {sig.return_annotation}"


def test_there_are_hooks() -> None:
    assert "qframework_frameworks" in SPECS


@pytest.mark.parametrize("name", SPECS)
def test_every_hook_has_an_implementation_in_a_test(name: str) -> None:
    test_files = [*ROOT.glob("tests/test_*.py"), *ROOT.glob("plugins/*/tests/test_*.py")]
    users = [
        p.name for p in test_files if p.name != Path(__file__).name and f"def {name}(" in p.read_text(encoding="utf-8")
    ]
    shipped = [
        p
        for p in ROOT.glob("**/src/**/*.py")
        if f"def {name}(" in p.read_text(encoding="utf-8") and p.name != "hookspecs.py"
    ]
    assert users or shipped, f"no test or shipped plugin implements {name}"
    assert users, f"{name} is implemented by a plugin but no test registers its own implementation"


@pytest.mark.parametrize("name", SPECS)
def test_every_hook_is_documented_with_its_exact_signature(name: str) -> None:
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert signature(name) in docs, f"docs/plugins.md must show `{signature(name)}`"


@pytest.mark.parametrize("name", SPECS)
def test_every_hook_has_a_docstring(name: str) -> None:
    assert (getattr(hookspecs, name).__doc__ or "").strip()
