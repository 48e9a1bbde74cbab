"""The audit log: who did what that matters (invites, group links, erasures), never personal data."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry

WRITTEN = "cocrea_audit_written"  # session.info key: the plan's audit entries of this unit of work


def note_written(session: AsyncSession, entry: AuditEntry) -> None:
    """Keep `entry` as one written in this unit of work (what notices are derived from)."""
    session.info.setdefault(WRITTEN, []).append(entry)


def take_written(session: AsyncSession) -> list[AuditEntry]:
    """The entries noted since the last call, still in the transaction (a savepoint rolled back drops
    its own), oldest first. Taken once: a second call returns only what was written since."""
    from sqlalchemy import inspect

    entries = session.info.pop(WRITTEN, [])
    return [e for e in entries if inspect(e).persistent]


class AuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def written(self) -> list[AuditEntry]:
        """The plan's audit entries written in this unit of work since last asked (take_written)."""
        return take_written(self._session)

    def add(self, action: str, *, secretariat_id: int | None, person_id: int | None,
            detail: dict[str, Any]) -> None:
        """Noted with the transaction: written by its next flush or its commit."""
        self._session.add(AuditEntry(secretariat_id=secretariat_id, person_id=person_id, action=action,
                                     detail=detail))
