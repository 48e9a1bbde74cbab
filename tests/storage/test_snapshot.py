"""The plan read for exports: one secretariat's rows only, on every backend."""

from __future__ import annotations

from storage import UnitOfWork
from storage.repositories.snapshot import load_plan
from tests.bot.plan_seed import seed_plan
from tests.storage.conftest import Db


class TestStorageContract:
    async def test_load_plan_reads_one_secretariat_only(self, db: Db) -> None:
        mine = await seed_plan(db.factory, "STL Uno")
        other = await seed_plan(db.factory, "STL Dos")
        async with UnitOfWork(db.factory) as uow:
            rows = await load_plan(uow.session, mine.secretariat_id)
            missing = await load_plan(uow.session, other.secretariat_id + 100)
        assert missing is None
        assert rows is not None and rows.secretariat.name == "STL Uno"
        assert [c.id for c in rows.commitments] == mine.commitment_ids
        assert [i.id for i in rows.indicators] == mine.indicator_ids
        assert len(rows.milestones) == mine.milestones and len(rows.reports) == mine.reports
        assert {r.indicator_id for r in rows.reports} == set(mine.indicator_ids)
        assert [s.decision for s in rows.signoffs] == ["aprueba", "disiente"]
        assert sorted(rows.names.values()) == ["Ana Gobierno", "Beto Sociedad"]
        # reports come in period order within each indicator, ready for a chart
        periods = [r.period_due for r in rows.reports if r.indicator_id == mine.indicator_ids[0]]
        assert periods == sorted(periods)
