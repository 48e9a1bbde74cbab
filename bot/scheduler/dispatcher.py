"""Send the due outbox rows: claim (committed), send, mark; each outcome in its own transaction.

Outcomes of a send:
- it went: `sent`.
- RetryAfter (Telegram's flood control): pending again after the seconds Telegram asked; it does
  not count as a failed attempt.
- Forbidden (the person blocked the bot, or the bot left the group): `failed`, no retry; the
  person is marked inactive and their other pending rows are cancelled.
- anything else: pending again after a backoff (1, 2, 4, 8… minutes); after MAX_ATTEMPTS the row
  is `failed` and the admins (COCREA_ADMINS) are told once, by the same send.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.error import Forbidden, RetryAfter

from bot.scheduler.limiter import RateLimiter
from storage import UnitOfWork
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

Send = Callable[[int, str, bytes | None], Awaitable[None]]
Clock = Callable[[], datetime]

LEASE = timedelta(minutes=10)  # a claim older than this belongs to a worker that died
BATCH = 50
MAX_BATCHES = 200  # per run: a tick ends even if rows keep falling due
MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=1)
ADMIN_TEXT = ("No pude entregar un mensaje programado de Cocrea (fila {id}, {kind}, chat {chat}) tras "
              "{attempts} intentos. Último error: {error}")


def seconds_of(exc: RetryAfter) -> float:
    """RetryAfter.retry_after is seconds or a timedelta, depending on PTB_TIMEDELTA."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    folded: int = 0
    lost: int = 0  # sent, but the row had been reclaimed meanwhile (a lease too short)


def interleaved(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """The batch taken one chat at a time, round robin: a chat waiting out its one-second pause
    does not hold back the others. Each chat's own rows keep their order."""
    by_chat: dict[int, list[OutboxMessage]] = {}
    for row in rows:
        by_chat.setdefault(row.chat_id, []).append(row)
    queues = list(by_chat.values())
    ordered: list[OutboxMessage] = []
    for turn in range(max((len(q) for q in queues), default=0)):
        ordered += [q[turn] for q in queues if turn < len(q)]
    return ordered


class Dispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        send: Send,
        *,
        clock: Clock = lambda: datetime.now(UTC),
        limiter: RateLimiter | None = None,
        worker: str | None = None,
        catch_up: timedelta = timedelta(hours=24),
        lease: timedelta = LEASE,
        batch: int = BATCH,
        max_attempts: int = MAX_ATTEMPTS,
        mark_every: int = 1,
        admins: frozenset[int] = frozenset(),
        admin_text: str = ADMIN_TEXT,
    ) -> None:
        self.sessions, self.send, self.clock = sessions, send, clock
        self.limiter = limiter or RateLimiter()
        self.worker = worker or worker_name()
        self.catch_up, self.lease, self.batch, self.max_attempts = catch_up, lease, batch, max_attempts
        self.admins, self.admin_text = admins, admin_text
        # Rows are marked sent after every `mark_every` sends: 1 (the default) keeps the window in
        # which a crash makes a message go twice to one message; more saves commits.
        self.mark_every = max(1, mark_every)

    async def run(self) -> DispatchStats:
        """Send everything due now, batch after batch, until nothing due is left."""
        stats = DispatchStats()
        async with UnitOfWork(self.sessions) as uow:
            stats.folded = await uow.outbox.fold_stale(now=self.clock(), catch_up=self.catch_up, lease=self.lease)
        for _ in range(MAX_BATCHES):
            async with UnitOfWork(self.sessions) as uow:
                rows = await uow.outbox.claim(self.worker, now=self.clock(), lease=self.lease, limit=self.batch)
            if not rows:
                break
            delivered: list[int] = []
            for row in interleaved(rows):
                if await self.deliver(row, stats):
                    delivered.append(row.id)
                if len(delivered) >= self.mark_every:
                    await self.mark_sent(delivered, stats)
                    delivered = []
            await self.mark_sent(delivered, stats)
        return stats

    async def mark_sent(self, ids: list[int], stats: DispatchStats) -> None:
        if not ids:
            return
        async with UnitOfWork(self.sessions) as uow:
            mine = await uow.outbox.mark_all_sent(ids, self.worker, now=self.clock())
        stats.sent += mine
        if mine < len(ids):
            stats.lost += len(ids) - mine
            log.warning("%s row(s) were sent after their claim expired; another worker may send them too",
                        len(ids) - mine)

    async def deliver(self, row: OutboxMessage, stats: DispatchStats) -> bool:
        """Send one row; True when it went (the caller marks it sent), False when it was rescheduled or failed."""
        try:
            await self.limiter.wait(row.chat_id)
            await self.send(row.chat_id, row.body, row.attachment)
        except RetryAfter as exc:
            wait = max(1.0, seconds_of(exc))
            async with UnitOfWork(self.sessions) as uow:
                await uow.outbox.retry_at(row.id, self.worker, when=self.clock() + timedelta(seconds=wait),
                                          error=f"RetryAfter {wait:g} s", counts=False)
            stats.retried += 1
            return False
        except Forbidden as exc:
            log.info("chat %s blocked the bot; row %s failed", row.chat_id, row.id)
            async with UnitOfWork(self.sessions) as uow:
                await uow.outbox.mark_failed(row.id, self.worker, error=f"Forbidden: {exc}")
                await uow.outbox.chat_blocked(row.chat_id)
            stats.blocked += 1
            return False
        except Exception as exc:  # noqa: BLE001 - any fault of one message must not stop the others
            error = f"{type(exc).__name__}: {exc}"
            if row.attempts >= self.max_attempts:
                async with UnitOfWork(self.sessions) as uow:
                    failed = await uow.outbox.mark_failed(row.id, self.worker, error=error)
                stats.failed += 1
                log.warning("row %s failed after %s attempts: %s", row.id, row.attempts, error)
                if failed:
                    await self.tell_admins(row, error)
                return False
            delay = BACKOFF * 2 ** (row.attempts - 1)
            async with UnitOfWork(self.sessions) as uow:
                await uow.outbox.retry_at(row.id, self.worker, when=self.clock() + delay, error=error)
            stats.retried += 1
            return False
        return True

    async def tell_admins(self, row: OutboxMessage, error: str) -> None:
        text = self.admin_text.format(id=row.id, kind=row.kind, chat=row.chat_id, attempts=row.attempts,
                                      error=error[:500])
        for admin in sorted(self.admins):
            try:
                await self.limiter.wait(admin)
                await self.send(admin, text, None)
            except Exception:  # noqa: BLE001 - telling admins is best effort
                log.warning("could not tell admin %s about row %s", admin, row.id, exc_info=True)
