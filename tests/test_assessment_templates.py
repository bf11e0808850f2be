"""Templates tell who wrote a text (issue 9.3) and can be scored at any stage (issue 9.4).

A third-party plugin's texts are its author's, not qframework's: the template labels them by the
element's own provenance and the supplying plugin. A template filled in part-way loads, scores
and validates (blanks are *not yet rated*, counted against coverage); ``--complete`` and
``complete=True`` demand every entry. Checked on every shipped framework's untouched and
half-filled template, TOML and JSON, through the command line and the Python API.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from assessment_fixtures import registry_with

import qframework.plugins
from qframework import cli
from qframework.assessment import (
    dumps_assessments,
    load_assessment,
    loads_assessments,
    score,
)
from qframework.errors import ValidationError
from qframework.io import dumps_framework
from qframework.model import Dimension, Framework, Indicator, Level, Provenance, Scale, Source
from qframework.plugins import load_registry
from qframework.template import assessment_template

# -- 9.3: who wrote a text ---------------------------------------------------------------------

AUTHOR_NOTE = "Von der Musterland-Fachstelle formuliert; der Landesleitfaden nennt nur die Überschrift."


def musterland() -> Framework:
    """A framework as a third-party plugin ships it: its texts are the plugin author's."""
    source = Source("leitfaden", "Landesleitfaden Musterland 2023", "https://example.org/musterland")
    authored = Provenance("authored", note=AUTHOR_NOTE)
    scale = Scale("stufen", "Stufen", (Level(0, "nein"), Level(1, "teils"), Level(2, "ja")), provenance=authored)
    return Framework(
        id="musterland-rahmen",
        version="2023",
        title="Qualitätsrahmen Musterland",
        publisher="Land Musterland",
        scales=(scale,),
        default_scale="stufen",
        sources=(source,),
        provenance=Provenance("paraphrased", "leitfaden", note="Rahmen nach dem Landesleitfaden."),
        dimensions=(
            Dimension(
                "netz",
                1,
                "Netzwerk",
                indicators=(
                    Indicator("netz-runde", "Es gibt eine Netzwerkrunde.", provenance=authored),
                    Indicator("netz-plan", "Die Runde plant jährlich.", provenance=Provenance("inferred", note="x")),
                ),
                provenance=Provenance("authored", "leitfaden", note=AUTHOR_NOTE, title_kind="quoted"),
            ),
        ),
    )


MUSTER = musterland()
MUSTER_REG = registry_with(MUSTER, plugin="qframework-musterland")


@pytest.fixture
def muster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qframework.plugins, "load_registry", lambda *a, **k: MUSTER_REG)


def test_the_registry_knows_the_supplying_plugin() -> None:
    assert MUSTER_REG.frameworks.provider("musterland-rahmen").name == "qframework-musterland"


def test_a_third_party_template_names_the_plugin_not_qframework_as_author() -> None:
    text = assessment_template(MUSTER, plugin="qframework-musterland")
    assert "von qframework" not in text and "qframework's data" not in text
    assert re.findall(r"^#   provenance: (.*)$", text, flags=re.M) == [
        "[written by the plugin (no source): plugin qframework-musterland]",
        "[inferred (the plugin's reading): plugin qframework-musterland]",
    ]
    assert (
        "# 1 Netzwerk  (netz)  [written by the plugin (no source): plugin qframework-musterland; "
        "based on Landesleitfaden Musterland 2023; title: quoted from the source]"
    ) in text
    assert "are data supplied by the plugin qframework-musterland, not the publisher's own document" in text
    # the framework itself names its source
    assert "[paraphrased from the source: Landesleitfaden Musterland 2023]" in text


def test_each_element_carries_its_own_provenance_note() -> None:
    text = assessment_template(MUSTER, plugin="qframework-musterland")
    notes = re.findall(r"^#\s+note: (.*)$", text, flags=re.M)
    assert notes == ["Rahmen nach dem Landesleitfaden.", AUTHOR_NOTE, AUTHOR_NOTE, "x"]


def test_the_template_command_labels_by_the_supplying_plugin(muster: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["template", "musterland-rahmen"]) == 0
    out = capsys.readouterr().out
    assert out.count("[written by the plugin (no source): plugin qframework-musterland]") == 1
    assert "von qframework" not in out


def test_a_framework_file_is_labelled_as_its_own_data(muster: None, tmp_path: Path) -> None:
    """Read from a file, the framework is not the installed plugin's: its authors are not named."""
    path = tmp_path / "muster.toml"
    path.write_text(dumps_framework(MUSTER))
    out = tmp_path / "t.toml"
    assert cli.main(["template", str(path), "-o", str(out)]) == 0
    text = out.read_text()
    assert "[written by the plugin (no source): the authors of this framework data]" in text
    assert "qframework-musterland" not in text
    assert "are the data of this framework file, not the publisher's own document" in text


def test_show_descriptions_print_provenance_notes(muster: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["show", "musterland-rahmen"]) == 0
    assert "provenance:" not in capsys.readouterr().out
    assert cli.main(["show", "-d", "musterland-rahmen"]) == 0
    out = capsys.readouterr().out
    assert "provenance: Rahmen nach dem Landesleitfaden." in out
    assert "       provenance: Von der Musterland-Fachstelle formuliert;" in out  # the indicator's, indented
    assert out.count("provenance: Von der Musterland-Fachstelle") == 2  # the dimension's and netz-runde's


# -- 9.4: scoring at any stage, on every shipped framework ---------------------------------------

SHIPPED = load_registry()
SHIPPED_IDS = sorted(SHIPPED.frameworks)
BLANK = "not yet rated: give a level of the scale (value = …) or set not_applicable = true"


def _highest(fw: Framework) -> list[int]:
    """The top level of each indicator's scale, in template order (one rater)."""
    return [max(lv.value for lv in fw.scale_of(ind).levels) for ind in fw.indicators()]


def half_filled(fw: Framework, fmt: str) -> str:
    """The template with every second entry (0, 2, 4, …) set to its scale's top level."""
    text = assessment_template(fw, format=fmt)
    top = _highest(fw)
    if fmt == "json":
        doc = json.loads(text)
        for k in range(0, len(doc["ratings"]), 2):
            doc["ratings"][k]["value"] = top[k]
        return json.dumps(doc)
    parts = text.split("# value =")
    assert len(parts) == len(top) + 1
    return "".join(
        part + ("" if k == len(top) else f"value = {top[k]}" if k % 2 == 0 else "# value =")
        for k, part in enumerate(parts)
    )


@pytest.mark.parametrize("fmt", ["toml", "json"])
@pytest.mark.parametrize("framework_id", SHIPPED_IDS)
def test_an_untouched_template_loads_and_scores_with_nothing_rated(framework_id: str, fmt: str, tmp_path: Path) -> None:
    fw = SHIPPED.frameworks[framework_id]
    n = len(list(fw.indicators()))
    path = tmp_path / f"blank.{fmt}"
    path.write_text(assessment_template(fw, format=fmt))
    a = load_assessment(path, registry=SHIPPED)
    assert len(a.unrated) == len(a.ratings) == n
    card = score(a, registry=SHIPPED)
    assert (card.overall, card.coverage, card.ratings, card.unrated, card.raters) == (None, 0.0, 0, n, 0)
    assert not card.complete
    with pytest.raises(ValidationError) as info:
        load_assessment(path, registry=SHIPPED, complete=True)
    assert [str(p) for p in info.value.problems] == [f"ratings[{k}].value: {BLANK}" for k in range(n)]
    with pytest.raises(ValidationError):
        score(a, registry=SHIPPED, complete=True)


@pytest.mark.parametrize("fmt", ["toml", "json"])
@pytest.mark.parametrize("framework_id", SHIPPED_IDS)
def test_a_half_filled_template_scores_what_is_rated(framework_id: str, fmt: str, tmp_path: Path) -> None:
    """Every rated entry is its scale's top level, so each rated indicator, every dimension with one,
    and the overall score are 1.0; coverage is the share of entries filled (one rater)."""
    fw = SHIPPED.frameworks[framework_id]
    n = len(list(fw.indicators()))
    filled = (n + 1) // 2
    path = tmp_path / f"half.{fmt}"
    path.write_text(half_filled(fw, fmt))
    a = load_assessment(path, registry=SHIPPED)
    assert a.unrated == tuple(range(1, n, 2))
    card = score(a, registry=SHIPPED)
    assert card.overall == pytest.approx(1.0)
    assert card.coverage == pytest.approx(filled / n)
    assert (card.ratings, card.unrated, card.raters) == (filled, n - filled, 1)
    assert all(d.score == pytest.approx(1.0) for d in card.dimensions if d.rated)
    with pytest.raises(ValidationError) as info:
        load_assessment(path, registry=SHIPPED, complete=True)
    assert [p.path for p in info.value.problems] == [f"ratings[{k}].value" for k in range(1, n, 2)]


@pytest.mark.parametrize("framework_id", SHIPPED_IDS)
def test_a_half_filled_template_round_trips_through_a_bulk_file(framework_id: str, tmp_path: Path) -> None:
    fw = SHIPPED.frameworks[framework_id]
    path = tmp_path / "half.toml"
    path.write_text(half_filled(fw, "toml"))
    a = load_assessment(path, registry=SHIPPED)
    text = dumps_assessments([a])
    assert json.loads(text)["assessments"][0]["ratings"]["value"][1] is None
    assert loads_assessments(text, registry=SHIPPED) == [a]
    with pytest.raises(ValidationError):
        loads_assessments(text, registry=SHIPPED, complete=True)


def _unlined(output: str) -> list[str]:
    """Problem lines without their TOML line numbers (``file.toml:41: …`` → ``file.toml: …``); JSON has none."""
    return [re.sub(r"^(\S+\.toml):\d+: ", r"\1: ", line) for line in output.splitlines()]


@pytest.mark.parametrize("fmt", ["toml", "json"])
@pytest.mark.parametrize("framework_id", SHIPPED_IDS)
def test_score_and_validate_commands_at_every_stage(
    framework_id: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fw = SHIPPED.frameworks[framework_id]
    n = len(list(fw.indicators()))
    filled = (n + 1) // 2
    blank, half = tmp_path / f"blank.{fmt}", tmp_path / f"half.{fmt}"
    blank.write_text(assessment_template(fw, format=fmt))
    half.write_text(half_filled(fw, fmt))

    assert cli.main(["score", str(blank)]) == 0
    out = capsys.readouterr().out
    assert f"coverage 0/{n} indicators (0%)" in out
    assert f"not yet rated: {n} of {n} rating entries" in out
    assert cli.main(["score", str(half)]) == 0
    out = capsys.readouterr().out
    assert f"overall 1.00   coverage {filled}/{n} indicators" in out
    assert f"not yet rated: {n - filled} of {n} rating entries" in out

    for path, unrated in ((blank, list(range(n))), (half, list(range(1, n, 2)))):
        assert cli.main(["validate", str(path)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0] == f"{path}: valid assessment"
        assert lines[1:-1] == [f"{path}: ratings[{k}].value: notice: not yet rated" for k in unrated]
        assert lines[-1].startswith(f"{path}: notice: {len(unrated)} of {n} rating entries not yet rated")
        assert cli.main(["validate", "--complete", str(path)]) == 1
        assert _unlined(capsys.readouterr().out) == [f"{path}: ratings[{k}].value: {BLANK}" for k in unrated]
        assert cli.main(["score", "--complete", str(path)]) == 1
        captured = capsys.readouterr()
        assert _unlined(captured.err) == [f"{path}: ratings[{k}].value: {BLANK}" for k in unrated]
        assert captured.out == ""
    assert cli.main(["validate", "-q", str(half)]) == 0
    assert capsys.readouterr().out == ""


def test_a_complete_assessment_passes_complete_and_has_no_notices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fw = SHIPPED.frameworks["kqs"]
    text = assessment_template(fw).replace("# value =", "value = 2")
    path = tmp_path / "full.toml"
    path.write_text(text)
    assert load_assessment(path, registry=SHIPPED, complete=True).unrated == ()
    assert cli.main(["validate", "--complete", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: valid assessment\n"
    assert cli.main(["score", "--complete", str(path)]) == 0
    assert "not yet rated" not in capsys.readouterr().out


def test_bulk_blanks_are_notices_with_their_entry_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fw = SHIPPED.frameworks["nds-qualitaetsstandards-fh"]
    a = load_assessment(_write(tmp_path / "half.toml", half_filled(fw, "toml")), registry=SHIPPED)
    bulk = _write(tmp_path / "bulk.json", dumps_assessments([a]))
    assert cli.main(["validate", str(bulk)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == f"{bulk}: assessments[0].ratings[1].value: notice: not yet rated"
    assert cli.main(["validate", "--complete", str(bulk)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == f"{bulk}: assessments[0].ratings[1].value: {BLANK}"
    assert cli.main(["score", "--json", str(bulk)]) == 0
    card = json.loads(capsys.readouterr().out)[0]["scorecard"]
    assert card["unrated"] == len(a.unrated) > 0


def test_the_template_header_no_longer_asks_to_delete_unrated_entries() -> None:
    head = assessment_template(SHIPPED.frameworks["kqs"]).split("framework_id =")[0]
    assert "Delete" not in head and "delete" not in head
    assert "An entry left blank is not yet rated" in head
    assert "--complete demands every entry" in head


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
