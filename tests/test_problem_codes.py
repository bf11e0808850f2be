"""Validation problems and rule violations are codes with parameters, worded in German or English only
when shown (issue 23, "One language per screen")."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import read_mo
from test_io import BROKEN

from qframework import io
from qframework.assessment.files import loads_assessment
from qframework.assignment import check_assignment
from qframework.assignment.files import loads_assignment_problem
from qframework.cli import main
from qframework.crosswalk import loads_crosswalk
from qframework.errors import NotFound, Problem, ValidationError
from qframework.i18n import language
from qframework.messages import TEMPLATES, Note
from qframework.model import Framework
from qframework.plugins import load_registry
from qframework.programme import loads_programme

MO = Path(__file__).parents[1] / "src" / "qframework" / "locale" / "de" / "LC_MESSAGES" / "qframework.mo"

#: English words that give away an untranslated message in German output.
ENGLISH = re.compile(r"\b(expected|got|must|unknown|missing|key|table|list|not|the|is)\b", re.IGNORECASE)

ASSESSMENT = """\
framework_id = "nzfh-qualitaetsrahmen"
framework_version = "2.0"
period = ""
extra = 1
[subject]
id = "Kiel Stadt"
[[raters]]
id = "r1"
[[raters]]
id = "r1"
[[ratings]]
indicator = "netzwek-x"
value = 3
rater = "r2"
[[ratings]]
indicator = "netzwerk-steuerung"
value = "drei"
"""

PROGRAMME = """\
id = "Modell Programm"
title = ""
framework = "nzfh-qualitaetsrahmen"
participant_count = 0
start = 2020-05-01
end = 2019-01-01
extra = true
[rules]
topics = [{ id = "a" }, { id = "b" }]
topics_per_participant = 3
[[participants]]
id = "k1"
preferences = ["a", "x"]
[[participants]]
id = "k1"
[[events]]
id = "e"
title = "Auftakt"
count = 0
hours = -1.5
[[quotas]]
role = "jugendamt"
title = "Jugendamt"
min = 2
max = 1
[[segments]]
id = "asd"
title = "ASD"
participants = ["k9"]
"""

CROSSWALK = """\
id = "cw"
title = ""
[source]
framework = "nzfh-qualitaetsrahmen"
version = "2.0"
[target]
framework = "kqs"
version = 1
[[entries]]
source = "a"
target = "b"
relation = "gleich"
rationale = "r"
strength = 2
"""

ASSIGNMENT = """\
[rules]
topics = [{ id = "a", capacity = 0 }, { id = "a" }]
topics_per_participant = 0
mandatory_topics = ["z"]
[[participants]]
id = "k1"
preferences = ["a", "a", "q"]
location = [95.5, 10.0]
"""

CHECKED = """\
[rules]
topics = [{ id = "a", capacity = { max = 1 } }, { id = "b" }, { id = "c" }]
topics_per_participant = 2
mandatory_topics = ["c"]
[[participants]]
id = "k1"
preferences = ["a"]
exclusions = ["b"]
[[participants]]
id = "k2"
preferences = ["a", "b"]
[assignment]
placements = [
  { participant = "k1", required = ["a", "b"] },
  { participant = "k2", required = ["a"], optional = ["c"] },
  { participant = "k3", required = ["a", "a"] },
]
"""


def _placeholders(text: str) -> set[tuple[str, str | None, str]]:
    return {(name, conv, spec or "") for _, name, spec, conv in string.Formatter().parse(text) if name is not None}


def _problems(load: Callable[[], Any]) -> tuple[Problem, ...]:
    with pytest.raises(ValidationError) as info:
        load()
    return info.value.problems


def test_every_code_has_a_german_wording_with_the_same_placeholders() -> None:
    """Every code in TEMPLATES is translated in the compiled German catalogue, with the same placeholders
    (name, conversion, format) as its English wording; a wording with words in it reads differently in German."""
    with MO.open("rb") as fh:
        catalogue = read_mo(fh)
    for code, english in TEMPLATES.items():
        message = catalogue.get(english)
        assert message is not None and message.string, f"{code}: no German for {english!r}"
        german = message.string
        assert _placeholders(german) == _placeholders(english), code
        words = re.sub(r"\{[^{}]*\}", "", english)
        if re.search(r"[A-Za-z]{3,}", words):
            assert german != english, f"{code}: German wording equals the English {english!r}"


def _documents() -> dict[str, Callable[[], Any]]:
    registry = load_registry()
    return {
        "framework": lambda: io.loads(Framework, BROKEN),
        "assessment": lambda: loads_assessment(ASSESSMENT, registry=registry),
        "programme": lambda: loads_programme(PROGRAMME, registry=registry),
        "crosswalk": lambda: loads_crosswalk(CROSSWALK, registry=registry),
        "assignment": lambda: loads_assignment_problem(ASSIGNMENT),
    }


@pytest.mark.parametrize("kind", ["framework", "assessment", "programme", "crosswalk", "assignment"])
def test_a_broken_file_of_each_kind_is_shown_in_one_language(kind: str) -> None:
    """A broken file of each document kind: under ``de`` no problem line has an English give-away word and
    each one has a code; under ``en`` each problem's text is its English ``message``."""
    problems = _problems(_documents()[kind])
    assert len(problems) >= 3
    for problem in problems:
        assert problem.code in TEMPLATES, problem
        with language("de"):
            shown = str(problem)
            assert not ENGLISH.findall(shown), shown
            assert problem.text != problem.message, shown
        with language("en"):
            assert problem.text == problem.message
            assert str(problem).endswith(problem.message)


def test_rule_violations_are_shown_in_one_language() -> None:
    """Violations of an assignment's rules carry codes: German text without English words under ``de``,
    their English ``message`` under ``en``; the same check made under either language is equal."""
    problem = loads_assignment_problem(CHECKED)
    assert problem.assignment is not None
    with language("de"):
        german = check_assignment(problem.assignment, problem.participants, problem.rules)
    with language("en"):
        english = check_assignment(problem.assignment, problem.participants, problem.rules)
    assert german == english and len(german) >= 4
    for violation in german:
        assert violation.code in TEMPLATES
        with language("de"):
            assert not ENGLISH.findall(violation.text), violation.text
        assert violation.text == violation.message


def test_a_problem_round_trips_through_json_whatever_language_made_it() -> None:
    """A problem is data: made under ``de`` or ``en`` it is equal, and it reads back from JSON with its code,
    its parameters (a nested Note, a tuple) and its English message."""

    def make() -> list[Problem]:
        return list(_problems(lambda: io.loads(Framework, BROKEN)))

    with language("de"):
        german = make()
    with language("en"):
        english = make()
    assert german == english
    typed = next(p for p in german if p.code == "type")
    assert isinstance(typed.params["expected"], Note) and typed.params["expected"].code == "type.int"
    listed = next(p for p in german if p.code == "key.unknown")
    assert isinstance(listed.params["known"], tuple)
    for problem in (typed, listed):
        back = io.loads(Problem, io.dumps(problem, format="json"), format="json")
        assert back == problem
        assert (back.code, back.params, back.message) == (problem.code, problem.params, problem.message)


def test_not_found_is_worded_when_shown() -> None:
    """NotFound carries its message as a Note: str() words it in the active language, and as a problem it
    keeps its code."""
    error = NotFound.unknown("dimension", "netzwek", ["netzwerk", "grundidee"])
    with language("en"):
        assert str(error) == "unknown dimension 'netzwek' (did you mean 'netzwerk'? known: grundidee, netzwerk)"
    with language("de"):
        assert (
            str(error) == "Dimension 'netzwek' ist nicht bekannt (meinten Sie 'netzwerk'? Bekannt: grundidee, netzwerk)"
        )
    assert error.problem("dimension").code == "notfound.hint"


def test_cli_validate_prints_german_problem_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``qframework --lang de validate BROKEN.toml`` prints every problem line in German (no English word)."""
    bad = tmp_path / "bad.toml"
    bad.write_text(BROKEN, encoding="utf-8")
    assert main(["--lang", "de", "validate", str(bad)]) == 1
    out = capsys.readouterr().out
    lines = [line.removeprefix(str(bad)) for line in out.splitlines() if line.startswith(str(bad))]
    assert len(lines) >= 10
    assert any("erwartet eine ganze Zahl, erhalten: 'drei' (Text)" in line for line in lines), out
    for line in lines:
        assert not ENGLISH.findall(line), line


def test_dates_and_numbers_in_problems_follow_the_language() -> None:
    """A date in a problem reads 01.01.2019 in German and 2019-01-01 in English; a number from the file
    keeps its decimals with a decimal comma in German."""
    problems = {p.path: p for p in _problems(_documents()["programme"])}
    with language("de"):
        assert str(problems["end"]) == "end: endet (01.01.2019) vor dem Beginn (01.05.2020)"
        assert str(problems["events[0].hours"]).endswith("muss > 0 sein, erhalten: -1,5")
    with language("en"):
        assert str(problems["end"]) == "end: ends (2019-01-01) before it starts (2020-05-01)"
        assert str(problems["events[0].hours"]).endswith("must be > 0, got -1.5")


#: Calls that take a code, and the position of the code among their arguments.
_CODE_ARGUMENT = {"of": 1, "_WrongType": 0, "refuse": 0, "fail": 1, "problem": 1, "type_problem": 2, "Note": 0}


def _codes_in_source() -> set[tuple[str, str, int]]:
    import ast

    root = Path(__file__).parents[1] / "src" / "qframework"
    found = set()
    for path in root.rglob("*.py"):
        if "report" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            at = _CODE_ARGUMENT.get(name)
            if at is None or len(node.args) <= at:
                continue
            arg = node.args[at]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add((arg.value, path.name, node.lineno))
    return found


def test_every_code_the_source_uses_has_a_wording() -> None:
    """Every code written as a literal in a Problem.of, Violation.of, Note, type_problem or a reader's
    ``fail``/``problem`` call is a key of TEMPLATES (a typo would show as ``[code] …``), and so is every
    code made from a kind."""
    used = _codes_in_source()
    assert len(used) > 150
    unknown = sorted(u for u in used if u[0] not in TEMPLATES)
    assert not unknown, unknown
    made = [f"provenance.source.{k}" for k in ("quoted", "paraphrased")]
    made += [f"provenance.title-source.{k}" for k in ("quoted", "paraphrased")]
    made += [f"{k}.duplicate" for k in ("phase", "event", "segment")]
    made += [f"combine.differs.{k}" for k in ("framework", "subject", "period")]
    made += ["assessment.bulk", "assessment.bulk.one", "assessment.bulk.many"]
    assert all(code in TEMPLATES for code in made)


def test_an_infeasible_assignment_is_worded_when_shown() -> None:
    """InfeasibleAssignment names its rule and carries its reason as a code: shown in German under ``de``
    (no English word), in English under ``en`` (its message)."""
    from qframework.assignment import AssignmentRules, Bounds, Participant, Topic, assign
    from qframework.errors import InfeasibleAssignment

    rules = AssignmentRules(topics=(Topic("a", capacity=Bounds(0, 0)), Topic("b", capacity=Bounds(0, 0))))
    with pytest.raises(InfeasibleAssignment) as info:
        assign([Participant("k1"), Participant("k2")], rules)
    error = info.value
    assert error.rule == "capacity" and error.note is not None and error.note.code == "infeasible.capacity.one"
    with language("en"):
        assert str(error) == "capacity: 2 participants, but capacities allow at most 0"
    with language("de"):
        assert str(error) == "capacity: 2 Teilnehmende, die Kapazitäten erlauben aber höchstens 0"
        assert not ENGLISH.findall(str(error).removeprefix("capacity: "))
