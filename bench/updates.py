"""2. One update end to end: PTB's `Application.process_update` → Conversation → engine → commit →
the reply sent through an in-memory Bot API; on SQLite (a temp file) and PostgreSQL (its own database).

50 people each go through onboarding (/start, consent, name, sector) and into Kit 1 or Kit 5, then
answer its questions as `flows.walk` would (each question's example, the first option); the updates
are built as Telegram sends them. Baseline: a bare PTB application (a MessageHandler and a
CallbackQueryHandler that reply with sendMessage) fed the very same updates, in the same run.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bench.common import (
    TOKEN,
    MemoryRequest,
    Row,
    callback_update,
    message_update,
    migrated_url,
    percentile,
    pg_available,
    session_factory,
)
from bot.conversation import Conversation
from bot.settings import Settings
from bot.telegram import build_application
from flows import engine
from flows.events import MessageOut
from flows.inputs import Begin, Tap, Text
from flows.loader import load_checked
from flows.model import Content
from flows.walk import next_input

PEOPLE = 50
PER_PERSON = 8  # updates each: 5 to reach the kit, then its first questions
RUNS = 3
GOAL = 0.25
KITS = ("kit1", "kit5")
_NOW = datetime.now(UTC)


class KeyboardRequest(MemoryRequest):
    """Also keeps each chat's messages that still show buttons, to tap them as a person would."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__(delay)
        self.keyboards: dict[int, dict[int, dict[str, Any]]] = {}

    async def do_request(self, url: str, method: str, request_data: Any = None, *args: Any,
                         **kwargs: Any) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, request_data, *args, **kwargs)
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if name in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            import json

            result = json.loads(body)["result"]
            chat = int(params.get("chat_id", 0))
            message_id = int(params.get("message_id") or result["message_id"])
            markup = params.get("reply_markup")
            shown = self.keyboards.setdefault(chat, {})
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                shown[message_id] = {"message_id": message_id, "date": result["date"], "from": result["from"],
                                     "chat": {"id": chat, "type": "private"}, "text": params.get("text", ""),
                                     "reply_markup": markup}
            else:
                shown.pop(message_id, None)
        return status, body

    def button(self, chat: int, label: str) -> tuple[dict[str, Any], str] | None:
        for message in reversed(list(self.keyboards.get(chat, {}).values())):
            for row in message["reply_markup"]["inline_keyboard"]:
                for button in row:
                    if button["text"] == label:
                        return message, str(button["callback_data"])
        return None


def kit_script(content: Content, kit: str, length: int) -> list[tuple[str, str]]:
    """What a cooperative person sends in `kit`: ("text", words) or ("tap", button label)."""
    state, events = engine.step(content, engine.start(kit), Begin(), _NOW, {"lists": {}})
    script: list[tuple[str, str]] = []
    while len(script) < length and state.status == "active":
        inp = next_input(content, state, events)
        if isinstance(inp, Tap):
            buttons = [b for e in events if isinstance(e, MessageOut) for b in e.buttons]
            label = next(b.label for b in buttons if b.value == inp.value)
            script.append(("tap", label))
        elif isinstance(inp, Text):
            script.append(("text", inp.text))
        state, events = engine.step(content, state, inp, _NOW, {"lists": {}})
    return script


def onboarding(content: Content, kit: str) -> list[tuple[str, str]]:
    title = content.flows[kit].title
    return [("text", "/start"), ("tap", "Sí"), ("text", "Lupita"), ("tap", "Sociedad civil"),
            ("tap", title)]


def settings() -> Settings:
    return Settings(telegram_token=TOKEN, telegram_api_url="http://127.0.0.1:9/bot")


async def no_pause(seconds: float) -> None:
    return None


App = Application[Any, Any, Any, Any, Any, Any]


async def cocrea_app(content: Content, sessions: Any, request: MemoryRequest) -> App:
    conversation = Conversation(lambda: content, sessions)
    app = build_application(settings(), conversation, content, sessions=sessions, request=request, pause=no_pause)
    await app.initialize()
    return app


async def bare_app(request: MemoryRequest, concurrent: bool = True,
                   remember: Callable[[int], None] | None = None) -> App:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        assert chat is not None
        text = update.effective_message.text if update.message else (update.callback_query.data or "")  # type: ignore[union-attr]
        if remember is not None:
            remember(update.update_id)
        await context.bot.send_message(chat.id, f"eco: {text}")

    builder = ApplicationBuilder().token(TOKEN).base_url("http://127.0.0.1:9/bot").request(request)
    app = builder.get_updates_request(request).concurrent_updates(concurrent).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(echo))
    await app.initialize()
    return app


Script = list[tuple[str, str]]


async def walk_people(app: Any, api: KeyboardRequest, scripts: dict[int, Script]) -> tuple[list[Any], list[float], int]:
    """Round robin: each person sends their next update; returns the updates, latencies, stuck people."""
    updates, latencies, stuck = [], [], set()
    for i in range(max(len(s) for s in scripts.values())):
        for user, script in scripts.items():
            if i >= len(script) or user in stuck:
                continue
            kind, value = script[i]
            if kind == "text":
                update = message_update(user, value, app.bot)
            else:
                found = api.button(user, value)
                if found is None:
                    stuck.add(user)
                    continue
                update = callback_update(user, found[1], found[0], app.bot)
            start = time.perf_counter()
            await app.process_update(update)
            latencies.append(time.perf_counter() - start)
            updates.append(update)
    return updates, latencies, len(stuck)


async def replay(app: Any, updates: list[Any]) -> list[float]:
    latencies = []
    for update in updates:
        start = time.perf_counter()
        await app.process_update(update)
        latencies.append(time.perf_counter() - start)
    return latencies


def durable_commit(path: Path) -> Callable[[int], None]:
    """The least a bot that keeps every update can do: one row committed to SQLite (WAL, the default
    synchronous=FULL, as Cocrea's database) with sqlite3 itself, no ORM."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS seen (update_id INTEGER PRIMARY KEY)")

    def remember(update_id: int) -> None:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (update_id,))
        db.execute("COMMIT")

    return remember


async def measure(content: Content, url: str) -> dict[str, Any]:
    cocrea_rates, bare_rates, floor_rates, all_latencies, bare_latencies, stuck_total, n = [], [], [], [], [], 0, 0
    floor_db = Path(tempfile.mkdtemp(prefix="cocrea-floor-")) / "floor.db"
    statements = [0]

    def count(*args: Any) -> None:
        statements[0] += 1

    async with session_factory(url) as sessions:
        event.listen(sessions.kw["bind"].sync_engine, "before_cursor_execute", count)
        for run in range(RUNS):
            api = KeyboardRequest()
            app = await cocrea_app(content, sessions, api)
            scripts = {}
            for p in range(PEOPLE):
                kit = KITS[p % 2]
                scripts[100_000 * (run + 1) + p] = (onboarding(content, kit)
                                                     + kit_script(content, kit, PER_PERSON - 5))
            started = time.perf_counter()
            updates, latencies, stuck = await walk_people(app, api, scripts)
            cocrea_rates.append(len(updates) / (time.perf_counter() - started))
            all_latencies += latencies
            stuck_total += stuck
            n = len(updates)
            await app.shutdown()
            bare = await bare_app(MemoryRequest())
            started = time.perf_counter()
            bare_latencies += await replay(bare, updates)
            bare_rates.append(len(updates) / (time.perf_counter() - started))
            await bare.shutdown()
            floor = await bare_app(MemoryRequest(), remember=durable_commit(floor_db))
            started = time.perf_counter()
            await replay(floor, updates)
            floor_rates.append(len(updates) / (time.perf_counter() - started))
            await floor.shutdown()
    shutil.rmtree(floor_db.parent, ignore_errors=True)
    return {"rate": statistics.median(cocrea_rates), "bare": statistics.median(bare_rates),
            "floor": statistics.median(floor_rates),
            "p50": percentile(all_latencies, 50) * 1000, "p99": percentile(all_latencies, 99) * 1000,
            "bare_p50": percentile(bare_latencies, 50) * 1000, "bare_p99": percentile(bare_latencies, 99) * 1000,
            "updates": n, "stuck": stuck_total, "statements": statements[0] / (n * RUNS)}


def run() -> list[Row]:
    content = load_checked()
    rows: list[Row] = []
    backends = ["sqlite"] + (["postgresql"] if pg_available() else [])
    for backend in backends:
        url, drop = migrated_url(backend, "updates")
        try:
            m = asyncio.run(measure(content, url))
        finally:
            drop()
        note = (f"{m['updates']} updates a run ({PEOPLE} people, Kit 1 and Kit 5), median of {RUNS} runs; "
                f"{m['statements']:.1f} SQL statements an update; baseline: bare PTB echo on the same updates")
        if m["stuck"]:
            note += f"; {m['stuck']} people could not find a button to tap"
        rows += [
            Row(f"update end to end, {backend}: updates/s", m["rate"], "", m["bare"],
                GOAL * m["bare"] if backend == "sqlite" else None, note=note),
            Row(f"update end to end, {backend}: ratio Cocrea/bare", m["rate"] / m["bare"], "", None,
                GOAL if backend == "sqlite" else None),
        ]
        if backend == "sqlite":
            rows.append(Row("  floor: bare echo + one durable SQLite commit: updates/s", m["floor"], "", m["bare"],
                            note="the same echo committing each update id with sqlite3 (BEGIN IMMEDIATE, INSERT, "
                                 "COMMIT; WAL, synchronous=FULL), no ORM: the ratio any bot that keeps every "
                                 "update could reach on this disk"))
        rows += [
            Row(f"update end to end, {backend}: p50 latency ms", m["p50"], "ms", m["bare_p50"]),
            Row(f"update end to end, {backend}: p99 latency ms", m["p99"], "ms", m["bare_p99"]),
        ]
    return rows
