"""SQLite for asyncio without a thread hop per call: statements run on the event loop's thread.

aiosqlite sends every cursor call (open, execute, fetch, close) to its worker thread and back: four
hops a statement, each a wake-up of another thread and a hand-over of the GIL (0.1 to 0.3 ms on a small
virtual machine), while SQLite itself answers in microseconds. Here the connection speaks aiosqlite's
interface (what SQLAlchemy's `sqlite+aiosqlite` dialect calls) but runs `sqlite3` inline.

The one call that may wait long is `BEGIN IMMEDIATE`, while another process holds the write lock.
It is tried without SQLite's busy timeout, and while the lock is taken the coroutine sleeps on the
loop and tries again (so the other units of work of this process go on and can release it), up to the
connection's busy_timeout. Once BEGIN IMMEDIATE returned, this connection holds the write lock: in WAL
mode nothing it runs until COMMIT or ROLLBACK waits for another connection. COMMIT does wait for the
disk (the log's fsync, a fraction of a millisecond on an SSD), inline: durable before the reply goes.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

FIRST_PAUSE = 0.001  # seconds between tries while the write lock is taken, doubling up to LONGEST_PAUSE
LONGEST_PAUSE = 0.02


class InlineCursor:
    """aiosqlite's Cursor, with every call answered at once."""

    def __init__(self, connection: InlineConnection) -> None:
        self._owner = connection
        self._cursor = connection._open().cursor()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> InlineCursor:
        if sql.lstrip()[:5].upper() == "BEGIN":
            await self._owner._begin(self._cursor, sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any] | dict[str, Any]]) -> InlineCursor:
        self._cursor.executemany(sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    """aiosqlite's Connection over a `sqlite3` connection in autocommit mode (isolation_level None):
    transactions are begun explicitly, as storage/db.py does with BEGIN IMMEDIATE."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection

    async def _begin(self, cursor: sqlite3.Cursor, sql: str) -> None:
        """BEGIN, waiting for another writer on the loop rather than inside SQLite."""
        patience = cursor.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            deadline, pause = time.monotonic() + patience, FIRST_PAUSE
            while True:
                try:
                    cursor.execute(sql)
                    return
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                        raise
                await asyncio.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(patience * 1000)}")

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._open().create_function(*args, **kwargs)

    async def commit(self) -> None:
        self._open().commit()

    async def rollback(self) -> None:
        self._open().rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close; also what SQLAlchemy calls to terminate a connection it gave up on."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level


def inline_connector(database: str) -> Callable[[], Any]:
    """The `async_creator` for create_async_engine: one inline connection to `database`."""

    async def connect() -> InlineConnection:
        raw = sqlite3.connect(database, isolation_level=None, uri=database.startswith("file:"))
        return InlineConnection(raw)

    return connect
