"""Fixtures shared by the channel tests."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from storage import make_engine, make_session_factory
from storage.migrate import upgrade


@asynccontextmanager
async def migrated(url: str) -> AsyncIterator[Any]:
    """A session factory on the database at `url`, migrated to the head first; disposed after."""
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    try:
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the head once per test run: copying it is ~100 times faster than
    running every migration again for each test that wants a fresh database."""
    path = tmp_path_factory.mktemp("template") / "cocrea.db"
    upgrade(f"sqlite:///{path}")
    return path


def fresh_sqlite(template: Path, path: Path) -> str:
    """A copy of the migrated template at `path` (SQLite's backup API: WAL pages included); its URL."""
    source, target = sqlite3.connect(template), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return f"sqlite:///{path}"


@pytest.fixture
async def sessions(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Any]:
    """A session factory on a fresh, migrated SQLite file."""
    engine = make_engine(fresh_sqlite(sqlite_template, tmp_path / "cocrea.db"))
    try:
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def pg_sessions(own_postgres: str) -> AsyncIterator[Any]:
    """A session factory on a fresh, migrated PostgreSQL database of the test's own: for what
    PostgreSQL refuses and SQLite lets through (a NUL byte), and for races."""
    async with migrated(own_postgres) as factory:
        yield factory


@pytest.fixture
def own_postgres() -> Iterator[str]:
    """A fresh, empty PostgreSQL database of the test's own, dropped afterwards.

    For tests that run processes or cut connections: the storage suite drops and recreates the
    schema of the `test` database itself, so nothing else may share it.
    """
    base = os.environ.get("COCREA_TEST_DATABASE_URL")
    if not base or not base.startswith(("postgresql", "postgres")):
        pytest.skip("COCREA_TEST_DATABASE_URL (PostgreSQL) no está definida")
    name = f"cocrea_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(url: str, statement: str) -> None:
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture
def restored_registry() -> Iterator[None]:
    """Commands a test registers are gone afterwards (the registry is process-wide)."""
    from bot.commands import COMMANDS

    before = dict(COMMANDS)
    yield
    COMMANDS.clear()
    COMMANDS.update(before)


# Slow: what starts processes, servers or databases of its own, or hammers with random inputs.
# `make test-fast` leaves them out (`-m "not slow"`); `make test` and CI run everything.
SLOW_FOLDERS = ("tests/deploy/", "tests/bot/telegram/e2e/")
SLOW_FIXTURES = {"run_cocrea", "own_postgres", "pg_sessions"}
SLOW_MODULES = (
    "tests/hardening/test_access.py",  # every command as every role
    "tests/bot/telegram/test_faults.py",  # waits out Telegram's retries and flood control
    "tests/bot/test_reload.py",  # file watchers polling the content folder
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        starts_processes = "subprocess" in vars(getattr(item, "module", None) or object)
        if item.nodeid.startswith(SLOW_FOLDERS + SLOW_MODULES) or fixtures & SLOW_FIXTURES or "postgres" in item.name \
                or starts_processes:
            item.add_marker(pytest.mark.slow)
