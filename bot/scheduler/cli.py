"""`cocrea reminders tick [--now ISO]`: one pass of the scheduler, for cron and for trying it out.

With COCREA_TELEGRAM_TOKEN set the messages go to Telegram (rate-limited); without it they are
printed, one block per message, so an admin can try rules and a moved clock safely. Messages to
terminal addresses (people known only through `cocrea chat`) are printed either way. `--now`
moves the clock: an ISO date-time with an offset, or without one in COCREA_TIMEZONE.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.channel import Channels
from bot.scheduler.limiter import RateLimiter
from bot.scheduler.tick import sector_labels, tick
from bot.settings import Settings
from bot.startup import prepare
from bot.telegram.outbound import TelegramOut
from bot.telegram.sending import Sender
from bot.terminal import Printer
from flows.reminders.config import load_reminders
from storage import make_engine, make_session_factory


def parse_now(value: str, timezone: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def printing(out: Callable[[], TextIO]) -> Channels:
    """Without a token: every row printed, Telegram's as `→ telegram:123: …`, the terminal's as
    `→ terminal:ana: …`, so an admin can try rules and a moved clock safely."""
    return Channels([Printer(out, "telegram"), Printer(out, "terminal")])


def telegram_channel(bot: Any) -> TelegramOut:
    """The Telegram channel over `bot`: the replies' rendering and splitting (HTML, UTF-16 units)."""
    async def unused(chat_id: int) -> None:  # the dispatcher handles a blocked chat itself
        return None

    return TelegramOut(Sender(bot, asyncio.sleep, unused))


def run_tick(settings: Settings, now: str | None, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up at the call: a default bound at import keeps a stale stream
    try:
        moment = parse_now(now, settings.timezone) if now else datetime.now(UTC)
    except ValueError:
        print(f"--now debe ser una fecha y hora ISO, p. ej. 2026-03-09T09:00 (recibí {now!r})", file=sys.stderr)
        return 2
    content = prepare(settings)
    if content is None:
        return 1
    config, problems = load_reminders(settings.content_dir)
    if config is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("No hay reglas de recordatorios (content/reminders.yaml): nada que hacer.", file=sys.stderr)
        return 1 if problems else 0
    labels = sector_labels(content)

    async def one_pass() -> str:
        engine = make_engine(settings.database_url)
        sessions = make_session_factory(engine)
        clock = (lambda: moment) if now else (lambda: datetime.now(UTC))
        try:
            if settings.telegram_token:
                from telegram import Bot

                async with Bot(settings.telegram_token, base_url=settings.telegram_api_url) as bot:
                    channels = Channels([telegram_channel(bot), Printer(lambda: out)])
                    stats = await tick(sessions, config, channels, now=moment, clock=clock,
                                       limiter=RateLimiter(settings.rate_limit), admins=settings.admins,
                                       labels=labels)
            else:
                unlimited = RateLimiter(1e9, per_chat=1e9, group_per_minute=10**9)
                stats = await tick(sessions, config, printing(lambda: out), now=moment, clock=clock,
                                   limiter=unlimited, admins=settings.admins, labels=labels)
        finally:
            await engine.dispose()
        return stats.summary()

    print(asyncio.run(one_pass()), file=sys.stderr)
    return 0
