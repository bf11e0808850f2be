"""Loading, validating, round-tripping and saving files."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from strategies import frameworks

import qframework.io as qio
from qframework import (
    Framework,
    QFrameworkError,
    ValidationError,
    dumps,
    load_framework,
    loads,
    loads_framework,
    save,
)

VALID = textwrap.dedent(
    """\
    id = "mini"
    version = "1.0"
    title = "Mini-Rahmen"
    scale = "vier"
    provenance = { kind = "authored", note = "Testdaten" }

    [[sources]]
    id = "brief"
    title = "Domain brief"

    [[scales]]
    id = "vier"
    title = "Vier Stufen"
    provenance = { kind = "authored", note = "Testdaten" }
    levels = [{ value = 1, label = "gar nicht" }, { value = 2, label = "kaum" },
              { value = 3, label = "weitgehend" }, { value = 4, label = "voll" }]

    [[facets]]
    id = "ebene"
    title = "Ebene"
    provenance = { kind = "paraphrased", source = "brief" }
    values = [{ id = "strategisch", title = "strategische Steuerung" },
              { id = "operativ", title = "operative Umsetzung" }]

    [[dimensions]]
    id = "netzwerk"
    number = 3
    title = "Netzwerk"
    provenance = { kind = "paraphrased", source = "brief" }

    [[dimensions.indicators]]
    id = "steuerungsgruppe"
    title = "Es gibt eine Steuerungsgruppe."
    facets = { ebene = ["strategisch"] }
    provenance = { kind = "authored", note = "Testdaten" }
    """
)

# Twelve different mistakes, one per line marked with the path we expect to see reported.
BROKEN = textwrap.dedent(
    """\
    id = "Mini Rahmen"
    version = "1.0"
    scale = "fuenf"
    colour = "red"

    [[scales]]
    id = "vier"
    title = "Vier Stufen"
    provenance = { kind = "authored", note = "x" }
    levels = [{ value = 2, label = "a" }, { value = 1, label = "b" }]

    [[dimensions]]
    id = "netzwerk"
    number = "drei"
    title = "Netzwerk"
    provenance = { kind = "paraphrased", source = "unbekannt" }
    indicators = []

    [[dimensions]]
    id = "netzwerk"
    number = 4
    title = "Planung"
    provenance = { kind = "authored", note = "x" }

    [[dimensions.indicators]]
    id = "planung-1"
    title = "Plan"
    weight = -2
    scale = "sieben"
    facets = { ort = ["x"] }

    [[dimensions.indicators]]
    id = "planung-2"
    title = "Noch ein Plan"
    provenance = { kind = "geraten" }
    """
)

EXPECTED_BROKEN = {
    "id": "lower-case ASCII id",
    "title": "missing required key",
    "provenance": "provenance missing",
    "scale": "unknown scale 'fuenf'",
    "colour": "unknown key",
    "scales[0].levels[1].value": "ascending order",
    "dimensions[0].number": "expected a whole number, got 'drei'",
    "dimensions[0].provenance.source": "unknown source 'unbekannt'",
    "dimensions[0].indicators": "at least one indicator",
    "dimensions[1].id": "duplicate id 'netzwerk'",
    "dimensions[1].indicators[0].weight": "must be > 0, got -2",
    "dimensions[1].indicators[0].scale": "unknown scale 'sieben'",
    "dimensions[1].indicators[0].facets.ort": "unknown facet 'ort'",
    "dimensions[1].indicators[0].provenance": "provenance missing",
    "dimensions[1].indicators[1].provenance.kind": "must be one of quoted, paraphrased, inferred, authored",
}


def problems(text: str, fmt: str = "toml") -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        loads(Framework, text, format=fmt, file="f.toml")  # type: ignore[arg-type]
    assert info.value.file == "f.toml"
    return {p.path: p.message for p in info.value.problems}


def test_valid_file_loads() -> None:
    fw = loads_framework(VALID)
    assert fw.indicator("steuerungsgruppe").facets == {"ebene": ("strategisch",)}
    assert fw.scale_of("steuerungsgruppe").id == "vier"


def test_a_dozen_mistakes_are_reported_together_with_their_paths() -> None:
    found = problems(BROKEN)
    for path, fragment in EXPECTED_BROKEN.items():
        assert path in found, f"{path} not reported; got {sorted(found)}"
        assert fragment in found[path], (path, found[path])
    # Nothing is reported twice (a wrong type is not also reported as a bad value).
    assert len(found) == len(EXPECTED_BROKEN)


def test_toml_syntax_error_has_line_and_column() -> None:
    found = problems('id = "x"\ntitle = \n')
    assert list(found) == [""]
    assert "TOML syntax error" in found[""]
    assert "line 2" in found[""]


def test_json_syntax_error_has_line_and_column() -> None:
    found = problems('{"id": "x",\n "title": }', "json")
    assert "JSON syntax error" in found[""] and "line 2, column 11" in found[""]


@pytest.mark.parametrize(
    ("line", "path", "fragment"),
    [
        ('weight = "1"', "dimensions[0].indicators[0].weight", "expected a number, got '1'"),
        ("weight = true", "dimensions[0].indicators[0].weight", "expected a number, got True"),
        ("weight = 0", "dimensions[0].indicators[0].weight", "must be > 0"),
        ("title = 5", "dimensions[0].indicators[0].title", "expected text, got 5"),
        ('facets = { ebene = ["nirgends"] }', "dimensions[0].indicators[0].facets.ebene[0]", "unknown value"),
        ('tiers = [{ id = "a", title = "A" }]', "dimensions[0].indicators[0].tiers[0].provenance", "missing"),
    ],
)
def test_wrong_values_in_an_indicator(line: str, path: str, fragment: str) -> None:
    key = line.split(" =")[0]
    if key == "title":
        text = VALID.replace('title = "Es gibt eine Steuerungsgruppe."', line)
    elif key == "facets":
        text = VALID.replace('facets = { ebene = ["strategisch"] }', line)
    else:  # the indicator is the last table in the file, so an appended key belongs to it
        text = VALID + line + "\n"
    found = problems(text)
    assert path in found, found
    assert fragment in found[path]


def test_validator_messages_survive_and_are_not_replaced_by_type_noise() -> None:
    found = problems(VALID.replace('{ value = 2, label = "kaum" }', '{ value = 5, label = "kaum" }'))
    assert found == {"scales[0].levels[2].value": "levels must be listed in ascending order of value; 3 follows 5"}


def test_objects_built_in_code_are_validated_too() -> None:
    fw = loads_framework(VALID)
    dim = fw.dimensions[0]
    with pytest.raises(ValidationError) as info:
        type(dim)(id="Netzwerk!", number=0, title="", indicators=())
    paths = {p.path for p in info.value.problems}
    assert paths == {"id", "number", "title", "indicators", "provenance"}


@settings(max_examples=60, deadline=None)
@given(frameworks())
def test_round_trip_toml_and_json_is_lossless(fw: Framework) -> None:
    """Rule: for every valid framework, loads(dumps(fw)) == fw in TOML and in JSON."""
    for fmt in ("toml", "json"):
        assert loads(Framework, dumps(fw, format=fmt), format=fmt) == fw  # type: ignore[arg-type]


def test_load_framework_reads_by_suffix(tmp_path: Path) -> None:
    fw = loads_framework(VALID)
    path = tmp_path / "mini.json"
    path.write_text(dumps(fw, format="json"), encoding="utf-8")
    assert load_framework(path) == fw
    assert json.loads(path.read_text(encoding="utf-8"))["id"] == "mini"


def test_unknown_suffix_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="suffix"):
        load_framework(tmp_path / "x.yaml")
    with pytest.raises(ValidationError, match="cannot read file"):
        load_framework(tmp_path / "missing.toml")


def test_save_is_atomic_when_serialising_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "fw.toml"
    target.write_text("previous content", encoding="utf-8")

    def explode(obj: object, *, format: str = "toml") -> str:
        raise RuntimeError("disk full while serialising")

    monkeypatch.setattr(qio, "dumps", explode)
    with pytest.raises(RuntimeError):
        save(loads_framework(VALID), target)
    assert target.read_text(encoding="utf-8") == "previous content"
    assert os.listdir(tmp_path) == ["fw.toml"]


def test_save_is_atomic_when_the_rename_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "fw.toml"
    target.write_text("previous content", encoding="utf-8")

    def crash(src: str, dst: str) -> None:
        raise OSError("simulated crash before the rename")

    monkeypatch.setattr(qio.os, "replace", crash)
    with pytest.raises(QFrameworkError, match=r"cannot write .*fw.toml: simulated crash"):
        save(loads_framework(VALID), target)
    assert target.read_text(encoding="utf-8") == "previous content"
    assert os.listdir(tmp_path) == ["fw.toml"], "the temporary file must be cleaned up"


def test_save_writes_a_loadable_file_and_keeps_permissions(tmp_path: Path) -> None:
    fw = loads_framework(VALID)
    target = tmp_path / "fw.toml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    save(fw, target)
    assert load_framework(target) == fw
    assert target.stat().st_mode & 0o777 == 0o640


def test_save_into_a_missing_folder_or_onto_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    fw = loads_framework(VALID)
    with pytest.raises(QFrameworkError, match=r"cannot write .*nowhere/fw.toml: No such file or directory"):
        save(fw, tmp_path / "nowhere" / "fw.toml")
    (tmp_path / "folder.toml").mkdir()
    with pytest.raises(QFrameworkError, match="it is a folder"):
        save(fw, tmp_path / "folder.toml")


def test_save_through_a_symbolic_link_writes_the_linked_file(tmp_path: Path) -> None:
    fw = loads_framework(VALID)
    real = tmp_path / "real"
    real.mkdir()
    (real / "fw.toml").write_text("old", encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(real / "fw.toml")
    save(fw, link)
    assert link.is_symlink()
    assert load_framework(real / "fw.toml") == fw


@pytest.mark.parametrize("location", ["[52.6]", "[52.6, 10.0, 99.0]", '"Hannover"'])
def test_a_location_needs_exactly_two_numbers(location: str) -> None:
    from qframework import Participant

    with pytest.raises(ValidationError) as info:
        loads(Participant, f'id = "a"\nlocation = {location}\n')
    assert [p.path for p in info.value.problems] == ["location"]
