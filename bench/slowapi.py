"""3. A slow Bot API: every call takes 50 ms. 200 chats each send 5 quick messages, all queued at once
and fed as `cocrea run` feeds them (`concurrent_updates(True)`: PTB's update fetcher, 256 at a time;
ChatLocks keep each chat in order).

Each message is an unknown command `/m<chat>x<i>`, which goes through the whole loop (lock the person,
read their runs, commit) and whose answer names it, so each chat's replies can be checked: present
and in the order sent. Baseline: the same application with PTB's default sequential processing,
on 20 of the chats (sequentially the full 1,000 would take over 100 s at 50 ms a call).
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime
from typing import Any

from telegram.ext import SimpleUpdateProcessor

from bench.common import MemoryRequest, Row, message_update, migrated_url, percentile, pg_available, session_factory
from bench.updates import cocrea_app, no_pause, settings
from bot.conversation import Reply
from bot.telegram import build_application
from flows.events import MessageOut
from flows.loader import load_checked
from flows.model import Content
from storage.models import Person

DELAY = 0.05
CHATS, MESSAGES, SEQUENTIAL_CHATS = 200, 5, 20
GOAL = 1_000
ASKED = re.compile(r"/m(\d+)x(\d+)")


class TimedRequest(MemoryRequest):
    def __init__(self, delay: float) -> None:
        super().__init__(delay)
        self.replies: list[tuple[float, int, int, int]] = []  # when, chat, message number, in order of arrival

    async def do_request(self, url: str, method: str, request_data: Any = None, *args: Any,
                         **kwargs: Any) -> tuple[int, bytes]:
        result = await super().do_request(url, method, request_data, *args, **kwargs)
        if url.endswith("/sendMessage") and request_data is not None:
            found = ASKED.search(str(request_data.parameters.get("text", "")))
            if found:
                self.replies.append((time.perf_counter(), int(request_data.parameters["chat_id"]),
                                     int(found.group(1)), int(found.group(2))))
        return result


async def seed(sessions: Any, chats: list[int]) -> None:
    async with sessions() as session, session.begin():
        session.add_all(Person(key=f"tg:{c}", telegram_id=c, name=f"P{c}", consent_at=datetime.now(UTC))
                        for c in chats)


class NoDatabase:
    """The loop without storage or engine: what PTB, ChatLocks and the 50 ms calls allow at best."""

    async def handle(self, key: str, inp: Any, **kwargs: Any) -> Reply:
        return Reply([MessageOut(f"No conozco el comando /{inp.name}.")])


async def flood(content: Content, sessions: Any, chats: list[int], sequential: bool,
                stub: bool = False) -> dict[str, float]:
    api = TimedRequest(DELAY)
    if stub:
        app = build_application(settings(), NoDatabase(), content, request=api, pause=no_pause)  # type: ignore[arg-type]
        await app.initialize()
    else:
        app = await cocrea_app(content, sessions, api)
    if sequential:  # what PTB does without concurrent_updates(True): one update at a time
        app._update_processor = SimpleUpdateProcessor(1)  # noqa: SLF001 - build_application fixes it to True
    await app.start()
    queued: dict[tuple[int, int], float] = {}
    expected = len(chats) * MESSAGES
    started = time.perf_counter()
    for i in range(MESSAGES):  # as they arrive: everyone's first message, then everyone's second…
        for chat in chats:
            queued[(chat, i)] = time.perf_counter()
            await app.update_queue.put(message_update(chat, f"/m{chat}x{i}", app.bot))
    deadline = time.perf_counter() + 300
    while len(api.replies) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
        if app.update_queue.empty() and len(api.replies) < expected and not _busy(app):
            await asyncio.sleep(0.5)  # nothing left running: whatever is missing was dropped
            if not _busy(app):
                break
    elapsed = (api.replies[-1][0] if api.replies else time.perf_counter()) - started
    await app.stop()
    await app.shutdown()
    latencies = [when - queued[(chat, i)] for when, chat, _, i in api.replies]
    seen: dict[int, list[int]] = {}
    for _, chat, _, i in api.replies:
        seen.setdefault(chat, []).append(i)
    reordered = sum(1 for order in seen.values() for a, b in zip(order, order[1:], strict=False) if b < a)
    duplicated = sum(len(order) - len(set(order)) for order in seen.values())
    return {"rate": len(api.replies) / elapsed, "p99": percentile(latencies, 99) * 1000,
            "p50": percentile(latencies, 50) * 1000, "dropped": expected - len({(c, i) for _, c, _, i in api.replies}),
            "reordered": reordered + duplicated, "calls": api.calls / expected}


def _busy(app: Any) -> bool:
    return bool(app._update_processor._semaphore._value < app._update_processor.max_concurrent_updates)  # noqa: SLF001


async def measure(content: Content, url: str) -> tuple[dict[str, float], dict[str, float]]:
    chats = list(range(500_001, 500_001 + CHATS))
    sequential_chats = list(range(600_001, 600_001 + SEQUENTIAL_CHATS))
    async with session_factory(url) as sessions:
        await seed(sessions, chats + sequential_chats)
        concurrent = await flood(content, sessions, chats, sequential=False)
        sequential = await flood(content, sessions, sequential_chats, sequential=True)
    return concurrent, sequential


async def ceiling(content: Content) -> dict[str, float]:
    return await flood(content, None, list(range(700_001, 700_001 + CHATS)), sequential=False, stub=True)


def run() -> list[Row]:
    content = load_checked()
    rows = []
    for backend in ["sqlite"] + (["postgresql"] if pg_available() else []):
        url, drop = migrated_url(backend, "slowapi")
        try:
            c, s = asyncio.run(measure(content, url))
        finally:
            drop()
        rows += [
            Row(f"slow API 50 ms, {backend}: updates/s ({CHATS}×{MESSAGES} msgs)", c["rate"], "", s["rate"], GOAL,
                note=f"baseline: PTB sequential processing ({SEQUENTIAL_CHATS} chats); {c['calls']:.1f} Bot API "
                     f"calls an update; p50 {c['p50']:.0f} ms (sequential {s['p50']:.0f} ms)"),
            Row(f"slow API 50 ms, {backend}: p99 latency ms", c["p99"], "ms", s["p99"]),
            Row(f"slow API 50 ms, {backend}: dropped + reordered", c["dropped"] + c["reordered"], "",
                s["dropped"] + s["reordered"], 0, higher=False),
        ]
    c = asyncio.run(ceiling(content))
    rows.append(Row("slow API 50 ms, no database (stub loop): updates/s", c["rate"], "", None, GOAL,
                    note=f"the ceiling of PTB + ChatLocks at 50 ms a call: p99 {c['p99']:.0f} ms, "
                         f"{c['dropped'] + c['reordered']:.0f} dropped or reordered"))
    return rows
