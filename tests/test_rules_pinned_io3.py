"""A third set of reading and writing rules of ``qframework.io`` pinned one by one (see
``tests/test_rules_pinned_io.py`` and ``…_io2.py``): rules the mutation run of issue 30 found unpinned.

Each test names the rule it pins in its docstring and goes through the public functions. Like the
other sets, every test builds the converter anew (``fresh_converter``): mutmut forks every mutant from a
process that has already built it (docs/mutation-testing.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import qframework.io as qio
from qframework.errors import QFrameworkError
from qframework.io import dumps


@pytest.fixture(autouse=True)
def fresh_converter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test builds the converter (and the field-type cache) anew; restored afterwards."""
    monkeypatch.setattr(qio, "_CONVERTER", None)
    monkeypatch.setattr(qio, "_HINTS", {})
    monkeypatch.delenv("QFRAMEWORK_MAX_FILE_BYTES", raising=False)
    yield


def test_a_none_under_an_empty_key_is_named_the_value_in_the_toml_refusal() -> None:
    """Rule: TOML cannot write ``None``; when the ``None`` stands under the empty key at the top (its
    path is empty), the refusal calls it "the value" rather than leaving a blank where the path goes."""
    with pytest.raises(QFrameworkError) as info:
        dumps({"": None})
    assert str(info.value) == "TOML has no empty value, but the value is None; use JSON"
    # one level down the path is the outer key alone (the empty inner key adds nothing to it)
    with pytest.raises(QFrameworkError) as info:
        dumps({"a": {"": None}})
    assert str(info.value) == "TOML has no empty value, but a is None; use JSON"
    assert dumps({"": None}, format="json") == '{\n  "": null\n}\n'
