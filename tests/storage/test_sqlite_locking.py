"""SQLite's one writer, when the writer is another process (a `cocrea reminders tick`, say): waiting
for its write lock does not stop the event loop, and a lock held beyond the busy timeout is reported
as the database being unavailable. Writers of one process take turns in arrival order, so none is
starved while others keep winning SQLite's lock. (Readers beside a writer: tests/storage/test_contract.)"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from storage import DatabaseUnavailable, UnitOfWork, make_engine, make_session_factory
from storage.migrate import upgrade


def another_process_writing(path: Path) -> sqlite3.Connection:
    """A connection of some other program (a `cocrea reminders tick`, say) that holds the write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


async def test_waiting_for_the_write_lock_lets_the_loop_run_and_then_writes(tmp_path: Path) -> None:
    path = tmp_path / "cocrea.db"
    await asyncio.to_thread(upgrade, f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_session_factory(engine)
    other = another_process_writing(path)
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def write() -> None:
        async with UnitOfWork(sessions) as uow:  # BEGIN IMMEDIATE waits for `other`
            await uow.people.get_or_create("tg:7", name="Lupita")

    beat = asyncio.create_task(heartbeat())
    writing = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    assert not writing.done()  # still waiting for the lock …
    assert ticks >= 5  # … while the loop kept serving everything else
    other.execute("COMMIT")
    await asyncio.wait_for(writing, timeout=5)
    beat.cancel()
    other.close()
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get("tg:7")
        assert person is not None and person.name == "Lupita"
    await engine.dispose()


async def test_a_lock_held_beyond_the_busy_timeout_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "cocrea.db"
    await asyncio.to_thread(upgrade, f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")

    @event.listens_for(engine.sync_engine, "connect")
    def impatient(dbapi_connection: Any, _record: Any) -> None:  # 0.2 s instead of 5 s, for the test
        dbapi_connection.execute("PRAGMA busy_timeout=200")

    sessions = make_session_factory(engine)
    other = another_process_writing(path)
    with pytest.raises(DatabaseUnavailable, match="locked|bloqueada"):
        async with UnitOfWork(sessions) as uow:
            await uow.people.get_or_create("tg:8")
    other.execute("ROLLBACK")
    other.close()
    async with UnitOfWork(sessions) as uow:
        assert await uow.people.get("tg:8") is None
        await uow.people.get_or_create("tg:8")  # and the next unit of work goes through
    await engine.dispose()


async def test_units_of_work_of_one_process_write_one_after_another_in_arrival_order(tmp_path: Path) -> None:
    path = tmp_path / "cocrea.db"
    await asyncio.to_thread(upgrade, f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}", pool_size=5, max_overflow=25)
    sessions = make_session_factory(engine)
    order: list[int] = []

    async def write(n: int) -> None:
        async with UnitOfWork(sessions) as uow:  # the 29 others queue behind the one writing
            order.append(n)
            await uow.people.get_or_create(f"tg:{n}")
            await asyncio.sleep(0)  # a unit of work that lets others run mid-way still writes alone

    await asyncio.gather(*(write(n) for n in range(30)))
    assert order == list(range(30))
    async with UnitOfWork(sessions) as uow:
        assert all([await uow.people.get(f"tg:{n}") is not None for n in range(30)])
    await engine.dispose()
