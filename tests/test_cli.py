"""The command line as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_io import BROKEN, EXPECTED_BROKEN, VALID

from qframework import io
from qframework._paths import plain_path
from qframework.cli import main
from qframework.frozen import FrozenMap
from qframework.model import FrameworkSummary
from qframework.plugins import PluginReport, PluginSummary, load_registry
from qframework.programme import ProgrammeSummary

SHIPPED = {"nzfh-qualitaetsrahmen", "kqs", "nds-qualitaetsstandards-fh", "sgb8-79a"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_valid_and_broken_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(VALID, encoding="utf-8")
    bad.write_text(BROKEN, encoding="utf-8")
    assert run(capsys, "validate", str(good)) == (0, f"{good}: valid framework\n", "")
    code, out, err = run(capsys, "validate", str(good), str(bad))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{good}: valid framework"
    problem_lines = lines[1:]
    assert len(problem_lines) == len(EXPECTED_BROKEN)
    # Each line is `file:LINE: path: message`, the path naming each element's id: `dimensions[1] (netzwerk).id`.
    located = [re.match(rf"^{re.escape(str(bad))}(:\d+)?: (.*?): ", line) for line in problem_lines]
    assert all(located), problem_lines
    shown = [plain_path(m.group(2)) for m in located if m]
    for path in EXPECTED_BROKEN:
        assert path in shown, path
    assert f"{bad}:14: dimensions[0] (netzwerk).number: expected a whole number, got 'drei'" in out
    assert f"{bad}:29: dimensions[1] (netzwerk).indicators[0] (planung-1).scale: unknown scale 'sieben'" in out
    assert "Traceback" not in out + err


def test_validate_reports_syntax_errors_and_unreadable_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "syntax.toml"
    broken.write_text('id = "x"\n[[dimensions]\n', encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(broken), str(tmp_path / "missing.toml"))
    assert code == 1
    assert f"{broken}: TOML syntax error" in out and "line 2" in out
    assert f"{tmp_path / 'missing.toml'}: cannot read file" in out


def test_show_a_framework_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fw.toml"
    path.write_text(VALID, encoding="utf-8")
    code, out, _ = run(capsys, "show", str(path))
    assert code == 0
    assert "Mini-Rahmen  (mini 1.0)" in out
    assert "3  Netzwerk" in out
    indicator = "- steuerungsgruppe: Es gibt eine Steuerungsgruppe.  (ebene=strategisch)"
    assert f"{indicator}  [written by the plugin (no source)]" in out


def test_show_an_unknown_framework_is_an_error_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "no-such-framework")
    assert code == 1
    assert out == ""
    assert err.startswith("error: unknown framework 'no-such-framework'")


def test_frameworks_lists_the_three_shipped_frameworks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "frameworks", "--json")
    assert code == 0
    assert {row["id"] for row in json.loads(out)} >= SHIPPED


@pytest.mark.parametrize("framework_id", sorted(SHIPPED))
def test_show_each_shipped_framework(framework_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", framework_id, "-d", "--lang", "en")
    assert code == 0
    assert f"({framework_id} " in out.splitlines()[0]
    assert out.count("\n   - ") >= 3


def test_plugins_names_each_plugin_and_what_it_registered(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plugins", "--json")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)["plugins"]}
    assert rows["qualitaetsrahmen_fh"]["registered"]["frameworks"] == ["nzfh-qualitaetsrahmen 2.0"]
    assert "kqs" in rows and "nds_standards" in rows


def test_demo_validates_all_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo")
    assert code == 0, out
    assert "all shipped data is valid" in out
    assert "nds-79a-modellprojekt-2016: meets its own rules" in out
    assert "qdfh-2019: meets its own rules" in out
    assert "all rules met" in out


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "qframework", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("qframework ")


def test_validate_with_an_unknown_kind_names_the_known_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fw.toml"
    path.write_text(VALID, encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--kind", "nosuch", str(path))
    assert code == 1
    assert (
        out == f"{path}: unknown kind 'nosuch' (known: 'assessment', 'assessments', 'assignment-problem', "
        "'crosswalk', 'framework', 'programme', 'roster')\n"
    )


def test_negative_counts_are_rejected_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["score", "--priorities", "-1", "x.toml"])
    assert info.value.code == 2
    assert "--priorities: must be ≥ 0, got -1" in capsys.readouterr().err


def test_template_refuses_a_format_that_contradicts_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.toml"
    code, _, err = run(capsys, "template", "kqs", "--format", "json", "-o", str(target))
    assert code == 1 and "does not fit the file name" in err
    assert not target.exists()
    code, _, err = run(capsys, "template", "kqs", "-o", str(tmp_path / "missing" / "x.toml"))
    assert code == 1 and "cannot write" in err and "Traceback" not in err


# -- listing results: plain data through the one converter ----------------------------------------


def test_listing_json_reads_back_as_the_result_types(capsys: pytest.CaptureFixture[str]) -> None:
    """plugins/frameworks/programmes --json are io.dumps of attrs results: io.loads gives them back."""
    registry = load_registry()
    for argv, cls, expected in (
        (["plugins", "--json"], PluginReport, PluginReport.of(registry)),
        (
            ["frameworks", "--json"],
            tuple[FrameworkSummary, ...],
            tuple(
                FrameworkSummary.of(registry.frameworks[f], registry.frameworks.providers[f].name)
                for f in sorted(registry.frameworks)
            ),
        ),
        (
            ["programmes", "--json"],
            tuple[ProgrammeSummary, ...],
            tuple(
                ProgrammeSummary.of(p, registry.programmes.providers[p.id].name)
                for p in sorted(registry.programmes.values(), key=lambda p: p.id)
            ),
        ),
    ):
        code, out, _ = run(capsys, "--lang", "de", *argv)
        assert code == 0
        assert io.loads(cls, out, format="json") == expected


@given(
    st.builds(
        PluginReport,
        plugins=st.lists(
            st.builds(
                PluginSummary,
                name=st.text(min_size=1),
                version=st.none() | st.text(),
                module=st.text(),
                builtin=st.booleans(),
                registered=st.dictionaries(st.text(), st.lists(st.text()).map(tuple)).map(FrozenMap),
            ),
            max_size=3,
        ).map(tuple),
    ),
    st.builds(
        FrameworkSummary,
        titles=st.dictionaries(st.text(), st.text()),
        dimensions=st.integers(0, 99),
        indicators=st.integers(0, 999),
    ),
    st.builds(
        ProgrammeSummary,
        participants=st.none() | st.integers(1, 99),
    ),
)
def test_listing_results_round_trip_as_json(report: Any, framework: Any, programme: Any) -> None:
    """Rule: every listing result reads back equal from its JSON (loads(T, dumps(x)) == x) and is hashable."""
    for value in (report, framework, programme):
        assert io.loads(type(value), io.dumps(value, format="json"), format="json") == value
        assert hash(value) == hash(value)
