"""The first tables: secretariats, people, memberships, commitments, flow runs, processed updates.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

NOW = sa.text("CURRENT_TIMESTAMP")


def _stamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    """A UTC timestamp; the non-null ones default to the time of the insert."""
    if nullable:
        return sa.Column(name, sa.DateTime(timezone=True), nullable=True)
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=NOW)


def upgrade() -> None:
    op.create_table(
        "secretariats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False, server_default="stl"),
        sa.Column("territory", sa.String(), nullable=True),
        sa.Column(
            "timezone", sa.String(length=64), nullable=False, server_default="America/Mexico_City"
        ),
        sa.Column("digest_schedule", sa.String(length=100), nullable=True),
        sa.Column("group_chat_id", sa.BigInteger(), nullable=True),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_secretariats"),
        sa.CheckConstraint("kind IN ('stl', 'mesa')", name="ck_secretariats_kind"),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("sector", sa.String(length=100), nullable=True),
        _stamp("consent_at", nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("key", name="uq_people_key"),
        sa.UniqueConstraint("telegram_id", name="uq_people_telegram_id"),
    )
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secretariat_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False, server_default="borrador"),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_commitments"),
        sa.ForeignKeyConstraint(
            ["secretariat_id"],
            ["secretariats.id"],
            name="fk_commitments_secretariat_id_secretariats",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["people.id"],
            name="fk_commitments_created_by_people",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_commitments_secretariat_id", "commitments", ["secretariat_id"])
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("secretariat_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False, server_default="member"),
        _stamp("joined_at"),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.UniqueConstraint(
            "person_id", "secretariat_id", name="uq_memberships_person_id_secretariat_id"
        ),
        sa.CheckConstraint("role IN ('member', 'coordinator')", name="ck_memberships_role"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_memberships_person_id_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["secretariat_id"],
            ["secretariats.id"],
            name="fk_memberships_secretariat_id_secretariats",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_memberships_secretariat_id", "memberships", ["secretariat_id"])
    op.create_table(
        "flow_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("secretariat_id", sa.Integer(), nullable=True),
        sa.Column("flow_id", sa.String(length=100), nullable=False),
        sa.Column("content_version", sa.String(length=64), nullable=False),
        sa.Column("step_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False, server_default="active"),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        _stamp("started_at"),
        _stamp("updated_at"),
        _stamp("finished_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_flow_runs"),
        sa.CheckConstraint("status IN ('active', 'paused', 'done')", name="ck_flow_runs_status"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_flow_runs_person_id_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["secretariat_id"],
            ["secretariats.id"],
            name="fk_flow_runs_secretariat_id_secretariats",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name="fk_flow_runs_commitment_id_commitments",
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        "ix_flow_runs_person_status_updated", "flow_runs", ["person_id", "status", "updated_at"]
    )
    op.create_table(
        "processed_updates",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        _stamp("processed_at"),
        sa.PrimaryKeyConstraint("channel", "update_id", name="pk_processed_updates"),
    )


def downgrade() -> None:
    op.drop_table("processed_updates")
    op.drop_index("ix_flow_runs_person_status_updated", table_name="flow_runs")
    op.drop_table("flow_runs")
    op.drop_index("ix_memberships_secretariat_id", table_name="memberships")
    op.drop_table("memberships")
    op.drop_index("ix_commitments_secretariat_id", table_name="commitments")
    op.drop_table("commitments")
    op.drop_table("people")
    op.drop_table("secretariats")
