"""Slow drawing happens after the commit, off the event loop: while one person's /grafica is being
drawn, everyone else is answered, and what they answered is saved."""

from __future__ import annotations

import asyncio
import importlib
import threading
from typing import Any

import pytest

from bot.conversation import Conversation
from flows.inputs import Command, Text
from flows.loader import load_checked
from storage import UnitOfWork
from tests.bot.plan_seed import person_in, seed_plan

CONTENT = load_checked()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
QUICK = 5  # seconds: far more than a reply takes, far less than the blocked drawing would


async def saved_state(sessions: Any, key: str) -> dict[str, Any]:
    """The person's current run as committed (read in a unit of work of its own)."""
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get_or_create(key)
        run = await uow.runs.current(person)
        assert run is not None
        return dict(run.state)


async def test_another_person_is_answered_while_a_chart_is_drawn(sessions: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    await answered_while_drawing(sessions, monkeypatch)


async def test_on_postgresql_too(pg_sessions: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    await answered_while_drawing(pg_sessions, monkeypatch)


async def answered_while_drawing(sessions: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = await seed_plan(sessions)
    await person_in(sessions, "cli:beto", mine.secretariat_id)
    await person_in(sessions, "cli:ana", mine.secretariat_id)
    conversation = Conversation(lambda: CONTENT, sessions)
    await conversation.handle("cli:ana", Command("continuar", "5"))  # Ana works on Kit 5: a multiple choice
    before = await saved_state(sessions, "cli:ana")

    grafica = importlib.import_module("bot.commands.grafica")
    drawing, release = threading.Event(), threading.Event()
    draw = grafica.indicator_png

    def slow_draw(*args: Any) -> bytes:
        drawing.set()
        release.wait(timeout=60)
        return bytes(draw(*args))

    monkeypatch.setattr(grafica, "indicator_png", slow_draw)
    chart = asyncio.create_task(conversation.handle("cli:beto", Command("grafica", str(mine.indicator_ids[0]))))
    try:
        assert await asyncio.to_thread(drawing.wait, QUICK), "the chart was never drawn"
        helped = await asyncio.wait_for(conversation.handle("cli:ana", Command("ayuda")), QUICK)
        answered = await asyncio.wait_for(conversation.handle("cli:ana", Text("1, 2")), QUICK)
        assert not chart.done()  # still drawing: nobody waited for it
        assert helped.messages and answered.messages
        after = await saved_state(sessions, "cli:ana")
        assert after != before and after["answers"] != before["answers"]  # Ana's answer is committed
    finally:
        release.set()
    [photo] = (await chart).messages
    assert photo.attachment is not None and photo.attachment.data.startswith(PNG_MAGIC)
