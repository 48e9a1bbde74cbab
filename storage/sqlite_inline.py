"""SQLite for asyncio without a thread hop per call: statements run on the event loop's thread.

aiosqlite sends every cursor call (open, execute, fetch, close) to its worker thread and back: four
hops a statement, each a wake-up of another thread and a hand-over of the GIL (0.1 to 0.3 ms on a small
virtual machine), while SQLite itself answers in microseconds. Here the connection speaks aiosqlite's
interface (what SQLAlchemy's `sqlite+aiosqlite` dialect calls) but runs `sqlite3` inline.

The one call that may wait long is `BEGIN IMMEDIATE`, for the write lock. Units of work of this
process take turns on an asyncio lock first (in arrival order, each starting as soon as the last one
ends); then, should another process hold SQLite's lock, BEGIN is tried without SQLite's busy timeout
and the coroutine sleeps on the loop between tries, up to the connection's busy_timeout. Once BEGIN
IMMEDIATE returned, this connection holds the write lock: in WAL mode nothing it runs until COMMIT or
ROLLBACK waits for another connection. COMMIT does wait for the disk (the log's fsync, well under a
millisecond on an idle SSD), inline: the answer is durable before the reply goes out.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
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
    transactions are begun explicitly, as storage/db.py does with BEGIN IMMEDIATE.

    `writer` is the turn of the connections of one engine: inside this process, units of work queue
    for it in order and the next one starts the moment the last one ends, instead of each polling
    SQLite's lock. Other processes are waited for by polling, as SQLite's own busy handler does.
    """

    def __init__(self, connection: sqlite3.Connection, writer: Callable[[], asyncio.Lock]) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._writer = writer
        self._holding: asyncio.Lock | None = None

    async def _begin(self, cursor: sqlite3.Cursor, sql: str) -> None:
        """BEGIN once this process's earlier writers are done and no other process writes."""
        patience = cursor.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
        deadline = time.monotonic() + patience
        turn = self._writer()
        try:
            await asyncio.wait_for(turn.acquire(), patience)
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        self._holding = turn
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            pause = FIRST_PAUSE
            while True:
                try:
                    cursor.execute(sql)
                    return
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                        raise
                await asyncio.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
        except BaseException:
            self._end_turn()
            raise
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(patience * 1000)}")

    def _end_turn(self) -> None:
        if self._holding is not None:
            turn, self._holding = self._holding, None
            turn.release()

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._open().create_function(*args, **kwargs)

    async def commit(self) -> None:
        try:
            self._open().commit()
        finally:
            self._end_turn()

    async def rollback(self) -> None:
        try:
            self._open().rollback()
        finally:
            self._end_turn()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close; also what SQLAlchemy calls to terminate a connection it gave up on."""
        self._end_turn()
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level


def inline_connector(database: str) -> Callable[[], Any]:
    """The `async_creator` for create_async_engine: inline connections to `database` that share
    one writer's turn per event loop (an engine may outlive a loop, as in tests and CLI commands)."""
    turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()

    def writer() -> asyncio.Lock:
        return turns.setdefault(asyncio.get_running_loop(), asyncio.Lock())

    async def connect() -> InlineConnection:
        raw = sqlite3.connect(database, isolation_level=None, uri=database.startswith("file:"))
        return InlineConnection(raw, writer)

    return connect
