"""What every benchmark shares: the table's rows, medians, an in-memory Bot API, updates as Telegram
sends them, and throwaway databases (a temp SQLite file, or a PostgreSQL database of its own)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.request import BaseRequest, RequestData

os.environ.setdefault("PTB_TIMEDELTA", "1")  # as `cocrea run` does

RUNS = 5
PG_SERVER = os.environ.get("COCREA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
TOKEN = "4242:BENCH-TOKEN"
BOT = {"id": 4242, "is_bot": True, "first_name": "Cocrea", "username": "cocrea_bench_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
DATE = 1_760_000_000


@dataclass
class Row:
    """One line of the table. `higher` says which way is better (for ok/MISSED); goal None: no goal."""

    figure: str
    value: float | None
    unit: str = ""
    baseline: float | None = None
    goal: float | None = None
    higher: bool = True
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return ""
        if self.value is None:
            return "MISSED"
        good = self.value >= self.goal if self.higher else self.value <= self.goal
        return "ok" if good else "MISSED"


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(rows: list[Row]) -> str:
    head = f"{'figure':<58}{'value':>12}{'baseline':>12}{'ratio':>8}  {'goal':<22}result"
    lines = [head, "-" * len(head)]
    for r in rows:
        goal = "" if r.goal is None else f"{'≥' if r.higher else '≤'} {fmt(r.goal)} {r.unit}".rstrip()
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(f"{r.figure:<58}{fmt(r.value):>12}{fmt(r.baseline):>12}{ratio:>8}  {goal:<22}{r.verdict}")
        if r.note:
            lines.append(f"    {r.note}")
    return "\n".join(lines)


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# -- the Bot API, in memory -------------------------------------------------------------------------
class MemoryRequest(BaseRequest):
    """Answers the Bot API methods the bot uses with canned JSON; `delay` seconds per call (a slow
    network); records each sendMessage's chat and text in order of arrival."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.sent: list[tuple[int, str]] = []
        self.calls = 0
        self._ids = itertools.count(1)

    @property
    def read_timeout(self) -> float:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if name == "getMe":
            result: Any = BOT
        elif name in ("sendMessage", "sendDocument", "sendPhoto", "editMessageText"):
            chat = int(params.get("chat_id", 0))
            if name == "sendMessage":
                self.sent.append((chat, str(params.get("text", ""))))
            result = {"message_id": next(self._ids), "date": DATE, "from": BOT,
                      "chat": {"id": chat, "type": "private"}, "text": str(params.get("text", ""))}
            if isinstance(params.get("reply_markup"), dict) and "inline_keyboard" in params["reply_markup"]:
                result["reply_markup"] = params["reply_markup"]
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()


_ids = itertools.count(1)


def message_update(user_id: int, text: str, bot: Any) -> Any:
    """A private-chat text message as Telegram sends it (tests/bot/telegram/conftest.py's Client)."""
    from telegram import Update

    user = {"id": user_id, "is_bot": False, "first_name": f"P{user_id}", "language_code": "es"}
    message: dict[str, Any] = {"message_id": next(_ids) + 10_000, "date": DATE, "from": user,
                               "chat": {"id": user_id, "type": "private", "first_name": user["first_name"]},
                               "text": text}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return Update.de_json({"update_id": next(_ids), "message": message}, bot)


def callback_update(user_id: int, data: str, message: dict[str, Any], bot: Any) -> Any:
    from telegram import Update

    user = {"id": user_id, "is_bot": False, "first_name": f"P{user_id}", "language_code": "es"}
    query = {"id": str(next(_ids)), "from": user, "chat_instance": "ci", "data": data, "message": message}
    return Update.de_json({"update_id": next(_ids), "callback_query": query}, bot)


# -- databases --------------------------------------------------------------------------------------
def pg_available() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


async def _pg_admin(statements: list[str]) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_SERVER + "/postgres")
    try:
        for statement in statements:
            await conn.execute(statement)  # asyncpg runs outside a transaction: autocommit
    finally:
        await conn.close()


def migrated_url(kind: str, name: str) -> tuple[str, Callable[[], None]]:
    """A fresh, migrated database (kind sqlite|postgresql) and a function that removes it."""
    from storage.migrate import upgrade

    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="cocrea-bench-")
        path = Path(folder) / f"{name}.db"
        url = f"sqlite:///{path}"
        upgrade(url)

        def drop_sqlite() -> None:
            for f in Path(folder).iterdir():
                f.unlink()
            Path(folder).rmdir()

        return url, drop_sqlite
    database = f"cocrea_bench_{name}"
    asyncio.run(_pg_admin([f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", f"CREATE DATABASE {database}"]))
    url = f"{PG_SERVER}/{database}"
    upgrade(url)

    def drop_pg() -> None:
        asyncio.run(_pg_admin([f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"]))

    return url, drop_pg


@asynccontextmanager
async def session_factory(url: str, **engine_args: Any) -> AsyncIterator[Any]:
    from storage.db import make_engine, make_session_factory

    engine = make_engine(url, **engine_args)
    try:
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


def clock() -> float:
    return time.perf_counter()
