"""The role matrix: every route and API endpoint × every role × own or other Kommune → allowed or refused.

Roles: nobody logged in, a rater, a Kommune coordinator (both of Musterstadt: "own" is Musterstadt,
"other" is Kiel) and the coordination office (admin). Each route has an access level:

- ``PUBLIC``: the login, an invitation link, the API's description;
- ``ANY``: any account (lists show only what that account may see);
- ``OWN``: admins any Kommune, coordinators and raters their own (raters only their own part);
- ``OVERSEE``: admins any Kommune, coordinators their own, raters none (versions, invitations);
- ``STAFF``: admins and coordinators, whatever the Kommune (the list of accounts: each sees their own Kommune's);
- ``ADMIN``: the coordination office only (the directory, the export).

Without an account a page sends to the login and the API answers 401; a refusal is 403 (or 404). Every
answer that is allowed is also checked for data it must not carry: Kiel's name and rater for anyone but
the office, and another rater's part for a rater. The test fails when the app gains a route this table
does not list.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from qframework_web import create_app
from web_fixtures import NZFH, PASSWORD, REGISTRY, csrf_of, login, rater_fields, seed

from qframework import dumps
from qframework.assessment import Assessment, Rater, Rating, Subject

PUBLIC, ANY, OWN, OVERSEE, STAFF, ADMIN = "public", "any", "own", "oversee", "staff", "admin"
ROLES = {"anonymous": None, "rater": "hebamme", "coordinator": "koordination", "admin": "office"}
KOMMUNE = {"own": "musterstadt", "other": "kiel"}
SECRET_NAME = "Kielstadt-Geheim"  # Kiel's name in the directory: nobody of Musterstadt may see it
SECRET_ROLE = "Geheimrolle"  # the role in the coordinator's own part: the rater of Musterstadt may not see it
FW = NZFH.id


def part(rater: str, kommune: str, period: str = "2025", value: int = 4, role: str = "") -> Assessment:
    ratings = tuple(Rating(i.id, value=value, rater=rater) for d in NZFH.dimensions for i in d.indicators)
    return Assessment(FW, NZFH.version, Subject(kommune, kommune), period, ratings, (Rater(rater, role),))


class World:
    """The database every request of the matrix runs against, and what it needs (version ids, tokens)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.store = app.state.store
        self.keys = seed(self.store, names={"kiel": SECRET_NAME})
        for period in ("2025", "2026"):
            self.store.put(part("hebamme", "musterstadt", period, 3), "hebamme")
            self.store.put(part("koordination", "musterstadt", period, 5, SECRET_ROLE), "koordination")
            self.store.put(part("hebamme-kiel", "kiel", period, 2), "hebamme-kiel")
        self.version = {which: self.store.versions(FW, kommune, "2025")[-1].id for which, kommune in KOMMUNE.items()}
        self.counter = itertools.count()
        # a rater account of each Kommune that the matrix does not log in as (to lock out or let in)
        by_name = {a.username: a.id for a in self.store.accounts()}
        self.rater_account = {"own": by_name["eltern"], "other": by_name["hebamme-kiel"]}

    def token(self, which: str) -> str:
        return str(self.store.invite("rater", KOMMUNE[which], "office"))


Request = Callable[[TestClient, World, str, str], Any]  # (client, world, user, own/other) -> response


def get(path: str) -> Request:
    return lambda c, w, user, which: c.get(path.format(k=KOMMUNE[which], fw=FW))


def post_form(path: str, fields: Callable[[World, str, str], dict[str, Any]], **kwargs: Any) -> Request:
    def run(c: TestClient, w: World, user: str, which: str) -> Any:
        data = {"csrf": csrf_of(c.get("/login").text), **fields(w, user, which)}
        url = path.format(k=KOMMUNE[which], fw=FW, v=w.version[which], a=w.rater_account[which])
        return c.post(url, data=data, **kwargs)

    return run


def post_json(path: str, body: Callable[[str, str], Assessment]) -> Request:
    return lambda c, w, user, which: c.post(
        path, content=dumps(body(user, which), format="json"), headers={"content-type": "application/json"}
    )


def upload(c: TestClient, w: World, user: str, which: str) -> Any:
    token = csrf_of(c.get("/login").text)
    toml = dumps(part(user or "x", KOMMUNE[which])).encode()
    return c.post("/upload", data={"csrf": token}, files={"file": ("a.toml", toml)})


def invite_get(c: TestClient, w: World, user: str, which: str) -> Any:
    return c.get(f"/invite/{w.token(which)}")


def invite_post(c: TestClient, w: World, user: str, which: str) -> Any:
    token = w.token(which)
    form = c.get(f"/invite/{token}")
    name = f"neu-{next(w.counter)}"
    data = {"csrf": csrf_of(form.text), "username": name, "name": name, "password": PASSWORD, "password2": PASSWORD}
    return c.post(f"/invite/{token}", data=data)


ROUTES: dict[tuple[str, str], tuple[str, Request]] = {
    ("GET", "/login"): (PUBLIC, get("/login")),
    ("POST", "/login"): (PUBLIC, post_form("/login", lambda w, u, k: {"username": "niemand", "password": "x"})),
    ("POST", "/logout"): (PUBLIC, post_form("/logout", lambda w, u, k: {})),
    ("GET", "/invite/{token}"): (PUBLIC, invite_get),
    ("POST", "/invite/{token}"): (PUBLIC, invite_post),
    ("GET", "/api/openapi.json"): (PUBLIC, get("/api/openapi.json")),
    ("GET", "/api/docs"): (PUBLIC, get("/api/docs")),
    ("GET", "/docs/oauth2-redirect"): (PUBLIC, get("/docs/oauth2-redirect")),
    ("GET", "/account"): (ANY, get("/account")),
    ("POST", "/account/api-key"): (ANY, post_form("/account/api-key", lambda w, u, k: {})),
    ("GET", "/"): (ANY, get("/")),
    ("GET", "/frameworks/{framework_id}"): (ANY, get("/frameworks/{fw}")),
    ("GET", "/frameworks/{framework_id}/template.xlsx"): (ANY, get("/frameworks/{fw}/template.xlsx")),
    ("GET", "/upload"): (ANY, get("/upload")),
    ("GET", "/api/frameworks"): (ANY, get("/api/frameworks")),
    ("GET", "/api/frameworks/{framework_id}"): (ANY, get("/api/frameworks/{fw}")),
    ("GET", "/api/kommunen"): (ANY, get("/api/kommunen")),
    ("GET", "/api/assessments"): (ANY, get("/api/assessments")),
    ("POST", "/api/score"): (ANY, post_json("/api/score", lambda u, k: part("x", "irgendwo"))),
    ("GET", "/frameworks/{framework_id}/assess"): (OWN, get("/frameworks/{fw}/assess?subject={k}&period=2025")),
    ("POST", "/frameworks/{framework_id}/assess"): (
        OWN,
        post_form("/frameworks/{fw}/assess", lambda w, u, k: rater_fields(u or "x", 4, subject=KOMMUNE[k])),
    ),
    ("POST", "/upload"): (OWN, upload),
    ("GET", "/kommunen/{framework_id}/{subject_id}/{period}"): (OWN, get("/kommunen/{fw}/{k}/2025")),
    ("GET", "/kommunen/{framework_id}/{subject_id}/{period}/report.html"): (
        OWN,
        get("/kommunen/{fw}/{k}/2025/report.html?names=1"),
    ),
    ("GET", "/kommunen/{framework_id}/{subject_id}/{period}/assessment.toml"): (
        OWN,
        get("/kommunen/{fw}/{k}/2025/assessment.toml?names=1"),
    ),
    ("GET", "/kommunen/{framework_id}/{subject_id}/progress"): (OWN, get("/kommunen/{fw}/{k}/progress")),
    ("GET", "/api/assessments/{framework_id}/{subject_id}/{period}"): (OWN, get("/api/assessments/{fw}/{k}/2025")),
    ("POST", "/api/assessments"): (OWN, post_json("/api/assessments", lambda u, k: part(u or "x", KOMMUNE[k]))),
    ("GET", "/kommunen/{framework_id}/{subject_id}/{period}/versions"): (
        OVERSEE,
        get("/kommunen/{fw}/{k}/2025/versions"),
    ),
    ("POST", "/versions/{version_id}/restore"): (OVERSEE, post_form("/versions/{v}/restore", lambda w, u, k: {})),
    ("GET", "/accounts"): (STAFF, get("/accounts")),
    ("POST", "/accounts/{account_id}/active"): (
        OVERSEE,
        post_form("/accounts/{a}/active", lambda w, u, k: {"active": "1"}),
    ),
    ("POST", "/invitations"): (
        OVERSEE,
        post_form("/invitations", lambda w, u, k: {"role": "rater", "kommune": KOMMUNE[k]}),
    ),
    ("GET", "/admin/kommunen"): (ADMIN, get("/admin/kommunen")),
    ("POST", "/admin/kommunen"): (
        ADMIN,
        post_form("/admin/kommunen", lambda w, u, k: {"name": f"Neustadt {next(w.counter)}"}),
    ),
    ("GET", "/admin/export"): (ADMIN, get("/admin/export")),
}


def expected(level: str, role: str, which: str) -> str:
    """``ok``, ``login`` (no account: the login page, or 401 from the API) or ``refused`` (403/404)."""
    if level == PUBLIC:
        return "ok"
    if role == "anonymous":
        return "login"
    if role == "admin":
        return "ok"
    if level == ADMIN or (level in (OVERSEE, STAFF) and role == "rater"):
        return "refused"
    if level in (OWN, OVERSEE) and which == "other":
        return "refused"
    return "ok"


def outcome(response: Any) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if (status == 401 and response.request.url.path.startswith("/api/")) or (
        status == 303 and response.headers["location"].startswith("/login?next=")
    ):
        return "login"
    if status in (403, 404):
        return "refused"
    return "ok"


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    app = create_app(db_url, registry=REGISTRY)
    with TestClient(app):
        yield World(app)
    app.state.store.close()


def client_for(world: World, role: str) -> TestClient:
    user = ROLES[role]
    client = TestClient(world.app, raise_server_exceptions=False, follow_redirects=False)
    if user is not None:
        assert login(client, user).status_code == 303
        client.headers["authorization"] = f"Bearer {world.keys[user]}"
    return client


def test_the_table_lists_every_route(world: World) -> None:
    routes = {(m, r.path) for r in world.app.routes for m in getattr(r, "methods", ()) if m != "HEAD"}
    assert routes == set(ROUTES)


def test_every_route_for_every_role_and_kommune(world: World) -> None:
    wrong = []
    for role, user in ROLES.items():
        client = client_for(world, role)
        for (method, path), (level, request) in ROUTES.items():
            for which in KOMMUNE:
                response = request(client, world, user or "", which)
                got, want = outcome(response), expected(level, role, which)
                if got != want:
                    wrong.append((role, method, path, which, want, got, response.text[:200]))
                elif got == "ok" and role in ("rater", "coordinator") and level != PUBLIC:
                    body = response.text
                    leaks = [s for s in (SECRET_NAME, "hebamme-kiel") if s in body]
                    if role == "rater":
                        leaks += [s for s in (SECRET_ROLE,) if s in body]
                    if leaks:
                        wrong.append((role, method, path, which, "no leak", leaks, ""))
                # a route that changed the client's account or session: log in again; a new key: use it
                if (method, path) in {("POST", "/logout"), ("POST", "/invite/{token}")} and user is not None:
                    assert login(client, user).status_code == 303
                if (method, path) == ("POST", "/account/api-key") and user is not None:
                    key = re.search(r'id="api-key" translate="no">(qfk_[^<]+)<', response.text)
                    assert key
                    client.headers["authorization"] = f"Bearer {key.group(1)}"
                if (method, path) == ("POST", "/invite/{token}") and user is None:
                    client.cookies.clear()  # the invitation logged the new account in
        client.close()
    assert wrong == [], "\n".join(map(str, wrong))
