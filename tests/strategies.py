"""Hypothesis strategies for valid frameworks, shared by the model and io tests."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from qframework import Dimension, Facet, FacetValue, Framework, Indicator, Level, Provenance, Scale, Source, Text, Tier

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

SOURCE_IDS = ["s1", "s2"]
provenances = st.one_of(
    st.builds(Provenance, st.sampled_from(["quoted", "paraphrased"]), st.sampled_from(SOURCE_IDS), optional_texts),
    st.builds(Provenance, st.just("inferred"), st.one_of(st.none(), st.sampled_from(SOURCE_IDS)), optional_texts),
    st.builds(Provenance, st.just("authored"), st.none(), texts),
)


@st.composite
def scales(draw: st.DrawFn, scale_id: str) -> Scale:
    values = sorted(draw(st.sets(st.integers(-5, 10), min_size=2, max_size=7)))
    levels = tuple(Level(v, draw(texts), draw(optional_texts), draw(translations)) for v in values)
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
