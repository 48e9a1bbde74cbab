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
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import UnitOfWork, make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import Commitment

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
    await asyncio.to_thread(upgrade, database_url)
    engine = make_engine(database_url)
    try:
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


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


async def _secretariat_with_two_people(factory: Factory) -> tuple[int, int]:
    """STL Zapopan: Memo (member, sociedad civil), Ana (coordinator, gobierno) and one commitment."""
    async with UnitOfWork(factory) as uow:
        stl = await uow.secretariats.add("STL Zapopan")
        memo = await uow.people.get_or_create("tg:1", name="Memo")
        ana = await uow.people.get_or_create("tg:2", name="Ana")
        memo.sector, ana.sector = "sociedad_civil", "gobierno"
        await uow.memberships.add(memo, stl, "member")
        await uow.memberships.add(ana, stl, "coordinator")
        commitment = await uow.commitments.create(stl.id, created_by=ana.id)
        await uow.plan.set_fields(commitment, {"title": "Agua con horarios claros"}, ana)
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
