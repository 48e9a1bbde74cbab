"""Who is responsible for the personal data of a secretariat's members, named in the privacy notice.

Empty: the notice names the secretariat's coordination. Set with `cocrea secretariat set
SECRETARIADO --data-controller "…"` (or `secretariat add … --data-controller`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite takes it with a constant default): a batch would copy the table, and
    # dropping the old secretariats table fails while memberships and commitments point at it.
    op.add_column("secretariats", sa.Column("data_controller", sa.String(length=200), nullable=False,
                                            server_default=sa.text("''")))


def downgrade() -> None:
    # A plain DROP COLUMN too (SQLite ≥ 3.35): a batch copy would drop the old secretariats table, and
    # with it, through ON DELETE CASCADE, every membership and commitment.
    op.drop_column("secretariats", "data_controller")
