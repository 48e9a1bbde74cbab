"""`cocrea chat`: wires settings, content, storage and the terminal channel together.

Someone known only through the terminal gets their reminders here: after each reply, the outbox
rows due to their terminal address are sent through the terminal channel, printed before the next
line (`→ terminal:ana: …`). The chat plans nothing: planning is the scheduler's (`cocrea run`'s job,
or `cocrea reminders tick`), which leaves terminal rows for the terminal, since no bot process has
one. So a transcript never depends on the hour it is typed at.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Channels, fault_reply
from bot.conversation import Conversation, Reply
from bot.scheduler.dispatcher import Dispatcher
from bot.scheduler.limiter import RateLimiter
from bot.settings import Settings
from bot.startup import prepare
from bot.terminal import Printer, TerminalChat
from bot.texts import ui_text
from bot.typed import clean
from flows.events import MessageOut
from flows.inputs import Command, Input
from storage import make_engine, make_session_factory
from storage.repositories.addresses import address_of_key

log = logging.getLogger(__name__)
LOCAL_SECRETARIAT = "STL de prueba"  # who a terminal user works with until invited elsewhere


def run_chat(settings: Settings, *, key: str, name: str | None, now: str | None = None) -> int:
    from bot.scheduler.cli import parse_now

    try:  # a fixed clock (`--now`) keeps transcripts that show dates the same every day
        moment = parse_now(now, settings.timezone) if now else None
    except ValueError:
        print(f"--now debe ser una fecha y hora ISO, p. ej. 2026-03-09T09:00 (recibí {now!r})", file=sys.stderr)
        return 2
    content = prepare(settings)
    if content is None:
        return 1
    # Arguments that are not UTF-8 arrive with lone surrogates: cleaned like anything typed.
    return asyncio.run(_chat(settings, content, clean(key), clean(name) if name is not None else None, moment))


def forgiving(stream: TextIO) -> TextIO:
    """A standard stream that never fails on what its encoding cannot hold: bytes read that are
    not valid text become «�» (U+FFFD), characters written that the terminal cannot show become «?»,
    and the chat goes on. Valid text reads and writes as before."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors="replace")
    return stream


def reminders_for(sessions: async_sessionmaker[AsyncSession], key: str, out: TextIO,
                  clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                  ) -> Callable[[], Awaitable[None]] | None:
    """What runs between two lines: the rows due to this chatter's terminal address, printed; None
    when the key names no terminal address (`--as tg:123` talks as a Telegram person)."""
    found = address_of_key(key)
    if found is None or found[0] != "terminal":
        return None
    channels = Channels([Printer(lambda: out)])
    unlimited = RateLimiter(1e9, per_chat=1e9, group_per_minute=10**9)

    async def deliver() -> None:
        try:
            await Dispatcher(sessions, channels, clock=clock, limiter=unlimited, only=found).run()
        except Exception:  # a reminder must never break the conversation
            log.warning("could not deliver the reminders of %s", key, exc_info=True)

    return deliver


async def _chat(settings: Settings, content: Any, key: str, name: str | None,
                moment: datetime | None = None) -> int:
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    clock = (lambda: moment) if moment is not None else (lambda: datetime.now(UTC))
    conversation = Conversation(lambda: content, sessions, default_secretariat=LOCAL_SECRETARIAT, clock=clock)

    async def handle(inp: Input) -> Reply:
        try:
            return await conversation.handle(key, inp, name=name)
        except Exception as exc:  # the person keeps their progress; a bug's traceback goes to stderr
            said = fault_reply(exc, content)
            if said is None:
                log.exception("error while handling a message")
                said = MessageOut(ui_text(content, "sorry"))
            return Reply([said])

    stdout = forgiving(sys.stdout)
    chat = TerminalChat(handle, forgiving(sys.stdin), stdout, echo=not sys.stdin.isatty(),
                        between=reminders_for(sessions, key, stdout, clock=clock))
    try:
        await chat.run(first=Command("start"))
    finally:
        await engine.dispose()
    return 0
