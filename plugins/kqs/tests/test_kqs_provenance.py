"""Provenance rules, ids, round trips and installation of the KQS plugin."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest
import qframework_kqs

from qframework import Framework
from qframework.io import dumps, loads
from qframework.plugins import PluginInfo, load_registry, make_plugin_manager


@pytest.fixture(scope="module")
def kqs() -> Framework:
    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(qframework_kqs, PluginInfo("kqs", None, "qframework_kqs"))
    return load_registry(pm).framework("kqs")


def _elements(fw: Framework):
    yield "framework", fw.provenance
    for scale in fw.scales:
        yield f"scale {scale.id}", scale.provenance
    for facet in fw.facets:
        yield f"facet {facet.id}", facet.provenance
    for dim in fw.dimensions:
        yield f"dimension {dim.id}", dim.provenance
        for ind in dim.indicators:
            yield f"indicator {ind.id}", ind.provenance
            for tier in ind.tiers:
                yield f"tier {ind.id}/{tier.id}", tier.provenance


def test_every_element_has_provenance(kqs: Framework) -> None:
    for where, prov in _elements(kqs):
        assert prov is not None, where
        assert prov.kind in {"quoted", "paraphrased", "inferred", "authored"}, where


def test_quoted_and_paraphrased_name_a_declared_source(kqs: Framework) -> None:
    ids = {s.id for s in kqs.sources}
    for where, prov in _elements(kqs):
        if prov.kind in ("quoted", "paraphrased"):
            assert prov.source in ids, where


def test_authored_and_inferred_say_so(kqs: Framework) -> None:
    for where, prov in _elements(kqs):
        if prov.kind in ("authored", "inferred"):
            assert prov.note.strip(), where
        if prov.kind == "authored":
            assert "qframework" in prov.note, where


def test_provenance_kinds_used(kqs: Framework) -> None:
    kinds = {where.split()[0]: set() for where, _ in _elements(kqs)}
    for where, prov in _elements(kqs):
        kinds[where.split()[0]].add(prov.kind)
    assert kinds["indicator"] == {"authored"}
    assert kinds["dimension"] == {"authored", "inferred"}  # names quoted (title_kind), descriptions ours
    assert kinds["scale"] == {"authored"}
    assert kinds["facet"] == {"paraphrased"}


def test_source_urls_are_absolute_or_empty(kqs: Framework) -> None:
    for source in kqs.sources:
        assert source.url == "" or source.url.startswith("https://"), source.id
        assert source.title.strip()
        if not source.url:
            assert source.note.strip(), source.id  # say why there is no address


def test_ids_unique_and_slugs(kqs: Framework) -> None:
    ids = [d.id for d in kqs.dimensions] + [i.id for i in kqs.indicators()]
    assert len(ids) == len(set(ids))
    for element_id in ids:
        assert element_id.isascii() and element_id == element_id.lower()


def test_english_titles_everywhere(kqs: Framework) -> None:
    assert kqs.translations["en"].title
    for dim in kqs.dimensions:
        assert dim.translations["en"].title, dim.id
        for ind in dim.indicators:
            assert ind.translations["en"].title, ind.id
    for facet in kqs.facets:
        assert facet.translations["en"].title


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_round_trip(kqs: Framework, fmt: str) -> None:
    text = dumps(kqs, format=fmt)
    again = loads(Framework, text, format=fmt)
    assert again == kqs
    assert dumps(again, format=fmt) == text


def test_entry_point_installed() -> None:
    eps = {ep.name: ep.value for ep in entry_points(group="qframework")}
    assert eps.get("kqs") == "qframework_kqs"
