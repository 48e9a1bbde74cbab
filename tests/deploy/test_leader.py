"""Exactly one reminders leader at a time (a PostgreSQL advisory lock); SQLite is always the leader."""

from __future__ import annotations

from pathlib import Path

from bot.scheduler.leader import Leader
from storage import make_engine


async def test_only_one_of_two_processes_leads_and_the_other_takes_over_when_it_goes(pg_url: str) -> None:
    first_engine, second_engine = make_engine(pg_url), make_engine(pg_url)  # two processes' pools
    first, second = Leader(first_engine), Leader(second_engine)
    try:
        assert await first.acquire() is True
        assert await second.acquire() is False
        assert await first.acquire() is True  # still the leader on its next tick
        assert await second.acquire() is False

        await first.release()  # a clean shutdown
        assert await second.acquire() is True
        assert await first.acquire() is False

        assert second.connection is not None
        await second.connection.invalidate()  # the leader's session dies (a killed process)
        assert await first.acquire() is True
        assert await second.acquire() is False  # it notices it lost the lead
    finally:
        await first.release()
        await second.release()
        await first_engine.dispose()
        await second_engine.dispose()


async def test_sqlite_is_always_the_leader(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    try:
        assert await Leader(engine).acquire() and await Leader(engine).acquire()
    finally:
        await engine.dispose()
