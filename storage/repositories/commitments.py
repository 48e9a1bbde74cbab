"""Commitments: one record that several kits fill in over time."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import utcnow
from storage.models import Commitment, CommitmentChange, Person
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

    async def update_fields(
        self, commitment: Commitment, fields: dict[str, Any], person: Person | None = None
    ) -> list[str]:
        """Merge `fields` into the record, keeping who changed what: one history row per changed field.

        `title` is also kept in its own column for listings. Returns the names of the fields that
        changed (a value written again unchanged leaves no history).
        """
        self._session.add(commitment)
        before = commitment.fields or {}
        changed = [name for name, value in fields.items() if name not in before or before[name] != value]
        # A new dict, not an in-place change: plain JSON columns do not track mutation.
        commitment.fields = {**before, **fields}
        if "title" in fields:
            title = fields["title"]
            commitment.title = None if title is None else str(title)
        if changed:
            commitment.updated_at = utcnow()
        person_id = person.id if person is not None else None
        for name in changed:
            self._session.add(
                CommitmentChange(
                    commitment_id=commitment.id, field=name, value=fields[name], person_id=person_id
                )
            )
        await flush(self._session)
        return changed
