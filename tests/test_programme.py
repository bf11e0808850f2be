"""Programmes: the shipped ones, their historical assignments, quotas and rosters."""

from __future__ import annotations

import tomllib
from pathlib import Path

import attrs
import pytest

from qframework import (
    Delegate,
    Group,
    Participant,
    Programme,
    Roster,
    ValidationError,
    check_assignment,
    check_roster,
    dumps,
    load_programme,
    load_registry,
    loads,
)
from qframework.cli import main

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME_FILES = sorted(
    p for p in ROOT.glob("plugins/*/src/*/data/*.toml") if "rules" in tomllib.loads(p.read_text("utf-8"))
)
SHIPPED = {
    "qdfh-2019",
    "nds-79a-modellprojekt-2016",
    "nds-79a-modellprojekt-2019",
    "nds-qualitaetszirkel-2019",
    "nds-qualitaetswerkstaetten-2024",
    "fqg-2022",
}
# Programmes whose topics are not dimensions of their framework: one place per Kommune, or themes
# that touch several dimensions without being one (Frühe Hilfen qualitätvoll gestalten).
TOPICS_NOT_DIMENSIONS = {"nds-qualitaetswerkstaetten-2024", "fqg-2022"}


@pytest.fixture(scope="module")
def registry():  # type: ignore[no-untyped-def]
    return load_registry()


def test_the_six_programmes_are_registered(registry) -> None:  # type: ignore[no-untyped-def]
    assert set(registry.programmes) == SHIPPED
    assert not registry.failures


@pytest.mark.parametrize("path", PROGRAMME_FILES, ids=lambda p: p.name)
def test_every_shipped_programme_loads_and_round_trips(path: Path) -> None:
    programme = load_programme(path)
    for fmt in ("toml", "json"):
        assert loads(Programme, dumps(programme, format=fmt), format=fmt) == programme  # type: ignore[arg-type]


def test_programme_files_found() -> None:
    assert {load_programme(p).id for p in PROGRAMME_FILES} == SHIPPED


@pytest.mark.parametrize("programme_id", sorted(SHIPPED))
def test_programme_topics_are_dimensions_of_its_framework(registry, programme_id: str) -> None:  # type: ignore[no-untyped-def]
    programme = registry.programmes[programme_id]
    framework = registry.framework(programme.framework, programme.framework_version)
    dimension_ids = {d.id for d in framework.dimensions}
    for topic in programme.rules.topics:
        if topic.any_of:
            assert set(topic.any_of) <= dimension_ids
        elif programme_id not in TOPICS_NOT_DIMENSIONS:
            assert topic.id in dimension_ids


def test_historical_kqs_distribution_passes_its_own_rules(registry) -> None:  # type: ignore[no-untyped-def]
    programme = registry.programmes["nds-79a-modellprojekt-2016"]
    assert programme.check() == []
    assignment = programme.assignment
    # The distribution of the JiN newsletter 03/2016, written out by hand.
    expected = {
        "celle": (("bedarfserschliessung", "evaluation"), ("leitbild",)),
        "gifhorn": (("personal", "soziale-dienstleistungen"), ("controlling",)),
        "rotenburg-wuemme": (("schluesselprozesse", "strategie"), ("leitbild-oder-fuehrung",)),
        "nienburg-weser": (("kooperationen", "fuehrung"), ("kundenkommunikation",)),
    }
    assert {pid: assignment.topics_of(pid) for pid in expected} == expected
    assert [s.id for s in programme.segments if s.common] == ["asd"]


def test_a_broken_kqs_copy_yields_exactly_the_repeated_required_area(registry) -> None:  # type: ignore[no-untyped-def]
    programme = registry.programmes["nds-79a-modellprojekt-2016"]
    placements = tuple(
        attrs.evolve(p, required=("personal", "evaluation")) if p.participant == "gifhorn" else p
        for p in programme.assignment.placements
    )
    violations = programme.check(attrs.evolve(programme.assignment, placements=placements))
    assert [(v.rule, v.topic) for v in violations] == [("distinct-required", "evaluation")]


def _replace_group(assignment, group):  # type: ignore[no-untyped-def]
    return attrs.evolve(assignment, groups=tuple(group if g.id == group.id else g for g in assignment.groups))


def test_historical_qdfh_cluster_passes_and_broken_copies_fail_exactly(registry) -> None:  # type: ignore[no-untyped-def]
    programme = registry.programmes["qdfh-2019"]
    assert programme.check() == []
    cluster = programme.assignment.group("cluster-familie")
    assert set(cluster.members) == {"rendsburg-eckernfoerde", "bremen", "bremerhaven", "rotenburg-wuemme"}

    # The Düren cluster has five entries (the published list); a sixth member is one too many.
    # Programme.check() uses the programme's participants; Kiel is not among them, so add it.
    kiel = Participant("kiel", "Landeshauptstadt Kiel", preferences=("netzwerk",))
    angebote = programme.assignment.group("cluster-angebote")
    six = attrs.evolve(angebote, members=(*angebote.members, "kiel"))
    violations = check_assignment(
        _replace_group(programme.assignment, six), (*programme.participants, kiel), programme.rules
    )
    assert [(v.rule, v.group) for v in violations] == [("group-size", "cluster-angebote")]

    # The mandatory dimension 3 missing.
    without = attrs.evolve(cluster, required=("zusammenarbeit-mit-der-familie", "qualitaet-von-angeboten"))
    violations = programme.check(_replace_group(programme.assignment, without))
    assert [(v.rule, v.group, v.topic) for v in violations] == [("mandatory", "cluster-familie", "netzwerk")]


def test_all_three_mistakes_together_are_all_reported(registry) -> None:  # type: ignore[no-untyped-def]
    kqs = registry.programmes["nds-79a-modellprojekt-2016"]
    qdfh = registry.programmes["qdfh-2019"]
    cluster = qdfh.assignment.group("cluster-angebote")
    broken_cluster = Group(cluster.id, ("zusammenarbeit-mit-der-familie", "planung"), (), (*cluster.members, "kiel"))
    qdfh_violations = check_assignment(
        _replace_group(qdfh.assignment, broken_cluster), (*qdfh.participants, Participant("kiel")), qdfh.rules
    )
    assert sorted(v.rule for v in qdfh_violations) == ["group-size", "mandatory"]
    placements = tuple(
        attrs.evolve(p, required=("kooperationen", "evaluation")) if p.participant == "nienburg-weser" else p
        for p in kqs.assignment.placements
    )
    assert [v.rule for v in kqs.check(attrs.evolve(kqs.assignment, placements=placements))] == ["distinct-required"]


def test_plan_reproduces_the_kqs_distribution_from_needs_as_preferences(registry) -> None:  # type: ignore[no-untyped-def]
    programme = registry.programmes["nds-79a-modellprojekt-2016"]
    planned = programme.plan()
    assert programme.check(planned) == []
    for pid in ("celle", "gifhorn", "rotenburg-wuemme", "nienburg-weser"):
        assert planned.topics_of(pid) == programme.assignment.topics_of(pid)
    assert planned.cost == 4 * (1 + 2 + 3)  # every Jugendamt gets its ranks 1, 2 and 3


# -- rosters and quotas -------------------------------------------------------------------------


def roster(**counts: int) -> Roster:
    delegates = tuple(
        Delegate(f"{role}-{i}", role, name=f"Person {role} {i}") for role, n in counts.items() for i in range(n)
    )
    return Roster("qdfh-2019", "bremen", delegates)


def test_roster_within_quotas_is_valid(registry) -> None:  # type: ignore[no-untyped-def]
    assert check_roster(roster(netzwerk=10, **{"eltern-zivilgesellschaft": 2}), registry.programmes["qdfh-2019"]) == []


def test_roster_quotas_are_enforced(registry) -> None:  # type: ignore[no-untyped-def]
    programme = registry.programmes["qdfh-2019"]
    violations = check_roster(roster(netzwerk=11, **{"eltern-zivilgesellschaft": 3}, presse=1), programme)
    messages = sorted(v.message for v in violations)
    assert all(v.rule == "quota" for v in violations)
    assert len(violations) == 3
    assert any("11 delegates, at most 10" in m for m in messages)
    assert any("3 delegates, at most 2" in m for m in messages)
    assert any("role 'presse' has no quota" in m for m in messages)
    assert [v.message for v in check_roster(roster(**{"eltern-zivilgesellschaft": 1}), programme)] == [
        "Vertreterinnen und Vertreter des örtlichen Netzwerks Frühe Hilfen (Koordination, Leitungsebene, Akteure): "
        "0 delegates, at least 1 required"
    ]


def test_roster_for_an_unknown_participant_or_programme(registry) -> None:  # type: ignore[no-untyped-def]
    programme = registry.programmes["qdfh-2019"]
    wrong = Roster("kqs-x", "hamburg", (Delegate("a", "netzwerk"),))
    assert [v.rule for v in check_roster(wrong, programme)] == ["programme", "participant"]


def test_names_are_personal_data_and_stay_hidden(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    delegate = Delegate("d-17", "netzwerk", name="Erika Mustermann")
    assert "Mustermann" not in repr(delegate)
    assert "Mustermann" not in repr(Roster("qdfh-2019", "bremen", (delegate,)))
    path = tmp_path / "roster.toml"
    path.write_text(
        'programme = "qdfh-2019"\nparticipant = "bremen"\n'
        '[[delegates]]\nid = "d-17"\nrole = "netzwerk"\nname = "Erika Mustermann"\n',
        encoding="utf-8",
    )
    assert main(["programme", "roster", str(path)]) == 0
    out = capsys.readouterr().out
    assert "d-17" in out and "Mustermann" not in out
    assert main(["programme", "roster", str(path), "--show-names"]) == 0
    assert "d-17 (Erika Mustermann)" in capsys.readouterr().out


# -- validation of programme files ----------------------------------------------------------------

BROKEN_PROGRAMME = """\
id = "Test Programm"
title = "Test"
framework = "kqs"
participant_count = 1
provenance = { kind = "paraphrased", source = "nirgends" }

[rules]
topics = [{ id = "a" }, { id = "b" }]

[[participants]]
id = "x"
preferences = ["c"]

[[participants]]
id = "x"

[[segments]]
id = "asd"
title = "ASD"
participants = ["y"]

[[events]]
id = "auftakt"
title = "Auftakt"
count = 0
"""


def test_programme_files_report_every_problem_with_its_path() -> None:
    with pytest.raises(ValidationError) as info:
        loads(Programme, BROKEN_PROGRAMME, file="p.toml")
    found = {p.path: p.message for p in info.value.problems}
    assert "lower-case ASCII id" in found["id"]
    assert "unknown source 'nirgends'" in found["provenance.source"]
    assert "say where the assignment rules come from" in found["rules_provenance"]
    assert "say where the list of participants" in found["participants_provenance"]
    assert "1, but 2 participants are listed" in found["participant_count"]
    assert "duplicate participant id 'x'" in found["participants[1].id"]
    assert "unknown topic 'c'" in found["participants[0]"]
    assert "'y' is not among the participants" in found["segments[0].participants"]
    assert "provenance missing" in found["segments[0].provenance"]
    assert "must be ≥ 1, got 0" in found["events[0].count"]
    assert "provenance missing" in found["events[0].provenance"]


# -- CLI ----------------------------------------------------------------------------------------


def test_cli_lists_shows_checks_and_plans(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["programmes"]) == 0
    out = capsys.readouterr().out
    assert all(pid in out for pid in SHIPPED)
    for pid in sorted(SHIPPED):
        assert main(["programme", "show", pid]) == 0
        assert pid in capsys.readouterr().out
    assert main(["programme", "check", "nds-79a-modellprojekt-2016"]) == 0
    assert "meets every rule" in capsys.readouterr().out
    assert main(["programme", "check", "nds-qualitaetszirkel-2019"]) == 1
    assert "no historical assignment" in capsys.readouterr().out
    assert main(["programme", "plan", "nds-79a-modellprojekt-2016", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "celle: Bedarfserschließung, Evaluation (optional: Leitbild)" in out  # topics by their titles


def test_cli_plans_a_programme_for_new_participants(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bewerbungen.toml"
    path.write_text(
        "".join(f'[[participants]]\nid = "k{i:02d}"\npreferences = ["qualitaetswerkstatt"]\n' for i in range(8)),
        encoding="utf-8",
    )
    assert main(["programme", "plan", "nds-qualitaetswerkstaetten-2024", "--participants", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.count(": Kommunale Qualitätswerkstatt Frühe Hilfen") == 5
    assert "without a place:" in out
    bad = tmp_path / "bad.toml"
    bad.write_text('[[participants]]\nid = "a"\nlocation = "Hannover"\n', encoding="utf-8")
    assert main(["programme", "plan", "nds-qualitaetswerkstaetten-2024", "--participants", str(bad)]) == 1
    assert f"{bad}:3: participants[0] (a).location: expected a list" in capsys.readouterr().err
