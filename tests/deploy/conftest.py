"""A PostgreSQL database of the test's own (the storage suite drops and recreates `test`)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from storage import make_engine
from tests.telegram.e2e.conftest import api  # noqa: F401 - the fake Bot API server, a fixture


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = os.environ.get("COCREA_TEST_DATABASE_URL")
    if not base or not base.startswith(("postgresql", "postgres")):
        pytest.skip("COCREA_TEST_DATABASE_URL (PostgreSQL) no está definida")
    name = f"cocrea_workers_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(url: str, statement: str) -> None:
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()
