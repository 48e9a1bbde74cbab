"""Ids of updates already handled, so a redelivered update is not answered twice."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate
from storage.repositories._sql import insert_or_ignore


class Updates:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def seen(self, channel: str, update_id: int) -> bool:
        """False the first time (and records the id), True ever after; one winner under races."""
        values = {"channel": channel, "update_id": update_id}
        return not await insert_or_ignore(self._session, ProcessedUpdate, values)
