"""Planning marks, on SQLite and PostgreSQL: a change to anything a secretariat's reminders are made of
marks that secretariat, and only it, in the same transaction (migration 0010's triggers); claims are
disjoint and leased."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import delete, select, text, update

from storage import UnitOfWork
from storage.models import (
    Commitment,
    Indicator,
    IndicatorReport,
    Membership,
    Milestone,
    Person,
    PersonAddress,
    Secretariat,
    SecretariatPlanning,
)

if TYPE_CHECKING:
    from tests.storage.conftest import Db

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
TABLES = ("secretariats", "commitments", "milestones", "indicators", "indicator_reports", "memberships", "people",
          "addresses")


async def seed(db: Db) -> dict[str, dict[str, int]]:
    """Two secretariats alike: a coordinator with an address, a commitment with a milestone, an
    indicator and a report; and one more person, member of neither yet."""
    found: dict[str, dict[str, int]] = {}
    async with UnitOfWork(db.factory) as uow:
        s = uow.session
        for name in ("a", "b"):
            stl = Secretariat(name=f"STL {name}")
            person = Person(key=f"tg:{name}", name=f"Persona {name}")
            s.add_all([stl, person])
            await s.flush()
            address = PersonAddress(person_id=person.id, channel="telegram", address=f"1{len(found)}")
            membership = Membership(person_id=person.id, secretariat_id=stl.id, role="coordinator")
            commitment = Commitment(secretariat_id=stl.id, title="Compromiso", status="en_implementacion",
                                    created_by=person.id, fields={})
            s.add_all([address, membership, commitment])
            await s.flush()
            milestone = Milestone(commitment_id=commitment.id, output="Hito", due_date=date(2026, 3, 10))
            indicator = Indicator(commitment_id=commitment.id, name="Indicador", frequency="mensual",
                                  first_due=date(2026, 3, 10), dates=[])
            s.add_all([milestone, indicator])
            await s.flush()
            report = IndicatorReport(indicator_id=indicator.id, period_due=date(2026, 3, 10), value=1.0,
                                     reported_at=NOW)
            s.add(report)
            await s.flush()
            found[name] = dict(secretariat=stl.id, person=person.id, address=address.id, membership=membership.id,
                               commitment=commitment.id, milestone=milestone.id, indicator=indicator.id,
                               report=report.id)
        loner = Person(key="tg:loner", name="Sin secretariado")
        s.add(loner)
        await s.flush()
        found["loner"] = {"person": loner.id}
    return found


async def dirty(db: Db) -> set[int]:
    async with UnitOfWork(db.factory, read_only=True) as uow:
        return set(await uow.session.scalars(select(SecretariatPlanning.secretariat_id)
                                             .where(SecretariatPlanning.dirty)))


async def clean(db: Db) -> None:
    async with UnitOfWork(db.factory) as uow:
        await uow.session.execute(update(SecretariatPlanning).values(dirty=False))


Change = Callable[[Any, dict[str, dict[str, int]]], Awaitable[None]]


async def _exec(s: Any, statement: Any) -> None:
    await s.execute(statement)


# Each change is made to secretariat a's data (through the ORM or plain SQL: both are what writers do).
CHANGES: dict[str, Change] = {
    "commitment status": lambda s, ids: _exec(s, update(Commitment).where(
        Commitment.id == ids["a"]["commitment"]).values(status="concluido")),
    "commitment added": lambda s, ids: _exec(s, Commitment.__table__.insert().values(
        secretariat_id=ids["a"]["secretariat"], title="Otro", status="aprobado", fields={})),
    "milestone date": lambda s, ids: _exec(s, update(Milestone).where(
        Milestone.id == ids["a"]["milestone"]).values(due_date=date(2026, 3, 12))),
    "milestone added": lambda s, ids: _exec(s, Milestone.__table__.insert().values(
        commitment_id=ids["a"]["commitment"], output="Otro hito", due_date=date(2026, 4, 1))),
    "milestone removed": lambda s, ids: _exec(s, delete(Milestone).where(Milestone.id == ids["a"]["milestone"])),
    "indicator renamed": lambda s, ids: _exec(s, update(Indicator).where(
        Indicator.id == ids["a"]["indicator"]).values(name="Nuevo nombre")),
    "indicator added": lambda s, ids: _exec(s, Indicator.__table__.insert().values(
        commitment_id=ids["a"]["commitment"], name="Otro", frequency="unica", dates=[])),
    "indicator removed": lambda s, ids: _exec(s, delete(Indicator).where(Indicator.id == ids["a"]["indicator"])),
    "report added": lambda s, ids: _exec(s, IndicatorReport.__table__.insert().values(
        indicator_id=ids["a"]["indicator"], period_due=date(2026, 4, 10), value=2.0, reported_at=NOW)),
    "report corrected": lambda s, ids: _exec(s, update(IndicatorReport).where(
        IndicatorReport.id == ids["a"]["report"]).values(value=3.0)),
    "report removed": lambda s, ids: _exec(s, delete(IndicatorReport).where(
        IndicatorReport.id == ids["a"]["report"])),
    "member joined": lambda s, ids: _exec(s, Membership.__table__.insert().values(
        person_id=ids["loner"]["person"], secretariat_id=ids["a"]["secretariat"], role="member")),
    "role changed": lambda s, ids: _exec(s, update(Membership).where(
        Membership.id == ids["a"]["membership"]).values(role="member")),
    "member left": lambda s, ids: _exec(s, delete(Membership).where(Membership.id == ids["a"]["membership"])),
    "person renamed": lambda s, ids: _exec(s, update(Person).where(
        Person.id == ids["a"]["person"]).values(name="Otro nombre")),
    "person unreachable": lambda s, ids: _exec(s, update(Person).where(
        Person.id == ids["a"]["person"]).values(active=False)),
    "address added": lambda s, ids: _exec(s, PersonAddress.__table__.insert().values(
        person_id=ids["a"]["person"], channel="terminal", address="ana")),
    "address removed": lambda s, ids: _exec(s, delete(PersonAddress).where(
        PersonAddress.id == ids["a"]["address"])),
    "settings": lambda s, ids: _exec(s, update(Secretariat).where(
        Secretariat.id == ids["a"]["secretariat"]).values(quiet_hours="10:00-18:00")),
}


class TestStorageContract:
    @pytest.mark.parametrize("what", sorted(CHANGES))
    async def test_a_change_marks_its_secretariat_and_only_it(self, db: Db, what: str) -> None:
        ids = await seed(db)
        await clean(db)
        async with UnitOfWork(db.factory) as uow:
            await CHANGES[what](uow.session, ids)
            assert await uow.session.scalar(select(SecretariatPlanning.dirty).where(
                SecretariatPlanning.secretariat_id == ids["a"]["secretariat"]))  # in the same transaction
        assert await dirty(db) == {ids["a"]["secretariat"]}

    async def test_what_feeds_no_reminder_marks_nothing(self, db: Db) -> None:
        ids = await seed(db)
        await clean(db)
        async with UnitOfWork(db.factory) as uow:
            await uow.session.execute(update(Person).where(Person.id == ids["a"]["person"]).values(consent_at=NOW))
            await uow.addresses.touch(ids["a"]["person"], "telegram", "10")  # their only address, used again
            await uow.session.execute(update(Person).where(Person.id == ids["loner"]["person"]).values(name="X"))
        assert await dirty(db) == set()
        async with UnitOfWork(db.factory) as uow:  # with two addresses, the one used last is where reminders go
            await uow.addresses.touch(ids["a"]["person"], "terminal", "ana")
        await clean(db)
        async with UnitOfWork(db.factory) as uow:
            await uow.addresses.touch(ids["a"]["person"], "telegram", "10")
        assert await dirty(db) == {ids["a"]["secretariat"]}

    async def test_a_rolled_back_change_leaves_no_mark(self, db: Db) -> None:
        ids = await seed(db)
        await clean(db)
        with pytest.raises(RuntimeError):
            async with UnitOfWork(db.factory) as uow:
                await CHANGES["milestone date"](uow.session, ids)
                raise RuntimeError("the turn failed")
        assert await dirty(db) == set()

    async def test_a_new_secretariat_is_due_and_a_removed_one_is_gone(self, db: Db) -> None:
        await seed(db)
        await clean(db)
        async with UnitOfWork(db.factory) as uow:
            new = await uow.secretariats.add("STL nueva")
        assert await dirty(db) == {new.id}
        async with UnitOfWork(db.factory) as uow:
            await uow.session.execute(delete(Secretariat).where(Secretariat.id == new.id))
        assert await dirty(db) == set()

    async def test_claims_are_disjoint_leased_and_end_clean_unless_changed_meanwhile(self, db: Db) -> None:
        ids = await seed(db)
        a, b = ids["a"]["secretariat"], ids["b"]["secretariat"]
        async with UnitOfWork(db.factory) as uow:
            first = await uow.planning.claim("w1", now=NOW, lease=timedelta(minutes=5), limit=1)
        async with UnitOfWork(db.factory) as uow:
            second = await uow.planning.claim("w2", now=NOW, lease=timedelta(minutes=5), limit=5)
        assert [sid for sid, _ in first] == [a] and [sid for sid, _ in second] == [b]
        async with UnitOfWork(db.factory) as uow:
            await CHANGES["milestone date"](uow.session, ids)  # a changes while w1 plans it
        async with UnitOfWork(db.factory) as uow:
            assert await uow.planning.done(a, "w1", version=first[0][1], plan_at=NOW + timedelta(days=1))
            assert await uow.planning.done(b, "w2", version=second[0][1], plan_at=NOW + timedelta(days=1))
            assert not await uow.planning.done(b, "w2", version=second[0][1], plan_at=None)  # not ours any more
        assert await dirty(db) == {a}  # planned from data older than the change: planned again
        async with UnitOfWork(db.factory) as uow:  # a claim whose lease ran out is anyone's
            assert [sid for sid, _ in await uow.planning.claim("w1", now=NOW, lease=timedelta(minutes=5),
                                                                limit=5)] == [a]
        async with UnitOfWork(db.factory) as uow:
            assert await uow.planning.claim("w2", now=NOW, lease=timedelta(minutes=5), limit=5) == []
            later = NOW + timedelta(minutes=6)
            assert [sid for sid, _ in await uow.planning.claim("w2", now=later, lease=timedelta(minutes=5),
                                                                limit=5)] == [a]
        async with UnitOfWork(db.factory) as uow:  # b's time comes
            day = NOW + timedelta(days=1, minutes=1)
            assert b in [sid for sid, _ in await uow.planning.claim("w3", now=day, lease=timedelta(minutes=5),
                                                                     limit=5)]

    async def test_every_trigger_is_there(self, db: Db) -> None:
        """A SQLite migration that copies a table (batch mode) drops its triggers: this says so."""
        query = ("SELECT name FROM sqlite_master WHERE type = 'trigger'" if db.backend == "sqlite" else
                 "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        async with UnitOfWork(db.factory, read_only=True) as uow:
            names = set(await uow.session.scalars(text(query)))
        marked = {name.removeprefix("plan_mark_").rsplit("_", 1)[0] if db.backend == "sqlite"
                  else name.removeprefix("plan_mark_") for name in names if name.startswith("plan_mark_")}
        assert marked == set(TABLES) and "plan_new_secretariat" in names
