"""Values derived from immutable objects, remembered per object (by identity).

Frozen slotted attrs classes have no room for a cached attribute of their own, and hashing a whole
framework or rules value per lookup would cost more than the lookup saves. So the derived value is
kept beside the object, keyed by ``id``: the object itself is kept too, so its id cannot be reused
by another object while it is remembered. At most ``size`` objects are remembered; then all are
forgotten at once (the callers derive afresh on the next call).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["IdentityMemo"]

K = TypeVar("K")
V = TypeVar("V")


class IdentityMemo(Generic[K, V]):
    """``build(key)`` computed once per ``key`` object (see the module notes)."""

    __slots__ = ("_entries", "_size")

    def __init__(self, size: int = 64) -> None:
        self._entries: dict[int, tuple[K, V]] = {}
        self._size = size

    def get(self, key: K, build: Callable[[K], V]) -> V:
        hit = self._entries.get(id(key))
        if hit is not None and hit[0] is key:
            return hit[1]
        value = build(key)
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[id(key)] = (key, value)
        return value
