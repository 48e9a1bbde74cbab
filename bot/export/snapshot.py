"""A plain snapshot of one secretariat's plan: what every export format reads.

The database rows (storage.repositories.snapshot) become frozen values with people's names,
progress and times in the secretariat's own time zone, so each format is a small function of
this snapshot and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

import bot.export.progress as progress
from bot.local_time import zone
from storage.repositories.snapshot import PlanRows, load_plan


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


def _dates(values: Any) -> tuple[date, ...]:
    found = []
    for value in values or ():
        try:
            found.append(date.fromisoformat(str(value)))
        except ValueError:
            continue
    return tuple(sorted(found))


def build_snapshot(rows: PlanRows, now: datetime) -> PlanSnapshot:
    tz = zone(rows.secretariat.timezone)
    names = rows.names

    def name_of(person_id: int | None) -> str | None:
        return None if person_id is None else names.get(person_id)

    reports_of: dict[int, list[ReportSnap]] = {}
    indicator_by_id = {i.id: i for i in rows.indicators}
    for r in rows.reports:
        indicator = indicator_by_id[r.indicator_id]
        reports_of.setdefault(r.indicator_id, []).append(ReportSnap(
            id=r.id, period_due=r.period_due, value=r.value, note=r.note, evidence_kind=r.evidence_kind,
            evidence=r.evidence, reported_by=name_of(r.person_id), reported_at=_local(r.reported_at, tz),
            progress=progress.indicator(indicator.baseline, indicator.target, r.value),
        ))
    indicators_of: dict[int, list[IndicatorSnap]] = {}
    for i in rows.indicators:
        indicators_of.setdefault(i.commitment_id, []).append(IndicatorSnap(
            id=i.id, name=i.name, unit=i.unit, baseline=i.baseline, target=i.target, frequency=i.frequency,
            first_due=i.first_due, last_due=i.last_due, dates=_dates(i.dates), responsible=i.responsible,
            reports=tuple(reports_of.get(i.id, ())),
        ))
    milestones_of: dict[int, list[MilestoneSnap]] = {}
    for m in rows.milestones:
        milestones_of.setdefault(m.commitment_id, []).append(MilestoneSnap(
            id=m.id, output=m.output, due_date=m.due_date, responsible=m.responsible,
            done_at=None if m.done_at is None else _local(m.done_at, tz),
        ))
    signoffs_of: dict[int, list[SignoffSnap]] = {}
    for signoff in rows.signoffs:
        signoffs_of.setdefault(signoff.commitment_id, []).append(SignoffSnap(
            name=signoff.name or name_of(signoff.person_id), sector=signoff.sector, decision=signoff.decision,
            reason=signoff.reason, signed_at=_local(signoff.signed_at, tz),
        ))
    commitments = []
    for c in rows.commitments:
        milestones = tuple(milestones_of.get(c.id, ()))
        indicators = tuple(indicators_of.get(c.id, ()))
        commitments.append(CommitmentSnap(
            id=c.id, title=c.title or (c.fields or {}).get("title"), status=c.status,
            irm_completion=c.irm_completion, fields=dict(c.fields or {}), created_by=name_of(c.created_by),
            created_at=_local(c.created_at, tz), updated_at=_local(c.updated_at, tz),
            approved_at=None if c.approved_at is None else _local(c.approved_at, tz),
            milestones=milestones, indicators=indicators, signoffs=tuple(signoffs_of.get(c.id, ())),
            progress=progress.commitment(milestones, indicators),
        ))
    secretariat = rows.secretariat
    return PlanSnapshot(
        secretariat_id=secretariat.id, secretariat_name=secretariat.name, kind=secretariat.kind,
        territory=secretariat.territory, timezone=tz.key,
        exported_at=_local(now, tz), commitments=tuple(commitments),
    )


async def load_snapshot(session: AsyncSession, secretariat_id: int, now: datetime) -> PlanSnapshot | None:
    """The snapshot of one secretariat's plan, or None when it does not exist."""
    rows = await load_plan(session, secretariat_id)
    return None if rows is None else build_snapshot(rows, now)
