"""Shared helpers of the web tests: form fields of one NZFH rater, and the app served by uvicorn on a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qframework.plugins import load_registry

REGISTRY = load_registry()
NZFH = REGISTRY.frameworks["nzfh-qualitaetsrahmen"]
INDICATORS = [i.id for d in NZFH.dimensions for i in d.indicators]


def rater_fields(rater: str, value: int, subject: str = "musterstadt", name: str = "Musterstadt") -> dict[str, str]:
    """Every NZFH indicator rated ``value`` by ``rater`` of ``subject`` in 2025."""
    fields = {"subject.id": subject, "subject.name": name, "period": "2025", "rater.id": rater}
    fields.update({f"{i}.rating": str(value) for i in INDICATORS})
    return fields


@contextmanager
def serve(db: Path) -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, in a thread; yields its base URL."""
    import uvicorn
    from qframework_web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(db, registry=REGISTRY), host="127.0.0.1", port=port, log_level="warning")
    )
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
