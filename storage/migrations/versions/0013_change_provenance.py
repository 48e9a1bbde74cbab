"""Where each change came from: `commitment_changes.kit` and `.step` (the flow and the step that wrote it).

With the person and the time already there, the history says who changed what, when and through
which kit. Milestone and indicator changes are recorded there too, under names such as
«hito 3 · fecha». Older rows keep an empty kit and step (they were not recorded then).

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("commitment_changes") as batch:
        batch.add_column(sa.Column("kit", sa.String(64), nullable=True))
        batch.add_column(sa.Column("step", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("commitment_changes") as batch:
        batch.drop_column("step")
        batch.drop_column("kit")
