"""The web tool: pages and a JSON API over qframework's domain layer, assessments in SQLite or PostgreSQL.

Everything a page shows comes from the library: the framework's questions (``assessment_form``),
the answers read back with every problem mapped to its field (``assessment_from_form``), scores
(``score``), the report with its SVG charts (``render_report``), the Excel template
(``assessment_workbook``) and the reading of filled workbooks and TOML files. This module only
routes, stores (``store.py``: every submission a new version) and guards: accounts with roles
(coordination office, Kommune coordinator, rater) checked on every route, signed expiring sessions,
API keys, CSRF tokens bound to the session, size limits on bodies, escaping (Jinja2 autoescape; the
report escapes its own), no request path near the file system, and every error a 4xx with the
problems — never a traceback.

Every page speaks one language: the request's (``?lang=``, the switch's cookie, ``Accept-Language``,
else German), in which the request runs under :func:`qframework.i18n.language`; the templates' words
go through qframework's own gettext catalogue (Jinja2's i18n extension).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import hmac
import json
import os
import re
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import attrs
import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import escape
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

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
from qframework.errors import Problem, printable
from qframework.excel import loads_assessment_xlsx
from qframework.forms import HEADER_FIELDS, assessment_form, assessment_from_form, form_fields
from qframework.i18n import LANGUAGES, active_language, language, ngettext
from qframework.i18n import gettext_ as _
from qframework.model import FrameworkSummary, is_slug

from .store import MIN_PASSWORD, PERIOD, REGIONALSCHLUESSEL, Account, Conflict, Entry, Store, slugify, split_by_rater


def _PERIOD_PROBLEM() -> str:  # a message, worded when it is shown
    return _("a period is letters, digits, '-', '_' or '.' (at most 32, no '/'), e.g. 2025 or 2025-H1")


#: Largest request body of a form or an API call, and of an uploaded file (bytes).
MAX_BODY = 1_000_000
MAX_UPLOAD = 5_000_000
#: Seconds an uploaded file may take to read before the upload is answered with a problem. The
#: reading runs in a worker thread, never on the event loop, so other requests go on meanwhile;
#: the library's reader limits (docs/file-formats.md, "Limits") bound what a worker can be asked.
PARSE_BUDGET = 10.0
#: Uploads and API bodies read at the same time; more wait their turn (within their budget).
PARSE_WORKERS = 2
SESSION_COOKIE = "qf_session"
#: A session ends after 2 hours without a request, and 12 hours after the login in any case.
SESSION_IDLE = 2 * 3600
SESSION_MAX = 12 * 3600
#: Failed logins allowed per user name, and per address, in LOGIN_WINDOW; then the login waits.
LOGIN_FAILURES_PER_USER = 5
LOGIN_FAILURES_PER_ADDRESS = 30
LOGIN_WINDOW = timedelta(minutes=15)
INVITATION_DAYS = 7

#: The language a person chose with the switch (``?lang=``), remembered for a year.
LANG_COOKIE = "qf_lang"
#: The language of pages when neither ``?lang=``, the cookie nor ``Accept-Language`` names one we have:
#: the tool's readers are German coordinators. The JSON API answers tools in English by default.
DEFAULT_LANG = "de"
API_DEFAULT_LANG = "en"
TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    extensions=["jinja2.ext.i18n"],
)
_env.policies["ext.i18n.trimmed"] = True
# The catalogue is qframework's own (domain ``qframework``); the language is the request's, set by
# ``_Language`` below in qframework.i18n's ContextVar, so one environment serves every request.
_env.install_gettext_callables(_, ngettext, newstyle=True)  # type: ignore[attr-defined]


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
        raise Problems(404, [Problem(what, _("not a valid id: {value}").format(value=repr(value)))])
    return value


def accepted_languages(header: str) -> list[str]:
    """The languages of an ``Accept-Language`` header that qframework has, most wanted first.

    q-values are honoured (``q=0`` refuses a language), ties keep the header's order, ``de-AT`` counts
    as ``de``, and ``*`` stands for every language not named.
    """
    weighted: list[tuple[float, int, str]] = []
    refused: set[str] = set()
    for position, item in enumerate(header.split(",")):
        tag, _sep, params = item.strip().partition(";")
        code = tag.strip().split("-")[0].split("_")[0].lower()
        q = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = -1.0
        if not code or not 0 <= q <= 1:
            continue
        if q == 0:
            refused.add(code)
        else:
            weighted.append((-q, position, code))
    out: list[str] = []
    for _q, _position, code in sorted(weighted):
        candidates = [c for c in (DEFAULT_LANG, *LANGUAGES) if c not in refused] if code == "*" else [code]
        for c in candidates:
            if c in LANGUAGES and c not in out and c not in refused:
                out.append(c)
    return out


def choose_language(request: Request) -> str:
    """The request's language: ``?lang=``, else the switch's cookie, else ``Accept-Language``, else the default."""
    for given in (request.query_params.get("lang", ""), request.cookies.get(LANG_COOKIE, "")):
        if given in LANGUAGES:
            return given
    accepted = accepted_languages(request.headers.get("accept-language", ""))
    if accepted:
        return accepted[0]
    return API_DEFAULT_LANG if request.url.path.startswith("/api/") else DEFAULT_LANG


def _lang(request: Request) -> str:
    lang = getattr(request.state, "lang", None)
    return lang if lang in LANGUAGES else choose_language(request)


class _Language:
    """ASGI middleware: each request runs under ``qframework.i18n.language(its language)``.

    Library results (scorecards, problems, provenance labels) and this module's messages are worded
    in that language; the ContextVar is per request, so parallel requests never see each other's.
    A ``?lang=`` choice is remembered in a cookie; responses vary by ``Accept-Language`` and ``Cookie``.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        lang = choose_language(request)
        scope.setdefault("state", {})["lang"] = lang
        chosen = request.query_params.get("lang", "") in LANGUAGES

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"vary", b"Accept-Language, Cookie"))
                if chosen:
                    cookie = f"{LANG_COOKIE}={lang}; Max-Age=31536000; Path=/; SameSite=Lax"
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        with language(lang):
            await self.app(scope, receive, send_with_headers)


def _megabytes(size: int) -> str:
    return format_number(size / 1_000_000)


def format_number(value: float, digits: int = 2) -> str:
    """``value`` as the active language writes numbers (decimal comma in German), via Babel (imported lazily)."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=active_language()))


_KIND_LABELS = {
    "quoted": lambda: _("quoted verbatim (source)"),
    "paraphrased": lambda: _("paraphrased from the source"),
    "inferred": lambda: _("inferred (the plugin's reading)"),
    "authored": lambda: _("written by the plugin (no source)"),
}


def provenance_label(kind: str) -> str:
    """A provenance kind as readers are told it (GERMAN.md), in the active language; never the raw kind."""
    label = _KIND_LABELS.get(kind)
    return label() if label is not None else _("origin not recorded")


def problem_text(problem: Problem) -> str:
    """A problem's message in the active language (the library words it where it can, else English)."""
    return printable(str(getattr(problem, "text", problem.message)))


def translated(element: Any, field: str = "title") -> tuple[str, str]:
    """``(text, lang)``: an element's title (or ``description``, ``label``) in the active language where the
    framework translates it, else the source text and the source language (German), to be marked."""
    lang = active_language()
    text = (getattr(element, "translations", None) or {}).get(lang) if lang != "de" else None
    value = getattr(text, "title" if field == "label" else field, "") if text is not None else ""
    return (str(value), lang) if value else (str(getattr(element, field)), "de")


def label_lang(framework: Any, indicator: str, value: str) -> str:
    """The language a scale level's label is shown in on a form (the page's, or the untranslated original's)."""
    ind = framework.indicator(indicator)
    for level in framework.scale(ind.scale or framework.default_scale).levels:
        if str(level.value) == value:
            return translated(level, "label")[1]
    return active_language()  # not applicable: the library's own label, in every language


_env.globals.update(
    provenance_label=provenance_label, problem_text=problem_text, translated=translated, label_lang=label_lang
)
#: Put where a page may show untranslated originals; replaced by the note once, or by nothing.
_ORIGINAL_NOTE = "<!--original-note-->"
_env.filters["number"] = format_number


def _too_large(limit: int) -> Problem:
    return Problem("", _("request body too large: at most {size} MB").format(size=_megabytes(limit)))


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problems(413, [_too_large(limit)])
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problems(413, [_too_large(limit)])
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
    """The form token of this session, kept in the signed session cookie: a forged cookie cannot carry one."""
    if "session" not in request.scope:  # an error page from outside the session middleware: no form to send
        return ""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def _check_csrf(request: Request, form: Any) -> None:
    expected, posted = request.session.get("csrf", ""), form.get("csrf", "")
    if (
        not isinstance(expected, str)
        or len(expected) < 32
        or not isinstance(posted, str)
        or not hmac.compare_digest(expected.encode(), posted.encode())
    ):
        expired = _("the form expired or came from another site: reload the page and send it again")
        raise Problems(403, [Problem("csrf", expired)])


@functools.cache
def language_name(code: str) -> str:
    """A language named in itself ("Deutsch", "English"), for the switch: a new catalogue needs no new code."""
    from babel import Locale

    return str(Locale.parse(code).get_display_name(code) or code)


def _switch(request: Request) -> list[tuple[str, str, str]]:
    """``(code, name, url)`` of each language: this page with ``?lang=`` set (other parameters kept)."""
    out = []
    for code in LANGUAGES:
        query = request.url.include_query_params(lang=code).query
        out.append((code, language_name(code), f"{request.url.path}?{query}"))
    return out


def render(request: Request, template: str, **context: Any) -> str:
    """A template in the request's language (set here too: error pages can come from outside the middleware)."""
    lang = _lang(request)
    with language(lang):
        context.setdefault("user", _account_shown(request))
        html = _env.get_template(template).render(
            lang=lang, languages=_switch(request), max_upload=_megabytes(MAX_UPLOAD), **context
        )
        note = ""
        if 'class="original"' in html:
            note = '<p class="note">{}</p>'.format(
                escape(_("Texts in italics have no translation: they are shown as the source gives them."))
            )
        return html.replace(_ORIGINAL_NOTE, note, 1)


def _account_shown(request: Request) -> Any:
    """The account a page's header shows (also on pages that did not ask for one, such as "not found")."""
    if hasattr(request.state, "account"):
        return request.state.account
    resolve = getattr(request.app.state, "account_of", None) if "app" in request.scope else None
    if resolve is None or "session" not in request.scope:
        return None
    try:
        return resolve(request)
    except Exception:  # an error page must not fail for want of the account (e.g. the database is down)
        return None


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = render(request, template, csrf=_csrf_token(request), **context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _json(value: Any, status: int = 200) -> Response:
    return Response(dumps(value, format="json"), status_code=status, media_type="application/json")


def _attachment(data: bytes | str, media_type: str, filename: str) -> Response:
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _kommune_url(a: Assessment) -> str:
    return f"/kommunen/{quote(a.framework)}/{quote(a.subject.id)}/{quote(a.period, safe='')}"


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
    components_root = doc["components"]
    components_root["securitySchemes"] = {"apiKey": {"type": "http", "scheme": "bearer", "description": "qfk_…"}}
    doc["security"] = [{"apiKey": []}]
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


class LoginRequired(Exception):
    """A page that needs an account, asked for without one: the login page, then back."""


ROLE_LABELS = {
    "admin": lambda: _("coordination office"),
    "coordinator": lambda: _("Kommune coordinator"),
    "rater": lambda: _("rater"),
}


def role_label(role: str) -> str:
    label = ROLE_LABELS.get(role)
    return label() if label is not None else role


_env.globals["role_label"] = role_label


def _safe_next(target: str) -> str:
    """Where to go after logging in: a path of this site only (never ``//host`` or a URL)."""
    # browsers drop tabs and newlines from URLs ("/\t/evil" → "//evil"): plain path characters only
    ok = re.fullmatch(r"/[A-Za-z0-9/_.~%?&=+-]*", target) is not None and not target.startswith("//")
    return target if ok else "/"


def _without_names(assessment: Assessment) -> Assessment:
    """The assessment with the raters' names (personal data) removed; ids and roles stay."""
    return attrs.evolve(assessment, raters=tuple(attrs.evolve(r, name="") for r in assessment.raters))


def create_app(
    db: str | Path,
    *,
    registry: Registry | None = None,
    https_only: bool = False,
    session_idle: int = SESSION_IDLE,
    session_max: int = SESSION_MAX,
) -> FastAPI:
    """The application over the database ``db`` (an SQLite file or a URL, upgraded to the newest schema).

    ``https_only`` marks the session cookie ``Secure`` (set it when the tool is served over HTTPS);
    a session ends after ``session_idle`` seconds without a request and ``session_max`` seconds after login.
    """
    reg = registry if registry is not None else load_registry()
    store = Store(db)
    app = FastAPI(
        title="qframework web",
        version="0.2.0",
        description="Self-assessments against quality frameworks; bodies are qframework documents and results. "
        "Every call needs an API key (`Authorization: Bearer qfk_…`, made on the account page).",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.store = store
    app.state.registry = reg
    app.add_middleware(_Language)
    parser = _Parser(PARSE_WORKERS)
    app.state.parser = parser
    app.add_middleware(
        SessionMiddleware,
        secret_key=store.secret(),
        session_cookie=SESSION_COOKIE,
        max_age=session_idle,
        same_site="lax",
        https_only=https_only,
    )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi_schemas(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    # -- who asks, and what they may see ----------------------------------------------------------

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def account_of(request: Request) -> Account | None:
        """The account of a request: its API key (the JSON API) or its session (pages), else ``None``."""
        if hasattr(request.state, "account"):
            return request.state.account  # type: ignore[no-any-return]
        account = None
        if wants_json(request):
            scheme, _sep, key = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer":
                account = store.account_by_api_key(key.strip())
        else:
            uid, since = request.session.get("uid"), request.session.get("t")
            if isinstance(uid, int) and isinstance(since, int | float) and 0 <= time.time() - since < session_max:
                found = store.account(uid)
                account = found if found is not None and found.active else None
            elif uid is not None:
                request.session.clear()  # expired: a new login
        request.state.account = account
        return account

    app.state.account_of = account_of

    def need(request: Request, *roles: str) -> Account:
        """The request's account, which must have one of ``roles`` (any role if none are named)."""
        account = account_of(request)
        if account is None:
            if wants_json(request):
                raise Problems(401, [Problem("authorization", _("send your API key: Authorization: Bearer …"))])
            raise LoginRequired()
        if roles and account.role not in roles:
            raise Problems(403, [Problem("", _("your account may not do this"))])
        return account

    def may_see(account: Account, kommune_id: str) -> None:
        """Admins see every Kommune; coordinators and raters only their own."""
        if account.role != "admin" and account.kommune_id != kommune_id:
            raise Problems(403, [Problem("", _("your account may not see this Kommune's assessments"))])

    def kommune_entry(kommune_id: str) -> Entry:
        entry = store.kommune(kommune_id)
        if entry is None:
            message = _("{kommune} is not in the directory: the coordination office adds it first").format(
                kommune=repr(kommune_id)
            )
            raise Problems(422, [Problem("subject.id", message)])
        return entry

    def allowed_kommunen(account: Account) -> list[Entry]:
        if account.role == "admin":
            return store.directory()
        entry = store.kommune(account.kommune_id or "")
        return [entry] if entry is not None else []

    def checked_for_storing(account: Account, assessment: Assessment) -> Assessment:
        """Whether ``account`` may store ``assessment``: its Kommune, its period, and (for raters) only itself.

        The Kommune's name is the directory's, never the document's.
        """
        if not PERIOD.fullmatch(assessment.period):
            raise Problems(422, [Problem("period", _PERIOD_PROBLEM())])
        entry = kommune_entry(assessment.subject.id)
        may_see(account, entry.id)
        if account.role == "rater":
            others = {r for r, _part in split_by_rater(assessment)} - {account.username}
            if others:
                message = _("a rater stores only their own ratings (rater id {id})").format(id=account.username)
                raise Problems(403, [Problem("raters", message)])
        return attrs.evolve(assessment, subject=attrs.evolve(assessment.subject, name=entry.name))

    def framework(framework_id: str, version: str | None = None) -> Any:
        _slug(framework_id, "framework")
        try:
            return reg.framework(framework_id, version)
        except NotFound:
            if version is None or framework_id not in reg.frameworks:
                message = _("unknown framework '{id}'").format(id=framework_id)
            else:
                message = _("framework '{id}' is not installed in version {version}").format(
                    id=framework_id, version=version
                )
            raise Problems(404, [Problem("framework", message)]) from None

    def own_rater(account: Account) -> str | None:
        """Raters see only their own part; coordinators and admins every rater's."""
        return account.username if account.role == "rater" else None

    def show_names(request: Request, account: Account) -> bool:
        """Rater names (personal data) only to coordinators and admins who ask (``?names=1``), and raters' own."""
        return account.role == "rater" or request.query_params.get("names") == "1"

    def scorecard(
        request: Request, account: Account, framework_id: str, subject_id: str, period: str
    ) -> tuple[Any, Any, Assessment]:
        _slug(subject_id, "Kommune")
        fw = framework(framework_id)
        may_see(account, subject_id)
        assessment = store.combined(framework_id, subject_id, period, own_rater(account))
        if assessment is None:
            message = _("no assessment of {kommune} in {period} yet").format(
                kommune=repr(subject_id), period=repr(period)
            )
            raise Problems(404, [Problem("", message)])
        if not show_names(request, account):
            assessment = _without_names(assessment)
        fw = framework(framework_id, assessment.framework_version)
        return score(assessment, fw), fw, assessment

    # -- errors -----------------------------------------------------------------------------------

    @app.exception_handler(Problems)
    async def on_problems(request: Request, exc: Problems) -> Response:
        if wants_json(request):
            response = _problems_json(exc.status, exc.problems)
            if exc.status == 401:
                response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return _page(request, "problems.html", exc.status, problems=exc.problems, code=exc.status)

    @app.exception_handler(LoginRequired)
    async def on_login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

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
        messages = {404: _("page not found"), 405: _("this page does not take that method")}
        detail = messages.get(exc.status_code, str(exc.detail))
        return await on_problems(request, Problems(exc.status_code, [Problem("", detail)]))

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:  # a bug: say so, show no traceback
        with language(_lang(request)):  # this handler runs outside the language middleware
            problem = Problem("", _("internal error; the administrator finds the details in the server log"))
        return await on_problems(request, Problems(500, [problem]))

    # -- logging in, invitations, accounts ----------------------------------------------------------

    def start_session(request: Request, account: Account) -> None:
        request.session.clear()  # a new session id and form token: nothing from before the login carries over
        request.session.update(uid=account.id, t=int(time.time()), csrf=secrets.token_urlsafe(32))
        request.state.account = account

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_form(request: Request) -> Response:
        return _page(request, "login.html", next=_safe_next(request.query_params.get("next", "/")), problems=[])

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        await _body(request, 10_000)
        form = await request.form(max_files=0, max_fields=10)
        _check_csrf(request, form)
        username, password = str(form.get("username", "")).strip().lower()[:64], str(form.get("password", ""))
        target = _safe_next(str(form.get("next", "/")))
        client = request.client.host if request.client else "unknown"
        keys = (f"user:{username}", f"ip:{client}")
        if (
            store.failures(keys[0], LOGIN_WINDOW) >= LOGIN_FAILURES_PER_USER
            or store.failures(keys[1], LOGIN_WINDOW) >= LOGIN_FAILURES_PER_ADDRESS
        ):
            problem = Problem("", _("too many failed logins: please wait a quarter of an hour and try again"))
            return _page(request, "login.html", 429, next=target, problems=[problem])
        account = store.check_password(username, password[:1000]) if username and password else None
        if account is None:
            store.record_failure(*keys)
            problem = Problem("", _("user name or password is wrong"))
            return _page(request, "login.html", 401, next=target, problems=[problem])
        store.clear_failures(keys[0])
        start_session(request, account)
        return RedirectResponse(target, status_code=303)

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        await _body(request, 10_000)
        _check_csrf(request, await request.form(max_files=0, max_fields=5))
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/account", response_class=HTMLResponse, include_in_schema=False)
    async def account_page(request: Request) -> Response:
        account = need(request)
        return _page(request, "account.html", account=account, api_key="")

    @app.post("/account/api-key", include_in_schema=False)
    async def api_key(request: Request) -> Response:
        account = need(request)
        await _body(request, 10_000)
        _check_csrf(request, await request.form(max_files=0, max_fields=5))
        key = store.new_api_key(account.id)
        return _page(request, "account.html", account=account, api_key=key)

    @app.get("/accounts", response_class=HTMLResponse, include_in_schema=False)
    async def accounts_page(request: Request) -> Response:
        account = need(request, "admin", "coordinator")
        listed = store.accounts(None if account.role == "admin" else account.kommune_id)
        return _page(
            request, "accounts.html", accounts=listed, kommunen=allowed_kommunen(account), invitation="", problems=[]
        )

    @app.post("/accounts/{account_id}/active", include_in_schema=False)
    async def set_active(request: Request, account_id: int) -> Response:
        """The office locks out or lets in any other account; a coordinator the raters of their Kommune."""
        account = need(request, "admin", "coordinator")
        await _body(request, 10_000)
        form = await request.form(max_files=0, max_fields=5)
        _check_csrf(request, form)
        target = store.account(account_id)
        if target is None:
            raise Problems(404, [Problem("", _("page not found"))])
        if target.id == account.id or (
            account.role != "admin" and (target.role != "rater" or target.kommune_id != account.kommune_id)
        ):
            raise Problems(403, [Problem("", _("your account may not do this"))])
        store.set_active(target.id, form.get("active") == "1")
        return RedirectResponse("/accounts", status_code=303)

    @app.post("/invitations", include_in_schema=False)
    async def invite(request: Request) -> Response:
        account = need(request, "admin", "coordinator")
        await _body(request, 10_000)
        form = await request.form(max_files=0, max_fields=10)
        _check_csrf(request, form)
        role, kommune_id = str(form.get("role", "rater")), str(form.get("kommune", ""))
        if role not in ("rater", "coordinator") or (role == "coordinator" and account.role != "admin"):
            raise Problems(403, [Problem("role", _("your account may not do this"))])
        entry = kommune_entry(kommune_id)
        may_see(account, entry.id)
        token = store.invite(role, entry.id, account.username, INVITATION_DAYS)
        link = str(request.base_url).rstrip("/") + f"/invite/{token}"
        listed = store.accounts(None if account.role == "admin" else account.kommune_id)
        return _page(
            request,
            "accounts.html",
            accounts=listed,
            kommunen=allowed_kommunen(account),
            invitation=link,
            invited=entry,
            invited_role=role,
            days=INVITATION_DAYS,
            problems=[],
        )

    def invitation_of(token: str) -> Any:
        found = store.invitation(token) if re.fullmatch(r"[A-Za-z0-9_-]{20,100}", token) else None
        if found is None:
            message = _("this invitation is unknown, already used or expired: ask for a new one")
            raise Problems(404, [Problem("", message)])
        return found

    @app.get("/invite/{token}", response_class=HTMLResponse, include_in_schema=False)
    async def invitation_form(request: Request, token: str) -> Response:
        found = invitation_of(token)
        return _page(
            request, "invite.html", invitation=found, kommune=store.kommune(found.kommune_id), values={}, problems=[]
        )

    @app.post("/invite/{token}", include_in_schema=False)
    async def accept_invitation(request: Request, token: str) -> Response:
        found = invitation_of(token)
        await _body(request, 10_000)
        form = await request.form(max_files=0, max_fields=10)
        _check_csrf(request, form)
        values = {k: str(form.get(k, "")) for k in ("username", "name")}
        values["username"] = values["username"].strip()
        password, again = str(form.get("password", "")), str(form.get("password2", ""))
        problems = []
        if not (is_slug(values["username"]) and len(values["username"]) <= 32):
            problems.append(Problem("username", _("a user name is lower-case letters, digits, '-', '_' or '.' "
                                                  "(at most 32), e.g. hebamme-kiel")))  # fmt: skip
        if not 0 < len(values["name"]) <= 200:
            problems.append(Problem("name", _("please give your name (it is shown only to your coordination)")))
        if not MIN_PASSWORD <= len(password) <= 1000:
            problems.append(Problem("password", _("a password has at least {n} characters").format(n=MIN_PASSWORD)))
        elif password != again:
            problems.append(Problem("password2", _("the two passwords differ")))
        if not problems:
            try:
                account = store.accept(token, values["username"], values["name"], password)
            except Conflict:
                problems.append(Problem("username", _("this user name is taken: please choose another")))
            else:
                start_session(request, account)
                return RedirectResponse("/", status_code=303)
        kommune = store.kommune(found.kommune_id)
        return _page(request, "invite.html", 422, invitation=found, kommune=kommune, values=values, problems=problems)

    # -- the directory (coordination office) --------------------------------------------------------

    @app.get("/admin/kommunen", response_class=HTMLResponse, include_in_schema=False)
    async def directory(request: Request) -> Response:
        need(request, "admin")
        return _page(request, "kommunen.html", directory=store.directory(), values={}, problems=[])

    @app.post("/admin/kommunen", include_in_schema=False)
    async def add_kommune(request: Request) -> Response:
        need(request, "admin")
        await _body(request, 10_000)
        form = await request.form(max_files=0, max_fields=10)
        _check_csrf(request, form)
        values = {
            k: str(form.get(k, "")).strip() for k in ("name", "id", "regionalschluessel", "latitude", "longitude")
        }
        problems = []
        kommune_id = values["id"] or slugify(values["name"])
        if not 0 < len(values["name"]) <= 200:
            problems.append(Problem("name", _("please give the Kommune's name")))
        elif not (is_slug(kommune_id) and len(kommune_id) <= 100):
            problems.append(Problem("id", _("not a valid id: {value}").format(value=repr(kommune_id))))
        if values["regionalschluessel"] and not REGIONALSCHLUESSEL.fullmatch(values["regionalschluessel"]):
            problems.append(Problem("regionalschluessel", _("a Regionalschlüssel has 12 digits")))
        location: list[float | None] = [None, None]
        for i, (key, bound) in enumerate((("latitude", 90), ("longitude", 180))):
            if values[key]:
                try:
                    location[i] = float(values[key].replace(",", "."))
                except ValueError:
                    location[i] = None
                if location[i] is None or not -bound <= location[i] <= bound:  # type: ignore[operator]
                    problems.append(Problem(key, _("not a coordinate: {value}").format(value=repr(values[key]))))
        if not problems:
            try:
                store.add_kommune(values["name"], kommune_id, values["regionalschluessel"] or None, *location)
            except Conflict:
                problems.append(Problem("id", _("a Kommune with the id {id} exists").format(id=repr(kommune_id))))
            else:
                return RedirectResponse("/admin/kommunen", status_code=303)
        return _page(request, "kommunen.html", 422, directory=store.directory(), values=values, problems=problems)

    @app.get("/admin/export", include_in_schema=False)
    async def export(request: Request) -> Response:
        need(request, "admin")
        body = json.dumps(store.export(), ensure_ascii=False, indent=1)
        return _attachment(body, "application/json", "qframework-web-export.json")

    # -- pages ----------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> Response:
        account = need(request)
        if account.role == "admin":
            assessed = store.assessed()
        else:
            assessed = store.assessed(account.kommune_id or "", own_rater(account))
        return _page(
            request,
            "index.html",
            frameworks=list(reg.frameworks.values()),
            programmes=list(reg.programmes.values()),
            kommunen=assessed,
            titles={f: reg.frameworks[f] for f in reg.frameworks},
        )

    @app.get("/frameworks/{framework_id}", response_class=HTMLResponse, include_in_schema=False)
    async def show_framework(request: Request, framework_id: str) -> Response:
        need(request)
        fw = framework(framework_id)
        sources = {s.id: s for s in fw.sources}
        return _page(request, "framework.html", fw=fw, sources=sources)

    def form_page(
        request: Request, account: Account, fw: Any, values: dict[str, str], problems: list[Problem], status: int
    ) -> Response:
        form = assessment_form(fw, _lang(request))
        known = set(HEADER_FIELDS) | {
            name for q in form.questions() for name in (q.rating_field, q.evidence_field, q.comment_field, q.tier_field)
        }
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(p.path if p.path in known else "", []).append(problem_text(p))
        return _page(
            request,
            "form.html",
            status,
            fw=fw,
            form=form,
            values={**values, "rater.id": account.username},
            problems=by_field,
            count=len(problems),
            header=[h for h in HEADER_FIELDS if h != "subject.name"],
            kommunen=allowed_kommunen(account),
        )

    @app.get("/frameworks/{framework_id}/assess", response_class=HTMLResponse, include_in_schema=False)
    async def assess_form(request: Request, framework_id: str) -> Response:
        account = need(request)
        fw = framework(framework_id)
        q = request.query_params
        values = {
            "subject.id": q.get("subject", account.kommune_id or ""),
            "period": q.get("period", ""),
            "rater.name": account.name,  # the account's name, shown to the coordination only (they may clear it)
        }
        if is_slug(values["subject.id"]) and PERIOD.fullmatch(values["period"]):
            may_see(account, values["subject.id"])
            for part in store.parts(fw.id, values["subject.id"], values["period"], account.username):
                values = form_fields(part)
        return form_page(request, account, fw, values, [], 200)

    def rating_problems(fw: Any, values: dict[str, str]) -> list[Problem]:
        """Ratings the library's form reader would not take as a number (``²``, ``--1``, 5,000 digits)."""
        problems = []
        for q in assessment_form(fw).questions():
            raw = values.get(q.rating_field, "").strip()
            if raw and raw not in {c.value for c in q.choices} and not re.fullmatch(r"-?[0-9]{1,9}", raw):
                message = _("choose a level of the scale, got {value}").format(value=repr(raw[:40]))
                problems.append(Problem(q.rating_field, message))
        return problems

    @app.post("/frameworks/{framework_id}/assess", include_in_schema=False)
    async def assess_submit(request: Request, framework_id: str) -> Response:
        account = need(request)
        fw = framework(framework_id)
        await _body(request, MAX_BODY)
        form = await request.form(max_files=0, max_fields=4000)
        _check_csrf(request, form)
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        values["rater.id"] = account.username  # everyone rates as themselves
        entry = store.kommune(values.get("subject.id", ""))
        if entry is not None:
            may_see(account, entry.id)
            values["subject.name"] = entry.name
        problems = rating_problems(fw, values)
        if entry is None:
            problems.append(Problem("subject.id", _("choose a Kommune from the directory")))
        if values.get("period") and not PERIOD.fullmatch(values["period"]):
            problems.append(Problem("period", _PERIOD_PROBLEM()))
        assessment = None
        try:
            assessment = assessment_from_form(fw, values) if not problems else None
        except ValidationError as exc:
            problems = list(exc.problems)
        if assessment is None:
            return form_page(request, account, fw, values, problems, 422)
        store.put(checked_for_storing(account, assessment), account.username)
        target = _kommune_url(assessment)
        return RedirectResponse(target, status_code=303)

    @app.get("/frameworks/{framework_id}/template.xlsx", include_in_schema=False)
    async def template_xlsx(request: Request, framework_id: str) -> Response:
        need(request)
        fw = framework(framework_id)
        q = request.query_params
        given = {k: q[k] for k in ("rater", "subject") if is_slug(q.get(k, ""))}
        if PERIOD.fullmatch(q.get("period", "")):
            given["period"] = q["period"]
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return _attachment(
            assessment_workbook(fw, **given), media, _("{framework}-template.xlsx").format(framework=fw.id)
        )

    def nav(request: Request, account: Account, fw: Any, assessment: Assessment, period: str) -> str:
        return render(
            request,
            "_report_nav.html",
            fw=fw,
            subject=assessment.subject,
            period=period,
            periods=store.periods(fw.id, assessment.subject.id, own_rater(account)),
            oversees=account.role != "rater",
            names=request.query_params.get("names") == "1",
        )

    @app.get("/kommunen/{framework_id}/{subject_id}/progress", response_class=HTMLResponse, include_in_schema=False)
    async def progress(request: Request, framework_id: str, subject_id: str) -> Response:
        account = need(request)
        _slug(subject_id, "Kommune")
        fw = framework(framework_id)
        may_see(account, subject_id)
        periods = store.periods(fw.id, subject_id, own_rater(account))
        cards = [scorecard(request, account, framework_id, subject_id, p)[0] for p in periods]
        if len(cards) < 2:
            raise Problems(404, [Problem("", _("progress needs assessments of at least two periods"))])
        html = render_report(ProgressReport(tuple(cards), fw), lang=_lang(request))
        latest = scorecard(request, account, framework_id, subject_id, cards[-1].period)[2]
        return HTMLResponse(html.replace("<body>", "<body>" + nav(request, account, fw, latest, latest.period), 1))

    @app.get("/kommunen/{framework_id}/{subject_id}/{period}", response_class=HTMLResponse, include_in_schema=False)
    async def kommune(request: Request, framework_id: str, subject_id: str, period: str) -> Response:
        account = need(request)
        card, fw, assessment = scorecard(request, account, framework_id, subject_id, period)
        html = render_report(AssessmentReport(card, fw, assessment), lang=_lang(request))
        return HTMLResponse(html.replace("<body>", "<body>" + nav(request, account, fw, assessment, period), 1))

    @app.get("/kommunen/{framework_id}/{subject_id}/{period}/report.html", include_in_schema=False)
    async def report_download(request: Request, framework_id: str, subject_id: str, period: str) -> Response:
        account = need(request)
        card, fw, assessment = scorecard(request, account, framework_id, subject_id, period)
        html = render_report(AssessmentReport(card, fw, assessment), lang=_lang(request))
        return _attachment(html, "text/html; charset=utf-8", _("{kommune}-report.html").format(kommune=subject_id))

    @app.get("/kommunen/{framework_id}/{subject_id}/{period}/assessment.toml", include_in_schema=False)
    async def export_toml(request: Request, framework_id: str, subject_id: str, period: str) -> Response:
        account = need(request)
        assessment = scorecard(request, account, framework_id, subject_id, period)[2]
        return _attachment(dumps(assessment, format="toml"), "application/toml", f"{subject_id}.toml")

    @app.get("/kommunen/{framework_id}/{subject_id}/{period}/versions", include_in_schema=False)
    async def versions_page(request: Request, framework_id: str, subject_id: str, period: str) -> Response:
        account = need(request, "admin", "coordinator")
        _slug(subject_id, "Kommune")
        fw = framework(framework_id)
        may_see(account, subject_id)
        listed = store.versions(fw.id, subject_id, period)
        if not listed:
            message = _("no assessment of {kommune} in {period} yet").format(
                kommune=repr(subject_id), period=repr(period)
            )
            raise Problems(404, [Problem("", message)])
        return _page(request, "versions.html", fw=fw, kommune=store.kommune(subject_id), period=period, versions=listed)

    @app.post("/versions/{version_id}/restore", include_in_schema=False)
    async def restore(request: Request, version_id: int) -> Response:
        account = need(request, "admin", "coordinator")
        await _body(request, 10_000)
        _check_csrf(request, await request.form(max_files=0, max_fields=5))
        found = store.version(version_id)
        if found is None:
            raise Problems(404, [Problem("", _("page not found"))])
        meta = found[0]
        may_see(account, meta.subject_id)
        store.restore(version_id, account.username)
        target = f"/kommunen/{quote(meta.framework_id)}/{quote(meta.subject_id)}/{quote(meta.period, safe='')}/versions"
        return RedirectResponse(target, status_code=303)

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload_form(request: Request) -> Response:
        need(request)
        return _page(request, "upload.html", problems=[], filename="")

    @app.post("/upload", include_in_schema=False)
    async def upload(request: Request) -> Response:
        account = need(request)
        await _body(request, MAX_UPLOAD + 10_000)
        form = await request.form(max_files=1, max_fields=5, max_part_size=MAX_UPLOAD)
        _check_csrf(request, form)
        file = form.get("file")
        if file is None or isinstance(file, str):
            return _page(request, "upload.html", 422, problems=[Problem("file", _("choose a file"))], filename="")
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
        store.put(checked_for_storing(account, assessment), account.username)
        target = _kommune_url(assessment)
        return RedirectResponse(target, status_code=303)

    # -- API ------------------------------------------------------------------------------

    async def assessment_body(request: Request) -> Assessment:
        body = await _body(request, MAX_BODY)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise Problems(415, [Problem("", _("send the assessment as application/json"))])
        return await parser.run(lambda: loads_assessment(body, format="json", registry=reg, file="body"))

    @app.get("/api/frameworks", summary="The installed frameworks")
    async def api_frameworks(request: Request) -> Response:
        need(request)
        return _json([FrameworkSummary.of(reg.frameworks[f], reg.frameworks.providers[f].name) for f in reg.frameworks])

    @app.get("/api/frameworks/{framework_id}", summary="One framework, as a qframework framework document")
    async def api_framework(request: Request, framework_id: str) -> Response:
        need(request)
        return _json(framework(framework_id))

    @app.get("/api/kommunen", summary="The Kommunen of the directory this account may see")
    async def api_kommunen(request: Request) -> Response:
        account = need(request)
        return JSONResponse([attrs.asdict(e) for e in allowed_kommunen(account)])

    @app.get("/api/assessments", summary="The stored assessments (Kommune and period) this account may see")
    async def api_assessments(request: Request) -> Response:
        account = need(request)
        if account.role == "admin":
            assessed = store.assessed()
        else:
            assessed = store.assessed(account.kommune_id or "", own_rater(account))
        return JSONResponse(
            [
                {
                    "framework_id": k.framework_id,
                    "subject_id": k.subject_id,
                    "subject_name": k.subject_name,
                    "period": k.period,
                    "parts": k.raters,
                }
                for k in assessed
            ]
        )

    @app.get("/api/assessments/{framework_id}/{subject_id}/{period}", summary="One Kommune's combined assessment")
    async def api_assessment(request: Request, framework_id: str, subject_id: str, period: str) -> Response:
        account = need(request)
        return _json(scorecard(request, account, framework_id, subject_id, period)[2])

    @app.post("/api/assessments", status_code=201, summary="Store an assessment (every rater's part, as new versions)")
    async def api_store(request: Request) -> Response:
        account = need(request)
        assessment = checked_for_storing(account, await assessment_body(request))
        stored = store.put(assessment, account.username)
        return JSONResponse(
            {
                "framework_id": assessment.framework,
                "subject_id": assessment.subject.id,
                "period": assessment.period,
                "parts": stored,
            },
            status_code=201,
        )

    @app.post("/api/score", summary="Score an assessment (nothing is stored)")
    async def api_score(request: Request) -> Response:
        need(request)
        assessment = await assessment_body(request)
        fw = framework(assessment.framework, assessment.framework_version)
        return _json(score(assessment, fw))

    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory qframework_web.app:app_from_env``: the database named by ``QFRAMEWORK_WEB_DB``
    (a file name or a URL), Secure cookies if ``QFRAMEWORK_WEB_HTTPS=1``."""
    return create_app(
        os.environ.get("QFRAMEWORK_WEB_DB", "assessments.sqlite"),
        https_only=os.environ.get("QFRAMEWORK_WEB_HTTPS", "") == "1",
    )
