"""One language per output: language detection, the shipped German catalogue, and every command in both languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import babel  # noqa: F401  (the catalogue checks need Babel: the dev extra installs it; never skipped)
import pytest
from test_io import BROKEN, VALID

from qframework import i18n, io
from qframework.assignment import AssignmentProblem, loads_assignment_problem
from qframework.assignment.solve import assign
from qframework.cli import main
from qframework.i18n import detect_language, language, ngettext
from qframework.plugins import load_registry
from qframework.programme import Delegate, Roster
from qframework.template import sample_assessment

PO = Path(i18n.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "qframework.po"
MO = PO.with_suffix(".mo")


# -- language detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("explicit", "environ", "expected"),
    [
        ("de", {"LANG": "en_US.UTF-8"}, "de"),  # --lang beats the locale
        ("en", {"LANGUAGE": "de"}, "en"),
        ("de_DE.UTF-8", {}, "de"),  # a locale name is accepted as --lang too
        (None, {"LANGUAGE": "fr:de:en", "LC_ALL": "en_US.UTF-8"}, "de"),  # LANGUAGE: first known in the list
        (None, {"LANGUAGE": "fr", "LC_ALL": "de_DE.UTF-8"}, "de"),  # nothing known in LANGUAGE: go on
        (None, {"LC_ALL": "de_AT.UTF-8", "LC_MESSAGES": "en_GB", "LANG": "en_GB"}, "de"),  # LC_ALL first
        (None, {"LC_ALL": "en_GB.UTF-8", "LANG": "de_DE.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "de_CH", "LANG": "en_US"}, "de"),  # LC_MESSAGES before LANG
        (None, {"LANG": "de_DE.UTF-8"}, "de"),
        (None, {"LANG": "C.UTF-8"}, "en"),  # C and POSIX name no language
        (None, {"LC_ALL": "POSIX", "LANG": "de_DE"}, "en"),  # ... but LC_ALL being set still decides
        (None, {"LANG": "fr_FR.UTF-8"}, "en"),  # no catalogue for French: the fallback
        (None, {}, "en"),
    ],
)
def test_language_detection_order(explicit: str | None, environ: dict[str, str], expected: str) -> None:
    assert detect_language(explicit, environ) == expected


def test_an_unknown_explicit_language_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        detect_language("fr", {})
    assert main(["--lang", "fr", "frameworks"]) == 2
    assert "unknown language 'fr'" in capsys.readouterr().err


def test_the_locale_chooses_the_language_when_no_lang_is_given(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert main(["frameworks"]) == 0
    assert "Dimensionen" in capsys.readouterr().out
    assert main(["frameworks", "--lang", "en"]) == 0
    assert "Dimensionen" not in capsys.readouterr().out


# -- the catalogue ------------------------------------------------------------------------------


def _source_msgids() -> set[str | tuple[str, str]]:
    from babel.messages.extract import extract_from_dir

    root = Path(i18n.__file__).parent
    keywords = {"_": None, "gettext_": None, "ngettext": (1, 2)}
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(root), method_map=[("**.py", "python")], keywords=keywords
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def _catalogue() -> Any:
    from babel.messages.pofile import read_po

    with PO.open("rb") as fh:
        return read_po(fh, locale="de")


def test_the_committed_mo_is_the_compiled_po() -> None:
    """Whoever edits the .po must run `python -m qframework.i18n compile`."""
    assert MO.read_bytes() == i18n.compiled("de")


def test_every_message_in_the_source_has_a_german_translation() -> None:
    catalogue = _catalogue()
    assert not catalogue.fuzzy
    missing, fuzzy = [], []
    for msgid in _source_msgids():
        key = msgid if isinstance(msgid, str) else msgid[0]
        message = catalogue.get(key)
        strings = (
            () if message is None else (message.string if isinstance(message.string, tuple) else (message.string,))
        )
        if not strings or not all(s.strip() for s in strings):
            missing.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
    assert missing == [] and fuzzy == []


def test_every_translation_keeps_the_placeholders() -> None:
    """A German text that drops or misspells a ``{name}`` would raise or lose a value at run time."""
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"\{(\w+)\}", ids[-1]))
        for text in strings:
            assert set(re.findall(r"\{(\w+)\}", text)) == wanted, message.id


@pytest.mark.parametrize(
    ("singular", "plural", "one", "two"),
    [
        (
            "{n} topic per participant, {required} of them required",
            "{n} topics per participant, {required} of them required",
            "1 Thema",
            "2 Themen",
        ),
        ("{n} problem", "{n} problems", "1 Problem", "2 Probleme"),
        ("{n} dimension", "{n} dimensions", "1 Dimension", "2 Dimensionen"),
        ("{n} indicator", "{n} indicators", "1 Indikator", "2 Indikatoren"),
        ("{n} violation", "{n} violations", "1 Regelverstoß", "2 Regelverstöße"),
    ],
)
def test_german_plurals_for_one_and_two(singular: str, plural: str, one: str, two: str) -> None:
    with language("de"):
        assert ngettext(singular, plural, 1).format(n=1, required=1).startswith(one)
        assert ngettext(singular, plural, 2).format(n=2, required=1).startswith(two)
    with language("en"):
        assert ngettext(singular, plural, 1) == singular


def test_json_output_is_never_translated(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "de", "programme", "plan", "qdfh-2019", "--json"]) == 0
    german = capsys.readouterr().out
    assert main(["--lang", "en", "programme", "plan", "qdfh-2019", "--json"]) == 0
    assert capsys.readouterr().out == german


# -- every command in both languages ------------------------------------------------------------

#: Stock words of each language's labels; the other language's output must not contain them.
ENGLISH = ("problem", "problems", "participants", "topics", "valid", "coverage", "overall", "rank", "indicators")
GERMAN = ("Problem", "Probleme", "Teilnehmende", "Themen", "gültig", "Abdeckung", "gesamt", "Rang", "Indikatoren")

PROBLEM_TOML = """
[rules]
topics_per_participant = 1
topics = [{ id = "t1", capacity = { max = 1 } }, { id = "t2", capacity = { max = 1 } }, { id = "t3" }]

[[participants]]
id = "p1"
preferences = ["t1", "t2"]

[[participants]]
id = "p2"
preferences = ["t1", "t2"]

[[participants]]
id = "p3"
preferences = ["t1", "t2"]
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Input files for every command; their own content is ids and numbers, no words of either language."""
    d = tmp_path_factory.mktemp("i18n")
    registry = load_registry()
    fw = registry.frameworks["nzfh-qualitaetsrahmen"]
    out = {"good": d / "good.toml", "bad": d / "bad.toml", "problem": d / "p.toml", "check": d / "c.toml"}
    out["good"].write_text(VALID, encoding="utf-8")
    out["bad"].write_text(BROKEN, encoding="utf-8")
    for period, seed in (("2024", 1), ("2025", 2)):
        a = sample_assessment(fw, subject="k1", subject_name="K1", period=period, seed=seed)
        (d / f"a{period}.toml").write_text(io.dumps(a), encoding="utf-8")
    out["problem"].write_text(PROBLEM_TOML, encoding="utf-8")
    problem = loads_assignment_problem(PROBLEM_TOML)
    solved = AssignmentProblem(problem.rules, problem.participants, assign(problem.participants, problem.rules))
    out["check"].write_text(io.dumps(solved), encoding="utf-8")
    roster = Roster("qdfh-2019", "bremen", (Delegate("d1", "netzwerk"), Delegate("d2", "eltern-zivilgesellschaft")))
    (d / "roster.toml").write_text(io.dumps(roster), encoding="utf-8")
    paths = {k: str(v) for k, v in out.items()}
    paths.update(a2024=str(d / "a2024.toml"), a2025=str(d / "a2025.toml"), roster=str(d / "roster.toml"), dir=str(d))
    return paths


def _commands(f: dict[str, str]) -> Iterator[list[str]]:
    yield ["plugins"]
    yield ["frameworks"]
    yield ["show", "nzfh-qualitaetsrahmen", "-d"]
    yield ["validate", f["good"], f["bad"]]
    yield ["template", "nzfh-qualitaetsrahmen", "--rater", "r1", "--rater", "r2", "-o", f["dir"] + "/t.toml"]
    yield ["score", f["a2025"]]
    yield ["compare", f["a2024"], f["a2025"]]
    yield ["assign", f["problem"], "--explain"]
    yield ["check", f["check"]]
    yield ["programmes"]
    yield ["programme", "show", "qdfh-2019"]
    yield ["programme", "check", "qdfh-2019"]
    yield ["programme", "plan", "nds-qualitaetszirkel-2019", "--explain"]
    yield ["programme", "roster", f["roster"]]
    yield ["schema", "--list"]
    yield ["crosswalks"]
    yield ["crosswalk", "show", "nzfh-nds"]
    yield ["crosswalk", "translate", f["a2025"], "nzfh-nds", "-o", f["dir"] + "/nds.toml"]
    yield ["demo"]


def _content_strings() -> list[str]:
    """Every text of the installed frameworks, programmes and crosswalks: content the CLI shows but does not word."""
    texts: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    registry = load_registry()
    for value in (*registry.frameworks.values(), *registry.programmes.values(), *registry.crosswalks.values()):
        walk(io.unstructure(value))
    return sorted((t for t in texts if len(t) > 2), key=len, reverse=True)


def _labels(text: str, content: list[str], files: dict[str, str]) -> str:
    """``text`` without the content strings, file names and the validators' own (English) problem messages."""
    text = "\n".join(line for line in text.splitlines() if not line.startswith(files["bad"] + ":"))
    text = text.replace(files["dir"], " ")
    for snippet in content:
        text = text.replace(snippet, " ")
    return text


def _words(text: str, words: tuple[str, ...]) -> set[str]:
    return {w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_command_speaks_one_language(
    lang: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    content = _content_strings()
    other = GERMAN if lang == "en" else ENGLISH
    own = ENGLISH if lang == "en" else GERMAN
    seen_own: set[str] = set()
    for argv in _commands(files):
        for position in ("before", "after"):
            args = ["--lang", lang, *argv] if position == "before" else [*argv, "--lang", lang]
            main(args)
            out, err = capsys.readouterr()
            labels = _labels(out + err, content, files)
            assert labels.strip(), argv
            assert _words(labels, other) == set(), (argv, labels)
            seen_own |= _words(labels, own)
    # The lists are not vacuous: the commands do print most of their own language's stock words.
    assert len(seen_own) >= 5, seen_own


def test_help_is_translated(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "de", "--help"])
    assert "installierte Rahmen auflisten" in capsys.readouterr().out


def test_show_can_add_a_second_language(capsys: pytest.CaptureFixture[str]) -> None:
    """``--lang`` is the output language; ``--also`` adds each title in another language next to it."""
    fw = load_registry().frameworks["nzfh-qualitaetsrahmen"]
    dim = fw.dimensions[0]
    assert "en" in dim.translations, "the shipped framework has English titles"
    assert main(["show", "nzfh-qualitaetsrahmen", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert dim.translations["en"].title in out and f"{dim.title} / " not in out
    assert main(["show", "nzfh-qualitaetsrahmen", "--lang", "de", "--also", "en"]) == 0
    assert f"{dim.title} / {dim.translations['en'].title}" in capsys.readouterr().out
