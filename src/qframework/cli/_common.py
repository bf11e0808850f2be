"""What every command module shares: the registry, JSON output, argument types, the registration lists."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

from ..i18n import gettext_ as _
from ._registries import COMMAND_GROUPS, DEMO_STEPS, DOCUMENT_KINDS, Handler

__all__ = ["COMMAND_GROUPS", "DEMO_STEPS", "DOCUMENT_KINDS", "Handler"]


def _registry() -> Any:
    from ..plugins import load_registry

    return load_registry()


def _warn_failures(registry: Any, out: TextIO | None = None) -> None:
    for failure in registry.failures:
        print(
            _("warning: plugin {plugin}: {message}").format(plugin=failure.plugin, message=failure.message),
            file=out or sys.stderr,
        )


def _print_json(data: Any) -> None:
    """``--json`` output: ``data`` (attrs values, tuples, dicts of them) through the one converter."""
    from ..io import dumps

    sys.stdout.write(dumps(data, format="json"))


def _count(value: str) -> int:
    """An argparse type: a whole number ≥ 0."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a whole number, got {value}").format(value=repr(value))) from None
    if number < 0:
        raise argparse.ArgumentTypeError(_("must be ≥ 0, got {number}").format(number=number))
    return number


def _spread(value: str) -> float:
    """An argparse type: a spread between 0 and 1 (``nan`` and ``inf`` would silently match nothing)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a number, got {value}").format(value=repr(value))) from None
    if not 0.0 <= number <= 1.0:  # also false for nan
        raise argparse.ArgumentTypeError(_("must be a number from 0 to 1, got {value}").format(value=repr(value)))
    return number


def _problem(path: str, message: str) -> Any:
    from ..errors import Problem

    return Problem(path, message)


def _print_listing(
    args: argparse.Namespace, registry: Any, kind: str, summarise: Callable[[Any, str], Any], render: Callable[..., str]
) -> int:
    """``frameworks``, ``programmes``, ``crosswalks``: one summary per installed item (by id), as text or JSON."""
    _warn_failures(registry)
    collection = getattr(registry, kind)
    summaries = tuple(summarise(collection[key], collection.provider(key).name) for key in sorted(collection))
    if args.json:
        _print_json(summaries)
    else:
        print(render(summaries))
    return 0
