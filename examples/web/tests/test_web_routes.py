"""Every page and API endpoint through the test client, with good and bad input."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from qframework_web import create_app
from qframework_web.app import MAX_BODY
from web_fixtures import INDICATORS, NZFH, REGISTRY, rater_fields

from qframework import dumps, io, score
from qframework.assessment import Assessment
from qframework.excel import loads_assessment_xlsx
from qframework.template import sample_assessment

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(
        create_app(tmp_path / "web.sqlite", registry=REGISTRY), raise_server_exceptions=False, follow_redirects=False
    ) as c:
        yield c


def csrf(client: TestClient, url: str = "/frameworks/nzfh-qualitaetsrahmen/assess") -> str:
    page = client.get(url)
    assert page.status_code == 200
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match and client.cookies.get("qf_csrf") == match.group(1)
    return match.group(1)


def submit(client: TestClient, fields: dict[str, str]) -> object:
    return client.post("/frameworks/nzfh-qualitaetsrahmen/assess", data={**fields, "csrf": csrf(client)})


def test_pages_list_frameworks_and_show_provenance(client: TestClient) -> None:
    index = client.get("/")
    assert index.status_code == 200 and NZFH.title in index.text and "qdfh-2019" in index.text
    page = client.get("/frameworks/nzfh-qualitaetsrahmen")
    assert page.status_code == 200
    assert all(d.title in page.text for d in NZFH.dimensions) and "vom Plugin formuliert (keine Quelle)" in page.text
    assert "authored" not in page.text


def test_the_form_has_every_indicator_and_the_scale_labels(client: TestClient) -> None:
    page = client.get("/frameworks/nzfh-qualitaetsrahmen/assess").text
    for ind in INDICATORS:
        assert f'name="{ind}.rating"' in page and f'name="{ind}.evidence"' in page
    assert "stimme gar nicht zu" in page and "nicht zutreffend" in page


def test_two_raters_submit_and_the_scorecard_shows_both(client: TestClient) -> None:
    assert submit(client, rater_fields("koordination", 6)).status_code == 303
    response = submit(client, rater_fields("hebamme", 1))
    assert response.headers["location"] == "/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025"
    page = client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025")
    assert page.status_code == 200 and "<svg" in page.text and "Musterstadt" in page.text
    assert "<b>0,50</b>" in page.text  # 6 and 1 on a 1..6 scale: mean 3.5, normalised 0.5
    exported = client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025/assessment.toml")
    a = io.loads(Assessment, exported.text)
    assert sorted(r.id for r in a.raters) == ["hebamme", "koordination"] and len(a.ratings) == 2 * len(INDICATORS)
    assert score(a, NZFH).overall == pytest.approx(0.5)
    report = client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025/report.html")
    assert "attachment" in report.headers["content-disposition"] and "<svg" in report.text
    api = client.get("/api/assessments").json()
    assert api == [
        {"framework_id": "nzfh-qualitaetsrahmen", "subject_id": "musterstadt", "subject_name": "Musterstadt",
         "period": "2025", "parts": 2}
    ]  # fmt: skip


def test_a_rater_who_submits_again_replaces_only_their_own_answers(client: TestClient) -> None:
    submit(client, rater_fields("koordination", 6))
    submit(client, rater_fields("hebamme", 1))
    submit(client, rater_fields("hebamme", 6))
    a = io.loads(Assessment, client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025/assessment.toml").text)
    assert {r.value for r in a.ratings} == {6} and len(a.ratings) == 2 * len(INDICATORS)
    prefilled = client.get("/frameworks/nzfh-qualitaetsrahmen/assess?subject=musterstadt&period=2025&rater=hebamme")
    assert prefilled.text.count('value="6" selected') == len(INDICATORS)


def test_form_problems_are_shown_next_to_their_fields(client: TestClient) -> None:
    fields = rater_fields("Koordination", 9)
    response = submit(client, fields)
    assert response.status_code == 422
    assert re.search(r'data-field="rater.id">must be a lower-case ASCII id', response.text)
    assert re.search(rf'data-field="{INDICATORS[0]}.rating">9 is not a level', response.text)
    assert 'value="Koordination"' in response.text  # what was typed stays
    assert client.get("/api/assessments").json() == []


def test_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    client.get("/")
    response = client.post("/frameworks/nzfh-qualitaetsrahmen/assess", data=rater_fields("koordination", 4))
    assert response.status_code == 403 and "abgelaufen" in response.text
    forged = client.post("/frameworks/nzfh-qualitaetsrahmen/assess", data={**rater_fields("k", 4), "csrf": "x" * 43})
    assert forged.status_code == 403
    assert client.post("/upload", files={"file": ("a.toml", b"")}).status_code == 403


def test_a_hostile_kommune_name_is_shown_as_text(client: TestClient) -> None:
    submit(client, rater_fields("koordination", 4, name=HOSTILE))
    for url in ("/", "/kommunen/nzfh-qualitaetsrahmen/musterstadt/2025"):
        page = client.get(url).text
        assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    response = submit(client, {**rater_fields("koordination", 4), f"{INDICATORS[0]}.rating": HOSTILE})
    assert response.status_code == 422 and HOSTILE not in response.text


def test_uploads_of_toml_and_xlsx(client: TestClient) -> None:
    a = sample_assessment(NZFH, subject="hochladen")
    token = csrf(client, "/upload")
    ok = client.post("/upload", data={"csrf": token}, files={"file": ("a.toml", dumps(a).encode())})
    assert ok.status_code == 303 and ok.headers["location"] == "/kommunen/nzfh-qualitaetsrahmen/hochladen/2025"
    workbook = client.get("/frameworks/nzfh-qualitaetsrahmen/template.xlsx?rater=koordination&subject=xl")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    blank = loads_assessment_xlsx(workbook.content, registry=REGISTRY)
    assert blank.subject.id == "xl" and blank.raters[0].id == "koordination"
    broken = client.post("/upload", data={"csrf": token}, files={"file": ("kaputt.xlsx", b"PK\x03\x04 not a zip")})
    assert broken.status_code == 422 and "not an Excel workbook" in broken.text
    bad = dumps(a).replace('period = "2025"', "period = 2025")
    response = client.post("/upload", data={"csrf": token}, files={"file": ("b.toml", bad.encode())})
    assert response.status_code == 422 and '<td class="where" translate="no">period</td>' in response.text


def test_bodies_over_the_limit_are_refused(client: TestClient) -> None:
    token = csrf(client)
    response = client.post(
        "/frameworks/nzfh-qualitaetsrahmen/assess", data={"csrf": token, "x.comment": "a" * (MAX_BODY + 1)}
    )
    assert response.status_code == 413
    api = client.post("/api/score", content=b"{" + b" " * MAX_BODY + b"}", headers={"content-type": "application/json"})
    assert api.status_code == 413 and api.json()["problems"][0]["message"].startswith("request body too large")


def test_paths_never_reach_the_file_system(client: TestClient) -> None:
    for url in ("/frameworks/..%2F..%2Fetc%2Fpasswd", "/kommunen/nzfh-qualitaetsrahmen/..%2F..%2Fetc/2025",
                "/frameworks/nzfh-qualitaetsrahmen/../../pyproject.toml", "/static/../../etc/passwd"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404 and "root:" not in response.text


def test_the_api_takes_and_gives_library_documents(client: TestClient) -> None:
    frameworks = client.get("/api/frameworks").json()
    assert {f["id"] for f in frameworks} == set(REGISTRY.frameworks)
    doc = client.get("/api/frameworks/nzfh-qualitaetsrahmen")
    assert io.loads(type(NZFH), doc.text, format="json") == NZFH
    a = sample_assessment(NZFH)
    headers = {"content-type": "application/json"}
    scored = client.post("/api/score", content=dumps(a, format="json"), headers=headers)
    assert scored.status_code == 200 and scored.json() == json.loads(dumps(score(a, NZFH), format="json"))
    stored = client.post("/api/assessments", content=dumps(a, format="json"), headers=headers)
    assert stored.status_code == 201 and stored.json()["parts"] == 3
    back = client.get("/api/assessments/nzfh-qualitaetsrahmen/beispiel-kommune/2025")
    assert score(io.loads(Assessment, back.text, format="json"), NZFH) == score(a, NZFH)


def test_the_api_answers_bad_input_with_problems_as_json(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    for body, status, path in (
        (b"not json", 422, ""),
        (b'{"framework_id": "nzfh-qualitaetsrahmen"}', 422, "framework_version"),
        (b"[]", 422, ""),
    ):
        response = client.post("/api/score", content=body, headers=headers)
        assert response.status_code == status, body
        problems = response.json()["problems"]
        assert problems and (not path or path in [p["path"] for p in problems])
    plain = client.post("/api/assessments", content=dumps(sample_assessment(NZFH), format="json"))
    assert plain.status_code == 415
    assert client.get("/api/frameworks/nope").json()["problems"][0]["message"].startswith("unknown framework 'nope'")
    assert client.get("/api/assessments/nzfh-qualitaetsrahmen/nobody/2025").status_code == 404


def test_the_openapi_document_carries_the_library_schemas(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    body = doc["paths"]["/api/score"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/qframework-assessment"}
    schemas = doc["components"]["schemas"]
    assert "Rating" in schemas and "qframework-scorecard" in schemas
    assert "#/$defs/" not in json.dumps(doc)


def test_progress_over_periods(client: TestClient) -> None:
    submit(client, rater_fields("koordination", 3))
    assert client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/progress").status_code == 404
    submit(client, {**rater_fields("koordination", 5), "period": "2026"})
    page = client.get("/kommunen/nzfh-qualitaetsrahmen/musterstadt/progress")
    assert page.status_code == 200 and "2025" in page.text and "2026" in page.text and "<svg" in page.text
