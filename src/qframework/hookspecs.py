"""The plugin hooks: the whole extension surface of qframework in one file.

A plugin is a module with functions marked ``@hookimpl`` whose names match the specs below; it is
found through the entry-point group ``qframework``::

    [project.entry-points.qframework]
    my_framework = "my_package.plugin"

Each hook receives a ``register`` callback; call it once per object you contribute. The core
decides what to do with duplicates and failures, so a plugin stays declarative. Frameworks and
programmes may also be registered by the path of their data file (``register(path)``): the core
loads and validates it, and builds a programme whose file it validated before only when it is
first used, which keeps ``qframework plugins`` and every tool's start-up fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

if TYPE_CHECKING:
    from .aggregation import Aggregation
    from .crosswalk import Crosswalk
    from .model import Framework
    from .programme import Programme

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "qframework"

_F = TypeVar("_F", bound=Callable[..., Any])
_spec_marker = pluggy.HookspecMarker(PROJECT_NAME)
_impl_marker = pluggy.HookimplMarker(PROJECT_NAME)


def hookspec(func: _F) -> _F:
    """Mark a hook specification (typed wrapper around pluggy's marker)."""
    return _spec_marker(func)


def hookimpl(func: _F) -> _F:
    """Mark a hook implementation in a plugin; mypy checks the function as written."""
    return _impl_marker(func)


@hookspec
def qframework_frameworks(register: Callable[[Framework | str | os.PathLike[str]], None]) -> None:
    """Register quality frameworks: call ``register`` with each :class:`~qframework.Framework` or its file's path."""


@hookspec
def qframework_programmes(register: Callable[[Programme | str | os.PathLike[str]], None]) -> None:
    """Register programmes: call ``register`` with each :class:`~qframework.Programme` or its file's path."""


@hookspec
def qframework_aggregations(register: Callable[[Aggregation], None]) -> None:
    """Register scoring methods: call ``register(aggregation)`` for each :class:`~qframework.Aggregation`."""


@hookspec
def qframework_crosswalks(register: Callable[[Crosswalk | str | os.PathLike[str]], None]) -> None:
    """Register crosswalks: call ``register`` with each :class:`~qframework.Crosswalk` or its file's path."""
