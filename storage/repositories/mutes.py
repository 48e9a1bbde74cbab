"""Which kinds of notice each person chose not to receive (/avisos)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import NoticeMute, Person
from storage.repositories._sql import insert_or_ignore


class NoticeMutes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of(self, person: Person) -> set[str]:
        return set(await self._session.scalars(select(NoticeMute.kind).where(NoticeMute.person_id == person.id)))

    async def of_people(self, person_ids: Iterable[int]) -> dict[int, set[str]]:
        """Each person's muted kinds (people with none are left out)."""
        ids = sorted(set(person_ids))
        found: dict[int, set[str]] = {}
        if not ids:
            return found
        rows = await self._session.execute(select(NoticeMute.person_id, NoticeMute.kind)
                                           .where(NoticeMute.person_id.in_(ids)))
        for person_id, kind in rows.all():
            found.setdefault(person_id, set()).add(kind)
        return found

    async def mute(self, person: Person, kind: str) -> None:
        await insert_or_ignore(self._session, NoticeMute, {"person_id": person.id, "kind": kind})

    async def unmute(self, person: Person, kind: str) -> None:
        await self._session.execute(delete(NoticeMute).where(NoticeMute.person_id == person.id,
                                                             NoticeMute.kind == kind))
