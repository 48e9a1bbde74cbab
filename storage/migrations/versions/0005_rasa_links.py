"""Rasa senders linked to people through one-time codes from Telegram (issue 22, item 1).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "rasa_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sender", sa.String(length=255), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_rasa_links"),
        sa.UniqueConstraint("code_hash", name="uq_rasa_links_code_hash"),
        sa.UniqueConstraint("sender", name="uq_rasa_links_sender"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_rasa_links_person_id_people", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_rasa_links_person_id", "rasa_links", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_rasa_links_person_id", table_name="rasa_links")
    op.drop_table("rasa_links")
