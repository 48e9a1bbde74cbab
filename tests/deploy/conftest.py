"""A PostgreSQL database of the test's own (the storage suite drops and recreates `test`)."""

from __future__ import annotations

import pytest

from tests.bot.telegram.e2e.conftest import api  # noqa: F401 - the fake Bot API server, a fixture


@pytest.fixture
def pg_url(own_postgres: str) -> str:
    return own_postgres
