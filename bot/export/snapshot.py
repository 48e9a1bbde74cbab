"""A plain snapshot of one secretariat's plan: what every export format reads.

The plan's views (storage.repositories.plan `Plan.load`) become frozen values with people's names,
progress and times in the secretariat's own time zone, so each format is a small function of
this snapshot and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import bot.export.progress as progress
from bot.local_time import zone
from flows.plan.views import PlanView
from storage.repositories.plan import Plan


@dataclass(frozen=True)
class ReportSnap:
    id: int
    period_due: date
    value: float
    note: str | None
    evidence_kind: str | None
    evidence: str | None
    reported_by: str | None
    reported_at: datetime  # in the secretariat's time zone
    progress: float | None  # 0–1, None when baseline or target is missing


@dataclass(frozen=True)
class IndicatorSnap:
    id: int
    name: str
    unit: str | None
    baseline: float | None
    target: float | None
    frequency: str
    first_due: date | None
    last_due: date | None
    dates: tuple[date, ...]
    responsible: str | None
    reports: tuple[ReportSnap, ...]
    baseline_due: date | None = None  # no baseline yet («pendiente de medir»): when it will be measured

    @property
    def last_report(self) -> ReportSnap | None:
        if not self.reports:
            return None
        return max(self.reports, key=lambda r: (r.period_due, r.reported_at, r.id))

    @property
    def progress(self) -> float | None:
        last = self.last_report
        return None if last is None else last.progress


@dataclass(frozen=True)
class MilestoneSnap:
    id: int
    output: str
    due_date: date | None
    responsible: str | None
    done_at: datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class SignoffSnap:
    name: str | None
    sector: str | None
    decision: str
    reason: str | None
    signed_at: datetime


@dataclass(frozen=True)
class CommitmentSnap:
    id: int
    title: str | None
    status: str
    irm_completion: str
    fields: Mapping[str, Any]
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    approved_at: datetime | None
    milestones: tuple[MilestoneSnap, ...]
    indicators: tuple[IndicatorSnap, ...]
    signoffs: tuple[SignoffSnap, ...]
    progress: float | None


@dataclass(frozen=True)
class PlanSnapshot:
    secretariat_id: int
    secretariat_name: str
    kind: str
    territory: str | None
    timezone: str
    exported_at: datetime  # in the secretariat's time zone
    commitments: tuple[CommitmentSnap, ...]

    @property
    def indicators(self) -> list[tuple[CommitmentSnap, IndicatorSnap]]:
        return [(c, i) for c in self.commitments for i in c.indicators]


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


def build_snapshot(plan: PlanView, now: datetime) -> PlanSnapshot:
    tz = zone(plan.timezone)
    commitments = []
    for c in plan.commitments:
        milestones = tuple(MilestoneSnap(
            id=m.id, output=m.output, due_date=m.due_date, responsible=m.responsible,
            done_at=None if m.done_at is None else _local(m.done_at, tz),
        ) for m in c.milestones)
        indicators = tuple(IndicatorSnap(
            id=i.id, name=i.name, unit=i.unit, baseline=i.baseline, target=i.target, frequency=i.frequency,
            first_due=i.first_due, last_due=i.stated_last_due, dates=i.dates, responsible=i.responsible,
            baseline_due=i.baseline_due,
            reports=tuple(ReportSnap(
                id=r.id, period_due=r.period_due, value=r.value, note=r.note, evidence_kind=r.evidence_kind,
                evidence=r.evidence, reported_by=plan.name_of(r.person_id), reported_at=_local(r.reported_at, tz),
                progress=progress.indicator(i.baseline, i.target, r.value),
            ) for r in i.reports),
        ) for i in c.indicators)
        signoffs = tuple(SignoffSnap(
            name=s.name or plan.name_of(s.person_id), sector=s.sector, decision=s.decision, reason=s.reason,
            signed_at=_local(s.signed_at, tz),
        ) for s in c.signoffs)
        assert c.created_at is not None and c.updated_at is not None  # always set on a loaded commitment
        commitments.append(CommitmentSnap(
            id=c.id, title=c.title, status=c.status, irm_completion=c.irm_completion, fields=dict(c.fields),
            created_by=plan.name_of(c.created_by), created_at=_local(c.created_at, tz),
            updated_at=_local(c.updated_at, tz),
            approved_at=None if c.approved_at is None else _local(c.approved_at, tz),
            milestones=milestones, indicators=indicators, signoffs=signoffs,
            progress=progress.commitment(c.milestones, c.indicators),
        ))
    return PlanSnapshot(
        secretariat_id=plan.secretariat_id, secretariat_name=plan.name, kind=plan.kind, territory=plan.territory,
        timezone=tz.key, exported_at=_local(now, tz), commitments=tuple(commitments),
    )


async def load_snapshot(plans: Plan, secretariat_id: int, now: datetime) -> PlanSnapshot | None:
    """The snapshot of one secretariat's plan, or None when it does not exist."""
    plan = await plans.load(secretariat_id)
    return None if plan is None else build_snapshot(plan, now)
