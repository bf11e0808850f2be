"""A translated assessment's report says it was translated, from which framework, by which crosswalk, what was lost.

The assessment is the shipped NZFH Qualitätsrahmen (scale 1..6) carried by the shipped crosswalk
``nzfh-nds`` to the Lower Saxony standards (scale 0..2). One rater ``a``:

    netzwerk-steuerungsgruppe 6        equivalent → netzwerk-steuerungsgruppe: exact, 1.0 → level 2
    netzwerk-verbindliche-kooperation 4 broader → netzwerk-kooperationsvereinbarungen,
                                        overlapping → netzwerk-arbeitsformen: two guesses
    grundidee-sektorenuebergreifend 3  no entry: one rating lost

So 3 ratings carried (1 exact, 2 guessed, 3 rescaled from six levels to three), 1 lost.
"""

from __future__ import annotations

import re

import attrs
import pytest

from qframework.assessment import Assessment, Rater, Rating, Subject, score
from qframework.crosswalk import Translation, translate
from qframework.errors import QFrameworkError
from qframework.plugins import Registry, load_registry
from qframework.report.data import AssessmentReport
from qframework.report.render import render_report

HOSTILE = '<script>alert("x")</script> & <b>fett</b>'


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def nzfh_assessment() -> Assessment:
    return Assessment(
        "nzfh-qualitaetsrahmen",
        "2.0",
        Subject("wolfenbuettel", "Landkreis Wolfenbüttel"),
        "2025",
        (
            Rating("netzwerk-steuerungsgruppe", 6, rater="a"),
            Rating("netzwerk-verbindliche-kooperation", 4, rater="a"),
            Rating("grundidee-sektorenuebergreifend", 3, rater="a"),
        ),
        raters=(Rater("a", role="Koordination"),),
    )


def translated(registry: Registry, title: str | None = None) -> Translation:
    crosswalk = registry.crosswalks["nzfh-nds"]
    if title is not None:
        crosswalk = attrs.evolve(crosswalk, title=title)
    return translate(nzfh_assessment(), crosswalk, registry=registry)


def report_of(result: Translation, registry: Registry) -> AssessmentReport:
    card = score(result.assessment, registry=registry)
    framework = registry.framework(card.framework, card.framework_version)
    return AssessmentReport(card, framework, result.assessment, translation=result.report)


def section(html: str) -> str:
    match = re.search(r'<section id="translation".*?</section>', html, re.S)
    assert match is not None, "no translation notice"
    return match.group(0)


def test_the_html_report_of_a_translated_assessment_says_where_it_came_from(registry: Registry) -> None:
    html = render_report(report_of(translated(registry), registry), format="html", lang="de")
    notice = section(html)
    assert "Übertragene Einschätzung" in notice
    assert "Qualitätsrahmen Frühe Hilfen" in notice and "(Version 2.0)" in notice
    assert "(nzfh-nds)" in notice
    # nzfh-nds has no equivalent entry (issue 24): all three carried ratings are guesses
    assert "Übertragene Einschätzungen<b>3</b>davon eins zu eins gleichwertig: 0" in notice
    assert "<b>3</b>auf eine andere Skala umgerechnet: 3" in notice
    assert "<b>1</b>grundidee-sektorenuebergreifend" in notice
    # a standard no entry reaches, by its title in the report's framework
    assert "Geklärte Schnittstelle zwischen Frühen Hilfen und Kinderschutz" in notice
    # the notice comes before the scores
    assert html.index('id="translation"') < html.index('id="summary"')


def test_the_markdown_report_in_english_has_the_notice(registry: Registry) -> None:
    md = render_report(report_of(translated(registry), registry), format="markdown", lang="en")
    assert "## Translated assessment" in md
    assert "translated from an assessment against Qualitätsrahmen Frühe Hilfen" in md
    assert "- **Ratings carried:** 3 (of them equivalent one to one: 0; " in md
    assert "- **Ratings lost (source indicators mapped to nothing):** 1 (grundidee-sektorenuebergreifend)" in md


def test_a_report_without_a_translation_has_no_notice(registry: Registry) -> None:
    result = translated(registry)
    card = score(result.assessment, registry=registry)
    framework = registry.framework(card.framework, card.framework_version)
    html = render_report(AssessmentReport(card, framework, result.assessment), format="html", lang="de")
    assert 'id="translation"' not in html and "Übertragene Einschätzung" not in html


def test_a_hostile_crosswalk_title_is_text_in_html_and_markdown(registry: Registry) -> None:
    report = report_of(translated(registry, title=HOSTILE), registry)
    html = render_report(report, format="html", lang="de")
    notice = section(html)
    assert "<script" not in html and "<b>fett</b>" not in html
    assert "&lt;script&gt;alert(" in notice and "&amp; &lt;b&gt;fett&lt;/b&gt;" in notice
    md = render_report(report, format="markdown", lang="de")
    assert "<script" not in md and "<b>" not in md
    assert "&lt;script&gt;alert" in md


def test_a_translation_of_another_kommune_is_refused(registry: Registry) -> None:
    result = translated(registry)
    card = score(result.assessment, registry=registry)
    framework = registry.framework(card.framework, card.framework_version)
    other = attrs.evolve(result.report, subject="celle")
    with pytest.raises(QFrameworkError, match="the translation is of celle 2025"):
        AssessmentReport(card, framework, result.assessment, translation=other)
