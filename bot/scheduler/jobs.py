"""The scheduler inside `cocrea run`: an APScheduler job, every 30 seconds, that runs one tick.

It starts with the bot (python-telegram-bot's post_init, so it shares the bot's event loop) and
runs once at start, which sends what fell due while the bot was down; it stops before the bot.
Several processes may each run it: every one plans (secretariats are claimed with SKIP LOCKED and
leases, storage/repositories/planning.py), so a process added is planning capacity added; only the
leader (a PostgreSQL advisory lock, bot/scheduler/leader.py) sends, and the rows are claimed
atomically besides (see bot/scheduler).

Why sending stays on the leader: Telegram's limits (30 messages a second for the whole bot, one a
second per chat, 20 a minute per group) are one budget for every process. One process keeps that
pace (bench/RESULTS.md, `python -m bench dispatch`: one dispatcher sends 29.9 of 30 a second; at
1,000 a second, three dispatchers sent 818 against one's 857), so a second sender adds no
throughput, only a shared token bucket in the database: a row locked and written per message by
every sender, and the pace a function of how they interleave. Planning is the work that grows with
the country (bench/RESULTS.md, `python -m bench planning`), and it is shared.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.channel import Channels
from bot.scheduler.cli import telegram_channel
from bot.scheduler.leader import Leader
from bot.scheduler.limiter import RateLimiter
from bot.scheduler.tick import TickStats, sector_labels, tick
from bot.settings import Settings
from bot.telegram.limiting import SharedRateLimiter
from flows.model import Content
from flows.reminders.config import load_reminders

log = logging.getLogger(__name__)

EVERY_SECONDS = 30  # also how soon another process takes over when the leader dies
STOP_TIMEOUT = 30  # seconds a stopping bot waits for a tick in progress


def shared_limiter(app: Any) -> RateLimiter | None:
    """The limiter the bot's replies go through (bot/telegram/limiting.py), so both count alike."""
    plugged = getattr(app.bot, "rate_limiter", None)
    return plugged.limiter if isinstance(plugged, SharedRateLimiter) else None


def make_job(app: Any, sessions: async_sessionmaker[AsyncSession], settings: Settings,
             content: Callable[[], Content], leader: Leader | None = None) -> Callable[[], Awaitable[TickStats | None]]:
    limiter = shared_limiter(app) or RateLimiter(settings.rate_limit)  # one per process: across ticks
    channels = Channels([telegram_channel(app.bot)])  # no terminal here: its rows wait for one

    async def job() -> TickStats | None:
        leading = leader is None or await leader.acquire()  # only the leader sends; everyone plans
        current = content()
        config, problems = load_reminders(Path(current.directory))
        if config is None and problems:  # still a tick: broadcasts (/difundir) go out without reminder rules
            log.error("reminders.yaml has errors; no reminders are sent: %s", "; ".join(map(str, problems)))
        try:
            stats = await tick(sessions, config, channels, now=datetime.now(UTC),
                               clock=lambda: datetime.now(UTC), limiter=limiter, admins=settings.admins,
                               labels=sector_labels(current), dispatch=leading)
        except Exception:  # the next minute tries again; the bot itself keeps answering
            log.exception("the reminders tick failed")
            return None
        metrics.REMINDERS_SENT.inc(stats.sent.sent)
        metrics.REMINDERS_FAILED.inc(stats.sent.failed + stats.sent.blocked)
        if stats.sent.sent or stats.plan.digests:
            log.info(stats.summary())
        return stats

    return job


def attach_scheduler(app: Any, sessions: async_sessionmaker[AsyncSession], settings: Settings,
                     content: Callable[[], Content]) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    engine = sessions.kw.get("bind")
    leader = Leader(engine) if engine is not None else None
    one_tick = make_job(app, sessions, settings, content, leader)
    running: set[asyncio.Task[Any]] = set()

    async def job() -> None:
        task = asyncio.current_task()
        if task is not None:
            running.add(task)
        try:
            await one_tick()
        finally:
            if task is not None:
                running.discard(task)
    previous_init, previous_stop = app.post_init, app.post_stop

    async def post_init(application: Any) -> None:
        if previous_init is not None:
            await previous_init(application)
        # max_instances=1: a slow tick is never overlapped by the next; coalesce: missed runs count once.
        scheduler.add_job(job, "interval", seconds=EVERY_SECONDS, id="reminders", next_run_time=datetime.now(UTC),
                          max_instances=1, coalesce=True, misfire_grace_time=EVERY_SECONDS)
        scheduler.start()

    async def post_stop(application: Any) -> None:
        if scheduler.running:
            scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler stops on the loop's next turn
        # A tick in the middle of a send finishes it and marks it, so nothing is sent twice later.
        if running:
            await asyncio.wait(set(running), timeout=STOP_TIMEOUT)
        if leader is not None:
            await leader.release()
        if previous_stop is not None:
            await previous_stop(application)

    app.post_init, app.post_stop = post_init, post_stop
    return scheduler
