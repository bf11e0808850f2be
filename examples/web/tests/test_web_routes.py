"""Every page and API endpoint through the test client, with good and bad input, on SQLite and PostgreSQL.

The test database holds the directory and accounts of :mod:`web_fixtures`: Musterstadt with its
coordinator ``koordination`` and raters ``hebamme`` and ``eltern``, Kiel with its own, and the
coordination office ``office``. The client is logged in as ``koordination`` unless a test says otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from qframework_web import create_app
from qframework_web.app import MAX_BODY
from web_fixtures import INDICATORS, NZFH, REGISTRY, csrf_of, login, rater_fields, seed

from qframework import dumps, io, score
from qframework.assessment import Assessment
from qframework.excel import loads_assessment_xlsx
from qframework.template import sample_assessment

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
SCORECARD = "/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025"


class Client(TestClient):
    keys: dict[str, str]

    def api(self, user: str) -> dict[str, str]:
        """The headers of an API call with ``user``'s key."""
        return {"authorization": f"Bearer {self.keys[user]}", "content-type": "application/json"}


@pytest.fixture
def client(db_url: str) -> Iterator[Client]:
    app = create_app(db_url, registry=REGISTRY)
    with Client(app, raise_server_exceptions=False, follow_redirects=False) as c:
        c.keys = seed(app.state.store)
        assert login(c, "koordination").status_code == 303
        yield c
    app.state.store.close()


def csrf(client: TestClient, url: str = "/frameworks/nzfh-qualitaetsrahmen/assess") -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


def submit(client: TestClient, fields: dict[str, str]) -> Any:
    return client.post("/frameworks/nzfh-qualitaetsrahmen/assess", data={**fields, "csrf": csrf(client)})


def submit_as(client: TestClient, user: str, value: int, **fields: str) -> Any:
    assert login(client, user).status_code == 303
    return submit(client, {**rater_fields(user, value), **fields})


def current(client: TestClient, url: str = SCORECARD) -> Assessment:
    return io.loads(Assessment, client.get(f"{url}/assessment.toml?names=1").text)


# -- pages and forms ----------------------------------------------------------------------------


def test_pages_list_frameworks_and_show_provenance(client: Client) -> None:
    index = client.get("/")
    assert index.status_code == 200 and NZFH.title in index.text and "qdfh-2019" in index.text
    page = client.get("/frameworks/nzfh-qualitaetsrahmen")
    assert page.status_code == 200
    assert all(d.title in page.text for d in NZFH.dimensions) and "vom Plugin formuliert (keine Quelle)" in page.text
    assert "authored" not in page.text


def test_the_form_has_every_indicator_and_picks_the_kommune_from_the_directory(client: Client) -> None:
    page = client.get("/frameworks/nzfh-qualitaetsrahmen/assess").text
    for ind in INDICATORS:
        assert f'name="{ind}.rating"' in page and f'name="{ind}.evidence"' in page
    assert "stimme gar nicht zu" in page and "nicht zutreffend" in page
    # a coordinator's form offers their own Kommune only, as a choice: never a typed id
    assert re.search(r'<select id="f-subject.id" name="subject.id"[^>]*>\s*<option value="musterstadt" selected>', page)
    assert 'value="kiel"' not in page and 'name="subject.name"' not in page
    login(client, "office")
    admin = client.get("/frameworks/nzfh-qualitaetsrahmen/assess").text
    assert all(f'<option value="{k}" >' in admin for k in ("kiel", "musterstadt"))


def test_two_raters_submit_and_the_scorecard_shows_both(client: Client) -> None:
    assert submit_as(client, "koordination", 6).status_code == 303
    response = submit_as(client, "hebamme", 1)
    assert response.headers["location"] == SCORECARD
    login(client, "koordination")
    page = client.get(SCORECARD)
    assert page.status_code == 200 and "<svg" in page.text and "Musterstadt" in page.text
    assert "<b>0,50</b>" in page.text  # 6 and 1 on a 1..6 scale: mean 3.5, normalised 0.5
    a = current(client)
    assert sorted(r.id for r in a.raters) == ["hebamme", "koordination"] and len(a.ratings) == 2 * len(INDICATORS)
    assert score(a, NZFH).overall == pytest.approx(0.5)
    report = client.get(f"{SCORECARD}/report.html")
    assert "attachment" in report.headers["content-disposition"] and "<svg" in report.text
    api = client.get("/api/assessments", headers=client.api("koordination")).json()
    assert api == [
        {"framework_id": "nzfh-qualitaetsrahmen", "subject_id": "musterstadt", "subject_name": "Musterstadt",
         "period": "2025", "parts": 2}
    ]  # fmt: skip


def test_the_kommune_name_comes_from_the_directory_never_the_form(client: Client) -> None:
    submit(client, {**rater_fields("koordination", 4), "subject.name": "Falschstadt"})
    assert current(client).subject.name == "Musterstadt"


def test_a_resubmission_is_a_new_version_and_an_old_one_can_be_restored(client: Client) -> None:
    submit_as(client, "koordination", 6)
    submit_as(client, "hebamme", 1)
    submit_as(client, "hebamme", 6)
    prefilled = client.get("/frameworks/nzfh-qualitaetsrahmen/assess?subject=musterstadt&period=2025")
    assert prefilled.text.count('value="6" selected') == len(INDICATORS)  # the rater's own newest answers
    login(client, "koordination")
    a = current(client)
    assert {r.value for r in a.ratings} == {6} and len(a.ratings) == 2 * len(INDICATORS)
    page = client.get(f"{SCORECARD}/versions")
    assert page.status_code == 200
    rows = re.findall(r'<tr data-version="(\d+)"><td>\d+</td><td translate="no">([^<]*)</td>', page.text)
    assert [r for _v, r in rows] == ["hebamme", "hebamme", "koordination"]  # newest first; nothing lost
    assert page.text.count("<strong>aktuell</strong>") == 2
    old = rows[1][0]  # hebamme's first version, rated 1
    restored = client.post(f"/versions/{old}/restore", data={"csrf": csrf_of(page.text)})
    assert restored.status_code == 303 and restored.headers["location"] == f"{SCORECARD}/versions"
    a = current(client)
    assert {r.value for r in a.ratings if r.rater == "hebamme"} == {1}
    assert {r.value for r in a.ratings if r.rater == "koordination"} == {6}
    after = client.get(f"{SCORECARD}/versions").text
    assert after.count("<tr data-version=") == 4 and f"wiederhergestellt aus #{old}" in after


def test_form_problems_are_shown_next_to_their_fields(client: Client) -> None:
    response = submit(client, rater_fields("koordination", 9))
    assert response.status_code == 422
    assert re.search(rf'data-field="{INDICATORS[0]}.rating">9 ist kein Wert der Skala', response.text)
    assert client.get("/api/assessments", headers=client.api("koordination")).json() == []


@pytest.mark.parametrize("value", ["²", "--1", "9" * 5000, "1e3", " ", "٣"])
def test_odd_rating_values_are_problems_never_a_crash(client: Client, value: str) -> None:
    response = submit(client, {**rater_fields("koordination", 4), f"{INDICATORS[0]}.rating": value})
    assert response.status_code == 422 if value.strip() else 303
    if value.strip():
        assert f'data-field="{INDICATORS[0]}.rating">' in response.text and "9" * 100 not in response.text


def test_huge_numbers_in_a_document_are_problems(client: Client) -> None:
    doc = json.loads(dumps(sample_assessment(NZFH, subject="musterstadt"), format="json"))
    body = json.dumps(doc).replace('"value": 5', '"value": ' + "9" * 5000, 1).encode()
    response = client.post("/api/score", content=body, headers=client.api("koordination"))
    assert 400 <= response.status_code < 500 and response.json()["problems"]


@pytest.mark.parametrize("period", ["2025/26", "../2024", "2025\n", "x" * 40])
def test_a_period_that_is_not_an_id_is_refused_everywhere(client: Client, period: str) -> None:
    response = submit(client, {**rater_fields("koordination", 4), "period": period})
    assert response.status_code == 422 and 'data-field="period"' in response.text
    a = sample_assessment(NZFH, subject="musterstadt", period=period)
    api = client.post("/api/assessments", content=dumps(a, format="json"), headers=client.api("koordination"))
    assert api.status_code == 422 and api.json()["problems"][0]["path"] == "period"
    up = client.post("/upload", data={"csrf": csrf(client, "/upload")}, files={"file": ("a.toml", dumps(a).encode())})
    assert up.status_code == 422
    assert client.get("/api/assessments", headers=client.api("koordination")).json() == []


def test_forms_need_the_sessions_own_csrf_token(client: Client) -> None:
    response = client.post("/frameworks/nzfh-qualitaetsrahmen/assess", data=rater_fields("koordination", 4))
    assert response.status_code == 403 and "abgelaufen" in response.text
    forged = client.post("/frameworks/nzfh-qualitaetsrahmen/assess", data={**rater_fields("k", 4), "csrf": "x" * 43})
    assert forged.status_code == 403
    # the old double-submit attack: a cookie and a field that are merely equal
    client.cookies.set("qf_csrf", "x" * 43)
    assert client.post("/frameworks/nzfh-qualitaetsrahmen/assess", data={**rater_fields("k", 4), "csrf": "x" * 43}
                       ).status_code == 403  # fmt: skip
    assert client.post("/upload", files={"file": ("a.toml", b"")}).status_code == 403
    # a token of another session (another browser) is no good here either
    with TestClient(client.app, follow_redirects=False) as other:
        login(other, "koordination")
        foreign = csrf(other)
    assert (
        submit.__name__
        and client.post(
            "/frameworks/nzfh-qualitaetsrahmen/assess", data={**rater_fields("koordination", 4), "csrf": foreign}
        ).status_code
        == 403
    )
    assert client.get("/api/assessments", headers=client.api("koordination")).json() == []


def test_hostile_names_are_shown_as_text(client: Client) -> None:
    login(client, "office")
    token = csrf(client, "/admin/kommunen")
    added = client.post("/admin/kommunen", data={"csrf": token, "name": HOSTILE, "id": "boese"})
    assert added.status_code == 303
    fields = {**rater_fields("office", 4, subject="boese"), "rater.role": HOSTILE, "rater.name": HOSTILE}
    assert submit(client, fields).status_code == 303
    for url in ("/", "/admin/kommunen", "/kommunen/nzfh-qualitaetsrahmen/boese/2025?names=1",
                "/kommunen/nzfh-qualitaetsrahmen/boese/2025/versions", "/accounts"):  # fmt: skip
        page = client.get(url).text
        assert HOSTILE not in page and ESCAPED in page, url
    response = submit(client, {**rater_fields("office", 4, subject="boese"), f"{INDICATORS[0]}.rating": HOSTILE})
    assert response.status_code == 422 and HOSTILE not in response.text


def test_rater_names_are_shown_only_to_those_allowed_and_only_when_asked(client: Client) -> None:
    submit_as(client, "hebamme", 4, **{"rater.name": "Hanna Hebamme"})
    submit_as(client, "eltern", 5, **{"rater.name": "Erika Eltern"})
    own = client.get(SCORECARD).text  # a rater: their own part, their own name, nobody else's
    assert "Erika Eltern" in own and "Hanna Hebamme" not in own and "hebamme" not in own.split("<body>", 1)[1]
    assert "Hanna" not in client.get(f"{SCORECARD}?names=1").text
    login(client, "koordination")
    for url in (SCORECARD, f"{SCORECARD}/report.html", f"{SCORECARD}/assessment.toml"):
        assert "Hanna Hebamme" not in client.get(url).text, url
        assert "Hanna Hebamme" in client.get(f"{url}?names=1").text, url
    assert "Hanna" not in client.get("/api/assessments/nzfh-qualitaetsrahmen/musterstadt/2025",
                                     headers=client.api("koordination")).text  # fmt: skip


def test_uploads_of_toml_and_xlsx(client: Client) -> None:
    login(client, "office")
    a = sample_assessment(NZFH, subject="hochladen")
    token = csrf(client, "/upload")
    ok = client.post("/upload", data={"csrf": token}, files={"file": ("a.toml", dumps(a).encode())})
    assert ok.status_code == 303 and ok.headers["location"] == "/kommunen/nzfh-qualitaetsrahmen/hochladen/2025"
    again = client.post("/upload", data={"csrf": token}, files={"file": ("a.toml", dumps(a).encode())})
    assert again.status_code == 303
    assert len(client.get("/kommunen/nzfh-qualitaetsrahmen/hochladen/2025/versions").text.split("data-version=")) == 7
    workbook = client.get("/frameworks/nzfh-qualitaetsrahmen/template.xlsx?rater=koordination&subject=xl")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    blank = loads_assessment_xlsx(workbook.content, registry=REGISTRY)
    assert blank.subject.id == "xl" and blank.raters[0].id == "koordination"
    broken = client.post("/upload", data={"csrf": token}, files={"file": ("kaputt.xlsx", b"PK\x03\x04 not a zip")})
    assert broken.status_code == 422 and "keine Excel-Arbeitsmappe" in broken.text  # the page's German
    bad = dumps(a).replace('period = "2025"', "period = 2025")
    response = client.post("/upload", data={"csrf": token}, files={"file": ("b.toml", bad.encode())})
    assert response.status_code == 422 and '<td class="where" translate="no">period</td>' in response.text
    unknown = dumps(sample_assessment(NZFH, subject="nirgendwo")).encode()
    response = client.post("/upload", data={"csrf": token}, files={"file": ("c.toml", unknown)})
    assert response.status_code == 422 and "nicht im Verzeichnis" in response.text


def test_bodies_over_the_limit_are_refused(client: Client) -> None:
    token = csrf(client)
    response = client.post(
        "/frameworks/nzfh-qualitaetsrahmen/assess", data={"csrf": token, "x.comment": "a" * (MAX_BODY + 1)}
    )
    assert response.status_code == 413
    api = client.post("/api/score", content=b"{" + b" " * MAX_BODY + b"}", headers=client.api("koordination"))
    assert api.status_code == 413 and api.json()["problems"][0]["message"].startswith("request body too large")


def test_paths_never_reach_the_file_system(client: Client) -> None:
    for url in ("/frameworks/..%2F..%2Fetc%2Fpasswd", "/kommunen/nzfh-qualitaetsrahmen/..%2F..%2Fetc/2025",
                "/frameworks/nzfh-qualitaetsrahmen/../../pyproject.toml", "/static/../../etc/passwd"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404 and "root:" not in response.text


def test_the_api_takes_and_gives_library_documents(client: Client) -> None:
    headers = client.api("office")
    frameworks = client.get("/api/frameworks", headers=headers).json()
    assert {f["id"] for f in frameworks} == set(REGISTRY.frameworks)
    doc = client.get("/api/frameworks/nzfh-qualitaetsrahmen", headers=headers)
    assert io.loads(type(NZFH), doc.text, format="json") == NZFH
    a = sample_assessment(NZFH)
    scored = client.post("/api/score", content=dumps(a, format="json"), headers=headers)
    assert scored.status_code == 200 and scored.json() == json.loads(dumps(score(a, NZFH), format="json"))
    stored = client.post("/api/assessments", content=dumps(a, format="json"), headers=headers)
    assert stored.status_code == 201 and stored.json()["parts"] == 3
    back = client.get("/api/assessments/nzfh-qualitaetsrahmen/beispiel-kommune/2025", headers=headers)
    assert score(io.loads(Assessment, back.text, format="json"), NZFH) == score(a, NZFH)
    kommunen = client.get("/api/kommunen", headers=client.api("hebamme")).json()
    assert kommunen == [{"id": "musterstadt", "name": "Musterstadt", "regionalschluessel": None, "latitude": None,
                         "longitude": None}]  # fmt: skip


def test_the_api_needs_a_valid_key(client: Client) -> None:
    for headers in ({}, {"authorization": "Bearer qfk_wrong"}, {"authorization": client.keys["office"]}):
        response = client.get("/api/frameworks", headers=headers)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer", headers
    # a session cookie is not an API key
    assert client.get("/api/assessments").status_code == 401
    # a new key replaces the old one; only its hash is stored
    page = client.post("/account/api-key", data={"csrf": csrf(client, "/account")})
    key = re.search(r'id="api-key" translate="no">(qfk_[^<]+)<', page.text)
    assert key
    assert client.get("/api/frameworks", headers={"authorization": f"Bearer {key.group(1)}"}).status_code == 200
    assert client.get("/api/frameworks", headers=client.api("koordination")).status_code == 401
    export = json.dumps(client.app.state.store.export())  # type: ignore[attr-defined]
    assert key.group(1) not in export


def test_the_api_answers_bad_input_with_problems_as_json(client: Client) -> None:
    headers = client.api("office")
    for body, status, path in (
        (b"not json", 422, ""),
        (b'{"framework_id": "nzfh-qualitaetsrahmen"}', 422, "framework_version"),
        (b"[]", 422, ""),
    ):
        response = client.post("/api/score", content=body, headers=headers)
        assert response.status_code == status, body
        problems = response.json()["problems"]
        assert problems and (not path or path in [p["path"] for p in problems])
    plain = client.post(
        "/api/assessments", content=dumps(sample_assessment(NZFH), format="json"),
        headers={"authorization": headers["authorization"]},
    )  # fmt: skip
    assert plain.status_code == 415
    missing = client.get("/api/frameworks/nope", headers=headers).json()["problems"][0]["message"]
    assert missing.startswith("unknown framework 'nope'")
    assert client.get("/api/assessments/nzfh-qualitaetsrahmen/nobody/2025", headers=headers).status_code == 404


def test_the_openapi_document_carries_the_library_schemas(client: Client) -> None:
    doc = client.get("/api/openapi.json").json()
    body = doc["paths"]["/api/score"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/qframework-assessment"}
    schemas = doc["components"]["schemas"]
    assert "Rating" in schemas and "qframework-scorecard" in schemas
    assert "#/$defs/" not in json.dumps(doc)
    assert doc["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer" and doc["security"] == [{"apiKey": []}]


def test_progress_over_periods(client: Client) -> None:
    submit(client, rater_fields("koordination", 3))
    assert client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/progress").status_code == 404
    submit(client, {**rater_fields("koordination", 5), "period": "2026"})
    page = client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/progress")
    assert page.status_code == 200 and "2025" in page.text and "2026" in page.text and "<svg" in page.text


# -- the directory ------------------------------------------------------------------------------


def test_the_office_adds_kommunen_with_ids_from_their_names(client: Client) -> None:
    login(client, "office")
    token = csrf(client, "/admin/kommunen")
    form = {"csrf": token, "name": "Landkreis Gießen", "regionalschluessel": "065310000000", "latitude": "50,58",
            "longitude": "8.67"}  # fmt: skip
    assert client.post("/admin/kommunen", data=form).status_code == 303
    page = client.get("/admin/kommunen").text
    assert 'translate="no">landkreis-giessen</td>' in page and "065310000000" in page and "50,58" in page
    again = client.post("/admin/kommunen", data=form)
    assert again.status_code == 422 and "landkreis-giessen" in again.text
    bad = client.post("/admin/kommunen", data={**form, "name": "Lüneburg", "regionalschluessel": "12", "latitude": "x"})
    assert (
        bad.status_code == 422 and 'data-field="regionalschluessel"' in bad.text and 'data-field="latitude"' in bad.text
    )
    kommunen = client.get("/api/kommunen", headers=client.api("office")).json()
    assert "landkreis-giessen" in {k["id"] for k in kommunen} and "lueneburg" not in {k["id"] for k in kommunen}


# -- accounts, login, invitations --------------------------------------------------------------


def test_pages_need_a_login(client: Client) -> None:
    client.post("/logout", data={"csrf": csrf(client, "/account")})
    for url in ("/", SCORECARD, "/frameworks/nzfh-qualitaetsrahmen/assess", "/upload", "/accounts"):
        response = client.get(url)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), url
    for evil in ("//evil.example/", "/\t/evil.example/", "https://evil.example/", "/\\evil.example"):
        assert 'name="next" value="/"' in client.get("/login", params={"next": evil}).text, evil
    assert 'name="next" value="/upload?lang=en"' in client.get("/login", params={"next": "/upload?lang=en"}).text


def test_a_wrong_password_is_refused_and_logins_are_rate_limited(client: Client) -> None:
    client.cookies.clear()
    for _ in range(5):
        assert login(client, "hebamme", "falsch-falsch").status_code == 401
    # the sixth attempt waits, even with the right password
    limited = login(client, "hebamme")
    assert limited.status_code == 429 and "Viertelstunde" in limited.text
    assert login(client, "eltern").status_code == 303  # another user of the same address is not locked out


def test_sessions_are_signed_and_expire(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    import base64
    import time

    from itsdangerous import TimestampSigner

    assert client.get("/").status_code == 200
    secret = client.app.state.store.secret()  # type: ignore[attr-defined]

    def cookie(payload: dict[str, Any], key: str) -> str:
        data = base64.b64encode(json.dumps(payload).encode())
        return TimestampSigner(key).sign(data).decode()

    account = client.app.state.store.accounts("musterstadt")[0]  # type: ignore[attr-defined]
    client.cookies.set("qf_session", cookie({"uid": account.id, "t": 1_000_000_000, "csrf": "x" * 43}, secret))
    assert client.get("/").status_code == 303  # logged in years ago: over
    client.cookies.set("qf_session", cookie({"uid": account.id, "t": 4_000_000_000, "csrf": "x" * 43}, "guess"))
    assert client.get("/").status_code == 303  # not signed by this server
    fresh = {"uid": account.id, "t": int(time.time()), "csrf": "x" * 43}
    client.cookies.set("qf_session", cookie(fresh, secret))
    assert client.get("/").status_code == 200  # the forging works: a fresh session of this server is good
    with monkeypatch.context() as m:  # signed three hours ago, unused since: over (idle for more than 2 hours)
        m.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 3 * 3600)
        client.cookies.set("qf_session", cookie(fresh, secret))
    assert client.get("/").status_code == 303


def test_an_invitation_makes_a_rater_of_the_kommune_once(client: Client) -> None:
    page = client.get("/accounts")
    assert '<option value="coordinator">' not in page.text  # coordinators invite raters only
    made = client.post("/invitations", data={"csrf": csrf_of(page.text), "role": "rater", "kommune": "musterstadt"})
    link = re.search(r'id="invitation" translate="no">http://testserver(/invite/[^<]+)<', made.text)
    assert made.status_code == 200 and link
    assert client.post("/invitations", data={"csrf": csrf_of(page.text), "role": "rater", "kommune": "kiel"}
                       ).status_code == 403  # fmt: skip
    assert client.post("/invitations", data={"csrf": csrf_of(page.text), "role": "coordinator",
                                             "kommune": "musterstadt"}).status_code == 403  # fmt: skip
    client.cookies.clear()
    form = client.get(link.group(1))
    assert form.status_code == 200 and "Musterstadt" in form.text
    fields = {"csrf": csrf_of(form.text), "username": "hebamme", "name": "Neu", "password": "kurz", "password2": "x"}
    taken = client.post(link.group(1), data=fields)
    assert taken.status_code == 422 and 'data-field="password"' in taken.text
    fields.update(password="ein-langes-passwort", password2="ein-langes-passwort")
    taken = client.post(link.group(1), data=fields)
    assert taken.status_code == 422 and "vergeben" in taken.text  # the invitation is still good after that
    created = client.post(link.group(1), data={**fields, "username": "familienhebamme", "name": HOSTILE})
    account = client.get("/account").text
    assert created.status_code == 303 and "familienhebamme" in account
    assert HOSTILE not in account and ESCAPED in account
    assert submit(client, rater_fields("familienhebamme", 4)).status_code == 303
    client.cookies.clear()
    assert client.get(link.group(1)).status_code == 404  # used
    assert login(client, "familienhebamme", "ein-langes-passwort").status_code == 303
    store = client.app.state.store  # type: ignore[attr-defined]
    expired = store.invite("rater", "musterstadt", "koordination", days=0)
    assert client.get(f"/invite/{expired}").status_code == 404


def test_create_admin_from_the_command_line(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import io as _io

    from qframework_web.__main__ import main

    monkeypatch.setattr("sys.stdin", _io.StringIO("ein-sicheres-passwort\n"))
    assert main(["create-admin", "--db", db_url, "--username", "buero", "--password-stdin"]) == 0
    app = create_app(db_url, registry=REGISTRY)
    with TestClient(app, follow_redirects=False) as c:
        assert login(c, "buero", "ein-sicheres-passwort").status_code == 303
        assert c.get("/admin/kommunen").status_code == 200
    app.state.store.close()
    monkeypatch.setattr("sys.stdin", _io.StringIO("kurz\n"))
    with pytest.raises(SystemExit):
        main(["create-admin", "--db", db_url, "--username", "zweiter", "--password-stdin"])


# -- export and import -----------------------------------------------------------------------------


def test_export_then_import_into_an_empty_database_gives_the_same_scorecards(
    client: Client, db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from qframework_web.__main__ import main

    submit_as(client, "hebamme", 2)
    submit_as(client, "hebamme", 5)
    submit_as(client, "eltern", 6, period="2026")
    login(client, "office")
    body = client.post("/api/assessments", content=dumps(sample_assessment(NZFH), format="json"),
                       headers=client.api("office"))  # fmt: skip
    assert body.status_code == 201
    exported = client.get("/admin/export")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    dump = tmp_path / "export.json"
    dump.write_bytes(exported.content)
    if db_url.startswith("postgresql"):
        empty = request.getfixturevalue("postgres").new_database()
    else:
        empty = str(tmp_path / "empty.sqlite")
    assert main(["import", "--db", empty, str(dump)]) == 0
    with pytest.raises(SystemExit):  # only into an empty database
        main(["import", "--db", empty, str(dump)])
    from qframework_web.store import Store

    old, new = client.app.state.store, Store(empty)  # type: ignore[attr-defined]
    try:
        assert new.assessed() == old.assessed() and len(new.assessed()) == 3
        for k in old.assessed():
            a, b = old.combined(k.framework_id, k.subject_id, k.period), new.combined(k.framework_id, k.subject_id,
                                                                                        k.period)  # fmt: skip
            assert a is not None and b == a and score(b, NZFH) == score(a, NZFH)
            assert new.versions(k.framework_id, k.subject_id, k.period) == old.versions(
                k.framework_id, k.subject_id, k.period
            )
        assert new.directory() == old.directory()
        assert new.restore(1, "office") > max(v["id"] for v in json.loads(dump.read_text())["versions"])
    finally:
        new.close()


def test_a_database_of_the_first_version_is_upgraded(tmp_path: Path) -> None:
    import sqlite3

    from qframework_web.store import Store

    path = tmp_path / "old.sqlite"
    part = sample_assessment(NZFH, subject="altstadt")
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE submissions (framework_id TEXT NOT NULL, subject_id TEXT NOT NULL, period TEXT NOT NULL, "
        "rater TEXT NOT NULL, framework_version TEXT NOT NULL, subject_name TEXT NOT NULL, document TEXT NOT NULL, "
        "PRIMARY KEY (framework_id, subject_id, period, rater))"
    )
    db.execute("INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?)",
               (NZFH.id, "altstadt", "2025", "", NZFH.version, "Altstadt", dumps(part, format="json")))  # fmt: skip
    db.commit()
    db.close()
    store = Store(path)
    try:
        assert store.combined(NZFH.id, "altstadt", "2025") == part
        assert [(e.id, e.name) for e in store.directory()] == [("altstadt", "Altstadt")]
        assert [v.submitted_by for v in store.versions(NZFH.id, "altstadt", "2025")] == ["migration"]
    finally:
        store.close()


def test_an_account_locked_out_is_refused_at_once(client: Client) -> None:
    rater = TestClient(client.app, follow_redirects=False)
    assert login(rater, "hebamme").status_code == 303 and rater.get("/").status_code == 200
    page = client.get("/accounts")
    ids = {a.username: a.id for a in client.app.state.store.accounts()}  # type: ignore[attr-defined]
    token = csrf_of(page.text)
    assert f'action="/accounts/{ids["hebamme"]}/active"' in page.text
    assert f'action="/accounts/{ids["koordination"]}/active"' not in page.text  # not oneself
    locked = client.post(f"/accounts/{ids['hebamme']}/active", data={"csrf": token, "active": "0"})
    assert locked.status_code == 303
    assert rater.get("/").status_code == 303  # the open session ends
    assert client.get("/api/frameworks", headers=client.api("hebamme")).status_code == 401  # and the key
    assert login(rater, "hebamme").status_code == 401
    # a coordinator locks out only their own Kommune's raters
    for other in ("hebamme-kiel", "office"):
        assert client.post(f"/accounts/{ids[other]}/active", data={"csrf": token, "active": "0"}).status_code == 403
    assert client.post(f"/accounts/{ids['hebamme']}/active", data={"csrf": token, "active": "1"}).status_code == 303
    assert login(rater, "hebamme").status_code == 303 and rater.get("/").status_code == 200
    rater.close()
