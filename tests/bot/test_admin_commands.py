"""/recargar, /estadisticas and /difundir: who may use them, the figures, and who a broadcast reaches."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.conversation import Conversation, Delivery, Reply
from bot.telegram.broadcast import Throttle
from bot.terminal import TerminalChat
from flows.events import MessageOut
from flows.inputs import Command
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Commitment
from tests.telegram.conftest import Harness, Scripted, make_harness  # noqa: F401 (fixture)

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
    assert lines[1] == (f"#{ids['norte']} STL Norte: 6 integrantes, 4 activas · kits: 4 iniciados, 1 terminados"
                        " · compromisos: 2 borrador, 1 aprobado")
    assert lines[2] == (f"#{ids['sur']} STL Sur: 1 integrantes, 1 activas · kits: 1 iniciados, 0 terminados"
                        " · compromisos: 1 en revisión")
    assert lines[3] == ("Total: 7 integrantes, 5 activas · kits: 5 iniciados, 1 terminados"
                        " · compromisos: 2 borrador, 1 en revisión, 1 aprobado")


async def test_broadcast_is_for_coordinators_and_admins(conversation: Conversation, sessions: Any) -> None:
    await seed(sessions)
    reply = await said(conversation, "tg:2", "/difundir Hola a todas")
    assert text(reply) == CONTENT.ui["bot"]["coordinators_only"] and not reply.deliveries
    reply = await said(conversation, "tg:7", "/difundir Hola a todas")
    assert text(reply) == CONTENT.ui["bot"]["needs_secretariat"]
    reply = await said(conversation, "tg:2", "/difundir confirmar")
    assert "No tengo ningún mensaje pendiente" in text(reply) and not reply.deliveries


async def test_a_coordinators_broadcast_reaches_only_the_active_members_of_their_secretariat(
        conversation: Conversation, sessions: Any) -> None:
    await seed(sessions)
    preview = await said(conversation, "tg:1", "/difundir La sesión del jueves será a las 17:00.")
    assert not preview.deliveries  # nothing goes before the confirmation
    assert "2 persona(s) activa(s) de STL Norte" in text(preview)
    assert "La sesión del jueves será a las 17:00." in text(preview)
    assert "/difundir confirmar" in text(preview)

    sent = await said(conversation, "tg:1", "/difundir confirmar")
    # Beto and Fer: not idle Irma, not Saúl who blocked the bot, not Ana on the terminal, not Zoe of Sur
    assert sorted((d.chat_id, d.name) for d in sent.deliveries) == [(2, "Beto"), (6, "Fer")]
    assert all("Mensaje de Carmen para STL Norte" in d.message.text and "jueves" in d.message.text
               for d in sent.deliveries)
    assert "Enviando tu mensaje a 2 persona(s)" in text(sent)
    assert sent.delivered is not None and sent.delivered(1, 2).text == "Listo: 1 de 2 persona(s) recibieron tu mensaje."

    again = await said(conversation, "tg:1", "/difundir confirmar")
    assert not again.deliveries  # sent once


async def test_an_admin_names_the_secretariat(conversation: Conversation, sessions: Any) -> None:
    ids = await seed(sessions)
    reply = await said(conversation, f"tg:{ADMIN}", "/difundir Hola")
    assert "indica también el número del secretariado" in text(reply)
    reply = await said(conversation, f"tg:{ADMIN}", "/difundir 999 Hola")
    assert "No encontré el secretariado número 999" in text(reply)
    reply = await said(conversation, f"tg:{ADMIN}", f"/difundir {ids['sur']} Mañana hay taller")
    assert "1 persona(s) activa(s) de STL Sur" in text(reply)
    sent = await said(conversation, f"tg:{ADMIN}", "/difundir confirmar")
    assert [d.chat_id for d in sent.deliveries] == [4] and "Mañana hay taller" in sent.deliveries[0].message.text


def test_the_terminal_shows_who_each_delivery_is_for() -> None:
    out = io.StringIO()
    chat = TerminalChat(None, io.StringIO(), out, echo=True)  # type: ignore[arg-type]
    chat.show(Reply([MessageOut("Enviando…")], deliveries=[Delivery(2, "Beto", MessageOut("📣 Hola"))],
                    delivered=lambda sent, total: MessageOut(f"Listo: {sent} de {total}")))
    assert "→ para Beto: 📣 Hola" in out.getvalue() and "Listo: 1 de 1" in out.getvalue()


async def test_telegram_sends_each_delivery_then_says_how_many_got_it(make_harness: Any) -> None:  # noqa: F811
    deliveries = [Delivery(chat, f"P{chat}", MessageOut(f"📣 Aviso {chat}")) for chat in (12, 11, 13)]
    reply = Reply([], deliveries=deliveries,
                  delivered=lambda sent, total: MessageOut(f"Listo: {sent} de {total}"))
    harness: Harness = await make_harness(Scripted(reply))
    harness.api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")  # the first: chat 12
    await harness.client(1).send("/difundir confirmar")
    assert [p["text"] for p in harness.api.of("sendMessage", 11)] == ["📣 Aviso 11"]
    assert [p["text"] for p in harness.api.of("sendMessage", 13)] == ["📣 Aviso 13"]
    assert [p["text"] for p in harness.api.of("sendMessage", 1)] == ["Listo: 2 de 3"]


async def test_the_throttle_keeps_a_second_per_chat_and_25_per_second_overall() -> None:
    clock = [0.0]
    waited: list[float] = []

    async def pause(seconds: float) -> None:
        waited.append(round(seconds, 3))
        clock[0] += seconds

    throttle = Throttle(pause, lambda: clock[0])
    for chat in (1, 2, 3, 1):
        await throttle.wait(chat)
    assert waited == [0.04, 0.04, 0.92]  # chat 1 again: a full second after its first message
