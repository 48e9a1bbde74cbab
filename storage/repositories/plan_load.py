"""One read of a secretariat's plan into flows.plan views: what every reader of the plan works on.

One query per table (secretariat, commitments, milestones, indicators, reports, sign-offs that count
now, memberships, people), each filtered by the one secretariat asked for (through its commitments),
so a reader never sees another secretariat's rows, and the number of queries does not grow with the plan.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.plan import schedule
from flows.plan.readiness import parse_date
from flows.plan.views import (
    CommitmentView,
    IndicatorView,
    MemberView,
    MilestoneView,
    PersonView,
    PlanView,
    ReportView,
    SignoffView,
)
from storage.models import Commitment, Indicator, IndicatorReport, Membership, Milestone, Person, Secretariat, Signoff

_PERIODIC_ENDS = ("unica", "fechas")  # kinds whose last date is their own, not the commitment's end


async def load_plan(
    session: AsyncSession, secretariat_id: int, commitment_ids: Collection[int] | None = None
) -> PlanView | None:
    """The plan of secretariat `secretariat_id` (only the commitments `commitment_ids` when given),
    or None when there is no such secretariat."""
    secretariat = await session.get(Secretariat, secretariat_id)
    if secretariat is None:
        return None
    which = select(Commitment.__table__).where(Commitment.secretariat_id == secretariat_id)
    if commitment_ids is not None:
        which = which.where(Commitment.id.in_(sorted(commitment_ids)))
    commitments = await _rows(session, which.order_by(Commitment.id))
    milestones: list[Row[Any]] = []
    indicators: list[Row[Any]] = []
    reports: list[Row[Any]] = []
    signoffs: list[Row[Any]] = []
    if commitments:
        mine = which.with_only_columns(Commitment.id).scalar_subquery()
        milestones = await _rows(session, select(Milestone.__table__).where(Milestone.commitment_id.in_(mine))
                                 .order_by(Milestone.commitment_id, Milestone.due_date.is_(None), Milestone.due_date,
                                           Milestone.id))
        indicators = await _rows(session, select(Indicator.__table__).where(Indicator.commitment_id.in_(mine))
                                 .order_by(Indicator.commitment_id, Indicator.id))
        if indicators:
            reports = await _rows(session, select(IndicatorReport.__table__)
                                  .join(Indicator, Indicator.id == IndicatorReport.indicator_id)
                                  .where(Indicator.commitment_id.in_(mine))
                                  .order_by(IndicatorReport.indicator_id, IndicatorReport.period_due,
                                            IndicatorReport.reported_at, IndicatorReport.id))
        signoffs = await _rows(session, select(Signoff.__table__).where(Signoff.commitment_id.in_(mine),
                                                                            Signoff.lapsed_at.is_(None))
                               .order_by(Signoff.commitment_id, Signoff.signed_at, Signoff.id))
    memberships = await _rows(session, select(Membership.person_id, Membership.role, Membership.joined_at)
                              .where(Membership.secretariat_id == secretariat_id).order_by(Membership.id))
    wanted: Iterable[int | None] = (
        *(m.person_id for m in memberships), *(c.created_by for c in commitments),
        *(m.created_by for m in milestones), *(i.reporter_id for i in indicators), *(i.created_by for i in indicators),
        *(r.person_id for r in reports), *(s.person_id for s in signoffs),
    )
    ids = sorted({i for i in wanted if i is not None})
    people = await _rows(session, select(Person.id, Person.name, Person.sector, Person.active, Person.telegram_id)
                         .where(Person.id.in_(ids))) if ids else []

    reports_of: dict[int, list[ReportView]] = {}
    for r in reports:
        reports_of.setdefault(r.indicator_id, []).append(ReportView(
            r.period_due, r.value, r.note, r.reported_at, id=r.id, indicator_id=r.indicator_id,
            person_id=r.person_id, evidence_kind=r.evidence_kind, evidence=r.evidence))
    milestones_of: dict[int, list[MilestoneView]] = {}
    for m in milestones:
        milestones_of.setdefault(m.commitment_id, []).append(MilestoneView(
            m.id, m.output, m.due_date, m.responsible, m.done_at is not None, commitment_id=m.commitment_id,
            created_by=m.created_by, done_at=m.done_at))
    signoffs_of: dict[int, list[SignoffView]] = {}
    for s in signoffs:
        signoffs_of.setdefault(s.commitment_id, []).append(signoff_view(s))
    indicators_of: dict[int, list[Row[Any]]] = {}
    for i in indicators:
        indicators_of.setdefault(i.commitment_id, []).append(i)

    views = []
    for c in commitments:
        fields = dict(c.fields or {})
        end = parse_date(fields.get("end_date"))
        views.append(CommitmentView(
            id=c.id, title=c.title or (str(fields["title"]) if fields.get("title") else None), status=c.status,
            irm_completion=c.irm_completion, fields=fields, start_date=parse_date(fields.get("start_date")),
            end_date=end, created_by=c.created_by, created_at=c.created_at, updated_at=c.updated_at,
            approved_at=c.approved_at, milestones=tuple(milestones_of.get(c.id, ())),
            indicators=tuple(indicator_view(i, end, reports_of.get(i.id, ())) for i in indicators_of.get(c.id, ())),
            signoffs=tuple(signoffs_of.get(c.id, ())),
        ))
    return PlanView(
        secretariat_id=secretariat.id, name=secretariat.name, kind=secretariat.kind, territory=secretariat.territory,
        timezone=secretariat.timezone, escalate_after_days=secretariat.escalate_after_days,
        commitments=tuple(views),
        members=tuple(MemberView(m.person_id, m.role, m.joined_at) for m in memberships),
        people={p.id: PersonView(p.id, p.name, p.sector, p.active, p.telegram_id) for p in people},
    )


def indicator_view(indicator: Any, end: date | None, reports: Iterable[ReportView]) -> IndicatorView:
    """The indicator (a row of its table) with its reports; `end` is its commitment's end date (where an
    open calendar stops)."""
    dates = _dates(indicator.dates)
    due = tuple(schedule.indicator_due_dates(indicator.frequency, indicator.first_due, indicator.last_due,
                                             list(dates), end))
    periodic = indicator.frequency not in _PERIODIC_ENDS
    return IndicatorView(
        id=indicator.id, name=indicator.name, unit=indicator.unit, baseline=indicator.baseline,
        target=indicator.target, frequency=indicator.frequency, first_due=indicator.first_due,
        last_due=due[-1] if due and periodic else indicator.last_due, dates=dates, reports=tuple(reports),
        commitment_id=indicator.commitment_id, responsible=indicator.responsible, reporter_id=indicator.reporter_id,
        created_by=indicator.created_by, stated_last_due=indicator.last_due, due=due,
        baseline_due=indicator.baseline_due,
    )


def signoff_view(signoff: Any) -> SignoffView:
    """A sign-off (a model instance or a row of its table) as a view."""
    return SignoffView(name=signoff.name, sector=signoff.sector, decision=signoff.decision, reason=signoff.reason,
                       signed_at=signoff.signed_at, person_id=signoff.person_id, version_id=signoff.version_id)


async def _rows(session: AsyncSession, statement: Any) -> list[Row[Any]]:
    """Plain rows, not model instances: the views are built from them, so nothing needs the identity map."""
    return list((await session.execute(statement)).all())


def _dates(raw: Any) -> tuple[date, ...]:
    """The indicator's own dates, sorted; a value that is not a date is left out."""
    return tuple(sorted(d for d in (parse_date(x) for x in (raw if isinstance(raw, list) else [])) if d is not None))
