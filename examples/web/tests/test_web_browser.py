"""The web tool in a real browser: Debian's headless Chromium through Playwright, the app on uvicorn.

Two raters log in and fill in the NZFH form in a browser set to German, the scorecard shows the chart
and their mean score, the language switch turns it into English, and a broken workbook uploaded shows
its problems cell by cell. The run writes the screenshots in ``examples/web/screenshots/`` (form.png,
scorecard.png, upload-problems.png). Then, on SQLite and on PostgreSQL: a coordinator invites a rater,
the rater makes an account with the link, fills in the form, the coordinator sees the scorecard, and
the rater cannot open another Kommune's. Not skipped: ``.ci/run`` installs ``chromium`` where it is missing.
"""

from __future__ import annotations

import io as _io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import INDICATORS, NZFH, PASSWORD, seed_db, serve

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


def log_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def fill_as(
    page: Any,
    base: str,
    rater: str,
    role: str,
    label: str,
    screenshot: Path | None = None,
    kommune: str = "musterstadt",
) -> None:
    log_in(page, base, rater)
    page.goto(f"{base}/frameworks/nzfh-qualitaetsrahmen/assess")
    assert page.locator("select[name='subject.id']").input_value() == kommune  # their Kommune, chosen for them
    page.fill("[name='period']", "2025")
    page.fill("[name='rater.role']", role)
    for ind in INDICATORS:
        page.select_option(f"select[name='{ind}.rating']", label=label)
    page.fill(f"[name='{INDICATORS[0]}.evidence']", "Protokolle der Netzwerktreffen 2025")
    if screenshot is not None:
        page.screenshot(path=str(screenshot))
    page.click("#assessment-form button[type=submit]")
    page.wait_for_url(f"{base}/kommunen/nzfh-qualitaetsrahmen/{kommune}/2025")


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
    db = tmp_path / "web.sqlite"
    seed_db(db, names={"musterstadt": "Musterstadt <b>Nord</b>"})
    with serve(db) as base:
        fill_as(page, base, "hebamme", "Familienhebamme", "stimme nicht zu")
        fill_as(page, base, "koordination", "Netzwerkkoordination", "stimme sehr zu", SCREENSHOTS / "form.png")
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
        page.click("main button[type=submit]")
        page.wait_for_selector("#problems")
        where = page.locator("#problems td.where").all_inner_texts()
        messages = page.locator("#problems td.message").all_inner_texts()
        assert "Netzwerk!C5" in where, where
        assert any("'gut' ist kein Wert der Skala" in m for m in messages), messages
        page.screenshot(path=str(SCREENSHOTS / "upload-problems.png"))
    page.close()
    assert errors == []


def test_an_invited_rater_fills_in_and_the_coordinator_sees_it(browser: Any, db_url: str) -> None:
    seed_db(db_url)
    errors: list[str] = []
    coordinator = browser.new_context(locale="de-DE", viewport={"width": 1000, "height": 1000})
    rater = browser.new_context(locale="de-DE", viewport={"width": 1000, "height": 1000})  # another browser
    with serve(db_url) as base:
        office = coordinator.new_page()
        office.on("pageerror", lambda exc: errors.append(str(exc)))
        log_in(office, base, "koordination")
        office.goto(f"{base}/accounts")
        office.select_option("#f-role", "rater")
        office.click("form[action='/invitations'] button[type=submit]")
        link = office.locator("#invitation").inner_text().strip()
        assert link.startswith(f"{base}/invite/")

        page = rater.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(link)
        assert "Musterstadt" in page.locator("main p").first.inner_text()
        page.fill("#f-username", "neue-hebamme")
        page.fill("#f-name", "Nora Neumann")
        page.fill("#f-password", "ein-gutes-passwort")
        page.fill("#f-password2", "ein-gutes-passwort")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/")  # the first login: the account is made and logged in
        page.goto(f"{base}/frameworks/nzfh-qualitaetsrahmen/assess")
        assert page.locator("#f-rater\\.id").input_value() == "neue-hebamme"
        page.fill("[name='period']", "2025")
        page.fill("[name='rater.role']", "Familienhebamme")
        for ind in INDICATORS:
            page.select_option(f"select[name='{ind}.rating']", label="stimme eher zu")
        page.click("#assessment-form button[type=submit]")
        page.wait_for_url(f"{base}/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025")
        assert "stimme eher zu" in page.locator(".facts li").first.inner_text()
        # another Kommune's page is refused, by link or typed
        refused = page.goto(f"{base}/kommunen/nzfh-qualitaetsrahmen/kiel/2025")
        assert refused is not None and refused.status == 403
        assert "(403)" in page.locator("h1").inner_text()
        assert page.goto(f"{base}/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025/versions").status == 403

        office.goto(f"{base}/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025")
        assert office.locator("svg.chart.radar").count() == 1
        assert "stimme eher zu" in office.locator(".facts li").first.inner_text()
        assert "Familienhebamme" in office.content() and "Nora Neumann" not in office.content()
        office.click("text=Namen der Einschätzenden zeigen")
        office.wait_for_url("**names=1")
        assert "Nora Neumann" in office.content()
        office.goto(f"{base}/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025/versions")
        assert office.locator("#versions tr[data-version]").count() == 1
    coordinator.close()
    rater.close()
    assert errors == []
