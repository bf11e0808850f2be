"""Accounts and invitations, the Kommune directory, and versions instead of overwritten rows.

Each row of ``submissions`` becomes the first version of its rater (sent by ``migration``), and each
Kommune it names enters the directory under its id and last name; then ``submissions`` is dropped.

Revision ID: 0002
Revises: 0001
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "settings", sa.Column("key", sa.String(50), primary_key=True), sa.Column("value", sa.Text, nullable=False)
    )
    kommunen = op.create_table(
        "kommunen",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("regionalschluessel", sa.String(12), nullable=True),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "accounts",
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
    op.create_table(
        "invitations",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("kommune_id", sa.String(100), sa.ForeignKey("kommunen.id"), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("used_at", sa.DateTime, nullable=True),
        sa.Column("used_by", sa.String(32), nullable=True),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_login_failures_key", "login_failures", ["key"])
    versions = op.create_table(
        "versions",
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
    )
    op.create_index("versions_by_part", "versions", ["framework_id", "subject_id", "period", "rater", "id"])

    bind = op.get_bind()
    old = sa.table(
        "submissions",
        *(
            sa.column(c)
            for c in ("framework_id", "subject_id", "period", "rater", "framework_version", "subject_name", "document")
        ),
    )
    rows = bind.execute(sa.select(old).order_by(old.c.subject_id, old.c.period, old.c.rater)).mappings().all()
    at = datetime.now(UTC).replace(tzinfo=None)
    names: dict[str, str] = {}
    for row in rows:
        names[row["subject_id"]] = row["subject_name"] or names.get(row["subject_id"], "") or row["subject_id"]
    if names:
        op.bulk_insert(kommunen, [{"id": k, "name": n, "created_at": at} for k, n in sorted(names.items())])
    if rows:
        op.bulk_insert(versions, [{**row, "submitted_by": "migration", "submitted_at": at} for row in rows])
    op.drop_table("submissions")
