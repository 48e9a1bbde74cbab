"""Content versions: every loaded flow version is recorded once, on every backend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage import UnitOfWork

if TYPE_CHECKING:
    from tests.storage.conftest import Db


class TestStorageContract:
    async def test_each_flow_version_is_recorded_once(self, db: Db) -> None:
        first = [("kit5", "aaa111", "Kit 5 · 24 pasos"), ("kit1", "bbb222", "Kit 1 · 20 pasos")]
        async with UnitOfWork(db.factory) as uow:
            assert await uow.content_versions.record(first) == ["kit5", "kit1"]
        async with UnitOfWork(db.factory) as uow:  # a restart, or a reload with no change
            assert await uow.content_versions.record(first) == []
        async with UnitOfWork(db.factory) as uow:  # kit 5 edited
            assert await uow.content_versions.record([("kit5", "ccc333", "Kit 5 · 23 pasos"), first[1]]) == ["kit5"]
        async with UnitOfWork(db.factory) as uow:
            rows = await uow.content_versions.all()
        assert [(r.flow_id, r.version, r.summary) for r in rows] == [
            ("kit1", "bbb222", "Kit 1 · 20 pasos"),
            ("kit5", "aaa111", "Kit 5 · 24 pasos"),
            ("kit5", "ccc333", "Kit 5 · 23 pasos"),
        ]
        assert all(r.loaded_at is not None for r in rows)
