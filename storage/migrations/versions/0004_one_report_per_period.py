"""One report per indicator and period: a unique (indicator_id, period_due) on indicator_reports.

Until now two people could report the same period at once and both reports stayed. Where a live
database already holds such duplicates, the latest report of each period is kept (the newest
`reported_at`, then the highest id) and every other one is removed, each noted in the audit log
(action `indicator_report_duplicate_removed`, with its value, note, evidence, who and when) and in
the migration's log, so nobody's number disappears without a trace. Downgrading drops the
constraint; removed duplicates stay in the audit log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

log = logging.getLogger("alembic.runtime.migration")

DUPLICATE_REMOVED = "indicator_report_duplicate_removed"

_reports = sa.table(
    "indicator_reports",
    sa.column("id", sa.Integer()),
    sa.column("indicator_id", sa.Integer()),
    sa.column("period_due", sa.Date()),
    sa.column("value", sa.Float()),
    sa.column("note", sa.Text()),
    sa.column("evidence_kind", sa.String()),
    sa.column("evidence", sa.Text()),
    sa.column("person_id", sa.Integer()),
    sa.column("reported_at", sa.DateTime(timezone=True)),
)
_indicators = sa.table("indicators", sa.column("id", sa.Integer()), sa.column("commitment_id", sa.Integer()))
_commitments = sa.table("commitments", sa.column("id", sa.Integer()), sa.column("secretariat_id", sa.Integer()))
_audit = sa.table(
    "audit_log",
    sa.column("secretariat_id", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("detail", sa.JSON()),
)


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _remove_duplicates() -> None:
    """Keep the latest report of each (indicator, period); note and delete the others."""
    bind = op.get_bind()
    duplicated = (
        sa.select(_reports.c.indicator_id, _reports.c.period_due)
        .group_by(_reports.c.indicator_id, _reports.c.period_due)
        .having(sa.func.count() > 1)
        .subquery()
    )
    rows = bind.execute(
        sa.select(_reports, _commitments.c.secretariat_id)
        .join(duplicated, sa.and_(_reports.c.indicator_id == duplicated.c.indicator_id,
                                  _reports.c.period_due == duplicated.c.period_due))
        .join(_indicators, _indicators.c.id == _reports.c.indicator_id)
        .join(_commitments, _commitments.c.id == _indicators.c.commitment_id)
        .order_by(_reports.c.indicator_id, _reports.c.period_due, _reports.c.reported_at, _reports.c.id)
    ).mappings().all()
    groups: dict[tuple[int, Any], list[Any]] = {}
    for row in rows:
        groups.setdefault((row["indicator_id"], row["period_due"]), []).append(row)
    removed: list[int] = []
    for (indicator_id, period), reports in groups.items():
        kept, older = reports[-1], reports[:-1]  # ordered by reported_at, then id: the last is the latest
        for row in older:
            detail = {k: _text(row[k]) for k in ("id", "indicator_id", "period_due", "value", "note",
                                                   "evidence_kind", "evidence", "person_id", "reported_at")}
            detail["kept_report_id"] = kept["id"]
            detail["reason"] = "otro reporte del mismo periodo, más reciente, se conservó"
            bind.execute(sa.insert(_audit).values(secretariat_id=row["secretariat_id"], person_id=row["person_id"],
                                                  action=DUPLICATE_REMOVED, detail=detail))
            removed.append(row["id"])
        log.warning("indicator %s, period %s: kept report %s, removed %s (noted in audit_log as %s)",
                    indicator_id, _text(period), kept["id"], [r["id"] for r in older], DUPLICATE_REMOVED)
    if removed:
        bind.execute(sa.delete(_reports).where(_reports.c.id.in_(removed)))


def upgrade() -> None:
    _remove_duplicates()
    op.drop_index("ix_indicator_reports_indicator_period", table_name="indicator_reports")
    with op.batch_alter_table("indicator_reports") as batch:
        batch.create_unique_constraint(
            "uq_indicator_reports_indicator_id_period_due", ["indicator_id", "period_due"]
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_reports") as batch:
        batch.drop_constraint("uq_indicator_reports_indicator_id_period_due", type_="unique")
    op.create_index("ix_indicator_reports_indicator_period", "indicator_reports", ["indicator_id", "period_due"])
