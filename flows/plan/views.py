"""Plain, frozen views of the plan's records: what the rules in flows/plan work on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class ReportView:
    period_due: date
    value: float
    note: str | None
    reported_at: datetime


@dataclass(frozen=True)
class MilestoneView:
    id: int
    output: str
    due_date: date | None
    responsible: str | None
    done: bool


@dataclass(frozen=True)
class IndicatorView:
    id: int
    name: str
    unit: str | None
    baseline: float | None
    target: float | None
    frequency: str
    first_due: date | None
    last_due: date | None
    dates: tuple[date, ...] = ()
    reports: tuple[ReportView, ...] = ()

    @property
    def last_report(self) -> ReportView | None:
        """The report of the latest period (the newest one when a period was reported twice)."""
        if not self.reports:
            return None
        return max(self.reports, key=lambda r: (r.period_due, r.reported_at))


@dataclass(frozen=True)
class SignoffView:
    name: str | None
    sector: str | None
    decision: str  # "aprueba" | "disiente"
    reason: str | None
    signed_at: datetime
    person_id: int | None = None


@dataclass(frozen=True)
class CommitmentView:
    id: int
    title: str | None
    status: str
    irm_completion: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    start_date: date | None = None
    end_date: date | None = None
