"""Rasa senders linked to people: one-time codes from Telegram, and the links they made.

A Rasa sender id is whatever the Rasa channel says it is, so it never stands for a Telegram person by
itself. A person asks for a code on Telegram (`/vincular`); typing it through Rasa links that sender
to them. Only the SHA-256 of a code is stored (as with invites); a code is short-lived and used once,
claimed with one conditional UPDATE, so two senders typing the same code cannot both be linked.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import translate_errors
from storage.models import Person, RasaLink
from storage.repositories._sql import flush

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to copy by hand
CODE_LENGTH = 10  # 50 bits: unguessable within its few minutes of life
CODE_MINUTES = 10


def normalize_code(code: str) -> str:
    """What the person typed, as the code was made: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode("utf-8")).hexdigest()


def new_code() -> str:
    """A fresh code, shown as two groups of five (`ABCDE-FGHJK`)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


class RasaLinks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def new_code(self, person: Person, now: datetime, minutes: int = CODE_MINUTES) -> str:
        """A new code for `person`; their earlier unused codes stop working. Returned once, never stored."""
        with translate_errors():
            await self._session.execute(
                delete(RasaLink).where(RasaLink.person_id == person.id, RasaLink.linked_at.is_(None))
                .execution_options(synchronize_session=False))
        code = new_code()
        self._session.add(RasaLink(person_id=person.id, code_hash=hash_code(code),
                                   expires_at=now + timedelta(minutes=minutes)))
        await flush(self._session)
        return code

    async def redeem(self, code: str, sender: str, now: datetime) -> Person | None:
        """Link `sender` to the person whose code this is; None when the code is unknown, used or expired.

        A sender linked before is linked anew (its earlier link is dropped).
        """
        claim = (
            update(RasaLink)
            .where(RasaLink.code_hash == hash_code(code), RasaLink.linked_at.is_(None), RasaLink.expires_at > now)
            .values(linked_at=now)
            .returning(RasaLink.id, RasaLink.person_id)
            .execution_options(synchronize_session=False)
        )
        with translate_errors():
            claimed = (await self._session.execute(claim)).one_or_none()
            if claimed is None:
                return None
            link_id, person_id = claimed
            await self._session.execute(
                delete(RasaLink).where(RasaLink.sender == sender).execution_options(synchronize_session=False))
            await self._session.execute(
                update(RasaLink).where(RasaLink.id == link_id).values(sender=sender)
                .execution_options(synchronize_session=False))
        return await self._session.get(Person, person_id)

    async def person_of(self, sender: str) -> Person | None:
        """The person this Rasa sender was linked to, if any."""
        statement = select(Person).join(RasaLink, RasaLink.person_id == Person.id).where(RasaLink.sender == sender)
        return await self._session.scalar(statement)
