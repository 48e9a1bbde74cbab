"""The one read of a secretariat's plan (Plan.load): one secretariat's rows only, on every backend."""

from __future__ import annotations

from storage import UnitOfWork
from tests.bot.plan_seed import seed_plan
from tests.storage.conftest import Db


class TestStorageContract:
    async def test_load_reads_one_secretariat_only(self, db: Db) -> None:
        mine = await seed_plan(db.factory, "STL Uno")
        other = await seed_plan(db.factory, "STL Dos")
        async with UnitOfWork(db.factory) as uow:
            plan = await uow.plan.load(mine.secretariat_id)
            missing = await uow.plan.load(other.secretariat_id + 100)
        assert missing is None
        assert plan is not None and plan.name == "STL Uno"
        assert [c.id for c in plan.commitments] == mine.commitment_ids
        assert [i.id for _, i in plan.indicators] == mine.indicator_ids
        milestones = [m for c in plan.commitments for m in c.milestones]
        reports = [r for _, i in plan.indicators for r in i.reports]
        assert len(milestones) == mine.milestones and len(reports) == mine.reports
        assert {r.indicator_id for r in reports} == set(mine.indicator_ids)
        assert [s.decision for c in plan.commitments for s in c.signoffs] == ["aprueba", "disiente"]
        assert sorted(p.name or "" for p in plan.people.values()) == ["Ana Gobierno", "Beto Sociedad"]
        assert sorted(m.role for m in plan.members) == ["coordinator", "member"]
        # reports come in period order within each indicator, ready for a chart
        periods = [r.period_due for r in plan.indicators[0][1].reports]
        assert periods == sorted(periods)

    async def test_load_some_commitments(self, db: Db) -> None:
        mine = await seed_plan(db.factory, "STL Uno")
        async with UnitOfWork(db.factory) as uow:
            plan = await uow.plan.load(mine.secretariat_id, [mine.commitment_ids[1]])
        assert plan is not None and [c.id for c in plan.commitments] == mine.commitment_ids[1:]
        assert plan.indicators == []
