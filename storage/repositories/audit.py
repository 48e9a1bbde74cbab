"""The audit log: who did what that matters (invites, group links, erasures), never personal data."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


class AuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, action: str, *, secretariat_id: int | None, person_id: int | None,
            detail: dict[str, Any]) -> None:
        """Noted with the transaction: written by its next flush or its commit."""
        self._session.add(AuditEntry(secretariat_id=secretariat_id, person_id=person_id, action=action,
                                     detail=detail))
