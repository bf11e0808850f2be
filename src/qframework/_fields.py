"""Tuple-typed fields of the public attrs classes take a list and store a tuple.

The classes are frozen and hashable only if what they hold is: ``Assessment(ratings=[...])`` or
``Participant(location=[54.3, 10.1])`` used to be accepted, scored fine, and then ``hash()`` failed.
A class passes ``field_transformer=tuple_fields`` to ``attrs.frozen``; every field annotated
``tuple[...]`` (or ``tuple[...] | None``) then converts a ``list`` to a ``tuple`` and refuses a ``str``,
``bytes``, ``set``, ``dict`` or any other non-sequence with a ``TypeError`` naming the class and field
(``Participant.preferences`` is ranked, so a string of letters or an unordered set is a mistake).
A tuple passes untouched, so the library's own construction pays one type check per field.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["tuple_fields"]


def _is_tuple_type(tp: object) -> bool:
    text = tp if isinstance(tp, str) else repr(tp)
    parts = [p.strip() for p in text.replace("typing.Optional[", "").split("|")]
    return bool(parts) and parts[0].startswith("tuple[") and all(p == "None" for p in parts[1:])


def _to_tuple(value: Any, instance: Any, field: attrs.Attribute[Any]) -> Any:
    if type(value) is tuple or value is None:
        return value
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, tuple):  # a named tuple or other subclass: its items, as a plain tuple
        return tuple(value)
    raise TypeError(
        f"{type(instance).__name__}.{field.name.lstrip('_')} must be a tuple or list, got {type(value).__name__}"
    )


_CONVERTER = attrs.Converter(_to_tuple, takes_self=True, takes_field=True)


def tuple_fields(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """``field_transformer`` for ``attrs.frozen``: the list-to-tuple converter on every tuple-typed field."""
    return [
        f.evolve(converter=_CONVERTER) if f.converter is None and f.init and _is_tuple_type(f.type) else f
        for f in fields
    ]
