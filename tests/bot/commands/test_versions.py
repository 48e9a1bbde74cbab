"""Versions bound to signatures, as people live them through the shared loop (the terminal's and
Telegram's): an edit in review refused and kept, a return to draft, a stale signature, both sectors on
the same version, the acta naming what was signed, an amendment, and /compromiso N historial."""

# ruff: noqa: F811  (the plan commands' fixtures, imported, are the parameters of these tests)
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from bot.conversation import Conversation
from storage import UnitOfWork
from storage.models import Commitment
from tests.bot.commands.test_plan_commands import Plan, conversation, plan, say, sign, stored  # noqa: F401
from tests.bot.test_conversation import Member

GOLDEN = Path(__file__).parents[2] / "golden"
# Kit 6 on the first commitment of the list, from the golden run: it rewrites the objective.
KIT6 = (GOLDEN / "kit6.in").read_text(encoding="utf-8").splitlines()
KIT6 = KIT6[KIT6.index("/kits"):]


async def answer(member: Member, text: str) -> str:
    """Type like the terminal does: a button's label taps it."""
    labels = [b.label for m in member.reply.messages for b in m.buttons]
    return await member.tap(text) if text in labels else await member.send(text)


async def kit6(member: Member) -> str:
    for line in KIT6:
        said = await answer(member, line)
    return said


async def audit(sessions: Any, action: str) -> list[dict[str, Any]]:
    async with UnitOfWork(sessions) as uow:
        coco = await uow.people.get("tg:1")
        assert coco is not None
        secretariat = await uow.secretariats.acting_for(coco)
        assert secretariat is not None
        return [e.detail for e in await uow.plan.audit_log(secretariat.id) if e.action == action]


async def person_id(sessions: Any, key: str) -> int:
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get(key)
        assert person is not None
        return person.id


async def test_an_edit_in_review_is_refused_naming_coordination_and_the_answers_are_kept(
        conversation: Conversation, sessions: Any, plan: Plan) -> None:
    assert "Es la versión 1" in await say(conversation, "tg:1", f"/revision {plan.ready}")
    mari = Member(conversation, "tg:2")
    said = await kit6(mari)
    assert "No guardé esto: El compromiso" in said and "está en revisión" in said
    assert "la coordinación (Coco)" in said and f"/estado {plan.ready} borrador" in said
    assert "Tus respuestas siguen aquí" in said
    kept = (await stored(sessions, plan.ready)).fields["objective"]
    assert kept == "Que todas las colonias conozcan su horario de agua."
    async with UnitOfWork(sessions) as uow:
        runs = await uow.runs.of_person(await uow.people.get("tg:2"))
        answers = next(r.state for r in runs if r.flow_id == "kit6")["answers"]
        assert answers["objetivo"].startswith("Que para 2027 las 38 colonias")  # nothing typed is lost
    card = await say(conversation, "tg:2", f"/compromiso {plan.ready}")
    assert "🔏 En revisión: versión 1" in card

    # coordination returns it to draft: Mari's kept answers can now be saved
    said = await say(conversation, "tg:1", f"/estado {plan.ready} borrador")
    assert "pasó de en revisión a borrador" in said
    for line in KIT6[2:]:  # the commitment asked again; the kit walks on from there
        said = await answer(mari, line)
    assert "No guardé esto" not in said
    # Coco wrote the objective: Mari is asked before her text replaces it (field ownership)
    assert "«Objetivo» ya tiene lo que escribió Coco" in said
    while "¿Qué hacemos?" in said:  # one question per field Coco wrote
        said = await answer(mari, "reemplazar")
    assert (await stored(sessions, plan.ready)).fields["objective"].startswith("Que para 2027 las 38 colonias")


async def test_a_return_to_draft_lapses_the_signatures_and_a_stale_signature_is_refused(
        conversation: Conversation, sessions: Any, plan: Plan) -> None:
    await say(conversation, "tg:1", f"/revision {plan.ready}")
    await sign(sessions, "tg:4", plan.ready, "aprueba")
    mari = Member(conversation, "tg:2")
    await mari.send("/firmar")
    said = await mari.send("1")
    assert "🔏 Versión 1 (" in said and "tu firma queda ligada a este texto" in said
    await mari.tap("Lo apruebo")

    said = await say(conversation, "tg:1", f"/estado {plan.ready} borrador")
    assert "pasó de en revisión a borrador" in said
    [returned] = [d for d in await audit(sessions, "commitment_status") if d["to"] == "borrador"]
    assert returned["lapsed"] == [await person_id(sessions, "tg:4")] and returned["version"] == 1
    async with UnitOfWork(sessions) as uow:
        assert await uow.plan.signoffs(plan.ready) == []  # Dani's signature is history now
        commitment = await uow.session.get(Commitment, plan.ready)
        assert commitment is not None
        await uow.plan.set_fields(commitment, {"objective": "Que 38 colonias conozcan su horario."}, None)
    assert "Es la versión 2" in await say(conversation, "tg:1", f"/revision {plan.ready}")

    said = await mari.send("saltar")  # her comment: the decision lands on a text she never saw
    assert "No guardé esto" in said and "cambió desde que lo abriste" in said
    assert "Así se lee ahora (versión 2)" in said and "Que 38 colonias conozcan su horario." in said
    async with UnitOfWork(sessions) as uow:
        assert await uow.plan.signoffs(plan.ready) == []
    said = await mari.send("1")
    assert "🔏 Versión 2 (" in said
    await mari.tap("Lo apruebo")
    said = await mari.send("saltar")
    assert "Registré tu decisión" in said
    async with UnitOfWork(sessions) as uow:
        [signoff] = await uow.plan.signoffs(plan.ready)
        version = await uow.plan.versions.open(plan.ready)
        assert version is not None and version.number == 2 and signoff.version_id == version.id


async def test_both_sectors_sign_the_same_version_and_the_acta_names_it_and_its_text(
        conversation: Conversation, sessions: Any, plan: Plan) -> None:
    await say(conversation, "tg:1", f"/revision {plan.ready}")
    await sign(sessions, "tg:1", plan.ready, "aprueba")
    await sign(sessions, "tg:2", plan.ready, "aprueba")
    said = await say(conversation, "tg:1", f"/aprobar {plan.ready}")
    async with UnitOfWork(sessions) as uow:
        version = await uow.plan.versions.approved(plan.ready)
        assert version is not None
    assert f"Versión aprobada: 1 (huella {version.digest[:8]})" in said
    assert "Firmas de aprobación (todas sobre la versión 1):" in said
    signed_text = said[said.index("Texto firmado (versión 1):"):]
    assert "▸ Objetivo: Que todas las colonias conozcan su horario de agua." in signed_text
    assert "▸ Fecha de término: 31/12/2026" in signed_text
    assert "▸ Calendario de tandeo publicado (01/03/2026; Comisión de Agua)" in signed_text
    assert "▸ Colonias que conocen su horario: de 30 a 100 %, trimestral, desde el 31/03/2026" in signed_text
    assert version.digest in signed_text
    assert (await stored(sessions, plan.ready)).status == "aprobado"


async def test_approval_is_refused_while_a_signature_is_on_another_text(
        conversation: Conversation, sessions: Any, plan: Plan) -> None:
    await say(conversation, "tg:1", f"/revision {plan.ready}")
    await sign(sessions, "tg:1", plan.ready, "aprueba")
    await sign(sessions, "tg:2", plan.ready, "aprueba")
    async with UnitOfWork(sessions) as uow:  # written behind the freeze, as an old client could
        commitment = await uow.session.get(Commitment, plan.ready)
        assert commitment is not None
        await uow.commitments.update_fields(commitment, {"objective": "Otro objetivo"}, None)
    said = await say(conversation, "tg:1", f"/aprobar {plan.ready}")
    assert "Todavía no se puede aprobar: la firma de Coco, Mari es sobre un texto distinto" in said
    assert f"/estado {plan.ready} borrador" in said and "No cambié nada" in said
    assert (await stored(sessions, plan.ready)).status == "en_revision"


async def test_an_amendment_of_a_milestone_date_goes_through_review_and_signature_and_shows_in_the_history(
        conversation: Conversation, sessions: Any, plan: Plan) -> None:
    await say(conversation, "tg:1", f"/revision {plan.ready}")
    await sign(sessions, "tg:1", plan.ready, "aprueba")
    await sign(sessions, "tg:2", plan.ready, "aprueba")
    await say(conversation, "tg:1", f"/aprobar {plan.ready}")
    await say(conversation, "tg:1", f"/estado {plan.ready} en implementación")

    said = await kit6(Member(conversation, "tg:2"))  # a kit on an approved commitment: an amendment is needed
    assert "ya está aprobado" in said and f"/enmienda {plan.ready}" in said
    assert "solo para la coordinación" in await say(conversation, "tg:2", f"/enmienda {plan.ready} mover fecha")
    said = await say(conversation, "tg:1", f"/enmienda {plan.ready}")
    assert "Escribe el motivo de la enmienda" in said
    said = await say(conversation, "tg:1", f"/enmienda {plan.ready} La sesión de cuentas se mueve a julio")
    assert "abrí la enmienda 1" in said and "versión 1" in said
    assert "enmienda 1" in await say(conversation, "tg:1", f"/enmienda {plan.ready} otra")

    async with UnitOfWork(sessions) as uow:  # the milestone's date corrected, as a kit's correction writes it
        commitment = await uow.session.get(Commitment, plan.ready)
        assert commitment is not None
        await uow.plan.guard(commitment)
        [_, session] = await uow.plan.milestones(plan.ready)
        session.due_date = date(2026, 7, 15)
    card = await say(conversation, "tg:2", f"/compromiso {plan.ready}")
    assert "✏️ Enmienda 1 en curso (borrador): «La sesión de cuentas se mueve a julio»" in card

    said = await say(conversation, "tg:1", f"/revision {plan.ready}")
    assert "(enmienda 1) está en revisión" in said and "Es la versión 2" in said
    mari = Member(conversation, "tg:2")
    await mari.send("/firmar")
    said = await mari.send("1")
    assert "(enmienda 1)" in said and "🔏 Versión 2" in said
    await mari.tap("Lo apruebo")
    assert "Registré tu decisión" in await mari.send("saltar")
    said = await say(conversation, "tg:1", f"/aprobar {plan.ready}")
    assert "falta la firma de Gobierno" in said  # the approved version's signatures do not count for it
    await sign(sessions, "tg:1", plan.ready, "aprueba")
    said = await say(conversation, "tg:1", f"/aprobar {plan.ready}")
    assert "¡Aprobada! La enmienda 1" in said and "ACTA DE APROBACIÓN DE LA ENMIENDA 1 DEL COMPROMISO" in said
    assert "Versión aprobada: 2" in said
    assert "▸ Primera sesión pública de cuentas (15/07/2026; Comisión de Agua)" in said
    assert (await stored(sessions, plan.ready)).status == "en_implementacion"

    history = await say(conversation, "tg:2", f"/compromiso {plan.ready} historial")
    assert history.startswith("📜 Historial de «Agua con horarios claros»")
    order = ["versión 1 (", "Coco (Gobierno) aprueba la versión 1", "versión 1 aprobada",
             "abrió la enmienda 1: «La sesión de cuentas se mueve a julio»",
             "versión 2 (", "Mari (Sociedad civil) aprueba la versión 2", "versión 2 aprobada (enmienda 1)"]
    assert "Lo anterior: /compromiso" in history.splitlines()[-1]  # the newest page first
    pages = int(history.splitlines()[0].rsplit(" ", 1)[1].rstrip(":"))
    everything = "\n".join([await say(conversation, "tg:2", f"/compromiso {plan.ready} historial {page}")
                            for page in range(1, pages + 1)])
    assert everything.endswith(history)
    positions = [everything.index(item) for item in order]
    assert positions == sorted(positions)
    assert "enviada a revisión por Coco (enmienda 1); cambió: hitos" in everything
    assert "Mari (Sociedad civil) aprueba la versión 1" in everything and "ya no cuenta" not in everything
    assert "cambió Objetivo: «Que todas las colonias conozcan su horario de agua.»" in everything
    assert all(len(m) < 4096 for m in everything.split("📜")), "each page fits a phone message"
    said = await say(conversation, "tg:2", f"/compromiso {plan.ready} historial 99")
    assert "El historial tiene" in said
