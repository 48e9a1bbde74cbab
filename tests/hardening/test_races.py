"""Two people writing the same thing at the same moment, on SQLite and on PostgreSQL.

Each race injects a pause between what a writer reads and what it writes (the repository's
`flush`), long enough for the other writer to read too: without a lock, the second write is made
from a stale read. SQLite serialises whole units of work, so there these tests show the same
outcome with no race at all; PostgreSQL is where the locks are tested.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import column, table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import UnitOfWork, make_engine, make_session_factory
from storage.errors import PeriodTaken
from storage.migrate import upgrade
from storage.models import Commitment, Indicator, IndicatorReport, Person
from tests.conftest import migrated
from tests.storage.conftest import told

Factory = async_sessionmaker[AsyncSession]

KIT_6 = {  # what a member confirmed in Kit 6
    "objective": "Que cada colonia sepa cuándo llega el agua.",
    "effects": "Las familias compran pipas y faltan a la escuela.",
    "ods_goals": ["6", "16"],
    "ods_targets": ["6.1", "16.10"],
    "how_it_solves": "Con horarios públicos los comités pueden exigir que se cumplan.",
}
KIT_8 = {  # what the coordination confirmed in Kit 8, at the same moment
    "start_date": "2026-03-01",
    "end_date": "2027-12-31",
    "follow_up_plan": "Reunión mensual y carpeta compartida.",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cocrea.db'}"
    url: str = request.getfixturevalue("own_postgres")  # a fresh database of this test's own
    return url


@pytest.fixture
async def factory(database_url: str) -> AsyncIterator[Factory]:
    async with migrated(database_url) as sessions:
        yield sessions


def pause_before_writing(monkeypatch: pytest.MonkeyPatch, module: Any, writers: int = 2) -> None:
    """Make `module.flush` wait until `writers` writers have read (or a moment has passed, on SQLite
    where the second one cannot start before the first commits), so their reads overlap."""
    real = module.flush
    arrived = 0
    everyone = asyncio.Event()

    async def flush(session: AsyncSession) -> None:
        nonlocal arrived
        arrived += 1
        if arrived >= writers:
            everyone.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(everyone.wait(), timeout=0.5)
        await real(session)

    monkeypatch.setattr(module, "flush", flush)


async def at_once(*writers: Callable[[], Awaitable[Any]]) -> list[Any]:
    return list(await asyncio.gather(*(writer() for writer in writers), return_exceptions=True))


_MEMBERSHIPS = table("memberships", column("person_id"), column("secretariat_id"), column("role"))
# An indicator as revision 0003 has it (no `baseline_due`, migration 0014): for the 0004 test below.
_INDICATORS_0003 = table("indicators", column("id"), column("commitment_id"), column("name"), column("unit"),
                         column("baseline"), column("target"), column("frequency"), column("first_due"),
                         column("dates"), column("created_at"))


async def _secretariat_with_two_people(factory: Factory, *, schema_of_today: bool = True) -> tuple[int, int]:
    """STL Zapopan: Memo (member, sociedad civil), Ana (coordinator, gobierno) and one commitment.

    `schema_of_today` False: an older schema (no addresses yet), so the people are plain rows."""
    async with UnitOfWork(factory) as uow:
        stl = await uow.secretariats.add("STL Zapopan")
        if schema_of_today:
            memo = await uow.people.get_or_create("tg:1", name="Memo")
            ana = await uow.people.get_or_create("tg:2", name="Ana")
        else:
            memo, ana = Person(key="tg:1", telegram_id=1, name="Memo"), Person(key="tg:2", telegram_id=2, name="Ana")
            uow.session.add_all([memo, ana])
            await uow.session.flush()
        memo.sector, ana.sector = "sociedad_civil", "gobierno"
        # Only the columns revision 0001 has: the migration test below seeds a database at 0003.
        await uow.session.execute(_MEMBERSHIPS.insert(), [
            {"person_id": memo.id, "secretariat_id": stl.id, "role": "member"},
            {"person_id": ana.id, "secretariat_id": stl.id, "role": "coordinator"}])
        commitment = await uow.commitments.create(stl.id, created_by=ana.id)
        if schema_of_today:
            await uow.plan.set_fields(commitment, {"title": "Agua con horarios claros"}, ana)
        else:  # no history of changes with its kit and step yet
            commitment.title, commitment.fields = "Agua con horarios claros", {"title": "Agua con horarios claros"}
        return stl.id, commitment.id


async def test_two_kits_confirmed_at_once_keep_both_kits_answers(factory: Factory,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from storage.repositories import commitments as commitments_module

    stl, cid = await _secretariat_with_two_people(factory)
    pause_before_writing(monkeypatch, commitments_module)

    def confirm(key: str, fields: dict[str, Any]) -> Callable[[], Awaitable[list[str]]]:
        async def write() -> list[str]:
            async with UnitOfWork(factory) as uow:
                person = await uow.people.get(key)
                commitment = await uow.plan.commitment(stl, cid)  # read as the kit's step reads it
                assert commitment is not None
                return await uow.plan.set_fields(commitment, fields, person)
        return write

    results = await at_once(confirm("tg:1", KIT_6), confirm("tg:2", KIT_8))
    assert [sorted(r) for r in results] == [sorted(KIT_6), sorted(KIT_8)]  # both were told «Guardé»

    async with UnitOfWork(factory) as uow:
        stored = await uow.session.get(Commitment, cid)
        assert stored is not None
        assert stored.fields == {"title": "Agua con horarios claros", **KIT_6, **KIT_8}
        assert {h.field for h in await uow.plan.history(cid)} == {"title", *KIT_6, *KIT_8}


async def _indicator(factory: Factory, stl: int, cid: int) -> int:
    """A quarterly indicator due 31/03, 30/06, 30/09 and 31/12/2026, nothing reported yet."""
    async with UnitOfWork(factory) as uow:
        commitment = await uow.plan.commitment(stl, cid)
        assert commitment is not None
        commitment.fields = {**(commitment.fields or {}), "end_date": "2026-12-31"}  # as any schema holds it
        # A plain insert of the columns every schema since 0003 has (a later column would not exist yet).
        table = Indicator.__table__
        return int(await uow.session.scalar(table.insert().values(
            commitment_id=cid, name="Colonias con horario publicado", unit="colonias", baseline=0, target=38,
            frequency="trimestral", first_due=date(2026, 3, 31)).returning(table.c.id)))


def report_as(factory: Factory, stl: int, indicator_id: int, key: str, value: float,
              **period: date) -> Callable[[], Awaitable[date]]:
    async def write() -> date:
        async with UnitOfWork(factory) as uow:
            person = await uow.people.get(key)
            indicator = await uow.plan.indicator(stl, indicator_id)
            assert indicator is not None
            report = await uow.plan.report(indicator, value=value, note=None, evidence_kind=None, evidence=None,
                                           person=person, today=date(2026, 4, 2), **period)
            return report.period_due
    return write


async def _reports(factory: Factory, indicator_id: int) -> list[tuple[date, float]]:
    async with UnitOfWork(factory) as uow:
        return [(r.period_due, r.value) for r in await uow.plan.reports(indicator_id)]


async def test_two_reports_at_once_never_land_in_one_period(factory: Factory,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a period chosen (a run saved before periods travelled with the choice), each report
    counts for the oldest period due: two at once take turns, so they fill two periods, not one twice."""
    from storage.repositories import plan as plan_module

    stl, cid = await _secretariat_with_two_people(factory)
    indicator = await _indicator(factory, stl, cid)
    pause_before_writing(monkeypatch, plan_module)
    results = await at_once(report_as(factory, stl, indicator, "tg:1", 12),
                            report_as(factory, stl, indicator, "tg:2", 14))
    assert sorted(results) == [date(2026, 3, 31), date(2026, 6, 30)]
    assert sorted(period for period, _ in await _reports(factory, indicator)) == [
        date(2026, 3, 31), date(2026, 6, 30)]


async def test_two_reports_at_once_for_the_period_both_chose_save_one_and_explain_the_other(
        factory: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    from storage.repositories import plan as plan_module

    stl, cid = await _secretariat_with_two_people(factory)
    indicator = await _indicator(factory, stl, cid)
    pause_before_writing(monkeypatch, plan_module)
    chosen = date(2026, 3, 31)
    memo, ana = await at_once(report_as(factory, stl, indicator, "tg:1", 12, period=chosen),
                              report_as(factory, stl, indicator, "tg:2", 14, period=chosen))
    saved = await _reports(factory, indicator)
    assert len(saved) == 1 and saved[0][0] == chosen  # one report for the period, none moved to the next
    winner, loser, loser_value = ("Memo", ana, 14) if saved[0][1] == 12 else ("Ana", memo, 12)
    assert isinstance(loser, PeriodTaken)
    assert f"{winner} ya reportó {int(saved[0][1])} colonias" in told(loser)
    assert f"no guardé el tuyo ({loser_value} colonias), ni en ese periodo ni en otro" in told(loser)
    assert "vence el 31/03/2026" in told(loser) and "el que toca ahora vence el 30/06/2026" in told(loser)


async def test_the_table_itself_refuses_a_second_report_for_a_period(factory: Factory) -> None:
    stl, cid = await _secretariat_with_two_people(factory)
    indicator = await _indicator(factory, stl, cid)
    with pytest.raises(IntegrityError):
        async with UnitOfWork(factory) as uow:
            uow.session.add_all([IndicatorReport(indicator_id=indicator, period_due=date(2026, 3, 31), value=v)
                                 for v in (12, 14)])
            await uow.session.flush()
    assert await _reports(factory, indicator) == []


async def test_migration_0004_keeps_the_latest_of_duplicate_reports_and_notes_the_others(
        database_url: str) -> None:
    """A live database with two reports for one period (the race above, before the constraint)."""
    await asyncio.to_thread(upgrade, database_url, "0003")
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    try:
        stl, cid = await _secretariat_with_two_people(factory, schema_of_today=False)
        async with UnitOfWork(factory) as uow:
            commitment = await uow.plan.commitment(stl, cid)
            assert commitment is not None
            commitment.fields = {**(commitment.fields or {}), "end_date": "2026-12-31"}  # no history of 0013 yet
            indicator = (await uow.session.execute(_INDICATORS_0003.insert().returning(_INDICATORS_0003.c.id), [{
                "commitment_id": cid, "name": "Colonias con horario publicado", "unit": "colonias", "baseline": 0,
                "target": 38, "frequency": "trimestral", "first_due": date(2026, 3, 31), "dates": "[]",
                "created_at": datetime(2026, 1, 1, tzinfo=UTC)}])).scalar_one()
        async with UnitOfWork(factory) as uow:
            memo, ana = await uow.people.get("tg:1"), await uow.people.get("tg:2")
            assert memo is not None and ana is not None
            at = datetime(2026, 4, 2, 16, 0, tzinfo=UTC)
            uow.session.add_all([
                IndicatorReport(indicator_id=indicator, period_due=date(2026, 3, 31), value=12, person_id=memo.id,
                                note="Dato de Memo", reported_at=at),
                IndicatorReport(indicator_id=indicator, period_due=date(2026, 3, 31), value=14, person_id=ana.id,
                                reported_at=at + timedelta(minutes=5)),
                IndicatorReport(indicator_id=indicator, period_due=date(2026, 6, 30), value=20, person_id=ana.id,
                                reported_at=at + timedelta(days=90)),
            ])
        await asyncio.to_thread(upgrade, database_url)
        async with UnitOfWork(factory) as uow:
            assert [(r.period_due, r.value) for r in await uow.plan.reports(indicator)] == [
                (date(2026, 3, 31), 14), (date(2026, 6, 30), 20)]  # the latest of the two is kept
            [noted] = [e for e in await uow.plan.audit_log(stl) if e.action == "indicator_report_duplicate_removed"]
            assert noted.person_id == memo.id
            assert (noted.detail["value"], noted.detail["note"], noted.detail["period_due"]) == (
                12, "Dato de Memo", "2026-03-31")
        with pytest.raises(IntegrityError):  # and from now on the table refuses a second one
            async with UnitOfWork(factory) as uow:
                uow.session.add(IndicatorReport(indicator_id=indicator, period_due=date(2026, 6, 30), value=1))
                await uow.session.flush()
    finally:
        await engine.dispose()
