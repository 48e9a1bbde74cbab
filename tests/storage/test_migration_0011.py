"""Migration 0011 (versions bound to signatures), up and down on SQLite and PostgreSQL: sign-offs keep
their rows, and going down removes only the lapsed decisions and the new tables, nothing else."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import downgrade, upgrade

BEFORE = """
INSERT INTO secretariats (id, name) VALUES (1, 'STL Xalapa');
INSERT INTO people (id, key) VALUES (1, 'tg:1'), (2, 'tg:2');
INSERT INTO commitments (id, secretariat_id, status, fields) VALUES (1, 1, 'en_revision', '{}');
INSERT INTO milestones (id, commitment_id, output) VALUES (1, 1, 'Calendario');
INSERT INTO signoffs (id, commitment_id, person_id, decision) VALUES (1, 1, 1, 'aprueba')
"""
AFTER = """
INSERT INTO commitment_versions (id, commitment_id, number, digest, snapshot) VALUES (1, 1, 1, 'abc', '{}');
UPDATE signoffs SET version_id = 1, lapsed_at = CURRENT_TIMESTAMP WHERE id = 1;
INSERT INTO signoffs (id, commitment_id, person_id, decision, version_id) VALUES (2, 1, 1, 'aprueba', 1)
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


def _statements(block: str) -> list[str]:
    return [s for s in block.split(";") if s.strip()]


def _check(url: str) -> None:
    upgrade(url, "0009")
    asyncio.run(_run(url, *_statements(BEFORE)))
    upgrade(url, "0011")
    assert asyncio.run(_run(url, "SELECT id, version_id, lapsed_at FROM signoffs")) == [(1, None, None)]
    asyncio.run(_run(url, *_statements(AFTER)))  # a lapsed decision and a counted one of the same person
    downgrade(url, "0009")
    assert asyncio.run(_run(url, "SELECT id FROM signoffs")) == [(2,)]
    assert asyncio.run(_run(url, "SELECT id FROM milestones")) == [(1,)]  # nothing cascaded
    assert asyncio.run(_run(url, "SELECT id FROM commitments")) == [(1,)]
    upgrade(url, "0011")


def test_on_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'cocrea.db'}")


def test_on_postgresql(own_postgres: str) -> None:
    _check(own_postgres)
