"""Shared helpers of the web tests: the directory and accounts of a test database, logging in, form fields
of one NZFH rater, and the app served by uvicorn on a free port."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qframework.plugins import load_registry

REGISTRY = load_registry()
NZFH = REGISTRY.frameworks["nzfh-qualitaetsrahmen"]
INDICATORS = [i.id for d in NZFH.dimensions for i in d.indicators]

PASSWORD = "richtig-pferd-batterie"
#: The Kommunen of the test directory: id → name.
KOMMUNEN = {"musterstadt": "Musterstadt", "kiel": "Kiel", "beispiel-kommune": "Beispielkommune",
            "hochladen": "Hochladen"}  # fmt: skip
#: The accounts: user name → (role, Kommune). Musterstadt is "our" Kommune, Kiel the other one.
PEOPLE = {
    "office": ("admin", None),
    "koordination": ("coordinator", "musterstadt"),
    "hebamme": ("rater", "musterstadt"),
    "eltern": ("rater", "musterstadt"),
    "koordination-kiel": ("coordinator", "kiel"),
    "hebamme-kiel": ("rater", "kiel"),
}
_HASH: list[str] = []


def seed(store: Any, names: dict[str, str] | None = None) -> dict[str, str]:
    """The test directory (``names`` overriding some Kommunen's names) and accounts in ``store``; returns
    each account's API key."""
    from qframework_web.store import hash_password

    if not _HASH:
        _HASH.append(hash_password(PASSWORD))  # one argon2 hash for every test account: the tests stay quick
    for kommune_id, name in {**KOMMUNEN, **(names or {})}.items():
        store.add_kommune(name, kommune_id)
    keys = {}
    for username, (role, kommune) in PEOPLE.items():
        account = store.create_account(username, username.title(), role, kommune, None, password_hash=_HASH[0])
        keys[username] = store.new_api_key(account.id)
    return keys


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def login(client: Any, username: str, password: str = PASSWORD) -> Any:
    """Log ``client`` (a TestClient) in as ``username``; returns the login's response."""
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"csrf": token, "username": username, "password": password, "next": "/"})


def rater_fields(rater: str, value: int, subject: str = "musterstadt", name: str = "Musterstadt") -> dict[str, str]:
    """Every NZFH indicator rated ``value`` by ``rater`` of ``subject`` in 2025."""
    fields = {"subject.id": subject, "subject.name": name, "period": "2025", "rater.id": rater}
    fields.update({f"{i}.rating": str(value) for i in INDICATORS})
    return fields


def seed_db(db: Path | str, names: dict[str, str] | None = None) -> dict[str, str]:
    """:func:`seed` on the database ``db``; returns each account's API key."""
    from qframework_web.store import Store

    store = Store(db)
    try:
        return seed(store, names)
    finally:
        store.close()


@contextmanager
def serve(db: Path | str) -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, in a thread (as ``python -m qframework_web`` serves it); yields its URL."""
    import uvicorn
    from qframework_web import create_app
    from qframework_web.server import uvicorn_config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(db, registry=REGISTRY)
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.store.close()
