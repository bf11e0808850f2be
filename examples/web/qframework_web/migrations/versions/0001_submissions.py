"""The first schema (before accounts): one row per Kommune, period and rater, overwritten on resubmission.

Databases made by the tool's first versions already have this table (and no Alembic version): it is
left as it is, and 0002 moves its rows into versions.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("submissions"):
        return
    op.create_table(
        "submissions",
        sa.Column("framework_id", sa.Text, nullable=False),
        sa.Column("subject_id", sa.Text, nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("rater", sa.Text, nullable=False),
        sa.Column("framework_version", sa.Text, nullable=False),
        sa.Column("subject_name", sa.Text, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("framework_id", "subject_id", "period", "rater"),
    )
