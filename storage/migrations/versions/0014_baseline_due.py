"""An indicator whose baseline is «pendiente de medir» keeps the date the group agreed to measure it:
`indicators.baseline_due`, a nullable date (Kit 8).

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("indicators", sa.Column("baseline_due", sa.Date(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops the column in place: a batch rebuild would drop the old `indicators` table,
    # and with foreign keys on that deletes every indicator report (ON DELETE CASCADE).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE indicators DROP COLUMN baseline_due")
    else:
        op.drop_column("indicators", "baseline_due")
