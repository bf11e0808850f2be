"""qframework.forms: a framework's questions as a form, and posted answers back as an Assessment."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframework.errors import ValidationError
from qframework.forms import assessment_form, assessment_from_form, field_name, form_fields
from qframework.plugins import load_registry
from qframework.template import sample_assessment

REGISTRY = load_registry()
NZFH = REGISTRY.frameworks["nzfh-qualitaetsrahmen"]
HEADER = {"subject.id": "musterstadt", "subject.name": "Musterstadt", "period": "2025", "rater.id": "koordination"}


def test_the_form_asks_every_indicator_with_the_scale_labels_and_not_applicable() -> None:
    form = assessment_form(NZFH)
    questions = list(form.questions())
    assert [q.indicator for q in questions] == [i.id for d in NZFH.dimensions for i in d.indicators]
    first = questions[0]
    assert [c.label for c in first.choices] == [
        "stimme gar nicht zu", "stimme nicht zu", "stimme eher nicht zu",
        "stimme eher zu", "stimme zu", "stimme sehr zu", "nicht zutreffend",
    ]  # fmt: skip
    assert [c.value for c in first.choices] == ["1", "2", "3", "4", "5", "6", "n/a"]
    assert first.rating_field == f"{first.indicator}.rating"
    assert [s.title for s in form.sections] == [d.title for d in NZFH.dimensions]


def test_the_form_speaks_english_where_the_framework_translates() -> None:
    first = next(assessment_form(NZFH, "en").questions())
    assert first.choices[0].label == "strongly disagree" and first.choices[-1].label == "not applicable"


def test_two_step_standards_offer_their_tiers() -> None:
    nds = REGISTRY.frameworks["nds-qualitaetsstandards-fh"]
    tiered = [q for q in assessment_form(nds).questions() if q.tiers]
    assert tiered and tiered[0].tiers[0].label


def test_posted_fields_become_one_raters_assessment() -> None:
    ind = NZFH.dimensions[0].indicators
    fields = {**HEADER, f"{ind[0].id}.rating": "4", f"{ind[0].id}.evidence": "Protokolle", f"{ind[1].id}.rating": "n/a"}
    a = assessment_from_form(NZFH, {**fields, "csrf": "ignored"})
    assert (a.subject.id, a.subject.name, a.period) == ("musterstadt", "Musterstadt", "2025")
    assert [r.id for r in a.raters] == ["koordination"]
    assert [(r.indicator, r.value, r.not_applicable, r.rater, r.evidence) for r in a.ratings] == [
        (ind[0].id, 4, False, "koordination", "Protokolle"),
        (ind[1].id, None, True, "koordination", ""),
    ]


def test_every_problem_is_reported_at_the_field_it_concerns() -> None:
    ind = [i.id for i in NZFH.dimensions[0].indicators]
    fields = {
        "subject.id": "Muster Stadt",
        "period": "",
        "rater.id": "",
        f"{ind[0]}.rating": "9",
        f"{ind[1]}.rating": "gut",
        f"{ind[2]}.comment": "ohne Bewertung",
    }
    with pytest.raises(ValidationError) as caught:
        assessment_from_form(NZFH, fields)
    paths = [p.path for p in caught.value.problems]
    assert sorted(paths) == sorted(
        ["subject.id", "period", "rater.id", f"{ind[0]}.rating", f"{ind[1]}.rating", f"{ind[2]}.rating"]
    )
    by_path = {p.path: p.message for p in caught.value.problems}
    assert "9 is not a level" in by_path[f"{ind[0]}.rating"]
    assert "no rating" in by_path[f"{ind[2]}.rating"]


def test_complete_refuses_blank_indicators() -> None:
    with pytest.raises(ValidationError) as caught:
        assessment_from_form(NZFH, HEADER, complete=True)
    assert len(caught.value.problems) == sum(len(d.indicators) for d in NZFH.dimensions)
    assert assessment_from_form(NZFH, HEADER).ratings == ()


def test_field_name_knows_its_parts() -> None:
    assert field_name("a", "tier") == "a.tier"
    with pytest.raises(ValueError, match="unknown part"):
        field_name("a", "score")


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), rater=st.sampled_from(["koordination", "familienhebamme", "elternvertretung"]))
def test_form_fields_round_trip(seed: int, rater: str) -> None:
    """Rule: the fields form_fields writes for one rater read back into exactly that rater's ratings."""
    a = sample_assessment(NZFH, seed=seed)
    back = assessment_from_form(NZFH, form_fields(a, rater))
    assert back.ratings == tuple(r for r in a.ratings if r.rater == rater and r.rated)
    assert back.raters == tuple(r for r in a.raters if r.id == rater)
