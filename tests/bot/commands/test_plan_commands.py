"""The plan commands through the shared loop: list, card, indicators, review, approval, status, IRM level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.conversation import Conversation
from flows.inputs import Command
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Commitment, Signoff
from tests.bot.test_conversation import Member

CONTENT = load_checked()
NOW = datetime(2026, 7, 1, 17, 0, tzinfo=UTC)  # 11:00 in Mexico City

READY: dict[str, Any] = {
    "title": "Agua con horarios claros",
    "problem": "Las colonias del oriente reciben agua sin aviso.",
    "baseline": "3 de cada 10 colonias conocen su horario.",
    "causes": "No se publica el calendario de tandeo.",
    "objective": "Que todas las colonias conozcan su horario de agua.",
    "ogp_values": ["transparencia", "rendicion_de_cuentas"],
    "ogp_values_explanation": "Se publica el calendario y se rinden cuentas cada trimestre.",
    "ods_targets": ["6.1"],
    "start_date": "2026-01-01",
    "end_date": "2026-12-31",
}


@dataclass
class Plan:
    ready: int  # a complete draft
    draft: int  # a draft with only a title
    other: int  # a commitment of another secretariat


async def _person(uow: UnitOfWork, key: str, name: str, sector: str) -> Any:
    person = await uow.people.get_or_create(key, name=name)
    person.sector, person.consent_at = sector, NOW
    return person


@pytest.fixture
async def plan(sessions: Any) -> Plan:
    """STL Oaxaca: Coco coordinates (gobierno), Mari is a member (sociedad civil), Dani a member
    (sociedad civil). STL Puebla: Pablo coordinates."""
    async with UnitOfWork(sessions) as uow:
        oaxaca = await uow.secretariats.add("STL Oaxaca")
        puebla = await uow.secretariats.add("STL Puebla")
        coco = await _person(uow, "tg:1", "Coco", "gobierno")
        mari = await _person(uow, "tg:2", "Mari", "sociedad_civil")
        dani = await _person(uow, "tg:4", "Dani", "sociedad_civil")
        pablo = await _person(uow, "tg:3", "Pablo", "gobierno")
        await uow.memberships.add(coco, oaxaca, "coordinator")
        await uow.memberships.add(mari, oaxaca, "member")
        await uow.memberships.add(dani, oaxaca, "member")
        await uow.memberships.add(pablo, puebla, "coordinator")
        ready = await uow.commitments.create(oaxaca.id, created_by=coco.id)
        await uow.plan.set_fields(ready, READY, coco)
        done = await uow.plan.add_milestone(ready, output="Calendario de tandeo publicado", due_date=date(2026, 3, 1),
                                            responsible="Comisión de Agua", person=coco)
        await uow.plan.mark_done(done, coco)
        await uow.plan.add_milestone(ready, output="Primera sesión pública de cuentas", due_date=date(2026, 6, 1),
                                     responsible="Comisión de Agua", person=coco)
        indicator = await uow.plan.add_indicator(
            ready, name="Colonias que conocen su horario", unit="%", baseline=30, target=100,
            frequency="trimestral", first_due=date(2026, 3, 31), person=coco)
        await uow.plan.report(indicator, value=65, note=None, evidence_kind=None, evidence=None, person=mari,
                              today=date(2026, 4, 2))
        draft = await uow.commitments.create(oaxaca.id, created_by=mari.id)
        await uow.plan.set_fields(draft, {"title": "Presupuesto abierto"}, mari)
        other = await uow.commitments.create(puebla.id, created_by=pablo.id)
        await uow.plan.set_fields(other, {**READY, "title": "Baches de Puebla"}, pablo)
        return Plan(ready.id, draft.id, other.id)


@pytest.fixture
def conversation(sessions: Any) -> Conversation:
    return Conversation(lambda: CONTENT, sessions, clock=lambda: NOW)


async def say(conversation: Conversation, key: str, text: str) -> str:
    name, _, args = text[1:].partition(" ")
    reply = await conversation.handle(key, Command(name, args))
    return "\n".join(m.text for m in reply.messages)


async def stored(sessions: Any, commitment_id: int) -> Commitment:
    async with UnitOfWork(sessions) as uow:
        found = await uow.session.get(Commitment, commitment_id)
        assert found is not None
        return found


async def sign(sessions: Any, key: str, commitment_id: int, decision: str, reason: str | None = None) -> None:
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get(key)
        commitment = await uow.session.get(Commitment, commitment_id)
        assert person is not None and commitment is not None
        await uow.plan.sign(commitment, person, decision, reason)


async def test_a_member_lists_the_commitments_with_status_and_progress(conversation: Conversation, plan: Plan) -> None:
    said = await say(conversation, "tg:2", "/compromisos")
    assert "Compromisos de STL Oaxaca:" in said
    # one of two milestones done (50 %), the indicator at 65 of 30→100 (50 %): 50 % in all
    assert f"{plan.ready}. Agua con horarios claros · borrador\n    ▰▰▰▰▰▱▱▱▱▱ 50 %" in said
    assert f"{plan.draft}. Presupuesto abierto · borrador\n    sin datos" in said
    assert "Baches de Puebla" not in said
    assert f"/compromiso {plan.ready}" in said


async def test_the_card_shows_everything_and_what_is_missing(conversation: Conversation, plan: Plan) -> None:
    card = await say(conversation, "tg:2", f"/compromiso {plan.ready}")
    assert f"Compromiso {plan.ready}: Agua con horarios claros" in card
    assert "Estado: borrador · Nivel de cumplimiento (IRM): no iniciado" in card
    assert "Problema: Las colonias del oriente reciben agua sin aviso." in card
    assert "Transparencia" in card and "6.1 " in card  # labels from the catalogs
    assert "✔ Calendario de tandeo publicado · 01/03/2026" in card
    assert "○ Primera sesión pública de cuentas" in card
    assert "Colonias que conocen su horario: último valor 65 % (periodo del 31/03/2026) · ▰▰▰▰▰▱▱▱▱▱ 50 %" in card
    assert "/revision " in card and "Completitud del diseño: alta (5 de 5 elementos)." in card
    assert "Potencial de resultados (provisional)" not in card
    draft = await say(conversation, "tg:2", f"/compromisos {plan.draft}")
    assert "Lo que falta antes de enviarlo a revisión:" in draft
    assert "• Falta describir el problema público que atiende." in draft


async def test_a_number_of_another_secretariat_or_none_is_not_found(conversation: Conversation, plan: Plan) -> None:
    for text in (f"/compromiso {plan.other}", "/compromiso 999", "/compromiso agua"):
        said = await say(conversation, "tg:2", text)
        assert "No encuentro el compromiso" in said and "Baches" not in said
    said = await say(conversation, "tg:3", f"/compromiso {plan.ready}")
    assert "No encuentro el compromiso" in said and "Agua" not in said
    assert "¿Cuál compromiso?" in await say(conversation, "tg:2", "/compromiso")


async def test_someone_in_no_secretariat_is_told_kindly(conversation: Conversation, sessions: Any, plan: Plan) -> None:
    async with UnitOfWork(sessions) as uow:
        await _person(uow, "tg:9", "Sol", "academia")
    said = await say(conversation, "tg:9", "/compromisos")
    assert "necesitas pertenecer a un secretariado" in said


async def test_indicators_show_next_dates_and_flag_late_ones(conversation: Conversation, plan: Plan) -> None:
    said = await say(conversation, "tg:2", "/indicadores")
    # March was reported; June 30 passed without a report on July 1st
    assert "⚠ Colonias que conocen su horario" in said
    assert "Reporte atrasado desde el 30/06/2026" in said
    assert "último valor 65 %" in said
    assert "Baches" not in said


async def test_review_lists_what_is_missing_and_changes_nothing(conversation: Conversation, sessions: Any,
                                                                plan: Plan) -> None:
    said = await say(conversation, "tg:1", f"/revision {plan.draft}")
    assert "Todavía no puedo enviar «Presupuesto abierto» a revisión" in said
    assert "• Falta al menos un hito" in said and "No cambié nada" in said
    assert (await stored(sessions, plan.draft)).status == "borrador"


async def test_only_a_coordinator_of_the_secretariat_sends_to_review(conversation: Conversation, sessions: Any,
                                                                     plan: Plan) -> None:
    said = await say(conversation, "tg:2", f"/revision {plan.ready}")
    assert "solo para la coordinación" in said
    said = await say(conversation, "tg:3", f"/revision {plan.ready}")  # coordinates another secretariat
    assert "No encuentro el compromiso" in said
    assert (await stored(sessions, plan.ready)).status == "borrador"
    said = await say(conversation, "tg:2", f"/aprobar {plan.ready}")
    assert "solo para la coordinación" in said
    said = await say(conversation, "tg:3", f"/estado {plan.ready} cancelado")
    assert "No encuentro el compromiso" in said
    assert (await stored(sessions, plan.ready)).status == "borrador"


async def test_review_signoffs_and_approval_with_the_acta(conversation: Conversation, sessions: Any,
                                                          plan: Plan) -> None:
    said = await say(conversation, "tg:1", f"/revision {plan.ready}")
    assert "está en revisión" in said and "Gobierno y Sociedad civil" in said
    assert "/firmar" in said and f"/aprobar {plan.ready}" in said
    assert (await stored(sessions, plan.ready)).status == "en_revision"

    await sign(sessions, "tg:1", plan.ready, "aprueba")
    card = await say(conversation, "tg:2", f"/compromiso {plan.ready}")
    assert "Para aprobarlo falta la firma de: Sociedad civil." in card and "Coco (Gobierno) aprueba" in card
    said = await say(conversation, "tg:1", f"/aprobar {plan.ready}")
    assert "falta la firma de Sociedad civil" in said
    assert (await stored(sessions, plan.ready)).status == "en_revision"

    await sign(sessions, "tg:4", plan.ready, "disiente", "No hay presupuesto asignado")
    await sign(sessions, "tg:2", plan.ready, "aprueba")
    card = await say(conversation, "tg:2", f"/compromiso {plan.ready}")
    assert "Dani (Sociedad civil) disiente · " in card and "«No hay presupuesto asignado»" in card
    assert f"Ya firmaron todos los sectores necesarios: la coordinación puede aprobarlo con /aprobar {plan.ready}" \
        in card

    said = await say(conversation, "tg:1", f"/aprobar {plan.ready}")
    assert "¡Aprobado! «Agua con horarios claros»" in said
    assert "ACTA DE APROBACIÓN" in said and "Secretariado: STL Oaxaca" in said
    signed, _, dissents = said.partition("Desacuerdos registrados:")
    assert "• Coco (Gobierno), " in signed and "• Mari (Sociedad civil), " in signed and "Dani" not in signed
    assert "• Dani (Sociedad civil), " in dissents and "«No hay presupuesto asignado»" in dissents
    approved = await stored(sessions, plan.ready)
    assert approved.status == "aprobado" and approved.approved_at is not None

    said = await say(conversation, "tg:1", f"/aprobar {plan.ready}")
    assert "No cambié nada" in said


async def test_status_and_irm_level_typed_loosely(conversation: Conversation, sessions: Any, plan: Plan) -> None:
    said = await say(conversation, "tg:1", f"/avance_irm {plan.ready} sustancial")
    assert "cuando ya fue aprobado" in said
    said = await say(conversation, "tg:1", f"/estado {plan.ready} en implementación")
    assert "no puede pasar a en implementación" in said and "No cambié nada" in said
    said = await say(conversation, "tg:1", f"/estado {plan.ready} aprobado")
    assert f"/aprobar {plan.ready}" in said
    said = await say(conversation, "tg:1", f"/estado {plan.ready} terminado")
    assert "No reconocí el estado «terminado»" in said
    said = await say(conversation, "tg:1", "/estado cancelado")
    assert "Escribe el número del compromiso y su nuevo estado" in said
    assert (await stored(sessions, plan.ready)).status == "borrador"

    async with UnitOfWork(sessions) as uow:  # approved by the book: review, two sectors, approval
        coco, mari = await uow.people.get("tg:1"), await uow.people.get("tg:2")
        commitment = await uow.session.get(Commitment, plan.ready)
        assert coco and mari and commitment
        await uow.plan.move(commitment, "en_revision", coco)
        await uow.plan.sign(commitment, coco, "aprueba", None)
        await uow.plan.sign(commitment, mari, "aprueba", None)
        await uow.plan.move(commitment, "aprobado", coco)

    said = await say(conversation, "tg:1", f"/estado {plan.ready} EN IMPLEMENTACION")
    assert "pasó de aprobado a en implementación" in said
    said = await say(conversation, "tg:1", f"/avance_irm {plan.ready} No Iniciado")
    assert "ya está" not in said and "«no iniciado»" in said
    said = await say(conversation, "tg:1", f"/avance_irm {plan.ready} Sustancial")
    assert "ahora es «sustancial»" in said
    said = await say(conversation, "tg:1", f"/avance_irm {plan.ready} casi")
    assert "No reconocí el nivel «casi»" in said
    said = await say(conversation, "tg:2", f"/avance_irm {plan.ready} completo")
    assert "solo para la coordinación" in said
    done = await stored(sessions, plan.ready)
    assert (done.status, done.irm_completion) == ("en_implementacion", "sustancial")
    said = await say(conversation, "tg:1", f"/estado {plan.ready} concluido")
    assert "pasó de en implementación a concluido" in said
    said = await say(conversation, "tg:1", f"/estado {plan.ready} cancelado")
    assert "ya no puede cambiar de estado" in said


async def test_a_report_is_saved_for_the_period_chosen_or_refused_never_moved(conversation: Conversation,
                                                                              sessions: Any, plan: Plan) -> None:
    """Dani picks the period due 30/06/2026 and answers; Mari reports that period first; when Dani
    confirms, nothing of his is saved, for that period or the next, and he is told why and by whom."""
    dani = Member(conversation, "tg:4")
    await dani.send("/reportar")
    assert [b.label for m in dani.reply.messages for b in m.buttons] == [
        "Colonias que conocen su horario (trimestral, vence 30/06/2026)"]
    await dani.send("1")
    for answer in ("70", "saltar", "saltar"):
        await dani.send(answer)
    assert "Vas a reportar" in dani.said

    async with UnitOfWork(sessions) as uow:  # meanwhile Mari reports the same period
        mari = await uow.people.get("tg:2")
        [indicator] = await uow.plan.indicators(plan.ready)
        report = await uow.plan.report(indicator, value=80, note=None, evidence_kind=None, evidence=None,
                                       person=mari, today=date(2026, 7, 1))
        assert report.period_due == date(2026, 6, 30)

    said = await dani.tap("Confirmar")
    assert "Registré" not in said
    assert ("Mari ya reportó 80 % en «Colonias que conocen su horario» para el periodo que vence el 30/06/2026"
            in said)
    assert "no guardé el tuyo (70 %), ni en ese periodo ni en otro" in said
    assert "coméntalo con quien lo reportó o con tu coordinación" in said
    assert "Si tu valor es de otro periodo, elige el indicador otra vez: el que toca ahora vence el 30/09/2026" \
        in said
    assert [b.label for m in dani.reply.messages for b in m.buttons] == [  # asked again, with the new period
        "Colonias que conocen su horario (trimestral, vence 30/09/2026)"]
    async with UnitOfWork(sessions) as uow:
        [indicator] = await uow.plan.indicators(plan.ready)
        assert [(r.period_due, r.value) for r in await uow.plan.reports(indicator.id)] == [
            (date(2026, 3, 31), 65), (date(2026, 6, 30), 80)]

    await dani.send("1")  # he chooses the next period knowingly
    for answer in ("70", "saltar", "saltar"):
        await dani.send(answer)
    said = await dani.tap("Confirmar")
    assert "Registré 70" in said
    async with UnitOfWork(sessions) as uow:
        [indicator] = await uow.plan.indicators(plan.ready)
        assert [(r.period_due, r.value) for r in await uow.plan.reports(indicator.id)][-1] == (date(2026, 9, 30), 70)


async def test_a_signoff_begun_in_an_earlier_review_round_does_not_count_in_the_new_one(
        conversation: Conversation, sessions: Any, plan: Plan) -> None:
    """Mari opens /firmar in round 1 and stops; the commitment goes back to draft, its objective is
    rewritten and round 2 opens; when Mari resumes and approves, her approval is refused, she is shown
    the objective as it reads now and asked again."""
    assert "está en revisión" in await say(conversation, "tg:1", f"/revision {plan.ready}")
    mari = Member(conversation, "tg:2")
    await mari.send("/firmar")
    said = await mari.send("1")
    assert "Objetivo: Que todas las colonias conozcan su horario de agua." in said  # round 1's text

    assert "pasó de en revisión a borrador" in await say(conversation, "tg:1", f"/estado {plan.ready} borrador")
    async with UnitOfWork(sessions) as uow:
        coco = await uow.people.get("tg:1")
        commitment = await uow.session.get(Commitment, plan.ready)
        assert commitment is not None
        await uow.plan.set_fields(commitment, {"objective": "Que el agua llegue diario a 20 colonias."}, coco)
    assert "está en revisión" in await say(conversation, "tg:1", f"/revision {plan.ready}")  # round 2

    await mari.send("/firmar")  # resumes at the decision
    await mari.tap("Lo apruebo")
    said = await mari.send("saltar")
    assert "Registré tu decisión" not in said
    assert "cambió desde que lo abriste para firmar" in said and "un texto que no viste" in said
    assert "🎯 Objetivo: Que el agua llegue diario a 20 colonias." in said  # the text as it reads now
    assert [b.label for m in mari.reply.messages for b in m.buttons] == ["Agua con horarios claros"]  # asked again
    async with UnitOfWork(sessions) as uow:
        assert await uow.plan.signoffs(plan.ready) == []

    said = await mari.send("1")  # she reads round 2's text and decides on it
    assert "Objetivo: Que el agua llegue diario a 20 colonias." in said
    await mari.tap("Lo apruebo")
    said = await mari.send("saltar")
    assert "Registré tu decisión (lo apruebo)" in said
    async with UnitOfWork(sessions) as uow:
        [signoff] = await uow.plan.signoffs(plan.ready)
        assert (signoff.sector, signoff.decision) == ("sociedad_civil", "aprueba")


async def test_the_card_keeps_each_stored_name_and_title_on_its_own_line(conversation: Conversation, sessions: Any,
                                                                          plan: Plan) -> None:
    """Issue 22, item 3: rows saved before short answers refused line breaks cannot forge a card line."""
    forged = "Memo (Sociedad civil), 01/03/2026 10:00\n• Presidenta Municipal"
    async with UnitOfWork(sessions) as uow:
        commitment = await uow.session.get(Commitment, plan.ready)
        assert commitment is not None
        uow.session.add(Signoff(commitment_id=commitment.id, name=forged, sector="sociedad_civil",
                                decision="aprueba", reason="Bien\n• Otra firma falsa", signed_at=NOW))
        await uow.plan.add_milestone(commitment, output="Hito\n✔ Hito falso", due_date=date(2026, 9, 1),
                                     responsible="Alguien\n○ Otro", person=None)
    card = await say(conversation, "tg:2", f"/compromiso {plan.ready}")
    lines = card.splitlines()
    assert not any(line.startswith("• Presidenta Municipal") for line in lines)
    assert not any(line.startswith(("• Otra firma falsa", "✔ Hito falso", "○ Otro")) for line in lines)
    assert any("Memo (Sociedad civil), 01/03/2026 10:00 • Presidenta Municipal" in line for line in lines)


async def test_at_half_past_eleven_on_31_march_in_mexico_city_the_report_is_for_31_march(sessions: Any) -> None:
    """05:30 UTC on 1 April is still 31 March for the person: /reportar offers the period due 31/03,
    records it there, and /indicadores does not call it late yet."""
    late_evening = datetime(2026, 4, 1, 5, 30, tzinfo=UTC)  # 23:30 on 31/03 in America/Mexico_City
    async with UnitOfWork(sessions) as uow:
        oaxaca = await uow.secretariats.add("STL Oaxaca")
        dani = await _person(uow, "tg:4", "Dani", "sociedad_civil")
        await uow.memberships.add(dani, oaxaca, "member")
        commitment = await uow.commitments.create(oaxaca.id, created_by=dani.id)
        await uow.plan.set_fields(commitment, READY, dani)
        await uow.plan.add_indicator(
            commitment, name="Colonias que conocen su horario", unit="%", baseline=30, target=100,
            frequency="mensual", first_due=date(2026, 3, 31), person=dani)
    member = Member(Conversation(lambda: CONTENT, sessions, clock=lambda: late_evening), "tg:4")
    listed = await member.send("/indicadores")
    assert "Próximo reporte: 31/03/2026" in listed and "atrasado" not in listed and "⚠" not in listed
    await member.send("/reportar")
    assert [b.label for m in member.reply.messages for b in m.buttons] == [
        "Colonias que conocen su horario (mensual, vence 31/03/2026)"]
    await member.send("1")
    for answer in ("70", "saltar", "saltar"):
        await member.send(answer)
    said = await member.tap("Confirmar")
    assert "Registré 70" in said
    async with UnitOfWork(sessions) as uow:
        [indicator] = await uow.plan.indicators(commitment.id)
        assert [(r.period_due, r.value) for r in await uow.plan.reports(indicator.id)] == [(date(2026, 3, 31), 70)]
