"""The web tool in a real browser: Debian's headless Chromium through Playwright, the app on uvicorn.

Two raters fill in the NZFH form in a browser set to German, the scorecard shows the chart and their
mean score, the language switch turns it into English, and a broken workbook uploaded shows its
problems cell by cell. The run writes the screenshots in
``examples/web/screenshots/`` (form.png, scorecard.png, upload-problems.png). Not skipped:
``.ci/run`` installs ``chromium`` where it is missing.
"""

from __future__ import annotations

import io as _io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import INDICATORS, NZFH, serve

from qframework.excel import assessment_workbook

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


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


def fill_as(page: Any, base: str, rater: str, role: str, label: str, screenshot: Path | None = None) -> None:
    page.goto(f"{base}/frameworks/nzfh-qualitaetsrahmen/assess")
    page.fill("[name='subject.id']", "musterstadt")
    page.fill("[name='subject.name']", "Musterstadt <b>Nord</b>")
    page.fill("[name='period']", "2025")
    page.fill("[name='rater.id']", rater)
    page.fill("[name='rater.role']", role)
    for ind in INDICATORS:
        page.select_option(f"select[name='{ind}.rating']", label=label)
    page.fill(f"[name='{INDICATORS[0]}.evidence']", "Protokolle der Netzwerktreffen 2025")
    if screenshot is not None:
        page.screenshot(path=str(screenshot))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025")


def broken_workbook() -> bytes:
    import openpyxl

    wb = openpyxl.load_workbook(_io.BytesIO(assessment_workbook(NZFH, rater="eltern", subject="musterstadt")))
    sheet = wb["Netzwerk"]
    sheet["C5"] = "gut"  # not a level of the scale
    out = _io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_two_raters_assess_a_kommune_in_the_browser(browser: Any, tmp_path: Path) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1000, "height": 1200}, locale="de-DE")  # Accept-Language: de-DE
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    with serve(tmp_path / "web.sqlite") as base:
        fill_as(page, base, "koordination", "Netzwerkkoordination", "stimme sehr zu", SCREENSHOTS / "form.png")
        fill_as(page, base, "hebamme", "Familienhebamme", "stimme nicht zu")
        # the scorecard: levels 6 and 2 on 1..6 give a mean of 4, i.e. 0.60, nearest level "stimme eher zu"
        assert page.locator("svg.chart.radar").count() == 1
        assert page.locator("svg.chart.bars rect.bar").count() == len(NZFH.dimensions)
        assert page.locator("svg.chart.radar").first.bounding_box()["width"] > 100
        overall = page.locator(".facts li").first.inner_text()
        assert "0,60" in overall and "stimme eher zu" in overall
        assert page.get_by_text("Musterstadt <b>Nord</b>", exact=False).count() >= 1  # shown as text
        assert page.locator("b:text-is('Nord')").count() == 0
        page.screenshot(path=str(SCREENSHOTS / "scorecard.png"))
        # the switch: the same scorecard in English, and the choice kept on the next page
        page.click("nav.webtool a[hreflang=en]")
        page.wait_for_selector("html[lang=en]")
        assert "0.60" in page.locator(".facts li").first.inner_text()
        page.goto(f"{base}/upload")
        assert page.locator("html").get_attribute("lang") == "en" and page.locator("h1").inner_text() == (
            "Upload a filled-in file"
        )
        page.click("header.site a[hreflang=de]")
        page.wait_for_selector("html[lang=de]")
        page.goto(f"{base}/upload")
        page.set_input_files(
            "input[type=file]",
            files=[{"name": "eltern.xlsx", "mimeType": "application/octet-stream", "buffer": broken_workbook()}],
        )
        page.click("button[type=submit]")
        page.wait_for_selector("#problems")
        where = page.locator("#problems td.where").all_inner_texts()
        messages = page.locator("#problems td.message").all_inner_texts()
        assert "Netzwerk!C5" in where, where
        assert any("'gut' is not a level" in m for m in messages), messages
        page.screenshot(path=str(SCREENSHOTS / "upload-problems.png"))
    page.close()
    assert errors == []
