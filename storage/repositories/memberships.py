"""Who belongs to which secretariat, and as what."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ROLES, Membership, Person, Secretariat
from storage.repositories._sql import flush, insert_or_ignore


class Memberships:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, person: Person, secretariat: Secretariat, role: str) -> Membership:
        """Join, idempotently: a second invite may promote a member, never demote a coordinator."""
        if role not in ROLES:
            raise ValueError(f"Rol desconocido: {role!r} (usa member o coordinator).")
        # Their first secretariat is where they act; joining another does not switch (/secretariado does).
        acts_somewhere = await self._session.scalar(
            select(Membership.id).where(Membership.person_id == person.id, Membership.acting).limit(1))
        values = {"person_id": person.id, "secretariat_id": secretariat.id, "role": role,
                  "acting": acts_somewhere is None}
        await insert_or_ignore(self._session, Membership, values)
        membership = await self._find(person.id, secretariat.id)
        assert membership is not None  # inserted just now or already there
        if role == "coordinator" and membership.role != "coordinator":
            membership.role = "coordinator"
            await flush(self._session)
        return membership

    async def act_in(self, person: Person, secretariat_id: int) -> bool:
        """From now on the person acts in this secretariat; False (nothing changed) when they do not
        belong to it. The old mark goes first: the partial unique index allows one a person."""
        if await self._find(person.id, secretariat_id) is None:
            return False
        mine = update(Membership).where(Membership.person_id == person.id)
        await self._session.execute(mine.where(Membership.acting).values(acting=False))
        await self._session.execute(mine.where(Membership.secretariat_id == secretariat_id).values(acting=True))
        return True

    async def role_of(self, person: Person, secretariat: Secretariat) -> str | None:
        membership = await self._find(person.id, secretariat.id)
        return membership.role if membership else None

    async def people_of(self, secretariat_id: int) -> list[Person]:
        """Everyone who belongs to the secretariat, in the order they were first seen."""
        statement = (select(Person).join(Membership, Membership.person_id == Person.id)
                     .where(Membership.secretariat_id == secretariat_id).order_by(Person.id))
        return list(await self._session.scalars(statement))

    async def _find(self, person_id: int, secretariat_id: int) -> Membership | None:
        statement = select(Membership).where(
            Membership.person_id == person_id, Membership.secretariat_id == secretariat_id
        )
        return await self._session.scalar(statement)

    async def coordinator_telegram_ids(self) -> list[int]:
        """The Telegram ids of everyone who coordinates some secretariat (their menus differ)."""
        statement = (
            select(Person.telegram_id)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.role == "coordinator", Person.telegram_id.is_not(None))
            .distinct()
        )
        return sorted(int(t) for t in await self._session.scalars(statement) if t is not None)
