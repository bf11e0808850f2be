"""Every result kind a tool consumes round-trips through the one converter, in JSON and TOML.

The samples are produced by the real code (``score()``, ``compare()``, ``assign()``, the plugin
loader, …; the same samples the JSON Schema test validates), so a result type that gains a field the
converter cannot carry fails here. Types that TOML cannot hold (a ``None`` value, a list at the top
level) must say so with a clear :class:`QFrameworkError`, never a bare exception from the writer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_schema import RESULT_SAMPLES

from qframework import io
from qframework.errors import QFrameworkError
from qframework.plugins import PluginFailure, PluginInfo

CASES = [
    pytest.param(kind, i, id=f"{kind}[{i}]")
    for kind, make in sorted(RESULT_SAMPLES.items())
    for i in range(len(make()))
]


@pytest.mark.parametrize(("kind", "index"), CASES)
def test_every_result_sample_round_trips_as_json(kind: str, index: int) -> None:
    """JSON: ``loads(T, dumps(x)) == x`` with named fields (an object at the top, never a bare array)."""
    value = RESULT_SAMPLES[kind]()[index]
    text = io.dumps(value, format="json")
    assert isinstance(json.loads(text), dict)
    back = io.loads(type(value), text, format="json")
    assert back == value
    assert hash(back) == hash(value)


@pytest.mark.parametrize(("kind", "index"), CASES)
def test_every_result_sample_round_trips_as_toml_or_says_why_not(kind: str, index: int) -> None:
    """TOML: the same round trip, or a QFrameworkError that tells the caller to use JSON."""
    value = RESULT_SAMPLES[kind]()[index]
    try:
        text = io.dumps(value, format="toml")
    except QFrameworkError as exc:
        assert "use JSON" in str(exc)
        return
    assert io.loads(type(value), text, format="toml") == value


def test_toml_refuses_a_list_at_the_top_level_in_words() -> None:
    with pytest.raises(QFrameworkError, match=r"top level.*use JSON"):
        io.dumps((PluginInfo("a", "1.0", "a.module"),), format="toml")


def test_toml_names_the_path_of_a_none_value() -> None:
    with pytest.raises(QFrameworkError, match=r"outer\.inner\[1\] is None"):
        io.dumps({"outer": {"inner": [1, None]}}, format="toml")


_text = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=20)


@given(st.builds(PluginInfo, _text, st.none() | _text, _text), st.sampled_from(["json", "toml"]))
def test_plugin_info_round_trips(info: PluginInfo, fmt: Any) -> None:
    """A plugin's name, version (possibly unknown) and module survive JSON; TOML too, or it says why not."""
    try:
        text = io.dumps(info, format=fmt)
    except QFrameworkError:
        assert fmt == "toml" and info.version is None
        return
    assert io.loads(PluginInfo, text, format=fmt) == info


@given(st.builds(PluginFailure, _text, _text), st.sampled_from(["json", "toml"]))
def test_plugin_failure_round_trips(failure: PluginFailure, fmt: Any) -> None:
    """A recorded plugin failure (its plugin and message) survives both formats."""
    assert io.loads(PluginFailure, io.dumps(failure, format=fmt), format=fmt) == failure
