"""Which person a Rasa sender speaks for, and `/vincular CODE`, which links a sender to a person.

A sender is `rasa:<sender_id>` (payloads.person_key) unless the person linked it: on Telegram they
asked `/vincular` for a one-time code (bot/commands/vincular.py) and wrote `/vincular CODE` here.
Then the sender speaks for that person, and every action acts as them.

`/vincular` is handled here, before the sender is resolved: whoever types it acts as the sender
itself, so a code links the conversation it was typed in, and a linked conversation can be linked
anew with a fresh code. It needs no privacy notice: it writes nothing about the sender but the link.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeGuard

from bot.rasa.payloads import person_key, sender_of
from flows.inputs import Command, Input
from storage import UnitOfWork
from storage.models import Person
from storage.repositories.rasa_links import RasaLinks

LINK_COMMAND = "vincular"


def is_link(inp: Input) -> TypeGuard[Command]:
    return isinstance(inp, Command) and inp.name == LINK_COMMAND


async def person_for(uow: UnitOfWork, sender_id: str) -> Person | None:
    """The person this sender speaks for inside `uow`: the linked one, else `rasa:<sender>` if known."""
    linked = await RasaLinks(uow.session).person_of(sender_of(sender_id))
    return linked if linked is not None else await uow.people.get(person_key(sender_id))


async def key_for(sessions: Any, sender_id: str) -> str:
    """The person key an action runs as: the linked person's, else `rasa:<sender>`."""
    async with UnitOfWork(sessions, read_only=True) as uow:
        linked = await RasaLinks(uow.session).person_of(sender_of(sender_id))
    return linked.key if linked is not None else person_key(sender_id)


async def link(sessions: Any, sender_id: str, code: str, now: datetime | None = None) -> tuple[str, dict[str, Any]]:
    """Use `code` for this sender; the UI text key to answer with and its parameters."""
    if not code.strip():
        return "rasa_link_usage", {}
    async with UnitOfWork(sessions) as uow:
        person = await RasaLinks(uow.session).redeem(code, sender_of(sender_id), now or datetime.now(UTC))
        if person is None:
            return "rasa_link_wrong", {}
        await uow.addresses.touch(person.id, "rasa", sender_of(sender_id))  # the sender is theirs now
        return "rasa_link_done", {"name": person.name or ""}
