"""Versions bound to signatures: `commitment_versions` (each text sent to review: number, digest,
snapshot, returned or approved), `commitment_amendments` (enmiendas), and on `signoffs` the version
signed and when the decision stopped counting (`lapsed_at`): signatures of a closed round stay as
history, so the one-decision-a-person rule becomes a unique index over the decisions that count.

Downgrade drops the history of lapsed decisions (the old unique rule would not hold them).

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None

NOW = sa.text("CURRENT_TIMESTAMP")
_COUNTED = sa.text("lapsed_at IS NULL")


def _fk(column: str, table: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}",
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "commitment_amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False, server_default="borrador"),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_commitment_amendments"),
        sa.UniqueConstraint("commitment_id", "number", name="uq_commitment_amendments_commitment_id_number"),
        sa.CheckConstraint("stage IN ('borrador', 'en_revision', 'aprobada')", name="ck_commitment_amendments_stage"),
        _fk("commitment_id", "commitment_amendments", "commitments", "CASCADE"),
        _fk("opened_by", "commitment_amendments", "people", "SET NULL"),
    )
    op.create_index("ix_commitment_amendments_commitment_id", "commitment_amendments", ["commitment_id"])
    op.create_table(
        "commitment_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_commitment_versions"),
        sa.UniqueConstraint("commitment_id", "number", name="uq_commitment_versions_commitment_id_number"),
        _fk("commitment_id", "commitment_versions", "commitments", "CASCADE"),
        _fk("amendment_id", "commitment_versions", "commitment_amendments", "SET NULL"),
        _fk("sent_by", "commitment_versions", "people", "SET NULL"),
    )
    op.create_index("ix_commitment_versions_commitment_id", "commitment_versions", ["commitment_id"])
    # signoffs has no table pointing at it: SQLite's batch copy of it cascades into nothing.
    with op.batch_alter_table("signoffs") as batch:
        batch.drop_constraint("uq_signoffs_commitment_id_person_id", type_="unique")
        batch.add_column(sa.Column("version_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("lapsed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_signoffs_version_id_commitment_versions", "commitment_versions",
                                 ["version_id"], ["id"], ondelete="SET NULL")
    op.create_index("uq_signoffs_commitment_id_person_id", "signoffs", ["commitment_id", "person_id"], unique=True,
                    sqlite_where=_COUNTED, postgresql_where=_COUNTED)


def downgrade() -> None:
    op.drop_index("uq_signoffs_commitment_id_person_id", table_name="signoffs")
    op.execute(sa.text("DELETE FROM signoffs WHERE lapsed_at IS NOT NULL"))
    with op.batch_alter_table("signoffs") as batch:
        batch.drop_constraint("fk_signoffs_version_id_commitment_versions", type_="foreignkey")
        batch.drop_column("version_id")
        batch.drop_column("lapsed_at")
        batch.create_unique_constraint("uq_signoffs_commitment_id_person_id", ["commitment_id", "person_id"])
    op.drop_index("ix_commitment_versions_commitment_id", table_name="commitment_versions")
    op.drop_table("commitment_versions")
    op.drop_index("ix_commitment_amendments_commitment_id", table_name="commitment_amendments")
    op.drop_table("commitment_amendments")
