"""Names that are not text, through Telegram onto PostgreSQL (issue 22, items 3 and 12).

A name with a line break would add a line of its own to the acta and the digest; a name made of
invisible characters is stored and echoed as a blank; a right-to-left override makes a name read
backwards; a NUL byte is refused by PostgreSQL, and the person got «Perdón, algo falló». Each is
refused with a kind word and asked again, or cleaned, before anything is saved.
"""

from __future__ import annotations

from typing import Any

import pytest

from storage import UnitOfWork
from tests.bot.telegram.conftest import Client, Harness

FORGED_SIGNER = "Memo (Sociedad civil), 01/03/2026 10:00\n• Presidenta Municipal"


@pytest.fixture
def sessions(pg_sessions: Any) -> Any:
    """The harness on PostgreSQL, which refuses what SQLite lets through (a NUL byte)."""
    return pg_sessions


async def at_the_name_question(client: Client) -> None:
    await client.send("/start")
    assert "¿Cómo te gustaría que te llame?" in await client.tap("Sí")


async def stored_name(harness: Harness, user_id: int) -> str | None:
    async with UnitOfWork(harness.sessions) as uow:
        person = await uow.people.get(f"tg:{user_id}")
        return person.name if person else None


async def test_names_that_are_not_one_visible_line_are_asked_again(harness: Harness) -> None:
    client = harness.client(6201)
    await at_the_name_question(client)
    said = await client.send(FORGED_SIGNER)
    assert "una sola línea" in said and "Inténtalo de nuevo" in said
    for blank in ("\u200d\u200d\u200d", "\ufeff", "\u200b \u2060", "\u3164"):
        said = await client.send(blank)
        assert "caracteres que no se ven" in said and "Inténtalo de nuevo" not in said  # said once, above
    said = await client.send("\u202eanA oseT")  # right-to-left override: kept out, the name as typed
    assert "anA oseT, ¿desde qué sector" in said and "\u202e" not in said
    await client.tap("Sociedad civil")
    assert await stored_name(harness, 6201) == "anA oseT"


async def test_a_nul_byte_in_a_name_never_reaches_postgresql(harness: Harness) -> None:
    client = harness.client(6202)
    await at_the_name_question(client)
    said = await client.send("Ana\x00 López")
    assert "algo falló" not in said and "Ana López, ¿desde qué sector" in said
    said = await client.tap("Sociedad civil")
    assert "algo falló" not in said
    assert await stored_name(harness, 6202) == "Ana López"
