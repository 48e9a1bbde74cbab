"""Invitation codes: only the SHA-256 of a code is stored, so a leaked database leaks no codes.

A use is claimed with one conditional UPDATE (… WHERE uses_left > 0 AND expires_at > now), so two
people opening the same single-use link at the same moment cannot both get in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import translate_errors
from storage.models import ROLES, AuditEntry, Invite, Secretariat
from storage.repositories._sql import flush

CODE_BYTES = 12  # 16 URL-safe characters: [A-Za-z0-9_-], what a t.me ?start= link allows
MAX_USES = 1000
MAX_DAYS = 365

# Why a code cannot be used (None: it can).
UNKNOWN, EXPIRED, USED_UP = "unknown", "expired", "used_up"
WRONG_CODE = "invite_wrong_code"  # audit_log action of an unknown code (the code itself is never kept)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


@dataclass(frozen=True)
class Lookup:
    """What a code stands for: the invite (None when unknown) and why it cannot be used, if so."""

    invite: Invite | None
    problem: str | None


class Invites:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(
        self,
        secretariat: Secretariat,
        role: str,
        *,
        uses: int = 1,
        days: int = 7,
        created_by: int | None = None,
        now: datetime,
    ) -> tuple[Invite, str]:
        """A new invite and its code; the code is returned once and never stored.

        ValueError (in Spanish, for the CLI and /invitar) on a bad role, number of uses or days.
        """
        if role not in ROLES:
            raise ValueError(f"Rol desconocido: {role!r} (usa member o coordinator).")
        if not 1 <= uses <= MAX_USES:
            raise ValueError(f"El número de usos debe estar entre 1 y {MAX_USES}.")
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"Los días de vigencia deben estar entre 1 y {MAX_DAYS}.")
        code = new_code()
        invite = Invite(
            secretariat_id=secretariat.id,
            code_hash=hash_code(code),
            role=role,
            uses_left=uses,
            expires_at=now + timedelta(days=days),
            created_by=created_by,
        )
        self._session.add(invite)
        await flush(self._session)
        return invite, code

    async def get(self, invite_id: int) -> Invite | None:
        return await self._session.get(Invite, invite_id)

    async def lookup(self, code: str, now: datetime) -> Lookup:
        """The invite a code stands for, without using it; `problem` says why it cannot be used."""
        invite = await self._session.scalar(select(Invite).where(Invite.code_hash == hash_code(code)))
        return Lookup(invite, _problem(invite, now))

    def note_wrong_code(self, person_id: int, now: datetime) -> None:
        """Remember that this person tried a code that stands for no invite (not the code)."""
        self._session.add(AuditEntry(person_id=person_id, action=WRONG_CODE, detail={}, at=now))

    async def wrong_codes_since(self, person_id: int, since: datetime) -> int:
        """How many unknown codes this person tried after `since`."""
        statement = select(func.count()).select_from(AuditEntry).where(
            AuditEntry.person_id == person_id, AuditEntry.action == WRONG_CODE, AuditEntry.at > since)
        return int(await self._session.scalar(statement) or 0)

    async def redeem(self, code: str, now: datetime) -> Invite | None:
        """Use the code once; None when it is unknown, expired or used up (see `lookup` for which)."""
        return await self._claim(Invite.code_hash == hash_code(code), now)

    async def claim(self, invite_id: int, now: datetime) -> Invite | None:
        """Use the invite with this id once (an invite looked up earlier); None when it cannot be."""
        return await self._claim(Invite.id == invite_id, now)

    async def _claim(self, which: object, now: datetime) -> Invite | None:
        statement = (
            update(Invite)
            .where(which, Invite.uses_left > 0, Invite.expires_at > now)  # type: ignore[arg-type]
            .values(uses_left=Invite.uses_left - 1)
            .returning(Invite.id)
            .execution_options(synchronize_session=False)
        )
        with translate_errors():
            invite_id = (await self._session.execute(statement)).scalar_one_or_none()
        if invite_id is None:
            return None
        invite = await self._session.get(Invite, invite_id, populate_existing=True)
        return invite


def _problem(invite: Invite | None, now: datetime) -> str | None:
    if invite is None:
        return UNKNOWN
    if invite.uses_left <= 0:
        return USED_UP
    if invite.expires_at <= now:
        return EXPIRED
    return None
