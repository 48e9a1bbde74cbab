"""Commitments: one record that several kits fill in over time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.fields import COMMITMENT
from storage.columns import utcnow
from storage.errors import FieldsChanged
from storage.models import AuditEntry, Commitment, CommitmentChange, Person
from storage.repositories._sql import dialect_name, flush
from storage.repositories.audit import note_written

# FOR NO KEY UPDATE: it excludes other writers of the row, not rows that only point at it (a new
# milestone, indicator or history row takes KEY SHARE on the commitment and must not wait, nor
# deadlock with a writer). Reloads the row as the previous holder of the lock left it.
_LOCK = (
    select(Commitment)
    .where(Commitment.id == bindparam("id"))
    .with_for_update(key_share=True)
    .execution_options(populate_existing=True)
)


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
        entry = AuditEntry(secretariat_id=secretariat_id, person_id=created_by, action="commitment_created",
                           detail={"commitment_id": commitment.id})
        self._session.add(entry)
        await flush(self._session)
        note_written(self._session, entry)  # a new draft: the secretariat hears of it (bot/notices)
        return commitment

    async def lock(self, commitment: Commitment) -> None:
        """Hold the commitment's row until commit and reload it as it is now.

        Every write to a commitment calls this first, so two people writing at once (two kits, a
        kit and /revision) take turns and each merges into what the other saved, never into a
        copy read before. PostgreSQL: SELECT … FOR NO KEY UPDATE, which waits for the other
        writer's commit and reloads the row. SQLite: nothing to do; every unit of work already
        holds the database's write lock from its start.
        """
        self._session.add(commitment)
        await flush(self._session)  # changes made in memory go first: the reload would drop them
        if await dialect_name(self._session) == "sqlite":
            return
        await self._session.execute(_LOCK, {"id": commitment.id})

    async def update_fields(
        self,
        commitment: Commitment,
        fields: dict[str, Any],
        person: Person | None = None,
        *,
        kit: str | None = None,
        step: str | None = None,
        seen: Mapping[str, Any] | None = None,
    ) -> list[str]:
        """Merge `fields` into the record, keeping who changed what, when and through which kit and
        step: one history row per changed field.

        The merge reads the record under its lock (`lock`): what someone else saved meanwhile is
        kept. `seen` holds the value of each field as the kit read it before asking «mantener /
        reemplazar / combinar»: a field changed since then (two members at once) is not replaced,
        FieldsChanged is raised and nothing is written. `title` is also kept in its own column for
        listings. Returns the names of the fields that changed (a value written again unchanged
        leaves no history).
        """
        await self.lock(commitment)
        before = commitment.fields or {}
        changed = [name for name, value in fields.items() if name not in before or before[name] != value]
        if seen is not None:
            moved = [name for name in changed if name in seen and before.get(name) != seen[name]]
            if moved:
                labels = ", ".join(f"«{COMMITMENT[n].label if n in COMMITMENT else n}»" for n in moved)
                raise FieldsChanged("record_refused_changed_meanwhile", {"fields": labels})
        if changed:
            # A new dict, not an in-place change: plain JSON columns do not track mutation.
            commitment.fields = {**before, **fields}
            commitment.updated_at = utcnow()
        if "title" in fields:
            title = fields["title"]
            title_text = None if title is None else str(title)
            if commitment.title != title_text:
                commitment.title = title_text
        for name in changed:
            self.record_change(commitment, name, fields[name], person, kit=kit, step=step)
        await flush(self._session)
        return changed

    def record_change(self, commitment: Commitment, field: str, value: Any, person: Person | None,
                      *, kit: str | None = None, step: str | None = None) -> None:
        """One row of the commitment's history (a field of it, or «hito 3 · fecha» of a milestone)."""
        self._session.add(CommitmentChange(
            commitment_id=commitment.id, field=field, value=value, person_id=person.id if person else None,
            kit=kit, step=step,
        ))

    async def last_changes(self, commitment_id: int) -> dict[str, tuple[CommitmentChange, str | None]]:
        """The latest history row of each field, with the name of who wrote it: who wrote what the
        record holds, and through which kit."""
        latest = (  # the newest row of each field (ids grow with every write), not the whole history
            select(func.max(CommitmentChange.id))
            .where(CommitmentChange.commitment_id == commitment_id)
            .group_by(CommitmentChange.field)
        )
        statement = (
            select(CommitmentChange, Person.name)
            .outerjoin(Person, Person.id == CommitmentChange.person_id)
            .where(CommitmentChange.id.in_(latest))
        )
        return {row.field: (row, name) for row, name in (await self._session.execute(statement)).all()}
