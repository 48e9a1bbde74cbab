"""The outbox contract, on SQLite and PostgreSQL: idempotent planning, atomic claims, leases."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.scheduler import Dispatcher, RateLimiter
from flows.reminders.planning import Planned, reminder_key
from storage import UnitOfWork
from tests.channels import fake_telegram

if TYPE_CHECKING:
    from tests.storage.conftest import Db

NOW = datetime(2026, 6, 15, 15, tzinfo=UTC)
LEASE = timedelta(minutes=10)


def planned(person: int, period: date, rule: str = "el_dia", due_at: datetime = NOW, item: int = 1,
            text: str = "Hoy vence tu indicador") -> Planned:
    return Planned(reminder_key(person, "indicator", item, period, rule), person, ("telegram", str(1000 + person)),
                   "indicator", item, period, rule, due_at, text)


async def secretariat(db: Db, people: int = 1) -> tuple[int, list[int]]:
    async with UnitOfWork(db.factory) as uow:
        stl = await uow.secretariats.add("STL Oaxaca")
        ids = [(await uow.people.get_or_create(f"tg:{1000 + n}")).id for n in range(people)]
        return stl.id, ids


async def sync(db: Db, sid: int, rows: list[Planned], now: datetime = NOW) -> tuple[int, int, int, int]:
    async with UnitOfWork(db.factory) as uow:
        r = await uow.outbox.sync_reminders(sid, rows, now=now, scope_from=now - timedelta(hours=24))
        return r.inserted, r.moved, r.cancelled, r.revived


async def counts(db: Db) -> dict[str, int]:
    async with UnitOfWork(db.factory) as uow:
        return await uow.outbox.counts()


def fake_limiter() -> RateLimiter:
    clock = itertools.count()

    async def sleep(_: float) -> None:
        return None

    return RateLimiter(1e9, per_chat=1e9, clock=lambda: float(next(clock)), sleep=sleep)


class TestStorageContract:
    async def test_planning_a_hundred_times_creates_each_row_once(self, db: Db) -> None:
        sid, (ana,) = await secretariat(db)
        rows = [planned(ana, date(2026, 6, 15), rule) for rule in ("antes_1", "el_dia", "despues_3")]
        assert await sync(db, sid, rows) == (3, 0, 0, 0)
        for _ in range(99):
            assert await sync(db, sid, rows) == (0, 0, 0, 0)
        assert await counts(db) == {"pending": 3}

    async def test_a_moved_date_moves_pending_rows_and_moving_back_restores_them(self, db: Db) -> None:
        sid, (ana,) = await secretariat(db)
        old, new = date(2026, 6, 20), date(2026, 6, 27)
        await sync(db, sid, [planned(ana, old, due_at=NOW + timedelta(days=5))])
        assert await sync(db, sid, [planned(ana, new, due_at=NOW + timedelta(days=12))]) == (1, 0, 1, 0)
        async with UnitOfWork(db.factory) as uow:
            claimed = await uow.outbox.claim("w", now=NOW + timedelta(days=12), lease=LEASE, limit=10)
        assert [(r.period, r.due_at) for r in claimed] == [(new, NOW + timedelta(days=12))]
        assert await sync(db, sid, [planned(ana, old, due_at=NOW + timedelta(days=5))]) == (0, 0, 0, 1)

    async def test_a_changed_text_or_time_updates_the_pending_row(self, db: Db) -> None:
        sid, (ana,) = await secretariat(db)
        await sync(db, sid, [planned(ana, date(2026, 6, 15))])
        later = planned(ana, date(2026, 6, 15), due_at=NOW + timedelta(hours=1), text="Texto nuevo")
        assert await sync(db, sid, [later]) == (0, 1, 0, 0)
        async with UnitOfWork(db.factory) as uow:
            assert await uow.outbox.claim("w", now=NOW, lease=LEASE, limit=10) == []
            (row,) = await uow.outbox.claim("w", now=NOW + timedelta(hours=1), lease=LEASE, limit=10)
        assert row.body == "Texto nuevo"

    async def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out(self, db: Db) -> None:
        sid, (ana,) = await secretariat(db)
        await sync(db, sid, [planned(ana, date(2026, 6, 15))])
        async with UnitOfWork(db.factory) as uow:
            (first,) = await uow.outbox.claim("a", now=NOW, lease=LEASE, limit=10)
        async with UnitOfWork(db.factory) as uow:
            assert await uow.outbox.claim("b", now=NOW + timedelta(minutes=9), lease=LEASE, limit=10) == []
        async with UnitOfWork(db.factory) as uow:
            (again,) = await uow.outbox.claim("b", now=NOW + timedelta(minutes=11), lease=LEASE, limit=10)
        assert again.id == first.id and again.attempts == 2
        async with UnitOfWork(db.factory) as uow:  # the first worker lost it: its mark does nothing
            assert await uow.outbox.mark_sent(first.id, "a", now=NOW) is False
            assert await uow.outbox.mark_sent(first.id, "b", now=NOW) is True
        assert await counts(db) == {"sent": 1}

    async def test_rows_too_late_are_folded_not_sent(self, db: Db) -> None:
        sid, (ana,) = await secretariat(db)
        await sync(db, sid, [planned(ana, date(2026, 6, 15))])
        async with UnitOfWork(db.factory) as uow:
            folded = await uow.outbox.fold_stale(now=NOW + timedelta(hours=25), catch_up=timedelta(hours=24),
                                                 lease=LEASE)
            assert folded == 1
            assert await uow.outbox.folded_since(sid, NOW - timedelta(days=1)) == 1
            assert await uow.outbox.claim("w", now=NOW + timedelta(hours=25), lease=LEASE, limit=10) == []

    async def test_two_dispatchers_send_each_of_a_thousand_reminders_exactly_once(self, db: Db) -> None:
        sid, people = await secretariat(db, people=1)
        rows = [planned(people[0], date(2026, 6, 15), item=n) for n in range(1000)]
        rows = [Planned(r.key, r.person_id, ("telegram", str(5000 + n)), r.item_kind, r.item_id, r.period, r.rule,
                        r.due_at, r.text)
                for n, r in enumerate(rows)]
        assert (await sync(db, sid, rows))[0] == 1000
        sent: list[int] = []

        async def send(chat_id: int, text: str, attachment: bytes | None) -> None:
            await asyncio.sleep(0)  # let the other dispatcher run between sends
            sent.append(chat_id)

        def dispatcher(name: str) -> Dispatcher:
            return Dispatcher(db.factory, fake_telegram(send),
                              clock=lambda: NOW, limiter=fake_limiter(), worker=name, batch=25)

        first, second = await asyncio.gather(dispatcher("a").run(), dispatcher("b").run())
        assert len(sent) == 1000 and len(set(sent)) == 1000
        assert first.sent + second.sent == 1000 and first.lost == second.lost == 0
        if db.backend == "postgresql":  # SKIP LOCKED: both took part
            assert first.sent > 0 and second.sent > 0
        assert await counts(db) == {"sent": 1000}
