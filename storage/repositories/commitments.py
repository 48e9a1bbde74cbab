"""Commitments: one record that several kits fill in over time."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import utcnow
from storage.models import Commitment
from storage.repositories._sql import flush


class Commitments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, commitment_id: int) -> Commitment | None:
        return await self._session.get(Commitment, commitment_id)

    async def create(self, secretariat_id: int, created_by: int | None = None) -> Commitment:
        """An empty draft ('borrador'); `created_by` is a person id."""
        commitment = Commitment(secretariat_id=secretariat_id, created_by=created_by, fields={})
        self._session.add(commitment)
        await flush(self._session)
        return commitment

    async def update_fields(self, commitment: Commitment, fields: dict[str, Any]) -> None:
        """Merge `fields` into the record; `title` is also kept in its own column for listings."""
        self._session.add(commitment)
        # A new dict, not an in-place change: plain JSON columns do not track mutation.
        commitment.fields = {**(commitment.fields or {}), **fields}
        if "title" in fields:
            title = fields["title"]
            commitment.title = None if title is None else str(title)
        commitment.updated_at = utcnow()
        await flush(self._session)
