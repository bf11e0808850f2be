"""Text from a user's file or a plugin never becomes markup in a report (HTML, inline SVG, Markdown)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from report_fixtures import report_assessment, report_framework

from qframework.assessment import score
from qframework.assignment import Assignment, AssignmentRules, Group, Participant, Placement, Topic
from qframework.report.data import AssessmentReport, AssignmentReport, CohortReport, ProgressReport
from qframework.report.render import render_report

HOSTILE = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


class _Markup(HTMLParser):
    """Every element and attribute the page really contains, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert(html: str, *expected_text: str) -> None:
    page = _Markup()
    page.feed(html)
    page.close()
    assert not {"script", "img", "iframe", "object", "embed"} & set(page.tags)
    assert not [name for name, _ in page.attributes if name.lower().startswith("on")]
    assert not [value for _, value in page.attributes if value.strip().lower().startswith("javascript:")]
    text = "".join(page.text)
    for literal in expected_text:
        assert literal in text  # shown as the text it is


def _reports(hostile: str) -> list[object]:
    fw = report_framework(text=hostile)
    a = report_assessment(name=hostile, role=hostile, evidence=hostile, comment=hostile)
    later = report_assessment(name=hostile, role=hostile, period="2026", values=(2, 2, 2, 2, 2))
    other = report_assessment(subject="anderswo", name=hostile)
    cards = (score(a, fw), score(later, fw))
    rules = AssignmentRules(topics=(Topic("netzwerk", hostile), Topic("planung", "Planung")), topics_per_participant=1)
    people = (Participant("kiel", hostile, location=(54.3, 10.1)), Participant("koeln", "Köln", location=(50.9, 7.0)))
    assignment = Assignment(
        placements=(Placement("kiel", ("netzwerk",), notes=(hostile,)),),
        groups=(Group("nord", ("netzwerk",), members=("kiel",)), Group("west", ("planung",), members=("koeln",))),
    )
    return [
        AssessmentReport(cards[0], fw, a),
        ProgressReport(cards, fw),
        CohortReport((cards[1], score(other, fw)), fw, names=True, highlight="musterstadt"),
        AssignmentReport(assignment, people, rules, title=hostile),
    ]


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_html_reports_show_hostile_text_literally(hostile: str, lang: str) -> None:
    for report in _reports(hostile):
        html = render_report(report, lang=lang)  # type: ignore[arg-type]
        assert_inert(html, hostile)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_assessment_report_shows_each_hostile_field(hostile: str) -> None:
    """Kommune name, rater role, evidence, comment and the plugin's titles all reach the page, as text."""
    html = render_report(_reports(hostile)[0])  # type: ignore[arg-type]
    page = _Markup()
    page.feed(html)
    text = "".join(page.text)
    assert text.count(hostile) >= 6
    assert f"Die Steuerungsgruppe tagt {hostile}" in text  # an indicator title from the plugin
    assert f"Handbuch Qualität {hostile}" in text  # a source title


@pytest.mark.parametrize("hostile", HOSTILE)
def test_markdown_reports_carry_no_raw_html(hostile: str) -> None:
    for report in _reports(hostile):
        md = render_report(report, format="markdown")  # type: ignore[arg-type]
        assert "<script" not in md and "<img" not in md
        assert "&lt;" in md  # the text is there, as entities a Markdown viewer shows literally
