"""The bulk loader's fast path and its detailed walk agree, on every problem, for a mutated corpus.

The fast path (shared column layouts checked once, ratings looked up by value, the framework check
memoised per rating object) must accept exactly what the detailed walk accepts, build the same
assessments, and, when it rejects a file, leave the problems to the detailed walk, which reports
every one with its path. A seeded generator applies one to three mutations (wrong types, values
outside the scale, unknown indicators and raters, duplicates, broken columns, …) to a valid corpus.
"""

from __future__ import annotations

import copy
import gc
import json
import random
import sys
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from assessment_fixtures import registry_with, small_framework
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import assessments, frameworks

from qframework.assessment import (
    Assessment,
    Rating,
    Subject,
    check_assessment,
    dumps_assessments,
    loads_assessments,
    score,
    score_all,
)
from qframework.assessment.bulk import _bulk_from_data, _loads_msgspec
from qframework.errors import ValidationError
from qframework.io import parse
from qframework.model import Framework
from qframework.validation import problems_of

REGISTRY = registry_with(small_framework("1.0"), small_framework("2.0", extra_indicator=True))
INDICATORS = ("i1", "i2", "i3", "i4")
RATERS = ("a", "b", "c")
LEVELS = {"i1": range(1, 7), "i2": range(0, 4), "i3": range(1, 7), "i4": range(0, 2)}


def corpus(rnd: random.Random, entries: int = 5) -> dict[str, Any]:
    """A valid bulk document: every rater rates every indicator; most entries share one column order."""
    out = []
    for e in range(entries):
        rows = [(ind, r) for ind in INDICATORS for r in RATERS]
        if e == entries - 1:
            rnd.shuffle(rows)  # a second layout
        values: list[Any] = []
        for ind, _ in rows:
            x = rnd.random()
            if x < 0.1 and ind != "i4":
                values.append("n/a")
            elif x < 0.15:
                values.append(None)  # not yet rated
            else:
                values.append(rnd.choice(LEVELS[ind]))
        out.append(
            {
                "subject": {"id": f"kreis-{e % 3}", "name": f"Kreis {e % 3}"},
                "period": str(2020 + e // 3),
                "raters": [{"id": r} for r in RATERS],
                "ratings": {"indicator": [i for i, _ in rows], "rater": [r for _, r in rows], "value": values},
            }
        )
    return {"framework_id": "test-rahmen", "framework_version": "1.0", "assessments": out}


def _cols(doc: dict[str, Any], rnd: random.Random) -> tuple[dict[str, Any], int]:
    entry = rnd.choice(doc["assessments"])
    cols = entry["ratings"]
    return cols, rnd.randrange(len(cols["indicator"]))


def _set_value(value: Any) -> Callable[[dict[str, Any], random.Random], None]:
    def mutate(doc: dict[str, Any], rnd: random.Random) -> None:
        cols, k = _cols(doc, rnd)
        cols["value"][k] = value

    return mutate


def _set_column(column: str, value: Any) -> Callable[[dict[str, Any], random.Random], None]:
    def mutate(doc: dict[str, Any], rnd: random.Random) -> None:
        cols, k = _cols(doc, rnd)
        cols[column][k] = value

    return mutate


def _duplicate_rating(doc: dict[str, Any], rnd: random.Random) -> None:
    cols, k = _cols(doc, rnd)
    other = (k + 1) % len(cols["indicator"])
    cols["indicator"][other], cols["rater"][other] = cols["indicator"][k], cols["rater"][k]


def _shorten(doc: dict[str, Any], rnd: random.Random) -> None:
    cols, _ = _cols(doc, rnd)
    cols[rnd.choice(("indicator", "rater", "value"))].pop()


def _drop_column(doc: dict[str, Any], rnd: random.Random) -> None:
    cols, _ = _cols(doc, rnd)
    del cols[rnd.choice(("indicator", "rater", "value"))]


def _entry_field(key: str, value: Any) -> Callable[[dict[str, Any], random.Random], None]:
    def mutate(doc: dict[str, Any], rnd: random.Random) -> None:
        rnd.choice(doc["assessments"])[key] = value

    return mutate


def _drop_entry_field(key: str) -> Callable[[dict[str, Any], random.Random], None]:
    def mutate(doc: dict[str, Any], rnd: random.Random) -> None:
        rnd.choice(doc["assessments"]).pop(key, None)

    return mutate


def _repeat_key(doc: dict[str, Any], rnd: random.Random) -> None:
    a, b = rnd.sample(doc["assessments"], 2)
    b["subject"] = dict(a["subject"])
    b["period"] = a["period"]


def _duplicate_rater(doc: dict[str, Any], rnd: random.Random) -> None:
    entry = rnd.choice(doc["assessments"])
    entry["raters"].append(dict(entry["raters"][0]))


def _tiers(doc: dict[str, Any], rnd: random.Random) -> None:
    cols, _ = _cols(doc, rnd)
    cols["tier"] = [rnd.choice((None, "mindest", "mehr", "falsch")) for _ in cols["indicator"]]


def _evidence(doc: dict[str, Any], rnd: random.Random) -> None:
    cols, _ = _cols(doc, rnd)
    cols["evidence"] = [rnd.choice((None, "Protokoll", 7)) for _ in cols["indicator"]]


def _same_column_lists(doc: dict[str, Any], rnd: random.Random) -> None:
    """Entries sharing the very list objects (as a generator might write them)."""
    first, second = doc["assessments"][0]["ratings"], doc["assessments"][1]["ratings"]
    second["indicator"], second["rater"] = first["indicator"], first["rater"]


MUTATIONS: list[Callable[[dict[str, Any], random.Random], None]] = [
    _set_value(99),
    _set_value(-1),
    _set_value(True),
    _set_value(2.0),
    _set_value("x"),
    _set_value("n/a"),  # refused where the scale forbids it (i4)
    _set_value(None),
    _set_value([1]),
    _set_column("indicator", "i9"),
    _set_column("indicator", "i11"),
    _set_column("indicator", 3),
    _set_column("indicator", ""),
    _set_column("rater", "z"),
    _set_column("rater", None),
    _set_column("rater", 5),
    _set_column("rater", "Nicht gültig"),
    _duplicate_rating,
    _shorten,
    _drop_column,
    _entry_field("period", 2024),
    _entry_field("period", " "),
    _entry_field("subject", "kreis-x"),
    _entry_field("subject", {"id": "Kreis X!"}),
    _entry_field("subject", {"id": "kreis-y", "land": "NI"}),
    _entry_field("notes", 3),
    _entry_field("notes", "a note"),
    _entry_field("framework_version", "9.9"),
    _entry_field("framework_version", "2.0"),
    _entry_field("framework_id", "anderer-rahmen"),
    _entry_field("unknown", 1),
    _entry_field("raters", "a"),
    _entry_field("raters", [{"id": "a"}]),
    _entry_field("ratings", [1, 2]),
    _drop_entry_field("period"),
    _drop_entry_field("raters"),
    _drop_entry_field("ratings"),
    _repeat_key,
    _duplicate_rater,
    _tiers,
    _evidence,
    _same_column_lists,
]


#: The readers of the fast path: the parsed data (standard library or orjson), or msgspec's typed decoder.
DECODERS = ("data", "msgspec")


def paths_agree(doc: Any, *, check: bool, complete: bool, decoder: str = "data") -> tuple[list[Any] | None, list[Any]]:
    fast_built, fast_problems = _bulk_from_data(copy.deepcopy(doc), REGISTRY, check, complete)
    slow_built, slow_problems = _bulk_from_data(copy.deepcopy(doc), REGISTRY, check, complete, fast=False)
    assert fast_problems == slow_problems
    if not fast_problems:
        assert fast_built == slow_built
    if decoder == "msgspec":
        # msgspec accepts exactly the clean files, with the same assessments; the rest it leaves
        # to the data path above (which reports the problems).
        accepted = _loads_msgspec(json.dumps(doc).encode(), REGISTRY, check, complete)
        if slow_problems:
            assert accepted is None
        else:
            assert accepted is not None
            assert accepted == slow_built
    return fast_built, fast_problems


@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize("seed", range(400))
def test_fast_and_detailed_paths_agree_on_a_mutated_corpus(seed: int, decoder: str) -> None:
    """For any corpus with up to three mutations, the fast path and the detailed walk report the
    same problems (paths and messages, in order) and, without problems, build equal assessments;
    whatever the fast path accepts also passes every check run on the finished objects. Through
    msgspec, a clean file gives the same assessments and a file with a problem is left to the others."""
    rnd = random.Random(seed)
    doc = corpus(rnd)
    for mutate in rnd.sample(MUTATIONS, seed % 4):
        try:
            mutate(doc, rnd)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError):
            pass  # an earlier mutation removed what this one changes
    check, complete = bool(seed % 5), seed % 7 == 0
    built, problems = paths_agree(doc, check=check, complete=complete, decoder=decoder)
    if not problems:
        assert built is not None
        for a in built:
            assert problems_of(a) == []
            if check:
                assert check_assessment(a, registry=REGISTRY) == []


def test_every_mutation_is_reported_at_its_path() -> None:
    """A value outside the scale, an unknown indicator and an undeclared rater, in three entries of
    one file, are three problems at their own paths (the detailed walk keeps going)."""
    doc = corpus(random.Random(1))
    doc["assessments"][0]["ratings"]["value"][2] = 99  # i1, levels 1..6
    doc["assessments"][1]["ratings"]["indicator"][5] = "i9"
    doc["assessments"][3]["ratings"]["rater"][7] = "z"
    _, problems = paths_agree(doc, check=True, complete=False)
    assert [p.path for p in problems] == [
        "assessments[0].ratings[2].value",
        "assessments[1].ratings[5].indicator",
        "assessments[3].ratings[7].rater",
    ]


def test_fast_scoring_matches_the_general_path() -> None:
    """Scores from the bulk loader's shared ratings (scored by codes) equal those of freshly built,
    unshared assessments, which take the general path on a new framework object."""
    doc = corpus(random.Random(7), entries=12)
    text = json.dumps(doc)
    shared = loads_assessments(text, registry=REGISTRY)
    fresh_registry = registry_with(small_framework("1.0"), small_framework("2.0", extra_indicator=True))
    for a, card in zip(shared, score_all(shared, registry=REGISTRY), strict=True):
        copied = type(a)(
            **{f: getattr(a, f) for f in ("framework", "framework_version", "subject", "period")},
            ratings=tuple(type(r)(r.indicator, r.value, r.not_applicable, r.rater) for r in a.ratings),
            raters=a.raters,
        )
        assert score(copied, registry=fresh_registry) == card


def _revalued(data: st.DataObject, fw: Framework, base: Assessment, subject: str) -> Assessment:
    """``base``'s indicator and rater columns with fresh values: a level, not applicable where the
    scale allows it, or not yet rated; plain ratings (no tier, evidence or comment)."""
    ratings = []
    for r in base.ratings:
        scale = fw.scale_of(fw.indicator(r.indicator))
        kind = data.draw(st.sampled_from(["level", "level", "level", "na", "blank"]))
        if kind == "na" and scale.allow_not_applicable:
            ratings.append(Rating(r.indicator, None, True, r.rater))
        elif kind == "blank":
            ratings.append(Rating(r.indicator, None, False, r.rater))
        else:
            value = data.draw(st.sampled_from([lv.value for lv in scale.levels]))
            ratings.append(Rating(r.indicator, value, False, r.rater))
    return attrs.evolve(base, subject=Subject(subject), ratings=tuple(ratings))


def _joint_first(ratings: tuple[Rating, ...]) -> list[Rating]:
    seen: set[str] = set()
    out = []
    for r in ratings:
        out.append(r if r.indicator in seen else attrs.evolve(r, rater=None))
        seen.add(r.indicator)
    return out


@settings(max_examples=60, deadline=None)  # heavy strategies; no timing in tests
@given(st.data())
def test_score_all_of_a_bulk_load_equals_score_of_each_assessment(data: st.DataObject) -> None:
    """For any framework and any batch of its assessments whose entries share one or two column
    layouts (levels, not applicable, not yet rated; equal or unequal ratings per indicator; with
    or without joint ratings),
    ``score_all`` of the bulk-loaded batch equals ``score()`` of each assessment built afresh and
    scored against an equal, freshly built framework, for ``mean`` and ``median``."""
    fw = data.draw(frameworks())
    layouts = [data.draw(assessments(fw)) for _ in range(data.draw(st.integers(1, 2)))]
    if data.draw(st.booleans()):  # each indicator's first rating becomes the joint one (no rater)
        layouts[0] = attrs.evolve(layouts[0], ratings=tuple(_joint_first(layouts[0].ratings)))
    batch = [
        _revalued(data, fw, data.draw(st.sampled_from(layouts)), f"s{k}") for k in range(data.draw(st.integers(1, 6)))
    ]
    registry = registry_with(fw)
    loaded = loads_assessments(dumps_assessments(batch), registry=registry)
    assert loaded == batch
    fresh = registry_with(attrs.evolve(fw))  # an equal framework object: nothing memoised for it
    for aggregation in ("mean", "median"):
        cards = score_all(loaded, registry=registry, aggregation=aggregation)
        for a, card in zip(batch, cards, strict=True):
            rebuilt = attrs.evolve(a, ratings=tuple(attrs.evolve(r) for r in a.ratings))
            assert score(rebuilt, registry=fresh, aggregation=aggregation) == card


def test_a_bulk_file_with_a_key_twice_is_refused_whichever_reader_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """JSON objects with a key twice are refused (issue 15), on the fast bulk path too: with msgspec
    installed (which would keep the last value) and without it."""
    doc = corpus(random.Random(3))
    text = json.dumps(doc)
    twice = text.replace('"period": ', '"period": "1999", "period": ', 1)
    assert twice != text
    for blocked in (False, True):
        if blocked:
            monkeypatch.setitem(sys.modules, "msgspec", None)  # import msgspec now raises ImportError
        with pytest.raises(ValidationError, match="twice"):
            loads_assessments(twice, registry=REGISTRY, check=True)
        assert loads_assessments(text, registry=REGISTRY, check=True)


def test_msgspec_leaves_what_the_standard_library_refuses_or_reads_differently() -> None:
    """msgspec keeps the last of two equal keys where the standard library refuses the file: such a
    file (a key twice in an entry, its subject, a rater, or a column twice), and one that hides a
    colon as ``\\u003a`` (which would defeat the key count), is not read through msgspec; colons
    inside ordinary text are read as they are."""
    import msgspec  # noqa: F401  (the dev extra installs it: this test runs, never skips)

    doc = corpus(random.Random(5))
    doc["assessments"][0]["subject"]["name"] = "Kreis: Nord"
    doc["assessments"][1]["notes"] = "a:b:c"
    text = json.dumps(doc)
    assert _loads_msgspec(text, REGISTRY, True, False) == loads_assessments(text.encode(), registry=REGISTRY)
    for duplicated in (
        text.replace('"period": "2020"', '"period": "2020", "period": "2020"', 1),
        text.replace('"name": "Kreis: Nord"', '"name": "Kreis: Nord", "name": "x"', 1),
        text.replace('"framework_id": "test-rahmen"', '"framework_id": "test-rahmen", "framework_id": "test-rahmen"'),
        text.replace('"rater": [', '"rater": ["a"], "rater": [', 1),
        text.replace('{"id": "b"}', '{"id": "b", "id": "b"}', 1),
        text.replace('{"id": "b"}', '{"id": "b", "role": "x:y", "role": "x:y"}', 1),
    ):
        assert duplicated != text
        with pytest.raises(ValidationError, match="twice"):
            parse(duplicated, format="json")
        assert _loads_msgspec(duplicated, REGISTRY, True, False) is None
        assert _loads_msgspec(duplicated.encode(), REGISTRY, True, False) is None
    escaped = text.replace("a:b:c", "a\\u003ab:c")
    assert _loads_msgspec(escaped, REGISTRY, True, False) is None


def test_bulk_loading_and_scoring_leave_the_garbage_collector_as_they_found_it() -> None:
    """Loading and scoring pause the cyclic collector and restore its on/off state; they freeze
    nothing, and objects the program froze itself (``gc.freeze()``, e.g. before forking workers;
    mypy run in-process does it too) stay frozen."""
    text = json.dumps(corpus(random.Random(2)))
    before = gc.get_freeze_count()  # not necessarily 0: something earlier in the process may have frozen
    score_all(loads_assessments(text, registry=REGISTRY), registry=REGISTRY)
    assert gc.isenabled()
    assert gc.get_freeze_count() <= before  # nothing newly frozen (frozen objects may be freed)
    froze_here = before == 0
    if froze_here:
        gc.freeze()
    try:
        assert gc.get_freeze_count() > 0
        score_all(loads_assessments(text, registry=REGISTRY), registry=REGISTRY)
        assert gc.get_freeze_count() > 0  # not released
        gc.disable()
        score_all(loads_assessments(text, registry=REGISTRY), registry=REGISTRY)
        assert not gc.isenabled()
    finally:
        if froze_here:
            gc.unfreeze()
        gc.enable()


def test_the_callers_cyclic_garbage_is_still_collected_between_scoring_calls() -> None:
    """A service that scores once per request and leaves a reference cycle behind each time must
    not keep those cycles: scoring leaves the caller's young objects young, so the next young
    collection reclaims them (moving them to the oldest generation, as ``gc.freeze(); gc.unfreeze()``
    would, keeps them until a full collection, which may never come)."""
    import weakref

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    batch = loads_assessments(json.dumps(corpus(random.Random(3))), registry=REGISTRY)[:1]
    for _ in range(5):
        cycle = Cycle()
        ref = weakref.ref(cycle)
        del cycle
        score_all(batch, registry=REGISTRY)
        gc.collect(0)  # a young collection only, as the collector runs it on its own
        assert ref() is None
