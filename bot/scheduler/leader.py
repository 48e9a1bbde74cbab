"""Exactly one reminder dispatcher at a time: a PostgreSQL advisory lock held on its own connection.

Every `cocrea run` process ticks; before each tick it asks `Leader.acquire()`. The leader keeps
the dedicated connection that holds `pg_try_advisory_lock(LOCK_KEY)` open for as long as it lives;
when the process dies (even by SIGKILL) PostgreSQL closes that session and frees the lock, and the
first other process to tick after that (every EVERY_SECONDS ≤ 30 s, see jobs.py) becomes leader.
The outbox's atomic claims stay as a second guard: even two leaders would not send a row twice.

On SQLite there is one machine and one process that writes: always the leader.
"""

from __future__ import annotations

import logging
import os
import socket
from contextlib import suppress

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

LOCK_KEY = 0x636F637265610001  # "cocrea" + 1, a bigint no other application is likely to use
LEADER_NAME = "cocrea reminders leader"
# A bigint advisory lock shows in pg_locks as classid (high 32 bits), objid (low 32 bits), objsubid 1.
HELD = text("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            " AND classid::bigint = :hi AND objid::bigint = :lo AND objsubid = 1 AND granted)")


class Leader:
    def __init__(self, engine: AsyncEngine, key: int = LOCK_KEY) -> None:
        self.engine, self.key = engine, key
        self.connection: AsyncConnection | None = None

    @property
    def always(self) -> bool:
        return self.engine.dialect.name != "postgresql"

    async def acquire(self) -> bool:
        """True when this process is the leader now (it took the lock, or still holds it)."""
        if self.always:
            return True
        if self.connection is not None:
            try:
                # Asked on the connection itself: SQLAlchemy may have reconnected it silently, and a
                # new session does not hold the old one's lock.
                held = bool(await self.connection.scalar(HELD, {"hi": self.key >> 32, "lo": self.key & 0xFFFFFFFF}))
                await self.connection.commit()  # never left idle in a transaction
            except Exception:  # noqa: BLE001 - the session is gone, and the lock with it
                held = False
            if held:
                return True
            log.warning("lost the reminders leader lock; trying to take it again")
            await self._drop()
        connection: AsyncConnection | None = None
        try:
            connection = await self.engine.connect()
            took = bool(await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}))
            await connection.commit()  # the lock is held by the session, not by a transaction
        except Exception:  # noqa: BLE001 - no database now: not the leader; the next tick tries again
            log.warning("could not ask for the reminders leader lock", exc_info=True)
            if connection is not None:
                with suppress(Exception):
                    await connection.close()
            return False
        if not took:
            await connection.close()
            return False
        with suppress(Exception):  # who leads, for an operator (and a test) in pg_stat_activity
            await connection.execute(text("SELECT set_config('application_name', :name, false)"),
                                     {"name": f"{LEADER_NAME} {socket.gethostname()}:{os.getpid()}"[:63]})
            await connection.commit()
        self.connection = connection
        log.info("this process is now the reminders leader")
        return True

    @property
    def leading(self) -> bool:
        return self.always or self.connection is not None

    async def release(self) -> None:
        """Give up the lead (at shutdown): another process takes it on its next tick."""
        if self.connection is None:
            return
        with suppress(Exception):
            await self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            await self.connection.commit()
        await self._drop()

    async def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            with suppress(Exception):
                await connection.invalidate()  # never back to the pool: a pooled session would keep the lock
            with suppress(Exception):
                await connection.close()
