"""The plan: invites, commitment history and sign-offs, milestones, indicators and their reports,
the audit log, the loaded content versions; secretariat settings for sign-off, quiet hours and escalation.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

NOW = sa.text("CURRENT_TIMESTAMP")


def _stamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    if nullable:
        return sa.Column(name, sa.DateTime(timezone=True), nullable=True)
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=NOW)


def _fk(column: str, table: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("secretariats") as batch:
        batch.add_column(
            sa.Column(
                "signoff_sectors", sa.String(length=200), nullable=False, server_default="gobierno,sociedad_civil"
            )
        )
        batch.add_column(
            sa.Column("quiet_hours", sa.String(length=11), nullable=False, server_default="09:00-19:00")
        )
        batch.add_column(
            sa.Column("escalate_after_days", sa.Integer(), nullable=False, server_default=sa.text("14"))
        )
    with op.batch_alter_table("commitments") as batch:
        batch.add_column(
            sa.Column("irm_completion", sa.String(length=16), nullable=False, server_default="no_iniciado")
        )
        batch.add_column(_stamp("approved_at", nullable=True))

    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secretariat_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False, server_default="member"),
        sa.Column("uses_left", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_invites"),
        sa.UniqueConstraint("code_hash", name="uq_invites_code_hash"),
        sa.CheckConstraint("role IN ('member', 'coordinator')", name="ck_invites_role"),
        _fk("secretariat_id", "invites", "secretariats", "CASCADE"),
        _fk("created_by", "invites", "people", "SET NULL"),
    )
    op.create_index("ix_invites_secretariat_id", "invites", ["secretariat_id"])

    op.create_table(
        "commitment_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        _stamp("changed_at"),
        sa.PrimaryKeyConstraint("id", name="pk_commitment_changes"),
        _fk("commitment_id", "commitment_changes", "commitments", "CASCADE"),
        _fk("person_id", "commitment_changes", "people", "SET NULL"),
    )
    op.create_index("ix_commitment_changes_commitment_id", "commitment_changes", ["commitment_id"])

    op.create_table(
        "signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("sector", sa.String(length=100), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        _stamp("signed_at"),
        sa.PrimaryKeyConstraint("id", name="pk_signoffs"),
        sa.UniqueConstraint("commitment_id", "person_id", name="uq_signoffs_commitment_id_person_id"),
        sa.CheckConstraint("decision IN ('aprueba', 'disiente')", name="ck_signoffs_decision"),
        _fk("commitment_id", "signoffs", "commitments", "CASCADE"),
        _fk("person_id", "signoffs", "people", "SET NULL"),
    )

    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("output", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("responsible", sa.String(), nullable=True),
        _stamp("done_at", nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_milestones"),
        _fk("commitment_id", "milestones", "commitments", "CASCADE"),
        _fk("created_by", "milestones", "people", "SET NULL"),
    )
    op.create_index("ix_milestones_commitment_id", "milestones", ["commitment_id"])

    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=True),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("frequency", sa.String(length=16), nullable=False, server_default="trimestral"),
        sa.Column("first_due", sa.Date(), nullable=True),
        sa.Column("last_due", sa.Date(), nullable=True),
        sa.Column("dates", sa.JSON(), nullable=False),
        sa.Column("responsible", sa.String(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_indicators"),
        sa.CheckConstraint(
            "frequency IN ('unica', 'mensual', 'bimestral', 'trimestral', 'semestral', 'anual', 'fechas')",
            name="ck_indicators_frequency",
        ),
        _fk("commitment_id", "indicators", "commitments", "CASCADE"),
        _fk("reporter_id", "indicators", "people", "SET NULL"),
        _fk("created_by", "indicators", "people", "SET NULL"),
    )
    op.create_index("ix_indicators_commitment_id", "indicators", ["commitment_id"])

    op.create_table(
        "indicator_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period_due", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_kind", sa.String(length=16), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        _stamp("reported_at"),
        sa.PrimaryKeyConstraint("id", name="pk_indicator_reports"),
        _fk("indicator_id", "indicator_reports", "indicators", "CASCADE"),
        _fk("person_id", "indicator_reports", "people", "SET NULL"),
    )
    op.create_index(
        "ix_indicator_reports_indicator_period", "indicator_reports", ["indicator_id", "period_due"]
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secretariat_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        _stamp("at"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        _fk("secretariat_id", "audit_log", "secretariats", "CASCADE"),
        _fk("person_id", "audit_log", "people", "SET NULL"),
    )
    op.create_index("ix_audit_log_secretariat_id", "audit_log", ["secretariat_id"])
    op.create_index("ix_audit_log_person_action_at", "audit_log", ["person_id", "action", "at"])

    op.create_table(
        "content_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.String(length=200), nullable=False),
        _stamp("loaded_at"),
        sa.PrimaryKeyConstraint("id", name="pk_content_versions"),
        sa.UniqueConstraint("flow_id", "version", name="uq_content_versions_flow_id_version"),
    )


def downgrade() -> None:
    op.drop_table("content_versions")
    op.drop_index("ix_audit_log_person_action_at", table_name="audit_log")
    op.drop_index("ix_audit_log_secretariat_id", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_indicator_reports_indicator_period", table_name="indicator_reports")
    op.drop_table("indicator_reports")
    op.drop_index("ix_indicators_commitment_id", table_name="indicators")
    op.drop_table("indicators")
    op.drop_index("ix_milestones_commitment_id", table_name="milestones")
    op.drop_table("milestones")
    op.drop_table("signoffs")
    op.drop_index("ix_commitment_changes_commitment_id", table_name="commitment_changes")
    op.drop_table("commitment_changes")
    op.drop_index("ix_invites_secretariat_id", table_name="invites")
    op.drop_table("invites")
    with op.batch_alter_table("commitments") as batch:
        batch.drop_column("approved_at")
        batch.drop_column("irm_completion")
    with op.batch_alter_table("secretariats") as batch:
        batch.drop_column("escalate_after_days")
        batch.drop_column("quiet_hours")
        batch.drop_column("signoff_sectors")
