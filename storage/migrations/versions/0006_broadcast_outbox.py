"""Broadcasts (/difundir) go through the outbox: a third row kind, `broadcast`.

A confirmed /difundir writes one outbox row per recipient in the same transaction as the
confirmation, and the dispatcher sends them, so a process killed half-way still sends the rest.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("ck_outbox_kind", type_="check")
        batch.create_check_constraint("ck_outbox_kind", "kind IN ('reminder', 'digest', 'broadcast')")


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE kind = 'broadcast'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("ck_outbox_kind", type_="check")
        batch.create_check_constraint("ck_outbox_kind", "kind IN ('reminder', 'digest')")
