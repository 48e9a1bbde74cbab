"""Where people can be reached: `(channel, address)` pairs, e.g. ('telegram', '123'), ('terminal', 'ana').

A person's key names the address they first wrote from ('tg:123' → telegram 123); a linked Rasa
sender is one more. `last_used_at` orders them: the outbox writes to the one used last among the
channels that can send unprompted (bot/scheduler/planner.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import utcnow
from storage.errors import translate_errors
from storage.models import PersonAddress
from storage.repositories._sql import insert_or_ignore

# A key's prefix and the channel it names (migration 0007 backfills with the same table).
CHANNEL_OF_PREFIX = {"tg": "telegram", "cli": "terminal", "rasa": "rasa"}


def address_of_key(key: str) -> tuple[str, str] | None:
    """('telegram', '123') for 'tg:123'; None for a key of no known channel."""
    prefix, sep, rest = key.partition(":")
    channel = CHANNEL_OF_PREFIX.get(prefix)
    return (channel, rest) if sep and rest and channel else None


class Addresses:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def touch(self, person_id: int, channel: str, address: str) -> None:
        """The person was reached at this address now: recorded, or moved to them and marked used.

        An address belongs to one person: a Rasa sender linked to someone else now speaks as them.
        """
        with translate_errors():
            moved = await self._session.execute(
                update(PersonAddress).where(PersonAddress.channel == channel, PersonAddress.address == address)
                .values(person_id=person_id, last_used_at=utcnow()).execution_options(synchronize_session=False))
        if not getattr(moved, "rowcount", 0):
            await insert_or_ignore(self._session, PersonAddress,
                                   {"person_id": person_id, "channel": channel, "address": address})

    async def of_person(self, person_id: int) -> list[PersonAddress]:
        """Their addresses, the one used last first."""
        return (await self.of_people([person_id])).get(person_id, [])

    async def of_people(self, person_ids: Iterable[int]) -> dict[int, list[PersonAddress]]:
        """Each person's addresses, the one used last first."""
        ids = sorted(set(person_ids))
        found: dict[int, list[PersonAddress]] = {}
        if not ids:
            return found
        rows = await self._session.scalars(
            select(PersonAddress).where(PersonAddress.person_id.in_(ids))
            .order_by(PersonAddress.last_used_at.desc(), PersonAddress.id.desc()))
        for row in rows:
            found.setdefault(row.person_id, []).append(row)
        return found
