"""Hypothesis strategies shared by the tests: valid frameworks, assessments of them, and the
scoring results (built by the real ``score()`` and ``compare()``, and constructed directly)."""

from __future__ import annotations

import string

import attrs
from hypothesis import strategies as st

from qframework import Dimension, Facet, FacetValue, Framework, Indicator, Level, Provenance, Scale, Source, Text, Tier
from qframework.assessment import (
    Assessment,
    Comparison,
    DimensionChange,
    DimensionScore,
    IndicatorScore,
    Rater,
    Rating,
    Scorecard,
    Subject,
    TierCount,
    VersionChanges,
    compare,
    score,
)
from qframework.model import LevelText

slugs = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5})?", fullmatch=True)
# Real framework text: German letters, punctuation, newlines, quotes and TOML-hostile characters.
texts = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + " äöüÄÖÜß-–„“\"'\\\n\t§.,:;()[]{}#=€"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip())
optional_texts = st.one_of(st.just(""), texts)
translations = st.dictionaries(
    st.sampled_from(["en", "fr", "en-GB"]), st.builds(Text, texts, optional_texts), max_size=2
)
level_translations = st.dictionaries(
    st.sampled_from(["en", "fr", "en-GB"]), st.builds(LevelText, texts, optional_texts), max_size=2
)

SOURCE_IDS = ["s1", "s2"]
provenances = st.one_of(
    st.builds(Provenance, st.sampled_from(["quoted", "paraphrased"]), st.sampled_from(SOURCE_IDS), optional_texts),
    st.builds(Provenance, st.just("inferred"), st.one_of(st.none(), st.sampled_from(SOURCE_IDS)), optional_texts),
    st.builds(Provenance, st.just("authored"), st.none(), texts),
)


@st.composite
def scales(draw: st.DrawFn, scale_id: str) -> Scale:
    values = sorted(draw(st.sets(st.integers(-5, 10), min_size=2, max_size=7)))
    levels = tuple(Level(v, draw(texts), draw(optional_texts), draw(level_translations)) for v in values)
    return Scale(scale_id, draw(texts), levels, draw(st.booleans()), draw(optional_texts), draw(provenances))


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    """Random frameworks that satisfy every rule of the model (unique ids, resolving references)."""
    scale_ids = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
    scale_list = tuple(draw(scales(sid)) for sid in scale_ids)
    facet_list = []
    for fid in draw(st.lists(slugs, max_size=2, unique=True)):
        vals = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
        facet_list.append(
            Facet(
                fid,
                draw(texts),
                tuple(FacetValue(v, draw(texts)) for v in vals),
                draw(st.booleans()),
                provenance=draw(provenances),
            )
        )

    def facet_map() -> dict[str, tuple[str, ...]]:
        out = {}
        for facet in facet_list:
            if draw(st.booleans()):
                ids = [v.id for v in facet.values]
                chosen = draw(
                    st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids) if facet.multiple else 1, unique=True)
                )
                out[facet.id] = tuple(chosen)
        return out

    ids = draw(st.lists(slugs, min_size=2, max_size=24, unique=True))
    n_dims = draw(st.integers(1, max(1, len(ids) // 2)))
    dim_ids, ind_ids = ids[:n_dims], ids[n_dims:]
    if not ind_ids:
        ind_ids = [dim_ids[0] + "-x"]
    numbers = sorted(draw(st.sets(st.integers(1, 99), min_size=n_dims, max_size=n_dims)))
    buckets: list[list[str]] = [[] for _ in dim_ids]
    for i, ind_id in enumerate(ind_ids):
        buckets[i % n_dims if i < n_dims else draw(st.integers(0, n_dims - 1))].append(ind_id)
    dims = []
    for dim_id, number, bucket in zip(dim_ids, numbers, buckets, strict=True):
        if not bucket:
            bucket = [f"{dim_id}-i"]
        indicators = tuple(
            Indicator(
                ind_id,
                draw(texts),
                draw(optional_texts),
                draw(st.one_of(st.none(), st.sampled_from(scale_ids))),
                draw(st.floats(0.01, 100, allow_nan=False)),
                facet_map(),
                tuple(
                    Tier(t, draw(texts), provenance=draw(provenances))
                    for t in draw(st.lists(slugs, max_size=2, unique=True))
                ),
                draw(provenances),
                draw(translations),
            )
            for ind_id in bucket
        )
        dims.append(
            Dimension(
                dim_id,
                number,
                draw(texts),
                indicators,
                draw(optional_texts),
                facet_map(),
                draw(provenances),
                draw(translations),
            )
        )
    return Framework(
        id=draw(slugs),
        version=draw(st.sampled_from(["1.0", "2.0", "2024", "2"])),
        title=draw(texts),
        default_scale=draw(st.sampled_from(scale_ids)),
        scales=scale_list,
        dimensions=tuple(dims),
        publisher=draw(optional_texts),
        description=draw(optional_texts),
        sources=tuple(Source(s, draw(texts), draw(st.sampled_from(["", "https://example.org/x"]))) for s in SOURCE_IDS),
        provenance=draw(provenances),
        facets=tuple(facet_list),
        translations=draw(translations),
    )


# -- assessments and their results -------------------------------------------------------------

RATER_IDS = ["koordination", "hebamme", "eltern", "jugendamt"]


@st.composite
def assessments(draw: st.DrawFn, framework: Framework, allow_na: bool = True) -> Assessment:
    """A valid assessment of ``framework``: random raters, a random subset of indicators rated."""
    raters = draw(st.lists(st.sampled_from(RATER_IDS), min_size=1, max_size=4, unique=True))
    ratings: list[Rating] = []
    for ind in framework.indicators():
        scale = framework.scale_of(ind)
        for rater in raters:
            kind = draw(st.sampled_from(["skip", "value", "value", "na"] if allow_na else ["skip", "value"]))
            if kind == "skip" or (kind == "na" and not scale.allow_not_applicable):
                continue
            if kind == "na":
                ratings.append(Rating(ind.id, not_applicable=True, rater=rater))
                continue
            tier = draw(st.one_of(st.none(), st.sampled_from([t.id for t in ind.tiers]))) if ind.tiers else None
            ratings.append(
                Rating(
                    ind.id,
                    draw(st.sampled_from([lv.value for lv in scale.levels])),
                    rater=rater,
                    tier=tier,
                    evidence=draw(st.one_of(st.just(""), texts)),
                    comment=draw(st.one_of(st.just(""), texts)),
                )
            )
    return Assessment(
        framework.id,
        framework.version,
        Subject(draw(st.sampled_from(["kreis-x", "stadt-y"])), draw(st.one_of(st.just(""), texts))),
        draw(st.sampled_from(["2024", "2025-H1"])),
        tuple(ratings),
        tuple(Rater(r, draw(st.one_of(st.just(""), texts))) for r in raters),
        notes=draw(st.one_of(st.just(""), texts)),
        success_definition=draw(st.one_of(st.just(""), texts)),
    )


@st.composite
def framework_and_assessment(draw: st.DrawFn, allow_na: bool = True) -> tuple[Framework, Assessment]:
    fw = draw(frameworks())
    return fw, draw(assessments(fw, allow_na))


@st.composite
def scored(draw: st.DrawFn) -> Scorecard:
    """A scorecard from the real ``score()`` of a generated assessment of a generated framework."""
    fw, a = draw(framework_and_assessment())
    return score(a, fw, aggregation=draw(st.sampled_from(["mean", "median"])))


@st.composite
def compared(draw: st.DrawFn) -> Comparison:
    """A comparison from the real ``compare()``: one subject, one framework, two periods in order."""
    fw = draw(frameworks())
    first, second = draw(assessments(fw)), draw(assessments(fw))
    second = attrs.evolve(second, subject=first.subject)
    first, second = attrs.evolve(first, period="2024"), attrs.evolve(second, period="2025")
    return compare(score(first, fw), score(second, fw))


unit = st.one_of(st.none(), st.floats(0.0, 1.0))
weights = st.floats(0.01, 100.0)
tier_counts = st.lists(st.builds(TierCount, slugs, st.integers(1, 9)), max_size=2).map(tuple)
indicator_scores = st.builds(
    IndicatorScore,
    indicator=slugs,
    dimension=slugs,
    weight=weights,
    score=unit,
    values=st.lists(st.integers(-5, 10), max_size=4).map(lambda v: tuple(sorted(v))),
    not_applicable=st.integers(0, 3),
    spread=unit,
    tiers=tier_counts,
)
dimension_scores = st.builds(
    DimensionScore,
    dimension=slugs,
    number=st.integers(1, 99),
    title=texts,
    indicators=st.integers(0, 9),
    rated=st.integers(0, 9),
    not_applicable=st.integers(0, 9),
    weight=st.floats(0.0, 100.0),
    score=unit,
    spread=unit,
)
version_changes = st.builds(
    VersionChanges,
    framework=slugs,
    from_version=st.sampled_from(["1.0", "2024"]),
    to_version=st.sampled_from(["2.0", "2025"]),
    added=st.lists(slugs, max_size=3).map(tuple),
    removed=st.lists(slugs, max_size=3).map(tuple),
    moved=st.lists(slugs, max_size=3).map(tuple),
)
built_scorecards = st.builds(
    Scorecard,
    framework=slugs,
    framework_version=st.sampled_from(["1.0", "2.0"]),
    subject=st.builds(Subject, slugs, optional_texts, optional_texts),
    period=st.sampled_from(["2024", "2025-H1"]),
    aggregation=st.sampled_from(["mean", "median"]),
    coverage=st.floats(0.0, 1.0),
    ratings=st.integers(0, 500),
    raters=st.integers(0, 9),
    not_applicable=st.integers(0, 50),
    overall=unit,
    dimensions=st.lists(dimension_scores, max_size=3).map(tuple),
    indicators=st.lists(indicator_scores, max_size=3).map(tuple),
    changes=st.one_of(st.none(), version_changes),
)
dimension_changes = st.builds(DimensionChange, dimension=slugs, title=texts, before=unit, after=unit, delta=unit)
built_comparisons = st.builds(
    Comparison,
    before=built_scorecards,
    after=built_scorecards,
    dimensions=st.lists(dimension_changes, max_size=3).map(tuple),
    overall_delta=st.one_of(st.none(), st.floats(-1.0, 1.0)),
)
