"""Where a person acts: `memberships.acting`, at most one a person (a partial unique index).

A person in several secretariats picks the one they work in with /secretariado. Existing people
keep acting where they did: their first joined membership (then the lowest id) is marked.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

# The first joined membership of each person: no other of theirs came earlier.
_BACKFILL = sa.text(
    "UPDATE memberships SET acting = :yes WHERE NOT EXISTS ("
    " SELECT 1 FROM memberships AS earlier WHERE earlier.person_id = memberships.person_id"
    " AND (earlier.joined_at < memberships.joined_at"
    " OR (earlier.joined_at = memberships.joined_at AND earlier.id < memberships.id)))"
).bindparams(sa.bindparam("yes", True, type_=sa.Boolean()))


def upgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(sa.Column("acting", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(_BACKFILL)
    op.create_index("uq_memberships_person_acting", "memberships", ["person_id"], unique=True,
                    sqlite_where=sa.text("acting"), postgresql_where=sa.text("acting"))


def downgrade() -> None:
    op.drop_index("uq_memberships_person_acting", table_name="memberships")
    with op.batch_alter_table("memberships") as batch:
        batch.drop_column("acting")
