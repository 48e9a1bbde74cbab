"""The one loop every channel shares: load the person, run the turn, commit, then send.

An adapter turns what arrived into an engine input and calls `Conversation.handle`; the
messages it gets back were produced inside a committed transaction, so whatever the person
is told was saved, was saved. What the input does is the turn's business (bot/turn.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.commands.aprobar import acta
from bot.context import Context
from bot.effects import Duplicate, Reply, render
from bot.notices import write_notices
from bot.turn import Turn
from flows.inputs import Input
from flows.model import Content
from storage import UnitOfWork

__all__ = ["Conversation", "Reply"]


class Conversation:
    def __init__(
        self,
        content: Callable[[], Content],
        session_factory: Any,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        default_secretariat: str | None = None,
        admins: frozenset[int] = frozenset(),
    ) -> None:
        self._content = content
        self.content_source = content  # a ContentHolder in `cocrea run`: /recargar reloads it
        self.admins = admins  # Telegram user ids (COCREA_ADMINS)
        self._sessions = session_factory
        self._clock = clock
        self.default_secretariat = default_secretariat
        self.bot_username: str | None = None  # for invite links; the Telegram channel sets it (getMe)

    async def handle(
        self,
        key: str,
        inp: Input,
        *,
        name: str | None = None,
        update: tuple[str, int] | None = None,
        group: int | None = None,
    ) -> Reply:
        """Handle one input from the person known as `key` (e.g. 'tg:123', 'cli:ana').

        `group` is the group chat it was written in (None: a private chat); in a group only the
        commands meant for groups act, so a group never becomes anyone's kit.
        """
        content = self._content()
        async with UnitOfWork(self._sessions) as uow:
            if update is not None and await uow.updates.seen(*update):
                return Reply(effects=[Duplicate()])
            arrival = await uow.arrivals.locked(key)  # one statement: person, current run, secretariat
            if arrival is None:  # first contact
                person = await uow.people.get_or_create(key, name=name)
                await uow.people.lock(person)
            else:
                person = arrival.person
            if not person.active:  # they blocked the bot once and now write again: reachable
                person.active = True
            turn = Turn(self, uow, person, content, self._clock(), group, arrival)
            await turn.dispatch(inp)
            # what the turn changed, told to those concerned: outbox rows in this same transaction
            await write_notices(uow.repositories(), content, turn.now, acta=lambda c: acta(Context(turn), c))
        await render(turn.reply)  # committed: slow drawing now holds up nobody else's turn
        return turn.reply
