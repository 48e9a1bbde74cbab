"""Control characters typed by a person, on PostgreSQL (which refuses a NUL byte in text and JSON).

Through each channel's own reading (Telegram's handlers, the terminal's `read_input`, which Rasa
uses too) a NUL, a bell or an escape in a name, an answer or a command's argument gets the normal
reply, never «Perdón, algo falló», and what is saved is the text without them.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from bot.conversation import Conversation, Reply
from bot.terminal import TerminalChat
from bot.typed import clean
from flows.inputs import Command, Input
from flows.state import RunState
from storage import UnitOfWork
from tests.bot.telegram.conftest import Harness
from tests.hardening.conftest import CONTENT, Clock

SORRY = "algo falló"


@pytest.fixture
def sessions(pg_sessions: Any) -> Any:
    """This module's conversations (and the Telegram harness) on a PostgreSQL database of their own."""
    return pg_sessions


async def answers_of(sessions: Any, key: str) -> tuple[str | None, dict[str, Any]]:
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get(key)
        assert person is not None
        run = await uow.runs.current(person)
        return person.name, dict(RunState.from_json(run.state).answers) if run else {}


def test_clean_drops_controls_and_keeps_the_rest() -> None:
    assert clean("Ana\x00 Luz\x07\x1b[31m") == "Ana Luz[31m"
    assert clean("línea\r\notra\rúltima\tcon tab\x7f\x85") == "línea\notra\núltima\tcon tab"
    assert clean("roto \udcff y \ud83d solo") == "roto \ufffd y \ufffd solo"
    assert clean("🧑🏽‍🌾 Ñandú «sí»") == "🧑🏽‍🌾 Ñandú «sí»"


async def test_a_nul_typed_on_telegram_gets_a_normal_reply(harness: Harness) -> None:
    carla = harness.client(7401)
    await carla.send("/start\x00")
    assert "¿Cómo te gustaría" in await carla.tap("Sí")
    said = await carla.send("Carla\x00 Reyes\x07")
    assert SORRY not in said and "Carla Reyes" in said
    assert SORRY not in await carla.tap("Sociedad civil")
    said = await carla.send("/glosario hi\x00to")
    assert SORRY not in said and "📖" in said
    name, _ = await answers_of(harness.sessions, "tg:7401")
    assert name == "Carla Reyes"


async def test_a_nul_typed_in_the_terminal_gets_a_normal_reply_and_saves_the_clean_text(sessions: Any) -> None:
    conversation = Conversation(lambda: CONTENT, sessions, clock=Clock(), default_secretariat="STL Controles")

    async def handle(inp: Input) -> Reply:
        return await conversation.handle("cli:nul", inp)

    typed = "sí\nMemo\x00 Ruiz\n2\nkit5\n1, 2\nAgua\x00 con horarios\x1b claros\x00\n/progreso\x00\n"
    out = io.StringIO()
    await TerminalChat(handle, io.StringIO(typed), out, echo=True).run(first=Command("start"))
    transcript = out.getvalue()
    assert SORRY not in transcript and "\x00" not in transcript
    assert "Paso 3 de" in transcript and "> Agua con horarios claros" in transcript
    assert "en curso (paso 3 de" in transcript  # /progreso, with its NUL, is still the command
    name, answers = await answers_of(sessions, "cli:nul")
    assert name == "Memo Ruiz" and "Agua con horarios claros" in answers.values()
