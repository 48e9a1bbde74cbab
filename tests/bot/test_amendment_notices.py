# ruff: noqa: F811 - `plan` and the notices' fixtures are imported, then used as parameters
"""An amendment's round told through notices, like its commitment's own: opened (with its reason),
sent to review (each required sector asked to sign, with a «Firmar» button that opens on the version in
review), returned to draft (each lapsed signer told), approved (with the acta). Each event once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.conversation import Conversation
from flows.inputs import Tap, Text
from storage import UnitOfWork
from storage.models import Commitment, OutboxMessage
from tests.bot.commands.test_plan_commands import Plan, plan, sign  # noqa: F401 - the fixture
from tests.bot.test_notices import Clock, clock, conversation, notices, said, sent_all, to, with_group  # noqa: F401

REASON = "La sesión de cuentas se mueve a julio"


async def approved_then_amended(conversation: Conversation, sessions: Any, plan: Plan, clock: Clock) -> None:
    """Commitment `ready` approved (Coco and Mari signed version 1), its amendment 1 opened by Coco."""
    await with_group(sessions)
    await said(conversation, "tg:1", f"/revision {plan.ready}")
    await sign(sessions, "tg:1", plan.ready, "aprueba")
    await sign(sessions, "tg:2", plan.ready, "aprueba")
    await said(conversation, "tg:1", f"/aprobar {plan.ready}")
    await later(sessions, clock)
    assert "abrí la enmienda 1" in await said(conversation, "tg:1", f"/enmienda {plan.ready} {REASON}")


async def later(sessions: Any, clock: Clock) -> None:
    """Every notice so far sent, and the grouping window over: the next event opens new rows."""
    await sent_all(sessions)
    clock.now += timedelta(minutes=11)


async def pending(sessions: Any, address: str) -> list[OutboxMessage]:
    return [r for r in to(await notices(sessions), address) if r.status == "pending"]


async def edit_and_send(conversation: Conversation, sessions: Any, plan: Plan, day: int) -> None:
    async with UnitOfWork(sessions) as uow:  # the milestone's date corrected in the amendment's draft
        commitment = await uow.session.get(Commitment, plan.ready)
        assert commitment is not None
        await uow.plan.guard(commitment)
        [_, session] = await uow.plan.milestones(plan.ready)
        session.due_date = date(2026, 7, day)
    await said(conversation, "tg:1", f"/revision {plan.ready}")


async def test_an_opened_amendment_tells_the_group_the_writer_and_the_signers_with_its_reason(
        conversation: Conversation, sessions: Any, plan: Plan, clock: Clock) -> None:
    await approved_then_amended(conversation, sessions, plan, clock)
    [group] = await pending(sessions, "-100")
    assert f"Coco abrió la enmienda 1 de la versión 1: «{REASON}»" in group.body
    assert group.body.count("\n• ") == 1 and group.buttons is None
    [mari] = await pending(sessions, "2")  # she signed version 1: her signature stops counting
    assert "abrió la enmienda 1" in mari.body and "cada sector firmará de nuevo" in mari.body
    assert await pending(sessions, "1") == []  # Coco opened it
    assert await pending(sessions, "4") == []  # Dani neither wrote nor signed it
    assert await pending(sessions, "3") == []  # Pablo is of another secretariat


async def test_an_amendment_in_review_asks_each_sector_to_sign_and_the_button_opens_on_its_version(
        conversation: Conversation, sessions: Any, plan: Plan, clock: Clock) -> None:
    await approved_then_amended(conversation, sessions, plan, clock)
    await later(sessions, clock)
    await edit_and_send(conversation, sessions, plan, 15)
    [group] = await pending(sessions, "-100")
    assert "Coco envió la enmienda 1 a revisión (versión 2)" in group.body and group.buttons is None
    asked = {address: (await pending(sessions, address)) for address in ("2", "4")}
    for address, [row] in asked.items():
        assert "La enmienda 1 está en revisión (versión 2) y tu sector debe firmarla" in row.body, address
        assert row.body.count("\n• ") == 1
    [button] = asked["2"][0].buttons
    assert button["label"] == "✍️ Firmar" and button["value"].startswith(f"{plan.ready}@")

    for forged in (f"{plan.other}@1", "nada@1"):  # another secretariat's commitment, or none: nothing opens
        assert "No encuentro el compromiso" in await said(conversation, "tg:2", Tap(forged, "/firmar"))
    signing = await said(conversation, "tg:2", Tap(button["value"], button["step_id"]))
    assert "¿Qué compromiso en revisión vas a firmar?" not in signing  # already chosen
    assert "(enmienda 1)" in signing and "🔏 Versión 2 (" in signing
    assert "¿Cuál es tu decisión sobre este compromiso?" in signing
    await said(conversation, "tg:2", Tap("aprueba", "decision"))
    assert "Registré tu decisión" in await said(conversation, "tg:2", Text("saltar"))
    async with UnitOfWork(sessions) as uow:
        [signoff] = await uow.plan.signoffs(plan.ready)
        version = await uow.plan.versions.open(plan.ready)
        assert version is not None and version.number == 2 and signoff.version_id == version.id


async def test_a_returned_amendment_tells_each_lapsed_signer_and_a_stale_button_is_refused_kindly(
        conversation: Conversation, sessions: Any, plan: Plan, clock: Clock) -> None:
    await approved_then_amended(conversation, sessions, plan, clock)
    await later(sessions, clock)
    await edit_and_send(conversation, sessions, plan, 15)
    [old_button] = (await pending(sessions, "4"))[0].buttons
    await sign(sessions, "tg:2", plan.ready, "aprueba")
    await later(sessions, clock)

    await said(conversation, "tg:1", f"/estado {plan.ready} borrador")
    [mari] = await pending(sessions, "2")
    assert "Coco regresó la enmienda 1 a borrador: tu firma de la versión 2 ya no aplica" in mari.body
    [group] = await pending(sessions, "-100")
    assert "Coco regresó la enmienda 1 a borrador para cambios (la versión 2 ya no está en revisión)" in group.body
    assert await pending(sessions, "4") == []  # Dani had not signed: nothing of his lapsed

    refused = await said(conversation, "tg:4", Tap(old_button["value"], old_button["step_id"]))
    assert "Solo se firma un compromiso que está en revisión" in refused  # nothing to sign in a draft
    await later(sessions, clock)
    await edit_and_send(conversation, sessions, plan, 20)
    stale = await said(conversation, "tg:4", Tap(old_button["value"], old_button["step_id"]))
    assert "cambió desde que lo abriste" in stale and "Así se lee ahora (versión 3)" in stale
    assert "¿Qué compromiso en revisión vas a firmar?" in stale  # a second chance, on the text as it is
    async with UnitOfWork(sessions) as uow:
        assert await uow.plan.signoffs(plan.ready) == []  # nothing was signed
    [fresh] = (await pending(sessions, "4"))[0].buttons
    assert fresh["value"] != old_button["value"]
    assert "🔏 Versión 3 (" in await said(conversation, "tg:4", Tap(fresh["value"], fresh["step_id"]))


async def test_an_approved_amendment_tells_group_writer_and_signers_with_the_acta(
        conversation: Conversation, sessions: Any, plan: Plan, clock: Clock) -> None:
    from bot.scheduler.dispatcher import messages_of

    await approved_then_amended(conversation, sessions, plan, clock)
    await edit_and_send(conversation, sessions, plan, 15)
    await sign(sessions, "tg:1", plan.ready, "aprueba")
    await sign(sessions, "tg:4", plan.ready, "aprueba")
    await later(sessions, clock)
    assert "¡Aprobada! La enmienda 1" in await said(conversation, "tg:1", f"/aprobar {plan.ready}")
    for address in ("-100", "4"):  # the group; Dani signed the amendment
        [row] = await pending(sessions, address)
        assert f"¡Aprobada la enmienda 1! Coco registró la aprobación de la versión 2 («{REASON}»)" in row.body
        assert row.body.count("\n• ") == 1
        [message] = messages_of(row)
        assert message.attachment is not None and message.attachment.filename == f"acta-compromiso-{plan.ready}.md"
        assert "ENMIENDA 1" in message.attachment.data.decode()
    assert await pending(sessions, "2") == []  # Mari's signature was on version 1, which is history
    told = "\n".join(r.body for r in to(await notices(sessions), "-100"))  # the group heard each step once
    for line in ("abrió la enmienda 1", "envió la enmienda 1 a revisión", "¡Aprobada la enmienda 1!"):
        assert told.count(line) == 1, line
