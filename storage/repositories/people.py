"""People, found by their channel identity."""

from __future__ import annotations

import re

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import StorageError, translate_errors
from storage.models import Person
from storage.repositories._sql import dialect_name, flush, insert_or_ignore
from storage.repositories.addresses import Addresses, address_of_key

_TELEGRAM_KEY = re.compile(r"tg:(\d+)")
# Read on every update: built once, as building a statement costs more than running it on SQLite.
_BY_KEY = select(Person).where(Person.key == bindparam("key"))
_LOCK = (  # also reloads the person as the previous holder of the lock left them
    select(Person).where(Person.id == bindparam("id")).with_for_update().execution_options(populate_existing=True)
)


def telegram_id_of(key: str) -> int | None:
    """The Telegram user id inside a 'tg:<digits>' key, or None for other channels."""
    match = _TELEGRAM_KEY.fullmatch(key)
    return int(match.group(1)) if match else None


class People:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, key: str) -> Person | None:
        return await self._session.scalar(_BY_KEY, {"key": key})

    async def create(
        self, key: str, *, name: str | None = None, telegram_id: int | None = None
    ) -> Person:
        """A new person; fails (IntegrityError) if the key or Telegram id is taken."""
        person = Person(
            key=key,
            name=name,
            telegram_id=telegram_id if telegram_id is not None else telegram_id_of(key),
        )
        self._session.add(person)
        await flush(self._session)
        await self._add_address(person)
        return person

    async def get_or_create(self, key: str, *, name: str | None = None) -> Person:
        """The person with this key, created on first contact. `name` is only used to create.

        Safe when two workers see the same new person at once (INSERT … ON CONFLICT DO NOTHING).
        The worker that creates the person records the address their key names (telegram 123 for
        'tg:123'); a known person costs one SELECT, as before.
        """
        person = await self.get(key)
        if person is not None:
            return person
        values = {"key": key, "name": name, "telegram_id": telegram_id_of(key)}
        created = await insert_or_ignore(self._session, Person, values)
        person = await self.get(key)
        if person is None:  # the insert hit the other unique column
            raise StorageError(f"El id de Telegram de {key!r} ya pertenece a otra persona.")
        if created:
            await self._add_address(person)
        return person

    async def _add_address(self, person: Person) -> None:
        found = address_of_key(person.key)
        if found is not None:
            await Addresses(self._session).touch(person.id, *found)

    async def lock(self, person: Person) -> None:
        """Hold this person's row until commit, so one chat's updates are handled in order.

        PostgreSQL: SELECT … FOR UPDATE, which also reloads the person as the previous holder
        left it. SQLite: nothing to do; every unit of work already holds the database's write lock.
        """
        if await dialect_name(self._session) == "sqlite":
            return
        await self._session.execute(_LOCK, {"id": person.id})

    async def set_active(self, key: str, active: bool) -> bool:
        """Mark whether Cocrea can reach this person (False once they block the bot).

        True when a person with this key exists. Works without loading the person, so a channel
        adapter can call it when a send fails, outside the update that produced the message.
        """
        statement = update(Person).where(Person.key == key).values(active=active)
        with translate_errors():
            result = await self._session.execute(statement)
        return bool(getattr(result, "rowcount", 0))
