"""Domain honesty across every installed plugin: all shipped content says where it comes from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qframework import Framework, Programme, Provenance, load_registry

REGISTRY = load_registry()


def framework_elements(fw: Framework) -> Iterator[tuple[str, Provenance | None]]:
    yield fw.id, fw.provenance
    for scale in fw.scales:
        yield f"{fw.id}: scale {scale.id}", scale.provenance
    for facet in fw.facets:
        yield f"{fw.id}: facet {facet.id}", facet.provenance
    for dim in fw.dimensions:
        yield f"{fw.id}: dimension {dim.id}", dim.provenance
        for ind in dim.indicators:
            yield f"{fw.id}: indicator {ind.id}", ind.provenance
            for tier in ind.tiers:
                yield f"{fw.id}: {ind.id} tier {tier.id}", tier.provenance


def programme_elements(p: Programme) -> Iterator[tuple[str, Provenance | None]]:
    yield p.id, p.provenance
    yield f"{p.id}: rules", p.rules_provenance
    if p.participants:
        yield f"{p.id}: participants", p.participants_provenance
    if p.assignment is not None:
        yield f"{p.id}: assignment", p.assignment_provenance
    for kind, items in (("phase", p.phases), ("event", p.events), ("segment", p.segments)):
        for item in items:
            yield f"{p.id}: {kind} {item.id}", item.provenance  # type: ignore[attr-defined]
    for quota in p.quotas:
        yield f"{p.id}: quota {quota.role}", quota.provenance


def test_the_three_frameworks_and_five_programmes_are_installed() -> None:
    assert set(REGISTRY.frameworks) == {"nzfh-qualitaetsrahmen", "kqs", "nds-qualitaetsstandards-fh"}
    assert len(REGISTRY.programmes) == 5
    assert REGISTRY.failures == ()


@pytest.mark.parametrize("framework_id", sorted(REGISTRY.frameworks))
def test_every_framework_element_has_provenance(framework_id: str) -> None:
    fw = REGISTRY.frameworks[framework_id]
    sources = {s.id for s in fw.sources}
    for where, provenance in framework_elements(fw):
        assert provenance is not None, f"{where} has no provenance"
        if provenance.kind in ("quoted", "paraphrased"):
            assert provenance.source in sources, f"{where}: {provenance.kind} without a declared source"
        if provenance.kind == "authored":
            assert provenance.note.strip(), f"{where}: authored without a note saying so"


@pytest.mark.parametrize("programme_id", sorted(REGISTRY.programmes))
def test_every_programme_fact_has_provenance(programme_id: str) -> None:
    p = REGISTRY.programmes[programme_id]
    sources = {s.id for s in p.sources}
    for where, provenance in programme_elements(p):
        assert provenance is not None, f"{where} has no provenance"
        if provenance.source is not None:
            assert provenance.source in sources, where


@pytest.mark.parametrize("framework_id", sorted(REGISTRY.frameworks))
def test_indicator_texts_we_wrote_are_never_called_quoted(framework_id: str) -> None:
    """The brief says no indicator, requirement or standard text is known to us: none may be quoted."""
    fw = REGISTRY.frameworks[framework_id]
    kinds = {ind.provenance.kind for ind in fw.indicators() if ind.provenance}
    assert kinds == {"authored"}


@pytest.mark.parametrize("framework_id", sorted(REGISTRY.frameworks))
def test_every_dimension_can_be_assessed(framework_id: str) -> None:
    fw = REGISTRY.frameworks[framework_id]
    assert all(len(d.indicators) >= 3 for d in fw.dimensions)
    assert all("en" in d.translations for d in fw.dimensions), "English labels beside the German"
