"""The HTML report in a real browser: Debian's headless Chromium through Playwright, then its PDF through pdftotext.

Not skipped: ``.ci/run`` installs ``chromium`` and ``poppler-utils`` where they are missing. The
browser is started with networking features off; the report needs no network (CSS and SVG inline).
Run this module as a script to refresh the screenshot in ``docs/images/report-assessment.png``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_fixtures import report_assessment, report_framework

from qframework.assessment import score
from qframework.plugins import load_registry
from qframework.report.data import AssessmentReport
from qframework.report.render import render_report
from qframework.template import sample_assessment

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "images" / "report-assessment.png"


def _nzfh_report() -> tuple[AssessmentReport, list[str]]:
    fw = load_registry().frameworks["nzfh-qualitaetsrahmen"]
    a = sample_assessment(fw)
    return AssessmentReport(score(a, fw), fw, a), [d.title for d in fw.dimensions]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: .ci/run installs it (apt-get install chromium)"
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


def _open(browser: Any, html: str, path: Path) -> tuple[Any, list[str]]:
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1000, "height": 1300})
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems


def test_the_report_renders_and_prints_in_chromium(browser: Any, tmp_path: Path) -> None:
    report, titles = _nzfh_report()
    page, problems = _open(browser, render_report(report), tmp_path / "report.html")
    assert page.locator("svg.chart.radar").count() == 1
    assert page.locator("svg.chart.bars rect.bar").count() == len(titles)
    assert page.locator("svg.chart.radar").first.bounding_box()["width"] > 100  # laid out, not collapsed
    assert page.locator("td.dimension-title").all_inner_texts() == titles
    for title in titles:
        assert page.get_by_text(title, exact=True).first.is_visible()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    assert problems == []
    assert shutil.which("pdftotext"), "pdftotext is missing: .ci/run installs it (apt-get install poppler-utils)"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for title in titles:
        assert title in flat
    assert "Selbsteinschätzung: Beispielkommune" in flat


def test_hostile_text_runs_no_script_in_the_browser(browser: Any, tmp_path: Path) -> None:
    hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    fw = report_framework(text=hostile)
    a = report_assessment(name=hostile, role=hostile, evidence=hostile, comment=hostile)
    page, problems = _open(browser, render_report(AssessmentReport(score(a, fw), fw, a)), tmp_path / "h.html")
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    assert page.get_by_text(f"Selbsteinschätzung: {hostile}").count() == 1  # shown as text
    page.close()
    assert problems == []  # no alert dialog, no error


def write_screenshot(path: Path = SCREENSHOT) -> None:
    """The picture in docs/reports.md: the top of the NZFH sample assessment report (PNG, small)."""
    from playwright.sync_api import sync_playwright

    report, _ = _nzfh_report()
    path.parent.mkdir(parents=True, exist_ok=True)
    html = path.with_suffix(".html")
    html.write_text(render_report(report), encoding="utf-8")
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = b.new_page(viewport={"width": 900, "height": 1250}, device_scale_factor=1)
            page.goto(html.as_uri())
            page.screenshot(path=str(path))
            b.close()
    finally:
        html.unlink()


if __name__ == "__main__":
    write_screenshot(Path(sys.argv[1]) if len(sys.argv) > 1 else SCREENSHOT)
