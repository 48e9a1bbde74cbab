"""Shared helpers of the hardening tests: a settable clock, people talking to the real loop, and a
scan of every cell of every table (for codes, names and ids that must not be stored).

Iteration counts are small in CI; set COCREA_HARDENING_EXAMPLES (e.g. 2000) for a longer hunt.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from sqlalchemy import LargeBinary, String, cast, select

from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Base

EXAMPLES = int(os.environ.get("COCREA_HARDENING_EXAMPLES", "0") or 0)
settings.register_profile(
    "hardening", max_examples=EXAMPLES or 60, deadline=None, derandomize=not EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
HARDENING = settings.get_profile("hardening")
CONTENT = load_checked()
NOW = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def every_cell(sessions: Any) -> list[tuple[str, str, str]]:
    """(table, column, value as text) of every non-null cell of every table."""
    found: list[tuple[str, str, str]] = []
    async with UnitOfWork(sessions) as uow:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, LargeBinary):  # bytes (a chart): read as text where they are
                    rows = await uow.session.execute(select(column).where(column.is_not(None)))
                    found.extend((table.name, column.name, bytes(value).decode("utf-8", "replace"))
                                 for (value,) in rows)
                    continue
                rows = await uow.session.execute(select(cast(column, String)).where(column.is_not(None)))
                found.extend((table.name, column.name, str(value)) for (value,) in rows)
    return found


async def cells_holding(sessions: Any, *needles: str) -> list[tuple[str, str, str]]:
    return [cell for cell in await every_cell(sessions) if any(n in cell[2] for n in needles)]


# For the tests of this folder: the storage suite's `db` (SQLite, and PostgreSQL too when
# COCREA_TEST_DATABASE_URL is set), and the Telegram harness (the real Application over a recording request).
from tests.bot.telegram.conftest import harness, make_harness  # noqa: E402,F401
from tests.storage.conftest import db  # noqa: E402,F401
