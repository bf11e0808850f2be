"""The one refusal rule at the public boundary, in one place so that every function says it alike.

A wrong Python type is the caller's bug: :class:`TypeError` naming the argument and the type expected,
raised before any work (``score: framework must be a Framework (or None with registry=… to look it up
in), got str``). A value of the
right type that qframework does not know (a format name, an id) is a :class:`~qframework.errors.QFrameworkError`:
an unknown option name is :class:`~qframework.errors.UnknownOption` everywhere (``io``, ``report``,
``excel``), an unknown id :class:`~qframework.errors.NotFound`. ``bool`` is not accepted where a number is
meant (``priorities(card, True)`` is a mistake, not ``n=1``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, NoReturn

from .errors import UnknownOption

__all__ = [
    "expect",
    "expect_int",
    "expect_number",
    "expect_option",
    "expect_path",
    "expect_str",
    "refuse",
    "type_name",
]


def type_name(value: object) -> str:
    """``None`` for None, else the type's name: what the messages say the caller passed."""
    return "None" if value is None else type(value).__name__


def _refuse(function: str, name: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{function}: {name} must be {expected}, got {type_name(value)}")


def refuse(value: object, function: str, name: str, expected: str) -> NoReturn:
    """The ``TypeError`` for a value a check further up found wrong (e.g. a ``str`` where a list is meant)."""
    raise _refuse(function, name, expected, value)


def expect(value: object, types: type | tuple[type, ...], function: str, name: str, expected: str = "") -> None:
    """``value`` is an instance of ``types``; else ``TypeError`` (``expected`` words it, e.g. "a Scorecard")."""
    if not isinstance(value, types):
        if not expected:
            classes = types if isinstance(types, tuple) else (types,)
            names = " or ".join(c.__name__ for c in classes)
            expected = ("an " if names[0] in "AEIOU" else "a ") + names
        raise _refuse(function, name, expected, value)


def expect_int(value: object, function: str, name: str) -> int:
    """An ``int`` (not a ``bool``, not a ``float`` or ``str`` that looks like one)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(function, name, "an int", value)
    return value


def expect_number(value: object, function: str, name: str) -> float:
    """An ``int`` or ``float`` (not a ``bool``, not a ``str``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _refuse(function, name, "a number (int or float)", value)
    return float(value)


def expect_str(value: object, function: str, name: str) -> str:
    if not isinstance(value, str):
        raise _refuse(function, name, "a str", value)
    return value


def expect_path(value: object, function: str, name: str = "path") -> str | os.PathLike[str]:
    if not isinstance(value, (str, os.PathLike)):
        raise _refuse(function, name, "a str or os.PathLike", value)
    return value


def expect_option(value: object, known: Iterable[str], function: str, name: str = "format") -> Any:
    """One of ``known`` option names: a non-``str`` is a ``TypeError``, an unknown name :class:`UnknownOption`."""
    names = tuple(known)
    if not isinstance(value, str):
        raise _refuse(function, name, "a str (one of " + ", ".join(repr(n) for n in names) + ")", value)
    if value not in names:
        raise UnknownOption(function, name, value, names)
    return value
