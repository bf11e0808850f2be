"""What every command module shares: the registry, JSON output, argument types, the registration lists."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from ._registries import COMMAND_GROUPS, DEMO_STEPS, DOCUMENT_KINDS, Handler

__all__ = ["COMMAND_GROUPS", "DEMO_STEPS", "DOCUMENT_KINDS", "Handler"]


def _registry() -> Any:
    from ..plugins import load_registry

    return load_registry()


def _warn_failures(registry: Any, out: TextIO | None = None) -> None:
    for failure in registry.failures:
        print(f"warning: {failure}", file=out or sys.stderr)


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _count(value: str) -> int:
    """An argparse type: a whole number ≥ 0."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0, got {number}")
    return number


def _problem(path: str, message: str) -> Any:
    from ..errors import Problem

    return Problem(path, message)
