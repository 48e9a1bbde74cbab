"""Migration 0009 (where a person acts): existing people keep acting where they did, the
secretariat they joined first; on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import downgrade, upgrade

MEMBERSHIPS = """
INSERT INTO secretariats (id, name) VALUES (1, 'STL Xalapa'), (2, 'STL Veracruz');
INSERT INTO people (id, key) VALUES (1, 'tg:1'), (2, 'tg:2');
INSERT INTO memberships (id, person_id, secretariat_id, role, joined_at) VALUES
  (1, 1, 2, 'member', '2026-01-02 00:00:00+00'), (2, 1, 1, 'member', '2026-01-01 00:00:00+00'),
  (3, 2, 1, 'member', '2026-01-01 00:00:00+00'), (4, 2, 2, 'member', '2026-01-01 00:00:00+00')
"""


async def _run(url: str, *statements: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            rows: list[tuple[object, ...]] = []
            for statement in statements:
                result = await conn.execute(text(statement))
                rows = [tuple(r) for r in result] if result.returns_rows else []
            return rows
    finally:
        await engine.dispose()


def _check(url: str) -> None:
    upgrade(url, "0006")
    asyncio.run(_run(url, *[s for s in MEMBERSHIPS.split(";") if s.strip()]))
    upgrade(url, "0009")
    acting = asyncio.run(_run(url, "SELECT person_id, secretariat_id FROM memberships WHERE acting ORDER BY person_id"))
    # tg:1 joined STL Xalapa first (membership 2); tg:2 joined both at once: the lower id
    assert acting == [(1, 1), (2, 1)]
    downgrade(url, "0006")
    assert len(asyncio.run(_run(url, "SELECT * FROM memberships"))) == 4


def test_on_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'cocrea.db'}")


def test_on_postgresql(own_postgres: str) -> None:
    _check(own_postgres)
