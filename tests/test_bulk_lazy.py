"""Scorecards of a bulk load, scored as a batch, are the scorecards ``score()`` builds one by one.

``score_all`` adds the dimension sums of a bulk load's assessments up for the whole batch and makes a
scorecard's dimension and indicator objects only when they are first read. Users rely on such a
scorecard being indistinguishable from an eagerly built one: equal, with the same hash and repr,
written by the converter to the same text and read back equal, pickled and copied as a whole.
"""

from __future__ import annotations

import copy
import json
import pickle
import random
import threading

import attrs
import pytest
from assessment_fixtures import registry_with, small_framework
from test_bulk_paths import corpus

from qframework import io
from qframework.assessment import Scorecard, loads_assessments, score, score_all
from qframework.assessment import scoring as scoring_module

REGISTRY = registry_with(small_framework("1.0"), small_framework("2.0", extra_indicator=True))


def _loaded(entries: int = 40, seed: int = 3) -> list[object]:
    return loads_assessments(json.dumps(corpus(random.Random(seed), entries=entries)), registry=REGISTRY)


@pytest.mark.parametrize("batch", [1, 3, 2048])
def test_batch_scorecards_equal_eager_ones_field_by_field(monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    """Whatever the batch size, every scorecard equals score() of its assessment, in order, with the same
    hash, repr and converter text; its dimensions and indicators are the eager ones."""
    monkeypatch.setattr(scoring_module, "_BATCH", batch)
    loaded = _loaded()
    for aggregation in ("mean", "median"):
        cards = score_all(loaded, registry=REGISTRY, aggregation=aggregation)
        eager = [score(a, registry=REGISTRY, aggregation=aggregation) for a in loaded]  # type: ignore[arg-type]
        assert cards == eager
        for card, want in zip(cards, eager, strict=True):
            assert hash(card) == hash(want)
            assert repr(card) == repr(want)
            assert io.dumps(card, format="json") == io.dumps(want, format="json")
            assert card.dimensions == want.dimensions
            assert card.indicators == want.indicators


def test_batch_scorecards_round_trip_through_the_converter_unread() -> None:
    """A scorecard nobody read yet goes through io.dumps / io.loads exactly (JSON and TOML)."""
    for card in score_all(_loaded(entries=5), registry=REGISTRY):
        for fmt in ("json", "toml"):
            assert io.loads(Scorecard, io.dumps(card, format=fmt), format=fmt) == card  # type: ignore[arg-type]


def test_batch_scorecards_pickle_copy_and_evolve_as_eager_ones() -> None:
    """Pickling, copying and attrs.evolve of an unread scorecard give the eager scorecard (no batch inside)."""
    loaded = _loaded(entries=4)
    want = score(loaded[2], registry=REGISTRY)  # type: ignore[arg-type]
    for make in (
        lambda c: pickle.loads(pickle.dumps(c)),
        copy.copy,
        copy.deepcopy,
        lambda c: attrs.evolve(c, period=c.period),
    ):
        card = score_all(loaded, registry=REGISTRY)[2]
        got = make(card)
        assert got == want
        assert len(pickle.dumps(card)) == len(pickle.dumps(want))


def test_batch_scorecards_are_frozen_and_read_safely_from_threads() -> None:
    """An unread scorecard refuses assignment like any scorecard; threads reading it at once all see
    the same dimensions."""
    cards = score_all(_loaded(entries=8), registry=REGISTRY)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        cards[0].dimensions = ()  # type: ignore[misc]
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(cards[1].dimensions)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and all(s == seen[0] for s in seen)
    with pytest.raises(AttributeError):
        cards[1].no_such_field  # noqa: B018
