"""Migration 0014 (the date to measure a pending baseline): the column comes and goes on SQLite and on
PostgreSQL, and going back never takes an indicator or its reports with it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from storage.migrate import downgrade, upgrade
from tests.storage.test_migration_0009 import _run

PLAN = """
INSERT INTO secretariats (id, name) VALUES (1, 'STL Xalapa');
INSERT INTO commitments (id, secretariat_id, title, fields) VALUES (1, 1, 'Agua', '{}');
INSERT INTO indicators (id, commitment_id, name, frequency, dates) VALUES (1, 1, 'Colonias', 'unica', '[]');
INSERT INTO indicator_reports (id, indicator_id, period_due, value) VALUES (1, 1, '2027-03-31', 12)
"""


def _check(url: str) -> None:
    upgrade(url, "0009")
    asyncio.run(_run(url, *[s for s in PLAN.split(";") if s.strip()]))
    upgrade(url, "0014")
    asyncio.run(_run(url, "UPDATE indicators SET baseline_due = '2027-04-30' WHERE id = 1"))
    assert asyncio.run(_run(url, "SELECT baseline, baseline_due FROM indicators"))[0][0] is None
    downgrade(url, "0009")
    assert asyncio.run(_run(url, "SELECT id, name FROM indicators")) == [(1, "Colonias")]
    assert len(asyncio.run(_run(url, "SELECT * FROM indicator_reports"))) == 1
    with pytest.raises(DBAPIError):  # the column is gone
        asyncio.run(_run(url, "SELECT baseline_due FROM indicators"))
    upgrade(url, "head")


def test_on_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'cocrea.db'}")


def test_on_postgresql(own_postgres: str) -> None:
    _check(own_postgres)


