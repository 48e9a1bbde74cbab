"""People's addresses `(channel, address)`: written on first contact, moved by a Rasa link, listed and
erased with the person; migration 0007 backfills them and readdresses the outbox. Both backends."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, text

from flows.reminders.planning import Planned, reminder_key
from storage import UnitOfWork
from storage.migrate import downgrade, upgrade
from storage.models import OutboxMessage, PersonAddress
from storage.repositories.addresses import address_of_key

if TYPE_CHECKING:
    from tests.storage.conftest import Db

NOW = datetime(2026, 6, 15, 15, tzinfo=UTC)


async def addresses(db: Db) -> set[tuple[str, str, str]]:
    """(person key, channel, address) of every address."""
    async with UnitOfWork(db.factory) as uow:
        rows = await uow.session.execute(text(
            "SELECT p.key, a.channel, a.address FROM addresses a JOIN people p ON p.id = a.person_id"))
        return {(str(k), str(c), str(a)) for k, c, a in rows}


def test_a_key_names_its_channel_and_address() -> None:
    assert address_of_key("tg:123") == ("telegram", "123")
    assert address_of_key("cli:ana") == ("terminal", "ana")
    assert address_of_key("rasa:abc:def") == ("rasa", "abc:def")
    assert address_of_key("ana") is None and address_of_key("tg:") is None and address_of_key("x:1") is None


async def test_a_new_person_gets_the_address_of_their_key_once(db: Db) -> None:
    async with UnitOfWork(db.factory) as uow:
        await uow.people.get_or_create("tg:123", name="Ana")
        await uow.people.get_or_create("cli:beto")
        await uow.people.get_or_create("tg:123")  # known: nothing more
        await uow.people.get_or_create("alguien")  # a key of no channel: no address
    assert await addresses(db) == {("tg:123", "telegram", "123"), ("cli:beto", "terminal", "beto")}


async def test_a_linked_sender_moves_to_the_person_and_is_listed_first(db: Db) -> None:
    async with UnitOfWork(db.factory) as uow:
        stranger = await uow.people.get_or_create("rasa:s1")
        ana = await uow.people.get_or_create("tg:5", name="Ana")
        await uow.addresses.touch(ana.id, "rasa", "s1")  # the sender now speaks as Ana
        await uow.addresses.touch(ana.id, "rasa", "s1")  # twice: still one row
        listed = await uow.addresses.of_person(ana.id)
        assert [(a.channel, a.address) for a in listed][0] == ("rasa", "s1")
        assert {(a.channel, a.address) for a in listed} == {("rasa", "s1"), ("telegram", "5")}
        assert await uow.addresses.of_person(stranger.id) == []
        assert set(await uow.addresses.of_people([ana.id, stranger.id])) == {ana.id}


async def test_erasing_a_person_deletes_their_addresses_and_the_rows_to_them(db: Db) -> None:
    async with UnitOfWork(db.factory) as uow:
        stl = await uow.secretariats.add("STL Oaxaca")
        ana = await uow.people.get_or_create("cli:ana", name="Ana")
        other = await uow.people.get_or_create("tg:7", name="Beto")
        planned = [Planned(reminder_key(pid, "indicator", 1, date(2026, 6, 15), "x"), pid, to, "indicator", 1,
                           date(2026, 6, 15), "x", NOW, "Hola") for pid, to in
                   ((ana.id, ("terminal", "ana")), (other.id, ("telegram", "7")))]
        await uow.outbox.sync_reminders(stl.id, planned, now=NOW, scope_from=NOW)
        # a row to Ana's address that names no person (planned before she had a person id, say)
        await uow.outbox.add_digest(key="d:x", secretariat_id=stl.id, person_id=None, to=("terminal", "ana"),
                                    week=date(2026, 6, 15), due_at=NOW, text="Resumen", attachment=None, now=NOW)
        assert "direcciones" in (exported := await uow.personal.export(ana))
        assert [(a["channel"], a["address"]) for a in exported["direcciones"]] == [("terminal", "ana")]
    async with UnitOfWork(db.factory) as uow:
        person = await uow.people.get("cli:ana")
        assert person is not None
        await uow.personal.erase(person)
    assert await addresses(db) == {("tg:7", "telegram", "7")}
    async with UnitOfWork(db.factory) as uow:
        left = list(await uow.session.scalars(select(OutboxMessage)))
        assert [(r.channel, r.address) for r in left] == [("telegram", "7")]


async def test_blocked_marks_the_owner_inactive_and_cancels_their_pending_rows(db: Db) -> None:
    async with UnitOfWork(db.factory) as uow:
        stl = await uow.secretariats.add("STL Oaxaca")
        ana = await uow.people.get_or_create("tg:9", name="Ana")
        await uow.outbox.add_broadcast(secretariat_id=stl.id, draft_id=1, recipients=[(ana.id, ("telegram", "9"))],
                                       text="Hola", now=NOW)
        await uow.outbox.blocked(("telegram", "9"))
    async with UnitOfWork(db.factory) as uow:
        person = await uow.people.get("tg:9")
        assert person is not None and person.active is False
        assert await uow.outbox.counts() == {"cancelled": 1}


async def test_migration_0007_backfills_addresses_and_readdresses_the_outbox(db: Db) -> None:
    await asyncio.to_thread(downgrade, db.url, "0006")
    statements = [
        "INSERT INTO secretariats (id, name) VALUES (1, 'STL Oaxaca')",
        "INSERT INTO people (id, key, telegram_id, name) VALUES (1, 'tg:100', 100, 'Ana')",
        "INSERT INTO people (id, key, name) VALUES (2, 'cli:beto', 'Beto')",
        "INSERT INTO people (id, key, name) VALUES (3, 'rasa:s1', 'Carla')",
        "INSERT INTO people (id, key, name) VALUES (4, 'rasa:s2', 'Dora')",
        "INSERT INTO rasa_links (person_id, code_hash, expires_at, linked_at, sender) "
        "VALUES (1, 'h', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 's2')",
        "INSERT INTO outbox (key, kind, secretariat_id, person_id, chat_id, item_kind, item_id, rule, due_at, "
        "body, status, attempts, next_attempt_at) VALUES ('k1', 'digest', 1, 1, -100500, 'digest', 1, 'digest', "
        "'2026-01-01 00:00:00', 'Resumen', 'pending', 0, '2026-01-01 00:00:00')",
    ]
    async with db.engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))
    await asyncio.to_thread(upgrade, db.url)
    # the linked sender s2 is Ana's: the link wins over Dora's old 'rasa:s2' key
    assert await addresses(db) == {("tg:100", "telegram", "100"), ("cli:beto", "terminal", "beto"),
                                   ("rasa:s1", "rasa", "s1"), ("tg:100", "rasa", "s2")}
    async with UnitOfWork(db.factory) as uow:
        (row,) = await uow.session.scalars(select(OutboxMessage))
        assert (row.channel, row.address, row.body) == ("telegram", "-100500", "Resumen")
        assert await uow.session.scalar(select(PersonAddress.id).where(PersonAddress.person_id == 4)) is None
