"""Link codes on SQLite and PostgreSQL: used once, even when two conversations type one at the same time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from storage import UnitOfWork
from storage.repositories.rasa_links import RasaLinks, hash_code
from tests.conftest import migrated


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cocrea.db'}"
    return str(request.getfixturevalue("own_postgres"))  # skipped without COCREA_TEST_DATABASE_URL


@pytest.fixture
async def backend(backend_url: str) -> AsyncIterator[Any]:
    async with migrated(backend_url) as sessions:
        yield sessions


async def test_one_code_links_one_conversation_even_at_the_same_moment(backend: Any) -> None:
    now = datetime.now(UTC)
    async with UnitOfWork(backend) as uow:
        person = await uow.people.get_or_create("tg:5150", name="Memo")
        code = await RasaLinks(uow.session).new_code(person, now)

    async def redeem(sender: str) -> int | None:
        async with UnitOfWork(backend) as uow:
            found = await RasaLinks(uow.session).redeem(code, sender, now)
            return found.id if found else None

    results = await asyncio.gather(*(redeem(f"web-{n}") for n in range(5)))
    assert sum(r is not None for r in results) == 1
    async with UnitOfWork(backend) as uow:
        links = RasaLinks(uow.session)
        linked = [n for n in range(5) if await links.person_of(f"web-{n}") is not None]
    assert len(linked) == 1


async def test_a_conversation_linked_anew_speaks_for_the_new_person_only(backend: Any) -> None:
    now = datetime.now(UTC)
    async with UnitOfWork(backend) as uow:
        ana = await uow.people.get_or_create("tg:1", name="Ana")
        beto = await uow.people.get_or_create("tg:2", name="Beto")
        first = await RasaLinks(uow.session).new_code(ana, now)
        second = await RasaLinks(uow.session).new_code(beto, now)
        assert hash_code(first) != hash_code(second)
    async with UnitOfWork(backend) as uow:
        assert await RasaLinks(uow.session).redeem(first, "web", now) is not None
    async with UnitOfWork(backend) as uow:
        assert await RasaLinks(uow.session).redeem(second, "web", now) is not None
    async with UnitOfWork(backend) as uow:
        person = await RasaLinks(uow.session).person_of("web")
        assert person is not None and person.name == "Beto"
