"""The plugin hooks: the whole extension surface of qframework in one file.

A plugin is a module with functions marked ``@hookimpl`` whose names match the specs below; it is
found through the entry-point group ``qframework``::

    [project.entry-points.qframework]
    my_framework = "my_package.plugin"

Each hook receives a ``register`` callback; call it once per object you contribute. The core
decides what to do with duplicates and failures, so a plugin stays declarative.
"""

from __future__ import annotations

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
def qframework_frameworks(register: Callable[[Framework], None]) -> None:
    """Register quality frameworks: call ``register(framework)`` for each :class:`~qframework.Framework`."""


@hookspec
def qframework_programmes(register: Callable[[Programme], None]) -> None:
    """Register quality-development programmes: call ``register(programme)`` for each :class:`~qframework.Programme`."""


@hookspec
def qframework_aggregations(register: Callable[[Aggregation], None]) -> None:
    """Register scoring methods: call ``register(aggregation)`` for each :class:`~qframework.Aggregation`."""


@hookspec
def qframework_crosswalks(register: Callable[[Crosswalk], None]) -> None:
    """Register crosswalks between frameworks: call ``register(crosswalk)`` for each :class:`~qframework.Crosswalk`."""
