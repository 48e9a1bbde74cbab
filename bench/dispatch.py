"""4. Reminder dispatch: due outbox rows sent by the real Dispatcher (claim, RateLimiter, concurrent sends
through python-telegram-bot over HTTP, sent rows marked in batches) to a Bot API server on 127.0.0.1 in its
own process, on PostgreSQL.

Rows are due within the last hour, in random order; one chat each, and in a last case two a chat
(Telegram's one message a second per chat then comes into play; exactly two, so that no chat's own
pace makes the run longer than the overall limit does). Measured at the server, from each
message's arrival: the rate achieved against the limit (COCREA_RATE_LIMIT), the most messages in any
one-second window (overall, and to one chat), duplicates, and rows left unsent.

Three dispatchers are three Dispatcher.run() tasks in one process, on the same database (claims with
SKIP LOCKED), sharing one RateLimiter as workers of one process do: they measure contention on the
claims, and the limit holds overall. In production only the leader process dispatches (leader.py).

First, the ceiling: bare send_message calls to the same server, as many at once as the RateLimiter
lets be in flight, no database and no limits: the most any dispatcher can reach on this machine.
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from telegram import Bot
from telegram.request import HTTPXRequest

from bench.common import TOKEN, Row, migrated_url, pg_available, session_factory
from bot.channel import Channels
from bot.scheduler.cli import telegram_channel
from bot.scheduler.dispatcher import Dispatcher
from bot.scheduler.limiter import RateLimiter
from storage.models import OutboxMessage, Secretariat

GOAL_SHARE = 0.95
CASES = (  # (rate limit, rows, dispatchers, chats): rows / chats reminders to each chat
    (30, 300, 1, 300),
    (1_000, 10_000, 1, 10_000),
    (1_000, 10_000, 3, 10_000),
    (1_000, 2_000, 1, 1_000),  # two a chat: the per-chat limit (1/s) comes into play
)


def start_server() -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen([sys.executable, "-m", "bench.fake_api", "0"], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    return server, int(server.stdout.readline())


def collect(port: int) -> list[tuple[float, int, str]]:
    with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/sent", method="POST")) as r:
        return [tuple(x) for x in json.loads(r.read())]


async def seed(sessions: Any, rows: int, chats: int) -> None:
    now = datetime.now(UTC)
    rnd = random.Random(rows)
    async with sessions() as session, session.begin():
        # Quiet hours hold every send: open the window around now, whatever the hour of the run.
        secretariat = Secretariat(name="Bench", timezone="UTC",
                                  quiet_hours=f"{now - timedelta(hours=1):%H:%M}-{now + timedelta(hours=3):%H:%M}")
        session.add(secretariat)
        await session.flush()
        values = []
        for i in range(rows):
            due = now - timedelta(seconds=rnd.randint(1, 3600))
            chat = i % chats + 1
            values.append(dict(key=f"bench:{i}", kind="reminder", secretariat_id=secretariat.id, person_id=None,
                               channel="telegram", address=str(chat), item_kind="indicator", item_id=i, period=None,
                               rule="bench", due_at=due, body=f"Recordatorio #{i}", status="pending", attempts=0,
                               next_attempt_at=due, created_at=now))
        for start in range(0, rows, 1000):
            await session.execute(insert(OutboxMessage), values[start:start + 1000])


def most_in_a_second(times: list[float]) -> int:
    times = sorted(times)
    best, left = 0, 0
    for right, t in enumerate(times):
        while times[left] <= t - 1.0:
            left += 1
        best = max(best, right - left + 1)
    return best


async def dispatch(url: str, port: int, limit: float, rows: int, dispatchers: int, chats: int) -> dict[str, float]:
    async with session_factory(url) as sessions:
        await seed(sessions, rows, chats)
        limiter = RateLimiter(limit)
        request = HTTPXRequest(connection_pool_size=limiter.in_flight)  # a connection per message in flight
        bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
        await bot.initialize()
        channels = Channels([telegram_channel(bot)])
        workers = [Dispatcher(sessions, channels, limiter=limiter, worker=f"bench-{i}") for i in range(dispatchers)]
        started = time.perf_counter()
        stats = await asyncio.gather(*(w.run() for w in workers))
        elapsed = time.perf_counter() - started
        await bot.shutdown()
        async with sessions() as session:
            left = await session.scalar(select(func.count()).select_from(OutboxMessage)
                                        .where(OutboxMessage.status != "sent"))
    sent = collect(port)
    times = [t for t, _, _ in sent]
    by_chat: dict[int, list[float]] = {}
    for t, chat, _ in sent:
        by_chat.setdefault(chat, []).append(t)
    texts = Counter(text for _, _, text in sent)
    span = max(times) - min(times) if len(times) > 1 else elapsed
    return {"rate": (len(sent) - 1) / span if span else 0.0, "window": most_in_a_second(times),
            "chat_window": max(most_in_a_second(v) for v in by_chat.values()),
            "duplicates": sum(n - 1 for n in texts.values() if n > 1), "unsent": float(left or 0),
            "sent": sum(s.sent for s in stats), "elapsed": elapsed}


async def bare_sends(port: int, messages: int, at_once: int) -> float:
    """send_message as fast as python-telegram-bot goes, `at_once` in flight: no database, no limits."""
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=HTTPXRequest(connection_pool_size=at_once))
    await bot.initialize()
    numbers = iter(range(messages))

    async def sender() -> None:
        for n in numbers:
            await bot.send_message(n + 1, f"#{n}")

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(at_once)))
    elapsed = time.perf_counter() - started
    await bot.shutdown()
    collect(port)
    return messages / elapsed


def run(cases: tuple[tuple[int, int, int, int], ...] = CASES) -> list[Row]:
    if not pg_available():
        return [Row("reminder dispatch: no PostgreSQL at 127.0.0.1:5432", None)]
    server, port = start_server()
    rows: list[Row] = []
    try:
        at_once = RateLimiter().in_flight
        rows.append(Row(f"dispatch ceiling: bare send_message, {at_once} at once: msgs/s",
                        asyncio.run(bare_sends(port, 5_000, at_once)),
                        note="python-telegram-bot alone on this machine, no database and no limits: "
                             "what a dispatcher at 1,000/s can reach at most"))
        for limit, count, dispatchers, chats in cases:
            url, drop = migrated_url("postgresql", "dispatch")
            try:
                m = asyncio.run(dispatch(url, port, limit, count, dispatchers, chats))
            finally:
                drop()
            name = f"dispatch {count:,} rows/{chats:,} chats, {limit:g}/s, {dispatchers} disp."
            rows += [
                Row(f"{name}: msgs/s", m["rate"], "", limit, GOAL_SHARE * limit,
                    note=f"baseline: the limit; {m['sent']:.0f} marked sent in {m['elapsed']:.1f} s, "
                         f"{m['unsent']:.0f} rows not sent"),
                Row(f"{name}: most in any 1 s window", m["window"], "", limit, limit, higher=False),
                Row(f"{name}: most to one chat in any 1 s", m["chat_window"], "", None, 1, higher=False),
                Row(f"{name}: duplicates", m["duplicates"], "", None, 0, higher=False),
            ]
    finally:
        server.terminate()
        server.wait()
    return rows
