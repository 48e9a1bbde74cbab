"""The versions of a commitment (each text sent to review) and its amendments: the rows, read and written.

The rules (what a version holds, who may change the signed text) are flows/plan/versions.py; Plan
(plan.py) decides when a version is made, closed or approved, and audits it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.plan import versions
from storage.columns import utcnow
from storage.models import Amendment, CommitmentVersion, Person, Signoff
from storage.repositories._sql import flush


class Versions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of(self, commitment_id: int) -> list[CommitmentVersion]:
        """Every version of the commitment, the first first."""
        statement = (select(CommitmentVersion).where(CommitmentVersion.commitment_id == commitment_id)
                     .order_by(CommitmentVersion.number))
        return list(await self._session.scalars(statement))

    async def open(self, commitment_id: int) -> CommitmentVersion | None:
        """The version in review now: sent, neither returned to draft nor approved."""
        statement = (select(CommitmentVersion)
                     .where(CommitmentVersion.commitment_id == commitment_id, CommitmentVersion.returned_at.is_(None),
                            CommitmentVersion.approved_at.is_(None))
                     .order_by(CommitmentVersion.number.desc()).limit(1))
        return await self._session.scalar(statement)

    async def approved(self, commitment_id: int) -> CommitmentVersion | None:
        """The version in force: the latest approved."""
        statement = (select(CommitmentVersion)
                     .where(CommitmentVersion.commitment_id == commitment_id,
                            CommitmentVersion.approved_at.is_not(None))
                     .order_by(CommitmentVersion.number.desc()).limit(1))
        return await self._session.scalar(statement)

    async def make(self, commitment_id: int, content: dict[str, Any], person: Person | None,
                   amendment: Amendment | None = None) -> CommitmentVersion:
        """The next version of the commitment, holding `content` (versions.snapshot)."""
        last = await self._session.scalar(select(func.max(CommitmentVersion.number))
                                          .where(CommitmentVersion.commitment_id == commitment_id))
        version = CommitmentVersion(
            commitment_id=commitment_id, number=(last or 0) + 1, digest=versions.digest(content), snapshot=content,
            amendment_id=amendment.id if amendment is not None else None,
            sent_by=person.id if person is not None else None, sent_at=utcnow(),
        )
        self._session.add(version)
        await flush(self._session)
        return version

    async def lapse(self, commitment_id: int, when: datetime) -> list[Signoff]:
        """The decisions that count stop counting (they stay as history); returns them."""
        statement = select(Signoff).where(Signoff.commitment_id == commitment_id, Signoff.lapsed_at.is_(None))
        lapsed = list(await self._session.scalars(statement))
        if lapsed:
            await self._session.execute(update(Signoff).where(Signoff.id.in_([s.id for s in lapsed]))
                                        .values(lapsed_at=when).execution_options(synchronize_session="fetch"))
        return lapsed

    async def signoffs(self, commitment_id: int) -> list[Signoff]:
        """Every decision ever taken on the commitment, counted or lapsed, oldest first."""
        statement = (select(Signoff).where(Signoff.commitment_id == commitment_id)
                     .order_by(Signoff.signed_at, Signoff.id))
        return list(await self._session.scalars(statement))

    async def names(self, person_ids: list[int]) -> dict[int, str | None]:
        """The names of these people (the history names who did what), by id."""
        rows = await self._session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids)))
        return {row.id: row.name for row in rows}

    # -- amendments ----------------------------------------------------------------------------
    async def amendments(self, commitment_id: int) -> list[Amendment]:
        statement = select(Amendment).where(Amendment.commitment_id == commitment_id).order_by(Amendment.number)
        return list(await self._session.scalars(statement))

    async def open_amendment(self, commitment_id: int) -> Amendment | None:
        """The amendment not yet approved, if one is open."""
        statement = select(Amendment).where(Amendment.commitment_id == commitment_id,
                                            Amendment.stage.in_(sorted(versions.OPEN_AMENDMENT)))
        return await self._session.scalar(statement)

    async def open_amendments(self, commitment_ids: list[int]) -> dict[int, Amendment]:
        """The open amendment of each of these commitments that has one, by commitment id."""
        if not commitment_ids:
            return {}
        statement = select(Amendment).where(Amendment.commitment_id.in_(commitment_ids),
                                            Amendment.stage.in_(sorted(versions.OPEN_AMENDMENT)))
        return {a.commitment_id: a for a in await self._session.scalars(statement)}

    async def add_amendment(self, commitment_id: int, reason: str, person: Person | None) -> Amendment:
        last = await self._session.scalar(select(func.max(Amendment.number))
                                          .where(Amendment.commitment_id == commitment_id))
        amendment = Amendment(commitment_id=commitment_id, number=(last or 0) + 1, reason=reason, stage="borrador",
                              opened_by=person.id if person is not None else None, opened_at=utcnow())
        self._session.add(amendment)
        await flush(self._session)
        return amendment
