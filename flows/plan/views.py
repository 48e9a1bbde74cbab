"""Plain, frozen views of the plan's records: what the rules in flows/plan work on.

Storage reads a secretariat's plan into these (storage.repositories.plan `Plan.load`); every reader
(commands, exports, charts, reminders, digests) works on them, never on database rows.
"""

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
    reported_at: datetime  # UTC
    id: int = 0
    indicator_id: int = 0
    person_id: int | None = None
    evidence_kind: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class MilestoneView:
    id: int
    output: str
    due_date: date | None
    responsible: str | None
    done: bool
    commitment_id: int = 0
    created_by: int | None = None
    done_at: datetime | None = None  # UTC


@dataclass(frozen=True)
class IndicatorView:
    id: int
    name: str
    unit: str | None
    baseline: float | None
    target: float | None
    frequency: str
    first_due: date | None
    last_due: date | None  # for a periodic indicator, its last due date (up to its commitment's end)
    dates: tuple[date, ...] = ()
    reports: tuple[ReportView, ...] = ()
    commitment_id: int = 0
    responsible: str | None = None
    reporter_id: int | None = None
    created_by: int | None = None
    stated_last_due: date | None = None  # the last date as written; None: until the commitment ends
    due: tuple[date, ...] = ()  # every due date (schedule.indicator_due_dates)
    baseline_due: date | None = None  # no baseline yet: when the group will measure it

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
    version_id: int | None = None  # the version signed (storage's commitment_versions id); None: before versions


@dataclass(frozen=True)
class CommitmentView:
    id: int
    title: str | None
    status: str
    irm_completion: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    start_date: date | None = None
    end_date: date | None = None
    created_by: int | None = None
    created_at: datetime | None = None  # UTC, as are the times below
    updated_at: datetime | None = None
    approved_at: datetime | None = None
    milestones: tuple[MilestoneView, ...] = ()  # by due date (undated last), then id
    indicators: tuple[IndicatorView, ...] = ()  # by id
    signoffs: tuple[SignoffView, ...] = ()  # by time signed


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str | None
    sector: str | None
    active: bool
    telegram_id: int | None


@dataclass(frozen=True)
class MemberView:
    person_id: int
    role: str
    joined_at: datetime


@dataclass(frozen=True)
class PlanView:
    """One secretariat's plan: its commitments with everything under them, its members, and the
    people any of it names (creators, reporters, signers, members), by id."""

    secretariat_id: int
    name: str
    kind: str
    territory: str | None
    timezone: str
    escalate_after_days: int
    commitments: tuple[CommitmentView, ...] = ()  # by id
    members: tuple[MemberView, ...] = ()
    people: Mapping[int, PersonView] = field(default_factory=dict)

    @property
    def indicators(self) -> list[tuple[CommitmentView, IndicatorView]]:
        return [(c, i) for c in self.commitments for i in c.indicators]

    def name_of(self, person_id: int | None) -> str | None:
        person = self.people.get(person_id) if person_id is not None else None
        return person.name if person is not None and person.name else None
