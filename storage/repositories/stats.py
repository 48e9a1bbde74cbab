"""Usage figures per secretariat (/estadisticas) and who a broadcast reaches (/difundir).

"Active" means the same in both: a member who moved in some flow since the given moment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Commitment, FlowRun, Membership, Person, Secretariat

DRAFT, SENT = "broadcast_draft", "broadcast_sent"  # audit log actions of /difundir


@dataclass
class Figures:
    """One secretariat's figures (or the totals, with `secretariat_id` None)."""

    secretariat_id: int | None
    name: str
    members: int = 0
    active: int = 0
    kits_started: int = 0
    kits_finished: int = 0
    commitments: Counter[str] = field(default_factory=Counter)


class Stats:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def figures(self, kit_ids: Collection[str], since: datetime) -> tuple[list[Figures], Figures]:
        """Per secretariat (by id) and in total: members, active members, kits started and
        finished (each person and kit counted once), commitments by status."""
        rows = {s.id: Figures(s.id, s.name) for s in await self._session.scalars(
            select(Secretariat).order_by(Secretariat.id))}
        total = Figures(None, "")
        recent = set(await self._session.scalars(
            select(FlowRun.person_id).where(FlowRun.updated_at >= since).distinct()))
        members = await self._session.execute(select(Membership.secretariat_id, Membership.person_id))
        everyone: set[int] = set()
        for secretariat_id, person_id in members:
            rows[secretariat_id].members += 1
            rows[secretariat_id].active += person_id in recent
            everyone.add(person_id)
        total.members = len(everyone)
        total.active = len(everyone & recent)
        runs = await self._session.execute(
            select(FlowRun.secretariat_id, FlowRun.person_id, FlowRun.flow_id, FlowRun.status)
            .where(FlowRun.flow_id.in_(list(kit_ids)), FlowRun.secretariat_id.is_not(None)))
        started: set[tuple[int, int, str]] = set()
        finished: set[tuple[int, int, str]] = set()
        for run_secretariat, person_id, flow_id, status in runs:
            assert run_secretariat is not None  # filtered above
            started.add((run_secretariat, person_id, flow_id))
            if status == "done":
                finished.add((run_secretariat, person_id, flow_id))
        for secretariat_id, _, _ in started:
            rows[secretariat_id].kits_started += 1
        for secretariat_id, _, _ in finished:
            rows[secretariat_id].kits_finished += 1
        total.kits_started, total.kits_finished = len(started), len(finished)
        statuses = await self._session.execute(
            select(Commitment.secretariat_id, Commitment.status, func.count()).group_by(
                Commitment.secretariat_id, Commitment.status))
        for secretariat_id, status, count in statuses:
            rows[secretariat_id].commitments[status] += count
            total.commitments[status] += count
        return list(rows.values()), total

    async def active_members(self, secretariat_id: int, since: datetime) -> list[Person]:
        """Members of the secretariat, not blocked, who moved since `since` (where each can be reached
        is their addresses' business)."""
        recent = select(FlowRun.person_id).where(FlowRun.updated_at >= since)
        statement = (
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.secretariat_id == secretariat_id,
                Person.active.is_(True),
                Person.id.in_(recent),
            )
            .order_by(Person.id)
        )
        return list(await self._session.scalars(statement))


class Broadcasts:
    """A /difundir waits for its confirmation as a draft in the audit log; sending marks it sent."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def draft(self, person: Person, secretariat_id: int, text: str, at: datetime) -> None:
        self._session.add(AuditEntry(secretariat_id=secretariat_id, person_id=person.id, action=DRAFT,
                                     detail={"text": text}, at=at))

    async def pending(self, person: Person, since: datetime) -> AuditEntry | None:
        """The person's latest draft written since `since`, if it was not sent yet."""
        statement = (
            select(AuditEntry)
            .where(AuditEntry.person_id == person.id, AuditEntry.action.in_((DRAFT, SENT)),
                   AuditEntry.at >= since)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(1)
        )
        latest = await self._session.scalar(statement)
        return latest if latest is not None and latest.action == DRAFT else None

    async def sent(self, person: Person, draft: AuditEntry, recipients: int, at: datetime) -> None:
        detail: dict[str, Any] = {**draft.detail, "recipients": recipients, "draft": draft.id}
        self._session.add(AuditEntry(secretariat_id=draft.secretariat_id, person_id=person.id, action=SENT,
                                     detail=detail, at=at))
