"""`cocrea chat`: wires settings, content, storage and the terminal channel together."""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from bot.conversation import Conversation, Reply
from bot.settings import Settings
from bot.startup import prepare
from bot.terminal import TerminalChat
from bot.typed import clean
from flows.events import MessageOut
from flows.inputs import Command, Input
from storage import DatabaseUnavailable, make_engine, make_session_factory

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


async def _chat(settings: Settings, content: object, key: str, name: str | None,
                moment: datetime | None = None) -> int:
    engine = make_engine(settings.database_url)
    conversation = Conversation(lambda: content, make_session_factory(engine),  # type: ignore[arg-type,return-value]
                                default_secretariat=LOCAL_SECRETARIAT,
                                clock=(lambda: moment) if moment is not None else lambda: datetime.now(UTC))
    bot_texts = content.ui.get("bot") or {}  # type: ignore[attr-defined]

    async def handle(inp: Input) -> Reply:
        try:
            return await conversation.handle(key, inp, name=name)
        except DatabaseUnavailable:
            log.warning("database unavailable", exc_info=True)
            return Reply([MessageOut(str(bot_texts.get("db_unavailable")))])
        except Exception:  # the person keeps their progress; the traceback goes to stderr
            log.exception("error while handling a message")
            return Reply([MessageOut(str(bot_texts.get("sorry")))])

    chat = TerminalChat(handle, forgiving(sys.stdin), forgiving(sys.stdout), echo=not sys.stdin.isatty())
    try:
        await chat.run(first=Command("start"))
    finally:
        await engine.dispose()
    return 0
