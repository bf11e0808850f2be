"""Idle and half-open connections are closed: the server as ``python -m qframework_web`` runs it.

uvicorn alone keeps a connection open for ever when its first request head never completes
(slowloris); :class:`qframework_web.server.GuardedH11Protocol` closes it after ``head_timeout``. The
tests wait for the server to close the socket (``recv`` returns ``b""``); a server that kept it open
would let ``recv`` run into the socket's own 60 s timeout instead, and the test would fail.
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest
from qframework_web.server import GuardedH11Protocol
from web_fixtures import serve


def connect(base: str) -> socket.socket:
    url = urlparse(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=60)
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    """True once the server closes the connection (after any answer it sends first)."""
    try:
        while chunk := sock.recv(65536):
            del chunk
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return True


@pytest.fixture
def quick_head_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(GuardedH11Protocol, "head_timeout", 1.0)


def test_a_connection_that_never_sends_a_request_is_closed(tmp_path: Path, quick_head_timeout: None) -> None:
    with serve(tmp_path / "web.sqlite") as base:
        silent, trickling = connect(base), connect(base)
        trickling.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\nX-Slow: a")  # a head that never ends
        assert closed_by_server(silent) and closed_by_server(trickling)
        silent.close()
        trickling.close()


def test_a_kept_alive_connection_is_closed_when_idle_and_requests_still_work(
    tmp_path: Path, quick_head_timeout: None
) -> None:
    with serve(tmp_path / "web.sqlite") as base:
        sock = connect(base)
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        assert closed_by_server(sock)  # nothing more was asked: closed after the keep-alive or head timeout
        sock.close()


def test_a_request_head_that_grows_without_end_is_refused(tmp_path: Path) -> None:
    """h11 buffers at most ``MAX_HEAD`` bytes of an unfinished head (its default is 16 times as much)."""
    with serve(tmp_path / "web.sqlite") as base:
        sock = connect(base)
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000)  # unfinished, past the limit
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 400")
        sock.close()
