"""HTML and Markdown reports: what a coordinator reads in them, in German and English, from Python and the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from assessment_fixtures import registry_with
from report_fixtures import report_assessment, report_framework

import qframework
from qframework.assessment import score
from qframework.assignment import Assignment, AssignmentRules, Group, Participant, Placement, Topic
from qframework.cli import main
from qframework.errors import NotFound, QFrameworkError
from qframework.io import dumps
from qframework.report import render as render_module
from qframework.report.data import AssessmentReport, AssignmentReport, CohortReport, ProgressReport
from qframework.report.render import markdown_escape, render_report

#: Inline elements run on with the text around them, as a browser shows them; every other tag separates
#: (``b`` too: the reports' stylesheet shows the facts' numbers as blocks).
_INLINE = frozenset(("a", "abbr", "cite", "code", "em", "i", "span", "strong", "sub", "sup", "time"))


class _Text(HTMLParser):
    """The visible text of a page, whitespace collapsed, and the tags it contains."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in _INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _INLINE:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split()), parser.tags


@pytest.fixture(scope="module")
def framework():  # type: ignore[no-untyped-def]
    return report_framework()


@pytest.fixture(scope="module")
def assessment_report(framework):  # type: ignore[no-untyped-def]
    a = report_assessment()
    return AssessmentReport(score(a, framework), framework, a)


def test_assessment_report_shows_scores_with_level_labels_in_german(assessment_report) -> None:  # type: ignore[no-untyped-def]
    text, tags = text_of(render_report(assessment_report))
    assert "Selbsteinschätzung: Musterstadt" in text
    assert "1 Netzwerk 0,58 trifft eher zu 100 %" in text  # the dimension table row
    assert "2 Planung 0,33 trifft eher nicht zu 100 %" in text
    assert "Gesamt 0,50" in text
    assert "Abdeckung 100 %" in text
    assert "svg" in tags


def test_assessment_report_lists_priorities_weakest_first(assessment_report) -> None:  # type: ignore[no-untyped-def]
    text, _ = text_of(render_report(assessment_report))
    assert "2 Planung: 0,33 (trifft eher nicht zu) 1 Netzwerk: 0,58 (trifft eher zu)" in text


def test_disagreements_name_each_rater_with_the_level_text(assessment_report) -> None:  # type: ignore[no-untyped-def]
    text, _ = text_of(render_report(assessment_report))
    section = text.split("Abweichende Einschätzungen", 1)[1].split("Belege und Kommentare", 1)[0]
    assert "Die Steuerungsgruppe tagt" in section
    assert "Koordination: 4 · trifft zu" in section
    assert "Jugendamt: 1 · trifft nicht zu" in section
    assert "Jugendamt: nicht zutreffend" in section  # i3: applicability disputed
    assert "Absprachen sind verbindlich" not in section  # both raters agree on i2


def test_evidence_comments_and_provenance_are_reported(assessment_report) -> None:  # type: ignore[no-untyped-def]
    text, _ = text_of(render_report(assessment_report))
    assert "Protokolle 2024" in text and "Tagt quartalsweise" in text
    provenance = text.split("Herkunft der Texte", 1)[1]
    assert "wörtlich zitiert (Quelle) 1" in provenance
    assert "sinngemäß nach der Quelle 1" in provenance
    assert "vom Plugin formuliert (keine Quelle) 3" in provenance  # two dimensions and i2
    assert "Handbuch Qualität" in provenance and "Test-Herausgeber" in provenance


def test_english_labels_numbers_and_the_frameworks_own_translations(assessment_report) -> None:  # type: ignore[no-untyped-def]
    text, _ = text_of(render_report(assessment_report, lang="en"))
    assert "Self-assessment: Musterstadt" in text
    assert "1 Network 0.58 rather applies 100%" in text
    assert "2 Planning 0.33 rather does not apply 100%" in text
    assert "Koordination: 4 · applies" in text


def test_unknown_language_and_format_are_refused(assessment_report) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="known: en, de"):
        render_report(assessment_report, lang="fr")
    with pytest.raises(ValueError, match="known: html, markdown"):
        render_report(assessment_report, format="pdf")  # type: ignore[arg-type]


def test_markdown_report_has_the_tables_and_no_html(assessment_report) -> None:  # type: ignore[no-untyped-def]
    md = render_report(assessment_report, format="markdown")
    assert md.startswith("# Selbsteinschätzung: Musterstadt\n")
    assert "| 1 | Netzwerk | 0,58 | ▇▇▇▇▇▇···· | trifft eher zu | 100 % |" in md
    assert "1. 2 Planung: 0,33 (trifft eher nicht zu)" in md
    assert "<" not in md


def test_markdown_escape_keeps_user_text_from_becoming_markup() -> None:
    assert markdown_escape("a|b") == "a\\|b"  # would split a table cell
    assert markdown_escape("# Titel") == "\\# Titel"  # would become a heading
    assert markdown_escape("**fett** [x](y)") == "\\*\\*fett\\*\\* \\[x\\](y)"
    assert markdown_escape("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert markdown_escape("zwei\nZeilen") == "zwei Zeilen"
    assert markdown_escape("0.62") == "0.62"


def test_a_templates_directory_overrides_a_shipped_template(assessment_report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "assessment.html").write_text(
        '{% extends "base.html" %}{% block content %}<p id="own">{{ subject.name }}: {{ overall }}</p>{% endblock %}',
        encoding="utf-8",
    )
    html = render_report(assessment_report, templates=tmp_path)
    assert '<p id="own">Musterstadt: 0,50</p>' in html
    assert "<footer>Erstellt mit qframework</footer>" in html  # the shipped base.html still serves
    assert "Musterstadt: 0,50" not in render_report(assessment_report)  # the cache is per directory


def test_a_missing_templates_directory_is_a_clear_error(assessment_report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QFrameworkError, match="is not a directory"):
        render_report(assessment_report, templates=tmp_path / "nope")


def test_print_stylesheet_sets_a4(assessment_report) -> None:  # type: ignore[no-untyped-def]
    html = render_report(assessment_report)
    assert "@page { size: A4;" in html and "@media print" in html
    assert "<link" not in html and "<script" not in html  # self-contained, no script


def test_render_report_takes_the_results_themselves(framework) -> None:  # type: ignore[no-untyped-def]
    a = report_assessment()
    card = score(a, framework)
    assert render_report(card, framework=framework, assessment=a) == render_report(AssessmentReport(card, framework, a))
    later = score(report_assessment(period="2026", values=(4, 4, 4, 4, 4)), framework)
    assert "Entwicklung über die Zeit" in render_report([card, later], framework=framework)
    other = score(report_assessment(subject="nachbarstadt"), framework)
    assert "Die Kommunen im Vergleich" in render_report([card, other], framework=framework)
    with pytest.raises(TypeError, match="framework="):
        render_report(card)
    with pytest.raises(TypeError, match="got str"):
        render_report("assessment")  # type: ignore[arg-type]


def test_a_scorecard_and_assessment_of_different_kommunen_are_refused(framework) -> None:  # type: ignore[no-untyped-def]
    card = score(report_assessment(), framework)
    with pytest.raises(QFrameworkError, match="the assessment is of"):
        AssessmentReport(card, framework, report_assessment(subject="anderswo"))


def test_render_report_is_exported_lazily_without_importing_jinja2() -> None:
    code = "import sys, qframework; qframework.render_report; print('jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    assert qframework.render_report is render_report


def test_without_jinja2_the_error_names_the_extra(assessment_report, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "jinja2", None)
    render_module._environment.cache_clear()
    try:
        with pytest.raises(QFrameworkError, match=re.escape("pip install 'qframework[report]'")):
            render_report(assessment_report)
    finally:
        render_module._environment.cache_clear()


# -- progress -----------------------------------------------------------------------------------


def _progress(framework):  # type: ignore[no-untyped-def]
    # i1 by a and b, i2 by a and b; b finds i3 not applicable every year, a rates it 2 (1/3).
    years = {"2023": (1, 1, 1, 1), "2024": (2, 2, 2, 2), "2025": (4, 4, 4, 4)}
    cards = [score(report_assessment(period=p, values=(*v, None)), framework) for p, v in years.items()]
    return ProgressReport(tuple(reversed(cards)), framework)  # any order: sorted by period


def test_progress_shows_every_period_and_the_change_first_to_last(framework) -> None:  # type: ignore[no-untyped-def]
    text, tags = text_of(render_report(_progress(framework)))
    # d1 = mean of i1, i2: 2023 0, 2024 1/3, 2025 1; d2 = i3 = 1/3 throughout.
    assert "2023 2024 2025" in text
    assert "1 Netzwerk 0,00 0,33 1,00 +1,00 trifft zu" in text
    assert "2 Planung 0,33 0,33 0,33 +0,00 trifft eher nicht zu" in text
    assert "polyline" in tags


def test_progress_needs_one_kommune_and_two_periods(framework) -> None:  # type: ignore[no-untyped-def]
    one = score(report_assessment(), framework)
    with pytest.raises(QFrameworkError, match="two or more periods"):
        ProgressReport((one,), framework)
    other = score(report_assessment(subject="nachbarstadt", period="2026"), framework)
    with pytest.raises(QFrameworkError, match="one Kommune"):
        ProgressReport((one, other), framework)
    with pytest.raises(QFrameworkError, match="occurs twice"):
        ProgressReport((one, one), framework)


# -- cohort -------------------------------------------------------------------------------------


def _cohort(framework, **options):  # type: ignore[no-untyped-def]
    # d1 scores: both i1 and i2 at level v for both raters -> (v - 1) / 3: 0, 1/3, 2/3, 1.
    cards = [
        score(report_assessment(subject=f"k{v}", name=f"Kommune Nummer {v}", values=(v, v, v, v, None)), framework)
        for v in (1, 2, 3, 4)
    ]
    return CohortReport(tuple(cards), framework, **options)


def test_cohort_shows_the_distribution_without_names(framework) -> None:  # type: ignore[no-untyped-def]
    text, _ = text_of(render_report(_cohort(framework)))
    # d1 values 0, 1/3, 2/3, 1: quartiles (inclusive) 0.25, 0.5, 0.75
    assert "1 Netzwerk 4 0,00 0,25 0,50 0,75 1,00" in text
    assert "2 Planung 4 0,33 0,33 0,33 0,33 0,33" in text
    assert "Kommune Nummer" not in text
    assert "Die Namen der Kommunen werden nicht gezeigt." in text


def test_cohort_names_and_highlight_on_request(framework) -> None:  # type: ignore[no-untyped-def]
    text, _ = text_of(render_report(_cohort(framework, names=True, highlight="k3")))
    assert "Ihre Kommune: Kommune Nummer 3" in text
    # overall = (2 * d1 + d2) / 3; k3: (2 * 2/3 + 1/3) / 3 = 0.556, second of four
    assert "Gesamt 0,56 Rang 2 von 4" in text
    assert all(f"Kommune Nummer {v}" in text for v in (1, 2, 4))


def test_cohort_refuses_an_unknown_period_or_highlight(framework) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="2019"):
        _cohort(framework, period="2019")
    with pytest.raises(NotFound, match="k9"):
        _cohort(framework, highlight="k9")


# -- assignment ---------------------------------------------------------------------------------


def _assignment_report() -> AssignmentReport:
    rules = AssignmentRules(
        topics=(Topic("netzwerk", "Netzwerk"), Topic("planung", "Planung")),
        topics_per_participant=1,
    )
    people = (
        Participant("kiel", "Kiel", location=(54.32, 10.13)),
        Participant("luebeck", "Lübeck", location=(53.87, 10.69)),
        Participant("koeln", "Köln", location=(50.94, 6.96)),
        Participant("bonn", "Bonn"),
    )
    assignment = Assignment(
        placements=(Placement("kiel", ("netzwerk",), notes=("netzwerk: your first choice.",), ranks=(1,)),),
        groups=(
            Group("nord", ("netzwerk",), members=("kiel", "luebeck")),
            Group("west", ("planung",), members=("koeln",)),
        ),
        unassigned=("bonn",),
    )
    return AssignmentReport(assignment, people, rules, title="Qualitätszirkel 2025")


def test_assignment_report_lists_groups_explanations_and_a_map() -> None:
    html = render_report(_assignment_report())
    text, _ = text_of(html)
    assert "Qualitätszirkel 2025" in text
    assert "nord Netzwerk Kiel, Lübeck" in text
    assert "Kiel nord (mit Lübeck) Netzwerk (vorgesehen; Wunschrang 1) netzwerk: your first choice." in text
    assert "ohne Platz: Bonn" in text
    assert "ohne Koordinaten: Bonn" in text
    # three dots on the map: Kiel and Lübeck in the first group's colour, Köln in the second's
    fills = re.findall(r'<circle class="place" [^>]*fill="(#[0-9A-Fa-f]{6})"', html)
    assert fills == ["#0072B2", "#0072B2", "#E69F00"]


def test_the_map_puts_north_up_and_east_right() -> None:
    html = render_report(_assignment_report())
    dots = {
        label: (float(x), float(y))
        for x, y, label in re.findall(r'<circle class="place" cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>([^<]+)', html)
    }
    assert dots["Kiel"][1] < dots["Köln"][1]  # Kiel is north of Köln: higher on the page
    assert dots["Lübeck"][0] > dots["Köln"][0]  # Lübeck is east of Köln


# -- the command line ---------------------------------------------------------------------------


def test_cli_report_writes_html_and_markdown(tmp_path: Path, framework, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    registry = registry_with(framework)
    monkeypatch.setattr("qframework.cli.report._registry", lambda: registry)
    source = tmp_path / "musterstadt.json"
    source.write_text(dumps(report_assessment(), format="json"), encoding="utf-8")
    assert main(["--lang", "de", "report", "assessment", str(source), "-o", str(tmp_path / "r.html")]) == 0
    assert "1 Netzwerk 0,58 trifft eher zu" in text_of((tmp_path / "r.html").read_text(encoding="utf-8"))[0]
    assert main(["report", "assessment", str(source), "--lang", "en", "-o", str(tmp_path / "r.md")]) == 0
    assert "| 1 | Network | 0.58 |" in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_cli_progress_and_cohort_from_several_files(tmp_path: Path, framework, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    registry = registry_with(framework)
    monkeypatch.setattr("qframework.cli.report._registry", lambda: registry)
    files = []
    for period, v in (("2024", 1), ("2025", 4)):
        path = tmp_path / f"m{period}.json"
        path.write_text(dumps(report_assessment(period=period, values=(v, v, v, v, None)), format="json"), "utf-8")
        files.append(str(path))
    other = tmp_path / "n.json"
    other.write_text(dumps(report_assessment(subject="nachbarstadt"), format="json"), "utf-8")
    assert main(["--lang", "de", "report", "progress", *files, "--format", "markdown"]) == 0
    assert "| 1 | Netzwerk | 0,00 | 1,00 | +1,00 | trifft zu |" in capsys.readouterr().out
    assert main(["report", "progress", *files, str(other)]) == 1
    assert "one Kommune" in capsys.readouterr().err
    assert main(["report", "progress", *files, str(other), "--subject", "musterstadt"]) == 0
    capsys.readouterr()
    assert main(["--lang", "de", "report", "cohort", files[1], str(other), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "| 1 | Netzwerk | 2 |" in out and "Musterstadt" not in out


def test_cli_reports_file_problems_without_a_traceback(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"framework_id": "nzfh-qualitaetsrahmen", "subject": {"id": "x"}}), "utf-8")
    assert main(["report", "assessment", str(broken)]) == 1
    err = capsys.readouterr().err
    assert str(broken) in err and "Traceback" not in err


def test_cli_programme_report_draws_the_map(tmp_path: Path) -> None:
    out = tmp_path / "qdfh.html"
    assert main(["report", "programme", "qdfh-2019", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    # the 23 Kommunen of the published clusters (Stadt and Landkreis Düren share a seat, two places)
    assert 'class="chart map"' in html and html.count('<circle class="place"') == 23


def test_demo_writes_its_report_folder_and_says_where(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "demo-report"
    assert main(["demo", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"report folder: {out.resolve()}" in printed
    names = sorted(p.name for p in out.iterdir())
    kinds = ("assessment", "assignment", "cohort", "progress")
    workbooks = ["beispiel-koordination.xlsx", "vorlage.xlsx"]  # the Excel template and a filled example
    assert names == sorted([*workbooks, *(f"{kind}.{suffix}" for kind in kinds for suffix in ("html", "md"))])
    assert "Network" in (out / "assessment.html").read_text(encoding="utf-8")  # the CLI's language: English here
