"""Send the due outbox rows: claim (committed), send several at once, mark the sent ones in batches.

How a run goes:
- A feeder claims batches of due rows while few chats are ready to send; each chat's claimed rows
  wait in that chat's own queue, in order (ChatQueues). A chat is an address (`telegram:123`,
  `terminal:ana`), and each row goes out through the channel of its name (bot/channel.py); a
  dispatcher claims only rows of the channels it was given.
- Senders, as many as the limiter lets be in flight, each take a chat that may send now and send
  its next row: different chats go in parallel, one chat never has two messages in flight, and a
  chat waiting out its second (a group its minute) is not in line at all, so it holds back nobody.
  The RateLimiter, shared by every sender, keeps the overall limit.
- Sent rows are marked `sent` together, one UPDATE every MARK_EVERY seconds and at the end.

At least once: a row is marked after Telegram took it. If the process dies in between, the rows in
flight and those sent since the last mark (MARK_EVERY seconds' worth, ~100 rows at 1,000 a second)
are still `sending`, and after the lease (LEASE) a worker sends them again. Nothing else sends a
row twice: nobody takes a claimed row before its lease runs out, and the feeder holds rows only as
long as their chats need to send them (LANE_LIMIT, MAX_WAITING), well within the lease.
One exception to the lease, for a restart on the same machine: rows claimed by a worker of this
host whose process is gone (`orphaned`: killed, crashed) are pending again at the start of the next
run, so a broadcast or a batch cut short by a restart goes on at once, not ten minutes later. Rows
of a process that still runs, and of other hosts, keep waiting for their lease.

Outcomes of a send, each failure in its own transaction as soon as it happens:
- it went: `sent`.
- SlowDown (Telegram's RetryAfter, flood control): pending again after the seconds Telegram asked;
  it does not count as a failed attempt, and no new message starts before then.
- Unreachable (Telegram's Forbidden: the person blocked the bot, or the bot left the group):
  `failed`, no retry; the person is marked inactive and their other pending rows are cancelled.
- anything else: pending again after a backoff (1, 2, 4, 8… minutes); after MAX_ATTEMPTS the row
  is `failed` and the admins (COCREA_ADMINS) are told once, by the same send.

Quiet hours hold for reminders and digests: a row claimed while its secretariat's window is closed (a reminder
caught up at 02:00, a digest planned late, a retry) is not sent but pending again for the moment the
window opens, and a retry never falls due inside quiet hours. Rows are folded as too late only
after catch-up plus the longest wait for a window (`longest_wait`), so the wait does not count.
Broadcasts (kind `broadcast`, a coordinator's /difundir) are a person's deliberate message, sent
at the moment they confirmed it: they ignore quiet hours (UNTIMED) and are never folded.

A long message is several rows, one per part (bot/scheduler/planner.py): when a part is put off,
the parts after it that wait in the same chat's queue are put off to the same moment, so they still
go in order, and none is ever sent twice.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Address, Channels, SlowDown, Unreachable
from bot.scheduler.limiter import RateLimiter
from bot.scheduler.planner import message_key, window_of
from bot.scheduler.workers import orphaned, worker_name
from flows.events import Attachment, Button, MessageOut
from flows.reminders.timing import Window, longest_wait, next_open
from storage import UnitOfWork
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

CATCH_UP = timedelta(hours=24)  # reminders later than this are folded (reminders.yaml: catch_up_hours)
LEASE = timedelta(minutes=10)  # a claim older than this belongs to a worker that died
BATCH = 50
MAX_BATCHES = 200  # per run: a tick ends even if rows keep falling due
MARK_EVERY = 0.1  # seconds between two UPDATEs that mark sent rows
MAX_WAITING = 20 * BATCH  # claimed rows not yet sent, at most
LANE_LIMIT = 20  # no more claims while one chat has this many rows waiting: they go 1 a second
MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=1)
UNTIMED = frozenset({"broadcast"})  # row kinds sent whatever the secretariat's quiet hours
QUIET = "quiet hours"  # last_error of a row put off until its secretariat's window opens
ADMIN_TEXT = ("No pude entregar un mensaje programado de Cocrea (fila {id}, {kind}, chat {chat}) tras "
              "{attempts} intentos. Último error: {error}")
CHART_NAME = "avance.png"  # a row's attachment is the digest's chart


def address_of(row: OutboxMessage) -> Address:
    return (row.channel, row.address)


def messages_of(row: OutboxMessage) -> list[MessageOut]:
    """A row as the message its channel renders: its text with its buttons (a notice's «Firmar»),
    then its file (a digest's chart, a notice's acta)."""
    if row.attachment and row.attachment_name:
        attached: Attachment | None = Attachment(row.attachment_name, row.attachment, "document")
    else:
        attached = Attachment(CHART_NAME, row.attachment, "photo") if row.attachment else None
    buttons = tuple(Button(b["label"], b["value"]) for b in row.buttons or ())
    step_id = next((b.get("step_id") for b in row.buttons or ()), None)
    return [MessageOut(row.body, buttons=buttons, step_id=step_id, attachment=attached)]


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    folded: int = 0
    lost: int = 0  # sent, but the row had been reclaimed meanwhile (a lease too short)
    held: int = 0  # put off until the secretariat's quiet hours end
    released: int = 0  # left `sending` by a process of this host that is gone: pending again


class ChatQueues:
    """The claimed rows not yet sent, by address (a chat), each chat's in order. A chat is in `ready` only while
    it may send now and has no message in flight, so a sender that takes it never waits for it; a
    chat in its pause comes back to `ready` when the pause is over. When the feeder is done and
    every chat is done, each sender gets None."""

    def __init__(self, limiter: RateLimiter, senders: int) -> None:
        self.limiter, self.senders = limiter, senders
        self.ready: asyncio.Queue[Address | None] = asyncio.Queue()
        self.changed = asyncio.Event()  # a row was taken or a chat finished: room to claim more
        self._rows: dict[Address, deque[OutboxMessage]] = {}  # a chat is here from its first row until done
        self._waiting = 0
        self._long_lanes = 0
        self._closed = False
        self._timers: set[asyncio.Task[None]] = set()

    def add(self, rows: Iterable[OutboxMessage]) -> None:
        for row in rows:
            to = address_of(row)
            lane = self._rows.get(to)
            if lane is None:
                lane = self._rows[to] = deque()
                self._when_ready(to)
            lane.append(row)
            self._waiting += 1
            self._long_lanes += len(lane) == LANE_LIMIT

    def wants_more(self, batch: int) -> bool:
        """Claim again only when few chats are ready, and no chat already has rows for a long while."""
        return self.ready.qsize() < batch and self._waiting < MAX_WAITING and not self._long_lanes

    def take(self, chat_id: Address) -> OutboxMessage:
        lane = self._rows[chat_id]
        self._long_lanes -= len(lane) == LANE_LIMIT
        self._waiting -= 1
        self.changed.set()
        return lane.popleft()

    def take_rest_of(self, chat_id: Address, key: str) -> list[OutboxMessage]:
        """The rows waiting next in the chat's queue that are further parts of the message `key`."""
        lane, taken = self._rows[chat_id], []
        while lane and message_key(lane[0].key) == message_key(key):
            taken.append(self.take(chat_id))
        return taken

    def done(self, chat_id: Address) -> None:
        """The chat's message is out (or rescheduled): its next row goes when the chat may send again."""
        if self._rows[chat_id]:
            self._when_ready(chat_id)
            return
        del self._rows[chat_id]
        self.changed.set()
        self._finish_if_empty()

    def close(self) -> None:
        """Nothing more will be added."""
        self._closed = True
        self._finish_if_empty()

    def cancel_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()

    def _finish_if_empty(self) -> None:
        if self._closed and not self._rows:
            for _ in range(self.senders):
                self.ready.put_nowait(None)

    def _when_ready(self, chat_id: Address) -> None:
        pause = self.limiter.chat_ready_in(chat_id)
        if pause <= 0:
            self.ready.put_nowait(chat_id)
            return
        timer = asyncio.create_task(self._ready_after(chat_id, pause))
        self._timers.add(timer)
        timer.add_done_callback(self._timers.discard)

    async def _ready_after(self, chat_id: Address, seconds: float) -> None:
        await self.limiter.sleep(seconds)
        self.ready.put_nowait(chat_id)


class SentMarks:
    """Rows Telegram took, marked `sent` together: at most one UPDATE every `every` seconds."""

    def __init__(self, mark: Callable[[list[int]], Awaitable[None]], clock: Callable[[], float],
                 every: float) -> None:
        self.mark, self.clock, self.every = mark, clock, every
        self._ids: list[int] = []
        self._last = clock()
        self._marking = False

    async def add(self, row_id: int) -> None:
        self._ids.append(row_id)
        if not self._marking and self.clock() - self._last >= self.every:
            await self.flush()

    async def flush(self) -> None:
        ids, self._ids = self._ids, []
        if not ids:
            return
        self._marking = True
        try:
            await self.mark(ids)
        finally:
            self._marking, self._last = False, self.clock()


class Dispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: Channels,
        *,
        clock: Clock = lambda: datetime.now(UTC),
        limiter: RateLimiter | None = None,
        worker: str | None = None,
        catch_up: timedelta = CATCH_UP,
        lease: timedelta = LEASE,
        batch: int = BATCH,
        mark_every: float = MARK_EVERY,
        max_attempts: int = MAX_ATTEMPTS,
        admins: frozenset[int] = frozenset(),
        admin_text: str = ADMIN_TEXT,
        only: Address | None = None,
    ) -> None:
        """Sends the due rows addressed on `channels` (rows of other channels wait for a process that
        has them); with `only`, just the rows to that address (a terminal chat's own reminders)."""
        self.sessions, self.channels, self.clock = sessions, channels, clock
        self.only = only
        self.limiter = limiter or RateLimiter()
        self.worker = worker or worker_name()
        self.catch_up, self.lease, self.batch, self.max_attempts = catch_up, lease, batch, max_attempts
        self.mark_every = mark_every
        self.admins, self.admin_text = admins, admin_text
        self.windows: dict[int, tuple[str, Window]] = {}  # secretariat id → (time zone, window)

    async def run(self) -> DispatchStats:
        """Send everything due now, batch after batch, until nothing due is left."""
        stats = DispatchStats()
        async with UnitOfWork(self.sessions) as uow:
            for worker in sorted(await uow.outbox.claimers(f"{socket.gethostname()}:")):
                if orphaned(worker):
                    stats.released += await uow.outbox.release(worker)
            if stats.released:
                log.info("%s row(s) left by a process that is gone are pending again", stats.released)
            self.windows = {s.id: (s.timezone, window_of(s)) for s in await uow.outbox.secretariats()}
            wait = max((longest_wait(window) for _, window in self.windows.values()), default=timedelta(0))
            stats.folded = await uow.outbox.fold_stale(now=self.clock(), catch_up=self.catch_up + wait,
                                                       lease=self.lease)
        queues = ChatQueues(self.limiter, self.limiter.in_flight)
        marks = SentMarks(lambda ids: self.mark_sent(ids, stats), self.limiter.clock, self.mark_every)
        tasks = [asyncio.create_task(self.feed(queues))]
        tasks += [asyncio.create_task(self.sender(queues, marks, stats)) for _ in range(queues.senders)]
        try:
            await asyncio.gather(*tasks)
        finally:  # on an error: stop everything, and still mark what went out
            for task in tasks:
                task.cancel()
            queues.cancel_timers()
            await asyncio.gather(*tasks, return_exceptions=True)
            await marks.flush()
        return stats

    async def feed(self, queues: ChatQueues) -> None:
        """Claim batch after batch while the senders need more, until nothing is due."""
        try:
            for _ in range(MAX_BATCHES):
                while not queues.wants_more(self.batch):
                    queues.changed.clear()
                    await queues.changed.wait()
                async with UnitOfWork(self.sessions) as uow:
                    rows = await uow.outbox.claim(self.worker, now=self.clock(), lease=self.lease, limit=self.batch,
                                                  channels=self.channels.names(), address=self.only)
                if not rows:
                    break
                queues.add(rows)
        finally:
            queues.close()

    async def sender(self, queues: ChatQueues, marks: SentMarks, stats: DispatchStats) -> None:
        while (chat_id := await queues.ready.get()) is not None:
            row = queues.take(chat_id)
            outcome = await self.deliver(row, stats)
            if isinstance(outcome, datetime):  # put off: the rest of the message waits with it
                await self.hold(queues.take_rest_of(chat_id, row.key), outcome)
            queues.done(chat_id)
            if outcome is True:
                await marks.add(row.id)

    def opening(self, row: OutboxMessage, moment: datetime) -> datetime:
        """`moment`, or when the row's secretariat may be written to next if its window is closed then."""
        found = self.windows.get(row.secretariat_id)
        return moment if found is None or row.kind in UNTIMED else next_open(moment, *found)

    async def hold(self, rest: list[OutboxMessage], when: datetime) -> None:
        """The parts after a part put off go no sooner than it: pending again at `when`, not counted."""
        if not rest:
            return
        async with UnitOfWork(self.sessions) as uow:
            for part in rest:
                await uow.outbox.retry_at(part.id, self.worker, when=when, error="an earlier part was put off",
                                          counts=False)

    async def mark_sent(self, ids: list[int], stats: DispatchStats) -> None:
        async with UnitOfWork(self.sessions) as uow:
            mine = await uow.outbox.mark_all_sent(ids, self.worker, now=self.clock())
        stats.sent += mine
        if mine < len(ids):
            stats.lost += len(ids) - mine
            log.warning("%s row(s) were sent after their claim expired; another worker may send them too",
                        len(ids) - mine)

    async def deliver(self, row: OutboxMessage, stats: DispatchStats) -> bool | datetime:
        """Send one row: True when it went (the caller marks it sent), False when it failed for good,
        or the moment it was put off until (quiet hours, flood control, a retry)."""
        now = self.clock()
        if (opens := self.opening(row, now)) > now:
            async with UnitOfWork(self.sessions) as uow:
                await uow.outbox.retry_at(row.id, self.worker, when=opens, error=QUIET, counts=False)
            stats.held += 1
            return opens
        channel = self.channels.get(row.channel)
        try:
            if channel is None:  # claimed by name, so only a channel removed meanwhile
                raise LookupError(f"no channel {row.channel!r} in this process")
            async with self.limiter.turn(address_of(row)):
                await channel.send(row.address, messages_of(row))
        except SlowDown as exc:
            wait = max(1.0, exc.seconds)
            self.limiter.pause(wait)
            when = self.opening(row, self.clock() + timedelta(seconds=wait))
            async with UnitOfWork(self.sessions) as uow:
                await uow.outbox.retry_at(row.id, self.worker, when=when, error=f"RetryAfter {wait:g} s",
                                          counts=False)
            stats.retried += 1
            return when
        except Unreachable as exc:
            log.info("%s:%s refuses messages; row %s failed", row.channel, row.address, row.id)
            async with UnitOfWork(self.sessions) as uow:
                await uow.outbox.mark_failed(row.id, self.worker, error=f"Forbidden: {exc}")
                await uow.outbox.blocked(address_of(row))
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
            when = self.opening(row, self.clock() + BACKOFF * 2 ** (row.attempts - 1))
            async with UnitOfWork(self.sessions) as uow:
                await uow.outbox.retry_at(row.id, self.worker, when=when, error=error)
            stats.retried += 1
            return when
        return True

    async def tell_admins(self, row: OutboxMessage, error: str) -> None:
        """Admins are Telegram users (COCREA_ADMINS): told on Telegram, when this process has it."""
        telegram = self.channels.get("telegram")
        if telegram is None:
            return
        text = self.admin_text.format(id=row.id, kind=row.kind, chat=f"{row.channel}:{row.address}",
                                      attempts=row.attempts, error=error[:500])
        for admin in sorted(self.admins):
            try:
                async with self.limiter.turn(("telegram", str(admin))):
                    await telegram.send(str(admin), [MessageOut(text)])
            except Exception:  # noqa: BLE001 - telling admins is best effort
                log.warning("could not tell admin %s about row %s", admin, row.id, exc_info=True)
