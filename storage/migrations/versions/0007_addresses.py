"""People's addresses per channel, and the outbox targets an address instead of a Telegram chat id.

`addresses` holds `(channel, address)` per person, backfilled from what identified them so far:
a linked Rasa sender (rasa_links), and the person's key ('tg:123' → telegram 123, 'cli:ana' →
terminal ana, 'rasa:x' → rasa x). The outbox's `chat_id` becomes `(channel, address)`; every row
written so far went to Telegram.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

# A key's prefix and the channel it names (storage/repositories/addresses.py: CHANNEL_OF_PREFIX).
PREFIXES = (("tg:", "telegram"), ("cli:", "terminal"), ("rasa:", "rasa"))


def upgrade() -> None:
    op.create_table(
        "addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")
        ),
        sa.Column(
            "last_used_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_addresses"),
        sa.UniqueConstraint("channel", "address", name="uq_addresses_channel_address"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_addresses_person_id_people", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_addresses_person_id", "addresses", ["person_id"])
    # A linked Rasa sender speaks as the person it was linked to: that link wins over a 'rasa:' key.
    op.execute("INSERT INTO addresses (person_id, channel, address) "
               "SELECT person_id, 'rasa', sender FROM rasa_links WHERE sender IS NOT NULL")
    for prefix, channel in PREFIXES:
        op.execute(sa.text(
            "INSERT INTO addresses (person_id, channel, address) "
            "SELECT id, :channel, SUBSTR(key, :start) FROM people WHERE key LIKE :pattern "
            "AND NOT EXISTS (SELECT 1 FROM addresses a WHERE a.channel = :channel "
            "AND a.address = SUBSTR(people.key, :start))"
        ).bindparams(channel=channel, start=len(prefix) + 1, pattern=prefix + "%"))

    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("address", sa.String(length=255), nullable=True))
    op.execute("UPDATE outbox SET channel = 'telegram', address = CAST(chat_id AS VARCHAR(255))")
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("channel", existing_type=sa.String(length=32), nullable=False)
        batch.alter_column("address", existing_type=sa.String(length=255), nullable=False)
        batch.drop_column("chat_id")
        batch.create_index("ix_outbox_channel_address", ["channel", "address"])


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE channel <> 'telegram'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_channel_address")
        batch.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
    op.execute("UPDATE outbox SET chat_id = CAST(address AS BIGINT)")
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
        batch.drop_column("address")
        batch.drop_column("channel")
    op.drop_index("ix_addresses_person_id", table_name="addresses")
    op.drop_table("addresses")
