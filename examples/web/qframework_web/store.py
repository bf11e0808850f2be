"""The web tool's data behind one interface: SQLite (default, WAL) or PostgreSQL, through SQLAlchemy 2 Core.

The schema is made and upgraded by Alembic (``migrations/``) when a :class:`Store` opens a database.

- **versions**: every submission is a new row per rater (``''`` for the joint rating) holding that
  rater's part as a qframework JSON document, with who sent it and when. Nothing is overwritten:
  the current assessment of a Kommune and period is the latest version of each rater, combined
  (``combine_assessments``); restoring a version stores it again as the newest.
- **kommunen**: the directory the office keeps (id by :func:`slugify`, name, Regionalschlüssel, location).
- **accounts** (argon2 password hashes, API keys as SHA-256 hashes), one-time **invitations** (only the
  hash of the token is kept), **login_failures** (for the rate limit), **settings** (the session secret).

On SQLite, writes run in ``BEGIN IMMEDIATE`` transactions with a busy timeout, so concurrent writers
wait for each other; on PostgreSQL every write is its own transaction. A version is an insert, so two
raters (or the same rater twice) sending at the same moment never lose each other's answers.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qframework import Assessment, combine_assessments, dumps, io

ROLES = ("admin", "coordinator", "rater")
#: A period is an id-like word: ``2025``, ``2025-H1``. No ``/`` (it would become a path in the app's links).
PERIOD = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,31}")
USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{1,31}")
MIN_PASSWORD = 10
REGIONALSCHLUESSEL = re.compile(r"[0-9]{12}")
EXPORT_FORMAT = "qframework-web-export"

metadata = sa.MetaData()
settings = sa.Table(
    "settings", metadata, sa.Column("key", sa.String(50), primary_key=True), sa.Column("value", sa.Text, nullable=False)
)
kommunen = sa.Table(
    "kommunen",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("regionalschluessel", sa.String(12), nullable=True),
    sa.Column("latitude", sa.Float, nullable=True),
    sa.Column("longitude", sa.Float, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(32), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("kommune_id", sa.String(100), sa.ForeignKey("kommunen.id"), nullable=True),
    sa.Column("password_hash", sa.String(200), nullable=True),
    sa.Column("api_key_hash", sa.String(64), nullable=True, unique=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("kommune_id", sa.String(100), sa.ForeignKey("kommunen.id"), nullable=False),
    sa.Column("created_by", sa.String(32), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("used_at", sa.DateTime, nullable=True),
    sa.Column("used_by", sa.String(32), nullable=True),
)
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
)
versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("framework_id", sa.String(100), nullable=False),
    sa.Column("subject_id", sa.String(100), nullable=False),
    sa.Column("period", sa.String(32), nullable=False),
    sa.Column("rater", sa.String(100), nullable=False),
    sa.Column("framework_version", sa.String(50), nullable=False),
    sa.Column("subject_name", sa.String(200), nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("submitted_by", sa.String(32), nullable=False),
    sa.Column("submitted_at", sa.DateTime, nullable=False),
    sa.Column("restored_from", sa.Integer, nullable=True),
    sa.Index("versions_by_part", "framework_id", "subject_id", "period", "rater", "id"),
)

_HASHER = PasswordHasher()
#: Verified against when a user name is unknown, so that a login takes as long either way.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def now() -> datetime:
    """The current time in UTC, without tzinfo (how every time is stored, on both databases)."""
    return datetime.now(UTC).replace(tzinfo=None)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def token_hash(token: str) -> str:
    """API keys and invitation tokens are long random strings: stored as their SHA-256, looked up by it."""
    return hashlib.sha256(token.encode()).hexdigest()


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})


def slugify(name: str) -> str:
    """A Kommune's id from its name: ``Göttingen`` → ``goettingen``, ``Landkreis Gießen`` → ``landkreis-giessen``."""
    text = unicodedata.normalize("NFC", name).translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:100]


def database_url(db: str | Path) -> str:
    """``--db``: a file name is an SQLite file; ``postgresql://…`` uses psycopg 3; any SQLAlchemy URL as is."""
    text = str(db)
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).resolve()}"


@attrs.frozen
class Kommune:
    """One assessed Kommune in one period, as the overview lists it."""

    framework_id: str
    subject_id: str
    subject_name: str
    period: str
    raters: int


@attrs.frozen
class Entry:
    """A Kommune of the directory."""

    id: str
    name: str
    regionalschluessel: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@attrs.frozen
class Account:
    id: int
    username: str
    name: str
    role: str
    kommune_id: str | None
    active: bool = True
    has_api_key: bool = False


@attrs.frozen
class Version:
    """One stored submission of one rater (``''``: the joint rating)."""

    id: int
    framework_id: str
    subject_id: str
    period: str
    rater: str
    submitted_by: str
    submitted_at: datetime
    restored_from: int | None
    current: bool = False


@attrs.frozen
class Invitation:
    role: str
    kommune_id: str
    created_by: str
    expires_at: datetime


class Conflict(Exception):
    """A name or id that is taken, or an invitation that is used or expired."""


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


def _account(row: Any) -> Account:
    return Account(
        row.id, row.username, row.name, row.role, row.kommune_id, bool(row.active), row.api_key_hash is not None
    )


class Store:
    """The web tool's database at ``db`` (a file name for SQLite, or a URL); upgraded to the newest schema."""

    def __init__(self, db: str | Path, *, upgrade: bool = True) -> None:
        self.url = database_url(db)
        self.sqlite = self.url.startswith("sqlite")
        if self.sqlite:
            args = {"timeout": 30, "check_same_thread": False}
            self._read = sa.create_engine(self.url, connect_args=args)
            self._write = sa.create_engine(self.url, connect_args=args)
            for engine, begin in ((self._read, "BEGIN"), (self._write, "BEGIN IMMEDIATE")):
                _sqlite_events(engine, begin)
        else:
            self._read = self._write = sa.create_engine(self.url, pool_pre_ping=True)
        if upgrade:
            self.upgrade()

    def close(self) -> None:
        self._read.dispose()
        self._write.dispose()

    def upgrade(self) -> None:
        """Create or upgrade the schema with Alembic (one process at a time: a lock on PostgreSQL)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
        with self._write.begin() as conn:
            if not self.sqlite:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(2826)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        with self._write.begin() as conn:
            yield conn

    @contextmanager
    def _ro(self) -> Iterator[sa.Connection]:
        with self._read.connect() as conn:
            yield conn

    # -- settings ---------------------------------------------------------------------------------

    def secret(self) -> str:
        """The key that signs sessions, made on first use and shared by every worker on this database."""
        query = sa.select(settings.c.value).where(settings.c.key == "session_secret")
        try:
            with self._tx() as db:
                value = db.execute(query).scalar()
                if value is None:
                    value = secrets.token_urlsafe(48)
                    db.execute(settings.insert().values(key="session_secret", value=value))
        except sa.exc.IntegrityError:  # another worker made it at the same moment: theirs counts
            with self._ro() as db:
                value = db.execute(query).scalar()
        return str(value)

    # -- the Kommune directory ----------------------------------------------------------------------

    def add_kommune(
        self,
        name: str,
        kommune_id: str = "",
        regionalschluessel: str | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> Entry:
        entry = Entry(kommune_id or slugify(name), name, regionalschluessel or None, latitude, longitude)
        with self._tx() as db:
            if db.execute(sa.select(kommunen.c.id).where(kommunen.c.id == entry.id)).first() is not None:
                raise Conflict(entry.id)
            db.execute(kommunen.insert().values(**attrs.asdict(entry), created_at=now()))
        return entry

    def kommune(self, kommune_id: str) -> Entry | None:
        with self._ro() as db:
            row = db.execute(sa.select(kommunen).where(kommunen.c.id == kommune_id)).first()
        return None if row is None else Entry(row.id, row.name, row.regionalschluessel, row.latitude, row.longitude)

    def directory(self) -> list[Entry]:
        with self._ro() as db:
            rows = db.execute(sa.select(kommunen).order_by(kommunen.c.name, kommunen.c.id)).all()
        return [Entry(r.id, r.name, r.regionalschluessel, r.latitude, r.longitude) for r in rows]

    # -- accounts ---------------------------------------------------------------------------------

    def create_account(
        self,
        username: str,
        name: str,
        role: str,
        kommune_id: str | None,
        password: str | None,
        *,
        password_hash: str | None = None,
    ) -> Account:
        """A new account (``password_hash``: an argon2 hash made before, e.g. by :func:`hash_password`)."""
        if role not in ROLES or (role == "admin") != (kommune_id is None):
            raise ValueError(f"role {role!r} with Kommune {kommune_id!r}")
        pw = _HASHER.hash(password) if password else password_hash
        with self._tx() as db:
            if db.execute(sa.select(accounts.c.id).where(accounts.c.username == username)).first() is not None:
                raise Conflict(username)
            new = db.execute(
                accounts.insert().values(
                    username=username,
                    name=name,
                    role=role,
                    kommune_id=kommune_id,
                    password_hash=pw,
                    active=True,
                    created_at=now(),
                )
            ).inserted_primary_key
        return Account(int(new[0]), username, name, role, kommune_id)

    def account(self, account_id: int) -> Account | None:
        with self._ro() as db:
            row = db.execute(sa.select(accounts).where(accounts.c.id == account_id)).first()
        return None if row is None else _account(row)

    def accounts(self, kommune_id: str | None = None) -> list[Account]:
        query = sa.select(accounts).order_by(accounts.c.kommune_id, accounts.c.role, accounts.c.username)
        if kommune_id is not None:
            query = query.where(accounts.c.kommune_id == kommune_id)
        with self._ro() as db:
            return [_account(r) for r in db.execute(query).all()]

    def check_password(self, username: str, password: str) -> Account | None:
        """The active account with that user name and password, else ``None`` (as slow either way)."""
        with self._ro() as db:
            row = db.execute(sa.select(accounts).where(accounts.c.username == username)).first()
        stored = row.password_hash if row is not None and row.active and row.password_hash else _DUMMY_HASH
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or stored is _DUMMY_HASH:
            return None
        if _HASHER.check_needs_rehash(stored):
            with self._tx() as db:
                db.execute(
                    accounts.update().where(accounts.c.id == row.id).values(password_hash=_HASHER.hash(password))
                )
        return _account(row)

    def set_active(self, account_id: int, active: bool) -> None:
        """Lock an account out (its sessions and API key stop working at once) or let it in again."""
        with self._tx() as db:
            db.execute(accounts.update().where(accounts.c.id == account_id).values(active=active))

    def new_api_key(self, account_id: int) -> str:
        """A new API key for the account (replacing its old one); only its hash is kept, so it is shown once."""
        key = "qfk_" + secrets.token_urlsafe(32)
        with self._tx() as db:
            db.execute(accounts.update().where(accounts.c.id == account_id).values(api_key_hash=token_hash(key)))
        return key

    def account_by_api_key(self, key: str) -> Account | None:
        if not key.startswith("qfk_") or len(key) > 100:
            return None
        with self._ro() as db:
            row = db.execute(sa.select(accounts).where(accounts.c.api_key_hash == token_hash(key))).first()
        return None if row is None or not row.active else _account(row)

    # -- invitations --------------------------------------------------------------------------------

    def invite(self, role: str, kommune_id: str, created_by: str, days: int = 7) -> str:
        """A one-time invitation token for a new account of ``role`` in ``kommune_id``, valid ``days`` days."""
        token = secrets.token_urlsafe(32)
        with self._tx() as db:
            # invitations 30 days past their expiry are of no more use: who used which is in the accounts
            db.execute(invitations.delete().where(invitations.c.expires_at < now() - timedelta(days=30)))
            db.execute(
                invitations.insert().values(
                    token_hash=token_hash(token),
                    role=role,
                    kommune_id=kommune_id,
                    created_by=created_by,
                    created_at=now(),
                    expires_at=now() + timedelta(days=days),
                )
            )
        return token

    def invitation(self, token: str) -> Invitation | None:
        """The invitation of ``token`` if it is unused and has not expired."""
        with self._ro() as db:
            row = db.execute(sa.select(invitations).where(invitations.c.token_hash == token_hash(token))).first()
        if row is None or row.used_at is not None or row.expires_at <= now():
            return None
        return Invitation(row.role, row.kommune_id, row.created_by, row.expires_at)

    def accept(self, token: str, username: str, name: str, password: str) -> Account:
        """Use the invitation once: the new account, or :class:`Conflict` (used, expired, name taken)."""
        with self._tx() as db:
            claimed = db.execute(
                invitations.update()
                .where(
                    invitations.c.token_hash == token_hash(token),
                    invitations.c.used_at.is_(None),
                    invitations.c.expires_at > now(),
                )
                .values(used_at=now(), used_by=username)
                .returning(invitations.c.role, invitations.c.kommune_id)
            ).first()
            if claimed is None:
                raise Conflict("invitation")
            if db.execute(sa.select(accounts.c.id).where(accounts.c.username == username)).first() is not None:
                raise Conflict(username)  # the transaction is rolled back: the invitation stays usable
            new = db.execute(
                accounts.insert().values(
                    username=username,
                    name=name,
                    role=claimed.role,
                    kommune_id=claimed.kommune_id,
                    password_hash=_HASHER.hash(password),
                    active=True,
                    created_at=now(),
                )
            ).inserted_primary_key
        return Account(int(new[0]), username, name, claimed.role, claimed.kommune_id)

    # -- the login rate limit ---------------------------------------------------------------------

    def failures(self, key: str, window: timedelta) -> int:
        with self._ro() as db:
            count = db.execute(
                sa.select(sa.func.count())
                .select_from(login_failures)
                .where(login_failures.c.key == key, login_failures.c.at > now() - window)
            ).scalar()
        return int(count or 0)

    def record_failure(self, *keys: str) -> None:
        with self._tx() as db:
            db.execute(login_failures.delete().where(login_failures.c.at < now() - timedelta(days=1)))
            db.execute(login_failures.insert(), [{"key": k, "at": now()} for k in keys])

    def clear_failures(self, key: str) -> None:
        with self._tx() as db:
            db.execute(login_failures.delete().where(login_failures.c.key == key))

    # -- assessments and their versions ------------------------------------------------------------

    def put(self, assessment: Assessment, submitted_by: str) -> int:
        """Store every rater's part of ``assessment`` as a new version, in one transaction; returns how many."""
        at = now()
        rows = [
            {
                "framework_id": assessment.framework,
                "subject_id": assessment.subject.id,
                "period": assessment.period,
                "rater": rater,
                "framework_version": assessment.framework_version,
                "subject_name": assessment.subject.name,
                "document": dumps(part, format="json"),
                "submitted_by": submitted_by,
                "submitted_at": at,
            }
            for rater, part in split_by_rater(assessment)
        ]
        with self._tx() as db:
            db.execute(versions.insert(), rows)
        return len(rows)

    @staticmethod
    def _current(framework_id: str | None = None, subject_id: str | None = None, period: str | None = None) -> Any:
        """The latest version of each rater (of one Kommune and period, where given), as a subquery."""
        latest = sa.select(sa.func.max(versions.c.id).label("id")).group_by(
            versions.c.framework_id, versions.c.subject_id, versions.c.period, versions.c.rater
        )
        for column, value in (("framework_id", framework_id), ("subject_id", subject_id), ("period", period)):
            if value is not None:
                latest = latest.where(versions.c[column] == value)
        return latest.subquery()

    def parts(self, framework_id: str, subject_id: str, period: str, rater: str | None = None) -> list[Assessment]:
        """The current single-rater assessments of one Kommune and period (only ``rater``'s, if given)."""
        latest = self._current(framework_id, subject_id, period)
        query = sa.select(versions.c.document).join(latest, versions.c.id == latest.c.id).order_by(versions.c.rater)
        if rater is not None:
            query = query.where(versions.c.rater == rater)
        with self._ro() as db:
            docs = db.execute(query).scalars().all()
        return [io.loads(Assessment, doc, format="json") for doc in docs]

    def combined(self, framework_id: str, subject_id: str, period: str, rater: str | None = None) -> Assessment | None:
        """The current parts as one assessment (``None`` if nothing is stored)."""
        parts = self.parts(framework_id, subject_id, period, rater)
        return combine_assessments(parts) if parts else None

    def periods(self, framework_id: str, subject_id: str, rater: str | None = None) -> list[str]:
        query = (
            sa.select(versions.c.period)
            .distinct()
            .where(versions.c.framework_id == framework_id, versions.c.subject_id == subject_id)
        )
        if rater is not None:
            query = query.where(versions.c.rater == rater)
        with self._ro() as db:
            return sorted(db.execute(query).scalars().all())

    def assessed(self, subject_id: str | None = None, rater: str | None = None) -> list[Kommune]:
        """The Kommunen and periods with a current assessment (of one Kommune / by one rater, where given)."""
        latest = self._current(subject_id=subject_id)
        v = versions
        query = (
            sa.select(v.c.framework_id, v.c.subject_id, sa.func.max(v.c.subject_name), v.c.period, sa.func.count())
            .join(latest, v.c.id == latest.c.id)
            .group_by(v.c.framework_id, v.c.subject_id, v.c.period)
            .order_by(v.c.framework_id, v.c.subject_id, v.c.period)
        )
        if rater is not None:
            query = query.where(v.c.rater == rater)
        with self._ro() as db:
            return [Kommune(*row) for row in db.execute(query).all()]

    def versions(self, framework_id: str, subject_id: str, period: str) -> list[Version]:
        """Every version of one Kommune and period, newest first, the current ones marked."""
        latest = self._current(framework_id, subject_id, period)
        v = versions
        with self._ro() as db:
            current = set(db.execute(sa.select(latest.c.id)).scalars().all())
            rows = db.execute(
                sa.select(v)
                .where(v.c.framework_id == framework_id, v.c.subject_id == subject_id, v.c.period == period)
                .order_by(v.c.id.desc())
            ).all()
        return [
            Version(
                r.id,
                r.framework_id,
                r.subject_id,
                r.period,
                r.rater,
                r.submitted_by,
                r.submitted_at,
                r.restored_from,
                r.id in current,
            )
            for r in rows
        ]

    def version(self, version_id: int) -> tuple[Version, Assessment] | None:
        with self._ro() as db:
            r = db.execute(sa.select(versions).where(versions.c.id == version_id)).first()
        if r is None:
            return None
        meta = Version(
            r.id, r.framework_id, r.subject_id, r.period, r.rater, r.submitted_by, r.submitted_at, r.restored_from
        )
        return meta, io.loads(Assessment, r.document, format="json")

    def restore(self, version_id: int, submitted_by: str) -> int:
        """Store an old version again as its rater's newest; returns the new version's id."""
        with self._tx() as db:
            r = db.execute(sa.select(versions).where(versions.c.id == version_id)).first()
            if r is None:
                raise KeyError(version_id)
            row = {
                c: getattr(r, c)
                for c in (
                    "framework_id",
                    "subject_id",
                    "period",
                    "rater",
                    "framework_version",
                    "subject_name",
                    "document",
                )
            }
            new = db.execute(
                versions.insert().values(**row, submitted_by=submitted_by, submitted_at=now(), restored_from=r.id)
            ).inserted_primary_key
        return int(new[0])

    def forget_name(self, rater: str) -> int:
        """Remove the name (personal data) of ``rater`` from every version of theirs, and from their account.

        Ratings, evidence, comments, the rater's id and role stay: the scorecards do not change. Returns how
        many versions carried the name.
        """
        changed = 0
        with self._tx() as db:
            rows = db.execute(sa.select(versions.c.id, versions.c.document).where(versions.c.rater == rater)).all()
            for row in rows:
                a = io.loads(Assessment, row.document, format="json")
                if any(r.name for r in a.raters):
                    cleaned = attrs.evolve(a, raters=tuple(attrs.evolve(r, name="") for r in a.raters))
                    db.execute(
                        versions.update().where(versions.c.id == row.id).values(document=dumps(cleaned, format="json"))
                    )
                    changed += 1
            db.execute(accounts.update().where(accounts.c.username == rater).values(name=rater))
        return changed

    # -- export and import --------------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """Everything that makes the scorecards: the directory and every version (documents as JSON objects).

        Accounts are not exported: their passwords and keys cannot be, and who sent a version is in the version.
        """
        with self._ro() as db:
            directory = db.execute(sa.select(kommunen).order_by(kommunen.c.id)).all()
            rows = db.execute(sa.select(versions).order_by(versions.c.id)).all()
        return {
            "format": EXPORT_FORMAT,
            "format_version": 1,
            "kommunen": [
                {
                    "id": k.id,
                    "name": k.name,
                    "regionalschluessel": k.regionalschluessel,
                    "latitude": k.latitude,
                    "longitude": k.longitude,
                }
                for k in directory
            ],
            "versions": [
                {
                    "id": r.id,
                    "rater": r.rater,
                    "submitted_by": r.submitted_by,
                    "submitted_at": r.submitted_at.isoformat(),
                    "restored_from": r.restored_from,
                    "assessment": json.loads(r.document),
                }
                for r in rows
            ],
        }

    def import_(self, data: dict[str, Any]) -> int:
        """Load an :meth:`export` into this database, which must hold no Kommune and no version yet."""
        if data.get("format") != EXPORT_FORMAT or data.get("format_version") != 1:
            raise ValueError(f"not a {EXPORT_FORMAT} document of format_version 1")
        rows = []
        for v in data["versions"]:
            doc = json.dumps(v["assessment"], ensure_ascii=False)
            a = io.loads(Assessment, doc, format="json")  # checked like any upload
            rows.append(
                {
                    "id": int(v["id"]),
                    "framework_id": a.framework,
                    "subject_id": a.subject.id,
                    "period": a.period,
                    "rater": str(v["rater"]),
                    "framework_version": a.framework_version,
                    "subject_name": a.subject.name,
                    "document": dumps(a, format="json"),
                    "submitted_by": str(v["submitted_by"]),
                    "submitted_at": datetime.fromisoformat(v["submitted_at"]),
                    "restored_from": v.get("restored_from"),
                }
            )
        with self._tx() as db:
            if (
                db.execute(sa.select(sa.func.count()).select_from(versions)).scalar()
                or db.execute(sa.select(sa.func.count()).select_from(kommunen)).scalar()
            ):
                raise Conflict("the database is not empty")
            at = now()
            if data["kommunen"]:
                db.execute(kommunen.insert(), [{**k, "created_at": at} for k in data["kommunen"]])
            if rows:
                db.execute(versions.insert(), rows)
            if not self.sqlite and rows:  # explicit ids: move the sequence past them
                db.execute(
                    sa.text("SELECT setval(pg_get_serial_sequence('versions', 'id'), (SELECT max(id) FROM versions))")
                )
        return len(rows)


def _sqlite_events(engine: sa.Engine, begin: str) -> None:
    """WAL, a busy timeout and our own ``BEGIN`` (``BEGIN IMMEDIATE`` for the writing engine)."""

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite's own transaction handling off: we send BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql(begin)
