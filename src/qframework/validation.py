"""Validation that reports every problem at once.

Model classes check themselves on construction (``__attrs_post_init__``) so that objects built in
code are as trustworthy as objects loaded from files. The loader, however, must report *all*
problems of a file, including cross references, even when some parts are broken; it therefore
builds objects with :func:`deferred` validation and then walks the finished tree with
:func:`problems_of`, which collects every object's own problems with its path.

A class takes part by deriving from :class:`Checked` and implementing ``_problems()``, which
yields :class:`~qframework.errors.Problem` objects with paths relative to the object itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

import attrs

from .errors import Problem, ValidationError, join_path

__all__ = ["Checked", "deferred", "problems_of", "repeats", "validate"]

_LEAVES = (str, int, float, bool, type(None))
_DEFERRED: ContextVar[bool] = ContextVar("qframework_deferred_validation", default=False)


@contextmanager
def deferred() -> Iterator[None]:
    """Build objects without checking them; the caller promises to call :func:`problems_of`.

    A context variable, not attrs' global switch: other threads keep validating.
    """
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


class Checked:
    """Mixin: validate on construction unless validation is deferred."""

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        if _DEFERRED.get():
            return
        found = list(self._problems())
        if found:
            raise ValidationError(found)

    def _problems(self) -> Iterator[Problem]:
        """Yield this object's own problems (not those of nested objects)."""
        return iter(())


def problems_of(obj: object, path: str = "") -> list[Problem]:
    """Every problem in ``obj`` and everything nested in it, with full paths."""
    out: list[Problem] = []
    _walk(obj, path, out)
    return out


def validate(obj: object, file: str | None = None) -> None:
    """Raise :class:`ValidationError` listing every problem in ``obj``; return if there is none."""
    found = problems_of(obj)
    if found:
        raise ValidationError(found, file)


def repeats(values: Iterable[str]) -> Iterator[tuple[int, str]]:
    """``(index, value)`` for every occurrence of a value after its first: where to report duplicates."""
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            yield i, value
        seen.add(value)


def _walk(obj: object, path: str, out: list[Problem]) -> None:
    if isinstance(obj, (tuple, list)):
        if not obj or isinstance(obj[0], _LEAVES):
            return  # a list of plain values holds nothing to check (and bulk data can be long)
        for i, item in enumerate(obj):
            _walk(item, f"{path}[{i}]", out)
        return
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            _walk(value, join_path(path, str(key)), out)
        return
    if not attrs.has(type(obj)):
        return
    if isinstance(obj, Checked):
        try:
            out.extend(p.at(join_path(path, p.path)) for p in obj._problems())
        except (TypeError, AttributeError, ValueError, KeyError):
            # A field is already reported as missing or of the wrong type; its object cannot be
            # checked further, and one report per mistake is what the user wants.
            pass
    for field in attrs.fields(cast(Any, type(obj))):
        if not field.init:
            continue
        value = getattr(obj, field.name, None)
        if isinstance(value, (tuple, list, Mapping)) or attrs.has(type(value)):
            _walk(value, join_path(path, field.name), out)
