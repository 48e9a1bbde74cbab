"""What Cocrea keeps about one person, and erasing it when they ask (derechos ARCO).

Erasing deletes the person's row: their runs and memberships go with it (ON DELETE CASCADE),
and every record of the secretariat's plan they authored stays, no longer naming them (ON DELETE
SET NULL on commitments, changes, sign-offs, milestones, indicators, reports, invites and the
audit log). A sign-off also copied the signer's name: that copy is cleared; its sector stays,
because the secretariat's approval record needs it. Reminders still waiting for them are
cancelled. If they write again, they start as someone new, from the privacy notice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import translate_errors
from storage.models import CommitmentChange, FlowRun, Membership, OutboxMessage, Person, Secretariat, Signoff


@dataclass(frozen=True)
class Summary:
    memberships: list[tuple[str, str]]  # (secretariat name, role)
    runs: int
    changes: int  # commitment fields they wrote


@dataclass(frozen=True)
class Erased:
    runs: int
    memberships: int


class PersonalData:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def summary(self, person: Person) -> Summary:
        rows = await self._session.execute(
            select(Secretariat.name, Membership.role)
            .join(Membership, Membership.secretariat_id == Secretariat.id)
            .where(Membership.person_id == person.id)
            .order_by(Membership.joined_at, Membership.id)
        )
        return Summary(
            memberships=[(str(name), str(role)) for name, role in rows],
            runs=await self._count(FlowRun, FlowRun.person_id == person.id),
            changes=await self._count(CommitmentChange, CommitmentChange.person_id == person.id),
        )

    async def erase(self, person: Person) -> Erased:
        """Delete the person and what is only theirs; the plan's records stay, anonymous."""
        erased = Erased(
            runs=await self._count(FlowRun, FlowRun.person_id == person.id),
            memberships=await self._count(Membership, Membership.person_id == person.id),
        )
        with translate_errors():
            await self._session.flush()
            await self._session.execute(
                update(Signoff).where(Signoff.person_id == person.id).values(name=None)
                .execution_options(synchronize_session=False))
            await self._session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.person_id == person.id, OutboxMessage.status == "pending")
                .values(status="cancelled").execution_options(synchronize_session=False))
            await self._session.execute(
                delete(Person).where(Person.id == person.id).execution_options(synchronize_session=False))
        self._session.expunge(person)
        return erased

    async def _count(self, model: type, where: object) -> int:
        statement = select(func.count()).select_from(model).where(where)  # type: ignore[arg-type]
        return int(await self._session.scalar(statement) or 0)
