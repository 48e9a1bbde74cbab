"""One read of everything a secretariat's plan holds, for exports and charts.

Every query is filtered by the one secretariat id asked for (through its commitments), so an
export can never carry another secretariat's rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Commitment, Indicator, IndicatorReport, Milestone, Person, Secretariat, Signoff


@dataclass
class PlanRows:
    """The rows of one secretariat's plan, each list in a stable order (by id, reports by period)."""

    secretariat: Secretariat
    commitments: list[Commitment] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    reports: list[IndicatorReport] = field(default_factory=list)
    signoffs: list[Signoff] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # person id → name, for whoever appears above


async def load_plan(session: AsyncSession, secretariat_id: int) -> PlanRows | None:
    """The plan of secretariat `secretariat_id`, or None when there is no such secretariat."""
    secretariat = await session.get(Secretariat, secretariat_id)
    if secretariat is None:
        return None
    mine = select(Commitment.id).where(Commitment.secretariat_id == secretariat_id).scalar_subquery()
    commitments = list(await session.scalars(
        select(Commitment).where(Commitment.secretariat_id == secretariat_id).order_by(Commitment.id)))
    milestones = list(await session.scalars(
        select(Milestone).where(Milestone.commitment_id.in_(mine))
        .order_by(Milestone.commitment_id, Milestone.due_date, Milestone.id)))
    indicators = list(await session.scalars(
        select(Indicator).where(Indicator.commitment_id.in_(mine)).order_by(Indicator.commitment_id, Indicator.id)))
    reports = list(await session.scalars(
        select(IndicatorReport)
        .join(Indicator, Indicator.id == IndicatorReport.indicator_id)
        .where(Indicator.commitment_id.in_(mine))
        .order_by(IndicatorReport.indicator_id, IndicatorReport.period_due, IndicatorReport.reported_at,
                  IndicatorReport.id)))
    signoffs = list(await session.scalars(
        select(Signoff).where(Signoff.commitment_id.in_(mine)).order_by(Signoff.commitment_id, Signoff.signed_at,
                                                                       Signoff.id)))
    rows = PlanRows(secretariat, commitments, milestones, indicators, reports, signoffs)
    rows.names = await _names(session, _people_ids(rows))
    return rows


def _people_ids(rows: PlanRows) -> set[int]:
    ids: Iterable[int | None] = (
        *(c.created_by for c in rows.commitments),
        *(m.created_by for m in rows.milestones),
        *(i.reporter_id for i in rows.indicators),
        *(r.person_id for r in rows.reports),
        *(s.person_id for s in rows.signoffs),
    )
    return {i for i in ids if i is not None}


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    return {row.id: row.name for row in found if row.name}
