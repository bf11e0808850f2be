"""A small framework written out by hand for the assessment tests, and helpers around it.

Two dimensions, four indicators, two scales:

    d1 "Netzwerk"      i1 weight 1, scale z6 (levels 1..6)
                       i2 weight 3, scale s4 (levels 0..3)
    d2 "Planung"       i3 weight 2, scale z6
                       i4 weight 1, scale ja-nein (0..1, not-applicable NOT allowed), tiers mindest / mehr
"""

from __future__ import annotations

from collections.abc import Callable

from qframework.assessment import Aggregation, Assessment, Rater, Rating, Subject
from qframework.hookspecs import hookimpl
from qframework.model import Dimension, Framework, Indicator, Level, Provenance, Scale, Tier
from qframework.plugins import PluginInfo, Registry, load_registry, make_plugin_manager

PROV = Provenance("authored", note="test data")


def small_framework(version: str = "1.0", *, extra_indicator: bool = False, drop_i3: bool = False) -> Framework:
    z6 = Scale("z6", "Zustimmung", tuple(Level(v, f"Stufe {v}") for v in range(1, 7)), provenance=PROV)
    s4 = Scale("s4", "Stand", tuple(Level(v, f"Stand {v}") for v in range(0, 4)), provenance=PROV)
    yn = Scale("ja-nein", "Ja/Nein", (Level(0, "nein"), Level(1, "ja")), allow_not_applicable=False, provenance=PROV)
    d1 = (
        Indicator("i1", "Steuerungsgruppe", weight=1.0, provenance=PROV),
        Indicator("i2", "Verbindliche Absprachen", scale="s4", weight=3.0, provenance=PROV),
    )
    if extra_indicator:
        d1 += (Indicator("i5", "Neu in 2.0", provenance=PROV),)
    d2: tuple[Indicator, ...] = (
        Indicator("i3", "Bedarfsplanung", weight=2.0, provenance=PROV),
        Indicator(
            "i4",
            "Planungsbericht",
            scale="ja-nein",
            tiers=(
                Tier("mindest", "Mindestvoraussetzungen", provenance=PROV),
                Tier("mehr", "Das Mehr", provenance=PROV),
            ),
            provenance=PROV,
        ),
    )
    if drop_i3:
        d2 = d2[1:]
    return Framework(
        "test-rahmen",
        version,
        "Testrahmen",
        "z6",
        (z6, s4, yn),
        (
            Dimension("d1", 1, "Netzwerk", d1, provenance=PROV),
            Dimension("d2", 2, "Planung", d2, provenance=PROV),
        ),
        provenance=PROV,
    )


def registry_with(
    *frameworks: Framework, aggregations: tuple[Aggregation, ...] = (), plugin: str = "test-plugin"
) -> Registry:
    """A registry built through the real hooks on a fresh plugin manager (built-ins included);
    ``plugin`` is the name the frameworks are registered under."""

    class _Plugin:
        @staticmethod
        @hookimpl
        def qframework_frameworks(register: Callable[[Framework], None]) -> None:
            for fw in frameworks:
                register(fw)

        @staticmethod
        @hookimpl
        def qframework_aggregations(register: Callable[[Aggregation], None]) -> None:
            for agg in aggregations:
                register(agg)

    pm = make_plugin_manager(entry_points=False)
    pm.add_plugin(_Plugin(), PluginInfo(plugin, None, __name__))
    return load_registry(pm)


def assessment(*ratings: Rating, raters: tuple[str, ...] = ("a", "b", "c"), version: str = "1.0") -> Assessment:
    return Assessment(
        "test-rahmen", version, Subject("kreis-x", "Kreis X"), "2024", tuple(ratings), tuple(Rater(r) for r in raters)
    )


def na(indicator: str, rater: str | None) -> Rating:
    return Rating(indicator, not_applicable=True, rater=rater)


def rate(indicator: str, value: int, rater: str | None, **kw: str) -> Rating:
    return Rating(indicator, value, rater=rater, **kw)
