"""Comments on commitments, notices through the outbox, and what each person muted.

- `comments`: a member's comment on a commitment of their secretariat, or a reply to one
  (`reply_to`); coordination marks it `incorporado` (with the commitment_changes row that took it
  in) or `respondido`.
- `notice_mutes`: the kinds of notice a person chose not to receive (/avisos).
- `outbox`: a fourth row kind, `notice` (a plan event told to the people concerned and the group);
  `buttons` (what a notice offers: «Firmar»), `events` (the audit entries a notice holds: a later
  event joins a pending notice once, never twice) and `attachment_name` (a document, not a chart).

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("secretariat_id", sa.Integer(),
                  sa.ForeignKey("secretariats.id", name="fk_comments_secretariat_id_secretariats",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("commitment_id", sa.Integer(),
                  sa.ForeignKey("commitments.id", name="fk_comments_commitment_id_commitments",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("reply_to", sa.Integer(),
                  sa.ForeignKey("comments.id", name="fk_comments_reply_to_comments", ondelete="SET NULL")),
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("people.id", name="fk_comments_person_id_people", ondelete="SET NULL")),
        sa.Column("name", sa.String()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="abierto"),
        sa.Column("change_id", sa.Integer(),
                  sa.ForeignKey("commitment_changes.id", name="fk_comments_change_id_commitment_changes",
                                ondelete="SET NULL")),
        sa.Column("marked_by", sa.Integer(),
                  sa.ForeignKey("people.id", name="fk_comments_marked_by_people", ondelete="SET NULL")),
        sa.Column("marked_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("CURRENT_TIMESTAMP")),
        sa.CheckConstraint("status IN ('abierto', 'incorporado', 'respondido')", name="ck_comments_status"),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
    )
    op.create_index("ix_comments_commitment_id", "comments", ["commitment_id"])
    op.create_table(
        "notice_mutes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("people.id", name="fk_notice_mutes_person_id_people", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("CURRENT_TIMESTAMP")),
        sa.PrimaryKeyConstraint("id", name="pk_notice_mutes"),
        sa.UniqueConstraint("person_id", "kind", name="uq_notice_mutes_person_id_kind"),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("buttons", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("events", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("attachment_name", sa.String(100), nullable=True))
        batch.drop_constraint("ck_outbox_kind", type_="check")
        batch.create_check_constraint("ck_outbox_kind", "kind IN ('reminder', 'digest', 'broadcast', 'notice')")


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE kind = 'notice'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("ck_outbox_kind", type_="check")
        batch.create_check_constraint("ck_outbox_kind", "kind IN ('reminder', 'digest', 'broadcast')")
        batch.drop_column("attachment_name")
        batch.drop_column("events")
        batch.drop_column("buttons")
    op.drop_table("notice_mutes")
    op.drop_index("ix_comments_commitment_id", table_name="comments")
    op.drop_table("comments")
