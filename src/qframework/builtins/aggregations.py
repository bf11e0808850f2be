"""The built-in aggregations ``mean`` and ``median``, registered through the hook like a plugin's."""

from __future__ import annotations

from collections.abc import Callable

from ..aggregation import BUILTIN_AGGREGATIONS, Aggregation
from ..hookspecs import hookimpl

__all__ = ["qframework_aggregations"]


@hookimpl
def qframework_aggregations(register: Callable[[Aggregation], None]) -> None:
    """Register ``mean`` and ``median``."""
    for aggregation in BUILTIN_AGGREGATIONS.values():
        register(aggregation)
