"""Migration 0013 (where each change came from): `kit` and `step` are added to the history and taken
away again on downgrade, with every commitment and every change kept; on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from storage.migrate import downgrade, upgrade
from tests.storage.test_migration_0009 import _run

ROWS = """
INSERT INTO secretariats (id, name) VALUES (1, 'STL Xalapa');
INSERT INTO people (id, key) VALUES (1, 'tg:1');
INSERT INTO commitments (id, secretariat_id, status, fields) VALUES (1, 1, 'borrador', '{}');
INSERT INTO commitment_changes (id, commitment_id, field, value, person_id) VALUES (1, 1, 'title', '"Agua"', 1)
"""


def _check(url: str) -> None:
    upgrade(url, "0009")
    asyncio.run(_run(url, *[s for s in ROWS.split(";") if s.strip()]))
    upgrade(url, "0013")
    assert asyncio.run(_run(url, "SELECT field, kit, step FROM commitment_changes")) == [("title", None, None)]
    asyncio.run(_run(url, "INSERT INTO commitment_changes (id, commitment_id, field, value, person_id, kit, step)"
                          " VALUES (2, 1, 'causes', '\"Fugas\"', 1, 'kit5', 'guardar')"))
    downgrade(url, "0009")
    assert asyncio.run(_run(url, "SELECT id, field FROM commitment_changes ORDER BY id")) == [
        (1, "title"), (2, "causes")]
    assert len(asyncio.run(_run(url, "SELECT * FROM commitments"))) == 1


def test_on_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'cocrea.db'}")


def test_on_postgresql(own_postgres: str) -> None:
    _check(own_postgres)
