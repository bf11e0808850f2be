"""Templates, the assessment commands, the demo step, the tutorial and the benchmark script."""

from __future__ import annotations

import importlib.util
import json
import re
import runpy
from pathlib import Path

import attrs
import pytest
from assessment_fixtures import assessment, na, rate, registry_with, small_framework

import qframework.plugins
from qframework import cli, io
from qframework.assessment import (
    Comparison,
    Scorecard,
    dumps_assessments,
    load_assessment,
    loads_assessment,
    loads_assessments,
    score,
)
from qframework.cli import assessment as cli_assessment
from qframework.io import dumps
from qframework.model import Provenance, Source
from qframework.template import assessment_template, sample_assessment

ROOT = Path(__file__).resolve().parents[1]
FW = small_framework()
REG = registry_with(FW)


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(qframework.plugins, "load_registry", lambda *a, **k: REG)
    monkeypatch.setattr("qframework.assessment.files._VALIDATION_REGISTRY", [REG])
    return REG


def fill(text: str, value: int) -> str:
    return re.sub(r"^# value =$", f"value = {value}", text, flags=re.M)


# -- templates ---------------------------------------------------------------------------------


def test_template_lists_every_indicator_with_title_and_levels() -> None:
    text = assessment_template(FW, raters=("a", "b"))
    assert "# i1: Steuerungsgruppe" in text
    assert "#   Scale z6: 1 = Stufe 1 · 2 = Stufe 2 · 3 = Stufe 3 · 4 = Stufe 4 · 5 = Stufe 5 · 6 = Stufe 6;" in text
    assert "#   Scale ja-nein: 0 = nein · 1 = ja; not applicable is not allowed" in text
    assert '#   tiers (optional: tier = …): "mindest" = Mindestvoraussetzungen, "mehr" = Das Mehr' in text
    assert "#   weight 3" in text
    assert text.count("\n[[ratings]]\n") == 8
    assert text.count("# value =") == 8


def test_blank_template_loads_unrated_and_complete_reports_every_unfilled_rating(
    registry: object, tmp_path: Path
) -> None:
    path = tmp_path / "blank.toml"
    path.write_text(assessment_template(FW, raters=("a", "b")))
    from qframework.errors import ValidationError

    blank = load_assessment(path, registry=REG)
    assert blank.unrated == tuple(range(8))
    assert not any(r.rated for r in blank.ratings)
    with pytest.raises(ValidationError) as info:
        load_assessment(path, registry=REG, complete=True)
    assert [p.path for p in info.value.problems] == [f"ratings[{i}].value" for i in range(8)]
    assert all(p.message.startswith("not yet rated") for p in info.value.problems)


def test_filled_toml_template_loads_and_scores(tmp_path: Path) -> None:
    """value = 1 everywhere: i1 0.0 (1..6), i2 1/3 (0..3), i3 0.0, i4 1.0 (0..1).
    d1 = (1·0 + 3·1/3) / 4 = 0.25, d2 = (2·0 + 1·1) / 3 = 1/3, overall = (4·0.25 + 3·1/3) / 7 = 2/7."""
    path = tmp_path / "filled.toml"
    path.write_text(fill(assessment_template(FW, raters=("a", "b"), subject="stadt-y", period="2025-H1"), 1))
    a = load_assessment(path, registry=REG)
    assert (a.subject.id, a.period, len(a.ratings)) == ("stadt-y", "2025-H1", 8)
    card = score(a, registry=REG)
    assert card.dimension("d1").score == pytest.approx(0.25)
    assert card.dimension("d2").score == pytest.approx(1 / 3)
    assert card.overall == pytest.approx(2 / 7)


def test_filled_json_template_loads(tmp_path: Path) -> None:
    doc = json.loads(assessment_template(FW, format="json"))
    assert [r["value"] for r in doc["ratings"]] == [None] * 4
    for r in doc["ratings"]:
        r["value"] = 1
    path = tmp_path / "filled.json"
    path.write_text(json.dumps(doc))
    assert score(load_assessment(path, registry=REG), registry=REG).overall == pytest.approx(2 / 7)


def test_template_says_where_the_content_comes_from() -> None:
    """The shipped indicator texts are written by the plugin, not by the NZFH: the template says so
    in its header and marks every indicator (and dimension) with its provenance."""
    from qframework.plugins import load_registry

    fw = load_registry().framework("nzfh-qualitaetsrahmen")
    text = assessment_template(fw, plugin="qualitaetsrahmen_fh")
    head = text.split("framework_id =")[0]
    assert "# Where this content comes from:" in head
    assert "published by Nationales Zentrum Frühe Hilfen (NZFH) mit seinem Beirat" in head
    assert "[paraphrased from the source: NZFH: Qualitätsrahmen Frühe Hilfen – Hintergrund" in head
    assert "are data supplied by the plugin qualitaetsrahmen_fh, not the publisher's own document" in head
    assert "only texts marked [quoted from the source: …] are the source's words" in head
    assert "#     nzfh-hintergrund: NZFH: Qualitätsrahmen Frühe Hilfen – Hintergrund" in head
    assert "https://www.fruehehilfen.de/" in head
    marks = re.findall(r"^#   provenance: (.*)$", text, flags=re.M)
    assert len(marks) == len(list(fw.indicators())) == text.count("\n[[ratings]]\n")
    assert set(marks) == {"[written by the plugin (no source): plugin qualitaetsrahmen_fh]"}
    assert "# 1 Grundidee  (grundidee)  [paraphrased from the source: NZFH: Qualitätsrahmen Frühe Hilfen 2.0" in text
    assert "; title: quoted from the source]" in text


def test_template_marks_quoted_paraphrased_and_inferred_indicators() -> None:
    src = Source("leitfaden", "Leitfaden 2020", "https://example.org/leitfaden")
    kinds = [
        Provenance("quoted", "leitfaden"),
        Provenance("paraphrased", "leitfaden", title_kind="quoted"),
        Provenance("inferred", note="our reading"),
        Provenance("authored", "leitfaden"),
    ]
    dims = tuple(
        attrs.evolve(d, indicators=tuple(attrs.evolve(i, provenance=kinds.pop(0)) for i in d.indicators))
        for d in FW.dimensions
    )
    fw = attrs.evolve(FW, dimensions=dims, sources=(src,), publisher="")
    text = assessment_template(fw)
    assert re.findall(r"^#   provenance: (.*)$", text, flags=re.M) == [
        "[quoted from the source: Leitfaden 2020]",
        "[paraphrased from the source: Leitfaden 2020; title: quoted from the source]",
        "[inferred (the plugin's reading): the authors of this framework data]",
        "[written by the plugin (no source): the authors of this framework data; based on Leitfaden 2020]",
    ]
    assert "#     note: our reading" in text
    assert "#   Framework: Testrahmen  [written by the plugin (no source): the authors of this framework data]" in text
    assert "are the data of this framework file, not the publisher's own document" in text
    assert "#     leitfaden: Leitfaden 2020 https://example.org/leitfaden" in text


def test_template_refuses_unknown_format() -> None:
    with pytest.raises(ValueError, match=r"unknown format 'yaml' \(known: toml, json\)"):
        assessment_template(FW, format="yaml")


def test_sample_assessment_is_valid_and_deterministic() -> None:
    a, b = sample_assessment(FW, seed=3), sample_assessment(FW, seed=3)
    assert a == b
    assert score(a, FW).coverage > 0


# -- commands ----------------------------------------------------------------------------------


def test_cli_template_to_file(registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.toml"
    assert cli.main(["template", "test-rahmen", "--rater", "a", "--rater", "b", "-o", str(out)]) == 0
    assert "4 indicators × 2 raters" in capsys.readouterr().out
    expected = assessment_template(FW, raters=("a", "b"), subject="kommune", period="2025", plugin="test-plugin")
    assert out.read_text() == expected
    assert "[written by the plugin (no source): plugin test-plugin]" in expected
    assert cli.main(["template", "test-rahmen", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["framework_id"] == "test-rahmen"
    assert cli.main(["template", "kein-rahmen"]) == 1
    assert "unknown framework 'kein-rahmen'" in capsys.readouterr().err


def worked(tmp_path: Path) -> Path:
    a = assessment(rate("i1", 6, "a"), rate("i1", 1, "b"), rate("i2", 3, "a"), na("i2", "b"), rate("i3", 2, "c"))
    path = tmp_path / "k.toml"
    path.write_text(dumps(a))
    return path


def test_cli_score_text_and_json(registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = worked(tmp_path)
    assert cli.main(["score", str(path)]) == 0
    out = capsys.readouterr().out
    assert "overall 0.65" in out and "coverage 3/4 indicators (75%)" in out
    assert "disagreements (spread ≥ 0.4 or applicability disputed): 2" in out
    assert cli.main(["score", str(path), "--json", "--aggregation", "median"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["file"] == str(path)
    assert data[0]["scorecard"]["overall"] == pytest.approx(0.65)
    assert data[0]["scorecard"]["aggregation"] == "median"
    assert [d["indicator"] for d in data[0]["disagreements"]] == ["i1", "i2"]
    # the same text the converter writes: the scorecard reads back as the object
    assert io.structure(data[0]["scorecard"], Scorecard) == score(
        load_assessment(path, registry=REG), registry=REG, aggregation="median"
    )


def test_cli_score_reports_problems_without_traceback(
    registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(dumps(assessment(rate("i1", 2, "a"))).replace("value = 2", "value = 7"))
    missing = tmp_path / "missing.toml"
    assert cli.main(["score", str(bad), str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: ratings[0].value: 7 is not a level of scale 'z6'" in err
    assert f"{missing}: cannot read file" in err
    assert "Traceback" not in err


def test_cli_score_bulk_one_line_each(registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = [sample_assessment(FW, subject=f"kommune-{k}", seed=k) for k in range(25)]
    path = tmp_path / "bulk.json"
    path.write_text(dumps_assessments(items))
    assert cli.main(["score", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("25 assessments; one line each")
    assert "kommune-24" in out


def test_cli_compare(registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = worked(tmp_path)
    after = tmp_path / "after.toml"
    after.write_text(dumps(assessment(rate("i1", 6, "a"), rate("i1", 6, "b"), rate("i3", 4, "c"))))
    assert cli.main(["compare", str(before), str(after), "--json"]) == 0
    text = capsys.readouterr().out
    data = json.loads(text)
    assert [round(d["delta"], 3) for d in data["dimensions"]] == [0.125, 0.4]
    assert data["overall_delta"] == pytest.approx(io.loads(Comparison, text, format="json").overall_delta)
    assert data["before"]["period"] == "2024"
    assert cli.main(["compare", str(before), str(after)]) == 0
    assert "+0.40" in capsys.readouterr().out


def test_cli_compare_on_a_bulk_file_explains(
    registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = worked(tmp_path)
    bulk = tmp_path / "bulk.json"
    bulk.write_text(dumps_assessments([sample_assessment(FW), sample_assessment(FW, period="2026")]))
    assert cli.main(["compare", str(before), str(bulk)]) == 1
    err = capsys.readouterr().err
    assert "bulk file holding 2 assessments; compare and load_assessment() take one assessment per file" in err
    assert "in Python: load_assessments()" in err


def test_cli_score_and_validate_report_every_problem_of_a_rating_rated_twice(
    registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twice = dumps(assessment(rate("i1", 2, "a"), rate("i1", 3, "b"))).replace('rater = "b"', 'rater = "a"')
    path = tmp_path / "twice.toml"
    path.write_text(twice.replace("value = 3", "value = 7"))
    bulk = tmp_path / "twice.json"
    bulk.write_text(
        dumps_assessments([assessment(rate("i1", 2, "a"), rate("i1", 3, "b"))])
        .replace('"b"]', '"a"]')
        .replace("3]", "7]")
    )
    expected = [
        "ratings[1]: indicator 'i1' is rated twice by rater 'a' (first at ratings[0])",
        "ratings[1].value: 7 is not a level of scale 'z6' (1–6; levels: 1, 2, 3, 4, 5, 6)",
    ]
    assert cli.main(["score", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [f"{path}: {line}" for line in expected]
    for command in ("score", "validate"):
        assert cli.main([command, str(bulk)]) == 1
        captured = capsys.readouterr()
        assert (captured.err or captured.out).splitlines() == [f"{bulk}: assessments[0].{line}" for line in expected]


def test_cli_validate_recognises_assessment_files(
    registry: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = worked(tmp_path)
    bulk = tmp_path / "bulk.json"
    bulk.write_text(dumps_assessments([sample_assessment(FW)]))
    bad_bulk = tmp_path / "bad.json"
    bad_bulk.write_text(dumps_assessments([assessment(rate("i1", 2, "a"))]).replace('"i1"', '"i11"'))
    assert cli.main(["validate", str(good), str(bulk)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{good}: valid assessment", f"{bulk}: valid assessments"]
    assert cli.main(["validate", str(bad_bulk)]) == 1
    assert capsys.readouterr().out.strip() == (
        f"{bad_bulk}: assessments[0].ratings[0].indicator: unknown indicator 'i11' in test-rahmen 1.0; "
        "did you mean 'i1'?"
    )


def test_demo_step(capsys: pytest.CaptureFixture[str]) -> None:
    cli_assessment._assessment_demo(REG)
    out = capsys.readouterr().out
    assert "Self-assessment (generated: 1 Kommune, 3 raters) against test-rahmen 1.0" in out
    cli_assessment._assessment_demo(registry_with())
    assert "skipped: no framework installed" in capsys.readouterr().out


# -- the tutorial and the benchmark script run ---------------------------------------------------


def test_example_self_assessment_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "02_self_assessment.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "priorities (weakest dimensions first):" in out
    assert "Progress 2024 → 2025" in out


def test_example_stand_in_framework_is_valid() -> None:
    module = runpy.run_path(str(ROOT / "examples" / "02_self_assessment.py"))
    fw = module["stand_in_framework"]()
    assert [d.number for d in fw.dimensions] == [3, 4, 7]


def test_benchmark_script_runs_small(capsys: pytest.CaptureFixture[str]) -> None:
    """The benchmark's qframework scores agree with its plain-dict baseline (asserted inside)."""
    spec = importlib.util.spec_from_file_location("bench_assessment", ROOT / "benchmarks" / "bench_assessment.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--kommunen", "3", "--years", "2", "--repeat", "1"]) == 0
    assert "ratio qframework / plain-dict" in capsys.readouterr().out


# -- the examples in docs/assessment.md validate against the installed plugins ----------------


def doc_examples(lang: str) -> list[str]:
    text = (ROOT / "docs" / "assessment.md").read_text(encoding="utf-8")
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.M | re.S)


def test_docs_assessment_examples_validate() -> None:
    """Every TOML and JSON example of an assessment file in docs/assessment.md loads with every check
    against the shipped frameworks (real indicator ids, levels of their scales)."""
    from qframework.plugins import load_registry

    registry = load_registry()
    toml_examples, json_examples = doc_examples("toml"), doc_examples("json")
    assert len(toml_examples) == 1 and len(json_examples) == 1
    single = loads_assessment(toml_examples[0], format="toml", registry=registry)
    assert single.framework == "nzfh-qualitaetsrahmen"
    many = loads_assessments(json_examples[0], registry=registry)
    assert len(many) == 2
    for a in (single, *many):
        score(a, registry=registry)
