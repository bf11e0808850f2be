"""The identity memo behind the framework plans and the rules' derived values."""

from __future__ import annotations

from qframework._memo import IdentityMemo


def test_a_value_is_built_once_per_object_not_per_equal_value() -> None:
    """Rule: the memo remembers per object: the same object is built once, an equal but distinct
    object (e.g. a framework loaded twice) gets its own value; past ``size`` objects all are
    forgotten and built again."""
    built: list[object] = []

    def build(key: list[int]) -> int:
        built.append(key)
        return len(built)

    memo: IdentityMemo[list[int], int] = IdentityMemo(size=2)
    a, b, c = [1], [1], [2]
    assert memo.get(a, build) == 1
    assert memo.get(a, build) == 1
    assert memo.get(b, build) == 2  # equal to a, another object
    assert built == [a, b] and built[1] is b
    assert memo.get(c, build) == 3  # a third object: the first two are forgotten
    assert memo.get(a, build) == 4
    assert memo.get(c, build) == 3
