"""A person known only through the terminal channel receives a reminder (issue 23, done when).

Rows addressed to `terminal:ana` are sent through the terminal channel, which prints them: by
`cocrea reminders tick` (with or without a Telegram token) and, between lines, by `cocrea chat`.
A process without the terminal channel (the bot inside `cocrea run`) leaves them for one that has it.
A person known only through Rasa gets none: Rasa cannot write unprompted.
"""

from __future__ import annotations

import asyncio
import io
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.channel import Channels
from bot.chat import reminders_for
from bot.cli import main
from bot.scheduler import tick
from bot.scheduler.planner import plan_all
from bot.terminal import Printer
from storage import UnitOfWork, make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import Commitment, Indicator, OutboxMessage
from tests.bot.scheduler.test_scheduler import CONFIG, local, no_wait
from tests.channels import fake_telegram

MONDAY = local("2026-03-09T09:00")  # the day before the indicator is due: Ana's first reminder


async def seed(sessions: Any) -> None:
    """Ana wrote only from `cocrea chat --as cli:ana`; Beto only through Rasa. Each reports an indicator."""
    async with UnitOfWork(sessions) as uow:
        stl = await uow.secretariats.add("STL Oaxaca")
        ana = await uow.people.get_or_create("cli:ana", name="Ana")
        beto = await uow.people.get_or_create("rasa:beto-1", name="Beto")
        for person in (ana, beto):
            await uow.memberships.add(person, stl, "member")
        # nobody else to fall back on (creator, coordinators): Beto's reminders would have to reach Beto
        works = Commitment(secretariat_id=stl.id, title="Obra pública abierta", status="en_implementacion",
                           created_by=None, fields={})
        uow.session.add(works)
        await uow.session.flush()
        uow.session.add_all([
            Indicator(commitment_id=works.id, name=name, unit="%", baseline=0, target=100, frequency="mensual",
                      first_due=date(2026, 3, 10), last_due=date(2026, 5, 10), dates=[], reporter_id=person.id)
            for name, person in (("Solicitudes atendidas", ana), ("Quejas resueltas", beto))])


async def rows(sessions: Any) -> list[OutboxMessage]:
    async with UnitOfWork(sessions) as uow:
        return list(await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_a_person_known_only_through_the_terminal_channel_receives_a_reminder(sessions: Any) -> None:
    await seed(sessions)
    sent: list[tuple[int, str]] = []

    async def telegram(chat_id: int, text: str, attachment: bytes | None) -> None:
        sent.append((chat_id, text))

    # The bot's own scheduler plans it, but has no terminal: the row waits for one.
    await tick(sessions, CONFIG, fake_telegram(telegram), now=MONDAY, limiter=no_wait())
    planned = await rows(sessions)  # Ana's (today's and the coming ones); none for Beto, whom only Rasa knows
    assert planned and {(r.channel, r.address) for r in planned} == {("terminal", "ana")}
    assert {r.status for r in planned} == {"pending"} and sent == []

    out = io.StringIO()
    stats = await tick(sessions, CONFIG, Channels([Printer(lambda: out)]), now=MONDAY, limiter=no_wait())
    assert stats.sent.sent == 1
    printed = out.getvalue()
    assert printed.startswith("→ terminal:ana: Hola, Ana.") and "«Solicitudes atendidas»" in printed
    assert [r.status for r in await rows(sessions) if r.due_at <= MONDAY] == ["sent"]
    assert "Beto" not in printed and "Quejas" not in printed


async def test_cocrea_chat_prints_the_chatters_due_reminders_between_lines(sessions: Any) -> None:
    await seed(sessions)
    await plan_all(sessions, CONFIG, now=MONDAY)
    out = io.StringIO()
    assert reminders_for(sessions, "tg:5", out) is None  # talking as a Telegram person: theirs go there
    deliver = reminders_for(sessions, "cli:beto", out, clock=lambda: MONDAY)
    assert deliver is not None
    await deliver()
    assert out.getvalue() == ""  # someone else's reminders are not printed in this chat
    deliver = reminders_for(sessions, "cli:ana", out, clock=lambda: MONDAY)
    assert deliver is not None
    await deliver()
    await deliver()  # each once
    assert out.getvalue().count("→ terminal:ana: Hola, Ana.") == 1


def test_cocrea_reminders_tick_without_a_token_prints_the_terminal_reminder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cocrea.db'}"
    upgrade(url)

    async def prepare() -> None:
        engine = make_engine(url)
        try:
            await seed(make_session_factory(engine))
        finally:
            await engine.dispose()

    asyncio.run(prepare())
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("COCREA_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("COCREA_DATABASE_URL", url)
    assert main(["reminders", "tick", "--now", "2026-03-09T09:00"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("→ terminal:ana: Hola, Ana.") and "«Solicitudes atendidas»" in out
