"""/recargar, /estadisticas and /difundir: who may use them, the figures, and who a broadcast reaches."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.conversation import Conversation, Reply
from bot.scheduler import Dispatcher, RateLimiter, tick
from flows.inputs import Command
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Commitment, OutboxMessage, Secretariat
from tests.channels import fake_telegram

CONTENT = load_checked()
ADMIN = 900
NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=40)


async def seed(sessions: Any) -> dict[str, int]:
    """Two secretariats. Norte: a coordinator, members active, idle, blocked and on the terminal.
    Sur: one active member. An admin who belongs to none. Returns the secretariat ids."""
    async with UnitOfWork(sessions) as uow:
        norte = await uow.secretariats.add("STL Norte")
        sur = await uow.secretariats.add("STL Sur")

        async def person(key: str, name: str, secretariat: Any = None, role: str = "member",
                         runs: tuple[tuple[str, str, datetime], ...] = (), active: bool = True) -> None:
            someone = await uow.people.get_or_create(key, name=name)
            someone.consent_at, someone.active = NOW, active
            if secretariat is not None:
                await uow.memberships.add(someone, secretariat, role)
            for flow_id, status, when in runs:
                run = await uow.runs.start(someone, flow_id=flow_id, content_version="v1", state=_state(flow_id),
                                           secretariat_id=secretariat.id)
                run.status, run.updated_at = status, when
            await uow.session.flush()

        await person("tg:1", "Carmen", norte, "coordinator")
        await person("tg:2", "Beto", norte, runs=(("kit5", "done", NOW - timedelta(days=3)),
                                                  ("kit5", "active", NOW - timedelta(days=1))))
        await person("tg:3", "Irma", norte, runs=(("kit1", "paused", OLD),))  # idle for 40 days
        await person("tg:5", "Saúl", norte, runs=(("menu", "active", NOW),), active=False)  # blocked the bot
        await person("tg:6", "Fer", norte, runs=(("kit1", "active", NOW - timedelta(days=2)),))
        await person("cli:ana", "Ana", norte, runs=(("kit1", "active", NOW),))  # no Telegram
        await person("tg:4", "Zoe", sur, runs=(("kit2", "active", NOW),))
        await person(f"tg:{ADMIN}", "Admin")
        await person("tg:7", "Nadie")  # consented, in no secretariat
        for secretariat, status in ((norte, "borrador"), (norte, "borrador"), (norte, "aprobado"),
                                    (sur, "en_revision")):
            uow.session.add(Commitment(secretariat_id=secretariat.id, status=status, fields={}))
        return {"norte": norte.id, "sur": sur.id}


def _state(flow_id: str) -> Any:
    from flows.state import RunState

    return RunState(flow_id=flow_id, step_id=None)


@pytest.fixture
def conversation(sessions: Any) -> Conversation:
    return Conversation(lambda: CONTENT, sessions, admins=frozenset({ADMIN}))


async def said(conversation: Conversation, key: str, text: str) -> Reply:
    name, _, args = text[1:].partition(" ")
    return await conversation.handle(key, Command(name, args))


def text(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


async def test_admin_commands_are_refused_politely_to_everyone_else(conversation: Conversation,
                                                                    sessions: Any) -> None:
    await seed(sessions)
    for key in ("tg:2", "tg:1", "cli:ana"):  # a member, a coordinator, the terminal
        for command in ("/estadisticas", "/recargar"):
            reply = await said(conversation, key, command)
            assert text(reply) == CONTENT.ui["bot"]["admins_only"]


async def test_statistics_per_secretariat_and_in_total(conversation: Conversation, sessions: Any) -> None:
    ids = await seed(sessions)
    lines = text(await said(conversation, f"tg:{ADMIN}", "/estadisticas")).splitlines()
    assert "30 días" in lines[0]
    # Norte: 6 members; Beto, Saúl, Fer and Ana moved in the last 30 days (Irma did not).
    # Kits: Beto's Kit 5 (twice: counted once, finished), Irma's and Fer's and Ana's Kit 1; the menu is no kit.
    assert lines[1] == (f"#{ids['norte']} STL Norte: 6 integrantes, 4 activas · kits: 4 iniciados, 1 terminado"
                        " · compromisos: 2 borrador, 1 aprobado")
    assert lines[2] == (f"#{ids['sur']} STL Sur: 1 integrante, 1 activa · kits: 1 iniciado, 0 terminados"
                        " · compromisos: 1 en revisión")
    assert lines[3] == ("Total: 7 integrantes, 5 activas · kits: 5 iniciados, 1 terminado"
                        " · compromisos: 2 borrador, 1 en revisión, 1 aprobado")


async def queued(sessions: Any) -> list[OutboxMessage]:
    """The broadcast rows in the outbox, by id."""
    async with UnitOfWork(sessions) as uow:
        return list(await uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "broadcast").order_by(OutboxMessage.id)))


async def test_broadcast_is_for_coordinators_and_admins(conversation: Conversation, sessions: Any) -> None:
    await seed(sessions)
    reply = await said(conversation, "tg:2", "/difundir Hola a todas")
    assert text(reply) == CONTENT.ui["bot"]["coordinators_only"]
    reply = await said(conversation, "tg:7", "/difundir Hola a todas")
    assert text(reply) == CONTENT.ui["bot"]["needs_secretariat"]
    reply = await said(conversation, "tg:2", "/difundir confirmar")
    assert "No tengo ningún mensaje pendiente" in text(reply)
    assert await queued(sessions) == []


async def test_a_coordinators_broadcast_reaches_only_the_active_members_of_their_secretariat(
        conversation: Conversation, sessions: Any) -> None:
    await seed(sessions)
    preview = await said(conversation, "tg:1", "/difundir La sesión del jueves será a las 17:00.")
    assert await queued(sessions) == []  # nothing goes before the confirmation
    assert "3 personas activas de STL Norte" in text(preview)
    assert "La sesión del jueves será a las 17:00." in text(preview)
    assert "/difundir confirmar" in text(preview)

    sent = await said(conversation, "tg:1", "/difundir confirmar")
    # Beto and Fer on Telegram, Ana on the terminal: not idle Irma, not Saúl who blocked the bot, not Zoe of Sur
    rows = await queued(sessions)
    assert sorted((r.channel, r.address) for r in rows) == [("telegram", "2"), ("telegram", "6"), ("terminal", "ana")]
    assert {r.status for r in rows} == {"pending"}
    assert all("Mensaje de Carmen para STL Norte" in r.body and "jueves" in r.body for r in rows)
    assert text(sent) == ("Listo: tu mensaje va en camino a 3 personas de STL Norte; les llegará en los "
                          "próximos minutos, una vez a cada quien.")

    again = await said(conversation, "tg:1", "/difundir confirmar")
    assert "No tengo ningún mensaje pendiente" in text(again)
    assert len(await queued(sessions)) == 3  # queued once
    async with UnitOfWork(sessions) as uow:  # a confirmation handled twice at once: the keys keep one row each
        first = rows[0]
        assert await uow.outbox.add_broadcast(secretariat_id=first.secretariat_id, draft_id=first.item_id,
                                              recipients=[(r.person_id, (r.channel, r.address)) for r in rows],
                                              text=first.body, now=NOW) == 0
    assert len(await queued(sessions)) == 3


async def test_an_admin_names_the_secretariat(conversation: Conversation, sessions: Any) -> None:
    ids = await seed(sessions)
    reply = await said(conversation, f"tg:{ADMIN}", "/difundir Hola")
    assert "indica también el número del secretariado" in text(reply)
    reply = await said(conversation, f"tg:{ADMIN}", "/difundir 999 Hola")
    assert "No encontré el secretariado número 999" in text(reply)
    reply = await said(conversation, f"tg:{ADMIN}", f"/difundir {ids['sur']} Mañana hay taller")
    assert "1 persona activa de STL Sur" in text(reply)
    await said(conversation, f"tg:{ADMIN}", "/difundir confirmar")
    rows = await queued(sessions)
    assert [int(r.address) for r in rows] == [4] and "Mañana hay taller" in rows[0].body


def no_wait() -> RateLimiter:
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    return RateLimiter(30, clock=lambda: clock[0], sleep=sleep)


async def test_a_confirmed_broadcast_is_sent_by_the_dispatcher_each_once_even_in_quiet_hours(
        conversation: Conversation, sessions: Any) -> None:
    await seed(sessions)
    async with UnitOfWork(sessions) as uow:  # Norte's window is closed now: reminders would wait
        norte = (await uow.session.scalars(select(Secretariat).where(Secretariat.name == "STL Norte"))).one()
        norte.timezone = "UTC"
        norte.quiet_hours = f"{NOW + timedelta(hours=2):%H:%M}-{NOW + timedelta(hours=3):%H:%M}"
    await said(conversation, "tg:1", "/difundir Mañana no hay sesión.")
    await said(conversation, "tg:1", "/difundir confirmar")
    await said(conversation, "tg:1", "/difundir confirmar")  # a second confirmation sends nothing more
    telegram: list[tuple[int, str]] = []

    async def send(chat_id: int, body: str, attachment: bytes | None) -> None:
        telegram.append((chat_id, body))

    later = datetime.now(UTC) + timedelta(seconds=5)  # the rows are due when the turn ran
    first = (await tick(sessions, None, fake_telegram(send), now=later,
                        limiter=no_wait())).sent  # no reminder rules: still sent
    again = await Dispatcher(sessions, fake_telegram(send), clock=lambda: later, limiter=no_wait()).run()
    assert (first.sent, first.held, again.sent) == (2, 0, 0)
    assert Counter(chat for chat, _ in telegram) == {2: 1, 6: 1}  # Beto and Fer, each once
    assert all(body.startswith("📣 Mensaje de Carmen para STL Norte") and "Mañana no hay sesión." in body
               for _, body in telegram)
    # Ana's goes through the terminal channel, which this process does not have: it waits for it
    assert {(r.channel, r.status) for r in await queued(sessions)} == {("telegram", "sent"), ("terminal", "pending")}
