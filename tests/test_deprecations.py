"""Renamed names keep working for one minor release, each use warned about (issue 25, item 6).

The convention (docs/architecture.md, "One naming convention"): an object's own id is ``id``; a
field referring to another object is named after it (``framework``, ``participant``, ``group``);
a registry is always ``registry=``. The old spellings still work until 0.4.0 and warn, naming the
new spelling, at the caller's line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from assessment_fixtures import assessment as made
from assessment_fixtures import rate, registry_with, small_framework

import qframework
from qframework import io
from qframework.assessment.scoring import resolve_aggregation
from qframework.assignment import Violation
from qframework.forms import assessment_form
from qframework.report.tables import scorecard_tables

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "landkreis-beispiel-2024.toml"


@pytest.fixture(scope="module")
def registry() -> qframework.Registry:
    return qframework.load_registry()


@pytest.fixture(scope="module")
def assessment(registry: qframework.Registry) -> qframework.Assessment:
    return qframework.load_assessment(EXAMPLE, registry=registry)


def _warned(call: Callable[[], Any], new: str) -> Any:
    """``call()`` warns once with a DeprecationWarning that names ``new`` and points at this file."""
    with pytest.warns(DeprecationWarning) as caught:
        result = call()
    assert len(caught) == 1, [str(w.message) for w in caught]
    message = str(caught[0].message)
    assert "deprecated since 0.3.0" in message and "removed in 0.4.0" in message and new in message, message
    assert caught[0].filename == __file__, caught[0].filename  # the caller's line, not the library's
    return result


def test_assessment_framework_id_is_the_framework(assessment: qframework.Assessment) -> None:
    """``Assessment.framework_id`` (attribute and keyword) is ``Assessment.framework``."""
    assert _warned(lambda: assessment.framework_id, "Assessment.framework") == assessment.framework
    old: Any = qframework.Assessment
    built = _warned(
        lambda: old(
            framework_id=assessment.framework,
            framework_version=assessment.framework_version,
            subject=assessment.subject,
            period=assessment.period,
            ratings=assessment.ratings,
            raters=assessment.raters,
            notes=assessment.notes,
            success_definition=assessment.success_definition,
        ),
        "framework=",
    )
    assert built == assessment


def test_both_spellings_at_once_are_refused(assessment: qframework.Assessment) -> None:
    """Giving the old and the new keyword is a TypeError, as a duplicate argument is."""
    old: Any = qframework.Assessment
    with pytest.raises(TypeError, match=r"Assessment\(\) got both 'framework_id' .* and 'framework'"):
        old(framework="x", framework_id="x", framework_version="1", subject=assessment.subject, period="p")


def test_scorecard_and_version_changes_framework_id(
    assessment: qframework.Assessment, registry: qframework.Registry
) -> None:
    """``Scorecard.framework_id`` and ``VersionChanges.framework_id`` are their ``framework``."""
    card = qframework.score(assessment, registry=registry)
    assert card.framework == "nzfh-qualitaetsrahmen"
    assert _warned(lambda: card.framework_id, "Scorecard.framework") == "nzfh-qualitaetsrahmen"
    changes = qframework.VersionChanges(framework="x-rahmen", from_version="1", to_version="2")
    assert _warned(lambda: changes.framework_id, "VersionChanges.framework") == "x-rahmen"
    old: Any = qframework.VersionChanges
    assert _warned(lambda: old(framework_id="x-rahmen", from_version="1", to_version="2"), "framework=") == changes


def test_assessment_form_framework_id(registry: qframework.Registry) -> None:
    """``AssessmentForm.framework_id`` is its ``framework``."""
    form = assessment_form(registry.frameworks["kqs"], "de")
    assert form.framework == "kqs"
    assert _warned(lambda: form.framework_id, "AssessmentForm.framework") == "kqs"


def test_violation_participant_and_group() -> None:
    """``Violation.participant_id``/``group_id`` (attributes, constructor and ``of`` keywords) are
    ``participant``/``group``; the wording still gets them as parameters."""
    v = Violation.of("group", "check.group.unknown", participant="kiel", group="nord")
    assert (v.participant, v.group) == ("kiel", "nord")
    assert v.params["group"] == "nord"
    assert _warned(lambda: v.participant_id, "Violation.participant") == "kiel"
    assert _warned(lambda: v.group_id, "Violation.group") == "nord"
    old_of: Any = Violation.of
    assert (
        _warned(lambda: old_of("group", "check.group.unknown", participant_id="kiel", group="nord"), "participant=")
        == v
    )
    old: Any = Violation
    built = _warned(lambda: old("r", "m", participant_id="kiel"), "participant=")
    assert built == Violation("r", "m", participant="kiel")


def test_a_registry_in_the_frameworks_place(assessment: qframework.Assessment, registry: qframework.Registry) -> None:
    """``score(a, registry)``, ``score_all``, ``check_assessment``, ``check_crosswalk`` and
    ``framework_changes`` with a positional registry give what ``registry=`` gives."""
    old: Any = qframework
    assert _warned(lambda: old.score(assessment, registry), "score(…, registry=registry)") == qframework.score(
        assessment, registry=registry
    )
    assert _warned(lambda: old.score_all([assessment], registry), "registry=registry") == qframework.score_all(
        [assessment], registry=registry
    )
    assert _warned(lambda: old.check_assessment(assessment, registry), "registry=registry") == []
    crosswalk = registry.crosswalks["nzfh-nds"]
    assert _warned(lambda: old.check_crosswalk(crosswalk, registry), "registry=registry") == []
    two = registry_with(small_framework("1.0"), small_framework("2.0", extra_indicator=True))
    older = made(rate("i1", 1, "a"))
    changes = qframework.framework_changes(older, registry=two)
    assert changes is not None and (changes.framework, changes.added) == ("test-rahmen", ("i5",))
    assert _warned(lambda: old.framework_changes(older, two), "registry=registry") == changes


def test_the_framework_may_be_left_to_the_registry(
    assessment: qframework.Assessment, registry: qframework.Registry
) -> None:
    """``score(a, registry=r)`` looks the version the assessment names up in ``r``; the same as
    passing that framework (plus the version changes only a registry can tell)."""
    framework = registry.framework(assessment.framework, assessment.framework_version)
    by_registry = qframework.score(assessment, registry=registry)
    assert attrs.evolve(by_registry, changes=None) == qframework.score(assessment, framework)
    assert qframework.check_assessment(assessment, registry=registry) == qframework.check_assessment(
        assessment, framework
    )
    with pytest.raises(TypeError, match="framework must be a Framework"):
        qframework.score(assessment)


def test_files_keep_their_keys(assessment: qframework.Assessment, registry: qframework.Registry) -> None:
    """Files keep ``framework_id``: what 0.2 wrote reads, and what is written now 0.2 reads."""
    text = qframework.dumps_assessment(assessment, format="json")
    data = json.loads(text)
    assert data["framework_id"] == "nzfh-qualitaetsrahmen" and "framework" not in data
    assert qframework.loads_assessment(text, format="json", registry=registry) == assessment
    card = qframework.score(assessment, registry=registry)
    assert json.loads(io.dumps(card, format="json"))["framework_id"] == "nzfh-qualitaetsrahmen"
    assert qframework.to_records(card)[0]["framework_id"] == "nzfh-qualitaetsrahmen"


def test_tables_and_aggregations_take_the_registry_by_keyword(
    assessment: qframework.Assessment, registry: qframework.Registry
) -> None:
    """``scorecard_tables(cards, registry)`` and ``resolve_aggregation(id, registry)`` warn and give
    what ``registry=`` gives; with the registry the tables name level labels."""
    card = qframework.score(assessment, registry=registry)
    by_keyword = scorecard_tables([card], registry=registry)
    old_tables: Any = scorecard_tables
    assert _warned(lambda: old_tables([card], registry), "registry=registry") == by_keyword
    assert by_keyword != scorecard_tables([card])  # the labels need the framework
    framework = registry.framework(card.framework, card.framework_version)
    assert scorecard_tables([card], framework) == by_keyword
    old_resolve: Any = resolve_aggregation
    assert _warned(lambda: old_resolve("median", registry), "registry=registry") is resolve_aggregation(
        "median", registry=registry
    )
