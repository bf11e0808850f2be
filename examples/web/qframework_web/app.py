"""The web tool: pages and a JSON API over qframework's domain layer, assessments in SQLite.

Everything a page shows comes from the library: the framework's questions (``assessment_form``),
the answers read back with every problem mapped to its field (``assessment_from_form``), scores
(``score``), the report with its SVG charts (``render_report``), the Excel template
(``assessment_workbook``) and the reading of filled workbooks and TOML files. This module only
routes, stores and guards: CSRF tokens on forms, size limits on bodies, escaping (Jinja2
autoescape; the report escapes its own), no request path near the file system, and every error a
4xx with the problems — never a traceback.
"""

from __future__ import annotations

import asyncio
import contextvars
import hmac
import json
import os
import re
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from qframework import (
    Assessment,
    AssessmentReport,
    NotFound,
    ProgressReport,
    QFrameworkError,
    Registry,
    ValidationError,
    assessment_workbook,
    dumps,
    kind_schema,
    load_registry,
    loads_assessment,
    render_report,
    score,
)
from qframework.errors import Problem
from qframework.excel import loads_assessment_xlsx
from qframework.forms import HEADER_FIELDS, assessment_form, assessment_from_form, form_fields
from qframework.model import FrameworkSummary, is_slug

from .store import Store

#: Largest request body of a form or an API call, and of an uploaded file (bytes).
MAX_BODY = 1_000_000
MAX_UPLOAD = 5_000_000
#: Seconds an uploaded file may take to read before the upload is answered with a problem. The
#: reading runs in a worker thread, never on the event loop, so other requests go on meanwhile;
#: the library's reader limits (docs/file-formats.md, "Limits") bound what a worker can be asked.
PARSE_BUDGET = 10.0
#: Uploads and API bodies read at the same time; more wait their turn (within their budget).
PARSE_WORKERS = 2
CSRF_COOKIE = "qf_csrf"
_EXPIRED = "the form expired or came from another site: reload the page and send it again"
LANGS = ("de", "en")
TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined)


class Problems(Exception):
    """Bad input: an HTTP status and the problems, shown on the page or returned as JSON."""

    def __init__(self, status: int, problems: list[Problem]) -> None:
        self.status = status
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


def _problems_json(status: int, problems: list[Problem] | tuple[Problem, ...]) -> JSONResponse:
    return JSONResponse({"problems": [{"path": p.path, "message": p.message} for p in problems]}, status_code=status)


def _slug(value: str, what: str) -> str:
    """Path parameters are ids: anything else is a 404 before it reaches a lookup."""
    if not is_slug(value):
        raise Problems(404, [Problem(what, f"not a valid {what} id: {value!r}")])
    return value


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "de")
    return lang if lang in LANGS else "de"


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problems(413, [Problem("", f"request body too large: at most {limit:,} bytes")])
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problems(413, [Problem("", f"request body too large: at most {limit:,} bytes")])
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # Starlette's form parser reads the cached body
    return body


T = TypeVar("T")


class _Parser:
    """Reads uploaded documents in worker threads, each within a time budget, off the event loop."""

    def __init__(self, workers: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qframework-parse")

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` in a worker; a Problems(422) when it takes longer than :data:`PARSE_BUDGET` seconds.

        The budget counts from the request's turn in the queue. Work that has not started when its
        budget ends is dropped; work that has cannot be stopped in a thread and runs to its
        (bounded) end while its request already has its answer.
        """
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()  # the request's language and other context go along
        try:
            return await asyncio.wait_for(loop.run_in_executor(self.pool, context.run, work), PARSE_BUDGET)
        except TimeoutError:
            raise Problems(
                422, [Problem("file", f"reading the file took longer than {PARSE_BUDGET:g} seconds; refused")]
            ) from None


def _csrf_token(request: Request) -> str:
    token = request.cookies.get(CSRF_COOKIE, "")
    return token if re.fullmatch(r"[A-Za-z0-9_-]{32,64}", token) else secrets.token_urlsafe(32)


def _check_csrf(request: Request, form: Any) -> None:
    cookie, posted = request.cookies.get(CSRF_COOKIE, ""), form.get("csrf", "")
    if not cookie or not isinstance(posted, str) or not hmac.compare_digest(cookie.encode(), posted.encode()):
        raise Problems(403, [Problem("csrf", _EXPIRED)])


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    token = _csrf_token(request)
    html = _env.get_template(template).render(csrf=token, lang=_lang(request), **context)
    response = HTMLResponse(html, status_code=status)
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


def _json(value: Any, status: int = 200) -> Response:
    return Response(dumps(value, format="json"), status_code=status, media_type="application/json")


def _attachment(data: bytes | str, media_type: str, filename: str) -> Response:
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _kommune_url(a: Assessment) -> str:
    return f"/kommunen/{quote(a.framework_id)}/{quote(a.subject.id)}/{quote(a.period, safe='')}"


def _openapi_schemas(app: FastAPI) -> dict[str, Any]:
    """FastAPI's OpenAPI document with the library's JSON Schemas for the bodies it cannot see."""
    from fastapi.openapi.utils import get_openapi

    doc = get_openapi(title=app.title, version=app.version, routes=app.routes, description=app.description)
    components = doc.setdefault("components", {}).setdefault("schemas", {})

    def ref(kind: str) -> dict[str, Any]:
        schema = kind_schema(kind)
        schema = json.loads(json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/'))
        components.update(schema.pop("$defs", {}))
        name = f"qframework-{kind}"
        schema.pop("$schema", None)
        components[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}

    problems = {
        "type": "object",
        "properties": {
            "problems": {
                "type": "array",
                "items": {"type": "object", "properties": {"path": {"type": "string"}, "message": {"type": "string"}}},
            }
        },
    }
    bodies = {
        ("/api/frameworks", "get"): (None, {"type": "array", "items": ref("framework-summary")}),
        ("/api/frameworks/{framework_id}", "get"): (None, ref("framework")),
        ("/api/assessments", "post"): (ref("assessment"), {"type": "object"}),
        ("/api/score", "post"): (ref("assessment"), ref("scorecard")),
        ("/api/assessments/{framework_id}/{subject_id}/{period}", "get"): (None, ref("assessment")),
    }
    for (path, method), (request_schema, response_schema) in bodies.items():
        op = doc["paths"][path][method]
        if request_schema is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": request_schema}}}
        code = "201" if method == "post" and path == "/api/assessments" else "200"
        op["responses"] = {
            code: {"description": "OK", "content": {"application/json": {"schema": response_schema}}},
            "4XX": {"description": "the problems", "content": {"application/json": {"schema": problems}}},
        }
    return doc


def create_app(db: str | Path, *, registry: Registry | None = None) -> FastAPI:
    """The application over the SQLite file ``db`` (created with its schema) and the installed frameworks."""
    reg = registry if registry is not None else load_registry()
    store = Store(db)
    app = FastAPI(
        title="qframework web",
        version="0.1.0",
        description="Self-assessments against quality frameworks; bodies are qframework documents and results.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.store = store
    app.state.registry = reg
    parser = _Parser(PARSE_WORKERS)
    app.state.parser = parser

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi_schemas(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    def framework(framework_id: str, version: str | None = None) -> Any:
        _slug(framework_id, "framework")
        try:
            return reg.framework(framework_id, version)
        except NotFound as exc:
            raise Problems(404, [Problem("framework", str(exc))]) from None

    def scorecard(framework_id: str, subject_id: str, period: str) -> tuple[Any, Any, Assessment]:
        _slug(subject_id, "Kommune")
        fw = framework(framework_id)
        assessment = store.combined(framework_id, subject_id, period)
        if assessment is None:
            raise Problems(404, [Problem("", f"no assessment of {subject_id!r} in {period!r} yet")])
        fw = framework(framework_id, assessment.framework_version)
        return score(assessment, fw), fw, assessment

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(Problems)
    async def on_problems(request: Request, exc: Problems) -> Response:
        if wants_json(request):
            return _problems_json(exc.status, exc.problems)
        return _page(request, "problems.html", exc.status, problems=exc.problems, code=exc.status)

    @app.exception_handler(QFrameworkError)
    async def on_library_error(request: Request, exc: QFrameworkError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 422
        problems = list(exc.problems) if isinstance(exc, ValidationError) else [Problem("", str(exc))]
        return await on_problems(request, Problems(status, problems))

    @app.exception_handler(RequestValidationError)
    async def on_request_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [Problem(".".join(map(str, e.get("loc", ()))), str(e.get("msg", ""))) for e in exc.errors()]
        return await on_problems(request, Problems(422, problems))

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: HTTPException) -> Response:
        return await on_problems(request, Problems(exc.status_code, [Problem("", str(exc.detail))]))

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:  # a bug: say so, show no traceback
        problem = Problem("", "internal error; the administrator finds the details in the server log")
        return await on_problems(request, Problems(500, [problem]))

    # -- pages ----------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> Response:
        return _page(
            request,
            "index.html",
            frameworks=list(reg.frameworks.values()),
            programmes=list(reg.programmes.values()),
            kommunen=store.kommunen(),
        )

    @app.get("/frameworks/{framework_id}", response_class=HTMLResponse, include_in_schema=False)
    async def show_framework(request: Request, framework_id: str) -> Response:
        fw = framework(framework_id)
        sources = {s.id: s for s in fw.sources}
        return _page(request, "framework.html", fw=fw, sources=sources)

    def form_page(request: Request, fw: Any, values: dict[str, str], problems: list[Problem], status: int) -> Response:
        form = assessment_form(fw, _lang(request))
        known = set(HEADER_FIELDS) | {
            name for q in form.questions() for name in (q.rating_field, q.evidence_field, q.comment_field, q.tier_field)
        }
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(p.path if p.path in known else "", []).append(p.message)
        return _page(
            request,
            "form.html",
            status,
            fw=fw,
            form=form,
            values=values,
            problems=by_field,
            count=len(problems),
            header=HEADER_FIELDS,
        )

    @app.get("/frameworks/{framework_id}/assess", response_class=HTMLResponse, include_in_schema=False)
    async def assess_form(request: Request, framework_id: str) -> Response:
        fw = framework(framework_id)
        q = request.query_params
        values = {"subject.id": q.get("subject", ""), "period": q.get("period", ""), "rater.id": q.get("rater", "")}
        if is_slug(values["subject.id"]) and values["period"] and is_slug(values["rater.id"]):
            for part in store.parts(fw.id, values["subject.id"], values["period"]):
                if part.raters and part.raters[0].id == values["rater.id"]:
                    values = form_fields(part)
        return form_page(request, fw, values, [], 200)

    @app.post("/frameworks/{framework_id}/assess", include_in_schema=False)
    async def assess_submit(request: Request, framework_id: str) -> Response:
        fw = framework(framework_id)
        await _body(request, MAX_BODY)
        form = await request.form(max_files=0, max_fields=4000)
        _check_csrf(request, form)
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        try:
            assessment = assessment_from_form(fw, values)
        except ValidationError as exc:
            return form_page(request, fw, values, list(exc.problems), 422)
        store.put(assessment)
        target = _kommune_url(assessment)
        return RedirectResponse(target, status_code=303)

    @app.get("/frameworks/{framework_id}/template.xlsx", include_in_schema=False)
    async def template_xlsx(request: Request, framework_id: str) -> Response:
        fw = framework(framework_id)
        q = request.query_params
        given = {k: q[k] for k in ("rater", "subject") if is_slug(q.get(k, ""))}
        if re.fullmatch(r"[\w-]{1,20}", q.get("period", "")):
            given["period"] = q["period"]
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return _attachment(assessment_workbook(fw, **given), media, f"{fw.id}-vorlage.xlsx")

    def nav(request: Request, fw: Any, assessment: Assessment, period: str) -> str:
        return _env.get_template("_report_nav.html").render(
            fw=fw,
            subject=assessment.subject,
            period=period,
            periods=store.periods(fw.id, assessment.subject.id),
            lang=_lang(request),
        )

    @app.get("/kommunen/{framework_id}/{subject_id}/progress", response_class=HTMLResponse, include_in_schema=False)
    async def progress(request: Request, framework_id: str, subject_id: str) -> Response:
        _slug(subject_id, "Kommune")
        fw = framework(framework_id)
        cards = [scorecard(framework_id, subject_id, p)[0] for p in store.periods(fw.id, subject_id)]
        if len(cards) < 2:
            raise Problems(404, [Problem("", "progress needs assessments of at least two periods")])
        html = render_report(ProgressReport(tuple(cards), fw), lang=_lang(request))
        latest = store.combined(fw.id, subject_id, cards[-1].period)
        assert latest is not None
        return HTMLResponse(html.replace("<body>", "<body>" + nav(request, fw, latest, latest.period), 1))

    @app.get("/kommunen/{framework_id}/{subject_id}/{period}", response_class=HTMLResponse, include_in_schema=False)
    async def kommune(request: Request, framework_id: str, subject_id: str, period: str) -> Response:
        card, fw, assessment = scorecard(framework_id, subject_id, period)
        html = render_report(AssessmentReport(card, fw, assessment), lang=_lang(request))
        return HTMLResponse(html.replace("<body>", "<body>" + nav(request, fw, assessment, period), 1))

    @app.get("/kommunen/{framework_id}/{subject_id}/{period}/report.html", include_in_schema=False)
    async def report_download(request: Request, framework_id: str, subject_id: str, period: str) -> Response:
        card, fw, assessment = scorecard(framework_id, subject_id, period)
        html = render_report(AssessmentReport(card, fw, assessment), lang=_lang(request))
        return _attachment(html, "text/html; charset=utf-8", f"{subject_id}-bericht.html")

    @app.get("/kommunen/{framework_id}/{subject_id}/{period}/assessment.toml", include_in_schema=False)
    async def export_toml(framework_id: str, subject_id: str, period: str) -> Response:
        _, _, assessment = scorecard(framework_id, subject_id, period)
        return _attachment(dumps(assessment, format="toml"), "application/toml", f"{subject_id}.toml")

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload_form(request: Request) -> Response:
        return _page(request, "upload.html", problems=[], filename="")

    @app.post("/upload", include_in_schema=False)
    async def upload(request: Request) -> Response:
        await _body(request, MAX_UPLOAD + 10_000)
        form = await request.form(max_files=1, max_fields=5, max_part_size=MAX_UPLOAD)
        _check_csrf(request, form)
        file = form.get("file")
        if file is None or isinstance(file, str):
            return _page(request, "upload.html", 422, problems=[Problem("file", "choose a file")], filename="")
        data = await file.read()
        name = re.sub(r"[^\w.\- ]", "_", (file.filename or "upload"))[:100]  # shown, never opened

        def read() -> Assessment:
            if data[:2] == b"PK" or name.lower().endswith(".xlsx"):
                return loads_assessment_xlsx(data, registry=reg, file=name)
            fmt = "json" if name.lower().endswith(".json") or data.lstrip()[:1] == b"{" else "toml"
            return loads_assessment(data, format=fmt, registry=reg, file=name)

        try:
            assessment = await parser.run(read)
        except ValidationError as exc:
            return _page(request, "upload.html", 422, problems=list(exc.problems), filename=name)
        except Problems as exc:
            return _page(request, "upload.html", exc.status, problems=exc.problems, filename=name)
        store.put(assessment)
        target = _kommune_url(assessment)
        return RedirectResponse(target, status_code=303)

    # -- API ------------------------------------------------------------------------------

    async def assessment_body(request: Request) -> Assessment:
        body = await _body(request, MAX_BODY)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise Problems(415, [Problem("", "send the assessment as application/json")])
        return await parser.run(lambda: loads_assessment(body, format="json", registry=reg, file="body"))

    @app.get("/api/frameworks", summary="The installed frameworks")
    async def api_frameworks() -> Response:
        return _json([FrameworkSummary.of(reg.frameworks[f], reg.frameworks.providers[f].name) for f in reg.frameworks])

    @app.get("/api/frameworks/{framework_id}", summary="One framework, as a qframework framework document")
    async def api_framework(framework_id: str) -> Response:
        return _json(framework(framework_id))

    @app.get("/api/assessments", summary="The stored assessments (Kommune and period)")
    async def api_assessments() -> Response:
        return JSONResponse(
            [
                {
                    "framework_id": k.framework_id,
                    "subject_id": k.subject_id,
                    "subject_name": k.subject_name,
                    "period": k.period,
                    "parts": k.raters,
                }
                for k in store.kommunen()
            ]
        )

    @app.get("/api/assessments/{framework_id}/{subject_id}/{period}", summary="One Kommune's combined assessment")
    async def api_assessment(framework_id: str, subject_id: str, period: str) -> Response:
        return _json(scorecard(framework_id, subject_id, period)[2])

    @app.post("/api/assessments", status_code=201, summary="Store an assessment (every rater's part)")
    async def api_store(request: Request) -> Response:
        assessment = await assessment_body(request)
        stored = store.put(assessment)
        return JSONResponse(
            {
                "framework_id": assessment.framework_id,
                "subject_id": assessment.subject.id,
                "period": assessment.period,
                "parts": stored,
            },
            status_code=201,
        )

    @app.post("/api/score", summary="Score an assessment (nothing is stored)")
    async def api_score(request: Request) -> Response:
        assessment = await assessment_body(request)
        fw = framework(assessment.framework_id, assessment.framework_version)
        return _json(score(assessment, fw))

    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory qframework_web.app:app_from_env``: the database named by ``QFRAMEWORK_WEB_DB``."""
    return create_app(os.environ.get("QFRAMEWORK_WEB_DB", "assessments.sqlite"))
