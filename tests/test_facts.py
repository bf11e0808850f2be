"""Results carry facts, not sentences: an assignment is the same data whatever language was active,
and its explanations are worded, in one language, only when shown.

The word lists that tell German from English come from the catalogue itself (words that occur only
on one side of it), so a new message is checked without editing this file.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest
from assignment_strategies import instances
from hypothesis import given, settings
from hypothesis import strategies as st

from qframework import io
from qframework.assignment import (
    Assignment,
    AssignmentRules,
    Bounds,
    GroupRules,
    Objective,
    Participant,
    Topic,
    assign,
)
from qframework.errors import InfeasibleAssignment
from qframework.i18n import language, translation
from qframework.messages import TEMPLATES, Note
from qframework.report.text import reason_lines

WORD = re.compile(r"[^\W\d_]{3,}")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(re.sub(r"\{[^}]*\}", " ", text))}


@cache
def one_sided_words() -> tuple[frozenset[str], frozenset[str]]:
    """(English-only, German-only) words of the message catalogue: in msgids and never in a
    translation, and the other way round."""
    catalog = translation("de")
    pairs = catalog._catalog.items()  # type: ignore[attr-defined]
    english: set[str] = set()
    german: set[str] = set()
    for msgid, msgstr in pairs:
        if not msgid:
            continue
        english |= _words(msgid[0] if isinstance(msgid, tuple) else msgid)
        german |= _words(msgstr)
    return frozenset(english - german), frozenset(german - english)


def foreign_words(text: str, lang: str, allowed: set[str] = frozenset()) -> set[str]:  # type: ignore[assignment]
    """The words of ``text`` that belong only to the other language's side of the catalogue."""
    english, german = one_sided_words()
    other = german if lang == "en" else english
    return (_words(text) & other) - allowed


def _rich_instance() -> tuple[list[Participant], AssignmentRules]:
    """An instance whose explanations use every kind of note the solver gives without regions:
    a mandatory topic, ranked and unranked topics, a full capacity, distinct required topics."""
    topics = (
        Topic("t1", capacity=Bounds(0, 1)),
        Topic("t2", capacity=Bounds(0, 2)),
        Topic("t3"),
        Topic("t4"),
        Topic("m0"),
    )
    rules = AssignmentRules(
        topics,
        topics_per_participant=3,
        required_topics=2,
        mandatory_topics=("m0",),
        distinct_required=True,
    )
    people = [
        Participant("p1", preferences=("t1", "t2", "t3")),
        Participant("p2", preferences=("t1", "t2", "t4")),
        Participant("p3", preferences=("t1",)),
    ]
    return people, rules


def _selection_instance() -> tuple[list[Participant], AssignmentRules]:
    """Two places for three applicants: one stays out, and the full topics are named."""
    rules = AssignmentRules(
        (Topic("t1", capacity=Bounds(0, 1)), Topic("t2", capacity=Bounds(0, 1))), allow_unassigned=True
    )
    people = [Participant(f"p{i}", preferences=("t1", "t2")) for i in range(1, 4)]
    return people, rules


CITIES = {
    "aachen": (50.78, 6.08),
    "koeln": (50.94, 6.96),
    "bonn": (50.73, 7.10),
    "kiel": (54.32, 10.14),
    "luebeck": (53.87, 10.69),
    "schwerin": (53.63, 11.41),
}


def _regional_instance() -> tuple[list[Participant], AssignmentRules]:
    """Groups of three with a km-per-rank trade-off: Kiel's first choice is worked on in the Rhineland."""
    wishes = {"aachen": "t1", "koeln": "t1", "bonn": "t2", "kiel": "t1", "luebeck": "t2", "schwerin": "t2"}
    people = [
        Participant(pid, location=loc, preferences=(wishes[pid], "t2" if wishes[pid] == "t1" else "t1"))
        for pid, loc in CITIES.items()
    ]
    rules = AssignmentRules(
        topics=(Topic("t1"), Topic("t2")),
        groups=GroupRules(size=Bounds(3, 3), regional_weight=0.0),
        objective=Objective(km_per_rank=150.0),
    )
    return people, rules


INSTANCES = [_rich_instance, _selection_instance, _regional_instance]


def _plans() -> list[tuple[Assignment, AssignmentRules]]:
    out = []
    for make in INSTANCES:
        people, rules = make()
        out.append((assign(people, rules), rules))
    return out


@pytest.mark.parametrize("make", INSTANCES, ids=lambda f: f.__name__.strip("_"))
def test_an_assignment_is_the_same_data_in_every_language(make: object) -> None:
    """assign() under German equals assign() under English: equal, same hash, same JSON."""
    people, rules = make()  # type: ignore[operator]
    with language("de"):
        german = assign(people, rules)
    with language("en"):
        english = assign(people, rules)
    assert german == english
    assert hash(german) == hash(english)
    assert io.dumps(german, format="json") == io.dumps(english, format="json")
    # and it holds no sentence: every note is a known code
    for placement in german.placements:
        assert all(note.code in TEMPLATES for note in placement.notes)


@settings(max_examples=60, deadline=None)
@given(instances(max_participants=5))
def test_random_assignments_do_not_depend_on_the_language(instance: tuple[list[Participant], AssignmentRules]) -> None:
    """For any instance, the plan made under ``de`` is equal to the plan made under ``en``
    (or both are infeasible): the active language never reaches a result."""
    people, rules = instance
    results = []
    for lang in ("de", "en"):
        with language(lang):
            try:
                results.append(assign(people, rules))
            except InfeasibleAssignment as exc:
                results.append(exc.rule)  # type: ignore[arg-type]
    assert results[0] == results[1]


def test_the_solver_uses_every_assignment_note() -> None:
    """The instances above reach every code the solver gives, so the language checks below see all of them."""
    used = {note.code for plan, _ in _plans() for p in plan.placements for note in p.notes}
    solver_codes = {c for c in TEMPLATES if c.split(".")[0] in ("given", "only-optional", "not-given", "unassigned")}
    # causes that need rules the instances avoid (overlapping alternatives, minimum sizes) are covered below
    assert solver_codes - used <= {
        "not-given.overlap",
        "not-given.minimum",
        "not-given.minimum-many",
        "not-given.per-group",
        "not-given.cost",
    }, solver_codes - used
    assert {"given.mandatory", "given.ranked", "not-given.full", "unassigned.full", "not-given.distance"} <= used


@pytest.mark.parametrize("lang", ["de", "en"])
def test_explanations_speak_one_language(lang: str) -> None:
    """Every explanation of every participant, worded in ``lang``, holds no word that only the
    other language's side of the catalogue uses."""
    for plan, rules in _plans():
        for pid in plan.participant_ids:
            with language(lang):
                text = plan.explain(pid).render(rules.topic_titles())
            assert not foreign_words(text, lang), (lang, pid, text)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_note_code_is_worded_in_both_languages(lang: str) -> None:
    """Each code of the table, with its parameters filled, is worded without words of the other language."""
    params = {
        "topic": "t1",
        "topics": ("t1", "t2"),
        "rank": 2,
        "role": Note("role.required"),
        "others": ("p2",),
        "count": 3,
        "max": 3,
        "group": "g1",
        "km": 453,
        "ranks": 3.0,
        "km_per_rank": 150.0,
        "text": "",
    }
    for code, template in TEMPLATES.items():
        wanted = {k: v for k, v in params.items() if "{" + k in template}
        with language(lang):
            text = Note(code, wanted).text
        assert "{" not in text, (code, text)
        assert not foreign_words(text, lang), (code, text)
        if lang == "de" and code != "text":
            assert text != Note(code, wanted).english, f"{code} has no German wording"


def test_german_explanation_uses_sie_and_the_terms_of_the_style_guide() -> None:
    """German explanations address the Kommune as *Sie* and say *zugeteilt* for a required topic
    (GERMAN.md): never *du/dein*, never *verpflichtend* for a topic the Kommune chose."""
    plan, rules = _plans()[0]
    with language("de"):
        text = "\n".join(plan.explain(pid).render(rules.topic_titles()) for pid in plan.participant_ids)
    words = _words(text)
    assert not words & {"du", "dein", "deine", "deinen", "dir"}
    assert "Ihr Wunschrang" in text and "zugeteilt" in text
    for line in text.splitlines():
        if "verpflichtend" in line:
            assert "m0" in line and "für alle" in line, line


def test_german_numbers_have_a_decimal_comma() -> None:
    """A distance trade-off in German reads "3,0 Ränge bei 150 km je Rang", not "3.0"."""
    note = Note("not-given.distance", {"group": "g1", "km": 453, "ranks": 3.02, "km_per_rank": 150.5})
    with language("de"):
        text = note.text
    assert "3,02" in text and "150,5" in text and "." not in text.rstrip(".")
    assert "3.02" in note.english


def test_one_line_per_topic_not_given() -> None:
    """A topic not given is one line, its causes joined after it; a topic is never explained twice."""
    lines = reason_lines(
        (
            Note("not-given", {"topic": "t1", "rank": 1}),
            Note("not-given.full", {"count": 3, "max": 3}),
            Note("not-given.per-group"),
            Note("given.ranked", {"topic": "t2", "role": Note("role.required"), "rank": 2}),
        ),
        titles={"t1": "Planung"},
    )
    assert lines == [
        "Not Planung (t1) (your rank 1): its capacity is full (3 of 3); topics are chosen per group, and the "
        "group as a whole is better off without it.",
        "t2: assigned, your preference rank 2.",
    ]


def test_notes_written_as_text_still_load() -> None:
    """A result saved before notes were facts (notes as strings) still loads, its text kept as written."""
    data = {"placements": [{"participant": "p1", "required": ["t1"], "notes": ["t1: required, first choice."]}]}
    plan = io.loads(Assignment, json.dumps(data), format="json")
    assert plan.placements[0].notes == (Note("text", {"text": "t1: required, first choice."}),)
    assert plan.explain("p1").reasons[0].text == "t1: required, first choice."


@given(st.sampled_from(sorted(TEMPLATES)), st.integers(0, 99), st.text(max_size=5))
def test_notes_round_trip_whatever_the_language(code: str, number: int, text: str) -> None:
    """A note is data: JSON and TOML give it back equal, whatever language was active."""
    note = Note(code, {"rank": number, "topic": text, "role": Note("role.optional"), "topics": (text,)})
    with language("de"):
        as_json = io.dumps(note, format="json")
    assert io.loads(Note, as_json, format="json") == note
    assert io.loads(Note, io.dumps(note, format="toml"), format="toml") == note
