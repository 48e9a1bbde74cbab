"""Engines and session factories for the two supported databases: SQLite and PostgreSQL.

Settings carry the plain URL an operator writes (`sqlite:///cocrea.db`, `postgresql://…`);
everything here runs on asyncio, so the URL is mapped to its async driver first: aiosqlite (each
connection's statements, and COMMIT's wait for the disk, run in that connection's own thread, never
on the event loop) or asyncpg.

SQLite has one writer at a time. A unit of work that may write begins with BEGIN IMMEDIATE: it takes
the write lock at once, so two writers never both read and then fail to upgrade ("database is
locked"). Writers of this process first take turns on an asyncio lock (`writer_turn`), in arrival
order, each starting the moment the last one ends; only a writer of another process (a `cocrea
reminders tick`, say) is waited for by SQLite's busy handler, in the connection's thread, up to
busy_timeout. Without the turn, 200 chats writing at once poll SQLite's lock with growing sleeps and
some give up after busy_timeout ("database is locked") while others keep winning.

A read-only unit of work (`read_only_options`) takes no turn and begins a plain deferred BEGIN: in WAL
mode it reads a consistent snapshot and waits for no writer, however long the writer's transaction
stays open.
"""

from __future__ import annotations

import asyncio
import functools
import json
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.errors import DatabaseUnavailable, safe_url, unavailable_on_connect

_ASYNC_SCHEMES = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}

# The execution option that tells the SQLite "begin" listener a transaction will only read.
SQLITE_READ_ONLY = "cocrea_sqlite_read_only"

BUSY_TIMEOUT_MS = 5000  # how long a writer waits for SQLite's write lock before giving up

# Per engine and event loop (an engine may outlive a loop, as in tests and CLI commands).
_TURNS: weakref.WeakKeyDictionary[Engine, weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]]
_TURNS = weakref.WeakKeyDictionary()

# Answers are Spanish: keep accents readable in the stored JSON.
_json_dumps = functools.partial(json.dumps, ensure_ascii=False)


def async_url(url: str) -> str:
    """The same database URL, spelled for its asyncio driver (aiosqlite or asyncpg)."""
    scheme, sep, rest = url.partition("://")
    target = _ASYNC_SCHEMES.get(scheme.lower()) if sep else None
    if target is None:
        raise ValueError(
            f"URL de base de datos no soportada: {scheme or url!r}. "
            "Usa sqlite:///ARCHIVO.db o postgresql://USUARIO@SERVIDOR:PUERTO/BASE."
        )
    return f"{target}://{rest}"


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys, WAL, a busy timeout and write-locking transactions
    (read-only ones excepted), through SQLAlchemy's documented connect and begin events."""
    target = async_url(url)
    if target.startswith("sqlite"):
        engine = create_async_engine(target, json_serializer=_json_dumps, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)  # a long-running bot outlives server restarts
    return create_async_engine(target, json_serializer=_json_dumps, **kwargs)


def read_only_options(engine: AsyncEngine) -> dict[str, Any]:
    """Execution options for a transaction that only reads: on SQLite it takes no write lock (so it
    never waits behind a writer); on PostgreSQL it is a READ ONLY transaction (a write fails)."""
    if engine.dialect.name == "sqlite":
        return {SQLITE_READ_ONLY: True}
    return {"postgresql_readonly": True}


@asynccontextmanager
async def writer_turn(engine: AsyncEngine) -> AsyncIterator[None]:
    """On SQLite, this process's writers one at a time, in arrival order (see the module's docstring);
    DatabaseUnavailable after busy_timeout, as SQLite itself reports a lock held too long. Nothing to
    wait for on PostgreSQL, where row locks order the writers."""
    if engine.dialect.name != "sqlite":
        yield
        return
    turns = _TURNS.setdefault(engine.sync_engine, weakref.WeakKeyDictionary())
    turn = turns.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    try:
        await asyncio.wait_for(turn.acquire(), BUSY_TIMEOUT_MS / 1000)
    except TimeoutError:
        raise DatabaseUnavailable(
            f"No se puede usar la base de datos {safe_url(str(engine.url))}: database is locked"
        ) from None
    try:
        yield
    finally:
        turn.release()


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit: messages are sent after the commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def connect(engine: AsyncEngine) -> AsyncConnection:
    """A connection, or DatabaseUnavailable; for code that runs its own short-lived event loop."""
    try:
        with unavailable_on_connect(str(engine.url)):
            return await engine.connect()
    except Exception:
        if engine.dialect.name == "sqlite":
            # aiosqlite stops the thread of a failed connection without waiting for it; let it
            # finish while the loop is open, or it reports "Event loop is closed" on stderr.
            await asyncio.sleep(0.05)
        raise


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver would BEGIN lazily (and only before writes); _sqlite_on_begin takes over instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # each statement commits on its own: no transaction to begin
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and dbapi_connection.isolation_level is not None:
        # SQLAlchemy restores the driver's own (lazy BEGIN) mode after an AUTOCOMMIT checkout.
        dbapi_connection.isolation_level = None
    if options.get(SQLITE_READ_ONLY):
        # Deferred: in WAL mode a reader sees the last commit and never waits for the writer.
        connection.exec_driver_sql("BEGIN")
        return
    # IMMEDIATE takes the write lock at once, so two units of work that write never interleave: the
    # second waits (up to busy_timeout) instead of failing later with "database is locked".
    connection.exec_driver_sql("BEGIN IMMEDIATE")
