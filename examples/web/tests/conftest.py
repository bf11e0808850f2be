"""The web example's package is not installed: put examples/web (and these tests' helpers) on the path.

Fixtures: ``postgres`` starts a throwaway PostgreSQL cluster (Debian's ``postgresql`` package, which
``.ci/run`` installs) on a Unix socket in a temporary folder, once per test session, and stops it at
the end; ``db_url`` is an empty database on SQLite or on that server, for tests parametrised over both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for folder in (str(HERE.parent), str(HERE)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

DATABASES = ["sqlite", "postgresql"]


class Postgres:
    """A PostgreSQL server of our own: ``initdb`` into a temporary folder, ``pg_ctl`` to start and stop."""

    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            pytest.fail(
                "PostgreSQL's server programs are missing (/usr/lib/postgresql/*/bin/initdb): "
                ".ci/run installs them (apt-get install postgresql)",
                pytrace=False,
            )
        self.bin = found[-1].parent
        self.root = Path(tempfile.mkdtemp(prefix="qf-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        # PostgreSQL refuses to run as root: then the cluster belongs to the package's user 'postgres'
        self.user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.user:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket, "postgres")
        self.count = 0

    def run(self, *args: str) -> None:
        subprocess.run([*self.user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--no-sync", "--locale=C.UTF-8")  # fmt: skip
        options = f"-c listen_addresses='' -c unix_socket_directories={self.socket} -c fsync=off -c max_connections=200"
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                 "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        try:
            self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self) -> str:
        """A fresh empty database on the server, as a SQLAlchemy URL."""
        import psycopg

        self.count += 1
        name = f"qf_{os.getpid()}_{self.count}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(f"host={self.socket} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@/{name}?host={self.socket}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    server = Postgres()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: an SQLite file, or a new database on the throwaway PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "web.sqlite")
    server: Postgres = request.getfixturevalue("postgres")
    return server.new_database()
