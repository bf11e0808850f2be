"""Assessments in SQLite, stored as the library's own JSON documents (one row per rater).

Every submission is split into one single-rater assessment per rater (joint ratings, without a
rater, form their own row), keyed by framework, Kommune, period and rater: a rater who submits
again replaces their own row and nobody else's. Writes run in ``BEGIN IMMEDIATE`` transactions on
a WAL database, so concurrent raters of one Kommune wait for each other instead of losing ratings.
Each call opens its own connection: no connection is shared between threads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

from qframework import Assessment, combine_assessments, dumps, io

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    framework_id TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    period TEXT NOT NULL,
    rater TEXT NOT NULL,              -- '' for the joint rating
    framework_version TEXT NOT NULL,
    subject_name TEXT NOT NULL,
    document TEXT NOT NULL,           -- the assessment as qframework JSON
    PRIMARY KEY (framework_id, subject_id, period, rater)
);
"""


@attrs.frozen
class Kommune:
    """One assessed Kommune in one period, as the overview lists it."""

    framework_id: str
    subject_id: str
    subject_name: str
    period: str
    raters: int


def split_by_rater(assessment: Assessment) -> list[tuple[str, Assessment]]:
    """``(rater id or '', single-rater assessment)`` for each rater of ``assessment`` that rates something."""
    out = []
    for rater in assessment.raters:
        mine = tuple(r for r in assessment.ratings if r.rater == rater.id)
        out.append((rater.id, attrs.evolve(assessment, raters=(rater,), ratings=mine)))
    joint = tuple(r for r in assessment.ratings if r.rater is None)
    if joint or not assessment.raters:
        out.append(("", attrs.evolve(assessment, raters=(), ratings=joint)))
    return out


class Store:
    """The assessments of one web tool, in the SQLite file ``path`` (created with its schema)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=30000")
            yield db
        finally:
            db.close()

    def put(self, assessment: Assessment) -> int:
        """Store every rater's part of ``assessment`` in one transaction; returns how many rows were written."""
        rows = [
            (
                assessment.framework_id,
                assessment.subject.id,
                assessment.period,
                rater,
                assessment.framework_version,
                assessment.subject.name,
                dumps(part, format="json"),
            )
            for rater, part in split_by_rater(assessment)
        ]
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (framework_id, subject_id, period, rater) DO UPDATE SET "
                    "framework_version = excluded.framework_version, subject_name = excluded.subject_name, "
                    "document = excluded.document",
                    rows,
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return len(rows)

    def parts(self, framework_id: str, subject_id: str, period: str) -> list[Assessment]:
        """The stored single-rater assessments of one Kommune and period, joint rating first, then by rater."""
        with self._connect() as db:
            docs = db.execute(
                "SELECT document FROM submissions WHERE framework_id = ? AND subject_id = ? AND period = ? "
                "ORDER BY rater",
                (framework_id, subject_id, period),
            ).fetchall()
        return [io.loads(Assessment, doc, format="json") for (doc,) in docs]

    def combined(self, framework_id: str, subject_id: str, period: str) -> Assessment | None:
        """All raters' parts as one assessment (``None`` if nothing is stored)."""
        parts = self.parts(framework_id, subject_id, period)
        return combine_assessments(parts) if parts else None

    def periods(self, framework_id: str, subject_id: str) -> list[str]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT DISTINCT period FROM submissions WHERE framework_id = ? AND subject_id = ? ORDER BY period",
                (framework_id, subject_id),
            ).fetchall()
        return [p for (p,) in rows]

    def kommunen(self) -> list[Kommune]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT framework_id, subject_id, MAX(subject_name), period, COUNT(*) FROM submissions "
                "GROUP BY framework_id, subject_id, period ORDER BY framework_id, subject_id, period"
            ).fetchall()
        return [Kommune(*row) for row in rows]
