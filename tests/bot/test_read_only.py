"""What only reads waits for no writer: on SQLite a writer holds the write lock for its whole unit of
work, and the health checks and metrics must still answer while it does (read-only transactions)."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.telegram.webhook import database_ping, outbox_depth
from storage import UnitOfWork

ROOT = Path(__file__).resolve().parents[2]


async def while_a_writer_holds_its_unit_of_work(sessions: Any, read: Callable[[], Awaitable[Any]]) -> Any:
    """What `read` returns, run while another unit of work has written and not yet committed."""
    writing, done = asyncio.Event(), asyncio.Event()
    found: list[Any] = []

    async def writer() -> None:
        async with UnitOfWork(sessions) as uow:
            await uow.people.get_or_create("tg:1", name="Lupita")
            writing.set()
            await asyncio.wait_for(done.wait(), timeout=30)  # a long export, say, until the reader is done

    async def reader() -> None:
        await writing.wait()
        try:
            found.append(await read())
        finally:
            done.set()

    await asyncio.gather(writer(), reader())
    return found[0]


async def test_the_healthz_database_check_answers_while_a_writer_holds_its_transaction(sessions: Any) -> None:
    ping = database_ping(sessions.kw["bind"])
    assert await while_a_writer_holds_its_unit_of_work(sessions, ping) is None  # no "database is locked"


async def test_the_outbox_depth_metric_answers_while_a_writer_holds_its_transaction(sessions: Any) -> None:
    depth = outbox_depth(sessions)
    assert await while_a_writer_holds_its_unit_of_work(sessions, depth) == 0


def test_cocrea_health_answers_while_another_process_holds_the_write_lock(tmp_path: Path) -> None:
    """A `cocrea reminders tick` in another process mid-transaction: the container stays healthy."""
    path = tmp_path / "cocrea.db"
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("CREATE TABLE t (x INTEGER)")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO t VALUES (1)")
        done = subprocess.run([sys.executable, "-m", "bot.health"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                                               "COCREA_DATABASE_URL": f"sqlite:///{path}"})
        assert (done.returncode, done.stdout, done.stderr) == (0, "bien\n", "")
    finally:
        writer.execute("ROLLBACK")
        writer.close()


async def test_on_postgresql_the_checks_answer_in_read_only_transactions(pg_sessions: Any) -> None:
    ping, depth = database_ping(pg_sessions.kw["bind"]), outbox_depth(pg_sessions)
    assert await while_a_writer_holds_its_unit_of_work(pg_sessions, ping) is None
    assert await while_a_writer_holds_its_unit_of_work(pg_sessions, depth) == 0
