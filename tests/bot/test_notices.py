# ruff: noqa: F811 - `plan` is the fixture of tests/bot/commands/test_plan_commands.py, imported here
"""Comments and notices through the shared loop: who hears of what, once, grouped, muted, never elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.conversation import Conversation
from flows.inputs import Command, Tap, Text
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Comment, OutboxMessage, Secretariat
from tests.bot.commands.test_plan_commands import Plan, plan  # noqa: F401 - the fixture

CONTENT = load_checked()
START = datetime(2026, 7, 1, 17, 0, tzinfo=UTC)  # 11:00 in Mexico City


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def conversation(sessions: Any, clock: Clock) -> Conversation:
    return Conversation(lambda: CONTENT, sessions, clock=clock)


async def said(conversation: Conversation, key: str, inp: Any) -> str:
    if isinstance(inp, str):
        name, _, args = inp[1:].partition(" ")
        inp = Command(name, args)
    reply = await conversation.handle(key, inp)
    return "\n".join(m.text for m in reply.messages)


async def notices(sessions: Any) -> list[OutboxMessage]:
    async with UnitOfWork(sessions) as uow:
        rows = await uow.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice")
                                         .order_by(OutboxMessage.id))
        return list(rows)


async def comments(sessions: Any) -> list[Comment]:
    async with UnitOfWork(sessions) as uow:
        return list(await uow.session.scalars(select(Comment).order_by(Comment.id)))


async def with_group(sessions: Any, chat: int = -100) -> None:
    async with UnitOfWork(sessions) as uow:
        oaxaca = await uow.session.scalar(select(Secretariat).where(Secretariat.name == "STL Oaxaca"))
        assert oaxaca is not None
        oaxaca.group_chat_id = chat


async def person_id(sessions: Any, key: str) -> int:
    async with UnitOfWork(sessions) as uow:
        found = await uow.people.get(key)
        assert found is not None
        return found.id


async def sent_all(sessions: Any) -> None:
    """As if the dispatcher had sent every pending row."""
    async with UnitOfWork(sessions) as uow:
        await uow.session.execute(update(OutboxMessage).where(OutboxMessage.status == "pending")
                                  .values(status="sent"))


def to(rows: list[OutboxMessage], address: str) -> list[OutboxMessage]:
    return [r for r in rows if (r.channel, r.address) == ("telegram", address)]


# -- comments ----------------------------------------------------------------------------------------


async def test_a_member_comments_and_bad_text_gets_a_second_chance(conversation: Conversation, plan: Plan,
                                                                  sessions: Any) -> None:
    asked = await said(conversation, "tg:2", f"/comentar {plan.ready}")
    assert "Vas a comentar el compromiso" in asked and "Agua con horarios claros" in asked
    assert "Escribe tu comentario" in asked
    empty = await said(conversation, "tg:2", Text("   "))
    assert "vacío" in empty and "Inténtalo de nuevo" in empty
    too_long = await said(conversation, "tg:2", Text("palabra " * 625))  # 5,000 characters
    assert "no cabe" in too_long
    assert await comments(sessions) == []  # nothing saved yet, and the question is still open
    done = await said(conversation, "tg:2", Text("Falta un hito para avisar por la radio comunitaria."))
    assert "tu comentario quedó en la ficha" in done
    [saved] = await comments(sessions)
    assert (saved.text, saved.name, saved.commitment_id) == (
        "Falta un hito para avisar por la radio comunitaria.", "Mari", plan.ready)
    card = await conversation.handle("tg:4", Command("compromiso", str(plan.ready)))
    [shown] = card.messages
    assert f"#{saved.id} Mari" in shown.text and "«Falta un hito para avisar por la radio comunitaria.»" in shown.text
    assert [b.label for b in shown.buttons] == ["💬 Comentar", f"↩️ Responder a Mari (#{saved.id})"]
    assert shown.step_id == "/comentar"


async def test_the_comment_can_come_with_the_command(conversation: Conversation, plan: Plan, sessions: Any) -> None:
    done = await said(conversation, "tg:2", f"/comentar {plan.ready} ¿Quién publica el calendario?")
    assert "tu comentario quedó en la ficha" in done
    assert [c.text for c in await comments(sessions)] == ["¿Quién publica el calendario?"]


async def test_nobody_comments_on_another_secretariats_commitment(conversation: Conversation, plan: Plan,
                                                                 sessions: Any) -> None:
    refused = await said(conversation, "tg:3", f"/comentar {plan.ready} Hola")  # Pablo, of STL Puebla
    assert "No encuentro el compromiso" in refused
    forged = await said(conversation, "tg:2", Tap(f"{plan.other} #1", "/comentar"))  # Puebla's, as a button
    assert "No encuentro el compromiso" in forged
    assert await comments(sessions) == []
    assert await notices(sessions) == []


async def test_a_forged_reply_button_changes_nothing(conversation: Conversation, plan: Plan, sessions: Any) -> None:
    refused = await said(conversation, "tg:2", Tap(f"{plan.ready} #999", "/comentar"))
    assert "No encontré el comentario 999" in refused and "No cambié nada" in refused
    assert await comments(sessions) == []


async def test_a_reply_tells_the_author_and_the_commitments_writer(conversation: Conversation, plan: Plan,
                                                                   sessions: Any) -> None:
    await said(conversation, "tg:2", f"/comentar {plan.ready} Falta la radio comunitaria.")
    first = await notices(sessions)
    # Coco wrote the commitment: told of Mari's comment; Mari (who wrote it) is not told of her own
    assert [(r.address, r.person_id) for r in first] == [("1", await person_id(sessions, "tg:1"))]
    assert "Mari comentó: «Falta la radio comunitaria.»" in first[0].body
    assert first[0].body.startswith("🔔 STL Oaxaca · Compromiso")
    [comment] = await comments(sessions)
    asked = await said(conversation, "tg:4", Tap(f"{plan.ready} #{comment.id}", "/comentar"))  # Dani: «Responder»
    assert "Vas a responder a Mari" in asked
    await said(conversation, "tg:4", Text("Buena idea: la radio llega a todas las colonias."))
    reply = (await comments(sessions))[-1]
    assert reply.reply_to == comment.id
    [to_mari] = to(await notices(sessions), "2")
    assert "Dani respondió a tu comentario: «Buena idea" in to_mari.body
    assert not to(await notices(sessions), "4")  # never the one who wrote it


async def test_coordination_marks_a_comment_and_its_author_is_told(conversation: Conversation, plan: Plan,
                                                                    sessions: Any, clock: Clock) -> None:
    await said(conversation, "tg:2", f"/comentar {plan.ready} El objetivo debe decir «cada semana».")
    [comment] = await comments(sessions)
    assert "no tiene cambios desde el comentario" in await said(
        conversation, "tg:1", f"/marcar {comment.id} incorporado")
    refused = await said(conversation, "tg:2", f"/marcar {comment.id} respondido")  # a member: not theirs
    assert "coordinación" in refused
    async with UnitOfWork(sessions) as uow:
        coco = await uow.people.get("tg:1")
        commitment = await uow.plan.commitment((await uow.secretariats.named("STL Oaxaca")).id, plan.ready)
        await uow.plan.set_fields(commitment, {"objective": "Que cada colonia conozca su horario cada semana."}, coco)
    done = await said(conversation, "tg:1", f"/marcar {comment.id} incorporado objetivo")
    assert "quedó como incorporado (en «Objetivo»)" in done
    [marked] = await comments(sessions)
    assert marked.status == "incorporado" and marked.change_id is not None
    assert "marcó tu comentario como incorporado" in to(await notices(sessions), "2")[0].body
    card = await said(conversation, "tg:2", f"/compromiso {plan.ready}")
    assert f"#{comment.id} Mari" in card and "· incorporado:" in card
    assert "No encontré el comentario" in await said(conversation, "tg:3", f"/marcar {comment.id} respondido")


# -- notices -------------------------------------------------------------------------------------------


async def test_review_tells_the_group_and_asks_each_required_sector_to_sign(conversation: Conversation, plan: Plan,
                                                                            sessions: Any) -> None:
    await with_group(sessions)
    async with UnitOfWork(sessions) as uow:  # Mari wrote part of it too: still asked to sign, with the button
        mari = await uow.people.get("tg:2")
        oaxaca = await uow.secretariats.named("STL Oaxaca")
        assert mari is not None and oaxaca is not None
        ready = await uow.plan.commitment(oaxaca.id, plan.ready)
        assert ready is not None
        await uow.plan.set_fields(ready, {"causes": "No se publica el calendario ni se avisa de los cortes."}, mari)
    await said(conversation, "tg:1", f"/revision {plan.ready}")
    rows = await notices(sessions)
    [group] = to(rows, "-100")
    assert "Coco lo envió a revisión" in group.body and group.buttons is None
    # Mari and Dani (sociedad civil) are asked to sign, with a button; Coco (gobierno) did it, Pablo is elsewhere
    asked = [r for r in rows if r.buttons]
    assert sorted(r.address for r in asked) == ["2", "4"]
    [button] = asked[0].buttons
    assert (button["label"], button["step_id"]) == ("✍️ Firmar", "/firmar")
    assert button["value"].startswith(f"{plan.ready}@")  # the commitment as it read when told
    assert "versión 1" in group.body and "versión 1" in asked[0].body
    assert not to(rows, "1") and not to(rows, "3")
    # the button is /firmar on that commitment: it opens on its text, ready to decide
    signing = await said(conversation, "tg:2", Tap(button["value"], "/firmar"))
    assert "¿Qué compromiso en revisión vas a firmar?" not in signing
    assert "🔏 Versión 1 (" in signing and "¿Cuál es tu decisión sobre este compromiso?" in signing


async def test_each_event_is_told_once_and_the_group_hears_every_step(conversation: Conversation, plan: Plan,
                                                                      sessions: Any, clock: Clock) -> None:
    await with_group(sessions)
    await said(conversation, "tg:1", f"/revision {plan.ready}")
    await sent_all(sessions)
    clock.now += timedelta(minutes=11)
    await said(conversation, "tg:2", "/firmar")
    await said(conversation, "tg:2", Text("1"))
    await said(conversation, "tg:2", Text("Lo apruebo"))
    await said(conversation, "tg:2", Text("saltar"))
    group = to(await notices(sessions), "-100")
    assert [g.body.count("\n• ") for g in group] == [1, 1]
    assert "Mari (Sociedad civil) lo aprobó con su firma." in group[1].body
    # the same update again (Telegram redelivers it) writes nothing twice
    await sent_all(sessions)
    clock.now += timedelta(minutes=11)
    before = len(await notices(sessions))
    again = await conversation.handle("tg:1", Command("estado", f"{plan.ready} borrador"), update=("telegram", 7))
    assert "borrador" in "\n".join(m.text for m in again.messages)
    after = len(await notices(sessions))
    await conversation.handle("tg:1", Command("estado", f"{plan.ready} borrador"), update=("telegram", 7))
    assert after == len(await notices(sessions)) and after > before
    assert "Coco lo regresó a borrador para cambios." in to(await notices(sessions), "-100")[-1].body


async def test_notices_of_one_commitment_are_grouped_for_ten_minutes(conversation: Conversation, plan: Plan,
                                                                     sessions: Any, clock: Clock) -> None:
    await said(conversation, "tg:2", f"/comentar {plan.ready} Primero.")
    clock.now += timedelta(minutes=3)
    await said(conversation, "tg:4", f"/comentar {plan.ready} Segundo.")
    [row] = to(await notices(sessions), "1")  # Coco wrote the commitment: one notice, two lines
    assert row.body.count("\n• ") == 2 and "Primero." in row.body and "Segundo." in row.body
    assert row.due_at == START
    await sent_all(sessions)
    clock.now += timedelta(minutes=3)
    await said(conversation, "tg:2", f"/comentar {plan.ready} Tercero.")
    clock.now += timedelta(minutes=1)
    await said(conversation, "tg:4", f"/comentar {plan.ready} Cuarto.")
    rows = to(await notices(sessions), "1")
    assert len(rows) == 2
    assert rows[1].due_at == START + timedelta(minutes=10)  # not before the window of the first ends
    assert "Tercero." in rows[1].body and "Cuarto." in rows[1].body


async def test_a_muted_kind_is_not_sent_and_can_be_turned_back_on(conversation: Conversation, plan: Plan,
                                                                   sessions: Any) -> None:
    listed = await conversation.handle("tg:1", Command("avisos", ""))
    [message] = listed.messages
    assert "✅ Comentarios" in message.text and message.step_id == "/avisos"
    muted = await said(conversation, "tg:1", Tap("comentarios", "/avisos"))
    assert "ya no recibirás avisos de comentarios" in muted and "🔕 Comentarios" in muted
    await said(conversation, "tg:2", f"/comentar {plan.ready} Nadie lo oirá.")
    assert to(await notices(sessions), "1") == []
    assert "No reconozco «nada»" in await said(conversation, "tg:1", Tap("nada", "/avisos"))
    await said(conversation, "tg:1", Tap("comentarios", "/avisos"))
    await said(conversation, "tg:2", f"/comentar {plan.ready} Ahora sí.")
    assert "Ahora sí." in to(await notices(sessions), "1")[0].body


async def test_a_return_to_draft_tells_each_lapsed_signer(sessions: Any, plan: Plan, clock: Clock) -> None:
    from bot.notices import write_notices

    async with UnitOfWork(sessions) as uow:
        oaxaca = await uow.secretariats.named("STL Oaxaca")
        coco, mari = await uow.people.get("tg:1"), await uow.people.get("tg:2")
        assert oaxaca is not None and coco is not None and mari is not None
        # what the "ver" helper's return to draft writes: the signers whose signature lapsed
        await uow.plan.audit(oaxaca.id, coco, "commitment_status",
                             {"commitment_id": plan.ready, "from": "en_revision", "to": "borrador",
                              "lapsed": [mari.id]})
        await uow.plan.audit(oaxaca.id, coco, "some_future_action", {"commitment_id": plan.ready})
        written = await write_notices(uow.repositories(), CONTENT, clock.now)
        assert written == 1  # Mari; Coco did it, and an action without a rule tells nobody
        assert await write_notices(uow.repositories(), CONTENT, clock.now) == 0  # taken once
    [to_mari] = to(await notices(sessions), "2")
    assert "Coco lo regresó a borrador: tu firma ya no aplica" in to_mari.body


async def test_writing_the_same_notice_twice_adds_nothing(sessions: Any, plan: Plan) -> None:
    from storage.repositories.outbox import Notice

    async with UnitOfWork(sessions) as uow:
        oaxaca = await uow.secretariats.named("STL Oaxaca")
        assert oaxaca is not None
        notice = Notice(event_id=1, secretariat_id=oaxaca.id, commitment_id=plan.ready, person_id=None,
                        to=("telegram", "-5"), rule="x", header="h", line="• l")
        assert await uow.outbox.add_notice(notice, now=START, window=timedelta(minutes=10)) == "new"
        assert await uow.outbox.add_notice(notice, now=START, window=timedelta(minutes=10)) == "seen"
        later = Notice(**{**notice.__dict__, "event_id": 2, "line": "• m"})
        assert await uow.outbox.add_notice(later, now=START, window=timedelta(minutes=10)) == "joined"
        assert await uow.outbox.add_notice(later, now=START, window=timedelta(minutes=10)) == "seen"
    [row] = await notices(sessions)
    assert row.body == "h\n• l\n• m" and row.events == [1, 2]


async def test_the_dispatcher_keeps_notices_inside_quiet_hours(conversation: Conversation, plan: Plan,
                                                              sessions: Any, clock: Clock) -> None:
    from bot.scheduler.dispatcher import QUIET, Dispatcher
    from tests.bot.scheduler.test_scheduler import no_wait
    from tests.channels import fake_telegram

    clock.now = datetime(2026, 7, 2, 8, 0, tzinfo=UTC)  # 02:00 in Mexico City: the window opens at 09:00
    await said(conversation, "tg:2", f"/comentar {plan.ready} Escrito de madrugada.")
    got: list[tuple[int, str]] = []

    async def send(chat: int, text: str, image: bytes | None) -> None:
        got.append((chat, text))

    night = await Dispatcher(sessions, fake_telegram(send), clock=clock, limiter=no_wait()).run()
    assert (night.sent, night.held, got) == (0, 1, [])
    [row] = await notices(sessions)
    assert row.status == "pending" and row.last_error == QUIET
    assert row.next_attempt_at == datetime(2026, 7, 2, 15, 0, tzinfo=UTC)  # 09:00 there
    clock.now = datetime(2026, 7, 2, 15, 1, tzinfo=UTC)
    morning = await Dispatcher(sessions, fake_telegram(send), clock=clock, limiter=no_wait()).run()
    assert morning.sent == 1 and [chat for chat, _ in got] == [1]
    assert "Mari comentó: «Escrito de madrugada.»" in got[0][1]
    again = await Dispatcher(sessions, fake_telegram(send), clock=clock, limiter=no_wait()).run()
    assert again.sent == 0 and len(got) == 1  # sent once


async def test_approval_sends_the_acta_and_a_report_tells_the_group(conversation: Conversation, plan: Plan,
                                                                    sessions: Any, clock: Clock) -> None:
    from bot.scheduler.dispatcher import messages_of
    from tests.bot.commands.test_plan_commands import sign

    await with_group(sessions)
    await said(conversation, "tg:1", f"/revision {plan.ready}")
    await sign(sessions, "tg:1", plan.ready, "aprueba")
    await sign(sessions, "tg:2", plan.ready, "aprueba")
    await sent_all(sessions)
    clock.now += timedelta(minutes=11)
    assert "Aprobado" in await said(conversation, "tg:1", f"/aprobar {plan.ready}")
    [group] = [r for r in to(await notices(sessions), "-100") if r.status == "pending"]
    assert "¡Aprobado!" in group.body
    [message] = messages_of(group)
    assert message.attachment is not None and message.attachment.kind == "document"
    assert message.attachment.filename == f"acta-compromiso-{plan.ready}.md"
    assert "Mari" in message.attachment.data.decode()
    mari_rows = [r for r in to(await notices(sessions), "2") if r.status == "pending"]
    assert mari_rows and "¡Aprobado!" in mari_rows[0].body  # she signed it


async def test_a_new_draft_from_kit_5_tells_the_group(sessions: Any, plan: Plan, clock: Clock) -> None:
    from bot.notices import write_notices

    await with_group(sessions)
    async with UnitOfWork(sessions) as uow:
        oaxaca = await uow.secretariats.named("STL Oaxaca")
        dani = await uow.people.get("tg:4")
        assert oaxaca is not None and dani is not None
        draft = await uow.commitments.create(oaxaca.id, created_by=dani.id)
        await write_notices(uow.repositories(), CONTENT, clock.now)
    [group] = to(await notices(sessions), "-100")
    assert f"Compromiso {draft.id}" in group.body and "Dani empezó este borrador" in group.body


async def test_a_report_with_evidence_tells_the_group(sessions: Any, plan: Plan, clock: Clock) -> None:
    from datetime import date

    from bot.notices import write_notices

    await with_group(sessions)
    async with UnitOfWork(sessions) as uow:
        oaxaca = await uow.secretariats.named("STL Oaxaca")
        dani = await uow.people.get("tg:4")
        assert oaxaca is not None and dani is not None
        [indicator] = await uow.plan.indicators(plan.ready)
        await uow.plan.report(indicator, value=80, note=None, evidence_kind="link", evidence="https://agua.example/r",
                              person=dani, today=date(2026, 7, 1))
        await write_notices(uow.repositories(), CONTENT, clock.now)
    [group] = to(await notices(sessions), "-100")
    assert "Dani reportó 80 % en «Colonias que conocen su horario» (periodo del 30/06/2026), con evidencia." \
        in group.body
    assert to(await notices(sessions), "1")  # Coco wrote the commitment
