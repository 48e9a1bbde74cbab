"""Migration 0012 (comments, notice mutes, notice rows): up and down on SQLite and PostgreSQL, and a
downgrade removes only what 0012 added (the batch copy of `outbox` cascades into nothing else)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from storage.migrate import downgrade, upgrade
from tests.storage.test_migration_0009 import _run

ROWS = """
INSERT INTO secretariats (id, name) VALUES (1, 'STL Xalapa');
INSERT INTO people (id, key) VALUES (1, 'tg:1');
INSERT INTO commitments (id, secretariat_id, title, status, irm_completion, fields) VALUES
  (1, 1, 'Agua', 'borrador', 'no_iniciado', '{}');
INSERT INTO outbox (id, key, kind, secretariat_id, person_id, channel, address, item_kind, item_id, rule, due_at,
                    body, status, attempts, next_attempt_at) VALUES
  (1, 'r1', 'reminder', 1, 1, 'telegram', '1', 'indicator', 1, 'el_dia', '2026-01-01 00:00:00+00', 'Hola',
   'pending', 0, '2026-01-01 00:00:00+00')
"""
AFTER = """
INSERT INTO comments (id, secretariat_id, commitment_id, person_id, name, text) VALUES (1, 1, 1, 1, 'Ana', 'Hola');
INSERT INTO notice_mutes (person_id, kind) VALUES (1, 'comentarios');
INSERT INTO outbox (id, key, kind, secretariat_id, person_id, channel, address, item_kind, item_id, rule, due_at,
                    body, status, attempts, next_attempt_at, events) VALUES
  (2, 'notice:1:telegram:1', 'notice', 1, 1, 'telegram', '1', 'commitment', 1, 'comment', '2026-01-01 00:00:00+00',
   'Aviso', 'pending', 0, '2026-01-01 00:00:00+00', '[1]')
"""


def _statements(sql: str) -> list[str]:
    return [s for s in sql.split(";") if s.strip()]


def _check(url: str) -> None:
    upgrade(url, "0009")
    asyncio.run(_run(url, *_statements(ROWS)))
    upgrade(url, "0012")
    asyncio.run(_run(url, *_statements(AFTER)))
    assert asyncio.run(_run(url, "SELECT kind FROM outbox ORDER BY id")) == [("reminder",), ("notice",)]
    downgrade(url, "0009")
    assert asyncio.run(_run(url, "SELECT key, kind FROM outbox")) == [("r1", "reminder")]
    assert asyncio.run(_run(url, "SELECT id, title FROM commitments")) == [(1, "Agua")]
    assert asyncio.run(_run(url, "SELECT id FROM people")) == [(1,)]
    upgrade(url, "0012")  # and up again


def test_on_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'cocrea.db'}")


def test_on_postgresql(own_postgres: str) -> None:
    _check(own_postgres)
