"""Apply Alembic migrations from code (`cocrea db upgrade`, tests) without an alembic.ini.

The migrations folder is found next to this file, so an installed copy migrates as well as a
checkout. Alembic's commands are synchronous and env.py runs its own event loop; `run_blocking`
moves that loop to a worker thread when the caller already has one running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.db import async_url, connect, make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

T = TypeVar("T")


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config built in memory; env.py reads the URL from `attributes['url']`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # Not a main option: ConfigParser would read the '%' of percent-encoded passwords.
        config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` up to `revision`. Raises DatabaseUnavailable, ValueError."""
    async_url(url)  # a bad URL fails here with a clear message, not deep inside Alembic
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    async_url(url)
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    """The newest revision shipped with this code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""

    async def read() -> str | None:
        engine = make_engine(url)
        try:
            connection = await connect(engine)
            try:
                return await connection.run_sync(_revision_of)
            finally:
                await connection.close()
        finally:
            await engine.dispose()

    return run_blocking(read)


def run_blocking(make_coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from sync code, even when this thread has a running loop."""
    if not _loop_running():
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cocrea-migrate") as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _revision_of(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
