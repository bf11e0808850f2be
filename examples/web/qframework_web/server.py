"""Serving the tool with uvicorn, with limits on idle and slow connections.

uvicorn closes a kept-alive connection after ``timeout_keep_alive`` seconds without a request, but a
connection that never finishes its first request head (slowloris: a byte every few seconds, or
nothing at all) stays open. :class:`GuardedH11Protocol` gives every request head ``HEAD_TIMEOUT``
seconds from the connection (or from the previous response) to arrive in full, then closes it.
``uvicorn --http qframework_web.server:GuardedH11Protocol`` uses it with uvicorn's own command.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a request's head (request line and headers) may take to arrive.
HEAD_TIMEOUT = 10.0
#: Seconds an idle kept-alive connection stays open.
KEEP_ALIVE = 5
#: The largest request head h11 buffers (bytes).
MAX_HEAD = 16 * 1024


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request head does not arrive in time."""

    head_timeout = HEAD_TIMEOUT
    _head_timer: asyncio.TimerHandle | None = None
    _head_cycle: Any = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._head_cycle = self.cycle
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not self._head_cycle:  # a request head arrived in full: the app has it now
            self._disarm()
            self._head_cycle = self.cycle

    def on_response_complete(self) -> None:
        self._arm()  # the next request's head gets the same time (before a pipelined one is handled)
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def uvicorn_config(app: Any, host: str, port: int, **options: Any) -> Any:
    """uvicorn's configuration for the tool: the guarded protocol, short keep-alive, a bounded head."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=GuardedH11Protocol,
        timeout_keep_alive=KEEP_ALIVE,
        h11_max_incomplete_event_size=MAX_HEAD,
        **options,
    )
