"""Aggregations: how several raters' values combine into one indicator score; ``mean`` and ``median``.

An aggregation combines the normalised values (0..1, sorted ascending, never empty) of one
indicator's applicable ratings into the indicator's score. The two built-in ones are registered
through the ``qframework_aggregations`` hook like any plugin's (:mod:`qframework.builtins.aggregations`);
scoring also resolves their ids directly, so ``score(..., aggregation="median")`` loads no plugin.
This module imports nothing of the plugin machinery.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

import attrs

__all__ = ["BUILTIN_AGGREGATIONS", "MEAN", "MEDIAN", "Aggregation"]


@attrs.frozen
class Aggregation:
    """How the ratings of several raters combine into one indicator score.

    ``function`` receives the normalised values (each in 0..1) of one indicator's applicable
    ratings, **sorted ascending** and never empty, and returns a value in 0..1. Register more
    through the ``qframework_aggregations(register)`` hook.
    """

    id: str
    title: str
    function: Callable[[Sequence[float]], float] = attrs.field(eq=False)
    description: str = ""

    def __call__(self, values: Sequence[float]) -> float:
        """The combined value; a function that raises or returns anything but a number in 0..1 is a
        :class:`~qframework.errors.PluginError` naming the aggregation, never a traceback."""
        from .errors import PluginError

        try:
            result = self.function(values)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            raise PluginError(f"aggregation {self.id!r} failed: {type(exc).__name__}: {str(exc)[:300]}") from None
        if isinstance(result, bool) or not isinstance(result, (int, float)) or not 0.0 <= result <= 1.0:
            shown = repr(result)[:60]
            raise PluginError(
                f"aggregation {self.id!r} returned {shown} for values in 0..1; it must return a value in 0..1"
            )
        return float(result)


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean, computed with :func:`math.fsum` (exact sum, one rounding)."""
    return math.fsum(values) / len(values)


def median(values: Sequence[float]) -> float:
    """Median of sorted values; with an even count the mean of the two middle values."""
    n = len(values)
    mid = n // 2
    if n % 2:
        return values[mid]
    return (values[mid - 1] + values[mid]) / 2


MEAN = Aggregation(
    "mean",
    "Mittelwert",
    mean,
    "The arithmetic mean of the raters' normalised values (the default).",
)
MEDIAN = Aggregation(
    "median",
    "Median",
    median,
    "The middle of the raters' normalised values; robust against one outlying rater.",
)


#: The built-in aggregations by id: what scoring resolves without a registry.
BUILTIN_AGGREGATIONS: Mapping[str, Aggregation] = MappingProxyType({MEAN.id: MEAN, MEDIAN.id: MEDIAN})
