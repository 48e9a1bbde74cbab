"""Fixtures shared by the channel tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from storage import make_engine, make_session_factory
from storage.migrate import upgrade


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Any]:
    """A session factory on a fresh, migrated SQLite file."""
    url = f"sqlite:///{tmp_path / 'cocrea.db'}"
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    await engine.dispose()
