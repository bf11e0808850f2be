"""The plugin kit: ``qframework new-plugin``, ``qframework.testing``, problem paths, id clashes.

tests/test_packaging.py runs the whole tutorial (scaffold → wheel → fresh venv → list → tests);
these tests check each piece in-process.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from test_io import VALID
from test_plugins import install_fake_distribution

from qframework import Assessment, Framework, hookimpl, load_framework, loads_framework, score
from qframework.assessment.fit import check_assessment
from qframework.cli import main
from qframework.errors import ValidationError
from qframework.plugins import load_registry, make_plugin_manager
from qframework.testing import (
    CleanRegistry,
    assert_plugin_loads,
    assert_round_trips,
    assert_translations_complete,
    assessments,
)

pytest_plugins = ["pytester"]

MUSTER = load_framework(
    Path(__file__).parent.parent / "docs/examples/plugin/src/qframework_my_framework/data/my-framework.toml"
)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on the import path where fake distributions are 'installed'."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.delenv("QFRAMEWORK_PLUGINS", raising=False)
    yield root
    load_registry(refresh=True)


def scaffold(tmp_path: Path, *args: str) -> Path:
    target = tmp_path / "out"
    assert main(["new-plugin", *args, "--directory", str(target), "--no-input"]) == 0
    return target


# -- new-plugin ----------------------------------------------------------------------------------


def test_new_plugin_writes_a_complete_distribution_whose_framework_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = scaffold(
        tmp_path, "muster-land", "--title", 'Standards "Muster"', "--publisher", "LKS Muster", "--dimensions", "4"
    )
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        "README.md",
        "pyproject.toml",
        "src/qframework_muster_land/__init__.py",
        "src/qframework_muster_land/data/muster-land.toml",
        "src/qframework_muster_land/py.typed",
        "tests/test_muster_land.py",
    ]
    project = tomllib.loads((target / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "hatchling.build"
    assert project["project"]["name"] == "qframework-muster-land"
    assert project["project"]["entry-points"]["qframework"] == {"muster_land": "qframework_muster_land"}
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/qframework_muster_land"]
    from importlib.metadata import version

    major, minor = version("qframework").split(".")[:2]
    assert project["project"]["dependencies"] == [f"qframework>={major}.{minor},<{int(major) + 1}"]  # as the docs say
    assert (project["project"]["license"], project["project"]["authors"]) == ("MIT", [{"name": "LKS Muster"}])
    assert ".hypothesis/" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()  # not in the sdist

    framework = load_framework(target / "src/qframework_muster_land/data/muster-land.toml")
    assert framework.id == "muster-land" and framework.title == 'Standards "Muster"'
    assert [d.number for d in framework.dimensions] == [1, 2, 3, 4]
    assert all(len(d.indicators) == 2 for d in framework.dimensions)
    assert framework.provenance is not None and framework.provenance.kind == "authored"
    assert "LKS Muster" in framework.provenance.note
    assert all(i.provenance is not None and i.provenance.kind == "authored" for i in framework.indicators())
    text = (target / "src/qframework_muster_land/data/muster-land.toml").read_text(encoding="utf-8")
    assert text.count("\n# ") > 20  # every field explained
    assert (
        main(["validate", "--against-installed", str(target / "src/qframework_muster_land/data/muster-land.toml")]) == 0
    )


def test_the_scaffolded_module_registers_its_framework(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = scaffold(tmp_path, "nordland")
    monkeypatch.syspath_prepend(str(target / "src"))
    module = importlib.import_module("qframework_nordland")
    try:
        registry = CleanRegistry().add(module, "nordland", "0.1.0").load()
    finally:
        sys.modules.pop("qframework_nordland", None)
    assert registry.failures == ()
    assert registry.frameworks.providers["nordland"].name == "nordland"
    assert len(registry.frameworks["nordland"].dimensions) == 3  # the default


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["Muster Land"], "plugin name 'Muster Land' is not a slug"),
        (["muster", "--framework-id", "Muster_1.0"], "framework id 'Muster_1.0' is not a slug"),
        (["kqs"], "a plugin named 'kqs' is already installed"),
        (["muster", "--framework-id", "kqs"], "framework id 'kqs' is already registered by the installed plugin kqs"),
    ],
)
def test_new_plugin_refuses_bad_or_taken_names(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new-plugin", *args, "--directory", str(tmp_path / "out"), "--no-input"]) == 1
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_new_plugin_does_not_write_into_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("keep", encoding="utf-8")
    assert main(["new-plugin", "muster", "--directory", str(tmp_path / "out"), "--no-input"]) == 1
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["mine.txt"]


def test_new_plugin_asks_for_what_no_flag_gave_in_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["suedland-2025", "Qualitätsrahmen Südland", "Landesjugendamt Südland", "2"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert main(["new-plugin", "suedland", "--directory", str(tmp_path / "out")]) == 0
    framework = load_framework(tmp_path / "out/src/qframework_suedland/data/suedland-2025.toml")
    assert (framework.id, framework.title, framework.publisher) == (
        "suedland-2025",
        "Qualitätsrahmen Südland",
        "Landesjugendamt Südland",
    )
    assert len(framework.dimensions) == 2


# -- problem paths ---------------------------------------------------------------------------------

BROKEN = """\
id = "muster"
version = "1.0"
title = "Muster"
scale = "drei"
provenance = { kind = "authored", note = "n" }

[[scales]]
id = "drei"
title = "Drei"
provenance = { kind = "authored", note = "n" }
levels = [{ value = 1, label = "a" }, { value = 2, label = "b" }, { value = 3, label = "c" }]

[[dimensions]]
id = "netzwerk"
number = 1
title = "Netzwerk"
provenance = { kind = "authored", note = "n" }

[[dimensions.indicators]]
id = "netzwerk-1"
title = "Eins"
provenance = { kind = "authored", note = "n" }

[[dimensions]]
id = "zugang-familien"
number = "drei"
title = "Zugang"
provenance = { kind = "authored", note = "n" }

[[dimensions.indicators]]
id = "zugang-1"
title = "Eins"
provenance = { kind = "authored", note = "n" }

[[dimensions.indicators]]
id = "zugang-2"
title = "Zwei"
weight = "schwer"
provenance = { kind = "authored", note = "n" }
"""


def test_problems_name_the_element_id_and_the_toml_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "muster.toml"
    path.write_text(BROKEN, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}:26: dimensions[1] (zugang-familien).number: expected a whole number, got 'drei' (text)",
        f"{path}:38: dimensions[1] (zugang-familien).indicators[1] (zugang-2).weight: "
        "expected a number, got 'schwer' (text)",
    ]


def test_problem_paths_stay_plain_for_programs_and_annotated_for_people() -> None:
    with pytest.raises(ValidationError) as info:
        loads_framework(BROKEN, file="muster.toml")
    (first, second) = info.value.problems
    assert (first.path, first.shown_path, first.line) == (
        "dimensions[1].number",
        "dimensions[1] (zugang-familien).number",
        26,
    )
    assert second.path == "dimensions[1].indicators[1].weight"
    assert "line 38: dimensions[1] (zugang-familien).indicators[1] (zugang-2).weight" in str(info.value)


def test_json_problems_name_ids_but_no_line() -> None:
    import json

    from qframework.io import loads

    data = tomllib.loads(BROKEN)
    with pytest.raises(ValidationError) as info:
        loads(Framework, json.dumps(data), format="json", file="muster.json")
    assert (
        "muster.json: dimensions[1] (zugang-familien).number: expected a whole number, got 'drei' (text)"
        in info.value.lines()
    )


# -- id clashes between installed plugins ---------------------------------------------------------

CLASHING = """
    from qframework import hookimpl, loads_framework
    from test_io import VALID

    @hookimpl
    def qframework_frameworks(register):
        register(loads_framework(VALID.replace('id = "mini"', 'id = "{fid}"')))
        register(loads_framework(VALID.replace('id = "mini"', 'id = "{own}"')))
"""


def test_an_id_clash_is_listed_by_plugins_which_exits_1_and_everything_else_loads(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    install_fake_distribution(
        site,
        "qf-clash",
        {
            "clashone": CLASHING.format(fid="geteilt", own="eins"),
            "clashtwo": CLASHING.format(fid="geteilt", own="zwei"),
        },
    )
    assert main(["plugins"]) == 1
    out = capsys.readouterr().out
    assert "frameworks: eins 1.0, geteilt 1.0" in out  # the first in registration order keeps the id
    assert "frameworks: zwei 1.0" in out  # the second plugin's other framework still loads
    assert "kqs" in out  # and so do the other plugins
    assert (
        "framework 'geteilt' is registered by two plugins: clashone 1.2.3 and clashtwo 1.2.3; clashone keeps it" in out
    )
    assert main(["frameworks"]) == 0
    assert "warning: plugin clashtwo: framework 'geteilt'" in capsys.readouterr().err
    assert main(["plugins", "--json"]) == 1  # machine-readable output fails the same way
    assert json.loads(capsys.readouterr().out)["failures"][0]["clash_with"] == "clashone"


def test_validate_against_installed_names_the_plugin_that_has_the_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken, free = tmp_path / "taken.toml", tmp_path / "free.toml"
    taken.write_text(VALID.replace('id = "mini"', 'id = "kqs"'), encoding="utf-8")
    free.write_text(VALID.replace('id = "mini"', 'id = "noch-frei"'), encoding="utf-8")
    assert main(["validate", str(taken)]) == 0  # valid as a file
    capsys.readouterr()
    assert main(["validate", "--against-installed", str(taken), str(free)]) == 1
    out = capsys.readouterr().out
    assert f"{taken}: id: framework id 'kqs' is already registered by the installed plugin kqs" in out
    assert f"{free}: valid framework" in out


# -- qframework.testing ---------------------------------------------------------------------------


def test_assert_plugin_loads_passes_for_an_installed_plugin_and_returns_its_registry() -> None:
    registry = assert_plugin_loads("kqs")
    assert "kqs" in registry.frameworks
    assert {info.name for info in registry.plugins.values() if not info.builtin} == {"kqs"}


def test_assert_plugin_loads_lists_every_problem(site: Path) -> None:
    install_fake_distribution(
        site,
        "qf-clash",
        {
            "clashthree": CLASHING.format(fid="geteilt", own="drei"),
            "clashfour": CLASHING.format(fid="geteilt", own="kqs"),
        },
    )
    with pytest.raises(AssertionError) as info:
        assert_plugin_loads("clashfour")  # installed after kqs; with clashthree at once, and first by name
    message = str(info.value)
    assert "with every installed plugin: framework 'kqs' is registered by two plugins" in message
    assert "clashfour caused the clash" in message
    assert "'geteilt'" not in message  # clashfour keeps geteilt: that clash is clashthree's problem
    with pytest.raises(AssertionError, match="framework 'geteilt' is registered by two plugins"):
        assert_plugin_loads("clashthree")
    assert_plugin_loads("kqs")  # the established plugin's own tests still pass
    with pytest.raises(AssertionError, match=r"plugin 'nichtda' is not installed \(installed plugins: .*kqs"):
        assert_plugin_loads("nichtda")


def test_assert_plugin_loads_names_a_plugin_that_registers_nothing(site: Path) -> None:
    install_fake_distribution(site, "qf-empty", {"leer": "x = 1\n"})
    with pytest.raises(AssertionError, match="registers nothing"):
        assert_plugin_loads("leer")


def test_assert_round_trips_accepts_a_framework() -> None:
    assert_round_trips(MUSTER)


@settings(max_examples=30, deadline=None)
@given(assessments(MUSTER))
def test_generated_assessments_fit_their_framework_and_score_in_0_to_1(assessment: Assessment) -> None:
    """Every assessment the strategy generates fits the framework, round-trips, and every score lies in 0..1."""
    assert check_assessment(assessment, MUSTER) == []
    assert_round_trips(assessment)
    card = score(assessment, MUSTER)
    assert card.overall is None or 0.0 <= card.overall <= 1.0


def test_clean_registry_holds_only_builtins_and_what_the_test_adds() -> None:
    class Plugin:
        @hookimpl
        def qframework_frameworks(self, register: object) -> None:
            register(MUSTER)  # type: ignore[operator]

    clean = CleanRegistry()
    assert list(clean.load().frameworks) == []
    assert list(clean.add(Plugin(), "muster").load().frameworks) == ["my-framework"]


def test_the_testing_module_offers_a_pytest_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("from qframework.testing import clean_registry\n")
    pytester.makepyfile(
        textwrap.dedent(
            """
            def test_it(clean_registry):
                assert "mean" in clean_registry.load().aggregations
            """
        )
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_make_plugin_manager_is_untouched_by_the_kit() -> None:
    assert load_registry(make_plugin_manager(entry_points=False)).failures == ()


def test_a_wrong_answer_in_the_terminal_is_an_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["suedland", "Titel", "Herausgeber", "drei"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert main(["new-plugin", "suedland", "--directory", str(tmp_path / "out")]) == 1
    assert "expected a whole number, got 'drei'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# -- the author's flow, with the mistakes authors make (issue 26) ---------------------------------

CLAIMS_KQS = """
    from qframework import hookimpl, loads_framework
    from test_io import VALID

    @hookimpl
    def qframework_frameworks(register):
        text = VALID.replace('id = "mini"', 'id = "kqs"').replace('version = "1.0"', 'version = "2"')
        register(loads_framework(text))
"""

NO_HOOKIMPL = """
    def qframework_frameworks(register):
        pass
"""

RAISING = """
    from qframework import hookimpl

    DATA = {}

    @hookimpl
    def qframework_frameworks(register):
        register(DATA["fehlt"])
"""


def test_the_authors_flow_install_validate_versions_clash_no_hookimpl_and_a_raising_hook(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Install the scaffold for real; its own file and a second version validate against the installed
    plugins; a newcomer claiming kqs leaves kqs working and is named as the cause; a plugin without
    @hookimpl is warned about; a plugin raising in its hook is shown with its file and line."""
    import subprocess

    modules = ("qframework_muster_land", "aaa_module", "nohook_module", "raising_module")
    for module in modules:  # a module of the same name imported by another test would be used instead
        sys.modules.pop(module, None)
    target = tmp_path / "qframework-muster-land"
    assert main(["new-plugin", "muster-land", "--directory", str(target), "--no-input"]) == 0
    data = target / "src/qframework_muster_land/data/muster-land.toml"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(target)]
    subprocess.run(pip, check=True, capture_output=True)
    try:
        assert main(["plugins"]) == 0
        assert "muster_land 0.1.0" in capsys.readouterr().out
        # its own file is no clash, and neither is a second version side by side in its data folder
        assert main(["validate", "--against-installed", str(data)]) == 0
        second = data.with_name("muster-land-2.toml")
        second.write_text(data.read_text(encoding="utf-8").replace('version = "1.0"', 'version = "2.0"'), "utf-8")
        assert main(["validate", "--against-installed", str(second)]) == 0
        assert (
            main(["validate", "--against-installed", str(site / "qframework_muster_land/data/muster-land.toml")]) == 0
        )
        capsys.readouterr()
        elsewhere = tmp_path / "elsewhere.toml"  # the same id in another project is a clash
        elsewhere.write_text(data.read_text(encoding="utf-8"), encoding="utf-8")
        assert main(["validate", "--against-installed", str(elsewhere)]) == 1
        assert "already registered by the installed plugin muster_land 0.1.0" in capsys.readouterr().out

        # a new plugin claiming kqs, first by name: kqs keeps its framework and the newcomer is named
        install_fake_distribution(site, "qf-aaa", {"aaa": CLAIMS_KQS})
        assert main(["plugins"]) == 1
        out = capsys.readouterr().out
        assert "FAILED aaa: framework 'kqs' is registered by two plugins: kqs" in out
        assert "kqs keeps it (it was installed first)" in out and "aaa caused the clash" in out
        assert main(["plugins", "--json"]) == 1
        (clash,) = [f for f in json.loads(capsys.readouterr().out)["failures"] if f["clash_with"]]
        assert (clash["plugin"], clash["clash_with"]) == ("aaa", "kqs")
        assert load_registry().frameworks.provider("kqs").name == "kqs"
        vorlage = tmp_path / "kqs-vorlage.toml"
        assert main(["template", "kqs", "-o", str(vorlage)]) == 0
        assert main(["score", str(vorlage)]) == 0
        assert "warning: plugin aaa: framework 'kqs'" in capsys.readouterr().err
        assert_plugin_loads("kqs")  # the established plugin's own tests still pass
        with pytest.raises(AssertionError, match="aaa caused the clash"):
            assert_plugin_loads("aaa")

        # a plugin whose hook function lacks @hookimpl
        install_fake_distribution(site, "qf-nohook", {"nohook": NO_HOOKIMPL})
        assert main(["plugins"]) == 1
        assert "FAILED nohook: registers nothing: qframework_frameworks is not marked @hookimpl" in (
            capsys.readouterr().out
        )
        assert main(["frameworks"]) == 0
        assert "warning: plugin nohook: registers nothing" in capsys.readouterr().err

        # a plugin raising in its hook: the file and line, in the CLI, --json and assert_plugin_loads
        install_fake_distribution(site, "qf-raising", {"raising": RAISING})
        where = f'{site / "raising_module.py"}:8 in qframework_frameworks: register(DATA["fehlt"])'
        assert main(["plugins"]) == 1
        assert f"FAILED raising: qframework_frameworks failed: KeyError: 'fehlt'\n  at {where}" in (
            capsys.readouterr().out
        )
        main(["plugins", "--json"])
        (raised,) = [f for f in json.loads(capsys.readouterr().out)["failures"] if f["plugin"] == "raising"]
        assert raised["where"] == [where]
        with pytest.raises(AssertionError, match=r"raising_module\.py:8 in qframework_frameworks"):
            assert_plugin_loads("raising")

        # the scaffold's own tests: every version passes; a broken file fails the tests named after it
        installed = site / "qframework_muster_land/data"
        (installed / "muster-land-2.toml").write_text(second.read_text(encoding="utf-8"), encoding="utf-8")
        broken = data.read_text(encoding="utf-8").replace('version = "1.0"', 'version = "3.0"')
        (installed / "muster-land-3.toml").write_text(broken.replace("number = 2", 'number = "zwei"'), "utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(Path(__file__).parent)])}
        env.pop("QFRAMEWORK_PLUGINS", None)
        tests = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(target / "tests")]
        run = subprocess.run(tests, capture_output=True, text=True, env=env, cwd=target)
        assert run.returncode == 1, run.stdout + run.stderr  # failed tests, not a collection error (2)
        failed = sorted(
            line.split("::")[1].split(" - ")[0] for line in run.stdout.splitlines() if line.startswith("FAILED")
        )
        assert failed == [
            "test_every_element_is_translated_into_each_language_the_framework_uses[muster-land-3.toml]",
            "test_every_score_of_a_valid_assessment_lies_between_0_and_1[muster-land-3.toml]",
            "test_the_framework_is_valid_and_reads_back_from_its_own_toml_and_json[muster-land-3.toml]",
            "test_the_plugin_loads_alone_and_with_every_installed_plugin",  # the plugin fails to load
        ]
        assert "muster-land-3.toml:" in run.stdout and "expected a whole number, got 'zwei'" in run.stdout
        assert "passed" in run.stdout  # muster-land.toml's and muster-land-2.toml's tests
    finally:
        for module in modules:
            sys.modules.pop(module, None)


# -- validate reads what score reads; report combines raters as score does -------------------------


def test_validate_reads_a_filled_in_xlsx_workbook_as_score_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "bewertung.xlsx"
    assert main(["template", "kqs", "--format", "xlsx", "-o", str(workbook)]) == 0
    capsys.readouterr()
    assert main(["validate", str(workbook)]) == 0  # a template filled in part-way is valid
    assert f"{workbook}: valid assessment" in capsys.readouterr().out
    assert main(["validate", "--complete", str(workbook)]) == 1
    assert f"{workbook}: ratings: indicator " in capsys.readouterr().out  # each blank row, by indicator id
    assert main(["validate", "--kind", "framework", str(workbook)]) == 1
    assert "holds an assessment, not a framework" in capsys.readouterr().out


def test_report_combines_two_raters_files_like_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.xlsx"
    assert main(["template", "kqs", "-o", str(first), "--rater", "hebamme"]) == 0
    assert main(["template", "kqs", "--format", "xlsx", "-o", str(second), "--rater", "koordination"]) == 0
    capsys.readouterr()
    assert main(["report", "assessment", str(first), str(second), "-o", str(tmp_path / "r.html")]) == 1
    assert "become one with --combine" in capsys.readouterr().err
    assert main(["report", "assessment", str(first), str(second), "--combine", "-o", str(tmp_path / "r.html")]) == 0
    assert "combined 2 files" in capsys.readouterr().err
    assert (tmp_path / "r.html").read_text(encoding="utf-8").lstrip().startswith("<!")


# -- show and score name a failed plugin that may provide the id they miss --------------------------


def test_show_and_score_name_the_failed_plugin_that_may_provide_the_missing_framework(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    install_fake_distribution(site, "qf-musterland", {"musterland": RAISING})
    try:
        assert main(["show", "musterland"]) == 1
        err = capsys.readouterr().err
        assert "unknown framework 'musterland'" in err
        assert "the plugin musterland, which may provide framework 'musterland', failed to load: " in err
        assert "KeyError: 'fehlt'" in err
        assessment = tmp_path / "a.toml"
        assert main(["template", "kqs", "-o", str(assessment)]) == 0
        assessment.write_text(
            assessment.read_text(encoding="utf-8").replace('framework_id = "kqs"', 'framework_id = "musterland"'),
            encoding="utf-8",
        )
        capsys.readouterr()
        assert main(["score", str(assessment)]) == 1
        err = capsys.readouterr().err
        assert "framework 'musterland' is not installed" in err and "the plugin musterland" in err
        assert main(["show", "nirgends"]) == 1  # not musterland's: every failed plugin is mentioned
        assert "note that plugins failed to load (musterland)" in capsys.readouterr().err
    finally:
        sys.modules.pop("musterland_module", None)


def test_assert_translations_complete_lists_every_gap_in_the_languages_used() -> None:
    assert_translations_complete(MUSTER)  # no translations at all: nothing to complete
    text = VALID.replace('title = "Mini-Rahmen"', 'title = "Mini-Rahmen"\ntranslations = { en = { title = "Mini" } }')
    partly = loads_framework(text)
    with pytest.raises(AssertionError) as info:
        assert_translations_complete(partly)
    message = str(info.value)
    assert "framework 'mini' 1.0 is not completely translated (en)" in message
    assert "- dimensions[0] (netzwerk): no 'en' translation" in message
    assert "levels[0] (1): no 'en' translation" in message
    assert "framework 'mini': no" not in message  # the framework itself is translated
    with pytest.raises(AssertionError, match="no 'fr' translation"):
        assert_translations_complete(partly, languages=("fr",))


# -- scales: gaps warned, level problems at the level's line ---------------------------------------

GAPPED = (
    BROKEN.replace('{ value = 3, label = "c" }', '{ value = 4, label = "d" }')
    .replace('number = "drei"', "number = 2")
    .replace('weight = "schwer"\n', "")
)


def test_a_scale_whose_levels_have_a_gap_is_warned_and_refused_under_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "muster.toml"
    path.write_text(GAPPED, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: valid framework",
        f"{path}:11: scales[0] (drei).levels: warning: the level values 1, 2, 4 skip 3: scores normalise by "
        "value, so the step over the gap counts double; number the levels without gaps unless that is meant",
    ]
    assert main(["validate", "--strict", str(path)]) == 1
    assert f"{path}:11: scales[0] (drei).levels: the level values 1, 2, 4 skip 3" in capsys.readouterr().out
    assert load_framework(path).scales[0].gaps() == (3,)


def test_a_level_problem_is_reported_at_the_levels_own_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "muster.toml"
    text = GAPPED.replace(
        'levels = [{ value = 1, label = "a" }, { value = 2, label = "b" }, { value = 4, label = "d" }]',
        'levels = [\n  { value = 1, label = "a" },\n  { value = 2, label = "" },\n  { value = 3, label = "c" },\n]',
    )
    assert text != GAPPED
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{path}:13: scales[0] (drei).levels[1].label: ")


def test_a_level_translation_takes_label_like_the_level_and_title_still_reads_with_a_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    levels = '{ value = 1, label = "a" }, { value = 2, label = "b" }, { value = 3, label = "c" }'
    assert levels in BROKEN
    valid = BROKEN.replace('number = "drei"', "number = 2").replace('weight = "schwer"\n', "")

    def with_level_text(text: str) -> Framework:
        path = tmp_path / "muster.toml"
        path.write_text(
            valid.replace('{ value = 1, label = "a" }', '{ value = 1, label = "a", ' + text + " }"), "utf-8"
        )
        return load_framework(path)

    new = with_level_text('translations = { en = { label = "one" } }')
    assert new.scales[0].levels[0].translations["en"].title == "one"  # read as every translation's title
    assert_round_trips(new)
    assert main(["validate", "--strict", str(tmp_path / "muster.toml")]) == 0
    capsys.readouterr()

    old = with_level_text('translations = { en = { title = "one" } }')
    assert old.scales[0].levels[0].translations["en"].title == "one"
    assert_round_trips(old)
    assert main(["validate", str(tmp_path / "muster.toml")]) == 0
    out = capsys.readouterr().out
    assert "scales[0] (drei).levels[0].translations.en.title: warning: 'title' in a level's translation is" in out
    assert "rename the key to 'label'" in out
    assert main(["validate", "--strict", str(tmp_path / "muster.toml")]) == 1
    capsys.readouterr()

    with pytest.raises(ValidationError, match="give the label once"):
        with_level_text('translations = { en = { label = "one", title = "eins" } }')
