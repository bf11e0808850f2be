"""One language per screen: every page in German and in English, the switch, and the catalogue behind them.

The language of a page comes from ``?lang=`` (the switch, remembered in a cookie), else the cookie,
else the browser's ``Accept-Language`` (q-values honoured), else German. Each page is checked with
:mod:`one_language`: no word of the other language, no raw provenance kind, no decimal point in a
German number.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from qframework_web import create_app
from qframework_web.app import accepted_languages, format_number, provenance_label
from web_fixtures import INDICATORS, NZFH, PASSWORD, REGISTRY, csrf_of, login, rater_fields, seed
from web_language_check import PO, decimal_points, other_language_words, raw_provenance_kinds

from qframework import dumps
from qframework.i18n import language
from qframework.template import sample_assessment

HOSTILE = "<script>alert(1)</script>"
VERSIONS = tuple({fw.version for fw in REGISTRY.frameworks.values()})
WEB = Path(__file__).resolve().parent.parent / "qframework_web"
#: One string of the page's own chrome in each language: a page that shows it was translated at all.
CHROME = {"de": "Übersicht", "en": "Overview"}


@contextmanager
def make_client(tmp_path: Path) -> Iterator[TestClient]:
    """A client logged in as the coordinator of Musterstadt (``koordination``)."""
    app = create_app(tmp_path / "web.sqlite", registry=REGISTRY)
    seed(app.state.store)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        assert login(c, "koordination").status_code == 303
        yield c
    app.state.store.close()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        yield c


def csrf(client: TestClient, url: str = "/frameworks/nzfh-qualitaetsrahmen/assess") -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(url).text)
    assert match
    return match.group(1)


def submit(client: TestClient, fields: dict[str, str]) -> httpx.Response:
    return client.post("/frameworks/nzfh-qualitaetsrahmen/assess", data={**fields, "csrf": csrf(client)})


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="(\w+)"', page)
    assert match, page[:200]
    return match.group(1)


# -- the language of a request ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de", ["de"]),
        ("en-US,en;q=0.9", ["en"]),
        ("de-AT, de;q=0.9, en;q=0.8", ["de", "en"]),
        ("fr-FR, fr;q=0.9, en;q=0.5, de;q=0.7", ["de", "en"]),  # q-values, not the order, decide
        ("en;q=0.1, de;q=0.9", ["de", "en"]),
        ("en, de", ["en", "de"]),  # equal q: the header's order
        ("de;q=0, *", ["en"]),  # q=0 refuses German; * is any other
        ("*", ["de", "en"]),
        ("en;q=nonsense, de;q=0.5", ["de"]),  # a malformed q-value drops that entry only
        ("en;q=2", []),
        ("fr, it", []),
        ("", []),
    ],
)
def test_accept_language_is_read_with_its_q_values(header: str, expected: list[str]) -> None:
    assert accepted_languages(header) == expected


@pytest.mark.parametrize(
    ("header", "lang"),
    [("de-DE,de;q=0.9", "de"), ("en-GB,en;q=0.9,de;q=0.8", "en"), ("fr, en;q=0.3, de;q=0.6", "de"), ("fr", "de"),
     (None, "de")],
)  # fmt: skip
def test_pages_follow_the_browser_and_default_to_german(client: TestClient, header: str | None, lang: str) -> None:
    headers = {"accept-language": header} if header is not None else {}
    page = client.get("/", headers=headers)
    assert html_lang(page.text) == lang and CHROME[lang] in page.text
    assert "Accept-Language" in page.headers["vary"]


def test_the_switch_sets_the_language_and_remembers_it(client: TestClient) -> None:
    page = client.get("/frameworks/nzfh-qualitaetsrahmen/assess?subject=musterstadt", headers={"accept-language": "de"})
    assert html_lang(page.text) == "de"
    # the switch: this page in the other language, its other parameters kept
    switch = re.search(r'<a href="([^"]+)" hreflang="en" lang="en">English</a>', page.text)
    assert switch and switch.group(1) == "/frameworks/nzfh-qualitaetsrahmen/assess?subject=musterstadt&amp;lang=en"
    english = client.get(switch.group(1).replace("&amp;", "&"), headers={"accept-language": "de"})
    assert html_lang(english.text) == "en" and "Self-assessment" in english.text
    assert "qf_lang=en" in english.headers["set-cookie"]
    # the choice is remembered over the browser's language, on every page
    for url in ("/", "/upload", "/frameworks/kqs"):
        assert html_lang(client.get(url, headers={"accept-language": "de"}).text) == "en", url
    assert html_lang(client.get("/?lang=de").text) == "de"
    assert html_lang(client.get("/", headers={"accept-language": "en"}).text) == "de"


def test_an_unknown_language_is_ignored(client: TestClient) -> None:
    page = client.get("/?lang=fr", headers={"accept-language": "en"})
    assert html_lang(page.text) == "en" and "qf_lang" not in page.headers.get("set-cookie", "")
    hostile = client.get("/", params={"lang": HOSTILE}, headers={"accept-language": HOSTILE})
    assert html_lang(hostile.text) == "de" and HOSTILE not in hostile.text
    client.cookies.set("qf_lang", "xx")
    assert html_lang(client.get("/", headers={"accept-language": "en"}).text) == "en"


def test_the_api_answers_tools_in_english_unless_asked(client: TestClient) -> None:
    key = client.app.state.store.new_api_key(client.app.state.store.accounts("musterstadt")[0].id)  # type: ignore[attr-defined]
    auth = {"authorization": f"Bearer {key}"}
    plain = client.get("/api/frameworks/nope", headers=auth).json()["problems"][0]["message"]
    assert plain == "unknown framework 'nope'"
    german = client.get("/api/frameworks/nope", headers={**auth, "accept-language": "de"}).json()["problems"][0]
    german = german["message"]
    assert german == "unbekannter Qualitätsrahmen „nope“"


# -- every page in both languages ---------------------------------------------------------------


def _stored(client: TestClient) -> None:
    assert submit(client, rater_fields("koordination", 6)).status_code == 303
    login(client, "hebamme")
    assert submit(client, rater_fields("hebamme", 1)).status_code == 303
    login(client, "koordination")
    assert submit(client, {**rater_fields("koordination", 5), "period": "2026"}).status_code == 303


PAGES = [
    "/",
    *(f"/frameworks/{f}" for f in REGISTRY.frameworks),
    *(f"/frameworks/{f}/assess" for f in REGISTRY.frameworks),
    "/upload",
    "/account",
    "/accounts",
    "/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025/versions",
    "/frameworks/nope",  # a problem page
    "/kommunen/nzfh-qualitaetsrahmen/musterstadt/1999",
    "/kommunen/nzfh-qualitaetsrahmen/kiel/2025",  # another Kommune's: refused
    "/nowhere",
]
REPORT_PAGES = [
    "/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025",
    "/kommunen/nzfh-qualitaetsrahmen/musterstadt/progress",
    "/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025/report.html",
]


def check(page: str, lang: str) -> None:
    assert html_lang(page) == lang
    assert other_language_words(page, lang) == []
    assert raw_provenance_kinds(page, lang) == []
    assert decimal_points(page, lang, VERSIONS) == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_page_speaks_one_language(tmp_path: Path, lang: str) -> None:
    with make_client(tmp_path) as client:
        _stored(client)
        for url in PAGES:
            page = client.get(url, headers={"accept-language": lang})
            assert page.status_code in (200, 403, 404), url
            assert CHROME[lang] in page.text, url
            check(page.text, lang)
            # the same page reached through the switch, whatever the browser says
            other = "en" if lang == "de" else "de"
            switched = client.get(url, params={"lang": lang}, headers={"accept-language": other})
            check(switched.text, lang)
            client.cookies.delete("qf_lang")


@pytest.mark.parametrize(
    ("url", "lang"),
    [
        (REPORT_PAGES[0], "de"),
        (REPORT_PAGES[2], "de"),
        (REPORT_PAGES[1], "de"),
        *((url, "en") for url in REPORT_PAGES),
    ],
)
def test_report_pages_speak_one_language(tmp_path: Path, url: str, lang: str) -> None:
    with make_client(tmp_path) as client:
        _stored(client)
        page = client.get(url, headers={"accept-language": lang})
        assert page.status_code == 200
        check(page.text, lang)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_web_tools_own_bar_over_a_report_speaks_one_language(client: TestClient, lang: str) -> None:
    _stored(client)
    for url in REPORT_PAGES[:2]:
        page = client.get(url, headers={"accept-language": lang}).text
        nav = page[page.index('<nav class="webtool"') : page.index("</nav>", page.index('class="lang-switch"')) + 6]
        assert CHROME[lang] in nav
        check(f'<html lang="{lang}">{nav}</html>', lang)
        assert html_lang(page) == lang  # the report itself is rendered in the page's language


@pytest.mark.parametrize("lang", ["de", "en"])
def test_problems_the_web_tool_words_are_in_the_pages_language(client: TestClient, lang: str) -> None:
    headers = {"accept-language": lang}
    client.get("/", headers=headers)
    expired = client.post("/frameworks/nzfh-qualitaetsrahmen/assess", data=rater_fields("k", 4), headers=headers)
    assert expired.status_code == 403 and ("abgelaufen" if lang == "de" else "expired") in expired.text
    token = csrf(client, "/upload")
    empty = client.post("/upload", data={"csrf": token}, headers=headers)
    too_big = client.post(
        "/frameworks/nzfh-qualitaetsrahmen/assess", data={"csrf": token, "x.comment": "a" * 1_000_001}, headers=headers
    )
    assert too_big.status_code == 413 and "1 MB" in too_big.text
    for page in (expired, empty, too_big):
        assert page.status_code in (403, 413, 422)
        check(page.text, lang)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_pages_with_the_librarys_problems_speak_one_language(client: TestClient, lang: str) -> None:
    headers = {"accept-language": lang}
    form = client.post(
        "/frameworks/nzfh-qualitaetsrahmen/assess",
        data={**rater_fields("Koordination", 9), "csrf": csrf(client)},
        headers=headers,
    )
    bad = dumps(sample_assessment(NZFH)).replace('period = "2025"', "period = 2025")
    upload = client.post(
        "/upload", data={"csrf": csrf(client, "/upload")}, files={"file": ("b.toml", bad.encode())}, headers=headers
    )
    for page in (form, upload):
        assert page.status_code == 422
        check(page.text, lang)


# -- provenance, content, numbers -------------------------------------------------------------------


LABELS = {
    "de": ["wörtlich zitiert (Quelle)", "sinngemäß nach der Quelle", "erschlossen (Lesart des Plugins)",
           "vom Plugin formuliert (keine Quelle)"],
    "en": ["quoted verbatim (source)", "paraphrased from the source", "inferred (the plugin's reading)",
           "written by the plugin (no source)"],
}  # fmt: skip


@pytest.mark.parametrize("lang", ["de", "en"])
def test_provenance_is_shown_by_its_label(client: TestClient, lang: str) -> None:
    with language(lang):
        assert [provenance_label(k) for k in ("quoted", "paraphrased", "inferred", "authored")] == LABELS[lang]
    kinds = {
        i.provenance.kind for fw in REGISTRY.frameworks.values() for d in fw.dimensions for i in d.indicators
        if i.provenance is not None
    }  # fmt: skip
    shown = ""
    for fw in REGISTRY.frameworks:
        shown += client.get(f"/frameworks/{fw}", headers={"accept-language": lang}).text
    shown = shown.replace("&#39;", "'")
    for kind, label in zip(("quoted", "paraphrased", "inferred", "authored"), LABELS[lang], strict=True):
        assert (f'class="tag provenance">{label}<' in shown) == (kind in kinds), kind
    form = client.get("/frameworks/nzfh-qualitaetsrahmen/assess", headers={"accept-language": lang}).text
    kind = NZFH.indicator(INDICATORS[0]).provenance.kind  # type: ignore[union-attr]
    label = LABELS[lang][("quoted", "paraphrased", "inferred", "authored").index(kind)]
    assert f'<span class="tag provenance">{label}</span>' in form.replace("&#39;", "'")


def test_untranslated_content_is_shown_as_the_original_and_marked_once(client: TestClient) -> None:
    page = client.get("/frameworks/sgb8-79a", headers={"accept-language": "en"}).text
    fw = REGISTRY.frameworks["sgb8-79a"]
    first = fw.dimensions[0].indicators[0]
    assert not first.translations.get("en")  # the plugin gives this indicator in German only
    assert f'<span class="original" lang="de">{first.title}</span>' in page
    assert page.count("have no translation") == 1
    translated = client.get("/frameworks/nzfh-qualitaetsrahmen/assess", headers={"accept-language": "en"}).text
    assert NZFH.dimensions[0].translations["en"].title in translated
    assert "have no translation" not in client.get("/frameworks/sgb8-79a", headers={"accept-language": "de"}).text


def test_ids_are_shown_with_their_titles(client: TestClient) -> None:
    _stored(client)
    for lang in ("de", "en"):
        index = client.get("/", headers={"accept-language": lang}).text
        row = index[index.index("/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025") :].split("</tr>")[0]
        title = NZFH.translations["en"].title if lang == "en" else NZFH.title
        assert title in row and ">nzfh-qualitaetsrahmen<" not in row


def test_numbers_follow_the_language(client: TestClient) -> None:
    with language("de"):
        assert [format_number(0.5), format_number(5), format_number(1234.5)] == ["0,5", "5", "1.234,5"]
    with language("en"):
        assert [format_number(0.5), format_number(5), format_number(1234.5)] == ["0.5", "5", "1,234.5"]
    _stored(client)
    german = client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025", headers={"accept-language": "de"}).text
    english = client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025", headers={"accept-language": "en"}).text
    assert "<b>0,50</b>" in german and "<b>0.50</b>" in english


# -- safety ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_hostile_name_stays_escaped_in_both_languages(client: TestClient, lang: str) -> None:
    fields = {**rater_fields("koordination", 4), "rater.role": HOSTILE, "rater.name": HOSTILE}
    assert submit(client, fields).status_code == 303
    for url in ("/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025?names=1",):
        page = client.get(url, params={"lang": lang}).text
        assert html_lang(page) == lang
        assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # a hostile query parameter travels into the switch's links only escaped
    page = client.get("/", params={"lang": lang, "x": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in page and "x=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E" in page


def test_parallel_requests_keep_their_own_language(tmp_path: Path) -> None:
    """The language is a ContextVar set per request: requests interleaved on one event loop never mix."""
    app = create_app(tmp_path / "web.sqlite", registry=REGISTRY)
    seed(app.state.store)

    async def run() -> list[tuple[str, httpx.Response]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
            form = {
                "csrf": csrf_of((await client.get("/login")).text),
                "username": "koordination",
                "password": PASSWORD,
            }
            assert (await client.post("/login", data=form)).status_code == 303
            token = csrf_of((await client.get("/upload")).text)

            async def one(lang: str) -> tuple[str, httpx.Response]:
                fields = {**rater_fields("koordination", 9), "csrf": token}
                response = await client.post(
                    "/frameworks/nzfh-qualitaetsrahmen/assess", data=fields, headers={"accept-language": lang}
                )
                return lang, response

            return await asyncio.gather(*(one("de" if i % 2 else "en") for i in range(20)))

    for lang, response in asyncio.run(run()):
        assert response.status_code == 422 and html_lang(response.text) == lang
        assert CHROME[lang] in response.text and CHROME["en" if lang == "de" else "de"] not in response.text


# -- the catalogue --------------------------------------------------------------------------------


def _web_messages() -> list[str | tuple[str, str]]:
    from babel.messages.extract import extract_from_dir

    keywords = {"_": None, "gettext": None, "gettext_": None, "ngettext": (1, 2)}
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    return [
        message if isinstance(message, str) else (message[0], message[1])
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(WEB), method_map=method_map, options_map=options, keywords=keywords
        )
    ]


def test_every_web_message_has_a_german_translation_with_its_placeholders() -> None:
    from babel.messages.pofile import read_po

    with PO.open("rb") as fh:
        catalogue = read_po(fh, locale="de")
    messages = _web_messages()
    assert len(messages) > 50  # the extraction found the templates
    problems = []
    for msgid in messages:
        key = msgid if isinstance(msgid, str) else msgid[0]
        entry = catalogue.get(key)
        strings = () if entry is None else entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry is None or entry.fuzzy or not strings or not all(s.strip() for s in strings):
            problems.append(("missing", msgid))
            continue
        wanted = set(re.findall(r"\{(\w+)\}|%\((\w+)\)s", key))
        if any(set(re.findall(r"\{(\w+)\}|%\((\w+)\)s", s)) != wanted for s in strings):
            problems.append(("placeholders", msgid))
    assert problems == []


def test_the_templates_have_no_untranslated_words() -> None:
    """Every word a template shows goes through the catalogue: outside tags, expressions and statements,
    a template has only punctuation (and the product name)."""
    for template in sorted((WEB / "templates").glob("*.html")):
        text = template.read_text(encoding="utf-8")
        text = re.sub(r"\{% trans .*?\{% endtrans %\}", " ", text, flags=re.S)  # a message of its own
        text = re.sub(r"<style>.*?</style>|\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<[^>]*>", " ", text, flags=re.S)
        words = set(re.findall(r"[^\W\d_]{2,}", text)) - {"qframework", "API"}
        assert words == set(), (template.name, words)


def test_the_checker_finds_what_it_is_for() -> None:
    """The checker is not vacuous: it finds each kind of fault and skips only what is marked."""
    page = '<html lang="de"><p>Übersicht: {}</p></html>'
    assert other_language_words(page.format("Upload the spreadsheet"), "de") == ["the", "upload"]
    assert other_language_words(page.format('<span lang="en">Upload a file</span>'), "de") == []
    assert other_language_words(page.format('<code translate="no">upload</code>'), "de") == []
    english = '<html lang="en"><p>Overview: {}</p></html>'
    assert other_language_words(english.format("Datei hochladen"), "en") == ["datei", "hochladen"]
    assert other_language_words(english.format('<i lang="de" class="original">Datei hochladen</i>'), "en") == []
    assert raw_provenance_kinds(english.format('<span class="tag">authored</span>'), "en") == ["authored"]
    assert raw_provenance_kinds(page.format("Text: paraphrased"), "de") == ["paraphrased"]
    assert raw_provenance_kinds(english.format("paraphrased from the source"), "en") == []
    assert decimal_points(page.format("Mittelwert 2.35, am 29.08.2018, 1.000 Kommunen, 0,5"), "de") == ["2.35"]
    assert decimal_points(english.format("mean 2.35"), "en") == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_error_page_of_a_bug_is_in_the_pages_language(tmp_path: Path, lang: str) -> None:
    """A bug's page comes from Starlette's outermost handler, outside the language middleware."""
    app = create_app(tmp_path / "web.sqlite", registry=REGISTRY)
    seed(app.state.store)

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        login(client, "koordination")
        app.state.store.assessed = broken
        page = client.get("/", headers={"accept-language": lang})
    assert page.status_code == 500 and "a bug" not in page.text and "Traceback" not in page.text
    assert ("Serverprotokoll" if lang == "de" else "server log") in page.text
    check(page.text, lang)


@pytest.mark.parametrize(("lang", "template", "report"), [("de", "vorlage", "bericht"), ("en", "template", "report")])
def test_downloads_are_named_in_the_pages_language(client: TestClient, lang: str, template: str, report: str) -> None:
    _stored(client)
    headers = {"accept-language": lang}
    workbook = client.get("/frameworks/nzfh-qualitaetsrahmen/template.xlsx", headers=headers)
    assert f'filename="nzfh-qualitaetsrahmen-{template}.xlsx"' in workbook.headers["content-disposition"]
    html = client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025/report.html", headers=headers)
    assert f'filename="musterstadt-{report}.html"' in html.headers["content-disposition"]
    assert html_lang(html.text) == lang
