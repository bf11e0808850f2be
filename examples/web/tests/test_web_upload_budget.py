"""Uploads are read off the event loop within a time budget: one upload never stalls other requests.

Reproducer of issue 27: the upload handler parsed the file inside its ``async`` function, so a
workbook that took 42 s to read held every other request (a GET waited 42 s). Here the reading is
replaced by a stub that blocks until the test releases it; nothing is timed. The stub's wait has
a generous cap only so that the old behaviour fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from qframework_web import app as web
from web_fixtures import PASSWORD, REGISTRY, csrf_of, seed_db

from qframework.errors import Problem, ValidationError

CAP = 5.0  # seconds the stub waits for its release before giving up (only when the loop is blocked)


class _BlockingReader:
    """Stands in for the workbook reader: says it started, waits to be released, then refuses."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.released: list[bool] = []

    def __call__(self, data: bytes, **kwargs: Any) -> Any:
        self.started.set()
        self.released.append(self.release.wait(CAP))
        raise ValidationError([Problem("", "stub refused the file")], kwargs.get("file"))


async def _logged_in(client: httpx.AsyncClient) -> str:
    """Log a rater of Musterstadt in (uploads need an account since issue 28); returns the upload form's CSRF token."""
    login_page = await client.get("/login")
    credentials = {"username": "hebamme", "password": PASSWORD, "next": "/"}
    await client.post("/login", data={"csrf": csrf_of(login_page.text), **credentials})
    page = await client.get("/upload")
    assert page.status_code == 200
    return csrf_of(page.text)


async def _upload_while(app: Any, reader: _BlockingReader, during: str) -> tuple[int, int, str]:
    """Post a workbook; while it is being read, GET ``during``; then release the reader."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
        token = await _logged_in(client)
        upload = asyncio.create_task(
            client.post("/upload", data={"csrf": token}, files={"file": ("a.xlsx", b"PK\x03\x04 workbook")})
        )
        assert await asyncio.to_thread(reader.started.wait, CAP)
        other = await client.get(during)
        reader.release.set()
        answer = await upload
    return other.status_code, answer.status_code, answer.text


def test_a_get_is_answered_while_an_upload_is_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader = _BlockingReader()
    monkeypatch.setattr(web, "loads_assessment_xlsx", reader)
    seed_db(tmp_path / "web.sqlite")
    app = web.create_app(tmp_path / "web.sqlite", registry=REGISTRY)
    other, status, text = asyncio.run(_upload_while(app, reader, "/"))
    assert other == 200
    assert reader.released == [True]  # the GET was answered before the reader was let go
    assert status == 422 and "stub refused the file" in text


def test_an_upload_past_its_budget_is_answered_with_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader = _BlockingReader()
    monkeypatch.setattr(web, "loads_assessment_xlsx", reader)
    monkeypatch.setattr(web, "PARSE_BUDGET", 0.01)
    seed_db(tmp_path / "web.sqlite")
    app = web.create_app(tmp_path / "web.sqlite", registry=REGISTRY)

    async def run() -> tuple[int, str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
            token = await _logged_in(client)
            answer = await client.post(
                "/upload", data={"csrf": token}, files={"file": ("a.xlsx", b"PK\x03\x04 workbook")}
            )
            reader.release.set()  # the worker thread, still reading, ends
            return answer.status_code, answer.text

    status, text = asyncio.run(run())
    assert status == 422
    assert "took longer than" in text


def test_the_reader_runs_in_the_requests_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker thread sees the request's context variables (the language of its messages)."""
    import contextvars

    marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="worker")
    seen: list[str] = []

    def reader(data: bytes, **kwargs: Any) -> Any:
        seen.append(marker.get())
        raise ValidationError([Problem("", "stub refused the file")], kwargs.get("file"))

    monkeypatch.setattr(web, "loads_assessment_xlsx", reader)
    seed_db(tmp_path / "web.sqlite")
    app = web.create_app(tmp_path / "web.sqlite", registry=REGISTRY)

    async def run() -> int:
        marker.set("request")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
            token = await _logged_in(client)
            answer = await client.post("/upload", data={"csrf": token}, files={"file": ("a.xlsx", b"PK\x03\x04")})
            return answer.status_code

    assert asyncio.run(run()) == 422
    assert seen == ["request"]
