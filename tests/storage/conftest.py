"""The `db` fixture: every storage contract test runs once per backend.

SQLite always runs, on a fresh migrated file per test. PostgreSQL runs when
COCREA_TEST_DATABASE_URL is set: the schema is rebuilt and migrated once per session, and the
tables are truncated before each test.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from flows import templating
from flows.loader import default_content_dir
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import Base
from tests.conftest import fresh_sqlite

BACKENDS = ("sqlite", "postgresql")
SUITE = "TestStorageContract"


@dataclass
class Db:
    backend: str
    url: str
    engine: AsyncEngine
    factory: async_sessionmaker[AsyncSession]


_postgres_ready = False


async def _reset_postgres(url: str) -> None:
    """Fresh schema and migrations at first use; emptied tables every time after."""
    global _postgres_ready
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            if not _postgres_ready:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
            else:
                tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
                await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()
    if not _postgres_ready:
        await asyncio.to_thread(upgrade, url)
        _postgres_ready = True


@pytest.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Db]:
    if request.param == "sqlite":
        url = fresh_sqlite(sqlite_template, tmp_path / "cocrea.db")
    else:
        env_url = os.environ.get("COCREA_TEST_DATABASE_URL")
        if not env_url:
            pytest.skip("COCREA_TEST_DATABASE_URL no está definida")
        url = env_url
        await _reset_postgres(url)
    engine = make_engine(url)
    try:
        yield Db(request.param, url, engine, make_session_factory(engine))
    finally:
        await engine.dispose()


# --- one summary line per backend -------------------------------------------------------------

_outcomes: dict[str, Counter[str]] = {backend: Counter() for backend in BACKENDS}
_PARAMS = re.compile(r"\[(.*)\]$")


def _backend_of(nodeid: str) -> str | None:
    if f"::{SUITE}::" not in nodeid:
        return None
    match = _PARAMS.search(nodeid)
    if match is None:
        return None
    return next((p for p in match.group(1).split("-") if p in BACKENDS), None)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    backend = _backend_of(report.nodeid)
    if backend is None:
        return
    if report.when == "call" or report.outcome != "passed":
        # a failure in setup or teardown counts as failed, a skip in setup as skipped
        outcome = "failed" if report.when != "call" and report.failed else report.outcome
        _outcomes[backend][outcome] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not any(_outcomes.values()):
        return
    parts = []
    for backend in BACKENDS:
        counts = _outcomes[backend]
        ran = {k: v for k, v in counts.items() if k != "skipped" and v}
        if not ran:
            parts.append(f"{backend} skipped")
            continue
        words = [f"{counts[k]} {k}" for k in ("passed", "failed", "skipped") if counts[k]]
        parts.append(f"{backend} {' '.join(words)}")
    terminalreporter.write_line("storage contract suite: " + ", ".join(parts))


_BOT_TEXTS = yaml.safe_load((default_content_dir() / "ui.yaml").read_text(encoding="utf-8"))["bot"]


def told(refusal: Any) -> str:
    """What the person reads for a storage refusal (an exception or a records.Refusal): its ui.yaml sentence."""
    return templating.render(str(_BOT_TEXTS[refusal.key]), refusal.params)


@contextmanager
def refused_saying(kind: type[BaseException], words: str) -> Iterator[Any]:
    """pytest.raises(kind), then the sentence the person reads contains `words`."""
    with pytest.raises(kind) as info:
        yield info
    assert words in told(info.value), told(info.value)
